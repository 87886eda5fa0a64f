// Pull vs push, computed exactly: given when the price changed (ticks) and how often your code
// asks (poll interval), which polls hear "no", which hear a price, which ticks polling never
// sees, and how stale the polling lane's price is at any moment. The pull-vs-push diagram draws
// from this and its counters read from it, so what is drawn and what is counted never disagree.
// Pure: times are milliseconds from the start of the run; no clock, no Math.random.
import { createRandom } from './hash.ts';

/** One price change at the server. */
export interface PriceTick {
	timeMs: number;
	ltp: number;
}

/** The chapter's own prices (the seed figure): the stream receives these three first. */
export const SEED_PRICES: readonly number[] = [1313.6, 1313.8, 1313.5];
export const PRICE_STEP = 0.05;

export interface SeedOpeningOptions {
	/** Time between two polls, ms; the first poll is sent at 0. */
	pollMs: number;
	/** One-way network time of every message, ms. */
	latencyMs: number;
	/** Price changes per second the reader was promised; the opening ticks are this far apart. */
	ticksPerSecond: number;
}

/**
 * The seed figure's story as ticks: polling's first "update?" hears "no", its second receives
 * 1313.60, while the stream receives 1313.60, 1313.80 and 1313.50, one mean gap (1000 /
 * ticksPerSecond ms) apart, so the opening runs at the rate the slider states. The first tick
 * falls after the first poll's server look-up (sent at 0, seen at latencyMs) and at most half a
 * gap before the second one's (pollMs + latencyMs), so that look-up finds 1313.60 and the next
 * tick has not happened yet. Throws RangeError for a non-positive interval or rate.
 */
export function seedOpening(options: SeedOpeningOptions): PriceTick[] {
	const { pollMs, latencyMs, ticksPerSecond } = options;
	if (!(pollMs > 0) || !Number.isFinite(pollMs)) {
		throw new RangeError(`pollMs must be a positive number, received ${pollMs}`);
	}
	if (!(latencyMs >= 0) || !Number.isFinite(latencyMs)) {
		throw new RangeError(`latencyMs must be a finite number >= 0, received ${latencyMs}`);
	}
	if (!(ticksPerSecond > 0) || !Number.isFinite(ticksPerSecond)) {
		throw new RangeError(`ticksPerSecond must be a positive number, received ${ticksPerSecond}`);
	}
	const gapMs = Math.round(1000 / ticksPerSecond);
	const firstMs = Math.round(pollMs + latencyMs - Math.min(gapMs, pollMs) / 2);
	return SEED_PRICES.map((ltp, i) => ({ timeMs: firstMs + i * gapMs, ltp }));
}

export interface TickScheduleOptions {
	seed: number;
	/** Mean price changes per second (Poisson arrivals) after the opening. */
	ticksPerSecond: number;
	/** Generate ticks with timeMs <= untilMs. */
	untilMs: number;
	/**
	 * Fixed first ticks, strictly increasing (e.g. seedOpening(...)); the random ones follow the
	 * last of them. Default: none, and the walk starts from SEED_PRICES[0] at time 0.
	 */
	opening?: readonly PriceTick[];
}

/**
 * A deterministic tick schedule: the opening ticks as given, then Poisson arrivals at
 * `ticksPerSecond` in whole milliseconds, strictly increasing, each a move of 1 to 4 steps of
 * 0.05 from the last price (a tick is a price change). The first one after an opening comes at
 * least one mean gap after its last tick.
 * Throws RangeError for a non-positive rate or horizon, or an unordered opening.
 */
