// The stream panel's client connection, doing what the chapter's Tip says a library does for
// you: reconnect when the connection drops (exponential backoff with jitter), notice a silent
// dead connection (an application-level ping; no reply in time means reconnect), and tell the
// owner each time it opens so it can re-send its subscriptions. The transport is a factory, so
// the same client drives a real WebSocket or the page's in-page simulation.
import { DEFAULT_BACKOFF, backoffDelayMs, type BackoffOptions } from '../lib/backoff.ts';

/** The part of the browser's WebSocket this client uses; the in-page simulation implements it. */
export interface StreamSocket {
	send(text: string): void;
	close(code?: number, reason?: string): void;
	onopen: ((event: Event) => void) | null;
	onmessage: ((event: MessageEvent) => void) | null;
	onclose: ((event: CloseEvent) => void) | null;
	onerror: ((event: Event) => void) | null;
}

export type SocketState = 'idle' | 'connecting' | 'open' | 'reconnecting' | 'closed';

export interface SocketStateInfo {
	state: SocketState;
	/** When the next attempt starts (epoch ms), while `reconnecting`. */
	retryAtMs?: number;
	/** Failed attempts since the last successful open. */
	failures: number;
}

export interface CloseInfo {
	code: number;
	reason: string;
	/** Whether this connection had opened before it closed (false: the server never answered). */
	opened: boolean;
	/** Whether the reader asked for it (Disconnect) rather than it dropping. */
	intended: boolean;
}

export interface ReconnectingSocketOptions {
	createSocket: () => StreamSocket;
	/** Called on every state change (and again with a new retryAtMs for each retry scheduled). */
	onState: (info: SocketStateInfo) => void;
	/** Every text frame received. */
	onMessage: (text: string) => void;
	/** The connection opened; `reconnect` is false only for the first open after connect(). */
	onOpen: (reconnect: boolean) => void;
	/** A connection ended. Return false to stop the automatic retry (the owner takes over). */
	onClose?: (info: CloseInfo) => boolean | void;
	/** Every text this client sends by itself (the heartbeat's pings), for the log. */
	onSend?: (text: string) => void;
	backoff?: BackoffOptions;
	/** A draw in [0, 1) for the jitter; the page passes Math.random. */
	random?: () => number;
	/** How often to ping an open connection, in ms. */
	heartbeatMs?: number;
	/** How long to wait for any message after a ping before reconnecting, in ms. */
	heartbeatTimeoutMs?: number;
	now?: () => number;
}

export const HEARTBEAT_MS = 15_000;
export const HEARTBEAT_TIMEOUT_MS = 10_000;
/** Close code the client uses when it gives up on a silent connection (4000-4999: private use). */
export const CLOSE_HEARTBEAT_TIMEOUT = 4001;

export class ReconnectingSocket {
	readonly #options: ReconnectingSocketOptions;
	#createSocket: () => StreamSocket;
	#socket: StreamSocket | undefined;
	#state: SocketState = 'idle';
	#failures = 0;
	#openedOnce = false;
	#socketOpened = false;
	#retryTimer: ReturnType<typeof setTimeout> | undefined;
	#heartbeatTimer: ReturnType<typeof setInterval> | undefined;
	#deadlineTimer: ReturnType<typeof setTimeout> | undefined;
	#lastReceivedMs = 0;
	#pingId = 0;
	#heartbeatTimeoutMs = HEARTBEAT_TIMEOUT_MS;

	constructor(options: ReconnectingSocketOptions) {
		this.#options = options;
		this.#createSocket = options.createSocket;
	}

	get state(): SocketState {
		return this.#state;
	}

	/** Opens a connection now (a reader's Connect); the next open counts as a first open. */
	connect(): void {
		this.#stopRetry();
		// A connection still open is closed, not just forgotten: the server would keep streaming
		// to it and counting it against its limits.
		const previous = this.#socket;
		this.#drop();
		try {
			previous?.close(1000, 'reconnecting');
		} catch {
			// Closing a socket that never opened can throw in some browsers; it is gone either way.
		}
		this.#failures = 0;
		this.#openedOnce = false;
		this.#open();
	}

	/** Swaps the transport (real socket ↔ in-page simulation) and connects through it now. */
	useTransport(createSocket: () => StreamSocket): void {
		this.#createSocket = createSocket;
		this.connect();
	}

