import { describe, expect, it } from 'vitest';
import * as ws from 'ws';
import { applyMask, clientTextFrame, toHex, utf8Bytes } from '../../src/lib/frame-header.ts';

// ws exports its frame writer at run time, but @types/ws does not declare it.
interface SenderStatic {
	frame(data: Buffer, options: Record<string, unknown>): Buffer[];
}
const { Sender } = ws as unknown as { Sender: SenderStatic };

const MASK_KEY = Uint8Array.of(0x37, 0xfa, 0x21, 0x3d);

/** The bytes `ws` itself puts on the wire for a masked text frame with this key. */
function wsFrame(payload: Uint8Array): Uint8Array {
	const parts = Sender.frame(Buffer.from(payload), {
		fin: true,
		opcode: 0x1,
		mask: true,
		readOnly: false,
		rsv1: false,
		generateMask: (mask: Buffer) => mask.set(MASK_KEY),
	});
	return new Uint8Array(Buffer.concat(parts));
}

function payloadOf(length: number): Uint8Array {
	// Deterministic ASCII JSON-ish bytes.
	return Uint8Array.from({ length }, (_, i) => 0x61 + (i % 26));
}

describe('clientTextFrame', () => {
	it.each([0, 10, 125, 126, 65535, 65536])(
		'matches the frame ws sends for a %i-byte payload',
		(length) => {
			const payload = payloadOf(length);
			const ours = clientTextFrame(payload, MASK_KEY);
			expect(toHex(ours.bytes.subarray(0, 20))).toBe(toHex(wsFrame(payload).subarray(0, 20)));
			expect(Buffer.from(ours.bytes).equals(Buffer.from(wsFrame(payload)))).toBe(true);
		},
	);

	it('uses the 7-bit length up to 125 bytes, then 16-bit, then 64-bit', () => {
		expect(clientTextFrame(payloadOf(125), MASK_KEY).header.length).toBe(6);
		expect(clientTextFrame(payloadOf(126), MASK_KEY).lengthForm).toBe('16-bit');
		expect(clientTextFrame(payloadOf(126), MASK_KEY).header.length).toBe(8);
		expect(clientTextFrame(payloadOf(65535), MASK_KEY).lengthForm).toBe('16-bit');
		expect(clientTextFrame(payloadOf(65536), MASK_KEY).lengthForm).toBe('64-bit');
		expect(clientTextFrame(payloadOf(65536), MASK_KEY).header.length).toBe(14);
	});

	it("describes EX 1's frame field by field", () => {
		const text =
			'{"action":"subscribe","mode":"ltp","symbols":[{"symbol":"RELIANCE","exchange":"NSE"},{"symbol":"TCS","exchange":"NSE"}]}';
		const frame = clientTextFrame(utf8Bytes(text), MASK_KEY);
		expect(frame.payloadLength).toBe(120);
		expect(toHex(frame.header)).toBe('81 f8 37 fa 21 3d');
		expect(frame.fields.map((f) => [f.name, f.bits, f.value])).toEqual([
			['FIN', '1', '1'],
			['RSV1-3', '000', '0'],
			['Opcode', '0001', '0x1 (text)'],
			['MASK', '1', '1'],
			['Payload length', '1111000', '120'],
			['Masking key', '00110111 11111010 00100001 00111101', '37 fa 21 3d'],
		]);
	});

	it('counts UTF-8 bytes, not characters', () => {
		expect(clientTextFrame(utf8Bytes('"é📈"'), MASK_KEY).payloadLength).toBe(8);
	});

	it('unmasks back to the payload with the same key (XOR is its own inverse)', () => {
		const payload = utf8Bytes('{"action":"subscribe"}');
		expect(applyMask(clientTextFrame(payload, MASK_KEY).maskedPayload, MASK_KEY)).toEqual(payload);
	});

	it('refuses a masking key that is not 4 bytes', () => {
		expect(() => clientTextFrame(payloadOf(3), Uint8Array.of(1, 2))).toThrow(RangeError);
	});
});
