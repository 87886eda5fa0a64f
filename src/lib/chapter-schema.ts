// The front matter every chapter MDX file must have, and the one formatter that turns a
// validation failure into messages naming the file, the field, what was received, what is
// allowed and what to do. Imported by src/loaders/chapter-loader.ts (Astro runs it at build
// time, before its own formatter sees the data), by the JSON schema editors read, and by tests.
import { z } from 'astro/zod';

export const CHAPTER_STATUSES = ['live', 'draft', 'coming-soon'] as const;
export type ChapterStatus = (typeof CHAPTER_STATUSES)[number];

/** A heading id as Astro writes it: lowercase letters, digits and hyphens. */
const HEADING_ID = /^[a-z0-9-]+$/;

export const chapterSchema = z
	.object({
		module: z
			.object({
				number: z.number().int().positive().describe('The module number, e.g. `5`.'),
				name: z.string().min(1).describe('The module name, e.g. `Python for the Markets`.'),
			})
			.strict()
			.describe(
				'The module this chapter belongs to, e.g. `{ number: 5, name: "Python for the Markets" }`.',
			),
		chapter: z
			.number()
			.int()
			.positive()
			.describe(
				"The chapter's number in the course: orders the home page and previous/next, and keys the reader's saved answers. Unique across chapters.",
			),
		title: z.string().min(1).describe("The chapter's title, shown as the page's <h1>."),
		summary: z
			.string()
			.min(1)
			.describe('The one-line summary under the title and on the home page.'),
		status: z
			.enum(CHAPTER_STATUSES)
			.default('draft')
			.describe(
				'`live`: published, with the LIVE badge. `draft` (the default): shown under `npm run dev` only. `coming-soon`: listed on the home page, not linked, no page built.',
			),
		learn: z
			.array(
				z
					.object({
						text: z.string().min(1).describe('The learning point, as the reader sees it.'),
						section: z
							.string()
							.regex(HEADING_ID, 'a heading id such as `what-a-websocket-is`')
							.describe('The id of the `##` heading that teaches it, e.g. `what-a-websocket-is`.'),
					})
					.strict()
					.describe('One learning point and the section that teaches it.'),
			)
			.min(1)
			.describe(
				'"What you\'ll learn": each point links to the section (a heading id) that teaches it.',
			),
		nextTitle: z
			.string()
			.min(1)
			.optional()
			.describe(
				"The next chapter's title, shown as the teaser's Next line while that chapter is not in the course yet; when it is, it must match its title.",
			),
		source: z
			.string()
			.regex(/^[^/\\].*\.txt$/, 'a .txt path relative to content/, e.g. `sources/chapter-39.txt`')
			.optional()
			.describe(
				"The author's plain-text chapter this page must present faithfully, as a path under content/ (e.g. `sources/chapter-39-what-a-websocket-is.txt`). The build tests compare the page with it.",
			),
	})
	.strict()
	.describe('The front matter of a chapter in content/chapters/.');

export type ChapterFrontmatter = z.output<typeof chapterSchema>;
export type ChapterFrontmatterInput = z.input<typeof chapterSchema>;

/** One problem with a chapter: where it is, and the sentence that says what to do. */
export interface ChapterProblem {
	/** The file, relative to the project root, e.g. `content/chapters/39-what-a-websocket-is.mdx`. */
	file: string;
	/** The front-matter field, as a path such as `learn[2].section`; empty for the whole file. */
	field: string;
	/** What is wrong, what was received, what is allowed and what to do, in one line. */
	message: string;
}

/** A field path as an author writes it: `learn[2].section`. */
export function fieldPath(path: readonly PropertyKey[]): string {
	return path
		.map((key, index) =>
			typeof key === 'number' ? `[${key}]` : index === 0 ? String(key) : `.${String(key)}`,
		)
		.join('');
}

/** The value at `path` in `input`, or undefined when the path leaves it. */
function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
	let value = input;
	for (const key of path) {
		if (typeof value !== 'object' || value === null) return undefined;
		value = (value as Record<PropertyKey, unknown>)[key];
	}
	return value;
}

/** A received value for a message: JSON for scalars, a short word for the rest. */
export function describeValue(value: unknown): string {
	if (value === undefined) return 'nothing';
	if (value === null) return 'an empty value';
	if (Array.isArray(value))
		return value.length === 0 ? 'an empty list' : `a list of ${value.length}`;
	if (typeof value === 'object') return 'a map';
	if (typeof value === 'string')
		return JSON.stringify(value.length > 40 ? `${value.slice(0, 37)}…` : value) + ' (text)';
	return JSON.stringify(value);
}

