// The mock market stream on `ws`: one implementation mounted two ways, on the site's origin at
// /stream (npm start, astro dev) and standalone on :8765 (npm run stream). Each connection runs
// a StreamSession (the protocol); this module adds what a transport must: limits (per
// connection, per address, in total), heartbeats, origin and host checks, fan-out of shared
// ticks, conflation for slow readers, logs and metrics, drain and clean shutdown.
// Longer than ~400 lines because every one of those rules acts on the same per-client state;
// the pure helpers live beside it (client-address.ts, handshake.ts, metrics.ts, limits.ts).
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Registry } from 'prom-client';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { DEFAULT_SEED, createMarket, type Market } from '../src/lib/market-engine.ts';
import {
	addHolder,
	forEachDueFrame,
	type DueTick,
	type HeldInstrument,
} from '../src/lib/market-data.ts';
import { protocolErrorFrame } from '../src/lib/server-frames.ts';
import { StreamSession } from '../src/lib/stream-session.ts';
import { subscriptionKey, type Subscription } from '../src/lib/subscription.ts';
import {
	fullBucket,
	msUntil,
	refill,
	spend,
	take,
	type BucketRate,
	type TokenBucket,
} from '../src/lib/token-bucket.ts';
import { clientAddress, isHostAllowed, isOriginAllowed, requestHost } from './client-address.ts';
import { handshakeFrame, isHandshakeRequest } from './handshake.ts';
import {
	CLOSE_AUTH_TIMEOUT,
	CLOSE_DROPPED_ON_REQUEST,
	CLOSE_GOING_AWAY,
	CLOSE_POLICY_VIOLATION,
	resolveLimits,
	type Limits,
} from './limits.ts';
import { createLogger, type Logger } from './log.ts';
import { createStreamMetrics } from './metrics.ts';

export { isHostAllowed, isOriginAllowed } from './client-address.ts';

export interface StreamServerOptions {
	/** 'site': the page's /stream (the chapter's bare subscribe works); 'standalone': OpenAlgo's rules. */
	mount: 'site' | 'standalone';
	seed?: number;
	/** Only this key authenticates; otherwise any non-empty key (demo mode). */
	apiKey?: string;
	limits?: Partial<Limits>;
	/** Browser origins allowed besides the server's own host (e.g. `http://localhost:4321`). */
	allowedOrigins?: readonly string[];
	/** Host header values accepted (DNS-rebinding guard), exact and case-insensitive; unset: any. */
	allowedHosts?: readonly string[];
	/** Believe X-Forwarded-For / X-Forwarded-Host from the proxy in front (client address, checks, logs). */
	trustProxy?: boolean;
	/** Where events are logged; default `createLogger()` (server/log.ts). */
	logger?: Logger;
	/** Keep a prom-client registry of the stream's metrics (see server/metrics.ts) in `registry`. */
	metrics?: boolean;
	/** Clock in epoch ms; tests pass their own. */
	now?: () => number;
	/** Scales tick rates (benchmarks, tests). */
	rateMultiplier?: number;
}

export interface StreamStats {
	clients: number;
	/** market_data frames sent. */
	framesSent: number;
	framesConflated: number;
	messagesReceived: number;
	/** Every frame sent, ticks and replies. */
	messagesSent: number;
	errorsSent: number;
	/** Upgrades refused, by reason. */
	refusedUpgrades: Record<string, number>;
	/** Connections closed by a limit, by limit. */
	limitCloses: Record<string, number>;
	/** (exchange, symbol) pairs some client holds now: what each pump prices. */
	pricedPairs: number;
}

export interface StreamServer {
	handleUpgrade: (req: IncomingMessage, socket: Duplex, head: Buffer) => void;
	clientCount(): number;
	stats(): StreamStats;
	readonly market: Market;
	/** The metrics (when created with `metrics: true`), for `startMetricsServer`. */
	readonly registry: Registry | undefined;
	/** Stops accepting upgrades (503); `isReady()` turns false; open clients keep streaming. */
	drain(): void;
	/** True while upgrades are accepted (for `/readyz`). */
	isReady(): boolean;
	/**
	 * Drains, lets open clients stream for `graceMs` (default 0), then closes every one with 1001
	 * and stops the timers; resolves when all sockets are gone.
	 */
	close(graceMs?: number): Promise<void>;
}

