// The built chapter must present the author's seed text faithfully: every prose sentence of the
// seed is on the page, in the seed's order, and the section headings come in the seed's order.
// Every chapter that declares its source (front matter `source`, a plain-text file under
// content/) is checked, found by discovery.
//
// How the seed is read, line by line (each non-blank line of prose is one paragraph):
//  1. Line 1 is the breadcrumb ("Module 5 · Python for the Markets - Chapter 39"): structural.
//     Its parts (split on `·` and ` - `) must appear in order, since the page may use other
//     separators.
//  2. A code listing runs from its `EX <n>` header line to the blank line that ends its
//     "Live output" block; it is code and is checked by tests/build/code-listing.test.ts.
//  3. Other code: a line indented by four or more spaces, or starting with `def `, `class `,
//     `import `, `print(` or `#`.
//  4. Figure art: a line of more than 12 words that does not end in sentence punctuation (the
//     flattened ASCII diagram). The page draws the figure; its caption, a sentence, is prose.
//  5. A bullet (`•`, with the `·` the copy left behind) is a paragraph of its own, bullet removed.
//  6. A short line (at most 10 words) not ending in `.` or `:` is a heading, unless it is one of
//     the callout and badge labels in LABELS, which must appear in order in the page text.
//  7. Everything else is prose, split into sentences after `.`, `?` or `!` (and any closing
//     quote or bracket) where the next sentence starts with a capital, quote or bracket.
// Seed and page are compared after collapsing whitespace and mapping curly quotes to straight
// ones and en/em dashes to hyphens; the page text is the <main> element with tags stripped,
// scripts, styles and templates removed, and entities decoded.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DIST, distAvailable } from './dist.ts';
import { collapseWhitespace, htmlToText, normaliseTypography } from './html-text.ts';
import { PROJECT_ROOT, findChapters } from '../support/course.ts';

/** The author's text of a chapter that declares one. */
const sourceOf = (source: string): string =>
	readFileSync(join(PROJECT_ROOT, 'content', source), 'utf8');
const WITH_SOURCE = findChapters().filter((chapter) => chapter.frontMatter.source !== undefined);

/** Callout and badge labels: short lines of the seed that are not section headings. */
const LABELS = new Set(['LIVE', 'Key idea', 'Did you know?', 'Tip', 'Live output']);

const normalise = (text: string): string => collapseWhitespace(normaliseTypography(text));

interface Seed {
	breadcrumb: string[];
	headings: string[];
	labels: string[];
	paragraphs: string[];
	sentences: string[];
}

