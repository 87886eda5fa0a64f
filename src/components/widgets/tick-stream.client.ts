// <ch-tick-stream>: the live demo stream (product.md §7). A reconnecting client to the page's
// stream (data-stream-url: a path on this origin, or a ws(s):// URL on another, which speaks the
// standalone protocol: authenticate with the demo key first) sends EX 1's subscribe message, and
// after every reconnect sends again what the reader has subscribed to (a WebSocket's
// subscriptions die with it). Every frame is shown: the ticker table, the on_tick console and the
// frame log. If the server never answers, the panel says why when it can tell, then runs the
// same engine and protocol in the page instead, labelled.
//
// Rendering: messages only update the model; one FrameBatcher render per animation frame writes
// the DOM, at most every TICK_RENDER_MS, so 50 ticks a second cost 20 layouts a second. The
// console, the log and the sparklines are ring buffers. State for tests and the render
// benchmark: data-state (static|connecting|open|reconnecting|closed), data-transport
// (server|simulation), data-received (frames received), data-printed (on_tick lines printed) and
// data-rendered (frames painted).
// Over ~400 lines because one element owns the connection and the DOM of the table, console and
// log; the pure parts are in src/lib (frame-log, stream-url, handshake, stream-panel) and the log
// view and the wire inspector in src/client.
import { FrameBatcher } from '../../client/frame-batcher.client.ts';
import { FrameLogView } from '../../client/frame-log-view.client.ts';
import { inPageSocketFactory } from '../../client/in-page-stream.client.ts';
import { TailPane } from '../../client/tail-pane.client.ts';
import {
	ReconnectingSocket,
	type CloseInfo,
	type SocketStateInfo,
	type StreamSocket,
} from '../../client/reconnecting-socket.client.ts';
import { WireInspector } from '../../client/wire-inspector.client.ts';
import { parseFrameKind, type FrameDirection } from '../../lib/frame-log.ts';
import { createPollingEquivalent } from '../../lib/polling-equivalent.ts';
import { parseClientMessage, type ClientRequest } from '../../lib/protocol.ts';
import { onTickLine } from '../../lib/py-render.ts';
import {
	parseServerFrame,
	type MarketDataFrame,
	type ServerFrame,
} from '../../lib/server-frames.ts';
import { PriceWindow, sparklinePath, TICKER_SPARK_BOX } from '../../lib/sparkline.ts';
import {
	TickDeduper,
	connectFailureReason,
	reconnectSentence,
	refusalSummary,
	refusedEntries,
	secondsUntil,
	tickLiteral,
	type StreamProbe,
} from '../../lib/stream-panel.ts';
import { resolveStreamEndpoint, type StreamEndpoint } from '../../lib/stream-url.ts';
import { SubscriptionLedger } from '../../lib/subscription-ledger.ts';
import { fullBucket, msUntil, take, type BucketRate } from '../../lib/token-bucket.ts';
import { setData, setText } from '../../client/set-text.client.ts';

const CONSOLE_LINES = 200;
/**
 * Ticks are painted at most this often (conflated, as market screens do): a tick after a quiet
 * spell paints in the next frame, so at the market's pace every tick is as prompt as before,
 * while a burst of 50 a second paints 20 times a second, which no reader can tell from 60, and
 * leaves a phone the frames it needs to scroll. The reader's own actions paint in the next frame.
 */
const TICK_RENDER_MS = 50;
/**
 * How often the console and the log take new lines: in the same frame as the table while ticks
 * come at the market's pace (two in a row may come close together), and in a burst (tens of
 * ticks a second) six times a second, in groups no reader can tell from one per frame, so the
 * panes' layout (the costly part of a frame) runs six times a second, not twenty. Holding lines
 * back at the market's pace would cost the page a frame of its own to show them, and ten times
 * a second cost a phone more long tasks at 50 ticks a second (render.bench.ts).
 */
