// <ch-pull-push>: the live pull-vs-push diagram. It wakes the time-zero panel that
// PullPushDiagram.astro rendered and animates it: the run, the geometry, what is drawn when and
// every sentence come from src/lib/pull-push-diagram.ts; every arrow, dot and counter is read
// from the same simulation at the same market time, so the drawing and the numbers agree.
// Animation runs on requestAnimationFrame and only while the diagram is on screen and the tab is
// visible; with prefers-reduced-motion there is no motion, only "Next event". A settings change
// starts the run again from 0 s (said in the status line and the live region), so nothing the
// reader watched is rewritten. The element exposes its state as data-* for tests:
// data-state (playing|paused|ended), data-sim-ms, data-poll-ms, data-tick-rate, data-seed,
// data-latency-ms, data-run (how many runs have started).
// Over ~400 lines because it draws every spec each frame and wires the controls; the run, the
// geometry and the wording are in src/lib/pull-push-diagram.ts.
import { formatSeconds, type PollingSim } from '../../lib/polling-sim.ts';
import {
	DIAGRAM_DEFAULTS,
	HORIZON_MS,
	LANE,
	buildSpecs,
	clockCaption,
	describeSummary,
	eventSentence,
	formatRate,
	markerId,
	pollingReadout,
	pxPerMs,
	runDiagram,
	streamingReadout,
	windowMs,
	type DiagramSettings,
	type LaneKey,
	type Party,
	type Spec,
} from '../../lib/pull-push-diagram.ts';

const SVG_NS = 'http://www.w3.org/2000/svg';
/** Longest real-time step one frame may take (a resumed tab must not jump). */
const MAX_FRAME_MS = 100;

interface Drawn {
	spec: Spec;
	node: SVGElement;
	/** Updates the drawing at time t; returns true when nothing about it changes any more. */
	update(t: number): boolean;
}

function svg<K extends keyof SVGElementTagNameMap>(
	name: K,
	attributes: Record<string, string | number>,
	text?: string,
): SVGElementTagNameMap[K] {
	const node = document.createElementNS(SVG_NS, name);
	for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, String(value));
	if (text !== undefined) node.textContent = text;
	return node;
}

const xPct = (party: Party): number => (party === 'code' ? LANE.codeXPct : LANE.serverXPct);

/** One lane's drawing: adds specs as their time comes, updates the moving ones, drops old ones. */
class Lane {
	private readonly track: SVGGElement;
	private readonly readout: HTMLElement;
	private specs: Spec[] = [];
	private next = 0;
	private drawn: Drawn[] = [];
	private moving: Drawn[] = [];
	private pipe: SVGRectElement | undefined;
	private pipeFromY = 0;
	private readoutText = '';
	private scale = 0.05;
	private keepMs = 0;

	constructor(
		svgRoot: SVGSVGElement,
		readout: HTMLElement,
		private readonly markers: (tone: string) => string,
	) {
		this.track = svgRoot.querySelector('[data-track]') as SVGGElement;
		this.readout = readout;
		this.readoutText = readout.textContent ?? '';
	}

	/** Starts over with new specs at time 0. */
	reset(specs: Spec[], scale: number, pipeFromMs: number | null): void {
		this.track.replaceChildren();
		this.specs = specs;
		this.scale = scale;
		this.keepMs = windowMs(scale) + 1000;
		this.next = 0;
		this.drawn = [];
		this.moving = [];
		this.pipe = undefined;
		if (pipeFromMs !== null) {
			this.pipeFromY = pipeFromMs * scale;
			this.pipe = svg('rect', {
				class: 'pp-pipe',
				x: `${LANE.codeXPct}%`,
				y: this.pipeFromY,
				width: `${LANE.serverXPct - LANE.codeXPct}%`,
				height: 0,
				rx: 6,
			});
			this.track.append(this.pipe);
		}
	}

