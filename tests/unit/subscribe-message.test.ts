import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
	EX1_STATE,
	MAX_URL_PARAM_LENGTH,
	SUGGESTED_SYMBOLS,
	addSymbol,
	checkMessageText,
	utf8Length,
	decodeMessageParam,
	defaultState,
	encodeMessageParam,
	messageToState,
	moveSymbol,
	removeSymbol,
	stateToMessage,
	stateToText,
	type BuilderState,
	type CheckResult,
	type EditorError,
} from '../../src/lib/subscribe-message.ts';

/** What the chapter's listing prints under "Live output" (the file ends with print's newline). */
const EX1_OUTPUT = readFileSync(
	new URL('../../content/code/ch39/01_subscribe_message.out.txt', import.meta.url),
	'utf8',
);

const EX1_COMPACT =
	'{"action":"subscribe","mode":"ltp","symbols":[{"symbol":"RELIANCE","exchange":"NSE"},{"symbol":"TCS","exchange":"NSE"}]}';

function errorsOf(result: CheckResult): EditorError[] {
	if (result.ok) throw new Error('expected the text to be refused');
	return result.errors;
}

function base64Url(bytes: number[]): string {
	return Buffer.from(bytes).toString('base64url');
}

describe('the default state', () => {
	it("is EX 1's message, printed exactly as json.dumps(indent=2) prints it", () => {
		expect(EX1_OUTPUT.endsWith('}\n')).toBe(true);
		expect(stateToText(defaultState())).toBe(EX1_OUTPUT.slice(0, -1));
	});

	it('is a fresh copy each time, so editing one never changes Reset', () => {
		const state = defaultState();
		state.symbols[0]!.symbol = 'CHANGED';
		state.symbols.push({ symbol: 'X', exchange: 'NSE' });
		expect(defaultState().symbols).toEqual([
			{ symbol: 'RELIANCE', exchange: 'NSE' },
			{ symbol: 'TCS', exchange: 'NSE' },
		]);
		expect(EX1_STATE.symbols[0]!.symbol).toBe('RELIANCE');
	});

	it('keeps non-ASCII readable in the editor text, as ensure_ascii=False does', () => {
		const state: BuilderState = {
			action: 'unsubscribe',
			mode: 'depth',
			symbols: [{ symbol: 'NIFTY₹📈', exchange: 'NSE_INDEX' }],
		};
		expect(stateToText(state)).toBe(
			'{\n  "action": "unsubscribe",\n  "mode": "depth",\n  "symbols": [\n    {\n      "symbol": "NIFTY₹📈",\n      "exchange": "NSE_INDEX"\n    }\n  ]\n}',
		);
	});

	it('writes an empty symbol list as []', () => {
		expect(stateToText({ ...defaultState(), symbols: [] })).toBe(
			'{\n  "action": "subscribe",\n  "mode": "ltp",\n  "symbols": []\n}',
		);
	});

	it('puts the keys in EX 1 order whatever order the state was built in', () => {
		const state = {
			symbols: [{ exchange: 'NSE', symbol: 'TCS' }],
			mode: 'quote',
			action: 'subscribe',
		} as BuilderState;
		expect(JSON.stringify(stateToMessage(state))).toBe(
			'{"action":"subscribe","mode":"quote","symbols":[{"symbol":"TCS","exchange":"NSE"}]}',
		);
	});
});

