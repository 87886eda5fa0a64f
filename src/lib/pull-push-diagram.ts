// The pull-vs-push diagram's one definition: its default settings and their ranges, the run it
// plays (the seed's opening, then the simulated market), the lanes' geometry, what is drawn when
// (buildSpecs) and every sentence it shows or says. PullPushDiagram.astro renders time zero from
// this and pull-push.client.ts animates from it, so the first paint and the live panel agree.
// Pure: no DOM, no clock.
import {
	formatSeconds,
	seedOpening,
	simulatePolling,
	tickSchedule,
	type PollingSim,
	type PollingSummary,
} from './polling-sim.ts';

/** The settings a diagram runs with. */
export interface DiagramSettings {
	/** Seed of the simulated market. */
	seed: number;
	/** Time between two polls ("update?" requests), ms. */
	pollMs: number;
	/** Price changes per second: exact during the opening, the Poisson mean after it. */
	ticksPerSecond: number;
	/** One-way network time of every message, ms. */
	latencyMs: number;
}

/** What a page shows unless the author's props say otherwise. */
export const DIAGRAM_DEFAULTS: Readonly<DiagramSettings> = {
	seed: 39,
	pollMs: 1000,
	ticksPerSecond: 1,
	latencyMs: 150,
};

/** Allowed values of each setting (the sliders' ranges and the props' checks). */
export const DIAGRAM_RANGES: Readonly<
	Record<keyof DiagramSettings, { min: number; max: number; step: number }>
> = {
	seed: { min: 0, max: 2 ** 32 - 1, step: 1 },
	pollMs: { min: 500, max: 5000, step: 500 },
	ticksPerSecond: { min: 0.5, max: 5, step: 0.5 },
	latencyMs: { min: 0, max: 400, step: 1 },
};

/** The simulated run lasts half an hour of market time, then stops. */
export const HORIZON_MS = 30 * 60 * 1000;

/**
 * The market and the polling lane for these settings: the seed's opening (seedOpening), then
 * the random market, both lanes simulated up to `untilMs`.
 */
export function runDiagram(settings: DiagramSettings, untilMs: number = HORIZON_MS): PollingSim {
	const { seed, pollMs, ticksPerSecond, latencyMs } = settings;
	const ticks = tickSchedule({
		seed,
		ticksPerSecond,
		untilMs,
		opening: seedOpening({ pollMs, latencyMs, ticksPerSecond }),
	});
	return simulatePolling({ ticks, pollMs, latencyMs, untilMs });
}

/**
 * Lane geometry. The lane SVGs have no viewBox: y is in CSS pixels (time flows down, the newest
 * events enter at the "now" line) and x in percent of the lane's width, so text is drawn at its
 * CSS size at any width (at least 12 px on a 360 px phone, where the lanes stay side by side).
 */
export const LANE = {
	heightPx: 272,
	/** Baseline of "your code" and "server". */
	partyY: 16,
	/** Top of the drawing window, and where the lifelines start. */
	topY: 26,
	/** The "now" line: where events happen. */
	nowY: 252,
	/** Bottom of the drawing clip (room for a label centred on the now line). */
	clipBottomY: 258,
	codeXPct: 8,
	serverXPct: 92,
	/** Gap between a lifeline and a label beside it, px. */
	labelInsetPx: 6,
	/** Height one label line needs, px: labels in one column are at least this far apart. */
	lineHeightPx: 15,
	dotRadiusPx: 3.5,
} as const;

const MIN_PX_PER_MS = 0.036;
const MAX_PX_PER_MS = 0.09;

/**
 * Vertical scale, px per ms of market time: enough that the opening's ticks (one mean gap
 * apart) and a poll's "update?" and reply labels never overlap, clamped to 36-90 px a second.
 */
export function pxPerMs(settings: DiagramSettings): number {
	const line = LANE.lineHeightPx;
	// The opening's gap is Math.round(1000 / rate) ms (seedOpening); floor keeps it within one label.
	const needs = [line / Math.floor(1000 / settings.ticksPerSecond)];
	const roundTripMs = 2 * settings.latencyMs;
	if (roundTripMs > 0) needs.push(line / roundTripMs);
	if (settings.pollMs > roundTripMs) needs.push(line / (settings.pollMs - roundTripMs));
	return Math.min(MAX_PX_PER_MS, Math.max(MIN_PX_PER_MS, ...needs));
}

/** Market time the drawing window shows, ms, at this scale. */
export function windowMs(scale: number): number {
	return Math.ceil((LANE.nowY - LANE.topY) / scale);
}

/** Market time between two labels in one column, ms (a float's last bit is not a millisecond). */
export function labelGapMs(scale: number): number {
	return Math.ceil(LANE.lineHeightPx / scale - 1e-6);
}

export type Tone = 'ask' | 'no' | 'price';
export type Party = 'code' | 'server';