function splitSentences(paragraph: string): string[] {
	return paragraph
		.split(/(?<=[.?!]["')\]]?)\s+(?=["'(]?[A-Z0-9])/)
		.map((s) => s.trim())
		.filter((s) => s !== '');
}

function readSeed(text: string): Seed {
	const lines = text
		.replace(/\r\n/g, '\n')
		.split('\n')
		.map((line) => line.replace(/\s+$/, ''));
	const seed: Seed = { breadcrumb: [], headings: [], labels: [], paragraphs: [], sentences: [] };
	seed.breadcrumb = lines[0]!.split(/\s+[·-]\s+/).map(normalise);
	let listing: 'none' | 'code' | 'output' = 'none';
	for (const line of lines.slice(1)) {
		if (listing !== 'none') {
			if (line === 'Live output') listing = 'output';
			else if (listing === 'output' && line === '') listing = 'none';
			continue;
		}
		if (line.trim() === '') continue;
		if (/^EX \d+/.test(line)) {
			listing = 'code';
			continue;
		}
		if (/^ {4,}\S/.test(line) || /^(def |class |import |print\(|#)/.test(line)) continue;
		const words = line.trim().split(/\s+/).length;
		if (words > 12 && !/[.?!:]["')]?$/.test(line)) continue;
		const bullet = /^\s*•[\s·]*(.*)$/.exec(line);
		const paragraph = normalise(bullet ? bullet[1]! : line);
		if (!bullet && words <= 10 && !/[.:]$/.test(paragraph)) {
			if (LABELS.has(paragraph)) seed.labels.push(paragraph);
			else seed.headings.push(paragraph);
			continue;
		}
		seed.paragraphs.push(paragraph);
		seed.sentences.push(...splitSentences(paragraph));
	}
	if (listing === 'code') throw new Error('the seed ends inside a code listing');
	return seed;
}

/** Finds each needle after the previous one; returns the first that is not found, or undefined. */
function firstOutOfOrder(haystack: string, needles: readonly string[]): string | undefined {
	let from = 0;
	for (const needle of needles) {
		const at = haystack.indexOf(needle, from);
		if (at === -1) return needle;
		from = at + needle.length;
	}
	return undefined;
}

describe('reading the seed', () => {
	const seed = readSeed(sourceOf('sources/chapter-39-what-a-websocket-is.txt'));

	it('finds the breadcrumb, the headings, the labels and the prose', () => {
		expect(seed.breadcrumb).toEqual(['Module 5', 'Python for the Markets', 'Chapter 39']);
		expect(seed.headings).toEqual([
			'What a WebSocket Is',
			"What you'll learn",
			'Two ways to get live data: pull vs push',
			'What a WebSocket is',
			'Subscribing to a stream',
			'When do you actually need one?',
			'Try it yourself',
			'Recap',
		]);
		expect(seed.labels).toEqual(['LIVE', 'Key idea', 'Did you know?', 'Tip']);
		expect(seed.sentences.length).toBeGreaterThan(50);
		// Nothing of the code or the figure art counts as prose.
		const prose = seed.sentences.join('\n');
		expect(prose).not.toMatch(/print\(|def on_tick|"action"|feed\.|POLLING|EX 1/);
		expect(seed.sentences).toContain(
			'Polling asks again and again; a WebSocket opens once and the server pushes every tick.',
		);
		expect(seed.sentences).toContain("(That's the waste a WebSocket avoids.)");
		expect(seed.sentences).toContain('Request/response vs streaming');
	});
});

it('finds the chapters that declare their source, chapter 39 among them', () => {
	expect(WITH_SOURCE.map((chapter) => chapter.id)).toContain('39-what-a-websocket-is');
});

for (const chapter of WITH_SOURCE.filter((c) => c.built)) {
	describe.skipIf(!distAvailable)(
		`${chapter.file} presents ${chapter.frontMatter.source} faithfully`,
		() => {
			const seed = readSeed(sourceOf(chapter.frontMatter.source!));
			const PAGE = join(DIST, chapter.path, 'index.html');
			const html = distAvailable && existsSync(PAGE) ? readFileSync(PAGE, 'utf8') : '';
			const main = /<main\b[^>]*>([\s\S]*?)<\/main>/.exec(html)?.[1] ?? '';
			const text = normalise(htmlToText(main));

			it('has the chapter page with a <main> element', () => {
				expect(existsSync(PAGE), PAGE).toBe(true);
				expect(main.length).toBeGreaterThan(1000);
			});

			it('contains every seed sentence', () => {
				const missing = seed.sentences.filter((sentence) => !text.includes(sentence));
				expect(missing).toEqual([]);
			});

			it('contains every seed paragraph unbroken', () => {
				const missing = seed.paragraphs.filter((paragraph) => !text.includes(paragraph));
				expect(missing).toEqual([]);
			});

			it('keeps the seed sentences in the seed order', () => {
				expect(firstOutOfOrder(text, seed.sentences)).toBeUndefined();
			});

			it('has the seed headings as heading elements, in the seed order, the title as the <h1>', () => {
				const headings = [...main.matchAll(/<h([1-6])\b[^>]*>([\s\S]*?)<\/h\1>/g)].map((m) => ({
					level: Number(m[1]),
					text: normalise(htmlToText(m[2]!)),
				}));
				expect(headings.filter((h) => h.level === 1).map((h) => h.text)).toEqual([
					seed.headings[0],
				]);
				const texts = headings.map((h) => h.text);
				let from = 0;
				for (const heading of seed.headings) {
					const at = texts.indexOf(heading, from);
					expect(
						at,
						`heading ${JSON.stringify(heading)} after ${JSON.stringify(texts[from - 1] ?? '(start)')} in ${JSON.stringify(texts)}`,
					).toBeGreaterThanOrEqual(0);
					from = at + 1;
				}
			});

			it('shows the labels and the breadcrumb parts in the seed order', () => {
				expect(firstOutOfOrder(text, seed.labels)).toBeUndefined();
				expect(firstOutOfOrder(text, seed.breadcrumb)).toBeUndefined();
			});
		},
	);
}
