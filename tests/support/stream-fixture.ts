// Starts a stream server on an HTTP server at 127.0.0.1 and a port the OS picks.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
	createStreamServer,
	type StreamServer,
	type StreamServerOptions,
} from '../../server/stream-server.ts';

export interface StreamFixture {
	stream: StreamServer;
	http: Server;
	url: string;
	close(): Promise<void>;
}

export async function startStream(
	options: Partial<StreamServerOptions> = {},
): Promise<StreamFixture> {
	const stream = createStreamServer({ mount: 'standalone', ...options });
	const http = createServer((_req, res) => res.end());
	http.on('upgrade', (req, socket, head) => stream.handleUpgrade(req, socket, head));
	await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
	const { port } = http.address() as AddressInfo;
	return {
		stream,
		http,
		url: `ws://127.0.0.1:${port}`,
		close: async () => {
			await stream.close();
			await new Promise<void>((resolve) => {
				http.close(() => resolve());
				http.closeAllConnections();
			});
		},
	};
}
