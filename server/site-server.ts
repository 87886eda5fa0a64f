// The HTTP server behind `npm start`: serves the built site from `dist/` with sirv and hands
// WebSocket upgrades on one path (`/stream`) to the mock market stream. It faces the network:
// every request path is decoded once, resolved once, and refused unless it stays inside the
// root; each connection has at most one response in flight (a client that pipelines requests
// and never reads costs one open file, not one per request); slow or oversized requests get
// 408/431/400; every response carries a Content-Security-Policy the built pages satisfy.
//
// sirv does the serving (a file table built at start, ETag and Last-Modified, 304, the
// build's precompressed .br/.gz, Range). What stays hand-written around it, and why:
// - path checks in front (400 for bad escapes and NUL, 403 for `..` and for symlinks that
//   leave the root: sirv's table follows symlinks, so it would serve them);
// - the 308 from a folder to its slash (sirv serves the index under both, which breaks the
//   page's relative links);
// - Accept-Encoding negotiation with q-values (sirv matches the substring `gzip`, so
//   `gzip;q=0` got gzip) and dropping Range forms sirv misreads (suffix and reversed ranges);
// - one response in flight per connection, and closing the file when its response closes
//   (sirv pipes without that: pipelined requests each held a descriptor, forever).
// Over ~400 lines because path safety, one response at a time per connection, the deadlines,
// content negotiation and the CSP all act on the same request; the static bytes are sirv's.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, realpathSync } from 'node:fs';
import { realpath } from 'node:fs/promises';
import { createServer, ServerResponse, type IncomingMessage, type Server } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { extname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import sirv from 'sirv';
import { STREAM_PATH } from '../src/lib/constants.ts';
import { clientAddress } from './client-address.ts';
import { createLogger, type Logger } from './log.ts';

/** Handles an HTTP upgrade that the site server has matched to the stream path. */
export type UpgradeHandler = (req: IncomingMessage, socket: Duplex, head: Buffer) => void;

export interface SiteTimeouts {
	/** Time to receive a request's headers; then 408. */
	headersMs: number;
	/** Time to receive a whole request, body included; then 408. */
	requestMs: number;
	/** A connection with no traffic either way for this long is closed (a client that never reads). */
	idleMs: number;
	/** How long an idle keep-alive connection waits for its next request. */
	keepAliveMs: number;
	/** How often the header and request deadlines are checked. */
	checkIntervalMs: number;
}

export const DEFAULT_TIMEOUTS: Readonly<SiteTimeouts> = {
	headersMs: 10_000,
	requestMs: 30_000,
	idleMs: 30_000,
	keepAliveMs: 5_000,
	checkIntervalMs: 1_000,
};

/** Requests one connection may have waiting behind the one being answered (pipelining). */
export const DEFAULT_MAX_PIPELINED = 16;

export interface SiteServerOptions {
	/** Folder to serve (the Astro build output). */
	root: string;
	/** Interface to listen on. Default `127.0.0.1`. */
	host?: string;
	/** Port to listen on; 0 picks a free one. Default 4321. */
	port?: number;
	/** Path whose WebSocket upgrades go to `onStreamUpgrade`. Default `/stream`. */
	streamPath?: string;
	/** Receives WebSocket upgrades on `streamPath`; without it no upgrade is taken. */
	onStreamUpgrade?: UpgradeHandler;
	/** Request and error lines; default `createLogger()` (silent in tests). */
	logger?: Logger;
	/** Believe X-Forwarded-For and -Proto for the client address and scheme in the logs. Default false. */
	trustProxy?: boolean;
	/** Extra sources for the CSP's connect-src, e.g. a stream on another origin. */
	connectSources?: readonly string[];
	timeouts?: Partial<SiteTimeouts>;
	maxPipelined?: number;
}

export interface SiteServer {
	server: Server;
	/** `http://host:port`, with the port actually bound. */
	url: string;
	/** The Content-Security-Policy sent with every response. */
	contentSecurityPolicy: string;
	/** Stop taking stream upgrades (503) and answer /readyz with 503; pages are still served. */
	drain(): void;
	readonly draining: boolean;
	close(): Promise<void>;
}

/** sirv's types come from mrmime; these are the ones this site sends, with their charset. */
const CONTENT_TYPES: Record<string, string> = {
	'.html': 'text/html; charset=utf-8',
	'.css': 'text/css; charset=utf-8',
	'.js': 'text/javascript; charset=utf-8',
	'.mjs': 'text/javascript; charset=utf-8',
	'.json': 'application/json; charset=utf-8',
	'.svg': 'image/svg+xml',
	'.txt': 'text/plain; charset=utf-8',
	'.xml': 'application/xml; charset=utf-8',
	'.py': 'text/plain; charset=utf-8',
	'.webmanifest': 'application/manifest+json',
};

const SECURITY_HEADERS: Record<string, string> = {
	'X-Content-Type-Options': 'nosniff',
	'Referrer-Policy': 'strict-origin-when-cross-origin',
	'X-Frame-Options': 'SAMEORIGIN',
};

/** Why a request path was refused, or the absolute file path it names. */
export type ResolvedPath =
	{ ok: true; path: string } | { ok: false; status: 400 | 403; reason: string };

/**
 * Resolves a raw request target (`/a/b?x`) to a path under `root`.
 * Returns 400 for a malformed `%` escape or a NUL byte, and 403 for anything that lands outside
 * `root`, including `..` in any encoding and siblings that share the root's prefix (`dist-evil`).
 */
export function resolveRequestPath(root: string, target: string): ResolvedPath {
	const rawPath = target.split('?')[0]!.split('#')[0]!;
	let decoded: string;
	try {
		decoded = decodeURIComponent(rawPath);
	} catch {
		return { ok: false, status: 400, reason: 'Malformed percent-encoding in the request path.' };
	}
	if (decoded.includes('\0')) {
		return { ok: false, status: 400, reason: 'NUL byte in the request path.' };
	}
	// Backslashes are separators on Windows; treat them as such everywhere so a `..\` cannot hide.
	const normalised = decoded.replaceAll('\\', '/');
	const absoluteRoot = resolve(root);
	const candidate = resolve(
		absoluteRoot,
		'.' + (normalised.startsWith('/') ? '' : '/') + normalised,
	);
	if (!isInside(absoluteRoot, candidate)) {
		return { ok: false, status: 403, reason: 'The path leaves the site root.' };
	}
	return { ok: true, path: candidate };
}

/** True when `child` is `parent` or lies beneath it (a shared name prefix is not enough). */
function isInside(parent: string, child: string): boolean {
	const rel = relative(parent, child);
	return rel === '' || (!rel.startsWith('..' + sep) && rel !== '..' && !isAbsolute(rel));
}

/**
 * Chooses the response encoding from an Accept-Encoding header (RFC 9110 §12.5.3): brotli,
 * then gzip, among those the client accepts with q > 0 (`*` counts for both); '' for identity.
 */
export function negotiateEncoding(header: string | undefined): 'br' | 'gzip' | '' {
	if (!header) return '';
	const q = new Map<string, number>();
	for (const part of header.split(',')) {
		const [name, ...params] = part.trim().toLowerCase().split(';');
		if (!name) continue;
		let weight = 1;
		for (const param of params) {
			const match = /^\s*q\s*=\s*([0-9.]+)\s*$/.exec(param);
			if (match) weight = Number(match[1]);
		}
		q.set(name.trim(), Number.isFinite(weight) ? weight : 0);
	}
	const accepts = (name: string) => (q.get(name) ?? q.get('*') ?? 0) > 0;
	if (accepts('br')) return 'br';
	if (accepts('gzip')) return 'gzip';
	return '';
}

/** True for the one Range form sirv reads right: a single `bytes=start-[end]` with start <= end. */
export function isSimpleRange(header: string): boolean {
	const match = /^bytes=(\d+)-(\d*)$/.exec(header.trim());
	return match !== null && (match[2] === '' || Number(match[1]) <= Number(match[2]));
}

/** The sha256 CSP sources of every inline <script> and <style> in the site's HTML, and the stream origins it names. */
export function inlineHashes(root: string): {
	scripts: string[];
	styles: string[];
	streams: string[];
} {
	const scripts = new Set<string>();
	const styles = new Set<string>();
	/** Origins of streams the pages were built to connect to (PUBLIC_STREAM_URL on another origin). */
	const streams = new Set<string>();
	const hash = (text: string) =>
		`'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
	for (const file of walk(root)) {
		if (!file.endsWith('.html')) continue;
		const html = readFileSync(file, 'utf8');
		for (const match of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script\s*>/gi)) {
			if (
				/\bsrc\s*=/i.test(match[1]!) ||
				/type\s*=\s*["']?application\/(ld\+)?json/i.test(match[1]!)
			)
				continue;
			scripts.add(hash(match[2]!));
		}
		for (const match of html.matchAll(/<style\b[^>]*>([\s\S]*?)<\/style\s*>/gi)) {
			styles.add(hash(match[1]!));
		}
		for (const match of html.matchAll(/\bdata-stream-url="(wss?:\/\/[^"]+)"/gi)) {
			try {
				streams.add(new URL(match[1]!.replaceAll('&amp;', '&')).origin);
			} catch {
				// not a URL: the page treats it as a path on its own origin
			}
		}
	}
	return { scripts: [...scripts].sort(), styles: [...styles].sort(), streams: [...streams].sort() };
}

/**
 * The site's Content-Security-Policy: scripts and style elements only from the site itself or
 * with the hash of one of its own inline blocks (no 'unsafe-inline' for either). Style
 * attributes are allowed: shiki colours each code token with one (build time and in the
 * builder's live highlighter), and a style attribute cannot run script.
 */
export function contentSecurityPolicy(
	root: string,
	connectSources: readonly string[] = [],
): string {
	const { scripts, styles, streams } = inlineHashes(root);
	return [
		"default-src 'self'",
		// 'wasm-unsafe-eval' lets site search (Pagefind) compile its WebAssembly; it allows no JS eval.
		`script-src 'self' 'wasm-unsafe-eval' ${scripts.join(' ')}`.trim(),
		`style-src 'self' ${styles.join(' ')}`.trim(),
		"style-src-attr 'unsafe-inline'",
		"img-src 'self' data:",
		"font-src 'self'",
		`connect-src 'self' ${[...new Set([...streams, ...connectSources])].join(' ')}`.trim(),
		"object-src 'none'",
		"base-uri 'self'",
		"form-action 'self'",
		"frame-ancestors 'self'",
	].join('; ');
}

/** Every file under `dir`, without following symlinked folders. */
function* walk(dir: string): Generator<string> {
	for (const entry of readdirSync(dir, { withFileTypes: true })) {
		const path = join(dir, entry.name);
		if (entry.isDirectory()) yield* walk(path);
		else if (entry.isFile()) yield path;
	}
}

/** Symlinks under `root` whose target lies outside it (sirv's table would serve them). */
function escapingLinks(root: string): string[] {
	const found: string[] = [];
	const visit = (dir: string) => {
		for (const entry of readdirSync(dir, { withFileTypes: true })) {
			const path = join(dir, entry.name);
			if (entry.isSymbolicLink()) {
				let target: string | undefined;
				try {
					target = realpathSync(path);
				} catch {
					target = undefined; // dangling: sirv skips it too
				}
				if (target !== undefined && !isInside(root, target)) found.push(path);
			} else if (entry.isDirectory()) visit(path);
		}
	};
	visit(root);
	return found;
}

/** Folders under `root` that hold an index.html (a request without the slash is redirected). */
function indexFolders(root: string): Set<string> {
	const folders = new Set<string>();
	for (const file of walk(root)) {
		if (file.endsWith(`${sep}index.html`)) folders.add(file.slice(0, -`${sep}index.html`.length));
	}
	return folders;
}

interface Lane {
	busy: boolean;
	waiting: Array<() => void>;
}

/** Starts the site server; resolves once it is listening. */
export async function startSiteServer(options: SiteServerOptions): Promise<SiteServer> {
	const host = options.host ?? '127.0.0.1';
	const port = options.port ?? 4321;
	const streamPath = options.streamPath ?? STREAM_PATH;
	const timeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
	const maxPipelined = options.maxPipelined ?? DEFAULT_MAX_PIPELINED;
	const logger = options.logger ?? createLogger();
	const trustProxy = options.trustProxy ?? false;
	const root = await realpath(resolve(options.root));
	const escapes = escapingLinks(root);
	const folders = indexFolders(root);
	let notFoundPage: Buffer | undefined;
	try {
		notFoundPage = readFileSync(join(root, '404.html'));
	} catch {
		notFoundPage = undefined;
	}
	const csp = contentSecurityPolicy(root, options.connectSources);
	const headers: Record<string, string> = { ...SECURITY_HEADERS, 'Content-Security-Policy': csp };
	let draining = false;

	const serveStatic = sirv(root, {
		dev: false,
		etag: true,
		gzip: true,
		brotli: true,
		dotfiles: true,
		extensions: ['html'],
		setHeaders(res, pathname) {
			const ext = extname(pathname).toLowerCase();
			res.setHeader('Content-Type', CONTENT_TYPES[ext || '.html'] ?? 'application/octet-stream');
			res.setHeader(
				'Cache-Control',
				pathname.startsWith('/_astro/') ? 'public, max-age=31536000, immutable' : 'no-cache',
			);
		},
	});

	/** A WebSocket upgrade on the stream path; anything else is answered as a plain request. */
	function isStreamUpgrade(req: IncomingMessage): boolean {
		if (!options.onStreamUpgrade) return false;
		if (!/(^|,)\s*websocket\s*(,|$)/i.test(String(req.headers.upgrade ?? ''))) return false;
		return splitQuery(req.url ?? '/')[0] === streamPath;
	}

	const server = createServer(
		{
			// Node >= 24.9: upgrades other than a WebSocket on the stream path (h2c, `Upgrade: foo`)
			// arrive as ordinary requests. Older Node sends every upgrade to 'upgrade' (see there).
			shouldUpgradeCallback: isStreamUpgrade,
			headersTimeout: timeouts.headersMs,
			requestTimeout: timeouts.requestMs,
			keepAliveTimeout: timeouts.keepAliveMs,
			connectionsCheckingInterval: timeouts.checkIntervalMs,
		},
		(req, res) => enqueue(req, res),
	);
	server.timeout = timeouts.idleMs;

	const lanes = new WeakMap<Socket, Lane>();

	/**
	 * Answers a connection's requests one at a time, in order. Node queues the responses of
	 * pipelined requests in memory; starting only one at a time means a response is written
	 * (and its file opened) only once the ones before it are done. More than `maxPipelined`
	 * waiting requests close the connection: no browser pipelines, and the queue must be bounded.
	 */
	function enqueue(req: IncomingMessage, res: ServerResponse): void {
		const socket = req.socket;
		// Requests the parser had already read from a connection closed below: drop them.
		if (socket.destroyed) return;
		let lane = lanes.get(socket);
		if (!lane) {
			const created: Lane = { busy: false, waiting: [] };
			lanes.set(socket, created);
			socket.once('close', () => (created.waiting.length = 0));
			lane = created;
		}
		const current = lane;
		const start = () => {
			current.busy = true;
			res.once('close', () => {
				current.busy = false;
				current.waiting.shift()?.();
			});
			answer(req, res);
		};
		if (!current.busy) return start();
		if (current.waiting.length >= maxPipelined) {
			logger.warn(
				{ remote: clientAddress(req, trustProxy), waiting: current.waiting.length },
				'closing a connection that pipelined too many requests without reading the replies',
			);
			current.waiting.length = 0;
			socket.destroy();
			return;
		}
		current.waiting.push(start);
	}

	function answer(req: IncomingMessage, res: ServerResponse): void {
		const started = performance.now();
		res.once('close', () => {
			logger.info(
				{
					method: req.method,
					url: req.url,
					status: res.statusCode,
					ms: Math.round((performance.now() - started) * 10) / 10,
					bytes: Number(res.getHeader('content-length') ?? 0),
					remote: clientAddress(req, trustProxy),
					...(trustProxy && req.headers['x-forwarded-proto']
						? { proto: headerText(req.headers['x-forwarded-proto']) }
						: {}),
					...(res.writableFinished ? {} : { aborted: true }),
				},
				'http request',
			);
		});
		// sirv pipes a file into the response; close the file when the response closes, whether
		// it finished or the client went away (pipe alone would keep it open).
		res.on('pipe', (source: NodeJS.ReadableStream & { destroy?: () => void }) => {
			res.once('close', () => source.destroy?.());
		});
		try {
			handleRequest(req, res);
		} catch (error) {
			// A request must never take the process down; answer 500 if nothing was sent yet.
			logger.error({ err: error, url: req.url }, 'request failed');
			if (!res.headersSent) sendText(res, 500, 'Internal Server Error');
			else res.destroy();
		}
	}

	function handleRequest(req: IncomingMessage, res: ServerResponse): void {
		for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
		const [requestPath, query] = splitQuery(req.url ?? '/');
		// Nothing here reads a request body: for one that has a body, answer and close rather than
		// wait for the body to arrive (a body sent a byte at a time kept the connection for minutes).
		if (hasBody(req)) res.setHeader('Connection', 'close');
		if (req.method !== 'GET' && req.method !== 'HEAD') {
			res.setHeader('Allow', 'GET, HEAD');
			sendText(res, 405, 'Method Not Allowed');
			return;
		}
		if (requestPath === '/healthz') return sendHealth(res, 200, 'ok');
		if (requestPath === '/readyz')
			return draining ? sendHealth(res, 503, 'draining') : sendHealth(res, 200, 'ready');
		const resolved = resolveRequestPath(root, req.url ?? '/');
		if (!resolved.ok) return sendText(res, resolved.status, resolved.reason);
		if (leavesRoot(resolved.path)) return sendText(res, 403, 'The path leaves the site root.');
		if (!requestPath.endsWith('/') && folders.has(resolved.path)) {
			// Collapse leading slashes so `//host` can never become an off-site redirect.
			const location = '/' + requestPath.replace(/^[/\\]+/, '') + '/' + query;
			res.writeHead(308, { Location: location, 'Content-Length': '0' });
			res.end();
			return;
		}
		if (requestPath.endsWith('/') && resolved.path !== root && !folders.has(resolved.path)) {
			return notFound(res);
		}
		// sirv picks a precompressed file by substring; tell it exactly what was negotiated.
		req.headers['accept-encoding'] = negotiateEncoding(headerText(req.headers['accept-encoding']));
		if (req.headers.range !== undefined && !isSimpleRange(req.headers.range)) {
			delete req.headers.range; // RFC 9110 §14.2: a server may ignore Range and send 200.
		}
		serveStatic(req, res, () => notFound(res));
	}

	/** True when the path, or a name sirv would try for it, goes through a symlink out of the root. */
	function leavesRoot(path: string): boolean {
		for (const link of escapes) {
			if (path === link || path.startsWith(link + sep)) return true;
			if (link.startsWith(path + '.') || link.startsWith(join(path, 'index.'))) return true;
		}
		return false;
	}

	function notFound(res: ServerResponse): void {
		if (!notFoundPage) return sendText(res, 404, 'Not Found');
		res.writeHead(404, {
			'Content-Type': CONTENT_TYPES['.html'],
			'Content-Length': String(notFoundPage.length),
			'Cache-Control': 'no-cache',
		});
		res.end(notFoundPage);
	}

	server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
		const status =
			error.code === 'HPE_HEADER_OVERFLOW'
				? '431 Request Header Fields Too Large'
				: error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
					? '408 Request Timeout'
					: '400 Bad Request';
		logger.info({ code: error.code, status: Number(status.slice(0, 3)) }, 'bad request');
		// Answer, then close for good once the answer is written: ending only our side would leave
		// the connection open for as long as the client keeps sending (HTTP sockets are half-open).
		if (socket.writable && !(socket as Socket & { _httpMessage?: unknown })._httpMessage) {
			socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`, () =>
				socket.destroy(),
			);
		} else socket.destroy();
	});

	server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
		socket.on('error', () => socket.destroy());
		if (!isStreamUpgrade(req)) {
			// Only on Node < 24.9, which ignores shouldUpgradeCallback: answer it as a request.
			const res = new ServerResponse(req);
			res.shouldKeepAlive = false;
			res.assignSocket(socket as Socket);
			res.once('finish', () => socket.end());
			answer(req, res);
			return;
		}
		if (draining) return rejectUpgrade(socket, 503, 'Service Unavailable');
		try {
			options.onStreamUpgrade!(req, socket, head);
		} catch (error) {
			logger.error({ err: error }, 'upgrade failed');
			rejectUpgrade(socket, 500, 'Internal Server Error');
		}
	});

	await new Promise<void>((resolveListen, rejectListen) => {
		server.once('error', rejectListen);
		server.listen(port, host, () => {
			server.off('error', rejectListen);
			resolveListen();
		});
	});
	const address = server.address();
	const boundPort = typeof address === 'object' && address ? address.port : port;
	const urlHost = host.includes(':') ? `[${host}]` : host;
	return {
		server,
		url: `http://${urlHost}:${boundPort}`,
		contentSecurityPolicy: csp,
		drain: () => {
			draining = true;
		},
		get draining() {
			return draining;
		},
		close: () =>
			new Promise<void>((resolveClose) => {
				server.close(() => resolveClose());
				server.closeAllConnections();
			}),
	};
}

function hasBody(req: IncomingMessage): boolean {
	const length = req.headers['content-length'];
	return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

function headerText(value: string | string[] | undefined): string | undefined {
	return Array.isArray(value) ? value.join(',') : value;
}

function splitQuery(target: string): [string, string] {
	const index = target.indexOf('?');
	return index === -1 ? [target, ''] : [target.slice(0, index), target.slice(index)];
}

function sendText(res: ServerResponse, status: number, text: string): void {
	res.writeHead(status, {
		'Content-Type': 'text/plain; charset=utf-8',
		'Content-Length': String(Buffer.byteLength(text)),
		'Cache-Control': 'no-cache',
	});
	res.end(text);
}

function sendHealth(res: ServerResponse, status: number, text: string): void {
	res.writeHead(status, {
		'Content-Type': 'text/plain; charset=utf-8',
		'Content-Length': String(Buffer.byteLength(text)),
		'Cache-Control': 'no-store',
	});
	res.end(text);
}

function rejectUpgrade(socket: Duplex, status: number, text: string): void {
	if (!socket.writable) {
		socket.destroy();
		return;
	}
	socket.end(
		`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`,
	);
}
