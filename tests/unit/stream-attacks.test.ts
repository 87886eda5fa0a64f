// Hostile clients over loopback (issue 11) and the stream's operations side (issue 13): each
// test is one attack or one operator-facing promise, and each failed on the code before it.
// Other 127.x addresses stand in for other hosts. No test waits on a sleep or asserts a time:
// clocks are injected (a frozen `now` stops the token buckets refilling) and order is asserted.
import { afterEach, describe, expect, it } from 'vitest';
import { createHash, randomBytes } from 'node:crypto';
import { request, type IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import { connect, upgradeStatus, type Recorded } from '../support/ws-client.ts';
import { startStream, type StreamFixture } from '../support/stream-fixture.ts';
import { createStandaloneServer } from '../../server/standalone.ts';
import { createStreamServer, socketOf } from '../../server/stream-server.ts';
import { startMetricsServer } from '../../server/metrics.ts';
import { createLogger } from '../../server/log.ts';
import { CHAPTER_INSTRUMENTS } from '../../src/lib/instruments.ts';

const RFC6455_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const isTick = (f: Record<string, unknown>) => f.type === 'market_data';
const chapterSymbols = CHAPTER_INSTRUMENTS.map(({ symbol, exchange }) => ({ symbol, exchange }));

let fixture: StreamFixture | undefined;
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
	for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
	await fixture?.close();
	fixture = undefined;
});

/** A frozen clock: token buckets never refill, so a limit is reached by count, not by speed. */
function frozenClock(at = Date.UTC(2025, 0, 6, 4, 0, 0)): () => number {
	return () => at;
}

/** Sends messages until the connection closes or `max` are sent; resolves with how many went. */
async function sendUntilClosed(client: Recorded, message: string, max: number): Promise<number> {
	let sent = 0;
	while (sent < max && client.ws.readyState === WebSocket.OPEN) {
		client.ws.send(message);
		sent++;
		// Let the server read and answer between messages.
		if (sent % 10 === 0) await new Promise((resolve) => setImmediate(resolve));
	}
	return sent;
}

describe('made-up symbols (issue 11 item 1)', () => {
	it('40 connections × 500 new symbols each: refused per entry, never priced, a healthy client still fed', async () => {
		fixture = await startStream({ mount: 'site', rateMultiplier: 20 });
		const healthy = await connect(fixture.url, { localAddress: '127.0.0.9' });
		healthy.send({ action: 'subscribe', mode: 'ltp', symbols: chapterSymbols.slice(0, 1) });
		await healthy.next(isTick);
		const attackers = await Promise.all(
			Array.from({ length: 40 }, (_, i) =>
				connect(fixture!.url, { localAddress: `127.0.0.${10 + (i % 4)}` }),
			),
		);
		for (const [i, attacker] of attackers.entries()) {
			for (let round = 0; round < 5; round++) {
				const symbols = Array.from({ length: 100 }, (_, j) => ({
					symbol: `FAKE${i}X${round}X${j}`,
					exchange: 'NSE',
				}));
				attacker.send({ action: 'subscribe', mode: 'quote', symbols });
			}
		}
		await Promise.all(
			attackers.map((attacker) =>
				attacker.next(
					() => attacker.frames.filter((f) => f.type === 'subscribe').length === 5,
					15_000,
				),
			),
		);
		for (const attacker of attackers) {
			for (const ack of attacker.frames.filter((f) => f.type === 'subscribe'))
				expect(ack.status).toBe('error');
		}
		// Nothing the attackers named is priced: only the healthy client's one instrument is.
		expect(fixture.stream.stats().pricedPairs).toBe(1);
		// The healthy client is fed after every attacking message was answered.
		const seen = healthy.frames.length;
		await healthy.next((f) => isTick(f) && healthy.frames.indexOf(f) >= seen);
		for (const attacker of attackers) attacker.ws.close();
		await expect.poll(() => fixture!.stream.clientCount(), { timeout: 10_000 }).toBe(1);
		expect(fixture.stream.stats().pricedPairs).toBe(1);
		const after = healthy.frames.length;
		await healthy.next((f) => isTick(f) && healthy.frames.indexOf(f) >= after);
		healthy.ws.close();
	});
});

