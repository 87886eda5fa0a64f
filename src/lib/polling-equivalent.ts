// "Messages received vs requests polling would have made for the same freshness": the stream
// panel's second counter. The rule, shown to the reader beside the counter:
//   to learn of every price change within FRESHNESS_MS of it happening, as the stream tells you,
//   a polling client must ask about each subscribed symbol once every FRESHNESS_MS, changed or
//   not. Requests = Σ over time connected of (symbols subscribed × elapsed ÷ FRESHNESS_MS).
// Pure: time is passed in.

/** How fresh the stream keeps you, in ms: a tick reaches the page within about this. */
export const FRESHNESS_MS = 100;

export interface PollingEquivalent {
	/** Requests a poller would have sent so far (whole requests, rounded down). */
	readonly requests: number;
	/**
	 * Moves the clock to `nowMs`; the time since the previous call counts at the symbol count
	 * given then (so a change of subscriptions takes effect from that moment).
	 */
	advance(nowMs: number, symbols: number): void;
	/** Stops counting time until the next `advance` (e.g. while disconnected). */
	pause(): void;
	reset(): void;
}

/** Creates a counter of the requests polling would need; `freshnessMs` must be positive. */
export function createPollingEquivalent(freshnessMs: number = FRESHNESS_MS): PollingEquivalent {
	if (!(freshnessMs > 0) || !Number.isFinite(freshnessMs)) {
		throw new RangeError(
			`\`freshnessMs\` must be a positive number of milliseconds; got ${freshnessMs}.`,
		);
	}
	let exact = 0;
	let lastMs: number | undefined;
	let lastSymbols = 0;
	return {
		get requests(): number {
			// The epsilon absorbs float drift from many small steps (0.1 + 0.2 ...).
			return Math.floor(exact + 1e-9);
		},
		advance(nowMs: number, symbols: number): void {
			if (lastMs !== undefined && nowMs > lastMs)
				exact += ((nowMs - lastMs) / freshnessMs) * lastSymbols;
			if (lastMs === undefined || nowMs > lastMs) lastMs = nowMs;
			lastSymbols = Number.isFinite(symbols) && symbols > 0 ? Math.floor(symbols) : 0;
		},
		pause(): void {
			lastMs = undefined;
		},
		reset(): void {
			exact = 0;
			lastMs = undefined;
			lastSymbols = 0;
		},
	};
}

/** Requests polling needs to keep `symbols` symbols fresh within `freshnessMs` for `durationMs`. */
export function pollingRequestsFor(
	durationMs: number,
	symbols: number,
	freshnessMs: number = FRESHNESS_MS,
): number {
	if (!(durationMs > 0) || !(symbols > 0) || !(freshnessMs > 0)) return 0;
	return Math.floor((durationMs / freshnessMs) * Math.floor(symbols) + 1e-9);
}
