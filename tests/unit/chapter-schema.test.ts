import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import {
	chapterSchema,
	formatIssues,
	type ChapterFrontmatterInput,
} from '../../src/lib/chapter-schema.ts';

const FILE = 'content/chapters/39-what-a-websocket-is.mdx';
const SOURCE = readFileSync(new URL(`../../${FILE}`, import.meta.url), 'utf8');

interface Line {
	indent: number;
	text: string;
}

/**
 * Parses the small YAML subset chapter front matter uses: block maps, block lists of maps or
 * scalars, `>-`/`>` folded scalars, integers, booleans and plain or quoted strings. Anything
 * else (flow collections, anchors, tabs, odd indentation) throws, so a construct this parser does
 * not know fails the test loudly instead of parsing to something wrong.
 */
function parseYamlSubset(source: string): unknown {
	const lines: Line[] = source
		.split('\n')
		.filter((line) => line.trim() !== '' && !line.trim().startsWith('#'))
		.map((line) => {
			if (/^\s*\t/.test(line)) throw new Error(`tab indentation: ${JSON.stringify(line)}`);
			const text = line.trimStart();
			return { indent: line.length - text.length, text: text.trimEnd() };
		});
	let i = 0;

	function scalar(text: string): unknown {
		if (/^-?\d+$/.test(text)) return Number(text);
		if (text === 'true' || text === 'false') return text === 'true';
		const quoted = /^'(.*)'$/.exec(text) ?? /^"(.*)"$/.exec(text);
		if (quoted) return quoted[1]!;
		if (/^[[{&*!|>@`%]/.test(text))
			throw new Error(`unsupported YAML value: ${JSON.stringify(text)}`);
		return text;
	}

	function block(indent: number): unknown {
		return lines[i]!.text.startsWith('- ') ? list(indent) : map(indent);
	}

	function list(indent: number): unknown[] {
		const items: unknown[] = [];
		while (i < lines.length && lines[i]!.indent === indent && lines[i]!.text.startsWith('- ')) {
			const rest = lines[i]!.text.slice(2);
			if (/^[A-Za-z_][\w-]*:( |$)/.test(rest)) {
				// `- key: value` opens a map whose keys sit two columns in.
				lines[i] = { indent: indent + 2, text: rest };
				items.push(map(indent + 2));
			} else {
				items.push(scalar(rest));
				i++;
			}
		}
		return items;
	}

	function map(indent: number): Record<string, unknown> {
		const out: Record<string, unknown> = {};
		while (i < lines.length && lines[i]!.indent >= indent) {
			const line = lines[i]!;
			if (line.indent > indent)
				throw new Error(`unexpected indentation: ${JSON.stringify(line.text)}`);
			if (line.text.startsWith('- ')) break;
			const entry = /^([A-Za-z_][\w-]*):(?: (.*))?$/.exec(line.text);
			if (!entry) throw new Error(`not a key: value line: ${JSON.stringify(line.text)}`);
			const key = entry[1]!;
			if (key in out) throw new Error(`duplicate key: ${key}`);
			const value = entry[2]?.trim();
			i++;
			if (value === undefined || value === '') {
				const next = lines[i];
				if (next && next.indent > indent) out[key] = block(next.indent);
				// A list may also sit at the same column as its key.
				else if (next && next.indent === indent && next.text.startsWith('- '))
					out[key] = list(indent);
				else out[key] = null;
			} else if (value === '>-' || value === '>') {
				const folded: string[] = [];
				while (i < lines.length && lines[i]!.indent > indent) folded.push(lines[i++]!.text);
				out[key] = folded.join(' ') + (value === '>' ? '\n' : '');
			} else {
				out[key] = scalar(value);
			}
		}
		return out;
	}

	const value = block(lines[0]?.indent ?? 0);
	if (i !== lines.length) throw new Error(`unparsed line: ${JSON.stringify(lines[i]!.text)}`);
	return value;
}

/** The YAML between the first two `---` lines of an MDX file. */
function frontMatterOf(source: string): string {
	const lines = source.split('\n');
	if (lines[0]!.trimEnd() !== '---') throw new Error('the file does not start with ---');
	const end = lines.findIndex((line, index) => index > 0 && line.trimEnd() === '---');
	if (end === -1) throw new Error('no closing --- for the front matter');
	return lines.slice(1, end).join('\n');
}

const FRONT_MATTER = parseYamlSubset(frontMatterOf(SOURCE)) as ChapterFrontmatterInput;

/** A copy of the real front matter with some fields replaced (undefined deletes a field). */
function variant(changes: Record<string, unknown>): Record<string, unknown> {
	const copy: Record<string, unknown> = structuredClone(FRONT_MATTER) as unknown as Record<
		string,
		unknown
	>;
	for (const [key, value] of Object.entries(changes)) {
		if (value === undefined) delete copy[key];
		else copy[key] = value;
	}
	return copy;
}

function issuesOf(input: unknown): string {
	const result = chapterSchema.safeParse(input);
	if (result.success) throw new Error('expected the schema to refuse this front matter');
	return formatIssues(FILE, result.error);
}

describe('the YAML subset parser', () => {
	it('reads nested maps, lists of maps, folded scalars and integers', () => {
		const yaml = [
			'a:',
			'  b: 1',
			'  c: two words',
			'd: >-',
			'  folded',
			'  text',
			'e:',
			'  - x: 1',
			'    y: "q"',
			'  - x: 2',
			'f:',
			'- plain',
		].join('\n');
		expect(parseYamlSubset(yaml)).toEqual({
			a: { b: 1, c: 'two words' },
			d: 'folded text',
			e: [{ x: 1, y: 'q' }, { x: 2 }],
			f: ['plain'],
		});
	});

	it('throws on YAML it does not understand', () => {
		expect(() => parseYamlSubset('a: [1, 2]')).toThrow(/unsupported/);
		expect(() => parseYamlSubset('a: 1\n    b: 2')).toThrow(/indentation/);
		expect(() => parseYamlSubset('just text')).toThrow(/key: value/);
	});
});

describe('chapter 39 front matter', () => {
	it('parses from the MDX file to the expected fields', () => {
		expect(FRONT_MATTER).toMatchObject({
			module: { number: 5, name: 'Python for the Markets' },
			chapter: 39,
			title: 'What a WebSocket Is',
			summary:
				'Why live trading data streams to you instead of being asked for. A plain-words look at WebSockets - the concept, no setup required.',
			status: 'live',
			nextTitle: 'Bringing it all together',
		});
		expect(FRONT_MATTER.learn).toHaveLength(6);
		expect(FRONT_MATTER.learn[0]).toEqual({
			text: 'Request/response vs streaming',
			section: 'two-ways-to-get-live-data-pull-vs-push',
		});
	});

	it('passes the chapter schema', () => {
		const result = chapterSchema.safeParse(FRONT_MATTER);
		expect(result.success ? 'ok' : formatIssues(FILE, result.error)).toBe('ok');
		expect(result.data).toEqual(FRONT_MATTER);
	});

	it('links every learn point to a heading that exists in the MDX', () => {
		const headingIds = new Set(
			[...SOURCE.matchAll(/^## (.+)$/gm)].map((m) =>
				m[1]!
					.toLowerCase()
					.replace(/[^a-z0-9 -]/g, '')
					.trim()
					.replace(/ /g, '-'),
			),
		);
		for (const point of FRONT_MATTER.learn) expect(headingIds, point.text).toContain(point.section);
	});

	it('defaults a missing status to draft', () => {
		const result = chapterSchema.safeParse(variant({ status: undefined }));
		expect(result.success && result.data.status).toBe('draft');
	});
});

describe('refusals name the file and the field', () => {
	it('a missing title', () => {
		const message = issuesOf(variant({ title: undefined }));
		expect(message).toContain(`Front matter of ${FILE} does not match the chapter schema:`);
		expect(message).toMatch(/^- `title`: .*expected string, received undefined$/m);
		expect(message.split('\n')).toHaveLength(2);
	});

	it('an empty title', () => {
		expect(issuesOf(variant({ title: '' }))).toMatch(/^- `title`: /m);
	});

	it('a wrong status, listing the allowed ones', () => {
		const message = issuesOf(variant({ status: 'published' }));
		expect(message).toContain(FILE);
		expect(message).toMatch(/^- `status`: .*"live"\|"draft"\|"coming-soon"/m);
	});

	it('an unknown extra key, naming the key', () => {
		const message = issuesOf(variant({ author: 'someone' }));
		expect(message).toContain(FILE);
		expect(message).toMatch(/^- `\(front matter\)`: .*"author"/m);
	});

	it('a non-integer chapter', () => {
		for (const chapter of [39.5, '39', 0, -1]) {
			const message = issuesOf(variant({ chapter }));
			expect(message, String(chapter)).toContain(FILE);
			expect(message, String(chapter)).toMatch(/^- `chapter`: /m);
		}
	});

	it('a nested field, with its full dotted path', () => {
		const message = issuesOf(
			variant({
				module: { number: 5 },
				learn: [...FRONT_MATTER.learn, { text: 'Bad', section: 'Not An Id' }],
			}),
		);
		expect(message).toMatch(/^- `module\.name`: /m);
		expect(message).toContain(
			'- `learn.6.section`: must be a heading id such as `what-a-websocket-is`',
		);
	});

	it('an empty learn list', () => {
		expect(issuesOf(variant({ learn: [] }))).toMatch(/^- `learn`: /m);
	});

	it('lists one line per issue', () => {
		const message = issuesOf(variant({ title: undefined, status: 'nope', extra: true }));
		expect(message.split('\n').slice(1).sort()).toEqual([
			expect.stringMatching(/^- `\(front matter\)`: .*"extra"/),
			expect.stringMatching(/^- `status`: /),
			expect.stringMatching(/^- `title`: /),
		]);
	});
});
