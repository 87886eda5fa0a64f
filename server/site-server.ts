// The HTTP server behind `npm start`: serves the built site from `dist/` and hands WebSocket
// upgrades on one path (`/stream`) to the mock market stream. It faces the network, so every
// request path is decoded once, resolved once, and refused unless it stays inside the root.
import { createReadStream } from 'node:fs';
import { readFile, realpath, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { extname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { gzipSync } from 'node:zlib';

/** Handles an HTTP upgrade that the site server has matched to the stream path. */
export type UpgradeHandler = (req: IncomingMessage, socket: Duplex, head: Buffer) => void;

export interface SiteServerOptions {
	/** Folder to serve (the Astro build output). */
	root: string;
	/** Interface to listen on. Default `127.0.0.1`. */
	host?: string;
	/** Port to listen on; 0 picks a free one. Default 4321. */
	port?: number;
	/** Path whose upgrades go to `onStreamUpgrade`. Default `/stream`. */
	streamPath?: string;
	/** Receives upgrades on `streamPath`; without it every upgrade gets 404. */
	onStreamUpgrade?: UpgradeHandler;
}

export interface SiteServer {
	server: Server;
	/** `http://host:port`, with the port actually bound. */
	url: string;
	close(): Promise<void>;
}

const CONTENT_TYPES: Record<string, string> = {
	'.html': 'text/html; charset=utf-8',
	'.css': 'text/css; charset=utf-8',
	'.js': 'text/javascript; charset=utf-8',
	'.mjs': 'text/javascript; charset=utf-8',
	'.json': 'application/json; charset=utf-8',
	'.svg': 'image/svg+xml',
	'.png': 'image/png',
	'.jpg': 'image/jpeg',
	'.ico': 'image/x-icon',
	'.webp': 'image/webp',
	'.woff2': 'font/woff2',
	'.txt': 'text/plain; charset=utf-8',
	'.xml': 'application/xml; charset=utf-8',
	'.py': 'text/plain; charset=utf-8',
	'.webmanifest': 'application/manifest+json',
};

const COMPRESSIBLE = new Set([
	'.html',
	'.css',
	'.js',
	'.mjs',
	'.json',
	'.svg',
	'.txt',
	'.xml',
	'.py',
]);

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

/** Starts the site server; resolves once it is listening. */
export async function startSiteServer(options: SiteServerOptions): Promise<SiteServer> {
	const host = options.host ?? '127.0.0.1';
	const port = options.port ?? 4321;
	const streamPath = options.streamPath ?? '/stream';
	const root = await realpath(resolve(options.root));
	const gzipCache = new Map<string, { mtimeMs: number; body: Buffer }>();

	const server = createServer((req, res) => {
		handleRequest(req, res).catch((error: unknown) => {
			// A request must never take the process down; answer 500 if nothing was sent yet.
			console.error('site-server: request failed:', error);
			if (!res.headersSent) sendText(res, 500, 'Internal Server Error');
			else res.destroy();
		});
	});

	server.on('clientError', (_error, socket) => {
		if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
		else socket.destroy();
	});

	server.on('upgrade', (req, socket, head) => {
		socket.on('error', () => socket.destroy());
		const path = (req.url ?? '/').split('?')[0];
		if (path === streamPath && options.onStreamUpgrade) {
			try {
				options.onStreamUpgrade(req, socket, head);
			} catch (error) {
				console.error('site-server: upgrade failed:', error);
				rejectUpgrade(socket, 500, 'Internal Server Error');
			}
			return;
		}
		rejectUpgrade(socket, 404, 'Not Found');
	});

	async function handleRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
		if (req.method !== 'GET' && req.method !== 'HEAD') {
			res.setHeader('Allow', 'GET, HEAD');
			sendText(res, 405, 'Method Not Allowed');
			return;
		}
		const resolved = resolveRequestPath(root, req.url ?? '/');
		if (!resolved.ok) {
			sendText(res, resolved.status, resolved.reason);
			return;
		}
		const [requestPath] = splitQuery(req.url ?? '/');
		const file = await findFile(resolved.path, requestPath.endsWith('/'));
		if (file === 'redirect') {
			// Collapse leading slashes so `//host` can never become an off-site redirect.
			const [path, query] = splitQuery(req.url ?? '/');
			const location = '/' + path.replace(/^[/\\]+/, '') + '/' + query;
			res.writeHead(308, { Location: location, ...SECURITY_HEADERS });
			res.end();
			return;
		}
		if (!file) {
			const notFound = join(root, '404.html');
			const exists = await stat(notFound).then(
				(s) => s.isFile(),
				() => false,
			);
			if (exists) await sendFile(req, res, notFound, 404);
			else sendText(res, 404, 'Not Found');
			return;
		}
		// Symlinks inside the root must not point outside it either.
		const real = await realpath(file);
		if (!isInside(root, real)) {
			sendText(res, 403, 'The path leaves the site root.');
			return;
		}
		await sendFile(req, res, real, 200);
	}

	/** Returns the file to serve for a path: itself, its index.html, or 'redirect' for a folder without a slash. */
	async function findFile(
		path: string,
		endsWithSlash: boolean,
	): Promise<string | 'redirect' | undefined> {
		const info = await stat(path).catch(() => undefined);
		if (info?.isFile()) return path;
		if (info?.isDirectory()) {
			const index = join(path, 'index.html');
			const indexInfo = await stat(index).catch(() => undefined);
			if (!indexInfo?.isFile()) return undefined;
			return endsWithSlash ? index : 'redirect';
		}
		const html = path + '.html';
		const htmlInfo = await stat(html).catch(() => undefined);
		return htmlInfo?.isFile() ? html : undefined;
	}

	async function sendFile(
		req: IncomingMessage,
		res: ServerResponse,
		file: string,
		status: number,
	): Promise<void> {
		const ext = extname(file).toLowerCase();
		const type = CONTENT_TYPES[ext] ?? 'application/octet-stream';
		const info = await stat(file);
		const headers: Record<string, string> = {
			'Content-Type': type,
			'Cache-Control': file.includes(`${sep}_astro${sep}`)
				? 'public, max-age=31536000, immutable'
				: 'no-cache',
			...SECURITY_HEADERS,
		};
		const acceptsGzip = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
		if (COMPRESSIBLE.has(ext)) headers['Vary'] = 'Accept-Encoding';
		if (acceptsGzip && COMPRESSIBLE.has(ext) && info.size > 512) {
			let cached = gzipCache.get(file);
			if (!cached || cached.mtimeMs !== info.mtimeMs) {
				cached = { mtimeMs: info.mtimeMs, body: gzipSync(await readFile(file)) };
				gzipCache.set(file, cached);
			}
			res.writeHead(status, {
				...headers,
				'Content-Encoding': 'gzip',
				'Content-Length': String(cached.body.length),
			});
			res.end(req.method === 'HEAD' ? undefined : cached.body);
			return;
		}
		res.writeHead(status, { ...headers, 'Content-Length': String(info.size) });
		if (req.method === 'HEAD') {
			res.end();
			return;
		}
		const stream = createReadStream(file);
		stream.on('error', () => res.destroy());
		stream.pipe(res);
	}

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
		close: () =>
			new Promise<void>((resolveClose) => {
				server.close(() => resolveClose());
				server.closeAllConnections();
			}),
	};
}

function splitQuery(target: string): [string, string] {
	const index = target.indexOf('?');
	return index === -1 ? [target, ''] : [target.slice(0, index), target.slice(index)];
}

function sendText(res: ServerResponse, status: number, text: string): void {
	res.writeHead(status, {
		'Content-Type': 'text/plain; charset=utf-8',
		'Content-Length': String(Buffer.byteLength(text)),
		...SECURITY_HEADERS,
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
