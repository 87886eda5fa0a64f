import { describe, expect, it } from 'vitest';
import {
	normalizeMode,
	parseClientMessage,
	validateClientMessage,
	type ParseResult,
} from '../../src/lib/protocol.ts';

const CHAPTER_MESSAGE = {
	action: 'subscribe',
	mode: 'ltp',
	symbols: [
		{ symbol: 'RELIANCE', exchange: 'NSE' },
		{ symbol: 'TCS', exchange: 'NSE' },
	],
};

function firstIssue(result: ParseResult) {
	if (result.ok) throw new Error(`expected a refusal, got ${JSON.stringify(result.request)}`);
	return result.issues[0]!;
}

describe('normalizeMode', () => {
	it.each([
		[1, 1],
		[2, 2],
		[3, 3],
		['ltp', 1],
		['LTP', 1],
		['  Quote ', 2],
		['DEPTH', 3],
	])('accepts %j as mode %i', (input, mode) => {
		expect(normalizeMode(input)).toEqual({ ok: true, mode });
	});

	it.each([
		[7, 'Invalid mode 7; expected 1 (LTP), 2 (Quote), or 3 (Depth)'],
		['foo', "Invalid mode 'foo'; expected 'LTP', 'Quote', or 'Depth' (case-insensitive)"],
		[true, 'Mode must be int or str, got bool (True)'],
		[null, 'Mode must be int or str, got NoneType'],
		[1.5, 'Mode must be int or str, got float'],
		[[1], 'Mode must be int or str, got list'],
	])('refuses %j with OpenAlgo’s exact text', (input, message) => {
		expect(normalizeMode(input)).toEqual({ ok: false, message });
	});
});

