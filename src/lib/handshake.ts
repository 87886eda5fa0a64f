// The check anyone can redo on the opening handshake of RFC 6455 (§4.2.2): Sec-WebSocket-Accept
// is base64(SHA-1(key + the GUID)). The frame the page mount echoes the handshake in is
// server-frames.ts's HandshakeFrame.

/** The fixed GUID of RFC 6455 §1.3, appended to the client's key before hashing. */
export const WEBSOCKET_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

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
