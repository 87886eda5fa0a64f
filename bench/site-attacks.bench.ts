// The site server (`npm run serve`) under hostile HTTP clients (issue 11): for each attack, a fresh
// server in its own process serving dist/, one healthy client fetching the chapter every 100 ms,
// then the attack for a bounded window. Prints the server's peak and final RSS, its open
// descriptors during and after, and the healthy client's p50/p99 and failures.
//   node bench/site-attacks.bench.ts [--seconds 12] [--only baseline,pipeline,slow] [--serve server/serve.ts] [--json [file]]
// Attacks: baseline (none); pipeline (20 connections × 3,000 pipelined GETs, never reading a
// reply); slow (300 connections sending their headers a byte every 200 ms). Every loop is
// bounded in count and time; the server child dies with this process.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { valueOf } from './lib/args.ts';
import { runAttacks } from './lib/attack-harness.ts';
import { readProcess } from './lib/stream-proc.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CHAPTER = '/chapters/39-what-a-websocket-is/';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const descriptors = (pid: number) => {
	try {
		return readdirSync(`/proc/${pid}/fd`).length;
	} catch {
		return null;
	}
};
const rssMb = (pid: number) => {
	try {
		const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
		return match ? Math.round(Number(match[1]) / 1024) : null;
	} catch {
		return null;
	}
};
function percentile(values: number[], p: number): number | null {
	if (values.length === 0) return null;
	const sorted = [...values].sort((a, b) => a - b);
	return Math.round(sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!);
}

interface Attack {
	name: string;
	what: string;
	/** Starts the attack; the returned function ends it and says what happened to the attackers. */
	start(port: number, untilMs: number): Promise<() => string>;
}

function openSocket(port: number): Promise<Socket> {
	return new Promise((resolve, reject) => {
		const socket = connect({ port, host: '127.0.0.1', localAddress: '127.0.0.2' });
		socket.once('connect', () => resolve(socket));
		socket.once('error', reject);
	});
}

const ATTACKS: Attack[] = [
	{ name: 'baseline', what: 'no attack', start: async () => () => '' },
	{
		name: 'pipeline',
		what: '20 connections × 3,000 pipelined GETs (gzip), never reading',
		async start(port) {
			const sockets: Socket[] = [];
			let closedByServer = 0;
			const request = `GET ${CHAPTER} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept-Encoding: gzip\r\n\r\n`;
			for (let i = 0; i < 20; i++) {
				const socket = await openSocket(port);
				socket.pause();
				socket.on('error', () => {});
				socket.on('close', () => closedByServer++);
				for (let n = 0; n < 3000; n++) socket.write(request);
				sockets.push(socket);
			}
			return () => {
				const closed = closedByServer;
				for (const socket of sockets) socket.destroy();
				return `${closed} of 20 closed by the server`;
			};
		},
	},
	{
		name: 'slow',
		what: '300 connections sending headers a byte every 200 ms',
		async start(port, untilMs) {
			const sockets: Socket[] = [];
			let closedByServer = 0;
			for (let i = 0; i < 300; i++) {
				const socket = await openSocket(port);
				socket.on('error', () => {});
				socket.on('close', () => closedByServer++);
				socket.write(`GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: `);
				sockets.push(socket);
			}
			const drip = setInterval(() => {
				if (Date.now() > untilMs) return clearInterval(drip);
				for (const socket of sockets) if (!socket.destroyed) socket.write('a');
			}, 200);
			return () => {
				clearInterval(drip);
				const closed = closedByServer;
				for (const socket of sockets) socket.destroy();
				return `${closed} of 300 closed by the server`;
			};
		},
	},
];

const serve = valueOf('--serve') || `${ROOT}server/serve.ts`;

const main = () =>
	runAttacks({
		script: 'bench/site-attacks.bench.ts',
		label: 'site attacks bench',
		defaultSeconds: 12,
		hardTimeoutMs: 120_000,
		attacks: ATTACKS,
		spawnServer: () =>
			spawn(process.execPath, [serve], {
				env: { ...process.env, PORT: '0', LOG_LEVEL: 'info' },
				stdio: ['ignore', 'pipe', 'inherit'],
			}),
		async measure(attack, child, seconds) {
			// The start line names the URL (a JSON log line, or plain text on older servers).
			const port = await new Promise<number>((resolve, reject) => {
				let text = '';
				child.stdout!.on('data', (chunk: Buffer) => {
					text += chunk.toString();
					const match = /http:\/\/127\.0\.0\.1:(\d+)/.exec(text);
					if (match) resolve(Number(match[1]));
				});
				child.once('exit', (code) => reject(new Error(`server exited ${code}`)));
			});
			const pid = child.pid!;
			const latencies: number[] = [];
			let failures = 0;
			let healthy = true;
			const healthyLoop = (async () => {
				while (healthy) {
					const started = performance.now();
					try {
						const response = await fetch(`http://127.0.0.1:${port}${CHAPTER}`, {
							signal: AbortSignal.timeout(10_000),
						});
						await response.arrayBuffer();
						if (response.ok) latencies.push(performance.now() - started);
						else failures++;
					} catch {
						failures++;
					}
					await sleep(100);
				}
			})();
			await sleep(500);
			latencies.length = 0;
			const started = Date.now();
			const stop = await attack.start(port, started + seconds * 1000);
			let peakFds = descriptors(pid) ?? 0;
			while (Date.now() < started + seconds * 1000) {
				await sleep(250);
				peakFds = Math.max(peakFds, descriptors(pid) ?? 0);
			}
			const during = { rss: rssMb(pid), proc: readProcess(pid) };
			const outcome = stop();
			healthy = false;
			await healthyLoop;
			await sleep(2000);
			return {
				attack: attack.name,
				what: attack.what,
				seconds,
				'peak RSS MB': during.proc ? Math.round(during.proc.maxRssBytes / 2 ** 20) : null,
				'RSS MB at end': during.rss,
				'RSS MB 2 s after': rssMb(pid),
				'peak fds': peakFds,
				'fds 2 s after': descriptors(pid),
				'healthy requests': latencies.length,
				'healthy failures': failures,
				'healthy p50 ms': percentile(latencies, 0.5),
				'healthy p99 ms': percentile(latencies, 0.99),
				outcome,
			};
		},
	});

await main();
