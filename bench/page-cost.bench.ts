// What the chapter page costs Chromium per frame, apart from any widget: the least change a
// widget makes (one short line of text in a box of its own, rewritten once per animation frame)
// placed in the chapter where the stream panel is, and the same box on the site's shortest page
// (the 404 page: the same header, styles and scripts, and nothing else). The widgets are hidden,
// so the box is the only thing that changes. Each frame's main-thread time is read from a
// Chromium trace and split by rendering phase (layout, pre-paint, paint, layerize, commit); the
// ratio chapter / short page is the page factor that sits under every widget's figure in the
// render and diagram benches ("floor in chapter / floor" there).
// `--css '<rules>'` adds rules to both pages, to try a change before making it, e.g.
// `--css '.ch-prose > * { isolation: auto }'` is the chapter before its blocks were paint layers.
//   node bench/page-cost.bench.ts [--seconds 3] [--reps 2] [--css '<rules>'] [--json out.json]
// Serves the build in SITE_DIST (default dist/); run `npx astro build` first.
import { existsSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../scripts/chromium.ts';
import { createLogger } from '../server/log.ts';
import { startSiteServer } from '../server/site-server.ts';
import { valueOf } from './lib/args.ts';
import { markdownTable, type Row } from './lib/table.ts';

const DIST = fileURLToPath(new URL(`../${process.env.SITE_DIST ?? 'dist'}/`, import.meta.url));
const seconds = Number(valueOf('--seconds') || 3);
const reps = Number(valueOf('--reps') || 2);
const css = valueOf('--css') ?? '';
const jsonPath = valueOf('--json');
if (!(seconds > 0 && seconds <= 30) || !(reps >= 1 && reps <= 10)) {
	console.error('page-cost bench: --seconds must be in (0, 30], --reps in 1-10');
	process.exit(2);
}
if (!existsSync(CHROMIUM_PATH) || !existsSync(DIST)) {
	console.error(`page-cost bench: needs Chromium at ${CHROMIUM_PATH} and a build in ${DIST}`);
	process.exit(1);
}

const PAGES = [
	{ name: 'short page (404)', path: '/404.html' },
	{ name: 'chapter', path: '/chapters/39-what-a-websocket-is/' },
] as const;
const WIDTHS = [1280, 360] as const;
/** Trace events per frame, by the phase they stand for (Chromium's devtools.timeline names). */
const PHASES = {
	layout: ['Layout'],
	'pre-paint': ['PrePaint'],
	paint: ['Paint'],
	layerize: ['Layerize'],
	commit: ['Commit'],
	'style and script': ['UpdateLayoutTree', 'FireAnimationFrame'],
} as const;
const WIDGETS = 'ch-tick-stream, ch-subscribe-builder, ch-pull-push, ch-exercises';

type Sample = Record<'total' | keyof typeof PHASES, number> & { frames: number };

async function measure(browser: Browser, url: string, width: number): Promise<Sample> {
	// The rules are added as a style element, which the site's Content-Security-Policy refuses.
	const context = await browser.newContext({ viewport: { width, height: 800 }, bypassCSP: true });
	try {
		const page = await context.newPage();
		await page.goto(url);
		await page.addStyleTag({ content: `${WIDGETS} { display: none !important; } ${css}` });
		await page.evaluate((widgets) => {
			const where =
				document.querySelector(widgets.split(',')[0]!) ?? document.querySelector('main');
			const box = document.createElement('div');
			box.id = 'bench-box';
			// Its own paint layer and a fixed height, as a widget's changing part would be.
			box.style.cssText = 'isolation: isolate; font: 16px monospace; height: 2em';
			where!.before(box);
			box.scrollIntoView({ block: 'center' });
		}, WIDGETS);
		// Let the page settle (fonts, idle-time widget loading) before tracing.
		await page.waitForTimeout(1500);
		await browser.startTracing(page, {
			categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline'],
		});
		const frames = await page.evaluate(
			(ms) =>
				new Promise<number>((resolve) => {
					const box = document.getElementById('bench-box')!;
					let n = 0;
					const started = performance.now();
					const step = (): void => {
						box.textContent = `frame ${n++}`;
						if (performance.now() - started < ms) requestAnimationFrame(step);
						else resolve(n);
					};
					requestAnimationFrame(step);
				}),
			seconds * 1000,
		);
		const trace = JSON.parse((await browser.stopTracing()).toString()) as {
			traceEvents: {
				name: string;
				ph: string;
				pid: number;
				tid: number;
				dur?: number;
				tdur?: number;
				args?: { name?: string };
			}[];
		};
		const main = new Set(
			trace.traceEvents
				.filter((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain')
				.map((e) => `${e.pid}:${e.tid}`),
		);
		const ms = new Map<string, number>();
		for (const e of trace.traceEvents)
			if (e.ph === 'X' && main.has(`${e.pid}:${e.tid}`))
				ms.set(e.name, (ms.get(e.name) ?? 0) + (e.tdur ?? e.dur ?? 0) / 1000);
		const perFrame = (names: readonly string[]): number =>
			names.reduce((sum, name) => sum + (ms.get(name) ?? 0), 0) / frames;
		const sample = { frames, total: perFrame(['RunTask']) } as Sample;
		for (const [phase, names] of Object.entries(PHASES))
			sample[phase as keyof typeof PHASES] = perFrame(names);
		return sample;
	} finally {
		await context.close();
	}
}

// The request log would bury the tables; the other benches keep it, for their connects.
const site = await startSiteServer({
	root: DIST,
	host: '127.0.0.1',
	port: 0,
	logger: createLogger({ level: 'silent' }),
});
const browser = await chromium.launch({
	executablePath: CHROMIUM_PATH,
	headless: true,
	args: [...CHROMIUM_ARGS],
});
const rows: Row[] = [];
const ratios: Row[] = [];
const fixed = (value: number): number => Number(value.toFixed(3));
try {
	for (const width of WIDTHS) {
		const samples = new Map<string, Sample[]>();
		for (let rep = 1; rep <= reps; rep++) {
			for (const { name, path } of PAGES) {
				const sample = await measure(browser, `${site.url}${path}`, width);
				samples.set(name, [...(samples.get(name) ?? []), sample]);
				rows.push({
					width,
					page: name,
					rep,
					frames: sample.frames,
					'ms per frame': fixed(sample.total),
					...Object.fromEntries(
						Object.keys(PHASES).map((k) => [k, fixed(sample[k as keyof typeof PHASES])]),
					),
				});
			}
		}
		const mean = (name: string, key: keyof Sample): number => {
			const list = samples.get(name) ?? [];
			return list.reduce((sum, s) => sum + s[key], 0) / Math.max(1, list.length);
		};
		const [short, chapter] = PAGES.map((p) => p.name);
		ratios.push({
			width,
			ratio: 'chapter / short page',
			'ms per frame': `${mean(chapter!, 'total').toFixed(2)} / ${mean(short!, 'total').toFixed(2)}`,
			'page factor': fixed(mean(chapter!, 'total') / mean(short!, 'total')),
			...Object.fromEntries(
				Object.keys(PHASES).map((k) => [
					`${k}, extra ms`,
					fixed(mean(chapter!, k as keyof Sample) - mean(short!, k as keyof Sample)),
				]),
			),
			reps,
		});
	}
} finally {
	await browser.close();
	await site.close();
}

console.log(
	`What a one-line change costs per frame, chapter vs the short page${css ? ` (with --css ${JSON.stringify(css)})` : ''}, ${seconds} s per run`,
);
console.log(markdownTable(rows));
console.log('\nMeans over the runs:');
console.log(markdownTable(ratios));
if (jsonPath)
	writeFileSync(
		jsonPath,
		JSON.stringify(
			{ command: 'node bench/page-cost.bench.ts', rows, ratios, against: 'short page' },
			null,
			2,
		),
	);
