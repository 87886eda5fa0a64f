// The harness the attack benches share (bench/stream-attacks.bench.ts, bench/site-attacks.bench.ts):
// their flags (`--seconds`, `--only`, `--json`), a fresh server child per attack, killed when the
// attack ends and when this process exits, a hard timeout, and the rows printed (or written) at
// the end. An attack that throws becomes a row `{ attack, error }`; the others go on.
import type { ChildProcess } from 'node:child_process';
import { args, valueOf } from './args.ts';
import { printRows, type Row } from './table.ts';

export interface AttackBench<A extends { name: string }> {
	/** The bench's script, as its command line names it ("bench/stream-attacks.bench.ts"). */
	script: string;
	/** What its messages start with ("stream attacks bench"). */
	label: string;
	/** The attack window without `--seconds`. */
	defaultSeconds: number;
	/** When to give up on the whole run. */
	hardTimeoutMs: number;
	/** In order; `--only a,b` keeps those named. */
	attacks: readonly A[];
	/** Starts the server under test for one attack. */
	spawnServer(): ChildProcess;
	/** Runs one attack against its server for `seconds` and returns its row. */
	measure(attack: A, child: ChildProcess, seconds: number): Promise<Row>;
}

/** Runs the attacks one after another, each against a fresh server, prints the rows and exits. */
export async function runAttacks<A extends { name: string }>(
	bench: AttackBench<A>,
): Promise<never> {
	const seconds = Number(valueOf('--seconds') ?? bench.defaultSeconds);
	if (!Number.isFinite(seconds) || seconds < 1 || seconds > 60) {
		console.error(`${bench.label}: --seconds must be from 1 to 60`);
		process.exit(1);
	}
	const only = valueOf('--only')?.split(',').filter(Boolean);
	const jsonFlag = valueOf('--json');
	const children = new Set<ChildProcess>();
	process.on('exit', () => {
		for (const child of children) child.kill('SIGKILL');
	});
	setTimeout(() => {
		console.error(`${bench.label}: hard timeout; stopping`);
		process.exit(1);
	}, bench.hardTimeoutMs).unref();

	const rows: Row[] = [];
	for (const attack of bench.attacks) {
		if (only && !only.includes(attack.name)) continue;
		console.error(`${bench.label}: ${attack.name}`);
		const child = bench.spawnServer();
		children.add(child);
		try {
			rows.push(await bench.measure(attack, child, seconds));
		} catch (error) {
			rows.push({
				attack: attack.name,
				error: error instanceof Error ? error.message : String(error),
			});
		} finally {
			child.kill('SIGKILL');
			children.delete(child);
		}
	}
	printRows(`node ${bench.script} ${args.join(' ')}`.trim(), rows, jsonFlag);
	process.exit(0);
}
