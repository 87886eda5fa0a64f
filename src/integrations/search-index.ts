// Site search: after `astro build`, Pagefind indexes the built chapters (the elements marked
// `data-pagefind-body`) into <outDir>/pagefind/, where the search dialog loads it on first open.
// Only Pagefind's search API (pagefind.js, its WebAssembly and index chunks) is kept: the page
// draws its own results, so Pagefind's prebuilt UI files are removed rather than shipped unused.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AstroIntegration } from 'astro';
import { AstroError } from 'astro/errors';

/** Pagefind's prebuilt UI, which the site does not use. */
const UNUSED = [
	'pagefind-ui.js',
	'pagefind-ui.css',
	'pagefind-modular-ui.js',
	'pagefind-modular-ui.css',
	'pagefind-component-ui.js',
	'pagefind-component-ui.css',
	'pagefind-highlight.js',
	// The search runs on the main thread (noWorker in search.client.ts): the index is small.
	'pagefind-worker.js',
];

/** The Astro integration that writes the search index after each build. */
export function searchIndex(): AstroIntegration {
	return {
		name: 'ch-search-index',
		hooks: {
			'astro:build:done': async ({ dir, logger }) => {
				const { createIndex, close } = await import('pagefind');
				const site = fileURLToPath(dir);
				const { index, errors } = await createIndex({});
				if (!index) throw new AstroError(`Pagefind could not start: ${errors.join('; ')}`);
				try {
					const added = await index.addDirectory({ path: site });
					if (added.errors.length > 0)
						throw new AstroError(`Pagefind could not index ${site}: ${added.errors.join('; ')}`);
					const output = join(site, 'pagefind');
					const written = await index.writeFiles({ outputPath: output });
					if (written.errors.length > 0)
						throw new AstroError(
							`Pagefind could not write ${output}: ${written.errors.join('; ')}`,
						);
					await Promise.all(UNUSED.map((name) => rm(join(output, name), { force: true })));
					logger.info(`indexed ${added.page_count} pages for search`);
				} finally {
					await close();
				}
			},
		},
	};
}
