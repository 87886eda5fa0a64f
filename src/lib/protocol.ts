// The OpenAlgo WebSocket market-data protocol (../shared/openalgo-protocol.md), shared by the
// mock server, the page's in-page simulation and the subscribe-message builder. Parsing returns
// a result instead of throwing: a typed request, or issues that name the JSON path, carry
// OpenAlgo's exact wire code and text, and a fuller hint for a beginner. Ships to the browser.
import { EXCHANGES } from './instruments.ts';

export type ModeNumber = 1 | 2 | 3;
export type ModeLabel = 'LTP' | 'Quote' | 'Depth';
export const MODE_LABELS: Readonly<Record<ModeNumber, ModeLabel>> = {
	1: 'LTP',
	2: 'Quote',
	3: 'Depth',
};
/** The chapter's lower-case mode words, by number. */
export const MODE_WORDS: Readonly<Record<ModeNumber, 'ltp' | 'quote' | 'depth'>> = {
	1: 'ltp',
	2: 'quote',
	3: 'depth',
};
export const MOCK_BROKER = 'mock';
export const DEMO_USER = 'demo';
/** Depth levels a subscriber may ask for; anything else is granted 5 (spec §6, §13). */
export const DEPTH_LEVELS: readonly number[] = [5, 20, 30, 50];
export const DEFAULT_DEPTH = 5;

export type WireErrorCode =
	| 'INVALID_JSON'
	| 'INVALID_ACTION'
	| 'AUTHENTICATION_ERROR'
	| 'NOT_AUTHENTICATED'
	| 'INVALID_MODE'
	| 'INVALID_PARAMETERS'
	| 'SYMBOL_LIMIT'
	| 'RATE_LIMITED'
	| 'SERVER_ERROR';

export interface Instrument {
	symbol: string;
	exchange: string;
}

export type ClientRequest =
	| { action: 'authenticate'; apiKey: string }
	| {
			action: 'subscribe';
			mode: ModeNumber;
			depth: number;
			instruments: Instrument[];
			requestId?: unknown;
	  }
	| {
			action: 'unsubscribe';
			instruments: Array<Instrument & { mode: ModeNumber }>;
			/** Entries whose own mode was refused: OpenAlgo lists them in the ack's `failed` (spec §7). */
			failed?: Array<Instrument & { message: string }>;
			requestId?: unknown;
	  }
	| { action: 'unsubscribe_all'; requestId?: unknown }
	| { action: 'ping'; timestamp?: unknown; pingId?: unknown }
	| { action: 'get_broker_info' }
	| { action: 'get_supported_brokers' }
	| { action: 'simulate_drop' };

/**
 * One problem with a client message. `path` is a JSON path such as `mode` or
 * `symbols[1].exchange` ('' = the whole message); `message` is the text sent on the wire;
 * `hint` is a fuller sentence for a beginner that names what is allowed.
 */
export interface ProtocolIssue {
	code: WireErrorCode;
	path: string;
	message: string;
	hint: string;
}

export type ParseResult =
	| { ok: true; request: ClientRequest; warnings: ProtocolIssue[] }
	| { ok: false; issues: ProtocolIssue[] };

type JsonObject = Record<string, unknown>;

const SYMBOL_PATTERN = /^[A-Za-z0-9][A-Za-z0-9&._-]{0,39}$/;
const EXCHANGE_PATTERN = /^[A-Z][A-Z0-9_]{1,19}$/;

const KNOWN_KEYS: Readonly<Record<string, readonly string[]>> = {
	authenticate: ['action', 'type', 'api_key', 'apikey'],
	subscribe: [
		'action',
		'type',
		'mode',
		'symbols',
		'instruments',
		'symbol',
		'exchange',
		'depth',
		'depth_level',
		'request_id',
	],
	unsubscribe: [
		'action',
		'type',
		'mode',
		'symbols',
		'instruments',
		'symbol',
		'exchange',
		'request_id',
		'unsubscribe_all',
	],
};

