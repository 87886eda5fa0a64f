// The pull-vs-push diagram in a real browser: it animates, its counters agree with the polling
// simulation at the element's own market time, pause stops it, the poll interval changes the
// counts, reduced motion steps instead, the keyboard drives it, and axe finds nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import {
	axeViolations,
	browserAvailable,
	collectErrors,
	frames,
	holdRequests,
	launchBrowser,
	newContext,
	startSite,
	type ContextOptions,
	type SiteUnderTest,
} from './harness.ts';
import { formatSeconds, simulatePolling, tickSchedule } from '../../src/lib/polling-sim.ts';

const CHAPTER = '/chapters/39-what-a-websocket-is/';

interface Snapshot {
	state: string;
	simMs: number;
	pollMs: number;
	tickRate: number;
	seed: number;
	latencyMs: number;
	counters: Record<string, string>;
}

/** Reads the element's market time, settings and counters in one task, so they belong together. */
function snapshot(page: Page): Promise<Snapshot> {
	return page.evaluate(() => {
		const element = document.querySelector('ch-pull-push') as HTMLElement;
		const counters: Record<string, string> = {};
		for (const cell of element.querySelectorAll<HTMLElement>('[data-counter]')) {
			counters[cell.dataset.counter as string] = cell.textContent ?? '';
		}
		const d = element.dataset;
		return {
			state: d.state ?? '',
			simMs: Number(d.simMs),
			pollMs: Number(d.pollMs),
			tickRate: Number(d.tickRate),
			seed: Number(d.seed),
			latencyMs: Number(d.latencyMs),
			counters,
		};
	});
}

/** What the counters must read, computed here from the same inputs by the pure simulation. */
function expectedCounters(s: Snapshot): Record<string, string> {
	const ticks = tickSchedule({ seed: s.seed, ticksPerSecond: s.tickRate, untilMs: s.simMs + 1000 });
	const sim = simulatePolling({
		ticks,
		pollMs: s.pollMs,
		latencyMs: s.latencyMs,
		untilMs: s.simMs + 1000,
	});
	const summary = sim.summaryAt(s.simMs);
	return {
		requestsSent: String(summary.requestsSent),
		emptyReplies: String(summary.emptyReplies),
		priceReplies: String(summary.priceReplies),
		ticksStreamed: String(summary.ticksStreamed),
		ticksMissed: String(summary.ticksMissed),
		pollingStaleness: formatSeconds(summary.averageStalenessMs.polling),
		streamingStaleness: '0 s',
	};
}

