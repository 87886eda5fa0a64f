// The site server faces the network: these tests talk to it over real sockets on loopback, with
// raw bytes where a client library would normalise the path, and check what a client would see.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect as netConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { Writable } from 'node:stream';
import { connect, upgradeStatus } from '../support/ws-client.ts';
import {
	negotiateEncoding,
	resolveRequestPath,
	startSiteServer,
	type SiteServer,
} from '../../server/site-server.ts';
import { precompress } from '../../server/precompress.ts';
import { createLogger } from '../../server/log.ts';
import { createStreamServer, type StreamServer } from '../../server/stream-server.ts';

const SECRET = 'TOP-SECRET-sibling-7f3a9c';
// Over 512 bytes so the server is willing to gzip it.
const INDEX = `<!doctype html><title>home</title><p>${'The market pushes prices to you. '.repeat(40)}</p>\n`;
const INLINE_SCRIPT = "document.documentElement.dataset.js = '';";
const A_INDEX = `<!doctype html><title>a</title><script>${INLINE_SCRIPT}</script><p>folder a</p>\n`;
const CSS = 'body { color: black; }\n';

let temp: string;
let root: string;
let site: SiteServer;
let stream: StreamServer;
let port: number;

beforeAll(async () => {
	temp = realpathSync(mkdtempSync(join(tmpdir(), 'site-server-test-')));
	root = join(temp, 'site');
	mkdirSync(join(root, 'a'), { recursive: true });
	mkdirSync(join(temp, 'site-evil'));
	writeFileSync(join(root, 'index.html'), INDEX);
	writeFileSync(join(root, 'a', 'index.html'), A_INDEX);
	writeFileSync(join(root, 'style.css'), CSS);
	writeFileSync(
		join(root, 'remote.html'),
		'<!doctype html><title>r</title><ch-tick-stream data-stream-url="wss://stream.example.com/"></ch-tick-stream>\n',
	);
	writeFileSync(join(root, '..foo'), 'dots in a name\n');
	writeFileSync(join(temp, 'site-evil', 'secret.txt'), SECRET);
	// Symlinks inside the root that point at the sibling folder (sharing the root's name prefix).
	symlinkSync(join(temp, 'site-evil', 'secret.txt'), join(root, 'link.txt'));
	symlinkSync(join(temp, 'site-evil'), join(root, 'evil-dir'));
	// What the build's postbuild step does to dist/: .br and .gz beside each text file.
	await precompress(root);
	stream = createStreamServer({ mount: 'site' });
	site = await startSiteServer({
		root,
		host: '127.0.0.1',
		port: 0,
		streamPath: '/stream',
		onStreamUpgrade: stream.handleUpgrade,
	});
	port = Number(new URL(site.url).port);
});

afterAll(async () => {
	await stream?.close();
	await site?.close();
	if (temp) rmSync(temp, { recursive: true, force: true });
});

interface Reply {
	status: number;
	headers: Record<string, string | string[] | undefined>;
	body: Buffer;
}

/** One request through node:http (which sends the path as given). */
function get(
	path: string,
	options: { method?: string; headers?: Record<string, string> } = {},
): Promise<Reply> {
	return new Promise((resolveReply, reject) => {
		const req = request(
			{
				host: '127.0.0.1',
				port,
				path,
				method: options.method ?? 'GET',
				headers: options.headers,
				agent: false,
			},
			(res) => {
				const chunks: Buffer[] = [];
				res.on('data', (chunk: Buffer) => chunks.push(chunk));
				res.on('end', () =>
					resolveReply({
						status: res.statusCode ?? 0,
						headers: res.headers,
						body: Buffer.concat(chunks),
					}),
				);
				res.on('error', reject);
			},
		);
		req.on('error', reject);
		req.end();
	});
}

/** Writes raw bytes and resolves with everything the server sent before the connection closed. */
function raw(bytes: string | Buffer, timeoutMs = 5000): Promise<string> {
	return new Promise((resolveRaw, reject) => {
		const socket = netConnect(port, '127.0.0.1');
		const chunks: Buffer[] = [];
		const timer = setTimeout(() => {
			socket.destroy();
			reject(
				new Error(
					`server kept the connection open; got ${JSON.stringify(Buffer.concat(chunks).toString('latin1').slice(0, 200))}`,
				),
			);
		}, timeoutMs);
		socket.on('data', (chunk: Buffer) => chunks.push(chunk));
		// The server may close while a large request is still being written; that is fine.
		socket.on('error', () => {});
		socket.on('close', () => {
			clearTimeout(timer);
			resolveRaw(Buffer.concat(chunks).toString('latin1'));
		});
		socket.write(bytes);
	});
}

