// Prettier formats .astro files too (npm run lint). It must never change what an element that
// keeps its whitespace shows: <pre>, <textarea> and <template> contents are the reader's text.
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import * as prettier from 'prettier';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const KEPT = ['pre', 'textarea', 'template'];

function astroFiles(dir: string): string[] {
	return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
		const path = join(dir, entry.name);
		if (entry.isDirectory()) return astroFiles(path);
		return entry.name.endsWith('.astro') ? [path] : [];
	});
}

/** The end of the start tag opened at `from` (`<pre`), skipping quoted and `{…}` attribute values. */
function startTagEnd(source: string, from: number): number {
	let depth = 0;
	let quote: string | undefined;
	for (let i = from; i < source.length; i++) {
		const char = source[i]!;
		if (quote) {
			if (char === quote) quote = undefined;
		} else if (depth > 0) {
			if (char === '{') depth++;
			else if (char === '}') depth--;
			else if (char === '`' || char === '"' || char === "'") quote = char;
		} else if (char === '{') depth++;
		else if (char === '"' || char === "'") quote = char;
		else if (char === '>') return i;
	}
	return -1;
}

/** The markup alone: without the frontmatter, scripts, styles and comments (which may say `<pre>`). */
function markupOf(source: string): string {
	return source
		.replace(/^---\n[\s\S]*?\n---\n/, '')
		.replace(/<(script|style)\b[\s\S]*?<\/\1>/g, '')
		.replace(/<!--[\s\S]*?-->|\{\/\*[\s\S]*?\*\/\}/g, '');
}

const VOID = new Set(['br', 'wbr', 'img', 'hr', 'input']);

/** Writes an empty element one way: Astro renders `<code />` exactly as `<code></code>`. */
function sameElement(markup: string): string {
	return markup.replace(
		/<([a-z][\w-]*)((?:\s[^<>]*?)?)\s*\/>/g,
		(whole, tag: string, attrs: string) => (VOID.has(tag) ? whole : `<${tag}${attrs}></${tag}>`),
	);
}

/** The contents of every whitespace-kept element in the markup, in order, tagged by name. */
function keptContents(file: string): string[] {
	const source = markupOf(file);
	const found: string[] = [];
	const open = new RegExp(`<(${KEPT.join('|')})(?=[\\s>/])`, 'g');
	for (let match = open.exec(source); match; match = open.exec(source)) {
		const end = startTagEnd(source, match.index);
		if (end < 0 || source[end - 1] === '/') continue;
		const close = new RegExp(`</${match[1]}\\s*>`, 'g');
		close.lastIndex = end + 1;
		const closing = close.exec(source);
		if (!closing) continue;
		found.push(`${match[1]}: ${sameElement(source.slice(end + 1, closing.index))}`);
		open.lastIndex = closing.index;
	}
	return found;
}

describe('Prettier on .astro files', () => {
	const files = astroFiles(join(ROOT, 'src'));

	it('finds the files and the elements it guards', () => {
		expect(files.length).toBeGreaterThan(10);
		const all = files.flatMap((file) => keptContents(readFileSync(file, 'utf8')));
		expect(all.filter((text) => text.startsWith('pre:')).length).toBeGreaterThanOrEqual(3);
		expect(keptContents('<pre a={x => y}>\n  a\n</pre\n>')).toEqual(['pre: \n  a\n']);
		expect(keptContents('<pre><code a="1" /><wbr /></pre>')).toEqual([
			'pre: <code a="1"></code><wbr />',
		]);
	});

	it.each(files.map((file) => [relative(ROOT, file), file]))(
		'keeps the contents of <pre>, <textarea> and <template> in %s',
		async (_, file) => {
			const source = readFileSync(file, 'utf8');
			const options = await prettier.resolveConfig(file);
			const formatted = await prettier.format(source, { ...options, filepath: file });
			expect(keptContents(formatted)).toEqual(keptContents(source));
		},
	);
});
