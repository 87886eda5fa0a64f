import { describe, expect, it } from 'vitest';
import {
	DIAGRAM_DEFAULTS,
	DIAGRAM_RANGES,
	LANE,
	buildSpecs,
	describeSummary,
	eventSentence,
	formatPrice,
	plural,
	pollingReadout,
	pxPerMs,
	runDiagram,
	streamingReadout,
	type DiagramSettings,
	type LabelSpec,
	type Spec,
} from '../../src/lib/pull-push-diagram.ts';

const BUSIEST: DiagramSettings = { ...DIAGRAM_DEFAULTS, pollMs: 500, ticksPerSecond: 5 };

const labels = (specs: Spec[], column: LabelSpec['column']): LabelSpec[] =>
	specs.filter((s): s is LabelSpec => s.kind === 'label' && s.column === column);

/** The text a label shows at time t (the newest of its prices by then). */
const textAt = (label: LabelSpec, t: number): string =>
	label.texts.filter((x) => x.atMs <= t).at(-1)?.text ?? '';

/** Every setting the sliders offer. */
function everySetting(): DiagramSettings[] {
	const settings: DiagramSettings[] = [];
	const { pollMs, ticksPerSecond } = DIAGRAM_RANGES;
	for (let p = pollMs.min; p <= pollMs.max; p += pollMs.step) {
		for (let r = ticksPerSecond.min; r <= ticksPerSecond.max; r += ticksPerSecond.step) {
			settings.push({ ...DIAGRAM_DEFAULTS, pollMs: p, ticksPerSecond: r });
		}
	}
	return settings;
}

describe('runDiagram', () => {
	it("opens with the seed's story at the defaults", () => {
		const sim = runDiagram(DIAGRAM_DEFAULTS, 10_000);
		expect(sim.polls.slice(0, 2).map((p) => p.ltp)).toEqual([null, 1313.6]);
		expect(sim.ticks.slice(0, 3).map((t) => [t.timeMs, t.ltp])).toEqual([
			[650, 1313.6],
			[1650, 1313.8],
			[2650, 1313.5],
		]);
	});
});

describe('buildSpecs', () => {
	it('labels every opening tick on its own, in both lanes, at every slider setting', () => {
		for (const settings of everySetting()) {
			const sim = runDiagram(settings, 20_000);
			const specs = buildSpecs(sim, pxPerMs(settings));
			const opening = ['1313.60', '1313.80', '1313.50'];
			const where = `poll ${settings.pollMs} ms, ${settings.ticksPerSecond}/s`;
			for (const column of [
				labels(specs.stream, 'code'),
				labels(specs.stream, 'server'),
				labels(specs.poll, 'server'),
			]) {
				expect(
					column.slice(0, 3).map((l) => l.texts.map((x) => x.text)),
					where,
				).toEqual(opening.map((text) => [text]));
			}
			// Polling's replies: "no", then 1313.60.
			const replies = specs.poll.filter((s) => s.kind === 'arrow' && s.from === 'server');
			expect(
				replies.slice(0, 2).map((s) => (s.kind === 'arrow' ? s.endLabel : '')),
				where,
			).toEqual(['no', '1313.60']);
		}
	});

	it("keeps the stream's newest label on the newest price it has, never behind polling", () => {
		for (const settings of [DIAGRAM_DEFAULTS, BUSIEST]) {
			const sim = runDiagram(settings, 120_000);
			const specs = buildSpecs(sim, pxPerMs(settings));
			const streamLabels = labels(specs.stream, 'code');
			const replies = specs.poll.filter((s) => s.kind === 'arrow' && s.from === 'server');
			for (let t = 0; t <= 120_000; t += 37) {
				const s = sim.summaryAt(t);
				const newest = streamLabels.filter((l) => l.startMs <= t).at(-1);
				expect(newest ? textAt(newest, t) : null).toBe(
					s.streamingLtp === null ? null : formatPrice(s.streamingLtp),
				);
				// Polling's newest price label is one the stream received no later than it.
				const lastPrice = replies
					.filter((r) => r.kind === 'arrow' && r.endMs <= t && r.endLabel !== 'no')
					.at(-1);
				if (lastPrice && lastPrice.kind === 'arrow') {
					const tick = sim.ticks.findIndex((x) => formatPrice(x.ltp) === lastPrice.endLabel);
					expect(sim.fates[tick].streamedMs).toBeLessThanOrEqual(lastPrice.endMs);
				}
			}
		}
	});

	it('keeps labels in one column a line apart, so none overlaps another', () => {
		for (const settings of [DIAGRAM_DEFAULTS, BUSIEST]) {
			const scale = pxPerMs(settings);
			const specs = buildSpecs(runDiagram(settings, 120_000), scale);
			for (const column of [labels(specs.stream, 'code'), labels(specs.poll, 'server')]) {
				for (let i = 1; i < column.length; i++) {
					const apartPx = (column[i].startMs - column[i - 1].startMs) * scale;
					expect(apartPx).toBeGreaterThanOrEqual(LANE.lineHeightPx - 1e-6);
				}
			}
		}
	});

	it('draws one "update?" and one reply per poll, and strikes a missed price', () => {
		const sim = runDiagram(DIAGRAM_DEFAULTS, 30_000);
		const specs = buildSpecs(sim, pxPerMs(DIAGRAM_DEFAULTS));
		const asks = specs.poll.filter((s) => s.kind === 'arrow' && s.startLabel === 'update?');
		expect(asks.length).toBe(sim.polls.length);
		const missedDots = specs.poll.filter((s) => s.kind === 'dot' && s.missedMs !== null);
		expect(missedDots.length).toBe(sim.fates.filter((f) => f.missed).length);
		expect(missedDots.length).toBeGreaterThan(0);
	});
});

