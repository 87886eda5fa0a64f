// The client side of bench/stream.bench.ts: many `ws` clients in one process, each authenticated
// and subscribed to every instrument in LTP mode (the same two messages to either server),
// counting delivered market_data frames and the latency from the tick's time (the frame's
// `timestamp`, the engine's tick timeMs, moved from the server's market clock to wall time) to
// receipt. Clients are spread over loopback addresses (127.0.0.1, .2, ...), `perAddress` each,
// so our server's shipped per-address cap stays on. Probe clients (`probeFirstTicks`) time a
// new connection's first market_data frame while the fleet streams.
// The receive path is kept as light as possible, because whatever it costs is time the clients
// cannot spend reading and would show up as server latency: the timestamp is read straight from
// the bytes (no JSON.parse, no UTF-8 decode) and latencies go into a fixed 1 ms histogram
// rather than an array of millions of samples.
import { Worker } from 'node:worker_threads';
import { WebSocket } from 'ws';
import { CHAPTER_INSTRUMENTS as INSTRUMENTS } from '../../src/lib/instruments.ts';
import type { ServerKind } from './stream-serve.ts';

/** Latencies are whole milliseconds (both ends use Date.now()); the last bucket collects the rest. */
const HISTOGRAM_MS = 60_000;
const NEEDLE = Buffer.from('"timestamp":');

export interface Receipts {
	messages: number;
	bytes: number;
	histogram: Uint32Array;
}

export interface Fleet {
	readonly size: number;
	/**
	 * Starts counting from zero; frames received outside a measuring window are ignored.
	 * `offsetMs` is wall time minus market time on the server's clock.
	 */
	startMeasuring(offsetMs: number): void;
	stopMeasuring(): Receipts;
	/** Opens `count` more clients (addresses from `firstAddress` on); see `probeFirstTicks`. */
	probeFirstTicks(count: number, firstAddress: number): Promise<number[]>;
	/** Sockets that closed after setup (the server dropped them). */
	closedEarly(): number;
	close(): void;
}

export interface FleetOptions {
	port: number;
	count: number;
	kind: ServerKind;
	/** Handshakes in flight at once. */
	batch: number;
	/** Per-client time to open, authenticate and subscribe. */
	setupTimeoutMs: number;
	/** The whole connect phase must finish within this. */
	deadlineMs: number;
	/** Clients per source address: at most the server's per-address cap. */
	perAddress: number;
	onProgress?: (connected: number) => void;
}

/** The `n`th loopback source address from `first` (0: 127.0.0.1); Linux routes all of 127/8 to lo. */
export function loopbackAddress(n: number): string {
	return `127.0.${Math.floor(n / 254)}.${1 + (n % 254)}`;
}

export const AUTHENTICATE = JSON.stringify({ action: 'authenticate', api_key: 'bench' });
export const SUBSCRIBE = JSON.stringify({
	action: 'subscribe',
	mode: 'LTP',
	symbols: INSTRUMENTS.map((spec) => ({ symbol: spec.symbol, exchange: spec.exchange })),
});

/** Reads the digits after `"timestamp":`; undefined when the frame is not market data. */
function tickTime(data: Buffer): number | undefined {
	const at = data.indexOf(NEEDLE);
	if (at < 0) return undefined;
	let value = 0;
	// Bounded: an epoch-ms timestamp has 13 digits.
	for (let i = at + NEEDLE.length, end = Math.min(data.length, i + 16); i < end; i++) {
		const c = data[i]!;
		if (c < 48 || c > 57) break;
		value = value * 10 + (c - 48);
	}
	return value;
}

