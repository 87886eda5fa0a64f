// Everything the site writes as Python would: the builder's views of a message (the dict literal
// that builds it, formatted like the chapter's EX 1, and the text `print(json.dumps(subscribe,
// indent=2))` prints, byte for byte as CPython's json module writes it), the line the chapter's
// on_tick prints, and the repr() texts OpenAlgo's error messages quote.
// Works on JsonNode (src/lib/json-parse.ts: parseJson, or valueToNode for a plain value) so ints
// and floats stay apart as in Python.
import { isJsonObject, type JsonNode } from './json-parse.ts';

/** Line width the dict literal keeps to, as black does. */
export const PYTHON_LINE_WIDTH = 88;
const PY_INDENT = '    ';

/**
 * Python's repr of a float, from a JS number: the same shortest round-trip digits, laid out by
 * CPython's rules (float_repr_style 'short'): scientific when the decimal point would sit more
 * than 16 places right of the first digit or 4 or more left of it, e.g. 1e+16, 1e-05, 1.0.
 */
export function pythonFloatRepr(x: number): string {
	if (Number.isNaN(x)) return 'nan';
	if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
	const sign = x < 0 || Object.is(x, -0) ? '-' : '';
	if (x === 0) return `${sign}0.0`;
	// toExponential() with no argument gives the shortest digits that round-trip.
	const [mantissa, exponentText] = Math.abs(x).toExponential().split('e') as [string, string];
	const digits = mantissa.replace('.', '');
	const decpt = Number(exponentText) + 1;
	if (decpt <= -4 || decpt > 16) {
		const exponent = decpt - 1;
		const body = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
		return `${sign}${body}e${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`;
	}
	if (decpt <= 0) return `${sign}0.${'0'.repeat(-decpt)}${digits}`;
	if (decpt >= digits.length) return `${sign}${digits}${'0'.repeat(decpt - digits.length)}.0`;
	return `${sign}${digits.slice(0, decpt)}.${digits.slice(decpt)}`;
}

/** The line the chapter's on_tick prints: `print(tick["symbol"], "is now", tick["ltp"])`. */
export function onTickLine(symbol: string, ltp: number): string {
	return `${symbol} is now ${pythonFloatRepr(ltp)}`;
}

/** The int or float a JSON number becomes in Python, as json.dumps writes it back. */
function pythonNumberJson(node: Extract<JsonNode, { type: 'number' }>): string {
	if (node.integer) return BigInt(node.text).toString();
	const x = Number(node.text);
	// json.dumps writes float('inf') as Infinity (allow_nan=True by default).
	if (!Number.isFinite(x)) return x > 0 ? 'Infinity' : '-Infinity';
	return pythonFloatRepr(x);
}

const hex4 = (code: number): string => `\\u${code.toString(16).padStart(4, '0')}`;
const SHORT_ESCAPES: Readonly<Record<string, string>> = {
	'"': '\\"',
	'\\': '\\\\',
	'\n': '\\n',
	'\r': '\\r',
	'\t': '\\t',
	'\b': '\\b',
	'\f': '\\f',
};

/** The surrogate pair starting at i (one character outside the BMP), or undefined for a lone half. */
function surrogatePairAt(text: string, i: number): string | undefined {
	const code = text.charCodeAt(i);
	const next = text.charCodeAt(i + 1);
	return code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff ? text.slice(i, i + 2) : undefined;
}

/**
 * A JSON string literal. With `ensureAscii` as Python's json: everything outside ' '..'~' is
 * \uXXXX (lower-case hex; astral characters as their UTF-16 surrogate pair, since JS strings
 * hold exactly those code units). Without it, only control characters are escaped, plus lone
 * surrogates, which UTF-8 cannot carry.
 */
export function jsonString(text: string, ensureAscii: boolean): string {
	let out = '"';
	for (let i = 0; i < text.length; i++) {
		const char = text[i]!;
		const code = text.charCodeAt(i);
		const short = SHORT_ESCAPES[char];
		if (short) out += short;
		else if (code < 0x20) out += hex4(code);
		else if (ensureAscii && code > 0x7e) out += hex4(code);
		else if (code >= 0xd800 && code <= 0xdfff) {
			const pair = surrogatePairAt(text, i);
			out += pair ?? hex4(code);
			if (pair) i++;
		} else out += char;
	}
	return out + '"';
}