/** A message crossing between the lifelines, drawn as it travels. */
export interface ArrowSpec {
	kind: 'arrow';
	/** Leaves `from` at startMs, arrives at the other side at endMs. */
	startMs: number;
	endMs: number;
	from: Party;
	tone: Tone;
	/** Label just above where the arrow leaves your code ("update?", "subscribe (once)"). */
	startLabel?: string;
	/** Label just above where the arrow lands at your code, shown once it has landed. */
	endLabel?: string;
}

/** A price change at the server. */
export interface DotSpec {
	kind: 'dot';
	startMs: number;
	endMs: number;
	/** When polling has missed this tick (null: never). */
	missedMs: number | null;
}

/**
 * Price labels in one column beside a lifeline. Ticks closer together than a label's height
 * share one label, placed at the first and showing the newest price so far: a lane's newest
 * label is always the newest price it has, so the stream never looks behind the polling lane,
 * and the opening (one tick per label) shows every price.
 */
export interface LabelSpec {
	kind: 'label';
	column: Party;
	/** Where it sits (market time of the first price) and when it appears. */
	startMs: number;
	/** When its text last changes. */
	endMs: number;
	texts: ReadonlyArray<{ atMs: number; text: string }>;
	/** When the price it ends on was missed by polling (struck through), or null. */
	missedMs: number | null;
	/** Anchored above a message landing at this time (code column) or centred on a dot. */
	tone: Tone | 'tick';
}

export type Spec = ArrowSpec | DotSpec | LabelSpec;

/** A price as the chapter writes it: 1313.60. */
export const formatPrice = (ltp: number): string => ltp.toFixed(2);

/** Groups ascending times into labels at least `gapMs` apart (see LabelSpec). */
function groupLabels(
	events: ReadonlyArray<{ atMs: number; text: string; missedMs: number | null }>,
	gapMs: number,
	column: Party,
	tone: LabelSpec['tone'],
): LabelSpec[] {
	const labels: LabelSpec[] = [];
	let current:
		| { startMs: number; texts: { atMs: number; text: string }[]; missedMs: number | null }
		| undefined;
	const close = (): void => {
		if (!current) return;
		const texts = current.texts;
		labels.push({
			kind: 'label',
			column,
			startMs: current.startMs,
			endMs: texts[texts.length - 1].atMs,
			texts,
			missedMs: current.missedMs,
			tone,
		});
	};
	for (const event of events) {
		if (!current || event.atMs - current.startMs >= gapMs) {
			close();
			current = { startMs: event.atMs, texts: [], missedMs: null };
		}
		current.texts.push({ atMs: event.atMs, text: event.text });
		current.missedMs = event.missedMs;
	}
	close();
	return labels;
}

/** Everything both lanes draw, each lane sorted by the time it first appears. */
export function buildSpecs(sim: PollingSim, scale: number): { poll: Spec[]; stream: Spec[] } {
	const gapMs = labelGapMs(scale);
	const poll: Spec[] = [];
	const stream: Spec[] = [];
	for (const p of sim.polls) {
		poll.push({
			kind: 'arrow',
			startMs: p.sentMs,
			endMs: p.serverMs,
			from: 'code',
			tone: 'ask',
			startLabel: 'update?',
		});
		poll.push({
			kind: 'arrow',
			startMs: p.serverMs,
			endMs: p.replyMs,
			from: 'server',
			tone: p.news ? 'price' : 'no',
			endLabel: p.ltp === null ? 'no' : formatPrice(p.ltp),
		});
	}
	stream.push({
		kind: 'arrow',
		startMs: 0,
		endMs: sim.latencyMs,
		from: 'code',
		tone: 'ask',
		startLabel: 'subscribe (once)',
	});
	for (const fate of sim.fates) {
		const missedMs = fate.missed ? fate.supersededMs : null;
		poll.push({ kind: 'dot', startMs: fate.timeMs, endMs: fate.timeMs, missedMs });
		stream.push({ kind: 'dot', startMs: fate.timeMs, endMs: fate.timeMs, missedMs: null });
		stream.push({
			kind: 'arrow',
			startMs: fate.timeMs,
			endMs: fate.streamedMs,
			from: 'server',
			tone: 'price',
		});
	}
	const atServer = (missed: boolean) =>
		sim.fates.map((fate) => ({
			atMs: fate.timeMs,
			text: formatPrice(fate.ltp),
			missedMs: missed && fate.missed ? fate.supersededMs : null,
		}));
	poll.push(...groupLabels(atServer(true), gapMs, 'server', 'tick'));
	stream.push(...groupLabels(atServer(false), gapMs, 'server', 'tick'));
	stream.push(
		...groupLabels(
			sim.fates.map((fate) => ({
				atMs: fate.streamedMs,
				text: formatPrice(fate.ltp),
				missedMs: null,
			})),
			gapMs,
			'code',
			'price',
		),
	);
	const byStart = (a: Spec, b: Spec): number => a.startMs - b.startMs;
	return { poll: poll.sort(byStart), stream: stream.sort(byStart) };
}

