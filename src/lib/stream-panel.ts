// What the stream panel says, as pure functions the panel and its tests share: the sentence a
// screen reader hears for each reconnect attempt, why a connection could not be made, which
// entries of a subscribe the server refused and why, and which frames reach the chapter's
// `on_tick` (one call per tick, however many modes carry it).
import { pythonFloatRepr, pythonString } from './py-render.ts';

/** "1 second", "4 seconds". */
export function seconds(count: number): string {
	return `${count} ${count === 1 ? 'second' : 'seconds'}`;
}

/** Whole seconds from `nowMs` until `atMs`, at least 0, rounded up (a countdown's figure). */
export function secondsUntil(atMs: number, nowMs: number): number {
	return Math.max(0, Math.ceil((atMs - nowMs) / 1000));
}

/**
 * The one sentence announced when a retry is scheduled. `failures` is how many attempts in a
 * row have not connected (0: the connection was open and just dropped).
 */
export function reconnectSentence(failures: number, waitSeconds: number): string {
	const when = waitSeconds === 0 ? 'now' : `in ${seconds(waitSeconds)}`;
	return failures === 0
		? `Connection lost. Reconnecting ${when}.`
		: `Attempt ${failures} did not connect. Trying again ${when}.`;
}

/**
 * What the page could learn about a stream it could not open, from asking the same address over
 * plain HTTP: `answered` with a status (same origin), `answered` without one (another origin, an
 * opaque reply), `silent` (nothing accepted the connection), or `blocked` (the page's own
 * Content-Security-Policy did not let it try).
 */
export type StreamProbe =
	| { outcome: 'blocked' }
	| { outcome: 'answered'; status?: number }
	| { outcome: 'silent' }
	| { outcome: 'unknown' };

/** One plain sentence saying why the page could not connect to `label`, as far as it can tell. */
export function connectFailureReason(label: string, probe: StreamProbe): string {
	if (probe.outcome === 'blocked')
		return `This page's Content-Security-Policy does not allow connecting to ${label} (its connect-src must list it).`;
	if (probe.outcome === 'silent')
		return `Nothing is listening at ${label}: no server accepted the connection.`;
	if (probe.outcome === 'unknown') return `The stream at ${label} did not answer.`;
	const { status } = probe;
	if (status === 404)
		return `There is no stream server at ${label} (the site is served as plain files).`;
	if (status === 426 || status === 403)
		return `The stream server at ${label} refused the connection: this page's origin or host is not one it accepts (behind a proxy, pass the Host header on).`;
	if (status === undefined)
		return `A server answered at ${label} but refused the WebSocket handshake (is this page's origin among the ones it accepts?).`;
	return `The WebSocket handshake with ${label} failed: the server answered HTTP ${status} instead of 101 Switching Protocols.`;
}

/** One entry of a subscribe the server did not accept. */
export interface Refusal {
	symbol: string;
	exchange: string;
	message: string;
}

interface AckEntry {
	symbol?: unknown;
	exchange?: unknown;
	status?: unknown;
	message?: unknown;
}

/** The refused entries of a subscribe ack (`partial` or `error`), in the server's order. */
export function refusedEntries(ack: { subscriptions?: unknown }): Refusal[] {
	if (!Array.isArray(ack.subscriptions)) return [];
	return (ack.subscriptions as AckEntry[])
		.filter((entry) => entry && entry.status === 'error')
		.map((entry) => ({
			symbol: typeof entry.symbol === 'string' ? entry.symbol : '?',
			exchange: typeof entry.exchange === 'string' ? entry.exchange : '?',
			message: typeof entry.message === 'string' ? entry.message : 'refused',
		}));
}

/** "The server refused 1 of 3 entries:" / "The server refused both entries:" and so on. */
export function refusalSummary(refused: number, total: number): string {
	if (refused === total)
		return total === 1
			? 'The server refused your only entry:'
			: total === 2
				? 'The server refused both entries:'
				: `The server refused all ${total} entries:`;
	return `The server refused ${refused} of ${total} ${total === 1 ? 'entry' : 'entries'}; the rest stream:`;
}

/**
 * Which market_data frames are new ticks for the chapter's `on_tick`: a symbol subscribed at
 * two modes gets two frames per tick (same `timestamp`), but the chapter's callback runs once.
 */
export class TickDeduper {
	readonly #lastMs = new Map<string, number>();

	/** True the first time a (symbol, exchange, timestamp) is seen; false for its copies. */
	isNew(symbol: string, exchange: string, timestampMs: number): boolean {
		const key = `${exchange}:${symbol}`;
		const last = this.#lastMs.get(key);
		if (last !== undefined && timestampMs <= last) return false;
		this.#lastMs.set(key, timestampMs);
		return true;
	}

	clear(): void {
		this.#lastMs.clear();
	}
}

/**
 * The chapter's simplified `tick` as a Python literal, written the way the chapter writes its
 * dicts: `{"symbol": "TCS", "ltp": 3542.1}`.
 */
export function tickLiteral(symbol: string, ltp: number): string {
	return `{"symbol": ${pythonString(symbol)}, "ltp": ${pythonFloatRepr(ltp)}}`;
}
