// The built chapter shows, under "Live output", exactly what the listing prints (the .out.txt that
// tests/unit/code-listing.test.ts checks against a real python3 run).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DIST, distAvailable } from './dist.ts';
import { decodeEntities, htmlToText } from './html-text.ts';

const PAGE = join(DIST, 'chapters', '39-what-a-websocket-is', 'index.html');
const OUTPUT = readFileSync(
	new URL('../../content/code/ch39/01_subscribe_message.out.txt', import.meta.url),
	'utf8',
);
const SOURCE = readFileSync(
	new URL('../../content/code/ch39/01_subscribe_message.py', import.meta.url),
	'utf8',
);

describe.skipIf(!distAvailable)('EX 1 on the built chapter page', () => {
	const html = distAvailable && existsSync(PAGE) ? readFileSync(PAGE, 'utf8') : '';

	it('exists', () => {
		expect(existsSync(PAGE), PAGE).toBe(true);
	});

	/** The <pre> blocks marked as a listing's output, as the text a reader sees. */
	const outputs = [
		...html.matchAll(/<pre\b[^>]*\bdata-listing-output\b[^>]*>([\s\S]*?)<\/pre>/g),
	].map((m) => m[1]!);

	it('has exactly one Live output block, labelled "Live output"', () => {
		expect(outputs).toHaveLength(1);
		const pre = /<pre\b[^>]*\bdata-listing-output\b[^>]*>/.exec(html)![0];
		const labelId = /\baria-labelledby="([^"]+)"/.exec(pre)?.[1];
		expect(labelId).toBeDefined();
		const label = new RegExp(`<[^>]+\\bid="${labelId}"[^>]*>([^<]*)<`).exec(html)?.[1];
		expect(label).toBe('Live output');
	});

	it('shows the .out.txt text exactly, whitespace and line breaks included', () => {
		// Only markup may sit around the text (<code>); the text itself must be the file verbatim.
		const text = decodeEntities(outputs[0]!.replace(/<\/?code\b[^>]*>/g, ''));
		expect(text).not.toMatch(/<[a-z]/i);
		expect(text).toBe(OUTPUT);
	});

	/** The listing's <figure>: caption, highlighted code and output. */
	const figure = /<figure\b[^>]*class="ch-listing"[\s\S]*?<\/figure>/.exec(html)?.[0] ?? '';

	it('shows the listing source it ran, verbatim', () => {
		const code = /<pre\b[^>]*data-language="python"[^>]*>([\s\S]*?)<\/pre>/.exec(figure)?.[1];
		expect(code, 'a highlighted python <pre> inside the listing figure').toBeDefined();
		// Highlighting wraps tokens in spans but keeps every character, newlines included.
		expect(decodeEntities(code!.replace(/<[^>]+>/g, ''))).toBe(SOURCE.replace(/\n$/, ''));
	});

	it('captions the listing with its label, title and file', () => {
		const caption = /<figcaption\b[^>]*>([\s\S]*?)<\/figcaption>/.exec(figure)?.[1] ?? '';
		// The parts are separate elements laid out by CSS, so compare them one text node at a time.
		const parts = [...caption.matchAll(/>([^<]+)</g)]
			.map((m) => htmlToText(m[1]!).trim())
			.filter((t) => t !== '');
		expect(parts).toEqual([
			'EX 1',
			'The shape of a subscribe message (no socket opened)',
			'PY',
			'ch39/01_subscribe_message.py',
		]);
	});
});