const PANE_RATE: BucketRate = { capacity: 2, perSecond: 6 };
/**
 * How often the polling counter and the latency figures move on between ticks: once a second,
 * like a clock. Every tick's frame moves them on too, so this only wakes the page in a lull. At
 * 500 ms the frames that carried no tick were 1.2-1.3 a second of about 4 at the market's pace,
 * each a whole frame of the chapter for one changed number; at a second they are 0.45.
 */
const CLOCK_MS = 1000;
/**
 * How long a moved price stays tinted up or down, at least. The tint goes in the frame that
 * shows the price and comes off in the first frame after this, which the next tick or the clock
 * brings anyway (within CLOCK_MS): a fade would cost the page frames of its own (one to start,
 * one to end) for every tick, more than the tick's own frame at the market's pace
 * (render.bench.ts).
 */
const FLASH_MS = 600;
/** Lines beyond CONSOLE_LINES kept before the oldest are dropped in one step (see TailPane). */
const CONSOLE_SLACK = 50;
const SPARK_POINTS = 60;
const SVG_NS = 'http://www.w3.org/2000/svg';
/** The key the panel authenticates with on a standalone server (its demo mode takes any key). */
const DEMO_API_KEY = 'demo';
/** How long the page waits for the plain-HTTP probe that says why a stream did not answer. */
const PROBE_TIMEOUT_MS = 3000;
const AUTHENTICATE = JSON.stringify({ action: 'authenticate', api_key: DEMO_API_KEY });
const HANDSHAKE = JSON.stringify({ action: 'handshake' });

type Field = 'ltp' | 'change' | 'open' | 'high' | 'low' | 'volume' | 'bid' | 'ask';

interface Row {
	symbol: string;
	exchange: string;
	element: HTMLTableRowElement;
	cells: Record<Field, HTMLTableCellElement>;
	path: SVGPathElement;
	/** " (unsubscribed)" beside the symbol once no mode is held. */
	note: HTMLSpanElement;
	prices: PriceWindow;
	first: number | undefined;
	last: MarketDataFrame | undefined;
	previousLtp: number | undefined;
	dirty: boolean;
	/** The way the price moved with the newest tick, until the next frame tints it. */
	flash: 'up' | 'down' | undefined;
	/** When the tint shown may come off (performance.now()); 0 while none is shown. */
	flashUntilMs: number;
}

function part<T extends Element = HTMLElement>(root: Element, name: string): T {
	const element = root.querySelector<T>(`[data-part="${name}"]`);
	if (!element) throw new Error(`<ch-tick-stream> is missing its [data-part="${name}"] element`);
	return element;
}

const price = (value: number | undefined): string => (value === undefined ? '—' : value.toFixed(2));

/** Asks the stream's address over plain HTTP, to tell "nothing there" from "refused". */
async function probe(endpoint: StreamEndpoint): Promise<StreamProbe> {
	try {
		const response = await fetch(endpoint.httpUrl, {
			// Same origin: the status is readable. Elsewhere: an opaque reply still proves a server.
			mode: endpoint.mount === 'page' ? 'same-origin' : 'no-cors',
			cache: 'no-store',
			signal: AbortSignal.timeout(PROBE_TIMEOUT_MS),
		});
		return response.type === 'opaque'
			? { outcome: 'answered' }
			: { outcome: 'answered', status: response.status };
	} catch (error) {
		return error instanceof DOMException && error.name === 'TimeoutError'
			? { outcome: 'unknown' }
			: { outcome: 'silent' };
	}
}

