// The "Try it yourself" exercises in a real browser: each one answers and checks, answers
// survive a reload, reset clears them (with undo), a corrupt saved value does not break the
// page, the keyboard alone is enough, axe finds nothing, and without JavaScript the prompts
// read exactly as the chapter's bullets.
import { describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import {
	axeViolations,
	browserAvailable,
	holdRequests,
	useChapterPages,
	type ContextOptions,
	type OpenedPage,
} from './harness.ts';

const KEY = 'ch39:exercises:v1';
const SEED_PROMPTS = [
	'A strategy checks the price once a minute. Does it need a WebSocket, or is polling fine? Why?',
	"Roughly how many requests would polling every second for 8 hours make? (That's the waste a WebSocket avoids.)",
	"In your own words, what's the difference between your code asking and the server telling?",
];
/** MDX typesets apostrophes; the words are the seed's. */
const plain = (text: string): string =>
	text
		.replace(/[\u2018\u2019]/g, "'")
		.replace(/\s+/g, ' ')
		.trim();

describe.skipIf(!browserAvailable)('Try it yourself exercises', () => {
	const pages = useChapterPages();

	async function ready(page: Page): Promise<void> {
		await page.locator('ch-exercises').scrollIntoViewIfNeeded();
		await page.waitForFunction(
			() => document.querySelectorAll('ch-exercise[data-ready]').length === 3,
		);
	}

	/** Opens the chapter in a fresh context (after `before`) and waits for the three exercises. */
	async function open(
		options: ContextOptions = {},
		before?: (context: BrowserContext) => Promise<unknown>,
	): Promise<OpenedPage> {
		const opened = await pages.open(options, before);
		await ready(opened.page);
		return opened;
	}

	const exercise = (page: Page, id: string) => page.locator(`ch-exercise[data-id="${id}"]`);
	const progress = (page: Page) =>
		page.locator('ch-exercises [data-part="progress-text"]').textContent();

	async function answerAll(page: Page): Promise<void> {
		const a = exercise(page, 'ch39-a');
		await a.getByLabel('Polling is fine').check();
		await a.getByLabel(/Why\?/).fill('Once a minute is slow enough to ask.');
		await a.getByRole('button', { name: 'Check' }).click();
		const b = exercise(page, 'ch39-b');
		await b.getByLabel('Your answer').fill('about 28,800 requests');
		await b.getByRole('button', { name: 'Check' }).click();
		const c = exercise(page, 'ch39-c');
		await c
			.getByLabel('Your answer')
			.fill('Asking is my code polling; telling is the server pushing.');
		await c.getByRole('button', { name: 'Compare with the model answer' }).click();
		await c.getByLabel('The server sends the instant a price changes').check();
	}

	it('checks each answer, shows the model answer and working, and counts progress', async () => {
		const { page, errors, context } = await open();
		await expect(progress(page)).resolves.toBe('0 of 3 done');

		const a = exercise(page, 'ch39-a');
		await expect(a.getByText('Model answer', { exact: true }).isVisible()).resolves.toBe(false);
		await a.getByLabel('Needs a WebSocket').check();
		await a.getByRole('button', { name: 'Check' }).click();
		await expect(a.getByRole('status').textContent()).resolves.toMatch(/^Not quite/);
		await expect(a.getByText('Model answer', { exact: true }).isVisible()).resolves.toBe(true);
		await expect(progress(page)).resolves.toBe('0 of 3 done');
		await a.getByLabel('Polling is fine').check();
		await a.getByRole('button', { name: 'Check' }).click();
		await expect(a.getByRole('status').textContent()).resolves.toMatch(/^Right: Polling is fine/);
		await expect(progress(page)).resolves.toBe('1 of 3 done');

		const b = exercise(page, 'ch39-b');
		const input = b.getByLabel('Your answer');
		// The calculator would give the sum away: it opens only after a first attempt.
		await expect(b.getByRole('group', { name: /Calculator/ }).isVisible()).resolves.toBe(false);
		await expect(b.getByText(/Work it out first/).isVisible()).resolves.toBe(true);
		await expect(
			b
				.getByText(/28,800/)
				.filter({ visible: true })
				.count(),
		).resolves.toBe(0);
		await input.fill('480');
		await b.getByRole('button', { name: 'Check' }).click();
		await expect(b.getByRole('status').first().textContent()).resolves.toMatch(/factor of 60/);
		await expect(
			b.getByText('8 hours × 60 minutes × 60 seconds = 28,800 requests').isVisible(),
		).resolves.toBe(true);
		for (const form of ['28800', '28,800', '28 800', '28.8k', '2.88e4', 'about 28,800 requests']) {
			await input.fill(form);
			await input.press('Enter');
			await expect(b.locator('[data-part="feedback"]').textContent()).resolves.toBe(
				'Correct: 28,800.',
			);
		}
		await expect(progress(page)).resolves.toBe('2 of 3 done');

		// The calculator beside it: interval and hours to requests and bytes.
		await expect(b.locator('[data-part="calc-out"]').textContent()).resolves.toMatch(
			/^Polling: 28,800 requests, about 23 MB\. One WebSocket: 1 handshake and 2,880 pushed prices, about 346 KB/,
		);
		await b.getByLabel('Poll every (seconds)').fill('5');
		await expect(b.locator('[data-part="calc-out"]').textContent()).resolves.toMatch(
			/^Polling: 5,760 requests/,
		);

		const c = exercise(page, 'ch39-c');
		await c.getByRole('button', { name: 'Compare with the model answer' }).click();
		await expect(c.getByRole('status').textContent()).resolves.toMatch(/Write your answer first/);
		await c.getByLabel('Your answer').fill('Asking pulls, telling pushes.');
		await c.getByRole('button', { name: 'Compare with the model answer' }).click();
		expect(await c.getByRole('checkbox').count()).toBe(4);
		await expect(progress(page)).resolves.toBe('3 of 3 done');
		expect(errors).toEqual([]);
		await context.close();
	});

	it('refuses a negative count and takes a rough answer as right, then shows the exact figure', async () => {
		const { page, errors, context } = await open();
		const b = exercise(page, 'ch39-b');
		const input = b.getByLabel('Your answer');
		const feedback = b.locator('[data-part="feedback"]');
		await input.fill('-28800');
		await input.press('Enter');
		await expect(feedback.textContent()).resolves.toMatch(/cannot be negative/);
		await expect(feedback.getAttribute('data-tone')).resolves.toBe('bad');
		await expect(progress(page)).resolves.toBe('0 of 3 done');
		for (const rough of ['28,000', 'about 29,500', '30000']) {
			await input.fill(rough);
			await expect(feedback.textContent()).resolves.toBe(
				'Changed since your last check: press Check again.',
			);
			await input.press('Enter');
			await expect(feedback.textContent()).resolves.toMatch(
				/^Right, roughly: [\d,]+ is within 5%\. The exact figure is 28,800\.$/,
			);
			await expect(progress(page)).resolves.toBe('1 of 3 done');
		}
		// More than 5% out is close, not right.
		await input.fill('31,000');
		await input.press('Enter');
		await expect(feedback.textContent()).resolves.toMatch(/^Close, but more than 5% out/);
		await expect(progress(page)).resolves.toBe('0 of 3 done');
		expect(errors).toEqual([]);
		await context.close();
	});

	it('keeps the calculator to sensible inputs and writes its figures as a reader reads them', async () => {
		const { page, errors, context } = await open();
		const b = exercise(page, 'ch39-b');
		await b.getByLabel('Your answer').fill('1');
		await b.getByRole('button', { name: 'Check' }).click();
		const out = b.locator('[data-part="calc-out"]');
		const interval = b.getByLabel('Poll every (seconds)');
		const hours = b.getByLabel('For (hours)');
		const tick = b.getByLabel('Price changes every (seconds)');
		await expect(interval.getAttribute('max')).resolves.toBe('3600');
		await expect(hours.getAttribute('max')).resolves.toBe('24');
		// What produced 3.6e+21 requests and 2880000000000 TB: told the range, no figures.
		await interval.fill('0.000000000001');
		await hours.fill('1000000');
		await expect(out.textContent()).resolves.toBe(
			'Poll every: enter a number from 0.1 to 3,600 seconds.',
		);
		await interval.fill('1');
		await expect(out.textContent()).resolves.toBe('For: enter a number from 0.1 to 24 hours.');
		// The widest ratio the ranges allow, written with separators and two figures.
		await interval.fill('0.1');
		await hours.fill('24');
		await tick.fill('3600');
		const text = (await out.textContent()) ?? '';
		expect(text).toBe(
			'Polling: 864,000 requests, about 691 MB. One WebSocket: 1 handshake and 24 pushed prices, about 3.6 KB (about 190,000 times less data).',
		);
		expect(text).not.toMatch(/e\+|\d{5,}/);
		expect(errors).toEqual([]);
		await context.close();
	});

	it('works out each verdict again from the saved answers, never from a saved verdict', async () => {
		const forged = JSON.stringify({
			version: 1,
			value: {
				'ch39-a': { choice: 'Needs a WebSocket', checked: true, correct: true, attempts: 1 },
				'ch39-b': { text: '5000', checked: true, correct: true, attempts: 1 },
				'ch39-c': { text: 'Asking pulls, telling pushes.', checked: true, correct: true },
			},
		});
		const { page, errors, context } = await open({}, (ctx) =>
			ctx.addInitScript(([key, value]) => localStorage.setItem(key, value), [KEY, forged]),
		);
		await expect(progress(page)).resolves.toBe('1 of 3 done');
		await expect(
			exercise(page, 'ch39-a').locator('[data-part="feedback"]').textContent(),
		).resolves.toMatch(/^Not quite/);
		await expect(
			exercise(page, 'ch39-b').locator('[data-part="feedback"]').textContent(),
		).resolves.toMatch(/too small/);
		expect(errors).toEqual([]);
		await context.close();
	});

	for (const width of [360, 1280]) {
		it(`lays the forms out before they come alive and keeps what was typed meanwhile (${width} px)`, async () => {
			// Hold the exercises' code back, as a slow network would, while the reader is already there.
			let release!: () => void;
			const { page, errors, context } = await pages.open(
				{ width, height: 800 },
				async (ctx) => (release = await holdRequests(ctx, '**/exercise.client.*.js')),
			);
			const set = page.locator('ch-exercises');
			await set.scrollIntoViewIfNeeded();
			const before = (await set.boundingBox())!.height;
			await exercise(page, 'ch39-a').getByLabel('Needs a WebSocket').check();
			await exercise(page, 'ch39-b').getByLabel('Your answer').fill('28800');
			expect(await page.locator('ch-exercise[data-ready]').count()).toBe(0);
			expect(await axeViolations(page, 'ch-exercises')).toEqual([]);

			release();
			await page.waitForFunction(
				() => document.querySelectorAll('ch-exercise[data-ready]').length === 3,
			);
			expect(Math.abs((await set.boundingBox())!.height - before)).toBeLessThanOrEqual(2);
			await expect(
				exercise(page, 'ch39-a').getByLabel('Needs a WebSocket').isChecked(),
			).resolves.toBe(true);
			await expect(exercise(page, 'ch39-b').getByLabel('Your answer').inputValue()).resolves.toBe(
				'28800',
			);
			await exercise(page, 'ch39-b').getByRole('button', { name: 'Check' }).click();
			await expect(progress(page)).resolves.toBe('1 of 3 done');
			expect(await page.evaluate((key) => localStorage.getItem(key), KEY)).toContain('28800');
			expect(errors).toEqual([]);
			await context.close();
		});
	}

	it('keeps answers and checks across a reload, and resets them with undo', async () => {
		const { page, context } = await open();
		await answerAll(page);
		await expect(progress(page)).resolves.toBe('3 of 3 done');
		await page.reload();
		await ready(page);
		await expect(progress(page)).resolves.toBe('3 of 3 done');
		await expect(exercise(page, 'ch39-a').getByLabel('Polling is fine').isChecked()).resolves.toBe(
			true,
		);
		await expect(exercise(page, 'ch39-a').getByLabel(/Why\?/).inputValue()).resolves.toBe(
			'Once a minute is slow enough to ask.',
		);
		await expect(exercise(page, 'ch39-b').getByLabel('Your answer').inputValue()).resolves.toBe(
			'about 28,800 requests',
		);
		await expect(
			exercise(page, 'ch39-b').locator('[data-part="feedback"]').textContent(),
		).resolves.toBe('Correct: 28,800.');
		await expect(
			exercise(page, 'ch39-b')
				.getByRole('group', { name: /Calculator/ })
				.isVisible(),
		).resolves.toBe(true);
		await expect(
			exercise(page, 'ch39-c')
				.getByLabel('The server sends the instant a price changes')
				.isChecked(),
		).resolves.toBe(true);
		await expect(
			exercise(page, 'ch39-c').getByText('Model answer', { exact: true }).isVisible(),
		).resolves.toBe(true);

		await page.getByRole('button', { name: 'Reset answers' }).click();
		await expect(progress(page)).resolves.toBe('0 of 3 done');
		await expect(exercise(page, 'ch39-b').getByLabel('Your answer').inputValue()).resolves.toBe('');
		await expect(
			exercise(page, 'ch39-b')
				.getByRole('group', { name: /Calculator/ })
				.isVisible(),
		).resolves.toBe(false);
		await expect(
			exercise(page, 'ch39-c').getByText('Model answer', { exact: true }).isVisible(),
		).resolves.toBe(false);
		await page.getByRole('button', { name: 'Undo' }).click();
		await expect(progress(page)).resolves.toBe('3 of 3 done');
		await expect(exercise(page, 'ch39-b').getByLabel('Your answer').inputValue()).resolves.toBe(
			'about 28,800 requests',
		);

		await page.getByRole('button', { name: 'Reset answers' }).click();
		await page.reload();
		await ready(page);
		await expect(progress(page)).resolves.toBe('0 of 3 done');
		await expect(page.evaluate((key) => localStorage.getItem(key), KEY)).resolves.toBeNull();
		await context.close();
	});

	it('survives a corrupt saved value and a storage that refuses writes', async () => {
		for (const raw of [
			'{not json',
			'{"version":1,"value":[1,2]}',
			'{"version":7,"value":{}}',
			'"x"',
		]) {
			const { page, errors, context } = await open({}, (ctx) =>
				ctx.addInitScript(([key, value]) => localStorage.setItem(key, value), [KEY, raw]),
			);
			await expect(progress(page)).resolves.toBe('0 of 3 done');
			await answerAll(page);
			await expect(progress(page)).resolves.toBe('3 of 3 done');
			const stored = JSON.parse(
				(await page.evaluate((key) => localStorage.getItem(key), KEY)) ?? 'null',
			);
			expect(stored.version).toBe(1);
			expect(stored.value['ch39-b']).toMatchObject({
				text: 'about 28,800 requests',
				checked: true,
			});
			// Answers are stored, verdicts never: they are worked out again on every load.
			expect(stored.value['ch39-b']).not.toHaveProperty('correct');
			expect(errors).toEqual([]);
			await context.close();
		}
		const { page, errors, context } = await open({}, (ctx) =>
			ctx.addInitScript(() => {
				Storage.prototype.setItem = () => {
					throw new DOMException('full', 'QuotaExceededError');
				};
			}),
		);
		await answerAll(page);
		await expect(progress(page)).resolves.toBe('3 of 3 done');
		await expect(page.locator('ch-exercises [data-part="status"]').textContent()).resolves.toMatch(
			/can't be saved/,
		);
		expect(errors).toEqual([]);
		await context.close();
	});

	it('works from the keyboard alone', async () => {
		const { page, context } = await open();
		const a = exercise(page, 'ch39-a');
		await page.getByRole('button', { name: 'Reset answers' }).focus();
		await page.keyboard.press('Tab'); // first radio
		await page.keyboard.press('Space');
		await expect(a.getByLabel('Polling is fine').isChecked()).resolves.toBe(true);
		await page.keyboard.press('Tab');
		await page.keyboard.type('One request a minute is nothing.');
		await page.keyboard.press('Tab');
		await page.keyboard.press('Enter');
		await expect(a.getByRole('status').textContent()).resolves.toMatch(/^Right/);
		await page.keyboard.press('Tab'); // number answer
		await page.keyboard.type('28.8k');
		await page.keyboard.press('Enter');
		await expect(
			exercise(page, 'ch39-b').locator('[data-part="feedback"]').textContent(),
		).resolves.toBe('Correct: 28,800.');
		const ring = await page.evaluate(
			() => getComputedStyle(document.activeElement as Element).outlineStyle,
		);
		expect(ring).toBe('solid');
		await expect(progress(page)).resolves.toBe('2 of 3 done');
		await context.close();
	});

	for (const colorScheme of ['light', 'dark'] as const) {
		it(`has no axe violations (${colorScheme}, empty and answered)`, async () => {
			const { page, context } = await open({ colorScheme });
			expect(await axeViolations(page, 'ch-exercises')).toEqual([]);
			await answerAll(page);
			await exercise(page, 'ch39-b').getByLabel('Your answer').fill('480');
			await exercise(page, 'ch39-b').getByRole('button', { name: 'Check' }).click();
			expect(await axeViolations(page, 'ch-exercises')).toEqual([]);
			await context.close();
		});
	}

	it('reads as the chapter wrote it with JavaScript off', async () => {
		const { page, context } = await pages.open({ javaScriptEnabled: false });
		const section = page.locator('h2#try-it-yourself ~ *');
		await expect(page.locator('h2#try-it-yourself + p').textContent()).resolves.toBe(
			'No code to run today - just reason it through:',
		);
		const items = await page.locator('ch-exercises li').allInnerTexts();
		expect(items.map(plain)).toEqual(SEED_PROMPTS);
		expect(await section.getByRole('button').count()).toBe(0);
		await context.close();
	});
});
