// The standalone stream's HTTP side (server/cli.ts): WebSocket upgrades on any path, as on the
// real OpenAlgo server, `GET /healthz` (alive) and `GET /readyz` (accepting; 503 while draining)
// for a load balancer's checks, and 426 Upgrade Required with a hint for every other request.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Logger } from './log.ts';
import type { StreamServer } from './stream-server.ts';

function sendText(
	res: ServerResponse,
	status: number,
	text: string,
	extra: Record<string, string> = {},
): void {
	res.writeHead(status, {
		'Content-Type': 'text/plain; charset=utf-8',
		'Content-Length': String(Buffer.byteLength(text)),
		'Cache-Control': 'no-store',
		...extra,
	});
	res.end(text);
}

/** Answers the health paths; returns false for any other request. */
export function answerHealth(
	req: IncomingMessage,
	res: ServerResponse,
	stream: StreamServer,
): boolean {
	const path = (req.url ?? '/').split('?')[0];
	if (path !== '/healthz' && path !== '/readyz') return false;
	if (req.method !== 'GET' && req.method !== 'HEAD') {
		sendText(res, 405, 'Method Not Allowed\n', { Allow: 'GET, HEAD' });
		return true;
	}
	if (path === '/healthz') sendText(res, 200, 'ok\n');
	else if (stream.isReady()) sendText(res, 200, 'ready\n');
	else sendText(res, 503, 'draining\n');
	return true;
}

/** The HTTP server of `npm run stream`, not yet listening. */
export function createStandaloneServer(stream: StreamServer, logger?: Logger): Server {
	const server = createServer((req, res) => {
		if (answerHealth(req, res, stream)) return;
		sendText(
			res,
			426,
			'This is a WebSocket endpoint: connect with a WebSocket client (wscat -c ws://HOST:PORT).\n',
			{ Upgrade: 'websocket' },
		);
	});
	server.on('upgrade', (req, socket, head) => stream.handleUpgrade(req, socket, head));
	server.on('clientError', (error, socket) => {
		logger?.debug({ event: 'http_client_error', err: error }, 'bad HTTP request');
		socket.destroy();
	});
	return server;
}
