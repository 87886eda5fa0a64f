// `npm run stream` as a process: its start line, its health paths over plain HTTP, and how it
// stops on each signal (SIGHUP ended every client with 1006 before; now it drains like SIGTERM).
import { afterEach, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { connect } from '../support/ws-client.ts';

const CLI = fileURLToPath(new URL('../../server/cli.ts', import.meta.url));

interface Running {
	child: ChildProcess;
	url: string;
	/** Every JSON log line so far. */
	logs: Array<Record<string, unknown>>;
	exited: Promise<number | null>;
}

const running: ChildProcess[] = [];
afterEach(() => {
	for (const child of running.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

async function start(env: Record<string, string> = {}): Promise<Running> {
	const child = spawn(process.execPath, [CLI, '--port', '0'], {
		stdio: ['ignore', 'pipe', 'inherit'],
		env: { ...process.env, LOG_LEVEL: 'info', DRAIN_GRACE_MS: '0', ...env },
	});
	running.push(child);
	const exited = once(child, 'exit').then(([code]) => code as number | null);
	const logs: Array<Record<string, unknown>> = [];
	const lines = createInterface({ input: child.stdout! });
	const url = await new Promise<string>((resolve, reject) => {
		lines.on('line', (line) => {
			if (line.startsWith('{')) logs.push(JSON.parse(line) as Record<string, unknown>);
			const found = /ws:\/\/[\d.]+:\d+/.exec(line);
			if (found && !line.startsWith('{')) resolve(found[0]);
		});
		void exited.then((code) => reject(new Error(`cli exited (${code}) before listening`)));
	});
	return { child, url, logs, exited };
}

describe('npm run stream (server/cli.ts)', () => {
	it('logs one start line with its settings and answers /healthz and /readyz over HTTP', async () => {
		const cli = await start({ STREAM_ALLOWED_HOSTS: '127.0.0.1, localhost' });
		const start_ = cli.logs.find((l) => l.event === 'start');
		expect(start_).toMatchObject({
			server: 'stream',
			url: cli.url,
			auth: 'demo',
			allowedHosts: ['127.0.0.1', 'localhost'],
			trustProxy: false,
			metrics: false,
			drainGraceMs: 0,
		});
		const http = cli.url.replace('ws://', 'http://');
		expect(await (await fetch(`${http}/healthz`)).text()).toBe('ok\n');
		expect(await (await fetch(`${http}/readyz`)).text()).toBe('ready\n');
		expect((await fetch(`${http}/`)).status).toBe(426);
		cli.child.kill('SIGTERM');
		expect(await cli.exited).toBe(0);
	});

	it('closes every client with 1001 on SIGHUP, as on SIGTERM, and exits 0', async () => {
		for (const signal of ['SIGHUP', 'SIGTERM'] as const) {
			const cli = await start();
			const client = await connect(cli.url);
			client.send({ action: 'authenticate', api_key: 'demo' });
			await client.next((f) => f.type === 'auth');
			cli.child.kill(signal);
			expect((await client.closed).code, signal).toBe(1001);
			expect(await cli.exited, signal).toBe(0);
			expect(cli.logs.find((l) => l.event === 'stop')).toMatchObject({ signal });
		}
	});

	it('stops with one line for a bad setting', async () => {
		const child = spawn(process.execPath, [CLI], {
			stdio: ['ignore', 'pipe', 'pipe'],
			env: { ...process.env, DRAIN_GRACE_MS: 'soon' },
		});
		running.push(child);
		let stderr = '';
		child.stderr.on('data', (chunk: Buffer) => (stderr += String(chunk)));
		const [code] = await once(child, 'exit');
		expect(code).toBe(2);
		expect(stderr).toBe(
			'error: DRAIN_GRACE_MS must be a whole number from 0 to 600000; got `soon`.\n',
		);
	});
});