/** Writes raw bytes and resolves with the first complete reply (by Content-Length). */
function firstReply(bytes: string): Promise<string> {
	return new Promise((resolveReply, reject) => {
		const socket = netConnect(port, '127.0.0.1');
		let text = '';
		socket.on('data', (chunk: Buffer) => {
			text += chunk.toString('latin1');
			const split = text.indexOf('\r\n\r\n');
			const length = /\r\ncontent-length: (\d+)\r\n/i.exec(text);
			if (split !== -1 && length && text.length - split - 4 >= Number(length[1])) {
				socket.destroy();
				resolveReply(text);
			}
		});
		socket.on('error', reject);
		socket.on('close', () => resolveReply(text));
		socket.write(bytes);
	});
}

/** A raw GET with the path exactly as given, and the status and body of the reply. */
async function rawGet(
	path: string,
	method = 'GET',
): Promise<{ status: number; head: string; body: string; text: string }> {
	const text = await raw(
		`${method} ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`,
	);
	const split = text.indexOf('\r\n\r\n');
	const head = split === -1 ? text : text.slice(0, split);
	const match = /^HTTP\/1\.1 (\d{3}) /.exec(text);
	return {
		status: match ? Number(match[1]) : 0,
		head,
		body: split === -1 ? '' : text.slice(split + 4),
		text,
	};
}

async function expectAlive(): Promise<void> {
	const reply = await get('/');
	expect(reply.status).toBe(200);
	expect(reply.body.toString()).toBe(INDEX);
}

describe('serving files', () => {
	it('answers GET / with 200, text/html and the index page', async () => {
		const reply = await get('/');
		expect(reply.status).toBe(200);
		expect(reply.headers['content-type']).toBe('text/html; charset=utf-8');
		expect(reply.headers['x-content-type-options']).toBe('nosniff');
		expect(reply.headers['content-encoding']).toBeUndefined();
		expect(reply.body.toString()).toBe(INDEX);
	});

	it('serves a stylesheet as text/css and a folder index under its slash', async () => {
		const css = await get('/style.css?v=1');
		expect(css.status).toBe(200);
		expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
		expect(css.body.toString()).toBe(CSS);
		const folder = await get('/a/');
		expect(folder.status).toBe(200);
		expect(folder.body.toString()).toBe(A_INDEX);
	});

	it('redirects a folder without its slash with 308, keeping the query', async () => {
		const reply = await get('/a');
		expect(reply.status).toBe(308);
		expect(reply.headers.location).toBe('/a/');
		const withQuery = await get('/a?x=1');
		expect(withQuery.status).toBe(308);
		expect(withQuery.headers.location).toBe('/a/?x=1');
	});

	it('never redirects off-site when the path starts with several slashes', async () => {
		for (const path of ['//a', '///a', '/\\a']) {
			const reply = await rawGet(path);
			expect(reply.status, path).toBe(308);
			expect(reply.head, path).toMatch(/\r\nLocation: \/a\/\r\n/i);
		}
	});

	it('sends the precompressed gzip to a client that accepts it, and not to one that does not', async () => {
		const zipped = await get('/', { headers: { 'Accept-Encoding': 'gzip, deflate' } });
		expect(zipped.status).toBe(200);
		expect(zipped.headers['content-encoding']).toBe('gzip');
		expect(zipped.headers.vary).toBe('Accept-Encoding');
		expect(Number(zipped.headers['content-length'])).toBe(zipped.body.length);
		expect(gunzipSync(zipped.body).toString()).toBe(INDEX);
		const plain = await get('/', { headers: { 'Accept-Encoding': 'identity' } });
		expect(plain.headers['content-encoding']).toBeUndefined();
		expect(plain.body.toString()).toBe(INDEX);
	});

	it('answers HEAD with the headers of GET and no body', async () => {
		const reply = await rawGet('/', 'HEAD');
		expect(reply.status).toBe(200);
		expect(reply.head).toMatch(/\r\nContent-Type: text\/html; charset=utf-8\r\n/i);
		expect(reply.head).toMatch(
			new RegExp(`\\r\\nContent-Length: ${Buffer.byteLength(INDEX)}\\r\\n`, 'i'),
		);
		expect(reply.body).toBe('');
		const zipped = await raw(
			'HEAD / HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip\r\nConnection: close\r\n\r\n',
		);
		expect(zipped).toMatch(/^HTTP\/1\.1 200 /);
		expect(zipped).toMatch(/\r\nContent-Encoding: gzip\r\n/i);
		expect(zipped.endsWith('\r\n\r\n')).toBe(true);
	});

	it('refuses other methods with 405 and says which are allowed', async () => {
		for (const method of ['POST', 'PUT', 'DELETE']) {
			const reply = await get('/', { method });
			expect(reply.status, method).toBe(405);
			expect(reply.headers.allow).toBe('GET, HEAD');
			expect(reply.body.toString()).not.toContain('The market pushes');
		}
	});

	it('answers 404 for a missing file', async () => {
		const reply = await get('/missing.html');
		expect(reply.status).toBe(404);
		expect(reply.body.toString()).toBe('Not Found');
		expect((await get('/a/missing/')).status).toBe(404);
	});

	it('serves a file whose name merely starts with two dots', async () => {
		const reply = await get('/..foo');
		expect(reply.status).toBe(200);
		expect(reply.body.toString()).toBe('dots in a name\n');
	});
});

