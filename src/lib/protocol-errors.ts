// Every protocol error the mock can report, in one table: its stable id, OpenAlgo's wire code,
// the text sent on the wire (OpenAlgo's own words where it has them) and a fuller hint for a
// beginner. The validator, the stream session, the ws server, the in-page stream and the builder
// all build their errors here, so a text is written once (as ws builds every protocol error
// through one `createError`). Ships to the browser.
import { EXCHANGES } from './instruments.ts';

/** OpenAlgo's error codes (protocol spec §3), the `code` of an error frame. */
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

/**
 * A wire code, or `MESSAGE_TOO_BIG`: never sent in an error frame, because the server closes the
 * connection with 1009 instead (RFC 6455 §7.4.1); the builder reports it before sending.
 */
export type ProtocolErrorCode = WireErrorCode | 'MESSAGE_TOO_BIG';

/**
 * One problem with a client message. `path` is a JSON path such as `mode` or
 * `symbols[1].exchange` ('' = the whole message); `message` is the text sent on the wire;
 * `hint` is a fuller sentence for a beginner that names what is allowed.
 */
export interface ProtocolIssue<C extends ProtocolErrorCode = WireErrorCode> {
	code: C;
	path: string;
	message: string;
	hint: string;
}

interface ErrorSpec<C extends ProtocolErrorCode, P> {
	code: C;
	/** The wire text. */
	text: (params: P) => string;
	/** The fuller sentence shown beside it. */
	hint: (params: P) => string;
}

function spec<C extends ProtocolErrorCode, P = Record<string, never>>(
	code: C,
	text: (params: P) => string,
	hint: (params: P) => string,
): ErrorSpec<C, P> {
	return { code, text, hint };
}

const ACTIONS =
	'"subscribe", "unsubscribe", "unsubscribe_all", "authenticate", "ping", "get_broker_info" or "get_supported_brokers"';

/**
 * The table. Params: `path` is the JSON path the hint names; `got` is the offending value as the
 * hint shows it (see `shown`); other params are named in each row.
 */
