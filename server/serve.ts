// `npm start` / `npm run serve`: serves the built chapter site from dist/ and the mock market
// stream on the same origin and port (at PUBLIC_STREAM_URL's path, default /stream), so the
// page's live parts connect without any configuration. Every setting is read and checked by
// server/config.ts first; a bad one stops here with one line.
//
// Signals: SIGTERM and SIGHUP drain (/readyz turns 503, new stream upgrades get 503, open
// streams keep running for DRAIN_GRACE_MS, then get 1001 and the process exits); a second
// SIGTERM/SIGHUP, or SIGINT (Ctrl-C), skips the rest of the grace.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
	allowedHostsFor,
	ConfigError,
	loadServeConfig,
	summarise,
	type ServeConfig,
} from './config.ts';
import { createLogger } from './log.ts';
import { startMetricsServer, type MetricsServer } from './metrics.ts';
import { startSiteServer, type SiteServer } from './site-server.ts';
import { createStreamServer } from './stream-server.ts';

function fail(message: string, code: number): never {
	console.error(`error: ${message}`);
	process.exit(code);
}

let config: ServeConfig;
try {
	config = loadServeConfig(process.argv.slice(2), process.env);
} catch (error) {
	if (error instanceof ConfigError) fail(error.message, 2);
	throw error;
}

// SITE_DIST serves another build folder (relative to the project, or absolute); default dist/.
const root = resolve(
	fileURLToPath(new URL('..', import.meta.url)),
	process.env.SITE_DIST || 'dist',
);
if (!existsSync(root)) {
	fail(`${root} is missing. Run \`npm start\` (it builds first) or \`npm run build\`.`, 1);
}

// One logger, two children: a child's fields are added to its parent's, so a stream child of a
// logger with `server: 'site'` would write the key twice.
const rootLogger = createLogger({ level: config.logLevel });
const logger = rootLogger.child({ server: 'site' });
let site: SiteServer;
try {
	site = await startSiteServer({
		root,
		host: config.host,
		port: config.port,
		streamPath: config.streamPath,
		// The stream is created just below, once the bound port is known (no event runs between).
		onStreamUpgrade: (req, socket, head) => stream.handleUpgrade(req, socket, head),
		logger,
		trustProxy: config.trustProxy,
		connectSources: config.publicStreamUrl.startsWith('/')
			? []
			: [new URL(config.publicStreamUrl).origin],
	});
} catch (error) {
	const code = (error as NodeJS.ErrnoException).code;
	const where = `${config.host}:${config.port}`;
	if (code === 'EADDRINUSE')
		fail(`cannot listen on ${where}: the port is in use; set PORT or --port to another.`, 1);
	if (code === 'EACCES')
		fail(`cannot listen on ${where}: permission denied; use a port above 1023.`, 1);
	if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND')
		fail(`cannot listen on ${where}: no such local address; check HOST or --host.`, 1);
	fail(`cannot listen on ${where}: ${error instanceof Error ? error.message : String(error)}`, 1);
}

// The Host header values the stream accepts: the SITE_URL host and the address it listens on.
const allowedHosts = allowedHostsFor(
	config.siteUrlGiven ? config.siteUrl : undefined,
	config.host,
	Number(new URL(site.url).port),
);
const stream = createStreamServer({
	mount: 'site',
	allowedOrigins: config.allowedOrigins,
	allowedHosts,
	trustProxy: config.trustProxy,
	logger: rootLogger.child({ server: 'stream' }),
	metrics: config.metrics,
});

let metrics: MetricsServer | undefined;
if (config.metrics && stream.registry) {
	try {
		metrics = await startMetricsServer({
			host: config.metricsHost,
			port: config.metricsPort,
			registry: stream.registry,
		});
	} catch (error) {
		await stream.close();
		await site.close();
		fail(
			`cannot serve metrics on ${config.metricsHost}:${config.metricsPort}: ${(error as Error).message}; set METRICS_PORT to a free port.`,
			1,
		);
	}
}

const wsUrl = site.url.replace(/^http/, 'ws') + config.streamPath;
logger.info(
	{
		url: `${site.url}/`,
		stream: wsUrl,
		...summarise(config),
		allowedHosts: allowedHosts ?? 'any',
		metrics: metrics?.url ?? false,
	},
	`Chapter site: ${site.url}/ · live stream: ${wsUrl}`,
);
if (!allowedHosts)
	logger.warn(
		'Listening on every interface without SITE_URL: the stream accepts any Host header. Set SITE_URL to the public URL.',
	);

let draining = false;
let finishing = false;
let graceTimer: ReturnType<typeof setTimeout> | undefined;

async function finish(reason: string): Promise<void> {
	if (finishing) return;
	finishing = true;
	if (graceTimer) clearTimeout(graceTimer);
	logger.info({ reason, clients: stream.clientCount() }, 'closing open streams with 1001');
	// Whatever happens below, do not outlive the close by more than a few seconds.
	setTimeout(() => process.exit(0), 5000).unref();
	await stream.close();
	await site.close();
	await metrics?.close();
	logger.info('stopped');
	logger.flush?.();
	process.exit(0);
}

function drain(signal: string): void {
	if (draining) {
		void finish(`second ${signal}`);
		return;
	}
	draining = true;
	site.drain();
	stream.drain();
	const clients = stream.clientCount();
	logger.info(
		{ signal, clients, graceMs: config.drainGraceMs },
		'draining: /readyz answers 503 and new streams are refused',
	);
	if (clients === 0) {
		void finish(`${signal}, no open streams`);
		return;
	}
	graceTimer = setTimeout(() => void finish(`${signal}, grace over`), config.drainGraceMs);
}

process.on('SIGTERM', () => drain('SIGTERM'));
process.on('SIGHUP', () => drain('SIGHUP'));
process.on('SIGINT', () => void finish('SIGINT'));
