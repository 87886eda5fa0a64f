// The live stream panel off the happy path, in Chromium against the built site: a server that
// goes away and comes back, refusals said in words, the on_tick console honest and once per
// tick, the frame log as a tester's log, the handshake and latency, the stream URL pointing
// elsewhere, a moved element, the table at 360 px and desktop, and axe in every state reached.
// Order, not time: the tests wait for frames and states, and compare what crossed the wire.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import type { Page, WebSocketRoute } from 'playwright-core';
import { startSiteServer } from '../../server/site-server.ts';
import { createStandaloneServer } from '../../server/standalone.ts';
import { createStreamServer } from '../../server/stream-server.ts';
import { FRESHNESS_MS } from '../../src/lib/polling-equivalent.ts';
import { onTickLine } from '../../src/lib/py-render.ts';
import { marketDataFrame } from '../../src/lib/server-frames.ts';
import { EX1_STATE } from '../../src/lib/subscribe-message.ts';
import {
	axeViolations,
	browserAvailable,
	frames,
	holdRequests,
	newContext,
	parseFrame as parsed,
	recordWire,
	siteDist,
	startSite,
	type SiteUnderTest,
	type WireFrame,
	useChapterPages,
} from './harness.ts';

const CHAPTER = '/chapters/39-what-a-websocket-is/';

/** Records every text the panel's live region is given, from now on. */
async function recordAnnouncements(page: Page): Promise<void> {
	await page.evaluate(() => {
		const live = document.querySelector('ch-tick-stream [data-part="live"]')!;
		const said: string[] = [];
		(window as unknown as { said: string[] }).said = said;
		new MutationObserver(() => said.push(live.textContent ?? '')).observe(live, {
			childList: true,
			characterData: true,
			subtree: true,
		});
	});
}
const announcements = (page: Page): Promise<string[]> =>
	page.evaluate(() => (window as unknown as { said: string[] }).said);