/** Opens `count` clients in batches and resolves once every one is subscribed. */
export async function connectFleet(options: FleetOptions): Promise<Fleet> {
	const url = `ws://127.0.0.1:${options.port}/`;
	const sockets: WebSocket[] = [];
	let measuring = false;
	let offsetMs = 0;
	let receipts: Receipts = { messages: 0, bytes: 0, histogram: new Uint32Array(HISTOGRAM_MS + 1) };
	let closedEarly = 0;

	function onTick(time: number, length: number): void {
		if (!measuring) return;
		const latency = Date.now() - (time + offsetMs);
		receipts.histogram[latency < 0 ? 0 : latency > HISTOGRAM_MS ? HISTOGRAM_MS : latency]!++;
		receipts.messages++;
		receipts.bytes += length;
	}

	function connectOne(index: number): Promise<WebSocket> {
		return new Promise((resolve, reject) => {
			let settled = false;
			const ws = new WebSocket(url, {
				perMessageDeflate: false,
				// The server's frames are ASCII JSON; validating them would only load the client side.
				skipUTF8Validation: true,
				handshakeTimeout: options.setupTimeoutMs,
				localAddress: loopbackAddress(Math.floor(index / options.perAddress)),
			});
			sockets.push(ws);
			const fail = (error: Error): void => {
				if (settled) return;
				settled = true;
				clearTimeout(timer);
				ws.terminate();
				reject(error);
			};
			const ready = (): void => {
				if (settled) return;
				settled = true;
				clearTimeout(timer);
				resolve(ws);
			};
			const timer = setTimeout(
				() => fail(new Error('client setup timed out')),
				options.setupTimeoutMs,
			);
			ws.on('error', (error) => fail(error));
			ws.on('close', () => {
				if (settled) closedEarly++;
				else fail(new Error('closed during setup'));
			});
			ws.on('open', () => ws.send(AUTHENTICATE));
			ws.on('message', (data: Buffer) => {
				const time = tickTime(data);
				if (time !== undefined) return onTick(time, data.length);
				if (settled) return;
				let frame: { type?: string; status?: string; message?: string };
				try {
					frame = JSON.parse(data.toString('utf8'));
				} catch {
					return fail(new Error('unparseable control frame'));
				}
				if (frame.status === 'error')
					fail(new Error(`server refused: ${frame.message ?? 'error'}`));
				else if (frame.type === 'auth') ws.send(SUBSCRIBE);
				else if (frame.type === 'subscribe') {
					if (frame.status === 'success') ready();
					else fail(new Error(`subscribe ${frame.status ?? 'failed'}`));
				}
			});
		});
	}

	const fleet: Fleet = {
		size: options.count,
		probeFirstTicks: (count, firstAddress) => probeFirstTicks(options, count, firstAddress),
		startMeasuring(offset) {
			offsetMs = offset;
			receipts = { messages: 0, bytes: 0, histogram: new Uint32Array(HISTOGRAM_MS + 1) };
			measuring = true;
		},
		stopMeasuring() {
			measuring = false;
			return receipts;
		},
		closedEarly: () => closedEarly,
		close() {
			for (const ws of sockets) ws.terminate();
		},
	};

	const started = Date.now();
	try {
		for (let opened = 0; opened < options.count;) {
			if (Date.now() - started > options.deadlineMs) {
				throw new Error(
					`connecting ${options.count} clients took over ${Math.round(options.deadlineMs / 1000)} s`,
				);
			}
			const size = Math.min(options.batch, options.count - opened);
			await Promise.all(Array.from({ length: size }, (_, i) => connectOne(opened + i)));
			opened += size;
			options.onProgress?.(opened);
		}
	} catch (error) {
		fleet.close();
		throw error;
	}
	return fleet;
}

/** Probe clients open at once: few, so the probes measure a connection, not a connect storm. */
const PROBE_BATCH = 10;
/** A probe that sees no tick within this is left out (an overloaded server's queue is seconds long). */
export const PROBE_TIMEOUT_MS = 5000;

/**
 * Time to first tick: opens `count` clients, PROBE_BATCH at a time, each authenticating and
 * subscribing as the fleet does, and returns for each the ms from its 'open' event to its first
 * market_data frame (so the handshake's round trips, the subscribe, and the wait for the next
 * tick of six instruments). Each probe is closed once timed; a probe that sees no tick within
 * PROBE_TIMEOUT_MS is left out and counted by the caller. Whole ms from Date.now().
 */
