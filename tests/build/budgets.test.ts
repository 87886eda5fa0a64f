// The byte budgets of issue #6, checked on every `npm test` because bytes are deterministic.
// Timings (Lighthouse, frame rates) are reported by `npm run bench`, never asserted here.
import { describe, expect, it } from 'vitest';
import { listPages, weighPage } from '../support/page-weight.ts';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { DIST, distAvailable } from './dist.ts';

/** Every .js file under the build folder, relative to it. */
function allJsFiles(root: string): string[] {
	const files: string[] = [];
	const walk = (folder: string): void => {
		for (const name of readdirSync(folder)) {
			const path = join(folder, name);
			if (statSync(path).isDirectory()) walk(path);
			else if (name.endsWith('.js') || name.endsWith('.mjs')) files.push(relative(root, path));
		}
	};
	walk(root);
	return files.sort();
}

/** Budgets in bytes after gzip (1 KB = 1000 B). */
const BUDGET = {
	jsBeforeInteraction: 6_000,
	/**
	 * Everything a chapter page can load, lazy chunks included. Raised from 80 KB on 2026-12-01,
	 * when the stream panel gained the wire inspector (handshake, filters, export, latency) and the
	 * builder the server's own validator: 84.7 KB then, 35.8 KB of it shiki, loaded on first use.
	 */
	jsTotal: 90_000,
	css: 12_000,
	/** Search: its code and Pagefind's API, fetched only when the reader opens it. */
	jsSearch: 20_000,
};

describe.skipIf(!distAvailable)('byte budgets of every built page', () => {
	const pages = distAvailable ? listPages(DIST) : [];

	it('builds at least the home page and chapter 39', () => {
		expect(pages).toContain('index.html');
		expect(pages.some((p) => p.startsWith('chapters/') && p.includes('39'))).toBe(true);
	});

	it('counts every JavaScript file the build emits (nothing escapes the budget)', () => {
		const counted = new Set(
			pages.flatMap((page) => {
				const weight = weighPage(DIST, page);
				return [...weight.initialFiles, ...weight.lazyFiles, ...weight.searchFiles];
			}),
		);
		const emitted = allJsFiles(DIST);
		expect(emitted.filter((file) => !counted.has(file))).toEqual([]);
	});

	for (const page of pages) {
		describe(page, () => {
			const weight = weighPage(DIST, page);

			it(`loads at most ${BUDGET.jsBeforeInteraction} B of gzipped JS before any interaction`, () => {
				expect(weight.jsInitial.gzip).toBeLessThanOrEqual(BUDGET.jsBeforeInteraction);
			});

			it(`ships at most ${BUDGET.jsTotal} B of gzipped JS in all, lazy chunks included`, () => {
				expect(weight.jsAll.gzip).toBeLessThanOrEqual(BUDGET.jsTotal);
			});

			it(`loads search's ${BUDGET.jsSearch} B of gzipped JS at most, and only when it is opened`, () => {
				expect(weight.jsSearch.gzip).toBeLessThanOrEqual(BUDGET.jsSearch);
				// None of it before interaction or with the widgets.
				const early = new Set([...weight.initialFiles, ...weight.lazyFiles]);
				expect(weight.searchFiles.filter((file) => early.has(file))).toEqual([]);
			});

			it(`links at most ${BUDGET.css} B of gzipped CSS`, () => {
				expect(weight.css.gzip).toBeLessThanOrEqual(BUDGET.css);
			});
		});
	}
});