describe('validateClientMessage', () => {
	it('accepts the chapter’s subscribe message as LTP for both symbols', () => {
		expect(validateClientMessage(CHAPTER_MESSAGE)).toEqual({
			ok: true,
			request: {
				action: 'subscribe',
				mode: 1,
				depth: 5,
				instruments: [
					{ symbol: 'RELIANCE', exchange: 'NSE' },
					{ symbol: 'TCS', exchange: 'NSE' },
				],
			},
			warnings: [],
		});
	});

	it('accepts every frame the new SDK sends (spec §11)', () => {
		const frames = [
			{ action: 'authenticate', api_key: 'k' },
			{
				action: 'subscribe',
				symbols: [
					{ symbol: 'RELIANCE', exchange: 'NSE' },
					{ symbol: 'TCS', exchange: 'NSE' },
				],
				mode: 1,
				depth: 5,
			},
			{ action: 'subscribe', symbols: [{ symbol: 'SBIN', exchange: 'NSE' }], mode: 3, depth: 5 },
			{
				action: 'unsubscribe',
				symbols: [
					{ symbol: 'RELIANCE', exchange: 'NSE', mode: 1 },
					{ symbol: 'TCS', exchange: 'NSE', mode: 1 },
				],
			},
		];
		for (const frame of frames) expect(validateClientMessage(frame).ok).toBe(true);
		const unsubscribe = validateClientMessage(frames[3]);
		expect(unsubscribe.ok && unsubscribe.request).toEqual({
			action: 'unsubscribe',
			instruments: [
				{ symbol: 'RELIANCE', exchange: 'NSE', mode: 1 },
				{ symbol: 'TCS', exchange: 'NSE', mode: 1 },
			],
		});
	});

	it('accepts the old SDK’s one-symbol frames', () => {
		const result = validateClientMessage({
			action: 'subscribe',
			symbol: 'RELIANCE',
			exchange: 'NSE',
			mode: 1,
			depth: 5,
		});
		expect(result.ok && result.request).toEqual({
			action: 'subscribe',
			mode: 1,
			depth: 5,
			instruments: [{ symbol: 'RELIANCE', exchange: 'NSE' }],
		});
		const off = validateClientMessage({
			action: 'unsubscribe',
			symbol: 'RELIANCE',
			exchange: 'NSE',
			mode: 1,
		});
		expect(off.ok && off.request).toEqual({
			action: 'unsubscribe',
			instruments: [{ symbol: 'RELIANCE', exchange: 'NSE', mode: 1 }],
		});
	});

	it('reads `type` when `action` is missing, and `apikey` as the key', () => {
		const result = validateClientMessage({ type: 'auth', apikey: 'secret' });
		expect(result.ok && result.request).toEqual({ action: 'authenticate', apiKey: 'secret' });
	});

	it('defaults a missing mode to Quote and echoes request_id', () => {
		const result = validateClientMessage({
			action: 'subscribe',
			symbol: 'TCS',
			exchange: 'NSE',
			request_id: 'r1',
		});
		expect(result.ok && result.request).toMatchObject({ mode: 2, requestId: 'r1' });
	});

	it('uses an entry mode, else the top-level mode, else Quote when unsubscribing', () => {
		const result = validateClientMessage({
			action: 'unsubscribe',
			mode: 'ltp',
			symbols: [
				{ symbol: 'A', exchange: 'NSE', mode: 3 },
				{ symbol: 'B', exchange: 'NSE' },
			],
		});
		expect(result.ok && result.request).toEqual({
			action: 'unsubscribe',
			instruments: [
				{ symbol: 'A', exchange: 'NSE', mode: 3 },
				{ symbol: 'B', exchange: 'NSE', mode: 1 },
			],
		});
	});

	it('names the path and the allowed values for a bad mode', () => {
		const issue = firstIssue(validateClientMessage({ ...CHAPTER_MESSAGE, mode: 7 }));
		expect(issue).toMatchInlineSnapshot(`
			{
			  "code": "INVALID_MODE",
			  "hint": "\`mode\` must be "ltp", "quote" or "depth" (any letter case) or the number 1, 2 or 3; got 7.",
			  "message": "Invalid mode 7; expected 1 (LTP), 2 (Quote), or 3 (Depth)",
			  "path": "mode",
			}
		`);
	});

	it('points at the exact entry and field of a bad exchange, and suggests capitals', () => {
		const issue = firstIssue(
			validateClientMessage({
				...CHAPTER_MESSAGE,
				symbols: [
					{ symbol: 'RELIANCE', exchange: 'NSE' },
					{ symbol: 'TCS', exchange: 'nse' },
				],
			}),
		);
		expect(issue.path).toBe('symbols[1].exchange');
		expect(issue.code).toBe('INVALID_PARAMETERS');
		expect(issue.hint).toContain('write "NSE"');
	});

	it('refuses a string where the symbols list belongs, without a server error', () => {
		const issue = firstIssue(
			validateClientMessage({ action: 'subscribe', mode: 1, symbols: 'RELIANCE' }),
		);
		expect(issue).toMatchObject({ code: 'INVALID_PARAMETERS', path: 'symbols' });
	});

	it('refuses a subscribe with no symbols as OpenAlgo does', () => {
		expect(firstIssue(validateClientMessage({ action: 'subscribe', mode: 1 }))).toMatchObject({
			code: 'INVALID_PARAMETERS',
			message: 'At least one symbol must be specified',
		});
		expect(firstIssue(validateClientMessage({ action: 'unsubscribe' }))).toMatchObject({
			code: 'INVALID_PARAMETERS',
			message: 'Either symbols or unsubscribe_all is required',
		});
	});

	it('skips entries without symbol or exchange with a warning, as the real server skips them', () => {
		const result = validateClientMessage({
			action: 'subscribe',
			mode: 1,
			symbols: [{ symbol: 'TCS' }, { symbol: 'INFY', exchange: 'NSE' }],
		});
		expect(result.ok).toBe(true);
		if (!result.ok) return;
		expect(result.request).toMatchObject({ instruments: [{ symbol: 'INFY', exchange: 'NSE' }] });
		expect(result.warnings.map((w) => w.path)).toEqual(['symbols[0]']);
	});

	it('warns about unknown fields such as a misspelt key', () => {
		const result = validateClientMessage({ ...CHAPTER_MESSAGE, symbls: [] });
		expect(result.ok && result.warnings.map((w) => w.path)).toEqual(['symbls']);
	});

	it.each([
		[{ action: 'hello' }, 'INVALID_ACTION', 'Invalid action: hello'],
		[{}, 'INVALID_ACTION', 'Invalid action: None'],
		[[1, 2], 'INVALID_JSON', 'Invalid JSON message'],
		[{ action: 'authenticate' }, 'AUTHENTICATION_ERROR', 'API key is required'],
		[{ action: 'subscribe_orders' }, 'INVALID_ACTION', 'Invalid action: subscribe_orders'],
	])('refuses %j with %s', (message, code, text) => {
		expect(firstIssue(validateClientMessage(message))).toMatchObject({ code, message: text });
	});
});