async function probeFirstTicks(
	options: FleetOptions,
	count: number,
	firstAddress: number,
): Promise<number[]> {
	const url = `ws://127.0.0.1:${options.port}/`;
	const times: number[] = [];
	const probeOne = (index: number): Promise<void> =>
		new Promise((resolve) => {
			const ws = new WebSocket(url, {
				perMessageDeflate: false,
				skipUTF8Validation: true,
				handshakeTimeout: PROBE_TIMEOUT_MS,
				localAddress: loopbackAddress(firstAddress + Math.floor(index / options.perAddress)),
			});
			let openedAt = 0;
			const done = (): void => {
				clearTimeout(timer);
				ws.terminate();
				resolve();
			};
			const timer = setTimeout(done, PROBE_TIMEOUT_MS);
			ws.on('error', done);
			ws.on('close', done);
			ws.on('open', () => {
				openedAt = Date.now();
				ws.send(AUTHENTICATE);
			});
			ws.on('message', (data: Buffer) => {
				if (tickTime(data) !== undefined) {
					times.push(Date.now() - openedAt);
					return done();
				}
				if (data.includes('"type":"auth"')) ws.send(SUBSCRIBE);
			});
		});
	for (let started = 0; started < count; started += PROBE_BATCH) {
		const size = Math.min(PROBE_BATCH, count - started);
		await Promise.all(Array.from({ length: size }, (_, i) => probeOne(started + i)));
	}
	return times;
}

/** The value at or below which a share `q` of `values` fall (nearest rank); undefined when empty. */
export function quantile(values: readonly number[], q: number): number | undefined {
	if (values.length === 0) return undefined;
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(sorted.length * q) - 1))];
}

/** The smallest latency (ms) at or below which a share `q` of the samples fall. */
export function percentile(histogram: Uint32Array, q: number): number | undefined {
	let total = 0;
	for (let i = 0; i < histogram.length; i++) total += histogram[i]!;
	if (total === 0) return undefined;
	const rank = Math.ceil(total * q);
	let seen = 0;
	for (let i = 0; i < histogram.length; i++) {
		seen += histogram[i]!;
		if (seen >= rank) return i;
	}
	return histogram.length - 1;
}

/** Largest latency seen (ms); HISTOGRAM_MS means "at least that". */
export function maxLatency(histogram: Uint32Array): number | undefined {
	for (let i = histogram.length - 1; i >= 0; i--) if (histogram[i]! > 0) return i;
	return undefined;
}

/** Messages from the main thread to a shard (stream-fleet-worker.ts). */
export type ToShard =
	| { type: 'start'; offsetMs: number }
	| { type: 'stop' }
	| { type: 'probe'; count: number; firstAddress: number }
	| { type: 'close' };
export type FromShard =
	| { type: 'progress'; connected: number }
	| { type: 'connected' }
	| { type: 'closed' }
	| { type: 'error'; message: string }
	| { type: 'probed'; firstTickMs: number[] }
	| ({ type: 'receipts'; closedEarly: number } & Receipts);

export interface ThreadedFleet {
	startMeasuring(offsetMs: number): void;
	/** Merged receipts of every shard, and how many sockets the server closed. */
	stopMeasuring(): Promise<Receipts & { closedEarly: number }>;
	/** Time to first tick of `count` new clients (on the first thread), ms each; see `probeFirstTicks`. */
	probeFirstTicks(count: number, firstAddress: number, ms: number): Promise<number[]>;
	close(): Promise<void>;
}

/**
 * Opens `count` clients split across `threads` worker threads (shards as equal as can be), each
 * connecting its share in batches of batch/threads. Every wait is bounded by the options' times.
 */
