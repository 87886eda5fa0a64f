import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_BACKOFF, backoffDelayMs } from '../../src/lib/backoff.ts';
import {
	CLOSE_HEARTBEAT_TIMEOUT,
	HEARTBEAT_MS,
	HEARTBEAT_TIMEOUT_MS,
	ReconnectingSocket,
	type CloseInfo,
	type ReconnectingSocketOptions,
	type SocketStateInfo,
	type StreamSocket,
} from '../../src/client/reconnecting-socket.client.ts';

const START_MS = 1_700_000_000_000;

/** A socket the test drives by hand: it opens, receives and drops when told to. */
class FakeSocket implements StreamSocket {
	onopen: ((event: Event) => void) | null = null;
	onmessage: ((event: MessageEvent) => void) | null = null;
	onclose: ((event: CloseEvent) => void) | null = null;
	onerror: ((event: Event) => void) | null = null;
	readonly sent: string[] = [];
	readonly closeCalls: Array<{ code?: number; reason?: string }> = [];
	readonly transport: string;

	constructor(transport: string) {
		this.transport = transport;
	}

	send(text: string): void {
		this.sent.push(text);
	}

	close(code?: number, reason?: string): void {
		this.closeCalls.push({ code, reason });
	}

	open(): void {
		this.onopen?.(new Event('open'));
	}

	receive(text: string): void {
		this.onmessage?.(new MessageEvent('message', { data: text }));
	}

	/** The connection ends (the server went away, or it never answered). */
	drop(code = 1006, reason = ''): void {
		this.onerror?.(new Event('error'));
		this.onclose?.(new CloseEvent('close', { code, reason }));
	}
}

interface Harness {
	client: ReconnectingSocket;
	sockets: FakeSocket[];
	states: SocketStateInfo[];
	opens: boolean[];
	closes: CloseInfo[];
	messages: string[];
	selfSent: string[];
	latest(): FakeSocket;
}

function harness(
	overrides: Partial<ReconnectingSocketOptions> = {},
	transport = 'server',
): Harness {
	const sockets: FakeSocket[] = [];
	const states: SocketStateInfo[] = [];
	const opens: boolean[] = [];
	const closes: CloseInfo[] = [];
	const messages: string[] = [];
	const selfSent: string[] = [];
	const client = new ReconnectingSocket({
		createSocket: () => {
			const socket = new FakeSocket(transport);
			sockets.push(socket);
			return socket;
		},
		onState: (info) => states.push(info),
		onMessage: (text) => messages.push(text),
		onOpen: (reconnect) => opens.push(reconnect),
		onClose: (info) => {
			closes.push(info);
		},
		onSend: (text) => selfSent.push(text),
		random: () => 0.5,
		...overrides,
	});
	return {
		client,
		sockets,
		states,
		opens,
		closes,
		messages,
		selfSent,
		latest: () => {
			const socket = sockets.at(-1);
			if (!socket) throw new Error('no socket was created');
			return socket;
		},
	};
}

beforeEach(() => {
	vi.useFakeTimers();
	vi.setSystemTime(START_MS);
});

afterEach(() => {
	vi.useRealTimers();
});

describe('connecting', () => {
	it('starts idle, reports connecting, then open on the first open', () => {
		const h = harness();
		expect(h.client.state).toBe('idle');
		h.client.connect();
		expect(h.client.state).toBe('connecting');
		expect(h.states).toEqual([{ state: 'connecting', failures: 0 }]);
		expect(h.sockets).toHaveLength(1);
		expect(h.opens).toEqual([]);

		h.latest().open();
		expect(h.client.state).toBe('open');
		expect(h.states.at(-1)).toEqual({ state: 'open', failures: 0 });
		expect(h.opens).toEqual([false]);
	});

	it('passes every received text frame to onMessage', () => {
		const h = harness();
		h.client.connect();
		h.latest().open();
		h.latest().receive('{"type":"market_data"}');
		h.latest().receive('second');
		expect(h.messages).toEqual(['{"type":"market_data"}', 'second']);
	});

	it('sends only while open, and says so', () => {
		const h = harness();
		expect(h.client.send('before connect')).toBe(false);
		h.client.connect();
		expect(h.client.send('while connecting')).toBe(false);
		h.latest().open();
		expect(h.client.send('{"action":"subscribe"}')).toBe(true);
		h.latest().drop();
		expect(h.client.state).toBe('reconnecting');
		expect(h.client.send('while reconnecting')).toBe(false);
		h.client.disconnect();
		expect(h.client.send('after disconnect')).toBe(false);
		expect(h.sockets.flatMap((s) => s.sent)).toEqual(['{"action":"subscribe"}']);
	});
});