export class TickStream extends HTMLElement {
	#socket: ReconnectingSocket | undefined;
	/** Aborts every listener the element added when it was last connected. */
	#listeners: AbortController | undefined;
	#upgraded = false;
	#endpoint: StreamEndpoint | undefined;
	#transport: 'server' | 'simulation' = 'server';
	/** Standalone mount: subscriptions wait for the `auth` success. */
	#authenticated = false;
	readonly #ledger = new SubscriptionLedger();
	readonly #rows = new Map<string, Row>();
	readonly #polling = createPollingEquivalent();
	readonly #batcher = new FrameBatcher(() => this.#render(), { minIntervalMs: TICK_RENDER_MS });
	readonly #deduper = new TickDeduper();
	#log: FrameLogView | undefined;
	#console: TailPane | undefined;
	#wire: WireInspector | undefined;
	#consoleQueue: string[] = [];
	#lastTick = '';
	#received = 0;
	/** Lines on_tick has printed (the console keeps only the last CONSOLE_LINES). */
	#printed = 0;
	#newestTickMs: number | undefined;
	#stampedTickMs: number | undefined;
	/** Meters the console's and the log's updates (PANE_RATE, on performance.now()). */
	readonly #panes = fullBucket(PANE_RATE, 0);
	/** Asks for the frame that shows lines held back by PANE_RATE. */
	#panesTimer: ReturnType<typeof setTimeout> | undefined;
	/** When #render last wrote the latency figures (performance.now()). */
	#latencyAtMs = -Infinity;
	/** Moves the polling counter and the latency figures on while connected. */
	#clockTimer: ReturnType<typeof setTimeout> | undefined;
	#stateInfo: SocketStateInfo = { state: 'idle', failures: 0 };
	#countdown: ReturnType<typeof setInterval> | undefined;
	#everOpened = false;
	#fields: 'ltp' | 'quote' | 'depth' = 'ltp';
	/** Why the page is simulating, said in the simulation note. */
	#simulationReason = '';
	#tableObserver: ResizeObserver | undefined;
	/** The page's CSP refused a connection to the stream's host (it says so in a DOM event). */
	#blockedByPolicy = false;