function isObject(value: unknown): value is JsonObject {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Python truthiness of a JSON value: None, False, 0, "", [] and {} are false (the server's `or`). */
function truthy(value: unknown): boolean {
	if (value === undefined || value === null || value === false || value === 0 || value === '')
		return false;
	if (Array.isArray(value)) return value.length > 0;
	if (isObject(value)) return Object.keys(value).length > 0;
	return true;
}

/** Python's repr of a JSON value (None, True, 'text', [1, 2], {'a': 1}). */
function pythonRepr(value: unknown): string {
	if (value === null || value === undefined) return 'None';
	if (value === true) return 'True';
	if (value === false) return 'False';
	if (typeof value === 'string') return pythonStr(value);
	if (Array.isArray(value)) return `[${value.map(pythonRepr).join(', ')}]`;
	if (isObject(value)) {
		return `{${Object.entries(value)
			.map(([key, item]) => `${pythonStr(key)}: ${pythonRepr(item)}`)
			.join(', ')}}`;
	}
	return String(value);
}

/** Python's str() of a JSON value, as an f-string prints it (a str prints bare). */
function pythonText(value: unknown): string {
	return typeof value === 'string' ? value : pythonRepr(value);
}

/** Python's name for a JSON value's type, as OpenAlgo's error texts use it. */
function pythonType(value: unknown): string {
	if (value === null) return 'NoneType';
	if (typeof value === 'boolean') return 'bool';
	if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float';
	if (typeof value === 'string') return 'str';
	if (Array.isArray(value)) return 'list';
	return 'dict';
}

/** Python's repr of a str (single quotes unless the text holds one and no double quote). */
function pythonStr(text: string): string {
	const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
	const body = text
		.replaceAll('\\', '\\\\')
		.replaceAll('\n', '\\n')
		.replaceAll('\r', '\\r')
		.replaceAll('\t', '\\t')
		.replaceAll(quote, '\\' + quote);
	return quote + body + quote;
}

/** How a value appears in a hint: JSON, shortened. */
function shown(value: unknown): string {
	const text = JSON.stringify(value) ?? String(value);
	return text.length > 40 ? text.slice(0, 37) + '...' : text;
}

function issue(code: WireErrorCode, path: string, message: string, hint: string): ProtocolIssue {
	return { code, path, message, hint };
}

/**
 * Normalises a mode as OpenAlgo does: 1, 2, 3, or "LTP"/"Quote"/"Depth" in any case with
 * surrounding spaces ignored. Returns OpenAlgo's exact refusal text otherwise.
 */
export function normalizeMode(
	value: unknown,
): { ok: true; mode: ModeNumber } | { ok: false; message: string } {
	if (typeof value === 'boolean') {
		return {
			ok: false,
			message: `Mode must be int or str, got bool (${value ? 'True' : 'False'})`,
		};
	}
	if (typeof value === 'number') {
		if (!Number.isInteger(value))
			return { ok: false, message: 'Mode must be int or str, got float' };
		if (value === 1 || value === 2 || value === 3) return { ok: true, mode: value };
		return {
			ok: false,
			message: `Invalid mode ${value}; expected 1 (LTP), 2 (Quote), or 3 (Depth)`,
		};
	}
	if (typeof value === 'string') {
		const word = value.trim().toLowerCase();
		if (word === 'ltp') return { ok: true, mode: 1 };
		if (word === 'quote') return { ok: true, mode: 2 };
		if (word === 'depth') return { ok: true, mode: 3 };
		return {
			ok: false,
			message: `Invalid mode ${pythonStr(value)}; expected 'LTP', 'Quote', or 'Depth' (case-insensitive)`,
		};
	}
	return { ok: false, message: `Mode must be int or str, got ${pythonType(value)}` };
}

function modeIssue(path: string, value: unknown, message: string): ProtocolIssue {
	return issue(
		'INVALID_MODE',
		path,
		message,
		`\`${path}\` must be "ltp", "quote" or "depth" (any letter case) or the number 1, 2 or 3; got ${shown(value)}.`,
	);
}

/** Reads the verb as the server does: `action or type` (so a falsy `action` falls back to `type`). */
function verbOf(message: JsonObject): unknown {
	return truthy(message.action) ? message.action : message.type;
}

function unknownKeyWarnings(message: JsonObject, verb: string): ProtocolIssue[] {
	const known = KNOWN_KEYS[verb];
	if (!known) return [];
	return Object.keys(message)
		.filter((key) => !known.includes(key))
		.map((key) =>
			issue(
				'INVALID_PARAMETERS',
				key,
				`Unknown field ${key} ignored`,
				`The server ignores \`${key}\`. A ${verb} message reads: ${known.filter((k) => k !== 'type').join(', ')}.`,
			),
		);
}

interface EntriesResult {
	instruments: Array<Instrument & { entryMode?: unknown; path: string }>;
	issues: ProtocolIssue[];
	warnings: ProtocolIssue[];
	/** True when the message named no list and no single symbol. */
	none: boolean;
	listKey: string;
}

/** Reads the instruments of a subscribe or unsubscribe: a `symbols` list, or one symbol + exchange. */
function readInstruments(message: JsonObject, verb: 'subscribe' | 'unsubscribe'): EntriesResult {
	// The server reads `data.get("symbols") or []`: an absent, null, empty or false list means none.
	const listKey = truthy(message.symbols)
		? 'symbols'
		: truthy(message.instruments)
			? 'instruments'
			: 'symbols';
	const list = truthy(message[listKey]) ? message[listKey] : undefined;
	const result: EntriesResult = { instruments: [], issues: [], warnings: [], none: false, listKey };
	if (list !== undefined && !Array.isArray(list)) {
		result.issues.push(
			issue(
				'INVALID_PARAMETERS',
				listKey,
				`${listKey} must be a list of {"symbol", "exchange"} objects`,
				`\`${listKey}\` must be a list like [{"symbol": "RELIANCE", "exchange": "NSE"}]; got ${shown(list)}.`,
			),
		);
		return result;
	}
	if (Array.isArray(list) && list.length > 0) {
		list.forEach((entry, index) => {
			const path = `${listKey}[${index}]`;
			if (!isObject(entry)) {
				result.issues.push(
					issue(
						'INVALID_PARAMETERS',
						path,
						`Each entry of ${listKey} must be an object with symbol and exchange`,
						`\`${path}\` must be an object like {"symbol": "TCS", "exchange": "NSE"}; got ${shown(entry)}.`,
					),
				);
				return;
			}
			const checked = checkInstrument(entry, path);
			if (checked === 'skip') {
				result.warnings.push(
					issue(
						'INVALID_PARAMETERS',
						path,
						'Entry without symbol and exchange skipped',
						`\`${path}\` needs both "symbol" and "exchange"; OpenAlgo skips it without a word.`,
					),
				);
			} else if ('code' in checked) result.issues.push(checked);
			else result.instruments.push({ ...checked, entryMode: entry.mode, path });
		});
		return result;
	}
	if (message.symbol !== undefined || message.exchange !== undefined) {
		const checked = checkInstrument(message, '');
		if (checked === 'skip') {
			const missing = message.symbol === undefined ? 'symbol' : 'exchange';
			result.issues.push(
				issue(
					'INVALID_PARAMETERS',
					missing,
					verb === 'subscribe'
						? 'At least one symbol must be specified'
						: 'Either symbols or unsubscribe_all is required',
					`A single-symbol ${verb} needs both "symbol" and "exchange"; \`${missing}\` is missing.`,
				),
			);
		} else if ('code' in checked) result.issues.push(checked);
		else result.instruments.push({ ...checked, path: '' });
		return result;
	}
	result.none = true;
	return result;
}

/** Checks one {symbol, exchange}; 'skip' when either is missing (OpenAlgo skips such entries). */
function checkInstrument(entry: JsonObject, base: string): Instrument | ProtocolIssue | 'skip' {
	const at = (key: string): string => (base ? `${base}.${key}` : key);
	const { symbol, exchange } = entry;
	if (symbol === undefined || symbol === null || exchange === undefined || exchange === null)
		return 'skip';
	if (typeof symbol !== 'string' || !SYMBOL_PATTERN.test(symbol)) {
		return issue(
			'INVALID_PARAMETERS',
			at('symbol'),
			'Invalid symbol',
			`\`${at('symbol')}\` must be a trading symbol such as "RELIANCE" (letters, digits, & . _ -, at most 40); got ${shown(symbol)}.`,
		);
	}
	if (typeof exchange !== 'string' || !EXCHANGE_PATTERN.test(exchange)) {
		const upper = typeof exchange === 'string' && EXCHANGE_PATTERN.test(exchange.toUpperCase());
		return issue(
			'INVALID_PARAMETERS',
			at('exchange'),
			'Invalid exchange',
			`\`${at('exchange')}\` must be an exchange code in capitals, one of ${EXCHANGES.join(', ')}; got ${shown(exchange)}.` +
				(upper
					? ` Exchanges are case-sensitive: write "${(exchange as string).toUpperCase()}".`
					: ''),
		);
	}
	return { symbol, exchange };
}

/** `request_id` is echoed when present and not null (server: `if request_id is not None`). */
function requestIdOf(message: JsonObject): { requestId?: unknown } {
	return message.request_id !== undefined && message.request_id !== null
		? { requestId: message.request_id }
		: {};
}

/** Validates a parsed JSON value as a client message (both the chapter's and OpenAlgo's shapes). */
export function validateClientMessage(value: unknown): ParseResult {
	if (!isObject(value)) {
		return {
			ok: false,
			issues: [
				issue(
					'INVALID_JSON',
					'',
					'Invalid JSON message',
					`A message must be one JSON object such as {"action": "subscribe", ...}; got ${Array.isArray(value) ? 'a list' : shown(value)}.`,
				),
			],
		};
	}
	const verb = verbOf(value);
	const verbText = pythonText(verb);
	const invalidAction = (): ParseResult => ({
		ok: false,
		issues: [
			issue(
				'INVALID_ACTION',
				truthy(value.action) || value.type === undefined ? 'action' : 'type',
				`Invalid action: ${verbText}`,
				verb === undefined || verb === null
					? 'The message needs an "action": "subscribe", "unsubscribe", "authenticate" or "ping".'
					: `\`action\` must be "subscribe", "unsubscribe", "unsubscribe_all", "authenticate", "ping", "get_broker_info" or "get_supported_brokers"; got ${shown(verb)}.`,
			),
		],
	});
	if (typeof verb !== 'string') return invalidAction();

	switch (verb) {
		case 'authenticate':
		case 'auth': {
			const key = truthy(value.api_key) ? value.api_key : value.apikey;
			if (typeof key !== 'string' || key.trim() === '') {
				// A present but unusable key is looked up and not found on the real server.
				if (truthy(key)) {
					return {
						ok: false,
						issues: [
							issue(
								'AUTHENTICATION_ERROR',
								truthy(value.api_key) ? 'api_key' : 'apikey',
								'Invalid API key',
								`\`api_key\` must be your OpenAlgo API key as a string of letters and digits; got ${shown(key)}.`,
							),
						],
					};
				}
				return {
					ok: false,
					issues: [
						issue(
							'AUTHENTICATION_ERROR',
							'api_key',
							'API key is required',
							'`api_key` must be your OpenAlgo API key as a non-empty string; the demo server takes any key.',
						),
					],
				};
			}
			return {
				ok: true,
				request: { action: 'authenticate', apiKey: key },
				warnings: unknownKeyWarnings(value, 'authenticate'),
			};
		}
		case 'subscribe': {
			const issues: ProtocolIssue[] = [];
			const warnings = unknownKeyWarnings(value, 'subscribe');
			let mode: ModeNumber = 2;
			if ('mode' in value) {
				const normalised = normalizeMode(value.mode);
				if (normalised.ok) mode = normalised.mode;
				else issues.push(modeIssue('mode', value.mode, normalised.message));
			}
			let depth = DEFAULT_DEPTH;
			const present = (key: string): boolean => value[key] !== undefined && value[key] !== null;
			const depthKey = present('depth')
				? 'depth'
				: present('depth_level')
					? 'depth_level'
					: undefined;
			if (depthKey) {
				const asked = value[depthKey];
				if (typeof asked !== 'number' || !Number.isInteger(asked) || asked < 1) {
					issues.push(
						issue(
							'INVALID_PARAMETERS',
							depthKey,
							'Invalid depth level',
							`\`${depthKey}\` must be a whole number of order-book levels: ${DEPTH_LEVELS.join(', ')}; got ${shown(asked)}.`,
						),
					);
				} else if (DEPTH_LEVELS.includes(asked)) depth = asked;
				else {
					warnings.push(
						issue(
							'INVALID_PARAMETERS',
							depthKey,
							`Depth ${asked} not offered; granted ${DEFAULT_DEPTH}`,
							`\`${depthKey}\` may be ${DEPTH_LEVELS.join(', ')}; the server grants ${DEFAULT_DEPTH} levels instead of ${asked}.`,
						),
					);
				}
			}
			const entries = readInstruments(value, 'subscribe');
			issues.push(...entries.issues);
			warnings.push(...entries.warnings);
			if (entries.none) {
				issues.push(
					issue(
						'INVALID_PARAMETERS',
						'symbols',
						'At least one symbol must be specified',
						'Add "symbols": [{"symbol": "RELIANCE", "exchange": "NSE"}] (or a single "symbol" and "exchange").',
					),
				);
			}
			if (issues.length > 0) return { ok: false, issues };
			return {
				ok: true,
				request: {
					action: 'subscribe',
					mode,
					depth,
					instruments: entries.instruments.map(({ symbol, exchange }) => ({ symbol, exchange })),
					...requestIdOf(value),
				},
				warnings,
			};
		}
		case 'unsubscribe': {
			// The server treats `"type": "unsubscribe_all"` beside `"action": "unsubscribe"` as all.
			if (value.unsubscribe_all === true || value.type === 'unsubscribe_all') {
				return {
					ok: true,
					request: { action: 'unsubscribe_all', ...requestIdOf(value) },
					warnings: [],
				};
			}
			const issues: ProtocolIssue[] = [];
			const warnings = unknownKeyWarnings(value, 'unsubscribe');
			// Mode: the entry's own, else the request's top-level one, else Quote (spec §7, §14).
			const topMode =
				'mode' in value ? normalizeMode(value.mode) : ({ ok: true, mode: 2 } as const);
			const entries = readInstruments(value, 'unsubscribe');
			const single = entries.instruments.length === 1 && entries.instruments[0]!.path === '';
			if (!topMode.ok && single) issues.push(modeIssue('mode', value.mode, topMode.message));
			issues.push(...entries.issues);
			warnings.push(...entries.warnings);
			if (entries.none) {
				issues.push(
					issue(
						'INVALID_PARAMETERS',
						'symbols',
						'Either symbols or unsubscribe_all is required',
						'Name what to stop: "symbols": [{"symbol": "TCS", "exchange": "NSE"}], or send {"action": "unsubscribe_all"}.',
					),
				);
			}
			const instruments: Array<Instrument & { mode: ModeNumber }> = [];
			const failed: Array<Instrument & { message: string }> = [];
			for (const entry of entries.instruments) {
				const own = entry.entryMode !== undefined;
				const normalised = own ? normalizeMode(entry.entryMode) : topMode;
				if (normalised.ok) {
					instruments.push({
						symbol: entry.symbol,
						exchange: entry.exchange,
						mode: normalised.mode,
					});
				} else if (!single) {
					// A bad entry mode fails that entry in the ack, not the whole message (spec §7).
					failed.push({
						symbol: entry.symbol,
						exchange: entry.exchange,
						message: normalised.message,
					});
					warnings.push(
						modeIssue(
							own ? `${entry.path}.mode` : 'mode',
							own ? entry.entryMode : value.mode,
							normalised.message,
						),
					);
				}
			}
			if (issues.length > 0) return { ok: false, issues };
			return {
				ok: true,
				request: {
					action: 'unsubscribe',
					instruments,
					...(failed.length > 0 ? { failed } : {}),
					...requestIdOf(value),
				},
				warnings,
			};
		}
		case 'unsubscribe_all':
			return {
				ok: true,
				request: { action: 'unsubscribe_all', ...requestIdOf(value) },
				warnings: [],
			};
		case 'ping':
			return {
				ok: true,
				request: {
					action: 'ping',
					// Echoed only when sent and not null (server `handle_ping`).
					...(value.timestamp !== undefined && value.timestamp !== null
						? { timestamp: value.timestamp }
						: {}),
					...(value._pingId !== undefined && value._pingId !== null
						? { pingId: value._pingId }
						: {}),
				},
				warnings: [],
			};
		case 'get_broker_info':
		case 'get_supported_brokers':
		case 'simulate_drop':
			return { ok: true, request: { action: verb }, warnings: [] };
		default:
			return invalidAction();
	}
}

/** Parses one text frame and validates it. Malformed JSON gives `INVALID_JSON`. */
export function parseClientMessage(text: string): ParseResult {
	let value: unknown;
	try {
		value = JSON.parse(text);
	} catch {
		return {
			ok: false,
			issues: [
				issue(
					'INVALID_JSON',
					'',
					'Invalid JSON message',
					'The frame is not valid JSON. Send one JSON object per message.',
				),
			],
		};
	}
	return validateClientMessage(value);
}

// ---------------------------------------------------------------------------------------------
// Frames the server sends (spec §3-§10), keys in the real server's order.

export interface ErrorFrame {
	status: 'error';
	code: WireErrorCode;
	message: string;
}
export interface AuthFrame {
	type: 'auth';
	status: 'success';
	message: string;
	broker: string;
	user_id: string;
	supported_features: { ltp: boolean; quote: boolean; depth: boolean };
}
export interface SubscriptionResult {
	symbol: string;
	exchange: string;
	status: 'success' | 'error';
	mode?: ModeLabel;
	depth?: number;
	message?: string;
	broker: string;
}
export interface SubscribeAckFrame {
	type: 'subscribe';
	status: 'success' | 'partial' | 'error';
	subscriptions: SubscriptionResult[];
	message: string;
	broker: string;
	request_id?: unknown;
}
export interface UnsubscribeResult {
	symbol: string;
	exchange: string;
	status: 'success' | 'error';
	message?: string;
	broker: string;
}
export interface UnsubscribeAckFrame {
	type: 'unsubscribe';
	status: 'success' | 'partial' | 'error';
	message: string;
	successful: UnsubscribeResult[];
	failed: UnsubscribeResult[];
	broker: string;
	request_id?: unknown;
}
export interface PongFrame {
	type: 'pong';
	status: 'success';
	server_timestamp: number;
	client_timestamp?: unknown;
	_pingId?: unknown;
}
export interface BrokerInfoFrame {
	type: 'broker_info';
	status: 'success';
	broker: string;
	adapter_status: string;
	user_id: string;
}
export interface SupportedBrokersFrame {
	type: 'supported_brokers';
	status: 'success';
	brokers: string[];
	count: number;
}
export interface MarketDataFrame {
	type: 'market_data';
	symbol: string;
	exchange: string;
	mode: ModeNumber;
	data: MarketDataPayload;
	broker: string;
}
export interface DepthPayloadLevel {
	price: number;
	quantity: number;
	orders: number;
}
export interface MarketDataPayload {
	ltp: number;
	open?: number;
	high?: number;
	low?: number;
	close?: number;
	volume?: number;
	last_trade_quantity?: number;
	avg_trade_price?: number;
	change?: number;
	change_percent?: number;
	depth?: { buy: DepthPayloadLevel[]; sell: DepthPayloadLevel[] };
	ltt: number;
	symbol: string;
	exchange: string;
	mode: ModeNumber;
	timestamp: number;
}

export type ServerFrame =
	| ErrorFrame
	| AuthFrame
	| SubscribeAckFrame
	| UnsubscribeAckFrame
	| PongFrame
	| BrokerInfoFrame
	| SupportedBrokersFrame
	| MarketDataFrame;

export function errorFrame(code: WireErrorCode, message: string): ErrorFrame {
	return { status: 'error', code, message };
}

export function authSuccessFrame(
	broker: string = MOCK_BROKER,
	userId: string = DEMO_USER,
): AuthFrame {
	return {
		type: 'auth',
		status: 'success',
		message: 'Authentication successful',
		broker,
		user_id: userId,
		supported_features: { ltp: true, quote: true, depth: true },
	};
}

/** `success` when nothing failed, `error` when everything did, otherwise `partial`. */
function overallStatus(ok: number, failed: number): 'success' | 'partial' | 'error' {
	if (failed === 0) return 'success';
	return ok === 0 ? 'error' : 'partial';
}

export function subscribeAckFrame(
	subscriptions: SubscriptionResult[],
	broker: string = MOCK_BROKER,
	requestId?: { requestId?: unknown },
): SubscribeAckFrame {
	const failed = subscriptions.filter((s) => s.status === 'error').length;
	// The real server says `partial` as soon as one entry fails (spec §6).
	const status = failed === 0 ? 'success' : 'partial';
	return {
		type: 'subscribe',
		status,
		subscriptions,
		message: 'Subscription processing complete',
		broker,
		...(requestId && 'requestId' in requestId ? { request_id: requestId.requestId } : {}),
	};
}

export function unsubscribeAckFrame(
	successful: UnsubscribeResult[],
	failed: UnsubscribeResult[],
	broker: string = MOCK_BROKER,
	requestId?: { requestId?: unknown },
): UnsubscribeAckFrame {
	return {
		type: 'unsubscribe',
		status: overallStatus(successful.length, failed.length),
		message: 'Unsubscription processing complete',
		successful,
		failed,
		broker,
		...(requestId && 'requestId' in requestId ? { request_id: requestId.requestId } : {}),
	};
}

export function pongFrame(
	serverTimestamp: number,
	request: { timestamp?: unknown; pingId?: unknown },
): PongFrame {
	return {
		type: 'pong',
		status: 'success',
		server_timestamp: serverTimestamp,
		...('timestamp' in request ? { client_timestamp: request.timestamp } : {}),
		...('pingId' in request ? { _pingId: request.pingId } : {}),
	};
}

export function brokerInfoFrame(
	broker: string = MOCK_BROKER,
	userId: string = DEMO_USER,
): BrokerInfoFrame {
	return {
		type: 'broker_info',
		status: 'success',
		broker,
		adapter_status: 'connected',
		user_id: userId,
	};
}

export function supportedBrokersFrame(brokers: string[] = [MOCK_BROKER]): SupportedBrokersFrame {
	return { type: 'supported_brokers', status: 'success', brokers, count: brokers.length };
}

export function marketDataFrame(
	instrument: Instrument,
	mode: ModeNumber,
	data: MarketDataPayload,
	broker: string = MOCK_BROKER,
): MarketDataFrame {
	return {
		type: 'market_data',
		symbol: instrument.symbol,
		exchange: instrument.exchange,
		mode,
		data,
		broker,
	};
}

/** Parses a received text frame for the page's client; undefined when it is not a JSON object. */
export function parseServerFrame(text: string): ServerFrame | undefined {
	let value: unknown;
	try {
		value = JSON.parse(text);
	} catch {
		return undefined;
	}
	if (!isObject(value)) return undefined;
	if (value.status === 'error' && typeof value.code === 'string')
		return value as unknown as ErrorFrame;
	if (value.type === 'market_data') {
		const data = value.data;
		if (typeof value.symbol !== 'string' || typeof value.exchange !== 'string' || !isObject(data))
			return undefined;
		if (typeof data.ltp !== 'number') return undefined;
		return value as unknown as MarketDataFrame;
	}
	const types = ['auth', 'subscribe', 'unsubscribe', 'pong', 'broker_info', 'supported_brokers'];
	return typeof value.type === 'string' && types.includes(value.type)
		? (value as unknown as ServerFrame)
		: undefined;
}