/** "1 empty reply", "2 empty replies". */
export function plural(count: number, one: string, many: string): string {
	return `${count} ${count === 1 ? one : many}`;
}

/** The tick-rate slider's value in words: "1 a second", "0.5 a second". */
export function formatRate(ticksPerSecond: number): string {
	return `${ticksPerSecond} a second`;
}

/** The counters table's caption. */
export function clockCaption(timeMs: number): string {
	return `After ${(timeMs / 1000).toFixed(1)} s of market time`;
}

/**
 * An age rounded up to a tenth of a second ("0.1 s" for 10 ms, "12 s"): never "0" for a price
 * that is out of date, and the readout changes a few times a second rather than every frame.
 */
function formatAge(ms: number): string {
	const tenths = Math.ceil(ms / 100);
	return tenths < 100 ? `${(tenths / 10).toFixed(1)} s` : `${Math.round(tenths / 10)} s`;
}

/** What the polling lane's code shows right now, under the lane. */
export function pollingReadout(s: PollingSummary): string {
	if (s.pollingLtp === null) return 'Your code has no price yet';
	return `Your code shows ${formatPrice(s.pollingLtp)}, ${
		s.pollingStalenessMs > 0
			? `${formatAge(s.pollingStalenessMs)} out of date right now`
			: 'up to date right now'
	}`;
}

/** What the streaming lane's code shows right now, under the lane. */
export function streamingReadout(s: PollingSummary): string {
	if (s.streamingLtp === null) return 'Subscribed, waiting for the first tick';
	return `Your code shows ${formatPrice(s.streamingLtp)}, up to date right now`;
}

/** The counters in one paragraph, for the polite live region (said on request, not on a timer). */
export function describeSummary(s: PollingSummary, settings: DiagramSettings): string {
	const over = formatSeconds(s.timeMs);
	return (
		`After ${over} of market time, polling every ${formatSeconds(settings.pollMs)}: ` +
		`${plural(s.requestsSent, 'request', 'requests')} sent, ${plural(s.emptyReplies, 'empty reply', 'empty replies')}, ` +
		`${s.ticksMissed} of ${plural(s.ticksHappened, 'price change', 'price changes')} missed; ` +
		`its price was out of date by ${formatSeconds(s.averageStalenessMs.polling)} on average over those ${over}. ` +
		`The WebSocket sent 1 request and received ${plural(s.ticksStreamed, 'price', 'prices')}, never out of date.`
	);
}

/** What happened at exactly time t, in words, for the step-through ("" when nothing did). */
export function eventSentence(sim: PollingSim, t: number): string {
	const parts: string[] = [];
	const answer = (ltp: number | null): string => (ltp === null ? '"no"' : formatPrice(ltp));
	if (t === 0) parts.push('WebSocket: your code sends "subscribe", once.');
	if (t === sim.latencyMs && sim.latencyMs > 0) parts.push('WebSocket: the subscription is open.');
	for (const p of sim.polls) {
		if (p.sentMs > t) break;
		if (p.sentMs === t) parts.push('Polling: your code asks "update?".');
		if (p.serverMs === t && p.serverMs !== p.sentMs)
			parts.push(`Polling: the server answers ${answer(p.ltp)}.`);
		if (p.replyMs === t) parts.push(`Polling: the reply ${answer(p.ltp)} reaches your code.`);
	}
	for (const f of sim.fates) {
		if (f.timeMs > t) break;
		if (f.timeMs === t) {
			parts.push(
				`The price changes to ${formatPrice(f.ltp)}; the server pushes it down the WebSocket.`,
			);
		}
		if (f.supersededMs === t && f.missed) {
			parts.push(`Polling never saw ${formatPrice(f.ltp)}: it is missed.`);
		}
		if (f.streamedMs === t && sim.latencyMs > 0)
			parts.push(`WebSocket: ${formatPrice(f.ltp)} reaches your code.`);
	}
	return parts.join(' ');
}

/** The two lanes: visible headings and what a screen reader hears for each drawing. */
export const LANES = [
	{
		key: 'poll',
		title: 'Polling — ask over and over',
		heading: ['POLLING', 'ask over and over'],
		description:
			'Animated: your code sends "update?" to the server at every poll interval; most replies are "no", some carry a price, late. Price changes the server had between two polls are struck through as missed. The table below counts it all.',
	},
	{
		key: 'stream',
		title: 'WebSocket — one open stream',
		heading: ['WEBSOCKET', 'one open stream'],
		description:
			'Animated: your code sends "subscribe" once; after that the server pushes every price change down the open connection the instant it happens. The table below counts it all.',
	},
] as const;

export type LaneKey = (typeof LANES)[number]['key'];

/** The id of a lane's arrowhead marker for one tone (unique per diagram on the page). */
export function markerId(diagramId: string, lane: LaneKey, tone: Tone): string {
	return `${diagramId}-${lane}-head-${tone}`;
}
