// <ch-pull-push>: the live pull-vs-push diagram. One simulated market (tickSchedule) drives both
// lanes; every arrow, dot and counter is read from simulatePolling at the same virtual time, so
// the drawing and the numbers cannot disagree. Time flows down the lanes: the newest events
// enter at the "now" line and scroll up. Animation runs on requestAnimationFrame and only while
// the diagram is on screen and the tab is visible; with prefers-reduced-motion there is no
// motion, only "Next event". The element exposes its state as data-* for tests:
// data-state (playing|paused|ended), data-sim-ms, data-poll-ms, data-tick-rate, data-seed,
// data-latency-ms.
import {
	formatSeconds,
	simulatePolling,
	tickSchedule,
	type PollingSim,
	type PollingSummary,
	type PriceTick,
} from '../../lib/polling-sim.ts';

const SVG_NS = 'http://www.w3.org/2000/svg';
/** The simulated run lasts half an hour of market time, then stops. */
const HORIZON_MS = 30 * 60 * 1000;
const X_CODE = 60;
const X_SERVER = 280;
const NOW_Y = 262;
const TOP_Y = 50;
/** Vertical scale: 36 px per second of market time. */
const PX_PER_MS = 0.036;
const WINDOW_MS = Math.ceil((NOW_Y - TOP_Y) / PX_PER_MS);
/** Price labels closer than this (in market time) would overlap; the later one is not labelled. */
const MIN_LABEL_GAP_MS = Math.ceil(12 / PX_PER_MS);
/** Longest real-time step one frame may take (a resumed tab must not jump). */
const MAX_FRAME_MS = 100;
/** While playing, the polite live region is updated at most this often (real time). */
const ANNOUNCE_EVERY_MS = 10_000;

type Tone = 'ask' | 'no' | 'price';

interface ArrowSpec {
	kind: 'arrow';
	startMs: number;
	endMs: number;
	fromX: number;
	toX: number;
	tone: Tone;
	/** Label over the middle of the arrow, if any. */
	midLabel?: string;
	/** Label beside your code where the arrow lands, if any. */
	endLabel?: string;
}

interface DotSpec {
	kind: 'dot';
	startMs: number;
	endMs: number;
	label?: string;
	/** When polling has missed this tick (null: never). */
	missedMs: number | null;
}

type Spec = ArrowSpec | DotSpec;

interface Drawn {
	spec: Spec;
	node: SVGGElement;
	/** Updates the drawing at time t; returns true when nothing about it changes any more. */
	update(t: number): boolean;
}

const yAt = (t: number): number => t * PX_PER_MS;

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

/** Builds the drawing of one spec (created nodes and textContent only). */
function draw(spec: Spec): Drawn {
	const node = svg('g', {});
	if (spec.kind === 'dot') {
		const y = yAt(spec.startMs);
		const dot = svg('circle', { class: 'pp-dot', cx: X_SERVER, cy: y, r: 3.5 });
		node.append(dot);
		const label = spec.label
			? svg('text', { class: 'pp-tick', x: X_SERVER + 8, y: y + 4 }, spec.label)
			: undefined;
		if (label) node.append(label);
		let marked = false;
		return {
			spec,
			node,
			update(t) {
				if (spec.missedMs === null) return true;
				if (!marked && t >= spec.missedMs) {
					marked = true;
					dot.classList.add('pp-missed');
					if (label) {
						label.classList.add('pp-missed');
						label.textContent = `✕ ${spec.label}`;
					}
				}
				return marked;
			},
		};
	}
	const y0 = yAt(spec.startMs);
	const right = spec.toX > spec.fromX;
	const line = svg('line', {
		class: `pp-msg pp-${spec.tone}`,
		x1: spec.fromX,
		y1: y0,
		x2: spec.fromX,
		y2: y0,
	});
	const head = svg('path', {
		class: `pp-head-${spec.tone}`,
		d: right ? 'M-8 -4 L0 0 L-8 4 Z' : 'M8 -4 L0 0 L8 4 Z',
	});
	node.append(line, head);
	if (spec.midLabel) {
		node.append(
			svg(
				'text',
				{ class: `pp-label pp-label-${spec.tone}`, x: 170, y: y0 - 5, 'text-anchor': 'middle' },
				spec.midLabel,
			),
		);
	}
	let endLabel: SVGTextElement | undefined;
	if (spec.endLabel) {
		endLabel = svg(
			'text',
			{
				class: `pp-label pp-label-${spec.tone}`,
				x: X_CODE - 6,
				y: yAt(spec.endMs) + 4,
				'text-anchor': 'end',
			},
			spec.endLabel,
		);
		endLabel.setAttribute('visibility', 'hidden');
		node.append(endLabel);
	}
	return {
		spec,
		node,
		update(t) {
			const span = spec.endMs - spec.startMs;
			const fraction = span <= 0 ? 1 : Math.min(1, Math.max(0, (t - spec.startMs) / span));
			const x = spec.fromX + (spec.toX - spec.fromX) * fraction;
			const y = yAt(Math.min(t, spec.endMs));
			line.setAttribute('x2', x.toFixed(1));
			line.setAttribute('y2', y.toFixed(1));
			head.setAttribute('transform', `translate(${x.toFixed(1)} ${y.toFixed(1)})`);
			const done = fraction >= 1;
			if (done) endLabel?.removeAttribute('visibility');
			return done;
		},
	};
}