describe('messageToState', () => {
	it("shows the chapter's message exactly", () => {
		expect(messageToState(JSON.parse(EX1_COMPACT))).toEqual({ state: defaultState(), exact: true });
	});

	it('reads OpenAlgo\'s numeric mode 2 as quote, but not exactly (the form would write "quote")', () => {
		const message = { action: 'subscribe', symbols: [{ symbol: 'TCS', exchange: 'NSE' }], mode: 2 };
		expect(messageToState(message)).toEqual({
			state: { action: 'subscribe', mode: 'quote', symbols: [{ symbol: 'TCS', exchange: 'NSE' }] },
			exact: false,
		});
	});

	it.each([
		[1, 'ltp'],
		[3, 'depth'],
		[' LTP ', 'ltp'],
		['Depth', 'depth'],
		['Quote', 'quote'],
	])('reads mode %j as %s, not exactly', (mode, expected) => {
		const result = messageToState({
			action: 'subscribe',
			mode,
			symbols: [{ symbol: 'TCS', exchange: 'NSE' }],
		});
		expect(result?.state.mode).toBe(expected);
		expect(result?.exact).toBe(false);
	});

	it('falls back to quote (the server default) when the mode is missing', () => {
		const result = messageToState({
			action: 'unsubscribe',
			symbols: [{ symbol: 'TCS', exchange: 'NSE' }],
		});
		expect(result).toEqual({
			state: {
				action: 'unsubscribe',
				mode: 'quote',
				symbols: [{ symbol: 'TCS', exchange: 'NSE' }],
			},
			exact: false,
		});
	});

	it('reads an instruments list and a single symbol + exchange', () => {
		expect(
			messageToState({
				action: 'subscribe',
				mode: 'ltp',
				instruments: [{ symbol: 'INFY', exchange: 'NSE' }],
			})?.state.symbols,
		).toEqual([{ symbol: 'INFY', exchange: 'NSE' }]);
		expect(
			messageToState({ action: 'subscribe', mode: 'ltp', symbol: 'SBIN', exchange: 'NSE' }),
		).toEqual({
			state: { action: 'subscribe', mode: 'ltp', symbols: [{ symbol: 'SBIN', exchange: 'NSE' }] },
			exact: false,
		});
	});

	it('is not exact when the message carries a field the form does not have', () => {
		expect(messageToState({ ...JSON.parse(EX1_COMPACT), request_id: 'r1' })?.exact).toBe(false);
	});

	it.each([
		['an authenticate message', { action: 'authenticate', api_key: 'abc' }],
		['a ping', { action: 'ping' }],
		['no symbols at all', { action: 'subscribe', mode: 'ltp' }],
		[
			'an entry without an exchange',
			{ action: 'subscribe', mode: 'ltp', symbols: [{ symbol: 'TCS' }] },
		],
		['an entry that is not an object', { action: 'subscribe', mode: 'ltp', symbols: ['TCS'] }],
		['a list', [EX1_STATE]],
		['null', null],
		['a string', 'subscribe'],
	])('cannot show %s', (_name, value) => {
		expect(messageToState(value)).toBeUndefined();
	});
});