describe('reconnecting', () => {
	it('after a drop waits the first backoff delay, reconnects and says it is a reconnect', () => {
		const h = harness();
		h.client.connect();
		h.latest().open();
		vi.advanceTimersByTime(5_000);
		h.latest().drop(1006, 'gone');

		const delay = backoffDelayMs(0, 0.5, DEFAULT_BACKOFF);
		expect(delay).toBe(750);
		expect(h.closes).toEqual([{ code: 1006, reason: 'gone', opened: true, intended: false }]);
		expect(h.client.state).toBe('reconnecting');
		expect(h.states.at(-1)).toEqual({
			state: 'reconnecting',
			failures: 0,
			retryAtMs: START_MS + 5_000 + delay,
		});

		vi.advanceTimersByTime(delay - 1);
		expect(h.sockets).toHaveLength(1);
		vi.advanceTimersByTime(1);
		expect(h.sockets).toHaveLength(2);
		expect(h.client.state).toBe('connecting');

		h.latest().open();
		expect(h.opens).toEqual([false, true]);
		expect(h.client.state).toBe('open');
	});

	it('grows the delay with each attempt that never opens, up to the ceiling', () => {
		const h = harness();
		h.client.connect();
		const expected = [0, 1, 2, 3, 4, 5, 6, 7].map((attempt) =>
			backoffDelayMs(attempt, 0.5, DEFAULT_BACKOFF),
		);
		expect(expected).toEqual([750, 1500, 3000, 6000, 6000, 6000, 6000, 6000]);
		const waited: number[] = [];
		for (let attempt = 0; attempt < expected.length; attempt++) {
			const now = Date.now();
			h.latest().drop();
			const info = h.states.at(-1)!;
			expect(info.state).toBe('reconnecting');
			expect(info.failures).toBe(attempt + 1);
			waited.push(info.retryAtMs! - now);
			const count = h.sockets.length;
			vi.advanceTimersByTime(expected[attempt]! - 1);
			expect(h.sockets).toHaveLength(count);
			vi.advanceTimersByTime(1);
			expect(h.sockets).toHaveLength(count + 1);
		}
		expect(waited).toEqual(expected);
		expect(h.closes.every((c) => !c.opened && !c.intended)).toBe(true);
		expect(h.opens).toEqual([]);
	});

	it('resets the count once a connection opens', () => {
		const h = harness();
		h.client.connect();
		h.latest().drop();
		vi.advanceTimersByTime(750);
		h.latest().drop();
		vi.advanceTimersByTime(1500);
		h.latest().open();
		// Never opened before this connect(), so this is still the first open.
		expect(h.opens).toEqual([false]);
		expect(h.states.at(-1)).toEqual({ state: 'open', failures: 0 });
		const now = Date.now();
		h.latest().drop();
		expect(h.states.at(-1)).toEqual({ state: 'reconnecting', failures: 0, retryAtMs: now + 750 });
	});

	it('uses the jitter draw and custom backoff options it is given', () => {
		const h = harness({
			random: () => 0,
			backoff: { baseMs: 100, maxMs: 1_000, factor: 3, jitter: 0 },
		});
		h.client.connect();
		const waits: number[] = [];
		for (let i = 0; i < 4; i++) {
			const now = Date.now();
			h.latest().drop();
			const wait = h.states.at(-1)!.retryAtMs! - now;
			waits.push(wait);
			vi.advanceTimersByTime(wait);
		}
		expect(waits).toEqual([100, 300, 900, 1000]);
	});

	it('treats a socket that cannot be created as an attempt that never answered', () => {
		let calls = 0;
		const sockets: FakeSocket[] = [];
		const h = harness({
			createSocket: () => {
				calls++;
				if (calls === 1) throw new SyntaxError('bad URL');
				const socket = new FakeSocket('server');
				sockets.push(socket);
				return socket;
			},
		});
		expect(() => h.client.connect()).not.toThrow();
		expect(h.closes).toEqual([
			{ code: 1006, reason: 'could not create the socket', opened: false, intended: false },
		]);
		expect(h.client.state).toBe('reconnecting');
		vi.advanceTimersByTime(750);
		expect(sockets).toHaveLength(1);
		sockets[0]!.open();
		expect(h.client.state).toBe('open');
	});

	it('stops retrying when onClose returns false', () => {
		const h = harness({ onClose: () => false });
		h.client.connect();
		h.latest().drop();
		vi.advanceTimersByTime(10 * 60_000);
		expect(h.sockets).toHaveLength(1);
		expect(h.states.some((s) => s.state === 'reconnecting')).toBe(false);
	});

	it('keeps retrying when onClose returns nothing or true', () => {
		for (const answer of [undefined, true]) {
			const h = harness({ onClose: () => answer });
			h.client.connect();
			h.latest().drop();
			vi.advanceTimersByTime(750);
			expect(h.sockets).toHaveLength(2);
			h.client.dispose();
		}
	});
});