/** Which ticks get a price label: the first of any that would crowd each other. */
function labelledTicks(ticks: readonly PriceTick[]): boolean[] {
	let last = Number.NEGATIVE_INFINITY;
	return ticks.map((tick) => {
		if (tick.timeMs - last < MIN_LABEL_GAP_MS) return false;
		last = tick.timeMs;
		return true;
	});
}

const price = (ltp: number): string => ltp.toFixed(2);

/** The specs of both lanes, each sorted by start time. */
function buildSpecs(sim: PollingSim): { poll: Spec[]; stream: Spec[] } {
	const labelled = labelledTicks(sim.ticks);
	const poll: Spec[] = [];
	const stream: Spec[] = [];
	for (const p of sim.polls) {
		poll.push({
			kind: 'arrow',
			startMs: p.sentMs,
			endMs: p.serverMs,
			fromX: X_CODE,
			toX: X_SERVER,
			tone: 'ask',
			midLabel: 'update?',
		});
		poll.push({
			kind: 'arrow',
			startMs: p.serverMs,
			endMs: p.replyMs,
			fromX: X_SERVER,
			toX: X_CODE,
			tone: p.news ? 'price' : 'no',
			endLabel: p.ltp === null ? 'no' : price(p.ltp),
		});
	}
	stream.push({
		kind: 'arrow',
		startMs: 0,
		endMs: sim.latencyMs,
		fromX: X_CODE,
		toX: X_SERVER,
		tone: 'ask',
		midLabel: 'subscribe (once)',
	});
	for (const fate of sim.fates) {
		const label = labelled[fate.index] ? price(fate.ltp) : undefined;
		poll.push({
			kind: 'dot',
			startMs: fate.timeMs,
			endMs: fate.timeMs,
			label,
			missedMs: fate.missed ? fate.supersededMs : null,
		});
		stream.push({ kind: 'dot', startMs: fate.timeMs, endMs: fate.timeMs, label, missedMs: null });
		stream.push({
			kind: 'arrow',
			startMs: fate.timeMs,
			endMs: fate.streamedMs,
			fromX: X_SERVER,
			toX: X_CODE,
			tone: 'price',
			endLabel: label,
		});
	}
	const byStart = (a: Spec, b: Spec): number => a.startMs - b.startMs;
	return { poll: poll.sort(byStart), stream: stream.sort(byStart) };
}

/** One lane's drawing: adds specs as their time comes, updates the moving ones, drops old ones. */
class Lane {
	readonly svgRoot: SVGSVGElement;
	private readonly track: SVGGElement;
	private readonly readout: SVGTextElement;
	private specs: Spec[] = [];
	private next = 0;
	private drawn: Drawn[] = [];
	private moving: Drawn[] = [];
	private pipe: SVGRectElement | undefined;
	private readoutText = '';

	constructor(svgRoot: SVGSVGElement) {
		this.svgRoot = svgRoot;
		this.track = svgRoot.querySelector('[data-track]') as SVGGElement;
		this.readout = svgRoot.querySelector('[data-readout]') as SVGTextElement;
	}

	/** Starts over with new specs, drawing what is visible at time t. */
	reset(specs: Spec[], t: number, withPipe: boolean, latencyMs: number): void {
		this.track.replaceChildren();
		this.specs = specs;
		this.drawn = [];
		this.moving = [];
		this.pipe = undefined;
		if (withPipe) {
			this.pipe = svg('rect', {
				class: 'pp-pipe',
				x: X_CODE,
				y: yAt(latencyMs),
				width: X_SERVER - X_CODE,
				height: 0,
				rx: 6,
			});
			this.pipe.dataset.fromMs = String(latencyMs);
			this.track.append(this.pipe);
		}
		// Skip what has already scrolled out of view.
		let index = 0;
		while (index < specs.length && specs[index].endMs < t - WINDOW_MS - 1000) index++;
		this.next = index;
	}