describe('editing the symbol rows', () => {
	it('adds the next suggested symbol that is not in the list yet', () => {
		const state = defaultState();
		const added = addSymbol(state);
		expect(added.symbols.at(-1)).toEqual({ symbol: 'INFY', exchange: 'NSE' });
		expect(added.symbols).toHaveLength(3);
		expect(state.symbols).toHaveLength(2);
		// A gap earlier in the suggestions is filled first.
		expect(
			addSymbol({ ...state, symbols: [{ symbol: 'TCS', exchange: 'NSE' }] }).symbols.at(-1),
		).toEqual({
			symbol: 'RELIANCE',
			exchange: 'NSE',
		});
	});

	it('matches on symbol and exchange together', () => {
		const state: BuilderState = {
			action: 'subscribe',
			mode: 'ltp',
			symbols: SUGGESTED_SYMBOLS.slice(0, 5).map((s) => ({ ...s })),
		};
		state.symbols.push({ symbol: 'NIFTY', exchange: 'NSE' });
		expect(addSymbol(state).symbols.at(-1)).toEqual({ symbol: 'NIFTY', exchange: 'NSE_INDEX' });
	});

	it('adds an empty NSE row when every suggestion is taken, and never shares rows with the suggestions', () => {
		let state: BuilderState = { ...defaultState(), symbols: [] };
		for (let i = 0; i < SUGGESTED_SYMBOLS.length; i++) state = addSymbol(state);
		expect(state.symbols).toEqual(SUGGESTED_SYMBOLS);
		state = addSymbol(state);
		expect(state.symbols.at(-1)).toEqual({ symbol: '', exchange: 'NSE' });
		state.symbols[0]!.symbol = 'EDITED';
		expect(SUGGESTED_SYMBOLS[0]!.symbol).toBe('RELIANCE');
	});

	it('removes a row by index and ignores an index out of range', () => {
		const state = defaultState();
		expect(removeSymbol(state, 0).symbols).toEqual([{ symbol: 'TCS', exchange: 'NSE' }]);
		expect(removeSymbol(state, 1).symbols).toEqual([{ symbol: 'RELIANCE', exchange: 'NSE' }]);
		expect(removeSymbol(state, -1)).toBe(state);
		expect(removeSymbol(state, 2)).toBe(state);
		expect(state.symbols).toHaveLength(2);
	});

	it('moves a row up or down and leaves it at the ends', () => {
		const state = addSymbol(defaultState());
		const names = (s: BuilderState): string[] => s.symbols.map((row) => row.symbol);
		expect(names(moveSymbol(state, 0, 1))).toEqual(['TCS', 'RELIANCE', 'INFY']);
		expect(names(moveSymbol(state, 2, -1))).toEqual(['RELIANCE', 'INFY', 'TCS']);
		expect(moveSymbol(state, 0, -1)).toBe(state);
		expect(moveSymbol(state, 2, 1)).toBe(state);
		expect(moveSymbol(state, 5, -1)).toBe(state);
		expect(moveSymbol(state, -1, 1)).toBe(state);
		expect(names(state)).toEqual(['RELIANCE', 'TCS', 'INFY']);
	});
});

