// Frame rate of the pull-vs-push diagram in Debian's Chromium, with the CPU slowed by CDP's
// Emulation.setCPUThrottlingRate (4× stands in for a phone-class CPU). For each scenario the
// diagram plays for a few seconds while the page counts requestAnimationFrame callbacks
// (fps), frames that took longer than 20 ms (dropped at 60 Hz), long tasks (> 50 ms, from the
// Long Tasks API) and main-thread busy time (CDP Performance.getMetrics TaskDuration).
//   node bench/diagram.bench.ts [--seconds 5] [--json out.json]
// Serves the build in SITE_DIST (default dist/); run `npx astro build` first.
import { existsSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../scripts/chromium.ts';
import { startSiteServer } from '../server/site-server.ts';
import { markdownTable, type Row } from './lib/table.ts';

const DIST = fileURLToPath(new URL(`../${process.env.SITE_DIST ?? 'dist'}/`, import.meta.url));
const CHAPTER = '/chapters/39-what-a-websocket-is/';
const DROPPED_FRAME_MS = 20;

const args = process.argv.slice(2);
const valueOf = (flag: string): string | undefined => {
	const index = args.indexOf(flag);
	return index === -1 ? undefined : args[index + 1];
};
const seconds = Number(valueOf('--seconds') ?? 5);
const jsonPath = valueOf('--json');

interface Scenario {
	name: string;
	cpuThrottle: number;
	width: number;
	/** Poll interval (s) and price changes per second; undefined keeps the page's defaults. */
	pollSeconds?: number;
	ticksPerSecond?: number;
}

const SCENARIOS: Scenario[] = [
	{ name: 'defaults, desktop', cpuThrottle: 1, width: 1280 },
	{ name: 'defaults, phone CPU', cpuThrottle: 4, width: 360 },
	{
		name: 'busiest (0.5 s poll, 5 ticks/s), phone CPU',
		cpuThrottle: 4,
		width: 360,
		pollSeconds: 0.5,
		ticksPerSecond: 5,
	},
];

if (!existsSync(CHROMIUM_PATH) || !existsSync(DIST)) {
	console.error(
		`diagram bench: needs Chromium at ${CHROMIUM_PATH} and a build in ${DIST} (npx astro build).`,
	);
	process.exit(1);
}

const site = await startSiteServer({ root: DIST, host: '127.0.0.1', port: 0 });
const browser = await chromium.launch({
	executablePath: CHROMIUM_PATH,
	headless: true,
	args: [...CHROMIUM_ARGS],
});
const rows: Row[] = [];
try {
	for (const scenario of SCENARIOS) {
		const context = await browser.newContext({ viewport: { width: scenario.width, height: 800 } });
		const page = await context.newPage();
		const cdp = await context.newCDPSession(page);
		await page.goto(site.url + CHAPTER);
		const diagram = page.locator('ch-pull-push');
		await diagram.scrollIntoViewIfNeeded();
		await page.waitForFunction(
			() => document.querySelector('ch-pull-push')?.getAttribute('data-state') === 'playing',
		);
		if (scenario.pollSeconds !== undefined)
			await page.locator('ch-pull-push [data-input="poll"]').fill(String(scenario.pollSeconds));
		if (scenario.ticksPerSecond !== undefined) {
			await page.locator('ch-pull-push [data-input="rate"]').fill(String(scenario.ticksPerSecond));
		}
		await cdp.send('Emulation.setCPUThrottlingRate', { rate: scenario.cpuThrottle });
		await cdp.send('Performance.enable');
		const metric = async (name: string): Promise<number> =>
			(await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === name)?.value ?? 0;
		const taskBefore = await metric('TaskDuration');
		const simBefore = Number(await diagram.getAttribute('data-sim-ms'));
		const result = await page.evaluate((ms) => {
			return new Promise<{ intervals: number[]; longTasks: number[]; wallMs: number }>(
				(resolve) => {
					const intervals: number[] = [];
					const longTasks: number[] = [];
					const observer = new PerformanceObserver((list) => {
						for (const entry of list.getEntries()) longTasks.push(entry.duration);
					});
					observer.observe({ type: 'longtask' });
					let last: number | undefined;
					let first: number | undefined;
					const frame = (now: number): void => {
						first ??= now;
						if (last !== undefined) intervals.push(now - last);
						last = now;
						if (now - first < ms) requestAnimationFrame(frame);
						else {
							observer.disconnect();
							resolve({ intervals, longTasks, wallMs: now - first });
						}
					};
					requestAnimationFrame(frame);
				},
			);
		}, seconds * 1000);
		const taskAfter = await metric('TaskDuration');
		const simAfter = Number(await diagram.getAttribute('data-sim-ms'));
		await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 });
		const sorted = [...result.intervals].sort((a, b) => a - b);
		const p95 = sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.95))] ?? 0;
		const wallSeconds = result.wallMs / 1000;
		rows.push({
			scenario: scenario.name,
			'CPU throttle': `${scenario.cpuThrottle}×`,
			'width px': scenario.width,
			seconds: Number(wallSeconds.toFixed(2)),
			fps: Number((result.intervals.length / wallSeconds).toFixed(1)),
			'dropped frames (>20 ms)': result.intervals.filter((d) => d > DROPPED_FRAME_MS).length,
			'p95 frame ms': Number(p95.toFixed(1)),
			'max frame ms': Number((sorted[sorted.length - 1] ?? 0).toFixed(1)),
			'long tasks': result.longTasks.length,
			'long task ms': Number(result.longTasks.reduce((a, b) => a + b, 0).toFixed(0)),
			'main thread busy %': Number((((taskAfter - taskBefore) / wallSeconds) * 100).toFixed(1)),
			'market s advanced': Number(((simAfter - simBefore) / 1000).toFixed(2)),
		});
		await context.close();
	}
} finally {
	await browser.close();
	await site.close();
}

console.log(markdownTable(rows));
if (jsonPath) writeFileSync(jsonPath, JSON.stringify({ rows }, null, 2));
