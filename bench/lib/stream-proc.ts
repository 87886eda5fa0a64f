// Reads another process's CPU time and peak RSS from /proc, so the stream benchmark can measure
// its server child without asking it: an overloaded server's event loop may not answer an IPC
// message for many seconds, and the figures matter most exactly then. Linux only; elsewhere
// `readProcess` returns undefined and the caller falls back to asking over IPC.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface ProcessSample {
	/** Wall time of the reading (epoch ms). */
	atMs: number;
	/** User + system CPU time (µs), at the kernel's clock-tick resolution (usually 10 ms). */
	cpuUs: number;
	/** Peak resident set size so far (VmHWM). */
	maxRssBytes: number;
}

let ticksPerSecond: number | undefined;

function clockTicks(): number {
	if (ticksPerSecond === undefined) {
		const result = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8', timeout: 2000 });
		const value = Number(result.stdout?.trim());
		// 100 is USER_HZ on every mainstream Linux build.
		ticksPerSecond = Number.isInteger(value) && value > 0 ? value : 100;
	}
	return ticksPerSecond;
}

export function readProcess(pid: number): ProcessSample | undefined {
	try {
		const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
		const status = readFileSync(`/proc/${pid}/status`, 'utf8');
		// The command name (field 2) may hold spaces and parentheses: count fields after the last ')'.
		const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
		// utime and stime are fields 14 and 15 of the whole line, 12 and 13 after the name.
		const ticks = Number(fields[11]) + Number(fields[12]);
		const hwm = /^VmHWM:\s+(\d+)\s+kB/m.exec(status);
		if (!Number.isFinite(ticks) || !hwm) return undefined;
		return {
			atMs: Date.now(),
			cpuUs: (ticks / clockTicks()) * 1e6,
			maxRssBytes: Number(hwm[1]) * 1024,
		};
	} catch {
		return undefined;
	}
}

/**
 * CPU time (µs) every core has spent busy since boot, from /proc/stat. Minus the server's and
 * the clients' own time it shows how much other work shared the cores during a run.
 */
export function readMachineBusyUs(): number | undefined {
	try {
		const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0] ?? '';
		// cpu user nice system idle iowait irq softirq steal ...
		const [user, nice, system, , , irq, softirq, steal] = line
			.trim()
			.split(/\s+/)
			.slice(1)
			.map(Number);
		const busy = [user, nice, system, irq, softirq, steal].reduce<number>(
			(sum, value) => sum + (value ?? 0),
			0,
		);
		return Number.isFinite(busy) ? (busy / clockTicks()) * 1e6 : undefined;
	} catch {
		return undefined;
	}
}