export interface JsonDumpsOptions {
	/** Spaces per level; undefined writes everything on one line (Python's default). */
	indent?: number;
	/** Escape every non-ASCII character as \uXXXX (Python's default, true). */
	ensureAscii?: boolean;
	/** [item, key] separators; Python's default is [', ', ': '], or [',', ': '] with an indent. */
	separators?: readonly [string, string];
}

/** The text Python's `json.dumps(value, indent=..., ensure_ascii=...)` returns for this value. */
export function jsonDumps(value: JsonNode, options: JsonDumpsOptions = {}): string {
	const { indent, ensureAscii = true } = options;
	const [itemSep, keySep] =
		options.separators ?? (indent === undefined ? [', ', ': '] : [',', ': ']);
	const write = (node: JsonNode, level: number): string => {
		switch (node.type) {
			case 'null':
				return 'null';
			case 'boolean':
				return node.value ? 'true' : 'false';
			case 'number':
				return pythonNumberJson(node);
			case 'string':
				return jsonString(node.value, ensureAscii);
			case 'array':
			case 'object': {
				const parts =
					node.type === 'array'
						? node.items.map((item) => write(item, level + 1))
						: node.entries.map(
								([key, item]) => jsonString(key, ensureAscii) + keySep + write(item, level + 1),
							);
				const [open, close] = node.type === 'array' ? ['[', ']'] : ['{', '}'];
				if (parts.length === 0) return open + close;
				if (indent === undefined) return open + parts.join(itemSep) + close;
				const inner = '\n' + ' '.repeat(indent * (level + 1));
				return (
					open + inner + parts.join(itemSep + inner) + '\n' + ' '.repeat(indent * level) + close
				);
			}
		}
	};
	return write(value, 0);
}

/** Compact JSON as it goes on the wire: no spaces, UTF-8 characters left as they are. */
export function compactJson(value: JsonNode): string {
	return jsonDumps(value, { ensureAscii: false, separators: [',', ':'] });
}

/**
 * A Python string literal in double quotes, as the chapter writes them. Escapes what a source
 * file cannot hold as is (backslash, quote, line breaks, control characters, lone surrogates);
 * other characters, accents and emoji included, stay readable.
 */
export function pythonString(text: string): string {
	let out = '"';
	for (let i = 0; i < text.length; i++) {
		const char = text[i]!;
		const code = text.charCodeAt(i);
		if (char === '\\' || char === '"') out += '\\' + char;
		else if (char === '\n') out += '\\n';
		else if (char === '\r') out += '\\r';
		else if (char === '\t') out += '\\t';
		else if (code < 0x20 || (code >= 0x7f && code <= 0x9f))
			out += `\\x${code.toString(16).padStart(2, '0')}`;
		else if (code === 0x2028 || code === 0x2029) out += hex4(code);
		else if (code >= 0xd800 && code <= 0xdfff) {
			const pair = surrogatePairAt(text, i);
			out += pair ?? hex4(code);
			if (pair) i++;
		} else out += char;
	}
	return out + '"';
}

function pythonScalar(node: Exclude<JsonNode, { type: 'array' | 'object' }>): string {
	switch (node.type) {
		case 'null':
			return 'None';
		case 'boolean':
			return node.value ? 'True' : 'False';
		case 'string':
			return pythonString(node.value);
		case 'number': {
			if (node.integer) return BigInt(node.text).toString();
			const x = Number(node.text);
			if (!Number.isFinite(x)) return x > 0 ? 'float("inf")' : 'float("-inf")';
			return pythonFloatRepr(x);
		}
	}
}

const isContainer = (node: JsonNode): node is Extract<JsonNode, { type: 'array' | 'object' }> =>
	node.type === 'array' || node.type === 'object';

