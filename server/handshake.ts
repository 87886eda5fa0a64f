// The page mount's `{"action":"handshake"}` verb: the opening HTTP exchange of this very
// connection, as the server saw it, so the page can show a reader the upgrade request and the
// 101 reply of the socket it is using. Only an allow-list of request headers is kept (never
// Cookie or Authorization); the response headers are exactly the lines ws wrote in its 101.
import type { IncomingMessage } from 'node:http';

import { HANDSHAKE_REQUEST_HEADERS, type HandshakeFrame } from '../src/lib/server-frames.ts';

// The frame's type and the header allow-list live in src/lib, where the page reads the frame.
export { HANDSHAKE_REQUEST_HEADERS, type HandshakeFrame };

/**
 * Builds the reply from the upgrade request and the header lines ws sent (its `headers` event:
 * the status line first, then `Name: value` lines). Header names are lower-case, as Node gives
 * the request's.
 */
export function handshakeFrame(
	req: IncomingMessage,
	responseLines: readonly string[],
): HandshakeFrame {
	const requestHeaders: Record<string, string> = {};
	for (const name of HANDSHAKE_REQUEST_HEADERS) {
		const value = req.headers[name];
		if (value !== undefined) requestHeaders[name] = Array.isArray(value) ? value.join(', ') : value;
	}
	const [statusLine = '', ...lines] = responseLines;
	const status = /^HTTP\/\d(?:\.\d)?\s+(\d{3})\s*(.*)$/.exec(statusLine);
	const responseHeaders: Record<string, string> = {};
	for (const line of lines) {
		const colon = line.indexOf(':');
		if (colon <= 0) continue;
		responseHeaders[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
	}
	return {
		type: 'handshake',
		request: {
			method: req.method ?? 'GET',
			path: req.url ?? '/',
			httpVersion: req.httpVersion,
			headers: requestHeaders,
		},
		response: {
			status: status ? Number(status[1]) : 101,
			statusText: status?.[2] ?? 'Switching Protocols',
			headers: responseHeaders,
		},
	};
}

/** True when a text frame is the handshake verb (cheap test first: most frames are not). */
export function isHandshakeRequest(text: string): boolean {
	if (!text.includes('handshake')) return false;
	try {
		const value: unknown = JSON.parse(text);
		return (
			typeof value === 'object' &&
			value !== null &&
			!Array.isArray(value) &&
			(value as { action?: unknown }).action === 'handshake'
		);
	} catch {
		return false;
	}
}
