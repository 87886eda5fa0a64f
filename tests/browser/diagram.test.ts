// The pull-vs-push diagram in a real browser: it opens with the seed's story (every price
// labelled, at the rate the slider states), its counters agree with the simulation at the
// element's own market time, the stream never looks behind polling, a slider change starts again
// visibly from 0 s, labels are 12 px and the lanes side by side at 360 px, the live region
// speaks only when asked, reduced motion steps instead, the keyboard drives it, axe finds
// nothing, and on paper the author's figure shows.
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import {
	axeViolations,
	browserAvailable,
	frames,
	holdRequests,
	useChapterPages,
	type ContextOptions,
} from './harness.ts';
import { formatSeconds } from '../../src/lib/polling-sim.ts';
import {
	LANE,
	formatPrice,
	pxPerMs,
	runDiagram,
	type DiagramSettings,
} from '../../src/lib/pull-push-diagram.ts';

interface Snapshot {
	state: string;
	simMs: number;
	run: number;
	settings: DiagramSettings;
	counters: Record<string, string>;
	live: string;
	status: string;
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
			run: Number(d.run),
			settings: {
				seed: Number(d.seed),
				pollMs: Number(d.pollMs),
				ticksPerSecond: Number(d.tickRate),
				latencyMs: Number(d.latencyMs),
			},
			counters,
			live: element.querySelector('[aria-live="polite"]')?.textContent ?? '',
			status: element.querySelector('[data-part="status"]')?.textContent?.trim() ?? '',
		};
	});
}