describe('pxPerMs', () => {
	it('gives the busiest settings room for a label per opening tick and per message', () => {
		const scale = pxPerMs(BUSIEST);
		expect(200 * scale).toBeGreaterThanOrEqual(LANE.lineHeightPx);
		expect(pxPerMs(DIAGRAM_DEFAULTS)).toBeCloseTo(0.05);
	});
});

describe('eventSentence', () => {
	it('says what happened at one moment, in the order it happens', () => {
		const sim = runDiagram(DIAGRAM_DEFAULTS, 5000);
		expect(eventSentence(sim, 650)).toBe(
			'The price changes to 1313.60; the server pushes it down the WebSocket.',
		);
		expect(eventSentence(sim, 1150)).toBe('Polling: the server answers 1313.60.');
		expect(eventSentence(sim, 300)).toBe('Polling: the reply "no" reaches your code.');
		expect(eventSentence(sim, 1000)).toBe('Polling: your code asks "update?".');
	});
});

describe('describeSummary', () => {
	it('counts in words with singulars and says what the average is over', () => {
		const sim = runDiagram(DIAGRAM_DEFAULTS, 5000);
		expect(describeSummary(sim.summaryAt(300), DIAGRAM_DEFAULTS)).toMatchInlineSnapshot(
			`"After 0.30 s of market time, polling every 1.0 s: 1 request sent, 1 empty reply, 0 of 0 price changes missed; its price was out of date by 0 s on average over those 0.30 s. The WebSocket sent 1 request and received 0 prices, never out of date."`,
		);
	});

	it('writes plurals', () => {
		expect([plural(0, 'reply', 'replies'), plural(1, 'reply', 'replies')]).toEqual([
			'0 replies',
			'1 reply',
		]);
	});
});

describe('readouts', () => {
	it('say what each lane shows and how out of date, never "0 s" out of date', () => {
		const sim = runDiagram(DIAGRAM_DEFAULTS, 5000);
		expect(pollingReadout(sim.summaryAt(0))).toBe('Your code has no price yet');
		expect(pollingReadout(sim.summaryAt(1300))).toBe(
			'Your code shows 1313.60, up to date right now',
		);
		// 1313.80 could have reached your code at 1.8 s.
		expect(pollingReadout(sim.summaryAt(1810))).toBe(
			'Your code shows 1313.60, 0.1 s out of date right now',
		);
		expect(streamingReadout(sim.summaryAt(1810))).toBe(
			'Your code shows 1313.80, up to date right now',
		);
	});
});