export const PROTOCOL_ERRORS = {
	// --- the frame as a whole ---------------------------------------------------------------
	notJson: spec(
		'INVALID_JSON',
		() => 'Invalid JSON message',
		() => 'The frame is not valid JSON. Send one JSON object per message.',
	),
	notAnObject: spec(
		'INVALID_JSON',
		() => 'Invalid JSON message',
		({ got }: { got: string }) =>
			`A message must be one JSON object such as {"action": "subscribe", ...}; got ${got}.`,
	),
	numberOutOfRange: spec(
		'INVALID_JSON',
		() => 'Invalid JSON message',
		({ path }: { path: string }) =>
			`\`${path}\` holds a number too large for JSON to carry (it would arrive as Infinity). Use a number between -1.8e308 and 1.8e308, or a string.`,
	),
	messageTooBig: spec(
		'MESSAGE_TOO_BIG',
		({ maxBytes }: { sizeBytes: number; maxBytes: number }) =>
			`Message too big (close 1009): at most ${maxBytes} bytes`,
		({ sizeBytes, maxBytes }: { sizeBytes: number; maxBytes: number }) =>
			`The message is ${sizeBytes.toLocaleString('en-US')} bytes of UTF-8; the server closes the connection (code 1009) on a message over ${maxBytes.toLocaleString('en-US')} bytes. Shorten it.`,
	),
	invalidAction: spec(
		'INVALID_ACTION',
		({ verb }: { verb: string; got?: string }) => `Invalid action: ${verb}`,
		({ got }: { verb: string; got?: string }) =>
			got === undefined
				? 'The message needs an "action": "subscribe", "unsubscribe", "authenticate" or "ping".'
				: `\`action\` must be ${ACTIONS}; got ${got}.`,
	),
	unknownField: spec(
		'INVALID_PARAMETERS',
		({ key }: { key: string; verb: string; known: readonly string[] }) =>
			`Unknown field ${key} ignored`,
		({ key, verb, known }: { key: string; verb: string; known: readonly string[] }) =>
			`The server ignores \`${key}\`. A ${verb} message reads: ${known.join(', ')}.`,
	),

	// --- authenticate -----------------------------------------------------------------------
	apiKeyRequired: spec(
		'AUTHENTICATION_ERROR',
		() => 'API key is required',
		() =>
			'`api_key` must be your OpenAlgo API key as a non-empty string; the demo server takes any key.',
	),
	apiKeyMalformed: spec(
		'AUTHENTICATION_ERROR',
		() => 'Invalid API key',
		({ got }: { got: string }) =>
			`\`api_key\` must be your OpenAlgo API key as a string of letters and digits; got ${got}.`,
	),
	apiKeyRefused: spec(
		'AUTHENTICATION_ERROR',
		() => 'Invalid API key',
		() =>
			'The server does not know this API key. The connection is no longer authenticated and its subscriptions are gone: authenticate with the right key, then subscribe again.',
	),
	notAuthenticated: spec(
		'NOT_AUTHENTICATED',
		() => 'You must authenticate first',
		() =>
			'Send {"action": "authenticate", "api_key": "..."} and wait for its "auth" reply before subscribing.',
	),

	// --- mode and depth ---------------------------------------------------------------------
	invalidMode: spec(
		'INVALID_MODE',
		({ reason }: { reason: string; path: string; got: string }) => reason,
		({ path, got }: { reason: string; path: string; got: string }) =>
			`\`${path}\` must be "ltp", "quote" or "depth" (any letter case) or the number 1, 2 or 3; got ${got}.`,
	),
	invalidDepth: spec(
		'INVALID_PARAMETERS',
		() => 'Invalid depth level',
		({ path, got, levels }: { path: string; got: string; levels: readonly number[] }) =>
			`\`${path}\` must be a whole number of order-book levels: ${levels.join(', ')}; got ${got}.`,
	),
	depthNotOffered: spec(
		'INVALID_PARAMETERS',
		({
			asked,
			granted,
		}: {
			path: string;
			asked: number;
			granted: number;
			levels: readonly number[];
		}) => `Depth ${asked} not offered; granted ${granted}`,
		({
			path,
			asked,
			granted,
			levels,
		}: {
			path: string;
			asked: number;
			granted: number;
			levels: readonly number[];
		}) =>
			`\`${path}\` may be ${levels.join(', ')}; the server grants ${granted} levels instead of ${asked}.`,
	),

	// --- the symbols list -------------------------------------------------------------------
	symbolsNotList: spec(
		'INVALID_PARAMETERS',
		({ path }: { path: string; got: string }) =>
			`${path} must be a list of {"symbol", "exchange"} objects`,
		({ path, got }: { path: string; got: string }) =>
			`\`${path}\` must be a list like [{"symbol": "RELIANCE", "exchange": "NSE"}]; got ${got}.`,
	),
	tooManySymbols: spec(
		'SYMBOL_LIMIT',
		({ count, max }: { count: number; max: number }) =>
			`Too many symbols in one message: ${count}; at most ${max} per connection`,
		({ count, max }: { count: number; max: number }) =>
			`The message lists ${count} entries, and one connection may hold at most ${max} symbols, so the server refuses it whole. Send at most ${max}.`,
	),
	entryNotObject: spec(
		'INVALID_PARAMETERS',
		({ list }: { list: string; path: string; got: string }) =>
			`Each entry of ${list} must be an object with symbol and exchange`,
		({ path, got }: { list: string; path: string; got: string }) =>
			`\`${path}\` must be an object like {"symbol": "TCS", "exchange": "NSE"}; got ${got}.`,
	),
	entrySkipped: spec(
		'INVALID_PARAMETERS',
		() => 'Entry without symbol and exchange skipped',
		({ path }: { path: string }) =>
			`\`${path}\` needs both "symbol" and "exchange"; OpenAlgo skips it without a word.`,
	),
	singleSymbolIncomplete: spec(
		'INVALID_PARAMETERS',
		({ verb }: { verb: 'subscribe' | 'unsubscribe'; missing: string }) =>
			verb === 'subscribe'
				? 'At least one symbol must be specified'
				: 'Either symbols or unsubscribe_all is required',
		({ verb, missing }: { verb: 'subscribe' | 'unsubscribe'; missing: string }) =>
			`A single-symbol ${verb} needs both "symbol" and "exchange"; \`${missing}\` is missing.`,
	),
	noSymbols: spec(
		'INVALID_PARAMETERS',
		() => 'At least one symbol must be specified',
		() =>
			'Add "symbols": [{"symbol": "RELIANCE", "exchange": "NSE"}] (or a single "symbol" and "exchange").',
	),
	nothingToUnsubscribe: spec(
		'INVALID_PARAMETERS',
		() => 'Either symbols or unsubscribe_all is required',
		() =>
			'Name what to stop: "symbols": [{"symbol": "TCS", "exchange": "NSE"}], or send {"action": "unsubscribe_all"}.',
	),
	invalidSymbol: spec(
		'INVALID_PARAMETERS',
		() => 'Invalid symbol',
		({ path, got }: { path: string; got: string }) =>
			`\`${path}\` must be a trading symbol such as "RELIANCE" (letters, digits, & . _ -, at most 40); got ${got}.`,
	),
	invalidExchange: spec(
		'INVALID_PARAMETERS',
		() => 'Invalid exchange',
		({ path, got, upper }: { path: string; got: string; upper?: string }) =>
			`\`${path}\` must be an exchange code in capitals, one of ${EXCHANGES.join(', ')}; got ${got}.` +
			(upper ? ` Exchanges are case-sensitive: write "${upper}".` : ''),
	),

	// --- one entry of a subscribe, refused while the rest go through (a `partial` ack) --------
	unknownExchange: spec(
		'INVALID_PARAMETERS',
		({ exchange }: { path: string; exchange: string }) =>
			`Unknown exchange ${exchange}; use one of ${EXCHANGES.join(', ')}`,
		({ path, exchange }: { path: string; exchange: string }) =>
			`\`${path}\` is "${exchange}", which is not an OpenAlgo exchange: use one of ${EXCHANGES.join(', ')}. The server refuses this entry and subscribes the rest.`,
	),
	unknownSymbol: spec(
		'INVALID_PARAMETERS',
		({ symbol, exchange, suggestion }: UnknownSymbolParams) =>
			`Unknown symbol ${symbol} on ${exchange}` + suggestionText(symbol, suggestion),
		({ path, symbol, exchange, suggestion, listedOn }: UnknownSymbolParams) =>
			`\`${path}\` is "${symbol}", which the mock does not list on ${exchange}` +
			(listedOn.length > 0 ? ` (it lists it on ${listedOn.join(', ')})` : '') +
			suggestionText(symbol, suggestion) +
			' The server refuses this entry and subscribes the rest; it prices only real NSE and BSE names.',
	),
	symbolLimitEntry: spec(
		'SYMBOL_LIMIT',
		({ max }: { max: number }) =>
			`Maximum symbols per connection reached (${max}); unsubscribe some first`,
		({ max }: { max: number }) =>
			`This connection already holds ${max} symbols, the most one connection may hold: unsubscribe some first.`,
	),
	symbolLimit: spec(
		'SYMBOL_LIMIT',
		({ max }: { max: number }) => `Maximum symbols per connection reached (${max})`,
		({ max }: { max: number }) =>
			`Every entry was refused: this connection already holds ${max} symbols. Unsubscribe some first.`,
	),

	// --- the transport ----------------------------------------------------------------------
	rateLimited: spec(
		'RATE_LIMITED',
		({ perSecond }: { perSecond: number }) =>
			`Too many messages: at most ${perSecond} per second; message ignored`,
		({ perSecond }: { perSecond: number }) =>
			`The server takes at most ${perSecond} messages a second from one connection; this one was ignored, and a flood closes the connection (1008).`,
	),
	rateLimitedBytes: spec(
		'RATE_LIMITED',
		({ kibPerSecond }: { kibPerSecond: number }) =>
			`Too many bytes: at most ${kibPerSecond} KiB per second; message ignored`,
		({ kibPerSecond }: { kibPerSecond: number }) =>
			`The server reads at most ${kibPerSecond} KiB a second from one connection (after a first burst); this message was ignored. Send smaller or fewer messages.`,
	),
	authThrottled: spec(
		'AUTHENTICATION_ERROR',
		({ seconds }: { seconds: number }) =>
			`Too many failed authentications from your address; try again in ${seconds} s`,
		({ seconds }: { seconds: number }) =>
			`Wrong API keys were sent from your address too often, so keys are not checked for ${seconds} s (the key you sent was not tried). Wait, then authenticate with the right key.`,
	),
	serverError: spec(
		'SERVER_ERROR',
		({ reason }: { reason: string }) => reason,
		() => 'The server failed while handling this message; nothing else was affected. Try again.',
	),
} as const;

