// Every chapter of the course, found by discovery (content/chapters/*.mdx with status live):
// built, smoke-tested in Chromium and checked by axe (tests/browser/smoke.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { browserAvailable, launchBrowser, startSite, type SiteUnderTest } from './harness.ts';
import { smokeTestChapter } from './smoke.ts';
import { findChapters } from '../support/course.ts';

const CHAPTERS = findChapters().filter((chapter) => chapter.built);

describe.skipIf(!browserAvailable)('every chapter page', () => {
	let site: SiteUnderTest;
	let browser: Browser;

	beforeAll(async () => {
		site = await startSite();
		browser = await launchBrowser();
	});
	afterAll(async () => {
		await browser?.close();
		await site?.close();
	});

	it('finds the live chapters, chapter 39 among them', () => {
		expect(CHAPTERS.map((chapter) => chapter.path)).toContain('/chapters/39-what-a-websocket-is/');
	});

	for (const chapter of CHAPTERS) {
		describe(chapter.file, () => {
			smokeTestChapter({ url: () => site.url, browser: () => browser }, chapter.path);
		});
	}
});
