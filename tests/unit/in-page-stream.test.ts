import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createStreamServer } from '../../server/stream-server.ts';
import { inPageSocketFactory } from '../../src/client/in-page-stream.client.ts';
import {
	ReconnectingSocket,
	type StreamSocket,
} from '../../src/client/reconnecting-socket.client.ts';
import { DEFAULT_SEED, createMarket, type Tick } from '../../src/lib/market-engine.ts';

/** The fake wall clock the timers run on. */
const SYSTEM_START = 1_000_000;
/** The market time the injected `now` reports at SYSTEM_START (a weekday morning, in UTC). */
const MARKET_START = Date.UTC(2025, 0, 6, 4, 0, 0);
const now = (): number => MARKET_START + (Date.now() - SYSTEM_START);

const EX1_COMPACT =
	'{"action":"subscribe","mode":"ltp","symbols":[{"symbol":"RELIANCE","exchange":"NSE"},{"symbol":"TCS","exchange":"NSE"}]}';

interface Watched {
	socket: StreamSocket;
	opened: number;
	frames: Array<Record<string, unknown>>;
	closes: Array<{ code: number; reason: string }>;
}

function watch(socket: StreamSocket): Watched {
	const watched: Watched = { socket, opened: 0, frames: [], closes: [] };
	socket.onopen = () => watched.opened++;
	socket.onmessage = (event) =>
		watched.frames.push(JSON.parse(event.data as string) as Record<string, unknown>);
	socket.onclose = (event) => watched.closes.push({ code: event.code, reason: event.reason });
	return watched;
}

/** An in-page socket that has opened (30 ms after it was made). */
function openSocket(options: Parameters<typeof inPageSocketFactory>[0] = {}): Watched {
	const watched = watch(inPageSocketFactory({ now, ...options })());
	vi.advanceTimersByTime(30);
	expect(watched.opened).toBe(1);
	return watched;
}

function ltpFrame(tick: Tick): Record<string, unknown> {
	return {
		type: 'market_data',
		symbol: tick.symbol,
		exchange: tick.exchange,
		mode: 1,
		data: {
			ltp: tick.ltp,
			ltt: tick.timeMs,
			symbol: tick.symbol,
			exchange: tick.exchange,
			mode: 1,
			timestamp: tick.timeMs,
		},
		broker: 'mock',
	};
}

const marketData = (w: Watched): Array<Record<string, unknown>> =>
	w.frames.filter((f) => f.type === 'market_data');

describe('the server and the page simulate the same market', () => {
	it('the stream server uses DEFAULT_SEED unless told otherwise', async () => {
		const server = createStreamServer({ mount: 'site' });
		try {
			expect(server.market.seed).toBe(DEFAULT_SEED);
			const reference = createMarket({ seed: DEFAULT_SEED });
			expect(
				server.market.ticksBetween('RELIANCE', 'NSE', MARKET_START, MARKET_START + 10_000),
			).toEqual(reference.ticksBetween('RELIANCE', 'NSE', MARKET_START, MARKET_START + 10_000));
		} finally {
			await server.close();
		}
	});
});