/** The allowed values of the field at `path`, for a message. */
function allowedAt(path: readonly PropertyKey[]): string {
	const field = path.filter((key) => typeof key === 'string').join('.');
	switch (field) {
		case 'module':
			return 'a map with `number` and `name`';
		case 'module.number':
		case 'chapter':
			return 'a whole number above 0, without quotes';
		case 'module.name':
		case 'title':
		case 'summary':
		case 'nextTitle':
		case 'learn.text':
			return 'non-empty text';
		case 'status':
			return CHAPTER_STATUSES.map((s) => `\`${s}\``).join(', ');
		case 'learn':
			return 'a list of at least one `- text: …` / `section: …` point';
		case 'learn.section':
			return 'a heading id such as `what-a-websocket-is` (lowercase letters, digits, hyphens)';
		case 'source':
			return 'a .txt path relative to content/, e.g. `sources/chapter-39.txt`';
		default:
			return 'see the chapter schema in src/lib/chapter-schema.ts';
	}
}

/** The closest known key to `key` (edit distance at most 2), for "did you mean". */
function closest(key: string, known: readonly string[]): string | undefined {
	const distance = (a: string, b: string): number => {
		const row = Array.from({ length: b.length + 1 }, (_, j) => j);
		for (let i = 1; i <= a.length; i++) {
			let previous = row[0]!;
			row[0] = i;
			for (let j = 1; j <= b.length; j++) {
				const current = row[j]!;
				row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
				previous = current;
			}
		}
		return row[b.length]!;
	};
	let best: string | undefined;
	let bestDistance = 3;
	for (const candidate of known) {
		const d = distance(key.toLowerCase(), candidate.toLowerCase());
		if (d < bestDistance) [best, bestDistance] = [candidate, d];
	}
	return best;
}

/** The keys a map at `path` may have. */
function knownKeys(path: readonly PropertyKey[]): string[] {
	const field = path.filter((key) => typeof key === 'string').join('.');
	if (field === 'module') return ['number', 'name'];
	if (field === 'learn') return ['text', 'section'];
	return Object.keys(chapterSchema.shape);
}

/**
 * Turns a schema failure into one problem per issue (an unknown key each on its own), each
 * naming the field, what was received, what is allowed and what to do.
 */
export function chapterIssues(file: string, input: unknown, error: z.ZodError): ChapterProblem[] {
	const problems: ChapterProblem[] = [];
	for (const issue of error.issues) {
		if (issue.code === 'unrecognized_keys') {
			for (const key of issue.keys) {
				const path = [...issue.path, key];
				const known = knownKeys(issue.path);
				const guess = closest(key, known);
				problems.push({
					file,
					field: fieldPath(path),
					message:
						`\`${fieldPath(path)}\` is not a chapter field (received ${describeValue(valueAt(input, path))}). ` +
						`Allowed here: ${known.map((k) => `\`${k}\``).join(', ')}. ` +
						(guess ? `Did you mean \`${guess}\`? Rename it.` : 'Remove it.'),
				});
			}
			continue;
		}
		const field = fieldPath(issue.path);
		const received = valueAt(input, issue.path);
		const allowed = allowedAt(issue.path);
		const what =
			received === undefined
				? `\`${field}\` is missing`
				: `\`${field}\` is ${describeValue(received)}`;
		const todo =
			received === undefined ? `Add \`${field}\`.` : `Change \`${field}\` to an allowed value.`;
		problems.push({ file, field, message: `${what}. Allowed: ${allowed}. ${todo}` });
	}
	return problems;
}

/** The problems as one readable block: a line naming the file, then one line per problem. */
export function formatIssues(problems: readonly ChapterProblem[]): string {
	const byFile = new Map<string, ChapterProblem[]>();
	for (const problem of problems) {
		byFile.set(problem.file, [...(byFile.get(problem.file) ?? []), problem]);
	}
	return [...byFile]
		.map(([file, list]) =>
			[
				`${file}: ${list.length === 1 ? 'one problem' : `${list.length} problems`} in the front matter`,
				...list.map((problem) => `- ${problem.message}`),
			].join('\n'),
		)
		.join('\n');
}
