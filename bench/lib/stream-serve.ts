// The server side of bench/stream.bench.ts, run in a child process (one per measured run) so the
// server's CPU time and peak RSS are its own and not mixed with the thousands of clients in the
// parent. Two servers fan out the same ticks:
//   ours: server/stream-server.ts mounted on an http server as server/cli.ts mounts it;
//   bare: a plain `ws` WebSocketServer doing the same job at its least: it answers the fleet's
//         authenticate and subscribe with the very bytes ours sends (made once, at start, by a
//         StreamSession) after a bare JSON.parse, then sends every due tick to every subscribed
//         socket in a plain loop, on the same schedule (same engine, seed, rate multiplier and
//         pump interval) and with frames from the same builders, so every frame has the same
//         bytes as ours. No validation, limits, heartbeat, logs or conflation: what those cost is
//         what the comparison shows.
// Both load the same modules (this file imports both servers), use the same ws options
// (perMessageDeflate off, no client tracking, default maxPayload aside: ours sets 1 MiB, which
// only bounds inbound frames) and run under the same Node flags.
// The parent speaks to the child over the IPC channel (see ToChild / FromChild) and ends it with
// SIGTERM: no graceful close, since the figures are taken by then and closing thousands of
// sockets one by one would only add time to the run.
// Both servers run on a market clock that stands still at `marketStartMs` until the parent says
// 'go' (after every client has subscribed) and then runs at wall-clock speed. Every run therefore
// replays the same stretch of market time: ours and bare get the same ticks (the engine is a
// pure function of time), so their throughputs compare under identical offered load rather than
// under two different Poisson draws, and no ticks flow while thousands of clients connect.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { DEFAULT_LIMITS } from '../../server/limits.ts';
import { createStreamServer } from '../../server/stream-server.ts';
import { createMarket } from '../../src/lib/market-engine.ts';
import { CHAPTER_INSTRUMENTS as INSTRUMENTS } from '../../src/lib/instruments.ts';
import { marketDataPayload } from '../../src/lib/market-data.ts';
import { marketDataFrame } from '../../src/lib/server-frames.ts';
import { StreamSession } from '../../src/lib/stream-session.ts';
import { AUTHENTICATE, SUBSCRIBE } from './stream-fleet.ts';

export type ServerKind = 'ours' | 'bare';

export interface ServeOptions {
	kind: ServerKind;
	seed: number;
	rateMultiplier: number;
	/** Clients the parent will open; ours must allow that many connections. */
	maxClients: number;
	/** Market time (epoch ms) the clock holds until 'go'. */
	marketStartMs: number;
	/** The child exits on its own after this long, whatever the parent does. */
	hardTimeoutMs: number;
}

/** Market clock: frozen until start(), then wall-clock speed from marketStartMs. */
interface Clock {
	now(): number;
	start(): number;
}

export interface ServerSample {
	/** The child's clock when sampled (epoch ms), so CPU % uses the child's own interval. */
	atMs: number;
	/** User + system CPU time since the child started, µs. */
	cpuUs: number;
	rssBytes: number;
	/** Peak resident set size over the child's life (getrusage ru_maxrss). */
	maxRssBytes: number;
	/** Where the resident memory is now: V8's heap in use, and memory outside it (buffers). */
	heapUsedBytes: number;
	heapTotalBytes: number;
	externalBytes: number;
	arrayBuffersBytes: number;
	framesSent: number;
	/** Ours only: ticks replaced by a newer one while a client was a slow reader. */
	framesConflated: number;
	clients: number;
}

export type ToChild = { type: 'go' } | { type: 'sample' };
export type FromChild =
	| { type: 'ready'; port: number }
	/** Market time `marketMs` was wall time `wallMs`: receipt − (tick time + wallMs − marketMs) is latency. */
	| { type: 'started'; wallMs: number; marketMs: number }
	| ({ type: 'sample' } & ServerSample);

interface Running {
	handleUpgrade: (req: IncomingMessage, socket: Duplex, head: Buffer) => void;
	counts(): { framesSent: number; framesConflated: number; clients: number };
}

function startOurs(options: ServeOptions, clock: Clock): Running {
	const stream = createStreamServer({
		now: clock.now,
		// The standalone mount is what outside clients (the OpenAlgo SDK) use: authenticate, then subscribe.
		mount: 'standalone',
		seed: options.seed,
		rateMultiplier: options.rateMultiplier,
		// Every limit is the shipped default (the fleet spreads its clients over loopback addresses
		// within the per-address cap), except that the total cap makes room for the bench's probe
		// clients on top of a fleet at the cap.
		limits: {
			maxConnections: Math.max(DEFAULT_LIMITS.maxConnections, options.maxClients),
		},
	});
	return {
		handleUpgrade: stream.handleUpgrade,
		counts: () => {
			const stats = stream.stats();
			return {
				framesSent: stats.framesSent,
				framesConflated: stats.framesConflated,
				clients: stats.clients,
			};
		},
	};
}

