// The mock market: every tick of every symbol is a pure function of (seed, symbol, exchange,
// time). Two processes with the same seed agree on every price without talking to each other,
// which is what lets any number of stream servers (and the page's own simulation) serve
// identical prices with no shared state. No clock and no Math.random: time is a parameter.
//
// It prices only the fixed universe in instruments.ts: asking for anything else is a RangeError
// (the protocol refuses unknown instruments before they reach here). Every cache is per
// instrument and bounded (BoundedCache, least recently used out first), so memory and the cost
// of a quote depend on what is subscribed now, never on what was ever asked.
import { BoundedCache } from './bounded-cache.ts';
import { hashString, unit } from './hash.ts';
import { INSTRUMENTS, findInstrument, instrumentKey, type InstrumentSpec } from './instruments.ts';

export const DEFAULT_SEED = 39;

export interface Tick {
	symbol: string;
	exchange: string;
	ltp: number;
	timeMs: number;
	/** Shares traded in this tick (0 for an index). */
	quantity: number;
}

export interface Quote {
	ltp: number;
	open: number;
	high: number;
	low: number;
	/** Previous session's close. */
	close: number;
	volume: number;
	lastQuantity: number;
	averagePrice: number;
	change: number;
	changePercent: number;
	timeMs: number;
}

export interface DepthLevel {
	price: number;
	quantity: number;
	orders: number;
}

export interface Depth {
	/** Best (highest) bid first. */
	buy: DepthLevel[];
	/** Best (lowest) offer first. */
	sell: DepthLevel[];
}

export interface Market {
	readonly seed: number;
	/** The instrument's spec; a RangeError for one outside INSTRUMENTS (so for every method). */
	instrument(symbol: string, exchange: string): InstrumentSpec;
	/** Ticks with fromMs < timeMs <= toMs, ascending. Pure function of seed, symbol, time. */
	ticksBetween(symbol: string, exchange: string, fromMs: number, toMs: number): Tick[];
	/** The latest tick at or before atMs. */
	lastTick(symbol: string, exchange: string, atMs: number): Tick;
	quote(symbol: string, exchange: string, atMs: number): Quote;
	depth(symbol: string, exchange: string, atMs: number, levels?: number): Depth;
}

export interface MarketOptions {
	seed: number;
	/** Scales every instrument's tick rate (default 1); benchmarks use it to reach 50 ticks/s. */
	rateMultiplier?: number;
}

/** Arrivals are drawn per window of this many milliseconds. */
const WINDOW_MS = 1000;
/**
 * A session is one UTC hour: open is the price at the top of the hour, close the last price of
 * the hour before, and high/low/volume/average run over the hour so far. An hour (rather than
 * NSE's 6 h 15 min day) keeps a cold quote cheap: at most an hour of ticks, summed once.
 */
const SESSION_MS = 3_600_000;
/** Session aggregates are cached per block of this many milliseconds (60 blocks a session). */
const BLOCK_MS = 60_000;
/** One-minute blocks kept per instrument (two sessions' worth), least recently used out first. */
const MAX_BLOCKS_PER_SYMBOL = 120;
/** Instruments whose caches are kept: the whole universe, so a subscribed one is never evicted. */
const MAX_CACHED_INSTRUMENTS = INSTRUMENTS.length;
/** Octaves of the price path: period in ms and share of the volatility. */
const OCTAVES: readonly (readonly [number, number])[] = [
	[3_000, 0.12],
	[20_000, 0.22],
	[180_000, 0.36],
	[1_800_000, 0.6],
	[14_400_000, 0.68],
];
const OCTAVE_NORM = Math.sqrt(OCTAVES.reduce((sum, [, share]) => sum + share * share, 0));

/** Rounds to the tick size and clears binary fuzz (1313.6000000001 → 1313.6). */
function roundToTick(price: number, tickSize: number): number {
	return Number((Math.round(price / tickSize) * tickSize).toFixed(2));
}

/** Smooth value noise in [-1, 1] at x, from random values at integer lattice points. */
function valueNoise(key: number, octave: number, x: number): number {
	const i = Math.floor(x);
	const f = x - i;
	const a = unit(key, octave, i) * 2 - 1;
	const b = unit(key, octave, i + 1) * 2 - 1;
	const s = f * f * (3 - 2 * f);
	return a + (b - a) * s;
}

interface Aggregate {
	high: number;
	low: number;
	volume: number;
	/** Sum of quantity × price in paise: integers, so any grouping of the sum gives the same total. */
	turnoverPaise: number;
}

interface SessionStats extends Aggregate {
	sessionStart: number;
	throughMs: number;
	open: number;
	close: number;
}

function addTicks(into: Aggregate, ticks: readonly Tick[]): void {
	for (const tick of ticks) {
		if (tick.ltp > into.high) into.high = tick.ltp;
		if (tick.ltp < into.low) into.low = tick.ltp;
		into.volume += tick.quantity;
		into.turnoverPaise += tick.quantity * Math.round(tick.ltp * 100);
	}
}

