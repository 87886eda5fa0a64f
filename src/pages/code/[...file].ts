// Each listing under content/code/ at /code/<chapter>/<name>.py, byte for byte: the file a
// listing's "Download the .py" link saves is the one the page shows and the tests run.
import { readdir, readFile } from 'node:fs/promises';
import { join, sep } from 'node:path';
import type { APIRoute, GetStaticPaths } from 'astro';

// Resolved from the project root: import.meta.url points into the build output at build time.
const CODE_ROOT = join(process.cwd(), 'content', 'code');

export const getStaticPaths = (async () => {
	const files = await readdir(CODE_ROOT, { recursive: true });
	return files
		.filter((file) => file.endsWith('.py'))
		.map((file) => ({ params: { file: file.split(sep).join('/') } }));
}) satisfies GetStaticPaths;

export const GET: APIRoute = async ({ params }) =>
	new Response(await readFile(join(CODE_ROOT, String(params.file))), {
		headers: { 'Content-Type': 'text/x-python; charset=utf-8' },
	});
