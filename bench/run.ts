// `npm run bench`: every figure the project measures, in one table, also written to
// bench/RESULTS.md. Each section names the command that produced it and the machine it ran on.
//   --skip build,weight,lighthouse,page-cost,stream,stream-attacks,site-attacks,render-real,render,diagram   leave sections out
//   --stream-clients 100,1000,2000   passed to the stream benchmark
import { spawn, spawnSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { kb, listPages, weighPage } from './lib/page-weight.ts';
import { markdownTable, rowsFromJson, type Row } from './lib/table.ts';
import { valueOf } from './lib/args.ts';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../scripts/chromium.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DIST = join(ROOT, 'dist');
const OUT = join(ROOT, 'bench', 'out');
const BIN = join(ROOT, 'node_modules', '.bin');

const skip = new Set((valueOf('--skip') ?? '').split(',').filter(Boolean));
const streamClients = valueOf('--stream-clients');

interface Section {
	title: string;
	command: string;
	body: string;
}

const sections: Section[] = [];
mkdirSync(OUT, { recursive: true });

function machine(): string {
	const chromium = existsSync(CHROMIUM_PATH)
		? spawnSync(CHROMIUM_PATH, ['--version'], { encoding: 'utf8' }).stdout.trim()
		: 'Chromium not installed';
	return [
		`${cpus().length} × ${cpus()[0]?.model.trim() ?? 'unknown CPU'}`,
		`${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM`,
		`Node ${process.versions.node}`,
		chromium,
	].join(', ');
}

/** Runs a command with output shown live; resolves with its exit code and wall time. */
function run(command: string, commandArgs: string[]): Promise<{ code: number; ms: number }> {
	const started = performance.now();
	return new Promise((resolve) => {
		const child = spawn(command, commandArgs, {
			cwd: ROOT,
			stdio: ['ignore', 'inherit', 'inherit'],
		});
		child.on('close', (code) => resolve({ code: code ?? 1, ms: performance.now() - started }));
		child.on('error', () => resolve({ code: 1, ms: performance.now() - started }));
	});
}

/** Runs the lighthouse CLI against Debian's Chromium, at most three minutes. */
function runLighthouse(
	lighthouseArgs: string[],
	output: string,
): Promise<{ code: number; stderr: string }> {
	return new Promise((resolve) => {
		const child = spawn(join(BIN, 'lighthouse'), lighthouseArgs, {
			cwd: ROOT,
			env: { ...process.env, CHROME_PATH: CHROMIUM_PATH },
			stdio: ['ignore', 'ignore', 'pipe'],
		});
		let stderr = '';
		child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
		const timer = setTimeout(() => child.kill('SIGKILL'), 180_000);
		child.on('close', (code) => {
			clearTimeout(timer);
			resolve({ code: code ?? 1, stderr: stderr || `lighthouse wrote nothing to ${output}` });
		});
		child.on('error', (error) => {
			clearTimeout(timer);
			resolve({ code: 1, stderr: error.message });
		});
	});
}

function add(title: string, command: string, body: string): void {
	sections.push({ title, command, body });
	console.log(`\n## ${title}\n\n${body}\n\n(${command})`);
}

if (!skip.has('build')) {
	const { code, ms } = await run(join(BIN, 'astro'), ['build']);
	if (code !== 0) {
		console.error('bench: `astro build` failed; nothing else can be measured.');
		process.exit(1);
	}
	add('Build', 'astro build (wall time, this run)', `\`astro build\`: ${(ms / 1000).toFixed(1)} s`);
}

if (!existsSync(DIST)) {
	console.error('bench: dist/ is missing; run `npm run build` or drop `--skip build`.');
	process.exit(1);
}

if (!skip.has('weight')) {
	const rows: Row[] = listPages(DIST).map((page) => {
		const weight = weighPage(DIST, page);
		return {
			page: weight.page,
			'HTML raw / gzip': `${kb(weight.html.raw)} / ${kb(weight.html.gzip)}`,
			'CSS raw / gzip': `${kb(weight.css.raw)} / ${kb(weight.css.gzip)}`,
			'JS before interaction raw / gzip': `${kb(weight.jsInitial.raw)} / ${kb(weight.jsInitial.gzip)}`,
			'JS on view / first use raw / gzip': `${kb(weight.jsLazy.raw)} / ${kb(weight.jsLazy.gzip)}`,
			'JS total gzip': kb(weight.jsAll.gzip),
		};
	});
	add(
		'Page weight',
		'bench/lib/page-weight.ts over dist/ (gzip level 9, 1 KB = 1000 B)',
		markdownTable(rows),
	);
}

if (!skip.has('lighthouse')) {
	if (!existsSync(CHROMIUM_PATH)) {
		add('Lighthouse', 'lighthouse', `skipped: Chromium missing at ${CHROMIUM_PATH}`);
	} else {
		const { startSiteServer } = await import('../server/site-server.ts');
		const { createStreamServer } = await import('../server/stream-server.ts');
		const stream = createStreamServer({ mount: 'site' });
		const site = await startSiteServer({
			root: DIST,
			port: 0,
			onStreamUpgrade: stream.handleUpgrade,
		});
		const chapter = listPages(DIST).find((p) => p.startsWith('chapters'));
		const url = `${site.url}/${(chapter ?? 'index.html').replace(/index\.html$/, '')}`;
		const rows: Row[] = [];
		for (const preset of ['mobile', 'desktop'] as const) {
			const output = join(OUT, `lighthouse-${preset}.json`);
			const lighthouseArgs = [
				url,
				'--quiet',
				'--output=json',
				`--output-path=${output}`,
				'--only-categories=performance,accessibility,best-practices,seo',
				`--chrome-flags=--headless=new ${CHROMIUM_ARGS.join(' ')}`,
				...(preset === 'desktop' ? ['--preset=desktop'] : []),
			];
			// Asynchronous on purpose: the site server answering Lighthouse runs in this process, so a
			// synchronous spawn would block it and Lighthouse would time out waiting for the page.
			const child = await runLighthouse(lighthouseArgs, output);
			if (child.code !== 0 || !existsSync(output)) {
				rows.push({
					preset,
					result: `failed: ${child.stderr.trim().split('\n').pop() ?? `exit ${child.code}`}`,
				});
				continue;
			}
			const report = JSON.parse(readFileSync(output, 'utf8'));
			const score = (id: string): string =>
				String(Math.round((report.categories[id]?.score ?? 0) * 100));
			const audit = (id: string): string => report.audits[id]?.displayValue ?? 'n/a';
			rows.push({
				preset,
				performance: score('performance'),
				accessibility: score('accessibility'),
				'best practices': score('best-practices'),
				SEO: score('seo'),
				LCP: audit('largest-contentful-paint'),
				TBT: audit('total-blocking-time'),
				CLS: audit('cumulative-layout-shift'),
			});
		}
		await stream.close();
		await site.close();
		add(
			'Lighthouse (chapter page)',
			'lighthouse <chapter URL> [--preset=desktop], served by the npm start server',
			markdownTable(rows),
		);
	}
}

/** Runs one benchmark script that supports `--json <file>` and adds its rows as a section. */
async function subBench(
	name: string,
	title: string,
	script: string,
	extra: string[] = [],
): Promise<void> {
	if (skip.has(name)) return;
	if (!existsSync(join(ROOT, script))) {
		add(title, script, `skipped: ${script} does not exist`);
		return;
	}
	const json = join(OUT, `${name}.json`);
	const commandArgs = [script, ...extra, '--json', json];
	const { code } = await run(process.execPath, commandArgs);
	if (code !== 0 || !existsSync(json)) {
		add(title, `node ${commandArgs.join(' ')}`, `failed (exit ${code})`);
		return;
	}
	const report = JSON.parse(readFileSync(json, 'utf8'));
	const rows = rowsFromJson(report);
	// Beside its rows a bench may write more tables: `means` (per page over the runs), `ratios`
	// (against a floor or a baseline, one row per scenario, or one per pair of pages where each
	// row names its pair in a `ratio` column), `soak` (what stays alive over a long run) and
	// `firstTick`.
	const against = report.against ?? 'floor';
	const pairsNamed =
		Array.isArray(report.ratios) &&
		report.ratios.some((row: unknown) => !!row && typeof row === 'object' && 'ratio' in row);
	const extras: [string, unknown][] = [
		['Means over the runs, per page:', report.means],
		[
			pairsNamed
				? 'Ratios of the means over the runs (each row names the pages it divides):'
				: `Against the ${against}, means over the runs (ratio = measured / ${against}):`,
			report.ratios,
		],
		['Over a long run, read after a forced GC:', report.soak],
		['Time to first tick (a fresh page each time):', report.firstTick],
	];
	const body = [
		markdownTable(rows),
		...extras
			.filter(([, table]) => Array.isArray(table) && table.length > 0)
			.map(([heading, table]) => `${heading}\n\n${markdownTable(rowsFromJson(table))}`),
	].join('\n\n');
	add(title, `node ${[script, ...extra].join(' ')}`, body);
}

await subBench(
	'page-cost',
	'What a frame costs in the chapter, apart from any widget',
	'bench/page-cost.bench.ts',
);
await subBench(
	'render-real',
	'Tick rendering in the page (EX 1 at the market pace, ~3 ticks/s)',
	'bench/render.bench.ts',
	['--rate', 'real'],
);
await subBench('render', 'Tick rendering in the page (~50 ticks/s)', 'bench/render.bench.ts', [
	'--soak',
	'60',
]);
await subBench('diagram', 'Pull-vs-push diagram frame rate', 'bench/diagram.bench.ts');
await subBench(
	'stream-attacks',
	'Stream server under hostile clients (RSS, descriptors, a healthy reader’s latency)',
	'bench/stream-attacks.bench.ts',
);
await subBench(
	'site-attacks',
	'Site server under hostile HTTP clients (RSS, descriptors, a healthy client’s latency)',
	'bench/site-attacks.bench.ts',
);
// The load test last: its thousands of clients leave the two cores busy for a while after.
await subBench(
	'stream',
	'Stream server vs bare ws broadcast',
	'bench/stream.bench.ts',
	streamClients ? ['--clients', streamClients] : [],
);

const when = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
const markdown = [
	'# Benchmark results',
	'',
	`Produced by \`npm run bench\` on ${when}.`,
	'',
	`Machine: ${machine()}.`,
	'',
	...sections.flatMap((s) => [`## ${s.title}`, '', s.body, '', `Command: \`${s.command}\``, '']),
].join('\n');
writeFileSync(join(ROOT, 'bench', 'RESULTS.md'), markdown);
console.log('\nWrote bench/RESULTS.md');