describe.skipIf(!browserAvailable)('pull-vs-push diagram', () => {
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

	async function open(
		options: ContextOptions = {},
	): Promise<{ page: Page; errors: string[]; close: () => Promise<void> }> {
		const context = await newContext(browser, options);
		const page = await context.newPage();
		const errors = collectErrors(page);
		await page.goto(site.url + CHAPTER);
		await page.locator('ch-pull-push').scrollIntoViewIfNeeded();
		await page.waitForFunction(
			() => document.querySelector('ch-pull-push')?.getAttribute('data-state') !== 'static',
		);
		return { page, errors, close: () => context.close() };
	}

	it('animates, and its counters agree with the simulation at its market time', async () => {
		const { page, errors, close } = await open();
		expect((await snapshot(page)).state).toBe('playing');
		await page.waitForFunction(
			() => Number(document.querySelector('ch-pull-push')?.getAttribute('data-sim-ms')) > 2500,
		);
		const first = await snapshot(page);
		expect(first.counters).toEqual(expectedCounters(first));
		expect(Number(first.counters.requestsSent)).toBeGreaterThanOrEqual(3);
		await page.waitForFunction(
			(after) =>
				Number(document.querySelector('ch-pull-push')?.getAttribute('data-sim-ms')) > after + 1500,
			first.simMs,
		);
		const later = await snapshot(page);
		expect(later.counters).toEqual(expectedCounters(later));
		expect(Number(later.counters.requestsSent)).toBeGreaterThan(
			Number(first.counters.requestsSent),
		);
		// The lanes draw what the simulation says: one "update?" per request sent.
		const drawnAsks = await page
			.locator('svg[data-lane="poll"] text', { hasText: 'update?' })
			.count();
		expect(drawnAsks).toBeGreaterThan(0);
		// The seed's caption stays under the live diagram.
		await expect(page.locator('ch-pull-push figcaption').textContent()).resolves.toBe(
			'Polling asks again and again; a WebSocket opens once and the server pushes every tick.',
		);
		expect(errors).toEqual([]);
		await close();
	});

	it('stops when paused and says so politely', async () => {
		const { page, close } = await open();
		await page.waitForFunction(
			() => Number(document.querySelector('ch-pull-push')?.getAttribute('data-sim-ms')) > 500,
		);
		await page.getByRole('button', { name: 'Pause', exact: true }).click();
		const paused = await snapshot(page);
		expect(paused.state).toBe('paused');
		await frames(page, 20);
		expect((await snapshot(page)).simMs).toBe(paused.simMs);
		const live = page.locator('ch-pull-push [aria-live="polite"]');
		await expect(live.textContent()).resolves.toMatch(/^Paused\. After .* requests sent/);
		await page.getByRole('button', { name: 'Play', exact: true }).click();
		await page.waitForFunction(
			(at) => Number(document.querySelector('ch-pull-push')?.getAttribute('data-sim-ms')) > at,
			paused.simMs,
		);
		await close();
	});

	it('counts differently when the poll interval changes', async () => {
		const { page, close } = await open();
		await page.waitForFunction(
			() => Number(document.querySelector('ch-pull-push')?.getAttribute('data-sim-ms')) > 4000,
		);
		await page.getByRole('button', { name: 'Pause', exact: true }).click();
		const before = await snapshot(page);
		const slider = page.getByRole('slider', { name: /Poll every/ });
		await slider.focus();
		for (let i = 0; i < 4; i++) await slider.press('ArrowRight');
		const after = await snapshot(page);
		expect(after.pollMs).toBe(before.pollMs + 2000);
		expect(after.simMs).toBe(before.simMs);
		expect(after.counters).toEqual(expectedCounters(after));
		expect(Number(after.counters.requestsSent)).toBeLessThan(Number(before.counters.requestsSent));
		await expect(page.locator('ch-pull-push output').first().textContent()).resolves.toBe('3.0 s');
		await close();
	});

	it('steps through events without motion when the reader prefers reduced motion', async () => {
		const { page, close } = await open({ reducedMotion: 'reduce' });
		const start = await snapshot(page);
		expect(start.state).toBe('paused');
		expect(start.simMs).toBe(0);
		await expect(page.getByRole('button', { name: 'Play', exact: true }).isVisible()).resolves.toBe(
			false,
		);
		await frames(page, 10);
		expect((await snapshot(page)).simMs).toBe(0);

		const ticks = tickSchedule({
			seed: start.seed,
			ticksPerSecond: start.tickRate,
			untilMs: 60_000,
		});
		const events = simulatePolling({
			ticks,
			pollMs: start.pollMs,
			latencyMs: start.latencyMs,
			untilMs: 60_000,
		})
			.eventTimes()
			.filter((t) => t > 0);
		const step = page.getByRole('button', { name: 'Next event' });
		for (let i = 0; i < 5; i++) {
			await step.press(i % 2 === 0 ? 'Enter' : 'Space');
			const now = await snapshot(page);
			expect(now.simMs).toBe(events[i]);
			expect(now.counters).toEqual(expectedCounters(now));
		}
		await expect(page.locator('ch-pull-push [aria-live="polite"]').textContent()).resolves.toMatch(
			/After .* of market time/,
		);
		await close();
	});

	it('works from the keyboard alone, with a visible focus ring', async () => {
		const { page, close } = await open();
		await page.getByRole('button', { name: 'Pause', exact: true }).focus();
		await page.keyboard.press('Enter');
		expect((await snapshot(page)).state).toBe('paused');
		await page.keyboard.press('Tab');
		const focused = await page.evaluate(() => {
			const el = document.activeElement as HTMLElement;
			const style = getComputedStyle(el);
			return {
				text: el.textContent,
				outline: style.outlineStyle,
				width: parseFloat(style.outlineWidth),
			};
		});
		expect(focused).toMatchObject({ text: 'Next event', outline: 'solid' });
		expect(focused.width).toBeGreaterThan(0);
		const before = (await snapshot(page)).simMs;
		await page.keyboard.press('Enter');
		expect((await snapshot(page)).simMs).toBeGreaterThan(before);
		await page.keyboard.press('Tab'); // Restart
		await page.keyboard.press('Tab'); // poll interval
		await page.keyboard.press('ArrowLeft');
		expect((await snapshot(page)).pollMs).toBe(500);
		await page.keyboard.press('Tab'); // tick rate
		await page.keyboard.press('ArrowRight');
		expect((await snapshot(page)).tickRate).toBe(1.5);
		await page.keyboard.press('Shift+Tab');
		await page.keyboard.press('Shift+Tab');
		await page.keyboard.press('Enter'); // Restart
		expect((await snapshot(page)).simMs).toBe(0);
		await close();
	});

	for (const colorScheme of ['light', 'dark'] as const) {
		it(`has no axe violations (${colorScheme}, playing and paused)`, async () => {
			const { page, close } = await open({ colorScheme });
			await page.waitForFunction(
				() => Number(document.querySelector('ch-pull-push')?.getAttribute('data-sim-ms')) > 1500,
			);
			expect(await axeViolations(page, 'ch-pull-push')).toEqual([]);
			await page.getByRole('button', { name: 'Pause', exact: true }).click();
			expect(await axeViolations(page, 'ch-pull-push')).toEqual([]);
			await close();
		});
	}

	for (const [width, reducedMotion] of [
		[360, 'no-preference'],
		[1280, 'no-preference'],
		[360, 'reduce'],
	] as const) {
		it(`takes its live shape before its code arrives, so nothing moves (${width} px, motion ${reducedMotion})`, async () => {
			const context = await newContext(browser, { width, height: 800, reducedMotion });
			const release = await holdRequests(context, '**/pull-push.client.*.js');
			const page = await context.newPage();
			const errors = collectErrors(page);
			await page.goto(site.url + CHAPTER);
			const diagram = page.locator('ch-pull-push');
			await diagram.scrollIntoViewIfNeeded();
			const before = (await diagram.boundingBox())!.height;
			// Waiting: the controls and counters at time zero, not yet operable.
			await expect(diagram.getAttribute('data-state')).resolves.toBe('static');
			await expect(diagram.locator('caption').textContent()).resolves.toBe(
				'After 0.0 s of market time',
			);
			await expect(diagram.getByLabel('Poll every').inputValue()).resolves.toBe('1');
			expect(await diagram.locator('.pp-live').evaluate((el) => (el as HTMLElement).inert)).toBe(
				true,
			);
			expect(await axeViolations(page, 'ch-pull-push')).toEqual([]);

			release();
			await page.waitForFunction(
				() => document.querySelector('ch-pull-push')?.getAttribute('data-state') !== 'static',
			);
			expect(Math.abs((await diagram.boundingBox())!.height - before)).toBeLessThanOrEqual(1);
			await expect(diagram.getByRole('button', { name: 'Next event' }).isVisible()).resolves.toBe(
				true,
			);
			expect(errors).toEqual([]);
			await context.close();
		});
	}

	it('shows the static figure when JavaScript is off', async () => {
		const context = await newContext(browser, { javaScriptEnabled: false });
		const page = await context.newPage();
		await page.goto(site.url + CHAPTER);
		const figure = page.locator('ch-pull-push figure');
		// The live panel is in the HTML too, laid out only when scripts run.
		await expect(figure.locator('svg:visible title').allTextContents()).resolves.toEqual([
			'Polling — ask over and over',
			'WebSocket — one open stream',
		]);
		await expect(figure.locator('svg:visible text').first().textContent()).resolves.toBe(
			'POLLING — ask over and over',
		);
		await expect(page.locator('ch-pull-push button:visible').count()).resolves.toBe(0);
		await expect(page.locator('ch-pull-push table:visible').count()).resolves.toBe(0);
		await expect(figure.locator('figcaption').isVisible()).resolves.toBe(true);
		await context.close();
	});
});