describe('validateClientMessage: what the server refuses', () => {
	it('refuses a number JSON cannot hold wherever it is, naming its path', () => {
		for (const [text, path] of [
			[
				'{"action":"subscribe","mode":"ltp","symbols":[{"symbol":"TCS","exchange":"NSE"}],"request_id":1e400}',
				'request_id',
			],
			['{"action":"subscribe","mode":1e400,"symbols":[{"symbol":"TCS","exchange":"NSE"}]}', 'mode'],
			[
				'{"action":"subscribe","mode":1,"symbols":[{"symbol":"TCS","exchange":"NSE","x":[-1e999]}]}',
				'symbols[0].x[0]',
			],
			[`{"action":"ping","timestamp":1${'0'.repeat(400)}}`, 'timestamp'],
		] as const) {
			const result = parseClientMessage(text);
			expect(result.ok).toBe(false);
			expect(firstIssue(result)).toMatchObject({ code: 'INVALID_JSON', path });
			expect(firstIssue(result).hint).toContain('too large for JSON');
		}
	});

	it('refuses a list longer than a connection may hold in one issue, before reading entries', () => {
		const symbols = Array.from({ length: 120 }, () => 'not an object');
		const result = validateClientMessage({ action: 'subscribe', mode: 1, symbols });
		expect(result.ok).toBe(false);
		if (result.ok) return;
		expect(result.issues).toEqual([
			{
				code: 'SYMBOL_LIMIT',
				path: 'symbols',
				message: 'Too many symbols in one message: 120; at most 100 per connection',
				hint: 'The message lists 120 entries, and one connection may hold at most 100 symbols, so the server refuses it whole. Send at most 100.',
			},
		]);
		expect(
			validateClientMessage(
				{ action: 'subscribe', mode: 1, symbols: symbols.slice(0, 3) },
				{ maxSymbols: 2 },
			).ok,
		).toBe(false);
	});

	it('refuses unknown symbols and exchanges per entry, with "did you mean" in the hint', () => {
		const result = validateClientMessage({
			action: 'subscribe',
			mode: 'ltp',
			symbols: [
				{ symbol: 'RELAINCE', exchange: 'NSE' },
				{ symbol: 'TCS', exchange: 'NSE' },
				{ symbol: 'tcs', exchange: 'NSE' },
				{ symbol: 'SENSEX', exchange: 'NSE' },
				{ symbol: 'TCS', exchange: 'XYZ' },
			],
		});
		expect(result.ok).toBe(true);
		if (!result.ok || result.request.action !== 'subscribe') return;
		expect(result.request.instruments).toEqual([{ symbol: 'TCS', exchange: 'NSE' }]);
		expect(result.request.refused?.map((r) => [r.position, r.issue.path, r.issue.message])).toEqual(
			[
				[0, 'symbols[0].symbol', 'Unknown symbol RELAINCE on NSE; did you mean RELIANCE?'],
				[
					2,
					'symbols[2].symbol',
					'Unknown symbol tcs on NSE; symbols are case-sensitive: did you mean TCS?',
				],
				[3, 'symbols[3].symbol', 'Unknown symbol SENSEX on NSE'],
				[
					4,
					'symbols[4].exchange',
					'Unknown exchange XYZ; use one of NSE, BSE, NFO, BFO, CDS, BCD, MCX, NSE_INDEX, BSE_INDEX',
				],
			],
		);
		expect(result.request.refused?.[2]?.issue.hint).toContain('it lists it on BSE_INDEX');
		// The builder shows each refusal as a warning beside the entry.
		expect(result.warnings.map((w) => w.path)).toEqual([
			'symbols[0].symbol',
			'symbols[2].symbol',
			'symbols[3].symbol',
			'symbols[4].exchange',
		]);
	});

	it('says a failed authenticate was an authenticate', () => {
		expect(validateClientMessage({ action: 'authenticate', api_key: '' })).toMatchObject({
			ok: false,
			action: 'authenticate',
		});
	});
});

describe('parseClientMessage', () => {
	it('answers malformed JSON with INVALID_JSON', () => {
		expect(firstIssue(parseClientMessage('{"action": "subscribe",'))).toMatchObject({
			code: 'INVALID_JSON',
			message: 'Invalid JSON message',
		});
	});
});
