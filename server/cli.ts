// `npm run stream`: the mock OpenAlgo stream on its own, ws://127.0.0.1:8765 by default, for
// outside clients (the OpenAlgo Python SDK, wscat, websocat). Like the real server it answers
// on any path and requires `authenticate` first; STREAM_API_KEY pins the one key it accepts.
// Settings (each checked here, one line on error): STREAM_HOST/STREAM_PORT or --host/--port,
// STREAM_API_KEY, STREAM_ALLOWED_ORIGINS and STREAM_ALLOWED_HOSTS (comma-separated),
// TRUST_PROXY=1, DRAIN_GRACE_MS (default 5000), LOG_LEVEL, METRICS=1 with METRICS_HOST/METRICS_PORT.
import { parseListenArgs, type ListenAddress } from './listen-args.ts';
import { createLogger, type Logger } from './log.ts';
import { startMetricsServer, type MetricsServer } from './metrics.ts';
import { createStandaloneServer } from './standalone.ts';
import { createStreamServer } from './stream-server.ts';

function fail(message: string): never {
	console.error(`error: ${message}`);
	process.exit(2);
}

function list(name: string): string[] | undefined {
	const text = process.env[name]?.trim();
	if (!text) return undefined;
	return text
		.split(',')
		.map((entry) => entry.trim())
		.filter(Boolean);
}

function integer(name: string, fallback: number, max: number): number {
	const text = process.env[name]?.trim();
	if (!text) return fallback;
	if (!/^\d+$/.test(text) || Number(text) > max)
		fail(`${name} must be a whole number from 0 to ${max}; got \`${text}\`.`);
	return Number(text);
}

function flag(name: string): boolean {
	const text = process.env[name]?.trim().toLowerCase();
	if (!text || text === '0' || text === 'false') return false;
	if (text === '1' || text === 'true') return true;
	fail(`${name} must be 1 or 0; got \`${process.env[name]}\`.`);
}

let listen: ListenAddress;
let logger: Logger;
try {
	listen = parseListenArgs(process.argv.slice(2), process.env, {
		host: '127.0.0.1',
		port: 8765,
		hostVar: 'STREAM_HOST',
		portVar: 'STREAM_PORT',
	});
	logger = createLogger({ base: { server: 'stream' } });
} catch (error) {
	fail(error instanceof Error ? error.message : String(error));
}
for (const origin of list('STREAM_ALLOWED_ORIGINS') ?? []) {
	if (!/^https?:\/\/[^/]+$/.test(origin))
		fail(`STREAM_ALLOWED_ORIGINS entries are origins like https://example.com; got \`${origin}\`.`);
}

const apiKey = process.env.STREAM_API_KEY || undefined;
const config = {
	allowedOrigins: list('STREAM_ALLOWED_ORIGINS'),
	allowedHosts: list('STREAM_ALLOWED_HOSTS'),
	trustProxy: flag('TRUST_PROXY'),
	metrics: flag('METRICS'),
	metricsHost: process.env.METRICS_HOST?.trim() || '127.0.0.1',
	metricsPort: integer('METRICS_PORT', 9464, 65535),
	drainGraceMs: integer('DRAIN_GRACE_MS', 5000, 600_000),
};
const stream = createStreamServer({
	mount: 'standalone',
	apiKey,
	logger,
	allowedOrigins: config.allowedOrigins,
	allowedHosts: config.allowedHosts,
	trustProxy: config.trustProxy,
	metrics: config.metrics,
});
const server = createStandaloneServer(stream, logger);
let metricsServer: MetricsServer | undefined;

server.on('error', (error) => {
	console.error(`error: cannot listen on ${listen.host}:${listen.port}: ${error.message}`);
	process.exit(1);
});
server.listen(listen.port, listen.host, async () => {
	const address = server.address();
	const port = typeof address === 'object' && address ? address.port : listen.port;
	const host = listen.host.includes(':') ? `[${listen.host}]` : listen.host;
	if (config.metrics && stream.registry) {
		try {
			metricsServer = await startMetricsServer({
				host: config.metricsHost,
				port: config.metricsPort,
				registry: stream.registry,
			});
		} catch (error) {
			fail(
				`cannot serve metrics on ${config.metricsHost}:${config.metricsPort}: ${error instanceof Error ? error.message : String(error)}`,
			);
		}
	}
	logger.info(
		{
			event: 'start',
			url: `ws://${host}:${port}`,
			auth: apiKey ? 'STREAM_API_KEY' : 'demo',
			allowedOrigins: config.allowedOrigins,
			allowedHosts: config.allowedHosts ?? 'any',
			trustProxy: config.trustProxy,
			metrics: metricsServer?.url ?? false,
			drainGraceMs: config.drainGraceMs,
		},
		'stream: listening',
	);
	console.log(`Mock OpenAlgo stream: ws://${host}:${port}`);
	console.log(
		apiKey
			? 'Auth: only the key in STREAM_API_KEY is accepted.'
			: 'Auth: demo mode, any non-empty api_key is accepted.',
	);
	console.log(
		`Try: npx wscat -c ws://${host}:${port}  then send {"action":"authenticate","api_key":"demo"}`,
	);
});

let stopping = false;
/** SIGTERM, SIGINT and SIGHUP: /readyz turns 503, upgrades are refused, 1001 after the grace. */
async function stop(signal: string): Promise<void> {
	if (stopping) return;
	stopping = true;
	const graceMs = signal === 'SIGINT' ? 0 : config.drainGraceMs;
	logger.info(
		{ event: 'stop', signal, graceMs, clients: stream.clientCount() },
		'stream: stopping',
	);
	console.log(
		`${signal}: closing every connection with 1001${graceMs > 0 ? ` in ${graceMs} ms` : ''}.`,
	);
	setTimeout(() => process.exit(0), graceMs + 3000).unref();
	await stream.close(graceMs);
	await metricsServer?.close();
	server.close(() => process.exit(0));
	server.closeAllConnections();
}
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const)
	process.on(signal, () => void stop(signal));
