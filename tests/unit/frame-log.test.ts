import { describe, expect, it } from 'vitest';
import {
	NO_FILTER,
	classifyFrame,
	countByKind,
	exportJsonLines,
	logFrame,
	matchesFilter,
} from '../../src/lib/frame-log.ts';

const tick = JSON.stringify({
	type: 'market_data',
	symbol: 'RELIANCE',
	exchange: 'NSE',
	mode: 1,
	data: { ltp: 1313.6 },
});
const partial = JSON.stringify({
	type: 'subscribe',
	status: 'partial',
	subscriptions: [
		{ symbol: 'TCS', exchange: 'NSE', status: 'success' },
		{ symbol: 'RELAINCE', exchange: 'NSE', status: 'error', message: 'Unknown symbol' },
	],
});
const subscribe =
	'{"action":"subscribe","mode":"ltp","symbols":[{"symbol":"TCS","exchange":"NSE"}]}';

describe('classifyFrame', () => {
	it('names market data, acks, errors, pongs and requests, with their symbols', () => {
		expect(classifyFrame('received', tick)).toEqual({ kind: 'market_data', symbols: ['RELIANCE'] });
		expect(classifyFrame('received', partial)).toEqual({
			kind: 'ack',
			symbols: ['TCS', 'RELAINCE'],
		});
		expect(
			classifyFrame('received', '{"status":"error","code":"INVALID_ACTION","message":"x"}'),
		).toEqual({ kind: 'error', symbols: [] });
		expect(classifyFrame('received', '{"type":"pong","status":"success"}').kind).toBe('pong');
		expect(classifyFrame('received', '{"type":"subscribe","status":"error"}').kind).toBe('error');
		expect(classifyFrame('sent', subscribe)).toEqual({ kind: 'request', symbols: ['TCS'] });
	});

	it('calls text that is not a JSON object other (received) or a request (sent)', () => {
		expect(classifyFrame('received', 'hello').kind).toBe('other');
		expect(classifyFrame('received', '[1]').kind).toBe('other');
		expect(classifyFrame('sent', '{oops').kind).toBe('request');
	});
});

describe('matchesFilter', () => {
	const entries = [
		logFrame(1, 'sent', 0, subscribe),
		logFrame(2, 'received', 1, partial),
		logFrame(3, 'received', 2, tick),
	];
	const pick = (filter: Partial<typeof NO_FILTER>) =>
		entries.filter((e) => matchesFilter(e, { ...NO_FILTER, ...filter })).map((e) => e.seq);

	it('filters by direction, kind, symbol (any case) and text', () => {
		expect(pick({})).toEqual([1, 2, 3]);
		expect(pick({ direction: 'received' })).toEqual([2, 3]);
		expect(pick({ kind: 'market_data' })).toEqual([3]);
		expect(pick({ symbol: 'tcs' })).toEqual([1, 2]);
		expect(pick({ search: 'PARTIAL' })).toEqual([2]);
		expect(pick({ direction: 'sent', symbol: 'RELIANCE' })).toEqual([]);
	});
});

describe('countByKind', () => {
	it('counts every kind, zero included', () => {
		expect(
			countByKind([logFrame(1, 'received', 0, tick), logFrame(2, 'received', 0, tick)]),
		).toEqual({ market_data: 2, ack: 0, error: 0, pong: 0, request: 0, other: 0 });
	});
});

describe('exportJsonLines', () => {
	it('writes one JSON line per frame with its time and direction, the frame parsed', () => {
		const text = exportJsonLines([
			logFrame(1, 'sent', 0, subscribe),
			logFrame(2, 'received', 1000, 'not json'),
		]);
		expect(text.split('\n')).toEqual([
			JSON.stringify({
				time: '1970-01-01T00:00:00.000Z',
				direction: 'sent',
				kind: 'request',
				frame: JSON.parse(subscribe),
			}),
			'{"time":"1970-01-01T00:00:01.000Z","direction":"received","kind":"other","text":"not json"}',
			'',
		]);
	});
});
