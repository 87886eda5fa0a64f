// The in-page simulation: when no stream server answers (the site served as plain static files),
// the panel runs the same market engine and the same StreamSession in the page, behind the same
// socket interface as a real WebSocket. Same seed, same clock: the prices match what the real
// server would have sent at the same moment. The panel says plainly that it is simulating.
import {
	CLOSE_DROPPED_ON_REQUEST,
	CLOSE_MESSAGE_TOO_BIG,
	MAX_PAYLOAD_BYTES,
	MAX_SYMBOLS_PER_CONNECTION,
} from '../lib/constants.ts';
import { framesDue } from '../lib/market-data.ts';
import { DEFAULT_SEED, createMarket, type Market } from '../lib/market-engine.ts';
import { StreamSession } from '../lib/stream-session.ts';
import type { StreamSocket } from './reconnecting-socket.client.ts';

export interface InPageStreamOptions {
	seed?: number;
	/** Scales tick rates (the render benchmark's `?sim-rate=`). */
	rateMultiplier?: number;
	/** How often due ticks are delivered, in ms. */
	pumpMs?: number;
	now?: () => number;
}

const markets = new Map<string, Market>();

function marketFor(seed: number, rateMultiplier: number): Market {
	const key = `${seed}:${rateMultiplier}`;
	let market = markets.get(key);
	if (!market) markets.set(key, (market = createMarket({ seed, rateMultiplier })));
	return market;
}

class InPageSocket implements StreamSocket {
	onopen: ((event: Event) => void) | null = null;
	onmessage: ((event: MessageEvent) => void) | null = null;
	onclose: ((event: CloseEvent) => void) | null = null;
	onerror: ((event: Event) => void) | null = null;

	readonly #session: StreamSession;
	readonly #market: Market;
	readonly #now: () => number;
	#open = false;
	#closed = false;
	#lastPumpMs: number;
	#pumpTimer: ReturnType<typeof setInterval> | undefined;

	constructor(options: InPageStreamOptions) {
		this.#now = options.now ?? Date.now;
		this.#market = marketFor(options.seed ?? DEFAULT_SEED, options.rateMultiplier ?? 1);
		this.#session = new StreamSession({
			implicitAuth: true,
			maxSymbols: MAX_SYMBOLS_PER_CONNECTION,
			allowSimulateDrop: true,
		});
		this.#lastPumpMs = this.#now();
		const pumpMs = options.pumpMs ?? 50;
		// Open asynchronously, as a real socket does, so the owner has attached its handlers.
		setTimeout(() => {
			if (this.#closed) return;
			this.#open = true;
			this.#lastPumpMs = this.#now();
			this.onopen?.(new Event('open'));
			this.#pumpTimer = setInterval(() => this.#pump(), pumpMs);
		}, 30);
	}

	send(text: string): void {
		if (!this.#open) return;
		// As the server's ws does (maxPayload): a message over the limit closes the connection.
		if (
			text.length > MAX_PAYLOAD_BYTES / 3 &&
			new TextEncoder().encode(text).length > MAX_PAYLOAD_BYTES
		) {
			this.#open = false;
			setTimeout(() => this.#finish(CLOSE_MESSAGE_TOO_BIG, ''), 0);
			return;
		}
		const reply = this.#session.handle(text, this.#now());
		const frames = reply.frames.map((frame) => JSON.stringify(frame));
		// Replies arrive in a later task, like frames off a network.
		setTimeout(() => {
			for (const frame of frames) this.#deliver(frame);
			if (reply.drop) this.#finish(CLOSE_DROPPED_ON_REQUEST, 'dropped on request');
		}, 0);
	}

	close(code = 1000, reason = ''): void {
		if (this.#closed) return;
		setTimeout(() => this.#finish(code, reason), 0);
	}

	#pump(): void {
		if (!this.#open) return;
		const to = this.#now();
		const from = this.#lastPumpMs;
		this.#lastPumpMs = to;
		// The server's fan-out calls the same function: same frames, same order, same backlog cap.
		for (const due of framesDue(this.#market, this.#session.subscriptions(), from, to))
			this.#deliver(JSON.stringify(due.frame));
	}

	#deliver(text: string): void {
		if (this.#open) this.onmessage?.(new MessageEvent('message', { data: text }));
	}

	#finish(code: number, reason: string): void {
		if (this.#closed) return;
		this.#closed = true;
		this.#open = false;
		clearInterval(this.#pumpTimer);
		this.onclose?.(new CloseEvent('close', { code, reason, wasClean: true }));
	}
}

/** A socket factory for the reconnecting client that simulates the stream in the page. */
export function inPageSocketFactory(options: InPageStreamOptions = {}): () => StreamSocket {
	return () => new InPageSocket(options);
}
