// <ch-tick-stream>: the live demo stream (product.md §7). A reconnecting client to /stream on the
// page's own origin sends EX 1's subscribe message, and after every reconnect sends again what
// the reader has subscribed to (a WebSocket's subscriptions die with it). Every frame is shown:
// the ticker table, the on_tick console and the frame log. If the server never answers (the
// site served as static files), the same engine and protocol run in the page instead, labelled.
//
// Rendering: messages only update the model; one FrameBatcher render per animation frame writes
// the DOM, so 50 ticks a second cost at most one layout per frame. The console, the log and the
// sparklines are ring buffers. State for tests and the render benchmark: data-state
// (static|connecting|open|reconnecting|closed), data-transport (server|simulation),
// data-received (frames received) and data-rendered (frames painted).
import { FrameBatcher } from '../../client/frame-batcher.client.ts';
import { inPageSocketFactory } from '../../client/in-page-stream.client.ts';
import {
	ReconnectingSocket,
	type SocketStateInfo,
	type StreamSocket,
} from '../../client/reconnecting-socket.client.ts';
import { STREAM_STATE_EVENT, type StreamStateDetail } from '../../lib/events.ts';
import { createPollingEquivalent } from '../../lib/polling-equivalent.ts';
import { parseClientMessage } from '../../lib/protocol.ts';
import { onTickLine } from '../../lib/py-render.ts';
import { parseServerFrame, type MarketDataFrame } from '../../lib/server-frames.ts';
import { PriceWindow, sparklinePath, TICKER_SPARK_BOX } from '../../lib/sparkline.ts';
import { SubscriptionLedger } from '../../lib/subscription-ledger.ts';

const CONSOLE_LINES = 200;
const LOG_ENTRIES = 150;
/** Longest frame text shown in the log; a depth frame is ~1 KB, so this only trims oddities. */
const LOG_TEXT_MAX = 2000;
const SPARK_POINTS = 60;
const SVG_NS = 'http://www.w3.org/2000/svg';

interface Row {
	key: string;
	symbol: string;
	exchange: string;
	element: HTMLTableRowElement;
	cells: Record<
		'ltp' | 'change' | 'open' | 'high' | 'low' | 'volume' | 'bid' | 'ask',
		HTMLTableCellElement
	>;
	path: SVGPathElement;
	prices: PriceWindow;
	first: number | undefined;
	last: MarketDataFrame | undefined;
	previousLtp: number | undefined;
	dirty: boolean;
	flash: 'up' | 'down' | undefined;
}

interface LogEntry {
	direction: 'sent' | 'received';
	atMs: number;
	text: string;
}

function part<T extends Element = HTMLElement>(root: Element, name: string): T {
	const element = root.querySelector<T>(`[data-part="${name}"]`);
	if (!element) throw new Error(`<ch-tick-stream> is missing its [data-part="${name}"] element`);
	return element;
}

