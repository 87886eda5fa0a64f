// A test client over a real socket: connects, records every frame, and waits for the next
// frame (or close) that matches, with a deadline, so tests wait for events instead of sleeping.
import { WebSocket, type ClientOptions } from 'ws';

export interface Recorded {
	frames: Record<string, unknown>[];
	ws: WebSocket;
	/** Resolves with the first frame (already received or future) that matches. */
	next(
		match: (frame: Record<string, unknown>) => boolean,
		timeoutMs?: number,
	): Promise<Record<string, unknown>>;
	closed: Promise<{ code: number; reason: string }>;
	send(frame: unknown): void;
}

export async function connect(url: string, options: ClientOptions = {}): Promise<Recorded> {
	const ws = new WebSocket(url, options);
	const frames: Record<string, unknown>[] = [];
	const waiters: Array<{
		match: (f: Record<string, unknown>) => boolean;
		resolve: (f: Record<string, unknown>) => void;
		seen: number;
	}> = [];
	ws.on('message', (data) => {
		const frame = JSON.parse(String(data)) as Record<string, unknown>;
		frames.push(frame);
		for (const waiter of [...waiters]) {
			if (waiter.match(frame)) {
				waiters.splice(waiters.indexOf(waiter), 1);
				waiter.resolve(frame);
			}
		}
	});
	const closed = new Promise<{ code: number; reason: string }>((resolve) =>
		ws.on('close', (code, reason) => resolve({ code, reason: String(reason) })),
	);
	await new Promise<void>((resolve, reject) => {
		ws.once('open', () => resolve());
		ws.once('error', reject);
		ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
	});
	return {
		ws,
		frames,
		closed,
		send: (frame) => ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame)),
		next: (match, timeoutMs = 5000) =>
			new Promise((resolve, reject) => {
				const found = frames.find(match);
				if (found) return resolve(found);
				const timer = setTimeout(
					() =>
						reject(
							new Error(
								`no matching frame within ${timeoutMs} ms; got ${JSON.stringify(frames.slice(-3))}`,
							),
						),
					timeoutMs,
				);
				waiters.push({
					match,
					resolve: (frame) => {
						clearTimeout(timer);
						resolve(frame);
					},
					seen: frames.length,
				});
			}),
	};
}

/** Resolves with the HTTP status an upgrade attempt was refused with (or 101). */
export function upgradeStatus(url: string, headers: Record<string, string> = {}): Promise<number> {
	return new Promise((resolve) => {
		const ws = new WebSocket(url, { headers });
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