/** Close reasons (at most 123 bytes each, RFC 6455 §5.5). */
const CLOSE_REASONS = {
	flood: 'message flood',
	slowReader: 'slow reader: replies not read',
	idle: 'idle: no subscribe',
	auth: 'auth timeout',
	dropped: 'dropped on request',
	shutdown: 'server shutting down',
} as const;

/** Where a socket keeps its client, so one set of listeners serves every connection. */
const kClient = Symbol('client');
type ClientSocket = WebSocket & { [kClient]?: Client };

/** The client of a socket `onConnection` set up; throws if there is none (a wiring bug). */
function clientOf(ws: WebSocket): Client {
	const client = (ws as ClientSocket)[kClient];
	if (client === undefined) throw new Error('stream: socket event for a socket with no client');
	return client;
}

/** A socket's 'error' listener during the upgrade: drop it (ws answers the handshake's own errors). */
function destroySocket(this: Duplex): void {
	this.destroy();
}

/** ws's send options for a tick: the frame's bytes go out as a text message. */
const SEND_TEXT = { binary: false } as const;

interface Client {
	id: number;
	ws: WebSocket;
	session: StreamSession;
	address: string;
	origin: string | undefined;
	connectedAt: number;
	/** Payload of the ping in flight; a pong counts only if it carries the same bytes. */
	pingPayload?: Buffer;
	pongReceived: boolean;
	/** The last ping left our buffer (everything queued before it was written). */
	pingFlushed: boolean;
	/** Inbound messages and bytes, each metered by a token bucket (limits.ts). */
	messages: TokenBucket;
	bytes: TokenBucket;
	refused: number;
	lastRateErrorAt: number;
	/** Latest unsent frame per subscription while the client is a slow reader. */
	pending?: Map<string, Buffer>;
	/** Listed in the fan-out index under at least one pair. */
	indexed: boolean;
	/** Why the server closed it (for the disconnect log line). */
	closedFor?: string;
	/** The opening exchange, page mount only (for the handshake verb). */
	handshake?: object;
	/** Wall-clock ms by which it must authenticate (standalone) or subscribe (page mount). */
	deadline?: number;
}

/**
 * ws keeps its net.Socket private (`_socket`); the tests reach it to stop a client reading.
 * tests/unit/stream-attacks.test.ts pins the name so a ws upgrade that renames it fails there.
 */
export function socketOf(ws: WebSocket): Socket | undefined {
	return (ws as unknown as { _socket?: Socket })._socket;
}