/** What the counters must read, computed here from the same inputs by the pure simulation. */
function expectedCounters(s: Snapshot): Record<string, string> {
	const summary = runDiagram(s.settings, s.simMs + 1000).summaryAt(s.simMs);
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

interface LaneLabel {
	text: string;
	/** Where the label sits now, px from the top of its lane. */
	y: number;
}

/**
 * The labels a lane shows inside its drawing window right now, top to bottom, in one column:
 * `code` (beside your code) or `server`.
 */
function laneLabels(page: Page, lane: 'poll' | 'stream', column: 'code' | 'server') {
	return page.evaluate(
		({ lane, x, top, bottom }) => {
			const root = document.querySelector(`svg[data-lane="${lane}"]`) as SVGSVGElement;
			const track = root.querySelector('[data-track]') as SVGGElement;
			const shift = track.transform.baseVal.consolidate()?.matrix.f ?? 0;
			const labels: LaneLabel[] = [];
			for (const text of track.querySelectorAll('text')) {
				if (text.getAttribute('x') !== x || text.getAttribute('visibility') === 'hidden') continue;
				const y = Number(text.getAttribute('y')) + shift;
				if (y >= top && y <= bottom) labels.push({ text: text.textContent ?? '', y });
			}
			return labels.sort((a, b) => a.y - b.y);
		},
		{
			lane,
			x: `${column === 'code' ? LANE.codeXPct : LANE.serverXPct}%`,
			top: LANE.topY,
			bottom: LANE.clipBottomY,
		},
	);
}

/** Waits until the diagram's market time passes `ms`. */
function simPast(page: Page, ms: number): Promise<unknown> {
	return page.waitForFunction(
		(after) => Number(document.querySelector('ch-pull-push')?.getAttribute('data-sim-ms')) > after,
		ms,
	);
}

describe.skipIf(!browserAvailable)('pull-vs-push diagram', () => {
	const pages = useChapterPages();

	/** Opens the chapter in a fresh context and waits for the diagram, scrolled to, to come alive. */
	async function open(
		options: ContextOptions = {},
	): Promise<{ page: Page; errors: string[]; close: () => Promise<void> }> {
		const { page, errors, context } = await pages.open(options);
		await page.locator('ch-pull-push').scrollIntoViewIfNeeded();
		await page.waitForFunction(
			() => document.querySelector('ch-pull-push')?.getAttribute('data-state') !== 'static',
		);
		return { page, errors, close: () => context.close() };
	}

	/** Presses "Next event" until the market time reaches `untilMs`; returns each step's time. */
	async function stepUntil(page: Page, untilMs: number): Promise<number[]> {
		const times: number[] = [];
		const step = page.getByRole('button', { name: 'Next event' });
		for (let i = 0; i < 200; i++) {
			await step.click();
			const { simMs } = await snapshot(page);
			times.push(simMs);
			if (simMs >= untilMs) return times;
		}
		throw new Error(`"Next event" never reached ${untilMs} ms`);
	}

	for (const [pollSteps, rateSteps] of [
		[0, 0],
		[-1, 8],
	] as const) {
		it(`opens with the seed's story, every price labelled (poll slider ${pollSteps}, rate slider +${rateSteps})`, async () => {
			const { page, errors, close } = await open();
			await page.getByRole('button', { name: 'Pause', exact: true }).click();
			const poll = page.getByRole('slider', { name: /Poll every/ });
			for (let i = 0; i < -pollSteps; i++) await poll.press('ArrowLeft');
			const rate = page.getByRole('slider', { name: /Price changes/ });
			for (let i = 0; i < rateSteps; i++) await rate.press('ArrowRight');
			await page.getByRole('button', { name: 'Replay the opening' }).click();
			const { settings, simMs } = await snapshot(page);
			expect(simMs).toBe(0);
			const gapMs = Math.round(1000 / settings.ticksPerSecond);
			await expect(
				page.locator('ch-pull-push output[data-out="rate"]').textContent(),
			).resolves.toBe(`${settings.ticksPerSecond} a second`);

			// Step to the moment the stream has 1313.50 (the opening's third tick plus latency).
			const sim = runDiagram(settings, 20_000);
			const third = sim.fates[2];
			await stepUntil(page, third.streamedMs);
			const stream = await laneLabels(page, 'stream', 'code');
			expect(stream.map((l) => l.text)).toEqual([
				'subscribe (once)',
				'1313.60',
				'1313.80',
				'1313.50',
			]);
			// One mean gap apart, at the rate the slider states.
			const scale = pxPerMs(settings);
			for (const [a, b] of [
				[1, 2],
				[2, 3],
			]) {
				expect(Math.round((stream[b].y - stream[a].y) / scale)).toBe(gapMs);
			}
			await expect(
				laneLabels(page, 'stream', 'server').then((l) => l.map((x) => x.text)),
			).resolves.toEqual(['1313.60', '1313.80', '1313.50']);
			// Polling: "update?", "no", then 1313.60 is the first price it receives.
			const polling = (await laneLabels(page, 'poll', 'code')).map((l) => l.text);
			const prices = polling.filter((t) => t !== 'update?');
			expect(polling.slice(0, 2)).toEqual(['update?', 'no']);
			expect(prices.slice(0, 2)).toEqual(['no', '1313.60']);
			expect(errors).toEqual([]);
			await close();
		});
	}

	it('animates, its counters agree with the simulation, and every poll in view has its "update?"', async () => {
		const { page, errors, close } = await open();
		expect((await snapshot(page)).state).toBe('playing');
		await simPast(page, 2500);
		const first = await snapshot(page);
		expect(first.counters).toEqual(expectedCounters(first));
		await simPast(page, first.simMs + 1500);
		await page.getByRole('button', { name: 'Pause', exact: true }).click();
		const later = await snapshot(page);
		expect(later.counters).toEqual(expectedCounters(later));
		expect(Number(later.counters.requestsSent)).toBeGreaterThan(
			Number(first.counters.requestsSent),
		);
		// The lanes draw what the simulation says: one "update?" for every request in view.
		const scale = pxPerMs(later.settings);
		const inView = runDiagram(later.settings, later.simMs + 1000).polls.filter(
			(p) =>
				p.sentMs <= later.simMs && LANE.nowY - (later.simMs - p.sentMs) * scale - 4 >= LANE.topY,
		).length;
		const asks = (await laneLabels(page, 'poll', 'code')).filter((l) => l.text === 'update?');
		expect(asks.length).toBe(inView);
		expect(inView).toBeGreaterThanOrEqual(3);
		// The seed's caption stays under the live diagram.
		await expect(page.locator('ch-pull-push figcaption').textContent()).resolves.toBe(
			'Polling asks again and again; a WebSocket opens once and the server pushes every tick.',
		);
		expect(errors).toEqual([]);
		await close();
	});

	it('never shows the stream behind polling, even at the busiest settings', async () => {
		const { page, close } = await open();
		await page.getByRole('slider', { name: /Poll every/ }).press('ArrowLeft');
		const rate = page.getByRole('slider', { name: /Price changes/ });
		for (let i = 0; i < 8; i++) await rate.press('ArrowRight');
		for (const at of [6000, 9000]) {
			await simPast(page, at);
			await page.getByRole('button', { name: 'Pause', exact: true }).click();
			const s = await snapshot(page);
			expect(s.settings).toMatchObject({ pollMs: 500, ticksPerSecond: 5 });
			const summary = runDiagram(s.settings, s.simMs + 1000).summaryAt(s.simMs);
			const stream = await laneLabels(page, 'stream', 'code');
			// The stream's newest label is the newest price it has.
			expect(stream.at(-1)?.text).toBe(formatPrice(summary.streamingLtp as number));
			await expect(
				page.locator('svg[data-lane="stream"] + [data-readout]').textContent(),
			).resolves.toContain(formatPrice(summary.streamingLtp as number));
			await page.getByRole('button', { name: 'Play', exact: true }).click();
		}
		await close();
	});

	it('starts again visibly from 0 s when a slider moves, and says so', async () => {
		const { page, close } = await open();
		await simPast(page, 4000);
		await page.getByRole('button', { name: 'Pause', exact: true }).click();
		const before = await snapshot(page);
		expect(Number(before.counters.requestsSent)).toBeGreaterThanOrEqual(5);
		const slider = page.getByRole('slider', { name: /Poll every/ });
		for (let i = 0; i < 3; i++) await slider.press('ArrowRight');
		const after = await snapshot(page);
		expect(after.settings.pollMs).toBe(before.settings.pollMs + 1500);
		// Not the old counts recomputed under the new setting: a new run, from zero.
		expect(after.simMs).toBe(0);
		expect(after.run).toBe(before.run + 3);
		expect(after.counters).toEqual(expectedCounters(after));
		expect(after.counters.requestsSent).toBe('1');
		expect(after.status).toMatch(/^New setting: started again from 0 s/);
		expect(after.live).toMatch(/^Started again from 0 s: polling every 2\.5 s/);
		await expect(page.locator('ch-pull-push caption').textContent()).resolves.toBe(
			'After 0.0 s of market time',
		);
		await expect(page.locator('ch-pull-push output').first().textContent()).resolves.toBe('2.5 s');
		await close();
	});

	it('keeps the lanes side by side at 360 px with every label at least 12 px and inside its lane', async () => {
		const { page, close } = await open({ width: 360, height: 800 });
		await simPast(page, 3000);
		await page.getByRole('button', { name: 'Pause', exact: true }).click();
		const layout = await page.evaluate(() => {
			const lanes = [...document.querySelectorAll<SVGSVGElement>('ch-pull-push svg[data-lane]')];
			const boxes = lanes.map((lane) => lane.getBoundingClientRect());
			const texts = lanes.flatMap((lane, i) =>
				[...lane.querySelectorAll('text')]
					.filter((t) => t.getAttribute('visibility') !== 'hidden')
					.map((t) => {
						const box = t.getBoundingClientRect();
						const scale = t.getScreenCTM()?.a ?? 1;
						return {
							text: t.textContent,
							px: parseFloat(getComputedStyle(t).fontSize) * scale,
							inside: box.left >= boxes[i].left - 0.5 && box.right <= boxes[i].right + 0.5,
						};
					}),
			);
			const readouts = [...document.querySelectorAll('ch-pull-push [data-readout]')].map((r) =>
				parseFloat(getComputedStyle(r).fontSize),
			);
			return {
				boxes: boxes.map((b) => ({ top: b.top, left: b.left, right: b.right })),
				texts,
				readouts,
			};
		});
		const [poll, stream] = layout.boxes;
		expect(poll.top).toBe(stream.top);
		expect(poll.right).toBeLessThan(stream.left);
		expect(stream.right).toBeLessThanOrEqual(360);
		expect(layout.texts.length).toBeGreaterThan(10);
		for (const text of layout.texts) {
			expect(text.px, text.text ?? '').toBeGreaterThanOrEqual(12);
			expect(text.inside, `${text.text} fits its lane`).toBe(true);
		}
		for (const px of layout.readouts) expect(px).toBeGreaterThanOrEqual(12);
		await close();
	});

	it('speaks only when asked: on pause, on "Sum up", not on a timer', async () => {
		const { page, close } = await open();
		// Longer than the old 10-second timer, while playing.
		await simPast(page, 11_000);
		expect((await snapshot(page)).live).toBe('');
		await page.getByRole('button', { name: 'Pause', exact: true }).click();
		expect((await snapshot(page)).live).toMatch(/^Paused\. After .* requests sent/);
		await page.getByRole('button', { name: 'Replay the opening' }).click();
		await stepUntil(page, 300);
		await page.getByRole('button', { name: 'Sum up' }).click();
		const said = (await snapshot(page)).live;
		expect(said).toContain('1 request sent, 1 empty reply,');
		expect(said).toContain('on average over those 0.30 s');
		await expect(page.locator('ch-pull-push [aria-live="polite"]').isVisible()).resolves.toBe(true);
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

		const events = runDiagram(start.settings, 60_000)
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
		await page.keyboard.press('Tab'); // Replay the opening
		await page.keyboard.press('Enter');
		expect((await snapshot(page)).simMs).toBe(0);
		await page.keyboard.press('Tab'); // Sum up
		await page.keyboard.press('Tab'); // poll interval
		await page.keyboard.press('ArrowLeft');
		expect((await snapshot(page)).settings.pollMs).toBe(500);
		await page.keyboard.press('Tab'); // tick rate
		await page.keyboard.press('ArrowRight');
		expect((await snapshot(page)).settings.ticksPerSecond).toBe(1.5);
		await close();
	});

	for (const colorScheme of ['light', 'dark'] as const) {
		it(`has no axe violations (${colorScheme}, playing and paused)`, async () => {
			const { page, close } = await open({ colorScheme });
			await simPast(page, 1500);
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
			let release!: () => void;
			const { page, errors, context } = await pages.open(
				{ width, height: 800, reducedMotion },
				async (ctx) => (release = await holdRequests(ctx, '**/pull-push.client.*.js')),
			);
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
		const { page, context } = await pages.open({ javaScriptEnabled: false });
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

	it("prints the author's figure and caption, not the live panel, once the diagram is live", async () => {
		const { page, close } = await open();
		await simPast(page, 500);
		await page.emulateMedia({ media: 'print' });
		const figure = page.locator('ch-pull-push figure');
		await expect(
			figure.locator('.ch-pull-push__static svg:visible title').allTextContents(),
		).resolves.toEqual(['Polling — ask over and over', 'WebSocket — one open stream']);
		await expect(page.locator('ch-pull-push .ch-pull-push__live').isVisible()).resolves.toBe(false);
		await expect(page.locator('ch-pull-push button:visible').count()).resolves.toBe(0);
		await expect(figure.locator('figcaption').isVisible()).resolves.toBe(true);
		await close();
	});
});