	connectedCallback(): void {
		if (this.#socket) return;
		if (!this.#upgraded) this.#upgrade();
		const listeners = new AbortController();
		this.#listeners = listeners;
		const signal = listeners.signal;
		this.addEventListener('click', (event) => this.#onClick(event), { signal });
		part(this, 'filters').addEventListener('input', () => this.#applyFilter(), { signal });
		part(this, 'wire').addEventListener('toggle', () => this.#onWireToggle(), { signal });
		// Back online, or back to this tab: a reader waiting on a retry gets it now.
		addEventListener('online', () => this.#socket?.retryNow(), { signal });
		document.addEventListener(
			'visibilitychange',
			() => {
				if (document.visibilityState === 'visible') this.#socket?.retryNow();
			},
			{ signal },
		);
		document.addEventListener(
			'securitypolicyviolation',
			(event) => {
				if (event.effectiveDirective !== 'connect-src' || !this.#endpoint) return;
				try {
					if (new URL(event.blockedURI).host !== new URL(this.#endpoint.url).host) return;
				} catch {
					// A blockedURI that is not a URL ('inline', 'eval') is not about the stream.
					return;
				}
				this.#blockedByPolicy = true;
				// Chromium then fires neither error nor close on the socket: end the attempt here.
				if (this.#transport === 'server' && this.#stateInfo.state === 'connecting')
					this.#socket?.forceReconnect(1006, 'blocked by the page’s Content-Security-Policy');
			},
			{ signal },
		);
		const wrap = part(this, 'table-wrap');
		this.#tableObserver = new ResizeObserver(() => this.#showScrollHint());
		this.#tableObserver.observe(wrap);
		this.#tableObserver.observe(part(this, 'table'));

		const params = new URL(location.href).searchParams;
		// ?stream=simulate forces the in-page simulation; ?sim-rate=N speeds it up (benchmarks).
		const simulate = params.get('stream') === 'simulate';
		const rate = Number(params.get('sim-rate') ?? 1);
		const simulation = inPageSocketFactory({
			rateMultiplier: Number.isFinite(rate) && rate > 0 ? Math.min(rate, 100) : 1,
		});
		try {
			this.#endpoint = resolveStreamEndpoint(this.dataset.streamUrl, location.href);
		} catch (error) {
			this.#endpoint = undefined;
			this.#simulationReason = error instanceof Error ? error.message : String(error);
		}
		this.#transport = simulate || !this.#endpoint ? 'simulation' : 'server';
		if (simulate) this.#simulationReason = 'You asked for the simulation (?stream=simulate).';
		this.#socket = new ReconnectingSocket({
			createSocket: this.#transport === 'simulation' ? simulation : () => this.#serverSocket(),
			onState: (info) => this.#onState(info),
			onMessage: (text) => this.#onMessage(text),
			onOpen: (reconnect) => this.#onOpen(reconnect),
			onSend: (text) => this.#logFrame('sent', text),
			onClose: (info) => this.#onClose(info, simulation),
		});
		this.#socket.connect();
	}

	disconnectedCallback(): void {
		// Everything this element started stops; its model (rows, ledger, log) stays, so an
		// element moved elsewhere in the page reconnects with the same subscriptions.
		this.#socket?.dispose();
		this.#socket = undefined;
		this.#listeners?.abort();
		this.#listeners = undefined;
		this.#tableObserver?.disconnect();
		this.#tableObserver = undefined;
		this.#batcher.cancel();
		clearTimeout(this.#panesTimer);
		this.#panesTimer = undefined;
		clearInterval(this.#countdown);
		clearTimeout(this.#clockTimer);
		this.#polling.pause();
	}

	/** Sends a message from the builder; subscriptions are remembered for reconnects. */
	sendMessage(text: string): void {
		const request = this.#parse(text);
		if (request) this.#ledger.apply(request);
		this.#rowsForLedger();
		this.#markUnsubscribed();
		this.#showProblems(undefined, []);
		if (this.#canSend() && this.#socket?.send(text)) {
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

	/** The static HTML becomes live, once: the placeholder rows give way to live ones. */
	#upgrade(): void {
		this.#upgraded = true;
		part(this, 'controls').inert = false;
		part(this, 'log-controls').inert = false;
		part<HTMLTableSectionElement>(this, 'rows').replaceChildren();
		this.#console = new TailPane(part(this, 'console'), {
			cap: CONSOLE_LINES,
			slack: CONSOLE_SLACK,
		});
		this.#log = new FrameLogView({
			list: part(this, 'log'),
			note: part(this, 'log-note'),
			counts: part(this, 'log-counts'),
		});
		this.#wire = new WireInspector({
			note: part(this, 'handshake-note'),
			block: part(this, 'handshake'),
			request: part(this, 'handshake-request'),
			response: part(this, 'handshake-response'),
			check: part(this, 'handshake-check'),
			rtt: part(this, 'rtt'),
			tickDelay: part(this, 'tick-delay'),
		});
		// EX 1's message, compact, as the page rendered its placeholder rows from it.
		const first = this.#parse(this.dataset.firstMessage ?? '');
		if (first) this.#ledger.apply(first);
		this.#rowsForLedger();
	}

	#parse(text: string): ClientRequest | undefined {
		const parsed = parseClientMessage(text);
		return parsed.ok ? parsed.request : undefined;
	}

	#serverSocket(): StreamSocket {
		return new WebSocket(this.#endpoint!.url);
	}

	#standalone(): boolean {
		return this.#transport === 'server' && this.#endpoint?.mount === 'standalone';
	}

	#canSend(): boolean {
		return this.#stateInfo.state === 'open' && (!this.#standalone() || this.#authenticated);
	}

	#onClose(info: CloseInfo, simulation: () => StreamSocket): boolean | undefined {
		this.#authenticated = false;
		// The server never answered, not once: say why if the page can tell, then serve the
		// stream from the page instead (an intended fallback, announced in the panel).
		if (this.#transport === 'server' && !info.opened && !this.#everOpened && this.#endpoint) {
			const endpoint = this.#endpoint;
			this.#transport = 'simulation';
			void probe(endpoint).then((outcome) => {
				// The violation event may come after the close; the probe is refused by it too.
				this.#simulationReason = connectFailureReason(
					endpoint.label,
					this.#blockedByPolicy ? { outcome: 'blocked' } : outcome,
				);
				this.#socket?.useTransport(simulation);
			});
			return false;
		}
		return undefined;
	}

	/** One row per subscribed symbol, in the order subscribed, before its first tick arrives. */
	#rowsForLedger(): void {
		for (const entry of this.#ledger.entries()) this.#row(entry.symbol, entry.exchange);
	}

	#onOpen(reconnect: boolean): void {
		this.#everOpened ||= this.#transport === 'server';
		this.#rowsForLedger();
		if (this.#standalone()) {
			// A standalone (OpenAlgo-style) server wants the key before anything else.
			this.#send(AUTHENTICATE);
		} else {
			this.#subscribeAll();
		}
		this.#socket?.ping();
		this.#askHandshake();
		this.#announce(reconnect ? 'Reconnected.' : this.#stateText());
	}

