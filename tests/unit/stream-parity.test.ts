// The README's promise, checked frame by frame: the page's in-page simulation shows "the prices
// the server would have sent". The stream server (over a real socket) and the in-page socket run
// on one injected clock, get the same subscribe at the same instant, and the clock is stepped
// only after both have pumped; every market_data frame each sends must be the same, in order.
import { afterEach, describe, expect, it } from 'vitest';
import { inPageSocketFactory } from '../../src/client/in-page-stream.client.ts';
import { connect } from '../support/ws-client.ts';
import { startStream, type StreamFixture } from '../support/stream-fixture.ts';

/** A weekday morning in UTC, so the sessions' open/close figures are non-trivial. */
const T0 = Date.UTC(2025, 0, 6, 4, 0, 0);
const STEP_MS = 100;
const STEPS = 150;
const RATE = 4;

const SUBSCRIBES = [
	{
		action: 'subscribe',
		mode: 'ltp',
		symbols: [
			{ symbol: 'RELIANCE', exchange: 'NSE' },
			{ symbol: 'TCS', exchange: 'NSE' },
		],
	},
	{ action: 'subscribe', mode: 'quote', symbols: [{ symbol: 'INFY', exchange: 'NSE' }] },
	{ action: 'subscribe', mode: 3, depth: 5, symbols: [{ symbol: 'RELIANCE', exchange: 'NSE' }] },
];

const LATE_SUBSCRIBE = {
	action: 'subscribe',
	mode: 'quote',
	symbols: [{ symbol: 'SBIN', exchange: 'NSE' }],
};

let fixture: StreamFixture | undefined;
afterEach(async () => {
	await fixture?.close();
	fixture = undefined;
});

/** Resolves once `check` holds, looking again on every turn of the event loop (bounded). */
async function until(check: () => boolean, what: string, maxTurns = 20_000): Promise<void> {
	for (let turn = 0; turn < maxTurns; turn++) {
		if (check()) return;
		await new Promise((resolve) => setTimeout(resolve, 1));
	}
	throw new Error(`gave up waiting for ${what}`);
}

describe('server and in-page stream on one clock', () => {
	it('send the very same market_data frames, in the same order', async () => {
		let t = T0;
		let serverReads = 0;
		let pageReads = 0;
		fixture = await startStream({
			mount: 'site',
			rateMultiplier: RATE,
			now: () => (serverReads++, t),
		});
		const server = await connect(fixture.url);
		const page: Array<Record<string, unknown>> = [];
		const socket = inPageSocketFactory({
			rateMultiplier: RATE,
			pumpMs: 10,
			now: () => (pageReads++, t),
		})();
		let pageOpen = false;
		socket.onopen = () => (pageOpen = true);
		socket.onmessage = (event) =>
			page.push(JSON.parse(String(event.data)) as Record<string, unknown>);
		await until(() => pageOpen, 'the in-page socket to open');

		for (const message of SUBSCRIBES) {
			server.send(message);
			socket.send(JSON.stringify(message));
		}
		const acks = (frames: Array<Record<string, unknown>>) =>
			frames.filter((f) => f.type === 'subscribe').length === SUBSCRIBES.length;
		await until(() => acks(server.frames) && acks(page), 'both acks');

		for (let step = 0; step < STEPS; step++) {
			t += STEP_MS;
			if (step === STEPS / 2) {
				// A subscribe made between two pumps: it gets only ticks after its own instant
				// (the server used to send it the ticks since its last pump too).
				server.send(LATE_SUBSCRIBE);
				socket.send(JSON.stringify(LATE_SUBSCRIBE));
				const count = (frames: Array<Record<string, unknown>>) =>
					frames.filter((f) => f.type === 'subscribe').length;
				await until(
					() => count(server.frames) > SUBSCRIBES.length && count(page) > SUBSCRIBES.length,
					'both late acks',
				);
			}
			const [s, p] = [serverReads, pageReads];
			// Both pumps have read the new time before the clock moves again.
			await until(() => serverReads > s + 1 && pageReads > p + 1, `both pumps at step ${step}`);
		}
		// A ping's reply comes after every frame sent before it, on both.
		server.send({ action: 'ping', _pingId: 'end' });
		socket.send(JSON.stringify({ action: 'ping', _pingId: 'end' }));
		await server.next((f) => f.type === 'pong', 10_000);
		await until(() => page.some((f) => f.type === 'pong'), 'the in-page pong');
		socket.close();

		const ticks = (frames: Array<Record<string, unknown>>) =>
			frames.filter((f) => f.type === 'market_data');
		const fromServer = ticks(server.frames);
		const fromPage = ticks(page);
		// ~3 ticks/s per instrument × RATE over 15 s of market time, in three modes.
		expect(fromServer.length).toBeGreaterThan(100);
		expect(new Set(fromServer.map((f) => f.mode))).toEqual(new Set([1, 2, 3]));
		expect(fromPage).toEqual(fromServer);
		server.ws.close();
	});
});
