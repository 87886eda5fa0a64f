// A JSON parser for the builder's editor. Unlike JSON.parse it (1) says exactly where a syntax
// error is (line, column, offset) in words a beginner can act on, naming the usual slips (a
// trailing comma, single quotes, comments, Python's True/False/None), and (2) keeps each
// number's source text, so the Python views can tell 1 (int) from 1.0 (float) as json.loads does.
// Ships to the browser: no DOM, no Node APIs. Over 400 lines because it is a whole recursive-descent
// parser with a sentence for each way a beginner's JSON goes wrong; the parts cannot stand alone.

/** A parsed JSON value that remembers what Python would make of it. */
export type JsonNode =
	| { type: 'null' }
	| { type: 'boolean'; value: boolean }
	| { type: 'string'; value: string }
	/** `integer` is true for an int in Python (no `.`, `e` or `E` in the source text). */
	| { type: 'number'; text: string; integer: boolean }
	| { type: 'array'; items: JsonNode[] }
	/** Keys in first-seen order; a repeated key keeps its first place and its last value (as dict does). */
	| { type: 'object'; entries: Array<[string, JsonNode]> };

/** A parsed JSON object (JSON.parse's view: no arrays, no null). */
export type JsonObject = Record<string, unknown>;

/** True for a JSON object: not null, not an array. */
export function isJsonObject(value: unknown): value is JsonObject {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export interface JsonSyntaxError {
	/** The full sentence: `Line 4, column 18: expected ',' or '}' after a property value`. */
	message: string;
	/** The sentence without its location. */
	reason: string;
	/** 1-based line. */
	line: number;
	/** 1-based column, counted in characters (an emoji is one). */
	column: number;
	/** 0-based UTF-16 offset into the text (what a textarea's selectionStart uses). */
	offset: number;
}

export type JsonParseResult =
	/** `offsets` maps each value's JSON path (`mode`, `symbols[1].exchange`, '' = root) to its offset. */
	| { ok: true; node: JsonNode; value: unknown; offsets: ReadonlyMap<string, number> }
	| { ok: false; error: JsonSyntaxError };

class SyntaxProblem extends Error {
	readonly reason: string;
	readonly offset: number;
	constructor(reason: string, offset: number) {
		super(reason);
		this.reason = reason;
		this.offset = offset;
	}
}

/** Line and column (1-based, columns in code points) of a UTF-16 offset in `text`. */
export function locate(text: string, offset: number): { line: number; column: number } {
	let line = 1;
	let lineStart = 0;
	for (let i = 0; i < offset && i < text.length; i++) {
		if (text[i] === '\n') {
			line++;
			lineStart = i + 1;
		}
	}
	const column = Array.from(text.slice(lineStart, Math.min(offset, text.length))).length + 1;
	return { line, column };
}

/** How a character appears in a message: `'x'`, or a name for the invisible ones. */
function describe(char: string | undefined): string {
	if (char === undefined) return 'the end of the text';
	if (char === '\n') return 'a line break';
	if (char === '\t') return 'a tab';
	if (char === ' ') return 'a space';
	const code = char.codePointAt(0) ?? 0;
	if (code < 0x20 || code === 0x7f)
		return `the control character U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
	return `'${char}'`;
}

const WHITESPACE = new Set([' ', '\t', '\n', '\r']);
const ESCAPES: Readonly<Record<string, string>> = {
	'"': '"',
	'\\': '\\',
	'/': '/',
	b: '\b',
	f: '\f',
	n: '\n',
	r: '\r',
	t: '\t',
};
const PYTHON_WORDS: Readonly<Record<string, string>> = {
	True: 'true',
	False: 'false',
	None: 'null',
};
const NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/;

class Parser {
	private pos = 0;
	private depth = 0;
	private readonly text: string;
	readonly offsets = new Map<string, number>();

	constructor(text: string) {
		this.text = text;
	}

	parseDocument(): JsonNode {
		this.skipSpace();
		if (this.pos >= this.text.length) {
			throw new SyntaxProblem(
				'the editor is empty: write one JSON object, such as {"action": "subscribe"}',
				this.pos,
			);
		}
		const node = this.parseValue('a value', '');
		this.skipSpace();
		if (this.pos < this.text.length) {
			throw new SyntaxProblem(
				`unexpected ${describe(this.peekChar())} after the end of the JSON value: a message is one value; delete what follows or wrap it all in one object`,
				this.pos,
			);
		}
		return node;
	}

	private peekChar(): string | undefined {
		const code = this.text.codePointAt(this.pos);
		return code === undefined ? undefined : String.fromCodePoint(code);
	}

	/** Skips whitespace; comments are an error with their own message. */
	private skipSpace(): void {
		while (this.pos < this.text.length) {
			const char = this.text[this.pos]!;
			if (WHITESPACE.has(char)) {
				this.pos++;
				continue;
			}
			if (char === '/' && (this.text[this.pos + 1] === '/' || this.text[this.pos + 1] === '*')) {
				throw new SyntaxProblem(
					'comments (// or /* */) are not allowed in JSON; delete the comment',
					this.pos,
				);
			}
			if (char === '#') {
				throw new SyntaxProblem(
					'comments (# ...) are not allowed in JSON; delete the comment',
					this.pos,
				);
			}
			return;
		}
	}

	private parseValue(expected: string, path: string): JsonNode {
		this.skipSpace();
		this.offsets.set(path, this.pos);
		const char = this.text[this.pos];
		if (char === '{') return this.nested(() => this.parseObject(path));
		if (char === '[') return this.nested(() => this.parseArray(path));
		if (char === '"') return { type: 'string', value: this.parseString() };
		if (char === "'") {
			throw new SyntaxProblem(
				`strings must use double quotes ("), not single quotes (')`,
				this.pos,
			);
		}
		if (char === '-' || (char !== undefined && char >= '0' && char <= '9'))
			return this.parseNumber();
		const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.text.slice(this.pos))?.[0];
		if (word === 'true' || word === 'false') {
			this.pos += word.length;
			return { type: 'boolean', value: word === 'true' };
		}
		if (word === 'null') {
			this.pos += 4;
			return { type: 'null' };
		}
		if (word !== undefined && word in PYTHON_WORDS) {
			throw new SyntaxProblem(
				`${word} is Python; JSON writes it ${PYTHON_WORDS[word]} (lower case)`,
				this.pos,
			);
		}
		if (word === 'NaN' || word === 'Infinity') {
			throw new SyntaxProblem(
				`${word} is not a JSON number; use a finite number or null`,
				this.pos,
			);
		}
		if (word !== undefined) {
			throw new SyntaxProblem(
				`expected ${expected} but found the bare word ${word}: text values need double quotes, "${word}"`,
				this.pos,
			);
		}
		if (char === undefined)
			throw new SyntaxProblem(`unexpected end of the text: expected ${expected}`, this.pos);
		if (char === '.' || char === '+') {
			throw new SyntaxProblem(
				`a JSON number cannot start with '${char}'; write it like 0.5 or 5`,
				this.pos,
			);
		}
		throw new SyntaxProblem(
			`expected ${expected} but found ${describe(this.peekChar())}`,
			this.pos,
		);
	}

	/** Bounds nesting so a hostile pasted text cannot overflow the stack. */
	private nested(parse: () => JsonNode): JsonNode {
		if (++this.depth > 200)
			throw new SyntaxProblem('nested too deeply (more than 200 levels)', this.pos);
		const node = parse();
		this.depth--;
		return node;
	}

	private parseObject(path: string): JsonNode {
		const open = this.pos;
		this.pos++; // {
		const entries: Array<[string, JsonNode]> = [];
		const index = new Map<string, number>();
		this.skipSpace();
		if (this.text[this.pos] === '}') {
			this.pos++;
			return { type: 'object', entries };
		}
		for (;;) {
			this.skipSpace();
			const char = this.text[this.pos];
			if (char === undefined) {
				throw new SyntaxProblem(
					`unexpected end of the text: the '{' at ${this.where(open)} is never closed; add '}'`,
					this.pos,
				);
			}
			if (char === "'") {
				throw new SyntaxProblem(
					`property names must use double quotes ("), not single quotes (')`,
					this.pos,
				);
			}
			if (char !== '"') {
				const word = /^[A-Za-z_$][\w$]*/.exec(this.text.slice(this.pos))?.[0];
				if (word) {
					throw new SyntaxProblem(`property names need double quotes: write "${word}"`, this.pos);
				}
				throw new SyntaxProblem(
					`expected a property name in double quotes but found ${describe(this.peekChar())}`,
					this.pos,
				);
			}
			const key = this.parseString();
			this.skipSpace();
			if (this.text[this.pos] !== ':') {
				if (this.text[this.pos] === '=') {
					throw new SyntaxProblem(
						`expected ':' after the property name "${key}" ('=' is Python; JSON uses ':')`,
						this.pos,
					);
				}
				throw new SyntaxProblem(`expected ':' after the property name "${key}"`, this.pos);
			}
			this.pos++;
			const value = this.parseValue(`a value for "${key}"`, path ? `${path}.${key}` : key);
			const seen = index.get(key);
			if (seen === undefined) {
				index.set(key, entries.length);
				entries.push([key, value]);
			} else entries[seen] = [key, value];
			this.skipSpace();
			const next = this.text[this.pos];
			if (next === '}') {
				this.pos++;
				return { type: 'object', entries };
			}
			if (next === ',') {
				const comma = this.pos;
				this.pos++;
				this.skipSpace();
				if (this.text[this.pos] === '}') {
					throw new SyntaxProblem(
						"trailing comma: JSON allows no ',' after the last property; delete it",
						comma,
					);
				}
				continue;
			}
			if (next === undefined) {
				throw new SyntaxProblem(
					`unexpected end of the text: the '{' at ${this.where(open)} is never closed; add '}'`,
					this.pos,
				);
			}
			throw new SyntaxProblem(
				`expected ',' or '}' after a property value but found ${describe(this.peekChar())}`,
				this.pos,
			);
		}
	}

	private parseArray(path: string): JsonNode {
		const open = this.pos;
		this.pos++; // [
		const items: JsonNode[] = [];
		this.skipSpace();
		if (this.text[this.pos] === ']') {
			this.pos++;
			return { type: 'array', items };
		}
		for (;;) {
			if (this.text[this.pos] === ',') {
				throw new SyntaxProblem("expected a value before ',': remove the extra comma", this.pos);
			}
			items.push(this.parseValue('a value in the list', `${path}[${items.length}]`));
			this.skipSpace();
			const next = this.text[this.pos];
			if (next === ']') {
				this.pos++;
				return { type: 'array', items };
			}
			if (next === ',') {
				const comma = this.pos;
				this.pos++;
				this.skipSpace();
				if (this.text[this.pos] === ']') {
					throw new SyntaxProblem(
						"trailing comma: JSON allows no ',' after the last item of a list; delete it",
						comma,
					);
				}
				continue;
			}
			if (next === undefined) {
				throw new SyntaxProblem(
					`unexpected end of the text: the '[' at ${this.where(open)} is never closed; add ']'`,
					this.pos,
				);
			}
			throw new SyntaxProblem(
				`expected ',' or ']' after a list item but found ${describe(this.peekChar())}`,
				this.pos,
			);
		}
	}

	private parseString(): string {
		const open = this.pos;
		this.pos++; // "
		let out = '';
		for (;;) {
			const char = this.text[this.pos];
			if (char === undefined) {
				throw new SyntaxProblem(
					`unterminated string: the '"' at ${this.where(open)} is never closed`,
					open,
				);
			}
			if (char === '"') {
				this.pos++;
				return out;
			}
			if (char === '\n' || char === '\r') {
				throw new SyntaxProblem(
					'a string cannot hold a line break: close it with " on this line, or write \\n',
					this.pos,
				);
			}
			if (char < ' ') {
				throw new SyntaxProblem(
					`${describe(char)} is not allowed inside a string; write it as an escape such as \\t`,
					this.pos,
				);
			}
			if (char === '\\') {
				const escape = this.text[this.pos + 1];
				if (escape === 'u') {
					const hex = this.text.slice(this.pos + 2, this.pos + 6);
					if (!/^[0-9a-fA-F]{4}$/.test(hex)) {
						throw new SyntaxProblem(
							'\\u must be followed by four hex digits, as in \\u00e9',
							this.pos,
						);
					}
					out += String.fromCharCode(Number.parseInt(hex, 16));
					this.pos += 6;
					continue;
				}
				if (escape !== undefined && escape in ESCAPES) {
					out += ESCAPES[escape];
					this.pos += 2;
					continue;
				}
				throw new SyntaxProblem(
					`invalid escape \\${escape ?? ''}: JSON knows \\" \\\\ \\/ \\b \\f \\n \\r \\t and \\uXXXX`,
					this.pos,
				);
			}
			out += char;
			this.pos++;
		}
	}

	private parseNumber(): JsonNode {
		const rest = this.text.slice(this.pos);
		const match = NUMBER.exec(rest)?.[0];
		if (!match || match === '-') {
			if (rest.startsWith('-Infinity'))
				throw new SyntaxProblem(
					'-Infinity is not a JSON number; use a finite number or null',
					this.pos,
				);
			throw new SyntaxProblem(`expected a digit after '-'`, this.pos + 1);
		}
		const after = rest[match.length];
		const padded = /^-?0\d+/.exec(rest)?.[0];
		if (padded) {
			const plain = padded.replace(/^(-?)0+(?=\d)/, '$1');
			throw new SyntaxProblem(
				`a JSON number cannot start with 0 followed by digits; write ${plain}, not ${padded}`,
				this.pos,
			);
		}
		if (after === '.' && !match.includes('.')) {
			throw new SyntaxProblem(
				'a decimal point needs a digit after it: write 1.0 or 1',
				this.pos + match.length,
			);
		}
		if ((after === 'e' || after === 'E') && !/[eE]/.test(match)) {
			throw new SyntaxProblem(
				'an exponent needs digits: write 1e5 or 1e-5',
				this.pos + match.length,
			);
		}
		if (after !== undefined && /[0-9A-Za-z_.]/.test(after)) {
			throw new SyntaxProblem(`unexpected ${describe(after)} in a number`, this.pos + match.length);
		}
		this.pos += match.length;
		return { type: 'number', text: match, integer: !/[.eE]/.test(match) };
	}

	private where(offset: number): string {
		const { line, column } = locate(this.text, offset);
		return `line ${line}, column ${column}`;
	}
}