describe('retryNow', () => {
	it('skips the rest of the backoff and opens now, once', () => {
		const h = harness();
		h.client.connect();
		h.latest().open();
		h.latest().drop();
		expect(h.client.state).toBe('reconnecting');
		expect(h.client.retryNow()).toBe(true);
		expect(h.sockets).toHaveLength(2);
		expect(h.client.state).toBe('connecting');
		// The scheduled retry is gone: no third socket when its time comes.
		vi.advanceTimersByTime(60_000);
		expect(h.sockets).toHaveLength(2);
		h.latest().open();
		expect(h.opens).toEqual([false, true]);
	});

	it('does nothing unless a retry is waiting', () => {
		const h = harness();
		expect(h.client.retryNow()).toBe(false);
		h.client.connect();
		expect(h.client.retryNow()).toBe(false);
		h.latest().open();
		expect(h.client.retryNow()).toBe(false);
		h.client.disconnect();
		expect(h.client.retryNow()).toBe(false);
		expect(h.sockets).toHaveLength(1);
	});
});

describe('ping', () => {
	it('sends one ping now when open and tells onSend, and nothing otherwise', () => {
		const h = harness();
		expect(h.client.ping()).toBe(false);
		h.client.connect();
		h.latest().open();
		expect(h.client.ping()).toBe(true);
		expect(JSON.parse(h.latest().sent.at(-1)!)).toEqual({
			action: 'ping',
			timestamp: START_MS,
			_pingId: 1,
		});
		expect(h.selfSent).toEqual(h.latest().sent);
	});
});

