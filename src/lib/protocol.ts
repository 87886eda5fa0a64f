// The OpenAlgo WebSocket market-data protocol (../shared/openalgo-protocol.md): its vocabulary
// (modes, depth levels, the mock broker) and the receiver, which parses and validates every
// client message. One small validator per action; each returns a result instead of throwing: a
// typed request, or issues that name the JSON path (texts in protocol-errors.ts). The server,
// the page's in-page stream and the subscribe-message builder all judge a message here, so
// valid in the builder means accepted by the server. Frames the server sends: server-frames.ts.
// Ships to the browser. Longer than 400 lines because OpenAlgo's message shapes are many (two list
// keys, a single-symbol form, per-entry modes, depth aliases): each action's validator is short,
// and they share the entry reader, so splitting them would only scatter one set of rules.
import { MAX_SYMBOLS_PER_CONNECTION } from './constants.ts';
import { isJsonObject, type JsonObject } from './json-parse.ts';
import { exchangesListing, findInstrument, isKnownExchange, suggestSymbol } from './instruments.ts';
import { protocolIssue, shown, type ProtocolIssue } from './protocol-errors.ts';
import { pythonStr, pythonStrRepr, pythonTypeName } from './py-render.ts';

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

export interface Instrument {
	symbol: string;
	exchange: string;
}

/** A subscribe entry the server refuses while the rest go through (a `partial` ack). */
export interface RefusedEntry extends Instrument {
	/** Its place among the message's entries (skipped entries not counted), for the ack's order. */
	position: number;
	/** Why: the wire text is `issue.message`, the fuller hint `issue.hint`. */
	issue: ProtocolIssue;
}

export type ClientRequest =
	| { action: 'authenticate'; apiKey: string }
	| {
			action: 'subscribe';
			mode: ModeNumber;
			depth: number;
			/** Entries to subscribe, in order: each a known instrument. */
			instruments: Instrument[];
			/** Entries naming an unknown symbol or exchange; absent when there are none. */
			refused?: RefusedEntry[];
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
	/** Page mount only: the server closes with 4000 so the page can show a reconnect. */
	| { action: 'simulate_drop' }
	/** Page mount only: the server replies with the HTTP upgrade it saw (a `handshake` frame). */
	| { action: 'handshake' };

export type ClientAction = ClientRequest['action'];

export type ParseResult =
	| { ok: true; request: ClientRequest; warnings: ProtocolIssue[] }
	| {
			ok: false;
			issues: ProtocolIssue[];
			/** The action the message named, when it named a known one (e.g. a failed authenticate). */
			action?: ClientAction;
	  };

export interface ValidateOptions {
	/** Entries one subscribe or unsubscribe may list (default MAX_SYMBOLS_PER_CONNECTION). */
	maxSymbols?: number;
}

const SYMBOL_PATTERN = /^[A-Za-z0-9][A-Za-z0-9&._-]{0,39}$/;
const EXCHANGE_PATTERN = /^[A-Z][A-Z0-9_]{1,19}$/;

/** Python truthiness of a JSON value: None, False, 0, "", [] and {} are false (the server's `or`). */
function truthy(value: unknown): boolean {
	if (value === undefined || value === null || value === false || value === 0 || value === '')
		return false;
	if (Array.isArray(value)) return value.length > 0;
	if (isJsonObject(value)) return Object.keys(value).length > 0;
	return true;
}

/** A JSON path one step below `base`: `symbols[1]`, `symbols[1].exchange`, `mode`. */
function childPath(base: string, key: string | number): string {
	if (typeof key === 'number') return `${base}[${key}]`;
	return base ? `${base}.${key}` : key;
}

/**
 * True when a number JSON cannot hold (JSON.parse turns `1e400` into Infinity) is anywhere in
 * `value`. Builds no paths, so the common case (every message a server receives) costs a walk
 * and nothing else; `firstNonFiniteNumber` names the place only when there is one.
 * Iterative, so a deeply nested message cannot overflow the stack.
 */
function hasNonFiniteNumber(value: unknown): boolean {
	const stack: unknown[] = [value];
	while (stack.length > 0) {
		const item = stack.pop();
		if (typeof item === 'number') {
			if (!Number.isFinite(item)) return true;
		} else if (Array.isArray(item)) {
			for (const element of item) stack.push(element);
		} else if (isJsonObject(item)) {
			for (const key in item) if (Object.hasOwn(item, key)) stack.push(item[key]);
		}
	}
	return false;
}

/**
 * The path of the first number JSON cannot hold, or undefined. Iterative, so a deeply nested
 * message cannot overflow the stack.
 */
function firstNonFiniteNumber(value: unknown): string | undefined {
	if (!hasNonFiniteNumber(value)) return undefined;
	const stack: Array<[unknown, string]> = [[value, '']];
	while (stack.length > 0) {
		const [item, path] = stack.pop()!;
		if (typeof item === 'number') {
			if (!Number.isFinite(item)) return path;
		} else if (Array.isArray(item)) {
			for (let i = item.length - 1; i >= 0; i--) stack.push([item[i], childPath(path, i)]);
		} else if (isJsonObject(item)) {
			const entries = Object.entries(item);
			for (let i = entries.length - 1; i >= 0; i--)
				stack.push([entries[i]![1], childPath(path, entries[i]![0])]);
		}
	}
	return undefined;
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
			message: `Invalid mode ${pythonStrRepr(value)}; expected 'LTP', 'Quote', or 'Depth' (case-insensitive)`,
		};
	}
	return { ok: false, message: `Mode must be int or str, got ${pythonTypeName(value)}` };
}

