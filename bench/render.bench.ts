// What the live stream panel costs the page at about 50 ticks a second, in Debian's Chromium.
// The built site is served as `npm start` serves it, with the stream server's tick rates scaled
// so EX 1's two symbols (RELIANCE + TCS, 3.2 ticks/s between them) bring ~50 ticks/s. For each
// scenario each page (below) streams for --seconds twice. In the first window nothing else asks
// the page for frames, and the bench records:
//   - main-thread busy time per second (CDP Performance.getMetrics TaskDuration), and the CPU
//     time the main thread was given in it (ThreadTime): on a shared host a busy neighbour
//     stretches the first (a task waits for a core) but not the second, so the CPU ratio is the
//     steadier one (desktop only: Chromium's CPU throttle spins the thread it slows, so a
//     throttled page's CPU time is most of every second whatever it does),
//   - tick-to-paint latency: from a tick's market time to the animation frame that paints it
//     (the panel stamps data-painted-tick-ms / data-painted-at-ms on each render), which
//     includes the server's 10 ms pump and the network hop,
//   - long tasks.
// In the second, a requestAnimationFrame loop counts frames per second and frames over 33 ms
// (kept apart because the loop itself makes every page render 60 frames a second).
//   - DOM nodes and JS heap before and after (each read after a forced GC), to show the log
//     and sparklines stay bounded.
// Beside the panel, the floor (bench/lib/floor-page.ts): a bare page showing the same ticks from
// the same server the least way. A third page, "floor in chapter", is the floor's own markup,
// styles and script in the chapter in the panel's place: the panel is swapped out before the
// page's scripts run, so its code never loads and the floor's is the only stream connection
// (each run checks both), scrolled to as the panel is, connecting to /stream on the site as the
// floor does on its own server. Chromium re-records, pre-paints and layerizes the whole document
// in each frame that repaints anything, so the ratios tell what the page around the panel costs
// (floor in chapter / floor) from what the panel's own code adds (panel / floor in chapter);
// panel / floor is the one issue 15 sets a target for. The three alternate, --reps times each,
// in the same Chromium, viewport, CPU throttle and tick rate; the tables give each run, each
// page's means, and the three ratios of the means.
// --rate real adds the panel's time to first tick; --soak N streams to the panel for N s more.
//   node bench/render.bench.ts [--seconds 8] [--rate 50|real] [--reps 2] [--soak 60] [--json out.json]
// Serves the build in SITE_DIST (default dist/); run `npx astro build` first.
import { existsSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../scripts/chromium.ts';
import { startSiteServer } from '../server/site-server.ts';
import { createStreamServer, type StreamServer } from '../server/stream-server.ts';
import { CHAPTER_INSTRUMENTS as INSTRUMENTS } from '../src/lib/instruments.ts';
import { EX1_STATE } from '../src/lib/subscribe-message.ts';
import { FLOOR_FONT, floorParts, startFloorServer } from './lib/floor-page.ts';
import { performanceMetrics, sampleFrames } from './lib/page-probes.ts';
import { valueOf } from './lib/args.ts';
import { markdownTable, type Row } from './lib/table.ts';
import { stateToMessage } from '../src/lib/subscribe-message.ts';

const DIST = fileURLToPath(new URL(`../${process.env.SITE_DIST ?? 'dist'}/`, import.meta.url));
const CHAPTER = '/chapters/39-what-a-websocket-is/';

const seconds = Number(valueOf('--seconds') ?? 8);
const rateArg = valueOf('--rate') ?? '50';
const jsonPath = valueOf('--json');
const reps = Number(valueOf('--reps') ?? 2);
/** `--soak 60`: also stream to the panel for 60 s and read DOM nodes and JS heap after a GC. */
const soakSeconds = Number(valueOf('--soak') ?? 0);
const ex1Rate = INSTRUMENTS.filter((i) =>
	EX1_STATE.symbols.some((s) => s.symbol === i.symbol && s.exchange === i.exchange),
).reduce((sum, i) => sum + i.ticksPerSecond, 0);
// `--rate real` keeps the market's own pace for EX 1's two symbols.
const targetRate = rateArg === 'real' ? ex1Rate : Number(rateArg);
if (
	!(seconds > 0 && seconds <= 120) ||
	!(targetRate > 0 && targetRate <= 1000) ||
	!(Number.isInteger(reps) && reps >= 1 && reps <= 10) ||
	!(soakSeconds >= 0 && soakSeconds <= 600)
) {
	console.error(
		'render bench: --seconds must be in (0, 120], --rate in (0, 1000] or "real", --reps in 1-10, --soak in 0-600',
	);
	process.exit(2);
}
if (!existsSync(CHROMIUM_PATH) || !existsSync(DIST)) {
	console.error(
		`render bench: needs Chromium at ${CHROMIUM_PATH} and a build in ${DIST} (npx astro build).`,
	);
	process.exit(1);
}

const rateMultiplier = targetRate / ex1Rate;

interface Scenario {
	name: string;
	cpuThrottle: number;
	width: number;
}
const SCENARIOS: Scenario[] = [
	{ name: 'desktop', cpuThrottle: 1, width: 1280 },
	{ name: 'phone CPU (4× throttle)', cpuThrottle: 4, width: 360 },
];

// Every page is shown the same ticks, in every run. The market is a pure function of its seed and
// the time, so when a page's WebSocket connects (the only connection then), the stream server's
// clock is set to one fixed market moment: 10:24 IST on a Monday, where EX 1's two symbols tick
// at their mean rate (3.1 a second in both measured windows, 3.2 over hours). Left to the wall
// clock, an 8 s window brought 2.2 to 4.6 ticks a second from page to page and run to run, and
// the ratios moved with it. Tick→paint latencies take the shift back out (the page stamps wall
// time).
const MARKET_START_MS = Date.UTC(2026, 0, 5, 4, 54, 0);
let marketShiftMs = 0;
/** The market moment the next stream connection starts the clock at. */
let nextMarketMs = MARKET_START_MS;
const stream = createStreamServer({
	mount: 'site',
	rateMultiplier,
	now: () => Date.now() - marketShiftMs,
});
const onStreamUpgrade: StreamServer['handleUpgrade'] = (req, socket, head) => {
	marketShiftMs = Date.now() - nextMarketMs;
	stream.handleUpgrade(req, socket, head);
};
const site = await startSiteServer({
	root: DIST,
	host: '127.0.0.1',
	port: 0,
	onStreamUpgrade,
});
const firstMessage = JSON.stringify(stateToMessage(EX1_STATE));
const floor = await startFloorServer({ handleUpgrade: onStreamUpgrade }, firstMessage);
const browser = await chromium.launch({
	executablePath: CHROMIUM_PATH,
	headless: true,
	args: [...CHROMIUM_ARGS],
});
const hardStop = setTimeout(() => {
	console.error('render bench: gave up after 15 minutes');
	process.exit(1);
}, 900_000);

const percentile = (sorted: number[], p: number): number =>
	sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? NaN;
interface Sample {
	busyMsPerS: number;
	cpuMsPerS: number;
	/** Busy ms per frame received: the tick count varies from run to run at the market pace. */
	busyPerFrame: number;
	fps: number;
	p95Ms: number;
	row: Row;
}
/** The figures of a run that the means and ratios are taken of. */
type Figure = 'busyMsPerS' | 'cpuMsPerS' | 'busyPerFrame' | 'fps' | 'p95Ms';
/** The pages each scenario measures, in the order each rep runs them. */
const KINDS = ['floor', 'panel', 'floor in chapter'] as const;
type Kind = (typeof KINDS)[number];
const TARGETS: Record<Kind, { url: () => string; selector: string }> = {
	floor: { url: () => floor.url, selector: '#floor' },
	panel: { url: () => site.url + CHAPTER, selector: 'ch-tick-stream' },
	'floor in chapter': { url: () => site.url + CHAPTER, selector: '#floor' },
};
/** The ratios of the means the bench reports, and what each tells. */
const RATIOS: { over: Kind; under: Kind; tells: string }[] = [
	{ over: 'panel', under: 'floor', tells: 'the issue’s target' },
	{ over: 'panel', under: 'floor in chapter', tells: 'what the panel’s own code adds' },
	{ over: 'floor in chapter', under: 'floor', tells: 'what the page around it adds' },
];
const rows: Row[] = [];
const meanRows: Row[] = [];
const ratioRows: Row[] = [];
const soakRows: Row[] = [];
const firstTickRows: Row[] = [];
const mean = (values: number[]): number => values.reduce((a, b) => a + b, 0) / values.length;
/** A figure for the table, or an empty cell where there is none (CPU time when throttled). */
const figure = (value: number, digits: number): number | null =>
	Number.isFinite(value) ? Number(value.toFixed(digits)) : null;
try {
	for (const scenario of SCENARIOS) {
		const samples: Record<Kind, Sample[]> = { floor: [], panel: [], 'floor in chapter': [] };
		for (let rep = 1; rep <= reps; rep++) {
			for (const kind of KINDS) {
				const sample = await measure(scenario, kind);
				samples[kind].push(sample);
				rows.push({ scenario: scenario.name, page: kind, run: rep, ...sample.row });
			}
		}
		const meanOf = (kind: Kind, key: Figure): number => mean(samples[kind].map((s) => s[key]));
		for (const kind of KINDS)
			meanRows.push({
				scenario: scenario.name,
				page: kind,
				'busy ms/s': figure(meanOf(kind, 'busyMsPerS'), 1),
				'CPU ms/s': figure(meanOf(kind, 'cpuMsPerS'), 1),
				'busy ms per frame received': figure(meanOf(kind, 'busyPerFrame'), 2),
				fps: figure(meanOf(kind, 'fps'), 1),
				'tick→paint p95 ms': figure(meanOf(kind, 'p95Ms'), 1),
				runs: reps,
			});
		for (const { over, under, tells } of RATIOS) {
			const ratio = (key: Figure): number | null =>
				figure(meanOf(over, key) / meanOf(under, key), 2);
			ratioRows.push({
				scenario: scenario.name,
				ratio: `${over} / ${under}`,
				tells,
				'busy ms/s': ratio('busyMsPerS'),
				'CPU ms/s': ratio('cpuMsPerS'),
				'busy per frame received': ratio('busyPerFrame'),
				fps: ratio('fps'),
				'tick→paint p95': ratio('p95Ms'),
				runs: reps,
			});
		}
	}
	if (soakSeconds > 0) await soak(SCENARIOS[0]!);
	// At the market's own pace, how long a reader waits for the first price.
	if (rateArg === 'real') for (const scenario of SCENARIOS) await firstTicks(scenario, 5);
} finally {
	clearTimeout(hardStop);
	await browser.close();
	await stream.close();
	await site.close();
	await new Promise((resolve) => floor.server.close(resolve));
}

/**
 * Time to first tick, `count` fresh pages: from the panel scrolled into view to its first price
 * rendered (the page's clock: the panel stamps data-painted-at-ms in the frame that draws it),
 * and from the WebSocket's 101 response to its first market_data frame (CDP Network timestamps).
 */
async function firstTicks(scenario: Scenario, count: number): Promise<void> {
	const toPaint: number[] = [];
	const toFrame: number[] = [];
	for (let i = 0; i < count; i++) {
		// Fixed moments a little over a second apart, so the wait for the market's next tick
		// (most of the figure) is sampled the same way in every run.
		nextMarketMs = MARKET_START_MS + 30_000 + i * 1_123;
		const context = await browser.newContext({ viewport: { width: scenario.width, height: 800 } });
		const page = await context.newPage();
		const cdp = await context.newCDPSession(page);
		await cdp.send('Emulation.setCPUThrottlingRate', { rate: scenario.cpuThrottle });
		await cdp.send('Network.enable');
		let openedAt: number | undefined;
		let firstDataAt: number | undefined;
		cdp.on('Network.webSocketHandshakeResponseReceived', (event) => {
			openedAt ??= event.timestamp;
		});
		cdp.on('Network.webSocketFrameReceived', (event) => {
			if (firstDataAt === undefined && event.response.payloadData.includes('"market_data"'))
				firstDataAt = event.timestamp;
		});
		await page.goto(site.url + CHAPTER, { waitUntil: 'load' });
		const ms = await page.evaluate(
			() =>
				new Promise<number>((resolve) => {
					const panel = document.querySelector('ch-tick-stream')!;
					// Visible: the first frame in which any of it is on screen.
					let visibleAt: number | undefined;
					const seen = new IntersectionObserver((entries) => {
						const entry = entries.find((e) => e.isIntersecting);
						if (entry) {
							visibleAt = entry.time;
							seen.disconnect();
						}
					});
					seen.observe(panel);
					new MutationObserver(() =>
						resolve(performance.now() - (visibleAt ?? performance.now())),
					).observe(panel, { attributes: true, attributeFilter: ['data-painted-at-ms'] });
					// A jump, as from the contents or a shared link (a smooth scroll would add its
					// own animation to the wait).
					panel.scrollIntoView({ block: 'start', behavior: 'instant' });
				}),
		);
		toPaint.push(ms);
		if (openedAt !== undefined && firstDataAt !== undefined)
			toFrame.push((firstDataAt - openedAt) * 1000);
		await context.close();
	}
	const sorted = (values: number[]): number[] => [...values].sort((a, b) => a - b);
	const paint = sorted(toPaint);
	const frame = sorted(toFrame);
	firstTickRows.push({
		scenario: scenario.name,
		pages: count,
		'visible → first price painted, p50 ms': Math.round(percentile(paint, 0.5)),
		'visible → first price painted, max ms': Math.round(paint.at(-1) ?? NaN),
		'101 → first market_data, p50 ms': Math.round(percentile(frame, 0.5)),
		'101 → first market_data, max ms': Math.round(frame.at(-1) ?? NaN),
	});
}

/** Streams to the panel for --soak seconds, reading DOM nodes and JS heap after a forced GC. */
async function soak(scenario: Scenario): Promise<void> {
	const context = await browser.newContext({ viewport: { width: scenario.width, height: 800 } });
	const page = await context.newPage();
	const cdp = await context.newCDPSession(page);
	await page.goto(site.url + CHAPTER);
	await page.locator('ch-tick-stream').scrollIntoViewIfNeeded();
	await page.waitForSelector('ch-tick-stream[data-state="open"]', { timeout: 15_000 });
	await cdp.send('Performance.enable');
	const step = Math.max(1, Math.round(soakSeconds / 6));
	for (let at = 0; at <= soakSeconds; at += step) {
		if (at > 0) await page.waitForTimeout(step * 1000);
		const m = await performanceMetrics(cdp, { collectGarbage: true });
		soakRows.push({
			scenario: `${scenario.name}, panel, after a forced GC`,
			's streaming': at,
			'frames received': Number(await page.locator('ch-tick-stream').getAttribute('data-received')),
			'DOM nodes': m.Nodes!,
			'JS heap MB': Number((m.JSHeapUsedSize! / 1e6).toFixed(2)),
			'event listeners': m.JSEventListeners!,
		});
	}
	await context.close();
}

/**
 * Before the chapter's scripts run, puts the floor's markup and styles where the panel is (the
 * panel's loader then finds no `ch-tick-stream` to hydrate, so its code is never fetched), and
 * counts what the page connects to and fetches, for checkFloorInChapter.
 */
async function placeFloorInChapter(
	page: Page,
): Promise<{ sockets: string[]; panelCode: string[] }> {
	const seen = { sockets: [] as string[], panelCode: [] as string[] };
	page.on('websocket', (socket) => seen.sockets.push(socket.url()));
	page.on('request', (request) => {
		if (request.url().includes('/tick-stream.client.')) seen.panelCode.push(request.url());
	});
	const { markup, style } = floorParts(firstMessage);
	// 'interactive' comes when parsing ends, before the deferred and module scripts run.
	await page.addInitScript(
		({ markup, style, font }) =>
			document.addEventListener('readystatechange', () => {
				if (document.readyState !== 'interactive') return;
				const box = document.createElement('div');
				box.id = 'ch-stream-floor';
				// Its own paint layer, as any widget in a page should be: a repaint inside it then
				// skips the chapter around it (the bare floor page has nothing around it to skip).
				box.innerHTML = `<style>#ch-stream-floor { isolation: isolate; font: ${font}; ${style} }</style>${markup}`;
				document.querySelector('ch-tick-stream')?.replaceWith(box);
			}),
		{ markup, style, font: FLOOR_FONT },
	);
	return seen;
}

/** Throws unless the floor was the chapter's only stream and the panel's code never loaded. */
async function checkFloorInChapter(
	page: Page,
	seen: { sockets: string[]; panelCode: string[] },
): Promise<void> {
	const panelDefined = await page.evaluate(
		() =>
			customElements.get('ch-tick-stream') !== undefined ||
			!!document.querySelector('ch-tick-stream'),
	);
	if (seen.sockets.length !== 1 || seen.panelCode.length > 0 || panelDefined)
		throw new Error(
			`render bench: "floor in chapter" must have the floor's one stream and no panel; it opened ${seen.sockets.length} WebSocket(s) (${seen.sockets.join(', ')}), fetched ${seen.panelCode.join(', ') || 'no panel code'} and ${panelDefined ? 'has' : 'has no'} ch-tick-stream.`,
		);
}

async function measure(scenario: Scenario, kind: Kind): Promise<Sample> {
	const target = TARGETS[kind];
	const context = await browser.newContext({
		viewport: { width: scenario.width, height: 800 },
		// The site's Content-Security-Policy allows only its own inline blocks, by hash: the floor's
		// <style> in the chapter would be refused.
		bypassCSP: kind === 'floor in chapter',
	});
	const page = await context.newPage();
	const cdp = await context.newCDPSession(page);
	const seen = kind === 'floor in chapter' ? await placeFloorInChapter(page) : undefined;
	nextMarketMs = MARKET_START_MS;
	await page.goto(target.url());
	const panel = page.locator(target.selector);
	await panel.scrollIntoViewIfNeeded();
	// The floor's script, as the floor page runs it, once the box is in view (as the panel connects
	// when it comes into view); it opens /stream on the site, the same stream server.
	if (seen) await page.evaluate(`(() => { 'use strict'; ${floorParts(firstMessage).script} })()`);
	await page.waitForSelector(`${target.selector}[data-state="open"]`, { timeout: 15_000 });
	// Let the log and console fill to their caps first: the steady state is what is measured.
	await page.waitForTimeout(4000);
	await cdp.send('Emulation.setCPUThrottlingRate', { rate: scenario.cpuThrottle });
	await cdp.send('Performance.enable');
	// Count what is live, not garbage awaiting collection.
	const metrics = (): Promise<Record<string, number>> =>
		performanceMetrics(cdp, { collectGarbage: true });
	const before = await metrics();
	const busyBefore = before.TaskDuration!;
	const cpuBefore = before.ThreadTime!;
	const receivedBefore = Number(await panel.getAttribute('data-received'));
	// Phase 1, busy time and tick→paint: the page on its own, nothing in it asking for frames
	// (a requestAnimationFrame loop would make every page render 60 frames a second).
	const busy = await page.evaluate(
		({ ms, selector }) => {
			return new Promise<{ latencies: number[]; longTasks: number[]; wallMs: number }>(
				(resolve) => {
					const panelElement = document.querySelector(selector)!;
					const latencies: number[] = [];
					const longTasks: number[] = [];
					const mutations = new MutationObserver(() => {
						const tick = Number(panelElement.getAttribute('data-painted-tick-ms'));
						const at = Number(panelElement.getAttribute('data-painted-at-ms'));
						if (tick > 0 && at > 0) latencies.push(at - tick);
					});
					mutations.observe(panelElement, {
						attributes: true,
						attributeFilter: ['data-painted-at-ms'],
					});
					const tasks = new PerformanceObserver((list) => {
						for (const entry of list.getEntries()) longTasks.push(entry.duration);
					});
					tasks.observe({ type: 'longtask' });
					const started = performance.now();
					setTimeout(() => {
						mutations.disconnect();
						tasks.disconnect();
						resolve({ latencies, longTasks, wallMs: performance.now() - started });
					}, ms);
				},
			);
		},
		{ ms: seconds * 1000, selector: target.selector },
	);
	const { TaskDuration: busyAfter, ThreadTime: cpuAfter } = await performanceMetrics(cdp);
	const receivedAfter = Number(await panel.getAttribute('data-received'));
	// Phase 2, frame rate: a requestAnimationFrame loop counts the frames the page can make.
	const frames = await sampleFrames(page, seconds * 1000);
	const after = await metrics();
	await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 });
	const wall = busy.wallMs / 1000;
	const latencies = busy.latencies.map((ms) => ms - marketShiftMs).sort((a, b) => a - b);
	const busyMsPerS = ((busyAfter! - busyBefore) / wall) * 1000;
	const cpuMsPerS =
		scenario.cpuThrottle === 1 ? ((cpuAfter! - cpuBefore) / wall) * 1000 : Number.NaN;
	const receivedPerS = (receivedAfter - receivedBefore) / wall;
	const fps = frames.intervals.length / (frames.wallMs / 1000);
	const p95Ms = percentile(latencies, 0.95);
	if (seen) await checkFloorInChapter(page, seen);
	await context.close();
	return {
		busyMsPerS,
		cpuMsPerS,
		busyPerFrame: busyMsPerS / Math.max(receivedPerS, 0.1),
		fps,
		p95Ms,
		row: {
			'width px': scenario.width,
			'frames/s received': Number(receivedPerS.toFixed(1)),
			'main thread busy ms/s': Number(busyMsPerS.toFixed(1)),
			'main thread CPU ms/s': figure(cpuMsPerS, 1),
			'tick→paint p50 ms': Number(percentile(latencies, 0.5).toFixed(1)),
			'tick→paint p95 ms': Number(percentile(latencies, 0.95).toFixed(1)),
			'tick→paint max ms': Number((latencies.at(-1) ?? NaN).toFixed(1)),
			fps: Number(fps.toFixed(1)),
			'frames over 33 ms': frames.intervals.filter((ms) => ms > 33.4).length,
			'long tasks': busy.longTasks.length,
			'DOM nodes before→after': `${before.Nodes}→${after.Nodes}`,
			'JS heap MB before→after': `${(before.JSHeapUsedSize! / 1e6).toFixed(1)}→${(after.JSHeapUsedSize! / 1e6).toFixed(1)}`,
		},
	};
}

console.log(
	`Tick rendering at ~${Number(targetRate.toFixed(1))} ticks/s (rate multiplier ${rateMultiplier.toFixed(2)}), ${seconds} s per scenario`,
);
console.log(markdownTable(rows));
console.log('\nMeans of the runs, per page:');
console.log(markdownTable(meanRows));
console.log(
	'\nRatios of the means (panel / floor is the issue’s target; busy, CPU and p95: lower is better, fps: higher):',
);
console.log(markdownTable(ratioRows));
if (firstTickRows.length) {
	console.log('\nTime to first tick at the market pace (fresh page each time):');
	console.log(markdownTable(firstTickRows));
}
if (soakRows.length) {
	console.log(`\nThe panel over ${soakSeconds} s (what stays alive, read after a forced GC):`);
	console.log(markdownTable(soakRows));
}
if (jsonPath)
	writeFileSync(
		jsonPath,
		JSON.stringify(
			{
				rows,
				means: meanRows,
				ratios: ratioRows,
				soak: soakRows,
				firstTick: firstTickRows,
			},
			null,
			2,
		),
	);