/**
 * The Python dict (or list, or scalar) literal that builds the value, laid out like EX 1:
 * 4-space indent, one item a line with a trailing comma for the outer value and any container
 * holding containers; a container of plain values stays on one line while it fits in 88 columns.
 */
export function toPythonLiteral(
	value: JsonNode,
	options: { firstLineOffset?: number } = {},
): string {
	const write = (node: JsonNode, level: number, prefixWidth: number, top: boolean): string => {
		if (!isContainer(node)) return pythonScalar(node);
		const [open, close] = node.type === 'array' ? ['[', ']'] : ['{', '}'];
		const children =
			node.type === 'array'
				? node.items.map((item) => ['', item] as const)
				: node.entries.map(([key, item]) => [pythonString(key) + ': ', item] as const);
		if (children.length === 0) return open + close;
		const flat = !top && children.every(([, child]) => !isContainer(child));
		if (flat) {
			const line =
				open +
				children
					.map(
						([key, child]) =>
							key + pythonScalar(child as Exclude<JsonNode, { type: 'array' | 'object' }>),
					)
					.join(', ') +
				close;
			// +1 for the trailing comma the parent puts after it.
			if (prefixWidth + line.length + 1 <= PYTHON_LINE_WIDTH) return line;
		}
		const pad = PY_INDENT.repeat(level + 1);
		const lines = children.map(
			([key, child]) => pad + key + write(child, level + 1, pad.length + key.length, false) + ',',
		);
		return open + '\n' + lines.join('\n') + '\n' + PY_INDENT.repeat(level) + close;
	};
	return write(value, 0, options.firstLineOffset ?? 0, true);
}

/** A runnable script shaped like EX 1 that builds the value and prints its json.dumps. */
export function toPythonProgram(value: JsonNode, name = 'subscribe'): string {
	const literal = toPythonLiteral(value, { firstLineOffset: name.length + 3 });
	return `import json\n\n${name} = ${literal}\n\nprint(json.dumps(${name}, indent=2))\n`;
}

// -------------------------------------------------------------------------------------------
// repr() of plain JSON values (already parsed, so ints and floats are told apart by value), as
// OpenAlgo's error texts quote them: `Invalid mode 'foo'`, `Invalid action: None`.

/** Python's repr of a str: single quotes unless the text holds one and no double quote. */
export function pythonStrRepr(text: string): string {
	const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
	const body = text
		.replaceAll('\\', '\\\\')
		.replaceAll('\n', '\\n')
		.replaceAll('\r', '\\r')
		.replaceAll('\t', '\\t')
		.replaceAll(quote, '\\' + quote);
	return quote + body + quote;
}

/** Python's repr of a JSON value: None, True, 'text', [1, 2], {'a': 1}; undefined reads as None. */
export function pythonRepr(value: unknown): string {
	if (value === null || value === undefined) return 'None';
	if (value === true) return 'True';
	if (value === false) return 'False';
	if (typeof value === 'string') return pythonStrRepr(value);
	if (typeof value === 'number')
		return Number.isInteger(value) ? String(value) : pythonFloatRepr(value);
	if (Array.isArray(value)) return `[${value.map(pythonRepr).join(', ')}]`;
	if (isJsonObject(value)) {
		return `{${Object.entries(value)
			.map(([key, item]) => `${pythonStrRepr(key)}: ${pythonRepr(item)}`)
			.join(', ')}}`;
	}
	return String(value);
}

/** Python's str() of a JSON value, as an f-string prints it: a str bare, anything else its repr. */
export function pythonStr(value: unknown): string {
	return typeof value === 'string' ? value : pythonRepr(value);
}

/** Python's name for a JSON value's type (`NoneType`, `bool`, `int`, `float`, `str`, `list`, `dict`). */
export function pythonTypeName(value: unknown): string {
	if (value === null || value === undefined) return 'NoneType';
	if (typeof value === 'boolean') return 'bool';
	if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float';
	if (typeof value === 'string') return 'str';
	if (Array.isArray(value)) return 'list';
	return 'dict';
}
