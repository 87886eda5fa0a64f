// The stream panel's "Inspect the wire" part: the opening handshake as the page mount saw and
// answered it (with Sec-WebSocket-Accept recomputed here with WebCrypto), and latency figures:
// the round trip of the page's own pings and each tick's delay from its timestamp to its
// arrival. Quiet for screen readers (no live region): the figures change several times a second.
import { websocketAccept, WEBSOCKET_GUID } from '../lib/handshake.ts';
import type { HandshakeFrame } from '../lib/server-frames.ts';

export interface WireInspectorParts {
	note: HTMLElement;
	block: HTMLElement;
	request: HTMLElement;
	response: HTMLElement;
	check: HTMLElement;
	rtt: HTMLElement;
	tickDelay: HTMLElement;
}

/** Running last and mean of a series of milliseconds. */
class Mean {
	last: number | undefined;
	#sum = 0;
	count = 0;

	add(ms: number): void {
		this.last = ms;
		this.#sum += ms;
		this.count++;
	}

	get mean(): number | undefined {
		return this.count ? this.#sum / this.count : undefined;
	}
}

const ms = (value: number | undefined): string =>
	value === undefined ? '—' : `${Math.max(0, Math.round(value)).toLocaleString('en-US')} ms`;

/** `Name: value` lines of an HTTP message, header names capitalised as usually written. */
function headerLines(headers: Record<string, string>): string {
	const name = (key: string): string =>
		key
			.split('-')
			.map((part) =>
				part === 'websocket' ? 'WebSocket' : part.charAt(0).toUpperCase() + part.slice(1),
			)
			.join('-');
	return Object.entries(headers)
		.map(([key, value]) => `${name(key)}: ${value}`)
		.join('\n');
}

export class WireInspector {
	readonly #parts: WireInspectorParts;
	readonly #rtt = new Mean();
	readonly #tickDelay = new Mean();
	#latencyDirty = false;

	constructor(parts: WireInspectorParts) {
		this.#parts = parts;
	}

	/** Nothing to show yet (not connected), or the transport has no handshake (the simulation). */
	say(text: string): void {
		this.#parts.note.textContent = text;
		this.#parts.note.hidden = false;
		this.#parts.block.hidden = true;
		this.#parts.check.hidden = true;
	}

	/** Shows the handshake the server reports, and whether its Accept is the one RFC 6455 asks for. */
	async show(frame: HandshakeFrame): Promise<void> {
		const { request, response } = frame;
		this.#parts.request.textContent = `${request.method} ${request.path} HTTP/${request.httpVersion}\n${headerLines(request.headers)}`;
		this.#parts.response.textContent = `HTTP/${request.httpVersion} ${response.status} ${response.statusText}\n${headerLines(response.headers)}`;
		this.#parts.note.textContent =
			'The browser asked to upgrade an ordinary HTTP request, and the server agreed with 101 Switching Protocols; from then on the same TCP connection carries WebSocket frames.';
		this.#parts.block.hidden = false;
		const key = request.headers['sec-websocket-key'];
		const accept = response.headers['sec-websocket-accept'];
		const check = this.#parts.check;
		check.hidden = false;
		check.dataset.verified = 'false';
		if (!key || !accept) {
			check.textContent =
				'The reply carries no Sec-WebSocket-Key / Sec-WebSocket-Accept pair to check.';
			return;
		}
		try {
			const expected = await websocketAccept(key);
			const match = expected === accept;
			check.dataset.verified = String(match);
			check.textContent = match
				? `Checked here: base64(SHA-1("${key}" + "${WEBSOCKET_GUID}")) = ${expected}, the server's Sec-WebSocket-Accept exactly. That is how the browser knows a WebSocket server answered.`
				: `Computed here: base64(SHA-1(key + "${WEBSOCKET_GUID}")) = ${expected}, but the server sent ${accept}: a browser would refuse this handshake.`;
		} catch (error) {
			check.textContent = `Could not recompute Sec-WebSocket-Accept: ${error instanceof Error ? error.message : String(error)}`;
		}
	}

	/** A pong answering the page's ping sent at `sentMs` arrived at `nowMs`. */
	roundTrip(sentMs: number, nowMs: number): void {
		this.#rtt.add(nowMs - sentMs);
		this.#latencyDirty = true;
	}

	/** A tick stamped `timestampMs` arrived at `nowMs`. */
	tickArrived(timestampMs: number, nowMs: number): void {
		this.#tickDelay.add(nowMs - timestampMs);
		this.#latencyDirty = true;
	}

	/** Writes the latency figures if they changed (the panel calls this at most once a second). */
	renderLatency(): void {
		if (!this.#latencyDirty) return;
		this.#latencyDirty = false;
		const rtt = this.#rtt;
		this.#parts.rtt.textContent = rtt.count
			? `last ${ms(rtt.last)}, average ${ms(rtt.mean)} over ${rtt.count.toLocaleString('en-US')} ${rtt.count === 1 ? 'ping' : 'pings'}`
			: '—';
		const delay = this.#tickDelay;
		this.#parts.tickDelay.textContent = delay.count
			? `last ${ms(delay.last)}, average ${ms(delay.mean)} over ${delay.count.toLocaleString('en-US')} ${delay.count === 1 ? 'tick' : 'ticks'}`
			: '—';
	}
}