export function tickSchedule(options: TickScheduleOptions): PriceTick[] {
	const { seed, ticksPerSecond, untilMs, opening = [] } = options;
	if (!(ticksPerSecond > 0) || !Number.isFinite(ticksPerSecond)) {
		throw new RangeError(`ticksPerSecond must be a positive number, received ${ticksPerSecond}`);
	}
	if (!(untilMs >= 0) || !Number.isFinite(untilMs)) {
		throw new RangeError(`untilMs must be a finite number >= 0, received ${untilMs}`);
	}
	for (let i = 1; i < opening.length; i++) {
		if (!(opening[i].timeMs > opening[i - 1].timeMs)) {
			throw new RangeError(`opening ticks must be in strictly increasing time order (tick ${i})`);
		}
	}
	const random = createRandom(seed);
	const meanGapMs = 1000 / ticksPerSecond;
	const ticks: PriceTick[] = opening.filter((tick) => tick.timeMs <= untilMs);
	const last = opening[opening.length - 1];
	let timeMs = last?.timeMs ?? 0;
	let cents = Math.round((last?.ltp ?? SEED_PRICES[0]) * 100);
	for (let i = 0; ; i++) {
		// Exponential gap, at least 1 ms so times stay strictly increasing; after an opening, at
		// least one mean gap, so its last price keeps the same room as the others.
		const gapMs = Math.max(1, Math.round(-Math.log(1 - random()) * meanGapMs));
		timeMs += i === 0 && last ? Math.max(Math.round(meanGapMs), gapMs) : gapMs;
		const step = random();
		if (timeMs > untilMs) break;
		// -4..+4 steps of 5 paise, never 0.
		let move = Math.floor(step * 8) - 4;
		if (move >= 0) move += 1;
		cents += move * 5;
		ticks.push({ timeMs, ltp: cents / 100 });
	}
	return ticks;
}

export interface PollingSimOptions {
	/** Ticks in strictly increasing time order. */
	ticks: readonly PriceTick[];
	/** Time between two polls ("update?" requests), in ms. */
	pollMs: number;
	/** One-way network time of every message (request, reply and pushed tick), ms. Default 0. */
	latencyMs?: number;
	/** Time of the first poll (default 0); the next ones follow every pollMs. */
	firstPollMs?: number;
	/** Simulate polls sent at or before this time. */
	untilMs: number;
}

/** One "update?" request and its reply. */
export interface Poll {
	index: number;
	/** Your code sends "update?". */
	sentMs: number;
	/** The server looks at its latest price (sentMs + latency). */
	serverMs: number;
	/** The reply reaches your code (sentMs + 2 * latency). */
	replyMs: number;
	/** Index of the tick the reply carries, or -1 for "no". */
	tickIndex: number;
	/** True when the reply carried a price ("news"); false for "no". */
	news: boolean;
	ltp: number | null;
}

/** What polling made of one tick. */
export interface TickFate {
	index: number;
	timeMs: number;
	ltp: number;
	/** When the next tick replaced it (null while it is still the latest). */
	supersededMs: number | null;
	/** First poll whose server look-up saw it, or null. */
	seenByPoll: number | null;
	/** True when it was superseded before any poll saw it. */
	missed: boolean;
	/** When the stream delivers it to your code (timeMs + latency). */
	streamedMs: number;
}

export interface PollingSummary {
	timeMs: number;
	requestsSent: number;
	repliesReceived: number;
	emptyReplies: number;
	priceReplies: number;
	ticksHappened: number;
	/** Ticks superseded before any poll saw them. */
	ticksMissed: number;
	/** Ticks the stream has delivered. */
	ticksStreamed: number;
	/** How stale the polling lane's price is right now, ms. */
	pollingStalenessMs: number;
	/** Time-averaged staleness over [0, timeMs], ms. */
	averageStalenessMs: { polling: number; streaming: number };
	/** Latest price the polling lane shows (null before its first price). */
	pollingLtp: number | null;
	/** Latest price the streaming lane shows (null before the first tick arrives). */
	streamingLtp: number | null;
	/** Latest price at the server. */
	serverLtp: number | null;
}

export interface PollingSim {
	readonly ticks: readonly PriceTick[];
	readonly polls: readonly Poll[];
	readonly fates: readonly TickFate[];
	readonly pollMs: number;
	readonly latencyMs: number;
	readonly untilMs: number;
	/** Counters at time t (any t >= 0; beyond untilMs only polls up to untilMs exist). */
	summaryAt(timeMs: number): PollingSummary;
	/** Index of the tick the polling lane shows at t, -1 for none. */
	pollingShownAt(timeMs: number): number;
	/** Index of the tick the streaming lane shows at t, -1 for none. */
	streamingShownAt(timeMs: number): number;
	/** Every event time (poll sent, server look-up, reply, tick, tick delivered), ascending, unique. */
	eventTimes(): number[];
}