describe('checkMessageText', () => {
	it('reports a JSON slip as a syntax error with its line and column', () => {
		const text = '{\n  "action": "subscribe",\n  "mode": "ltp",\n}';
		const errors = errorsOf(checkMessageText(text));
		expect(errors).toHaveLength(1);
		expect(errors[0]).toMatchObject({
			kind: 'syntax',
			path: '',
			line: 3,
			column: 16,
			offset: text.lastIndexOf(','),
		});
		expect(errors[0]!.message).toMatch(/^Line 3, column 16: trailing comma/);
		expect(errors[0]!.wire).toBeUndefined();
	});

	it('points a bad mode at its value, with the wire code the server would send', () => {
		const text =
			'{\n  "action": "subscribe",\n  "mode": "fast",\n  "symbols": [{"symbol": "TCS", "exchange": "NSE"}]\n}';
		const result = checkMessageText(text);
		const errors = errorsOf(result);
		expect(errors).toHaveLength(1);
		expect(errors[0]).toMatchObject({
			kind: 'schema',
			path: 'mode',
			line: 3,
			column: 11,
			offset: text.indexOf('"fast"'),
		});
		expect(errors[0]!.wire).toEqual({
			code: 'INVALID_MODE',
			message: "Invalid mode 'fast'; expected 'LTP', 'Quote', or 'Depth' (case-insensitive)",
		});
		expect(errors[0]!.message).toMatch(
			/^Line 3, column 11: `mode` must be "ltp", "quote" or "depth"/,
		);
		// The parsed value is still handed back so the other views can show it.
		expect(result.ok ? undefined : result.value).toEqual(JSON.parse(text));
	});

	it('points at a nested entry by its path', () => {
		const text =
			'{"action": "subscribe", "mode": "ltp", "symbols": [\n  {"symbol": "TCS", "exchange": "NSE"},\n  {"symbol": "INFY", "exchange": "nse"}\n]}';
		const [error] = errorsOf(checkMessageText(text));
		expect(error).toMatchObject({
			kind: 'schema',
			path: 'symbols[1].exchange',
			line: 3,
			column: 34,
		});
		expect(error!.wire?.code).toBe('INVALID_PARAMETERS');
		expect(error!.message).toMatch(/write "NSE"/);
	});

	it('points at the nearest thing present when the problem is a missing field', () => {
		const text = '  {"action": "subscribe", "mode": "ltp"}';
		const [error] = errorsOf(checkMessageText(text));
		expect(error).toMatchObject({ kind: 'schema', path: 'symbols', line: 1, column: 3, offset: 2 });
		expect(error!.wire).toEqual({
			code: 'INVALID_PARAMETERS',
			message: 'At least one symbol must be specified',
		});
	});

	it('refuses a JSON value that is not an object, at the start of the value', () => {
		const [error] = errorsOf(checkMessageText('\n[1, 2]'));
		expect(error).toMatchObject({ kind: 'schema', path: '', line: 2, column: 1 });
		expect(error!.wire?.code).toBe('INVALID_JSON');
	});

	it('accepts the chapter message and gives its compact wire form', () => {
		const result = checkMessageText(EX1_OUTPUT);
		if (!result.ok) throw new Error(result.errors[0]!.message);
		expect(result.compact).toBe(EX1_COMPACT);
		expect(result.request).toEqual({
			action: 'subscribe',
			mode: 1,
			depth: 5,
			instruments: [
				{ symbol: 'RELIANCE', exchange: 'NSE' },
				{ symbol: 'TCS', exchange: 'NSE' },
			],
		});
		expect(result.warnings).toEqual([]);
	});

	it.each([
		'{"action":"subscribe","mode":3,"depth":20,"symbols":[{"symbol":"INFY","exchange":"NSE"}],"request_id":"r-1"}',
		'{ "action" : "unsubscribe" , "symbols" : [ { "symbol" : "M&M" , "exchange" : "NSE" } ] , "mode" : "Quote" }',
		'{\n\t"action": "ping",\n\t"timestamp": 1700000000000\n}',
		'{"action": "authenticate", "api_key": "a \\"quoted\\" key"}',
	])('writes valid ASCII text %j compactly, as JSON.stringify does', (text) => {
		const result = checkMessageText(text);
		if (!result.ok) throw new Error(result.errors[0]!.message);
		expect(result.compact).toBe(JSON.stringify(JSON.parse(text)));
	});

	it('keeps a valid message with an unknown field, and warns at that field', () => {
		const text =
			'{"action": "subscribe", "mode": "ltp", "symbols": [{"symbol": "TCS", "exchange": "NSE"}], "speed": "fast"}';
		const result = checkMessageText(text);
		if (!result.ok) throw new Error(result.errors[0]!.message);
		expect(result.warnings).toHaveLength(1);
		expect(result.warnings[0]).toMatchObject({
			kind: 'schema',
			path: 'speed',
			offset: text.indexOf('"fast"'),
		});
		expect(result.warnings[0]!.wire).toEqual({
			code: 'INVALID_PARAMETERS',
			message: 'Unknown field speed ignored',
		});
	});

	it('never throws on odd text', () => {
		for (const text of [
			'',
			'\u0000',
			'{"action": {}}',
			'{"action": null}',
			'"\\ud800"',
			'['.repeat(500),
			'{"mode": 1e999}',
		]) {
			expect(() => checkMessageText(text), JSON.stringify(text)).not.toThrow();
			expect(checkMessageText(text).ok, JSON.stringify(text)).toBe(false);
		}
	});
});

