// The stream server under hostile clients (issue 11): for each attack, a fresh server (the page
// mount, shipped limits, in its own child process) with one healthy reader subscribed to the
// chapter's six instruments, then the attack for a bounded window. Prints the server's peak and
// final RSS, open descriptors during and after, CPU, the healthy reader's ticks and p50/p99
// latency (tick time to receipt), and what the server did to the attackers.
//   node bench/stream-attacks.bench.ts [--seconds 8] [--only baseline,symbols,...] [--json [file]]
// Attacks: baseline (none), symbols (110 connections × 100 new made-up symbols a second each),
// amplify (1 MiB subscribes of 28,000 entries, never reading), replies (64 KiB pong echoes,
// never reading), cap (one address opening 1,000 connections). Every loop is bounded in count
// and time; the child dies with this process.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { WebSocket } from 'ws';
import { CHAPTER_INSTRUMENTS } from '../src/lib/instruments.ts';
import { readProcess } from './lib/stream-proc.ts';
import { args } from './lib/args.ts';
import { runAttacks } from './lib/attack-harness.ts';

const SELF = fileURLToPath(import.meta.url);

interface Healthy {
	/** When its first market_data frame arrived (epoch ms). */
	firstTickMs: number;
	ticks: number;
	latencies: number[];
	closed: boolean;
	ws: WebSocket;
}

function openHealthy(port: number, localAddress = '127.0.0.2'): Promise<Healthy> {
	return new Promise((resolve, reject) => {
		const ws = new WebSocket(`ws://127.0.0.1:${port}/stream`, { localAddress });
		const healthy: Healthy = { firstTickMs: 0, ticks: 0, latencies: [], closed: false, ws };
		let measuring = false;
		ws.on('message', (data) => {
			const frame = JSON.parse(String(data)) as { type?: string; data?: { timestamp?: number } };
			if (frame.type !== 'market_data') return;
			if (!measuring) {
				measuring = true;
				healthy.firstTickMs = Date.now();
				return resolve(healthy);
			}
			healthy.ticks++;
			healthy.latencies.push(Date.now() - (frame.data?.timestamp ?? Date.now()));
		});
		ws.on('close', () => (healthy.closed = true));
		ws.once('error', reject);
		ws.on('open', () =>
			ws.send(
				JSON.stringify({
					action: 'subscribe',
					mode: 'ltp',
					symbols: CHAPTER_INSTRUMENTS.map(({ symbol, exchange }) => ({ symbol, exchange })),
				}),
			),
		);
	});
}

