import { describe, expect, it } from 'vitest';
import {
	fullBucket,
	msUntil,
	refill,
	spend,
	take,
	type BucketRate,
} from '../../src/lib/token-bucket.ts';

const TEN_A_SECOND: BucketRate = { capacity: 2, perSecond: 10 };

describe('token bucket', () => {
	it('lets a burst of `capacity` through at once, then one per 1/perSecond', () => {
		const bucket = fullBucket(TEN_A_SECOND, 0);
		expect([take(bucket, TEN_A_SECOND, 0), take(bucket, TEN_A_SECOND, 0)]).toEqual([true, true]);
		expect(take(bucket, TEN_A_SECOND, 0)).toBe(false);
		expect(msUntil(bucket, TEN_A_SECOND, 0)).toBeCloseTo(100);
		expect(take(bucket, TEN_A_SECOND, 99)).toBe(false);
		expect(take(bucket, TEN_A_SECOND, 100)).toBe(true);
		// Asked every 10 ms for a second, it lets ten through: the sustained rate.
		let through = 0;
		for (let t = 110; t <= 1100; t += 10) if (take(bucket, TEN_A_SECOND, t)) through++;
		expect(through).toBe(10);
	});

	it('never holds more than its capacity, however long it was idle', () => {
		const bucket = fullBucket(TEN_A_SECOND, 0);
		take(bucket, TEN_A_SECOND, 0);
		expect(refill(bucket, TEN_A_SECOND, 3_600_000)).toBe(2);
		expect(msUntil(bucket, TEN_A_SECOND, 3_600_000, 2)).toBe(0);
	});

	it('refuses without taking anything when asked for more than it has', () => {
		const rate: BucketRate = { capacity: 100, perSecond: 100 };
		const bucket = fullBucket(rate, 0);
		expect(take(bucket, rate, 0, 101)).toBe(false);
		expect(take(bucket, rate, 0, 100)).toBe(true);
		expect(msUntil(bucket, rate, 0, 50)).toBeCloseTo(500);
	});

	it('counts a spent token even when empty, without going below zero', () => {
		const rate: BucketRate = { capacity: 1, perSecond: 1 / 60 };
		const bucket = fullBucket(rate, 0);
		spend(bucket, rate, 0);
		spend(bucket, rate, 1000);
		expect(bucket.tokens).toBe(0);
		expect(Math.ceil(msUntil(bucket, rate, 1000) / 1000)).toBe(60);
	});

	it('adds nothing for a clock that went back, and counts on from there', () => {
		const bucket = fullBucket(TEN_A_SECOND, 10_000);
		take(bucket, TEN_A_SECOND, 10_000);
		take(bucket, TEN_A_SECOND, 10_000);
		expect(refill(bucket, TEN_A_SECOND, 5_000)).toBe(0);
		// Not stuck until the clock is back at 10 s: 100 ms later there is a token again.
		expect(take(bucket, TEN_A_SECOND, 5_100)).toBe(true);
	});
});