describe('disconnect', () => {
	it('closes the open socket with 1000, reports closed, and never retries', () => {
		const h = harness();
		h.client.connect();
		const socket = h.latest();
		socket.open();
		h.client.disconnect();
		expect(socket.closeCalls).toEqual([{ code: 1000, reason: 'reader disconnected' }]);
		expect(h.client.state).toBe('closed');
		expect(h.states.at(-1)).toEqual({ state: 'closed', failures: 0 });

		// The socket's own close event arrives later: it changes nothing.
		socket.drop(1000, 'reader disconnected');
		vi.advanceTimersByTime(60 * 60_000);
		expect(h.sockets).toHaveLength(1);
		expect(h.closes).toEqual([]);
		expect(h.client.state).toBe('closed');
	});

	it('cancels a retry that was already scheduled', () => {
		const h = harness();
		h.client.connect();
		h.latest().open();
		h.latest().drop();
		expect(h.client.state).toBe('reconnecting');
		h.client.disconnect();
		vi.advanceTimersByTime(60 * 60_000);
		expect(h.sockets).toHaveLength(1);
		expect(h.client.state).toBe('closed');
	});

	it('stops the heartbeat', () => {
		const h = harness({ heartbeatMs: 1_000, heartbeatTimeoutMs: 500 });
		h.client.connect();
		const socket = h.latest();
		socket.open();
		h.client.disconnect();
		vi.advanceTimersByTime(60_000);
		expect(socket.sent).toEqual([]);
		expect(h.selfSent).toEqual([]);
	});

	it('connect() after disconnect starts afresh with a first open', () => {
		const h = harness();
		h.client.connect();
		h.latest().open();
		h.client.disconnect();
		h.client.connect();
		expect(h.sockets).toHaveLength(2);
		h.latest().open();
		expect(h.opens).toEqual([false, false]);
	});
});

describe('heartbeat', () => {
	it('uses a 15 s ping and a 10 s deadline by default', () => {
		expect([HEARTBEAT_MS, HEARTBEAT_TIMEOUT_MS]).toEqual([15_000, 10_000]);
		const h = harness();
		h.client.connect();
		h.latest().open();
		vi.advanceTimersByTime(HEARTBEAT_MS - 1);
		expect(h.latest().sent).toEqual([]);
		vi.advanceTimersByTime(1);
		expect(h.latest().sent).toHaveLength(1);
		vi.advanceTimersByTime(HEARTBEAT_TIMEOUT_MS);
		expect(h.client.state).toBe('reconnecting');
	});

	it('pings an open connection and tells onSend', () => {
		const h = harness({ heartbeatMs: 1_000, heartbeatTimeoutMs: 500 });
		h.client.connect();
		const socket = h.latest();
		socket.open();
		vi.advanceTimersByTime(999);
		expect(socket.sent).toEqual([]);
		vi.advanceTimersByTime(1);
		expect(socket.sent).toHaveLength(1);
		expect(JSON.parse(socket.sent[0]!)).toEqual({
			action: 'ping',
			timestamp: START_MS + 1_000,
			_pingId: 1,
		});
		expect(h.selfSent).toEqual(socket.sent);
	});

	it('abandons a connection that stays silent after a ping and schedules a reconnect', () => {
		const h = harness({ heartbeatMs: 1_000, heartbeatTimeoutMs: 500 });
		h.client.connect();
		const socket = h.latest();
		socket.open();
		// Traffic before the ping does not count as an answer to it.
		vi.advanceTimersByTime(900);
		socket.receive('tick');
		vi.advanceTimersByTime(100 + 499);
		expect(h.client.state).toBe('open');
		vi.advanceTimersByTime(1);
		expect(socket.closeCalls).toEqual([
			{ code: CLOSE_HEARTBEAT_TIMEOUT, reason: 'heartbeat timeout' },
		]);
		expect(CLOSE_HEARTBEAT_TIMEOUT).toBe(4001);
		expect(h.closes).toEqual([
			{ code: 4001, reason: 'heartbeat timeout', opened: true, intended: false },
		]);
		expect(h.states.at(-1)).toEqual({
			state: 'reconnecting',
			failures: 0,
			retryAtMs: START_MS + 1_500 + 750,
		});

		// The dead socket's late events are ignored.
		socket.receive('late');
		socket.drop();
		expect(h.messages).toEqual(['tick']);
		expect(h.closes).toHaveLength(1);

		vi.advanceTimersByTime(750);
		expect(h.sockets).toHaveLength(2);
		h.latest().open();
		expect(h.opens).toEqual([false, true]);
	});

	it('keeps a connection that answers in time', () => {
		const h = harness({ heartbeatMs: 1_000, heartbeatTimeoutMs: 500 });
		h.client.connect();
		const socket = h.latest();
		socket.open();
		vi.advanceTimersByTime(1_000);
		for (let round = 1; round <= 5; round++) {
			expect(socket.sent).toHaveLength(round);
			vi.advanceTimersByTime(200);
			socket.receive(JSON.stringify({ type: 'pong', _pingId: round }));
			// Past this ping's deadline.
			vi.advanceTimersByTime(300);
			expect(h.client.state).toBe('open');
			vi.advanceTimersByTime(500);
		}
		expect(socket.closeCalls).toEqual([]);
		expect(h.sockets).toHaveLength(1);
		expect(h.closes).toEqual([]);
	});

	it('does not ping while reconnecting', () => {
		const h = harness({ heartbeatMs: 1_000, heartbeatTimeoutMs: 500, onClose: () => false });
		h.client.connect();
		const socket = h.latest();
		socket.open();
		socket.drop();
		vi.advanceTimersByTime(10_000);
		expect(socket.sent).toEqual([]);
	});
});