describe('hostile paths', () => {
	it('answers 400 for a malformed percent escape', async () => {
		for (const path of ['/%E0%A4%A', '/%zz', '/%', '/a/%2']) {
			const reply = await rawGet(path);
			expect(reply.status, path).toBe(400);
		}
	});

	it('answers 400 for a NUL byte', async () => {
		for (const path of ['/%00', '/index.html%00.css', '/a/%00/index.html']) {
			const reply = await rawGet(path);
			expect(reply.status, path).toBe(400);
		}
	});

	const TRAVERSALS = [
		'/../site-evil/secret.txt',
		'/%2e%2e/site-evil/secret.txt',
		'/%2E%2E/site-evil/secret.txt',
		'/.%2e/site-evil/secret.txt',
		'/a/../../site-evil/secret.txt',
		'/a/%2e%2e/%2e%2e/site-evil/secret.txt',
		'/..%2fsite-evil/secret.txt',
		'/..%2Fsite-evil/secret.txt',
		'/..%5csite-evil/secret.txt',
		'/..\\site-evil/secret.txt',
		'/a/..%5c..%5csite-evil%5csecret.txt',
		'/../site-evil/secret.txt?x=1',
	];

	for (const path of TRAVERSALS) {
		it(`refuses ${path} with 403 and never shows the secret`, async () => {
			const reply = await rawGet(path);
			expect(reply.status).toBe(403);
			expect(reply.text).not.toContain(SECRET);
		});
	}

	it('refuses a request target without the leading slash (the HTTP parser answers 400)', async () => {
		for (const path of ['..%2fsite-evil/secret.txt', '../site-evil/secret.txt']) {
			const reply = await rawGet(path);
			expect([400, 403], path).toContain(reply.status);
			expect(reply.text, path).not.toContain(SECRET);
		}
	});

	it('refuses a symlink inside the root that points at the sibling folder', async () => {
		for (const path of ['/link.txt', '/evil-dir/secret.txt']) {
			const reply = await rawGet(path);
			expect(reply.status, path).toBe(403);
			expect(reply.text, path).not.toContain(SECRET);
		}
	});

	it('does not decode twice: a double-encoded dot-dot stays a (missing) name', async () => {
		const reply = await rawGet('/%252e%252e/site-evil/secret.txt');
		expect(reply.status).toBe(404);
		expect(reply.text).not.toContain(SECRET);
	});
});

