// `npm start`: serves the built chapter site from dist/ and the mock market stream at /stream on
// the same origin and port, so the page's live parts connect without any configuration.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseListenArgs } from './listen-args.ts';
import { startSiteServer } from './site-server.ts';
import { createStreamServer } from './stream-server.ts';

const root = fileURLToPath(new URL('../dist/', import.meta.url));
if (!existsSync(root)) {
	console.error('error: dist/ is missing. Run `npm start` (it builds first) or `npm run build`.');
	process.exit(1);
}

const listen = parseListenArgs(process.argv.slice(2), process.env, {
	host: '127.0.0.1',
	port: 4321,
	hostVar: 'HOST',
	portVar: 'PORT',
});
const stream = createStreamServer({ mount: 'site' });
const site = await startSiteServer({
	root,
	host: listen.host,
	port: listen.port,
	streamPath: '/stream',
	onStreamUpgrade: stream.handleUpgrade,
});
const wsUrl = site.url.replace(/^http/, 'ws') + '/stream';
console.log(`Chapter site: ${site.url}/`);
console.log(`Live stream:  ${wsUrl}`);

let stopping = false;
async function stop(signal: string): Promise<void> {
	if (stopping) return;
	stopping = true;
	console.log(`\n${signal}: closing the stream (1001) and the site server.`);
	const timer = setTimeout(() => process.exit(0), 3000);
	timer.unref();
	await stream.close();
	await site.close();
	process.exit(0);
}
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));