	render(t: number): void {
		this.track.setAttribute('transform', `translate(0 ${(NOW_Y - yAt(t)).toFixed(2)})`);
		while (this.next < this.specs.length && this.specs[this.next].startMs <= t) {
			const item = draw(this.specs[this.next++]);
			this.track.append(item.node);
			this.drawn.push(item);
			this.moving.push(item);
		}
		if (this.moving.length > 0) this.moving = this.moving.filter((item) => !item.update(t));
		while (this.drawn.length > 0 && this.drawn[0].spec.endMs < t - WINDOW_MS - 1000) {
			const old = this.drawn.shift() as Drawn;
			old.node.remove();
			const i = this.moving.indexOf(old);
			if (i >= 0) this.moving.splice(i, 1);
		}
		if (this.pipe) {
			const from = Number(this.pipe.dataset.fromMs);
			this.pipe.setAttribute('height', Math.max(0, yAt(t) - yAt(from)).toFixed(1));
		}
	}

	setReadout(text: string): void {
		if (text !== this.readoutText) {
			this.readoutText = text;
			this.readout.textContent = text;
		}
	}
}

function describeSummary(s: PollingSummary, pollMs: number): string {
	return (
		`After ${formatSeconds(s.timeMs)} of market time, polling every ${formatSeconds(pollMs)}: ` +
		`${s.requestsSent} requests sent, ${s.emptyReplies} empty replies, ${s.ticksMissed} of ${s.ticksHappened} price changes missed, ` +
		`prices ${formatSeconds(s.averageStalenessMs.polling)} stale on average. ` +
		`The WebSocket sent 1 request and received ${s.ticksStreamed} prices, 0 s stale.`
	);
}

