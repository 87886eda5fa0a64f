// What each built page costs a reader in bytes: its HTML, the CSS it links or inlines, the
// JavaScript that loads before any interaction (its scripts and their static imports), the
// JavaScript that loads on view or first use (reachable through dynamic `import()`: widgets
// as they scroll into view, shiki on first use of the builder), and the JavaScript the search
// dialog loads when the reader opens it (its code and Pagefind's search API).
// The import graph comes from the build's chunk manifest (<dist>/.vite/manifest.json, written
// by src/integrations/bundle-graph.ts), the entry points from the built HTML.
// Used by the byte-budget test (tests/build/budgets.test.ts) and by `npm run bench`.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { gzipSync } from 'node:zlib';
import { BUNDLE_GRAPH_PATH, type BundleChunk } from '../../src/integrations/bundle-graph.ts';

export interface ByteSize {
	raw: number;
	gzip: number;
}

export interface PageWeight {
	/** Route, e.g. `/chapters/39-what-a-websocket-is/`. */
	page: string;
	html: ByteSize;
	css: ByteSize;
	/** JS a reader downloads before touching anything (inline + module scripts + static imports). */
	jsInitial: ByteSize;
	/** JS fetched later, through dynamic imports (widgets on view, shiki on first use). */
	jsLazy: ByteSize;
	/** Both together: what reading the page and using its widgets costs. */
	jsAll: ByteSize;
	/** JS fetched only when the reader opens search (its code and Pagefind's API). */
	jsSearch: ByteSize;
	/** The files counted in jsInitial, jsLazy and jsSearch, relative to the dist folder. */
	initialFiles: string[];
	lazyFiles: string[];
	searchFiles: string[];
}

/** Raw and gzip (level 9) byte counts of a text. */
export function sizeOf(text: string | Buffer): ByteSize {
	const buffer = typeof text === 'string' ? Buffer.from(text) : text;
	return { raw: buffer.length, gzip: gzipSync(buffer, { level: 9 }).length };
}

function add(a: ByteSize, b: ByteSize): ByteSize {
	return { raw: a.raw + b.raw, gzip: a.gzip + b.gzip };
}

const ZERO: ByteSize = { raw: 0, gzip: 0 };

/** Every `.html` file under `dist`, as paths relative to it. */
export function listPages(dist: string): string[] {
	const pages: string[] = [];
	const walk = (folder: string): void => {
		for (const name of readdirSync(folder)) {
			const path = join(folder, name);
			if (statSync(path).isDirectory()) walk(path);
			else if (name.endsWith('.html')) pages.push(relative(dist, path));
		}
	};
	walk(dist);
	return pages.sort();
}

/** The build's chunk graph; throws when the build did not write it. */
export function readBundleGraph(dist: string): Record<string, BundleChunk> {
	const path = join(dist, BUNDLE_GRAPH_PATH);
	if (!existsSync(path))
		throw new Error(
			`page-weight: no chunk graph at ${path} (is bundleGraph() in astro.config.mjs?)`,
		);
	return JSON.parse(readFileSync(path, 'utf8')) as Record<string, BundleChunk>;
}

