// Frame rate of the pull-vs-push diagram against a floor, in Debian's Chromium, with the CPU
// slowed by CDP's Emulation.setCPUThrottlingRate (4× stands in for a phone-class CPU).
//
// The floor is a bare page (no framework, no chapter, no counters) with two SVG lanes of the
// same size drawing the same specs (buildSpecs from src/lib/pull-push-diagram.ts, so the same
// elements on the same paths) with the least code that can: create an element when its time
// comes, move the arrows in flight, scroll the track, drop what has left the window. A third
// page, "floor in chapter", runs the floor's lanes and script in the chapter in place of the
// diagram: the same drawing with the chapter around it, so the ratios tell what the page costs
// (every frame that repaints the lanes re-walks the whole document's paint) from what the
// diagram's own code does. For each scenario the bench alternates the three, `--reps` times each
// (default 2), in the same Chromium at the same viewport and throttle, and prints each run and
// the ratios (diagram / floor is the one issue #15 sets a target for).
// A run counts requestAnimationFrame callbacks (fps), frames over 20 ms and over 33 ms, long
// tasks (> 50 ms) and main-thread busy time (CDP Performance.getMetrics TaskDuration).
//   node bench/diagram.bench.ts [--seconds 5] [--reps 2] [--only busiest] [--json out.json]
// Serves the build in SITE_DIST (default dist/); run `npx astro build` first.
import { existsSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../scripts/chromium.ts';
import { startSiteServer } from '../server/site-server.ts';
import { performanceMetrics, sampleFrames } from './lib/page-probes.ts';
import { markdownTable, type Row } from './lib/table.ts';
import { valueOf } from './lib/args.ts';
import {
	DIAGRAM_DEFAULTS,
	LANE,
	buildSpecs,
	pxPerMs,
	runDiagram,
	windowMs,
	type DiagramSettings,
} from '../src/lib/pull-push-diagram.ts';

const DIST = fileURLToPath(new URL(`../${process.env.SITE_DIST ?? 'dist'}/`, import.meta.url));
const CHAPTER = '/chapters/39-what-a-websocket-is/';
const FLOOR = '/__diagram-floor';
/** The pages each scenario measures; "floor in chapter" is the floor's lanes in the diagram's place. */
const KINDS = ['floor', 'diagram', 'floor in chapter'] as const;
type Kind = (typeof KINDS)[number];

// `||`: a bare `--seconds` (valueOf gives '') keeps the default rather than playing for 0 s.
const seconds = Number(valueOf('--seconds') || 5);
const reps = Math.max(2, Number(valueOf('--reps') ?? 2));
const jsonPath = valueOf('--json');
/** Only the scenarios whose name contains this (e.g. `--only busiest`). */
const only = valueOf('--only') ?? '';

interface Scenario {
	name: string;
	cpuThrottle: number;
	width: number;
	settings: DiagramSettings;
}

const BUSIEST: DiagramSettings = { ...DIAGRAM_DEFAULTS, pollMs: 500, ticksPerSecond: 5 };
const SCENARIOS: Scenario[] = [
	{ name: 'defaults, desktop', cpuThrottle: 1, width: 1280, settings: DIAGRAM_DEFAULTS },
	{ name: 'defaults, phone CPU', cpuThrottle: 4, width: 360, settings: DIAGRAM_DEFAULTS },
	{
		name: 'busiest (0.5 s poll, 5 ticks/s), phone CPU',
		cpuThrottle: 4,
		width: 360,
		settings: BUSIEST,
	},
];

/** The floor's two bare lanes, their styles and the script that draws `specs` in them. */
function floorParts(settings: DiagramSettings): { lanes: string; style: string; script: string } {
	const scale = pxPerMs(settings);
	const specs = buildSpecs(runDiagram(settings, (seconds + 20) * 1000), scale);
	const config = { specs, scale, keepMs: windowMs(scale) + 1000, lane: LANE };
	const lane = (key: string): string => `
		<svg data-lane="${key}" height="${LANE.heightPx}">
			<defs>
				<clipPath id="${key}-clip"><rect x="0" y="${LANE.topY}" width="100%" height="${LANE.clipBottomY - LANE.topY}" /></clipPath>
				${['ask', 'no', 'price']
					.map(
						(tone) =>
							`<marker id="${key}-${tone}" markerUnits="userSpaceOnUse" markerWidth="9" markerHeight="8" refX="9" refY="4" orient="auto"><path class="${tone}" d="M0 0 L9 4 L0 8 Z" /></marker>`,
					)
					.join('')}
			</defs>
			<line class="life" x1="${LANE.codeXPct}%" y1="${LANE.topY}" x2="${LANE.codeXPct}%" y2="${LANE.nowY}" />
			<line class="life" x1="${LANE.serverXPct}%" y1="${LANE.topY}" x2="${LANE.serverXPct}%" y2="${LANE.nowY}" />
			<g clip-path="url(#${key}-clip)"><g data-track=""></g></g>
		</svg>`;
	// Plain JS on purpose: nothing between the page and the drawing.
	const script = `
const NS = 'http://www.w3.org/2000/svg';
const { specs, scale, keepMs, lane: L } = ${JSON.stringify(config)};
specs.latencyMs = ${settings.latencyMs};
const el = (name, attrs, text) => {
	const node = document.createElementNS(NS, name);
	for (const k in attrs) node.setAttribute(k, attrs[k]);
	if (text !== undefined) node.textContent = text;
	return node;
};
const xOf = (party) => (party === 'code' ? L.codeXPct : L.serverXPct);
function drawLane(key) {
	const track = document.querySelector('svg[data-lane="' + key + '"] [data-track]');
	const list = specs[key];
	let next = 0, drawn = [], moving = [];
	// The stream lane's open connection, growing from the subscription down to now.
	const pipeFromY = specs.latencyMs * scale;
	const pipe = key === 'stream' ? el('rect', { class: 'pipe', x: L.codeXPct + '%', y: pipeFromY, width: (L.serverXPct - L.codeXPct) + '%', height: 0, rx: 6 }) : null;
	if (pipe) track.append(pipe);
	const make = (s) => {
		if (s.kind === 'dot') {
			const dot = el('circle', { class: 'dot', cx: L.serverXPct + '%', cy: s.startMs * scale, r: L.dotRadiusPx });
			return [dot, (t) => { if (s.missedMs === null) return true; if (t < s.missedMs) return false; dot.setAttribute('class', 'dot missed'); return true; }];
		}
		if (s.kind === 'label') {
			const code = s.column === 'code';
			const text = el('text', { class: code ? s.tone : 'tick', x: xOf(s.column) + '%', dx: code ? L.labelInsetPx : -L.labelInsetPx, y: s.startMs * scale - 4, 'text-anchor': code ? 'start' : 'end' });
			let shown = -1;
			return [text, (t) => {
				let i = shown;
				while (i + 1 < s.texts.length && s.texts[i + 1].atMs <= t) i++;
				if (i !== shown) { shown = i; text.textContent = s.texts[i].text; }
				return shown === s.texts.length - 1 && (s.missedMs === null || t >= s.missedMs);
			}];
		}
		const g = el('g', {});
		const from = xOf(s.from), to = xOf(s.from === 'code' ? 'server' : 'code');
		const line = el('line', { class: s.tone, x1: from + '%', y1: s.startMs * scale, x2: from + '%', y2: s.startMs * scale, 'marker-end': 'url(#' + key + '-' + s.tone + ')' });
		g.append(line);
		if (s.startLabel) g.append(el('text', { class: s.tone, x: L.codeXPct + '%', dx: L.labelInsetPx, y: s.startMs * scale - 4 }, s.startLabel));
		let end;
		if (s.endLabel) { end = el('text', { class: s.tone, x: L.codeXPct + '%', dx: L.labelInsetPx, y: s.endMs * scale - 4, visibility: 'hidden' }, s.endLabel); g.append(end); }
		return [g, (t) => {
			const span = s.endMs - s.startMs;
			const f = span <= 0 ? 1 : Math.min(1, Math.max(0, (t - s.startMs) / span));
			line.setAttribute('x2', (from + (to - from) * f).toFixed(2) + '%');
			line.setAttribute('y2', ((s.startMs + span * f) * scale).toFixed(1));
			if (f >= 1 && end) end.removeAttribute('visibility');
			return f >= 1;
		}];
	};
	return (t) => {
		track.setAttribute('transform', 'translate(0 ' + (L.nowY - t * scale).toFixed(2) + ')');
		while (next < list.length && list[next].startMs <= t) {
			const s = list[next++];
			const [node, update] = make(s);
			track.append(node);
			drawn.push({ s, node, update });
			if (!update(t)) moving.push(update);
		}
		moving = moving.filter((update) => !update(t));
		while (drawn.length && drawn[0].s.endMs < t - keepMs) drawn.shift().node.remove();
		if (pipe) pipe.setAttribute('height', Math.max(0, t * scale - pipeFromY).toFixed(1));
	};
}
const lanes = [drawLane('poll'), drawLane('stream')];
let start;
const frame = (now) => {
	start ??= now;
	const t = Math.floor(now - start);
	for (const draw of lanes) draw(t);
	document.body.dataset.simMs = String(t);
	requestAnimationFrame(frame);
};
requestAnimationFrame(frame);`;
	const style = `
.lanes { display: grid; grid-template-columns: 1fr 1fr; gap: 8px; }
svg { display: block; width: 100%; height: ${LANE.heightPx}px; border: 1px solid #d0d4dc; background: #f5f6f8; contain: strict; }
.life { stroke: #d0d4dc; stroke-width: 2; stroke-dasharray: 4 4; }
line.ask { stroke: #0b57d0; stroke-width: 2; } line.no { stroke: #5f6368; stroke-width: 2; } line.price { stroke: #137333; stroke-width: 2; }
path.ask, text.ask { fill: #0b57d0; } path.no, text.no { fill: #5f6368; } path.price, text.price { fill: #137333; }
text { font-size: 12px; font-family: monospace; paint-order: stroke; stroke: #f5f6f8; stroke-width: 3px; }
.pipe { fill: #dff3e6; stroke: #137333; stroke-opacity: 0.6; }
.dot { fill: #1f2328; } .dot.missed { fill: #b3261e; } text.tick { fill: #1f2328; }
`;
	return { lanes: `<div class="lanes">${lane('poll')}${lane('stream')}</div>`, style, script };
}

/** The floor page: two bare lanes drawing `specs`, the least work that shows the same thing. */
function floorHtml(settings: DiagramSettings): string {
	const { lanes, style, script } = floorParts(settings);
	return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>Diagram floor</title>
<style>
body { margin: 16px; font-family: sans-serif; background: #fff; }${style}</style></head><body>${lanes}<script>${script}</script></body></html>`;
}

interface Run {
	fps: number;
	over20: number;
	over33: number;
	p95: number;
	maxMs: number;
	longTasks: number;
	busyMsPerS: number;
	scriptMsPerS: number;
	layoutMsPerS: number;
	styleMsPerS: number;
	marketS: number;
}

/** Plays one page (floor or diagram) for `seconds` and measures it. */
async function measure(
	browser: Browser,
	url: string,
	scenario: Scenario,
	kind: Kind,
): Promise<Run> {
	const context = await browser.newContext({
		viewport: { width: scenario.width, height: 800 },
		// The site's Content-Security-Policy refuses the floor's inline style in the chapter.
		bypassCSP: kind === 'floor in chapter',
	});
	await context.route(`**${FLOOR}`, (route) =>
		route.fulfill({ contentType: 'text/html', body: floorHtml(scenario.settings) }),
	);
	const page = await context.newPage();
	const cdp = await context.newCDPSession(page);
	const simHost = kind === 'diagram' ? 'ch-pull-push' : 'body';
	if (kind === 'floor') {
		await page.goto(url + FLOOR);
	} else if (kind === 'floor in chapter') {
		// The same lanes, styles and script as the floor page, in the chapter where the diagram was
		// (removed, so it never animates), scrolled to as the diagram is: what the chapter around
		// the drawing costs, apart from what the diagram's own code costs.
		const floor = floorParts(scenario.settings);
		await page.goto(url + CHAPTER);
		await page.evaluate(({ lanes, style }) => {
			const box = document.createElement('div');
			box.id = 'ch-diagram-floor';
			box.innerHTML = `<style>#ch-diagram-floor { ${style} }</style>${lanes}`;
			document.querySelector('ch-pull-push')?.replaceWith(box);
		}, floor);
		await page.locator('#ch-diagram-floor').scrollIntoViewIfNeeded();
		await page.evaluate(`(() => { ${floor.script} })()`);
	} else {
		await page.goto(url + CHAPTER);
		await page.locator('ch-pull-push').scrollIntoViewIfNeeded();
		await page.waitForFunction(
			() => document.querySelector('ch-pull-push')?.getAttribute('data-state') === 'playing',
		);
		const { pollMs, ticksPerSecond } = scenario.settings;
		if (pollMs !== DIAGRAM_DEFAULTS.pollMs)
			await page.locator('ch-pull-push [data-input="poll"]').fill(String(pollMs / 1000));
		if (ticksPerSecond !== DIAGRAM_DEFAULTS.ticksPerSecond)
			await page.locator('ch-pull-push [data-input="rate"]').fill(String(ticksPerSecond));
	}
	// Both start measuring 1 s into their run, past the first frames' set-up.
	await page.waitForFunction(
		(selector) => Number(document.querySelector(selector)?.getAttribute('data-sim-ms')) > 1000,
		simHost,
	);
	await cdp.send('Emulation.setCPUThrottlingRate', { rate: scenario.cpuThrottle });
	await cdp.send('Performance.enable');
	const NAMES = ['TaskDuration', 'ScriptDuration', 'LayoutDuration', 'RecalcStyleDuration'];
	const metrics = async (): Promise<number[]> => {
		const all = await performanceMetrics(cdp);
		return NAMES.map((name) => all[name] ?? 0);
	};
	const simAt = async (): Promise<number> =>
		Number(await page.locator(simHost).first().getAttribute('data-sim-ms'));
	const before = await metrics();
	const simBefore = await simAt();
	const result = await sampleFrames(page, seconds * 1000);
	const after = await metrics();
	const simAfter = await simAt();
	await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 });
	await context.close();
	const sorted = [...result.intervals].sort((a, b) => a - b);
	const wallSeconds = result.wallMs / 1000;
	return {
		fps: result.intervals.length / wallSeconds,
		over20: result.intervals.filter((d) => d > 20).length,
		over33: result.intervals.filter((d) => d > 33).length,
		p95: sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.95))] ?? 0,
		maxMs: sorted[sorted.length - 1] ?? 0,
		longTasks: result.longTasks,
		busyMsPerS: ((after[0] - before[0]) * 1000) / wallSeconds,
		scriptMsPerS: ((after[1] - before[1]) * 1000) / wallSeconds,
		layoutMsPerS: ((after[2] - before[2]) * 1000) / wallSeconds,
		styleMsPerS: ((after[3] - before[3]) * 1000) / wallSeconds,
		marketS: (simAfter - simBefore) / 1000,
	};
}

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
const load = (): string =>
	loadavg()
		.map((l) => l.toFixed(1))
		.join(' ');
