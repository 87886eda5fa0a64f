// The mock market stream on `ws`: one implementation mounted two ways, on the site's origin at
// /stream (npm start, astro dev) and standalone on :8765 (npm run stream). Each connection runs
// a StreamSession (the protocol); this module adds what a transport must: limits, heartbeats,
// origin checks, fan-out of shared ticks, conflation for slow readers and clean shutdown.
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { DEFAULT_SEED, createMarket, type Market } from '../src/lib/market-engine.ts';
import { marketDataPayload } from '../src/lib/market-data.ts';
import { errorFrame, marketDataFrame, type ModeNumber } from '../src/lib/protocol.ts';
import { StreamSession } from '../src/lib/stream-session.ts';
import { subscriptionKey, type Subscription } from '../src/lib/subscription.ts';
import {
	CLOSE_AUTH_TIMEOUT,
	CLOSE_DROPPED_ON_REQUEST,
	CLOSE_GOING_AWAY,
	CLOSE_POLICY_VIOLATION,
	resolveLimits,
	type Limits,
} from './limits.ts';

export interface StreamServerOptions {
	/** 'site': the page's /stream (the chapter's bare subscribe works); 'standalone': OpenAlgo's rules. */
	mount: 'site' | 'standalone';
	seed?: number;
	/** Only this key authenticates; otherwise any non-empty key (demo mode). */
	apiKey?: string;
	limits?: Partial<Limits>;
	/** Browser origins allowed besides the server's own host (e.g. `http://localhost:4321`). */
	allowedOrigins?: readonly string[];
	/** Clock in epoch ms; tests pass their own. */
	now?: () => number;
	/** Scales tick rates (benchmarks). */
	rateMultiplier?: number;
}

export interface StreamStats {
	clients: number;
	framesSent: number;
	framesConflated: number;
	messagesReceived: number;
	errorsSent: number;
}

export interface StreamServer {
	handleUpgrade: (req: IncomingMessage, socket: Duplex, head: Buffer) => void;
	clientCount(): number;
	stats(): StreamStats;
	readonly market: Market;
	/** Every client gets close 1001, timers stop; resolves when all sockets are gone. */
	close(): Promise<void>;
}

interface Client {
	ws: WebSocket;
	session: StreamSession;
	alive: boolean;
	tokens: number;
	refilledAt: number;
	refused: number;
	lastRateErrorAt: number;
	/** Latest unsent frame per subscription while the client is a slow reader. */
	pending: Map<string, Buffer>;
	authTimer?: ReturnType<typeof setTimeout>;
}

