// The subscribe-message builder's model (product.md §6): the form's state, the message it
// stands for, checking the editor's text (syntax by json-parse, the protocol by
// validateClientMessage) into errors an editor can show, and the `?msg=` link that shares a
// message. Pure: the widget wires DOM events to these functions.
import { isJsonObject, locate, parseJson, valueToNode, type JsonNode } from './json-parse.ts';
import { CHAPTER_INSTRUMENTS, EXCHANGES, instrumentKey } from './instruments.ts';
import { MAX_PAYLOAD_BYTES } from './constants.ts';
import { protocolIssue, type ProtocolErrorCode, type ProtocolIssue } from './protocol-errors.ts';
import {
	MODE_WORDS,
	normalizeMode,
	validateClientMessage,
	type ClientRequest,
	type ModeNumber,
} from './protocol.ts';
import { compactJson, jsonDumps } from './py-render.ts';

export type BuilderAction = 'subscribe' | 'unsubscribe';
/** The chapter's mode words (protocol.ts MODE_WORDS), as the form offers them. */
export type BuilderMode = (typeof MODE_WORDS)[ModeNumber];
export const BUILDER_ACTIONS: readonly BuilderAction[] = ['subscribe', 'unsubscribe'];
export const BUILDER_MODES: readonly BuilderMode[] = ([1, 2, 3] as const).map((n) => MODE_WORDS[n]);
/** Exchanges the form offers, in OpenAlgo's order. */
export const EXCHANGE_CHOICES: readonly string[] = EXCHANGES;
/** Symbols the "Add symbol" button offers in turn (the mock market's named instruments). */
export const SUGGESTED_SYMBOLS: readonly BuilderSymbol[] = CHAPTER_INSTRUMENTS.map(
	({ symbol, exchange }) => ({ symbol, exchange }),
);
/** Longest `?msg=` value decoded; longer links are refused (a message is a few hundred bytes). */
export const MAX_URL_PARAM_LENGTH = 8192;
export const URL_PARAM = 'msg';

export interface BuilderSymbol {
	symbol: string;
	exchange: string;
}

export interface BuilderState {
	action: BuilderAction;
	mode: BuilderMode;
	symbols: BuilderSymbol[];
}

/** EX 1's message: what the builder starts with and what Reset returns to. */
export const EX1_STATE: Readonly<BuilderState> = Object.freeze({
	action: 'subscribe',
	mode: 'ltp',
	symbols: [
		{ symbol: 'RELIANCE', exchange: 'NSE' },
		{ symbol: 'TCS', exchange: 'NSE' },
	],
});

/** A fresh copy of EX 1's state. */
export function defaultState(): BuilderState {
	return {
		action: EX1_STATE.action,
		mode: EX1_STATE.mode,
		symbols: EX1_STATE.symbols.map((s) => ({ ...s })),
	};
}

/** The message the form stands for, keys in EX 1's order. */
export function stateToMessage(state: BuilderState): {
	action: BuilderAction;
	mode: BuilderMode;
	symbols: BuilderSymbol[];
} {
	return {
		action: state.action,
		mode: state.mode,
		symbols: state.symbols.map(({ symbol, exchange }) => ({ symbol, exchange })),
	};
}

/** The editor's text for a form state: json.dumps(indent=2) with readable non-ASCII. */
export function stateToText(state: BuilderState): string {
	return jsonDumps(valueToNode(stateToMessage(state)), { indent: 2, ensureAscii: false });
}

/**
 * The form state closest to a message, and whether the form shows it exactly (same compact
 * JSON). Undefined when the form cannot show it at all (another action, no symbols list).
 */
export function messageToState(
	value: unknown,
): { state: BuilderState; exact: boolean } | undefined {
	if (!isJsonObject(value)) return undefined;
	const action = value.action;
	if (action !== 'subscribe' && action !== 'unsubscribe') return undefined;
	// Read as the server reads it; a missing or refused mode shows as the server's default, Quote.
	const normalised = normalizeMode(value.mode);
	const mode: BuilderMode = MODE_WORDS[normalised.ok ? normalised.mode : 2];
	let entries: unknown[];
	if (Array.isArray(value.symbols)) entries = value.symbols;
	else if (Array.isArray(value.instruments)) entries = value.instruments;
	else if (typeof value.symbol === 'string')
		entries = [{ symbol: value.symbol, exchange: value.exchange }];
	else return undefined;
	const symbols: BuilderSymbol[] = [];
	for (const entry of entries) {
		if (
			!isJsonObject(entry) ||
			typeof entry.symbol !== 'string' ||
			typeof entry.exchange !== 'string'
		)
			return undefined;
		symbols.push({ symbol: entry.symbol, exchange: entry.exchange });
	}
	const state: BuilderState = { action, mode, symbols };
	const exact = compactJson(valueToNode(stateToMessage(state))) === compactJson(valueToNode(value));
	return { state, exact };
}

