import { describe, expect, it } from 'vitest';
import { createMarket } from '../../src/lib/market-engine.ts';
import { INSTRUMENTS, NSE_TICK_SIZE } from '../../src/lib/instruments.ts';

const T0 = Date.UTC(2026, 10, 25, 5, 0, 0);

describe('createMarket', () => {
	it('never ticks one instrument twice in the same millisecond (two such frames read as a duplicate)', () => {
		// Fast enough that two draws in one millisecond are certain over the hour on the old engine.
		const market = createMarket({ seed: 39, rateMultiplier: 10 });
		for (const { symbol, exchange } of INSTRUMENTS.slice(0, 3)) {
			const times = market.ticksBetween(symbol, exchange, T0, T0 + 3_600_000).map((t) => t.timeMs);
			expect(times.length).toBeGreaterThan(10_000);
			const repeats = times.filter((t, i) => i > 0 && t <= times[i - 1]!);
			expect(repeats).toEqual([]);
		}
	});

	it('gives the same ticks for the same seed in two markets', () => {
		const a = createMarket({ seed: 39 });
		const b = createMarket({ seed: 39 });
		for (const spec of INSTRUMENTS) {
			expect(a.ticksBetween(spec.symbol, spec.exchange, T0, T0 + 60_000)).toEqual(
				b.ticksBetween(spec.symbol, spec.exchange, T0, T0 + 60_000),
			);
		}
	});

	it('gives different ticks for a different seed', () => {
		const a = createMarket({ seed: 39 }).ticksBetween('RELIANCE', 'NSE', T0, T0 + 60_000);
		const b = createMarket({ seed: 40 }).ticksBetween('RELIANCE', 'NSE', T0, T0 + 60_000);
		expect(a).not.toEqual(b);
	});

	it('refuses a rate multiplier that is not a positive number', () => {
		expect(() => createMarket({ seed: 1, rateMultiplier: 0 })).toThrow(RangeError);
	});
});

describe('ticksBetween', () => {
	const market = createMarket({ seed: 39 });

	it('puts every price on the 0.05 tick grid', () => {
		for (const spec of INSTRUMENTS) {
			for (const tick of market.ticksBetween(spec.symbol, spec.exchange, T0, T0 + 120_000)) {
				const steps = tick.ltp / NSE_TICK_SIZE;
				expect(Math.abs(steps - Math.round(steps))).toBeLessThan(1e-6);
				expect(Number(tick.ltp.toFixed(2))).toBe(tick.ltp);
			}
		}
	});

	it('excludes the start, includes the end and returns ticks in time order', () => {
		const ticks = market.ticksBetween('SBIN', 'NSE', T0, T0 + 30_000);
		expect(ticks.length).toBeGreaterThan(10);
		const from = ticks[3]!.timeMs;
		const to = ticks[8]!.timeMs;
		const slice = market.ticksBetween('SBIN', 'NSE', from, to);
		expect(slice[0]!.timeMs).toBeGreaterThan(from);
		expect(slice.at(-1)!.timeMs).toBe(to);
		for (let i = 1; i < ticks.length; i++)
			expect(ticks[i]!.timeMs).toBeGreaterThanOrEqual(ticks[i - 1]!.timeMs);
	});

	it('gives the same ticks for one span as for the span cut in pieces', () => {
		const whole = market.ticksBetween('INFY', 'NSE', T0, T0 + 10_000);
		const pieces = [];
		for (let t = T0; t < T0 + 10_000; t += 17)
			pieces.push(...market.ticksBetween('INFY', 'NSE', t, Math.min(t + 17, T0 + 10_000)));
		expect(pieces).toEqual(whole);
	});

	it('arrives at each instrument’s rate over an hour, within 10%', () => {
		for (const spec of INSTRUMENTS) {
			const count = market.ticksBetween(spec.symbol, spec.exchange, T0, T0 + 3_600_000).length;
			expect(count / 3600).toBeGreaterThan(spec.ticksPerSecond * 0.9);
			expect(count / 3600).toBeLessThan(spec.ticksPerSecond * 1.1);
		}
	});

	it('arrives irregularly: gaps between ticks vary like a Poisson process', () => {
		const times = market.ticksBetween('RELIANCE', 'NSE', T0, T0 + 600_000).map((t) => t.timeMs);
		const gaps = times.slice(1).map((t, i) => t - times[i]!);
		const mean = gaps.reduce((a, b) => a + b, 0) / gaps.length;
		const sd = Math.sqrt(gaps.reduce((a, b) => a + (b - mean) ** 2, 0) / gaps.length);
		// Exponential gaps have a coefficient of variation near 1; a metronome would have 0.
		expect(sd / mean).toBeGreaterThan(0.7);
	});

	it('keeps RELIANCE near the chapter’s 1313.60', () => {
		const prices = market.ticksBetween('RELIANCE', 'NSE', T0, T0 + 3_600_000).map((t) => t.ltp);
		expect(Math.min(...prices)).toBeGreaterThan(1313.6 * 0.97);
		expect(Math.max(...prices)).toBeLessThan(1313.6 * 1.03);
	});

	it('scales the rate with rateMultiplier', () => {
		const fast = createMarket({ seed: 39, rateMultiplier: 10 });
		const normal = market.ticksBetween('TCS', 'NSE', T0, T0 + 60_000).length;
		const many = fast.ticksBetween('TCS', 'NSE', T0, T0 + 60_000).length;
		expect(many / normal).toBeGreaterThan(7);
	});

	it('prices only the universe in instruments.ts: anything else is a RangeError', () => {
		for (const [symbol, exchange] of [
			['ZOMATO', 'NSE'],
			['reliance', 'NSE'],
			['TCS', 'XYZ'],
			['NIFTY', 'NSE'],
		] as const) {
			expect(() => market.ticksBetween(symbol, exchange, T0, T0 + 10_000)).toThrow(RangeError);
			expect(() => market.quote(symbol, exchange, T0)).toThrow(
				`The mock market does not list ${symbol} on ${exchange}`,
			);
			expect(() => market.lastTick(symbol, exchange, T0)).toThrow(RangeError);
			expect(() => market.depth(symbol, exchange, T0)).toThrow(RangeError);
		}
	});

	it('prices every instrument of the universe', () => {
		for (const spec of INSTRUMENTS) {
			const quote = market.quote(spec.symbol, spec.exchange, T0);
			expect(quote.ltp).toBeGreaterThan(0);
			expect(Math.abs(quote.ltp / spec.basePrice - 1)).toBeLessThan(0.25);
		}
	});
});

