// @ts-check
import { defineConfig } from 'astro/config';
import mdx from '@astrojs/mdx';
import sitemap from '@astrojs/sitemap';
import streamIntegration from './server/integration.ts';
import precompress from './server/precompress.ts';
import { bundleGraph } from './src/integrations/bundle-graph.ts';
import { searchIndex } from './src/integrations/search-index.ts';
import { ConfigError, loadBuildConfig } from './server/config.ts';

// SITE_URL (canonical and Open Graph URLs) and PUBLIC_STREAM_URL (where the page's stream is),
// checked once: a bad value stops the build with one line (see the README's configuration table).
/** @type {import('./server/config.ts').BuildConfig} */
let build;
try {
	build = loadBuildConfig(process.env);
} catch (error) {
	if (!(error instanceof ConfigError)) throw error;
	console.error(`error: ${error.message}`);
	process.exit(2);
}

// https://docs.astro.build/en/reference/configuration-reference/
export default defineConfig({
	site: build.siteUrl.href,
	// sitemap-index.xml from the built pages; the search index (Pagefind) and the client chunk
	// graph for the byte budgets, both written before precompress runs over the output.
	integrations: [
		mdx(),
		sitemap(),
		streamIntegration({ path: build.streamPath }),
		searchIndex(),
		bundleGraph(),
		precompress(),
	],
	vite: {
		// The page reads its stream's address as import.meta.env.PUBLIC_STREAM_URL, always set.
		define: { 'import.meta.env.PUBLIC_STREAM_URL': JSON.stringify(build.publicStreamUrl) },
	},
	// Writes .astro/collections/*.schema.json (from the chapter schema's describe() texts) and
	// the file manifest the Astro editor extension uses for front-matter completion and help
	// (.vscode/settings.json turns it on).
	experimental: { contentIntellisense: true },
	markdown: {
		shikiConfig: {
			themes: { light: 'github-light', dark: 'github-dark' },
			defaultColor: false,
		},
	},
});
