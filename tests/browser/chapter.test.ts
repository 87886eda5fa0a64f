// The chapter page as a reader meets it in a real browser: its sections and call-outs in the
// MDX's order, links that land on their sections, a theme that sticks without a flash, a copy
// button that copies the listing's file, no errors, no axe violations, a page that reads with
// JavaScript off, fits a phone, is reachable from the home page, and prints without chrome.
import { readFileSync } from 'node:fs';
import GithubSlugger from 'github-slugger';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import {
	axeViolations,
	browserAvailable,
	frames,
	useChapterPages,
	type ContextOptions,
	type OpenedPage,
} from './harness.ts';

const CHAPTER = '/chapters/39-what-a-websocket-is/';
const MDX = readFileSync(
	new URL('../../content/chapters/39-what-a-websocket-is.mdx', import.meta.url),
	'utf8',
);
const LISTING = readFileSync(
	new URL('../../content/code/ch39/01_subscribe_message.py', import.meta.url),
	'utf8',
);

/** MDX typesets quotes and apostrophes; compare the words, not the glyphs. */
const plain = (text: string): string =>
	text
		.replace(/[\u2018\u2019]/g, "'")
		.replace(/[\u201c\u201d]/g, '"')
		.replace(/\s+/g, ' ')
		.trim();

