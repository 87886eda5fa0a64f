// The deployment of deploy/nginx.conf, for real: Debian's nginx in front of two `npm run serve`
// instances on loopback ports, Chromium loading the chapter through nginx. The stream panel must
// stream from a server (not the in-page simulation); two readers on different instances must see
// the same tick for the same symbol and time; and when one instance is killed, its reader must
// reconnect through nginx to the other and carry on with the market's prices for that moment.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import {
	chmodSync,
	existsSync,
	mkdirSync,
	mkdtempSync,
	readFileSync,
	rmSync,
	writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page, WebSocket as PageSocket } from 'playwright-core';
import { createMarket, DEFAULT_SEED } from '../../src/lib/market-engine.ts';
import { browserAvailable, collectErrors, launchBrowser, newContext, siteDist } from './harness.ts';

const NGINX = '/usr/sbin/nginx';
const CONFIG = fileURLToPath(new URL('../../deploy/nginx.conf', import.meta.url));
const SERVE = fileURLToPath(new URL('../../server/serve.ts', import.meta.url));
const CHAPTER = '/chapters/39-what-a-websocket-is/';

function nginxAvailable(): boolean {
	if (existsSync(NGINX)) return true;
	const line = `proxy test: missing nginx at ${NGINX} (apt-get install -y nginx)`;
	if (process.env.CI === 'true') throw new Error(`${line}; under CI=true it must run.`);
	console.warn(`${line}; skipping it (it runs under CI=true).`);
	return false;
}

const available = browserAvailable && nginxAvailable();

/** A port free right now on 127.0.0.1 (nginx cannot be told to pick one and report it). */
async function freePort(): Promise<number> {
	const server = createServer();
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as { port: number };
	await new Promise((resolve) => server.close(resolve));
	return port;
}

