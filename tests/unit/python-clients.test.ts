// The chapter's take-home Python clients, run as a learner runs them, against the real mock stream
// server (server/stream-server.ts, standalone mount) on a loopback port the test picks:
// - 03_raw_socket.py with /usr/bin/python3 and Debian's python3-websocket (websocket-client): real
//   end to end, including a server that goes away and comes back.
// - 02_on_tick_with_sdk.py with a STAND-IN `openalgo` package on PYTHONPATH
//   (tests/fixtures/python/openalgo-standin), because PyPI is unreachable here: the stand-in speaks
//   the SDK's documented frames over a real websocket, so what is checked for real is the script's
//   use of the SDK's API, the frames that use produces (against tests/fixtures/protocol/sdk-v2.jsonl)
//   and the callback reading the mock's real ticks; not the SDK itself.
// Each run's printed ticks are checked against the frames a second client saw on the same stream,
// and each script's NN_name.sample.txt (the transcript the page shows) against what the run printed.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
	createStreamServer,
	type StreamServer,
	type StreamServerOptions,
} from '../../server/stream-server.ts';
import { startStream, type StreamFixture } from '../support/stream-fixture.ts';
import { connect, type Recorded } from '../support/ws-client.ts';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const CODE = join(REPO, 'content', 'code', 'ch39');
const RAW_SOCKET = join(CODE, '03_raw_socket.py');
const WITH_SDK = join(CODE, '02_on_tick_with_sdk.py');
const STANDIN = join(REPO, 'tests', 'fixtures', 'python', 'openalgo-standin');
const SDK_V2 = readFileSync(join(REPO, 'tests', 'fixtures', 'protocol', 'sdk-v2.jsonl'), 'utf8')
	.trim()
	.split('\n')
	.map((line) => JSON.parse(line) as Record<string, unknown>);

/** The first python3 that can import websocket-client (Debian's python3-websocket is for /usr/bin/python3). */
const PYTHON = ['/usr/bin/python3', 'python3'].find(
	(python) => spawnSync(python, ['-c', 'import websocket'], { stdio: 'ignore' }).status === 0,
);
if (PYTHON === undefined) {
	if (process.env.CI === 'true')
		throw new Error(
			'python-clients: no python3 can `import websocket`; under CI=true it must (apt-get install python3-websocket).',
		);
	console.warn(
		'python-clients: skipped: no python3 with websocket-client (apt-get install python3-websocket, or pip install websocket-client).',
	);
}

// Each run starts a python3 process and waits on what it prints; a loaded machine can be slow.
vi.setConfig({ testTimeout: 90_000 });

const TICK_LINE = /^(RELIANCE|TCS) is now (\d+(?:\.\d+)?)$/;
const PING_LINE = /^\(ping from the server, answered with a pong\)$/;

interface PythonRun {
	child: ChildProcess;
	lines: string[];
	stderr(): string;
	/** Resolves with the index of the first line at or after `from` that matches; rejects if the script ends first. */
	waitFor(pattern: RegExp, from?: number): Promise<number>;
	exited: Promise<number | null>;
}

const running: PythonRun[] = [];