	/** Builds the drawing of one spec (created nodes and textContent only). */
	private draw(spec: Spec): Drawn {
		const y = (t: number): number => t * this.scale;
		const inset = LANE.labelInsetPx;
		if (spec.kind === 'dot') {
			const dot = svg('circle', {
				class: 'pp-dot',
				cx: `${LANE.serverXPct}%`,
				cy: y(spec.startMs),
				r: LANE.dotRadiusPx,
			});
			return {
				spec,
				node: dot,
				update(t) {
					if (spec.missedMs === null) return true;
					if (t < spec.missedMs) return false;
					dot.classList.add('pp-missed');
					return true;
				},
			};
		}
		if (spec.kind === 'label') {
			const code = spec.column === 'code';
			const text = svg('text', {
				class: code ? `ch-msg-label ch-tone-${spec.tone}` : 'pp-tick',
				x: `${xPct(spec.column)}%`,
				dx: code ? inset : -inset,
				// Code column: just above the message landing there; server column: just above the
				// dot, clear of the message leaving it.
				y: y(spec.startMs) - 4,
				'text-anchor': code ? 'start' : 'end',
			});
			let shown = -1;
			return {
				spec,
				node: text,
				update(t) {
					let index = shown;
					while (index + 1 < spec.texts.length && spec.texts[index + 1].atMs <= t) index++;
					if (index !== shown) {
						shown = index;
						text.textContent = spec.texts[index].text;
					}
					const settled = shown === spec.texts.length - 1;
					if (spec.missedMs === null) return settled;
					const missed = settled && t >= spec.missedMs;
					if (missed) text.classList.add('pp-missed');
					return missed;
				},
			};
		}
		const group = svg('g', { class: `ch-tone-${spec.tone}` });
		const fromX = xPct(spec.from);
		const toX = xPct(spec.from === 'code' ? 'server' : 'code');
		const y0 = y(spec.startMs);
		const line = svg('line', {
			class: 'ch-msg-line',
			x1: `${fromX}%`,
			y1: y0,
			// A hair towards the far side, so the arrowhead points the right way from the start.
			x2: `${fromX + Math.sign(toX - fromX) * 0.1}%`,
			y2: y0,
			'marker-end': `url(#${this.markers(spec.tone)})`,
		});
		group.append(line);
		if (spec.startLabel) {
			group.append(
				svg(
					'text',
					{
						class: 'ch-msg-label',
						x: `${LANE.codeXPct}%`,
						dx: inset,
						y: y0 - 4,
					},
					spec.startLabel,
				),
			);
		}
		let endLabel: SVGTextElement | undefined;
		if (spec.endLabel) {
			endLabel = svg(
				'text',
				{
					class: 'ch-msg-label',
					x: `${LANE.codeXPct}%`,
					dx: inset,
					y: y(spec.endMs) - 4,
					visibility: 'hidden',
				},
				spec.endLabel,
			);
			group.append(endLabel);
		}
		return {
			spec,
			node: group,
			update(t) {
				const span = spec.endMs - spec.startMs;
				const fraction = span <= 0 ? 1 : Math.min(1, Math.max(0, (t - spec.startMs) / span));
				if (fraction <= 0) return false;
				line.setAttribute('x2', `${(fromX + (toX - fromX) * fraction).toFixed(2)}%`);
				line.setAttribute('y2', y(spec.startMs + span * fraction).toFixed(1));
				const done = fraction >= 1;
				if (done) endLabel?.removeAttribute('visibility');
				return done;
			},
		};
	}

