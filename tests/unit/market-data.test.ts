import { describe, expect, it } from 'vitest';
import {
	forEachDueFrame,
	framesDue,
	marketDataPayload,
	variantKey,
	type InstrumentHolders,
} from '../../src/lib/market-data.ts';
import { createMarket } from '../../src/lib/market-engine.ts';
import type { Subscription } from '../../src/lib/subscription.ts';

const NOW = Date.UTC(2026, 10, 25, 5, 0, 0);

describe('marketDataPayload', () => {
	const market = createMarket({ seed: 39 });
	const instrument = { symbol: 'RELIANCE', exchange: 'NSE' };
	const tick = market.lastTick('RELIANCE', 'NSE', Date.UTC(2026, 10, 25, 6));

	it('gives LTP data with the price at data.ltp and epoch-ms timestamps', () => {
		const data = marketDataPayload(market, instrument, 1, tick);
		expect(Object.keys(data)).toEqual(['ltp', 'ltt', 'symbol', 'exchange', 'mode', 'timestamp']);
		expect(data).toMatchObject({ ltp: tick.ltp, mode: 1, timestamp: tick.timeMs });
		expect(Number.isInteger(data.timestamp)).toBe(true);
	});

	it('gives Quote data with every field the SDK reads', () => {
		const data = marketDataPayload(market, instrument, 2, tick);
		for (const key of [
			'open',
			'high',
			'low',
			'close',
			'ltp',
			'volume',
			'last_trade_quantity',
			'avg_trade_price',
			'change',
			'change_percent',
			'timestamp',
		]) {
			expect(data).toHaveProperty(key);
		}
	});

	it('gives Depth data with five buy and sell levels', () => {
		const data = marketDataPayload(market, instrument, 3, tick);
		expect(data.depth?.buy).toHaveLength(5);
		expect(data.depth?.sell).toHaveLength(5);
		expect(Object.keys(data.depth!.buy[0]!)).toEqual(['price', 'quantity', 'orders']);
	});
});

describe('framesDue', () => {
	const market = createMarket({ seed: 39 });
	const ltp = (symbol: string, sinceMs?: number): Subscription => ({
		symbol,
		exchange: 'NSE',
		mode: 1,
		depth: 5,
		...(sinceMs === undefined ? {} : { sinceMs }),
	});

	it('gives one frame per tick and variant, in time order, with the market’s prices', () => {
		const quote: Subscription = { ...ltp('RELIANCE'), mode: 2 };
		const due = framesDue(market, [ltp('RELIANCE'), ltp('TCS'), quote], NOW, NOW + 2_000);
		const reliance = market.ticksBetween('RELIANCE', 'NSE', NOW, NOW + 2_000);
		const tcs = market.ticksBetween('TCS', 'NSE', NOW, NOW + 2_000);
		expect(reliance.length).toBeGreaterThan(0);
		expect(due).toHaveLength(reliance.length * 2 + tcs.length);
		const times = due.map((d) => d.timeMs);
		expect(times).toEqual([...times].sort((a, b) => a - b));
		const quoteFrames = due.filter((d) => d.frame.mode === 2);
		expect(quoteFrames.map((d) => d.frame.data.ltp)).toEqual(reliance.map((t) => t.ltp));
		expect(quoteFrames[0]!.frame.data).toEqual(
			marketDataPayload(market, { symbol: 'RELIANCE', exchange: 'NSE' }, 2, reliance[0]!),
		);
		// At one tick time, LTP (first subscribed) comes before Quote.
		const first = due.filter((d) => d.timeMs === reliance[0]!.timeMs).map((d) => d.frame.mode);
		expect(first).toEqual([1, 2]);
	});

	it('sends a subscription only the ticks after its sinceMs', () => {
		const ticks = market.ticksBetween('RELIANCE', 'NSE', NOW, NOW + 2_000);
		expect(ticks.length).toBeGreaterThan(1);
		const since = ticks[0]!.timeMs;
		const due = framesDue(market, [ltp('RELIANCE', since)], NOW, NOW + 2_000);
		expect(due.map((d) => d.timeMs)).toEqual(ticks.slice(1).map((t) => t.timeMs));
	});

	it('fans one frame out to every subscription of the same variant, each from its own time', () => {
		const ticks = market.ticksBetween('RELIANCE', 'NSE', NOW, NOW + 2_000);
		const early = { ...ltp('RELIANCE', NOW), client: 'a' };
		const late = { ...ltp('RELIANCE', ticks[0]!.timeMs), client: 'b' };
		const depth10 = { ...ltp('RELIANCE', NOW), mode: 3 as const, depth: 10, client: 'c' };
		const due = framesDue(market, [early, late, depth10], NOW, NOW + 2_000);
		const ltpDue = due.filter((d) => d.frame.mode === 1);
		expect(ltpDue).toHaveLength(ticks.length);
		expect(ltpDue[0]!.subscriptions.map((s) => s.client)).toEqual(['a']);
		expect(ltpDue[1]!.subscriptions.map((s) => s.client)).toEqual(['a', 'b']);
		const depthDue = due.filter((d) => d.frame.mode === 3);
		expect(depthDue[0]!.frame.data.depth?.buy).toHaveLength(10);
		expect(depthDue[0]!.subscriptions.map((s) => s.client)).toEqual(['c']);
	});

	it('reaches back at most two seconds, or maxBacklogMs', () => {
		const to = NOW + 60_000;
		const capped = framesDue(market, [ltp('RELIANCE')], NOW, to);
		expect(capped.map((d) => d.timeMs)).toEqual(
			market.ticksBetween('RELIANCE', 'NSE', to - 2_000, to).map((t) => t.timeMs),
		);
		const uncapped = framesDue(market, [ltp('RELIANCE')], NOW, to, { maxBacklogMs: Infinity });
		expect(uncapped).toHaveLength(market.ticksBetween('RELIANCE', 'NSE', NOW, to).length);
		expect(uncapped.length).toBeGreaterThan(capped.length);
	});

	it('gives nothing for an empty or backwards window, or no subscriptions', () => {
		expect(framesDue(market, [ltp('RELIANCE')], NOW, NOW)).toEqual([]);
		expect(framesDue(market, [ltp('RELIANCE')], NOW, NOW - 1_000)).toEqual([]);
		expect(framesDue(market, [], NOW, NOW + 5_000)).toEqual([]);
	});

	it('stamps every frame with the broker asked for', () => {
		const due = framesDue(market, [ltp('TCS')], NOW, NOW + 5_000, { broker: 'zerodha' });
		expect(due.length).toBeGreaterThan(0);
		expect(due.every((d) => d.frame.broker === 'zerodha')).toBe(true);
	});
});

