// What one connection holds: a subscription is one (symbol, exchange, mode), and its key is the
// one way every module (the session, the page's ledger, the server's conflation) names it.
import { instrumentKey } from './instruments.ts';
import type { ModeNumber } from './protocol.ts';

export interface Subscription {
	symbol: string;
	exchange: string;
	mode: ModeNumber;
	/** Order-book levels for mode 3 (5 for the other modes). */
	depth: number;
	/**
	 * When it was first made (the `nowMs` of its subscribe): only ticks after this time belong to
	 * it. A repeated subscribe keeps the first time, so a re-subscribe leaves no gap and no repeat.
	 */
	sinceMs?: number;
}

/** Key of a subscription: one per (exchange, symbol, mode), e.g. `NSE:RELIANCE:1`. */
export function subscriptionKey(symbol: string, exchange: string, mode: ModeNumber): string {
	return `${instrumentKey(symbol, exchange)}:${mode}`;
}