describe('Host check (DNS rebinding)', () => {
	it('refuses an upgrade whose Host is not an allowed host, even when Origin matches it', async () => {
		fixture = await startStream({
			mount: 'site',
			allowedHosts: ['chapter.example', 'chapter.example:8443'],
		});
		expect(
			await upgradeStatus(fixture.url, { Host: 'evil.example', Origin: 'http://evil.example' }),
		).toBe(403);
		expect(
			await upgradeStatus(fixture.url, {
				Host: 'chapter.example',
				Origin: 'http://chapter.example',
			}),
		).toBe(101);
		expect(await upgradeStatus(fixture.url, { Host: 'CHAPTER.example:8443' })).toBe(101);
		expect(fixture.stream.stats().refusedUpgrades).toEqual({ host: 1 });
	});

	it('with trustProxy, checks X-Forwarded-Host and counts X-Forwarded-For as the address', async () => {
		fixture = await startStream({
			mount: 'site',
			trustProxy: true,
			allowedHosts: ['chapter.example'],
			limits: { maxConnectionsPerAddress: 1 },
		});
		const proxied = (client: string) => ({
			Host: '127.0.0.1:9999',
			'X-Forwarded-Host': 'chapter.example',
			Origin: 'https://chapter.example',
			// The client may send its own X-Forwarded-For; the proxy appends the real address.
			'X-Forwarded-For': `10.0.0.1, ${client}`,
		});
		const first = await connect(fixture.url, { headers: proxied('203.0.113.5') });
		expect(await upgradeStatus(fixture.url, proxied('203.0.113.5'))).toBe(429);
		expect(await upgradeStatus(fixture.url, proxied('203.0.113.6'))).toBe(101);
		expect(
			await upgradeStatus(fixture.url, {
				...proxied('203.0.113.7'),
				'X-Forwarded-Host': 'evil.example',
			}),
		).toBe(403);
		first.ws.close();
	});
});

describe('subprotocols', () => {
	it('chooses none of the offered subprotocols (none is defined)', async () => {
		fixture = await startStream({ mount: 'site' });
		// A raw upgrade, to see the 101 itself (ws's client refuses a reply that picks none).
		const { port } = new URL(fixture.url);
		const response = await new Promise<IncomingMessage>((resolve, reject) => {
			const req = request({
				host: '127.0.0.1',
				port,
				path: '/',
				headers: {
					Connection: 'Upgrade',
					Upgrade: 'websocket',
					'Sec-WebSocket-Version': '13',
					'Sec-WebSocket-Key': randomBytes(16).toString('base64'),
					'Sec-WebSocket-Protocol': 'openalgo, chat',
				},
			});
			req.once('upgrade', (res, socket) => {
				socket.destroy();
				resolve(res);
			});
			req.once('response', (res) => resolve(res));
			req.once('error', reject);
			req.end();
		});
		expect(response.statusCode).toBe(101);
		expect(response.headers['sec-websocket-protocol']).toBeUndefined();
	});
});