describe('forEachDueFrame', () => {
	const market = createMarket({ seed: 39 });
	const sub = (symbol: string, mode: 1 | 2 | 3, sinceMs?: number): Subscription => ({
		symbol,
		exchange: 'NSE',
		mode,
		depth: 5,
		sinceMs,
	});
	/** Groups holders as the stream server's index does: instrument, then variant, then holder. */
	function index(held: Array<[string, Subscription]>): InstrumentHolders<string>[] {
		const byPair = new Map<string, InstrumentHolders<string>>();
		for (const [holder, subscription] of held) {
			let entry = byPair.get(subscription.symbol);
			if (!entry) {
				entry = { symbol: subscription.symbol, exchange: 'NSE', variants: new Map() };
				byPair.set(subscription.symbol, entry);
			}
			const variants = entry.variants as Map<string, Map<string, Subscription>>;
			const key = variantKey(subscription);
			if (!variants.has(key)) variants.set(key, new Map());
			variants.get(key)!.set(holder, subscription);
		}
		return [...byPair.values()];
	}

	it('sends each holder the frames framesDue gives its subscriptions, in the same order', () => {
		const held: Array<[string, Subscription]> = [
			['a', sub('RELIANCE', 1)],
			['b', sub('RELIANCE', 1, NOW + 1_000)],
			['a', sub('TCS', 2)],
			['c', sub('RELIANCE', 3)],
		];
		const sent: Array<{ holder: string; frame: unknown }> = [];
		forEachDueFrame(market, index(held), NOW, NOW + 3_000, (due, holder) =>
			sent.push({ holder, frame: due.frame }),
		);
		const expected = framesDue(
			market,
			held.map(([holder, subscription]) => ({ ...subscription, holder })),
			NOW,
			NOW + 3_000,
		).flatMap((due) => due.subscriptions.map((s) => ({ holder: s.holder, frame: due.frame })));
		expect(sent.length).toBeGreaterThan(0);
		expect(sent).toEqual(expected);
	});

	it('builds one frame per tick and variant, however many hold it', () => {
		const held: Array<[string, Subscription]> = ['a', 'b', 'c'].map((holder) => [
			holder,
			sub('INFY', 1),
		]);
		const frames = new Set<unknown>();
		let calls = 0;
		forEachDueFrame(market, index(held), NOW, NOW + 3_000, (due) => {
			frames.add(due);
			calls++;
		});
		expect(frames.size).toBe(market.ticksBetween('INFY', 'NSE', NOW, NOW + 3_000).length);
		expect(calls).toBeGreaterThan(0);
		expect(calls).toBe(frames.size * 3);
	});
});
