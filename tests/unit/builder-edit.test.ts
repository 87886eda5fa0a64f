import { describe, expect, it } from 'vitest';
import {
	HIGHLIGHT_MAX_CHARS,
	applyFormChange,
	codeRuns,
	formView,
	highlightPlan,
	textEdit,
} from '../../src/lib/builder-edit.ts';
import { parseJson, type JsonNode } from '../../src/lib/json-parse.ts';
import { EX1_STATE, defaultState, stateToText } from '../../src/lib/subscribe-message.ts';

function node(text: string): JsonNode {
	const parsed = parseJson(text);
	if (!parsed.ok) throw new Error(parsed.error.message);
	return parsed.node;
}

describe('formView', () => {
	it('shows EX 1 and the spellings the server takes for a mode', () => {
		expect(formView(JSON.parse(stateToText(defaultState())))).toEqual({
			ok: true,
			state: defaultState(),
		});
		for (const [mode, expected] of [
			[1, 'ltp'],
			['Quote', 'quote'],
			[' DEPTH ', 'depth'],
		] as const) {
			const view = formView({ action: 'subscribe', mode, symbols: [] });
			expect(view.ok && view.state.mode).toBe(expected);
		}
	});

	it('refuses, with a reason, what it cannot show without dropping part of it', () => {
		const reason = (value: unknown): string => {
			const view = formView(value);
			return view.ok ? '' : view.reason;
		};
		expect(reason([1])).toMatch(/not a JSON object/);
		expect(reason({ action: 'ping' })).toMatch(/neither "subscribe" nor "unsubscribe"/);
		expect(reason({ action: 'subscribe', mode: 'fast', symbols: [] })).toMatch(/mode/);
		expect(reason({ action: 'subscribe', mode: 1 })).toMatch(/no list of symbols/);
		expect(
			reason({ action: 'subscribe', mode: 1, symbols: [{ symbol: 'TCS', exchange: 'NSE', x: 1 }] }),
		).toMatch(/symbols\[0\] holds more than a symbol and an exchange/);
		expect(reason({ action: 'subscribe', mode: 1, symbols: ['TCS'] })).toMatch(
			/symbols\[0\] is not a symbol and an exchange/,
		);
	});
});

describe('applyFormChange', () => {
	const before = defaultState();

	it('gives the form’s own text for EX 1 as it stands', () => {
		const after = { ...before, mode: 'quote' as const };
		expect(applyFormChange(node(stateToText(before)), before, after)).toBe(stateToText(after));
		expect(applyFormChange(undefined, before, after)).toBe(stateToText(after));
	});

	it('writes only the fields that changed and keeps every other key in its place', () => {
		const text =
			'{"request_id": "r-1", "action": "subscribe", "mode": 1, "symbols": [{"symbol": "RELIANCE", "exchange": "NSE"}, {"symbol": "TCS", "exchange": "NSE"}], "depth": 5.0}';
		const moved = { ...before, symbols: [...EX1_STATE.symbols].reverse() };
		const out = applyFormChange(node(text), before, moved);
		expect(Object.keys(JSON.parse(out))).toEqual([
			'request_id',
			'action',
			'mode',
			'symbols',
			'depth',
		]);
		expect(out).toContain('"mode": 1,');
		expect(out).toContain('"depth": 5.0');
		expect(JSON.parse(out).symbols[0].symbol).toBe('TCS');
	});

	it('keeps `instruments` and a single symbol + exchange as the reader wrote them', () => {
		const one = { ...before, symbols: [{ symbol: 'TCS', exchange: 'NSE' }] };
		const single = node(
			'{"action": "subscribe", "mode": "ltp", "symbol": "TCS", "exchange": "NSE"}',
		);
		const renamed = { ...one, symbols: [{ symbol: 'INFY', exchange: 'BSE' }] };
		expect(JSON.parse(applyFormChange(single, one, renamed))).toEqual({
			action: 'subscribe',
			mode: 'ltp',
			symbol: 'INFY',
			exchange: 'BSE',
		});
		expect(Object.keys(JSON.parse(applyFormChange(single, one, before)))).toEqual([
			'action',
			'mode',
			'symbols',
		]);
		const listed = node(
			'{"action": "subscribe", "mode": "ltp", "instruments": [{"symbol": "TCS", "exchange": "NSE"}]}',
		);
		expect(Object.keys(JSON.parse(applyFormChange(listed, one, renamed)))).toContain('instruments');
	});
});

describe('textEdit', () => {
	it('replaces only the range that differs', () => {
		expect(textEdit('"mode": "ltp"', '"mode": "quote"')).toEqual({
			start: 9,
			end: 12,
			text: 'quote',
		});
		expect(textEdit('abc', 'abc')).toEqual({ start: 3, end: 3, text: '' });
		expect(textEdit('aXa', 'aa')).toEqual({ start: 1, end: 2, text: '' });
		expect(textEdit('', 'new')).toEqual({ start: 0, end: 0, text: 'new' });
	});

	it('never splits a surrogate pair', () => {
		const edit = textEdit('x😀', 'x😃');
		expect(edit).toEqual({ start: 1, end: 3, text: '😃' });
	});
});

describe('highlightPlan', () => {
	it('highlights small texts now, bigger ones once typing pauses, and leaves the rest plain', () => {
		expect(highlightPlan(stateToText(defaultState()))).toBe('now');
		expect(highlightPlan(' '.repeat(5000))).toBe('idle');
		expect(highlightPlan(' '.repeat(HIGHLIGHT_MAX_CHARS + 1))).toBe('plain');
		expect(highlightPlan('['.repeat(20_000))).toBe('plain');
		expect(highlightPlan('[\n'.repeat(40))).toBe('plain');
		// Brackets inside strings are text, not nesting.
		expect(highlightPlan(`{"a": "${'['.repeat(100)}"}`)).toBe('now');
	});
});

describe('codeRuns', () => {
	it('splits backticked code from the words around it', () => {
		expect(codeRuns('`mode` must be `ltp`.')).toEqual([
			{ code: true, text: 'mode' },
			{ code: false, text: ' must be ' },
			{ code: true, text: 'ltp' },
			{ code: false, text: '.' },
		]);
		expect(codeRuns('no code')).toEqual([{ code: false, text: 'no code' }]);
		expect(codeRuns('a lone ` stays')).toEqual([{ code: false, text: 'a lone ` stays' }]);
	});
});