/** Adds the first suggested symbol not in the list yet (or an empty row when all are). */
export function addSymbol(state: BuilderState): BuilderState {
	const taken = new Set(state.symbols.map((s) => instrumentKey(s.symbol, s.exchange)));
	const next = SUGGESTED_SYMBOLS.find((s) => !taken.has(instrumentKey(s.symbol, s.exchange))) ?? {
		symbol: '',
		exchange: 'NSE',
	};
	return { ...state, symbols: [...state.symbols, { ...next }] };
}

/** Removes the row at `index`; out-of-range indexes change nothing. */
export function removeSymbol(state: BuilderState, index: number): BuilderState {
	if (index < 0 || index >= state.symbols.length) return state;
	return { ...state, symbols: state.symbols.filter((_, i) => i !== index) };
}

/** Moves the row at `index` by `by` places (-1 up, +1 down); at the ends it stays put. */
export function moveSymbol(state: BuilderState, index: number, by: -1 | 1): BuilderState {
	const target = index + by;
	if (index < 0 || index >= state.symbols.length || target < 0 || target >= state.symbols.length)
		return state;
	const symbols = state.symbols.slice();
	[symbols[index], symbols[target]] = [symbols[target]!, symbols[index]!];
	return { ...state, symbols };
}

/** One problem to show beside the editor. */
export interface EditorError {
	kind: 'syntax' | 'schema';
	/** JSON path for schema errors (`mode`, `symbols[1].exchange`; '' = the whole message). */
	path: string;
	/** 1-based line and column the problem points at. */
	line: number;
	column: number;
	/** UTF-16 offset into the text (for placing the caret). */
	offset: number;
	/** A full sentence for the reader: where, what, what is allowed. */
	message: string;
	/** OpenAlgo's wire code and text (schema errors), as the server would answer. */
	wire?: { code: string; message: string };
}

export type CheckResult =
	| {
			ok: true;
			node: JsonNode;
			value: unknown;
			request: ClientRequest;
			/** Compact JSON: what goes on the wire. */
			compact: string;
			/** UTF-8 bytes of `compact`, as the server measures a message. */
			sizeBytes: number;
			/**
			 * Non-blocking notes: fields the server ignores, entries it skips, and entries it will
			 * refuse (unknown symbols and exchanges, with "did you mean …?" where one is close).
			 */
			warnings: EditorError[];
	  }
	| {
			ok: false;
			errors: EditorError[];
			/** Also the warnings found, when the text is JSON (shown under the errors). */
			warnings: EditorError[];
			node?: JsonNode;
			value?: unknown;
			/** UTF-8 bytes of the compact JSON that would be sent; 0 when the text is not JSON. */
			sizeBytes: number;
	  };

/** UTF-8 length of a JS string without allocating its bytes (lone surrogates count 3, as U+FFFD). */
export function utf8Length(text: string): number {
	let bytes = 0;
	for (let i = 0; i < text.length; i++) {
		const code = text.charCodeAt(i);
		if (code < 0x80) bytes += 1;
		else if (code < 0x800) bytes += 2;
		else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
			const next = text.charCodeAt(i + 1);
			if (next >= 0xdc00 && next <= 0xdfff) {
				bytes += 4;
				i++;
			} else bytes += 3;
		} else bytes += 3;
	}
	return bytes;
}

function issueToError(
	text: string,
	offsets: ReadonlyMap<string, number>,
	issue: ProtocolIssue<ProtocolErrorCode>,
): EditorError {
	// Point at the value named by the path, or its nearest ancestor present in the text.
	let path = issue.path;
	let offset = offsets.get(path);
	while (offset === undefined && path !== '') {
		path =
			path.includes('.') || path.includes('[') ? path.replace(/(\.[^.[\]]*|\[\d+\])$/, '') : '';
		offset = offsets.get(path);
	}
	offset ??= 0;
	const { line, column } = locate(text, offset);
	const where = issue.path ? `\`${issue.path}\`` : 'The message';
	const hint = issue.hint.startsWith('`') || !issue.path ? issue.hint : `${where}: ${issue.hint}`;
	return {
		kind: 'schema',
		path: issue.path,
		line,
		column,
		offset,
		message: `Line ${line}, column ${column}: ${hint}`,
		wire: { code: issue.code, message: issue.message },
	};
}