export async function connectThreads(
	options: FleetOptions & { threads: number },
): Promise<ThreadedFleet> {
	const threads = Math.max(1, Math.min(options.threads, options.count));
	const progress = new Array<number>(threads).fill(0);
	const workers: Worker[] = [];
	const terminate = (): Promise<unknown> =>
		Promise.all(workers.map((worker) => worker.terminate()));

	/** The next message of `type` from a worker, or an error after `ms`. */
	function next<T extends FromShard['type']>(
		worker: Worker,
		type: T,
		ms: number,
	): Promise<Extract<FromShard, { type: T }>> {
		return new Promise((resolve, reject) => {
			const cleanup = (): void => {
				clearTimeout(timer);
				worker.off('message', onMessage);
				worker.off('error', onError);
				worker.off('exit', onExit);
			};
			const onMessage = (message: FromShard): void => {
				if (message.type === 'error') {
					cleanup();
					reject(new Error(message.message));
				} else if (message.type === type) {
					cleanup();
					resolve(message as Extract<FromShard, { type: T }>);
				}
			};
			const onError = (error: Error): void => {
				cleanup();
				reject(error);
			};
			const onExit = (): void => {
				cleanup();
				reject(new Error(`client thread ended while waiting for ${type}`));
			};
			const timer = setTimeout(() => {
				cleanup();
				reject(new Error(`client thread sent no ${type} within ${Math.round(ms / 1000)} s`));
			}, ms);
			worker.on('message', onMessage);
			worker.on('error', onError);
			worker.on('exit', onExit);
		});
	}

	for (let i = 0; i < threads; i++) {
		const count = Math.floor(options.count / threads) + (i < options.count % threads ? 1 : 0);
		const { onProgress: _unused, threads: _threads, ...rest } = options;
		const worker = new Worker(new URL('./stream-fleet-worker.ts', import.meta.url), {
			workerData: { ...rest, count, batch: Math.max(1, Math.round(options.batch / threads)) },
		});
		// A thread that fails between waits must not take the process down; the next wait on it
		// fails instead (with its 'exit').
		worker.on('error', () => {});
		worker.on('message', (message: FromShard) => {
			if (message.type !== 'progress') return;
			progress[i] = message.connected;
			options.onProgress?.(progress.reduce((sum, n) => sum + n, 0));
		});
		workers.push(worker);
	}
	try {
		// Worker start-up (loading ws and the engine) comes on top of the connect deadline.
		await Promise.all(
			workers.map((worker) => next(worker, 'connected', options.deadlineMs + 10_000)),
		);
	} catch (error) {
		await terminate();
		throw error;
	}
	const send = (message: ToShard): void => {
		for (const worker of workers) worker.postMessage(message);
	};
	return {
		startMeasuring(offsetMs) {
			send({ type: 'start', offsetMs });
		},
		async stopMeasuring() {
			const replies = workers.map((worker) => next(worker, 'receipts', 10_000));
			send({ type: 'stop' });
			const merged = {
				messages: 0,
				bytes: 0,
				histogram: new Uint32Array(HISTOGRAM_MS + 1),
				closedEarly: 0,
			};
			for (const receipts of await Promise.all(replies)) {
				merged.messages += receipts.messages;
				merged.bytes += receipts.bytes;
				merged.closedEarly += receipts.closedEarly;
				for (let i = 0; i < merged.histogram.length; i++)
					merged.histogram[i]! += receipts.histogram[i] ?? 0;
			}
			return merged;
		},
		async probeFirstTicks(count, firstAddress, ms) {
			const worker = workers[0]!;
			const reply = next(worker, 'probed', ms);
			worker.postMessage({ type: 'probe', count, firstAddress } satisfies ToShard);
			return (await reply).firstTickMs;
		},
		async close() {
			const closed = workers.map((worker) => next(worker, 'closed', 3000).catch(() => undefined));
			send({ type: 'close' });
			await Promise.all(closed);
			await terminate();
		},
	};
}