interface UnknownSymbolParams {
	path: string;
	symbol: string;
	exchange: string;
	/** A close known symbol (suggestSymbol), if any. */
	suggestion?: string;
	/** Other exchanges on which the mock lists this exact symbol. */
	listedOn: readonly string[];
}

/** "; did you mean RELIANCE?", saying symbols are case-sensitive when only the case differs. */
function suggestionText(symbol: string, suggestion: string | undefined): string {
	if (suggestion === undefined) return '';
	if (suggestion === symbol.toUpperCase())
		return `; symbols are case-sensitive: did you mean ${suggestion}?`;
	return `; did you mean ${suggestion}?`;
}

type Table = typeof PROTOCOL_ERRORS;
export type ProtocolErrorId = keyof Table;
type ParamsOf<K extends ProtocolErrorId> = Parameters<Table[K]['text']>[0];
type CodeOf<K extends ProtocolErrorId> = Table[K]['code'];
/** The params a row takes after its id and path: none, or one object. */
export type IssueParams<K extends ProtocolErrorId> =
	ParamsOf<K> extends Record<string, never> ? [] : [ParamsOf<K>];

/** Builds the issue for one row of the table at a JSON path ('' = the whole message). */
export function protocolIssue<K extends ProtocolErrorId>(
	id: K,
	path: string,
	...params: IssueParams<K>
): ProtocolIssue<CodeOf<K>> {
	const row = PROTOCOL_ERRORS[id] as unknown as ErrorSpec<CodeOf<K>, ParamsOf<K> | undefined>;
	const values = params[0] ?? ({} as ParamsOf<K>);
	return { code: row.code, path, message: row.text(values), hint: row.hint(values) };
}

/** How a value appears in a hint: JSON, shortened; numbers JSON cannot hold keep their text. */
export function shown(value: unknown): string {
	if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
	if (value === undefined) return 'nothing';
	const text = JSON.stringify(value) ?? String(value);
	return text.length > 40 ? text.slice(0, 37) + '...' : text;
}
