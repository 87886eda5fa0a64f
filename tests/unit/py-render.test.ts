import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseJson, valueToNode, type JsonNode } from '../../src/lib/json-parse.ts';
import {
	compactJson,
	jsonDumps,
	jsonString,
	onTickLine,
	pythonFloatRepr,
	pythonRepr,
	pythonStr,
	pythonString,
	pythonTypeName,
	toPythonLiteral,
	toPythonProgram,
} from '../../src/lib/py-render.ts';

const CASES: string[] = JSON.parse(
	readFileSync(new URL('../fixtures/python/tricky-messages.json', import.meta.url), 'utf8'),
);
const EX1_OUTPUT = readFileSync(
	new URL('../../content/code/ch39/01_subscribe_message.out.txt', import.meta.url),
	'utf8',
);
const EX1_SOURCE = readFileSync(
	new URL('../../content/code/ch39/01_subscribe_message.py', import.meta.url),
	'utf8',
);

function node(text: string): JsonNode {
	const parsed = parseJson(text);
	if (!parsed.ok) throw new Error(parsed.error.message);
	return parsed.node;
}

const python = spawnSync('python3', ['--version'], { encoding: 'utf8' });
const hasPython = python.status === 0;
if (!hasPython)
	console.warn('py-render: python3 not found; the comparisons with real Python are skipped.');

/** Runs one Python script that reads JSON from stdin and prints JSON (ASCII-only) to stdout. */
function runPython(script: string, input: unknown): unknown {
	const result = spawnSync('python3', ['-c', script], {
		input: JSON.stringify(input),
		encoding: 'utf8',
		timeout: 15_000,
	});
	if (result.status !== 0) throw new Error(`python3 failed: ${result.stderr}`);
	return JSON.parse(result.stdout);
}

describe('pythonFloatRepr', () => {
	it.each([
		[1, '1.0'],
		[0.1, '0.1'],
		[1e20, '1e+20'],
		[1e-7, '1e-07'],
		[1e16, '1e+16'],
		[1e15, '1000000000000000.0'],
		[0.0001, '0.0001'],
		[0.00001, '1e-05'],
		[-0, '-0.0'],
		[1313.6, '1313.6'],
		[5e-324, '5e-324'],
		[1.7976931348623157e308, '1.7976931348623157e+308'],
		[123456789.123, '123456789.123'],
	])('writes %s as %s', (value, expected) => {
		expect(pythonFloatRepr(value)).toBe(expected);
	});

	it('spells the special values as Python does', () => {
		expect([Number.NaN, Infinity, -Infinity, -0].map(pythonFloatRepr)).toEqual([
			'nan',
			'inf',
			'-inf',
			'-0.0',
		]);
	});

	it.skipIf(!hasPython)('matches python3 for prices, tiny and huge values', () => {
		const cases = [
			1313.6,
			1313,
			1313.65,
			0.1 + 0.2,
			24350.15,
			812.35,
			0.05,
			1e-4,
			1e-5,
			0.000123,
			1e15,
			1e16,
			1.5e16,
			123456789012345680,
			1e22,
			-2.5,
			-0,
			0,
			5e-324,
			1.7976931348623157e308,
			100,
			0.5,
		];
		const printed = runPython(
			'import json, sys\nprint(json.dumps([repr(float(x)) for x in json.load(sys.stdin)]))',
			cases.map((value) => (Object.is(value, -0) ? '-0.0' : value.toExponential())),
		);
		expect(cases.map(pythonFloatRepr)).toEqual(printed);
	});
});

describe('onTickLine', () => {
	it("prints what the chapter's on_tick prints", () => {
		expect(onTickLine('RELIANCE', 1313.6)).toBe('RELIANCE is now 1313.6');
		expect(onTickLine('TCS', 3120)).toBe('TCS is now 3120.0');
	});
});

describe('pythonRepr, pythonStr and pythonTypeName', () => {
	const values: unknown[] = [
		null,
		true,
		false,
		7,
		1.5,
		'foo',
		"it's",
		'say "hi"',
		[1, 'a'],
		{ a: [null] },
	];

	it.skipIf(!hasPython)('match repr(), str() and type().__name__ in python3', () => {
		const printed = runPython(
			'import json, sys\nprint(json.dumps([[repr(v), str(v), type(v).__name__] for v in json.load(sys.stdin)]))',
			values,
		);
		expect(values.map((v) => [pythonRepr(v), pythonStr(v), pythonTypeName(v)])).toEqual(printed);
	});

	it('read a missing value as None', () => {
		expect([pythonRepr(undefined), pythonTypeName(undefined)]).toEqual(['None', 'NoneType']);
	});
});