/** A same-site URL as a path relative to `dist`, or undefined for other origins and data URLs. */
function distPath(url: string): string | undefined {
	if (/^(?:[a-z]+:)?\/\//i.test(url) || url.startsWith('data:')) return undefined;
	return url.split(/[?#]/)[0]!.replace(/^\//, '');
}

/** The opener of the search dialog: the chunk of src/components/Search.astro's script. */
const SEARCH_OPENER = /^_astro\/Search\.astro_astro_type_script_/;

/** Measures one built page (path relative to `dist`). */
export function weighPage(dist: string, pagePath: string): PageWeight {
	const graph = readBundleGraph(dist);
	const html = readFileSync(join(dist, pagePath), 'utf8');
	const fileSize = (file: string): ByteSize => sizeOf(readFileSync(join(dist, file)));
	const attribute = (tag: string, name: string): string | undefined =>
		new RegExp(`\\b${name}=["']?([^"' >]+)`).exec(tag)?.[1];

	let css = ZERO;
	for (const [tag] of html.matchAll(/<link\b[^>]*\brel=["']?stylesheet["']?[^>]*>/g)) {
		const file = distPath(attribute(tag, 'href') ?? '');
		if (file) css = add(css, fileSize(file));
	}
	for (const match of html.matchAll(/<style\b[^>]*>([\s\S]*?)<\/style>/g)) {
		css = add(css, sizeOf(match[1]!));
	}

	// Entry points: external module scripts and modulepreloads; inline scripts count as bytes.
	let inlineJs = ZERO;
	const entries: string[] = [];
	for (const match of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)) {
		const [, attributes, body] = match as unknown as [string, string, string];
		if (/\btype=["']?(?:application\/(?:ld\+)?json|text\/plain)/.test(attributes)) continue;
		const src = attribute(attributes, 'src');
		if (src) {
			const file = distPath(src);
			if (file) entries.push(file);
		} else if (body.trim() !== '') {
			// Astro inlines only scripts without imports; one with imports would escape the graph.
			if (/(?:^|[;}\s])import\s*[\s{*("'`]|\bfrom\s*["'`]/.test(body))
				throw new Error(`page-weight: an inline script on ${pagePath} imports modules`);
			inlineJs = add(inlineJs, sizeOf(body));
		}
	}
	for (const [tag] of html.matchAll(/<link\b[^>]*\brel=["']?modulepreload["']?[^>]*>/g)) {
		const file = distPath(attribute(tag, 'href') ?? '');
		if (file) entries.push(file);
	}

	const chunk = (file: string): BundleChunk => {
		const found = graph[file];
		if (!found)
			throw new Error(`page-weight: ${file} (from ${pagePath}) is not in the chunk graph`);
		return found;
	};
	const initial = new Set<string>();
	const lazyRoots: string[] = [];
	const searchRoots: string[] = [];
	const visit = (file: string, into: Set<string>, roots: string[]): void => {
		if (into.has(file)) return;
		into.add(file);
		const { imports, dynamicImports } = chunk(file);
		for (const dep of imports) visit(dep, into, roots);
		(SEARCH_OPENER.test(file) ? searchRoots : roots).push(...dynamicImports);
	};
	for (const entry of entries) visit(entry, initial, lazyRoots);
	const lazy = new Set<string>();
	for (const root of lazyRoots) if (!initial.has(root)) visit(root, lazy, lazyRoots);
	for (const file of initial) lazy.delete(file);
	const search = new Set<string>();
	for (const root of searchRoots) if (!initial.has(root)) visit(root, search, searchRoots);
	for (const file of [...initial, ...lazy]) search.delete(file);
	// Pagefind's API is fetched by URL (not bundled); the dialog names it in data-search-api.
	const api = /\bdata-search-api=["']?([^"' >]+)/.exec(html)?.[1];
	const apiFile = api ? distPath(api) : undefined;
	if (apiFile) search.add(apiFile);

	const sum = (files: Iterable<string>): ByteSize => {
		let total = ZERO;
		for (const file of files) total = add(total, fileSize(file));
		return total;
	};
	const jsInitial = add(inlineJs, sum(initial));
	const jsLazy = sum(lazy);
	return {
		page:
			'/' +
			pagePath
				.replace(/index\.html$/, '')
				.split(sep)
				.join('/'),
		html: sizeOf(html),
		css,
		jsInitial,
		jsLazy,
		jsAll: add(jsInitial, jsLazy),
		jsSearch: sum(search),
		initialFiles: [...initial],
		lazyFiles: [...lazy],
		searchFiles: [...search],
	};
}

/** Formats a byte count as KB with one decimal (1 KB = 1000 bytes, as budgets are stated). */
export function kb(bytes: number): string {
	return (bytes / 1000).toFixed(1) + ' KB';
}