	render(t: number): void {
		this.track.setAttribute('transform', `translate(0 ${(LANE.nowY - t * this.scale).toFixed(2)})`);
		while (this.next < this.specs.length && this.specs[this.next].startMs <= t) {
			const item = this.draw(this.specs[this.next++]);
			this.track.append(item.node);
			this.drawn.push(item);
			if (!item.update(t)) this.moving.push(item);
		}
		if (this.moving.length > 0) this.moving = this.moving.filter((item) => !item.update(t));
		while (this.drawn.length > 0 && this.drawn[0].spec.endMs < t - this.keepMs) {
			const old = this.drawn.shift() as Drawn;
			old.node.remove();
			const i = this.moving.indexOf(old);
			if (i >= 0) this.moving.splice(i, 1);
		}
		if (this.pipe) {
			this.pipe.setAttribute('height', Math.max(0, t * this.scale - this.pipeFromY).toFixed(1));
		}
	}

	setReadout(text: string): void {
		if (text !== this.readoutText) {
			this.readoutText = text;
			this.readout.textContent = text;
		}
	}
}

export class ChPullPush extends HTMLElement {
	private sim!: PollingSim;
	private settings: DiagramSettings = { ...DIAGRAM_DEFAULTS };
	private timeMs = 0;
	private clockMs = 0;
	private runs = 0;
	private playing = false;
	private onScreen = true;
	private reducedMotion = false;
	private frame = 0;
	private lastFrameAt: number | undefined;
	private eventTimes: number[] | undefined;
	private lanes!: Record<LaneKey, Lane>;
	private counters = new Map<string, HTMLElement>();
	private texts = new Map<HTMLElement, string>();
	private playButton!: HTMLButtonElement;
	private live!: HTMLElement;
	private status!: HTMLElement;
	private clock!: HTMLElement;
	private pollInput!: HTMLInputElement;
	private rateInput!: HTMLInputElement;
	private observer: IntersectionObserver | undefined;
	private upgraded = false;
	private readonly onVisibility = (): void => this.syncLoop();

	connectedCallback(): void {
		if (!this.upgraded) this.upgrade();
		document.addEventListener('visibilitychange', this.onVisibility);
		this.observer = new IntersectionObserver((entries) => {
			this.onScreen = entries.some((entry) => entry.isIntersecting);
			this.syncLoop();
		});
		this.observer.observe(this);
	}

	disconnectedCallback(): void {
		document.removeEventListener('visibilitychange', this.onVisibility);
		this.observer?.disconnect();
		this.observer = undefined;
		this.stopLoop();
	}

	private upgrade(): void {
		const live = this.querySelector<HTMLElement>('.pp-live');
		if (!live) return;
		this.upgraded = true;
		const data = this.dataset;
		const number = (value: string | undefined, fallback: number): number =>
			Number.isFinite(Number(value)) && value !== undefined && value !== ''
				? Number(value)
				: fallback;
		this.settings = {
			seed: number(data.seed, DIAGRAM_DEFAULTS.seed),
			pollMs: number(data.pollMs, DIAGRAM_DEFAULTS.pollMs),
			ticksPerSecond: number(data.tickRate, DIAGRAM_DEFAULTS.ticksPerSecond),
			latencyMs: number(data.latencyMs, DIAGRAM_DEFAULTS.latencyMs),
		};
		const diagramId = data.id ?? 'pull-push';
		this.reducedMotion = matchMedia('(prefers-reduced-motion: reduce)').matches;
		// The static figure stays in the DOM (hidden on screen by the stylesheet): it is what prints.
		live.inert = false;

		const q = <T extends Element>(selector: string): T => live.querySelector(selector) as T;
		this.playButton = q('[data-action="play"]');
		this.live = q('[data-part="live"]');
		this.status = q('[data-part="status"]');
		this.clock = q('[data-part="clock"]');
		this.pollInput = q('[data-input="poll"]');
		this.rateInput = q('[data-input="rate"]');
		for (const cell of live.querySelectorAll<HTMLElement>('[data-counter]')) {
			this.counters.set(cell.dataset.counter as string, cell);
			this.texts.set(cell, cell.textContent ?? '');
		}
		q<HTMLElement>('[data-part="latency"]').textContent = `${this.settings.latencyMs} ms`;
		const lane = (key: LaneKey): Lane => {
			const root = q<SVGSVGElement>(`svg[data-lane="${key}"]`);
			const readout = root.parentElement?.querySelector('[data-readout]') as HTMLElement;
			return new Lane(root, readout, (tone) =>
				markerId(diagramId, key, tone as 'ask' | 'no' | 'price'),
			);
		};
		this.lanes = { poll: lane('poll'), stream: lane('stream') };
		this.pollInput.value = String(this.settings.pollMs / 1000);
		this.rateInput.value = String(this.settings.ticksPerSecond);
		this.showSettings();

		// With reduced motion the stylesheet has already hidden Play and shown the note.
		this.playButton.addEventListener('click', () => (this.playing ? this.pause() : this.play()));
		q('[data-action="step"]').addEventListener('click', () => this.step());
		q('[data-action="restart"]').addEventListener('click', () => {
			this.start();
			this.say(
				`Replaying the opening from 0 s. ${describeSummary(this.sim.summaryAt(0), this.settings)}`,
			);
		});
		q('[data-action="summary"]').addEventListener('click', () => this.say(this.summaryText()));
		for (const input of [this.pollInput, this.rateInput]) {
			input.addEventListener('input', () => this.changeSettings());
			// Said once the reader lets go of the slider, not on every step of a drag.
			input.addEventListener('change', () =>
				this.say(
					`Started again from 0 s: polling every ${formatSeconds(this.settings.pollMs)}, ` +
						`${formatRate(this.settings.ticksPerSecond)} price changes.`,
				),
			);
		}

		this.start();
		this.playing = !this.reducedMotion;
		this.syncLoop();
	}

