import { describe, expect, it } from 'vitest';
import { DEFAULT_BACKOFF, backoffCeilingMs, backoffDelayMs } from '../../src/lib/backoff.ts';

describe('backoffCeilingMs', () => {
	it('doubles from one second and stops at eight', () => {
		expect([0, 1, 2, 3, 4, 5, 6, 10].map((n) => backoffCeilingMs(n))).toEqual([
			1000, 2000, 4000, 8000, 8000, 8000, 8000, 8000,
		]);
	});

	it('keeps a reader waiting at most 8 s once the server is back, however long it was down', () => {
		// The retry schedule of a page whose server was down for 24 s, drawing the longest waits.
		let elapsedMs = 0;
		const attempts: number[] = [];
		for (let attempt = 0; elapsedMs < 24_000; attempt++) {
			elapsedMs += backoffDelayMs(attempt, 0.999999);
			attempts.push(elapsedMs);
		}
		const firstAfterBack = attempts.find((atMs) => atMs >= 24_000)!;
		expect(firstAfterBack - 24_000).toBeLessThanOrEqual(8000);
		expect(Math.max(...[0, 1, 2, 3, 20].map((n) => backoffDelayMs(n, 0.999999)))).toBe(8000);
	});

	it('treats negative, fractional and non-finite attempts as whole attempts from 0', () => {
		expect(backoffCeilingMs(-3)).toBe(1000);
		expect(backoffCeilingMs(2.9)).toBe(4000);
		expect(backoffCeilingMs(Number.NaN)).toBe(1000);
	});

	it('never overflows for a huge attempt count', () => {
		expect(backoffCeilingMs(1e9)).toBe(DEFAULT_BACKOFF.maxMs);
	});
});

describe('backoffDelayMs', () => {
	it('waits between half and all of the ceiling with equal jitter', () => {
		expect(backoffDelayMs(2, 0)).toBe(2000);
		expect(backoffDelayMs(2, 0.5)).toBe(3000);
		expect(backoffDelayMs(2, 0.999999)).toBe(4000);
	});

	it('clamps a random draw outside [0, 1)', () => {
		expect(backoffDelayMs(0, -5)).toBe(500);
		expect(backoffDelayMs(0, 7)).toBe(1000);
		expect(backoffDelayMs(0, Number.NaN)).toBe(500);
	});

	it('is exactly exponential without jitter', () => {
		const options = { baseMs: 250, maxMs: 10_000, factor: 3, jitter: 0 };
		expect([0, 1, 2, 3, 4].map((n) => backoffDelayMs(n, 0.7, options))).toEqual([
			250, 750, 2250, 6750, 10000,
		]);
	});

	it('spreads two clients that fail together', () => {
		expect(backoffDelayMs(3, 0.1)).not.toBe(backoffDelayMs(3, 0.9));
	});
});
