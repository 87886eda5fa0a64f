import { describe, expect, it } from 'vitest';
import { asHandshakeFrame, websocketAccept } from '../../src/lib/handshake.ts';

describe('websocketAccept', () => {
	it('gives RFC 6455’s own example: dGhlIHNhbXBsZSBub25jZQ== → s3pPLMBiTxaQ9kYGzzhZRbK+xOo=', async () => {
		await expect(websocketAccept('dGhlIHNhbXBsZSBub25jZQ==')).resolves.toBe(
			's3pPLMBiTxaQ9kYGzzhZRbK+xOo=',
		);
	});
});

describe('asHandshakeFrame', () => {
	const frame = {
		type: 'handshake',
		request: {
			method: 'GET',
			path: '/stream',
			httpVersion: '1.1',
			headers: { host: 'a', 'sec-websocket-key': 'k' },
		},
		response: { status: 101, statusText: 'Switching Protocols', headers: { upgrade: 'websocket' } },
	};

	it('accepts the shape the page mount sends', () => {
		expect(asHandshakeFrame(frame)).toBe(frame);
	});

	it('refuses anything else, header values included', () => {
		expect(asHandshakeFrame({ ...frame, type: 'pong' })).toBeUndefined();
		expect(
			asHandshakeFrame({ ...frame, response: { ...frame.response, status: '101' } }),
		).toBeUndefined();
		expect(
			asHandshakeFrame({ ...frame, request: { ...frame.request, headers: { host: 7 } } }),
		).toBeUndefined();
		expect(asHandshakeFrame(null)).toBeUndefined();
	});
});