/** Number of sorted values <= x (upper bound). */
function countAtOrBefore(values: readonly number[], x: number): number {
	let lo = 0;
	let hi = values.length;
	while (lo < hi) {
		const mid = (lo + hi) >>> 1;
		if (values[mid] <= x) lo = mid + 1;
		else hi = mid;
	}
	return lo;
}

/** Integral over [a, b] of max(0, t - c). */
function rampIntegral(a: number, b: number, c: number): number {
	const lo = Math.max(a, c);
	return b > lo ? ((b - lo) * (b - lo)) / 2 : 0;
}

/**
 * Runs the polling lane against the ticks. Staleness of a lane's price at time t is how long it
 * has been out of date counting from when the newer price could first have reached your code
 * (the next tick's time + latency); the stream shows every tick as soon as it can arrive, so its
 * staleness is always 0. Throws RangeError for a non-positive poll interval or negative latency.
 */
export function simulatePolling(options: PollingSimOptions): PollingSim {
	const { ticks, pollMs, latencyMs = 0, firstPollMs = 0, untilMs } = options;
	if (!(pollMs > 0) || !Number.isFinite(pollMs)) {
		throw new RangeError(`pollMs must be a positive number, received ${pollMs}`);
	}
	if (!(latencyMs >= 0) || !Number.isFinite(latencyMs)) {
		throw new RangeError(`latencyMs must be a finite number >= 0, received ${latencyMs}`);
	}
	const tickTimes = ticks.map((tick) => tick.timeMs);
	for (let i = 1; i < tickTimes.length; i++) {
		if (!(tickTimes[i] > tickTimes[i - 1])) {
			throw new RangeError(`ticks must be in strictly increasing time order (tick ${i})`);
		}
	}

	// Polls: the server answers with its latest tick when it is newer than what your code knew
	// when it asked; otherwise "no". Replies arrive in order, so what your code knows only grows.
	const polls: Poll[] = [];
	const seenBy: Array<number | null> = ticks.map(() => null);
	let knownAtReply = -1;
	const replyKnown: number[] = []; // what your code shows after each reply
	for (let k = 0; ; k++) {
		const sentMs = firstPollMs + k * pollMs;
		if (sentMs > untilMs) break;
		const serverMs = sentMs + latencyMs;
		const replyMs = serverMs + latencyMs;
		// What your code knew when it sent: replies that had arrived by sentMs.
		let knownAtSend = -1;
		for (let j = polls.length - 1; j >= 0; j--) {
			if (polls[j].replyMs <= sentMs) {
				knownAtSend = replyKnown[j];
				break;
			}
		}
		const latest = countAtOrBefore(tickTimes, serverMs) - 1;
		if (latest >= 0 && seenBy[latest] === null) seenBy[latest] = k;
		const news = latest > knownAtSend;
		knownAtReply = Math.max(knownAtReply, news ? latest : -1);
		replyKnown.push(knownAtReply);
		polls.push({
			index: k,
			sentMs,
			serverMs,
			replyMs,
			tickIndex: news ? latest : -1,
			news,
			ltp: news ? ticks[latest].ltp : null,
		});
	}

	const fates: TickFate[] = ticks.map((tick, i) => {
		const supersededMs = i + 1 < ticks.length ? ticks[i + 1].timeMs : null;
		return {
			index: i,
			timeMs: tick.timeMs,
			ltp: tick.ltp,
			supersededMs,
			seenByPoll: seenBy[i],
			missed: supersededMs !== null && seenBy[i] === null,
			streamedMs: tick.timeMs + latencyMs,
		};
	});

	// The polling lane's shown tick changes only when a reply arrives. Segments between those
	// changes carry a prefix integral of staleness so summaryAt is a binary search.
	const changeTimes: number[] = [0];
	const changeShown: number[] = [-1];
	for (let k = 0; k < polls.length; k++) {
		const shown = replyKnown[k];
		if (shown !== changeShown[changeShown.length - 1]) {
			if (polls[k].replyMs === changeTimes[changeTimes.length - 1]) {
				changeShown[changeShown.length - 1] = shown;
			} else {
				changeTimes.push(polls[k].replyMs);
				changeShown.push(shown);
			}
		}
	}
	const staleFrom = (shown: number): number =>
		shown + 1 < ticks.length ? ticks[shown + 1].timeMs + latencyMs : Number.POSITIVE_INFINITY;
	const prefix: number[] = [0];
	for (let s = 1; s < changeTimes.length; s++) {
		prefix.push(
			prefix[s - 1] +
				rampIntegral(changeTimes[s - 1], changeTimes[s], staleFrom(changeShown[s - 1])),
		);
	}

	const replyTimes = polls.map((poll) => poll.replyMs);
	const sentTimes = polls.map((poll) => poll.sentMs);
	const emptyPrefix: number[] = [0];
	for (const poll of polls)
		emptyPrefix.push(emptyPrefix[emptyPrefix.length - 1] + (poll.news ? 0 : 1));
	// Missed ticks ordered by the time they became missed (their supersededMs).
	const missedTimes = fates
		.filter((fate) => fate.missed)
		.map((fate) => fate.supersededMs as number);

	const pollingShownAt = (timeMs: number): number => {
		const s = countAtOrBefore(changeTimes, timeMs) - 1;
		return s >= 0 ? changeShown[s] : -1;
	};
	const streamingShownAt = (timeMs: number): number =>
		countAtOrBefore(tickTimes, timeMs - latencyMs) - 1;

	return {
		ticks,
		polls,
		fates,
		pollMs,
		latencyMs,
		untilMs,
		pollingShownAt,
		streamingShownAt,
		summaryAt(timeMs: number): PollingSummary {
			const t = Math.max(0, timeMs);
			const s = countAtOrBefore(changeTimes, t) - 1;
			const shown = changeShown[s];
			const integral = prefix[s] + rampIntegral(changeTimes[s], t, staleFrom(shown));
			const replies = countAtOrBefore(replyTimes, t);
			const empty = emptyPrefix[replies];
			const happened = countAtOrBefore(tickTimes, t);
			const streamed = streamingShownAt(t) + 1;
			return {
				timeMs: t,
				requestsSent: countAtOrBefore(sentTimes, t),
				repliesReceived: replies,
				emptyReplies: empty,
				priceReplies: replies - empty,
				ticksHappened: happened,
				ticksMissed: countAtOrBefore(missedTimes, t),
				ticksStreamed: streamed,
				pollingStalenessMs: Math.max(0, t - staleFrom(shown)),
				averageStalenessMs: { polling: t > 0 ? integral / t : 0, streaming: 0 },
				pollingLtp: shown >= 0 ? ticks[shown].ltp : null,
				streamingLtp: streamed > 0 ? ticks[streamed - 1].ltp : null,
				serverLtp: happened > 0 ? ticks[happened - 1].ltp : null,
			};
		},
		eventTimes(): number[] {
			const times = new Set<number>();
			for (const poll of polls) {
				times.add(poll.sentMs);
				times.add(poll.serverMs);
				times.add(poll.replyMs);
			}
			for (const fate of fates) {
				times.add(fate.timeMs);
				times.add(fate.streamedMs);
			}
			return [...times].sort((a, b) => a - b);
		},
	};
}

/** Formats milliseconds as seconds for the counters: "0 s", "0.35 s", "1.2 s", "12 s". */
export function formatSeconds(ms: number): string {
	const seconds = ms / 1000;
	if (seconds === 0) return '0 s';
	if (seconds < 1) return `${seconds.toFixed(2)} s`;
	if (seconds < 10) return `${seconds.toFixed(1)} s`;
	return `${Math.round(seconds)} s`;
}