describe('checkMessageText judges as the server does', () => {
	const subscribe = (symbols: unknown[], extra: Record<string, unknown> = {}): string =>
		JSON.stringify({ action: 'subscribe', mode: 'ltp', symbols, ...extra }, null, 2);
	const real = (i: number) => ({ symbol: i % 2 ? 'TCS' : 'RELIANCE', exchange: 'NSE' });

	it('refuses 120 symbols in one short error, as the server refuses them', () => {
		const result = checkMessageText(subscribe(Array.from({ length: 120 }, (_, i) => real(i))));
		const errors = errorsOf(result);
		expect(errors).toHaveLength(1);
		expect(errors[0]!.wire).toEqual({
			code: 'SYMBOL_LIMIT',
			message: 'Too many symbols in one message: 120; at most 100 per connection',
		});
		expect(checkMessageText(subscribe(Array.from({ length: 100 }, (_, i) => real(i)))).ok).toBe(
			true,
		);
	});

	it('refuses a message over 1 MiB of UTF-8, and says how big it is', () => {
		const result = checkMessageText(subscribe([real(0)], { request_id: 'x'.repeat(2_000_000) }));
		expect(result.sizeBytes).toBeGreaterThan(2_000_000);
		const errors = errorsOf(result);
		expect(errors).toHaveLength(1);
		expect(errors[0]!.message).toContain('closes the connection (code 1009)');
		expect(errors[0]!.message).toContain('1,048,576 bytes');
	});

	it('measures the size in UTF-8 bytes of the compact JSON that would be sent', () => {
		const text = subscribe([real(0)], { request_id: 'é😀' });
		const result = checkMessageText(text);
		if (!result.ok) throw new Error(result.errors[0]!.message);
		expect(result.sizeBytes).toBe(new TextEncoder().encode(result.compact).length);
		expect(result.sizeBytes).toBe(utf8Length(result.compact));
		expect(utf8Length('\ud800x')).toBe(4);
	});

	it('refuses 1e400 with an error at its line, and never sends Infinity', () => {
		const text = subscribe([real(0)], { request_id: 1 }).replace(
			'"request_id": 1',
			'"request_id": 1e400',
		);
		const result = checkMessageText(text);
		const errors = errorsOf(result);
		expect(errors[0]).toMatchObject({
			path: 'request_id',
			line: text.split('\n').findIndex((l) => l.includes('1e400')) + 1,
		});
		expect(errors[0]!.message).toContain('too large for JSON');
		expect('compact' in result).toBe(false);
	});

	it('warns before sending about symbols the server will refuse, with "did you mean"', () => {
		const text = subscribe([
			{ symbol: 'RELAINCE', exchange: 'NSE' },
			{ symbol: 'reliance', exchange: 'NSE' },
			{ symbol: 'TCS', exchange: 'XYZ' },
			real(1),
		]);
		const lineOf = (needle: string): number =>
			text.split('\n').findIndex((line) => line.includes(needle)) + 1;
		const result = checkMessageText(text);
		if (!result.ok) throw new Error(result.errors[0]!.message);
		expect(result.warnings.map((w) => [w.path, w.line])).toEqual([
			['symbols[0].symbol', lineOf('"RELAINCE"')],
			['symbols[1].symbol', lineOf('"reliance"')],
			['symbols[2].exchange', lineOf('"XYZ"')],
		]);
		expect(result.warnings[0]!.message).toContain('did you mean RELIANCE?');
		expect(result.warnings[1]!.message).toContain(
			'symbols are case-sensitive: did you mean RELIANCE?',
		);
		expect(result.warnings[0]!.wire).toEqual({
			code: 'INVALID_PARAMETERS',
			message: 'Unknown symbol RELAINCE on NSE; did you mean RELIANCE?',
		});
	});
});

