import { describe, expect, it } from 'vitest';
import { websocketAccept } from '../../src/lib/handshake.ts';

describe('websocketAccept', () => {
	it('gives RFC 6455’s own example: dGhlIHNhbXBsZSBub25jZQ== → s3pPLMBiTxaQ9kYGzzhZRbK+xOo=', async () => {
		await expect(websocketAccept('dGhlIHNhbXBsZSBub25jZQ==')).resolves.toBe(
			's3pPLMBiTxaQ9kYGzzhZRbK+xOo=',
		);
	});
});
