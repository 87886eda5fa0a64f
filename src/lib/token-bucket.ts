// A token bucket: up to `capacity` tokens at once, refilled continuously at `perSecond`. Each
// thing let through takes tokens; when too few are left, it waits or is refused. The stream
// server meters each connection's messages and bytes and each address's failed keys with one;
// the stream panel meters how often its panes take new lines. Pure: time is passed in.

export interface BucketRate {
	/** Most tokens the bucket holds: how many may go through at once after a quiet spell. */
	capacity: number;
	/** Tokens added each second, up to `capacity`: the sustained rate. */
	perSecond: number;
}

export interface TokenBucket {
	tokens: number;
	/** When `tokens` was last brought up to date (ms, on the caller's clock). */
	atMs: number;
}

/** A full bucket, as of `nowMs`. */
export function fullBucket(rate: BucketRate, nowMs: number): TokenBucket {
	return { tokens: rate.capacity, atMs: nowMs };
}

/**
 * Adds what has dripped in since the bucket was last brought up to date; returns the tokens. A
 * clock that went back (set by hand, or a test's) adds nothing and counts on from `nowMs`.
 */
export function refill(bucket: TokenBucket, rate: BucketRate, nowMs: number): number {
	if (nowMs > bucket.atMs)
		bucket.tokens = Math.min(
			rate.capacity,
			bucket.tokens + ((nowMs - bucket.atMs) / 1000) * rate.perSecond,
		);
	bucket.atMs = nowMs;
	return bucket.tokens;
}

/** Absorbs float drift from many small refills (ten of 0.1 make 0.9999999999999999). */
const EPSILON = 1e-9;

/** Takes `count` tokens if the bucket has them now; says whether it did. */
export function take(bucket: TokenBucket, rate: BucketRate, nowMs: number, count = 1): boolean {
	// Written so that NaN refuses: a NaN count (or NaN tokens) must not let everything through,
	// and a negative count must not add tokens.
	if (!(count >= 0) || !(refill(bucket, rate, nowMs) + EPSILON >= count)) return false;
	bucket.tokens = Math.max(0, bucket.tokens - count);
	return true;
}

/** Takes a token whether or not one is left (never below zero): a failure is counted anyway. */
export function spend(bucket: TokenBucket, rate: BucketRate, nowMs: number): void {
	bucket.tokens = Math.max(0, refill(bucket, rate, nowMs) - 1);
}

/** Milliseconds from `nowMs` until the bucket holds `count` tokens (0 when it does now). */
export function msUntil(bucket: TokenBucket, rate: BucketRate, nowMs: number, count = 1): number {
	const missing = count - refill(bucket, rate, nowMs);
	if (Number.isNaN(missing)) return Infinity;
	if (missing <= EPSILON) return 0;
	// Until take() would first let it through (it allows EPSILON short; half of it here keeps
	// clear of float error at that edge). Without this, a wait of a whole number of seconds
	// came out a hair over it (10 / 60 is not exact), and Math.ceil added a second.
	return ((missing - EPSILON / 2) / rate.perSecond) * 1000;
}
