// One connection's protocol state, without a transport: the ws server runs one per socket and
// the page's in-page simulation runs one too, so both answer every message the same way.
//
// Authenticating again with a wrong key de-authenticates: the connection drops every
// subscription and is treated as never authenticated (error AUTHENTICATION_ERROR), so a typo
// never leaves it streaming under the old key. OpenAlgo itself leaves the old state in place.
import { instrumentKey } from './instruments.ts';
import { protocolIssue } from './protocol-errors.ts';
import {
	DEFAULT_DEPTH,
	MODE_LABELS,
	MOCK_BROKER,
	invalidActionIssue,
	parseClientMessage,
	type ClientRequest,
	type ModeNumber,
} from './protocol.ts';
import {
	authSuccessFrame,
	brokerInfoFrame,
	errorFrame,
	pongFrame,
	protocolErrorFrame,
	subscribeAckFrame,
	supportedBrokersFrame,
	unsubscribeAckFrame,
	type ServerFrame,
	type SubscriptionResult,
	type UnsubscribeResult,
} from './server-frames.ts';
import { subscriptionKey, type Subscription } from './subscription.ts';

export interface StreamSessionOptions {
	/** Only this key authenticates; when undefined any non-empty key does (demo mode). */
	apiKey?: string;
	/**
	 * Teaching switch for the page's /stream mount: a subscribe or unsubscribe before authenticate
	 * is accepted as if authenticated with the demo key, so the chapter's "connect, subscribe,
	 * receive" works as written (protocol spec §14).
	 */
	implicitAuth: boolean;
	/** Distinct (symbol, exchange) pairs one connection may hold. */
	maxSymbols: number;
	/** Whether the page-mount verbs `simulate_drop` and `handshake` are honoured or refused. */
	allowSimulateDrop?: boolean;
	broker?: string;
}

export interface SessionReply {
	/** Frames to send back, in order. */
	frames: ServerFrame[];
	/** The request, when the message was valid. */
	request?: ClientRequest;
	/** True when the client asked the server to drop the connection (simulate_drop). */
	drop: boolean;
	/** True when the set of subscriptions changed (the server re-indexes its fan-out then). */
	subscriptionsChanged: boolean;
}

export class StreamSession {
	readonly #options: StreamSessionOptions;
	readonly #broker: string;
	#authenticated = false;
	readonly #subscriptions = new Map<string, Subscription>();

	constructor(options: StreamSessionOptions) {
		this.#options = options;
		this.#broker = options.broker ?? MOCK_BROKER;
	}

	get authenticated(): boolean {
		return this.#authenticated;
	}

	/** Handles one inbound text frame at time nowMs; returns the reply frames to send, in order. */
	receive(text: string, nowMs: number): ServerFrame[] {
		return this.handle(text, nowMs).frames;
	}