describe('per-address connection cap and idle timeout', () => {
	it('one address cannot take every slot: its third connection gets 429, another address still connects', async () => {
		fixture = await startStream({ mount: 'site', limits: { maxConnectionsPerAddress: 2 } });
		const hog = { localAddress: '127.0.0.2' };
		const a = await connect(fixture.url, hog);
		const b = await connect(fixture.url, hog);
		expect(await upgradeStatusFrom(fixture.url, '127.0.0.2')).toBe(429);
		expect(await upgradeStatusFrom(fixture.url, '127.0.0.3')).toBe(101);
		// A slot frees when a connection goes.
		a.ws.close();
		await a.closed;
		await expect.poll(() => fixture!.stream.clientCount()).toBe(1);
		expect(await upgradeStatusFrom(fixture.url, '127.0.0.2')).toBe(101);
		expect(fixture.stream.stats().refusedUpgrades['per-address']).toBe(1);
		b.ws.close();
	});

	it('closes a page-mount connection that never subscribes (1008), not one that did', async () => {
		fixture = await startStream({
			mount: 'site',
			rateMultiplier: 50,
			limits: { idleTimeoutMs: 300 },
		});
		const reader = await connect(fixture.url);
		reader.send({ action: 'subscribe', mode: 'ltp', symbols: chapterSymbols.slice(0, 2) });
		await reader.next((f) => f.type === 'subscribe');
		const idle = await connect(fixture.url);
		expect(await idle.closed).toEqual({ code: 1008, reason: 'idle: no subscribe' });
		// The subscribed reader is still open and fed after the idle one was closed.
		const seen = reader.frames.length;
		await reader.next((f) => isTick(f) && reader.frames.indexOf(f) >= seen);
		expect(reader.ws.readyState).toBe(WebSocket.OPEN);
		reader.ws.close();
	});
});

describe('heartbeat', () => {
	it('drops a reader that never reads and sends unsolicited pongs to look alive', async () => {
		fixture = await startStream({
			mount: 'site',
			rateMultiplier: 200,
			limits: { heartbeatIntervalMs: 100 },
		});
		const client = await connect(fixture.url, { autoPong: false });
		client.send({ action: 'subscribe', mode: 'ltp', symbols: chapterSymbols });
		await client.next(isTick);
		socketOf(client.ws)!.pause();
		const pongs = setInterval(() => client.ws.pong(), 20);
		cleanups.push(() => clearInterval(pongs));
		await expect.poll(() => fixture!.stream.clientCount(), { timeout: 10_000 }).toBe(0);
		const closes = fixture.stream.stats().limitCloses;
		expect((closes['no-pong'] ?? 0) + (closes['not-draining'] ?? 0)).toBe(1);
	});

	it('keeps a reader that answers every ping', async () => {
		fixture = await startStream({ mount: 'site', limits: { heartbeatIntervalMs: 50 } });
		const client = await connect(fixture.url);
		client.send({ action: 'subscribe', mode: 'ltp', symbols: chapterSymbols.slice(0, 1) });
		let pings = 0;
		client.ws.on('ping', () => pings++);
		// Five heartbeats later it is still connected.
		await expect.poll(() => pings, { timeout: 10_000 }).toBeGreaterThanOrEqual(5);
		expect(fixture.stream.clientCount()).toBe(1);
		client.ws.close();
	});
});

describe('replies are bounded', () => {
	it('closes with 1008 a reader that stops reading while its replies pile up', async () => {
		fixture = await startStream({
			mount: 'site',
			rateMultiplier: 1000,
			limits: {
				slowReaderBytes: 32 * 1024,
				maxBufferedBytes: 128 * 1024,
				messagesPerSecond: 10_000,
				messageBurst: 10_000,
				floodCloseAfter: 10_000,
				bytesPerSecond: 2 ** 30,
				byteBurst: 2 ** 30,
			},
		});
		const client = await connect(fixture.url);
		const symbols = chapterSymbols;
		client.send({ action: 'subscribe', mode: 'ltp', symbols });
		await client.next(isTick);
		socketOf(client.ws)!.pause();
		// Ticks fill the kernel's buffers and then conflate; only replies can grow past that.
		await expect
			.poll(() => fixture!.stream.stats().framesConflated, { timeout: 10_000 })
			.toBeGreaterThan(0);
		// A pong echoes `_pingId`, so each of these asks for a 64 KiB reply; the kernel's
		// loopback buffers hold megabytes before the server's own queue starts to grow.
		const ping = JSON.stringify({ action: 'ping', _pingId: 'x'.repeat(64 * 1024) });
		await sendUntilClosed(client, ping, 1000);
		await expect
			.poll(() => fixture!.stream.stats().limitCloses['slow-reader'], { timeout: 10_000 })
			.toBe(1);
		await expect.poll(() => fixture!.stream.clientCount()).toBe(0);
	});

	it('counts bytes as well as messages: large messages within the message rate are refused', async () => {
		fixture = await startStream({
			mount: 'site',
			now: frozenClock(),
			limits: { bytesPerSecond: 1024, byteBurst: 20 * 1024 },
		});
		const client = await connect(fixture.url);
		// Ten pings of ~4 KiB: well inside 40 messages at once, but 40 KiB against a 20 KiB burst.
		for (let i = 0; i < 10; i++) client.send({ action: 'ping', _pingId: i, pad: 'x'.repeat(4000) });
		await client.next((f) => f.code === 'RATE_LIMITED');
		client.send({ action: 'ping', _pingId: 'last' });
		await client.next((f) => f.type === 'pong' && f._pingId === 'last');
		const pongs = client.frames.filter((f) => f.type === 'pong').length;
		expect(pongs).toBe(5 + 1);
		client.ws.close();
	});
});

