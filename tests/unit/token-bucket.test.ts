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

/** The server's failed-key wait in whole seconds (authWait in server/stream-server.ts). */
const authWait = (b: ReturnType<typeof fullBucket>, r: BucketRate, t: number) =>
	Math.ceil(msUntil(b, r, t) / 1000);

describe('failed-auth wait (seconds) with the default limit, 10 a minute', () => {
	const rate: BucketRate = { capacity: 10, perSecond: 10 / 60 };
	const t0 = Date.UTC(2026, 0, 5, 4, 0, 0);

	it('ten failures, then a key 1 s later: "try again in 5 s" (and 5 s is enough)', () => {
		const bucket = fullBucket(rate, t0);
		for (let i = 0; i < 10; i++) spend(bucket, rate, t0);
		expect(authWait(bucket, rate, t0 + 1000)).toBe(5);
		expect(msUntil({ ...bucket }, rate, t0 + 6000)).toBe(0);
	});

	it('the wait is always the least whole number of seconds that is enough', () => {
		const bad: string[] = [];
		for (const cap of [10, 1, 3, 7, 12, 60]) {
			const r: BucketRate = { capacity: cap, perSecond: cap / 60 };
			for (let k = 1; k <= cap; k++)
				for (let ms = 0; ms <= 60_000; ms += 250) {
					const b = fullBucket(r, t0);
					for (let i = 0; i < k; i++) spend(b, r, t0);
					const wait = authWait(b, r, t0 + ms);
					if (wait === 0) continue;
					const enough = msUntil({ ...b }, r, t0 + ms + wait * 1000) === 0;
					const less = msUntil({ ...b }, r, t0 + ms + (wait - 1) * 1000) === 0;
					if (!enough || less) bad.push(`cap ${cap}, ${k} failures, +${ms} ms: says ${wait}`);
				}
		}
		expect(bad).toEqual([]);
	});
});

describe('non-finite inputs', () => {
	const rate: BucketRate = { capacity: 40, perSecond: 20 };

	it('a NaN or ±Infinity clock reading never leaves NaN tokens or a bucket over capacity', () => {
		const b = fullBucket(rate, 1000);
		for (let i = 0; i < 40; i++) take(b, rate, 1000);
		for (const t of [NaN, 2000, Infinity, 3000, -Infinity, 4000]) {
			refill(b, rate, t);
			expect(Number.isFinite(b.tokens)).toBe(true);
			expect(b.tokens).toBeLessThanOrEqual(rate.capacity);
		}
	});

	it('take() with a NaN count refuses and leaves the bucket as it was', () => {
		const b = fullBucket(rate, 0);
		expect(take(b, rate, 0, NaN)).toBe(false);
		expect(b.tokens).toBe(40);
	});

	it('take() with a negative count does not add tokens', () => {
		const b = fullBucket(rate, 0);
		take(b, rate, 0, -1000);
		expect(b.tokens).toBeLessThanOrEqual(rate.capacity);
	});
});

describe('clock that jumps (the render bench moves the server clock back by months)', () => {
	const rate: BucketRate = { capacity: 40, perSecond: 20 };
	it('a drained bucket whose clock goes back 30 days refills from there, not after 30 days', () => {
		const t = Date.UTC(2026, 11, 1);
		const b = fullBucket(rate, t);
		for (let i = 0; i < 40; i++) take(b, rate, t);
		const back = t - 30 * 86_400_000;
		expect(take(b, rate, back)).toBe(false);
		expect(take(b, rate, back + 50)).toBe(true);
	});
	it('a forward jump of months fills to capacity, no more', () => {
		const b = fullBucket(rate, 0);
		take(b, rate, 0);
		expect(refill(b, rate, 90 * 86_400_000)).toBe(40);
	});
});