/** The chapter's section headings (`## ...`), in the MDX's order. */
const SECTIONS = [...MDX.matchAll(/^## (.+)$/gm)].map((match) => plain(match[1]!));
/** The ids Astro gives the headings: github-slugger's, as Astro uses it. */
const slugger = new GithubSlugger();
const SLUGS = SECTIONS.map((section) => slugger.slug(section));
const FRONT_MATTER = parseYaml(/^---\n([\s\S]*?)\n---\n/.exec(MDX)![1]!) as {
	learn: { text: string; section: string }[];
	source: string;
};
/** The author's text, whose call-out labels the page must show. */
const SEED = readFileSync(new URL(`../../content/${FRONT_MATTER.source}`, import.meta.url), 'utf8')
	.split('\n')
	.map(plain);
/**
 * The call-outs in the MDX's order: their first four words, and their label as the author's text
 * gives it (the last non-blank line before the call-out's text there).
 */
const ASIDES = [...MDX.matchAll(/<Aside kind="[a-z-]+">\s*([\s\S]*?)<\/Aside>/g)].map((match) => {
	const firstWords = plain(match[1]!).split(' ').slice(0, 4).join(' ');
	const at = SEED.findIndex((line) => line.startsWith(firstWords));
	const label = SEED.slice(0, Math.max(at, 0)).findLast((line) => line !== '');
	if (at === -1 || label === undefined) throw new Error(`call-out not in the seed: ${firstWords}`);
	return { label, firstWords };
});
const LEARN = FRONT_MATTER.learn;

/** WCAG relative luminance of a computed `rgb()`/`rgba()` colour, 0 (black) to 1 (white). */
function luminance(colour: string): number {
	const [r, g, b] = (colour.match(/[\d.]+/g) ?? []).slice(0, 3).map((part) => {
		const c = Number(part) / 255;
		return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
	});
	return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}

describe.skipIf(!browserAvailable)('chapter page', () => {
	const pages = useChapterPages();
	/** Opens `path` on the site (default the chapter) in a fresh context. */
	const open = (options: ContextOptions = {}, path = CHAPTER): Promise<OpenedPage> =>
		pages.open(options, pages.site.url + path);

	/** Scrolls the whole page a half screen at a time, then waits for its widgets to come alive. */
	async function scrollThrough(page: Page): Promise<void> {
		await page.evaluate(async () => {
			const frame = (): Promise<void> =>
				new Promise((resolve) => requestAnimationFrame(() => resolve()));
			for (let y = 0; y < document.documentElement.scrollHeight; y += innerHeight / 2) {
				window.scrollTo({ top: y, behavior: 'instant' });
				await frame();
				await frame();
			}
		});
		await page.waitForFunction(
			() => document.querySelector('ch-pull-push')?.getAttribute('data-state') !== 'static',
		);
		await page.waitForFunction(
			() => document.querySelectorAll('ch-exercise[data-ready]').length === 3,
		);
		await page.evaluate(() => window.scrollTo({ top: 0, behavior: 'instant' }));
	}

	/**
	 * Waits for the scroll and the layout to come to rest (the page and the heading unmoved for
	 * 300 ms, at most 5 s), then asserts the heading with `id` lies wholly inside the viewport.
	 */
	async function expectLandedOn(page: Page, id: string): Promise<void> {
		const rest = await page.evaluate(
			(target) =>
				new Promise<{ top: number; bottom: number; height: number }>((resolve) => {
					const started = performance.now();
					let last = '';
					let since = started;
					const look = (): void => {
						const rect = document.getElementById(target)!.getBoundingClientRect();
						const now = performance.now();
						const key = `${scrollY}|${rect.top}`;
						if (key !== last) {
							last = key;
							since = now;
						}
						if (now - since >= 300 || now - started > 5000) {
							resolve({ top: rect.top, bottom: rect.bottom, height: innerHeight });
						} else requestAnimationFrame(look);
					};
					requestAnimationFrame(look);
				}),
			id,
		);
		expect
			.soft(rest.top, `#${id} top at rest (viewport ${rest.height} px)`)
			.toBeGreaterThanOrEqual(0);
		expect
			.soft(rest.bottom, `#${id} bottom at rest (viewport ${rest.height} px)`)
			.toBeLessThanOrEqual(rest.height);
	}

	/** Asserts that the contents mark the link to `id`, and only it, with aria-current. */
	async function expectMarked(page: Page, id: string): Promise<void> {
		const marked = (): Promise<string[]> =>
			page
				.locator('ch-toc a[aria-current="true"]')
				.evaluateAll((els) => els.map((el) => el.getAttribute('href') ?? ''));
		await page
			.waitForFunction(
				(target) =>
					document.querySelector(`ch-toc a[href="#${target}"]`)?.getAttribute('aria-current') ===
					'true',
				id,
				{ timeout: 2000 },
			)
			.catch(() => undefined);
		expect.soft(await marked(), `contents mark while reading #${id}`).toEqual([`#${id}`]);
	}

	it('shows the sections and the three call-outs in the order the chapter wrote them', async () => {
		expect(SECTIONS.length).toBeGreaterThanOrEqual(5);
		const { page, context } = await open();
		await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe(
			'What a WebSocket Is',
		);
		const headings = page.locator('.ch-prose h2');
		expect((await headings.allInnerTexts()).map(plain)).toEqual(SECTIONS);
		expect(await headings.evaluateAll((els) => els.map((el) => el.id))).toEqual(SLUGS);
		for (const heading of await headings.all())
			await expect(heading.isVisible()).resolves.toBe(true);

		const asides = page.locator('.ch-prose aside');
		expect(await asides.count()).toBe(3);
		for (const [i, expected] of ASIDES.entries()) {
			const aside = asides.nth(i);
			await expect(aside.isVisible()).resolves.toBe(true);
			await expect(aside.getAttribute('aria-label')).resolves.toBe(expected.label);
			await expect(
				aside
					.locator('.ch-aside__title')
					.textContent()
					.then((t) => plain(t ?? '')),
			).resolves.toBe(expected.label);
			const body = plain(await aside.locator('.ch-aside__body').innerText());
			expect(
				body.startsWith(expected.firstWords),
				`${expected.label}: "${body.slice(0, 40)}"`,
			).toBe(true);
		}
		// Each call-out sits in its section: Key idea under pull vs push, Did you know? under
		// "What a WebSocket is", Tip under "When do you actually need one?".
		const sectionOf = await asides.evaluateAll((els) =>
			els.map((el) => {
				let node: Element | null = el;
				while (node && node.tagName !== 'H2') node = node.previousElementSibling;
				return node?.id ?? null;
			}),
		);
		expect(sectionOf).toEqual([SLUGS[0], SLUGS[1], SLUGS[3]]);
		await context.close();
	});

	it("lands each What you'll learn link on its section", async () => {
		const { page, context } = await open();
		const learn = page.locator('.ch-learn a');
		expect((await learn.allInnerTexts()).map(plain)).toEqual(
			LEARN.map((point) => plain(point.text)),
		);
		for (const [i, point] of LEARN.entries()) {
			await page.evaluate(() => {
				history.replaceState(null, '', location.pathname);
				window.scrollTo({ top: 0, behavior: 'instant' });
			});
			await learn.nth(i).click();
			expect(new URL(page.url()).hash).toBe(`#${point.section}`);
			await expectLandedOn(page, point.section);
		}
		await context.close();
	});

	it('lands each contents link on its section, starting with the last one on a fresh page', async () => {
		const { page, context } = await open();
		await page.waitForFunction(() => customElements.get('ch-toc') !== undefined);
		const links = page.getByRole('navigation', { name: 'On this page' }).getByRole('link');
		expect((await links.allInnerTexts()).map(plain)).toEqual(SECTIONS);
		// Last first: a reader who opens the page and jumps straight to the Recap must land there
		// even though nothing below the fold has come alive yet.
		for (const i of [...SLUGS.keys()].reverse()) {
			await links.nth(i).click();
			expect(new URL(page.url()).hash).toBe(`#${SLUGS[i]}`);
			await expectLandedOn(page, SLUGS[i]!);
			await expectMarked(page, SLUGS[i]!);
		}
		await context.close();
	});

	it('marks the section being read in the contents as the reader scrolls', async () => {
		const { page, context } = await open();
		await page.waitForFunction(() => customElements.get('ch-toc') !== undefined);
		const toc = page.getByRole('navigation', { name: 'On this page' });
		await expect(toc.locator('a[aria-current="true"]').getAttribute('href')).resolves.toBe(
			`#${SLUGS[0]}`,
		);
		// Wheel down until a section in the middle has its heading at the top of the screen.
		const middle = SLUGS[Math.floor(SLUGS.length / 2)]!;
		const heading = page.locator(`#${middle}`);
		await page.mouse.move(400, 450);
		for (let step = 0; step < 80; step++) {
			if ((await heading.evaluate((el) => el.getBoundingClientRect().top)) <= 100) break;
			await page.mouse.wheel(0, 120);
			await frames(page, 2);
		}
		const top = await heading.evaluate((el) => el.getBoundingClientRect().top);
		expect(top).toBeGreaterThanOrEqual(-120);
		expect(top).toBeLessThanOrEqual(100);
		await expectMarked(page, middle);
		await context.close();
	});

	it('marks the section being read after a reload there and after jumps (reduced motion)', async () => {
		const { page, context } = await open({ reducedMotion: 'reduce' });
		await page.waitForFunction(() => customElements.get('ch-toc') !== undefined);
		// The EX 1 listing sits in "Subscribing to a stream", well below its heading, as when the
		// reader finds a word in it with the browser's find.
		const section = 'subscribing-to-a-stream';
		const jumpToListing = (): Promise<void> =>
			page
				.locator('figure.ch-listing')
				.first()
				.evaluate((el) => el.scrollIntoView({ block: 'start', behavior: 'instant' }));
		await jumpToListing();
		await frames(page, 5);
		const top = await page.locator(`#${section}`).evaluate((el) => el.getBoundingClientRect().top);
		expect(top).toBeLessThan(0);
		await page.reload();
		await page.waitForFunction(() => customElements.get('ch-toc') !== undefined);
		await expectMarked(page, section);
		// Home jumps back to the top without motion.
		await page.keyboard.press('Home');
		await page.waitForFunction(() => scrollY === 0);
		await expectMarked(page, SLUGS[0]!);
		await jumpToListing();
		await expectMarked(page, section);
		await context.close();
	});

	it('keeps a dark choice across a reload without a flash of light, and follows the system', async () => {
		const { page, context } = await open({ colorScheme: 'light' });
		const theme = page.getByRole('combobox', { name: 'Colour theme' });
		const bodyLuminance = (): Promise<number> =>
			page.evaluate(() => getComputedStyle(document.body).backgroundColor).then(luminance);
		await expect(theme.inputValue()).resolves.toBe('system');
		await expect(page.locator('html').getAttribute('data-theme')).resolves.toBe('light');
		expect(await bodyLuminance()).toBeGreaterThan(0.8);

		await theme.selectOption('dark');
		await expect(page.locator('html').getAttribute('data-theme')).resolves.toBe('dark');
		expect(await bodyLuminance()).toBeLessThan(0.05);

		// On reload, note data-theme as soon as <body> is parsed (before first paint) and at
		// DOMContentLoaded: both must already say dark.
		await page.addInitScript(() => {
			const seen: Record<string, string | null> = {};
			(window as unknown as { themeSeen: typeof seen }).themeSeen = seen;
			const observer = new MutationObserver(() => {
				if (document.body && !('body' in seen)) {
					seen.body = document.documentElement.getAttribute('data-theme');
					seen.bodyBackground = getComputedStyle(document.body).backgroundColor;
					observer.disconnect();
				}
			});
			observer.observe(document, { childList: true, subtree: true });
			document.addEventListener('DOMContentLoaded', () => {
				seen.domContentLoaded = document.documentElement.getAttribute('data-theme');
			});
		});
		await page.reload();
		const seen = await page.evaluate(
			() => (window as unknown as { themeSeen: Record<string, string> }).themeSeen,
		);
		expect(seen).toMatchObject({ body: 'dark', domContentLoaded: 'dark' });
		expect(luminance(seen.bodyBackground!)).toBeLessThan(0.05);
		await expect(page.locator('html').getAttribute('data-theme')).resolves.toBe('dark');
		expect(await bodyLuminance()).toBeLessThan(0.05);
		await expect(theme.inputValue()).resolves.toBe('dark');

		// "System" follows the operating system's preference, live and across a reload.
		await page.emulateMedia({ colorScheme: 'dark' });
		await theme.selectOption('system');
		await expect(page.locator('html').getAttribute('data-theme')).resolves.toBe('dark');
		expect(await bodyLuminance()).toBeLessThan(0.05);
		await page.emulateMedia({ colorScheme: 'light' });
		await page.waitForFunction(() => document.documentElement.dataset.theme === 'light');
		expect(await bodyLuminance()).toBeGreaterThan(0.8);
		await page.reload();
		await expect(page.locator('html').getAttribute('data-theme')).resolves.toBe('light');
		await expect(theme.inputValue()).resolves.toBe('system');
		await page.emulateMedia({ colorScheme: 'dark' });
		await page.reload();
		await expect(
			page.evaluate(() => (window as unknown as { themeSeen: Record<string, string> }).themeSeen),
		).resolves.toMatchObject({
			body: 'dark',
			domContentLoaded: 'dark',
		});
		expect(await bodyLuminance()).toBeLessThan(0.05);
		await context.close();
	});

	it('copies exactly the EX 1 file from the keyboard and says so politely', async () => {
		const { page, context, errors } = await pages.open({}, (ctx) =>
			ctx.grantPermissions(['clipboard-read', 'clipboard-write'], {
				origin: new URL(pages.site.url).origin,
			}),
		);
		await page.evaluate(() => navigator.clipboard.writeText('nothing yet'));

		const listing = page
			.locator('figure.ch-listing')
			.filter({ has: page.getByText('EX 1', { exact: true }) });
		await expect(listing.locator('.ch-listing__file').textContent()).resolves.toBe(
			'ch39/01_subscribe_message.py',
		);
		await expect(listing.getByRole('button', { name: 'Copy' }).isVisible()).resolves.toBe(true);
		const button = listing.locator('button.ch-copy');
		// Everything the polite live region says, kept as it happens (it clears itself after a while).
		const live = listing.locator('[aria-live="polite"]');
		await live.evaluate((region) => {
			const said: string[] = ((window as unknown as { said: string[] }).said = []);
			new MutationObserver(() => said.push(region.textContent ?? '')).observe(region, {
				childList: true,
				characterData: true,
				subtree: true,
			});
		});
		await button.focus();
		await page.keyboard.press('Enter');
		const said = await page
			.waitForFunction(() =>
				(window as unknown as { said: string[] }).said.find((text) => text !== ''),
			)
			.then((handle) => handle.jsonValue());
		expect(said).toMatch(/^Copied/);
		await expect(page.evaluate(() => navigator.clipboard.readText())).resolves.toBe(LISTING);
		// Focus stays on the button.
		await expect(button.evaluate((el) => el === document.activeElement)).resolves.toBe(true);
		expect(errors).toEqual([]);
		await context.close();
	});

	it('loads and scrolls from top to bottom without a console error or page error', async () => {
		const { page, context, errors } = await open();
		await scrollThrough(page);
		await page.evaluate(() =>
			window.scrollTo({ top: document.documentElement.scrollHeight, behavior: 'instant' }),
		);
		await page.waitForLoadState('networkidle');
		expect(errors).toEqual([]);
		await context.close();
	});

	it("fetches a widget's code only as the reader nears it, and the highlighter only on use", async () => {
		const { page, context, errors } = await open({ width: 412, height: 823 });
		await page.waitForLoadState('networkidle');
		const fetched = (): Promise<string[]> =>
			page.evaluate(() =>
				performance
					.getEntriesByType('resource')
					.map((entry) => new URL(entry.name).pathname.split('/').pop() ?? ''),
			);
		const lazy = [
			'subscribe-builder.client',
			'tick-stream.client',
			'exercise.client',
			'highlighter.client',
		];
		const loaded = (names: string[], module: string): boolean =>
			names.some((name) => name.startsWith(`${module}.`));
		const atTop = await fetched();
		for (const module of lazy) expect(loaded(atTop, module), `${module} at the top`).toBe(false);
		await expect
			.poll(() => page.locator('ch-tick-stream').getAttribute('data-state'))
			.toBe('static');

		await page.locator('ch-tick-stream').scrollIntoViewIfNeeded();
		await expect
			.poll(() => page.locator('ch-tick-stream').getAttribute('data-state'))
			.not.toBe('static');
		const nearStream = await fetched();
		expect(loaded(nearStream, 'tick-stream.client')).toBe(true);
		// The in-page highlighter waits until the reader first touches the builder.
		expect(loaded(nearStream, 'highlighter.client')).toBe(false);
		expect(loaded(nearStream, 'exercise.client')).toBe(false);

		expect(errors).toEqual([]);
		await context.close();
	});

	it("says so, and offers a reload, when a widget's code cannot be fetched", async () => {
		const { page, context } = await pages.open({ width: 360, height: 800 }, (ctx) =>
			ctx.route('**/exercise.client.*.js', (route) => route.abort('internetdisconnected')),
		);
		const set = page.locator('ch-exercises');
		await set.scrollIntoViewIfNeeded();
		const alert = set.getByRole('alert');
		await alert.waitFor();
		await expect(alert.textContent()).resolves.toMatch(/could not load/);
		await expect(alert.getByRole('button', { name: 'Reload the page' }).isVisible()).resolves.toBe(
			true,
		);
		// The rest of the page carries on: the diagram above still comes alive. A widget the reader
		// went past loads when the page is idle, which may be after the alert, so wait for it.
		await expect
			.poll(() => page.locator('ch-pull-push').getAttribute('data-state'))
			.not.toBe('static');
		expect(await axeViolations(page, 'ch-exercises')).toEqual([]);
		await context.close();
	});

	it('brings widgets a jump went past to life, so Home still reaches the top', async () => {
		const { page, context, errors } = await open({ width: 412, height: 823 });
		await page.waitForLoadState('networkidle');
		// Straight from the top to the last section, over the builder and the stream.
		await page
			.locator(`#${SLUGS.at(-1)!}`)
			.evaluate((el) => el.scrollIntoView({ block: 'start', behavior: 'instant' }));
		for (const widget of ['ch-subscribe-builder', 'ch-tick-stream']) {
			await expect
				.poll(() => page.locator(widget).getAttribute('data-state'), { message: widget })
				.not.toBe('static');
		}
		await page.keyboard.press('Home');
		await page.waitForFunction(() => scrollY === 0);
		expect(errors).toEqual([]);
		await context.close();
	});

	for (const colorScheme of ['light', 'dark'] as const) {
		it(`has no axe violations on the whole chapter page (${colorScheme})`, async () => {
			const { page, context } = await open({ colorScheme });
			await expect(page.locator('html').getAttribute('data-theme')).resolves.toBe(colorScheme);
			await scrollThrough(page);
			expect(await axeViolations(page)).toEqual([]);
			await context.close();
		});
	}

	it('has no axe violations on the home page', async () => {
		const { page, context } = await open({}, '/');
		expect(await axeViolations(page)).toEqual([]);
		await context.close();
	});

	it('reads in full with JavaScript off: headings, the listing, the call-outs and the figure', async () => {
		const { page, context } = await open({ javaScriptEnabled: false });
		for (const text of SECTIONS) {
			await expect(page.getByRole('heading', { level: 2, name: text }).isVisible()).resolves.toBe(
				true,
			);
		}
		const code = page.locator('figure.ch-listing pre.astro-code').first();
		await expect(code.isVisible()).resolves.toBe(true);
		expect(await code.innerText()).toBe(LISTING.replace(/\n$/, ''));
		// The copy button needs JavaScript, so it is not offered.
		await expect(page.locator('figure.ch-listing button').first().isVisible()).resolves.toBe(false);
		for (const aside of ASIDES) {
			const region = page.getByRole('complementary', { name: aside.label });
			await expect(region.isVisible()).resolves.toBe(true);
			expect(plain(await region.innerText())).toContain(aside.firstWords);
		}
		const figure = page.locator('ch-pull-push figure');
		await expect(figure.isVisible()).resolves.toBe(true);
		for (const title of ['Polling — ask over and over', 'WebSocket — one open stream']) {
			const drawing = figure.getByRole('img', { name: new RegExp(`^${title}`) });
			await expect(drawing.isVisible()).resolves.toBe(true);
			await expect(drawing.locator('title').textContent()).resolves.toBe(title);
			const box = await drawing.boundingBox();
			expect(box?.width).toBeGreaterThan(100);
		}
		await expect(figure.locator('figcaption').isVisible()).resolves.toBe(true);
		await context.close();
	});

	it('puts the contents where they end up before the chapter text has arrived (no shift)', async () => {
		// The first bytes of the page stop right after the contents, as a slow network delivers
		// them: what paints then must not move when the rest arrives.
		const { page, context } = await open({ width: 1280, height: 800 });
		const box = async (): Promise<{ x: number; width: number }> => {
			const rect = await page.locator('.ch-toc').boundingBox();
			return { x: Math.round(rect!.x), width: Math.round(rect!.width) };
		};
		const settled = await box();
		const chapterUrl = pages.site.url + CHAPTER;
		const html = await (await page.request.get(chapterUrl)).text();
		const cut = html.indexOf('<main');
		expect(cut).toBeGreaterThan(0);
		await page.route(chapterUrl, (route) =>
			route.fulfill({ contentType: 'text/html', body: html.slice(0, cut) }),
		);
		await page.goto(chapterUrl);
		expect(await box()).toEqual(settled);
		await context.close();
	});

	for (const [width, colorScheme] of [
		[360, 'light'],
		[360, 'dark'],
		[1280, 'light'],
	] as const) {
		it(`does not scroll sideways at ${width} px (${colorScheme})`, async () => {
			const { page, context } = await open({ width, height: 800, colorScheme });
			const overflow = (): Promise<{ scrollWidth: number; clientWidth: number; wide: string[] }> =>
				page.evaluate(() => {
					const root = document.documentElement;
					const wide = [...document.querySelectorAll('body *')]
						.filter((el) => {
							const rect = el.getBoundingClientRect();
							return rect.width > 0 && rect.right > root.clientWidth + 0.5;
						})
						.map(
							(el) =>
								`${el.tagName.toLowerCase()}${el.className ? '.' + String(el.className).split(' ')[0] : ''}`,
						)
						.slice(0, 5);
					return { scrollWidth: root.scrollWidth, clientWidth: root.clientWidth, wide };
				});
			const before = await overflow();
			expect(before.scrollWidth, `too wide: ${before.wide.join(', ')}`).toBeLessThanOrEqual(
				before.clientWidth,
			);
			// And once the widgets have come alive.
			await scrollThrough(page);
			const after = await overflow();
			expect(after.scrollWidth, `too wide: ${after.wide.join(', ')}`).toBeLessThanOrEqual(
				after.clientWidth,
			);
			await context.close();
		});
	}

	it('is listed on the home page with a link that opens it', async () => {
		const { page, context, errors } = await open({}, '/');
		const link = page.getByRole('link', { name: /Chapter 39\s*What a WebSocket Is/ });
		await expect(link.count()).resolves.toBe(1);
		await expect(link.isVisible()).resolves.toBe(true);
		await expect(link.getAttribute('href')).resolves.toBe(CHAPTER);
		const [response] = await Promise.all([
			page.waitForEvent('response', (r) => r.url().endsWith(CHAPTER)),
			link.click(),
		]);
		expect(response.status()).toBe(200);
		await page.waitForURL(pages.site.url + CHAPTER);
		await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe(
			'What a WebSocket Is',
		);
		expect(errors).toEqual([]);
		await context.close();
	});

	it('prints without the theme switch, the contents or the copy button', async () => {
		const { page, context } = await open();
		const chrome = {
			theme: page.getByRole('combobox', { name: 'Colour theme' }),
			header: page.locator('.ch-site-header'),
			contents: page.getByRole('navigation', { name: 'On this page' }),
			sidebar: page.locator('.ch-page__toc'),
			copy: page.locator('.ch-copy'),
		};
		for (const [name, locator] of Object.entries(chrome)) {
			await expect(locator.first().isVisible(), `${name} on screen`).resolves.toBe(true);
		}
		await page.emulateMedia({ media: 'print' });
		for (const [name, locator] of Object.entries(chrome)) {
			await expect(locator.first().isVisible(), `${name} in print`).resolves.toBe(false);
		}
		await expect(page.locator('.ch-skip').isVisible()).resolves.toBe(false);
		await expect(page.locator('.ch-pager').isVisible()).resolves.toBe(false);
		// The chapter itself still prints, black on white.
		await expect(page.getByRole('heading', { level: 1 }).isVisible()).resolves.toBe(true);
		for (const text of SECTIONS) {
			await expect(page.getByRole('heading', { level: 2, name: text }).isVisible()).resolves.toBe(
				true,
			);
		}
		await expect(
			page.locator('figure.ch-listing pre.astro-code').first().isVisible(),
		).resolves.toBe(true);
		const colours = await page.evaluate(() => {
			const style = getComputedStyle(document.body);
			return { background: style.backgroundColor, color: style.color };
		});
		expect(colours).toEqual({ background: 'rgb(255, 255, 255)', color: 'rgb(0, 0, 0)' });
		await context.close();
	});
});