const price = (value: number | undefined): string => (value === undefined ? '—' : value.toFixed(2));
const clock = (ms: number): string => {
	const d = new Date(ms);
	const two = (n: number): string => String(n).padStart(2, '0');
	return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, '0')}`;
};

class TickStream extends HTMLElement {
	#socket: ReconnectingSocket | undefined;
	#transport: 'server' | 'simulation' = 'server';
	readonly #ledger = new SubscriptionLedger();
	readonly #rows = new Map<string, Row>();
	readonly #polling = createPollingEquivalent();
	readonly #batcher = new FrameBatcher(() => this.#render());
	#consoleQueue: string[] = [];
	#logQueue: LogEntry[] = [];
	#logPaused = false;
	#hiddenWhilePaused = 0;
	#received = 0;
	#newestTickMs: number | undefined;
	#stampedTickMs: number | undefined;
	/** Moves the polling counter on while connected, even when no tick arrives. */
	#clockTimer: ReturnType<typeof setInterval> | undefined;
	#stateInfo: SocketStateInfo = { state: 'idle', failures: 0 };
	#countdown: ReturnType<typeof setInterval> | undefined;
	#everOpened = false;
	#fields: 'ltp' | 'quote' | 'depth' = 'ltp';

	connectedCallback(): void {
		if (this.#socket) return;
		part(this, 'controls').inert = false;
		part(this, 'log-controls').inert = false;
		// The placeholder rows of the static HTML give way to live ones of the same shape.
		part<HTMLTableSectionElement>(this, 'rows').replaceChildren();
		// EX 1's message, compact, as the page rendered its placeholder rows from it.
		const first = this.#parse(this.dataset.firstMessage ?? '');
		if (first) this.#ledger.apply(first);
		this.#rowsForLedger();
		this.addEventListener('click', (event) => this.#onClick(event));
		const params = new URL(location.href).searchParams;
		// ?stream=simulate forces the in-page simulation; ?sim-rate=N speeds it up (benchmarks).
		const simulate = params.get('stream') === 'simulate';
		const rate = Number(params.get('sim-rate') ?? 1);
		const simulation = inPageSocketFactory({
			rateMultiplier: Number.isFinite(rate) && rate > 0 ? Math.min(rate, 100) : 1,
		});
		this.#transport = simulate ? 'simulation' : 'server';
		this.#socket = new ReconnectingSocket({
			createSocket: simulate ? simulation : () => this.#serverSocket(),
			onState: (info) => this.#onState(info),
			onMessage: (text) => this.#onMessage(text),
			onOpen: (reconnect) => this.#onOpen(reconnect),
			onSend: (text) => this.#logFrame('sent', text),
			onClose: (info) => {
				// The server never answered, not once: serve the stream from the page instead.
				if (this.#transport === 'server' && !info.opened && !this.#everOpened) {
					this.#transport = 'simulation';
					queueMicrotask(() => this.#socket?.useTransport(simulation));
					return false;
				}
				return undefined;
			},
		});
		this.#socket.connect();
	}

	disconnectedCallback(): void {
		this.#socket?.dispose();
		this.#batcher.cancel();
		clearInterval(this.#countdown);
		clearInterval(this.#clockTimer);
	}

	/** Sends a message from the builder; subscriptions are remembered for reconnects. */
	sendMessage(text: string): void {
		const request = this.#parse(text);
		if (request) this.#ledger.apply(request);
		this.#rowsForLedger();
		this.#markUnsubscribed();
		if (this.#socket?.send(text)) {
			this.#logFrame('sent', text);
			this.#announce('Sent your message to the stream.');
		} else {
			// Not open: the ledger holds the subscription, and every open sends the ledger.
			this.#announce(
				'Not connected: connecting now; your subscription is sent when the connection opens.',
			);
			if (this.#stateInfo.state === 'closed' || this.#stateInfo.state === 'idle')
				this.#socket?.connect();
		}
		this.scrollIntoView({
			block: 'nearest',
			behavior: matchMedia('(prefers-reduced-motion: reduce)').matches ? 'auto' : 'smooth',
		});
	}

	#parse(text: string) {
		const parsed = parseClientMessage(text);
		return parsed.ok ? parsed.request : undefined;
	}

	#serverSocket(): StreamSocket {
		const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
		return new WebSocket(`${scheme}//${location.host}/stream`);
	}

	/** One row per subscribed symbol, in the order subscribed, before its first tick arrives. */
	#rowsForLedger(): void {
		for (const entry of this.#ledger.entries()) this.#row(entry.symbol, entry.exchange);
	}

	#onOpen(reconnect: boolean): void {
		this.#everOpened ||= this.#transport === 'server';
		this.#rowsForLedger();
		const messages = this.#ledger.resubscribeMessages();
		for (const message of messages) {
			this.#socket?.send(message);
			this.#logFrame('sent', message);
		}
		if (reconnect)
			this.#announce(messages.length ? 'Reconnected and subscribed again.' : 'Reconnected.');
	}

	#onMessage(text: string): void {
		this.#received++;
		this.#logFrame('received', text);
		const frame = parseServerFrame(text);
		if (frame && 'type' in frame && frame.type === 'market_data') {
			const row = this.#row(frame.symbol, frame.exchange);
			const ltp = frame.data.ltp;
			row.flash =
				row.previousLtp === undefined || ltp === row.previousLtp
					? row.flash
					: ltp > row.previousLtp
						? 'up'
						: 'down';
			row.previousLtp = ltp;
			row.first ??= ltp;
			row.prices.push(ltp);
			row.last = frame;
			row.dirty = true;
			this.#newestTickMs = Math.max(this.#newestTickMs ?? 0, frame.data.timestamp);
			if (frame.mode > 1 && this.#fields !== 'depth')
				this.#fields = frame.mode === 3 ? 'depth' : 'quote';
			// What the chapter's on_tick prints: print(tick["symbol"], "is now", tick["ltp"]).
			this.#consoleQueue.push(onTickLine(frame.symbol, ltp));
			if (this.#consoleQueue.length > CONSOLE_LINES)
				this.#consoleQueue.splice(0, this.#consoleQueue.length - CONSOLE_LINES);
		} else if (frame && 'type' in frame && frame.type === 'unsubscribe') {
			this.#markUnsubscribed();
		}
		this.#batcher.request();
	}

	#row(symbol: string, exchange: string): Row {
		const key = `${exchange}:${symbol}`;
		let row = this.#rows.get(key);
		if (row) return row;
		const element = document.createElement('tr');
		const name = document.createElement('th');
		name.scope = 'row';
		const strong = document.createElement('span');
		strong.className = 'ts-symbol';
		strong.textContent = symbol;
		const small = document.createElement('span');
		small.className = 'ts-exchange';
		small.textContent = exchange;
		name.append(strong, ' ', small);
		const cell = (className: string): HTMLTableCellElement => {
			const td = document.createElement('td');
			td.className = className;
			return td;
		};
		const cells = {
			ltp: cell('ts-num ts-ltp'),
			change: cell('ts-num ts-change'),
			open: cell('ts-num ts-q'),
			high: cell('ts-num ts-q'),
			low: cell('ts-num ts-q'),
			volume: cell('ts-num ts-q'),
			bid: cell('ts-num ts-d'),
			ask: cell('ts-num ts-d'),
		};
		for (const td of Object.values(cells)) td.textContent = '—';
		const spark = cell('ts-spark');
		const svg = document.createElementNS(SVG_NS, 'svg');
		svg.setAttribute('viewBox', `0 0 ${TICKER_SPARK_BOX.width} ${TICKER_SPARK_BOX.height}`);
		svg.setAttribute('aria-hidden', 'true');
		svg.setAttribute('focusable', 'false');
		const path = document.createElementNS(SVG_NS, 'path');
		svg.append(path);
		spark.append(svg);
		element.append(
			name,
			cells.ltp,
			cells.change,
			spark,
			cells.open,
			cells.high,
			cells.low,
			cells.volume,
			cells.bid,
			cells.ask,
		);
		row = {
			key,
			symbol,
			exchange,
			element,
			cells,
			path,
			prices: new PriceWindow(SPARK_POINTS),
			first: undefined,
			last: undefined,
			previousLtp: undefined,
			dirty: true,
			flash: undefined,
		};
		this.#rows.set(key, row);
		part(this, 'rows').append(element);
		return row;
	}

	/** Dims the rows the reader is no longer subscribed to, so "unsubscribe" is visible. */
	#markUnsubscribed(): void {
		for (const row of this.#rows.values()) {
			const held = this.#ledger.modesOf(row.symbol, row.exchange).length > 0;
			if (row.element.hasAttribute('data-unsubscribed') === held) {
				row.element.toggleAttribute('data-unsubscribed', !held);
				row.element.title = held ? '' : 'Unsubscribed: no more ticks for this symbol';
			}
		}
		this.#batcher.request();
	}

	#logFrame(direction: LogEntry['direction'], text: string): void {
		if (this.#logPaused) {
			this.#hiddenWhilePaused++;
			return;
		}
		this.#logQueue.push({ direction, atMs: Date.now(), text });
		if (this.#logQueue.length > LOG_ENTRIES)
			this.#logQueue.splice(0, this.#logQueue.length - LOG_ENTRIES);
		this.#batcher.request();
	}

	#render(): void {
		for (const row of this.#rows.values()) {
			if (!row.dirty || !row.last) continue;
			row.dirty = false;
			const data = row.last.data;
			row.cells.ltp.textContent = price(data.ltp);
			const change = data.change ?? (row.first === undefined ? undefined : data.ltp - row.first);
			const sign =
				change === undefined || Math.abs(change) < 0.005 ? '' : change > 0 ? '▲ +' : '▼ −';
			row.cells.change.textContent =
				change === undefined ? '—' : `${sign}${Math.abs(change).toFixed(2)}`;
			row.cells.change.dataset.sign = sign ? (change! > 0 ? 'up' : 'down') : 'flat';
			row.cells.open.textContent = price(data.open);
			row.cells.high.textContent = price(data.high);
			row.cells.low.textContent = price(data.low);
			row.cells.volume.textContent =
				data.volume === undefined ? '—' : data.volume.toLocaleString('en-IN');
			row.cells.bid.textContent = price(data.depth?.buy[0]?.price);
			row.cells.ask.textContent = price(data.depth?.sell[0]?.price);
			row.path.setAttribute('d', sparklinePath(row.prices.values(), TICKER_SPARK_BOX));
			if (row.flash) {
				// Alternate two identical animations so each tick restarts the flash.
				row.cells.ltp.dataset.flash = `${row.flash}-${row.cells.ltp.dataset.flash?.endsWith('a') ? 'b' : 'a'}`;
				row.flash = undefined;
			}
		}
		part<HTMLElement>(this, 'table').dataset.fields = this.#fields;

		if (this.#consoleQueue.length) {
			const out = part<HTMLElement>(this, 'console');
			const lines = this.#consoleQueue.map((line) => {
				const div = document.createElement('div');
				div.textContent = line;
				return div;
			});
			this.#consoleQueue = [];
			// Newest first in the DOM; the pane is flex column-reverse, so it reads top to bottom
			// like a terminal and stays pinned to the newest line without any scroll writes (a
			// scrollTop = scrollHeight per frame would force a layout at 50 ticks a second).
			out.prepend(...lines.reverse());
			while (out.childElementCount > CONSOLE_LINES) out.lastElementChild?.remove();
		}
		if (this.#logQueue.length) {
			const log = part<HTMLOListElement>(this, 'log');
			const items = this.#logQueue.map((entry) => this.#logItem(entry));
			this.#logQueue = [];
			log.prepend(...items.reverse());
			while (log.childElementCount > LOG_ENTRIES) log.lastElementChild?.remove();
		}
		part(this, 'log-note').textContent = this.#logPaused
			? `Paused: ${this.#hiddenWhilePaused.toLocaleString('en-US')} frames not shown.`
			: '';

		const open = this.#stateInfo.state === 'open';
		if (open) this.#polling.advance(Date.now(), this.#ledger.symbolCount());
		else this.#polling.pause();
		part(this, 'received').textContent = this.#received.toLocaleString('en-US');
		part(this, 'polling').textContent = this.#polling.requests.toLocaleString('en-US');
		this.dataset.received = String(this.#received);
		if (this.#newestTickMs !== undefined && this.#newestTickMs !== this.#stampedTickMs) {
			// For the render benchmark: the newest tick painted, and when it was painted (only
			// when this frame brought one: the half-second counter refresh is not a tick).
			this.#stampedTickMs = this.#newestTickMs;
			this.dataset.paintedTickMs = String(this.#newestTickMs);
			this.dataset.paintedAtMs = String(Date.now());
		}
	}

	#logItem(entry: LogEntry): HTMLLIElement {
		const item = document.createElement('li');
		item.className = `ts-frame ts-frame--${entry.direction}`;
		const arrow = document.createElement('span');
		arrow.className = 'ts-dir';
		arrow.textContent = entry.direction === 'sent' ? '↑ sent' : '↓ received';
		const time = document.createElement('time');
		time.dateTime = new Date(entry.atMs).toISOString();
		time.textContent = clock(entry.atMs);
		const code = document.createElement('code');
		code.textContent =
			entry.text.length > LOG_TEXT_MAX ? `${entry.text.slice(0, LOG_TEXT_MAX)}…` : entry.text;
		item.append(arrow, ' ', time, ' ', code);
		return item;
	}

	#onState(info: SocketStateInfo): void {
		const previous = this.#stateInfo.state;
		this.#stateInfo = info;
		this.dataset.state = info.state;
		this.dataset.transport = this.#transport;
		clearInterval(this.#countdown);
		clearInterval(this.#clockTimer);
		if (info.state === 'open') this.#clockTimer = setInterval(() => this.#batcher.request(), 500);
		this.#showState();
		if (info.state === 'reconnecting') this.#countdown = setInterval(() => this.#showState(), 250);
		const buttons = {
			connect: info.state === 'closed',
			disconnect: info.state !== 'closed',
			drop: info.state === 'open',
		};
		for (const [action, enabled] of Object.entries(buttons)) {
			this.querySelector(`[data-action="${action}"]`)?.setAttribute(
				'aria-disabled',
				String(!enabled),
			);
		}
		if (info.state !== previous) this.#announce(this.#stateText(false));
		const detail: StreamStateDetail = {
			state:
				this.#transport === 'simulation' && info.state === 'open'
					? 'simulated'
					: info.state === 'idle'
						? 'closed'
						: info.state,
			...(info.retryAtMs !== undefined
				? { retryInSeconds: Math.max(0, Math.ceil((info.retryAtMs - Date.now()) / 1000)) }
				: {}),
		};
		document.dispatchEvent(new CustomEvent(STREAM_STATE_EVENT, { detail }));
		this.#batcher.request();
	}

	#stateText(visible: boolean): string {
		const info = this.#stateInfo;
		const where =
			this.#transport === 'simulation' ? 'the in-page simulation' : 'the mock market at /stream';
		switch (info.state) {
			case 'idle':
			case 'connecting':
				return `Connecting to ${where}…`;
			case 'open':
				return this.#transport === 'simulation'
					? 'Open: in-page simulation'
					: 'Open: streaming from the mock market at /stream';
			case 'reconnecting': {
				const seconds = Math.max(
					0,
					Math.ceil(((info.retryAtMs ?? Date.now()) - Date.now()) / 1000),
				);
				return visible
					? `Connection lost. Reconnecting in ${seconds} s…`
					: `Connection lost. Reconnecting in ${seconds} seconds.`;
			}
			case 'closed':
				return 'Closed. Press Connect to open the stream again.';
		}
	}

	#showState(): void {
		part(this, 'state').textContent = this.#stateText(true);
		part(this, 'state').dataset.state = this.#stateInfo.state;
		part<HTMLElement>(this, 'simulated').hidden = this.#transport !== 'simulation';
	}

	#announce(text: string): void {
		part(this, 'live').textContent = text;
	}

	#onClick(event: MouseEvent): void {
		const button = (event.target as Element).closest<HTMLButtonElement>('button[data-action]');
		if (!button || !this.#socket || button.getAttribute('aria-disabled') === 'true') return;
		switch (button.dataset.action) {
			case 'connect':
				this.#socket.connect();
				break;
			case 'disconnect':
				this.#socket.disconnect();
				break;
			case 'drop': {
				// The server closes the connection on purpose (code 4000): watch the reconnect.
				const text = JSON.stringify({ action: 'simulate_drop' });
				if (this.#socket.send(text)) this.#logFrame('sent', text);
				break;
			}
			case 'pause-log':
				this.#logPaused = !this.#logPaused;
				this.#hiddenWhilePaused = 0;
				button.setAttribute('aria-pressed', String(this.#logPaused));
				button.textContent = this.#logPaused ? 'Resume log' : 'Pause log';
				this.#batcher.request();
				break;
			case 'clear-log':
				part(this, 'log').replaceChildren();
				part(this, 'console').replaceChildren();
				break;
		}
	}
}

if (!customElements.get('ch-tick-stream')) customElements.define('ch-tick-stream', TickStream);