	/**
	 * Skips the rest of the backoff and tries now (the reader's "Retry now", the browser coming
	 * back online, the tab becoming visible). Returns false, doing nothing, unless a retry was
	 * waiting.
	 */
	retryNow(): boolean {
		if (this.#state !== 'reconnecting' || this.#retryTimer === undefined) return false;
		this.#stopRetry();
		this.#open();
		return true;
	}

	/** Sends one heartbeat ping now when open (its pong gives a round-trip time); false otherwise. */
	ping(): boolean {
		if (this.#state !== 'open' || !this.#socket) return false;
		this.#sendPing();
		return true;
	}

	/** Closes on purpose (a reader's Disconnect): no retry. */
	disconnect(): void {
		this.#stopRetry();
		const socket = this.#socket;
		this.#drop();
		if (socket) socket.close(1000, 'reader disconnected');
		this.#setState('closed');
	}

	/** Sends when open; returns false (and sends nothing) otherwise. */
	send(text: string): boolean {
		if (this.#state !== 'open' || !this.#socket) return false;
		this.#socket.send(text);
		return true;
	}

	/** Abandons the current connection as dead and schedules a reconnect. */
	forceReconnect(code: number, reason: string): void {
		const socket = this.#socket;
		const opened = this.#socketOpened;
		this.#drop();
		try {
			socket?.close(code, reason);
		} catch {
			// Closing a socket that never opened can throw in some browsers; it is gone either way.
		}
		this.#ended({ code, reason, opened, intended: false });
	}

	/** Stops everything (the element left the page). */
	dispose(): void {
		this.#stopRetry();
		const socket = this.#socket;
		this.#drop();
		socket?.close(1000, 'page closed');
		this.#state = 'closed';
	}

	#now(): number {
		return (this.#options.now ?? Date.now)();
	}

	#setState(state: SocketState, retryAtMs?: number): void {
		this.#state = state;
		this.#options.onState({
			state,
			failures: this.#failures,
			...(retryAtMs !== undefined ? { retryAtMs } : {}),
		});
	}

	#open(): void {
		this.#setState('connecting');
		let socket: StreamSocket;
		try {
			socket = this.#createSocket();
		} catch {
			// A malformed URL or a blocked scheme: treat it as a connection that never answered.
			this.#ended({
				code: 1006,
				reason: 'could not create the socket',
				opened: false,
				intended: false,
			});
			return;
		}
		this.#socket = socket;
		this.#socketOpened = false;
		socket.onopen = () => {
			if (socket !== this.#socket) return;
			this.#socketOpened = true;
			const reconnect = this.#openedOnce;
			this.#openedOnce = true;
			this.#failures = 0;
			this.#lastReceivedMs = this.#now();
			this.#setState('open');
			this.#startHeartbeat();
			this.#options.onOpen(reconnect);
		};
		socket.onmessage = (event) => {
			if (socket !== this.#socket) return;
			this.#lastReceivedMs = this.#now();
			this.#options.onMessage(typeof event.data === 'string' ? event.data : String(event.data));
		};
		socket.onclose = (event) => {
			if (socket !== this.#socket) return;
			const opened = this.#socketOpened;
			this.#drop();
			this.#ended({ code: event.code, reason: event.reason, opened, intended: false });
		};
		// An error is always followed by close; the close handler decides what happens.
		socket.onerror = () => {};
	}

	#ended(info: CloseInfo): void {
		if (!info.opened) this.#failures++;
		const keepTrying = this.#options.onClose?.(info);
		if (keepTrying === false) return;
		const delayMs = backoffDelayMs(
			info.opened ? 0 : Math.max(0, this.#failures - 1),
			(this.#options.random ?? Math.random)(),
			this.#options.backoff ?? DEFAULT_BACKOFF,
		);
		const retryAtMs = this.#now() + delayMs;
		this.#setState('reconnecting', retryAtMs);
		this.#retryTimer = setTimeout(() => {
			this.#retryTimer = undefined;
			this.#open();
		}, delayMs);
	}

	#startHeartbeat(): void {
		this.#stopHeartbeat();
		const interval = this.#options.heartbeatMs ?? HEARTBEAT_MS;
		const timeout = this.#options.heartbeatTimeoutMs ?? HEARTBEAT_TIMEOUT_MS;
		this.#heartbeatTimeoutMs = timeout;
		this.#heartbeatTimer = setInterval(() => {
			if (!this.#socket || this.#state !== 'open') return;
			this.#sendPing();
		}, interval);
	}

	#sendPing(): void {
		if (!this.#socket) return;
		const sentMs = this.#now();
		const ping = JSON.stringify({ action: 'ping', timestamp: sentMs, _pingId: ++this.#pingId });
		this.#socket.send(ping);
		this.#options.onSend?.(ping);
		clearTimeout(this.#deadlineTimer);
		this.#deadlineTimer = setTimeout(() => {
			// Nothing at all (not even a tick) since the ping: the connection is dead even if
			// the browser has not noticed yet (a laptop lid, a dropped Wi-Fi, a stuck proxy).
			if (this.#lastReceivedMs < sentMs)
				this.forceReconnect(CLOSE_HEARTBEAT_TIMEOUT, 'heartbeat timeout');
		}, this.#heartbeatTimeoutMs);
	}

	#stopHeartbeat(): void {
		clearInterval(this.#heartbeatTimer);
		clearTimeout(this.#deadlineTimer);
		this.#heartbeatTimer = undefined;
		this.#deadlineTimer = undefined;
	}

	#stopRetry(): void {
		clearTimeout(this.#retryTimer);
		this.#retryTimer = undefined;
	}

	/** Detaches from the current socket so its late events are ignored. */
	#drop(): void {
		this.#stopHeartbeat();
		const socket = this.#socket;
		if (socket) {
			socket.onopen = null;
			socket.onmessage = null;
			socket.onclose = null;
			socket.onerror = null;
		}
		this.#socket = undefined;
	}
}
