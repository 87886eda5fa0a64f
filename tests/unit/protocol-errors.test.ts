import { describe, expect, it } from 'vitest';
import { PROTOCOL_ERRORS, protocolIssue, shown } from '../../src/lib/protocol-errors.ts';

describe('PROTOCOL_ERRORS', () => {
	it('sends OpenAlgo’s exact wire texts where OpenAlgo has them (spec §3)', () => {
		const ids = [
			'notJson',
			'apiKeyRequired',
			'apiKeyRefused',
			'notAuthenticated',
			'noSymbols',
			'nothingToUnsubscribe',
		] as const;
		expect(
			ids.map((id) => [id, protocolIssue(id, '').code, protocolIssue(id, '').message]),
		).toEqual([
			['notJson', 'INVALID_JSON', 'Invalid JSON message'],
			['apiKeyRequired', 'AUTHENTICATION_ERROR', 'API key is required'],
			['apiKeyRefused', 'AUTHENTICATION_ERROR', 'Invalid API key'],
			['notAuthenticated', 'NOT_AUTHENTICATED', 'You must authenticate first'],
			['noSymbols', 'INVALID_PARAMETERS', 'At least one symbol must be specified'],
			[
				'nothingToUnsubscribe',
				'INVALID_PARAMETERS',
				'Either symbols or unsubscribe_all is required',
			],
		]);
		expect(protocolIssue('invalidAction', 'action', { verb: 'None' }).message).toBe(
			'Invalid action: None',
		);
	});

	it('gives every row a wire code, a text and a hint that is a sentence', () => {
		for (const [id, row] of Object.entries(PROTOCOL_ERRORS)) {
			expect(row.code, id).toMatch(/^[A-Z_]+$/);
			expect(typeof row.text, id).toBe('function');
			expect(typeof row.hint, id).toBe('function');
		}
	});

	it('suggests a close symbol, and says symbols are case-sensitive when only the case is off', () => {
		const issue = (symbol: string, suggestion?: string) =>
			protocolIssue('unknownSymbol', 'symbols[0].symbol', {
				path: 'symbols[0].symbol',
				symbol,
				exchange: 'NSE',
				suggestion,
				listedOn: [],
			});
		expect(issue('RELAINCE', 'RELIANCE')).toMatchInlineSnapshot(`
			{
			  "code": "INVALID_PARAMETERS",
			  "hint": "\`symbols[0].symbol\` is "RELAINCE", which the mock does not list on NSE; did you mean RELIANCE? The server refuses this entry and subscribes the rest; it prices only real NSE and BSE names.",
			  "message": "Unknown symbol RELAINCE on NSE; did you mean RELIANCE?",
			  "path": "symbols[0].symbol",
			}
		`);
		expect(issue('infy', 'INFY').message).toBe(
			'Unknown symbol infy on NSE; symbols are case-sensitive: did you mean INFY?',
		);
		expect(issue('ZZZZZZ').message).toBe('Unknown symbol ZZZZZZ on NSE');
	});
});

describe('shown', () => {
	it('shows a value as JSON, shortened, and keeps the text of numbers JSON cannot hold', () => {
		expect(shown('fast')).toBe('"fast"');
		expect(shown(Infinity)).toBe('Infinity');
		expect(shown(undefined)).toBe('nothing');
		expect(shown('x'.repeat(100))).toHaveLength(40);
	});
});