/** Creates a deterministic market. Same seed, same ticks, in any process. */
export function createMarket(options: MarketOptions): Market {
	const seed = options.seed >>> 0;
	const rateMultiplier = options.rateMultiplier ?? 1;
	if (!(rateMultiplier > 0) || !Number.isFinite(rateMultiplier)) {
		throw new RangeError(`\`rateMultiplier\` must be a positive number; got ${rateMultiplier}.`);
	}
	const keys = new BoundedCache<string, number>(MAX_CACHED_INSTRUMENTS);
	const sessions = new BoundedCache<string, SessionStats>(MAX_CACHED_INSTRUMENTS);

	function instrument(symbol: string, exchange: string): InstrumentSpec {
		const spec = findInstrument(symbol, exchange);
		if (!spec) {
			throw new RangeError(
				`The mock market does not list ${symbol} on ${exchange}; it prices only INSTRUMENTS (src/lib/instruments.ts).`,
			);
		}
		return spec;
	}

	function keyOf(symbol: string, exchange: string): number {
		const id = instrumentKey(symbol, exchange);
		return keys.getOrCreate(id, () => hashString(`${seed}|${id}`));
	}

	function priceAt(spec: InstrumentSpec, key: number, timeMs: number): number {
		let noise = 0;
		for (let o = 0; o < OCTAVES.length; o++) {
			const [period, share] = OCTAVES[o]!;
			noise += share * valueNoise(key, o, timeMs / period);
		}
		// Value noise has a standard deviation of about 0.5 per octave; scale to the volatility.
		const price = spec.basePrice * Math.exp((noise / OCTAVE_NORM) * 2 * spec.volatility);
		return Math.max(spec.tickSize, roundToTick(price, spec.tickSize));
	}

	/** Tick times in one window: Poisson count by inverse CDF, uniform offsets, ascending, one per ms at most. */
	function windowTimes(spec: InstrumentSpec, key: number, window: number): number[] {
		const lambda = spec.ticksPerSecond * rateMultiplier * (WINDOW_MS / 1000);
		let count = 0;
		if (lambda > 600) {
			// exp(-lambda) underflows for very high rates: use the normal approximation instead.
			const u = Math.max(unit(key, 102, window), 1e-12);
			const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * unit(key, 103, window));
			count = Math.max(0, Math.round(lambda + z * Math.sqrt(lambda)));
		} else {
			const u = unit(key, 101, window);
			let p = Math.exp(-lambda);
			let cumulative = p;
			// Bounded: a window never holds more than 40 × its mean (or 50) ticks.
			const cap = Math.max(50, Math.ceil(lambda * 40));
			while (u > cumulative && count < cap) {
				count++;
				p *= lambda / count;
				cumulative += p;
			}
		}
		const times: number[] = [];
		const start = window * WINDOW_MS;
		for (let j = 0; j < count; j++)
			times.push(start + Math.floor(unit(key, 104 + j, window) * WINDOW_MS));
		times.sort((a, b) => a - b);
		// One tick per millisecond at most: two drawn in the same one would be two identical
		// frames (same price, same time), which a reader takes for a duplicate.
		return times.filter((t, j) => j === 0 || t !== times[j - 1]);
	}

	function makeTick(spec: InstrumentSpec, key: number, timeMs: number, index: number): Tick {
		const isIndex = spec.exchange.endsWith('_INDEX');
		const q = unit(key, 7, timeMs, index);
		return {
			symbol: spec.symbol,
			exchange: spec.exchange,
			ltp: priceAt(spec, key, timeMs),
			timeMs,
			quantity: isIndex ? 0 : 1 + Math.floor(q * q * q * 250),
		};
	}

	function ticksBetween(symbol: string, exchange: string, fromMs: number, toMs: number): Tick[] {
		const ticks: Tick[] = [];
		if (!(toMs > fromMs)) return ticks;
		const spec = instrument(symbol, exchange);
		const key = keyOf(symbol, exchange);
		const first = Math.floor((Math.floor(fromMs) + 1) / WINDOW_MS);
		const last = Math.floor(toMs / WINDOW_MS);
		for (let window = first; window <= last; window++) {
			const times = windowTimes(spec, key, window);
			for (let j = 0; j < times.length; j++) {
				const t = times[j]!;
				if (t > fromMs && t <= toMs) ticks.push(makeTick(spec, key, t, j));
			}
		}
		return ticks;
	}

	function lastTick(symbol: string, exchange: string, atMs: number): Tick {
		const spec = instrument(symbol, exchange);
		const key = keyOf(symbol, exchange);
		const newest = Math.floor(atMs / WINDOW_MS);
		// Bounded look-back: even at 0.5 ticks/s an empty minute is vanishingly rare.
		for (let window = newest; window > newest - 600; window--) {
			const times = windowTimes(spec, key, window);
			for (let j = times.length - 1; j >= 0; j--) {
				if (times[j]! <= atMs) return makeTick(spec, key, times[j]!, j);
			}
		}
		return makeTick(spec, key, (newest - 600) * WINDOW_MS, 0);
	}

	function sessionStartOf(atMs: number): number {
		return Math.floor(atMs / SESSION_MS) * SESSION_MS;
	}

	const blocks = new BoundedCache<string, BoundedCache<number, Aggregate>>(MAX_CACHED_INSTRUMENTS);

	/** Aggregate of the ticks in (block start, block end]; a pure function, so cached. */
	function blockAggregate(symbol: string, exchange: string, id: string, block: number): Aggregate {
		const cache = blocks.getOrCreate(id, () => new BoundedCache(MAX_BLOCKS_PER_SYMBOL));
		return cache.getOrCreate(block, () => {
			const aggregate = { high: -Infinity, low: Infinity, volume: 0, turnoverPaise: 0 };
			addTicks(aggregate, ticksBetween(symbol, exchange, block * BLOCK_MS, (block + 1) * BLOCK_MS));
			return aggregate;
		});
	}

	/**
	 * Session aggregates up to atMs. Moving forward extends a running total by the new ticks only
	 * (the server's case: microseconds); whole minutes on the way come from cached one-minute
	 * blocks, so a cold start, a long jump or a query into the past costs at most one session.
	 */
	function sessionStats(symbol: string, exchange: string, atMs: number): SessionStats {
		const id = instrumentKey(symbol, exchange);
		const sessionStart = sessionStartOf(atMs);
		let stats = sessions.get(id);
		if (!stats || stats.sessionStart !== sessionStart || stats.throughMs > atMs) {
			const opening = lastTick(symbol, exchange, sessionStart);
			const previousClose = lastTick(symbol, exchange, sessionStart - 1);
			stats = {
				sessionStart,
				throughMs: sessionStart,
				open: opening.ltp,
				high: opening.ltp,
				low: opening.ltp,
				volume: 0,
				turnoverPaise: 0,
				close: previousClose.ltp,
			};
			sessions.set(id, stats);
		}
		while (stats.throughMs < atMs) {
			const block = Math.floor(stats.throughMs / BLOCK_MS);
			const blockEnd = (block + 1) * BLOCK_MS;
			if (stats.throughMs === block * BLOCK_MS && blockEnd <= atMs) {
				const aggregate = blockAggregate(symbol, exchange, id, block);
				if (aggregate.high > stats.high) stats.high = aggregate.high;
				if (aggregate.low < stats.low) stats.low = aggregate.low;
				stats.volume += aggregate.volume;
				stats.turnoverPaise += aggregate.turnoverPaise;
				stats.throughMs = blockEnd;
			} else {
				const to = Math.min(blockEnd, atMs);
				addTicks(stats, ticksBetween(symbol, exchange, stats.throughMs, to));
				stats.throughMs = to;
			}
		}
		return stats;
	}

	function quote(symbol: string, exchange: string, atMs: number): Quote {
		const tick = lastTick(symbol, exchange, atMs);
		const stats = sessionStats(symbol, exchange, atMs);
		const high = Math.max(stats.high, tick.ltp);
		const low = Math.min(stats.low, tick.ltp);
		const change = Number((tick.ltp - stats.close).toFixed(2));
		return {
			ltp: tick.ltp,
			open: stats.open,
			high,
			low,
			close: stats.close,
			volume: stats.volume,
			lastQuantity: tick.quantity,
			averagePrice:
				stats.volume > 0 ? Number((stats.turnoverPaise / stats.volume / 100).toFixed(2)) : tick.ltp,
			change,
			changePercent: stats.close > 0 ? Number(((change / stats.close) * 100).toFixed(2)) : 0,
			timeMs: tick.timeMs,
		};
	}

	function depth(symbol: string, exchange: string, atMs: number, levels = 5): Depth {
		const spec = instrument(symbol, exchange);
		if (spec.exchange.endsWith('_INDEX')) return { buy: [], sell: [] };
		const key = keyOf(symbol, exchange);
		const tick = lastTick(symbol, exchange, atMs);
		const count = Math.max(0, Math.min(50, Math.floor(levels)));
		const buy: DepthLevel[] = [];
		const sell: DepthLevel[] = [];
		for (let level = 0; level < count; level++) {
			const step = spec.tickSize * (level + 1);
			const bidQty = 1 + Math.floor(unit(key, 31, tick.timeMs, level) * 90) * (level + 1);
			const askQty = 1 + Math.floor(unit(key, 32, tick.timeMs, level) * 90) * (level + 1);
			buy.push({
				price: roundToTick(tick.ltp - step, spec.tickSize),
				quantity: bidQty,
				orders: 1 + Math.floor(unit(key, 33, tick.timeMs, level) * Math.min(bidQty, 12)),
			});
			sell.push({
				price: roundToTick(tick.ltp + step, spec.tickSize),
				quantity: askQty,
				orders: 1 + Math.floor(unit(key, 34, tick.timeMs, level) * Math.min(askQty, 12)),
			});
		}
		return { buy, sell };
	}

	return { seed, instrument, ticksBetween, lastTick, quote, depth };
}
