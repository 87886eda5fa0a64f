import { describe, expect, it } from 'vitest';
import { StreamSession, type StreamSessionOptions } from '../../src/lib/stream-session.ts';

const NOW = Date.UTC(2026, 10, 25, 5, 0, 0);
const CHAPTER = JSON.stringify({
	action: 'subscribe',
	mode: 'ltp',
	symbols: [
		{ symbol: 'RELIANCE', exchange: 'NSE' },
		{ symbol: 'TCS', exchange: 'NSE' },
	],
});

function session(options: Partial<StreamSessionOptions> = {}): StreamSession {
	return new StreamSession({
		implicitAuth: false,
		maxSymbols: 100,
		...options,
	});
}

describe('StreamSession#receive', () => {
	it('refuses a subscribe before authenticate where auth is required', () => {
		expect(session().receive(CHAPTER, NOW)).toEqual([
			{ status: 'error', code: 'NOT_AUTHENTICATED', message: 'You must authenticate first' },
		]);
	});

	it('accepts the chapter’s bare subscribe with implicitAuth, acking LTP for both symbols', () => {
		const s = session({ implicitAuth: true });
		expect(s.receive(CHAPTER, NOW)).toEqual([
			{
				type: 'subscribe',
				status: 'success',
				subscriptions: [
					{
						symbol: 'RELIANCE',
						exchange: 'NSE',
						status: 'success',
						mode: 'LTP',
						depth: 5,
						broker: 'mock',
					},
					{
						symbol: 'TCS',
						exchange: 'NSE',
						status: 'success',
						mode: 'LTP',
						depth: 5,
						broker: 'mock',
					},
				],
				message: 'Subscription processing complete',
				broker: 'mock',
			},
		]);
		expect(s.authenticated).toBe(true);
	});

	it('authenticates any key in demo mode and only the configured key otherwise', () => {
		expect(
			session().receive('{"action":"authenticate","api_key":"anything"}', NOW)[0],
		).toMatchObject({ type: 'auth', status: 'success' });
		const strict = session({ apiKey: 'right' });
		expect(strict.receive('{"action":"authenticate","api_key":"wrong"}', NOW)).toEqual([
			{ status: 'error', code: 'AUTHENTICATION_ERROR', message: 'Invalid API key' },
		]);
		expect(strict.authenticated).toBe(false);
		expect(strict.receive('{"action":"authenticate","api_key":"right"}', NOW)[0]).toMatchObject({
			type: 'auth',
		});
	});

	it('answers ping before authentication and echoes the client fields', () => {
		expect(session().receive('{"action":"ping","timestamp":5,"_pingId":7}', NOW)).toEqual([
			{ type: 'pong', status: 'success', server_timestamp: NOW, client_timestamp: 5, _pingId: 7 },
		]);
	});

	it('does not duplicate a repeated subscription', () => {
		const s = session({ implicitAuth: true });
		s.receive(CHAPTER, NOW);
		s.receive(CHAPTER, NOW);
		expect(s.subscriptions()).toHaveLength(2);
	});

	it('removes only the (symbol, exchange, mode) named by unsubscribe', () => {
		const s = session({ implicitAuth: true });
		s.receive(CHAPTER, NOW);
		s.receive(
			'{"action":"subscribe","mode":"quote","symbols":[{"symbol":"TCS","exchange":"NSE"}]}',
			NOW,
		);
		const [ack] = s.receive(
			'{"action":"unsubscribe","mode":"ltp","symbols":[{"symbol":"TCS","exchange":"NSE"}]}',
			NOW,
		);
		expect(ack).toMatchObject({
			type: 'unsubscribe',
			status: 'success',
			successful: [{ symbol: 'TCS' }],
			failed: [],
		});
		expect(s.subscriptions().map((x) => `${x.symbol}:${x.mode}`)).toEqual(['RELIANCE:1', 'TCS:2']);
	});

	it('lists every removed subscription on unsubscribe_all', () => {
		const s = session({ implicitAuth: true });
		s.receive(CHAPTER, NOW);
		const [ack] = s.receive('{"action":"unsubscribe_all"}', NOW);
		expect(ack).toMatchObject({
			status: 'success',
			successful: [{ symbol: 'RELIANCE' }, { symbol: 'TCS' }],
		});
		expect(s.subscriptions()).toEqual([]);
	});

	it('fails entries past the symbol limit with a partial ack', () => {
		const s = session({ implicitAuth: true, maxSymbols: 2 });
		s.receive('{"action":"subscribe","mode":1,"symbol":"INFY","exchange":"NSE"}', NOW);
		const [ack] = s.receive(CHAPTER, NOW);
		expect(ack).toMatchObject({
			status: 'partial',
			subscriptions: [
				{ symbol: 'RELIANCE', status: 'success' },
				{
					symbol: 'TCS',
					status: 'error',
					message: 'Maximum symbols per connection reached (2); unsubscribe some first',
				},
			],
		});
	});

	it('refuses a message listing more entries than a connection may hold, whole, in one short error', () => {
		const s = session({ implicitAuth: true });
		const symbols = Array.from({ length: 28_000 }, (_, i) => ({
			symbol: `S${i}`,
			exchange: 'NSE',
		}));
		const frames = s.receive(JSON.stringify({ action: 'subscribe', mode: 1, symbols }), NOW);
		expect(frames).toEqual([
			{
				status: 'error',
				code: 'SYMBOL_LIMIT',
				message: 'Too many symbols in one message: 28000; at most 100 per connection',
			},
		]);
		expect(s.subscriptions()).toEqual([]);
		const unsubscribe = s.receive(JSON.stringify({ action: 'unsubscribe', symbols }), NOW);
		expect(unsubscribe).toMatchObject([{ code: 'SYMBOL_LIMIT' }]);
	});

	it('refuses unknown symbols and exchanges per entry with a partial ack, and never holds them', () => {
		const s = session({ implicitAuth: true });
		const message = JSON.stringify({
			action: 'subscribe',
			mode: 'ltp',
			symbols: [
				{ symbol: 'RELAINCE', exchange: 'NSE' },
				{ symbol: 'TCS', exchange: 'NSE' },
				{ symbol: 'reliance', exchange: 'NSE' },
				{ symbol: 'TCS', exchange: 'XYZ' },
				{ symbol: 'NOTAREAL', exchange: 'NSE' },
			],
		});
		const [ack, ...rest] = s.receive(message, NOW);
		expect(rest).toEqual([]);
		expect(ack).toEqual({
			type: 'subscribe',
			status: 'partial',
			subscriptions: [
				{
					symbol: 'RELAINCE',
					exchange: 'NSE',
					status: 'error',
					message: 'Unknown symbol RELAINCE on NSE; did you mean RELIANCE?',
					broker: 'mock',
				},
				{
					symbol: 'TCS',
					exchange: 'NSE',
					status: 'success',
					mode: 'LTP',
					depth: 5,
					broker: 'mock',
				},
				{
					symbol: 'reliance',
					exchange: 'NSE',
					status: 'error',
					message:
						'Unknown symbol reliance on NSE; symbols are case-sensitive: did you mean RELIANCE?',
					broker: 'mock',
				},
				{
					symbol: 'TCS',
					exchange: 'XYZ',
					status: 'error',
					message:
						'Unknown exchange XYZ; use one of NSE, BSE, NFO, BFO, CDS, BCD, MCX, NSE_INDEX, BSE_INDEX',
					broker: 'mock',
				},
				{
					symbol: 'NOTAREAL',
					exchange: 'NSE',
					status: 'error',
					message: 'Unknown symbol NOTAREAL on NSE',
					broker: 'mock',
				},
			],
			message: 'Subscription processing complete',
			broker: 'mock',
		});
		expect(s.subscriptions().map((sub) => sub.symbol)).toEqual(['TCS']);
	});

	it('acks with status error when every entry is unknown', () => {
		const s = session({ implicitAuth: true });
		const frames = s.receive(
			'{"action":"subscribe","mode":1,"symbols":[{"symbol":"NOTAREAL","exchange":"NSE"}]}',
			NOW,
		);
		expect(frames).toMatchObject([{ type: 'subscribe', status: 'error' }]);
		expect(s.subscriptions()).toEqual([]);
	});

	it('answers a number JSON cannot hold with an error, never Infinity', () => {
		const s = session({ implicitAuth: true });
		const frames = s.receive(
			'{"action":"subscribe","mode":1,"symbols":[{"symbol":"TCS","exchange":"NSE"}],"request_id":1e400}',
			NOW,
		);
		expect(frames).toEqual([
			{ status: 'error', code: 'INVALID_JSON', message: 'Invalid JSON message' },
		]);
		expect(s.subscriptions()).toEqual([]);
	});

	it('de-authenticates on a wrong key: subscriptions gone, subscribe refused until a right key', () => {
		const s = session({ apiKey: 'right' });
		s.receive('{"action":"authenticate","api_key":"right"}', NOW);
		expect(s.receive(CHAPTER, NOW)[0]).toMatchObject({ type: 'subscribe', status: 'success' });
		const reply = s.handle('{"action":"authenticate","api_key":"wrong"}', NOW);
		expect(reply.frames).toEqual([
			{ status: 'error', code: 'AUTHENTICATION_ERROR', message: 'Invalid API key' },
		]);
		expect(reply.subscriptionsChanged).toBe(true);
		expect(s.authenticated).toBe(false);
		expect(s.subscriptions()).toEqual([]);
		expect(s.receive(CHAPTER, NOW)).toMatchObject([{ code: 'NOT_AUTHENTICATED' }]);
		// An empty key is a failed authenticate too.
		s.receive('{"action":"authenticate","api_key":"right"}', NOW);
		s.receive(CHAPTER, NOW);
		expect(s.receive('{"action":"authenticate","api_key":""}', NOW)).toMatchObject([
			{ code: 'AUTHENTICATION_ERROR', message: 'API key is required' },
		]);
		expect(s.authenticated).toBe(false);
		expect(s.subscriptions()).toEqual([]);
	});

	it('answers an unknown verb and bad JSON with OpenAlgo errors and keeps going', () => {
		const s = session({ implicitAuth: true });
		expect(s.receive('{"action":"hello"}', NOW)).toEqual([
			{ status: 'error', code: 'INVALID_ACTION', message: 'Invalid action: hello' },
		]);
		expect(s.receive('{oops', NOW)).toEqual([
			{ status: 'error', code: 'INVALID_JSON', message: 'Invalid JSON message' },
		]);
		expect(s.receive(CHAPTER, NOW)[0]).toMatchObject({ type: 'subscribe', status: 'success' });
	});

	it('honours simulate_drop only where allowed', () => {
		expect(session().handle('{"action":"simulate_drop"}', NOW)).toMatchObject({
			drop: false,
			frames: [{ code: 'INVALID_ACTION' }],
		});
		expect(
			session({ allowSimulateDrop: true }).handle('{"action":"simulate_drop"}', NOW),
		).toMatchObject({ drop: true, frames: [] });
	});
});