describe('jsonDumps', () => {
	it("prints EX 1's message exactly as the chapter's Live output", () => {
		const ex1 = node(
			'{"action":"subscribe","mode":"ltp","symbols":[{"symbol":"RELIANCE","exchange":"NSE"},{"symbol":"TCS","exchange":"NSE"}]}',
		);
		expect(jsonDumps(ex1, { indent: 2 }) + '\n').toBe(EX1_OUTPUT);
	});

	it('keeps 1.0 a float and 1 an int, as json.loads does', () => {
		expect(jsonDumps(node('[1.0, 1, 1e2, -0]'))).toBe('[1.0, 1, 100.0, 0]');
	});

	it('writes empty containers as {} and [] even when indenting', () => {
		expect(jsonDumps(node('{"a": {}, "b": [[]]}'), { indent: 2 })).toBe(
			'{\n  "a": {},\n  "b": [\n    []\n  ]\n}',
		);
	});

	it('escapes non-ASCII as lower-case \\u escapes, astral characters as surrogate pairs', () => {
		expect(jsonString('é📈\u007f', true)).toBe('"\\u00e9\\ud83d\\udcc8\\u007f"');
		expect(jsonString('é📈', false)).toBe('"é📈"');
	});

	it('keeps big ints exact', () => {
		expect(jsonDumps(node('12345678901234567890123'))).toBe('12345678901234567890123');
	});
});

describe('toPythonLiteral', () => {
	it("lays out EX 1's message as the chapter's listing does", () => {
		const ex1 = valueToNode({
			action: 'subscribe',
			mode: 'ltp',
			symbols: [
				{ symbol: 'RELIANCE', exchange: 'NSE' },
				{ symbol: 'TCS', exchange: 'NSE' },
			],
		});
		const program = toPythonProgram(ex1);
		const listingDict = /subscribe = (\{[\s\S]*?\n\})/.exec(EX1_SOURCE)?.[1];
		expect(program).toContain(`subscribe = ${listingDict}`);
		expect(program.endsWith('print(json.dumps(subscribe, indent=2))\n')).toBe(true);
	});

	it('writes True, False and None, and double-quoted strings', () => {
		expect(toPythonLiteral(node('[true, false, null, "it\'s \\"so\\""]'))).toBe(
			'[\n    True,\n    False,\n    None,\n    "it\'s \\"so\\"",\n]',
		);
	});

	it('breaks a flat list that would pass 88 columns onto one item a line', () => {
		const literal = toPythonLiteral(node(CASES[11]!));
		expect(literal.split('\n').every((line) => line.length <= 88)).toBe(true);
		expect(literal).toContain('        "RELIANCE",\n');
	});

	it('escapes what a source file cannot hold', () => {
		expect(pythonString('a\nb\\\u0001\u2028\ud83d')).toBe('"a\\nb\\\\\\x01\\u2028\\ud83d"');
	});
});

describe.skipIf(!hasPython)('against real python3', () => {
	const ours = CASES.map((text) => {
		const n = node(text);
		return {
			indented: jsonDumps(n, { indent: 2 }),
			plain: jsonDumps(n),
			compact: compactJson(n),
			program: toPythonProgram(n),
		};
	});

	it('json.dumps(indent=2) and json.dumps() match byte for byte on every tricky case', () => {
		const theirs = runPython(
			`import json, sys
cases = json.load(sys.stdin)
print(json.dumps([[json.dumps(json.loads(c), indent=2), json.dumps(json.loads(c))] for c in cases]))`,
			CASES,
		) as Array<[string, string]>;
		CASES.forEach((text, i) => {
			expect(ours[i]!.indented, text).toBe(theirs[i]![0]);
			expect(ours[i]!.plain, text).toBe(theirs[i]![1]);
		});
	});

	it('the compact wire form matches json.dumps(separators=(",", ":"), ensure_ascii=False)', () => {
		const theirs = runPython(
			`import json, sys
cases = json.load(sys.stdin)
print(json.dumps([json.dumps(json.loads(c), separators=(",", ":"), ensure_ascii=False) for c in cases]))`,
			CASES,
		) as string[];
		CASES.forEach((text, i) => {
			// A lone surrogate cannot travel as UTF-8: we escape it where Python would fail to encode.
			if (/\\ud83d"|\\ude00x/.test(text)) return;
			expect(ours[i]!.compact, text).toBe(theirs[i]);
		});
	});

	it('the Python program builds the same value and prints our Live output', () => {
		const printed = runPython(
			`import contextlib, io, json, sys
out = []
for program in json.load(sys.stdin):
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        exec(compile(program, "<builder>", "exec"), {})
    out.append(buffer.getvalue())
print(json.dumps(out))`,
			ours.map((o) => o.program),
		) as string[];
		CASES.forEach((text, i) => expect(printed[i], text).toBe(ours[i]!.indented + '\n'));
	});
});
