// The Astro integration that serves the mock stream inside `astro dev`: on
// `astro:server:setup` it attaches the stream to upgrades on `path` of the dev server's HTTP
// server (Vite's HMR socket keeps its own), and closes it on `astro:server:done`.
// `astro preview` runs no integration hook, which is why `npm start` has its own server.
import type { AstroIntegration } from 'astro';
import { AstroError } from 'astro/errors';
import { STREAM_PATH } from '../src/lib/constants.ts';
import { createStreamServer, type StreamServer } from './stream-server.ts';

export interface StreamIntegrationOptions {
	/** Path the page connects to (astro.config.mjs passes PUBLIC_STREAM_URL's). Default `/stream`. */
	path?: string;
	/** Market seed; every server with the same seed serves the same prices. Default 39. */
	seed?: number;
}

/** Returns the integration; throws AstroError for options it cannot use. */
export default function streamIntegration(
	options: StreamIntegrationOptions = {},
): AstroIntegration {
	const path = options.path ?? STREAM_PATH;
	if (typeof path !== 'string' || !path.startsWith('/') || /[?#\s]/.test(path)) {
		throw new AstroError(
			`Invalid \`path\` option for the stream integration: ${JSON.stringify(path)}.`,
			'Give a path that starts with `/` and has no query, fragment or spaces, e.g. `streamIntegration({ path: "/stream" })`.',
		);
	}
	if (options.seed !== undefined && (!Number.isInteger(options.seed) || options.seed < 0)) {
		throw new AstroError(
			`Invalid \`seed\` option for the stream integration: ${String(options.seed)}.`,
			'Give a non-negative integer, e.g. `streamIntegration({ seed: 39 })`.',
		);
	}
	let stream: StreamServer | undefined;
	return {
		name: 'ch39-stream',
		hooks: {
			'astro:server:setup': ({ server, logger }) => {
				const http = server.httpServer;
				if (!http) {
					logger.warn('No HTTP server (middleware mode): the live stream is not mounted.');
					return;
				}
				stream = createStreamServer({ mount: 'site', seed: options.seed });
				http.on('upgrade', (req, socket, head) => {
					if ((req.url ?? '').split('?')[0] === path) stream?.handleUpgrade(req, socket, head);
				});
				logger.info(`Mock market stream mounted at ${path}`);
			},
			'astro:server:done': async () => {
				await stream?.close();
				stream = undefined;
			},
		},
	};
}
