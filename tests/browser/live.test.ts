// The builder and the live stream together, in Chromium against the site as `npm start` serves
// it: edits through the form and the JSON stay in sync, bad input keeps the reader's text and
// says where, a link restores a message, Send changes what the stream delivers, a dropped
// connection comes back with the same subscription, a static host falls back to the in-page
// simulation, the keyboard alone is enough, and axe finds nothing.
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startSiteServer } from '../../server/site-server.ts';
import {
	axeViolations,
	browserAvailable,
	collectErrors,
	holdRequests,
	newContext,
	parseFrame,
	recordWire,
	siteDist,
	useChapterPages,
} from './harness.ts';

const CHAPTER = '/chapters/39-what-a-websocket-is/';
const ON_TICK_LINE = /^(RELIANCE|TCS|INFY|HDFCBANK|SBIN|NIFTY) is now \d+\.\d+$/;

describe.skipIf(!browserAvailable)(
	'subscribe builder and live stream',
	{ timeout: 120_000 },
	() => {
		const pages = useChapterPages({ rateMultiplier: 4 });
		const open = pages.open;

		const builder = (page: Page) => page.locator('ch-subscribe-builder');
		const stream = (page: Page) => page.locator('ch-tick-stream');
		const editor = (page: Page) => builder(page).locator('textarea');

		async function builderReady(page: Page): Promise<void> {
			await builder(page).scrollIntoViewIfNeeded();
			await page.waitForSelector('ch-subscribe-builder[data-state="live"]');
		}

		async function streamOpen(page: Page): Promise<void> {
			await stream(page).scrollIntoViewIfNeeded();
			await page.waitForSelector('ch-tick-stream[data-state="open"]', { timeout: 10_000 });
		}

		/** Lines the on_tick console has printed so far. */
		const consoleLines = (page: Page): Promise<string[]> =>
			stream(page).locator('[data-part="console"] > div > div').allTextContents();

		/** How many lines on_tick has printed so far (the console itself keeps only the last 200). */
		const printed = async (page: Page): Promise<number> =>
			Number((await stream(page).getAttribute('data-printed')) ?? 0);

		async function send(page: Page): Promise<void> {
			await builder(page).getByRole('button', { name: 'Send to the live stream' }).click();
		}

		it('keeps the form and the JSON in sync, both ways', async () => {
			const { page, errors } = await open();
			await builderReady(page);
			expect(JSON.parse(await editor(page).inputValue())).toEqual({
				action: 'subscribe',
				mode: 'ltp',
				symbols: [
					{ symbol: 'RELIANCE', exchange: 'NSE' },
					{ symbol: 'TCS', exchange: 'NSE' },
				],
			});
			// Form → JSON (and the Python view).
			await builder(page).getByRole('radio', { name: 'quote' }).check();
			await builder(page).getByRole('button', { name: 'Add symbol' }).click();
			await builder(page).getByRole('button', { name: 'Move INFY up' }).click();
			await builder(page).getByRole('button', { name: 'Remove RELIANCE' }).click();
			const fromForm = JSON.parse(await editor(page).inputValue());
			expect(fromForm).toEqual({
				action: 'subscribe',
				mode: 'quote',
				symbols: [
					{ symbol: 'INFY', exchange: 'NSE' },
					{ symbol: 'TCS', exchange: 'NSE' },
				],
			});
			const python = builder(page).locator('[data-part="python"]');
			await expect.poll(() => python.textContent()).toContain('"mode": "quote"');
			expect(await python.textContent()).toContain('{"symbol": "INFY", "exchange": "NSE"}');

			// JSON → form.
			await editor(page).fill(
				JSON.stringify(
					{ action: 'unsubscribe', mode: 'depth', symbols: [{ symbol: 'SBIN', exchange: 'BSE' }] },
					null,
					2,
				),
			);
			await expect
				.poll(() => builder(page).getByRole('radio', { name: 'depth' }).isChecked())
				.toBe(true);
			expect(await builder(page).getByLabel('Action').inputValue()).toBe('unsubscribe');
			expect(await builder(page).getByLabel('Symbol 1').inputValue()).toBe('SBIN');
			expect(await builder(page).getByLabel('Exchange 1').inputValue()).toBe('BSE');
			await expect.poll(() => builder(page).getByLabel('Symbol 2').count()).toBe(0);

			// The Live output is what Python prints, and the wire view counts the compact bytes.
			await builder(page).getByRole('tab', { name: 'Live output' }).click();
			expect(await builder(page).locator('[data-part="output"]').textContent()).toBe(
				'{\n  "action": "unsubscribe",\n  "mode": "depth",\n  "symbols": [\n    {\n      "symbol": "SBIN",\n      "exchange": "BSE"\n    }\n  ]\n}',
			);
			await builder(page).getByRole('tab', { name: 'On the wire' }).click();
			const compact =
				'{"action":"unsubscribe","mode":"depth","symbols":[{"symbol":"SBIN","exchange":"BSE"}]}';
			expect(await builder(page).locator('[data-part="compact"]').textContent()).toBe(compact);
			expect(await builder(page).locator('[data-part="bytes"]').textContent()).toBe(
				`${compact.length} bytes`,
			);
			expect(await builder(page).locator('[data-part="header-hex"]').textContent()).toMatch(
				/^81 d6( [0-9a-f]{2}){4}$/,
			);
			expect(errors).toEqual([]);
		});

		for (const width of [360, 1280]) {
			it(`takes the same space before it comes alive as after (${width} px)`, async () => {
				// Hold the builder's code back, as a slow network would, with the reader already there.
				const context = await newContext(pages.browser, { width, height: 800 });
				pages.track(context);
				const release = await holdRequests(context, '**/subscribe-builder.client.*.js');
				const page = await context.newPage();
				const errors = collectErrors(page);
				await page.goto(pages.site.url + CHAPTER);
				await builder(page).scrollIntoViewIfNeeded();
				expect(await builder(page).getAttribute('data-state')).toBe('static');
				const before = (await builder(page).boundingBox())!.height;

				// The live layout already: the form in EX 1's state, the actions and the first view.
				await expect(builder(page).locator('[data-part="nojs"]').isVisible()).resolves.toBe(false);
				await expect(builder(page).locator('[data-part="form"]').isVisible()).resolves.toBe(true);
				await expect(builder(page).locator('select[name="action"]').inputValue()).resolves.toBe(
					'subscribe',
				);
				await expect(builder(page).locator('input[value="ltp"]').isChecked()).resolves.toBe(true);
				await expect(
					builder(page)
						.locator('[data-field="symbol"]')
						.evaluateAll((inputs) => inputs.map((input) => (input as HTMLInputElement).value)),
				).resolves.toEqual(['RELIANCE', 'TCS']);
				await expect(builder(page).locator('[data-action="send"]').isVisible()).resolves.toBe(true);
				await expect(builder(page).locator('[data-panel="python"]').isVisible()).resolves.toBe(
					true,
				);
				await expect(builder(page).locator('[data-panel="output"]').isVisible()).resolves.toBe(
					false,
				);
				// None of it takes input that would be lost: Tab goes from the JSON to the Python.
				await builder(page).locator('[data-part="highlight"] pre').focus();
				await page.keyboard.press('Tab');
				await expect(
					page.evaluate(() => document.activeElement?.closest('[data-panel]')?.id),
				).resolves.toBe('sb-panel-python');
				await builder(page).locator('[data-part="highlight"] pre').focus();
				expect(await axeViolations(page, 'ch-subscribe-builder')).toEqual([]);

				release();
				await page.waitForSelector('ch-subscribe-builder[data-state="live"]');
				expect(Math.abs((await builder(page).boundingBox())!.height - before)).toBeLessThanOrEqual(
					2,
				);
				// The reader who was in the JSON is in the editor now.
				await expect(
					editor(page).evaluate((area) => area === document.activeElement),
				).resolves.toBe(true);
				await builder(page).getByRole('button', { name: 'Add symbol' }).click();
				expect(JSON.parse(await editor(page).inputValue()).symbols).toHaveLength(3);
				expect(errors).toEqual([]);
			});
		}

		it('shows EX 1’s message read-only without JavaScript: the note, the JSON and all three views', async () => {
			const { page } = await open({ javaScriptEnabled: false });
			await expect(builder(page).locator('[data-part="nojs"]').isVisible()).resolves.toBe(true);
			const json = builder(page).locator('[data-part="highlight"] pre');
			await expect(json.isVisible()).resolves.toBe(true);
			expect(JSON.parse(await json.innerText())).toEqual({
				action: 'subscribe',
				mode: 'ltp',
				symbols: [
					{ symbol: 'RELIANCE', exchange: 'NSE' },
					{ symbol: 'TCS', exchange: 'NSE' },
				],
			});
			for (const panel of ['python', 'output', 'wire']) {
				await expect(
					builder(page).locator(`[data-panel="${panel}"]`).isVisible(),
					panel,
				).resolves.toBe(true);
			}
			// Nothing to press or type into: it would not do anything.
			for (const role of ['button', 'tab', 'textbox', 'combobox', 'radio'] as const) {
				await expect(builder(page).getByRole(role).count(), role).resolves.toBe(0);
			}
		});

		it('keeps the reader’s text on invalid JSON and says where the fault is', async () => {
			const { page, errors } = await open();
			await builderReady(page);
			const broken = '{\n  "action": "subscribe"\n  "mode": "ltp",\n  "symbols": []\n}';
			await editor(page).fill(broken);
			const problems = builder(page).locator('[data-part="problems"]');
			await expect.poll(() => problems.textContent()).toContain('Line 3, column 3');
			expect(await editor(page).inputValue()).toBe(broken);
			expect(await editor(page).getAttribute('aria-invalid')).toBe('true');
			expect(await builder(page).getAttribute('data-valid')).toBe('false');
			// The form and the views keep the last valid message (EX 1's).
			expect(await builder(page).getByLabel('Symbol 2').inputValue()).toBe('TCS');
			expect(await builder(page).locator('[data-part="python"]').textContent()).toContain('"TCS"');
			// "Line 3, column 3" puts the caret there.
			await problems.getByRole('button', { name: 'Line 3, column 3' }).click();
			const caret = await editor(page).evaluate((area: HTMLTextAreaElement) => area.selectionStart);
			expect(broken.slice(0, caret).split('\n')).toHaveLength(3);

			// A schema error names the field and what is allowed.
			await editor(page).fill(
				'{"action": "subscribe", "mode": "fast", "symbols": [{"symbol": "TCS", "exchange": "NSE"}]}',
			);
			await expect.poll(() => problems.textContent()).toMatch(/mode/);
			expect(await problems.textContent()).toMatch(/ltp|LTP/);
			expect(await problems.textContent()).toMatch(/quote|Quote/);
			expect(await editor(page).inputValue()).toContain('"fast"');
			expect(errors).toEqual([]);
		});

		it('restores a message from a shared link, and says so when a link is broken', async () => {
			const { page } = await open();
			await builderReady(page);
			await builder(page).getByRole('radio', { name: 'depth' }).check();
			await expect
				.poll(() => new URL(page.url()).searchParams.get('msg'), { timeout: 15_000 })
				.not.toBeNull();
			const shared = page.url();

			const { page: other } = await open({}, shared);
			await builderReady(other);
			expect(JSON.parse(await editor(other).inputValue()).mode).toBe('depth');
			expect(await builder(other).getByRole('radio', { name: 'depth' }).isChecked()).toBe(true);

			const { page: broken } = await open({}, `${pages.site.url}${CHAPTER}?msg=%%%not-base64`);
			await builderReady(broken);
			expect(await builder(broken).locator('[data-part="said"]').textContent()).toMatch(
				/Could not restore/,
			);
			expect(JSON.parse(await editor(broken).inputValue()).mode).toBe('ltp');
		});

		it('streams EX 1’s ticks and prints them as on_tick does', async () => {
			const { page, errors } = await open();
			await streamOpen(page);
			await expect
				.poll(async () => (await consoleLines(page)).length, { timeout: 15_000 })
				.toBeGreaterThan(0);
			const lines = await consoleLines(page);
			for (const line of lines) expect(line).toMatch(ON_TICK_LINE);
			expect(lines.every((line) => line.startsWith('RELIANCE') || line.startsWith('TCS'))).toBe(
				true,
			);
			// The first frame sent is EX 1's message, compact.
			// The log reads oldest first, like a terminal: the first frame sent is the first entry.
			const sent = stream(page).locator('.ts-frame--sent code').first();
			expect(await sent.textContent()).toBe(
				'{"action":"subscribe","mode":"ltp","symbols":[{"symbol":"RELIANCE","exchange":"NSE"},{"symbol":"TCS","exchange":"NSE"}]}',
			);
			expect(await stream(page).getAttribute('data-transport')).toBe('server');
			expect(
				Number(await stream(page).locator('[data-part="received"]').textContent()),
			).toBeGreaterThan(0);
			expect(errors).toEqual([]);
		});

		it('delivers what Send asks for: quote fields after a quote subscribe, nothing after unsubscribe', async () => {
			const { page, errors } = await open();
			const wire = recordWire(page);
			await streamOpen(page);
			await builderReady(page);
			await builder(page).getByRole('radio', { name: 'quote' }).check();
			await send(page);
			const table = stream(page).locator('[data-part="table"]');
			await expect.poll(() => table.getAttribute('data-fields'), { timeout: 20_000 }).toBe('quote');
			const openCell = table.locator('tbody tr').first().locator('td.ts-q').first();
			await expect.poll(() => openCell.textContent(), { timeout: 20_000 }).toMatch(/^\d+\.\d{2}$/);
			expect(await table.getByRole('columnheader', { name: 'High' }).isVisible()).toBe(true);

			// Unsubscribe TCS from both modes; its ticks stop at the ack, RELIANCE's carry on.
			await editor(page).fill(
				'{"action": "unsubscribe", "symbols": [{"symbol": "TCS", "exchange": "NSE", "mode": 1}, {"symbol": "TCS", "exchange": "NSE", "mode": 2}]}',
			);
			await send(page);
			const tcsRow = table.locator('tbody tr', { hasText: 'TCS' });
			await expect
				.poll(() => tcsRow.getAttribute('data-unsubscribed'), { timeout: 20_000 })
				.toBe('');
			const afterAck = () => {
				const received = wire.filter((f) => f.direction === 'received').map(parseFrame);
				const ack = received.findIndex((f) => f.type === 'unsubscribe');
				return ack < 0 ? [] : received.slice(ack + 1).filter((f) => f.type === 'market_data');
			};
			await expect
				.poll(() => afterAck().filter((f) => f.symbol === 'RELIANCE').length, { timeout: 20_000 })
				.toBeGreaterThanOrEqual(3);
			expect(afterAck().filter((f) => f.symbol === 'TCS')).toEqual([]);
			expect(errors).toEqual([]);
		});

		it('reconnects after the server drops it, and the same subscription resumes', async () => {
			const { page, errors } = await open();
			await streamOpen(page);
			await builderReady(page);
			await builder(page).getByRole('radio', { name: 'quote' }).check();
			await send(page);
			await expect
				.poll(() => stream(page).locator('[data-part="table"]').getAttribute('data-fields'), {
					timeout: 5000,
				})
				.toBe('quote');
			await stream(page).getByRole('button', { name: 'Drop the connection' }).click();
			await page.waitForSelector('ch-tick-stream[data-state="reconnecting"]', { timeout: 20_000 });
			expect(await stream(page).locator('[data-part="state"]').textContent()).toMatch(
				/Reconnecting in \d+ s/,
			);
			await page.waitForSelector('ch-tick-stream[data-state="open"]', { timeout: 10_000 });
			// After the reconnect the page sent both subscriptions again, unasked.
			const sent = (await stream(page).locator('.ts-frame--sent code').allTextContents()).reverse();
			const drop = sent.findIndex((text) => text.includes('simulate_drop'));
			const resent = sent
				.slice(drop + 1)
				.map((text) => JSON.parse(text) as { action: string; mode: string });
			expect(
				resent
					.filter((m) => m.action === 'subscribe')
					.map((m) => m.mode)
					.sort(),
			).toEqual(['ltp', 'quote']);
			const count = await printed(page);
			await expect.poll(() => printed(page), { timeout: 15_000 }).toBeGreaterThan(count);
			expect(await stream(page).locator('[data-part="live"]').textContent()).toMatch(/Reconnected/);
			expect(errors).toEqual([]);
		});

		it('runs the in-page simulation, and says so, when no stream server answers', async () => {
			// The built site as plain static files: no /stream (its upgrade requests get 404).
			const staticSite = await startSiteServer({ root: siteDist, host: '127.0.0.1', port: 0 });
			try {
				const { page } = await open({}, new URL(CHAPTER, staticSite.url).href);
				await stream(page).scrollIntoViewIfNeeded();
				await page.waitForSelector(
					'ch-tick-stream[data-transport="simulation"][data-state="open"]',
					{
						timeout: 10_000,
					},
				);
				expect(await stream(page).locator('[data-part="simulated"]').isVisible()).toBe(true);
				expect(await stream(page).locator('[data-part="simulated"]').textContent()).toMatch(
					/In-page simulation/,
				);
				await expect
					.poll(async () => (await consoleLines(page)).length, { timeout: 3000 })
					.toBeGreaterThan(0);
				for (const line of await consoleLines(page)) expect(line).toMatch(ON_TICK_LINE);
			} finally {
				await staticSite.close();
			}
		});

		for (const width of [360, 1280]) {
			it(`lays the stream panel out live before it connects, so it holds still (${width} px)`, async () => {
				const context = await newContext(pages.browser, { width, height: 800 });
				pages.track(context);
				const release = await holdRequests(context, '**/tick-stream.client.*.js');
				const page = await context.newPage();
				const errors = collectErrors(page);
				await page.goto(pages.site.url + CHAPTER);
				await stream(page).scrollIntoViewIfNeeded();
				expect(await stream(page).getAttribute('data-state')).toBe('static');
				const before = (await stream(page).boundingBox())!.height;
				// EX 1's symbols wait in the table; the controls are there but not yet operable.
				await expect(stream(page).locator('tbody th:visible').allTextContents()).resolves.toEqual([
					'RELIANCE NSE',
					'TCS NSE',
				]);
				await expect(
					stream(page).getByRole('button', { name: 'Drop the connection' }).isVisible(),
				).resolves.toBe(true);
				expect(
					await stream(page)
						.locator('[data-part="controls"]')
						.evaluate((el) => (el as HTMLElement).inert),
				).toBe(true);
				expect(await axeViolations(page, 'ch-tick-stream')).toEqual([]);

				release();
				await page.waitForSelector('ch-tick-stream[data-state="open"]', { timeout: 10_000 });
				// Once a price has arrived, the live rows sit where the placeholders were.
				await page.waitForFunction(
					() =>
						[...document.querySelectorAll('ch-tick-stream tbody .ts-ltp')].some(
							(cell) => cell.textContent !== '—',
						),
					undefined,
					{ timeout: 10_000 },
				);
				expect(Math.abs((await stream(page).boundingBox())!.height - before)).toBeLessThanOrEqual(
					1,
				);
				expect(errors).toEqual([]);
			});
		}

		for (const reducedMotion of ['no-preference', 'reduce'] as const) {
			it(`tints a price that moves for a moment${reducedMotion === 'reduce' ? ', except with reduced motion' : ''}`, async () => {
				const { page, errors } = await open({ reducedMotion });
				await streamOpen(page);
				// The first tint, read in the mutation that sets it.
				const flash = await page.evaluate(
					() =>
						new Promise<{ direction: string; background: string; symbol: string }>((resolve) => {
							const table = document.querySelector('ch-tick-stream table')!;
							const observer = new MutationObserver((records) => {
								const cell = records[0]!.target as HTMLElement;
								if (!cell.dataset.flash) return;
								observer.disconnect();
								resolve({
									direction: cell.dataset.flash,
									background: getComputedStyle(cell).backgroundColor,
									symbol: cell.closest('tr')!.querySelector('.ts-symbol')!.textContent!,
								});
							});
							observer.observe(table, {
								attributes: true,
								subtree: true,
								attributeFilter: ['data-flash'],
							});
						}),
				);
				expect(flash.direction).toMatch(/^(up|down)$/);
				const transparent = 'rgba(0, 0, 0, 0)';
				if (reducedMotion === 'reduce') expect(flash.background).toBe(transparent);
				else expect(flash.background).not.toBe(transparent);
				// A price that stops moving loses its tint, while the stream carries on.
				await builderReady(page);
				await editor(page).fill(
					JSON.stringify({ action: 'unsubscribe', symbol: flash.symbol, exchange: 'NSE', mode: 1 }),
				);
				await send(page);
				const cell = stream(page).locator('tbody tr', { hasText: flash.symbol }).locator('.ts-ltp');
				await expect.poll(() => cell.getAttribute('data-flash'), { timeout: 5_000 }).toBeNull();
				expect(await cell.evaluate((td) => getComputedStyle(td).backgroundColor)).toBe(transparent);
				expect(await stream(page).getAttribute('data-state')).toBe('open');
				expect(errors).toEqual([]);
			});
		}

		it('takes every tint off when the stream stops', async () => {
			const { page, errors } = await open();
			await streamOpen(page);
			await page.waitForSelector('ch-tick-stream tbody [data-flash]', { timeout: 10_000 });
			await stream(page).getByRole('button', { name: 'Disconnect', exact: true }).click();
			await page.waitForSelector('ch-tick-stream[data-state="closed"]');
			await expect.poll(() => stream(page).locator('tbody [data-flash]').count()).toBe(0);
			expect(errors).toEqual([]);
		});

		it('works from the keyboard alone', async () => {
			const { page } = await open();
			await streamOpen(page);
			await builderReady(page);
			await builder(page).getByRole('radio', { name: 'ltp' }).focus();
			await page.keyboard.press('ArrowRight');
			expect(JSON.parse(await editor(page).inputValue()).mode).toBe('quote');
			// Tab from the editor reaches Send; Enter sends.
			await editor(page).focus();
			await page.keyboard.press('Tab');
			expect(await page.evaluate(() => document.activeElement?.textContent)).toBe(
				'Send to the live stream',
			);
			await page.keyboard.press('Enter');
			await expect
				.poll(() => stream(page).locator('[data-part="table"]').getAttribute('data-fields'), {
					timeout: 5000,
				})
				.toBe('quote');
			// The view tabs follow the arrow keys.
			await builder(page).getByRole('tab', { name: 'Python' }).focus();
			await page.keyboard.press('ArrowRight');
			expect(
				await builder(page).getByRole('tab', { name: 'Live output' }).getAttribute('aria-selected'),
			).toBe('true');
			expect(await builder(page).locator('[data-panel="output"]').isVisible()).toBe(true);
			// Disconnect and Connect from the keyboard.
			await stream(page).getByRole('button', { name: 'Disconnect', exact: true }).focus();
			await page.keyboard.press('Enter');
			await page.waitForSelector('ch-tick-stream[data-state="closed"]');
			await stream(page).getByRole('button', { name: 'Connect', exact: true }).focus();
			await page.keyboard.press('Enter');
			await page.waitForSelector('ch-tick-stream[data-state="open"]', { timeout: 20_000 });
		});

		for (const colorScheme of ['light', 'dark'] as const) {
			it(`has no axe violations with both widgets live (${colorScheme})`, async () => {
				const { page } = await open({ colorScheme });
				await builderReady(page);
				await builder(page).locator('textarea').focus();
				await page.waitForSelector('ch-subscribe-builder[data-highlighter="ready"]');
				await editor(page).fill('{"action": "subscribe", "mode": ');
				await streamOpen(page);
				await expect
					.poll(async () => (await consoleLines(page)).length, { timeout: 3000 })
					.toBeGreaterThan(0);
				expect(await axeViolations(page, 'ch-subscribe-builder')).toEqual([]);
				expect(await axeViolations(page, 'ch-tick-stream')).toEqual([]);
			});
		}
	},
);
