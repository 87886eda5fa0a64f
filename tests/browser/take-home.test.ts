// The chapter's "Going further" block in a real browser: closed until the reader opens it, right
// after the stream panel; inside, the two take-home scripts exactly as content/code/ holds them,
// the shell lines that run them, their sample output (a transcript, so labelled "Sample output"),
// and a download link that saves the very file shown. No axe violations with it open.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { axeViolations, browserAvailable, useChapterPages } from './harness.ts';
import { restingRect } from './smoke.ts';

const code = (name: string): string =>
	readFileSync(new URL(`../../content/code/ch39/${name}`, import.meta.url), 'utf8');

const TAKE_HOME = [
	{ file: '02_on_tick_with_sdk.py', install: 'pip install openalgo' },
	{ file: '03_raw_socket.py', install: 'pip install websocket-client' },
];

describe.skipIf(!browserAvailable)('Going further: the take-home Python listings', () => {
	const pages = useChapterPages();
	const open = (colorScheme: 'light' | 'dark' = 'light') => pages.open({ colorScheme });

	const further = (page: Page) => page.locator('details.ch-further');

	it('sits closed right after the stream panel and opens from the keyboard', async () => {
		const { page, context, errors } = await open();
		const block = further(page);
		await expect(block.count()).resolves.toBe(1);
		const placement = await block.evaluate((details) => {
			const stream = document.querySelector('ch-tick-stream');
			const next = [...document.querySelectorAll('h2')].find(
				(h) => h.textContent?.trim() === 'When do you actually need one?',
			);
			return {
				afterStream: Boolean(
					stream && stream.compareDocumentPosition(details) & Node.DOCUMENT_POSITION_FOLLOWING,
				),
				beforeNextSection: Boolean(
					next && details.compareDocumentPosition(next) & Node.DOCUMENT_POSITION_FOLLOWING,
				),
				open: (details as HTMLDetailsElement).open,
			};
		});
		expect(placement).toEqual({ afterStream: true, beforeNextSection: true, open: false });
		const summary = block.locator('summary');
		expect((await summary.innerText()).trim()).toBe(
			'Going further: the same ticks in Python, on your machine',
		);
		const listing = block.locator('figure.ch-listing').first();
		await expect(listing.isVisible()).resolves.toBe(false);

		await summary.focus();
		await page.keyboard.press('Enter');
		await expect(block.evaluate((d) => (d as HTMLDetailsElement).open)).resolves.toBe(true);
		await expect(listing.isVisible()).resolves.toBe(true);
		expect(errors).toEqual([]);
		await context.close();
	});

	it('is its own section for search: a word in the scripts finds the block, and the result lands on it', async () => {
		const { page, context, errors } = await open();
		await page.keyboard.press('Control+k');
		const dialog = page.getByRole('dialog', { name: 'Search the course' });
		await dialog.getByRole('searchbox', { name: 'Search the course' }).fill('OPENALGO_WS_URL');
		const result = dialog.getByRole('link').first();
		await result.waitFor();
		// Before, the scripts' text was filed under the stream panel's last heading ("Frame log
		// tools"), inside its closed wire inspector.
		expect(await result.textContent()).toMatch(
			/^Going further: the same ticks in Python, on your machine/,
		);
		await result.click();
		await page.waitForURL('**#going-further-the-same-ticks-in-python-on-your-machine');
		const rest = await restingRect(page, 'going-further-the-same-ticks-in-python-on-your-machine');
		expect(rest.top).toBeGreaterThanOrEqual(0);
		expect(rest.bottom).toBeLessThanOrEqual(rest.height);
		// A heading for a screen reader's list of headings too, named as the summary reads.
		await expect(
			page
				.getByRole('heading', {
					level: 3,
					name: 'Going further: the same ticks in Python, on your machine',
				})
				.count(),
		).resolves.toBe(1);
		expect(errors).toEqual([]);
		await context.close();
	});

	it('shows each script as its file holds it, the lines that run it, and its sample output', async () => {
		const { page, context } = await open();
		await further(page).locator('summary').click();
		for (const { file, install } of TAKE_HOME) {
			const listing = further(page)
				.locator('figure.ch-listing')
				.filter({ has: page.locator('.ch-listing__file', { hasText: `ch39/${file}` }) });
			await expect(listing.count()).resolves.toBe(1);
			await expect(listing.locator('pre[data-language="python"]').textContent()).resolves.toBe(
				code(file).replace(/\n$/, ''),
			);

			const run = listing.getByRole('group', { name: 'Run it' });
			expect((await run.innerText()).split('\n').filter((line) => line.trim() !== '')).toEqual([
				'# terminal 1, in the course project',
				'npm run stream',
				'# terminal 2, where you saved the file',
				install,
				`python3 ${file}`,
			]);

			const pre = listing.locator('pre[data-listing-sample]');
			await expect(pre.textContent()).resolves.toBe(code(file.replace(/\.py$/, '.sample.txt')));
			const labelId = await pre.getAttribute('aria-labelledby');
			const label = await page.locator(`[id="${labelId}"]`).textContent();
			expect(label?.trim()).toBe('Sample output');
			await expect(pre.isVisible()).resolves.toBe(true);
		}
		// "Live output" stays the label of the one listing whose output is exact (EX 1).
		await expect(further(page).getByText('Live output').count()).resolves.toBe(0);
		await context.close();
	});

	it('saves the listed .py byte for byte from "Download the .py", for every listing', async () => {
		const { page, context } = await open();
		await further(page).locator('summary').click();
		for (const file of ['01_subscribe_message.py', ...TAKE_HOME.map((t) => t.file)]) {
			const link = page.getByRole('link', { name: `Download the .py (${file})` });
			await expect(link.isVisible()).resolves.toBe(true);
			const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
			expect(download.suggestedFilename()).toBe(file);
			const saved = await download.path();
			expect(readFileSync(saved, 'utf8')).toBe(code(file));
		}
		await context.close();
	});

	for (const scheme of ['light', 'dark'] as const) {
		it(`has no axe violations with the block open (${scheme})`, async () => {
			const { page, context } = await open(scheme);
			await further(page).locator('summary').click();
			expect(await axeViolations(page, 'details.ch-further')).toEqual([]);
			await context.close();
		});
	}
});
