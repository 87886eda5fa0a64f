// Every chapter of the course, found by discovery (content/chapters/*.mdx with status live):
// built, smoke-tested in Chromium and checked by axe (tests/browser/smoke.ts).
import { describe, expect, it } from 'vitest';
import { browserAvailable, useChapterPages } from './harness.ts';
import { smokeTestChapter } from './smoke.ts';
import { findChapters } from '../support/course.ts';

const CHAPTERS = findChapters().filter((chapter) => chapter.built);

describe.skipIf(!browserAvailable)('every chapter page', () => {
	const pages = useChapterPages();

	it('finds the live chapters, chapter 39 among them', () => {
		expect(CHAPTERS.map((chapter) => chapter.path)).toContain('/chapters/39-what-a-websocket-is/');
	});

	for (const chapter of CHAPTERS) {
		describe(chapter.file, () => {
			smokeTestChapter({ url: () => pages.site.url, browser: () => pages.browser }, chapter.path);
		});
	}
});
