import { describe, expect, it } from 'vitest';
import {
	TickDeduper,
	connectFailureReason,
	reconnectSentence,
	refusalSummary,
	refusedEntries,
	seconds,
	secondsUntil,
	tickLiteral,
} from '../../src/lib/stream-panel.ts';

describe('seconds', () => {
	it('says 1 second, and 0 or 2 seconds', () => {
		expect([0, 1, 2].map(seconds)).toEqual(['0 seconds', '1 second', '2 seconds']);
	});
});

describe('secondsUntil', () => {
	it('rounds up and never goes below zero', () => {
		expect(secondsUntil(10_750, 10_000)).toBe(1);
		expect(secondsUntil(12_000, 10_000)).toBe(2);
		expect(secondsUntil(9_000, 10_000)).toBe(0);
	});
});

describe('reconnectSentence', () => {
	it('says one sentence for a drop and one for each failed attempt, singular when it is', () => {
		expect(reconnectSentence(0, 1)).toBe('Connection lost. Reconnecting in 1 second.');
		expect(reconnectSentence(2, 4)).toBe('Attempt 2 did not connect. Trying again in 4 seconds.');
		expect(reconnectSentence(1, 0)).toBe('Attempt 1 did not connect. Trying again now.');
	});
});

describe('connectFailureReason', () => {
	it('tells nothing listening, no stream server, a refusal and a failed handshake apart', () => {
		expect(connectFailureReason('/stream', { outcome: 'silent' })).toMatch(
			/^Nothing is listening at \/stream/,
		);
		expect(connectFailureReason('/stream', { outcome: 'answered', status: 404 })).toMatch(
			/no stream server at \/stream \(the site is served as plain files\)/,
		);
		expect(connectFailureReason('/stream', { outcome: 'answered', status: 426 })).toMatch(
			/refused the connection: this page's origin or host/,
		);
		expect(connectFailureReason('wss://s.example/', { outcome: 'answered' })).toMatch(
			/refused the WebSocket handshake/,
		);
		expect(connectFailureReason('wss://s.example/', { outcome: 'blocked' })).toMatch(
			/^This page's Content-Security-Policy does not allow connecting to wss:\/\/s.example\//,
		);
		expect(connectFailureReason('/stream', { outcome: 'answered', status: 200 })).toMatch(
			/handshake with \/stream failed: the server answered HTTP 200 instead of 101/,
		);
	});
});

describe('refusedEntries', () => {
	it('lists the error entries of a partial ack with their reasons', () => {
		expect(
			refusedEntries({
				subscriptions: [
					{ symbol: 'TCS', exchange: 'NSE', status: 'success' },
					{ symbol: 'RELAINCE', exchange: 'NSE', status: 'error', message: 'Unknown symbol' },
				],
			}),
		).toEqual([{ symbol: 'RELAINCE', exchange: 'NSE', message: 'Unknown symbol' }]);
		expect(refusedEntries({})).toEqual([]);
	});
});

describe('refusalSummary', () => {
	it('counts what was refused in words', () => {
		expect(refusalSummary(1, 3)).toBe('The server refused 1 of 3 entries; the rest stream:');
		expect(refusalSummary(1, 1)).toBe('The server refused your only entry:');
		expect(refusalSummary(2, 2)).toBe('The server refused both entries:');
		expect(refusalSummary(4, 4)).toBe('The server refused all 4 entries:');
	});
});

describe('TickDeduper', () => {
	it('passes each tick once, whatever number of modes carries it', () => {
		const deduper = new TickDeduper();
		expect(deduper.isNew('TCS', 'NSE', 1000)).toBe(true);
		expect(deduper.isNew('TCS', 'NSE', 1000)).toBe(false);
		expect(deduper.isNew('TCS', 'BSE', 1000)).toBe(true);
		expect(deduper.isNew('TCS', 'NSE', 1001)).toBe(true);
	});
});

describe('tickLiteral', () => {
	it('writes the chapter’s simplified tick as Python does its floats', () => {
		expect(tickLiteral('RELIANCE', 1313.6)).toBe('{"symbol": "RELIANCE", "ltp": 1313.6}');
		expect(tickLiteral('TCS', 3542)).toBe('{"symbol": "TCS", "ltp": 3542.0}');
	});
});
