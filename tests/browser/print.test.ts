// The chapter on paper and the theme behind it, in Chromium: under print media nothing to press
// shows, the author's static figure stands where the live diagram was, the builder prints EX 1's
// message, the live stream a one-line note, and every text is dark on white even when the reader
// chose the dark theme; Chromium's own PDF output agrees. The theme switch cleans up after itself.
import { describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { THEME_STORAGE_KEY } from '../../src/lib/constants.ts';
import { browserAvailable, useChapterPages } from './harness.ts';

const WIDGETS = ['ch-pull-push', 'ch-subscribe-builder', 'ch-tick-stream', 'ch-exercises'];

describe.skipIf(!browserAvailable)('the chapter in print, and its theme', () => {
	const pages = useChapterPages();
	const open = pages.open;

	/** Scrolls past every widget so each has woken up, as on a page a reader has read through. */
	async function wakeAll(page: Page): Promise<void> {
		for (const selector of WIDGETS) await page.locator(selector).first().scrollIntoViewIfNeeded();
		await page.waitForSelector('ch-subscribe-builder[data-state="live"]');
		await page.waitForSelector('ch-pull-push:not([data-state="static"])');
		await page.waitForFunction(
			() => document.querySelectorAll('ch-exercise[data-ready]').length === 3,
		);
	}

	const darkChoice = (context: BrowserContext) =>
		context.addInitScript((key) => localStorage.setItem(key, 'dark'), THEME_STORAGE_KEY);

	it('prints nothing to press, the static figure for the diagram and EX 1 for the builder', async () => {
		const { page, errors } = await open({ colorScheme: 'dark' }, darkChoice);
		await wakeAll(page);
		const controls =
			'button, input, select, textarea, output, [role="tab"], [role="slider"], [contenteditable]';
		// On screen the live parts are there to use.
		expect(
			await page
				.locator(controls)
				.evaluateAll((all) => all.filter((el) => el.checkVisibility()).length),
		).toBeGreaterThan(20);

		await page.emulateMedia({ media: 'print' });
		const visible = await page
			.locator(controls)
			.evaluateAll((all) =>
				all.filter((el) => el.checkVisibility()).map((el) => el.outerHTML.slice(0, 80)),
			);
		expect(visible).toEqual([]);

		// The diagram: the author's static figure and its caption, not the live lanes.
		const diagram = page.locator('ch-pull-push');
		await expect(diagram.locator('.ch-pull-push__static').isVisible()).resolves.toBe(true);
		await expect(diagram.locator('figcaption').isVisible()).resolves.toBe(true);
		await expect(diagram.locator('.pp-live').isVisible()).resolves.toBe(false);
		await expect(diagram.locator('.ch-pull-push__static').textContent()).resolves.toContain(
			'1313.60',
		);

		// The builder: a note and EX 1's message, as written.
		const builder = page.locator('ch-subscribe-builder');
		const printed = builder.locator('.sb-print');
		await expect(printed.isVisible()).resolves.toBe(true);
		await expect(printed.locator('.ch-print-note').textContent()).resolves.toMatch(
			/^\s*Live part:/,
		);
		expect(JSON.parse((await printed.locator('pre').textContent()) ?? '')).toEqual({
			action: 'subscribe',
			mode: 'ltp',
			symbols: [
				{ symbol: 'RELIANCE', exchange: 'NSE' },
				{ symbol: 'TCS', exchange: 'NSE' },
			],
		});
		await expect(builder.locator('.sb-main').isVisible()).resolves.toBe(false);
		await expect(builder.locator('.sb-views').isVisible()).resolves.toBe(false);

		// EX 1 and on_tick as listings.
		await expect(page.locator('figure.ch-listing pre').first().isVisible()).resolves.toBe(true);
		await expect(
			page.locator('pre', { hasText: 'def on_tick(tick):' }).first().isVisible(),
		).resolves.toBe(true);

		// The stream: its title and a one-line note; no table, log or console.
		const stream = page.locator('ch-tick-stream');
		await expect(stream.locator('h3').isVisible()).resolves.toBe(true);
		await expect(stream.locator('table').isVisible()).resolves.toBe(false);
		await expect(stream.locator('[data-part="log"]').isVisible()).resolves.toBe(false);
		await expect(stream.evaluate((el) => getComputedStyle(el, '::after').content)).resolves.toMatch(
			/Live part/,
		);

		// The exercises: their prompts, no answer forms or progress.
		const prompts = await page
			.locator('ch-exercise .ex-prompt')
			.evaluateAll((all) => all.filter((el) => el.checkVisibility()).length);
		expect(prompts).toBe(3);
		await expect(page.locator('ch-exercises .ex-progress').isVisible()).resolves.toBe(false);
		expect(errors).toEqual([]);
	});

	it('prints every text dark on white, though the reader chose the dark theme', async () => {
		const { page } = await open({ colorScheme: 'dark' }, darkChoice);
		await wakeAll(page);
		await expect(page.evaluate(() => document.documentElement.dataset.theme)).resolves.toBe('dark');
		await page.emulateMedia({ media: 'print' });
		const result = await page.evaluate(() => {
			const channel = (c: number): number => {
				const s = c / 255;
				return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
			};
			const luminance = (css: string): number => {
				const [r, g, b] = (css.match(/[\d.]+/g) ?? []).map(Number);
				return 0.2126 * channel(r!) + 0.7152 * channel(g!) + 0.0722 * channel(b!);
			};
			const faint: string[] = [];
			for (const el of document.body.querySelectorAll<HTMLElement>('*')) {
				const ownText = [...el.childNodes].some(
					(node) => node.nodeType === Node.TEXT_NODE && node.textContent!.trim() !== '',
				);
				if (!ownText || !el.checkVisibility()) continue;
				const contrast = 1.05 / (luminance(getComputedStyle(el).color) + 0.05);
				if (contrast < 4.5)
					faint.push(`${el.tagName.toLowerCase()}.${el.className}: ${getComputedStyle(el).color}`);
			}
			return {
				body: getComputedStyle(document.body).backgroundColor,
				scheme: getComputedStyle(document.documentElement).colorScheme,
				faint,
			};
		});
		expect(result).toEqual({ body: 'rgb(255, 255, 255)', scheme: 'light', faint: [] });
	});

	it('gives a PDF in Chromium whose pages hold the chapter, not its controls', async () => {
		const { page } = await open({ colorScheme: 'dark' }, darkChoice);
		await wakeAll(page);
		const pdf = await page.pdf({ format: 'A4', printBackground: true });
		const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page(?!s)/g) ?? []).length;
		// The live page printed 8 pages of controls and empty panels; the chapter's words fit in fewer.
		expect(pages).toBeGreaterThan(3);
		expect(pages).toBeLessThan(8);
	});

	it('removes the theme switch’s system-scheme listener when it leaves the page', async () => {
		const { page, errors } = await open({}, (context) =>
			context.addInitScript(() => {
				// Counts the "change" listeners live on any MediaQueryList.
				const live = new Set<unknown>();
				(window as unknown as { mediaListeners: () => number }).mediaListeners = () => live.size;
				const add = MediaQueryList.prototype.addEventListener;
				const remove = MediaQueryList.prototype.removeEventListener;
				MediaQueryList.prototype.addEventListener = function (
					this: MediaQueryList,
					type: string,
					listener: EventListenerOrEventListenerObject,
					options?: boolean | AddEventListenerOptions,
				) {
					if (type === 'change') live.add(listener);
					add.call(this, type, listener, options);
				};
				MediaQueryList.prototype.removeEventListener = function (
					this: MediaQueryList,
					type: string,
					listener: EventListenerOrEventListenerObject,
					options?: boolean | EventListenerOptions,
				) {
					if (type === 'change') live.delete(listener);
					remove.call(this, type, listener, options);
				};
			}),
		);
		await page.waitForFunction(() => customElements.get('ch-theme-select') !== undefined);
		const count = () =>
			page.evaluate(() => (window as unknown as { mediaListeners: () => number }).mediaListeners());
		const before = await count();
		// Moved five times (as a layout change or a view transition might), then taken out.
		await page.evaluate(() => {
			const select = document.querySelector('ch-theme-select')!;
			const home = select.parentElement!;
			for (let i = 0; i < 5; i++) {
				document.body.append(select);
				home.append(select);
			}
		});
		expect(await count()).toBe(before);
		await page.evaluate(() => document.querySelector('ch-theme-select')!.remove());
		expect(await count()).toBe(before - 1);
		expect(errors).toEqual([]);
	});
});