describe('failed authentication is throttled per address', () => {
	it('refuses keys after the allowance, on every connection from that address, not others', async () => {
		fixture = await startStream({
			apiKey: 'secret',
			now: frozenClock(),
			limits: { authFailuresPerMinute: 3, authGraceMs: 60_000 },
		});
		const guesser = await connect(fixture.url, { localAddress: '127.0.0.4' });
		for (let i = 0; i < 5; i++) guesser.send({ action: 'authenticate', api_key: `guess-${i}` });
		guesser.send({ action: 'authenticate', api_key: 'secret' });
		await guesser.next(() => guesser.frames.length >= 6);
		expect(guesser.frames.map((f) => f.message)).toEqual([
			'Invalid API key',
			'Invalid API key',
			'Invalid API key',
			expect.stringMatching(
				/^Too many failed authentications from your address; try again in \d+ s$/,
			),
			expect.stringMatching(/^Too many failed/),
			expect.stringMatching(/^Too many failed/),
		]);
		const again = await connect(fixture.url, { localAddress: '127.0.0.4' });
		again.send({ action: 'authenticate', api_key: 'secret' });
		expect(await again.next((f) => f.status === 'error')).toMatchObject({
			code: 'AUTHENTICATION_ERROR',
		});
		const other = await connect(fixture.url, { localAddress: '127.0.0.5' });
		other.send({ action: 'authenticate', api_key: 'secret' });
		expect(await other.next((f) => f.type === 'auth')).toMatchObject({ status: 'success' });
		for (const c of [guesser, again, other]) c.ws.close();
	});
});

describe('the handshake verb (page mount only)', () => {
	it('replies with this connection’s upgrade request (allow-listed headers) and the exact 101 headers', async () => {
		fixture = await startStream({ mount: 'site' });
		const host = new URL(fixture.url).host;
		const ws = new WebSocket(fixture.url, {
			headers: {
				Cookie: 'session=secret',
				Authorization: 'Bearer secret',
				Origin: `http://${host}`,
			},
		});
		const upgrade = new Promise<Record<string, string | string[] | undefined>>((resolve) =>
			ws.once('upgrade', (res) => resolve(res.headers)),
		);
		const frame = new Promise<Record<string, unknown>>((resolve) =>
			ws.once('message', (data) => resolve(JSON.parse(String(data)) as Record<string, unknown>)),
		);
		await new Promise((resolve) => ws.once('open', resolve));
		ws.send(JSON.stringify({ action: 'handshake' }));
		const reply = (await frame) as {
			type: string;
			request: {
				method: string;
				path: string;
				httpVersion: string;
				headers: Record<string, string>;
			};
			response: { status: number; statusText: string; headers: Record<string, string> };
		};
		const sent = await upgrade;
		expect(reply.type).toBe('handshake');
		expect(reply.request).toMatchObject({ method: 'GET', path: '/', httpVersion: '1.1' });
		// ws's client offers permessage-deflate, so the extensions header is there too.
		expect(Object.keys(reply.request.headers).sort()).toEqual([
			'connection',
			'host',
			'origin',
			'sec-websocket-extensions',
			'sec-websocket-key',
			'sec-websocket-version',
			'upgrade',
		]);
		expect(JSON.stringify(reply)).not.toMatch(/cookie|authorization|secret/i);
		expect(reply.request.headers).toMatchObject({
			host,
			origin: `http://${host}`,
			upgrade: 'websocket',
		});
		// The key in the request hashes to the accept the client received (RFC 6455 §4.2.2).
		const accept = createHash('sha1')
			.update(reply.request.headers['sec-websocket-key'] + RFC6455_GUID)
			.digest('base64');
		expect(sent['sec-websocket-accept']).toBe(accept);
		expect(reply.response).toEqual({
			status: 101,
			statusText: 'Switching Protocols',
			headers: {
				upgrade: sent.upgrade,
				connection: sent.connection,
				'sec-websocket-accept': accept,
			},
		});
		ws.close();
	});

	it('is an unknown action on the standalone mount', async () => {
		fixture = await startStream();
		const client = await connect(fixture.url);
		client.send({ action: 'handshake' });
		expect(await client.next((f) => f.status === 'error')).toMatchObject({
			code: 'INVALID_ACTION',
		});
		client.ws.close();
	});
});