describe('useTransport', () => {
	it('connects through the new factory now, and retries through it afterwards', () => {
		const h = harness();
		h.client.connect();
		h.latest().drop();
		const simulated: FakeSocket[] = [];
		h.client.useTransport(() => {
			const socket = new FakeSocket('simulation');
			simulated.push(socket);
			return socket;
		});
		expect(simulated).toHaveLength(1);
		expect(h.client.state).toBe('connecting');
		simulated[0]!.open();
		// A new transport counts as a fresh connect: the first open is not a reconnect.
		expect(h.opens).toEqual([false]);
		expect(h.client.send('hello')).toBe(true);
		expect(simulated[0]!.sent).toEqual(['hello']);

		simulated[0]!.drop(4000, 'dropped on request');
		vi.advanceTimersByTime(60_000);
		expect(simulated.length).toBeGreaterThanOrEqual(2);
		expect(h.sockets).toHaveLength(1);
		simulated.at(-1)!.open();
		expect(h.opens).toEqual([false, true]);
	});

	it('cancels the retry the old transport had scheduled', () => {
		const h = harness();
		h.client.connect();
		h.latest().drop();
		expect(h.client.state).toBe('reconnecting');
		const simulated: FakeSocket[] = [];
		h.client.useTransport(() => {
			const socket = new FakeSocket('simulation');
			simulated.push(socket);
			return socket;
		});
		vi.advanceTimersByTime(60_000);
		expect(h.sockets).toHaveLength(1);
		expect(simulated).toHaveLength(1);
	});

	it('ignores the replaced socket and closes it when swapping an open connection', () => {
		const h = harness();
		h.client.connect();
		const old = h.latest();
		old.open();
		const simulated = new FakeSocket('simulation');
		h.client.useTransport(() => simulated);
		old.receive('stale tick');
		old.drop();
		expect(h.messages).toEqual([]);
		expect(h.closes).toEqual([]);
		expect(h.client.state).toBe('connecting');
		// The replaced connection must not stay open on the server, streaming to nobody.
		expect(old.closeCalls).toHaveLength(1);
	});
});

describe('dispose', () => {
	it('closes the socket and stops every timer without reporting a state', () => {
		const h = harness({ heartbeatMs: 1_000, heartbeatTimeoutMs: 500 });
		h.client.connect();
		const socket = h.latest();
		socket.open();
		const reported = h.states.length;
		h.client.dispose();
		expect(socket.closeCalls).toEqual([{ code: 1000, reason: 'page closed' }]);
		expect(h.client.state).toBe('closed');
		vi.advanceTimersByTime(60 * 60_000);
		expect(socket.sent).toEqual([]);
		expect(h.sockets).toHaveLength(1);
		expect(h.states).toHaveLength(reported);
	});
});