	/** Like `receive`, and also says which request it was and whether to drop the connection. */
	handle(text: string, nowMs: number): SessionReply {
		const before = this.#subscriptions.size;
		const parsed = parseClientMessage(text, { maxSymbols: this.#options.maxSymbols });
		if (!parsed.ok) {
			// Any failed authenticate (no key, a malformed one) de-authenticates, as a wrong key does.
			if (parsed.action === 'authenticate') this.#deauthenticate();
			const first = parsed.issues[0]!;
			return {
				frames: [errorFrame(first.code, first.message)],
				drop: false,
				subscriptionsChanged: this.#subscriptions.size !== before,
			};
		}
		const request = parsed.request;
		const frames = this.#dispatch(request, nowMs);
		const changed =
			this.#subscriptions.size !== before ||
			request.action === 'subscribe' ||
			request.action === 'unsubscribe';
		return {
			frames,
			request,
			drop: request.action === 'simulate_drop' && this.#options.allowSimulateDrop === true,
			subscriptionsChanged: changed,
		};
	}

	#deauthenticate(): void {
		this.#authenticated = false;
		this.#subscriptions.clear();
	}

	#dispatch(request: ClientRequest, nowMs: number): ServerFrame[] {
		switch (request.action) {
			case 'authenticate': {
				const expected = this.#options.apiKey;
				if (expected !== undefined && request.apiKey !== expected) {
					this.#deauthenticate();
					return [protocolErrorFrame('apiKeyRefused')];
				}
				this.#authenticated = true;
				return [authSuccessFrame(this.#broker)];
			}
			case 'ping':
				return [pongFrame(nowMs, request)];
			case 'get_supported_brokers':
				return [supportedBrokersFrame([this.#broker])];
			case 'simulate_drop':
			case 'handshake': {
				// Page-mount verbs: the transport acts on them (close 4000, the handshake frame).
				if (this.#options.allowSimulateDrop) return [];
				const issue = invalidActionIssue({ action: request.action }, request.action);
				return [errorFrame(issue.code, issue.message)];
			}
			default:
				break;
		}
		if (!this.#authenticated) {
			if (!this.#options.implicitAuth || request.action === 'get_broker_info')
				return [protocolErrorFrame('notAuthenticated')];
			this.#authenticated = true;
		}
		switch (request.action) {
			case 'get_broker_info':
				return [brokerInfoFrame(this.#broker)];
			case 'subscribe':
				return this.#subscribe(request, nowMs);
			case 'unsubscribe': {
				const successful: UnsubscribeResult[] = [];
				for (const instrument of request.instruments) {
					// Naming a triple that is not subscribed still succeeds (spec §7).
					this.#subscriptions.delete(
						subscriptionKey(instrument.symbol, instrument.exchange, instrument.mode),
					);
					successful.push({
						symbol: instrument.symbol,
						exchange: instrument.exchange,
						status: 'success',
						broker: this.#broker,
					});
				}
				const failed: UnsubscribeResult[] = (request.failed ?? []).map((entry) => ({
					symbol: entry.symbol,
					exchange: entry.exchange,
					status: 'error',
					message: entry.message,
					broker: this.#broker,
				}));
				return [unsubscribeAckFrame(successful, failed, this.#broker, request)];
			}
			case 'unsubscribe_all': {
				const successful: UnsubscribeResult[] = this.subscriptions().map((s) => ({
					symbol: s.symbol,
					exchange: s.exchange,
					status: 'success',
					broker: this.#broker,
				}));
				this.#subscriptions.clear();
				return [unsubscribeAckFrame(successful, [], this.#broker, request)];
			}
			default:
				return [];
		}
	}

	/**
	 * Subscribes each known entry in order; unknown instruments (refused by the validator) and
	 * entries past the symbol limit fail in the ack, in their place among the entries.
	 */
	#subscribe(
		request: Extract<ClientRequest, { action: 'subscribe' }>,
		nowMs: number,
	): ServerFrame[] {
		const { maxSymbols } = this.#options;
		const results: SubscriptionResult[] = [];
		const held = new Set(this.subscriptions().map((s) => instrumentKey(s.symbol, s.exchange)));
		const refusedAt = new Map((request.refused ?? []).map((entry) => [entry.position, entry]));
		const total = request.instruments.length + refusedAt.size;
		let next = 0;
		let overLimit = 0;
		for (let position = 0; position < total; position++) {
			const refused = refusedAt.get(position);
			if (refused) {
				results.push({
					symbol: refused.symbol,
					exchange: refused.exchange,
					status: 'error',
					message: refused.issue.message,
					broker: this.#broker,
				});
				continue;
			}
			const { symbol, exchange } = request.instruments[next++]!;
			const pair = instrumentKey(symbol, exchange);
			if (!held.has(pair) && held.size >= maxSymbols) {
				overLimit++;
				const issue = protocolIssue('symbolLimitEntry', '', { max: maxSymbols });
				results.push({
					symbol,
					exchange,
					status: 'error',
					message: issue.message,
					broker: this.#broker,
				});
				continue;
			}
			held.add(pair);
			const key = subscriptionKey(symbol, exchange, request.mode);
			this.#subscriptions.set(key, {
				symbol,
				exchange,
				mode: request.mode,
				depth: request.mode === 3 ? request.depth : DEFAULT_DEPTH,
				sinceMs: this.#subscriptions.get(key)?.sinceMs ?? nowMs,
			});
			results.push({
				symbol,
				exchange,
				status: 'success',
				mode: MODE_LABELS[request.mode],
				depth: request.depth,
				broker: this.#broker,
			});
		}
		const ack = subscribeAckFrame(results, this.#broker, request);
		if (overLimit > 0 && overLimit === results.length)
			return [ack, protocolErrorFrame('symbolLimit', { max: maxSymbols })];
		return [ack];
	}

	/** Every active subscription, in the order they were made. */
	subscriptions(): readonly Subscription[] {
		return [...this.#subscriptions.values()];
	}

	/** True when this session holds (symbol, exchange) at `mode`. */
	has(symbol: string, exchange: string, mode: ModeNumber): boolean {
		return this.#subscriptions.has(subscriptionKey(symbol, exchange, mode));
	}
}