function modeIssue(path: string, value: unknown, reason: string): ProtocolIssue {
	return protocolIssue('invalidMode', path, { reason, path, got: shown(value) });
}

/** Fields each verb reads; anything else draws an "ignored" warning (a misspelt key). */
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

function unknownKeyWarnings(message: JsonObject, verb: string): ProtocolIssue[] {
	const known = KNOWN_KEYS[verb];
	if (!known) return [];
	return Object.keys(message)
		.filter((key) => !known.includes(key))
		.map((key) =>
			protocolIssue('unknownField', key, {
				key,
				verb,
				known: known.filter((k) => k !== 'type'),
			}),
		);
}

/** `request_id` is echoed when present and not null (server: `if request_id is not None`). */
function requestIdOf(message: JsonObject): { requestId?: unknown } {
	return message.request_id !== undefined && message.request_id !== null
		? { requestId: message.request_id }
		: {};
}

// ---------------------------------------------------------------------------------------------
// The instruments of a subscribe or unsubscribe.

interface ReadEntry extends Instrument {
	entryMode?: unknown;
	path: string;
}

interface EntriesResult {
	instruments: ReadEntry[];
	issues: ProtocolIssue[];
	warnings: ProtocolIssue[];
	/** True when the message named no list and no single symbol. */
	none: boolean;
}

/** Checks one {symbol, exchange}'s form; 'skip' when either is missing (OpenAlgo skips those). */
function checkInstrument(entry: JsonObject, base: string): Instrument | ProtocolIssue | 'skip' {
	const { symbol, exchange } = entry;
	if (symbol === undefined || symbol === null || exchange === undefined || exchange === null)
		return 'skip';
	if (typeof symbol !== 'string' || !SYMBOL_PATTERN.test(symbol)) {
		const path = childPath(base, 'symbol');
		return protocolIssue('invalidSymbol', path, { path, got: shown(symbol) });
	}
	if (typeof exchange !== 'string' || !EXCHANGE_PATTERN.test(exchange)) {
		const path = childPath(base, 'exchange');
		const upper =
			typeof exchange === 'string' && EXCHANGE_PATTERN.test(exchange.toUpperCase())
				? exchange.toUpperCase()
				: undefined;
		return protocolIssue('invalidExchange', path, { path, got: shown(exchange), upper });
	}
	return { symbol, exchange };
}

