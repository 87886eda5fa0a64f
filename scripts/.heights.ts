import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './chromium.ts';
import { startSiteServer } from '../server/site-server.ts';
import { createStreamServer } from '../server/stream-server.ts';
const stream = createStreamServer({ mount: 'site' });
const site = await startSiteServer({ root: 'dist', host: '127.0.0.1', port: 0, onStreamUpgrade: stream.handleUpgrade });
const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS] });
const tags = ['ch-pull-push', 'ch-subscribe-builder', 'ch-tick-stream', 'ch-exercises'];
for (const width of [360, 1280]) {
  const page = await browser.newPage({ viewport: { width, height: 800 } });
  await page.goto(site.url + '/chapters/39-what-a-websocket-is/');
  const h = () => page.evaluate((tags) => tags.map((t) => Math.round(document.querySelector(t)!.getBoundingClientRect().height)), tags);
  const before = await h();
  for (const t of tags) { await page.locator(t).scrollIntoViewIfNeeded(); await page.waitForTimeout(700); }
  await page.waitForTimeout(1000);
  const after = await h();
  console.log(width, tags.map((t, i) => `${t.slice(3)} ${before[i]}→${after[i]}`).join(', '));
  await page.close();
}
await browser.close(); await site.close(); await stream.close();
