// The course as a whole: the checks that need more than one chapter's front matter (unique
// numbers, learn points against the chapter's headings, `nextTitle` against the next chapter),
// which chapters a build shows and links, and the exercises each chapter holds. Pure: the
// loader, the pages and the tests pass the entries in.
import GithubSlugger from 'github-slugger';
import { fieldPath, type ChapterFrontmatter, type ChapterProblem } from './chapter-schema.ts';

/** One chapter as the checks see it. */
export interface CourseEntry {
	/** The entry id (the file name without `.mdx`), which is also its URL slug. */
	id: string;
	/** The file, relative to the project root. */
	file: string;
	data: ChapterFrontmatter;
	/** The MDX source after the front matter. */
	body: string;
}

/**
 * The ids Astro gives the chapter's headings (`#`–`######` outside code fences), in order: the
 * heading's text with inline Markdown removed, slugged by github-slugger as Astro does.
 */
export function headingIds(body: string): string[] {
	const slugger = new GithubSlugger();
	const ids: string[] = [];
	let fence: string | undefined;
	for (const line of body.split('\n')) {
		const marker = /^\s{0,3}(`{3,}|~{3,})/.exec(line)?.[1];
		if (marker) {
			if (fence === undefined) fence = marker[0]!.repeat(marker.length);
			else if (marker.startsWith(fence)) fence = undefined;
			continue;
		}
		if (fence !== undefined) continue;
		const heading = /^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(line)?.[1];
		if (heading === undefined) continue;
		const text = heading
			.replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
			.replace(/<[^>]+>/g, '')
			.replace(/[*_`]/g, '');
		ids.push(slugger.slug(text));
	}
	return ids;
}

/** The problems that need the whole course: each names its file and field. */
export function courseProblems(entries: readonly CourseEntry[]): ChapterProblem[] {
	const problems: ChapterProblem[] = [];
	const byNumber = new Map<number, CourseEntry[]>();
	for (const entry of entries) {
		byNumber.set(entry.data.chapter, [...(byNumber.get(entry.data.chapter) ?? []), entry]);
	}
	for (const [number, same] of byNumber) {
		if (same.length < 2) continue;
		const files = same.map((entry) => entry.file).sort();
		for (const file of files) {
			const others = files.filter((other) => other !== file);
			problems.push({
				file,
				field: 'chapter',
				message: `\`chapter\` is ${number}, which ${others.join(' and ')} also uses. Allowed: a number no other chapter has. Renumber one of ${files.join(', ')}.`,
			});
		}
	}
	for (const entry of entries) {
		const ids = headingIds(entry.body);
		const known = new Set(ids);
		entry.data.learn.forEach((point, index) => {
			if (known.has(point.section)) return;
			const field = fieldPath(['learn', index, 'section']);
			problems.push({
				file: entry.file,
				field,
				message: `\`${field}\` is ${JSON.stringify(point.section)}, which is not a heading of the chapter. Allowed: ${ids.map((id) => `\`${id}\``).join(', ') || 'none (the chapter has no headings)'}. Use the id of the heading that teaches "${point.text}".`,
			});
		});
	}
	const ordered = [...entries].sort((a, b) => a.data.chapter - b.data.chapter);
	ordered.forEach((entry, index) => {
		const next = ordered[index + 1];
		const { nextTitle } = entry.data;
		if (!next || nextTitle === undefined || nextTitle === next.data.title) return;
		problems.push({
			file: entry.file,
			field: 'nextTitle',
			message: `\`nextTitle\` is ${JSON.stringify(nextTitle)}, but the next chapter (${next.data.chapter}, ${next.file}) is titled ${JSON.stringify(next.data.title)}. Allowed: that title. Change \`nextTitle\` to it, or remove \`nextTitle\` (the teaser then reads the next chapter's title).`,
		});
	});
	return problems;
}

/**
 * True under `astro dev`, false in `astro build`. Vite's mode, not `import.meta.env.DEV`: DEV
 * follows NODE_ENV, which a test runner sets to `test` for the builds it starts.
 */
export const DEV_SERVER: boolean = import.meta.env.MODE === 'development';

/** The chapters a build lists, in course order: drafts only under `astro dev`. */
export function listedChapters<T extends { data: ChapterFrontmatter }>(
	entries: readonly T[],
	options: { dev: boolean },
): T[] {
	return entries
		.filter((entry) => options.dev || entry.data.status !== 'draft')
		.sort((a, b) => a.data.chapter - b.data.chapter);
}