/** Reads the instruments: a `symbols` (or `instruments`) list, or one symbol + exchange. */
function readInstruments(
	message: JsonObject,
	verb: 'subscribe' | 'unsubscribe',
	maxSymbols: number,
): EntriesResult {
	// The server reads `data.get("symbols") or []`: an absent, null, empty or false list means none.
	const listKey = truthy(message.symbols)
		? 'symbols'
		: truthy(message.instruments)
			? 'instruments'
			: 'symbols';
	const list = truthy(message[listKey]) ? message[listKey] : undefined;
	const result: EntriesResult = { instruments: [], issues: [], warnings: [], none: false };
	if (list !== undefined && !Array.isArray(list)) {
		result.issues.push(
			protocolIssue('symbolsNotList', listKey, { path: listKey, got: shown(list) }),
		);
		return result;
	}
	if (Array.isArray(list) && list.length > 0) {
		// Refused whole, before any entry is read: the reply stays one short frame however long
		// the list (an ack per entry would let a 1 MiB message draw megabytes back).
		if (list.length > maxSymbols) {
			result.issues.push(
				protocolIssue('tooManySymbols', listKey, { count: list.length, max: maxSymbols }),
			);
			return result;
		}
		list.forEach((entry, index) => {
			const path = childPath(listKey, index);
			if (!isJsonObject(entry)) {
				result.issues.push(
					protocolIssue('entryNotObject', path, { list: listKey, path, got: shown(entry) }),
				);
				return;
			}
			const checked = checkInstrument(entry, path);
			if (checked === 'skip') result.warnings.push(protocolIssue('entrySkipped', path, { path }));
			else if ('code' in checked) result.issues.push(checked);
			else result.instruments.push({ ...checked, entryMode: entry.mode, path });
		});
		return result;
	}
	if (message.symbol !== undefined || message.exchange !== undefined) {
		const checked = checkInstrument(message, '');
		if (checked === 'skip') {
			const missing = message.symbol === undefined ? 'symbol' : 'exchange';
			result.issues.push(protocolIssue('singleSymbolIncomplete', missing, { verb, missing }));
		} else if ('code' in checked) result.issues.push(checked);
		else result.instruments.push({ ...checked, path: '' });
		return result;
	}
	result.none = true;
	return result;
}

/** Why the mock will not price this well-formed instrument, or undefined when it lists it. */
function refusalOf(entry: ReadEntry): ProtocolIssue | undefined {
	const { symbol, exchange } = entry;
	if (!isKnownExchange(exchange)) {
		const path = childPath(entry.path, 'exchange');
		return protocolIssue('unknownExchange', path, { path, exchange });
	}
	if (findInstrument(symbol, exchange)) return undefined;
	const path = childPath(entry.path, 'symbol');
	return protocolIssue('unknownSymbol', path, {
		path,
		symbol,
		exchange,
		suggestion: suggestSymbol(symbol, exchange),
		listedOn: exchangesListing(symbol).filter((listed) => listed !== exchange),
	});
}

// ---------------------------------------------------------------------------------------------
// One validator per action.

type Validated = { ok: true; request: ClientRequest; warnings: ProtocolIssue[] } | ProtocolIssue[];

function validateAuthenticate(message: JsonObject): Validated {
	const keyField = truthy(message.api_key) ? 'api_key' : 'apikey';
	const key = message[keyField];
	if (typeof key !== 'string' || key.trim() === '') {
		// A present but unusable key is looked up and not found on the real server.
		if (truthy(key)) return [protocolIssue('apiKeyMalformed', keyField, { got: shown(key) })];
		return [protocolIssue('apiKeyRequired', 'api_key')];
	}
	return {
		ok: true,
		request: { action: 'authenticate', apiKey: key },
		warnings: unknownKeyWarnings(message, 'authenticate'),
	};
}

