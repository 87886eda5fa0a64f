// The checks every chapter page gets, whichever course it is in (registered per chapter by
// chapters.test.ts for the real course and course.test.ts for the fixture course): it loads and
// scrolls through without a console or page error, every `ch-*` element on it wakes (its custom
// element is defined once the reader has been past it), each contents link lands on its
// section, and axe finds nothing in either theme.
import { expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { axeViolations, collectErrors, newContext, type ContextOptions } from './harness.ts';

/** Scrolls the page a half screen at a time to the end (waking widgets), then back to the top. */
export async function scrollThrough(page: Page): Promise<void> {
	await page.evaluate(async () => {
		const frame = (): Promise<void> =>
			new Promise((resolve) => requestAnimationFrame(() => resolve()));
		for (let y = 0; y < document.documentElement.scrollHeight; y += innerHeight / 2) {
			window.scrollTo({ top: y, behavior: 'instant' });
			await frame();
			await frame();
		}
	});
}

/** Tags of `ch-*` elements on the page whose custom element is not defined. */
const asleep = (page: Page): Promise<string[]> =>
	page.evaluate(() => [
		...new Set(
			[...document.querySelectorAll('*')]
				.map((el) => el.localName)
				.filter((tag) => tag.startsWith('ch-') && customElements.get(tag) === undefined),
		),
	]);

/**
 * Waits for the scroll and layout to rest (unmoved for 300 ms of frames, at most 5 s), then
 * returns where the element with `id` sits in the viewport.
 */
export function restingRect(
	page: Page,
	id: string,
): Promise<{ top: number; bottom: number; height: number }> {
	return page.evaluate(
		(target) =>
			new Promise((resolve) => {
				const started = performance.now();
				let last = '';
				let since = started;
				const look = (): void => {
					const rect = document.getElementById(target)!.getBoundingClientRect();
					const now = performance.now();
					const key = `${scrollY}|${rect.top}`;
					if (key !== last) [last, since] = [key, now];
					if (now - since >= 300 || now - started > 5000)
						resolve({ top: rect.top, bottom: rect.bottom, height: innerHeight });
					else requestAnimationFrame(look);
				};
				requestAnimationFrame(look);
			}),
		id,
	);
}

export interface SmokeTarget {
	/** The site's origin, e.g. `http://127.0.0.1:40123` (read when the tests run). */
	url(): string;
	browser(): Browser;
}

/** Registers the smoke tests for the chapter page at `path` (e.g. `/chapters/1-first-steps/`). */
export function smokeTestChapter(target: SmokeTarget, path: string): void {
	const open = async (options: ContextOptions = {}) => {
		const context = await newContext(target.browser(), options);
		const page = await context.newPage();
		const errors = collectErrors(page);
		const response = await page.goto(target.url() + path);
		expect(response?.status(), `${path} is built`).toBe(200);
		return { context, page, errors };
	};

	it(`${path}: loads and scrolls through with no error, and every widget wakes`, async () => {
		const { context, page, errors } = await open({ width: 412, height: 823 });
		await scrollThrough(page);
		await page
			.waitForFunction(
				() =>
					[...document.querySelectorAll('*')].every(
						(el) => !el.localName.startsWith('ch-') || customElements.get(el.localName),
					),
				undefined,
				{ timeout: 10_000 },
			)
			.catch(() => undefined);
		expect(await asleep(page), 'ch-* elements still undefined after a scroll through').toEqual([]);
		await page.waitForLoadState('networkidle');
		expect(errors).toEqual([]);
		await context.close();
	});

	it(`${path}: each contents link lands on its section`, async () => {
		const { context, page, errors } = await open({ reducedMotion: 'reduce' });
		const links = page.getByRole('navigation', { name: 'On this page' }).getByRole('link');
		const hashes = await links.evaluateAll((els) =>
			els.map((el) => (el as HTMLAnchorElement).hash),
		);
		expect(hashes.length, 'the contents list the sections').toBeGreaterThan(0);
		for (const [i, hash] of [...hashes.entries()].reverse()) {
			await links.nth(i).click();
			expect(new URL(page.url()).hash).toBe(hash);
			const rest = await restingRect(page, decodeURIComponent(hash.slice(1)));
			expect.soft(rest.top, `${hash} top at rest`).toBeGreaterThanOrEqual(0);
			expect.soft(rest.bottom, `${hash} bottom at rest`).toBeLessThanOrEqual(rest.height);
		}
		expect(errors).toEqual([]);
		await context.close();
	});

	for (const colorScheme of ['light', 'dark'] as const) {
		it(`${path}: has no axe violations (${colorScheme})`, async () => {
			const { context, page } = await open({ colorScheme });
			await scrollThrough(page);
			await page.evaluate(() => window.scrollTo({ top: 0, behavior: 'instant' }));
			expect(await axeViolations(page)).toEqual([]);
			await context.close();
		});
	}
}
