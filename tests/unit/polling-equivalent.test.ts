import { describe, expect, it } from 'vitest';
import {
	FRESHNESS_MS,
	createPollingEquivalent,
	pollingRequestsFor,
} from '../../src/lib/polling-equivalent.ts';

describe('pollingRequestsFor', () => {
	it('asks about each symbol once per freshness window', () => {
		expect(FRESHNESS_MS).toBe(100);
		// Two symbols for one minute at 100 ms: 2 × 600.
		expect(pollingRequestsFor(60_000, 2)).toBe(1200);
	});

	it("gives the chapter's 28,800 for one symbol polled every second for 8 hours", () => {
		expect(pollingRequestsFor(8 * 3_600_000, 1, 1000)).toBe(28_800);
	});

	it('is 0 for no time, no symbols or a nonsense interval', () => {
		expect(pollingRequestsFor(0, 2)).toBe(0);
		expect(pollingRequestsFor(1000, 0)).toBe(0);
		expect(pollingRequestsFor(1000, 2, 0)).toBe(0);
	});
});

describe('createPollingEquivalent', () => {
	it('counts time at the symbol count given at the previous step', () => {
		const counter = createPollingEquivalent(100);
		counter.advance(0, 2);
		counter.advance(1000, 6); // 1 s at 2 symbols = 20
		expect(counter.requests).toBe(20);
		counter.advance(1500, 6); // 0.5 s at 6 symbols = 30
		expect(counter.requests).toBe(50);
	});

	it('does not count time while paused (disconnected)', () => {
		const counter = createPollingEquivalent(100);
		counter.advance(0, 1);
		counter.advance(1000, 1);
		counter.pause();
		counter.advance(60_000, 1);
		counter.advance(61_000, 1);
		expect(counter.requests).toBe(20);
	});

	it('ignores a clock that goes backwards and survives many small steps without drift', () => {
		const counter = createPollingEquivalent(100);
		counter.advance(1000, 1);
		counter.advance(500, 1);
		expect(counter.requests).toBe(0);
		for (let t = 1000; t <= 2000; t += 10) counter.advance(t, 3);
		expect(counter.requests).toBe(30);
	});

	it('resets to zero', () => {
		const counter = createPollingEquivalent();
		counter.advance(0, 5);
		counter.advance(10_000, 5);
		counter.reset();
		expect(counter.requests).toBe(0);
	});

	it('refuses a freshness that is not a positive number', () => {
		expect(() => createPollingEquivalent(0)).toThrow(RangeError);
	});
});
