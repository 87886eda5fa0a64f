// Builds and serves the fixture course (tests/fixtures/course/: three chapters, live, draft and
// coming-soon, built with the real src/ and config), as Starlight's e2e fixtures do: one build
// per test file that needs it, into its own folder, served on a port the OS picks. Also builds
// broken copies of it, to see the errors an author would.
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from './course.ts';

export const FIXTURE_ROOT = join(PROJECT_ROOT, 'tests', 'fixtures', 'course');
const ASTRO = join(PROJECT_ROOT, 'node_modules', 'astro', 'bin', 'astro.mjs');

/**
 * The environment an author's shell would give astro: Vitest fills process.env with NODE_ENV,
 * MODE, DEV, PROD, VITEST… which would change what astro builds and serves.
 */
export function shellEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
	const env: NodeJS.ProcessEnv = {};
	for (const key of ['PATH', 'HOME', 'TMPDIR', 'LANG', 'LC_ALL', 'TERM', 'CI'])
		if (process.env[key] !== undefined) env[key] = process.env[key];
	return { ...env, ASTRO_TELEMETRY_DISABLED: '1', ...extra };
}

export interface AstroRun {
	status: number | null;
	/** stdout and stderr together, without colour codes. */
	output: string;
}

/** Runs `astro <args>` in `root` (cwd, where CodeListing reads content/code) and waits for it. */
export function runAstro(
	root: string,
	args: string[],
	env: Record<string, string> = {},
): Promise<AstroRun> {
	return new Promise((resolve, reject) => {
		const child = spawn(process.execPath, [ASTRO, ...args], {
			cwd: root,
			env: {
				...process.env,
				...env,
				FORCE_COLOR: '0',
				NO_COLOR: '1',
				ASTRO_TELEMETRY_DISABLED: '1',
			},
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		let output = '';
		child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
		child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
		child.on('error', reject);
		child.on('close', (status) =>
			// eslint-disable-next-line no-control-regex -- strips the terminal's colour codes
			resolve({ status, output: output.replace(/\x1b\[[0-9;]*m/g, '') }),
		);
	});
}

/**
 * Builds the fixture course into tests/fixtures/course/<out>/ and returns that folder; throws
 * with Astro's output when the build fails.
 */
export async function buildFixture(out = `dist-${process.pid}`): Promise<string> {
	const run = await runAstro(FIXTURE_ROOT, ['build'], { FIXTURE_OUT: out });
	if (run.status !== 0) throw new Error(`fixture course build failed:\n${run.output}`);
	return join(FIXTURE_ROOT, out);
}

/**
 * A throwaway copy of the fixture course (inside the project, so packages resolve), changed by
 * `edit`; `build()` runs astro build in it, `remove()` deletes it.
 */
export function fixtureCopy(edit: (root: string) => void): {
	root: string;
	build(): Promise<AstroRun>;
	remove(): void;
} {
	const root = mkdtempSync(join(PROJECT_ROOT, 'tests', 'fixtures', '.course-'));
	cpSync(FIXTURE_ROOT, root, {
		recursive: true,
		filter: (source) => !/[\\/](dist[^\\/]*|\.astro)$/.test(source),
	});
	edit(root);
	return {
		root,
		build: () => runAstro(root, ['build']),
		remove: () => rmSync(root, { recursive: true, force: true }),
	};
}
