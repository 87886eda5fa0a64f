// `npm run serve` as an operator meets it: the real process (node server/serve.ts), its one-line
// errors for bad settings, its log lines, and what its signals do to open streams.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connect, upgradeStatus } from '../support/ws-client.ts';

const SERVE = fileURLToPath(new URL('../../server/serve.ts', import.meta.url));
let dist: string;
/** Every process started, so none outlives the tests whatever happens. */
const children = new Set<ChildProcess>();

beforeAll(() => {
	dist = mkdtempSync(join(tmpdir(), 'serve-test-'));
	writeFileSync(join(dist, 'index.html'), '<!doctype html><title>t</title><p>served</p>\n');
});
afterEach(() => {
	for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
	children.clear();
});
afterAll(() => rmSync(dist, { recursive: true, force: true }));

interface Run {
	child: ChildProcess;
	stdout: string[];
	stderr: string;
	exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
	/** Resolves with the first JSON log line that matches. */
	line(match: (line: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>;
}

function run(args: string[], env: Record<string, string> = {}): Run {
	const child = spawn(process.execPath, [SERVE, ...args], {
		env: { PATH: process.env.PATH ?? '', SITE_DIST: dist, LOG_LEVEL: 'info', ...env },
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	children.add(child);
	const result: Run = {
		child,
		stdout: [],
		stderr: '',
		exited: new Promise((resolve) =>
			child.once('exit', (code, signal) => resolve({ code, signal })),
		),
		line: (match) =>
			new Promise((resolve, reject) => {
				const check = () => {
					for (const text of result.stdout) {
						try {
							const parsed = JSON.parse(text) as Record<string, unknown>;
							if (match(parsed)) return (resolve(parsed), true);
						} catch {
							// not JSON; keep looking
						}
					}
					return false;
				};
				if (check()) return;
				const onData = () => {
					if (check()) child.stdout!.off('data', onData);
				};
				child.stdout!.on('data', onData);
				void result.exited.then(() => {
					if (!check()) reject(new Error(`exited first; stderr: ${result.stderr}`));
				});
			}),
	};
	let pending = '';
	child.stdout!.on('data', (chunk: Buffer) => {
		pending += chunk.toString();
		const lines = pending.split('\n');
		pending = lines.pop()!;
		result.stdout.push(...lines);
	});
	child.stderr!.on('data', (chunk: Buffer) => (result.stderr += chunk.toString()));
	return result;
}

async function started(r: Run): Promise<string> {
	const line = await r.line((l) => typeof l.url === 'string' && typeof l.stream === 'string');
	return String(line.url).replace(/\/$/, '');
}

describe('bad settings stop the server with one line', () => {
	const cases: Array<[string, string[], Record<string, string>, RegExp]> = [
		[
			'PORT=abc',
			[],
			{ PORT: 'abc' },
			/^error: `PORT` must be an integer from 0 to 65535; got `abc`\.$/,
		],
		['an unknown flag', ['--verbose'], {}, /^error: Unknown option `--verbose`/],
		['a flag without its value', ['--port'], {}, /^error: Option `--port` needs a value/],
		[
			'SITE_URL without a scheme',
			[],
			{ SITE_URL: 'course.example.com' },
			/^error: SITE_URL must be an absolute http\(s\) URL/,
		],
		[
			'PUBLIC_STREAM_URL over http',
			[],
			{ PUBLIC_STREAM_URL: 'http://s.example.com/' },
			/^error: PUBLIC_STREAM_URL must be a path/,
		],
		[
			'STREAM_ALLOWED_ORIGINS with a path',
			[],
			{ STREAM_ALLOWED_ORIGINS: 'https://a.example/x' },
			/^error: STREAM_ALLOWED_ORIGINS must be/,
		],
		['TRUST_PROXY=maybe', [], { TRUST_PROXY: 'maybe' }, /^error: TRUST_PROXY must be 1 or 0/],
		['LOG_LEVEL=loud', [], { LOG_LEVEL: 'loud' }, /^error: LOG_LEVEL must be one of/],
		[
			'DRAIN_GRACE_MS=soon',
			[],
			{ DRAIN_GRACE_MS: 'soon' },
			/^error: DRAIN_GRACE_MS must be an integer/,
		],
		[
			'a missing build folder',
			[],
			{ SITE_DIST: '/nonexistent-build-folder' },
			/^error: \/nonexistent-build-folder is missing/,
		],
	];
	for (const [name, args, env, message] of cases) {
		it(`for ${name}`, async () => {
			const r = run(args, { PORT: '0', ...env });
			const { code } = await r.exited;
			expect(code).not.toBe(0);
			const lines = r.stderr.trim().split('\n');
			expect(lines, r.stderr).toHaveLength(1);
			expect(lines[0]).toMatch(message);
		});
	}

	it('for a port that is already taken', async () => {
		const busy: Server = createServer();
		await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
		const port = (busy.address() as { port: number }).port;
		try {
			const r = run([], { PORT: String(port) });
			expect((await r.exited).code).toBe(1);
			expect(r.stderr.trim()).toBe(
				`error: cannot listen on 127.0.0.1:${port}: the port is in use; set PORT or --port to another.`,
			);
		} finally {
			busy.close();
		}
	});
});

describe('log lines', () => {
	it('name the part of the server that wrote them once: "site" for a request, "stream" for a connection', async () => {
		const r = run([], { PORT: '0' });
		try {
			const url = await started(r);
			expect((await fetch(`${url}/healthz`)).status).toBe(200);
			const client = await connect(url.replace('http:', 'ws:') + '/stream');
			await r.line((l) => l.event === 'connect');
			await r.line((l) => l.url === '/healthz');
			const raw = (match: (line: Record<string, unknown>) => boolean): string =>
				r.stdout.find((text) => text.startsWith('{') && match(JSON.parse(text)))!;
			// A JSON object with the key twice reads as whichever a parser keeps: say it once.
			const stream = raw((l) => l.event === 'connect');
			expect(stream.match(/"server":/g)).toHaveLength(1);
			expect(JSON.parse(stream).server).toBe('stream');
			const site = raw((l) => l.url === '/healthz');
			expect(site.match(/"server":/g)).toHaveLength(1);
			expect(JSON.parse(site).server).toBe('site');
			client.ws.close();
		} finally {
			r.child.kill('SIGKILL');
		}
	});
});

describe('signals', () => {
	it('SIGTERM drains: /readyz 503 and new streams refused while open ones run; a second SIGTERM closes them with 1001', async () => {
		const r = run([], { PORT: '0', DRAIN_GRACE_MS: '600000' });
		try {
			const url = await started(r);
			const ws = url.replace('http:', 'ws:') + '/stream';
			expect((await fetch(`${url}/readyz`)).status).toBe(200);
			const client = await connect(ws);
			r.child.kill('SIGTERM');
			await r.line((l) => typeof l.msg === 'string' && l.msg.startsWith('draining'));
			expect((await fetch(`${url}/readyz`)).status).toBe(503);
			expect((await fetch(`${url}/healthz`)).status).toBe(200);
			expect(await upgradeStatus(ws)).toBe(503);
			client.send({ action: 'ping' });
			expect(await client.next((f) => f.type === 'pong')).toBeTruthy();
			r.child.kill('SIGTERM');
			expect((await client.closed).code).toBe(1001);
			expect((await r.exited).code).toBe(0);
		} finally {
			r.child.kill('SIGKILL');
		}
	});

	it('SIGHUP is handled like SIGTERM: after the grace, open streams get 1001 (not 1006) and it exits 0', async () => {
		const r = run([], { PORT: '0', DRAIN_GRACE_MS: '200' });
		try {
			const url = await started(r);
			const client = await connect(url.replace('http:', 'ws:') + '/stream');
			r.child.kill('SIGHUP');
			expect((await client.closed).code).toBe(1001);
			expect((await r.exited).code).toBe(0);
			expect(r.stdout.some((l) => l.includes('"grace over"') || l.includes('grace over'))).toBe(
				true,
			);
		} finally {
			r.child.kill('SIGKILL');
		}
	});

	it('METRICS=1 serves Prometheus metrics on their own port, never on the public one', async () => {
		const r = run([], { PORT: '0', METRICS: '1', METRICS_PORT: '0' });
		const url = await started(r);
		const line = await r.line((l) => typeof l.metrics === 'string');
		const metrics = await fetch(String(line.metrics));
		expect(metrics.status).toBe(200);
		expect(await metrics.text()).toMatch(/^stream_connections_open \d+$/m);
		expect((await fetch(`${url}/metrics`)).status).toBe(404);
	});

	it('logs its settings at start and one JSON line per request', async () => {
		const r = run([], { PORT: '0' });
		try {
			const url = await started(r);
			const first = await r.line((l) => typeof l.url === 'string' && 'allowedHosts' in l);
			expect(first).toMatchObject({ streamPath: '/stream', trustProxy: false });
			await (await fetch(`${url}/`)).text();
			const request = await r.line((l) => l.msg === 'http request');
			expect(request).toMatchObject({ method: 'GET', url: '/', status: 200 });
		} finally {
			r.child.kill('SIGKILL');
		}
	});
});
