// The fixture course (tests/fixtures/course/: a live chapter, a draft and a coming-soon one),
// built once for this file and served like the real site: what a reader of a course meets.
// The home page lists chapters by status and shows saved progress from the exercises' storage;
// drafts stay out of production builds but show under `astro dev`; coming-soon chapters are
// named, not linked; search finds words across chapters and lands on their section; the
// sitemap, robots.txt and link-preview meta follow `site`; and each built chapter gets the
// same smoke tests as the real course's.
import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import {
	browserAvailable,
	collectErrors,
	launchBrowser,
	newContext,
	startSite,
	type SiteUnderTest,
} from './harness.ts';
import { restingRect, smokeTestChapter } from './smoke.ts';
import { findChapters } from '../support/course.ts';
import { FIXTURE_ROOT, buildFixture, shellEnv } from '../support/fixture-course.ts';

const CHAPTERS = findChapters(FIXTURE_ROOT);
const LIVE = '/chapters/1-first-steps/';
const SITE = 'http://127.0.0.1:4321';

describe.skipIf(!browserAvailable)('the fixture course', () => {
	let dist: string;
	let site: SiteUnderTest;
	let browser: Browser;

	beforeAll(async () => {
		dist = await buildFixture();
		site = await startSite({ root: dist });
		browser = await launchBrowser();
	}, 120_000);
	afterAll(async () => {
		await browser?.close();
		await site?.close();
		if (dist) rmSync(dist, { recursive: true, force: true });
	});

	const read = (path: string): string => readFileSync(join(dist, path), 'utf8');

	it('has one chapter of each status', () => {
		expect(CHAPTERS.map((chapter) => chapter.frontMatter.status)).toEqual([
			'live',
			'draft',
			'coming-soon',
		]);
	});

	it('lists the live chapter linked and the coming-soon one by name only; no draft', async () => {
		const context = await newContext(browser);
		const page = await context.newPage();
		await page.goto(site.url + '/');
		const items = page.locator('.ch-home__list > li');
		await expect(items.allInnerTexts()).resolves.toEqual([
			expect.stringMatching(/^Chapter 1\s*First Steps\s*LIVE\b/),
			expect.stringMatching(/^Chapter 3\s*Later On\s*Coming soon\b/),
		]);
		await expect(items.nth(0).getByRole('link').getAttribute('href')).resolves.toBe(LIVE);
		await expect(items.nth(1).getByRole('link').count()).resolves.toBe(0);
		await expect(page.getByText('Drafting').count()).resolves.toBe(0);
		// Neither has a page in a production build.
		for (const path of ['/chapters/2-drafting/', '/chapters/3-later/']) {
			const response = await page.goto(site.url + path);
			expect(response?.status(), path).toBe(404);
		}
		await context.close();
	});

	it("ends the live chapter with the next one's name, coming soon, not linked", async () => {
		const context = await newContext(browser);
		const page = await context.newPage();
		await page.goto(site.url + LIVE);
		const pager = page.getByRole('navigation', { name: 'Chapters' });
		await expect(pager.innerText()).resolves.toMatch(/^Next · Chapter 3 · coming soon\s+Later On$/);
		await expect(pager.getByRole('link').count()).resolves.toBe(0);
		await context.close();
	});

	it("shows the reader's saved progress on the home page, from the exercises' own storage", async () => {
		const context = await newContext(browser);
		const page = await context.newPage();
		const errors = collectErrors(page);
		await page.goto(site.url + '/');
		const progress = page.locator('[data-exercise-progress]');
		await expect(progress.textContent()).resolves.toBe('0 of 2 done');
		// Another chapter's answers (chapter 39's key) do not count here.
		await page.evaluate(() =>
			localStorage.setItem(
				'ch39:exercises:v1',
				JSON.stringify({ version: 1, value: { a: { choice: 'One', checked: true } } }),
			),
		);
		await page.reload();
		await expect(progress.textContent()).resolves.toBe('0 of 2 done');

		await page.goto(site.url + LIVE);
		const exercise = page.locator('ch-exercise[data-id="a"]');
		await exercise.scrollIntoViewIfNeeded();
		await page.locator('ch-exercise[data-id="a"][data-ready]').waitFor();
		await exercise.getByRole('radio', { name: 'One' }).check();
		await exercise.getByRole('button', { name: 'Check' }).click();
		await expect(page.locator('ch-exercises').getAttribute('data-done')).resolves.toBe('1');
		await page.goto(site.url + '/');
		await expect(progress.textContent()).resolves.toBe('1 of 2 done');
		expect(errors).toEqual([]);
		await context.close();
	});

	it('searches from the button and Ctrl+K, loading nothing for it before', async () => {
		const context = await newContext(browser);
		const page = await context.newPage();
		const errors = collectErrors(page);
		await page.goto(site.url + '/');
		await page.waitForLoadState('networkidle');
		const fetched = (): Promise<string[]> =>
			page.evaluate(() =>
				performance.getEntriesByType('resource').map((entry) => new URL(entry.name).pathname),
			);
		expect((await fetched()).filter((path) => /search\.client|pagefind/.test(path))).toEqual([]);

		await page.keyboard.press('Control+k');
		const dialog = page.getByRole('dialog', { name: 'Search the course' });
		await dialog.waitFor();
		const input = dialog.getByRole('searchbox', { name: 'Search the course' });
		await expect(input.evaluate((el) => el === document.activeElement)).resolves.toBe(true);
		await input.fill('lighthouse');
		const result = dialog.getByRole('link').first();
		await result.waitFor();
		await expect(result.getAttribute('href')).resolves.toBe(`${LIVE}#getting-started`);
		await expect(dialog.getByRole('status').textContent()).resolves.toBe(
			'1 chapter matches “lighthouse”.',
		);
		// The draft's word is not in a production index.
		await input.fill('marmalade');
		await expect
			.poll(() => dialog.getByRole('status').textContent())
			.toBe('Nothing found for “marmalade”.');
		await expect(dialog.getByRole('link').count()).resolves.toBe(0);
		await page.keyboard.press('Escape');
		await expect(dialog.isVisible()).resolves.toBe(false);

		// The button opens it too, and a result lands on its section.
		await page.getByRole('button', { name: 'Search' }).click();
		await input.fill('listing prints one line');
		const link = dialog.getByRole('link', { name: /A first listing/ });
		await link.waitFor();
		await link.click();
		await page.waitForURL(`**${LIVE}#a-first-listing`);
		const rest = await restingRect(page, 'a-first-listing');
		expect(rest.top).toBeGreaterThanOrEqual(0);
		expect(rest.bottom).toBeLessThanOrEqual(rest.height);
		expect(errors).toEqual([]);
		await context.close();
	});

	it('lists the built pages in the sitemap, and robots.txt points at it', () => {
		const urls = [...read('sitemap-0.xml').matchAll(/<loc>([^<]+)<\/loc>/g)].map((m) => m[1]);
		expect(urls.sort()).toEqual([`${SITE}/`, `${SITE}${LIVE}`]);
		expect(read('robots.txt')).toContain(`Sitemap: ${SITE}/sitemap-index.xml`);
	});

	it('gives each page absolute canonical and link-preview meta from its front matter', () => {
		const html = read(join(LIVE, 'index.html'));
		const meta = (key: string): string | undefined =>
			new RegExp(`<meta (?:property|name)="${key}" content="([^"]*)"`).exec(html)?.[1];
		expect(/<link rel="canonical" href="([^"]+)"/.exec(html)?.[1]).toBe(`${SITE}${LIVE}`);
		expect({
			url: meta('og:url'),
			type: meta('og:type'),
			title: meta('og:title'),
			description: meta('og:description'),
			card: meta('twitter:card'),
		}).toEqual({
			url: `${SITE}${LIVE}`,
			type: 'article',
			title: 'First Steps · Chapter 1 · Fixture Course',
			description: CHAPTERS[0]!.frontMatter.summary,
			card: 'summary',
		});
	});

	for (const chapter of CHAPTERS.filter((c) => c.built)) {
		describe(chapter.file, () => {
			smokeTestChapter({ url: () => site.url, browser: () => browser }, chapter.path);
		});
	}
});

