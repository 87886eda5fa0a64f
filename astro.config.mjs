// @ts-check
import { defineConfig } from 'astro/config';
import mdx from '@astrojs/mdx';
import sitemap from '@astrojs/sitemap';
import streamIntegration from './server/integration.ts';
import { bundleGraph } from './src/integrations/bundle-graph.ts';
import { searchIndex } from './src/integrations/search-index.ts';

// https://docs.astro.build/en/reference/configuration-reference/
export default defineConfig({
	site: 'http://127.0.0.1:4321',
	// sitemap-index.xml from the built pages; the search index after the build (Pagefind); the
	// client chunk graph for the byte budgets.
	integrations: [mdx(), sitemap(), streamIntegration(), searchIndex(), bundleGraph()],
	markdown: {
		shikiConfig: {
			themes: { light: 'github-light', dark: 'github-dark' },
			defaultColor: false,
		},
	},
});
