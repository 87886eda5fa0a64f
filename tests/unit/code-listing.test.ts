// The chapter's listing prints what its `.out.txt` says it prints: the page shows that file as
// "Live output", so it must match a real python3 run byte for byte.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const SCRIPT = 'content/code/ch39/01_subscribe_message.py';
const EXPECTED = readFileSync(
	new URL('../../content/code/ch39/01_subscribe_message.out.txt', import.meta.url),
);

const probe = spawnSync('python3', ['--version'], { encoding: 'utf8' });
const hasPython = probe.status === 0;
if (!hasPython) {
	if (process.env.CI === 'true')
		throw new Error('code-listing: python3 is not on PATH; under CI=true it must be.');
	console.warn('code-listing: python3 not found; the listing run is skipped.');
}

describe.skipIf(!hasPython)(`python3 ${SCRIPT}`, () => {
	it('prints exactly the .out.txt beside it, and nothing on stderr', () => {
		const result = spawnSync('python3', [SCRIPT], {
			cwd: REPO,
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
		expect(result.stdout.toString('utf8')).toBe(EXPECTED.toString('utf8'));
		expect(Buffer.compare(result.stdout, EXPECTED)).toBe(0);
	});
});

describe('01_subscribe_message.out.txt', () => {
	it('holds JSON that round-trips to the chapter’s subscribe message', () => {
		expect(JSON.parse(EXPECTED.toString('utf8'))).toEqual({
			action: 'subscribe',
			mode: 'ltp',
			symbols: [
				{ symbol: 'RELIANCE', exchange: 'NSE' },
				{ symbol: 'TCS', exchange: 'NSE' },
			],
		});
	});
});
