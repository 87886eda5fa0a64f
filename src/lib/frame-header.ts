// The RFC 6455 frame a browser puts on the wire for one text message (§5.2 base framing), with
// every header field described for the builder's "Bytes on the wire" view. Client frames are
// always masked (§5.3); the masking key is a parameter so this stays pure (the page draws it
// from crypto.getRandomValues, tests pass a fixed one).

/** Opcode of a text frame (§5.2: %x1 denotes a text frame). */
export const OPCODE_TEXT = 0x1;
/** Largest payload length that fits in the 7-bit field; 126 and 127 announce longer forms. */
export const MAX_7BIT_LENGTH = 125;
export const MAX_16BIT_LENGTH = 0xffff;

export interface FrameField {
	/** Short name, e.g. `FIN`, `Payload length`, `Masking key`. */
	name: string;
	/** The field's bits as sent, grouped by byte, e.g. `1` or `0000 0001`. */
	bits: string;
	/** The value in plain words or numbers, e.g. `1 (text frame)`. */
	value: string;
	/** What it means for this message. */
	meaning: string;
}

export interface ClientTextFrame {
	/** Header bytes: 2, plus 2 or 8 for the extended length, plus the 4-byte masking key. */
	header: Uint8Array;
	/** Payload after XOR with the masking key (what travels). */
	maskedPayload: Uint8Array;
	/** header followed by maskedPayload. */
	bytes: Uint8Array;
	payloadLength: number;
	lengthForm: '7-bit' | '16-bit' | '64-bit';
	fields: FrameField[];
}

/** UTF-8 bytes of a text (a text frame's payload must be UTF-8, §5.6). */
export function utf8Bytes(text: string): Uint8Array {
	return new TextEncoder().encode(text);
}

/** Bytes as lower-case hex pairs joined by `separator`. */
export function toHex(bytes: Uint8Array, separator = ' '): string {
	return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join(separator);
}

const bitsOf = (byte: number, width = 8): string => byte.toString(2).padStart(width, '0');
const grouped = (bits: string): string => bits.replace(/(.{4})(?=.)/g, '$1 ');

/** XORs each payload byte with the masking key, byte i with key[i % 4] (§5.3). */
export function applyMask(payload: Uint8Array, maskKey: Uint8Array): Uint8Array {
	const out = new Uint8Array(payload.length);
	for (let i = 0; i < payload.length; i++) out[i] = payload[i]! ^ maskKey[i % 4]!;
	return out;
}

/**
 * The complete masked client frame for one unfragmented text message carrying `payload`.
 * Throws RangeError when `maskKey` is not 4 bytes.
 */
export function clientTextFrame(payload: Uint8Array, maskKey: Uint8Array): ClientTextFrame {
	if (maskKey.length !== 4)
		throw new RangeError(`The masking key must be 4 bytes; got ${maskKey.length}`);
	const length = payload.length;
	const lengthForm =
		length <= MAX_7BIT_LENGTH ? '7-bit' : length <= MAX_16BIT_LENGTH ? '16-bit' : '64-bit';
	const extended = lengthForm === '7-bit' ? 0 : lengthForm === '16-bit' ? 2 : 8;
	const header = new Uint8Array(2 + extended + 4);
	const view = new DataView(header.buffer);
	header[0] = 0x80 | OPCODE_TEXT; // FIN=1, RSV1-3=0, opcode 1
	const length7 = lengthForm === '7-bit' ? length : lengthForm === '16-bit' ? 126 : 127;
	header[1] = 0x80 | length7; // MASK=1
	if (extended === 2) view.setUint16(2, length);
	else if (extended === 8) view.setBigUint64(2, BigInt(length)); // §5.2: most significant bit 0
	header.set(maskKey, 2 + extended);

	const extendedBits = Array.from(header.subarray(2, 2 + extended), (byte) => bitsOf(byte)).join(
		' ',
	);
	const fields: FrameField[] = [
		{
			name: 'FIN',
			bits: '1',
			value: '1',
			meaning: 'This frame is the whole message (no fragments follow).',
		},
		{
			name: 'RSV1-3',
			bits: '000',
			value: '0',
			meaning: 'Reserved for extensions; none are in use (no compression).',
		},
		{
			name: 'Opcode',
			bits: '0001',
			value: '0x1 (text)',
			meaning: 'The payload is UTF-8 text: your JSON.',
		},
		{
			name: 'MASK',
			bits: '1',
			value: '1',
			meaning: 'Masked: every frame from a client must be (RFC 6455 §5.3).',
		},
		{
			name: 'Payload length',
			bits: bitsOf(length7, 7),
			value: String(length7),
			meaning:
				lengthForm === '7-bit'
					? `${length} bytes: small enough (at most 125) to fit in these 7 bits.`
					: lengthForm === '16-bit'
						? `126 means "the real length is in the next 2 bytes" (126 to 65,535 bytes).`
						: `127 means "the real length is in the next 8 bytes" (more than 65,535 bytes).`,
		},
	];
	if (extended > 0) {
		fields.push({
			name: `Extended length (${extended * 8}-bit)`,
			bits: grouped(extendedBits.replaceAll(' ', '')),
			value: String(length),
			meaning: `The payload is ${length.toLocaleString('en-US')} bytes.`,
		});
	}
	fields.push({
		name: 'Masking key',
		bits: Array.from(maskKey, (byte) => bitsOf(byte)).join(' '),
		value: toHex(maskKey),
		meaning:
			'Four random bytes, new for every frame; payload byte i is XORed with key byte i mod 4.',
	});

	const maskedPayload = applyMask(payload, maskKey);
	const bytes = new Uint8Array(header.length + length);
	bytes.set(header);
	bytes.set(maskedPayload, header.length);
	return { header, maskedPayload, bytes, payloadLength: length, lengthForm, fields };
}