/** Whether a listed chapter has a page (coming-soon chapters are listed, not built). */
export function hasPage(entry: { data: ChapterFrontmatter }): boolean {
	return entry.data.status !== 'coming-soon';
}

/** What the end of a chapter points at: the next chapter's page, its name only, or nothing. */
export type NextTeaser =
	| { kind: 'link'; id: string; chapter: number; title: string }
	| { kind: 'soon'; chapter?: number; title: string };

/** The teaser after `entry` in `listed` (from listedChapters): linked, announced, or none. */
export function nextTeaser<T extends { id: string; data: ChapterFrontmatter }>(
	listed: readonly T[],
	entry: T,
): NextTeaser | undefined {
	const next = listed[listed.indexOf(entry) + 1];
	if (next && hasPage(next)) {
		return { kind: 'link', id: next.id, chapter: next.data.chapter, title: next.data.title };
	}
	if (next) return { kind: 'soon', chapter: next.data.chapter, title: next.data.title };
	if (entry.data.nextTitle !== undefined) return { kind: 'soon', title: entry.data.nextTitle };
	return undefined;
}

/** The chapter before `entry` in `listed` that has a page, for the Previous link. */
export function previousChapter<T extends { data: ChapterFrontmatter }>(
	listed: readonly T[],
	entry: T,
): T | undefined {
	return listed.slice(0, listed.indexOf(entry)).filter(hasPage).at(-1);
}

/** One `<Exercise>` as written in a chapter's MDX. */
export interface ExerciseRef {
	id: string;
	kind: string;
	/** The `answer` prop as the page's data-answer holds it, when it is a literal. */
	answer?: string;
}

/**
 * The `<Exercise>` elements of a chapter's MDX, in order, with their `id`, `kind` and `answer`
 * (quoted strings, or a number or string literal in braces). Attribute values in quotes or
 * braces are skipped whole, so a `>` inside them does not end the tag. What is not a literal is
 * left out; the component refuses that at build, so the home page never disagrees with the page.
 */
export function exercisesIn(body: string): ExerciseRef[] {
	const refs: ExerciseRef[] = [];
	for (const match of body.matchAll(/<Exercise(?=[\s/>])/g)) {
		const attributes: Record<string, string> = {};
		let i = match.index + match[0].length;
		let name = '';
		while (i < body.length) {
			const char = body[i]!;
			if (char === '>' || (char === '/' && body[i + 1] === '>')) break;
			if (char === '"' || char === "'") {
				const end = body.indexOf(char, i + 1);
				if (end === -1) break;
				if (name) attributes[name] = body.slice(i + 1, end);
				name = '';
				i = end + 1;
				continue;
			}
			if (char === '{') {
				const start = i;
				let depth = 0;
				let quote: string | undefined;
				for (; i < body.length; i++) {
					const c = body[i]!;
					if (quote) {
						if (c === '\\') i++;
						else if (c === quote) quote = undefined;
					} else if (c === '"' || c === "'" || c === '`') quote = c;
					else if (c === '{') depth++;
					else if (c === '}' && --depth === 0) break;
				}
				const literal = body.slice(start + 1, i).trim();
				const string = /^(["'])(.*)\1$/.exec(literal)?.[2];
				if (name && /^-?\d+(\.\d+)?$/.test(literal)) attributes[name] = literal;
				else if (name && string !== undefined && !/["'\\]/.test(string)) attributes[name] = string;
				name = '';
				i++;
				continue;
			}
			const word = /^[A-Za-z_][\w-]*/.exec(body.slice(i, i + 64))?.[0];
			if (word) {
				name = word;
				i += word.length;
				continue;
			}
			if (char !== '=') name = char.trim() === '' ? name : '';
			i++;
		}
		const ref: ExerciseRef = { id: attributes.id ?? '', kind: attributes.kind ?? '' };
		if (attributes.answer !== undefined) ref.answer = attributes.answer;
		refs.push(ref);
	}
	return refs;
}

/** The localStorage key of a chapter's exercise answers, e.g. `ch39:exercises:v1`. */
export function exerciseStorageKey(chapter: number): string {
	return `ch${chapter}:exercises:v1`;
}
