// Where the built site is for tests that read it, and whether it is there. Outside CI a missing
// build is reported in one line and those tests skip; under CI=true it is an error.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const DIST = fileURLToPath(
	new URL(`../../${process.env.SITE_DIST ?? 'dist'}/`, import.meta.url),
);

function detect(): boolean {
	if (existsSync(DIST)) return true;
	const line = `build tests: no built site at ${DIST} (run \`npm run build\`)`;
	if (process.env.CI === 'true') throw new Error(`${line}; under CI=true they must run.`);
	console.warn(`${line}; skipping them.`);
	return false;
}

export const distAvailable: boolean = detect();