const median = (values: number[]): number => {
	const s = [...values].sort((a, b) => a - b);
	return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
try {
	for (const scenario of SCENARIOS.filter((s) => s.name.includes(only))) {
		const runs: Record<Kind, Run[]> = { floor: [], diagram: [], 'floor in chapter': [] };
		for (let rep = 1; rep <= reps; rep++) {
			for (const kind of KINDS) {
				const loadBefore = load();
				const run = await measure(browser, site.url, scenario, kind);
				runs[kind].push(run);
				rows.push({
					scenario: scenario.name,
					page: kind,
					rep,
					'CPU throttle': `${scenario.cpuThrottle}×`,
					'width px': scenario.width,
					fps: Number(run.fps.toFixed(1)),
					'frames > 20 ms': run.over20,
					'frames > 33 ms': run.over33,
					'p95 frame ms': Number(run.p95.toFixed(1)),
					'max frame ms': Number(run.maxMs.toFixed(1)),
					'long tasks': run.longTasks,
					'main thread busy ms/s': Math.round(run.busyMsPerS),
					'script ms/s': Math.round(run.scriptMsPerS),
					'layout ms/s': Math.round(run.layoutMsPerS),
					'style ms/s': Math.round(run.styleMsPerS),
					'market s advanced': Number(run.marketS.toFixed(2)),
					loadavg: loadBefore,
				});
			}
		}
		const busy = (k: Kind): number => median(runs[k].map((r) => r.busyMsPerS));
		const fps = (k: Kind): number => median(runs[k].map((r) => r.fps));
		const ratio = (over: Kind, under: Kind): Row => ({
			scenario: scenario.name,
			page: `${over} / ${under} (medians)`,
			rep: reps,
			fps: Number((fps(over) / fps(under)).toFixed(3)),
			'frames > 33 ms': `${runs[over].map((r) => r.over33).join(', ')} vs ${runs[under].map((r) => r.over33).join(', ')}`,
			'main thread busy ms/s': Number((busy(over) / busy(under)).toFixed(2)),
			loadavg: load(),
		});
		rows.push(
			ratio('diagram', 'floor'),
			ratio('diagram', 'floor in chapter'),
			ratio('floor in chapter', 'floor'),
		);
	}
} finally {
	await browser.close();
	await site.close();
}

console.log(markdownTable(rows));
if (jsonPath) writeFileSync(jsonPath, JSON.stringify({ rows }, null, 2));