describe('drain, health and readiness', () => {
	it('drain() refuses new upgrades with 503 and turns /readyz 503 while open clients keep streaming', async () => {
		const stream = createStreamServer({ mount: 'standalone', rateMultiplier: 50 });
		const http = createStandaloneServer(stream);
		await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
		cleanups.push(
			() =>
				new Promise<void>((resolve) => {
					http.close(() => resolve());
					http.closeAllConnections();
				}),
			() => stream.close(),
		);
		const base = `127.0.0.1:${(http.address() as AddressInfo).port}`;
		expect((await fetch(`http://${base}/healthz`)).status).toBe(200);
		expect((await fetch(`http://${base}/readyz`)).status).toBe(200);
		const other = await fetch(`http://${base}/anything`);
		expect(other.status).toBe(426);
		expect(other.headers.get('upgrade')).toBe('websocket');
		const client = await connect(`ws://${base}/any/path`);
		client.send({ action: 'authenticate', api_key: 'demo' });
		client.send({ action: 'subscribe', mode: 1, symbols: chapterSymbols });
		await client.next(isTick);

		stream.drain();
		expect(stream.isReady()).toBe(false);
		const readyz = await fetch(`http://${base}/readyz`);
		expect([readyz.status, await readyz.text()]).toEqual([503, 'draining\n']);
		expect((await fetch(`http://${base}/healthz`)).status).toBe(200);
		expect(await upgradeStatus(`ws://${base}/`)).toBe(503);
		const seen = client.frames.length;
		await client.next((f) => isTick(f) && client.frames.indexOf(f) >= seen);
		expect(stream.stats().refusedUpgrades).toEqual({ draining: 1 });
		client.ws.close();
	});

	it('close(grace) keeps clients streaming through the grace, then closes them with 1001', async () => {
		fixture = await startStream({ mount: 'site', rateMultiplier: 200 });
		const client = await connect(fixture.url);
		client.send({ action: 'subscribe', mode: 'ltp', symbols: chapterSymbols });
		await client.next(isTick);
		const events: string[] = [];
		client.ws.on('message', (data) => {
			if (String(data).includes('"market_data"') && events.at(-1) !== 'tick') events.push('tick');
		});
		void client.closed.then(({ code }) => events.push(`close ${code}`));
		events.push('close(2000) called');
		const closed = fixture.stream.close(2000);
		expect(fixture.stream.isReady()).toBe(false);
		await closed;
		await client.closed;
		expect(events).toEqual(['close(2000) called', 'tick', 'close 1001']);
	});
});

