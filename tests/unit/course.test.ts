import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import {
	chapterSchema,
	formatIssues,
	type ChapterFrontmatter,
} from '../../src/lib/chapter-schema.ts';
import {
	courseProblems,
	exerciseStorageKey,
	exercisesIn,
	headingIds,
	listedChapters,
	nextTeaser,
	previousChapter,
	type CourseEntry,
} from '../../src/lib/course.ts';

const CH39 = 'content/chapters/39-what-a-websocket-is.mdx';
const SOURCE = readFileSync(new URL(`../../${CH39}`, import.meta.url), 'utf8');
const [, YAML, BODY] = /^---\n([\s\S]*?)\n---\n([\s\S]*)$/.exec(SOURCE)!;
const DATA = chapterSchema.parse(parseYaml(YAML!));

/** A chapter entry with some front-matter fields replaced. */
function entry(
	id: string,
	changes: Partial<ChapterFrontmatter> = {},
	body = '## Only section\n',
): CourseEntry {
	return {
		id,
		file: `content/chapters/${id}.mdx`,
		data: {
			...DATA,
			nextTitle: undefined,
			learn: [{ text: 'It', section: 'only-section' }],
			...changes,
		},
		body,
	};
}

describe('headingIds', () => {
	it("gives chapter 39's headings the ids Astro gives them", () => {
		expect(headingIds(BODY!)).toEqual([
			'two-ways-to-get-live-data-pull-vs-push',
			'what-a-websocket-is',
			'subscribing-to-a-stream',
			'when-do-you-actually-need-one',
			'try-it-yourself',
			'recap',
		]);
	});

	it('skips fenced code, drops inline Markdown and numbers repeats', () => {
		const body = [
			'## The `ws` *module*',
			'```python',
			'## not a heading',
			'```',
			'### [A link](https://example.com) here',
			'## Recap',
			'## Recap',
		].join('\n');
		expect(headingIds(body)).toEqual(['the-ws-module', 'a-link-here', 'recap', 'recap-1']);
	});
});

describe('courseProblems', () => {
	it('finds nothing wrong with chapter 39', () => {
		expect(courseProblems([{ id: 'ch39', file: CH39, data: DATA, body: BODY! }])).toEqual([]);
	});

	it('refuses a duplicate chapter number, naming both files', () => {
		const problems = courseProblems([
			entry('40-a', { chapter: 40 }),
			entry('40-b', { chapter: 40 }),
		]);
		expect(formatIssues(problems)).toMatchInlineSnapshot(`
			"content/chapters/40-a.mdx: one problem in the front matter
			- \`chapter\` is 40, which content/chapters/40-b.mdx also uses. Allowed: a number no other chapter has. Renumber one of content/chapters/40-a.mdx, content/chapters/40-b.mdx.
			content/chapters/40-b.mdx: one problem in the front matter
			- \`chapter\` is 40, which content/chapters/40-a.mdx also uses. Allowed: a number no other chapter has. Renumber one of content/chapters/40-a.mdx, content/chapters/40-b.mdx."
		`);
	});

	it('refuses a learn point whose section is not a heading, listing the headings', () => {
		const problems = courseProblems([
			entry('41-x', { chapter: 41, learn: [{ text: 'Why', section: 'only-sectoin' }] }),
		]);
		expect(formatIssues(problems)).toMatchInlineSnapshot(`
			"content/chapters/41-x.mdx: one problem in the front matter
			- \`learn[0].section\` is "only-sectoin", which is not a heading of the chapter. Allowed: \`only-section\`. Use the id of the heading that teaches "Why"."
		`);
	});

	it('refuses a nextTitle that is not the next chapter title', () => {
		const problems = courseProblems([
			entry('41-x', { chapter: 41, nextTitle: 'Old name' }),
			entry('42-y', { chapter: 42, title: 'New name' }),
		]);
		expect(formatIssues(problems)).toMatchInlineSnapshot(`
			"content/chapters/41-x.mdx: one problem in the front matter
			- \`nextTitle\` is "Old name", but the next chapter (42, content/chapters/42-y.mdx) is titled "New name". Allowed: that title. Change \`nextTitle\` to it, or remove \`nextTitle\` (the teaser then reads the next chapter's title)."
		`);
		expect(
			courseProblems([
				entry('41-x', { chapter: 41, nextTitle: 'New name' }),
				entry('42-y', { chapter: 42, title: 'New name' }),
			]),
		).toEqual([]);
	});
});

describe('listedChapters, previousChapter and nextTeaser', () => {
	const live = entry('1-live', { chapter: 1, status: 'live', title: 'One' });
	const draft = entry('2-draft', { chapter: 2, status: 'draft', title: 'Two' });
	const soon = entry('3-soon', {
		chapter: 3,
		status: 'coming-soon',
		title: 'Three',
		nextTitle: undefined,
	});
	const all = [soon, draft, live];

	it('leaves drafts out of production builds and orders by number', () => {
		expect(listedChapters(all, { dev: false }).map((c) => c.id)).toEqual(['1-live', '3-soon']);
		expect(listedChapters(all, { dev: true }).map((c) => c.id)).toEqual([
			'1-live',
			'2-draft',
			'3-soon',
		]);
	});

	it('links the next chapter with a page, and only names a coming-soon one', () => {
		const prod = listedChapters(all, { dev: false });
		expect(nextTeaser(prod, live)).toEqual({ kind: 'soon', chapter: 3, title: 'Three' });
		const dev = listedChapters(all, { dev: true });
		expect(nextTeaser(dev, live)).toEqual({
			kind: 'link',
			id: '2-draft',
			chapter: 2,
			title: 'Two',
		});
		expect(previousChapter(dev, draft)?.id).toBe('1-live');
		expect(previousChapter(dev, live)).toBeUndefined();
	});

	it('announces nextTitle after the last chapter', () => {
		const last = entry('9-last', { chapter: 9, nextTitle: 'Bringing it all together' });
		expect(nextTeaser([last], last)).toEqual({ kind: 'soon', title: 'Bringing it all together' });
		expect(nextTeaser([live], live)).toBe(undefined);
	});
});

describe('exercisesIn', () => {
	it("reads chapter 39's three exercises", () => {
		expect(exercisesIn(BODY!)).toEqual([
			{ id: 'ch39-a', kind: 'choice', answer: 'Polling is fine' },
			{ id: 'ch39-b', kind: 'number', answer: '28800' },
			{ id: 'ch39-c', kind: 'text' },
		]);
	});

	it('is not fooled by > or quotes inside braces and strings', () => {
		const body = [
			'<Exercises>',
			'<Exercise model="a > b" points={["x > y", \'it\\\'s\']} id="one" kind="text">',
			'</Exercise>',
			"<Exercise kind='number' answer={2 > 1 ? 3 : 4} id='two' />",
			'<Exercise id={name} kind="choice">',
			"<Exercise id='three' kind=\"choice\" answer={'B'}>",
		].join('\n');
		expect(exercisesIn(body)).toEqual([
			{ id: 'one', kind: 'text' },
			{ id: 'two', kind: 'number' },
			{ id: '', kind: 'choice' },
			{ id: 'three', kind: 'choice', answer: 'B' },
		]);
	});
});

describe('exerciseStorageKey', () => {
	it('keys answers by chapter, so two chapters never share them', () => {
		expect(exerciseStorageKey(39)).toBe('ch39:exercises:v1');
		expect(exerciseStorageKey(40)).not.toBe(exerciseStorageKey(39));
	});
});