/** Plain JavaScript value of a node (numbers become JS numbers, as JSON.parse makes them). */
export function nodeToValue(node: JsonNode): unknown {
	switch (node.type) {
		case 'null':
			return null;
		case 'boolean':
		case 'string':
			return node.value;
		case 'number':
			return Number(node.text);
		case 'array':
			return node.items.map(nodeToValue);
		case 'object': {
			const out: Record<string, unknown> = {};
			for (const [key, value] of node.entries) {
				// defineProperty so a "__proto__" key is an ordinary property, as in JSON.parse.
				Object.defineProperty(out, key, {
					value: nodeToValue(value),
					enumerable: true,
					writable: true,
					configurable: true,
				});
			}
			return out;
		}
	}
}

/**
 * Node for a plain value built in code (the form's message). Whole numbers are ints; other
 * numbers floats. Throws TypeError for what JSON cannot hold (undefined, functions, NaN).
 */
export function valueToNode(value: unknown): JsonNode {
	if (value === null) return { type: 'null' };
	if (typeof value === 'boolean') return { type: 'boolean', value };
	if (typeof value === 'string') return { type: 'string', value };
	if (typeof value === 'number') {
		if (!Number.isFinite(value)) throw new TypeError(`JSON cannot hold the number ${value}`);
		return Number.isInteger(value)
			? { type: 'number', text: BigInt(value).toString(), integer: true }
			: { type: 'number', text: String(value), integer: false };
	}
	if (Array.isArray(value)) return { type: 'array', items: value.map(valueToNode) };
	if (typeof value === 'object') {
		return {
			type: 'object',
			entries: Object.entries(value).map(([key, item]) => [key, valueToNode(item)]),
		};
	}
	throw new TypeError(`JSON cannot hold a value of type ${typeof value}`);
}

/** Parses `text` as one JSON value; on a syntax error says where and what to do. Never throws. */
export function parseJson(text: string): JsonParseResult {
	try {
		const parser = new Parser(text);
		const node = parser.parseDocument();
		return { ok: true, node, value: nodeToValue(node), offsets: parser.offsets };
	} catch (error) {
		if (!(error instanceof SyntaxProblem)) throw error;
		const { line, column } = locate(text, error.offset);
		return {
			ok: false,
			error: {
				message: `Line ${line}, column ${column}: ${error.reason}`,
				reason: error.reason,
				line,
				column,
				offset: error.offset,
			},
		};
	}
}
