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

/**
 * Frames differ by mode, and in mode 3 by depth; modes 1 and 2 carry no book. Subscriptions with
 * the same variant key of one instrument receive the very same frame.
 */
export function variantKey(subscription: Subscription): string {
	return subscription.mode === 3 ? `3:${subscription.depth}` : String(subscription.mode);
}

/** Who holds one instrument, grouped by variant (see `variantKey`), as `forEachDueFrame` reads it. */
export interface InstrumentHolders<K, S extends Subscription = Subscription> {
	symbol: string;
	exchange: string;
	/**
	 * Per variant, every holder and its subscription, variants and holders in the order they
	 * joined. Read again for every tick, so it must be a collection, not a one-shot iterator.
	 */
	variants: ReadonlyMap<string, ReadonlyMap<K, S>>;
}

/** An `InstrumentHolders` that `addHolder` can add to. */
export interface HeldInstrument<K, S extends Subscription = Subscription> extends InstrumentHolders<
	K,
	S
> {
	variants: Map<string, Map<K, S>>;
}

/**
 * Adds `holder`'s `subscription` to `index` (keyed by instrument), grouped by variant as
 * `forEachDueFrame` reads it; instruments, variants and holders keep the order they joined in.
 */
export function addHolder<K, S extends Subscription>(
	index: Map<string, HeldInstrument<K, S>>,
	holder: K,
	subscription: S,
): void {
	const pair = instrumentKey(subscription.symbol, subscription.exchange);
	let held = index.get(pair);
	if (!held) {
		held = { symbol: subscription.symbol, exchange: subscription.exchange, variants: new Map() };
		index.set(pair, held);
	}
	const variant = variantKey(subscription);
	let holders = held.variants.get(variant);
	if (!holders) held.variants.set(variant, (holders = new Map()));
	holders.set(holder, subscription);
}

/** One tick's frame at one variant. */
export interface DueTick {
	/** The tick's time, epoch ms. */
	timeMs: number;
	frame: MarketDataFrame;
}

/**
 * Calls `send` once per (frame due in (fromMs, toMs], holder of it), with the holders already
 * grouped by instrument and variant: the stream server keeps them so between subscribes, and
 * fans out a pump without building anything per client. Each frame is built once per (tick,
 * variant) and the same `DueTick` object passed for every holder, so a caller can serialise it
 * once. Same frames and order as `framesDue` (which is this over a grouping made on the spot):
 * ascending tick time; ties in instrument order, then variant order, then holder order.
 *
 * @param instruments read once; each one's `variants` once per tick
 */
export function forEachDueFrame<K, S extends Subscription>(
	market: Market,
	instruments: Iterable<InstrumentHolders<K, S>>,
	fromMs: number,
	toMs: number,
	send: (due: DueTick, holder: K, subscription: S) => void,
	options: FramesDueOptions = {},
): void {
	const start = Math.max(fromMs, toMs - (options.maxBacklogMs ?? MAX_TICK_BACKLOG_MS));
	if (!(toMs > start)) return;
	const broker = options.broker ?? MOCK_BROKER;
	// Most windows (the server pumps every 10 ms) hold no tick at all, so nothing is allocated
	// until one does; the list is as long as the ticks, whatever the number of holders.
	let ticks: Array<{ tick: Tick; holders: InstrumentHolders<K, S> }> | undefined;
	for (const holders of instruments) {
		for (const tick of market.ticksBetween(holders.symbol, holders.exchange, start, toMs))
			(ticks ??= []).push({ tick, holders });
	}
	if (ticks === undefined) return;
	// Array#sort is stable: ties keep the instrument order of the loop above.
	ticks.sort((a, b) => a.tick.timeMs - b.tick.timeMs);
	for (const { tick, holders } of ticks) {
		const instrument = { symbol: holders.symbol, exchange: holders.exchange };
		for (const variant of holders.variants.values()) {
			let due: DueTick | undefined;
			for (const [holder, subscription] of variant) {
				// Only ticks after a subscription was made belong to it.
				if (subscription.sinceMs !== undefined && tick.timeMs <= subscription.sinceMs) continue;
				if (due === undefined) {
					const { mode, depth } = subscription;
					const payload = marketDataPayload(market, instrument, mode, tick, depth);
					due = { timeMs: tick.timeMs, frame: marketDataFrame(instrument, mode, payload, broker) };
				}
				send(due, holder, subscription);
			}
		}
	}
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
 * @param subscriptions any subscriptions, from one session (the page) or many (extend
 *   `Subscription` with your own fields and read them back from `subscriptions`)
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
	// Keyed by position, so a subscription listed twice is served twice, as listed.
	const byInstrument = new Map<string, HeldInstrument<number, S>>();
	let position = 0;
	for (const subscription of subscriptions) addHolder(byInstrument, position++, subscription);
	forEachDueFrame(
		market,
		byInstrument.values(),
		fromMs,
		toMs,
		(tick, _position, subscription) => {
			const last = due.at(-1);
			if (last !== undefined && last.frame === tick.frame) last.subscriptions.push(subscription);
			else due.push({ timeMs: tick.timeMs, frame: tick.frame, subscriptions: [subscription] });
		},
		options,
	);
	return due;
}