function runPython(script: string, env: Record<string, string>): PythonRun {
	const child = spawn(PYTHON!, [script], {
		cwd: REPO,
		env: {
			...process.env,
			...env,
			PYTHONUNBUFFERED: '1',
			PYTHONDONTWRITEBYTECODE: '1',
			PYTHONIOENCODING: 'utf-8',
			LC_ALL: 'C.UTF-8',
		},
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	const lines: string[] = [];
	let stderr = '';
	let done = false;
	const waiters = new Set<() => void>();
	const wake = (): void => {
		for (const waiter of [...waiters]) waiter();
	};
	createInterface({ input: child.stdout! }).on('line', (line) => {
		lines.push(line);
		wake();
	});
	child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
	const exited = new Promise<number | null>((resolve) =>
		child.on('close', (code) => {
			done = true;
			resolve(code);
			wake();
		}),
	);
	const run: PythonRun = {
		child,
		lines,
		stderr: () => stderr,
		exited,
		waitFor: (pattern, from = 0) =>
			new Promise((resolve, reject) => {
				const check = (): void => {
					const index = lines.findIndex((line, i) => i >= from && pattern.test(line));
					if (index >= 0) {
						waiters.delete(check);
						resolve(index);
					} else if (done) {
						waiters.delete(check);
						reject(
							new Error(
								`${script} ended before printing a line matching ${pattern}.\nstdout:\n${lines.join('\n')}\nstderr:\n${stderr}`,
							),
						);
					}
				};
				waiters.add(check);
				check();
			}),
	};
	running.push(run);
	return run;
}

afterEach(() => {
	for (const run of running.splice(0)) if (run.child.exitCode === null) run.child.kill('SIGKILL');
});

/** A second client on the same stream: every (symbol, ltp) the server sent while it listened. */
async function watchTicks(url: string): Promise<Recorded> {
	const monitor = await connect(url);
	monitor.send({ action: 'authenticate', api_key: 'demo' });
	await monitor.next((frame) => frame.type === 'auth');
	monitor.send({
		action: 'subscribe',
		mode: 1,
		symbols: [
			{ symbol: 'RELIANCE', exchange: 'NSE' },
			{ symbol: 'TCS', exchange: 'NSE' },
		],
	});
	await monitor.next((frame) => frame.type === 'subscribe');
	return monitor;
}

/** The `SYMBOL is now PRICE` lines, as the server's frames would print them (JS and Python agree on shortest float text). */
function sentTickLines(monitor: Recorded): Set<string> {
	return new Set(
		monitor.frames
			.filter((frame) => frame.type === 'market_data')
			.map(
				(frame) => `${String(frame.symbol)} is now ${String((frame.data as { ltp: number }).ltp)}`,
			),
	);
}

/** A line with its numbers and address blanked, for comparing a transcript with a run. */
const shape = (line: string): string =>
	line.replace(/ws:\/\/\S+/g, 'ws://ADDRESS').replace(/\d+(\.\d+)?/g, 'N');

/** Checks a sample transcript against a real run: same opening lines, and no line the run could not print. */
function expectSampleMatches(sampleFile: string, run: PythonRun): void {
	const sample = readFileSync(sampleFile, 'utf8').replace(/\n$/, '').split('\n');
	// Up to the first tick; a ping may come at any moment, so pings are left out of the comparison.
	const head = (lines: string[]): string[] =>
		lines
			.slice(
				0,
				lines.findIndex((line) => TICK_LINE.test(line)),
			)
			.filter((line) => !PING_LINE.test(line))
			.map(shape);
	expect(head(sample)).toEqual(head(run.lines));
	const printed = new Set(run.lines.map(shape));
	expect(sample.map(shape).filter((line) => !printed.has(line))).toEqual([]);
}

/** A standalone stream on one port that can be stopped (port closed) and started again. */
async function startRestartable(options: Partial<StreamServerOptions>) {
	let stream: StreamServer;
	let http: Server;
	let port = 0;
	const start = async (): Promise<void> => {
		stream = createStreamServer({ mount: 'standalone', ...options });
		http = createServer((_req, res) => res.end());
		http.on('upgrade', (req, socket, head) => stream.handleUpgrade(req, socket, head));
		await new Promise<void>((resolve) => http.listen(port, '127.0.0.1', resolve));
		port = (http.address() as AddressInfo).port;
	};
	const stop = async (): Promise<void> => {
		// Stop listening first, so that the client's next attempt finds the port closed.
		const closed = new Promise<void>((resolve) => http.close(() => resolve()));
		await stream.close();
		http.closeAllConnections();
		await closed;
	};
	await start();
	return { url: `ws://127.0.0.1:${port}`, start, stop, stream: () => stream };
}

describe.skipIf(PYTHON === undefined)(
	'03_raw_socket.py (real python3 + websocket-client, real mock)',
	() => {
		it('prints the chapter’s ticks, answers pings, reconnects with backoff and re-subscribes after the server restarts, and stops on Ctrl+C', async () => {
			// A short heartbeat so pings come during the test; the server drops a peer that does not pong.
			const server = await startRestartable({ limits: { heartbeatIntervalMs: 4000 } });
			try {
				const monitor = await watchTicks(server.url);
				const run = runPython(RAW_SOCKET, {
					OPENALGO_WS_URL: server.url,
					OPENALGO_API_KEY: 'demo',
				});

				const subscribed = await run.waitFor(
					/^Subscribed: RELIANCE on NSE \(LTP\), TCS on NSE \(LTP\)$/,
				);
				expect(run.lines.slice(0, subscribed + 1)).toEqual([
					'Ctrl+C stops the stream.',
					`Connecting to ${server.url}`,
					'Handshake done: the server answered 101 Switching Protocols',
					'Authenticated',
					'Subscribed: RELIANCE on NSE (LTP), TCS on NSE (LTP)',
				]);
				await run.waitFor(/^RELIANCE is now /, subscribed);
				await run.waitFor(/^TCS is now /, subscribed);

				// Two pings on one connection: the first was answered, or the server would have
				// dropped the script instead of pinging it again.
				const ping = PING_LINE;
				const firstPing = await run.waitFor(ping, subscribed);
				const secondPing = await run.waitFor(ping, firstPing + 1);
				expect(
					run.lines
						.slice(subscribed, secondPing)
						.filter((l) => /Connection lost|Connecting/.test(l)),
				).toEqual([]);

				// Every tick printed so far is a tick the server sent, read from data.ltp.
				const ticksBefore = run.lines.slice(subscribed + 1).filter((line) => TICK_LINE.test(line));
				expect(ticksBefore.length).toBeGreaterThanOrEqual(2);
				const sent = sentTickLines(monitor);
				expect(ticksBefore.filter((line) => !sent.has(line))).toEqual([]);

				// The server goes away (1001 to every client, port closed) and comes back on the same port.
				const beforeStop = run.lines.length;
				await server.stop();
				const lost = await run.waitFor(
					/^Connection lost \(the server closed the connection: 1001 server shutting down\); reconnecting in 1 s$/,
					beforeStop,
				);
				const refused = await run.waitFor(
					/^Cannot connect \(.*refused.*\); reconnecting in 2 s$/,
					lost,
				);
				await server.start();
				const resubscribed = await run.waitFor(
					/^Subscribed: RELIANCE on NSE \(LTP\), TCS on NSE \(LTP\)$/,
					refused,
				);
				expect(run.lines.slice(refused + 1, resubscribed + 1)).toEqual([
					`Connecting to ${server.url}`,
					'Handshake done: the server answered 101 Switching Protocols',
					'Authenticated',
					'Subscribed: RELIANCE on NSE (LTP), TCS on NSE (LTP)',
				]);
				await run.waitFor(TICK_LINE, resubscribed);

				run.child.kill('SIGINT');
				expect(await run.exited).toBe(0);
				expect(run.lines.at(-1)).toBe('Stopped: connection closed.');
				expect(run.stderr()).toBe('');
				expect(
					run.lines.filter(
						(line) =>
							!TICK_LINE.test(line) &&
							!ping.test(line) &&
							!/^(Ctrl\+C|Connecting|Handshake|Authenticated|Subscribed|Connection lost|Cannot connect|Stopped)/.test(
								line,
							),
					),
				).toEqual([]);

				expectSampleMatches(join(CODE, '03_raw_socket.sample.txt'), run);
			} finally {
				await server.stop().catch(() => {});
			}
		});

		it('stops with a clear message, and without retrying, when the key is refused', async () => {
			const fixture = await startStream({ apiKey: 'secret' });
			try {
				const run = runPython(RAW_SOCKET, {
					OPENALGO_WS_URL: fixture.url,
					OPENALGO_API_KEY: 'wrong',
				});
				expect(await run.exited).toBe(1);
				expect(run.stderr()).toBe(
					'Authentication failed: Invalid API key. Check OPENALGO_API_KEY.\n',
				);
				expect(run.lines.filter((line) => line.startsWith('Connecting'))).toHaveLength(1);
			} finally {
				await fixture.close();
			}
		});
	},
);

describe.skipIf(PYTHON === undefined)(
	'02_on_tick_with_sdk.py (real python3 + a STAND-IN openalgo package speaking the SDK’s documented frames, real mock)',
	() => {
		let fixture: StreamFixture | undefined;
		let scratch: string | undefined;
		afterEach(async () => {
			await fixture?.close();
			fixture = undefined;
			if (scratch) rmSync(scratch, { recursive: true, force: true });
			scratch = undefined;
		});

		it('prints the chapter’s line for each LTP tick and, on Ctrl+C, unsubscribes and disconnects', async () => {
			fixture = await startStream();
			const monitor = await watchTicks(fixture.url);
			scratch = mkdtempSync(join(tmpdir(), 'ch39-sdk-'));
			const framesFile = join(scratch, 'frames.jsonl');
			const run = runPython(WITH_SDK, {
				PYTHONPATH: STANDIN,
				OPENALGO_STANDIN_FRAMES: framesFile,
				OPENALGO_WS_URL: fixture.url,
				OPENALGO_API_KEY: 'demo',
			});
			const subscribed = await run.waitFor(/^Subscribed to RELIANCE and TCS at /);
			expect(run.lines[subscribed]).toBe(
				`Subscribed to RELIANCE and TCS at ${fixture.url}. Ctrl+C stops.`,
			);
			await run.waitFor(/^RELIANCE is now /, subscribed);
			await run.waitFor(/^TCS is now /, subscribed);

			run.child.kill('SIGINT');
			expect(await run.exited).toBe(0);
			expect(run.stderr()).toBe('');
			expect(run.lines.at(-1)).toBe('Unsubscribed and disconnected.');
			const ticks = run.lines.slice(subscribed + 1, -1);
			expect(ticks.filter((line) => !TICK_LINE.test(line))).toEqual([]);
			const sent = sentTickLines(monitor);
			expect(ticks.filter((line) => !sent.has(line))).toEqual([]);

			// What the script asked of the SDK, as frames: the documented v2 sequence for
			// connect → subscribe_ltp(RELIANCE, TCS) → unsubscribe_ltp(RELIANCE, TCS).
			const frames = readFileSync(framesFile, 'utf8')
				.trim()
				.split('\n')
				.map((line) => JSON.parse(line) as unknown);
			expect(frames).toEqual([{ ...SDK_V2[0], api_key: 'demo' }, SDK_V2[1], SDK_V2[4]]);

			expectSampleMatches(join(CODE, '02_on_tick_with_sdk.sample.txt'), run);
		});

		it('says what to do when it cannot authenticate', async () => {
			fixture = await startStream({ apiKey: 'secret' });
			const run = runPython(WITH_SDK, {
				PYTHONPATH: STANDIN,
				OPENALGO_WS_URL: fixture.url,
				OPENALGO_API_KEY: 'wrong',
			});
			expect(await run.exited).toBe(1);
			expect(run.stderr()).toBe(
				`Could not connect and authenticate at ${fixture.url}. Is \`npm run stream\` running?\n`,
			);
			expect(run.lines).toEqual([]);
		});
	},
);
