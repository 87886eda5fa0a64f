// What the reader has asked the stream for, kept by the page's client across reconnects. A
// WebSocket's subscriptions die with the connection (protocol spec §2.4: no resume), so after a
// reconnect the client must send them again, as the OpenAlgo SDK does. The ledger follows every
// valid subscribe / unsubscribe / unsubscribe_all the page sends, not just the first message.
import { instrumentKey } from './instruments.ts';
import { DEFAULT_DEPTH, MODE_WORDS, type ClientRequest, type ModeNumber } from './protocol.ts';
import { subscriptionKey } from './subscription.ts';

export interface LedgerEntry {
	symbol: string;
	exchange: string;
	mode: ModeNumber;
	depth: number;
}

/** Upper bound on remembered subscriptions (the server caps a connection at 100 symbols). */
const MAX_ENTRIES = 500;

export class SubscriptionLedger {
	/** Keyed by subscriptionKey, in the order first subscribed. */
	readonly #entries = new Map<string, LedgerEntry>();

	/** Applies a request the page sent; returns true when the set of subscriptions changed. */
	apply(request: ClientRequest): boolean {
		switch (request.action) {
			case 'subscribe': {
				let changed = false;
				for (const { symbol, exchange } of request.instruments) {
					const key = subscriptionKey(symbol, exchange, request.mode);
					const depth = request.mode === 3 ? request.depth : DEFAULT_DEPTH;
					const before = this.#entries.get(key);
					if (before && before.depth === depth) continue;
					if (!before && this.#entries.size >= MAX_ENTRIES) continue;
					this.#entries.set(key, { symbol, exchange, mode: request.mode, depth });
					changed = true;
				}
				return changed;
			}
			case 'unsubscribe': {
				let changed = false;
				for (const { symbol, exchange, mode } of request.instruments) {
					changed = this.#entries.delete(subscriptionKey(symbol, exchange, mode)) || changed;
				}
				return changed;
			}
			case 'unsubscribe_all': {
				const changed = this.#entries.size > 0;
				this.#entries.clear();
				return changed;
			}
			default:
				return false;
		}
	}

	entries(): LedgerEntry[] {
		return [...this.#entries.values()];
	}

	/** Distinct (symbol, exchange) pairs held at any mode. */
	symbolCount(): number {
		return new Set(this.entries().map((e) => instrumentKey(e.symbol, e.exchange))).size;
	}

	/** The modes held for one (symbol, exchange), lowest first. */
	modesOf(symbol: string, exchange: string): ModeNumber[] {
		return this.entries()
			.filter((e) => e.symbol === symbol && e.exchange === exchange)
			.map((e) => e.mode)
			.sort();
	}

	/**
	 * The messages that restore every subscription on a fresh connection: one subscribe per
	 * (mode, depth), in the chapter's shape (`"mode": "ltp"`, a `symbols` list), oldest first.
	 */
	resubscribeMessages(): string[] {
		const groups = new Map<
			string,
			{ mode: ModeNumber; depth: number; symbols: { symbol: string; exchange: string }[] }
		>();
		for (const entry of this.#entries.values()) {
			const depth = entry.depth;
			const key = `${entry.mode}:${depth}`;
			let group = groups.get(key);
			if (!group) groups.set(key, (group = { mode: entry.mode, depth, symbols: [] }));
			group.symbols.push({ symbol: entry.symbol, exchange: entry.exchange });
		}
		return [...groups.values()].map((group) =>
			JSON.stringify({
				action: 'subscribe',
				mode: MODE_WORDS[group.mode],
				...(group.mode === 3 ? { depth: group.depth } : {}),
				symbols: group.symbols,
			}),
		);
	}

	clear(): void {
		this.#entries.clear();
	}
}
