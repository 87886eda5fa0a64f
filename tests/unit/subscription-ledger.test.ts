import { describe, expect, it } from 'vitest';
import { parseClientMessage, type ClientRequest } from '../../src/lib/protocol.ts';
import { SubscriptionLedger } from '../../src/lib/subscription-ledger.ts';

function request(text: string): ClientRequest {
	const parsed = parseClientMessage(text);
	if (!parsed.ok) throw new Error(parsed.issues[0]!.message);
	return parsed.request;
}

const EX1 =
	'{"action":"subscribe","mode":"ltp","symbols":[{"symbol":"RELIANCE","exchange":"NSE"},{"symbol":"TCS","exchange":"NSE"}]}';

describe('SubscriptionLedger', () => {
	it("restores the chapter's subscription as the chapter writes it", () => {
		const ledger = new SubscriptionLedger();
		expect(ledger.apply(request(EX1))).toBe(true);
		expect(ledger.resubscribeMessages()).toEqual([EX1]);
		expect(ledger.symbolCount()).toBe(2);
	});

	it('follows later subscribes and unsubscribes, one message per mode', () => {
		const ledger = new SubscriptionLedger();
		ledger.apply(request(EX1));
		ledger.apply(
			request(
				'{"action":"subscribe","mode":"quote","symbols":[{"symbol":"INFY","exchange":"NSE"},{"symbol":"RELIANCE","exchange":"NSE"}]}',
			),
		);
		ledger.apply(
			request('{"action":"subscribe","mode":3,"depth":20,"symbol":"SBIN","exchange":"NSE"}'),
		);
		ledger.apply(
			request(
				'{"action":"unsubscribe","mode":"ltp","symbols":[{"symbol":"TCS","exchange":"NSE"}]}',
			),
		);
		expect(ledger.resubscribeMessages().map((m) => JSON.parse(m))).toEqual([
			{ action: 'subscribe', mode: 'ltp', symbols: [{ symbol: 'RELIANCE', exchange: 'NSE' }] },
			{
				action: 'subscribe',
				mode: 'quote',
				symbols: [
					{ symbol: 'INFY', exchange: 'NSE' },
					{ symbol: 'RELIANCE', exchange: 'NSE' },
				],
			},
			{
				action: 'subscribe',
				mode: 'depth',
				depth: 20,
				symbols: [{ symbol: 'SBIN', exchange: 'NSE' }],
			},
		]);
		expect(ledger.modesOf('RELIANCE', 'NSE')).toEqual([1, 2]);
		expect(ledger.symbolCount()).toBe(3);
	});

	it('removes only the mode named, as the server does', () => {
		const ledger = new SubscriptionLedger();
		ledger.apply(request(EX1));
		// No mode means Quote (2): the LTP subscription stays.
		expect(
			ledger.apply(
				request('{"action":"unsubscribe","symbols":[{"symbol":"TCS","exchange":"NSE"}]}'),
			),
		).toBe(false);
		expect(ledger.modesOf('TCS', 'NSE')).toEqual([1]);
	});

	it('forgets everything on unsubscribe_all and ignores other verbs', () => {
		const ledger = new SubscriptionLedger();
		ledger.apply(request(EX1));
		expect(ledger.apply(request('{"action":"ping"}'))).toBe(false);
		expect(ledger.apply(request('{"action":"unsubscribe_all"}'))).toBe(true);
		expect(ledger.resubscribeMessages()).toEqual([]);
	});

	it('reports no change for a repeated subscribe', () => {
		const ledger = new SubscriptionLedger();
		ledger.apply(request(EX1));
		expect(ledger.apply(request(EX1))).toBe(false);
	});
});
