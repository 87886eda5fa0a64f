// Writes the client build's chunk graph to <outDir>/.vite/manifest.json: for each emitted JS
// file, the files it imports statically and dynamically, as Vite's build manifest records them
// (Astro turns Vite's own manifest off for its client build). The byte-budget test and the
// benchmarks read it (tests/support/page-weight.ts) instead of scanning minified JS for imports.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AstroIntegration } from 'astro';

/** One emitted chunk: its file (relative to outDir) and what it loads. */
export interface BundleChunk {
	file: string;
	imports: string[];
	dynamicImports: string[];
}

/** Where the graph is written, relative to the build output. */
export const BUNDLE_GRAPH_PATH = '.vite/manifest.json';

/** The integration that records the client chunk graph during `astro build`. */
export function bundleGraph(): AstroIntegration {
	let outDir = '';
	const chunks: Record<string, BundleChunk> = {};
	return {
		name: 'ch-bundle-graph',
		hooks: {
			'astro:config:setup': ({ updateConfig }) => {
				updateConfig({
					vite: {
						plugins: [
							{
								name: 'ch-bundle-graph',
								applyToEnvironment: (environment) => environment.name === 'client',
								generateBundle(_options, bundle) {
									for (const output of Object.values(bundle)) {
										if (output.type !== 'chunk') continue;
										chunks[output.fileName] = {
											file: output.fileName,
											imports: [...output.imports],
											dynamicImports: [...output.dynamicImports],
										};
									}
								},
							},
						],
					},
				});
			},
			'astro:config:done': ({ config }) => {
				outDir = fileURLToPath(config.outDir);
			},
			'astro:build:done': async () => {
				const path = join(outDir, BUNDLE_GRAPH_PATH);
				await mkdir(join(path, '..'), { recursive: true });
				await writeFile(path, JSON.stringify(chunks, null, '\t') + '\n');
			},
		},
	};
}