/** A port free on 127.0.0.1 right now (the dev server takes it a moment later). */
function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const address = server.address();
			server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
		});
	});
}

describe.skipIf(!browserAvailable)('the fixture course under astro dev', () => {
	it('lists and serves the draft chapter', { timeout: 120_000 }, async () => {
		const port = await freePort();
		const child = spawn(
			process.execPath,
			[
				join(FIXTURE_ROOT, '../../../node_modules/astro/bin/astro.mjs'),
				'dev',
				'--host',
				'127.0.0.1',
				'--port',
				String(port),
			],
			// As `npm run dev` runs it, without the NODE_ENV, MODE, VITEST… that Vitest sets.
			{ cwd: FIXTURE_ROOT, env: shellEnv(), stdio: 'pipe' },
		);
		let output = '';
		child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
		child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
		try {
			// Ready once it says it is watching (bounded by the test's timeout).
			await new Promise<void>((resolve, reject) => {
				child.on('exit', (code) => reject(new Error(`astro dev exited ${code}:\n${output}`)));
				const look = (): void => {
					if (output.includes('watching for file changes')) resolve();
				};
				child.stdout.on('data', look);
				child.stderr.on('data', look);
			});
			const base = `http://127.0.0.1:${port}`;
			const home = await (await fetch(`${base}/`)).text();
			expect(home, output).not.toContain('<title>Error</title>');
			expect(home, output).toMatch(/<a [^>]*href="\/chapters\/2-drafting\/"/);
			expect(home).toMatch(/data-status="draft"[^>]*>\s*Draft\s*</);
			const draft = await fetch(`${base}/chapters/2-drafting/`);
			expect(draft.status).toBe(200);
			expect(await draft.text()).toContain('its word is marmalade');
		} finally {
			child.kill('SIGTERM');
		}
	});
});