describe('WebSocket upgrades', () => {
	it('hands an upgrade on the stream path to the stream, which answers a subscribe', async () => {
		const client = await connect(`ws://127.0.0.1:${port}/stream`);
		client.send({
			action: 'subscribe',
			mode: 'ltp',
			symbols: [{ symbol: 'RELIANCE', exchange: 'NSE' }],
		});
		expect(await client.next((f) => f.type === 'subscribe')).toMatchObject({
			status: 'success',
			subscriptions: [{ symbol: 'RELIANCE', mode: 'LTP' }],
		});
		client.ws.close();
		await client.closed;
	});

	it('accepts a query string on the stream path', async () => {
		expect(await upgradeStatus(`ws://127.0.0.1:${port}/stream?client=test`)).toBe(101);
	});

	it('never switches protocols on any other path: it answers as a plain GET would', async () => {
		for (const path of ['/', '/index.html', '/stream/', '/streams', '/a/stream', '/STREAM']) {
			const plain = (await get(path)).status;
			expect(plain, path).not.toBe(101);
			expect(await upgradeStatus(`ws://127.0.0.1:${port}${path}`), path).toBe(plain);
		}
	});

	it('takes no upgrade when no stream handler is given (the stream path is a missing file)', async () => {
		const bare = await startSiteServer({ root, host: '127.0.0.1', port: 0 });
		try {
			const url = bare.url.replace('http:', 'ws:');
			expect(await upgradeStatus(`${url}/stream`)).toBe(404);
		} finally {
			await bare.close();
		}
	});

	it('answers a plain GET on the stream path like any missing file', async () => {
		expect((await get('/stream')).status).toBe(404);
	});
});

describe('garbage on the wire', () => {
	it('answers a request line that is not HTTP with 400 and keeps serving', async () => {
		const reply = await raw('GARBAGE\r\n\r\n');
		expect(reply).toMatch(/^HTTP\/1\.1 400 /);
		await expectAlive();
	});

	it('survives binary junk', async () => {
		await raw(Buffer.from([0, 1, 2, 255, 254, 13, 10, 13, 10, 0x16, 0x03, 0x01]));
		await expectAlive();
	});

	it('refuses a 100 KB header with 431 and keeps serving', async () => {
		const reply = await raw(`GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(100_000)}\r\n\r\n`);
		expect(reply).toMatch(/^HTTP\/1\.1 431 /);
		expect(reply).not.toContain('The market pushes');
		await expectAlive();
	});

	it('survives a half request whose client goes away', async () => {
		await new Promise<void>((resolveHalf) => {
			const socket = netConnect(port, '127.0.0.1', () => {
				socket.write('GET /index.html HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Half: ');
				setTimeout(() => {
					socket.destroy();
					resolveHalf();
				}, 20);
			});
			socket.on('error', () => {});
		});
		await expectAlive();
	});

	it('survives a half upgrade whose client goes away', async () => {
		await new Promise<void>((resolveHalf) => {
			const socket = netConnect(port, '127.0.0.1', () => {
				socket.write(
					'GET /stream HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n',
				);
				setTimeout(() => {
					socket.destroy();
					resolveHalf();
				}, 20);
			});
			socket.on('error', () => {});
		});
		await expectAlive();
	});
});

describe('caching and encodings', () => {
	it('sends an ETag and Last-Modified, and answers a revalidation with 304 and no body', async () => {
		const first = await get('/style.css');
		const etag = first.headers.etag as string;
		expect(etag).toMatch(/^W\/".+"$/);
		expect(Date.parse(String(first.headers['last-modified']))).not.toBeNaN();
		const again = await get('/style.css', { headers: { 'If-None-Match': etag } });
		expect(again.status).toBe(304);
		expect(again.body.length).toBe(0);
		expect(again.headers['x-content-type-options']).toBe('nosniff');
	});

	it('honours q=0: a client that refuses gzip gets the page as it is', async () => {
		for (const header of [
			'gzip;q=0',
			'gzip; q=0, identity',
			'*;q=0, identity',
			'br;q=0,gzip;q=0',
		]) {
			const reply = await get('/', { headers: { 'Accept-Encoding': header } });
			expect(reply.headers['content-encoding'], header).toBeUndefined();
			expect(reply.body.toString(), header).toBe(INDEX);
		}
	});

	it('prefers brotli when accepted, and falls back to gzip when brotli is refused', async () => {
		const br = await get('/', { headers: { 'Accept-Encoding': 'gzip, deflate, br' } });
		expect(br.headers['content-encoding']).toBe('br');
		expect(brotliDecompressSync(br.body).toString()).toBe(INDEX);
		const gz = await get('/', { headers: { 'Accept-Encoding': 'br;q=0, gzip;q=0.5' } });
		expect(gz.headers['content-encoding']).toBe('gzip');
		expect(gunzipSync(gz.body).toString()).toBe(INDEX);
	});

	it('negotiates encodings by q-value', () => {
		expect(negotiateEncoding(undefined)).toBe('');
		expect(negotiateEncoding('identity')).toBe('');
		expect(negotiateEncoding('*')).toBe('br');
		expect(negotiateEncoding('br;q=0, *')).toBe('gzip');
		expect(negotiateEncoding('GZIP')).toBe('gzip');
		expect(negotiateEncoding('gzip;q=0.001')).toBe('gzip');
		expect(negotiateEncoding('gzip;q=0.000')).toBe('');
	});

	it('serves a byte range, and the whole file for a range form it does not support', async () => {
		const part = await get('/style.css', { headers: { Range: 'bytes=0-3' } });
		expect(part.status).toBe(206);
		expect(part.body.toString()).toBe(CSS.slice(0, 4));
		for (const range of ['bytes=-5', 'bytes=9-2', 'bytes=0-1,4-5', 'lines=1-2']) {
			const whole = await get('/style.css', { headers: { Range: range } });
			expect(whole.status, range).toBe(200);
			expect(whole.body.toString(), range).toBe(CSS);
		}
	});
});