describe('logs and metrics', () => {
	it('logs connect (address, origin), limit hits and disconnect (code, duration) as JSON lines', async () => {
		const lines: Array<Record<string, unknown>> = [];
		const destination = new Writable({
			write(chunk, _encoding, done) {
				for (const line of String(chunk).split('\n').filter(Boolean))
					lines.push(JSON.parse(line) as Record<string, unknown>);
				done();
			},
		});
		fixture = await startStream({
			mount: 'site',
			logger: createLogger({ level: 'info', destination }),
			limits: { maxConnectionsPerAddress: 1 },
		});
		const host = new URL(fixture.url).host;
		const client = await connect(fixture.url, { headers: { Origin: `http://${host}` } });
		expect(await upgradeStatus(fixture.url)).toBe(429);
		client.ws.close(1000, 'bye');
		await expect.poll(() => lines.some((l) => l.event === 'disconnect')).toBe(true);
		expect(lines.find((l) => l.event === 'connect')).toMatchObject({
			address: '127.0.0.1',
			origin: `http://${host}`,
			mount: 'site',
		});
		expect(lines.find((l) => l.event === 'upgrade_refused')).toMatchObject({
			reason: 'per-address',
			status: 429,
			level: 40,
		});
		expect(lines.find((l) => l.event === 'disconnect')).toMatchObject({
			code: 1000,
			reason: 'bye',
			durationMs: expect.any(Number),
		});
	});

	it('serves Prometheus metrics on their own port when asked', async () => {
		fixture = await startStream({ mount: 'site', metrics: true, rateMultiplier: 50 });
		const metrics = await startMetricsServer({
			host: '127.0.0.1',
			port: 0,
			registry: fixture.stream.registry!,
		});
		cleanups.push(() => metrics.close());
		const client = await connect(fixture.url);
		client.send({ action: 'subscribe', mode: 'ltp', symbols: chapterSymbols });
		await client.next(isTick);
		expect(await upgradeStatus(fixture.url, { Origin: 'https://evil.example' })).toBe(403);
		const res = await fetch(metrics.url);
		expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
		const text = await res.text();
		expect(text).toMatch(/^stream_connections_open 1$/m);
		expect(text).toMatch(/^stream_messages_received_total 1$/m);
		expect(Number(/^stream_ticks_sent_total (\d+)$/m.exec(text)?.[1])).toBeGreaterThan(0);
		expect(text).toMatch(/^stream_frames_conflated_total 0$/m);
		expect(text).toMatch(/^stream_upgrades_refused_total\{reason="origin"\} 1$/m);
		expect(text).toMatch(/^nodejs_eventloop_lag_seconds /m);
		expect((await fetch(metrics.url.replace('/metrics', '/'))).status).toBe(404);
		// Without `metrics: true` there is no registry at all.
		expect(createStreamServer({ mount: 'site' }).registry).toBeUndefined();
		client.ws.close();
	});
});

describe('ws internals the server relies on', () => {
	it('a server-side ws WebSocket still keeps its net.Socket in `_socket` (corking depends on it)', async () => {
		const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
		cleanups.push(() => new Promise((resolve) => wss.close(resolve)));
		await new Promise((resolve) => wss.once('listening', resolve));
		const serverSide = new Promise<WebSocket>((resolve) => wss.once('connection', resolve));
		const client = new WebSocket(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}`);
		const opened = new Promise((resolve) => client.once('open', resolve));
		cleanups.push(() => client.terminate());
		const socket = socketOf(await serverSide);
		await opened;
		expect(
			socket,
			'ws renamed WebSocket#_socket: update socketOf() in server/stream-server.ts',
		).toBeInstanceOf(Socket);
		expect(typeof socket!.cork).toBe('function');
		expect(typeof socket!.uncork).toBe('function');
	});
});

/** Like upgradeStatus, from a chosen local address. */
function upgradeStatusFrom(url: string, localAddress: string): Promise<number> {
	return new Promise((resolve) => {
		const ws = new WebSocket(url, { localAddress });
		ws.on('open', () => {
			ws.close();
			resolve(101);
		});
		ws.on('unexpected-response', (_req, res) => {
			resolve(res.statusCode ?? 0);
			ws.terminate();
		});
		ws.on('error', () => resolve(0));
	});
}
