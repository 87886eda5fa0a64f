// @ts-check
import { defineConfig } from 'astro/config';
import mdx from '@astrojs/mdx';
import streamIntegration from './server/integration.ts';

// https://docs.astro.build/en/reference/configuration-reference/
export default defineConfig({
	site: 'http://127.0.0.1:4321',
	integrations: [mdx(), streamIntegration()],
	markdown: {
		shikiConfig: {
			themes: { light: 'github-light', dark: 'github-dark' },
			defaultColor: false,
		},
	},
});