describe('content security policy', () => {
	it("allows the pages' own inline scripts by hash, never 'unsafe-inline' for scripts", async () => {
		const reply = await get('/a/');
		const policy = String(reply.headers['content-security-policy']);
		const hash = createHash('sha256').update(INLINE_SCRIPT).digest('base64');
		const scriptSrc = policy.split(';').find((d) => d.trim().startsWith('script-src'))!;
		expect(scriptSrc).toContain(`'sha256-${hash}'`);
		expect(scriptSrc).not.toContain('unsafe-inline');
		expect(policy).toContain("object-src 'none'");
		expect(policy).toContain("frame-ancestors 'self'");
	});

	it('lets the page connect to the stream origin it was built with (PUBLIC_STREAM_URL elsewhere)', async () => {
		const policy = String((await get('/')).headers['content-security-policy']);
		const connect = policy.split(';').find((d) => d.trim().startsWith('connect-src'))!;
		expect(connect.trim()).toBe("connect-src 'self' wss://stream.example.com");
	});

	it('sends the policy on 404s and refusals too', async () => {
		for (const path of ['/missing.html', '/%2e%2e/x']) {
			const reply = await get(path);
			expect(reply.headers['content-security-policy'], path).toContain("default-src 'self'");
		}
	});
});

describe('other upgrades (h2c, Upgrade: foo) get the page', () => {
	for (const [name, upgrade] of [
		[
			'h2c',
			'Connection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA',
		],
		['foo', 'Connection: Upgrade\r\nUpgrade: foo'],
		['foo on the stream path', 'Connection: Upgrade\r\nUpgrade: foo'],
	] as const) {
		it(`serves ${name} as a plain request`, async () => {
			const path = name.endsWith('stream path') ? '/stream' : '/';
			const reply = await firstReply(`GET ${path} HTTP/1.1\r\nHost: x\r\n${upgrade}\r\n\r\n`);
			if (path === '/') {
				expect(reply).toMatch(/^HTTP\/1\.1 200 /);
				expect(reply).toContain('The market pushes');
			} else expect(reply).toMatch(/^HTTP\/1\.1 404 /);
		});
	}
});

describe('health and drain', () => {
	it('answers /healthz and /readyz with 200, uncached', async () => {
		const health = await get('/healthz');
		expect(health.status).toBe(200);
		expect(health.body.toString()).toBe('ok');
		expect(health.headers['cache-control']).toBe('no-store');
		expect((await get('/readyz')).status).toBe(200);
	});

	it('while draining: /readyz 503, stream upgrades 503, open streams and pages unaffected', async () => {
		const own = createStreamServer({ mount: 'site' });
		const draining = await startSiteServer({
			root,
			host: '127.0.0.1',
			port: 0,
			onStreamUpgrade: own.handleUpgrade,
		});
		const base = draining.url;
		const wsBase = base.replace('http:', 'ws:');
		try {
			const open = await connect(`${wsBase}/stream`);
			draining.drain();
			const ready = await fetch(`${base}/readyz`);
			expect(ready.status).toBe(503);
			expect(await ready.text()).toBe('draining');
			expect((await fetch(`${base}/healthz`)).status).toBe(200);
			expect((await fetch(`${base}/`)).status).toBe(200);
			expect(await upgradeStatus(`${wsBase}/stream`)).toBe(503);
			open.send({ action: 'ping' });
			expect(await open.next((f) => f.type === 'pong')).toBeTruthy();
			open.ws.close();
			await open.closed;
		} finally {
			await own.close();
			await draining.close();
		}
	});
});

