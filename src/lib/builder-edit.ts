// How the subscribe builder edits the reader's text without losing any of it (issue 10: "the
// reader's text is sacred"). The form may write to the JSON only when it can show the message
// as it stands; it then changes just the fields the reader changed in the form and keeps every
// other key and value. The widget writes the result as one replacement of the changed range, so
// the browser's undo (Ctrl+Z) takes it back. Also: how much highlighting a text may cost per
// keystroke, and the `code` spans in problem texts. Pure, ships to the browser.
import type { JsonNode } from './json-parse.ts';
import { jsonDumps } from './py-render.ts';
import {
	BUILDER_MODES,
	stateToMessage,
	type BuilderAction,
	type BuilderMode,
	type BuilderState,
	type BuilderSymbol,
} from './subscribe-message.ts';

export type FormView = { ok: true; state: BuilderState } | { ok: false; reason: string };

const MODE_NUMBERS: Readonly<Record<number, BuilderMode>> = { 1: 'ltp', 2: 'quote', 3: 'depth' };

function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The form's mode for a message's `mode` value, or undefined when the form has no such mode. */
function formMode(mode: unknown): BuilderMode | undefined {
	if (typeof mode === 'number') return MODE_NUMBERS[mode];
	if (typeof mode !== 'string') return undefined;
	const word = mode.trim().toLowerCase();
	return (BUILDER_MODES as readonly string[]).includes(word) ? (word as BuilderMode) : undefined;
}

/** Where a message keeps its instruments: `symbols`, `instruments`, or one `symbol` + `exchange`. */
function listKey(value: Record<string, unknown>): 'symbols' | 'instruments' | 'single' | undefined {
	if (Array.isArray(value.symbols)) return 'symbols';
	if (Array.isArray(value.instruments)) return 'instruments';
	if (typeof value.symbol === 'string' && typeof value.exchange === 'string') return 'single';
	return undefined;
}

/**
 * Whether the form can show `value` (a parsed message) with nothing left out, and the state it
 * shows. When it cannot, `reason` says why in words for the reader; the form then stays off so
 * that it never writes over what it cannot show.
 */
export function formView(value: unknown): FormView {
	const no = (why: string): FormView => ({
		ok: false,
		reason: `The form cannot show this message: ${why}. Edit it in the JSON, or press Reset to EX 1.`,
	});
	if (!isRecord(value)) return no('it is not a JSON object');
	const action = value.action;
	if (action !== 'subscribe' && action !== 'unsubscribe')
		return no('its action is neither "subscribe" nor "unsubscribe"');
	const mode = formMode(value.mode);
	if (mode === undefined) return no('its mode is not ltp, quote or depth (or 1, 2, 3)');
	const key = listKey(value);
	if (key === undefined) return no('it has no list of symbols');
	const entries: unknown[] =
		key === 'single'
			? [{ symbol: value.symbol, exchange: value.exchange }]
			: (value[key] as unknown[]);
	const symbols: BuilderSymbol[] = [];
	for (const [index, entry] of entries.entries()) {
		if (!isRecord(entry) || typeof entry.symbol !== 'string' || typeof entry.exchange !== 'string')
			return no(`${key}[${index}] is not a symbol and an exchange in quotes`);
		if (Object.keys(entry).some((name) => name !== 'symbol' && name !== 'exchange'))
			return no(`${key}[${index}] holds more than a symbol and an exchange`);
		symbols.push({ symbol: entry.symbol, exchange: entry.exchange });
	}
	return { ok: true, state: { action: action as BuilderAction, mode, symbols } };
}

function setEntry(entries: Array<[string, JsonNode]>, key: string, node: JsonNode): void {
	const at = entries.findIndex(([name]) => name === key);
	if (at >= 0) entries[at] = [key, node];
	else entries.push([key, node]);
}

function stringNode(value: string): JsonNode {
	return { type: 'string', value };
}

function symbolsNode(symbols: readonly BuilderSymbol[]): JsonNode {
	return {
		type: 'array',
		items: symbols.map(({ symbol, exchange }) => ({
			type: 'object',
			entries: [
				['symbol', stringNode(symbol)],
				['exchange', stringNode(exchange)],
			],
		})),
	};
}

const sameSymbols = (a: readonly BuilderSymbol[], b: readonly BuilderSymbol[]): boolean =>
	a.length === b.length &&
	a.every((s, i) => s.symbol === b[i]!.symbol && s.exchange === b[i]!.exchange);

/**
 * The editor's text after a form change from `before` to `after`, applied to the message the
 * reader has (`node`, one formView accepted): only the fields that changed are written, every
 * other key keeps its place and value (a `request_id`, a mode written as 1, `instruments`).
 * Without a node (nothing parsed yet) it is the form's own message.
 */
