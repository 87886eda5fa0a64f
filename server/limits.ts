// Every limit and interval of the mock stream server, in one place (as ws keeps its constants
// in one module). Tests shrink them through `createStreamServer({ limits })`. Facts the page
// shares (symbol cap, payload size, close codes) come from src/lib/constants.ts.
import {
	CLOSE_AUTH_TIMEOUT,
	CLOSE_DROPPED_ON_REQUEST,
	CLOSE_GOING_AWAY,
	CLOSE_POLICY_VIOLATION,
	MAX_PAYLOAD_BYTES,
	MAX_SYMBOLS_PER_CONNECTION,
} from '../src/lib/constants.ts';

export { CLOSE_AUTH_TIMEOUT, CLOSE_DROPPED_ON_REQUEST, CLOSE_GOING_AWAY, CLOSE_POLICY_VIOLATION };

export interface Limits {
	/** Largest inbound message; bigger closes the connection with 1009 (OpenAlgo: 1 MiB). */
	maxPayloadBytes: number;
	/** Distinct (symbol, exchange) pairs one connection may hold. */
	maxSymbolsPerConnection: number;
	/** Sustained inbound messages per second per connection (token bucket refill rate). */
	messagesPerSecond: number;
	/** Messages a connection may send at once before the rate applies (bucket size). */
	messageBurst: number;
	/** Messages refused for rate within one connection before it is closed with 1008. */
	floodCloseAfter: number;
	/** Open connections in total; more are refused at the upgrade with 503. */
	maxConnections: number;
	/**
	 * Open connections (and handshakes in flight) from one client address; more are refused at
	 * the upgrade with 429, so one host cannot take every slot. Behind a proxy the address is
	 * the proxy's unless `trustProxy` is on.
	 */
	maxConnectionsPerAddress: number;
	/** Page mount: a connection that has not subscribed within this long is closed with 1008. */
	idleTimeoutMs: number;
	/** Sustained inbound bytes per second per connection (a second token bucket, beside messages). */
	bytesPerSecond: number;
	/** Inbound bytes a connection may send at once before `bytesPerSecond` applies. */
	byteBurst: number;
	/** Protocol ping interval; a peer that has not answered the previous ping is dropped. */
	heartbeatIntervalMs: number;
	/** Standalone mount: time to authenticate before close 4401 "auth timeout" (OpenAlgo: 15 s). */
	authGraceMs: number;
	/** Above this many unsent bytes a client is a slow reader: only its latest tick per subscription is kept. */
	slowReaderBytes: number;
	/**
	 * Above this many unsent bytes a reply (ack, error, pong) is not queued: the connection is
	 * closed with 1008. Ticks conflate at `slowReaderBytes`, so only replies can grow past it.
	 */
	maxBufferedBytes: number;
	/** Failed `authenticate` attempts one client address may make per minute (and at once). */
	authFailuresPerMinute: number;
	/** How often due ticks are computed and fanned out. */
	pumpIntervalMs: number;
	/** How long `close()` waits for clients to acknowledge 1001 before cutting them off. */
	closeTimeoutMs: number;
}

export const DEFAULT_LIMITS: Readonly<Limits> = {
	maxPayloadBytes: MAX_PAYLOAD_BYTES,
	maxSymbolsPerConnection: MAX_SYMBOLS_PER_CONNECTION,
	messagesPerSecond: 20,
	messageBurst: 40,
	floodCloseAfter: 200,
	maxConnections: 5000,
	// A classroom or office behind one NAT address still fits; one host gets 1% of the total.
	maxConnectionsPerAddress: 50,
	idleTimeoutMs: 60_000,
	// Ten chapter-sized subscribes a second is far more than a reader sends; one message at
	// the payload limit is still admitted (the burst covers it) but not one per second.
	bytesPerSecond: 64 * 1024,
	byteBurst: MAX_PAYLOAD_BYTES,
	heartbeatIntervalMs: 20_000,
	authGraceMs: 15_000,
	slowReaderBytes: 64 * 1024,
	maxBufferedBytes: 256 * 1024,
	authFailuresPerMinute: 10,
	pumpIntervalMs: 10,
	closeTimeoutMs: 1000,
};

/** Merges overrides into the defaults, refusing values that would break the server. */
export function resolveLimits(overrides: Partial<Limits> = {}): Limits {
	const limits = { ...DEFAULT_LIMITS, ...overrides };
	for (const [name, value] of Object.entries(limits)) {
		if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
			throw new RangeError(
				`Stream limit \`${name}\` must be a positive number; got ${String(value)}.`,
			);
		}
	}
	return limits;
}