describe('request logs', () => {
	it('writes one JSON line per request with method, path, status and time', async () => {
		const lines: Record<string, unknown>[] = [];
		const destination = new Writable({
			write(chunk: Buffer, _encoding, done) {
				for (const line of chunk.toString().split('\n').filter(Boolean))
					lines.push(JSON.parse(line));
				done();
			},
		});
		const logged = await startSiteServer({
			root,
			host: '127.0.0.1',
			port: 0,
			logger: createLogger({ level: 'info', destination }),
		});
		try {
			await (await fetch(`${logged.url}/style.css`)).text();
			await (await fetch(`${logged.url}/missing`)).text();
		} finally {
			await logged.close();
		}
		// Each line is written when its response closes, which can be just after the client has
		// read the body and the server has closed: wait for the lines, not for a moment.
		const requests = () => lines.filter((line) => line.msg === 'http request');
		await expect
			.poll(() => requests().map((r) => [r.method, r.url, r.status]))
			.toEqual([
				['GET', '/style.css', 200],
				['GET', '/missing', 404],
			]);
		for (const r of requests()) expect(typeof r.ms).toBe('number');
	});
});

describe('timeouts', () => {
	let slow: SiteServer;
	let slowPort: number;
	beforeAll(async () => {
		slow = await startSiteServer({
			root,
			host: '127.0.0.1',
			port: 0,
			timeouts: { headersMs: 300, requestMs: 600, checkIntervalMs: 50, idleMs: 1000 },
		});
		slowPort = Number(new URL(slow.url).port);
	});
	afterAll(() => slow?.close());

	/** Sends `bytes`, never more, and resolves with what the server sent before it closed. */
	function stall(bytes: string): Promise<string> {
		return new Promise((resolveStall) => {
			const socket = netConnect(slowPort, '127.0.0.1', () => socket.write(bytes));
			const chunks: Buffer[] = [];
			socket.on('data', (chunk: Buffer) => chunks.push(chunk));
			socket.on('error', () => {});
			socket.on('close', () => resolveStall(Buffer.concat(chunks).toString('latin1')));
		});
	}

	it('closes a connection whose headers trickle in forever, even if it never reads', async () => {
		const socket = netConnect(slowPort, '127.0.0.1');
		socket.pause(); // never read
		socket.on('error', () => {});
		await new Promise((resolveConnect) => socket.once('connect', resolveConnect));
		socket.write('GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ');
		const drip = setInterval(() => socket.write('a'), 100);
		// Once the server has closed, a write fails and the socket closes on this side too.
		await new Promise((resolveClosed) => socket.once('close', resolveClosed));
		clearInterval(drip);
	});

	it('answers a request whose headers never finish with 408 and closes', async () => {
		expect(await stall('GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ')).toMatch(/^HTTP\/1\.1 408 /);
	});

	/** Sends a request head, then one body byte every 100 ms; resolves with the reply once closed. */
	async function trickle(head: string): Promise<string> {
		const socket = netConnect(slowPort, '127.0.0.1');
		const chunks: Buffer[] = [];
		socket.on('data', (chunk: Buffer) => chunks.push(chunk));
		socket.on('error', () => {});
		await new Promise((resolveConnect) => socket.once('connect', resolveConnect));
		socket.write(head);
		// A byte every 100 ms keeps the connection busy, so no idle timer ends it.
		const drip = setInterval(() => socket.write('a'), 100);
		await new Promise((resolveClosed) => socket.once('close', resolveClosed));
		clearInterval(drip);
		return Buffer.concat(chunks).toString('latin1');
	}

	it('answers a POST whose body trickles in with 405 and closes, without waiting for the body', async () => {
		const reply = await trickle('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n');
		expect(reply).toMatch(/^HTTP\/1\.1 405 /);
		expect((await fetch(`${slow.url}/healthz`)).status).toBe(200);
	});

	it('answers a GET that carries a trickling body and closes, without waiting for the body', async () => {
		const reply = await trickle('GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n');
		expect(reply).toMatch(/^HTTP\/1\.1 200 /);
		expect(reply).toMatch(/\r\nConnection: close\r\n/i);
	});
});

