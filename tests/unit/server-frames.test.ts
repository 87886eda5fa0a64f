import { describe, expect, it } from 'vitest';
import { framesDue } from '../../src/lib/market-data.ts';
import { createMarket } from '../../src/lib/market-engine.ts';
import {
	authSuccessFrame,
	brokerInfoFrame,
	errorFrame,
	parseServerFrame,
	pongFrame,
	protocolErrorFrame,
	subscribeAckFrame,
	supportedBrokersFrame,
	unsubscribeAckFrame,
} from '../../src/lib/server-frames.ts';

const NOW = Date.UTC(2026, 10, 25, 5, 0, 0);

describe('parseServerFrame', () => {
	const market = createMarket({ seed: 39 });
	const ticks = (mode: 1 | 2 | 3) =>
		framesDue(market, [{ symbol: 'RELIANCE', exchange: 'NSE', mode, depth: 5 }], NOW, NOW + 5_000);

	it('reads back every frame the server builds, unchanged', () => {
		const frames = [
			errorFrame('INVALID_JSON', 'Invalid JSON message'),
			authSuccessFrame(),
			subscribeAckFrame([
				{
					symbol: 'TCS',
					exchange: 'NSE',
					status: 'success',
					mode: 'LTP',
					depth: 5,
					broker: 'mock',
				},
				{
					symbol: 'X',
					exchange: 'NSE',
					status: 'error',
					message: 'Unknown symbol X on NSE',
					broker: 'mock',
				},
			]),
			unsubscribeAckFrame(
				[{ symbol: 'TCS', exchange: 'NSE', status: 'success', broker: 'mock' }],
				[],
			),
			pongFrame(NOW, { timestamp: 1 }),
			brokerInfoFrame(),
			supportedBrokersFrame(),
			{
				type: 'handshake',
				request: { method: 'GET', path: '/stream', httpVersion: '1.1', headers: { host: 'a' } },
				response: {
					status: 101,
					statusText: 'Switching Protocols',
					headers: { upgrade: 'websocket' },
				},
			},
			ticks(1)[0]!.frame,
			ticks(2)[0]!.frame,
			ticks(3)[0]!.frame,
		];
		for (const frame of frames) expect(parseServerFrame(JSON.stringify(frame))).toEqual(frame);
	});

	it.each([
		['not JSON', 'not json'],
		['a list', '[1]'],
		['an unknown type', '{"type":"hello","status":"success"}'],
		['an error without a message', '{"status":"error","code":"INVALID_JSON"}'],
		[
			'market data with a string price',
			'{"type":"market_data","symbol":"A","exchange":"NSE","mode":1,"broker":"mock","data":{"ltp":"1","ltt":1,"symbol":"A","exchange":"NSE","mode":1,"timestamp":1}}',
		],
		[
			'market data in mode 7',
			'{"type":"market_data","symbol":"A","exchange":"NSE","mode":7,"broker":"mock","data":{"ltp":1,"ltt":1,"symbol":"A","exchange":"NSE","mode":1,"timestamp":1}}',
		],
		[
			'market data whose depth levels lack prices',
			'{"type":"market_data","symbol":"A","exchange":"NSE","mode":3,"broker":"mock","data":{"ltp":1,"ltt":1,"symbol":"A","exchange":"NSE","mode":3,"timestamp":1,"depth":{"buy":[{}],"sell":[]}}}',
		],
		[
			'an ack whose subscriptions are not a list',
			'{"type":"subscribe","status":"success","subscriptions":"all","message":"m","broker":"mock"}',
		],
		[
			'an ack entry without a symbol',
			'{"type":"subscribe","status":"partial","subscriptions":[{"exchange":"NSE","status":"error","broker":"mock"}],"message":"m","broker":"mock"}',
		],
		[
			'an ack with an unknown status',
			'{"type":"unsubscribe","status":"maybe","message":"m","successful":[],"failed":[],"broker":"mock"}',
		],
		['a pong without its timestamp', '{"type":"pong","status":"success"}'],
		[
			'a handshake with a numeric header',
			'{"type":"handshake","request":{"method":"GET","path":"/","httpVersion":"1.1","headers":{"host":1}},"response":{"status":101,"statusText":"x","headers":{}}}',
		],
	])('refuses %s', (_, text) => {
		expect(parseServerFrame(text)).toBeUndefined();
	});
});

describe('protocolErrorFrame', () => {
	it('builds an error frame from a row of the error table', () => {
		expect(protocolErrorFrame('rateLimited', { perSecond: 20 })).toEqual({
			status: 'error',
			code: 'RATE_LIMITED',
			message: 'Too many messages: at most 20 per second; message ignored',
		});
		expect(protocolErrorFrame('notAuthenticated')).toEqual({
			status: 'error',
			code: 'NOT_AUTHENTICATED',
			message: 'You must authenticate first',
		});
	});
});

describe('subscribeAckFrame', () => {
	const entry = (status: 'success' | 'error') => ({
		symbol: 'TCS',
		exchange: 'NSE',
		status,
		broker: 'mock',
	});
	it('says success, partial when one entry failed, and error when all did', () => {
		expect(subscribeAckFrame([entry('success')]).status).toBe('success');
		expect(subscribeAckFrame([entry('success'), entry('error')]).status).toBe('partial');
		expect(subscribeAckFrame([entry('error'), entry('error')]).status).toBe('error');
	});
});