interface Instance {
	name: string;
	child: ChildProcess;
	port: number;
	/** Parsed JSON log lines so far. */
	lines: Record<string, unknown>[];
	/** Resolves once a log line matching `match` has appeared (already or later). */
	waitFor(match: (line: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>;
	exited: Promise<void>;
}

async function startInstance(name: string, siteUrl: string): Promise<Instance> {
	const child = spawn(process.execPath, [SERVE], {
		env: {
			PATH: process.env.PATH ?? '',
			PORT: '0',
			SITE_URL: siteUrl,
			TRUST_PROXY: '1',
			LOG_LEVEL: 'info',
			SITE_DIST: siteDist,
		},
		stdio: ['ignore', 'pipe', 'inherit'],
	});
	const lines: Record<string, unknown>[] = [];
	const waiters = new Set<() => void>();
	let pending = '';
	child.stdout!.on('data', (chunk: Buffer) => {
		pending += chunk.toString();
		const parts = pending.split('\n');
		pending = parts.pop()!;
		for (const part of parts) {
			try {
				lines.push(JSON.parse(part) as Record<string, unknown>);
			} catch {
				// not a log line
			}
		}
		for (const waiter of [...waiters]) waiter();
	});
	const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
	const waitFor = (match: (line: Record<string, unknown>) => boolean) =>
		new Promise<Record<string, unknown>>((resolve, reject) => {
			const check = () => {
				const found = lines.find(match);
				if (found) {
					waiters.delete(check);
					resolve(found);
				}
			};
			waiters.add(check);
			check();
			void exited.then(() => {
				waiters.delete(check);
				reject(new Error(`instance ${name} exited while waiting`));
			});
		});
	const started = await waitFor((line) => typeof line.stream === 'string');
	return { name, child, port: Number(new URL(String(started.url)).port), lines, waitFor, exited };
}

const connects = (instance: Instance) => instance.lines.filter((l) => l.event === 'connect').length;

interface Tick {
	symbol: string;
	exchange: string;
	timestamp: number;
	ltp: number;
}

/** Records the market_data frames of every WebSocket a page opens, socket by socket. */
function recordTicks(page: Page): { sockets: Array<{ socket: PageSocket; ticks: Tick[] }> } {
	const record = { sockets: [] as Array<{ socket: PageSocket; ticks: Tick[] }> };
	page.on('websocket', (socket) => {
		const entry = { socket, ticks: [] as Tick[] };
		record.sockets.push(entry);
		socket.on('framereceived', ({ payload }) => {
			let frame: {
				type?: string;
				symbol?: string;
				exchange?: string;
				data?: { ltp?: number; timestamp?: number };
			};
			try {
				frame = JSON.parse(String(payload));
			} catch {
				return;
			}
			if (frame.type !== 'market_data' || !frame.data) return;
			entry.ticks.push({
				symbol: frame.symbol!,
				exchange: frame.exchange!,
				timestamp: frame.data.timestamp!,
				ltp: frame.data.ltp!,
			});
		});
	});
	return record;
}

const key = (tick: Tick) => `${tick.exchange}:${tick.symbol}@${tick.timestamp}`;

/** Resolves once `condition` holds (frames arrive several times a second); bounded by `ms`. */
function until(condition: () => boolean, what: string, ms = 30_000): Promise<void> {
	return new Promise((resolve, reject) => {
		const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms);
		const check = () => {
			if (!condition()) return;
			clearTimeout(timer);
			clearInterval(poll);
			resolve();
		};
		const poll = setInterval(check, 100);
		check();
	});
}

describe.skipIf(!available)('behind nginx: two instances, one public origin', () => {
	let temp: string;
	let nginx: ChildProcess | undefined;
	let nginxUrl: string;
	let a: Instance;
	let b: Instance;
	let browser: Browser;

	beforeAll(async () => {
		temp = mkdtempSync(join(tmpdir(), 'proxy-test-'));
		const nginxPort = await freePort();
		nginxUrl = `http://127.0.0.1:${nginxPort}`;
		[a, b] = await Promise.all([startInstance('A', nginxUrl), startInstance('B', nginxUrl)]);
		// deploy/nginx.conf with the test's ports and a private prefix for pid, logs and temp files.
		let config = readFileSync(CONFIG, 'utf8');
		const swaps: Array<[RegExp, string]> = [
			[/^pid .*;$/m, `pid ${temp}/nginx.pid;`],
			[/^error_log .*;$/m, `error_log ${temp}/error.log warn;`],
			[/^(\s*)access_log .*;$/m, `$1access_log ${temp}/access.log;`],
			[/^(\s*)listen 80;$/m, `$1listen 127.0.0.1:${nginxPort};`],
			[/^\s*listen \[::\]:80;\n/m, ''],
			[/^(\s*)server 127\.0\.0\.1:4321 /m, `$1server 127.0.0.1:${a.port} `],
			[/^(\s*)server 127\.0\.0\.1:4322 /m, `$1server 127.0.0.1:${b.port} `],
			[/^worker_processes .*;$/m, 'worker_processes 1;'],
		];
		for (const [pattern, replacement] of swaps) {
			expect(pattern.test(config), `deploy/nginx.conf has ${pattern}`).toBe(true);
			config = config.replace(pattern, replacement);
		}
		// Temp folders nginx would otherwise put under /var/lib/nginx (workers may run as nobody).
		for (const name of ['body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) {
			mkdirSync(join(temp, name));
			chmodSync(join(temp, name), 0o777);
		}
		config = config.replace(
			/^http \{$/m,
			`http {\n${['body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']
				.map((name) => `\t${name === 'body' ? 'client_body' : name}_temp_path ${temp}/${name};`)
				.join('\n')}`,
		);
		const path = join(temp, 'nginx.conf');
		writeFileSync(path, config);
		const check = spawnSync(NGINX, ['-t', '-p', temp, '-c', path], { encoding: 'utf8' });
		expect(check.status, check.stderr).toBe(0);
		nginx = spawn(NGINX, ['-p', temp, '-c', path, '-g', 'daemon off;'], { stdio: 'inherit' });
		// nginx says nothing when it is ready; ask through it until an instance answers.
		for (let attempt = 0; ; attempt++) {
			const ok = await fetch(`${nginxUrl}/healthz`).then(
				(r) => r.ok,
				() => false,
			);
			if (ok) break;
			if (attempt > 100)
				throw new Error(`nginx did not answer; ${readFileSync(join(temp, 'error.log'), 'utf8')}`);
			await new Promise((resolve) => setTimeout(resolve, 100));
		}
		browser = await launchBrowser();
	}, 60_000);

	afterAll(async () => {
		await browser?.close();
		nginx?.kill('SIGQUIT');
		for (const instance of [a, b])
			if (instance?.child.exitCode === null) instance.child.kill('SIGKILL');
		if (nginx && nginx.exitCode === null)
			await new Promise((resolve) => nginx!.once('exit', resolve));
		if (temp) rmSync(temp, { recursive: true, force: true });
	});

	/** Opens the chapter through nginx and returns the instance its stream landed on. */
	async function openReader(page: Page): Promise<Instance> {
		const before = [connects(a), connects(b)];
		await page.goto(nginxUrl + CHAPTER);
		await page.locator('ch-tick-stream').scrollIntoViewIfNeeded();
		await page.waitForSelector('ch-tick-stream[data-transport="server"][data-state="open"]', {
			timeout: 20_000,
		});
		await Promise.race([
			a.waitFor(() => connects(a) > before[0]!),
			b.waitFor(() => connects(b) > before[1]!),
		]);
		return connects(a) > before[0]! ? a : b;
	}

	it('streams from the server through nginx; readers on different instances see identical ticks; a killed instance hands its reader to the other', async () => {
		const context = await newContext(browser);
		const first = await context.newPage();
		const second = await (await newContext(browser)).newPage();
		const errors = [...collectErrors(first), ...collectErrors(second)];
		const firstTicks = recordTicks(first);
		const secondTicks = recordTicks(second);

		const firstOn = await openReader(first);
		let secondOn = await openReader(second);
		// Round robin decides; reload the second reader until it lands on the other instance.
		for (let attempt = 0; secondOn === firstOn && attempt < 8; attempt++)
			secondOn = await openReader(second);
		expect(secondOn, 'the two readers are on different instances').not.toBe(firstOn);
		expect(await first.locator('ch-tick-stream').getAttribute('data-transport')).toBe('server');

		// Both sockets get the same ticks: same symbol, same timestamp, same price.
		const firstSocket = () => firstTicks.sockets.at(-1)!.ticks;
		const secondSocket = () => secondTicks.sockets.at(-1)!.ticks;
		const shared = (x: Tick[], y: Tick[]) => {
			const byKey = new Map(y.map((t) => [key(t), t]));
			return x.filter((t) => byKey.has(key(t))).map((t) => [t, byKey.get(key(t))!] as const);
		};
		await until(() => shared(firstSocket(), secondSocket()).length >= 4, 'four shared ticks');
		for (const [x, y] of shared(firstSocket(), secondSocket())) expect(x.ltp, key(x)).toBe(y.ltp);

		// Kill the first reader's instance outright: no drain, no close frame.
		const survivor = firstOn === a ? b : a;
		const socketsBefore = firstTicks.sockets.length;
		const survivorConnects = connects(survivor);
		const killedAt = Date.now();
		firstOn.child.kill('SIGKILL');
		await firstOn.exited;
		await first.waitForSelector(
			'ch-tick-stream[data-state="reconnecting"], ch-tick-stream[data-state="connecting"]',
			{
				timeout: 10_000,
			},
		);
		await first.waitForSelector('ch-tick-stream[data-transport="server"][data-state="open"]', {
			timeout: 30_000,
		});
		await survivor.waitFor(() => connects(survivor) > survivorConnects);
		expect(firstTicks.sockets.length, 'the page opened a new socket').toBeGreaterThan(
			socketsBefore,
		);

		// Prices continue where the market is: new ticks are from after the kill, agree with the
		// other reader, and are the deterministic engine's own prices for those moments.
		const after = () => firstTicks.sockets.at(-1)!.ticks;
		await until(
			() => shared(after(), secondSocket()).length >= 4,
			'four shared ticks after the reconnect',
		);
		const market = createMarket({ seed: DEFAULT_SEED });
		for (const tick of after()) {
			expect(tick.timestamp, 'a tick from after the kill').toBeGreaterThanOrEqual(killedAt - 1000);
			expect(tick.ltp, key(tick)).toBe(
				market.lastTick(tick.symbol, tick.exchange, tick.timestamp).ltp,
			);
		}
		for (const [x, y] of shared(after(), secondSocket())) expect(x.ltp, key(x)).toBe(y.ltp);
		expect(
			errors.filter((e) => !/WebSocket|ERR_CONNECTION|Failed to load resource/.test(e)),
		).toEqual([]);
	});

	it('reports no Content-Security-Policy violation on the chapter', async () => {
		const page = await (await newContext(browser)).newPage();
		const violations: string[] = [];
		await page.exposeFunction('reportViolation', (text: string) => violations.push(text));
		await page.addInitScript(() => {
			document.addEventListener('securitypolicyviolation', (event) => {
				(window as unknown as { reportViolation(t: string): void }).reportViolation(
					`${event.violatedDirective} ${event.blockedURI} ${event.sample}`,
				);
			});
		});
		page.on('console', (message) => {
			if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
		});
		const response = await page.goto(nginxUrl + CHAPTER);
		expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
		// Wake every widget: scroll to each, then use the builder so shiki's highlighter loads.
		for (const selector of [
			'ch-pull-push',
			'ch-subscribe-builder',
			'ch-tick-stream',
			'ch-exercises',
		]) {
			const widget = page.locator(selector).first();
			if ((await widget.count()) > 0) await widget.scrollIntoViewIfNeeded();
		}
		await page.waitForSelector('ch-subscribe-builder[data-state="live"]', { timeout: 20_000 });
		await page.locator('ch-subscribe-builder').getByRole('radio', { name: 'quote' }).check();
		await page
			.locator('ch-subscribe-builder textarea')
			.fill('{"action":"subscribe","symbols":[{"symbol":"TCS","exchange":"NSE"}],"mode":"ltp"}');
		await page.waitForSelector('ch-tick-stream[data-state="open"]', { timeout: 20_000 });
		await page
			.locator('ch-subscribe-builder')
			.getByRole('button', { name: 'Send to the live stream' })
			.click();
		await page.waitForFunction(
			() =>
				document.querySelectorAll('ch-tick-stream [data-part="console"] > div > div').length > 0,
			null,
			{
				timeout: 20_000,
			},
		);
		expect(violations).toEqual([]);
	});
});