/** Creates the stream; attach `handleUpgrade` to an HTTP server's 'upgrade' event. */
export function createStreamServer(options: StreamServerOptions): StreamServer {
	const limits = resolveLimits(options.limits);
	const now = options.now ?? Date.now;
	const trustProxy = options.trustProxy === true;
	const logger = options.logger ?? createLogger();
	const market = createMarket({
		seed: options.seed ?? DEFAULT_SEED,
		rateMultiplier: options.rateMultiplier,
	});
	const site = options.mount === 'site';
	const wss = new WebSocketServer({
		noServer: true,
		maxPayload: limits.maxPayloadBytes,
		perMessageDeflate: false,
		clientTracking: false,
		// No subprotocol is defined, so none is chosen (ws would echo the first one offered).
		handleProtocols: () => false,
	});
	/** The 101's header lines, per request, for the handshake verb (page mount only). */
	const responseLines = new WeakMap<IncomingMessage, string[]>();
	if (site) wss.on('headers', (headers, req) => responseLines.set(req, [...headers]));
	const clients = new Set<Client>();
	/**
	 * Clients holding conflated ticks (`pending`): each pump tries to flush only these, rather
	 * than walking every client a hundred times a second.
	 */
	const behind = new Set<Client>();
	/** Clients with a deadline to authenticate or subscribe. */
	const awaiting = new Set<Client>();
	/**
	 * Who holds each (exchange:symbol), by variant, with the session's own subscription object.
	 * Kept up to date on subscribe and close, so a pump reads it as it is and allocates nothing
	 * per client.
	 */
	const index = new Map<string, HeldInstrument<Client>>();
	/** Connections and handshakes in flight per client address. */
	const perAddress = new Map<string, number>();
	/** Failed-authenticate token bucket per client address. */
	const authFailures = new Map<string, TokenBucket>();
	const authRate: BucketRate = {
		capacity: limits.authFailuresPerMinute,
		perSecond: limits.authFailuresPerMinute / 60,
	};
	const messageRate: BucketRate = {
		capacity: limits.messageBurst,
		perSecond: limits.messagesPerSecond,
	};
	const byteRate: BucketRate = { capacity: limits.byteBurst, perSecond: limits.bytesPerSecond };
	const stats: StreamStats = {
		clients: 0,
		framesSent: 0,
		framesConflated: 0,
		messagesReceived: 0,
		messagesSent: 0,
		errorsSent: 0,
		refusedUpgrades: {},
		limitCloses: {},
		pricedPairs: 0,
	};
	/** Shared by every session (a session never changes its options). */
	const sessionOptions = {
		apiKey: options.apiKey,
		implicitAuth: site,
		maxSymbols: limits.maxSymbolsPerConnection,
		allowSimulateDrop: site,
	};
	let nextId = 1;
	let upgrading = 0;
	let draining = false;
	let closing = false;
	let lastPumpMs = now();
	const registry = options.metrics
		? createStreamMetrics(() => ({ ...stats, clients: clients.size }))
		: undefined;

	/** One log line per key per second at most, so an attack does not become a log flood. */
	const lastLogged = new Map<string, { at: number; suppressed: number }>();
	function logLimited(key: string, fields: Record<string, unknown>, message: string): void {
		const t = Date.now();
		const last = lastLogged.get(key);
		if (last && t - last.at < 1000) {
			last.suppressed++;
			return;
		}
		logger.warn({ ...fields, suppressed: last?.suppressed ?? 0 }, message);
		lastLogged.set(key, { at: t, suppressed: 0 });
	}

	/** The index holds at most the priced universe's pairs, so a walk over it is short. */
	function unindex(client: Client): void {
		if (!client.indexed) return;
		for (const [pair, held] of index) {
			for (const [variant, holders] of held.variants) {
				holders.delete(client);
				if (holders.size === 0) held.variants.delete(variant);
			}
			if (held.variants.size === 0) index.delete(pair);
		}
		client.indexed = false;
	}

	function reindex(client: Client): void {
		unindex(client);
		for (const subscription of client.session.subscriptions()) {
			addHolder(index, client, subscription);
			client.indexed = true;
		}
	}

	/** Closes a connection because a limit was hit, counted and logged once. */
	function closeFor(client: Client, limit: string, code: number, reason: string): void {
		if (client.closedFor !== undefined) return;
		client.closedFor = limit;
		stats.limitCloses[limit] = (stats.limitCloses[limit] ?? 0) + 1;
		logLimited(
			`close:${limit}`,
			{ event: 'limit', limit, id: client.id, address: client.address },
			`closing: ${reason}`,
		);
		if (code === 0) return client.ws.terminate();
		client.ws.close(code, reason);
		// A peer that is not reading never answers the close frame either: cut it off soon
		// rather than after ws's 30 s, so what it left unread is freed.
		const cutOff = setTimeout(() => client.ws.terminate(), limits.closeTimeoutMs);
		cutOff.unref?.();
		client.ws.once('close', () => clearTimeout(cutOff));
	}

	/**
	 * Sends a reply (ack, error, pong). A reader whose unsent bytes already pass
	 * `maxBufferedBytes` is not sent more: it is closed with 1008, so replies never pile up.
	 */
	function sendJson(client: Client, frame: object): void {
		if (client.ws.readyState !== client.ws.OPEN) return;
		const text = JSON.stringify(frame);
		if (client.ws.bufferedAmount + text.length > limits.maxBufferedBytes) {
			closeFor(client, 'slow-reader', CLOSE_POLICY_VIOLATION, CLOSE_REASONS.slowReader);
			return;
		}
		if ('status' in frame && frame.status === 'error' && !('type' in frame)) stats.errorsSent++;
		stats.messagesSent++;
		client.ws.send(text);
	}

	/**
	 * Queues a tick frame for the client, or keeps only the latest per subscription while the
	 * reader is slow. Each frame is written at once (ws writes its header and payload in one
	 * call), as a bare broadcast does. Corking every socket for the whole pump, to send a
	 * client's frames of one pump in one call, held each one's queued writes until the last
	 * client was served; a garbage collection inside a pump then kept them all (~0.5 MB at 1,000
	 * clients), V8 doubled its young generation, and the process kept ~20 MB more. At the tick
	 * rates served (a pump rarely carries two ticks for one client) the batching saved little.
	 */
	function sendTick(client: Client, subscription: Subscription, frame: Buffer): void {
		if (client.ws.readyState !== client.ws.OPEN) return;
		if (client.pending !== undefined || client.ws.bufferedAmount > limits.slowReaderBytes) {
			const key = subscriptionKey(subscription.symbol, subscription.exchange, subscription.mode);
			// Made only for a reader that falls behind: most never need one.
			if (client.pending === undefined) {
				client.pending = new Map();
				behind.add(client);
			}
			if (client.pending.has(key)) stats.framesConflated++;
			client.pending.set(key, frame);
			return;
		}
		client.ws.send(frame, SEND_TEXT);
		stats.framesSent++;
		stats.messagesSent++;
	}

	function flushPending(client: Client): void {
		if (client.pending === undefined || client.ws.bufferedAmount > limits.slowReaderBytes) return;
		for (const frame of client.pending.values()) {
			client.ws.send(frame, { binary: false });
			stats.framesSent++;
			stats.messagesSent++;
		}
		client.pending = undefined;
		behind.delete(client);
	}

	/** The serialised bytes of the frame being fanned out; one frame is built per (tick, variant). */
	let fanningOut: { due: DueTick; bytes: Buffer } | undefined;

	function sendDue(due: DueTick, client: Client, subscription: Subscription): void {
		if (fanningOut?.due !== due)
			fanningOut = { due, bytes: Buffer.from(JSON.stringify(due.frame)) };
		sendTick(client, subscription, fanningOut.bytes);
	}

	/**
	 * Sends what is due since the last pump. The frames come from `forEachDueFrame` (src/lib),
	 * which the page's in-page stream reaches through `framesDue`, so both mounts send the same
	 * frames (each subscription's `sinceMs` and the backlog cap honoured). Each frame is
	 * serialised and UTF-8 encoded once and the same bytes fanned out to every holder, straight
	 * from the index: a pump builds nothing per client, so the garbage it leaves is the ticks'
	 * and ws's own, as a bare broadcast's is.
	 */
	function pump(): void {
		const to = now();
		const from = lastPumpMs;
		lastPumpMs = to;
		for (const client of behind) flushPending(client);
		if (to <= from) return;
		try {
			forEachDueFrame(market, index.values(), from, to, sendDue);
		} finally {
			fanningOut = undefined;
		}
	}

	/**
	 * RFC 6455 §5.5.2 keep-alive, strict: each ping carries fresh random bytes and only a pong
	 * echoing them counts (an unsolicited pong proves nothing). A client whose last ping never
	 * left our buffer (it is not reading) or never came back is cut off.
	 */
	function heartbeat(): void {
		for (const client of clients) {
			if (!client.pongReceived || !client.pingFlushed) {
				closeFor(client, client.pingFlushed ? 'no-pong' : 'not-draining', 0, '');
				continue;
			}
			const payload = randomBytes(8);
			client.pingPayload = payload;
			client.pongReceived = false;
			client.pingFlushed = false;
			client.ws.ping(payload, undefined, (error) => {
				if (!error && client.pingPayload === payload) client.pingFlushed = true;
			});
		}
		// Forget addresses whose failed-auth bucket has refilled.
		const t = now();
		for (const [address, bucket] of authFailures) {
			if (refill(bucket, authRate, t) >= authRate.capacity) authFailures.delete(address);
		}
		for (const [key, last] of lastLogged) if (Date.now() - last.at > 60_000) lastLogged.delete(key);
	}

	/**
	 * Standalone: OpenAlgo closes a connection that has not authenticated within the grace
	 * period. Page mount: a connection that never subscribes only holds a slot. One sweep over
	 * the clients still awaiting that, rather than a timer per connection.
	 */
	function sweep(): void {
		const t = Date.now();
		for (const client of awaiting) {
			if (client.deadline === undefined || client.deadline > t) continue;
			awaiting.delete(client);
			client.deadline = undefined;
			if (site) closeFor(client, 'idle', CLOSE_POLICY_VIOLATION, CLOSE_REASONS.idle);
			else if (!client.session.authenticated)
				closeFor(client, 'auth-timeout', CLOSE_AUTH_TIMEOUT, CLOSE_REASONS.auth);
		}
	}

	const sweepTimer = setInterval(
		sweep,
		Math.max(10, Math.min(1000, limits.idleTimeoutMs / 4, limits.authGraceMs / 4)),
	);
	sweepTimer.unref?.();
	const pumpTimer = setInterval(pump, limits.pumpIntervalMs);
	const heartbeatTimer = setInterval(heartbeat, limits.heartbeatIntervalMs);
	pumpTimer.unref?.();
	heartbeatTimer.unref?.();

	/** Seconds until the address may try another key, or 0 when it may now. */
	function authWait(address: string): number {
		const bucket = authFailures.get(address);
		return bucket ? Math.ceil(msUntil(bucket, authRate, now()) / 1000) : 0;
	}

	function recordAuthFailure(address: string): void {
		let bucket = authFailures.get(address);
		if (!bucket) authFailures.set(address, (bucket = fullBucket(authRate, now())));
		spend(bucket, authRate, now());
	}

	/**
	 * Token buckets for messages and bytes: undefined when the message may be handled,
	 * otherwise which bucket is empty.
	 */
	function admit(client: Client, bytes: number): 'messages' | 'bytes' | undefined {
		const t = now();
		// Both must have room before either is taken from: a refused message costs nothing.
		if (msUntil(client.messages, messageRate, t) > 0) return 'messages';
		if (!take(client.bytes, byteRate, t, bytes)) return 'bytes';
		take(client.messages, messageRate, t);
		return undefined;
	}

	function onMessage(client: Client, data: RawData): void {
		stats.messagesReceived++;
		// Binary frames holding JSON are read like text, as the real server does (spec §1).
		const bytes = Array.isArray(data)
			? Buffer.concat(data)
			: Buffer.isBuffer(data)
				? data
				: Buffer.from(data as ArrayBuffer);
		const refusal = admit(client, bytes.length);
		if (refusal !== undefined) {
			client.refused++;
			if (client.refused >= limits.floodCloseAfter) {
				closeFor(client, 'flood', CLOSE_POLICY_VIOLATION, CLOSE_REASONS.flood);
				return;
			}
			// One notice per second at most, so a flood is not answered with a flood.
			const t = now();
			if (t - client.lastRateErrorAt >= 1000) {
				client.lastRateErrorAt = t;
				logLimited(
					`rate:${client.address}`,
					{ event: 'limit', limit: `rate-${refusal}`, id: client.id, address: client.address },
					'message refused: rate limit',
				);
				sendJson(
					client,
					refusal === 'bytes'
						? protocolErrorFrame('rateLimitedBytes', {
								kibPerSecond: Math.round(limits.bytesPerSecond / 1024),
							})
						: protocolErrorFrame('rateLimited', { perSecond: limits.messagesPerSecond }),
				);
			}
			return;
		}
		const text = bytes.toString('utf8');
		if (site && client.handshake && isHandshakeRequest(text)) {
			sendJson(client, client.handshake);
			return;
		}
		const wait = authWait(client.address);
		if (wait > 0 && isAuthenticate(text)) {
			logLimited(
				`auth:${client.address}`,
				{ event: 'limit', limit: 'auth-failures', id: client.id, address: client.address },
				'authenticate refused: too many failures',
			);
			sendJson(client, protocolErrorFrame('authThrottled', { seconds: wait }));
			return;
		}
		let reply;
		try {
			reply = client.session.handle(text, now());
		} catch (error) {
			logger.error({ event: 'error', id: client.id, err: error }, 'message handling failed');
			const reason = error instanceof Error ? error.message : String(error);
			sendJson(client, protocolErrorFrame('serverError', { reason }));
			return;
		}
		for (const frame of reply.frames) sendJson(client, frame);
		if (reply.frames.some((f) => 'code' in f && f.code === 'AUTHENTICATION_ERROR'))
			recordAuthFailure(client.address);
		if (reply.subscriptionsChanged) {
			reindex(client);
			stats.pricedPairs = index.size;
		}
		if (client.deadline !== undefined && (site ? client.indexed : client.session.authenticated)) {
			client.deadline = undefined;
			awaiting.delete(client);
		}
		if (reply.drop)
			closeFor(client, 'simulate-drop', CLOSE_DROPPED_ON_REQUEST, CLOSE_REASONS.dropped);
	}

	function onConnection(ws: WebSocket, req: IncomingMessage, address: string): void {
		const t = now();
		const client: Client = {
			id: nextId++,
			ws,
			address,
			origin: req.headers.origin,
			connectedAt: Date.now(),
			session: new StreamSession(sessionOptions),
			pongReceived: true,
			pingFlushed: true,
			messages: fullBucket(messageRate, t),
			bytes: fullBucket(byteRate, t),
			refused: 0,
			lastRateErrorAt: -Infinity,
			indexed: false,
		};
		const lines = responseLines.get(req);
		if (site && lines) client.handshake = handshakeFrame(req, lines);
		clients.add(client);
		stats.clients = clients.size;
		logger.info(
			{ event: 'connect', id: client.id, address, origin: client.origin, mount: options.mount },
			'stream: client connected',
		);
		// Closed by sweep() unless it authenticates (standalone) or subscribes (page) in time.
		client.deadline = Date.now() + (site ? limits.idleTimeoutMs : limits.authGraceMs);
		awaiting.add(client);
		(ws as ClientSocket)[kClient] = client;
		ws.on('message', onSocketMessage);
		ws.on('pong', onSocketPong);
		ws.on('error', onSocketError);
		ws.on('close', onSocketClose);
	}

	// One set of listeners for every socket (each finds its client on the socket), rather than
	// four closures and their context per connection: at thousands of connections what each one
	// holds is most of the server's own memory.
	function onSocketMessage(this: WebSocket, data: RawData): void {
		const client = clientOf(this);
		try {
			onMessage(client, data);
		} catch (error) {
			// Never let one client's message take the process down.
			logger.error({ event: 'error', id: client.id, err: error }, 'message handling failed');
		}
	}

	function onSocketPong(this: WebSocket, data: Buffer): void {
		const client = clientOf(this);
		if (client.pingPayload !== undefined && client.pingPayload.equals(data))
			client.pongReceived = true;
	}

	function onSocketError(this: WebSocket, error: Error): void {
		// ws closes the socket itself (1009 for an oversized frame, 1007 for bad UTF-8, ...).
		logger.debug(
			{ event: 'socket_error', id: clientOf(this).id, err: error },
			'stream: socket error',
		);
	}

	function onSocketClose(this: WebSocket, code: number, reason: Buffer): void {
		const client = clientOf(this);
		awaiting.delete(client);
		clients.delete(client);
		client.pending = undefined;
		behind.delete(client);
		unindex(client);
		releaseAddress(client.address);
		stats.pricedPairs = index.size;
		stats.clients = clients.size;
		logger.info(
			{
				event: 'disconnect',
				id: client.id,
				address: client.address,
				code,
				reason: String(reason),
				closedFor: client.closedFor,
				durationMs: Date.now() - client.connectedAt,
			},
			'stream: client disconnected',
		);
	}

	function refuse(
		socket: Duplex,
		status: number,
		text: string,
		reason: string,
		req: IncomingMessage,
		address: string,
	): void {
		stats.refusedUpgrades[reason] = (stats.refusedUpgrades[reason] ?? 0) + 1;
		logLimited(
			`refuse:${reason}`,
			{
				event: 'upgrade_refused',
				reason,
				status,
				address,
				origin: req.headers.origin,
				host: req.headers.host,
			},
			`upgrade refused: ${reason}`,
		);
		if (socket.writable) {
			socket.end(
				`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`,
			);
		} else socket.destroy();
	}

	function handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
		// A shared function, not a closure: a closure here would keep this call's scope (and the
		// handshake's settle function with it) alive for as long as the socket.
		socket.on('error', destroySocket);
		const address = clientAddress(req, trustProxy);
		if (draining || closing)
			return refuse(socket, 503, 'Service Unavailable', 'draining', req, address);
		if (clients.size + upgrading >= limits.maxConnections)
			return refuse(socket, 503, 'Service Unavailable', 'capacity', req, address);
		const held = perAddress.get(address) ?? 0;
		if (held >= limits.maxConnectionsPerAddress)
			return refuse(socket, 429, 'Too Many Requests', 'per-address', req, address);
		const host = requestHost(req, trustProxy);
		if (!isHostAllowed(host, options.allowedHosts))
			return refuse(socket, 403, 'Forbidden', 'host', req, address);
		if (!isOriginAllowed(req.headers.origin, host, options.mount, options.allowedOrigins))
			return refuse(socket, 403, 'Forbidden', 'origin', req, address);
		const settle = holdSlot(socket, address, held);
		// ws passes the request back: capturing `req` here instead would keep every
		// IncomingMessage (headers and all) alive for as long as its connection.
		wss.handleUpgrade(req, socket, head, (ws, request) => {
			settle();
			onConnection(ws, request, address);
			responseLines.delete(request);
		});
	}

	/**
	 * Counts a handshake in flight and the address's slot. A failed handshake never calls back
	 * (ws answers 400 and destroys the socket), so until it succeeds the socket's close gives the
	 * slot back; once it has, the connection's close does (`onSocketClose`), and the socket keeps
	 * no listener of ours. Returns the function that settles the handshake on success.
	 */
	function holdSlot(socket: Duplex, address: string, held: number): () => void {
		upgrading++;
		perAddress.set(address, held + 1);
		const onFailedClose = (): void => {
			upgrading--;
			releaseAddress(address);
		};
		socket.once('close', onFailedClose);
		return () => {
			socket.removeListener('close', onFailedClose);
			upgrading--;
		};
	}

	function releaseAddress(address: string): void {
		const count = (perAddress.get(address) ?? 1) - 1;
		if (count <= 0) perAddress.delete(address);
		else perAddress.set(address, count);
	}

	function drain(): void {
		if (!draining)
			logger.info(
				{ event: 'drain', clients: clients.size },
				'stream: draining, new upgrades refused',
			);
		draining = true;
	}

	async function close(graceMs = 0): Promise<void> {
		if (closing) return;
		drain();
		if (graceMs > 0 && clients.size > 0)
			await new Promise((resolve) => setTimeout(resolve, graceMs));
		closing = true;
		clearInterval(pumpTimer);
		clearInterval(heartbeatTimer);
		clearInterval(sweepTimer);
		const open = [...clients];
		logger.info(
			{ event: 'shutdown', clients: open.length },
			'stream: closing every client with 1001',
		);
		await Promise.all(
			open.map(
				(client) =>
					new Promise<void>((resolve) => {
						if (client.ws.readyState === client.ws.CLOSED) return resolve();
						const timer = setTimeout(() => {
							client.ws.terminate();
							resolve();
						}, limits.closeTimeoutMs);
						client.ws.once('close', () => {
							clearTimeout(timer);
							resolve();
						});
						client.closedFor ??= 'shutdown';
						client.ws.close(CLOSE_GOING_AWAY, CLOSE_REASONS.shutdown);
					}),
			),
		);
		await new Promise<void>((resolve) => wss.close(() => resolve()));
	}

	return {
		handleUpgrade,
		clientCount: () => clients.size,
		stats: () => ({
			...stats,
			refusedUpgrades: { ...stats.refusedUpgrades },
			limitCloses: { ...stats.limitCloses },
			clients: clients.size,
			pricedPairs: index.size,
		}),
		market,
		registry,
		drain,
		isReady: () => !draining && !closing,
		close,
	};
}

/** True when a text frame is an `authenticate` (only parsed while its address is throttled). */
function isAuthenticate(text: string): boolean {
	if (!/authenticate/i.test(text)) return false;
	try {
		const value = JSON.parse(text) as { action?: unknown } | null;
		return typeof value?.action === 'string' && value.action.toLowerCase() === 'authenticate';
	} catch {
		return false;
	}
}