describe('lastTick', () => {
	it('returns the newest tick at or before the time', () => {
		const market = createMarket({ seed: 39 });
		const ticks = market.ticksBetween('TCS', 'NSE', T0, T0 + 20_000);
		const target = ticks[5]!;
		expect(market.lastTick('TCS', 'NSE', target.timeMs)).toEqual(target);
		expect(market.lastTick('TCS', 'NSE', ticks[6]!.timeMs - 1)).toEqual(ticks[5]);
	});
});

describe('quote', () => {
	it('is consistent with the price path: low <= ltp <= high and change = ltp - close', () => {
		const market = createMarket({ seed: 39 });
		for (let i = 1; i <= 20; i++) {
			// A session is one UTC hour and T0 opens one, so every sample has trades behind it.
			const at = T0 + i * 37_000;
			const quote = market.quote('HDFCBANK', 'NSE', at);
			expect(quote.low).toBeLessThanOrEqual(quote.ltp);
			expect(quote.high).toBeGreaterThanOrEqual(quote.ltp);
			expect(quote.change).toBeCloseTo(quote.ltp - quote.close, 6);
			expect(quote.changePercent).toBeCloseTo((quote.change / quote.close) * 100, 1);
			expect(quote.volume).toBeGreaterThan(0);
			expect(quote.averagePrice).toBeGreaterThanOrEqual(quote.low);
			expect(quote.averagePrice).toBeLessThanOrEqual(quote.high);
		}
	});

	it('does not depend on which times were asked before (a fresh market agrees)', () => {
		const warm = createMarket({ seed: 39 });
		warm.quote('SBIN', 'NSE', T0 + 1_000);
		const at = T0 + 500_000;
		expect(warm.quote('SBIN', 'NSE', at)).toEqual(
			createMarket({ seed: 39 }).quote('SBIN', 'NSE', at),
		);
	});
});

describe('depth', () => {
	it('gives five levels a side around the last price, best first', () => {
		const market = createMarket({ seed: 39 });
		const at = T0 + 42_000;
		const ltp = market.lastTick('RELIANCE', 'NSE', at).ltp;
		const book = market.depth('RELIANCE', 'NSE', at);
		expect(book.buy).toHaveLength(5);
		expect(book.sell).toHaveLength(5);
		expect(book.buy[0]!.price).toBeLessThan(ltp);
		expect(book.sell[0]!.price).toBeGreaterThan(ltp);
		for (let i = 1; i < 5; i++) {
			expect(book.buy[i]!.price).toBeLessThan(book.buy[i - 1]!.price);
			expect(book.sell[i]!.price).toBeGreaterThan(book.sell[i - 1]!.price);
		}
		for (const level of [...book.buy, ...book.sell]) {
			expect(level.quantity).toBeGreaterThan(0);
			expect(level.orders).toBeGreaterThan(0);
			expect(level.orders).toBeLessThanOrEqual(level.quantity);
		}
	});

	it('has no order book for an index', () => {
		expect(createMarket({ seed: 39 }).depth('NIFTY', 'NSE_INDEX', T0)).toEqual({
			buy: [],
			sell: [],
		});
	});
});