describe('inPageSocketFactory', () => {
	beforeEach(() => {
		vi.useFakeTimers();
		vi.setSystemTime(SYSTEM_START);
	});

	afterEach(() => {
		vi.useRealTimers();
	});

	it('opens asynchronously, after the owner has attached its handlers', () => {
		const socket = inPageSocketFactory({ now })();
		const watched = watch(socket);
		expect(watched.opened).toBe(0);
		// Sent before the open: dropped, as a real socket refuses to send while connecting.
		socket.send(EX1_COMPACT);
		vi.advanceTimersByTime(29);
		expect(watched.opened).toBe(0);
		vi.advanceTimersByTime(1);
		expect(watched.opened).toBe(1);
		vi.advanceTimersByTime(5_000);
		expect(watched.frames).toEqual([]);
	});

	it("acks the chapter's subscribe message, then streams RELIANCE and TCS at the seeded market's prices", () => {
		const watched = openSocket();
		const subscribedAt = now();
		watched.socket.send(EX1_COMPACT);
		// The reply arrives in a later task, not inside send().
		expect(watched.frames).toEqual([]);
		vi.advanceTimersByTime(0);
		expect(watched.frames).toEqual([
			{
				type: 'subscribe',
				status: 'success',
				subscriptions: [
					{
						symbol: 'RELIANCE',
						exchange: 'NSE',
						status: 'success',
						mode: 'LTP',
						depth: 5,
						broker: 'mock',
					},
					{
						symbol: 'TCS',
						exchange: 'NSE',
						status: 'success',
						mode: 'LTP',
						depth: 5,
						broker: 'mock',
					},
				],
				message: 'Subscription processing complete',
				broker: 'mock',
			},
		]);

		vi.advanceTimersByTime(5_000);
		const market = createMarket({ seed: DEFAULT_SEED });
		const until = subscribedAt + 5_000;
		const reliance = market.ticksBetween('RELIANCE', 'NSE', subscribedAt, until);
		const tcs = market.ticksBetween('TCS', 'NSE', subscribedAt, until);
		expect(reliance.length).toBeGreaterThan(2);
		expect(tcs.length).toBeGreaterThan(1);

		const frames = marketData(watched);
		expect(frames.filter((f) => f.symbol === 'RELIANCE')).toEqual(reliance.map(ltpFrame));
		expect(frames.filter((f) => f.symbol === 'TCS')).toEqual(tcs.map(ltpFrame));
		expect(frames).toHaveLength(reliance.length + tcs.length);
		const times = frames.map((f) => (f.data as { timestamp: number }).timestamp);
		expect(times).toEqual([...times].sort((a, b) => a - b));
		// Each price is the market's price at that tick's time, not the wall clock's.
		for (const frame of frames) {
			const data = frame.data as { ltp: number; timestamp: number };
			expect(data.ltp).toBe(market.lastTick(frame.symbol as string, 'NSE', data.timestamp).ltp);
			expect(data.timestamp).toBeGreaterThan(MARKET_START);
		}
	});

	it('delivers a tick only once its time has come', () => {
		const watched = openSocket();
		const subscribedAt = now();
		watched.socket.send(EX1_COMPACT);
		vi.advanceTimersByTime(0);
		const market = createMarket({ seed: DEFAULT_SEED });
		const first = market.ticksBetween('RELIANCE', 'NSE', subscribedAt, subscribedAt + 60_000)[0]!;
		// Stop just short of the pump that follows the tick.
		const pumpAfterTick = subscribedAt + Math.ceil((first.timeMs - subscribedAt) / 50) * 50;
		vi.advanceTimersByTime(pumpAfterTick - now() - 1);
		expect(marketData(watched).some((f) => f.symbol === 'RELIANCE')).toBe(false);
		vi.advanceTimersByTime(1);
		expect(marketData(watched).find((f) => f.symbol === 'RELIANCE')).toEqual(ltpFrame(first));
	});

	it('delivers at most two seconds of backlog after a long pause', () => {
		const watched = openSocket();
		watched.socket.send(EX1_COMPACT);
		vi.advanceTimersByTime(0);
		const before = marketData(watched).length;
		// The tab slept for a minute: the clock jumps, no timer ran meanwhile.
		vi.setSystemTime(Date.now() + 60_000);
		vi.advanceTimersByTime(50);
		const late = marketData(watched).slice(before);
		const market = createMarket({ seed: DEFAULT_SEED });
		const end = now();
		const expected = [
			...market.ticksBetween('RELIANCE', 'NSE', end - 2_000, end),
			...market.ticksBetween('TCS', 'NSE', end - 2_000, end),
		];
		expect(late.length).toBe(expected.length);
		expect(late.length).toBeGreaterThan(0);
		for (const frame of late)
			expect((frame.data as { timestamp: number }).timestamp).toBeGreaterThan(end - 2_000);
	});

	it('answers a ping with a pong that echoes its timestamp and id', () => {
		const watched = openSocket();
		const at = now();
		watched.socket.send('{"action":"ping","timestamp":123,"_pingId":7}');
		vi.advanceTimersByTime(0);
		expect(watched.frames).toEqual([
			{ type: 'pong', status: 'success', server_timestamp: at, client_timestamp: 123, _pingId: 7 },
		]);
	});

	it('closes with code 4000 when asked to simulate a drop, and is silent afterwards', () => {
		const watched = openSocket();
		watched.socket.send(EX1_COMPACT);
		vi.advanceTimersByTime(1_000);
		watched.socket.send('{"action":"simulate_drop"}');
		expect(watched.closes).toEqual([]);
		vi.advanceTimersByTime(0);
		expect(watched.closes).toEqual([{ code: 4000, reason: 'dropped on request' }]);
		const count = watched.frames.length;
		vi.advanceTimersByTime(10_000);
		watched.socket.send('{"action":"ping"}');
		vi.advanceTimersByTime(10);
		expect(watched.frames).toHaveLength(count);
		expect(watched.closes).toHaveLength(1);
	});

	it('answers garbage with an error frame and stays open', () => {
		const watched = openSocket();
		watched.socket.send('subscribe me to RELIANCE please');
		vi.advanceTimersByTime(0);
		expect(watched.frames).toEqual([
			{ status: 'error', code: 'INVALID_JSON', message: 'Invalid JSON message' },
		]);

		watched.socket.send(
			'{"action":"subscribe","mode":"fast","symbols":[{"symbol":"TCS","exchange":"NSE"}]}',
		);
		vi.advanceTimersByTime(0);
		expect(watched.frames.at(-1)).toMatchObject({ status: 'error', code: 'INVALID_MODE' });

		watched.socket.send('{"action":"ping","timestamp":1}');
		vi.advanceTimersByTime(0);
		expect(watched.frames.at(-1)).toMatchObject({ type: 'pong', client_timestamp: 1 });
		expect(watched.closes).toEqual([]);
	});

	it('closes with 1009 on a message over 1 MiB, as the server does', () => {
		const watched = openSocket();
		watched.socket.send(`{"action":"ping","timestamp":"${'x'.repeat(1024 * 1024)}"}`);
		vi.advanceTimersByTime(0);
		expect(watched.closes).toEqual([{ code: 1009, reason: '' }]);
		expect(watched.frames).toEqual([]);
	});

	it('closes with the code asked for, once, and never opens if closed first', () => {
		const watched = openSocket();
		watched.socket.close(1000, 'bye');
		watched.socket.close(1001, 'again');
		vi.advanceTimersByTime(0);
		expect(watched.closes).toEqual([{ code: 1000, reason: 'bye' }]);

		const early = watch(inPageSocketFactory({ now })());
		early.socket.close();
		vi.advanceTimersByTime(1_000);
		expect(early.opened).toBe(0);
		expect(early.closes).toEqual([{ code: 1000, reason: '' }]);
	});

	it('drives the reconnecting client: a dropped simulation reconnects and is re-subscribed', () => {
		const opens: boolean[] = [];
		const received: string[] = [];
		const client: ReconnectingSocket = new ReconnectingSocket({
			createSocket: inPageSocketFactory({ now }),
			onState: () => {},
			onMessage: (text) => received.push(text),
			onOpen: (reconnect) => {
				opens.push(reconnect);
				client.send(EX1_COMPACT);
			},
			random: () => 0.5,
		});
		client.connect();
		// Opens at 30 ms; the subscribe's ack follows in a later task.
		vi.advanceTimersByTime(100);
		expect(client.state).toBe('open');
		expect(client.send('{"action":"simulate_drop"}')).toBe(true);
		vi.advanceTimersByTime(0);
		expect(client.state).toBe('reconnecting');
		vi.advanceTimersByTime(750 + 30);
		expect(client.state).toBe('open');
		expect(opens).toEqual([false, true]);
		vi.advanceTimersByTime(100);
		const acks = received
			.map((text) => JSON.parse(text) as Record<string, unknown>)
			.filter((f) => f.type === 'subscribe');
		expect(acks).toHaveLength(2);
		client.dispose();
	});
});
