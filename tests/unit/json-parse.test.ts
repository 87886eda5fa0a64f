import { describe, expect, it } from 'vitest';
import {
	locate,
	parseJson,
	type JsonNode,
	type JsonSyntaxError,
} from '../../src/lib/json-parse.ts';

const EX1_TEXT = `{
  "action": "subscribe",
  "mode": "ltp",
  "symbols": [
    {
      "symbol": "RELIANCE",
      "exchange": "NSE"
    },
    {
      "symbol": "TCS",
      "exchange": "NSE"
    }
  ]
}`;

function parsedOk(text: string): {
	node: JsonNode;
	value: unknown;
	offsets: ReadonlyMap<string, number>;
} {
	const parsed = parseJson(text);
	if (!parsed.ok)
		throw new Error(`expected ${JSON.stringify(text)} to parse: ${parsed.error.message}`);
	return parsed;
}

function syntaxError(text: string): JsonSyntaxError {
	const parsed = parseJson(text);
	if (parsed.ok) throw new Error(`expected ${JSON.stringify(text)} to be refused`);
	return parsed.error;
}

/** Small seeded PRNG (mulberry32) so a failing fuzz case is reproducible. */
function mulberry32(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

describe('parseJson on valid documents', () => {
	it.each([
		['the chapter message', EX1_TEXT],
		[
			'nested arrays and objects',
			'{"a": [1, [2, [3, {"b": [true, false, null]}]], {}], "c": {"d": {"e": []}}}',
		],
		['unicode escapes', '"caf\\u00e9 \\u20B9 \\u0041"'],
		['a surrogate pair escape', '"\\ud83d\\udcc8 up"'],
		['a lone surrogate escape', '"\\ud83d"'],
		['raw non-ASCII text', '{"symbol": "NIFTY₹", "note": "📈 émoji"}'],
		['every simple escape', '"\\" \\\\ \\/ \\b \\f \\n \\r \\t"'],
		['numbers', '[1, 1.0, -0, 0, 1e5, 1E5, -12.5e-3, 1e+2, 0.1, 12345678901234567890, 1e400]'],
		['a top-level scalar', '  42  '],
		['a top-level string', '"hi"'],
		['all the whitespace JSON allows', ' \t\r\n{ \t\r\n"a" \t\r\n: \t\r\n1 \t\r\n} \t\r\n'],
		['DEL inside a string (allowed by JSON)', '"a\u007fb"'],
	])('reads %s to the same value as JSON.parse', (_name, text) => {
		expect(parsedOk(text).value).toStrictEqual(JSON.parse(text));
	});

	it('turns a surrogate-pair escape into one emoji', () => {
		expect(parsedOk('"\\ud83d\\ude00"').value).toBe('😀');
	});

	it('keeps -0 negative, as JSON.parse does', () => {
		expect(Object.is(parsedOk('-0').value, -0)).toBe(true);
	});

	it('marks a number an int only when its text has no ".", "e" or "E"', () => {
		const { node } = parsedOk('[1, 1.0, -0, 1e5, 1E5, 100, -7, 2.50]');
		if (node.type !== 'array') throw new Error('expected an array');
		expect(node.items).toEqual([
			{ type: 'number', text: '1', integer: true },
			{ type: 'number', text: '1.0', integer: false },
			{ type: 'number', text: '-0', integer: true },
			{ type: 'number', text: '1e5', integer: false },
			{ type: 'number', text: '1E5', integer: false },
			{ type: 'number', text: '100', integer: true },
			{ type: 'number', text: '-7', integer: true },
			{ type: 'number', text: '2.50', integer: false },
		]);
	});

	it('builds typed nodes for every kind of value', () => {
		expect(parsedOk('{"s": "x", "b": false, "n": null, "l": []}').node).toEqual({
			type: 'object',
			entries: [
				['s', { type: 'string', value: 'x' }],
				['b', { type: 'boolean', value: false }],
				['n', { type: 'null' }],
				['l', { type: 'array', items: [] }],
			],
		});
	});

	it('keeps a repeated key at its first place with its last value', () => {
		const text = '{"a": 1, "b": 2, "a": 3}';
		const { node, value, offsets } = parsedOk(text);
		expect(node).toEqual({
			type: 'object',
			entries: [
				['a', { type: 'number', text: '3', integer: true }],
				['b', { type: 'number', text: '2', integer: true }],
			],
		});
		expect(value).toStrictEqual({ a: 3, b: 2 });
		expect(Object.keys(value as object)).toEqual(['a', 'b']);
		// The offset points at the value that was kept.
		expect(offsets.get('a')).toBe(text.lastIndexOf('3'));
	});

	it('makes "__proto__" an ordinary key, as JSON.parse does', () => {
		const value = parsedOk('{"__proto__": {"polluted": true}}').value as Record<string, unknown>;
		expect(Object.keys(value)).toEqual(['__proto__']);
		expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
		expect(({} as Record<string, unknown>).polluted).toBeUndefined();
	});
});

describe('parseJson offsets', () => {
	it('maps each value path of the chapter message to where its value starts', () => {
		const { offsets } = parsedOk(EX1_TEXT);
		expect(offsets.get('')).toBe(0);
		expect(offsets.get('action')).toBe(EX1_TEXT.indexOf('"subscribe"'));
		expect(offsets.get('mode')).toBe(EX1_TEXT.indexOf('"ltp"'));
		expect(offsets.get('symbols')).toBe(EX1_TEXT.indexOf('['));
		expect(offsets.get('symbols[0]')).toBe(EX1_TEXT.indexOf('{', 1));
		expect(offsets.get('symbols[0].symbol')).toBe(EX1_TEXT.indexOf('"RELIANCE"'));
		expect(offsets.get('symbols[1].symbol')).toBe(EX1_TEXT.indexOf('"TCS"'));
		expect(offsets.get('symbols[1].exchange')).toBe(EX1_TEXT.lastIndexOf('"NSE"'));
		expect(locate(EX1_TEXT, offsets.get('symbols[1].exchange')!)).toEqual({ line: 11, column: 19 });
		expect([...offsets.keys()].sort()).toEqual(
			[
				'',
				'action',
				'mode',
				'symbols',
				'symbols[0]',
				'symbols[0].symbol',
				'symbols[0].exchange',
				'symbols[1]',
				'symbols[1].symbol',
				'symbols[1].exchange',
			].sort(),
		);
	});

	it('gives the root the offset after leading whitespace', () => {
		expect(parsedOk('  \n [1, 2]').offsets.get('')).toBe(4);
		expect(parsedOk('  \n [1, 2]').offsets.get('[1]')).toBe(8);
	});

	it('counts offsets in UTF-16 units, as a textarea does', () => {
		const text = '{"a": "📈", "b": 1}';
		expect(parsedOk(text).offsets.get('b')).toBe(text.indexOf('1'));
		expect(text.indexOf('1')).toBe(17);
	});
});

describe('parseJson syntax errors', () => {
	it.each([
		{
			slip: 'a trailing comma after the last property',
			text: '{\n  "mode": "ltp",\n}',
			line: 2,
			column: 16,
			words: /trailing comma.*last property/i,
		},
		{
			slip: 'a trailing comma after the last list item',
			text: '{"symbols": [1, 2, ]}',
			line: 1,
			column: 18,
			words: /trailing comma.*last item/i,
		},
		{
			slip: 'a single-quoted string value',
			text: '{"mode": \'ltp\'}',
			line: 1,
			column: 10,
			words: /double quotes.*not single quotes/i,
		},
		{
			slip: 'a single-quoted property name',
			text: "{'mode': 1}",
			line: 1,
			column: 2,
			words: /property names must use double quotes.*not single quotes/i,
		},
		{
			slip: 'a // comment',
			text: '{\n  // the verb\n  "action": "subscribe"\n}',
			line: 2,
			column: 3,
			words: /comments .*not allowed/i,
		},
		{
			slip: 'a /* */ comment',
			text: '{"a": 1 /* one */}',
			line: 1,
			column: 9,
			words: /comments .*not allowed/i,
		},
		{
			slip: 'a # comment',
			text: '{"a": 1}  # python style',
			line: 1,
			column: 11,
			words: /comments \(# \.\.\.\) are not allowed/i,
		},
		{
			slip: "Python's True",
			text: '{"ok": True}',
			line: 1,
			column: 8,
			words: /True is Python.*true/,
		},
		{
			slip: "Python's False",
			text: '[False]',
			line: 1,
			column: 2,
			words: /False is Python.*false/,
		},
		{
			slip: "Python's None",
			text: '{\n"depth": None}',
			line: 2,
			column: 10,
			words: /None is Python.*null/,
		},
		{
			slip: 'a missing comma between properties',
			text: '{"action": "subscribe"\n "mode": "ltp"}',
			line: 2,
			column: 2,
			words: /expected ',' or '}' after a property value/,
		},
		{
			slip: 'a missing comma between list items',
			text: '[1 2]',
			line: 1,
			column: 4,
			words: /expected ',' or '\]' after a list item/,
		},
		{
			slip: 'an unterminated string (points at its opening quote)',
			text: '{"mode": "ltp',
			line: 1,
			column: 10,
			words: /unterminated string.*line 1, column 10.*never closed/,
		},
		{
			slip: 'an unquoted property name',
			text: '{mode: "ltp"}',
			line: 1,
			column: 2,
			words: /property names need double quotes: write "mode"/,
		},
		{
			slip: 'a bare-word value',
			text: '{"mode": ltp}',
			line: 1,
			column: 10,
			words: /bare word ltp.*"ltp"/,
		},
		{ slip: 'empty text', text: '', line: 1, column: 1, words: /empty/ },
		{ slip: 'only whitespace', text: '  \n\t ', line: 2, column: 3, words: /empty/ },
		{
			slip: 'garbage after the value',
			text: '{"a": 1} x',
			line: 1,
			column: 10,
			words: /unexpected 'x' after the end of the JSON value/,
		},
		{
			slip: 'two objects one after the other',
			text: '{}\n{}',
			line: 2,
			column: 1,
			words: /after the end of the JSON value/,
		},
		{
			slip: 'a raw line break inside a string',
			text: '{"a": "ab\ncd"}',
			line: 1,
			column: 10,
			words: /string cannot hold a line break/,
		},
		{
			slip: 'a raw tab inside a string',
			text: '"a\tb"',
			line: 1,
			column: 3,
			words: /a tab is not allowed inside a string/,
		},
		{
			slip: "Python's = instead of :",
			text: '{"mode" = "ltp"}',
			line: 1,
			column: 9,
			words: /expected ':'.*'=' is Python/,
		},
		{
			slip: 'a missing colon',
			text: '{"mode" "ltp"}',
			line: 1,
			column: 9,
			words: /expected ':' after the property name "mode"/,
		},
		{
			slip: 'an unclosed object',
			text: '{"a": 1',
			line: 1,
			column: 8,
			words: /'\{' at line 1, column 1 is never closed/,
		},
		{
			slip: 'an unclosed list',
			text: '\n [1,\n 2',
			line: 3,
			column: 3,
			words: /'\[' at line 2, column 2 is never closed/,
		},
		{ slip: 'a leading comma in a list', text: '[, 1]', line: 1, column: 2, words: /extra comma/ },
		{ slip: 'a leading zero', text: '[007]', line: 1, column: 2, words: /write 7, not 007/ },
		{
			slip: 'a number starting with "."',
			text: '.5',
			line: 1,
			column: 1,
			words: /cannot start with '\.'/,
		},
		{
			slip: 'a decimal point with no digit after it',
			text: '1.',
			line: 1,
			column: 2,
			words: /decimal point needs a digit/,
		},
		{
			slip: 'an exponent with no digits',
			text: '1e',
			line: 1,
			column: 2,
			words: /exponent needs digits/,
		},
		{ slip: 'a lone minus', text: '-', line: 1, column: 2, words: /digit after '-'/ },
		{ slip: 'NaN', text: '[NaN]', line: 1, column: 2, words: /NaN is not a JSON number/ },
		{
			slip: '-Infinity',
			text: '[-Infinity]',
			line: 1,
			column: 2,
			words: /-Infinity is not a JSON number/,
		},
		{ slip: 'an unknown escape', text: '"\\x41"', line: 1, column: 2, words: /invalid escape \\x/ },
		{ slip: 'a short \\u escape', text: '"\\u12"', line: 1, column: 2, words: /four hex digits/ },
	])('refuses $slip at line $line, column $column', ({ text, line, column, words }) => {
		const error = syntaxError(text);
		expect({ line: error.line, column: error.column }).toEqual({ line, column });
		expect(error.reason).toMatch(words);
		expect(error.message).toBe(`Line ${line}, column ${column}: ${error.reason}`);
		expect(locate(text, error.offset)).toEqual({ line, column });
	});

	it('counts an emoji before the fault as one column, and reports the UTF-16 offset', () => {
		const text = '{"s": "📈", "m": 1,}';
		const error = syntaxError(text);
		expect(error.reason).toMatch(/trailing comma/i);
		expect(error.offset).toBe(18);
		expect(text[error.offset]).toBe(',');
		expect({ line: error.line, column: error.column }).toEqual({ line: 1, column: 18 });
	});

	it('counts columns from the start of the faulty line only', () => {
		const text = '{\n  "note": "😀😀😀",\n  "mode": True\n}';
		const error = syntaxError(text);
		expect({ line: error.line, column: error.column }).toEqual({ line: 3, column: 11 });
	});

	it('names an invisible character instead of printing it', () => {
		expect(syntaxError('{"a": 1\u0001}').reason).toMatch(/the control character U\+0001/);
		expect(syntaxError('[1 \n').reason).toMatch(/unexpected end of the text/);
		expect(syntaxError('{"a": }').reason).toMatch(/expected a value for "a" but found '\}'/);
	});

	it('refuses nesting deeper than 200 levels instead of overflowing the stack', () => {
		const deep = '['.repeat(201) + ']'.repeat(201);
		expect(syntaxError(deep).reason).toMatch(/nested too deeply/);
		const fine = '['.repeat(200) + ']'.repeat(200);
		expect(parsedOk(fine).value).toStrictEqual(JSON.parse(fine));
		expect(syntaxError('['.repeat(100_000)).reason).toMatch(/nested too deeply/);
	});
});

describe('locate', () => {
	it('gives 1-based line and column for a UTF-16 offset', () => {
		expect(locate('ab\ncd', 0)).toEqual({ line: 1, column: 1 });
		expect(locate('ab\ncd', 2)).toEqual({ line: 1, column: 3 });
		expect(locate('ab\ncd', 3)).toEqual({ line: 2, column: 1 });
		expect(locate('ab\ncd', 4)).toEqual({ line: 2, column: 2 });
	});

	it('counts an astral character as one column', () => {
		expect(locate('📈📈x', 4)).toEqual({ line: 1, column: 3 });
		expect(locate('a\n📈x', 4)).toEqual({ line: 2, column: 2 });
	});

	it('treats \\r\\n as one line break', () => {
		expect(locate('a\r\nb', 3)).toEqual({ line: 2, column: 1 });
	});

	it('stops at the end of the text for an offset past it', () => {
		expect(locate('ab\nc', 99)).toEqual({ line: 2, column: 2 });
		expect(locate('', 5)).toEqual({ line: 1, column: 1 });
	});
});

describe('parseJson agrees with JSON.parse on arbitrary text', () => {
	const ALPHABET = [
		...'{}[]",:0123456789-+.eE \n\t\\/trufalsnTN\'#xu',
		'é',
		'📈',
		'\u0000',
		'\ud800',
	];
	const SEEDS = [
		'{"action": "subscribe", "mode": "ltp", "symbols": [{"symbol": "RELIANCE", "exchange": "NSE"}]}',
		'[1, -2.5e3, true, false, null, "a\\u00e9\\n", {}, []]',
		'{"a": {"b": [0, 1.0, -0]}, "c": "\\ud83d\\udcc8"}',
		'"x"',
		'12e-1',
	];

	function randomText(random: () => number): string {
		if (random() < 0.5) {
			const length = Math.floor(random() * 14);
			let text = '';
			for (let i = 0; i < length; i++) text += ALPHABET[Math.floor(random() * ALPHABET.length)];
			return text;
		}
		// Mutate a valid document by a few edits, so many results are still (nearly) valid.
		let text = SEEDS[Math.floor(random() * SEEDS.length)]!;
		const edits = Math.floor(random() * 3);
		for (let e = 0; e < edits; e++) {
			const at = Math.floor(random() * (text.length + 1));
			const char = ALPHABET[Math.floor(random() * ALPHABET.length)]!;
			const kind = random();
			if (kind < 0.33) text = text.slice(0, at) + text.slice(at + 1);
			else if (kind < 0.66) text = text.slice(0, at) + char + text.slice(at);
			else text = text.slice(0, at) + char + text.slice(at + 1);
		}
		return text;
	}

	it('never throws, and succeeds exactly when JSON.parse does, with the same value', () => {
		const random = mulberry32(39);
		let valid = 0;
		let invalid = 0;
		for (let i = 0; i < 2000; i++) {
			const text = randomText(random);
			let expected: { ok: true; value: unknown } | { ok: false };
			try {
				expected = { ok: true, value: JSON.parse(text) };
			} catch {
				expected = { ok: false };
			}
			const parsed = parseJson(text);
			expect(parsed.ok, JSON.stringify(text)).toBe(expected.ok);
			if (parsed.ok && expected.ok) {
				valid++;
				expect(parsed.value, JSON.stringify(text)).toStrictEqual(expected.value);
			} else if (!parsed.ok) {
				invalid++;
				expect(parsed.error.line, JSON.stringify(text)).toBeGreaterThanOrEqual(1);
				expect(parsed.error.column, JSON.stringify(text)).toBeGreaterThanOrEqual(1);
				expect(parsed.error.offset, JSON.stringify(text)).toBeLessThanOrEqual(text.length);
				expect(parsed.error.reason.length, JSON.stringify(text)).toBeGreaterThan(0);
			}
		}
		// The loop exercised both sides, not just the refusals.
		expect(valid).toBeGreaterThan(200);
		expect(invalid).toBeGreaterThan(200);
	});
});