/** The depth asked for: granted when offered, else 5 with a warning; a non-number is an error. */
function readDepth(
	message: JsonObject,
	issues: ProtocolIssue[],
	warnings: ProtocolIssue[],
): number {
	const present = (key: string): boolean => message[key] !== undefined && message[key] !== null;
	const path = present('depth') ? 'depth' : present('depth_level') ? 'depth_level' : undefined;
	if (!path) return DEFAULT_DEPTH;
	const asked = message[path];
	if (typeof asked !== 'number' || !Number.isInteger(asked) || asked < 1) {
		issues.push(
			protocolIssue('invalidDepth', path, { path, got: shown(asked), levels: DEPTH_LEVELS }),
		);
		return DEFAULT_DEPTH;
	}
	if (DEPTH_LEVELS.includes(asked)) return asked;
	warnings.push(
		protocolIssue('depthNotOffered', path, {
			path,
			asked,
			granted: DEFAULT_DEPTH,
			levels: DEPTH_LEVELS,
		}),
	);
	return DEFAULT_DEPTH;
}

function validateSubscribe(message: JsonObject, maxSymbols: number): Validated {
	const issues: ProtocolIssue[] = [];
	const warnings = unknownKeyWarnings(message, 'subscribe');
	let mode: ModeNumber = 2;
	if ('mode' in message) {
		const normalised = normalizeMode(message.mode);
		if (normalised.ok) mode = normalised.mode;
		else issues.push(modeIssue('mode', message.mode, normalised.message));
	}
	const depth = readDepth(message, issues, warnings);
	const entries = readInstruments(message, 'subscribe', maxSymbols);
	issues.push(...entries.issues);
	warnings.push(...entries.warnings);
	if (entries.none) issues.push(protocolIssue('noSymbols', 'symbols'));
	if (issues.length > 0) return issues;
	const instruments: Instrument[] = [];
	const refused: RefusedEntry[] = [];
	entries.instruments.forEach((entry, position) => {
		const { symbol, exchange } = entry;
		const issue = refusalOf(entry);
		if (issue) {
			refused.push({ symbol, exchange, position, issue });
			warnings.push(issue);
		} else instruments.push({ symbol, exchange });
	});
	return {
		ok: true,
		request: {
			action: 'subscribe',
			mode,
			depth,
			instruments,
			...(refused.length > 0 ? { refused } : {}),
			...requestIdOf(message),
		},
		warnings,
	};
}

function validateUnsubscribe(message: JsonObject, maxSymbols: number): Validated {
	// The server treats `"type": "unsubscribe_all"` beside `"action": "unsubscribe"` as all.
	if (message.unsubscribe_all === true || message.type === 'unsubscribe_all')
		return validateUnsubscribeAll(message);
	const issues: ProtocolIssue[] = [];
	const warnings = unknownKeyWarnings(message, 'unsubscribe');
	// Mode: the entry's own, else the request's top-level one, else Quote (spec §7, §14).
	const topMode =
		'mode' in message ? normalizeMode(message.mode) : ({ ok: true, mode: 2 } as const);
	const entries = readInstruments(message, 'unsubscribe', maxSymbols);
	const single = entries.instruments.length === 1 && entries.instruments[0]!.path === '';
	if (!topMode.ok && single) issues.push(modeIssue('mode', message.mode, topMode.message));
	issues.push(...entries.issues);
	warnings.push(...entries.warnings);
	if (entries.none) issues.push(protocolIssue('nothingToUnsubscribe', 'symbols'));
	const instruments: Array<Instrument & { mode: ModeNumber }> = [];
	const failed: Array<Instrument & { message: string }> = [];
	for (const entry of entries.instruments) {
		const { symbol, exchange } = entry;
		const own = entry.entryMode !== undefined;
		const normalised = own ? normalizeMode(entry.entryMode) : topMode;
		if (normalised.ok) instruments.push({ symbol, exchange, mode: normalised.mode });
		else if (!single) {
			// A bad entry mode fails that entry in the ack, not the whole message (spec §7).
			failed.push({ symbol, exchange, message: normalised.message });
			warnings.push(
				modeIssue(
					own ? childPath(entry.path, 'mode') : 'mode',
					own ? entry.entryMode : message.mode,
					normalised.message,
				),
			);
		}
	}
	if (issues.length > 0) return issues;
	return {
		ok: true,
		request: {
			action: 'unsubscribe',
			instruments,
			...(failed.length > 0 ? { failed } : {}),
			...requestIdOf(message),
		},
		warnings,
	};
}

