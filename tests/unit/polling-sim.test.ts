import { describe, expect, it } from 'vitest';
import {
	SEED_PRICES,
	formatSeconds,
	seedOpening,
	simulatePolling,
	tickSchedule,
	type PriceTick,
} from '../../src/lib/polling-sim.ts';

// The seed figure's three prices, 0.3 s, 0.7 s and 1.1 s into the run.
const SEED_TICKS: PriceTick[] = [
	{ timeMs: 300, ltp: 1313.6 },
	{ timeMs: 700, ltp: 1313.8 },
	{ timeMs: 1100, ltp: 1313.5 },
];

describe('simulatePolling', () => {
	it('hears "no" before any tick, a price late, and misses the tick a newer one replaced', () => {
		const sim = simulatePolling({ ticks: SEED_TICKS, pollMs: 1000, untilMs: 2000 });
		expect(sim.polls.map((p) => [p.sentMs, p.news, p.ltp])).toEqual([
			[0, false, null],
			[1000, true, 1313.8],
			[2000, true, 1313.5],
		]);
		expect(sim.fates.map((f) => [f.missed, f.seenByPoll])).toEqual([
			[true, null],
			[false, 1],
			[false, 2],
		]);
		const at2000 = sim.summaryAt(2000);
		expect(at2000).toMatchObject({
			requestsSent: 3,
			repliesReceived: 3,
			emptyReplies: 1,
			priceReplies: 2,
			ticksHappened: 3,
			ticksMissed: 1,
			ticksStreamed: 3,
			pollingStalenessMs: 0,
			pollingLtp: 1313.5,
			streamingLtp: 1313.5,
			serverLtp: 1313.5,
		});
		// Stale from 300 to 1000 (700^2/2) and from 1100 to 2000 (900^2/2): 650000 / 2000 ms.
		expect(at2000.averageStalenessMs).toEqual({ polling: 325, streaming: 0 });
	});

	it('reports the counters at any moment, not just the end', () => {
		const sim = simulatePolling({ ticks: SEED_TICKS, pollMs: 1000, untilMs: 2000 });
		expect(sim.summaryAt(0)).toMatchObject({ requestsSent: 1, emptyReplies: 1, ticksMissed: 0 });
		expect(sim.summaryAt(699)).toMatchObject({
			ticksMissed: 0,
			pollingStalenessMs: 399,
			serverLtp: 1313.6,
		});
		// Tick 0 becomes "missed" the moment tick 1 replaces it.
		expect(sim.summaryAt(700)).toMatchObject({ ticksMissed: 1, pollingStalenessMs: 400 });
		expect(sim.summaryAt(1500)).toMatchObject({
			requestsSent: 2,
			pollingLtp: 1313.8,
			streamingLtp: 1313.5,
			pollingStalenessMs: 400,
		});
		// (700^2/2 + 400^2/2) / 1500
		expect(sim.summaryAt(1500).averageStalenessMs.polling).toBe(325000 / 1500);
	});

	it('counts network latency on both lanes and measures staleness from when news could arrive', () => {
		const sim = simulatePolling({ ticks: SEED_TICKS, pollMs: 1000, latencyMs: 100, untilMs: 2000 });
		expect(sim.polls.map((p) => [p.sentMs, p.serverMs, p.replyMs, p.news, p.ltp])).toEqual([
			[0, 100, 200, false, null],
			[1000, 1100, 1200, true, 1313.5],
			[2000, 2100, 2200, false, null],
		]);
		expect(sim.fates.map((f) => f.missed)).toEqual([true, true, false]);
		expect(sim.fates.map((f) => f.streamedMs)).toEqual([400, 800, 1200]);
		expect(sim.summaryAt(2000)).toMatchObject({
			requestsSent: 3,
			repliesReceived: 2,
			emptyReplies: 1,
			ticksMissed: 2,
			averageStalenessMs: { polling: 160, streaming: 0 },
		});
		expect(sim.summaryAt(1000).pollingStalenessMs).toBe(600);
		expect(sim.summaryAt(2200)).toMatchObject({ repliesReceived: 3, emptyReplies: 2 });
		expect(sim.streamingShownAt(399)).toBe(-1);
		expect(sim.streamingShownAt(400)).toBe(0);
	});

	it('answers overlapping polls with what your code knew when it asked', () => {
		const sim = simulatePolling({
			ticks: [{ timeMs: 50, ltp: 1313.6 }],
			pollMs: 100,
			latencyMs: 150,
			untilMs: 300,
		});
		expect(sim.polls.map((p) => p.news)).toEqual([true, true, true, false]);
		expect(sim.summaryAt(300)).toMatchObject({
			requestsSent: 4,
			repliesReceived: 1,
			priceReplies: 1,
		});
	});

	it('misses more ticks and waits longer with a slower poll', () => {
		const ticks = tickSchedule({ seed: 39, ticksPerSecond: 2, untilMs: 60_000 });
		const fast = simulatePolling({ ticks, pollMs: 500, untilMs: 60_000 }).summaryAt(60_000);
		const slow = simulatePolling({ ticks, pollMs: 5000, untilMs: 60_000 }).summaryAt(60_000);
		expect(fast.requestsSent).toBe(121);
		expect(slow.requestsSent).toBe(13);
		expect(slow.ticksMissed).toBeGreaterThan(fast.ticksMissed);
		expect(slow.averageStalenessMs.polling).toBeGreaterThan(fast.averageStalenessMs.polling);
		expect(fast.ticksMissed + fast.priceReplies).toBeLessThanOrEqual(fast.ticksHappened + 1);
	});

	it('lists every event time once, ascending', () => {
		const sim = simulatePolling({ ticks: SEED_TICKS, pollMs: 1000, latencyMs: 100, untilMs: 1000 });
		expect(sim.eventTimes()).toEqual([0, 100, 200, 300, 400, 700, 800, 1000, 1100, 1200]);
	});

	it('rejects a zero poll interval and unordered ticks', () => {
		expect(() => simulatePolling({ ticks: [], pollMs: 0, untilMs: 10 })).toThrow(RangeError);
		expect(() =>
			simulatePolling({ ticks: [SEED_TICKS[1], SEED_TICKS[0]], pollMs: 100, untilMs: 10 }),
		).toThrow(/strictly increasing/);
	});
});