describe.skipIf(!browserAvailable)('live stream panel', { timeout: 120_000 }, () => {
	const pages = useChapterPages({
		rateMultiplier: 4,
		connectSources: [
			'ws://127.0.0.1:*',
			'http://127.0.0.1:*',
			'ws://localhost:*',
			'http://localhost:*',
		],
	});
	const open = pages.open;

	const stream = (page: Page) => page.locator('ch-tick-stream');
	const consoleLines = (page: Page): Promise<string[]> =>
		stream(page).locator('[data-part="console"] > div > div').allTextContents();

	/** How many lines on_tick has printed so far (the console itself keeps only the last 200). */
	const printed = async (page: Page): Promise<number> =>
		Number((await stream(page).getAttribute('data-printed')) ?? 0);

	async function streamOpen(page: Page): Promise<void> {
		await stream(page).scrollIntoViewIfNeeded();
		await page.waitForSelector('ch-tick-stream[data-state="open"]', { timeout: 20_000 });
	}

	/**
	 * Opens the chapter with the test as the stream server (Playwright's routeWebSocket): the
	 * panel is open, and `server` is the test's side of its socket once it connects.
	 */
	async function openAsServer(): Promise<{
		page: Page;
		errors: string[];
		server: () => WebSocketRoute;
	}> {
		let route: WebSocketRoute | undefined;
		const { page, errors } = await open({}, (context) =>
			context.routeWebSocket(/\/stream$/, (ws) => {
				route = ws;
			}),
		);
		await streamOpen(page);
		return { page, errors, server: () => route! };
	}

	/** A tick of EX 1's first symbol in LTP mode, as the server frames it. */
	const ltpTick = (ltp: number, timestamp: number = Date.now()): string => {
		const [first] = EX1_STATE.symbols;
		return JSON.stringify(
			marketDataFrame(first!, 1, {
				ltp,
				ltt: timestamp,
				symbol: first!.symbol,
				exchange: first!.exchange,
				mode: 1,
				timestamp,
			}),
		);
	};

	/** Sends a message as the builder's "Send to the live stream" does. */
	async function send(page: Page, message: unknown): Promise<void> {
		await page.evaluate((text) => {
			document.dispatchEvent(new CustomEvent('ch:send-message', { detail: { text } }));
		}, JSON.stringify(message));
	}

	it('counts the requests polling would have sent: one per subscribed symbol every 100 ms while open', async () => {
		const { page, errors } = await open();
		await streamOpen(page);
		// The counter as painted, and the page's clock when it was read.
		const read = () =>
			page.evaluate(() => ({
				requests: Number(
					document
						.querySelector('ch-tick-stream [data-part="polling"]')!
						.textContent!.replaceAll(',', ''),
				),
				atMs: performance.now(),
			}));
		const first = await read();
		await page.waitForFunction((since) => performance.now() - since >= 4000, first.atMs);
		const second = await read();
		// EX 1 holds two symbols: 2 × 10 requests a second. The counter moves with each render
		// (every tick here, and every half second without one), so it may trail by a moment.
		const expected = (2 * (second.atMs - first.atMs)) / FRESHNESS_MS;
		const counted = second.requests - first.requests;
		expect(counted).toBeGreaterThan(expected * 0.75);
		expect(counted).toBeLessThan(expected * 1.15);
		expect(errors).toEqual([]);
	});

	it('reconnects within the 8 s cap after a real restart, says one sentence per attempt, and offers Retry now', async () => {
		const own = await startSite();
		const port = Number(new URL(own.url).port);
		let restarted: SiteUnderTest | undefined;
		try {
			const { page, errors } = await open({}, own.url + CHAPTER);
			await streamOpen(page);
			await recordAnnouncements(page);
			await own.close(); // the server goes away: 1001 to the page, then nothing listens
			await page.waitForSelector('ch-tick-stream[data-state="reconnecting"]');
			const retry = stream(page).getByRole('button', { name: 'Retry now' });
			expect(await retry.isVisible()).toBe(true);
			// Let three attempts fail against the closed port.
			await page.waitForFunction(
				() =>
					(window as unknown as { said: string[] }).said.filter((s) => s.startsWith('Attempt'))
						.length >= 3,
				undefined,
				{ timeout: 30_000 },
			);
			const said = await announcements(page);
			expect(said[0]).toBe('Connection lost. Reconnecting in 1 second.');
			for (const [index, sentence] of said.slice(1, 4).entries()) {
				const match = sentence.match(
					/^Attempt (\d+) did not connect\. Trying again in (\d+) (seconds?)\.$/,
				);
				expect(match, sentence).not.toBeNull();
				expect(Number(match![1])).toBe(index + 1);
				expect(Number(match![2])).toBeLessThanOrEqual(8);
				expect(match![3]).toBe(Number(match![2]) === 1 ? 'second' : 'seconds');
			}
			// No "Connecting…" in between: one sentence per attempt.
			expect(said.some((s) => s.startsWith('Connecting'))).toBe(false);
			expect(await axeViolations(page, 'ch-tick-stream')).toEqual([]);

			restarted = await startSite({ port });
			await retry.click();
			await page.waitForSelector('ch-tick-stream[data-state="open"]', { timeout: 10_000 });
			expect((await announcements(page)).at(-1)).toBe('Reconnected.');
			const count = await printed(page);
			await expect.poll(() => printed(page), { timeout: 15_000 }).toBeGreaterThan(count);

			// The browser coming back online retries at once too.
			await restarted.close();
			await page.waitForSelector('ch-tick-stream[data-state="reconnecting"]');
			restarted = await startSite({ port });
			const context = page.context();
			await context.setOffline(true);
			await context.setOffline(false); // fires `online`
			await page.waitForSelector('ch-tick-stream[data-state="open"]', { timeout: 10_000 });

			// And so does the tab becoming visible again.
			await restarted.close();
			await page.waitForSelector('ch-tick-stream[data-state="reconnecting"]');
			restarted = await startSite({ port });
			await page.evaluate(() => document.dispatchEvent(new Event('visibilitychange')));
			await page.waitForSelector('ch-tick-stream[data-state="open"]', { timeout: 10_000 });
			expect(
				errors.filter((e) => !/WebSocket|ERR_CONNECTION_REFUSED|ERR_INTERNET/.test(e)),
			).toEqual([]);
		} finally {
			await restarted?.close();
		}
	});

	it('prints one on_tick line per tick across modes, shows how the tick is made, and Clear leaves the console', async () => {
		const { page, errors, wire } = await open();
		await streamOpen(page);
		await send(page, {
			action: 'subscribe',
			mode: 'quote',
			symbols: [{ symbol: 'TCS', exchange: 'NSE' }],
		});
		// Wait for TCS ticks carried at both modes.
		const tcsFrames = () =>
			wire
				.filter((f) => f.direction === 'received')
				.map(parsed)
				.filter((f) => f.type === 'market_data' && f.symbol === 'TCS');
		await expect
			.poll(
				() =>
					new Set(
						tcsFrames()
							.filter((f) => f.mode === 2)
							.map((f) => (f.data as { timestamp: number }).timestamp),
					).size,
				{
					timeout: 20_000,
				},
			)
			.toBeGreaterThanOrEqual(3);
		await stream(page).getByRole('button', { name: 'Disconnect', exact: true }).click();
		await page.waitForSelector('ch-tick-stream[data-state="closed"]');
		await frames(page, 2);
		// The frames the panel took in, from its own transcript (Export): Chromium goes on
		// receiving, and the wire shows, frames the server sent before it saw the close, which
		// the panel, already closed, rightly ignores. Export is in the wire inspector.
		await stream(page).getByText('Inspect the wire').click();
		const [download] = await Promise.all([
			page.waitForEvent('download'),
			stream(page).getByRole('button', { name: 'Export (JSON lines)' }).click(),
		]);
		const ticks = (await readFile((await download.path())!, 'utf8'))
			.trim()
			.split('\n')
			.map((line) => JSON.parse(line) as { direction: string; frame?: Record<string, unknown> })
			.filter((l) => l.direction === 'received' && l.frame?.type === 'market_data')
			.map((l) => l.frame!)
			.filter((f) => f.symbol === 'TCS');
		expect(ticks.length).toBeLessThanOrEqual(tcsFrames().length);
		const stamps = new Set(ticks.map((f) => (f.data as { timestamp: number }).timestamp));
		expect(ticks.length).toBeGreaterThan(stamps.size); // some ticks did come in two modes
		// The console takes lines in batches too: wait for the last to show.
		const tcsLines = async () =>
			(await consoleLines(page)).filter((line) => line.startsWith('TCS'));
		await expect.poll(tcsLines, { timeout: 5000 }).toHaveLength(stamps.size);

		// The honest line: the chapter's tick, made from the frame, beside the console.
		const pane = stream(page).locator('[data-part="honesty"]');
		expect(await pane.textContent()).toContain('"ltp": frame["data"]["ltp"]');
		const newest = (await consoleLines(page)).at(-1)!;
		const [symbol, , , ltp] = newest.split(' ');
		expect(await stream(page).locator('[data-part="last-tick"]').textContent()).toBe(
			`tick = {"symbol": "${symbol}", "ltp": ${ltp}}`,
		);

		await stream(page).getByRole('button', { name: 'Clear' }).click();
		await frames(page, 2);
		expect(await stream(page).locator('[data-part="log"] [role="listitem"]').count()).toBe(0);
		expect((await consoleLines(page)).length).toBeGreaterThan(0);
		expect(errors).toEqual([]);
	});

	it('shows a tick’s on_tick line and its frame in the frame that paints its price, even right after another tick', async () => {
		// The test is the server: it sends two ticks, the second as soon as the first is painted.
		const [first] = EX1_STATE.symbols;
		const { page, errors, server } = await openAsServer();
		// What the panel shows in the frame that paints each new price (one render writes it all).
		await page.evaluate(() => {
			const root = document.querySelector('ch-tick-stream')!;
			const seen: { price: string; line: string; frame: string }[] = [];
			(window as unknown as { seen: typeof seen }).seen = seen;
			new MutationObserver(() => {
				const price = root.querySelector('[data-part="rows"] .ts-ltp')?.textContent ?? '';
				if (price === '—' || seen.at(-1)?.price === price) return;
				const lines = root.querySelectorAll('[data-part="console"] > * > *');
				const log = root.querySelectorAll('[data-part="log"] [role="listitem"] code');
				seen.push({
					price,
					line: lines[lines.length - 1]?.textContent ?? '',
					frame: log[log.length - 1]?.textContent ?? '',
				});
			}).observe(root.querySelector(`[data-part="rows"]`)!, {
				subtree: true,
				childList: true,
				characterData: true,
			});
		});
		// The ticks follow a quiet spell, as at the market's pace (the panel just sent its
		// subscribe and ping, which the log shows in a frame of their own).
		await page.waitForTimeout(500);
		const seen = () =>
			page.evaluate(
				() =>
					(window as unknown as { seen: { price: string; line: string; frame: string }[] }).seen,
			);
		const painted = (count: number) =>
			page.waitForFunction(
				(n) => (window as unknown as { seen: unknown[] }).seen.length >= n,
				count,
			);
		server().send(ltpTick(2500.5));
		// The next tick leaves as soon as this one is painted (waitForFunction checks each frame),
		// so it comes well within 100 ms of the frame that printed the first.
		await painted(1);
		server().send(ltpTick(2501.25));
		await painted(2);
		expect(await seen()).toEqual([
			{
				price: '2500.50',
				line: onTickLine(first!.symbol, 2500.5),
				frame: expect.stringContaining('"ltp":2500.5,'),
			},
			{
				price: '2501.25',
				line: onTickLine(first!.symbol, 2501.25),
				frame: expect.stringContaining('"ltp":2501.25,'),
			},
		]);
		expect(errors).toEqual([]);
	});

	it('moves the polling counter on once a second while no tick comes, and wakes the page no more often', async () => {
		// The test is the server, and it sends no tick: only the clock moves the counter.
		const { page, errors } = await openAsServer();
		const changes = await page.evaluate(async () => {
			const counter = document.querySelector('ch-tick-stream [data-part="polling"]')!;
			const at: number[] = [];
			const observer = new MutationObserver(() => at.push(performance.now()));
			observer.observe(counter, { subtree: true, childList: true, characterData: true });
			// Four seconds of a quiet stream, counted by the page's own clock.
			await new Promise((resolve) => setTimeout(resolve, 4_000));
			observer.disconnect();
			return at;
		});
		const gaps = changes.slice(1).map((t, i) => t - changes[i]!);
		expect(changes.length).toBeGreaterThanOrEqual(3);
		for (const gap of gaps) {
			expect(gap).toBeGreaterThan(950);
			expect(gap).toBeLessThan(2_000);
		}
		expect(errors).toEqual([]);
	});

	it('writes only what a tick changed: in LTP mode the quote and depth cells keep their “—”, the price its text node', async () => {
		// The test is the server, so each tick is known: same symbol, a new price each time.
		const { page, errors, server } = await openAsServer();
		const row = stream(page).locator('[data-part="rows"] tr').first();
		server().send(ltpTick(2500.5));
		await expect.poll(() => row.locator('.ts-ltp').textContent()).toBe('2500.50');
		// From here on, every change the page makes to the row, and whether the price's text node
		// is the one it was.
		await row.evaluate((tr) => {
			const w = window as unknown as { touched: string[]; priceNode: Node | null };
			w.touched = [];
			w.priceNode = tr.querySelector('.ts-ltp')!.firstChild;
			new MutationObserver((records) => {
				for (const record of records) {
					const cell = (
						record.target.nodeType === Node.TEXT_NODE
							? record.target.parentElement
							: (record.target as Element)
					)?.closest('td, th');
					w.touched.push(`${cell?.className ?? '?'} ${record.type}`);
				}
			}).observe(tr, { subtree: true, childList: true, characterData: true });
		});
		server().send(ltpTick(2501.25));
		await expect.poll(() => row.locator('.ts-ltp').textContent()).toBe('2501.25');
		server().send(ltpTick(2499));
		await expect.poll(() => row.locator('.ts-ltp').textContent()).toBe('2499.00');
		const { touched, samePriceNode } = await page.evaluate(() => {
			const w = window as unknown as { touched: string[]; priceNode: Node | null };
			const price = document.querySelector('ch-tick-stream [data-part="rows"] tr .ts-ltp')!;
			return {
				touched: [...new Set(w.touched)].sort(),
				samePriceNode: price.firstChild === w.priceNode,
			};
		});
		// The price and its change moved, in place; nothing else in the row was written.
		expect(touched).toEqual(['ts-num ts-change characterData', 'ts-num ts-ltp characterData']);
		expect(samePriceNode).toBe(true);
		expect(await row.locator('.ts-q, .ts-d').allTextContents()).toEqual(Array(6).fill('—'));
		expect(errors).toEqual([]);
	});

	it('keeps the console and the log like a terminal: newest last and in view, stay put when scrolled back, bounded', async () => {
		// The in-page simulation at its top speed: hundreds of ticks a second, no server.
		const { page, errors } = await open(
			{},
			`${pages.site.url}${CHAPTER}?stream=simulate&sim-rate=100`,
		);
		await streamOpen(page);
		/** The console's and the log's shape, read in one go (one frame's state). */
		const panes = () =>
			page.evaluate(() => {
				const shape = (pane: Element) => ({
					// The lines sit in blocks (TailPane).
					lines: pane.querySelectorAll(':scope > * > *').length,
					fromEnd: pane.scrollHeight - pane.scrollTop - pane.clientHeight,
					scrollTop: pane.scrollTop,
				});
				const root = document.querySelector('ch-tick-stream')!;
				const out = root.querySelector('[data-part="console"]')!;
				return {
					console: shape(out),
					log: shape(root.querySelector('[data-part="log"]')!),
					newestLine: out.lastElementChild?.lastElementChild?.textContent ?? '',
					lastTick: root.querySelector('[data-part="last-tick"]')!.textContent ?? '',
					printed: Number(root.getAttribute('data-printed')),
				};
			});
		await expect
			.poll(async () => (await panes()).printed, { timeout: 15_000 })
			.toBeGreaterThan(600);
		await frames(page, 2);
		let now = await panes();
		// Bounded: at least the last 200 lines (150 frames), never more than 50 beyond.
		expect(now.console.lines).toBeGreaterThanOrEqual(200);
		expect(now.console.lines).toBeLessThanOrEqual(250);
		expect(now.log.lines).toBeGreaterThanOrEqual(150);
		expect(now.log.lines).toBeLessThanOrEqual(200);
		// To a screen reader the log is one list of frames, oldest first across its blocks.
		const log = stream(page).getByRole('list', { name: 'Frame log' });
		// Read in one task, so one frame's state.
		const times = await log
			.getByRole('listitem')
			.locator('time')
			.evaluateAll((all) => all.map((time) => Date.parse(time.getAttribute('datetime')!)));
		expect(times.length).toBeGreaterThanOrEqual(150);
		expect(times).toEqual([...times].sort((a, b) => a - b));
		// Newest last, as a terminal prints, and in view.
		const [symbol, , , ltp] = now.newestLine.split(' ');
		expect(now.lastTick).toBe(`tick = {"symbol": "${symbol}", "ltp": ${ltp}}`);
		expect(now.console.fromEnd).toBeLessThanOrEqual(4);
		expect(now.log.fromEnd).toBeLessThanOrEqual(4);

		// A reader scrolls back to read: the panes stay put while lines keep coming.
		await page.evaluate(() => {
			for (const name of ['console', 'log'])
				document.querySelector(`ch-tick-stream [data-part="${name}"]`)!.scrollTop = 40;
		});
		const printedThen = now.printed;
		await expect.poll(async () => (await panes()).printed).toBeGreaterThan(printedThen + 100);
		now = await panes();
		expect(now.console.fromEnd).toBeGreaterThan(100);
		expect(now.log.fromEnd).toBeGreaterThan(100);
		// Back at the end, the panes follow again.
		await page.evaluate(() => {
			for (const name of ['console', 'log']) {
				const pane = document.querySelector(`ch-tick-stream [data-part="${name}"]`)!;
				pane.scrollTop = pane.scrollHeight;
			}
		});
		const printedBack = (await panes()).printed;
		await expect.poll(async () => (await panes()).printed).toBeGreaterThan(printedBack + 100);
		await frames(page, 2);
		now = await panes();
		expect(now.console.fromEnd).toBeLessThanOrEqual(4);
		expect(now.log.fromEnd).toBeLessThanOrEqual(4);
		expect(errors).toEqual([]);
	});

	it('says which entries the server refused and why, keeps streaming the rest, and passes axe', async () => {
		const { page, errors } = await open();
		await streamOpen(page);
		await send(page, {
			action: 'subscribe',
			mode: 'ltp',
			symbols: [
				{ symbol: 'RELAINCE', exchange: 'NSE' },
				{ symbol: 'INFY', exchange: 'NSE' },
			],
		});
		const problems = stream(page).locator('[data-part="problems"]');
		await expect.poll(() => problems.isVisible(), { timeout: 10_000 }).toBe(true);
		expect(await problems.textContent()).toContain('The server refused 1 of 2 entries');
		expect(await problems.textContent()).toMatch(/RELAINCE on NSE: .*RELIANCE\?/);
		const rows = stream(page).locator('tbody th .ts-symbol');
		await expect.poll(() => rows.allTextContents()).toEqual(['RELIANCE', 'TCS', 'INFY']);
		await expect
			.poll(async () => (await consoleLines(page)).some((l) => l.startsWith('INFY')), {
				timeout: 15_000,
			})
			.toBe(true);
		expect(await axeViolations(page, 'ch-tick-stream')).toEqual([]);

		// A message the server refuses whole: its error, in words.
		await send(page, {
			action: 'subscribe',
			mode: 'fast',
			symbols: [{ symbol: 'TCS', exchange: 'NSE' }],
		});
		await expect
			.poll(() => problems.textContent(), { timeout: 10_000 })
			.toMatch(/The server answered with an error \([A-Z_]+\)/);
		expect(await axeViolations(page, 'ch-tick-stream')).toEqual([]);
		expect(errors).toEqual([]);
	});

	it('stops a symbol’s ticks at the unsubscribe ack, dims its row legibly, and passes axe', async () => {
		const { page, errors, wire } = await open();
		await streamOpen(page);
		await send(page, {
			action: 'unsubscribe',
			symbols: [{ symbol: 'TCS', exchange: 'NSE', mode: 1 }],
		});
		const tcsRow = stream(page).locator('tbody tr', { hasText: 'TCS' });
		await expect.poll(() => tcsRow.getAttribute('data-unsubscribed')).toBe('');
		const received = () => wire.filter((f) => f.direction === 'received').map(parsed);
		// Wait until RELIANCE has ticked five times after the ack.
		const afterAck = () => {
			const frames = received();
			const ack = frames.findIndex((f) => f.type === 'unsubscribe');
			return ack < 0 ? [] : frames.slice(ack + 1).filter((f) => f.type === 'market_data');
		};
		await expect
			.poll(() => afterAck().filter((f) => f.symbol === 'RELIANCE').length, { timeout: 20_000 })
			.toBeGreaterThanOrEqual(5);
		expect(afterAck().filter((f) => f.symbol === 'TCS')).toEqual([]);
		expect(await tcsRow.textContent()).toContain('(unsubscribed)');
		expect(await axeViolations(page, 'ch-tick-stream')).toEqual([]);
		expect(errors).toEqual([]);
	});

	it('keeps a tester’s frame log: filters, search, counts, and Export as JSON lines', async () => {
		const { page, errors } = await open();
		await streamOpen(page);
		await expect
			.poll(async () => (await consoleLines(page)).length, { timeout: 15_000 })
			.toBeGreaterThan(3);
		// The TCS filter below needs a TCS frame in the log: wait for TCS's first price.
		await expect
			.poll(
				() => stream(page).locator('tbody tr', { hasText: 'TCS' }).locator('.ts-ltp').textContent(),
				{
					timeout: 15_000,
				},
			)
			.toMatch(/^\d+\.\d{2}$/);
		await stream(page).getByText('Inspect the wire').click();
		const tools = stream(page).locator('[data-part="filters"]');
		const log = stream(page).locator('[data-part="log"]');

		await tools.getByLabel('Direction').selectOption('sent');
		await frames(page, 2);
		const sentDirections = await log.getByRole('listitem').locator('.ts-dir').allTextContents();
		expect(sentDirections.length).toBeGreaterThan(0);
		expect(new Set(sentDirections)).toEqual(new Set(['↑ sent']));

		await tools.getByLabel('Direction').selectOption('all');
		await tools.getByLabel('Type').selectOption('market_data');
		await tools.getByLabel('Symbol').fill('tcs');
		await frames(page, 2);
		const tcsOnly = await log.getByRole('listitem').locator('code').allTextContents();
		expect(tcsOnly.length).toBeGreaterThan(0);
		for (const text of tcsOnly)
			expect(JSON.parse(text)).toMatchObject({ type: 'market_data', symbol: 'TCS' });

		await tools.getByLabel('Type').selectOption('all');
		await tools.getByLabel('Symbol').fill('');
		await tools.getByLabel('Search').fill('"action":"subscribe"');
		await frames(page, 2);
		const found = await log.getByRole('listitem').locator('code').allTextContents();
		expect(found).toEqual([
			'{"action":"subscribe","mode":"ltp","symbols":[{"symbol":"RELIANCE","exchange":"NSE"},{"symbol":"TCS","exchange":"NSE"}]}',
		]);
		expect(await stream(page).locator('[data-part="log-counts"]').textContent()).toMatch(
			/market data [1-9][\d,]* · acks 1 · errors 0 · pongs \d+ · requests sent [1-9]/,
		);

		const [download] = await Promise.all([
			page.waitForEvent('download'),
			tools.getByRole('button', { name: 'Export (JSON lines)' }).click(),
		]);
		const lines = (await readFile((await download.path())!, 'utf8'))
			.trim()
			.split('\n')
			.map((l) => JSON.parse(l));
		expect(lines[0]).toMatchObject({
			direction: 'sent',
			kind: 'request',
			frame: { action: 'subscribe', mode: 'ltp' },
		});
		expect(lines.some((l) => l.direction === 'received' && l.kind === 'market_data')).toBe(true);
		for (const line of lines) expect(new Date(line.time).toISOString()).toBe(line.time);
		expect(await axeViolations(page, 'ch-tick-stream')).toEqual([]);
		expect(errors).toEqual([]);
	});

	it('breaks frames in the log between tokens, never inside a word, at 360 px', async () => {
		const { page } = await open({ width: 360 });
		await streamOpen(page);
		await expect
			.poll(() => stream(page).locator('[data-part="log"] [role="listitem"]').count(), {
				timeout: 15_000,
			})
			.toBeGreaterThan(3);
		const badBreaks = await page.evaluate(() => {
			const bad: string[] = [];
			for (const code of document.querySelectorAll('ch-tick-stream [data-part="log"] code')) {
				const text = code.textContent ?? '';
				const walker = document.createTreeWalker(code, NodeFilter.SHOW_TEXT);
				let previousTop: number | undefined;
				let previousChar = '';
				for (let node = walker.nextNode(); node; node = walker.nextNode()) {
					for (let i = 0; i < (node.textContent ?? '').length; i++) {
						const range = document.createRange();
						range.setStart(node, i);
						range.setEnd(node, i + 1);
						const top = range.getBoundingClientRect().top;
						const char = node.textContent![i]!;
						// A new line between two letters or digits is a word cut in two.
						if (
							previousTop !== undefined &&
							top > previousTop + 2 &&
							/\w/.test(previousChar) &&
							/\w/.test(char)
						)
							bad.push(`${text.slice(0, 40)}… breaks between "${previousChar}" and "${char}"`);
						previousTop = top;
						previousChar = char;
					}
				}
			}
			return bad;
		});
		expect(badBreaks).toEqual([]);
	});

	it('wraps a piece of a frame wider than the log (a long symbol a reader sent) inside the log, at 360 px', async () => {
		const { page, errors } = await open({ width: 360 });
		await streamOpen(page);
		const symbol = 'LONG'.repeat(30);
		await send(page, {
			action: 'subscribe',
			symbols: [{ symbol, exchange: 'NSE' }],
			mode: 'ltp',
		});
		const frame = stream(page)
			.locator('[data-part="log"] [role="listitem"]')
			.filter({ hasText: symbol });
		await frame.first().waitFor();
		const fit = await frame.first().evaluate((item) => {
			const log = item.closest('[data-part="log"]')!;
			const code = item.querySelector('code')!;
			const right = Math.max(...[...code.getClientRects()].map((r) => r.right));
			const box = log.getBoundingClientRect();
			const inner = box.left + log.clientLeft + log.clientWidth;
			return {
				overflowsLog: log.scrollWidth > log.clientWidth,
				overflowsItem: item.scrollWidth > item.clientWidth,
				pastEdge: right > inner + 0.5,
			};
		});
		// All of it shows: no line runs past the log's edge, where its block would clip it.
		expect(fit).toEqual({ overflowsLog: false, overflowsItem: false, pastEdge: false });
		expect(errors).toEqual([]);
	});

	it('sets the log’s frames apart evenly, also where one block of lines ends and the next begins', async () => {
		const { page, errors } = await open(
			{},
			`${pages.site.url}${CHAPTER}?stream=simulate&sim-rate=100`,
		);
		await streamOpen(page);
		const frameLog = stream(page).getByRole('list', { name: 'Frame log' });
		// More than a block (TailPane keeps 25 lines to a block).
		await expect
			.poll(() => frameLog.getByRole('listitem').count(), { timeout: 15_000 })
			.toBeGreaterThan(60);
		// Read in one task, so one frame's layout: the space between each frame's rule and the next.
		const { gaps, above, rem } = await frameLog.evaluate((list) => {
			const items = [...list.querySelectorAll('[role="listitem"]')].map((item) =>
				item.getBoundingClientRect(),
			);
			const pane = list.getBoundingClientRect();
			const paddingTop = parseFloat(getComputedStyle(list).paddingTop);
			return {
				gaps: items.slice(1).map((item, i) => Math.round((item.top - items[i]!.bottom) * 10) / 10),
				// From the top of the log's content (scrolled or not) to the first frame.
				above:
					Math.round(
						(items[0]!.top - (pane.top + list.clientTop + paddingTop - list.scrollTop)) * 10,
					) / 10,
				rem: parseFloat(getComputedStyle(document.documentElement).fontSize),
			};
		});
		expect(gaps.length).toBeGreaterThan(60);
		// 0.35rem between frames, as the log was spaced before its lines went into blocks.
		expect(new Set(gaps)).toEqual(new Set([Math.round(0.35 * rem * 10) / 10]));
		// And none above the first.
		expect(above).toBeCloseTo(0, 1);
		expect(errors).toEqual([]);
	});

	it('shows the handshake the browser made, with Sec-WebSocket-Accept checked, and the latency', async () => {
		const { page, errors } = await open();
		await streamOpen(page);
		await stream(page).getByText('Inspect the wire').click();
		const check = stream(page).locator('[data-part="handshake-check"]');
		await expect.poll(() => check.getAttribute('data-verified'), { timeout: 10_000 }).toBe('true');
		const request = await stream(page).locator('[data-part="handshake-request"]').textContent();
		expect(request).toMatch(/^GET \/stream HTTP\/1\.1\n/);
		expect(request).toMatch(/\nSec-WebSocket-Key: [A-Za-z0-9+/]{22}==/);
		expect(request).not.toMatch(/cookie|authorization/i);
		const response = await stream(page).locator('[data-part="handshake-response"]').textContent();
		expect(response).toMatch(/^HTTP\/1\.1 101 Switching Protocols\n/);
		const accept = response!.match(/Sec-WebSocket-Accept: (\S+)/)![1]!;
		expect(await check.textContent()).toContain(accept);
		await expect
			.poll(() => stream(page).locator('[data-part="rtt"]').textContent(), { timeout: 10_000 })
			.toMatch(/^last \d+ ms, average \d+ ms over \d+ pings?$/);
		await expect
			.poll(() => stream(page).locator('[data-part="tick-delay"]').textContent(), {
				timeout: 10_000,
			})
			.toMatch(/^last \d+ ms, average \d+ ms over [\d,]+ ticks?$/);
		// Quiet: no live region in the wire part.
		expect(await stream(page).locator('[data-part="wire"] [aria-live]').count()).toBe(0);
		expect(await axeViolations(page, 'ch-tick-stream')).toEqual([]);
		expect(errors).toEqual([]);
	});

	it('on a static host says why it simulates, claims no WebSocket, shows no handshake, and passes axe', async () => {
		const staticSite = await startSiteServer({ root: siteDist, host: '127.0.0.1', port: 0 });
		try {
			const { page, wire } = await open(
				{ colorScheme: 'dark' },
				new URL(CHAPTER, staticSite.url).href,
			);
			await stream(page).scrollIntoViewIfNeeded();
			await page.waitForSelector('ch-tick-stream[data-transport="simulation"][data-state="open"]', {
				timeout: 20_000,
			});
			const note = stream(page).locator('[data-part="simulated"]');
			expect(await note.textContent()).toContain(
				'There is no stream server at /stream (the site is served as plain files).',
			);
			const intro = await stream(page).locator('.ts-intro:visible').allTextContents();
			expect(intro).toHaveLength(1);
			expect(intro[0]).not.toMatch(/opens a WebSocket/);
			expect(intro[0]).toMatch(/runs the mock market inside the page/);
			await stream(page).getByText('Inspect the wire').click();
			// <details> fires its toggle event as a task after the click: wait for the note it writes.
			await expect
				.poll(() => stream(page).locator('[data-part="handshake-note"]').textContent())
				.toMatch(/There is no handshake to show/);
			await expect
				.poll(async () => (await consoleLines(page)).length, { timeout: 10_000 })
				.toBeGreaterThan(0);
			expect(wire.filter((f) => f.direction === 'received')).toEqual([]);
			expect(await axeViolations(page, 'ch-tick-stream')).toEqual([]);
		} finally {
			await staticSite.close();
		}
	});

	/** Opens the chapter with the panel's code held back, points it at `streamUrl`, then lets it run. */
	async function openWithStreamUrl(streamUrl: string): Promise<{ page: Page; wire: WireFrame[] }> {
		const context = await newContext(pages.browser);
		pages.track(context);
		const release = await holdRequests(context, '**/tick-stream.client.*.js');
		const page = await context.newPage();
		const wire = recordWire(page);
		await page.goto(pages.site.url + CHAPTER);
		await stream(page).evaluate(
			(element, url) => element.setAttribute('data-stream-url', url),
			streamUrl,
		);
		await stream(page).scrollIntoViewIfNeeded();
		release();
		return { page, wire };
	}

	it('speaks the standalone protocol to a stream on another origin: authenticate with demo first', async () => {
		const standalone = createStreamServer({ mount: 'standalone' });
		const server = createStandaloneServer(standalone);
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		try {
			const { port } = server.address() as AddressInfo;
			const { page, wire } = await openWithStreamUrl(`ws://127.0.0.1:${port}/`);
			await page.waitForSelector('ch-tick-stream[data-state="open"][data-transport="server"]', {
				timeout: 20_000,
			});
			await expect
				.poll(async () => (await consoleLines(page)).length, { timeout: 15_000 })
				.toBeGreaterThan(0);
			const sent = wire.filter((f) => f.direction === 'sent').map(parsed);
			expect(sent[0]).toEqual({ action: 'authenticate', api_key: 'demo' });
			expect(sent.findIndex((m) => m.action === 'subscribe')).toBeGreaterThan(0);
			// The frame log shows the authenticate too (oldest first, as the log reads).
			expect(await stream(page).locator('.ts-frame--sent code').first().textContent()).toBe(
				'{"action":"authenticate","api_key":"demo"}',
			);
			expect(await stream(page).locator('[data-part="state"]').textContent()).toContain(
				`ws://127.0.0.1:${port}/`,
			);
		} finally {
			await standalone.close();
			await new Promise((resolve) => server.close(resolve));
		}
	});

	it('says nothing is listening, the page’s CSP refused it, or the origin was refused, before it simulates', async () => {
		// A port that was just free: nothing listens there.
		const probe: Server = createServer();
		await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
		const { port } = probe.address() as AddressInfo;
		await new Promise((resolve) => probe.close(resolve));
		const silent = await openWithStreamUrl(`ws://127.0.0.1:${port}/`);
		await silent.page.waitForSelector(
			'ch-tick-stream[data-transport="simulation"][data-state="open"]',
			{ timeout: 20_000 },
		);
		expect(await stream(silent.page).locator('[data-part="simulated"]').textContent()).toContain(
			`Nothing is listening at ws://127.0.0.1:${port}/`,
		);

		// An address the page's own Content-Security-Policy does not allow.
		const blocked = await openWithStreamUrl(`ws://127.0.0.2:${port}/`);
		await blocked.page.waitForSelector(
			'ch-tick-stream[data-transport="simulation"][data-state="open"]',
			{
				timeout: 20_000,
			},
		);
		expect(await stream(blocked.page).locator('[data-part="simulated"]').textContent()).toContain(
			`This page's Content-Security-Policy does not allow connecting to ws://127.0.0.2:${port}/`,
		);

		// The site's own stream under another name (localhost): its origin check refuses this page.
		const refused = await openWithStreamUrl(
			`ws://localhost:${new URL(pages.site.url).port}/stream`,
		);
		await refused.page.waitForSelector(
			'ch-tick-stream[data-transport="simulation"][data-state="open"]',
			{ timeout: 20_000 },
		);
		expect(await stream(refused.page).locator('[data-part="simulated"]').textContent()).toMatch(
			/A server answered at ws:\/\/localhost:\d+\/stream but refused the WebSocket handshake/,
		);
	});

	it('survives being moved: it reconnects, keeps its subscriptions, and closes what it opened', async () => {
		const { page, errors, wire } = await open();
		await streamOpen(page);
		const sockets: string[] = [];
		page.on('websocket', (socket) => {
			sockets.push('open');
			socket.on('close', () => sockets.push('close'));
		});
		await stream(page).evaluate((element) => {
			const holder = document.createElement('div');
			document.body.append(holder);
			holder.append(element); // disconnectedCallback, then connectedCallback
		});
		await page.waitForSelector('ch-tick-stream[data-state="open"]', { timeout: 10_000 });
		const count = await printed(page);
		await expect.poll(() => printed(page), { timeout: 15_000 }).toBeGreaterThan(count);
		const subscribes = wire
			.filter((f) => f.direction === 'sent')
			.map(parsed)
			.filter((m) => m.action === 'subscribe');
		expect(subscribes).toHaveLength(2); // once per connection, the same message
		expect(subscribes[1]).toEqual(subscribes[0]);

		await stream(page).evaluate((element) => element.remove());
		await expect.poll(() => sockets, { timeout: 10_000 }).toEqual(['open', 'close']);
		expect(errors).toEqual([]);
	});

	for (const width of [360, 1280]) {
		it(`shows every column a mode brings, or visibly scrolls to it (${width} px)`, async () => {
			const { page } = await open({ width });
			await streamOpen(page);
			const table = stream(page).locator('[data-part="table"]');
			const wrap = stream(page).locator('[data-part="table-wrap"]');
			const hint = stream(page).locator('[data-part="scroll-hint"]');
			for (const mode of ['ltp', 'quote', 'depth'] as const) {
				if (mode !== 'ltp') {
					await send(page, {
						action: 'subscribe',
						mode,
						symbols: [{ symbol: 'RELIANCE', exchange: 'NSE' }],
					});
					await expect
						.poll(() => table.getAttribute('data-fields'), { timeout: 15_000 })
						.toBe(mode);
				}
				await frames(page, 3);
				const headers = await table.locator('thead th:visible').allTextContents();
				expect(headers.length).toBe({ ltp: 4, quote: 8, depth: 10 }[mode]);
				const overflow = await wrap.evaluate((el) => el.scrollWidth - el.clientWidth);
				if (width === 1280 || mode === 'ltp') {
					expect(overflow, `${mode} at ${width} px fits`).toBeLessThanOrEqual(1);
					expect(await hint.isVisible()).toBe(false);
				} else {
					// Too wide for a phone: said, and the symbol stays while the rest scrolls.
					expect(await hint.isVisible()).toBe(true);
					const scrolled = await wrap.evaluate((el) => {
						el.scrollTo({ left: el.scrollWidth, behavior: 'instant' });
						return el.scrollLeft;
					});
					expect(scrolled, `${mode}: the table scrolls`).toBeGreaterThan(0);
					await frames(page, 2);
					// Scrolled to its end, the last column is in view and the symbol stays (measured in one
					// task; scrolled again each try, as a tick may re-lay the columns out meanwhile).
					await expect
						.poll(
							() =>
								wrap.evaluate((el) => {
									el.scrollTo({ left: el.scrollWidth, behavior: 'instant' });
									const headers = [...el.querySelectorAll('thead th')].filter(
										(th) => getComputedStyle(th).display !== 'none',
									);
									const last = headers.at(-1)!.getBoundingClientRect();
									const name = el.querySelector('tbody th')!.getBoundingClientRect();
									const box = el.getBoundingClientRect();
									return last.right <= box.right + 1 && name.left >= box.left - 1;
								}),
							{ timeout: 10_000 },
						)
						.toBe(true);
				}
			}
			expect(await axeViolations(page, 'ch-tick-stream')).toEqual([]);
		});
	}

	it('without JavaScript shows the author’s words and a short picture, not empty boxes', async () => {
		const { page } = await open({ javaScriptEnabled: false, width: 360 });
		await expect(
			stream(page).getByText('With a stream, the server effectively calls you').isVisible(),
		).resolves.toBe(true);
		const picture = stream(page).locator('figure');
		expect(await picture.isVisible()).toBe(true);
		expect(await picture.textContent()).toContain('RELIANCE is now 1313.6');
		expect(await picture.textContent()).toContain('"type":"market_data"');
		expect(await stream(page).locator('table').isVisible()).toBe(false);
		expect(await stream(page).locator('[data-part="console"]').isVisible()).toBe(false);
		expect(await stream(page).getByRole('button').count()).toBe(0);
	});
});
