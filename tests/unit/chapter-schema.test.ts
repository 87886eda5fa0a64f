import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import {
	chapterIssues,
	chapterSchema,
	formatIssues,
	type ChapterFrontmatterInput,
} from '../../src/lib/chapter-schema.ts';

const FILE = 'content/chapters/39-what-a-websocket-is.mdx';
const SOURCE = readFileSync(new URL(`../../${FILE}`, import.meta.url), 'utf8');

/** The YAML between the first two `---` lines of an MDX file, parsed. */
export function frontMatterOf(source: string): unknown {
	const match = /^---\n([\s\S]*?)\n---\n/.exec(source);
	if (!match) throw new Error('no front matter between --- lines');
	return parseYaml(match[1]!);
}

const FRONT_MATTER = frontMatterOf(SOURCE) as ChapterFrontmatterInput;

/** A copy of the real front matter with some fields replaced (undefined deletes a field). */
function variant(changes: Record<string, unknown>): Record<string, unknown> {
	const copy = structuredClone(FRONT_MATTER) as unknown as Record<string, unknown>;
	for (const [key, value] of Object.entries(changes)) {
		if (value === undefined) delete copy[key];
		else copy[key] = value;
	}
	return copy;
}

/** The build's message for this front matter (the schema must refuse it). */
function issuesOf(input: unknown): string {
	const result = chapterSchema.safeParse(input);
	if (result.success) throw new Error('expected the schema to refuse this front matter');
	return formatIssues(chapterIssues(FILE, input, result.error));
}

describe('chapter 39 front matter', () => {
	it('passes the chapter schema unchanged', () => {
		const result = chapterSchema.safeParse(FRONT_MATTER);
		expect(
			result.success ? 'ok' : formatIssues(chapterIssues(FILE, FRONT_MATTER, result.error)),
		).toBe('ok');
		expect(result.data).toEqual(FRONT_MATTER);
		expect(FRONT_MATTER).toMatchObject({ chapter: 39, status: 'live' });
	});

	it('defaults a missing status to draft', () => {
		const result = chapterSchema.safeParse(variant({ status: undefined }));
		expect(result.success && result.data.status).toBe('draft');
	});

	it('describes every field, for the editor help', () => {
		const undescribed: string[] = [];
		const walk = (schema: unknown, path: string): void => {
			const s = schema as {
				description?: string;
				unwrap?: () => unknown;
				shape?: Record<string, unknown>;
				element?: unknown;
			};
			if (!s.description) undescribed.push(path);
			const inner = s.unwrap?.() as { shape?: Record<string, unknown>; element?: unknown };
			const shape = s.shape ?? inner?.shape;
			for (const [key, value] of Object.entries(shape ?? {})) walk(value, `${path}.${key}`);
			const element = s.element ?? inner?.element;
			if (element) walk(element, `${path}[]`);
		};
		walk(chapterSchema, '(front matter)');
		expect(undescribed).toEqual([]);
	});
});

describe('refusals: one line per problem, naming file, field, received, allowed and the fix', () => {
	it('a missing title', () => {
		expect(issuesOf(variant({ title: undefined }))).toMatchInlineSnapshot(`
			"content/chapters/39-what-a-websocket-is.mdx: one problem in the front matter
			- \`title\` is missing. Allowed: non-empty text. Add \`title\`."
		`);
	});

	it('an empty title', () => {
		expect(issuesOf(variant({ title: '' }))).toMatchInlineSnapshot(`
			"content/chapters/39-what-a-websocket-is.mdx: one problem in the front matter
			- \`title\` is "" (text). Allowed: non-empty text. Change \`title\` to an allowed value."
		`);
	});

	it('a wrong status, listing the allowed ones', () => {
		expect(issuesOf(variant({ status: 'published' }))).toMatchInlineSnapshot(`
			"content/chapters/39-what-a-websocket-is.mdx: one problem in the front matter
			- \`status\` is "published" (text). Allowed: \`live\`, \`draft\`, \`coming-soon\`. Change \`status\` to an allowed value."
		`);
	});

	it('an unknown key, suggesting the field it resembles', () => {
		expect(issuesOf(variant({ sumary: 'typo' }))).toMatchInlineSnapshot(`
			"content/chapters/39-what-a-websocket-is.mdx: one problem in the front matter
			- \`sumary\` is not a chapter field (received "typo" (text)). Allowed here: \`module\`, \`chapter\`, \`title\`, \`summary\`, \`status\`, \`learn\`, \`nextTitle\`, \`source\`. Did you mean \`summary\`? Rename it."
		`);
		expect(issuesOf(variant({ author: 'someone' }))).toMatchInlineSnapshot(`
			"content/chapters/39-what-a-websocket-is.mdx: one problem in the front matter
			- \`author\` is not a chapter field (received "someone" (text)). Allowed here: \`module\`, \`chapter\`, \`title\`, \`summary\`, \`status\`, \`learn\`, \`nextTitle\`, \`source\`. Remove it."
		`);
	});

	it('a chapter number that is not a whole number above 0', () => {
		expect([39.5, '39', 0].map((chapter) => issuesOf(variant({ chapter }))).join('\n'))
			.toMatchInlineSnapshot(`
			"content/chapters/39-what-a-websocket-is.mdx: one problem in the front matter
			- \`chapter\` is 39.5. Allowed: a whole number above 0, without quotes. Change \`chapter\` to an allowed value.
			content/chapters/39-what-a-websocket-is.mdx: one problem in the front matter
			- \`chapter\` is "39" (text). Allowed: a whole number above 0, without quotes. Change \`chapter\` to an allowed value.
			content/chapters/39-what-a-websocket-is.mdx: one problem in the front matter
			- \`chapter\` is 0. Allowed: a whole number above 0, without quotes. Change \`chapter\` to an allowed value."
		`);
	});

	it('a nested field, with its full path', () => {
		expect(
			issuesOf(
				variant({
					module: { number: 5 },
					learn: [...FRONT_MATTER.learn, { text: 'Bad', section: 'Not An Id' }],
				}),
			),
		).toMatchInlineSnapshot(`
			"content/chapters/39-what-a-websocket-is.mdx: 2 problems in the front matter
			- \`module.name\` is missing. Allowed: non-empty text. Add \`module.name\`.
			- \`learn[6].section\` is "Not An Id" (text). Allowed: a heading id such as \`what-a-websocket-is\` (lowercase letters, digits, hyphens). Change \`learn[6].section\` to an allowed value."
		`);
	});

	it('an empty learn list', () => {
		expect(issuesOf(variant({ learn: [] }))).toMatchInlineSnapshot(`
			"content/chapters/39-what-a-websocket-is.mdx: one problem in the front matter
			- \`learn\` is an empty list. Allowed: a list of at least one \`- text: …\` / \`section: …\` point. Change \`learn\` to an allowed value."
		`);
	});

	it('several problems, one line each', () => {
		expect(issuesOf(variant({ title: undefined, status: 'nope', extra: true })))
			.toMatchInlineSnapshot(`
			"content/chapters/39-what-a-websocket-is.mdx: 3 problems in the front matter
			- \`title\` is missing. Allowed: non-empty text. Add \`title\`.
			- \`status\` is "nope" (text). Allowed: \`live\`, \`draft\`, \`coming-soon\`. Change \`status\` to an allowed value.
			- \`extra\` is not a chapter field (received true). Allowed here: \`module\`, \`chapter\`, \`title\`, \`summary\`, \`status\`, \`learn\`, \`nextTitle\`, \`source\`. Remove it."
		`);
	});
});
