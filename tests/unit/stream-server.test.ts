import { afterEach, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { connect, upgradeStatus } from '../support/ws-client.ts';
import { startStream, type StreamFixture } from '../support/stream-fixture.ts';
import { isOriginAllowed } from '../../server/stream-server.ts';

const CHAPTER = {
	action: 'subscribe',
	mode: 'ltp',
	symbols: [
		{ symbol: 'RELIANCE', exchange: 'NSE' },
		{ symbol: 'TCS', exchange: 'NSE' },
	],
};
const isTick = (symbol: string, mode?: number) => (f: Record<string, unknown>) =>
	f.type === 'market_data' && f.symbol === symbol && (mode === undefined || f.mode === mode);

let fixture: StreamFixture | undefined;
afterEach(async () => {
	await fixture?.close();
	fixture = undefined;
});

describe('standalone mount (OpenAlgo rules)', () => {
	it('serves the SDK flow: authenticate, subscribe per mode, ticks with data.ltp, unsubscribe', async () => {
		fixture = await startStream({ rateMultiplier: 10 });
		const client = await connect(fixture.url);
		client.send({ action: 'authenticate', api_key: 'demo' });
		expect(await client.next((f) => f.type === 'auth')).toMatchObject({
			status: 'success',
			broker: 'mock',
		});
		client.send({
			action: 'subscribe',
			symbols: [
				{ symbol: 'RELIANCE', exchange: 'NSE' },
				{ symbol: 'TCS', exchange: 'NSE' },
			],
			mode: 1,
			depth: 5,
		});
		client.send({
			action: 'subscribe',
			symbols: [{ symbol: 'INFY', exchange: 'NSE' }],
			mode: 2,
			depth: 5,
		});
		client.send({
			action: 'subscribe',
			symbols: [{ symbol: 'SBIN', exchange: 'NSE' }],
			mode: 3,
			depth: 5,
		});
		const ltp = await client.next(isTick('RELIANCE', 1));
		expect(ltp).toMatchObject({
			exchange: 'NSE',
			mode: 1,
			broker: 'mock',
			data: { symbol: 'RELIANCE', mode: 1 },
		});
		expect(typeof (ltp.data as { ltp: unknown }).ltp).toBe('number');
		expect(await client.next(isTick('INFY', 2))).toMatchObject({
			data: { volume: expect.any(Number), change_percent: expect.any(Number) },
		});
		const depth = (await client.next(isTick('SBIN', 3))).data as {
			depth: { buy: unknown[]; sell: unknown[] };
		};
		expect(depth.depth.buy).toHaveLength(5);
		client.send({ action: 'unsubscribe', symbols: [{ symbol: 'INFY', exchange: 'NSE', mode: 2 }] });
		const ack = await client.next((f) => f.type === 'unsubscribe');
		// Order, not silence: once three more ticks of the others have come after the ack, none
		// of the frames after the ack is an INFY tick.
		const afterAck = () => client.frames.slice(client.frames.indexOf(ack) + 1);
		await client.next(() => afterAck().filter((f) => f.type === 'market_data').length >= 3, 10_000);
		expect(afterAck().filter(isTick('INFY'))).toEqual([]);
		client.ws.close();
	});

	it('refuses a subscribe before authenticate, and an invalid key when one is set', async () => {
		fixture = await startStream({ apiKey: 'secret' });
		const client = await connect(fixture.url);
		client.send(CHAPTER);
		expect(await client.next((f) => f.status === 'error')).toEqual({
			status: 'error',
			code: 'NOT_AUTHENTICATED',
			message: 'You must authenticate first',
		});
		client.send({ action: 'authenticate', api_key: 'nope' });
		expect(await client.next((f) => f.code === 'AUTHENTICATION_ERROR')).toMatchObject({
			message: 'Invalid API key',
		});
		client.send({ action: 'authenticate', api_key: 'secret' });
		await client.next((f) => f.type === 'auth');
		client.ws.close();
	});

	it('closes a connection that never authenticates with 4401', async () => {
		fixture = await startStream({ limits: { authGraceMs: 200 } });
		const client = await connect(fixture.url);
		expect(await client.closed).toEqual({ code: 4401, reason: 'auth timeout' });
	});

	it('answers malformed, binary, unknown and empty frames with errors and carries on', async () => {
		fixture = await startStream();
		const client = await connect(fixture.url);
		client.send('{"action": "subscribe",');
		client.ws.send(Buffer.from('{"action":"ping","_pingId":3}'), { binary: true });
		client.send({ action: 'hello' });
		client.send([1, 2]);
		client.send({ action: 'authenticate', api_key: 'demo' });
		await client.next((f) => f.type === 'auth');
		const errors = client.frames.filter((f) => f.status === 'error').map((f) => f.code);
		expect(errors).toEqual(['INVALID_JSON', 'INVALID_ACTION', 'INVALID_JSON']);
		expect(client.frames.find((f) => f.type === 'pong')).toMatchObject({ _pingId: 3 });
		client.ws.close();
	});

	it('refuses simulate_drop as an unknown action', async () => {
		fixture = await startStream();
		const client = await connect(fixture.url);
		client.send({ action: 'simulate_drop' });
		expect(await client.next((f) => f.status === 'error')).toMatchObject({
			code: 'INVALID_ACTION',
			message: 'Invalid action: simulate_drop',
		});
		client.ws.close();
	});

	it('closes with 1009 on an oversized frame and keeps serving other clients', async () => {
		fixture = await startStream({ limits: { maxPayloadBytes: 1024 } });
		const bystander = await connect(fixture.url);
		bystander.send({ action: 'authenticate', api_key: 'demo' });
		bystander.send({ ...CHAPTER, mode: 1 });
		const abuser = await connect(fixture.url);
		abuser.send('x'.repeat(2048));
		expect((await abuser.closed).code).toBe(1009);
		await bystander.next(isTick('RELIANCE'));
		const before = bystander.frames.length;
		await bystander.next((f) => f.type === 'market_data' && bystander.frames.indexOf(f) >= before);
		bystander.ws.close();
	});

	it('rate-limits a flood with one RATE_LIMITED notice, then closes it with 1008', async () => {
		fixture = await startStream({
			limits: { messagesPerSecond: 5, messageBurst: 5, floodCloseAfter: 50 },
		});
		const client = await connect(fixture.url);
		for (let i = 0; i < 100; i++) client.send({ action: 'ping', _pingId: i });
		const closed = await client.closed;
		expect(closed.code).toBe(1008);
		expect(client.frames.filter((f) => f.type === 'pong')).toHaveLength(5);
		expect(client.frames.filter((f) => f.code === 'RATE_LIMITED')).toHaveLength(1);
	});

	it('refuses symbols beyond the per-connection limit', async () => {
		fixture = await startStream({ limits: { maxSymbolsPerConnection: 2 } });
		const client = await connect(fixture.url);
		client.send({ action: 'authenticate', api_key: 'demo' });
		client.send({ action: 'subscribe', mode: 1, symbol: 'RELIANCE', exchange: 'NSE' });
		client.send({
			action: 'subscribe',
			mode: 1,
			symbols: [
				{ symbol: 'TCS', exchange: 'NSE' },
				{ symbol: 'INFY', exchange: 'NSE' },
			],
		});
		expect(
			await client.next((f) => f.type === 'subscribe' && f.status !== 'success'),
		).toMatchObject({
			status: 'partial',
			subscriptions: [
				{ symbol: 'TCS', status: 'success' },
				{ symbol: 'INFY', status: 'error' },
			],
		});
		client.ws.close();
	});

	it('refuses connections beyond the total with 503', async () => {
		fixture = await startStream({ limits: { maxConnections: 2 } });
		const a = await connect(fixture.url);
		const b = await connect(fixture.url);
		expect(await upgradeStatus(fixture.url)).toBe(503);
		a.ws.close();
		await a.closed;
		await expect.poll(() => fixture!.stream.clientCount()).toBe(1);
		expect(await upgradeStatus(fixture.url)).toBe(101);
		b.ws.close();
	});

	it('terminates a peer that stops answering pings', async () => {
		fixture = await startStream({ limits: { heartbeatIntervalMs: 100 } });
		const client = await connect(fixture.url, { autoPong: false });
		const closed = await client.closed;
		expect(closed.code).toBe(1006);
		await expect.poll(() => fixture!.stream.clientCount()).toBe(0);
	});

	it('keeps a slow reader bounded: only the latest tick per subscription waits for it', async () => {
		fixture = await startStream({ rateMultiplier: 1000, limits: { slowReaderBytes: 1 } });
		const client = await connect(fixture.url);
		client.send({ action: 'authenticate', api_key: 'demo' });
		const all = ['RELIANCE', 'TCS', 'INFY', 'HDFCBANK', 'SBIN'].map((symbol) => ({
			symbol,
			exchange: 'NSE',
		}));
		client.send({ action: 'subscribe', mode: 1, symbols: all });
		await client.next(isTick('RELIANCE'));
		// Stop reading: the kernel buffers fill, ws's bufferedAmount grows, conflation starts.
		(client.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket.pause();
		await expect
			.poll(() => fixture!.stream.stats().framesConflated, { timeout: 10_000 })
			.toBeGreaterThan(20);
		(client.ws as unknown as { _socket: { resume(): void } })._socket.resume();
		const received = client.frames.length;
		await client.next(
			(f) => isTick('RELIANCE')(f) && client.frames.indexOf(f) > received + 2,
			10_000,
		);
		client.ws.close();
	});

	it('shuts down with 1001 for every client (a closing handshake, never a cut-off 1006)', async () => {
		fixture = await startStream();
		const clients = await Promise.all([
			connect(fixture.url),
			connect(fixture.url),
			connect(fixture.url),
		]);
		await fixture.stream.close();
		expect(fixture.stream.clientCount()).toBe(0);
		for (const client of clients) expect((await client.closed).code).toBe(1001);
		await fixture.close();
		fixture = undefined;
	});
});

describe('site mount (the page’s /stream)', () => {
	it('takes the chapter’s bare subscribe without authenticate and streams both symbols', async () => {
		fixture = await startStream({ mount: 'site' });
		const client = await connect(fixture.url);
		client.send(CHAPTER);
		expect(await client.next((f) => f.type === 'subscribe')).toMatchObject({
			status: 'success',
			subscriptions: [
				{ symbol: 'RELIANCE', mode: 'LTP' },
				{ symbol: 'TCS', mode: 'LTP' },
			],
		});
		await client.next(isTick('RELIANCE', 1));
		await client.next(isTick('TCS', 1));
		client.ws.close();
	});

	it('drops the connection with 4000 on simulate_drop', async () => {
		fixture = await startStream({ mount: 'site' });
		const client = await connect(fixture.url);
		client.send({ action: 'simulate_drop' });
		expect(await client.closed).toEqual({ code: 4000, reason: 'dropped on request' });
	});

	it('refuses a browser from a foreign origin with 403', async () => {
		fixture = await startStream({ mount: 'site' });
		expect(await upgradeStatus(fixture.url, { Origin: 'https://evil.example' })).toBe(403);
		const host = new URL(fixture.url).host;
		expect(await upgradeStatus(fixture.url, { Origin: `http://${host}` })).toBe(101);
	});

	it('sends 100 concurrent clients the same prices for a symbol', async () => {
		// All from 127.0.0.1: the per-address cap is raised to let one test host open 100.
		fixture = await startStream({ mount: 'site', limits: { maxConnectionsPerAddress: 100 } });
		const clients = await Promise.all(Array.from({ length: 100 }, () => connect(fixture!.url)));
		for (const client of clients)
			client.send({ ...CHAPTER, symbols: [{ symbol: 'SBIN', exchange: 'NSE' }] });
		await Promise.all(
			clients.map((client) =>
				client.next(
					(f) => isTick('SBIN')(f) && client.frames.filter(isTick('SBIN')).length >= 3,
					10_000,
				),
			),
		);
		// Compare the ticks all clients saw after the last one subscribed.
		const latestFirst = Math.max(
			...clients.map(
				(c) => (c.frames.find(isTick('SBIN'))!.data as { timestamp: number }).timestamp,
			),
		);
		const seen = clients.map((c) =>
			c.frames
				.filter(isTick('SBIN'))
				.map((f) => f.data as { timestamp: number; ltp: number })
				.filter((d) => d.timestamp >= latestFirst)
				.slice(0, 2)
				.map((d) => `${d.timestamp}:${d.ltp}`)
				.join(','),
		);
		expect(new Set(seen).size).toBe(1);
		expect(seen[0]).not.toBe('');
		for (const client of clients) client.ws.close();
	});
});

describe('isOriginAllowed', () => {
	it('allows clients without an Origin, the same host, listed origins and loopback on standalone', () => {
		expect(isOriginAllowed(undefined, 'a:1', 'site')).toBe(true);
		expect(isOriginAllowed('http://a:1', 'a:1', 'site')).toBe(true);
		expect(isOriginAllowed('http://b:2', 'a:1', 'site', ['http://b:2'])).toBe(true);
		expect(isOriginAllowed('http://localhost:4321', '127.0.0.1:8765', 'standalone')).toBe(true);
		expect(isOriginAllowed('http://localhost:4321', '127.0.0.1:8765', 'site')).toBe(false);
		expect(isOriginAllowed('null', 'a:1', 'site')).toBe(false);
	});
});

describe('determinism across processes', () => {
	it('gives identical prices from two separate server processes', async () => {
		const cli = fileURLToPath(new URL('../../server/cli.ts', import.meta.url));
		const start = async () => {
			const child = spawn(process.execPath, [cli, '--port', '0'], {
				stdio: ['ignore', 'pipe', 'inherit'],
			});
			let output = '';
			child.stdout.setEncoding('utf8');
			while (!/ws:\/\/[\d.]+:\d+/.test(output)) {
				const [chunk] = (await once(child.stdout, 'data')) as [string];
				output += chunk;
			}
			return { child, url: /ws:\/\/[\d.]+:\d+/.exec(output)![0] };
		};
		const [one, two] = await Promise.all([start(), start()]);
		try {
			const ticks = async (url: string) => {
				const client = await connect(url);
				client.send({ action: 'authenticate', api_key: 'demo' });
				client.send({
					action: 'subscribe',
					mode: 1,
					symbols: [
						{ symbol: 'RELIANCE', exchange: 'NSE' },
						{ symbol: 'SBIN', exchange: 'NSE' },
					],
				});
				await client.next(
					() => client.frames.filter((f) => f.type === 'market_data').length >= 8,
					10_000,
				);
				client.ws.close();
				return client.frames
					.filter((f) => f.type === 'market_data')
					.map((f) => f.data as { timestamp: number; ltp: number; symbol: string });
			};
			const [a, b] = await Promise.all([ticks(one.url), ticks(two.url)]);
			const byTime = new Map(a.map((d) => [`${d.symbol}@${d.timestamp}`, d.ltp]));
			const shared = b.filter((d) => byTime.has(`${d.symbol}@${d.timestamp}`));
			expect(shared.length).toBeGreaterThan(3);
			for (const d of shared) expect(d.ltp).toBe(byTime.get(`${d.symbol}@${d.timestamp}`));
		} finally {
			one.child.kill('SIGTERM');
			two.child.kill('SIGTERM');
		}
	});
});

describe('re-authenticating with a wrong key', () => {
	it('de-authenticates over a real socket: no tick after the refusal, subscribe refused', async () => {
		fixture = await startStream({ apiKey: 'right', rateMultiplier: 20 });
		const client = await connect(fixture.url);
		client.send({ action: 'authenticate', api_key: 'right' });
		await client.next((f) => f.type === 'auth');
		client.send(CHAPTER);
		await client.next(isTick('RELIANCE'));
		client.send({ action: 'authenticate', api_key: 'wrong' });
		const refusal = await client.next((f) => f.code === 'AUTHENTICATION_ERROR');
		expect(refusal).toEqual({
			status: 'error',
			code: 'AUTHENTICATION_ERROR',
			message: 'Invalid API key',
		});
		client.send(CHAPTER);
		await client.next((f) => f.code === 'NOT_AUTHENTICATED');
		client.send({ action: 'ping', timestamp: 1 });
		const pong = await client.next((f) => f.type === 'pong');
		// Frames arrive in the order the server sent them: none priced after the refusal.
		const after = client.frames.slice(client.frames.indexOf(refusal), client.frames.indexOf(pong));
		expect(after.filter((f) => f.type === 'market_data')).toEqual([]);
		client.ws.close();
	});
});
