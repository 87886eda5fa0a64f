// The stream's Prometheus metrics (prom-client) and the small HTTP server that exposes them.
// Off unless METRICS=1: the numbers are read from the stream's own counters when scraped, so
// sending a frame costs nothing extra; `startMetricsServer` listens on its own port, never the
// page's public one (put it on a private interface or behind the proxy's allow-list).
import { createServer, type Server } from 'node:http';
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';

/** What the stream counts; the metrics read it at scrape time. */
export interface StreamCounters {
	clients: number;
	messagesReceived: number;
	/** Every frame sent: ticks, acks, errors, pongs. */
	messagesSent: number;
	/** market_data frames sent. */
	framesSent: number;
	/** Ticks replaced by a newer one while their reader was slow. */
	framesConflated: number;
	/** Upgrades refused, by reason (`draining`, `capacity`, `per-address`, `origin`, `host`). */
	refusedUpgrades: Readonly<Record<string, number>>;
}

/** A registry holding the stream's metrics and Node's defaults (event-loop lag among them). */
export function createStreamMetrics(read: () => StreamCounters): Registry {
	const registry = new Registry();
	// nodejs_eventloop_lag_seconds (and its percentiles), heap, CPU, descriptors, ...
	collectDefaultMetrics({ register: registry });
	new Gauge({
		name: 'stream_connections_open',
		help: 'WebSocket connections open now.',
		registers: [registry],
		collect() {
			this.set(read().clients);
		},
	});
	const counter = (name: string, help: string, value: (c: StreamCounters) => number) =>
		new Counter({
			name,
			help,
			registers: [registry],
			collect() {
				this.reset();
				this.inc(value(read()));
			},
		});
	counter(
		'stream_messages_received_total',
		'Messages received from clients.',
		(c) => c.messagesReceived,
	);
	counter(
		'stream_messages_sent_total',
		'Frames sent to clients (all kinds).',
		(c) => c.messagesSent,
	);
	counter('stream_ticks_sent_total', 'market_data frames sent to clients.', (c) => c.framesSent);
	counter(
		'stream_frames_conflated_total',
		'Ticks replaced by a newer one while the reader was slow.',
		(c) => c.framesConflated,
	);
	new Counter({
		name: 'stream_upgrades_refused_total',
		help: 'WebSocket upgrades refused, by reason.',
		labelNames: ['reason'],
		registers: [registry],
		collect() {
			this.reset();
			for (const [reason, count] of Object.entries(read().refusedUpgrades))
				this.inc({ reason }, count);
		},
	});
	return registry;
}

export interface MetricsServer {
	server: Server;
	/** `http://host:port/metrics`, with the port actually bound. */
	url: string;
	close(): Promise<void>;
}

/** Serves `GET /metrics` from `registry` on its own port; resolves once listening. */
export async function startMetricsServer(options: {
	host: string;
	port: number;
	registry: Registry;
}): Promise<MetricsServer> {
	const server = createServer((req, res) => {
		const path = (req.url ?? '/').split('?')[0];
		if (path !== '/metrics' || (req.method !== 'GET' && req.method !== 'HEAD')) {
			res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
			res.end('Not Found: the metrics are at GET /metrics\n');
			return;
		}
		options.registry.metrics().then(
			(text) => {
				res.writeHead(200, {
					'Content-Type': options.registry.contentType,
					'Content-Length': Buffer.byteLength(text),
				});
				res.end(req.method === 'HEAD' ? undefined : text);
			},
			(error: unknown) => {
				res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' });
				res.end(`metrics failed: ${error instanceof Error ? error.message : String(error)}\n`);
			},
		);
	});
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(options.port, options.host, () => {
			server.off('error', reject);
			resolve();
		});
	});
	const address = server.address();
	const port = typeof address === 'object' && address ? address.port : options.port;
	const host = options.host.includes(':') ? `[${options.host}]` : options.host;
	return {
		server,
		url: `http://${host}:${port}/metrics`,
		close: () =>
			new Promise<void>((resolve) => {
				server.close(() => resolve());
				server.closeAllConnections();
			}),
	};
}
