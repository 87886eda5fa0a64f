// Every listing prints what its `.out.txt` says it prints: found by discovery over
// content/code/** (the project's and the fixture course's), each .py with an .out.txt is run with
// python3 and compared byte for byte, since the page shows that file as "Live output". A .py that
// needs the running stream has a .sample.txt instead (checked by its own integration test); a .py
// with neither fails here.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../support/course.ts';

const ROOTS = [PROJECT_ROOT, join(PROJECT_ROOT, 'tests', 'fixtures', 'course')];

/** Every .py under <root>/content/code, as absolute paths. */
function scriptsUnder(root: string): string[] {
	const folder = join(root, 'content', 'code');
	if (!existsSync(folder)) return [];
	return readdirSync(folder, { recursive: true, encoding: 'utf8' })
		.filter((name) => name.endsWith('.py'))
		.map((name) => join(folder, name))
		.sort();
}

const SCRIPTS = ROOTS.flatMap(scriptsUnder);
const beside = (script: string, suffix: string): string => script.replace(/\.py$/, suffix);

const probe = spawnSync('python3', ['--version'], { encoding: 'utf8' });
const hasPython = probe.status === 0;
if (!hasPython) {
	if (process.env.CI === 'true')
		throw new Error('code-listing: python3 is not on PATH; under CI=true it must be.');
	console.warn('code-listing: python3 not found; the listing runs are skipped.');
}

describe('the listings under content/code', () => {
	it("finds chapter 39's listing and the fixture course's", () => {
		const names = SCRIPTS.map((script) => relative(PROJECT_ROOT, script));
		expect(names).toContain('content/code/ch39/01_subscribe_message.py');
		expect(names.some((name) => name.startsWith('tests/fixtures/course/'))).toBe(true);
	});

	for (const script of SCRIPTS) {
		it(`${relative(PROJECT_ROOT, script)} has an .out.txt or a .sample.txt beside it`, () => {
			const found = ['.out.txt', '.sample.txt'].filter((suffix) =>
				existsSync(beside(script, suffix)),
			);
			expect(
				found,
				'put its exact python3 output in .out.txt, or a real transcript in .sample.txt if it needs the stream',
			).toHaveLength(1);
		});
	}
});

for (const script of SCRIPTS.filter((s) => existsSync(beside(s, '.out.txt')))) {
	describe.skipIf(!hasPython)(`python3 ${relative(PROJECT_ROOT, script)}`, () => {
		it('prints exactly the .out.txt beside it, and nothing on stderr', () => {
			const expected = readFileSync(beside(script, '.out.txt'));
			const result = spawnSync('python3', [script], {
				cwd: PROJECT_ROOT,
				timeout: 10_000,
				// Make the run independent of the caller's locale and Python settings.
				env: {
					...process.env,
					PYTHONIOENCODING: 'utf-8',
					PYTHONDONTWRITEBYTECODE: '1',
					LC_ALL: 'C.UTF-8',
				},
			});
			expect(result.error).toBeUndefined();
			expect(result.stderr.toString()).toBe('');
			expect(result.status).toBe(0);
			// Compare as text first for a readable diff, then byte for byte.
			expect(result.stdout.toString('utf8')).toBe(expected.toString('utf8'));
			expect(Buffer.compare(result.stdout, expected)).toBe(0);
		});
	});
}

describe('ch39/01_subscribe_message.out.txt', () => {
	it('holds JSON that round-trips to the chapter’s subscribe message', () => {
		const printed = readFileSync(
			join(PROJECT_ROOT, 'content/code/ch39/01_subscribe_message.out.txt'),
			'utf8',
		);
		expect(JSON.parse(printed)).toEqual({
			action: 'subscribe',
			mode: 'ltp',
			symbols: [
				{ symbol: 'RELIANCE', exchange: 'NSE' },
				{ symbol: 'TCS', exchange: 'NSE' },
			],
		});
	});
});