function validateUnsubscribeAll(message: JsonObject): Validated {
	return {
		ok: true,
		request: { action: 'unsubscribe_all', ...requestIdOf(message) },
		warnings: [],
	};
}

function validatePing(message: JsonObject): Validated {
	return {
		ok: true,
		request: {
			action: 'ping',
			// Echoed only when sent and not null (server `handle_ping`).
			...(message.timestamp !== undefined && message.timestamp !== null
				? { timestamp: message.timestamp }
				: {}),
			...(message._pingId !== undefined && message._pingId !== null
				? { pingId: message._pingId }
				: {}),
		},
		warnings: [],
	};
}

const bare =
	(action: 'get_broker_info' | 'get_supported_brokers' | 'simulate_drop' | 'handshake') =>
	(): Validated => ({ ok: true, request: { action }, warnings: [] });

/** Each verb the receiver knows (`auth` is OpenAlgo's alias of `authenticate`). */
const VALIDATORS: Readonly<
	Record<string, { action: ClientAction; validate: (m: JsonObject, max: number) => Validated }>
> = {
	authenticate: { action: 'authenticate', validate: validateAuthenticate },
	auth: { action: 'authenticate', validate: validateAuthenticate },
	subscribe: { action: 'subscribe', validate: validateSubscribe },
	unsubscribe: { action: 'unsubscribe', validate: validateUnsubscribe },
	unsubscribe_all: { action: 'unsubscribe_all', validate: validateUnsubscribeAll },
	ping: { action: 'ping', validate: validatePing },
	get_broker_info: { action: 'get_broker_info', validate: bare('get_broker_info') },
	get_supported_brokers: {
		action: 'get_supported_brokers',
		validate: bare('get_supported_brokers'),
	},
	simulate_drop: { action: 'simulate_drop', validate: bare('simulate_drop') },
	handshake: { action: 'handshake', validate: bare('handshake') },
};

/** The INVALID_ACTION issue for a message's verb (`Invalid action: None` when it has none). */
export function invalidActionIssue(message: JsonObject, verb: unknown): ProtocolIssue {
	return protocolIssue(
		'invalidAction',
		truthy(message.action) || message.type === undefined ? 'action' : 'type',
		{ verb: pythonStr(verb), got: verb === undefined || verb === null ? undefined : shown(verb) },
	);
}

/**
 * Validates a parsed JSON value as a client message (both the chapter's and OpenAlgo's shapes).
 * A non-object, a number JSON cannot hold, an unknown verb or a malformed field is refused
 * whole; a subscribe entry naming an unknown symbol or exchange is refused alone (`refused`).
 */
export function validateClientMessage(value: unknown, options: ValidateOptions = {}): ParseResult {
	if (!isJsonObject(value)) {
		const got = Array.isArray(value) ? 'a list' : shown(value);
		return { ok: false, issues: [protocolIssue('notAnObject', '', { got })] };
	}
	// The verb is `action or type`, so a falsy `action` falls back to `type`.
	const verb = truthy(value.action) ? value.action : value.type;
	const known = typeof verb === 'string' ? VALIDATORS[verb] : undefined;
	if (!known || !Object.hasOwn(VALIDATORS, verb as string))
		return { ok: false, issues: [invalidActionIssue(value, verb)] };
	const outOfRange = firstNonFiniteNumber(value);
	if (outOfRange !== undefined) {
		return {
			ok: false,
			issues: [protocolIssue('numberOutOfRange', outOfRange, { path: outOfRange })],
			action: known.action,
		};
	}
	const result = known.validate(value, options.maxSymbols ?? MAX_SYMBOLS_PER_CONNECTION);
	return Array.isArray(result) ? { ok: false, issues: result, action: known.action } : result;
}

/** Parses one text frame and validates it. Malformed JSON gives `INVALID_JSON`. */
export function parseClientMessage(text: string, options: ValidateOptions = {}): ParseResult {
	let value: unknown;
	try {
		value = JSON.parse(text);
	} catch {
		return { ok: false, issues: [protocolIssue('notJson', '')] };
	}
	return validateClientMessage(value, options);
}