	/** Starts a run from 0 s with the current settings. */
	private start(): void {
		this.timeMs = 0;
		this.clockMs = 0;
		this.runs += 1;
		this.sim = runDiagram(this.settings);
		this.eventTimes = undefined;
		const scale = pxPerMs(this.settings);
		const specs = buildSpecs(this.sim, scale);
		this.lanes.poll.reset(specs.poll, scale, null);
		this.lanes.stream.reset(specs.stream, scale, this.settings.latencyMs);
		const d = this.dataset;
		d.pollMs = String(this.settings.pollMs);
		d.tickRate = String(this.settings.ticksPerSecond);
		d.seed = String(this.settings.seed);
		d.latencyMs = String(this.settings.latencyMs);
		d.run = String(this.runs);
		this.render();
	}

	private changeSettings(): void {
		const pollMs = Math.round(Number(this.pollInput.value) * 1000);
		const ticksPerSecond = Number(this.rateInput.value);
		if (!(pollMs > 0) || !(ticksPerSecond > 0)) return;
		if (pollMs === this.settings.pollMs && ticksPerSecond === this.settings.ticksPerSecond) return;
		const was = this.timeMs;
		this.settings = { ...this.settings, pollMs, ticksPerSecond };
		this.showSettings();
		this.start();
		this.write(
			this.status,
			`New setting: started again from 0 s (the last run had reached ${formatSeconds(was)}).`,
		);
	}

	private showSettings(): void {
		const pollOut = this.querySelector<HTMLElement>('[data-out="poll"]');
		const rateOut = this.querySelector<HTMLElement>('[data-out="rate"]');
		if (pollOut) pollOut.textContent = formatSeconds(this.settings.pollMs);
		if (rateOut) rateOut.textContent = formatRate(this.settings.ticksPerSecond);
		this.pollInput.setAttribute('aria-valuetext', `every ${formatSeconds(this.settings.pollMs)}`);
		this.rateInput.setAttribute(
			'aria-valuetext',
			`${this.settings.ticksPerSecond} price changes a second`,
		);
	}

	private play(): void {
		if (this.timeMs >= HORIZON_MS) this.start();
		this.playing = true;
		this.syncLoop();
	}

