// Market data for subscribers: the `data` of a market_data frame for one tick, and the one
// function that says which frames are due to whom between two instants. The stream server's
// fan-out and the page's in-page simulation both call `framesDue`, so for the same subscriptions,
// seed and clock they send the same frames in the same order.
import { MAX_TICK_BACKLOG_MS } from './constants.ts';
import { instrumentKey } from './instruments.ts';
import type { Market, Tick } from './market-engine.ts';
import { DEFAULT_DEPTH, MOCK_BROKER, type Instrument, type ModeNumber } from './protocol.ts';
import { marketDataFrame, type MarketDataFrame, type MarketDataPayload } from './server-frames.ts';
import type { Subscription } from './subscription.ts';

/** The `data` of a market_data frame for one tick at one mode, with the fields the SDK reads. */
export function marketDataPayload(
	market: Market,
	instrument: Instrument,
	mode: ModeNumber,
	tick: Tick,
	depthLevels: number = DEFAULT_DEPTH,
): MarketDataPayload {
	const stamp = {
		ltt: tick.timeMs,
		symbol: instrument.symbol,
		exchange: instrument.exchange,
		mode,
		timestamp: tick.timeMs,
	};
	if (mode === 1) return { ltp: tick.ltp, ...stamp };
	const quote = market.quote(instrument.symbol, instrument.exchange, tick.timeMs);
	if (mode === 2) {
		return {
			ltp: tick.ltp,
			open: quote.open,
			high: quote.high,
			low: quote.low,
			close: quote.close,
			volume: quote.volume,
			last_trade_quantity: tick.quantity,
			avg_trade_price: quote.averagePrice,
			change: quote.change,
			change_percent: quote.changePercent,
			...stamp,
		};
	}
	const book = market.depth(instrument.symbol, instrument.exchange, tick.timeMs, depthLevels);
	return {
		ltp: tick.ltp,
		open: quote.open,
		high: quote.high,
		low: quote.low,
		close: quote.close,
		volume: quote.volume,
		depth: { buy: book.buy, sell: book.sell },
		...stamp,
	};
}

/** One market_data frame and every subscription it goes to (same symbol, exchange, mode, depth). */
export interface DueFrame<S extends Subscription = Subscription> {
	/** The tick's time, epoch ms. */
	timeMs: number;
	frame: MarketDataFrame;
	/** In the order they were given; never empty. */
	subscriptions: S[];
}

export interface FramesDueOptions {
	/**
	 * Deliver at most this much backlog, in ms: the window starts no earlier than
	 * `toMs - maxBacklogMs` (default MAX_TICK_BACKLOG_MS, 2 s). Infinity turns the cap off.
	 */
	maxBacklogMs?: number;
	/** The `broker` of every frame (default MOCK_BROKER). */
	broker?: string;
}

/** Frames differ by mode, and in mode 3 by depth; modes 1 and 2 carry no book. */
function variantOf(subscription: Subscription): string {
	return subscription.mode === 3 ? `3:${subscription.depth}` : String(subscription.mode);
}

/**
 * The market_data frames due in (fromMs, toMs] for these subscriptions: one frame per tick and
 * variant (mode, and depth for mode 3), with the subscriptions that receive it. A subscription
 * gets only ticks after its `sinceMs` (so a subscribe made mid-window sees no older tick), and
 * no window reaches back more than `maxBacklogMs` before `toMs`.
 *
 * Order: ascending tick time; ties keep the order in which each (symbol, exchange), then each
 * variant, first appears in `subscriptions`. Cost: one `ticksBetween` per distinct instrument,
 * one payload per (tick, variant), however many subscriptions share it; nothing when
 * `toMs <= fromMs`.
 *
 * @param market the seeded market both mounts share
 * @param subscriptions any subscriptions, from one session (the page) or many (the server; extend
 *   `Subscription` with your own fields, e.g. the client, and read them back from `subscriptions`)
 * @param fromMs exclusive start of the window, epoch ms (the previous pump's `toMs`)
 * @param toMs inclusive end of the window, epoch ms (now)
 */
export function framesDue<S extends Subscription>(
	market: Market,
	subscriptions: Iterable<S>,
	fromMs: number,
	toMs: number,
	options: FramesDueOptions = {},
): DueFrame<S>[] {
	const due: DueFrame<S>[] = [];
	const start = Math.max(fromMs, toMs - (options.maxBacklogMs ?? MAX_TICK_BACKLOG_MS));
	if (!(toMs > start)) return due;
	const broker = options.broker ?? MOCK_BROKER;
	const byInstrument = new Map<string, Map<string, S[]>>();
	for (const subscription of subscriptions) {
		const pair = instrumentKey(subscription.symbol, subscription.exchange);
		let variants = byInstrument.get(pair);
		if (!variants) byInstrument.set(pair, (variants = new Map()));
		const variant = variantOf(subscription);
		const holders = variants.get(variant);
		if (holders) holders.push(subscription);
		else variants.set(variant, [subscription]);
	}
	for (const variants of byInstrument.values()) {
		const first = variants.values().next().value![0]!;
		const instrument = { symbol: first.symbol, exchange: first.exchange };
		let since = Infinity;
		for (const holders of variants.values())
			for (const s of holders) since = Math.min(since, s.sinceMs ?? -Infinity);
		const ticks = market.ticksBetween(
			instrument.symbol,
			instrument.exchange,
			Math.max(start, since),
			toMs,
		);
		for (const tick of ticks) {
			for (const holders of variants.values()) {
				const receivers = holders.filter((s) => s.sinceMs === undefined || tick.timeMs > s.sinceMs);
				if (receivers.length === 0) continue;
				const { mode, depth } = receivers[0]!;
				const payload = marketDataPayload(market, instrument, mode, tick, depth);
				due.push({
					timeMs: tick.timeMs,
					frame: marketDataFrame(instrument, mode, payload, broker),
					subscriptions: receivers,
				});
			}
		}
	}
	// Array#sort is stable: ties keep the instrument and variant order built above.
	return due.sort((a, b) => a.timeMs - b.timeMs);
}
