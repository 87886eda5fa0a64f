// One connection's protocol state, without a transport: the ws server runs one per socket and
// the page's in-page simulation runs one too, so both answer every message the same way.
import {
	DEFAULT_DEPTH,
	MODE_LABELS,
	MOCK_BROKER,
	authSuccessFrame,
	brokerInfoFrame,
	errorFrame,
	parseClientMessage,
	pongFrame,
	subscribeAckFrame,
	supportedBrokersFrame,
	unsubscribeAckFrame,
	type ClientRequest,
	type ModeNumber,
	type ServerFrame,
	type SubscriptionResult,
	type UnsubscribeResult,
} from './protocol.ts';
import { instrumentKey } from './instruments.ts';
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
	/** Whether the mock-only `simulate_drop` verb is honoured (page mount) or refused. */
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
		const parsed = parseClientMessage(text);
		if (!parsed.ok) {
			const first = parsed.issues[0]!;
			return { frames: [errorFrame(first.code, first.message)], drop: false };
		}
		const request = parsed.request;
		return {
			frames: this.#dispatch(request, nowMs),
			request,
			drop: request.action === 'simulate_drop' && this.#options.allowSimulateDrop === true,
		};
	}

	#dispatch(request: ClientRequest, nowMs: number): ServerFrame[] {
		switch (request.action) {
			case 'authenticate': {
				const expected = this.#options.apiKey;
				if (expected !== undefined && request.apiKey !== expected) {
					return [errorFrame('AUTHENTICATION_ERROR', 'Invalid API key')];
				}
				this.#authenticated = true;
				return [authSuccessFrame(this.#broker)];
			}
			case 'ping':
				return [pongFrame(nowMs, request)];
			case 'get_supported_brokers':
				return [supportedBrokersFrame([this.#broker])];
			case 'simulate_drop':
				if (!this.#options.allowSimulateDrop)
					return [errorFrame('INVALID_ACTION', 'Invalid action: simulate_drop')];
				return [];
			default:
				break;
		}
		if (!this.#authenticated) {
			if (!this.#options.implicitAuth || request.action === 'get_broker_info') {
				return [errorFrame('NOT_AUTHENTICATED', 'You must authenticate first')];
			}
			this.#authenticated = true;
		}
		switch (request.action) {
			case 'get_broker_info':
				return [brokerInfoFrame(this.#broker)];
			case 'subscribe': {
				const results: SubscriptionResult[] = [];
				const pairs = new Set(this.subscriptions().map((s) => instrumentKey(s.symbol, s.exchange)));
				for (const instrument of request.instruments) {
					const pair = instrumentKey(instrument.symbol, instrument.exchange);
					if (!pairs.has(pair) && pairs.size >= this.#options.maxSymbols) {
						results.push({
							symbol: instrument.symbol,
							exchange: instrument.exchange,
							status: 'error',
							message: `Maximum symbols per connection reached (${this.#options.maxSymbols}); unsubscribe some first`,
							broker: this.#broker,
						});
						continue;
					}
					pairs.add(pair);
					const key = subscriptionKey(instrument.symbol, instrument.exchange, request.mode);
					this.#subscriptions.set(key, {
						symbol: instrument.symbol,
						exchange: instrument.exchange,
						mode: request.mode,
						depth: request.mode === 3 ? request.depth : DEFAULT_DEPTH,
						sinceMs: this.#subscriptions.get(key)?.sinceMs ?? nowMs,
					});
					results.push({
						symbol: instrument.symbol,
						exchange: instrument.exchange,
						status: 'success',
						mode: MODE_LABELS[request.mode],
						depth: request.depth,
						broker: this.#broker,
					});
				}
				const ack = subscribeAckFrame(results, this.#broker, request);
				if (results.length > 0 && results.every((r) => r.status === 'error')) {
					return [
						ack,
						errorFrame(
							'SYMBOL_LIMIT',
							`Maximum symbols per connection reached (${this.#options.maxSymbols})`,
						),
					];
				}
				return [ack];
			}
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

	/** Every active subscription, in the order they were made. */
	subscriptions(): readonly Subscription[] {
		return [...this.#subscriptions.values()];
	}

	/** True when this session holds (symbol, exchange) at `mode`. */
	has(symbol: string, exchange: string, mode: ModeNumber): boolean {
		return this.#subscriptions.has(subscriptionKey(symbol, exchange, mode));
	}
}
