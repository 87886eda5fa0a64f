// The opening handshake of RFC 6455 (§4.1, §4.2.2) as the page shows it: the request the browser
// sent and the 101 the server answered, which the page mount echoes on `{"action":"handshake"}`,
// and the check anyone can redo: Sec-WebSocket-Accept is base64(SHA-1(key + the GUID)).

/** The fixed GUID of RFC 6455 §1.3, appended to the client's key before hashing. */
export const WEBSOCKET_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

export interface HandshakeFrame {
	type: 'handshake';
	request: { method: string; path: string; httpVersion: string; headers: Record<string, string> };
	response: { status: number; statusText: string; headers: Record<string, string> };
}

const isObject = (value: unknown): value is Record<string, unknown> =>
	typeof value === 'object' && value !== null && !Array.isArray(value);

const isHeaders = (value: unknown): value is Record<string, string> =>
	isObject(value) && Object.values(value).every((v) => typeof v === 'string');

/** The handshake frame in a parsed server message, or undefined when it is not one (shape checked). */
export function asHandshakeFrame(value: unknown): HandshakeFrame | undefined {
	if (!isObject(value) || value.type !== 'handshake') return undefined;
	const { request, response } = value;
	if (!isObject(request) || !isObject(response)) return undefined;
	if (
		typeof request.method !== 'string' ||
		typeof request.path !== 'string' ||
		typeof request.httpVersion !== 'string' ||
		!isHeaders(request.headers) ||
		typeof response.status !== 'number' ||
		typeof response.statusText !== 'string' ||
		!isHeaders(response.headers)
	)
		return undefined;
	return value as unknown as HandshakeFrame;
}

/**
 * The Sec-WebSocket-Accept a server must send for `key` (RFC 6455 §4.2.2 step 5.4), computed
 * with WebCrypto's SHA-1 (`crypto.subtle`, which browsers offer only on secure origins: https
 * or localhost). Rejects when `crypto.subtle` is unavailable.
 */
export async function websocketAccept(key: string): Promise<string> {
	const subtle = globalThis.crypto?.subtle;
	if (!subtle)
		throw new Error('WebCrypto is not available here (browsers offer it on https only).');
	const digest = await subtle.digest('SHA-1', new TextEncoder().encode(key + WEBSOCKET_GUID));
	let binary = '';
	for (const byte of new Uint8Array(digest)) binary += String.fromCharCode(byte);
	return btoa(binary);
}