export function applyFormChange(
	node: JsonNode | undefined,
	before: BuilderState,
	after: BuilderState,
): string {
	if (node?.type !== 'object') return jsonDumps(toNode(after), { indent: 2, ensureAscii: false });
	const entries = node.entries.slice();
	if (after.action !== before.action) setEntry(entries, 'action', stringNode(after.action));
	if (after.mode !== before.mode) setEntry(entries, 'mode', stringNode(after.mode));
	if (!sameSymbols(before.symbols, after.symbols)) {
		const names = entries.map(([name]) => name);
		if (names.includes('symbols')) setEntry(entries, 'symbols', symbolsNode(after.symbols));
		else if (names.includes('instruments'))
			setEntry(entries, 'instruments', symbolsNode(after.symbols));
		else if (after.symbols.length === 1 && names.includes('symbol')) {
			setEntry(entries, 'symbol', stringNode(after.symbols[0]!.symbol));
			setEntry(entries, 'exchange', stringNode(after.symbols[0]!.exchange));
		} else {
			// One symbol + exchange becomes a list where the symbol was.
			const at = names.indexOf('symbol');
			const rest = entries.filter(([name]) => name !== 'symbol' && name !== 'exchange');
			const list: [string, JsonNode] = ['symbols', symbolsNode(after.symbols)];
			if (at >= 0) rest.splice(Math.min(at, rest.length), 0, list);
			else rest.push(list);
			entries.splice(0, entries.length, ...rest);
		}
	}
	return jsonDumps({ type: 'object', entries }, { indent: 2, ensureAscii: false });
}

function toNode(state: BuilderState): JsonNode {
	const message = stateToMessage(state);
	return {
		type: 'object',
		entries: [
			['action', stringNode(message.action)],
			['mode', stringNode(message.mode)],
			['symbols', symbolsNode(message.symbols)],
		],
	};
}

/** The smallest replacement turning `from` into `to`: replace from[start, end) with `text`. */
export function textEdit(from: string, to: string): { start: number; end: number; text: string } {
	let start = 0;
	const max = Math.min(from.length, to.length);
	while (start < max && from.charCodeAt(start) === to.charCodeAt(start)) start++;
	let tail = 0;
	while (
		tail < max - start &&
		from.charCodeAt(from.length - 1 - tail) === to.charCodeAt(to.length - 1 - tail)
	)
		tail++;
	// Never split a surrogate pair.
	if (start > 0 && /[\uD800-\uDBFF]/.test(from[start - 1] ?? '')) start--;
	if (tail > 0 && /[\uDC00-\uDFFF]/.test(from[from.length - tail] ?? '')) tail--;
	return { start, end: from.length - tail, text: to.slice(start, to.length - tail) };
}

/** Texts up to this size are highlighted within the keystroke (about 2 ms of shiki). */
export const HIGHLIGHT_NOW_CHARS = 2_000;
/** Texts up to this size are highlighted once typing pauses; larger ones stay plain. */
export const HIGHLIGHT_MAX_CHARS = 20_000;
/** Lines longer than this stay plain (shiki's tokenizeMaxLineLength). */
export const HIGHLIGHT_MAX_LINE = 500;
/** Brackets nested deeper than this stay plain: the JSON grammar's cost grows with the depth. */
export const HIGHLIGHT_MAX_DEPTH = 32;

/**
 * How the editor may highlight `text` and keep each keystroke within a frame: now, when typing
 * pauses (`idle`; plain text until then), or not at all (`plain`: too big or nested too deep;
 * the parser refuses over 200 levels anyway).
 */
export function highlightPlan(text: string): 'now' | 'idle' | 'plain' {
	if (text.length > HIGHLIGHT_MAX_CHARS) return 'plain';
	let depth = 0;
	let inString = false;
	for (let i = 0; i < text.length; i++) {
		const char = text[i];
		if (inString) {
			if (char === '\\') i++;
			else if (char === '"' || char === '\n') inString = false;
		} else if (char === '"') inString = true;
		else if (char === '[' || char === '{') {
			if (++depth > HIGHLIGHT_MAX_DEPTH) return 'plain';
		} else if (char === ']' || char === '}') depth = Math.max(0, depth - 1);
	}
	return text.length <= HIGHLIGHT_NOW_CHARS ? 'now' : 'idle';
}

/** A problem text split into plain runs and `code` runs (backticks), for rendering as <code>. */
export function codeRuns(text: string): Array<{ code: boolean; text: string }> {
	const runs: Array<{ code: boolean; text: string }> = [];
	const pattern = /`([^`\n]+)`/g;
	let last = 0;
	for (const match of text.matchAll(pattern)) {
		if (match.index > last) runs.push({ code: false, text: text.slice(last, match.index) });
		runs.push({ code: true, text: match[1]! });
		last = match.index + match[0].length;
	}
	if (last < text.length) runs.push({ code: false, text: text.slice(last) });
	return runs;
}
