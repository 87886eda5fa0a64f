// What each built page costs a reader in bytes: its HTML, the CSS it links or inlines, the
// JavaScript that loads before any interaction (module scripts, inline scripts and their static
// imports) and the JavaScript that loads later (reachable only through dynamic `import()`, which
// is how widgets hydrate when they scroll into view and how shiki loads on first use).
// Used by `npm run bench` to print the figures and by the budget test to keep them.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { gzipSync } from 'node:zlib';

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
	/** Both together. */
	jsAll: ByteSize;
	/** The files counted in jsInitial and jsLazy, relative to the dist folder. */
	initialFiles: string[];
	lazyFiles: string[];
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

/** Resolves a URL found in a page or a module to a file path under `dist`, or undefined if external. */
function toFile(dist: string, fromFile: string, url: string): string | undefined {
	if (/^(?:[a-z]+:)?\/\//i.test(url) || url.startsWith('data:')) return undefined;
	const clean = url.split(/[?#]/)[0]!;
	const path = clean.startsWith('/') ? join(dist, clean) : resolve(dirname(fromFile), clean);
	return path.startsWith(resolve(dist) + sep) ? path : undefined;
}

// The minifier quotes specifiers with ", ' or ` (it prefers backticks), so all three count.
const STATIC_IMPORT =
	/(?:\bimport|\bexport)\s*(?:[\w*${}\s,]*?\bfrom\s*)?["'`]([^"'`]+\.m?js)["'`]/g;
const DYNAMIC_IMPORT = /\bimport\(\s*["'`]([^"'`]+\.m?js)["'`]\s*\)/g;
// Vite lists a lazy chunk's dependencies in `__vite__mapDeps` as dist-relative paths.
const VITE_DEPS = /__vite__mapDeps=\([^)]*\)=>[^[]*\[([^\]]*)\]/g;

interface ModuleLinks {
	staticDeps: string[];
	dynamicDeps: string[];
}

function linksOf(dist: string, file: string, source: string): ModuleLinks {
	const staticDeps: string[] = [];
	const dynamicDeps: string[] = [];
	const withoutDynamic = source.replace(DYNAMIC_IMPORT, (_m, url: string) => {
		const path = toFile(dist, file, url);
		if (path) dynamicDeps.push(path);
		return '';
	});
	for (const match of withoutDynamic.matchAll(STATIC_IMPORT)) {
		const path = toFile(dist, file, match[1]!);
		if (path) staticDeps.push(path);
	}
	for (const match of source.matchAll(VITE_DEPS)) {
		for (const quoted of match[1]!.matchAll(/["'`]([^"'`]+)["'`]/g)) {
			const path = toFile(dist, join(dist, 'index.html'), '/' + quoted[1]!.replace(/^\//, ''));
			if (path && path.endsWith('.js')) dynamicDeps.push(path);
		}
	}
	return { staticDeps, dynamicDeps };
}

/** Measures one built page (path relative to `dist`). */
export function weighPage(dist: string, pagePath: string): PageWeight {
	const htmlFile = join(dist, pagePath);
	const html = readFileSync(htmlFile, 'utf8');
	let css = ZERO;
	for (const match of html.matchAll(/<link\b[^>]*\brel=["']?stylesheet["']?[^>]*>/g)) {
		const href = /\bhref=["']?([^"' >]+)/.exec(match[0])?.[1];
		const file = href ? toFile(dist, htmlFile, href) : undefined;
		if (file) css = add(css, sizeOf(readFileSync(file)));
	}
	for (const match of html.matchAll(/<style\b[^>]*>([\s\S]*?)<\/style>/g)) {
		css = add(css, sizeOf(match[1]!));
	}

	const initial = new Set<string>();
	const lazyRoots: string[] = [];
	let inlineJs = ZERO;
	const visit = (file: string, into: Set<string>): void => {
		if (into.has(file)) return;
		into.add(file);
		const source = readFileSync(file, 'utf8');
		const links = linksOf(dist, file, source);
		for (const dep of links.staticDeps) visit(dep, into);
		lazyRoots.push(...links.dynamicDeps);
	};
	for (const match of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)) {
		const attributes = match[1]!;
		const body = match[2]!;
		if (/\btype=["']?(?:application\/(?:ld\+)?json|text\/plain)/.test(attributes)) continue;
		const src = /\bsrc=["']?([^"' >]+)/.exec(attributes)?.[1];
		if (src) {
			const file = toFile(dist, htmlFile, src);
			if (file) visit(file, initial);
			continue;
		}
		if (body.trim() === '') continue;
		inlineJs = add(inlineJs, sizeOf(body));
		const links = linksOf(dist, htmlFile, body);
		for (const dep of links.staticDeps) visit(dep, initial);
		lazyRoots.push(...links.dynamicDeps);
	}
	for (const match of html.matchAll(/<link\b[^>]*\brel=["']?modulepreload["']?[^>]*>/g)) {
		const href = /\bhref=["']?([^"' >]+)/.exec(match[0])?.[1];
		const file = href ? toFile(dist, htmlFile, href) : undefined;
		if (file) visit(file, initial);
	}

	const lazy = new Set<string>();
	for (let i = 0; i < lazyRoots.length; i++) {
		const root = lazyRoots[i]!;
		if (!initial.has(root)) visit(root, lazy);
	}
	for (const file of initial) lazy.delete(file);

	const sum = (files: Iterable<string>): ByteSize => {
		let total = ZERO;
		for (const file of files) total = add(total, sizeOf(readFileSync(file)));
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
		initialFiles: [...initial].map((f) => relative(dist, f)),
		lazyFiles: [...lazy].map((f) => relative(dist, f)),
	};
}

/** Formats a byte count as KB with one decimal (1 KB = 1000 bytes, as budgets are stated). */
export function kb(bytes: number): string {
	return (bytes / 1000).toFixed(1) + ' KB';
}