	/** Sends every remembered subscription (after a (re)connect, or the standalone auth). */
	#subscribeAll(): void {
		const messages = this.#ledger.resubscribeMessages();
		for (const message of messages) this.#send(message);
	}

	#send(text: string): void {
		if (this.#socket?.send(text)) this.#logFrame('sent', text);
	}

	/** Asks the page mount for its handshake, when the reader has the wire part open. */
	#askHandshake(): void {
		const wire = this.#wire;
		if (!wire || !part<HTMLDetailsElement>(this, 'wire').open) return;
		if (this.#transport === 'simulation') {
			wire.say(
				'There is no handshake to show: the in-page simulation opens no connection, so no HTTP request was upgraded.',
			);
		} else if (this.#standalone()) {
			wire.say(
				`The standalone server at ${this.#endpoint!.label} does not report its handshake (only the page mount does).`,
			);
		} else if (this.#stateInfo.state === 'open') {
			this.#send(HANDSHAKE);
		} else {
			wire.say('Not connected: the handshake shows once the connection opens.');
		}
	}

	#onWireToggle(): void {
		if (part<HTMLDetailsElement>(this, 'wire').open) this.#askHandshake();
	}

	#onMessage(text: string): void {
		this.#received++;
		const nowMs = Date.now();
		this.#logFrame('received', text);
		const frame = parseServerFrame(text);
		if (frame && 'type' in frame && frame.type === 'market_data') this.#onTick(frame, nowMs);
		else if (frame) this.#onReply(frame, nowMs);
		this.#batcher.request();
	}

	#onTick(frame: MarketDataFrame, nowMs: number): void {
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
		// The chapter's on_tick runs once per tick, however many modes carry it.
		if (!this.#deduper.isNew(frame.symbol, frame.exchange, frame.data.timestamp)) return;
		this.#wire?.tickArrived(frame.data.timestamp, nowMs);
		// What the chapter's on_tick prints: print(tick["symbol"], "is now", tick["ltp"]).
		this.#lastTick = `tick = ${tickLiteral(frame.symbol, ltp)}`;
		this.#printed++;
		this.#consoleQueue.push(onTickLine(frame.symbol, ltp));
		if (this.#consoleQueue.length > CONSOLE_LINES)
			this.#consoleQueue.splice(0, this.#consoleQueue.length - CONSOLE_LINES);
	}

	#onReply(frame: ServerFrame, nowMs: number): void {
		if ('type' in frame && frame.type === 'handshake') {
			void this.#wire?.show(frame);
		} else if ('type' in frame && frame.type === 'auth' && frame.status === 'success') {
			this.#authenticated = true;
			this.#subscribeAll();
		} else if ('type' in frame && frame.type === 'pong') {
			if (typeof frame.client_timestamp === 'number')
				this.#wire?.roundTrip(frame.client_timestamp, nowMs);
		} else if ('type' in frame && frame.type === 'subscribe' && frame.status !== 'success') {
			const refused = refusedEntries(frame);
			for (const entry of refused) this.#forget(entry.symbol, entry.exchange);
			this.#showProblems(
				refusalSummary(refused.length, frame.subscriptions.length),
				refused.map((entry) => `${entry.symbol} on ${entry.exchange}: ${entry.message}`),
			);
		} else if ('type' in frame && frame.type === 'unsubscribe') {
			this.#markUnsubscribed();
		} else if (!('type' in frame) && frame.status === 'error') {
			if (frame.message === 'unknown action' || /handshake/i.test(frame.message)) {
				this.#wire?.say('This server does not report its handshake.');
			}
			this.#showProblems(`The server answered with an error (${frame.code}):`, [frame.message]);
		}
	}

	/** Drops a refused (symbol, exchange) from what is resent and from the table. */
	#forget(symbol: string, exchange: string): void {
		const modes = this.#ledger.modesOf(symbol, exchange);
		if (modes.length)
			this.#ledger.apply({
				action: 'unsubscribe',
				instruments: modes.map((mode) => ({ symbol, exchange, mode })),
			});
		const key = `${exchange}:${symbol}`;
		const row = this.#rows.get(key);
		if (row && !row.last) {
			row.element.remove();
			this.#rows.delete(key);
		}
		this.#markUnsubscribed();
	}

	/** Says in words what the server refused, or hides the box (summary undefined). */
	#showProblems(summary: string | undefined, items: string[]): void {
		const box = part(this, 'problems');
		box.hidden = summary === undefined;
		part(this, 'problems-summary').textContent = summary ?? '';
		part(this, 'problems-list').replaceChildren(
			...items.map((text) => {
				const li = document.createElement('li');
				li.textContent = text;
				return li;
			}),
		);
		if (summary) this.#announce(`${summary} ${items.join('; ')}`);
	}

	#row(symbol: string, exchange: string): Row {
		const key = `${exchange}:${symbol}`;
		let row = this.#rows.get(key);
		if (row) return row;
		const element = document.createElement('tr');
		const name = document.createElement('th');
		name.scope = 'row';
		name.className = 'ts-name';
		const strong = document.createElement('span');
		strong.className = 'ts-symbol';
		strong.textContent = symbol;
		const small = document.createElement('span');
		small.className = 'ts-exchange';
		small.textContent = exchange;
		const note = document.createElement('span');
		note.className = 'ts-unsubscribed';
		name.append(strong, ' ', small, note);
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
			symbol,
			exchange,
			element,
			cells,
			path,
			note,
			prices: new PriceWindow(SPARK_POINTS),
			first: undefined,
			last: undefined,
			previousLtp: undefined,
			dirty: true,
			flash: undefined,
			flashUntilMs: 0,
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
				// Said in words, which screen readers read too (CSS content is not reliably read).
				row.note.textContent = held ? '' : ' (unsubscribed)';
			}
		}
		this.#batcher.request(true);
	}

	#logFrame(direction: FrameDirection, text: string): void {
		this.#log?.add(direction, text, Date.now());
		this.#batcher.request();
	}

	#applyFilter(): void {
		const form = part(this, 'filters');
		const value = (name: string): string =>
			form.querySelector<HTMLInputElement | HTMLSelectElement>(`[name="${name}"]`)?.value ?? '';
		const direction = value('direction');
		const kind = value('kind');
		this.#log?.setFilter({
			direction: direction === 'sent' || direction === 'received' ? direction : 'all',
			kind: parseFrameKind(kind),
			symbol: value('symbol'),
			search: value('search'),
		});
		this.#batcher.request(true);
	}

	#exportLog(): void {
		const text = this.#log?.exportText() ?? '';
		const link = document.createElement('a');
		link.href = URL.createObjectURL(new Blob([text], { type: 'application/jsonl' }));
		link.download = `stream-frames-${new Date().toISOString().replace(/[:.]/g, '-')}.jsonl`;
		link.click();
		setTimeout(() => URL.revokeObjectURL(link.href), 0);
	}

	/** Says the table scrolls when its columns are wider than the panel. */
	#showScrollHint(): void {
		const wrap = part(this, 'table-wrap');
		part(this, 'scroll-hint').hidden = wrap.scrollWidth <= wrap.clientWidth + 1;
	}

	#render(): void {
		// This render's time (performance.now()), as the batcher noted it.
		const renderedAtMs = this.#batcher.renderedAtMs;
		// Reads first, while the layout is clean; then the writes; then the panes follow.
		this.#console?.measure();
		this.#log?.measure();
		const open = this.#stateInfo.state === 'open';
		for (const row of this.#rows.values()) {
			// A tint comes off once its time is up, or when the ticks stop.
			if (row.flashUntilMs && (renderedAtMs >= row.flashUntilMs || !open)) {
				delete row.cells.ltp.dataset.flash;
				row.flashUntilMs = 0;
			}
			if (!row.dirty || !row.last) continue;
			row.dirty = false;
			const data = row.last.data;
			setText(row.cells.ltp, price(data.ltp));
			const change = data.change ?? (row.first === undefined ? undefined : data.ltp - row.first);
			const sign =
				change === undefined || Math.abs(change) < 0.005 ? '' : change > 0 ? '▲ +' : '▼ −';
			setText(
				row.cells.change,
				change === undefined ? '—' : `${sign}${Math.abs(change).toFixed(2)}`,
			);
			setData(row.cells.change, 'sign', sign ? (change! > 0 ? 'up' : 'down') : 'flat');
			setText(row.cells.open, price(data.open));
			setText(row.cells.high, price(data.high));
			setText(row.cells.low, price(data.low));
			setText(
				row.cells.volume,
				data.volume === undefined ? '—' : data.volume.toLocaleString('en-IN'),
			);
			setText(row.cells.bid, price(data.depth?.buy[0]?.price));
			setText(row.cells.ask, price(data.depth?.sell[0]?.price));
			const path = sparklinePath(row.prices.values(), TICKER_SPARK_BOX);
			if (row.path.getAttribute('d') !== path) row.path.setAttribute('d', path);
			if (row.flash && open) {
				row.cells.ltp.dataset.flash = row.flash;
				row.flashUntilMs = renderedAtMs + FLASH_MS;
			}
			row.flash = undefined;
		}
		const table = part<HTMLElement>(this, 'table');
		setData(table, 'fields', this.#fields);

		const panesDue = this.#consoleQueue.length > 0 || this.#log?.due;
		// A reader's own change to the log (a filter, Resume) shows in the next frame.
		if (panesDue && (this.#log?.urgent || take(this.#panes, PANE_RATE, renderedAtMs))) {
			if (this.#consoleQueue.length) {
				this.#console?.append(
					this.#consoleQueue.map((line) => {
						const div = document.createElement('div');
						div.textContent = line;
						return div;
					}),
				);
				this.#consoleQueue = [];
				setText(part(this, 'last-tick'), this.#lastTick);
			}
			this.#log?.render();
		} else if (panesDue && this.#panesTimer === undefined) {
			this.#panesTimer = setTimeout(
				() => {
					this.#panesTimer = undefined;
					this.#batcher.request();
				},
				// Whole ms, rounded up: setTimeout truncates (166.67 → 166), and a timer that
				// fires a hair early costs a render that takes nothing and a second wait.
				Math.ceil(msUntil(this.#panes, PANE_RATE, renderedAtMs)),
			);
		}

		if (open) this.#polling.advance(Date.now(), this.#ledger.symbolCount());
		else this.#polling.pause();
		if (renderedAtMs - this.#latencyAtMs >= CLOCK_MS) {
			this.#latencyAtMs = renderedAtMs;
			this.#wire?.renderLatency();
		}
		setText(part(this, 'received'), this.#received.toLocaleString('en-US'));
		setText(part(this, 'polling'), this.#polling.requests.toLocaleString('en-US'));
		setData(this, 'received', String(this.#received));
		setData(this, 'printed', String(this.#printed));
		if (this.#newestTickMs !== undefined && this.#newestTickMs !== this.#stampedTickMs) {
			// For the render benchmark: the newest tick painted, and when it was painted (only
			// when this frame brought one: the clock's refresh of the counter is not a tick).
			this.#stampedTickMs = this.#newestTickMs;
			this.dataset.paintedTickMs = String(this.#newestTickMs);
			this.dataset.paintedAtMs = String(Date.now());
		}
		// Last, after every write: following the newest line reads the panes' layout once.
		this.#console?.follow();
		this.#log?.follow();
		// The polling counter, the latency figures and the tints move on between ticks too: a
		// frame CLOCK_MS after this one, unless a tick's frame comes first (it moves them on, and
		// the page is not woken while ticks come).
		// Not once the element has left the page: dispose() does not report a state, so
		// #stateInfo still says open, and a render then (sendMessage) would re-arm this for good.
		clearTimeout(this.#clockTimer);
		if (open && this.#socket)
			this.#clockTimer = setTimeout(() => this.#batcher.request(), CLOCK_MS);
	}

	#onState(info: SocketStateInfo): void {
		const previous = this.#stateInfo;
		this.#stateInfo = info;
		this.dataset.state = info.state;
		this.dataset.transport = this.#transport;
		clearInterval(this.#countdown);
		clearTimeout(this.#clockTimer);
		this.#showState();
		if (info.state === 'reconnecting') this.#countdown = setInterval(() => this.#showState(), 250);
		const buttons = {
			connect: info.state === 'closed',
			disconnect: info.state !== 'closed',
			drop: info.state === 'open' && !this.#standalone(),
		};
		for (const [action, enabled] of Object.entries(buttons)) {
			this.querySelector(`[data-action="${action}"]`)?.setAttribute(
				'aria-disabled',
				String(!enabled),
			);
		}
		part(this, 'controls').querySelector<HTMLElement>('[data-action="retry"]')!.hidden =
			info.state !== 'reconnecting';
		// One sentence per attempt: the wait before it when scheduled, and the outcome (open or
		// closed). "Connecting" between the two is not said: it is the attempt itself.
		if (info.state === 'reconnecting')
			this.#announce(
				reconnectSentence(info.failures, secondsUntil(info.retryAtMs ?? Date.now(), Date.now())),
			);
		else if (info.state === 'closed' && previous.state !== 'closed')
			this.#announce(this.#stateText());
		this.#batcher.request(true);
	}

	#where(): string {
		return this.#transport === 'simulation'
			? 'the in-page simulation'
			: `the mock market at ${this.#endpoint?.label ?? ''}`;
	}

	#stateText(): string {
		const info = this.#stateInfo;
		switch (info.state) {
			case 'idle':
			case 'connecting':
				return `Connecting to ${this.#where()}…`;
			case 'open':
				return this.#transport === 'simulation'
					? 'Open: in-page simulation'
					: `Open: streaming from ${this.#where()}`;
			case 'reconnecting': {
				const seconds = secondsUntil(info.retryAtMs ?? Date.now(), Date.now());
				return `Connection lost. Reconnecting in ${seconds} s…`;
			}
			case 'closed':
				return 'Closed. Press Connect to open the stream again.';
		}
	}

	#showState(): void {
		const state = part(this, 'state');
		const text = this.#stateText();
		setText(state, text);
		setData(state, 'state', this.#stateInfo.state);
		const simulated = this.#transport === 'simulation';
		part(this, 'simulated').hidden = !simulated;
		// Spaces around it: the note's parts are inline, and the markup leaves none between them.
		part(this, 'simulated-reason').textContent = ` ${this.#simulationReason} `;
		part(this, 'intro').hidden = simulated;
		part(this, 'intro-simulated').hidden = !simulated;
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
			case 'retry':
				this.#socket.retryNow();
				break;
			case 'drop':
				// The server closes the connection on purpose (code 4000): watch the reconnect.
				this.#send(JSON.stringify({ action: 'simulate_drop' }));
				break;
			case 'pause-log': {
				const paused = !this.#log?.paused;
				this.#log?.setPaused(paused);
				button.setAttribute('aria-pressed', String(paused));
				button.textContent = paused ? 'Resume log' : 'Pause log';
				this.#batcher.request(true);
				break;
			}
			case 'clear-log':
				// The frame log only: the console is on_tick's output, not the log's.
				this.#log?.clear();
				this.#batcher.request(true);
				break;
			case 'export-log':
				this.#exportLog();
				break;
		}
	}
}

if (!customElements.get('ch-tick-stream')) customElements.define('ch-tick-stream', TickStream);