function percentile(values: number[], p: number): number | null {
	if (values.length === 0) return null;
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

function descriptors(pid: number): number | null {
	try {
		return readdirSync(`/proc/${pid}/fd`).length;
	} catch {
		return null;
	}
}

function rssMb(pid: number): number | null {
	try {
		const status = readFileSync(`/proc/${pid}/status`, 'utf8');
		const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
		return match ? Math.round(Number(match[1]) / 1024) : null;
	} catch {
		return null;
	}
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Opens a socket; resolves with it open, or with the HTTP status it was refused with. */
function open(port: number, localAddress: string): Promise<WebSocket | number> {
	return new Promise((resolve) => {
		const ws = new WebSocket(`ws://127.0.0.1:${port}/stream`, { localAddress });
		ws.once('open', () => resolve(ws));
		ws.once('unexpected-response', (_req, res) => {
			resolve(res.statusCode ?? 0);
			ws.terminate();
		});
		ws.once('error', () => resolve(0));
		ws.on('error', () => {});
	});
}

interface Attack {
	name: string;
	what: string;
	/** Starts the attack; returns a function that stops it and says what happened. */
	start(port: number, until: number): Promise<() => Promise<string>>;
}

const closesOf = (sockets: WebSocket[]): string => {
	const codes = new Map<number, number>();
	for (const ws of sockets) {
		const code = (ws as unknown as { _closeCode?: number })._closeCode;
		if (ws.readyState === WebSocket.CLOSED && code !== undefined)
			codes.set(code, (codes.get(code) ?? 0) + 1);
	}
	const open = sockets.filter((ws) => ws.readyState === WebSocket.OPEN).length;
	return `${open} still open; closed by code: ${[...codes].map(([c, n]) => `${c}×${n}`).join(', ') || 'none'}`;
};

interface UnreadFlood {
	/** The third octet of the connections' addresses: they come from 127.0.`subnet`.1 to .4. */
	subnet: number;
	message: string;
	everyMs: number;
	/** What the stop summary calls the messages sent ("pings"). */
	sentLabel: string;
}

/**
 * Opens four connections that never read (their sockets paused, so the server's replies pile up
 * on its side) and sends each `message` every `everyMs` until `until`; the returned function
 * stops, says how many were sent and how the server closed them, and terminates them.
 */
async function floodUnread(
	port: number,
	until: number,
	flood: UnreadFlood,
): Promise<() => Promise<string>> {
	const sockets: WebSocket[] = [];
	for (let i = 0; i < 4; i++) {
		const ws = await open(port, `127.0.${flood.subnet}.${1 + i}`);
		if (typeof ws === 'number') continue;
		(ws as unknown as { _socket: { pause(): void } })._socket.pause();
		sockets.push(ws);
	}
	let sent = 0;
	const timer = setInterval(() => {
		for (const ws of sockets) {
			if (ws.readyState !== WebSocket.OPEN || Date.now() > until) continue;
			ws.send(flood.message);
			sent++;
		}
	}, flood.everyMs);
	return async () => {
		clearInterval(timer);
		const summary = `${sent} ${flood.sentLabel} sent; ${closesOf(sockets)}`;
		for (const ws of sockets) ws.terminate();
		return summary;
	};
}

const ATTACKS: Attack[] = [
	{
		name: 'baseline',
		what: 'no attack; 20 fresh readers, one after another, time from open to first market_data',
		start: async (port) => {
			// The server sends no snapshot on subscribe, so this is mostly the wait for the next
			// tick of any of the six (~10 ticks/s together): the server's own share is the rest.
			const waits: number[] = [];
			for (let i = 0; i < 20; i++) {
				const opened = Date.now();
				const healthy = await openHealthy(port, `127.0.5.${1 + i}`);
				waits.push(healthy.firstTickMs - opened);
				healthy.ws.terminate();
			}
			return async () =>
				`open → first market_data: median ${percentile(waits, 0.5)} ms, p95 ${percentile(waits, 0.95)} ms, max ${Math.max(...waits)} ms`;
		},
	},
	{
		name: 'symbols',
		what: '110 connections, each subscribing 100 new made-up quote symbols every second',
		start: async (port, until) => {
			const sockets: WebSocket[] = [];
			for (let i = 0; i < 110; i++) {
				const ws = await open(port, `127.0.1.${1 + (i % 10)}`);
				if (typeof ws !== 'number') sockets.push(ws);
			}
			let round = 0;
			let acks = 0;
			for (const ws of sockets) ws.on('message', () => acks++);
			const timer = setInterval(() => {
				round++;
				for (const [i, ws] of sockets.entries()) {
					if (ws.readyState !== WebSocket.OPEN || Date.now() > until) continue;
					const symbols = Array.from({ length: 100 }, (_, j) => ({
						symbol: `FAKE${i}R${round}N${j}`,
						exchange: 'NSE',
					}));
					ws.send(JSON.stringify({ action: 'subscribe', mode: 'quote', symbols }));
				}
			}, 1000);
			return async () => {
				clearInterval(timer);
				const summary = `${sockets.length} connected, ${round} rounds, ${acks} replies; ${closesOf(sockets)}`;
				for (const ws of sockets) ws.terminate();
				return summary;
			};
		},
	},
	{
		name: 'amplify',
		what: '4 connections sending 1 MiB subscribes of 28,000 entries, never reading',
		start: async (port, until) => {
			const symbols = Array.from({ length: 28_000 }, (_, j) => ({
				symbol: `S${j}`,
				exchange: 'NSE',
			}));
			let message = JSON.stringify({ action: 'subscribe', mode: 'quote', symbols });
			message =
				message.slice(0, -1) +
				`,"pad":"${'x'.repeat(Math.max(0, 1024 * 1024 - 64 - message.length))}"}`;
			// Four a second per connection, within the message rate (20/s).
			return floodUnread(port, until, {
				subnet: 2,
				message,
				everyMs: 250,
				sentLabel: `messages of ${(message.length / 2 ** 20).toFixed(2)} MiB`,
			});
		},
	},
	{
		name: 'replies',
		what: '4 connections sending pings with a 64 KiB _pingId (echoed in the pong), never reading',
		start: async (port, until) => {
			const ping = JSON.stringify({ action: 'ping', _pingId: 'x'.repeat(64 * 1024) });
			// 20 a second per connection, the message rate.
			return floodUnread(port, until, {
				subnet: 3,
				message: ping,
				everyMs: 50,
				sentLabel: 'pings',
			});
		},
	},
	{
		name: 'cap',
		what: 'one address opening 1,000 connections (then another address tries one)',
		start: async (port) => {
			const sockets: WebSocket[] = [];
			const refused = new Map<number, number>();
			for (let batch = 0; batch < 10; batch++) {
				const results = await Promise.all(
					Array.from({ length: 100 }, () => open(port, '127.0.4.1')),
				);
				for (const result of results) {
					if (typeof result === 'number') refused.set(result, (refused.get(result) ?? 0) + 1);
					else sockets.push(result);
				}
			}
			const other = await open(port, '127.0.4.2');
			const otherResult = typeof other === 'number' ? `refused ${other}` : 'connected';
			if (typeof other !== 'number') other.close();
			return async () => {
				const summary = `${sockets.length} accepted, refused: ${[...refused].map(([s, n]) => `${s}×${n}`).join(', ') || 'none'}; another address: ${otherResult}`;
				for (const ws of sockets) ws.terminate();
				return summary;
			};
		},
	},
];

const main = () =>
	runAttacks({
		script: 'bench/stream-attacks.bench.ts',
		label: 'stream attacks bench',
		defaultSeconds: 8,
		hardTimeoutMs: 600_000,
		attacks: ATTACKS,
		spawnServer: () =>
			spawn(process.execPath, [SELF, '--serve'], {
				stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
				env: { ...process.env, LOG_LEVEL: 'silent' },
			}),
		async measure(attack, child, seconds) {
			const { port } = await new Promise<{ port: number }>((resolve, reject) => {
				child.once('message', (m) => resolve(m as { port: number }));
				child.once('exit', (code) => reject(new Error(`server exited ${code}`)));
			});
			const pid = child.pid!;
			const healthy = await openHealthy(port);
			const before = readProcess(pid);
			const started = Date.now();
			const stop = await attack.start(port, started + seconds * 1000);
			healthy.ticks = 0;
			healthy.latencies = [];
			let peakFds = descriptors(pid) ?? 0;
			while (Date.now() < started + seconds * 1000) {
				await sleep(250);
				peakFds = Math.max(peakFds, descriptors(pid) ?? 0);
			}
			const during = { rss: rssMb(pid), fds: descriptors(pid), proc: readProcess(pid) };
			const serverStats = await new Promise<Record<string, unknown>>((resolve) => {
				child.once('message', (m) => resolve((m as { stats: Record<string, unknown> }).stats));
				child.send('stats');
			});
			const outcome = await stop();
			// Give the server a moment to release what the attackers held.
			await sleep(2000);
			const after = { rss: rssMb(pid), fds: descriptors(pid) };
			const cpu =
				before && during.proc
					? ((during.proc.cpuUs - before.cpuUs) / 1000 / (during.proc.atMs - before.atMs)) * 100
					: null;
			const row = {
				attack: attack.name,
				what: attack.what,
				seconds: seconds,
				'peak RSS MB': during.proc ? Math.round(during.proc.maxRssBytes / 2 ** 20) : null,
				'RSS MB at end': during.rss,
				'RSS MB 2 s after': after.rss,
				'peak fds': peakFds,
				'fds 2 s after': after.fds,
				'server CPU %': cpu === null ? null : Number(cpu.toFixed(0)),
				'healthy ticks': healthy.ticks,
				'healthy p50 ms': percentile(healthy.latencies, 0.5),
				'healthy p99 ms': percentile(healthy.latencies, 0.99),
				'healthy max ms': healthy.latencies.length ? Math.max(...healthy.latencies) : null,
				'healthy still open': !healthy.closed,
				outcome,
				'server closed (by limit)': JSON.stringify(serverStats.limitCloses ?? 'n/a'),
				'server refused upgrades': JSON.stringify(serverStats.refusedUpgrades ?? 'n/a'),
			};
			healthy.ws.terminate();
			return row;
		},
	});

if (args.includes('--serve')) {
	// Child mode: the server under test, as `npm start` mounts it (site mount, shipped limits).
	const { createStreamServer } = await import('../server/stream-server.ts');
	const stream = createStreamServer({ mount: 'site' });
	const server = createServer((_req, res) => res.writeHead(426).end());
	server.on('upgrade', (req, socket, head) => stream.handleUpgrade(req, socket, head));
	server.on('clientError', (_error, socket) => socket.destroy());
	server.listen(0, '127.0.0.1', 1024, () =>
		process.send?.({ port: (server.address() as AddressInfo).port }),
	);
	process.on('message', () => process.send?.({ stats: stream.stats() }));
	process.on('disconnect', () => process.exit(0));
	setTimeout(() => process.exit(3), 120_000).unref();
} else {
	await main();
}