describe('the ?msg= link', () => {
	it("round-trips the chapter message back to EX 1's editor text", () => {
		const param = encodeMessageParam(EX1_COMPACT);
		expect(param).toMatch(/^[A-Za-z0-9_-]+$/);
		expect(decodeMessageParam(param)).toEqual({ ok: true, text: EX1_OUTPUT.slice(0, -1) });
	});

	it('round-trips non-ASCII symbols and emoji through UTF-8', () => {
		const state: BuilderState = {
			action: 'subscribe',
			mode: 'quote',
			symbols: [
				{ symbol: 'NIFTY₹', exchange: 'NSE_INDEX' },
				{ symbol: '📈टाटा', exchange: 'NSE' },
			],
		};
		const param = encodeMessageParam(JSON.stringify(stateToMessage(state)));
		expect(param).toMatch(/^[A-Za-z0-9_-]+$/);
		expect(decodeMessageParam(param)).toEqual({ ok: true, text: stateToText(state) });
	});

	it('encodes as unpadded base64url of the UTF-8 bytes', () => {
		expect(encodeMessageParam('{"s":"₹"}')).toBe(
			Buffer.from('{"s":"₹"}', 'utf8').toString('base64url'),
		);
		expect(encodeMessageParam('{"a":"??>"}')).toBe('eyJhIjoiPz8-In0');
	});

	it('also accepts the padded form', () => {
		expect(decodeMessageParam('eyJhIjoxfQ==')).toEqual({ ok: true, text: '{\n  "a": 1\n}' });
	});

	it('restores a message that breaks the protocol (the editor then shows its errors)', () => {
		const result = decodeMessageParam(encodeMessageParam('{"action":"subscribe","mode":"fast"}'));
		expect(result).toEqual({ ok: true, text: '{\n  "action": "subscribe",\n  "mode": "fast"\n}' });
	});

	it('accepts a link exactly MAX_URL_PARAM_LENGTH long and refuses one longer', () => {
		// 6144 bytes are exactly 8192 base64 characters.
		const longest = `{"a":"${'x'.repeat(6144 - 8)}"}`;
		const param = encodeMessageParam(longest);
		expect(param).toHaveLength(MAX_URL_PARAM_LENGTH);
		expect(decodeMessageParam(param).ok).toBe(true);
		const tooLong = encodeMessageParam(`{"a":"${'x'.repeat(6145 - 8)}"}`);
		expect(tooLong.length).toBeGreaterThan(MAX_URL_PARAM_LENGTH);
		const result = decodeMessageParam(tooLong);
		expect(result.ok).toBe(false);
		expect(result.ok ? '' : result.reason).toMatch(
			new RegExp(`too long \\(${tooLong.length} characters; at most ${MAX_URL_PARAM_LENGTH}\\)`),
		);
	});

	it.each([
		['empty', '', /empty/],
		['too long', 'A'.repeat(MAX_URL_PARAM_LENGTH + 1), /too long/],
		['standard base64 with + and /', 'eyJhIjoi+/8ifQ', /not valid base64url/],
		['a character outside base64url', 'eyJhIjox$Q', /not valid base64url/],
		['padding in the middle', 'ey=JhIjoxfQ', /not valid base64url/],
		['too much padding', 'eyJhIjoxfQ===', /not valid base64url/],
		[
			'cut to an impossible length',
			encodeMessageParam(EX1_COMPACT).slice(0, 41),
			/not valid base64url.*cut short/,
		],
		[
			'cut mid-message',
			encodeMessageParam(EX1_COMPACT).slice(0, 40),
			/not valid JSON \(.*never closed/,
		],
		['bytes that are not UTF-8', base64Url([0x7b, 0xff, 0xfe, 0x7d]), /not readable text/],
		[
			'a UTF-8 sequence cut in half',
			base64Url([...Buffer.from('{"s":"₹"}')].filter((_, i) => i !== 7)),
			/not readable text/,
		],
		['a JSON list', encodeMessageParam('[1,2]'), /not a JSON object/],
		['a JSON string', encodeMessageParam('"subscribe"'), /not a JSON object/],
		['a JSON number', encodeMessageParam('42'), /not a JSON object/],
		['JSON null', encodeMessageParam('null'), /not a JSON object/],
		[
			'text that is not JSON',
			encodeMessageParam("{'action': 'subscribe'}"),
			/not valid JSON \(.*single quotes/,
		],
	])('refuses %s with a reason', (_name, param, reason) => {
		const result = decodeMessageParam(param);
		expect(result.ok).toBe(false);
		expect(result.ok ? '' : result.reason).toMatch(reason);
	});
});
