// Reconnect delays for the page's stream client: exponential backoff with jitter, so a server
// that restarts is not hit by every reader at the same instant. Pure: the random draw is passed
// in (the browser passes Math.random, tests pass fixed values).

export interface BackoffOptions {
	/** Delay before the first retry, in ms. */
	baseMs: number;
	/** No delay is longer than this, in ms. */
	maxMs: number;
	/** Growth per failed attempt (2 doubles the delay). */
	factor: number;
	/**
	 * Share of the delay that is random, 0-1. 0.5 ("equal jitter") waits between half and all
	 * of the exponential delay, so retries spread out yet never come sooner than half of it.
	 */
	jitter: number;
}

/**
 * 1, 2, 4, then 8 s at most (each between half and all of that): a reader whose server comes
 * back waits at most ~8 s, not the 13 s late a 30 s ceiling gave after a 24 s outage.
 */
export const DEFAULT_BACKOFF: Readonly<BackoffOptions> = {
	baseMs: 1000,
	maxMs: 8000,
	factor: 2,
	jitter: 0.5,
};

/** The exponential delay before retry number `attempt` (0 = first retry), capped at `maxMs`. */
export function backoffCeilingMs(
	attempt: number,
	options: BackoffOptions = DEFAULT_BACKOFF,
): number {
	const n = Number.isFinite(attempt) ? Math.max(0, Math.floor(attempt)) : 0;
	// Cap the exponent too, so a huge attempt count never overflows to Infinity.
	const growth = Math.pow(options.factor, Math.min(n, 64));
	return Math.min(options.maxMs, options.baseMs * growth);
}

/**
 * The delay in ms before retry number `attempt` (0 = first retry): the capped exponential
 * delay, of which a `jitter` share is scaled by `random` (a draw in [0, 1); values outside are
 * clamped). Negative or non-finite attempts count as 0.
 */
export function backoffDelayMs(
	attempt: number,
	random: number,
	options: BackoffOptions = DEFAULT_BACKOFF,
): number {
	const ceiling = backoffCeilingMs(attempt, options);
	const jitter = Math.min(1, Math.max(0, options.jitter));
	const draw = Number.isFinite(random) ? Math.min(1, Math.max(0, random)) : 0;
	return Math.round(ceiling * (1 - jitter) + ceiling * jitter * draw);
}