describe('pipelined requests that are never read', () => {
	const openDescriptors = () => readdirSync('/proc/self/fd').length;

	it('cost a bounded number of descriptors and little memory, all released when the client goes', async () => {
		const path = '/';
		const baseline = openDescriptors();
		const rssBefore = process.memoryUsage().rss;
		const socket = netConnect(port, '127.0.0.1');
		socket.pause(); // never read a reply
		socket.on('error', () => {});
		await new Promise((resolveConnect) => socket.once('connect', resolveConnect));
		const closedByServer = new Promise<void>((resolveClosed) =>
			socket.once('close', () => resolveClosed()),
		);
		const request = `GET ${path} HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip\r\n\r\n`;
		for (let i = 0; i < 3000; i++) socket.write(request);
		// Either the server closes the connection or it has handled everything that was sent; an
		// ordinary request on another connection goes through once those are dealt with.
		await Promise.race([closedByServer, new Promise((r) => site.server.once('request', r))]);
		await expectAlive();
		const during = openDescriptors();
		const grown = (process.memoryUsage().rss - rssBefore) / 1e6;
		socket.destroy();
		await closedByServer;
		await expectAlive();
		expect(during - baseline, 'descriptors held while the client does not read').toBeLessThan(10);
		expect(grown, 'MB of memory').toBeLessThan(60);
		expect(openDescriptors() - baseline, 'descriptors left after the client went').toBeLessThan(3);
	});
});

describe('resolveRequestPath', () => {
	const base = resolve(tmpdir(), 'rrp', 'site');
	const inside = (target: string) => resolveRequestPath(base, target);

	it('maps request paths under the root, dropping query and fragment', () => {
		expect(inside('/')).toEqual({ ok: true, path: base });
		expect(inside('/a/index.html')).toEqual({ ok: true, path: join(base, 'a', 'index.html') });
		expect(inside('/style.css?v=1#top')).toEqual({ ok: true, path: join(base, 'style.css') });
		expect(inside('/a%20b.txt')).toEqual({ ok: true, path: join(base, 'a b.txt') });
		expect(inside('/a/./b/../c')).toEqual({ ok: true, path: join(base, 'a', 'c') });
		expect(inside('//etc/passwd')).toEqual({ ok: true, path: join(base, 'etc', 'passwd') });
		expect(inside('/..foo')).toEqual({ ok: true, path: join(base, '..foo') });
		expect(inside('/a/..')).toEqual({ ok: true, path: base });
	});

	it('decodes once: a double-encoded escape stays literal', () => {
		expect(inside('/%252e%252e/x')).toEqual({ ok: true, path: join(base, '%2e%2e', 'x') });
	});

	it('returns 400 for malformed escapes and NUL bytes', () => {
		for (const target of ['/%E0%A4%A', '/%zz', '/%', '/a/%2', '/%00', '/a%00.html', '/\0']) {
			const result = inside(target);
			expect(result.ok, JSON.stringify(target)).toBe(false);
			if (!result.ok) expect(result.status, JSON.stringify(target)).toBe(400);
		}
	});

	it('returns 403 for every way out of the root, including the prefix-sharing sibling', () => {
		for (const target of [
			'/..',
			'..',
			'/../site-evil/secret.txt',
			'/%2e%2e/site-evil/secret.txt',
			'/.%2E/site-evil/secret.txt',
			'/a/%2e%2e/%2e%2e/site-evil/secret.txt',
			'/..%2fsite-evil/secret.txt',
			'/..%5csite-evil/secret.txt',
			'/..\\site-evil/secret.txt',
			'\\..\\site-evil\\secret.txt',
			'/a/../../site-evil',
			'/a/../../site/../site-evil/secret.txt',
			'/../site-evil',
			'/../../../../etc/passwd',
		]) {
			const result = inside(target);
			expect(result, JSON.stringify(target)).toMatchObject({ ok: false, status: 403 });
		}
	});

	it('resolves a relative root against the working directory', () => {
		const result = resolveRequestPath('dist', '/index.html');
		expect(result).toEqual({ ok: true, path: resolve('dist', 'index.html') });
		expect(resolveRequestPath('dist', '/../dist-evil/x')).toMatchObject({ ok: false, status: 403 });
	});
});
