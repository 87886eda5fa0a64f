import { describe, expect, it } from 'vitest';
import { BoundedCache } from '../../src/lib/bounded-cache.ts';

describe('BoundedCache', () => {
	it('keeps at most its capacity, forgetting the least recently used first', () => {
		const cache = new BoundedCache<string, number>(2);
		cache.set('a', 1);
		cache.set('b', 2);
		expect(cache.get('a')).toBe(1); // a is now the most recent
		cache.set('c', 3);
		expect(cache.size).toBe(2);
		expect(cache.get('b')).toBeUndefined();
		expect([cache.get('a'), cache.get('c')]).toEqual([1, 3]);
	});

	it('keeps caching once full: a new key always gets a place', () => {
		const cache = new BoundedCache<number, number>(3);
		for (let i = 0; i < 1_000; i++) cache.set(i, i);
		expect(cache.size).toBe(3);
		expect(cache.getOrCreate(5_000, () => 7)).toBe(7);
		expect(cache.get(5_000)).toBe(7);
	});

	it('makes a value once with getOrCreate', () => {
		const cache = new BoundedCache<string, object>(4);
		let made = 0;
		const first = cache.getOrCreate('k', () => ({ n: ++made }));
		expect(cache.getOrCreate('k', () => ({ n: ++made }))).toBe(first);
		expect(made).toBe(1);
	});

	it('refuses a capacity that is not a positive integer', () => {
		expect(() => new BoundedCache(0)).toThrow(RangeError);
		expect(() => new BoundedCache(1.5)).toThrow('`capacity` must be a positive integer; got 1.5.');
	});
});
