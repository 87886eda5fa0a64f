import { describe, expect, it } from 'vitest';
import { PriceWindow, sparklinePath } from '../../src/lib/sparkline.ts';

const BOX = { width: 60, height: 16, padding: 1 };

describe('sparklinePath', () => {
	it('puts the highest price at the top and the newest at the right edge', () => {
		expect(sparklinePath([1313.6, 1313.8, 1313.5], BOX)).toBe('M0 10.3L30 1L60 15');
	});

	it('draws a flat middle line for one price or equal prices', () => {
		expect(sparklinePath([1313.6], BOX)).toBe('M0 8H60');
		expect(sparklinePath([5, 5, 5], BOX)).toBe('M0 8H60');
	});

	it('is empty with no usable price or an empty box', () => {
		expect(sparklinePath([], BOX)).toBe('');
		expect(sparklinePath([Number.NaN, Infinity], BOX)).toBe('');
		expect(sparklinePath([1, 2], { width: 0, height: 16 })).toBe('');
	});

	it('skips non-finite prices', () => {
		expect(sparklinePath([1, Number.NaN, 2], BOX)).toBe('M0 15L60 1');
	});

	it('stays inside the box for sixty points', () => {
		const prices = Array.from({ length: 60 }, (_, i) => 1000 + Math.sin(i) * 5);
		const numbers = sparklinePath(prices, BOX)
			.match(/-?\d+(\.\d+)?/g)!
			.map(Number);
		for (let i = 0; i < numbers.length; i += 2) {
			expect(numbers[i]).toBeGreaterThanOrEqual(0);
			expect(numbers[i]).toBeLessThanOrEqual(60);
			expect(numbers[i + 1]).toBeGreaterThanOrEqual(1);
			expect(numbers[i + 1]).toBeLessThanOrEqual(15);
		}
	});
});

describe('PriceWindow', () => {
	it('keeps only the latest prices', () => {
		const window = new PriceWindow(3);
		for (const p of [1, 2, 3, 4, 5]) window.push(p);
		expect(window.values()).toEqual([3, 4, 5]);
		expect(window.size).toBe(3);
	});

	it('refuses a capacity below one', () => {
		expect(() => new PriceWindow(0)).toThrow(RangeError);
	});
});
