// Build-time compression of the built site: every text file over 512 bytes in dist/ gets a
// `.br` (brotli, quality 11) and a `.gz` (gzip, level 9) beside it, which the site server (sirv)
// sends to clients that accept them. Compressing here, once, keeps the work off the server's
// event loop; a variant that would not be smaller is not written.
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import type { AstroIntegration } from 'astro';

const brotli = promisify(brotliCompress);
const gz = promisify(gzip);

/** File types worth compressing (images and fonts are compressed already). */
export const COMPRESSIBLE_EXTENSIONS: ReadonlySet<string> = new Set([
	'.html',
	'.css',
	'.js',
	'.mjs',
	'.json',
	'.svg',
	'.txt',
	'.xml',
	'.py',
	'.webmanifest',
]);

/** Smaller files are sent as they are: the headers would outweigh the saving. */
export const MIN_COMPRESS_BYTES = 512;

async function* files(dir: string): AsyncGenerator<string> {
	for (const entry of await readdir(dir, { withFileTypes: true })) {
		const path = join(dir, entry.name);
		if (entry.isDirectory()) yield* files(path);
		else if (entry.isFile()) yield path;
	}
}

export interface PrecompressResult {
	files: number;
	bytesIn: number;
	gzipBytes: number;
	brotliBytes: number;
}

/** Writes `.br` and `.gz` beside each compressible file under `dir`; returns the totals. */
export async function precompress(dir: string): Promise<PrecompressResult> {
	const result: PrecompressResult = { files: 0, bytesIn: 0, gzipBytes: 0, brotliBytes: 0 };
	const jobs: Promise<void>[] = [];
	for await (const path of files(dir)) {
		if (!COMPRESSIBLE_EXTENSIONS.has(extname(path).toLowerCase())) continue;
		jobs.push(
			(async () => {
				if ((await stat(path)).size < MIN_COMPRESS_BYTES) return;
				const body = await readFile(path);
				const [br, gzipped] = await Promise.all([
					brotli(body, {
						params: {
							[constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
							[constants.BROTLI_PARAM_SIZE_HINT]: body.length,
						},
					}),
					gz(body, { level: 9 }),
				]);
				result.files++;
				result.bytesIn += body.length;
				if (br.length < body.length) {
					await writeFile(path + '.br', br);
					result.brotliBytes += br.length;
				}
				if (gzipped.length < body.length) {
					await writeFile(path + '.gz', gzipped);
					result.gzipBytes += gzipped.length;
				}
			})(),
		);
	}
	await Promise.all(jobs);
	return result;
}

/** Runs `precompress` over the build output when `astro build` is done. */
export default function precompressIntegration(): AstroIntegration {
	return {
		name: 'ch39-precompress',
		hooks: {
			'astro:build:done': async ({ dir, logger }) => {
				const done = await precompress(fileURLToPath(dir));
				logger.info(
					`Precompressed ${done.files} files: ${done.bytesIn} B → ${done.brotliBytes} B brotli, ${done.gzipBytes} B gzip`,
				);
			},
		},
	};
}
