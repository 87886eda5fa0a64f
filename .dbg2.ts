import { holdRequests, launchBrowser, newContext, startSite } from './tests/browser/harness.ts';
const site = await startSite({ connectSources: ['ws://127.0.0.1:*', 'http://127.0.0.1:*'] });
const browser = await launchBrowser();
try {
	const context = await newContext(browser);
	const release = await holdRequests(context, '**/tick-stream.client.*.js');
	const page = await context.newPage();
	page.on('console', (m) => console.log('console', m.type(), m.text().slice(0, 200)));
	await page.goto(site.url + '/chapters/39-what-a-websocket-is/');
	await page.locator('ch-tick-stream').evaluate((el) => el.setAttribute('data-stream-url', 'ws://127.0.0.2:45678/'));
	await page.locator('ch-tick-stream').scrollIntoViewIfNeeded();
	release();
	await page.waitForTimeout(6000);
	console.log(await page.locator('ch-tick-stream').evaluate((el) => [el.getAttribute('data-state'), el.getAttribute('data-transport'), el.querySelector('[data-part="simulated"]')!.textContent, el.querySelector('[data-part="state"]')!.textContent]));
} finally { await browser.close(); await site.close(); }