describe('seedOpening', () => {
	const pollSteps = Array.from({ length: 10 }, (_, i) => 500 * (i + 1));
	const rateSteps = Array.from({ length: 10 }, (_, i) => 0.5 * (i + 1));

	it('plays the seed figure at every slider setting: "no", then 1313.60; the stream gets all three', () => {
		for (const latencyMs of [0, 150, 400]) {
			for (const pollMs of pollSteps) {
				for (const ticksPerSecond of rateSteps) {
					const opening = seedOpening({ pollMs, latencyMs, ticksPerSecond });
					const untilMs = opening[2].timeMs + latencyMs;
					const sim = simulatePolling({ ticks: opening, pollMs, latencyMs, untilMs });
					const where = `poll ${pollMs} ms, ${ticksPerSecond}/s, latency ${latencyMs} ms`;
					expect(sim.polls[0].ltp, where).toBeNull();
					expect(sim.polls[1].ltp, where).toBe(1313.6);
					expect(
						sim.fates.map((f) => f.ltp),
						where,
					).toEqual([1313.6, 1313.8, 1313.5]);
					// At the rate the slider states: one mean gap between the opening's ticks.
					const gapMs = Math.round(1000 / ticksPerSecond);
					expect(opening[1].timeMs - opening[0].timeMs, where).toBe(gapMs);
					expect(opening[2].timeMs - opening[1].timeMs, where).toBe(gapMs);
				}
			}
		}
	});

	it('opens at 0.65 s, 1.65 s and 2.65 s at the page defaults', () => {
		expect(seedOpening({ pollMs: 1000, latencyMs: 150, ticksPerSecond: 1 })).toEqual([
			{ timeMs: 650, ltp: 1313.6 },
			{ timeMs: 1650, ltp: 1313.8 },
			{ timeMs: 2650, ltp: 1313.5 },
		]);
	});

	it('rejects a zero rate', () => {
		expect(() => seedOpening({ pollMs: 1000, latencyMs: 0, ticksPerSecond: 0 })).toThrow(
			/ticksPerSecond must be a positive number/,
		);
	});
});

describe('tickSchedule', () => {
	const opening = seedOpening({ pollMs: 1000, latencyMs: 150, ticksPerSecond: 2 });

	it('starts with the opening, then walks on the 0.05 grid at the Poisson rate', () => {
		const ticks = tickSchedule({ seed: 39, ticksPerSecond: 2, untilMs: 30_000, opening });
		expect(ticks.slice(0, 3)).toEqual(opening);
		expect(ticks.slice(0, 3).map((t) => t.ltp)).toEqual([...SEED_PRICES]);
		for (let i = 1; i < ticks.length; i++) {
			expect(ticks[i].timeMs).toBeGreaterThan(ticks[i - 1].timeMs);
			expect(Math.round(ticks[i].ltp * 100) % 5).toBe(0);
			expect(ticks[i].ltp).not.toBe(ticks[i - 1].ltp);
		}
		// Poisson at 2/s over 30 s: about 60 ticks.
		expect(ticks.length).toBeGreaterThan(40);
		expect(ticks.length).toBeLessThan(80);
	});

	it('is a pure function of its options', () => {
		const a = tickSchedule({ seed: 7, ticksPerSecond: 1, untilMs: 10_000, opening });
		expect(tickSchedule({ seed: 7, ticksPerSecond: 1, untilMs: 10_000, opening })).toEqual(a);
		expect(tickSchedule({ seed: 8, ticksPerSecond: 1, untilMs: 10_000, opening })).not.toEqual(a);
	});

	it('keeps only the opening ticks inside the horizon', () => {
		expect(
			tickSchedule({ seed: 1, ticksPerSecond: 1, untilMs: opening[0].timeMs, opening }),
		).toEqual(opening.slice(0, 1));
	});

	it('rejects an unordered opening', () => {
		expect(() =>
			tickSchedule({ seed: 1, ticksPerSecond: 1, untilMs: 10, opening: [...opening].reverse() }),
		).toThrow(/strictly increasing/);
	});
});

describe('formatSeconds', () => {
	it('writes seconds with sensible precision', () => {
		expect([0, 350, 1234, 12_600].map(formatSeconds)).toEqual(['0 s', '0.35 s', '1.2 s', '13 s']);
	});
});
