// The subscribe builder off the happy path, in Chromium against the built site: the reader's
// broken text survives a click in the form, Ctrl+Z undoes what the form wrote, a shared link
// lands on the builder and shows its message, and the details the review found (the caret after
// "Add symbol", the frame table's styling, backticks, a stale note, the tabs at 360 px, a huge
// paste) stay fixed.
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { SUBSCRIBE_BUILDER_ID } from '../../src/lib/constants.ts';
import { encodeMessageParam } from '../../src/lib/subscribe-message.ts';
import { axeViolations, browserAvailable, useChapterPages } from './harness.ts';

const CHAPTER = '/chapters/39-what-a-websocket-is/';
const EX1_TEXT = `{
  "action": "subscribe",
  "mode": "ltp",
  "symbols": [
    {
      "symbol": "RELIANCE",
      "exchange": "NSE"
    },
    {
      "symbol": "TCS",
      "exchange": "NSE"
    }
  ]
}`;

describe.skipIf(!browserAvailable)('subscribe builder, off the happy path', () => {
	const pages = useChapterPages();
	const open = pages.open;

	const builder = (page: Page) => page.locator('ch-subscribe-builder');
	const editor = (page: Page) => builder(page).locator('textarea');
	const live = (page: Page) => page.waitForSelector('ch-subscribe-builder[data-state="live"]');

	async function ready(page: Page): Promise<void> {
		await builder(page).scrollIntoViewIfNeeded();
		await live(page);
	}

	/** Types into the editor as a reader does: caret at `at` (an index into the text), then keys. */
	async function typeAt(page: Page, at: number, keys: string): Promise<void> {
		await editor(page).evaluate((area: HTMLTextAreaElement, offset) => {
			area.focus();
			area.setSelectionRange(offset, offset);
		}, at);
		await page.keyboard.type(keys);
	}

	it('keeps broken JSON through a click in the form: the form is off and says why', async () => {
		const { page, errors } = await open();
		await ready(page);
		// A note the reader wrote: not JSON.
		await typeAt(page, EX1_TEXT.indexOf('\n'), '\n  // my notes');
		const broken = await editor(page).inputValue();
		expect(broken).toContain('// my notes');
		await expect(builder(page).getAttribute('data-form')).resolves.toBe('locked');
		const quote = builder(page).getByRole('radio', { name: 'quote' });
		await expect(quote.isDisabled()).resolves.toBe(true);
		await expect(
			builder(page).getByRole('button', { name: 'Add symbol' }).isDisabled(),
		).resolves.toBe(true);
		const reason = builder(page).locator('[data-part="form-lock"]');
		await expect(reason.isVisible()).resolves.toBe(true);
		await expect(reason.textContent()).resolves.toMatch(/^Fix the JSON to use the form/);
		// A click on the disabled radio changes nothing.
		await quote.click({ force: true });
		await expect(editor(page).inputValue()).resolves.toBe(broken);
		// Send says why it is off.
		const send = builder(page).getByRole('button', { name: 'Send to the live stream' });
		await expect(send.getAttribute('aria-disabled')).resolves.toBe('true');
		await expect(builder(page).locator('[data-part="send-reason"]').isVisible()).resolves.toBe(
			true,
		);
		await expect(builder(page).locator('[data-part="send-reason"]').textContent()).resolves.toMatch(
			/^Send is off: the text is not valid JSON/,
		);
		expect(await axeViolations(page, 'ch-subscribe-builder')).toEqual([]);
		// Fixed text: the form is back on and follows it.
		await editor(page).fill(EX1_TEXT.replace('"ltp"', '"depth"'));
		await expect(builder(page).getAttribute('data-form')).resolves.toBe('open');
		await expect(builder(page).getByRole('radio', { name: 'depth' }).isChecked()).resolves.toBe(
			true,
		);
		await expect(reason.isVisible()).resolves.toBe(false);
		await expect(builder(page).locator('[data-part="send-reason"]').isVisible()).resolves.toBe(
			false,
		);
		expect(errors).toEqual([]);
	});

	it('changes only what the form changed, keeping the reader’s other fields', async () => {
		const { page, errors } = await open();
		await ready(page);
		const own =
			'{"action": "subscribe", "mode": 1, "request_id": "abc-1.0", "symbols": [{"symbol": "RELIANCE", "exchange": "NSE"}]}';
		await editor(page).fill(own);
		await expect(builder(page).getAttribute('data-form')).resolves.toBe('open');
		await expect(builder(page).locator('[data-part="form-note"]').textContent()).resolves.toMatch(
			/"request_id" stays in the JSON/,
		);
		await builder(page).getByRole('button', { name: 'Add symbol' }).click();
		const text = JSON.parse(await editor(page).inputValue());
		expect(text).toEqual({
			action: 'subscribe',
			mode: 1,
			request_id: 'abc-1.0',
			symbols: [
				{ symbol: 'RELIANCE', exchange: 'NSE' },
				{ symbol: 'TCS', exchange: 'NSE' },
			],
		});
		// An entry with more than the form shows: the form is off rather than dropping it.
		await editor(page).fill(
			'{"action": "subscribe", "mode": "ltp", "symbols": [{"symbol": "TCS", "exchange": "NSE", "note": "mine"}]}',
		);
		await expect(builder(page).getAttribute('data-form')).resolves.toBe('locked');
		await expect(builder(page).locator('[data-part="form-lock"]').textContent()).resolves.toMatch(
			/symbols\[0\] holds more than a symbol and an exchange/,
		);
		expect(errors).toEqual([]);
	});

	it(
		'judges a message as the server will, and keeps Send off with the reason while it would refuse it',
		{ timeout: 180_000 },
		async () => {
			const { page, errors } = await open();
			await ready(page);
			const problems = builder(page).locator('[data-part="problems"]');
			const send = builder(page).getByRole('button', { name: 'Send to the live stream' });
			const reason = builder(page).locator('[data-part="send-reason"]');
			const message = (fields: Record<string, unknown>): string =>
				JSON.stringify({ action: 'subscribe', mode: 'ltp', ...fields }, null, 2);
			// Each text goes in whole, as one paste would: typing 120 symbols or a 1 MiB field through
			// the input pipeline takes a loaded machine far longer than a test should wait.
			const paste = (text: string) =>
				editor(page).evaluate((area: HTMLTextAreaElement, value) => {
					area.value = value;
					area.dispatchEvent(new Event('input', { bubbles: true }));
				}, text);
			const settle = (text: RegExp) =>
				page.waitForFunction(
					(source) =>
						new RegExp(source).test(
							document.querySelector('[data-part="problems"]')?.textContent ?? '',
						),
					text.source,
				);

			// A misspelt name and an exchange OpenAlgo does not have: warned before sending, Send stays on.
			await paste(
				message({
					symbols: [
						{ symbol: 'RELAINCE', exchange: 'NSE' },
						{ symbol: 'TCS', exchange: 'XYZ' },
					],
				}),
			);
			await settle(/did you mean RELIANCE\?/);
			await expect(builder(page).getAttribute('data-valid')).resolves.toBe('true');
			await expect(problems.textContent()).resolves.toMatch(
				/"XYZ", which is not an OpenAlgo exchange/,
			);
			await expect(send.getAttribute('aria-disabled')).resolves.toBe('false');

			// Lower case: the case-sensitivity hint.
			await paste(message({ symbols: [{ symbol: 'TCS', exchange: 'nse' }] }));
			await settle(/case-sensitive/);
			await expect(builder(page).getAttribute('data-valid')).resolves.toBe('false');

			// 120 symbols: refused whole by the server, so Send is off and says so.
			const many = Array.from({ length: 120 }, (_, i) => ({ symbol: `S${i}`, exchange: 'NSE' }));
			await paste(message({ symbols: many }));
			await settle(/at most 100/);
			await expect(send.getAttribute('aria-disabled')).resolves.toBe('true');
			await expect(reason.textContent()).resolves.toBe(
				'Send is off: the server would refuse this message (see the problems above).',
			);
			// Still focusable (aria-disabled), and pressing it says why nothing was sent.
			await send.focus();
			await page.keyboard.press('Enter');
			await expect(builder(page).locator('[data-part="said"]').textContent()).resolves.toMatch(
				/^Fix the message first/,
			);

			// A number JSON cannot carry: an error, not an uncaught TypeError.
			await paste(
				'{"action": "subscribe", "mode": "ltp", "symbols": [{"symbol": "TCS", "exchange": "NSE"}], "depth": 1e400}',
			);
			await settle(/too large for JSON/);
			await expect(send.getAttribute('aria-disabled')).resolves.toBe('true');

			// A frame over 1 MiB: the server would close the connection.
			await paste(
				message({
					symbols: [{ symbol: 'TCS', exchange: 'NSE' }],
					request_id: 'x'.repeat(1_100_000),
				}),
			);
			await settle(/code 1009/);
			await expect(send.getAttribute('aria-disabled')).resolves.toBe('true');
			expect(errors).toEqual([]);
		},
	);

	it('lets Ctrl+Z in the editor undo the last change the form made', async () => {
		const { page, errors } = await open();
		await ready(page);
		await builder(page).getByRole('radio', { name: 'quote' }).check();
		await expect(editor(page).inputValue()).resolves.toBe(EX1_TEXT.replace('"ltp"', '"quote"'));
		await builder(page).getByRole('button', { name: 'Remove TCS' }).click();
		await expect(editor(page).inputValue()).resolves.not.toContain('TCS');
		await editor(page).focus();
		await page.keyboard.press('Control+z');
		await expect(editor(page).inputValue()).resolves.toBe(EX1_TEXT.replace('"ltp"', '"quote"'));
		// The form follows the undone text.
		await expect(
			builder(page).getByRole('button', { name: 'Remove TCS' }).isVisible(),
		).resolves.toBe(true);
		await page.keyboard.press('Control+z');
		await expect(editor(page).inputValue()).resolves.toBe(EX1_TEXT);
		await expect(builder(page).getByRole('radio', { name: 'ltp' }).isChecked()).resolves.toBe(true);
		// Reset too is one step back.
		await editor(page).fill('not json');
		await builder(page).getByRole('button', { name: 'Reset to EX 1' }).click();
		await expect(editor(page).inputValue()).resolves.toBe(EX1_TEXT);
		await editor(page).focus();
		await page.keyboard.press('Control+z');
		await expect(editor(page).inputValue()).resolves.toBe('not json');
		expect(errors).toEqual([]);
	});

	it('lands a shared link on the builder, awake, with the restored message', async () => {
		const message = {
			action: 'subscribe',
			mode: 'quote',
			symbols: [{ symbol: 'INFY', exchange: 'NSE' }],
		};
		const url = `${pages.site.url}${CHAPTER}?msg=${encodeMessageParam(JSON.stringify(message))}#${SUBSCRIBE_BUILDER_ID}`;
		const { page, errors } = await open({ width: 1280, height: 800 }, url);
		// No scrolling by the test: the link alone brings the builder into view and wakes it.
		await live(page);
		await expect(page.locator(`#${SUBSCRIBE_BUILDER_ID}`).count()).resolves.toBe(1);
		const box = (await builder(page).boundingBox())!;
		expect(box.y).toBeLessThan(800);
		expect(box.y + box.height).toBeGreaterThan(0);
		expect(JSON.parse(await editor(page).inputValue())).toEqual(message);
		await expect(builder(page).getByRole('radio', { name: 'quote' }).isChecked()).resolves.toBe(
			true,
		);
		await expect(builder(page).locator('[data-part="said"]').textContent()).resolves.toBe(
			'Restored the message from the link.',
		);
		// A link without the hash lands there too.
		const bare = url.replace(/#.*$/, '');
		const second = await open({ width: 1280, height: 800 }, bare);
		await live(second.page);
		const top = (await builder(second.page).boundingBox())!.y;
		expect(top).toBeLessThan(800);
		expect(errors).toEqual([]);
		expect(second.errors).toEqual([]);
	});

	it('copies a link that names the builder and says "Copied" on the button itself', async () => {
		const { page, context, errors } = await open();
		await context.grantPermissions(['clipboard-read', 'clipboard-write'], {
			origin: new URL(pages.site.url).origin,
		});
		await ready(page);
		const button = builder(page).getByRole('button', { name: 'Copy link' });
		await button.click();
		await expect(builder(page).getByRole('button', { name: 'Copied' }).isVisible()).resolves.toBe(
			true,
		);
		const link = new URL(await page.evaluate(() => navigator.clipboard.readText()));
		expect(link.hash).toBe(`#${SUBSCRIBE_BUILDER_ID}`);
		expect(link.searchParams.get('msg')).not.toBeNull();
		await builder(page).getByRole('button', { name: 'Copy JSON' }).click();
		await expect(
			builder(page).getByRole('button', { name: 'Copied' }).count(),
		).resolves.toBeGreaterThanOrEqual(1);
		expect(errors).toEqual([]);
	});

	it('selects the suggested name after "Add symbol", so typing replaces it', async () => {
		const { page } = await open();
		await ready(page);
		await builder(page).getByRole('button', { name: 'Add symbol' }).click();
		const input = builder(page).getByLabel('Symbol 3');
		await expect(input.inputValue()).resolves.toBe('INFY');
		await page.keyboard.type('WIPRO');
		await expect(input.inputValue()).resolves.toBe('WIPRO');
		expect(JSON.parse(await editor(page).inputValue()).symbols[2]).toEqual({
			symbol: 'WIPRO',
			exchange: 'NSE',
		});
		// Typing in the form leaves the caret in the form.
		await expect(input.evaluate((el) => el === document.activeElement)).resolves.toBe(true);
	});

	it('keeps the frame table styled after an edit rebuilds its rows', async () => {
		const { page } = await open();
		await ready(page);
		await builder(page).getByRole('tab', { name: 'On the wire' }).click();
		// The click wakes the highlighter, which repaints the views (rows and all) once it is in.
		await page.waitForSelector('ch-subscribe-builder[data-highlighter="ready"]');
		const cellStyle = () =>
			builder(page)
				.locator('[data-part="fields"] td')
				.first()
				.evaluate((cell) => {
					const style = getComputedStyle(cell);
					return { padding: style.paddingLeft, border: style.borderBottomStyle };
				});
		const before = await cellStyle();
		expect(before).toEqual({ padding: '8px', border: 'solid' });
		await builder(page).getByRole('radio', { name: 'quote' }).check();
		await expect(builder(page).locator('[data-part="compact"]').textContent()).resolves.toContain(
			'"quote"',
		);
		expect(await cellStyle()).toEqual(before);
	});

	it('writes code in problem texts as code, never as backticks', async () => {
		const { page } = await open();
		await ready(page);
		await editor(page).fill('{"action": "subscribe", "mode": "fast", "symbols": []}');
		const problems = builder(page).locator('[data-part="problems"]');
		await page.waitForFunction(
			() => document.querySelector('[data-part="problems"]')?.textContent !== '',
		);
		await expect(problems.textContent()).resolves.not.toContain('`');
		await expect(problems.locator('li code').count()).resolves.toBeGreaterThan(0);
	});

	it('clears "Back to EX 1’s message." once the reader edits the text', async () => {
		const { page } = await open();
		await ready(page);
		await builder(page).getByRole('button', { name: 'Reset to EX 1' }).click();
		const said = builder(page).locator('[data-part="said"]');
		await expect(said.textContent()).resolves.toBe('Back to EX 1’s message.');
		await typeAt(page, 1, '}');
		await expect(builder(page).getAttribute('data-valid')).resolves.toBe('false');
		await expect(said.textContent()).resolves.toBe('');
	});

	it('keeps the three view tabs on one row at 360 px', async () => {
		const { page } = await open({ width: 360, height: 800 });
		await ready(page);
		const tops = await builder(page)
			.getByRole('tab')
			.evaluateAll((tabs) => tabs.map((tab) => Math.round(tab.getBoundingClientRect().top)));
		expect(tops).toHaveLength(3);
		expect(new Set(tops).size).toBe(1);
		const fits = await builder(page)
			.locator('[role="tablist"]')
			.evaluate((list) => list.scrollWidth <= list.clientWidth);
		expect(fits).toBe(true);
	});

	it(
		'takes a 20,000-bracket paste with the error shown and the editor left plain',
		{ timeout: 180_000 },
		async () => {
			const { page, errors } = await open();
			await ready(page);
			// Wake the highlighter first: the paste must not be handed to it whole.
			await editor(page).click();
			await page.waitForSelector('ch-subscribe-builder[data-highlighter="ready"]');
			await expect(builder(page).getAttribute('data-editor-paint')).resolves.toBe('highlighted');
			await editor(page).evaluate((area: HTMLTextAreaElement) => {
				area.select();
				document.execCommand('insertText', false, '['.repeat(20_000));
			});
			await expect(builder(page).getAttribute('data-valid')).resolves.toBe('false');
			await expect(builder(page).getAttribute('data-editor-paint')).resolves.toBe('plain');
			await page.waitForFunction(() =>
				/nested too deeply/.test(
					document.querySelector('[data-part="problems"]')?.textContent ?? '',
				),
			);
			// The painted copy under the textarea is the text itself, as one plain run.
			const painted = await builder(page)
				.locator('[data-part="highlight"] code')
				.evaluate((code) => ({
					length: code.textContent?.length,
					spans: code.querySelectorAll('span').length,
				}));
			expect(painted).toEqual({ length: 20_000, spans: 0 });
			await page.keyboard.type('x');
			await expect(builder(page).getAttribute('data-editor-paint')).resolves.toBe('plain');
			expect(errors).toEqual([]);
		},
	);
});