/** ws keeps its net.Socket private; corking it batches one pump's frames into one write. */
function socketOf(client: Client): Socket | undefined {
	return (client.ws as unknown as { _socket?: Socket })._socket;
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/**
 * Decides whether a browser may connect. No Origin header (wscat, websocat, most SDKs): allowed.
 * Otherwise the Origin's host must equal the request's Host, be listed in `allowed`, or, on the
 * standalone mount, be a loopback address (a page on localhost talking to the local mock).
 */
export function isOriginAllowed(
	origin: string | undefined,
	host: string | undefined,
	mount: 'site' | 'standalone',
	allowed: readonly string[] = [],
): boolean {
	if (origin === undefined || origin === '') return true;
	if (allowed.includes(origin)) return true;
	let url: URL;
	try {
		url = new URL(origin);
	} catch {
		return false;
	}
	if (host !== undefined && url.host === host.toLowerCase()) return true;
	return mount === 'standalone' && LOOPBACK_HOSTS.has(url.hostname);
}

/** Creates the stream; attach `handleUpgrade` to an HTTP server's 'upgrade' event. */
export function createStreamServer(options: StreamServerOptions): StreamServer {
	const limits = resolveLimits(options.limits);
	const now = options.now ?? Date.now;
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
	});
	const clients = new Set<Client>();
	/** Who holds each (exchange:symbol), with which subscriptions. */
	const index = new Map<string, Map<Client, Subscription[]>>();
	const stats: StreamStats = {
		clients: 0,
		framesSent: 0,
		framesConflated: 0,
		messagesReceived: 0,
		errorsSent: 0,
	};
	let upgrading = 0;
	let closing = false;
	let lastPumpMs = now();

	function reindex(client: Client): void {
		for (const [pair, holders] of index) {
			holders.delete(client);
			if (holders.size === 0) index.delete(pair);
		}
		for (const subscription of client.session.subscriptions()) {
			const pair = `${subscription.exchange}:${subscription.symbol}`;
			let holders = index.get(pair);
			if (!holders) index.set(pair, (holders = new Map()));
			const list = holders.get(client);
			if (list) list.push(subscription);
			else holders.set(client, [subscription]);
		}
	}

	function sendJson(client: Client, frame: object): void {
		if (client.ws.readyState !== client.ws.OPEN) return;
		if ('status' in frame && frame.status === 'error' && !('type' in frame)) stats.errorsSent++;
		client.ws.send(JSON.stringify(frame));
	}

	/** Sockets corked during the current pump, uncorked together at its end. */
	const corked = new Set<Client>();

	/**
	 * Queues a tick frame for the client, or keeps only the latest per subscription while the
	 * reader is slow. Within one pump a client's frames are corked into a single write: a
	 * system call per frame per client was most of the server's time under load.
	 */
	function sendTick(client: Client, subscription: Subscription, frame: Buffer): void {
		if (client.ws.readyState !== client.ws.OPEN) return;
		if (client.pending.size > 0 || client.ws.bufferedAmount > limits.slowReaderBytes) {
			const key = subscriptionKey(subscription.symbol, subscription.exchange, subscription.mode);
			if (client.pending.has(key)) stats.framesConflated++;
			client.pending.set(key, frame);
			return;
		}
		if (!corked.has(client)) {
			socketOf(client)?.cork();
			corked.add(client);
		}
		client.ws.send(frame, { binary: false });
		stats.framesSent++;
	}

	function uncorkAll(): void {
		for (const client of corked) socketOf(client)?.uncork();
		corked.clear();
	}

	function flushPending(client: Client): void {
		if (client.pending.size === 0 || client.ws.bufferedAmount > limits.slowReaderBytes) return;
		for (const frame of client.pending.values()) {
			client.ws.send(frame, { binary: false });
			stats.framesSent++;
		}
		client.pending.clear();
	}

	/**
	 * Computes each due tick once and fans the same frame out to every holder: serialised and
	 * UTF-8 encoded once per tick and variant (mode, depth), not once per client.
	 */
	function pump(): void {
		const to = now();
		const from = lastPumpMs;
		lastPumpMs = to;
		for (const client of clients) flushPending(client);
		if (to <= from) return;
		try {
			for (const holders of index.values()) {
				const first = holders.values().next().value?.[0];
				if (!first) continue;
				const ticks = market.ticksBetween(first.symbol, first.exchange, from, to);
				for (const tick of ticks) {
					const frames = new Map<number, Buffer>();
					for (const [client, subscriptions] of holders) {
						for (const subscription of subscriptions) {
							const variant = subscription.mode * 1000 + subscription.depth;
							let frame = frames.get(variant);
							if (frame === undefined) {
								const instrument = { symbol: subscription.symbol, exchange: subscription.exchange };
								const mode: ModeNumber = subscription.mode;
								const payload = marketDataPayload(
									market,
									instrument,
									mode,
									tick,
									subscription.depth,
								);
								frame = Buffer.from(JSON.stringify(marketDataFrame(instrument, mode, payload)));
								frames.set(variant, frame);
							}
							sendTick(client, subscription, frame);
						}
					}
				}
			}
		} finally {
			uncorkAll();
		}
	}

	function heartbeat(): void {
		for (const client of clients) {
			if (!client.alive) {
				// No pong since the last ping: the peer is gone or stuck (RFC 6455 §5.5.2).
				client.ws.terminate();
				continue;
			}
			client.alive = false;
			client.ws.ping();
		}
	}

	const pumpTimer = setInterval(pump, limits.pumpIntervalMs);
	const heartbeatTimer = setInterval(heartbeat, limits.heartbeatIntervalMs);
	pumpTimer.unref?.();
	heartbeatTimer.unref?.();

	/** Token bucket: true when the message may be handled. */
	function admit(client: Client): boolean {
		const t = now();
		client.tokens = Math.min(
			limits.messageBurst,
			client.tokens + ((t - client.refilledAt) / 1000) * limits.messagesPerSecond,
		);
		client.refilledAt = t;
		if (client.tokens >= 1) {
			client.tokens -= 1;
			return true;
		}
		return false;
	}

	function onMessage(client: Client, data: RawData): void {
		stats.messagesReceived++;
		if (!admit(client)) {
			client.refused++;
			if (client.refused >= limits.floodCloseAfter) {
				client.ws.close(CLOSE_POLICY_VIOLATION, 'message flood');
				return;
			}
			// One notice per second at most, so a flood is not answered with a flood.
			const t = now();
			if (t - client.lastRateErrorAt >= 1000) {
				client.lastRateErrorAt = t;
				sendJson(
					client,
					errorFrame(
						'RATE_LIMITED',
						`Too many messages: at most ${limits.messagesPerSecond} per second; message ignored`,
					),
				);
			}
			return;
		}
		// Binary frames holding JSON are read like text, as the real server does (spec §1).
		const text = Array.isArray(data)
			? Buffer.concat(data).toString('utf8')
			: Buffer.from(data as ArrayBuffer).toString('utf8');
		let reply;
		try {
			reply = client.session.handle(text, now());
		} catch (error) {
			sendJson(
				client,
				errorFrame('SERVER_ERROR', error instanceof Error ? error.message : String(error)),
			);
			return;
		}
		for (const frame of reply.frames) sendJson(client, frame);
		const action = reply.request?.action;
		if (action === 'subscribe' || action === 'unsubscribe' || action === 'unsubscribe_all')
			reindex(client);
		if (client.session.authenticated && client.authTimer) {
			clearTimeout(client.authTimer);
			client.authTimer = undefined;
		}
		if (reply.drop) client.ws.close(CLOSE_DROPPED_ON_REQUEST, 'dropped on request');
	}

	function onConnection(ws: WebSocket): void {
		const client: Client = {
			ws,
			session: new StreamSession({
				apiKey: options.apiKey,
				implicitAuth: site,
				maxSymbols: limits.maxSymbolsPerConnection,
				allowSimulateDrop: site,
			}),
			alive: true,
			tokens: limits.messageBurst,
			refilledAt: now(),
			refused: 0,
			lastRateErrorAt: -Infinity,
			pending: new Map(),
		};
		clients.add(client);
		stats.clients = clients.size;
		if (!site) {
			// OpenAlgo closes a connection that has not authenticated within the grace period.
			client.authTimer = setTimeout(() => {
				if (!client.session.authenticated) ws.close(CLOSE_AUTH_TIMEOUT, 'auth timeout');
			}, limits.authGraceMs);
			client.authTimer.unref?.();
		}
		ws.on('message', (data) => {
			try {
				onMessage(client, data);
			} catch (error) {
				// Never let one client's message take the process down.
				console.error('stream: message handling failed:', error);
			}
		});
		ws.on('pong', () => {
			client.alive = true;
		});
		ws.on('error', () => {
			// ws closes the socket itself (1009 for an oversized frame, 1007 for bad UTF-8, ...).
		});
		ws.on('close', () => {
			if (client.authTimer) clearTimeout(client.authTimer);
			clients.delete(client);
			client.pending.clear();
			for (const [pair, holders] of index) {
				holders.delete(client);
				if (holders.size === 0) index.delete(pair);
			}
			stats.clients = clients.size;
		});
	}

	function refuse(socket: Duplex, status: number, reason: string): void {
		if (socket.writable) {
			socket.end(
				`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(reason)}\r\n\r\n${reason}`,
			);
		} else socket.destroy();
	}

	function handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
		socket.on('error', () => socket.destroy());
		if (closing) return refuse(socket, 503, 'Service Unavailable');
		if (clients.size + upgrading >= limits.maxConnections)
			return refuse(socket, 503, 'Service Unavailable');
		const origin = req.headers.origin;
		if (!isOriginAllowed(origin, req.headers.host, options.mount, options.allowedOrigins)) {
			return refuse(socket, 403, 'Forbidden');
		}
		upgrading++;
		let settled = false;
		// A failed handshake never calls back (ws answers 400 and destroys the socket), so the
		// socket's close settles the count instead.
		socket.once('close', () => {
			if (!settled) {
				settled = true;
				upgrading--;
			}
		});
		wss.handleUpgrade(req, socket, head, (ws) => {
			if (!settled) {
				settled = true;
				upgrading--;
			}
			onConnection(ws);
		});
	}

	async function close(): Promise<void> {
		if (closing) return;
		closing = true;
		clearInterval(pumpTimer);
		clearInterval(heartbeatTimer);
		const open = [...clients];
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
						client.ws.close(CLOSE_GOING_AWAY, 'server shutting down');
					}),
			),
		);
		await new Promise<void>((resolve) => wss.close(() => resolve()));
	}

	return {
		handleUpgrade,
		clientCount: () => clients.size,
		stats: () => ({ ...stats, clients: clients.size }),
		market,
		close,
	};
}