export class ChPullPush extends HTMLElement {
	private sim!: PollingSim;
	private ticks: PriceTick[] = [];
	private tickRate = 2;
	private pollMs = 1000;
	private seed = 39;
	private latencyMs = 150;
	private timeMs = 0;
	private clockMs = 0;
	private playing = false;
	private onScreen = true;
	private reducedMotion = false;
	private frame = 0;
	private lastFrameAt: number | undefined;
	private lastAnnounceAt = 0;
	private eventTimes: number[] | undefined;
	private lanes!: { poll: Lane; stream: Lane };
	private counters = new Map<string, HTMLElement>();
	private texts = new Map<HTMLElement, string>();
	private playButton!: HTMLButtonElement;
	private live!: HTMLElement;
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
		this.stopLoop();
	}

	private upgrade(): void {
		this.upgraded = true;
		const data = this.dataset;
		this.seed = Number(data.seed ?? 39);
		this.pollMs = Number(data.pollMs ?? 1000);
		this.tickRate = Number(data.tickRate ?? 2);
		this.latencyMs = Number(data.latencyMs ?? 150);
		this.reducedMotion = matchMedia('(prefers-reduced-motion: reduce)').matches;

		const live = this.querySelector<HTMLElement>('.pp-live');
		if (!live) return;
		// The static drawings are hidden already (scripts run); drop them, wake the live panel.
		this.querySelector('.ch-figure__lanes')?.remove();
		live.inert = false;

		const q = <T extends Element>(selector: string): T => live.querySelector(selector) as T;
		this.playButton = q('[data-action="play"]');
		this.live = q('[data-part="live"]');
		this.clock = q('[data-part="clock"]');
		this.pollInput = q('[data-input="poll"]');
		this.rateInput = q('[data-input="rate"]');
		for (const cell of live.querySelectorAll<HTMLElement>('[data-counter]')) {
			this.counters.set(cell.dataset.counter as string, cell);
		}
		q<HTMLElement>('[data-part="latency"]').textContent = `${this.latencyMs} ms`;
		this.lanes = {
			poll: new Lane(q('svg[data-lane="poll"]')),
			stream: new Lane(q('svg[data-lane="stream"]')),
		};
		this.pollInput.value = String(this.pollMs / 1000);
		this.rateInput.value = String(this.tickRate);
		this.showSettings();

		// With reduced motion the stylesheet has already hidden Play and shown the note.
		this.playButton.addEventListener('click', () => (this.playing ? this.pause() : this.play()));
		q('[data-action="step"]').addEventListener('click', () => this.step());
		q('[data-action="restart"]').addEventListener('click', () => this.restart());
		this.pollInput.addEventListener('input', () => this.changeSettings());
		this.rateInput.addEventListener('input', () => this.changeSettings());
		for (const input of [this.pollInput, this.rateInput]) {
			input.addEventListener('change', () => this.announce(this.summaryText()));
		}

		this.rebuild(true);
		this.playing = !this.reducedMotion;
		this.render();
		this.syncLoop();
	}

	/** Re-runs the simulation for the current settings, keeping the market time. */
	private rebuild(newTicks: boolean): void {
		if (newTicks || this.ticks.length === 0) {
			this.ticks = tickSchedule({
				seed: this.seed,
				ticksPerSecond: this.tickRate,
				untilMs: HORIZON_MS,
			});
		}
		this.sim = simulatePolling({
			ticks: this.ticks,
			pollMs: this.pollMs,
			latencyMs: this.latencyMs,
			untilMs: HORIZON_MS,
		});
		this.eventTimes = undefined;
		const specs = buildSpecs(this.sim);
		this.lanes.poll.reset(specs.poll, this.timeMs, false, this.latencyMs);
		this.lanes.stream.reset(specs.stream, this.timeMs, true, this.latencyMs);
		this.dataset.pollMs = String(this.pollMs);
		this.dataset.tickRate = String(this.tickRate);
		this.dataset.seed = String(this.seed);
		this.dataset.latencyMs = String(this.latencyMs);
	}

	private changeSettings(): void {
		const pollMs = Math.round(Number(this.pollInput.value) * 1000);
		const tickRate = Number(this.rateInput.value);
		if (!(pollMs > 0) || !(tickRate > 0)) return;
		const newTicks = tickRate !== this.tickRate;
		this.pollMs = pollMs;
		this.tickRate = tickRate;
		this.showSettings();
		this.rebuild(newTicks);
		this.render();
	}

	private showSettings(): void {
		const pollOut = this.querySelector('[data-out="poll"]');
		const rateOut = this.querySelector('[data-out="rate"]');
		if (pollOut) pollOut.textContent = formatSeconds(this.pollMs);
		if (rateOut) rateOut.textContent = `${this.tickRate} a second`;
		this.pollInput.setAttribute('aria-valuetext', `every ${formatSeconds(this.pollMs)}`);
		this.rateInput.setAttribute('aria-valuetext', `${this.tickRate} price changes a second`);
	}

	private play(): void {
		if (this.timeMs >= HORIZON_MS) this.restart();
		this.playing = true;
		this.lastAnnounceAt = performance.now();
		this.syncLoop();
		this.render();
	}

	private pause(): void {
		this.playing = false;
		this.syncLoop();
		this.render();
		this.announce(`Paused. ${this.summaryText()}`);
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
		this.announce(`${this.eventSentence(this.timeMs)} ${this.summaryText()}`);
	}

	private restart(): void {
		this.timeMs = 0;
		this.clockMs = 0;
		this.rebuild(false);
		this.render();
		this.announce('Restarted from the beginning of the market.');
	}

	/** What happened at exactly time t, in words, for the step-through. */
	private eventSentence(t: number): string {
		const parts: string[] = [];
		for (const p of this.sim.polls) {
			if (p.sentMs === t) parts.push('Polling: your code asks "update?".');
			if (p.serverMs === t)
				parts.push(`Polling: the server answers ${p.ltp === null ? '"no"' : p.ltp.toFixed(2)}.`);
			if (p.replyMs === t)
				parts.push(
					`Polling: the reply ${p.ltp === null ? '"no"' : p.ltp.toFixed(2)} reaches your code.`,
				);
			if (p.sentMs > t) break;
		}
		for (const f of this.sim.fates) {
			if (f.timeMs === t)
				parts.push(
					`The price changes to ${f.ltp.toFixed(2)}; the server pushes it down the WebSocket.`,
				);
			if (f.streamedMs === t && this.latencyMs > 0)
				parts.push(`WebSocket: ${f.ltp.toFixed(2)} reaches your code.`);
			if (f.timeMs > t) break;
		}
		return parts.join(' ');
	}

	private summaryText(): string {
		return describeSummary(this.sim.summaryAt(this.timeMs), this.pollMs);
	}

	private announce(text: string): void {
		this.live.textContent = text;
		this.lastAnnounceAt = performance.now();
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
			this.announce(`The simulated half hour is over. ${this.summaryText()}`);
			return;
		}
		if (now - this.lastAnnounceAt >= ANNOUNCE_EVERY_MS) this.announce(this.summaryText());
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
		this.lanes.poll.setReadout(
			s.pollingLtp === null
				? 'Your code has no price yet'
				: `Your code shows ${price(s.pollingLtp)} · ${
						s.pollingStalenessMs > 0
							? `${formatSeconds(s.pollingStalenessMs)} out of date`
							: 'up to date'
					}`,
		);
		this.lanes.stream.setReadout(
			s.streamingLtp === null
				? 'Subscribed, waiting for the first tick'
				: `Your code shows ${price(s.streamingLtp)} · up to date`,
		);
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
		this.write(this.clock, `After ${(t / 1000).toFixed(1)} s of market time`);
		this.dataset.simMs = String(t);
	}
}

if (!customElements.get('ch-pull-push')) customElements.define('ch-pull-push', ChPullPush);
