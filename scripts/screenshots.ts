// Takes screenshots of a built page in light and dark, at 360 px and 1280 px, for a person to
// look at: `npx node scripts/screenshots.ts [path] [--dist dist] [--out shots] [--full]`.
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './chromium.ts';
import { startSiteServer } from '../server/site-server.ts';
import { createStreamServer } from '../server/stream-server.ts';

const args = process.argv.slice(2);
const flag = (name: string, fallback: string): string => {
	const i = args.indexOf(name);
	return i === -1 ? fallback : args[i + 1]!;
};
const path =
	args.find((a, i) => !a.startsWith('--') && !args[i - 1]?.startsWith('--')) ??
	'/chapters/39-what-a-websocket-is/';
const dist = resolve(flag('--dist', 'dist'));
const out = resolve(flag('--out', 'shots'));
const full = args.includes('--full');
const selector = flag('--selector', '');
mkdirSync(out, { recursive: true });

const stream = createStreamServer({ mount: 'site' });
const site = await startSiteServer({ root: dist, port: 0, onStreamUpgrade: stream.handleUpgrade });
const browser = await chromium.launch({
	executablePath: CHROMIUM_PATH,
	args: [...CHROMIUM_ARGS],
});
try {
	for (const colorScheme of ['light', 'dark'] as const) {
		for (const width of [360, 1280]) {
			const page = await browser.newPage({ colorScheme, viewport: { width, height: 900 } });
			await page.goto(site.url + path, { waitUntil: 'networkidle' });
			if (selector) await page.locator(selector).first().scrollIntoViewIfNeeded();
			await page.waitForTimeout(1500);
			const file = join(out, `${colorScheme}-${width}.png`);
			if (selector) await page.locator(selector).first().screenshot({ path: file });
			else await page.screenshot({ path: file, fullPage: full });
			console.log(file);
			await page.close();
		}
	}
} finally {
	await browser.close();
	await stream.close();
	await site.close();
}
