// The mock market's universe: every instrument it prices, and the exchanges OpenAlgo names.
// Anything else is refused per entry, as a real broker refuses a symbol it does not list, so a
// reader learns that names matter. Ships to the browser (the builder warns before sending).
//
// Base prices are round figures near each name's late-2026 level, for realism only; the mock's
// prices are made up by market-engine.ts around them.

/** NSE's tick size for equities and indices, in rupees. */
export const NSE_TICK_SIZE = 0.05;

export interface InstrumentSpec {
	symbol: string;
	exchange: string;
	/** Centre of the price path, in rupees. */
	basePrice: number;
	/** Mean tick arrivals per second (Poisson). */
	ticksPerSecond: number;
	/** Typical relative deviation of the price from its base (0.006 = 0.6%). */
	volatility: number;
	tickSize: number;
}

/** Exchange codes OpenAlgo uses, in its order. They are case-sensitive on the wire. */
export const EXCHANGES: readonly string[] = [
	'NSE',
	'BSE',
	'NFO',
	'BFO',
	'CDS',
	'BCD',
	'MCX',
	'NSE_INDEX',
	'BSE_INDEX',
];

function spec(
	symbol: string,
	exchange: string,
	basePrice: number,
	ticksPerSecond: number,
	volatility: number,
): InstrumentSpec {
	return { symbol, exchange, basePrice, ticksPerSecond, volatility, tickSize: NSE_TICK_SIZE };
}

/** The six names the chapter and its exercises use; their price paths are pinned by tests. */
export const CHAPTER_INSTRUMENTS: readonly InstrumentSpec[] = [
	spec('RELIANCE', 'NSE', 1313.6, 2, 0.004),
	spec('TCS', 'NSE', 3120.5, 1.2, 0.004),
	spec('INFY', 'NSE', 1545.3, 1.5, 0.005),
	spec('HDFCBANK', 'NSE', 1712.4, 1.8, 0.004),
	spec('SBIN', 'NSE', 812.35, 2.2, 0.006),
	spec('NIFTY', 'NSE_INDEX', 24350.15, 1, 0.003),
];

/** Further real NSE and BSE names and indices a learner may try (NIFTY 50 constituents and majors). */
const MORE_NSE: readonly [string, number][] = [
	['ICICIBANK', 1420],
	['BHARTIARTL', 2010],
	['ITC', 412.5],
	['LT', 3850],
	['HINDUNILVR', 2380],
	['KOTAKBANK', 2150],
	['AXISBANK', 1180],
	['WIPRO', 252.4],
	['HCLTECH', 1620],
	['TECHM', 1510],
	['TATAMOTORS', 685],
	['TATASTEEL', 168.2],
	['MARUTI', 15800],
	['BAJFINANCE', 1010],
	['ASIANPAINT', 2460],
	['SUNPHARMA', 1750],
	['TITAN', 3720],
	['ULTRACEMCO', 12150],
	['NTPC', 338.6],
	['ONGC', 243.8],
	['POWERGRID', 292.1],
	['COALINDIA', 384.5],
	['JSWSTEEL', 1130],
	['NESTLEIND', 1240],
	['ADANIENT', 2390],
];

/** Every instrument the mock prices: the chapter's six first, then the rest in a fixed order. */
export const INSTRUMENTS: readonly InstrumentSpec[] = [
	...CHAPTER_INSTRUMENTS,
	...MORE_NSE.map(([symbol, price]) => spec(symbol, 'NSE', price, 0.8, 0.005)),
	spec('BANKNIFTY', 'NSE_INDEX', 55200.4, 1, 0.004),
	spec('FINNIFTY', 'NSE_INDEX', 26150.3, 0.8, 0.004),
	spec('INDIAVIX', 'NSE_INDEX', 12.45, 0.5, 0.02),
	// The same large caps on BSE trade a few paise apart from NSE.
	...['RELIANCE', 'TCS', 'INFY', 'HDFCBANK', 'SBIN'].map((symbol) => {
		const nse = CHAPTER_INSTRUMENTS.find((i) => i.symbol === symbol)!;
		return spec(symbol, 'BSE', nse.basePrice, nse.ticksPerSecond / 2, nse.volatility);
	}),
	spec('SENSEX', 'BSE_INDEX', 81250.6, 1, 0.003),
	spec('BANKEX', 'BSE_INDEX', 62300.2, 0.6, 0.004),
];

/** Key of an instrument, `exchange:symbol` (e.g. `NSE:RELIANCE`): the one way modules name a pair. */
export function instrumentKey(symbol: string, exchange: string): string {
	return `${exchange}:${symbol}`;
}

const BY_ID = new Map(INSTRUMENTS.map((i) => [instrumentKey(i.symbol, i.exchange), i]));

/** The instrument with this exact symbol on this exact exchange, or undefined (case-sensitive). */
export function findInstrument(symbol: string, exchange: string): InstrumentSpec | undefined {
	return BY_ID.get(instrumentKey(symbol, exchange));
}

/** Whether OpenAlgo names this exchange code (case-sensitive). */
export function isKnownExchange(exchange: string): boolean {
	return EXCHANGES.includes(exchange);
}

/** Exchanges on which the mock lists this symbol, in INSTRUMENTS order. */
export function exchangesListing(symbol: string): string[] {
	return INSTRUMENTS.filter((i) => i.symbol === symbol).map((i) => i.exchange);
}

/**
 * Edit distance counting a swap of two neighbours as one edit (optimal string alignment), so
 * `TSC` is one edit from `TCS`. Stops early once it exceeds `max` (then returns max + 1).
 */
function editDistance(a: string, b: string, max: number): number {
	if (Math.abs(a.length - b.length) > max) return max + 1;
	let before: number[] = [];
	let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
	for (let i = 1; i <= a.length; i++) {
		const current = [i];
		let rowMin = i;
		for (let j = 1; j <= b.length; j++) {
			const cost = a[i - 1] === b[j - 1] ? 0 : 1;
			let value = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
			if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
				value = Math.min(value, before[j - 2]! + 1);
			}
			current.push(value);
			if (value < rowMin) rowMin = value;
		}
		if (rowMin > max) return max + 1;
		before = previous;
		previous = current;
	}
	return previous[b.length]!;
}

/**
 * A known symbol close to `symbol` for a "did you mean …?" hint, or undefined. Prefers names listed
 * on `exchange`; case differences count as a match (the hint then says symbols are case-sensitive).
 * Bounded work: symbols longer than 40 characters get no suggestion.
 */
export function suggestSymbol(symbol: string, exchange?: string): string | undefined {
	if (symbol.length === 0 || symbol.length > 40) return undefined;
	const upper = symbol.toUpperCase();
	const pool = INSTRUMENTS.filter((i) => exchange === undefined || i.exchange === exchange);
	const candidates = pool.length > 0 ? pool : INSTRUMENTS;
	const threshold = Math.max(1, Math.min(3, Math.floor(upper.length / 3)));
	let best: string | undefined;
	let bestDistance = threshold + 1;
	for (const { symbol: known } of candidates) {
		if (known === symbol) continue;
		const distance = editDistance(upper, known, threshold);
		if (distance < bestDistance) {
			best = known;
			bestDistance = distance;
		}
	}
	return best;
}
