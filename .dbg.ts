import { launchBrowser, newContext, startSite } from './tests/browser/harness.ts';
const site = await startSite({ rateMultiplier: 4 });
const browser = await launchBrowser();
try {
	const context = await newContext(browser, { width: 360 });
	const page = await context.newPage();
	await page.goto(site.url + '/chapters/39-what-a-websocket-is/');
	await page.locator('ch-tick-stream').scrollIntoViewIfNeeded();
	await page.waitForSelector('ch-tick-stream[data-state="open"]');
	await page.waitForTimeout(3000);
	console.log(await page.evaluate(() => {
		const bad: string[] = [];
		for (const code of document.querySelectorAll('ch-tick-stream [data-part="log"] code')) {
			const walker = document.createTreeWalker(code, NodeFilter.SHOW_TEXT);
			let previousTop: number | undefined; let previousChar = ''; let acc = '';
			for (let node = walker.nextNode(); node; node = walker.nextNode()) {
				for (let i = 0; i < (node.textContent ?? '').length; i++) {
					const range = document.createRange(); range.setStart(node, i); range.setEnd(node, i + 1);
					const top = range.getBoundingClientRect().top;
					if (previousTop !== undefined && top > previousTop + 2 && previousChar !== ',') bad.push(acc.slice(-20) + '|' + node.textContent![i]);
					previousTop = top; previousChar = node.textContent![i]!; acc += previousChar;
				}
			}
		}
		return bad.slice(0, 6);
	}));
	await page.evaluate(() => document.dispatchEvent(new CustomEvent('ch:send-message', { detail: { text: JSON.stringify({ action: 'subscribe', mode: 'quote', symbols: [{ symbol: 'RELIANCE', exchange: 'NSE' }] }) } })));
	await page.waitForTimeout(2000);
	const wrap = page.locator('ch-tick-stream [data-part="table-wrap"]');
	console.log(await wrap.evaluate((el) => { el.scrollLeft = el.scrollWidth; return [el.scrollLeft, el.scrollWidth, el.clientWidth, getComputedStyle(el).overflowX]; }));
	const last = page.locator('ch-tick-stream thead th:visible').last();
	console.log(await last.textContent(), await last.boundingBox(), await wrap.boundingBox());
} finally { await browser.close(); await site.close(); }