	private pause(): void {
		this.playing = false;
		this.syncLoop();
		this.say(`Paused. ${this.summaryText()}`);
	}

	/** Moves to the next event (a message sent or arriving, a price change) and stops there. */
	private step(): void {
		if (this.playing) {
			this.playing = false;
			this.syncLoop();
		}
		this.eventTimes ??= this.sim.eventTimes();
		const times = this.eventTimes;
		let lo = 0;
		let hi = times.length;
		while (lo < hi) {
			const mid = (lo + hi) >>> 1;
			if (times[mid] <= this.timeMs) lo = mid + 1;
			else hi = mid;
		}
		if (lo >= times.length) return;
		this.timeMs = times[lo];
		this.clockMs = this.timeMs;
		this.render();
		this.say(`${eventSentence(this.sim, this.timeMs)} ${this.summaryText()}`);
	}

	private summaryText(): string {
		return describeSummary(this.sim.summaryAt(this.timeMs), this.settings);
	}

	/** The polite live region, also shown under the table: only on a reader's action or the end. */
	private say(text: string): void {
		this.live.textContent = text;
	}

	/** Runs the frame loop only while playing, on screen and in a visible tab. */
	private syncLoop(): void {
		const run = this.playing && this.onScreen && document.visibilityState === 'visible';
		if (run && this.frame === 0) {
			this.lastFrameAt = undefined;
			this.frame = requestAnimationFrame(this.tick);
		} else if (!run) {
			this.stopLoop();
		}
		this.dataset.state = this.timeMs >= HORIZON_MS ? 'ended' : this.playing ? 'playing' : 'paused';
		this.playButton.textContent = this.playing ? 'Pause' : 'Play';
	}

	private stopLoop(): void {
		if (this.frame !== 0) cancelAnimationFrame(this.frame);
		this.frame = 0;
	}

	private readonly tick = (now: number): void => {
		this.frame = 0;
		if (this.lastFrameAt !== undefined) {
			this.clockMs = Math.min(
				HORIZON_MS,
				this.clockMs + Math.min(MAX_FRAME_MS, now - this.lastFrameAt),
			);
		}
		this.lastFrameAt = now;
		this.timeMs = Math.floor(this.clockMs);
		this.render();
		if (this.timeMs >= HORIZON_MS) {
			this.playing = false;
			this.syncLoop();
			this.say(`The simulated half hour is over. ${this.summaryText()}`);
			return;
		}
		this.frame = requestAnimationFrame(this.tick);
	};

	private write(element: HTMLElement | undefined, text: string): void {
		if (element && this.texts.get(element) !== text) {
			this.texts.set(element, text);
			element.textContent = text;
		}
	}

	/** Draws both lanes and writes the counters for the current market time, in one go. */
	private render(): void {
		const t = this.timeMs;
		const s = this.sim.summaryAt(t);
		this.lanes.poll.render(t);
		this.lanes.stream.render(t);
		this.lanes.poll.setReadout(pollingReadout(s));
		this.lanes.stream.setReadout(streamingReadout(s));
		this.write(this.counters.get('requestsSent'), String(s.requestsSent));
		this.write(this.counters.get('emptyReplies'), String(s.emptyReplies));
		this.write(this.counters.get('priceReplies'), String(s.priceReplies));
		this.write(this.counters.get('ticksStreamed'), String(s.ticksStreamed));
		this.write(this.counters.get('ticksMissed'), String(s.ticksMissed));
		this.write(this.counters.get('pollingStaleness'), formatSeconds(s.averageStalenessMs.polling));
		this.write(
			this.counters.get('streamingStaleness'),
			formatSeconds(s.averageStalenessMs.streaming),
		);
		this.write(this.clock, clockCaption(t));
		this.dataset.simMs = String(t);
	}
}

if (!customElements.get('ch-pull-push')) customElements.define('ch-pull-push', ChPullPush);