/**
 * Checks the editor's text exactly as the server will judge it: JSON syntax first, then the same
 * validator the server runs (protocol.ts: modes, fields, numbers JSON cannot hold, the symbol
 * limit, unknown instruments refused per entry), then the frame size the server allows
 * (MAX_PAYLOAD_BYTES of the compact UTF-8 it would receive). Never throws.
 */
export function checkMessageText(text: string): CheckResult {
	const parsed = parseJson(text);
	if (!parsed.ok) {
		const { error } = parsed;
		return {
			ok: false,
			errors: [
				{
					kind: 'syntax',
					path: '',
					line: error.line,
					column: error.column,
					offset: error.offset,
					message: error.message,
				},
			],
			warnings: [],
			sizeBytes: 0,
		};
	}
	const compact = compactJson(parsed.node);
	const sizeBytes = utf8Length(compact);
	const toError = (issue: ProtocolIssue<ProtocolErrorCode>): EditorError =>
		issueToError(text, parsed.offsets, issue);
	const result = validateClientMessage(parsed.value);
	const errors = result.ok ? [] : result.issues.map(toError);
	const warnings = result.ok ? result.warnings.map(toError) : [];
	if (sizeBytes > MAX_PAYLOAD_BYTES) {
		errors.push({
			...toError(protocolIssue('messageTooBig', '', { sizeBytes, maxBytes: MAX_PAYLOAD_BYTES })),
			// Not an error frame: the server closes the connection (1009) instead of answering.
			wire: undefined,
		});
	}
	if (!result.ok || errors.length > 0) {
		return { ok: false, errors, warnings, node: parsed.node, value: parsed.value, sizeBytes };
	}
	return {
		ok: true,
		node: parsed.node,
		value: parsed.value,
		request: result.request,
		compact,
		sizeBytes,
		warnings,
	};
}

function bytesToBase64Url(bytes: Uint8Array): string {
	let binary = '';
	for (const byte of bytes) binary += String.fromCharCode(byte);
	return btoa(binary).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

/** The `?msg=` value for a message: base64url (no padding) of its compact JSON's UTF-8. */
export function encodeMessageParam(compact: string): string {
	return bytesToBase64Url(new TextEncoder().encode(compact));
}

export type DecodeResult = { ok: true; text: string } | { ok: false; reason: string };

/**
 * Reads a `?msg=` value back into the editor's text (pretty JSON). Anything wrong (too long,
 * not base64url, not UTF-8, not a JSON object) gives a reason instead; the caller falls back to
 * EX 1 and says so. A message that parses but breaks the protocol is restored, with its errors.
 */
export function decodeMessageParam(param: string): DecodeResult {
	if (param.length === 0) return { ok: false, reason: 'the link’s message is empty' };
	if (param.length > MAX_URL_PARAM_LENGTH) {
		return {
			ok: false,
			reason: `the link’s message is too long (${param.length} characters; at most ${MAX_URL_PARAM_LENGTH})`,
		};
	}
	if (!/^[A-Za-z0-9_-]+={0,2}$/.test(param) || param.replace(/=+$/, '').length % 4 === 1) {
		return {
			ok: false,
			reason: 'the link’s message is not valid base64url (it may have been cut short)',
		};
	}
	let text: string;
	try {
		const binary = atob(param.replace(/=+$/, '').replaceAll('-', '+').replaceAll('_', '/'));
		const bytes = Uint8Array.from(binary, (char) => char.charCodeAt(0));
		text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
	} catch {
		return { ok: false, reason: 'the link’s message is not readable text' };
	}
	const parsed = parseJson(text);
	if (!parsed.ok)
		return { ok: false, reason: `the link’s message is not valid JSON (${parsed.error.reason})` };
	if (parsed.node.type !== 'object')
		return { ok: false, reason: 'the link’s message is not a JSON object' };
	return { ok: true, text: jsonDumps(parsed.node, { indent: 2, ensureAscii: false }) };
}