function startBare(options: ServeOptions, clock: Clock): Running {
	const market = createMarket({ seed: options.seed, rateMultiplier: options.rateMultiplier });
	const wss = new WebSocketServer({
		noServer: true,
		perMessageDeflate: false,
		clientTracking: false,
	});
	const clients = new Set<WebSocket>();
	// The replies ours gives the fleet's two messages, byte for byte, made once.
	const session = new StreamSession({
		implicitAuth: false,
		maxSymbols: DEFAULT_LIMITS.maxSymbolsPerConnection,
	});
	const [authReply, subscribeReply] = [AUTHENTICATE, SUBSCRIBE].map((text) =>
		JSON.stringify(session.receive(text, clock.now())[0]),
	);
	let framesSent = 0;
	let lastPumpMs = clock.now();
	// The same cadence as ours (limits.pumpIntervalMs) so latency carries the same granularity.
	const pump = setInterval(() => {
		const to = clock.now();
		const from = lastPumpMs;
		lastPumpMs = to;
		if (to <= from) return;
		for (const spec of INSTRUMENTS) {
			const instrument = { symbol: spec.symbol, exchange: spec.exchange };
			for (const tick of market.ticksBetween(spec.symbol, spec.exchange, from, to)) {
				// Serialised once per tick, as ours does, with the same builders: identical bytes.
				const text = JSON.stringify(
					marketDataFrame(instrument, 1, marketDataPayload(market, instrument, 1, tick)),
				);
				for (const ws of clients) {
					ws.send(text);
					framesSent++;
				}
			}
		}
	}, DEFAULT_LIMITS.pumpIntervalMs);
	pump.unref();
	return {
		handleUpgrade: (req, socket, head) => {
			socket.on('error', () => socket.destroy());
			wss.handleUpgrade(req, socket, head, (ws) => {
				ws.on('message', (data: Buffer) => {
					let action: unknown;
					try {
						action = (JSON.parse(data.toString('utf8')) as { action?: unknown }).action;
					} catch {
						return;
					}
					if (action === 'authenticate') ws.send(authReply!);
					else if (action === 'subscribe') {
						ws.send(subscribeReply!);
						clients.add(ws);
					}
				});
				ws.on('error', () => {});
				ws.on('close', () => clients.delete(ws));
			});
		},
		counts: () => ({ framesSent, framesConflated: 0, clients: clients.size }),
	};
}

function sample(running: Running): ServerSample {
	const cpu = process.cpuUsage();
	const memory = process.memoryUsage();
	return {
		atMs: Date.now(),
		cpuUs: cpu.user + cpu.system,
		rssBytes: memory.rss,
		// resourceUsage().maxRSS is in kilobytes.
		maxRssBytes: process.resourceUsage().maxRSS * 1024,
		heapUsedBytes: memory.heapUsed,
		heapTotalBytes: memory.heapTotal,
		externalBytes: memory.external,
		arrayBuffersBytes: memory.arrayBuffers,
		...running.counts(),
	};
}

/** Runs one server until SIGTERM, the parent disconnecting, or the hard timeout. */
export function serveChild(options: ServeOptions): void {
	const send = (message: FromChild): void => {
		if (process.connected) process.send?.(message);
	};
	// Whatever happens to the parent, this process must not outlive it.
	setTimeout(() => process.exit(3), options.hardTimeoutMs).unref();
	process.on('disconnect', () => process.exit(0));
	let startedWall: number | undefined;
	const clock: Clock = {
		now: () =>
			startedWall === undefined
				? options.marketStartMs
				: options.marketStartMs + (Date.now() - startedWall),
		start: () => (startedWall ??= Date.now()),
	};
	const running = options.kind === 'ours' ? startOurs(options, clock) : startBare(options, clock);
	const server: Server = createServer((_req, res) => {
		res.writeHead(426, { 'Content-Type': 'text/plain' });
		res.end('WebSocket endpoint\n');
	});
	server.on('upgrade', (req, socket, head) => running.handleUpgrade(req, socket, head));
	server.on('clientError', (_error, socket) => socket.destroy());
	server.on('error', (error) => {
		console.error(`stream bench server (${options.kind}): ${error.message}`);
		process.exit(1);
	});
	process.on('message', (message: ToChild) => {
		if (message.type === 'go')
			send({ type: 'started', wallMs: clock.start(), marketMs: options.marketStartMs });
		else if (message.type === 'sample') send({ type: 'sample', ...sample(running) });
	});
	// A deep backlog so a batch of simultaneous handshakes is not refused by the kernel.
	server.listen({ port: 0, host: '127.0.0.1', backlog: 4096 }, () => {
		const address = server.address();
		send({ type: 'ready', port: typeof address === 'object' && address ? address.port : 0 });
	});
}
