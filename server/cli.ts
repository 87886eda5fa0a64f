// `npm run stream`: the mock OpenAlgo stream on its own, ws://127.0.0.1:8765 by default, for
// outside clients (the OpenAlgo Python SDK, wscat, websocat). Like the real server it answers
// on any path and requires `authenticate` first; STREAM_API_KEY pins the one key it accepts.
import { createServer } from 'node:http';
import { parseListenArgs, type ListenAddress } from './listen-args.ts';
import { createStreamServer } from './stream-server.ts';

let listen: ListenAddress;
try {
	listen = parseListenArgs(process.argv.slice(2), process.env, {
		host: '127.0.0.1',
		port: 8765,
		hostVar: 'STREAM_HOST',
		portVar: 'STREAM_PORT',
	});
} catch (error) {
	console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
	process.exit(2);
}

const apiKey = process.env.STREAM_API_KEY || undefined;
const stream = createStreamServer({ mount: 'standalone', apiKey });
const server = createServer((_req, res) => {
	const text =
		'This is a WebSocket endpoint: connect with a WebSocket client (wscat -c ws://HOST:PORT).\n';
	res.writeHead(426, {
		'Content-Type': 'text/plain; charset=utf-8',
		Upgrade: 'websocket',
		'Content-Length': Buffer.byteLength(text),
	});
	res.end(text);
});
server.on('upgrade', (req, socket, head) => stream.handleUpgrade(req, socket, head));
server.on('clientError', (_error, socket) => socket.destroy());
server.on('error', (error) => {
	console.error(`error: cannot listen on ${listen.host}:${listen.port}: ${error.message}`);
	process.exit(1);
});
server.listen(listen.port, listen.host, () => {
	const address = server.address();
	const port = typeof address === 'object' && address ? address.port : listen.port;
	const host = listen.host.includes(':') ? `[${listen.host}]` : listen.host;
	console.log(`Mock OpenAlgo stream: ws://${host}:${port}`);
	console.log(
		apiKey
			? 'Auth: only the key in STREAM_API_KEY is accepted.'
			: 'Auth: demo mode, any non-empty api_key is accepted.',
	);
	console.log(
		`Try: npx wscat -c ws://${host}:${port}  then send {"action":"authenticate","api_key":"demo"}`,
	);
});

let stopping = false;
async function stop(signal: string): Promise<void> {
	if (stopping) return;
	stopping = true;
	console.log(`${signal}: closing every connection with 1001.`);
	setTimeout(() => process.exit(0), 3000).unref();
	await stream.close();
	server.close(() => process.exit(0));
	server.closeAllConnections();
}
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));
