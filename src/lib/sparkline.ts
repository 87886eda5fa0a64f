// A sparkline as one SVG path: the last prices of a symbol, scaled into a width × height box
// (y grows downwards, the highest price at the top). Pure, so the stream panel only sets `d`.

export interface SparklineBox {
	width: number;
	height: number;
	/** Space kept free above and below the line, in the same units (default 1). */
	padding?: number;
}

/** The box of the stream panel's sparklines: its static placeholders and its live rows share it. */
export const TICKER_SPARK_BOX: Readonly<SparklineBox> = Object.freeze({
	width: 96,
	height: 24,
	padding: 2,
});

/** Rounds to one decimal place: enough for a small viewBox, and keeps `d` short. */
function round1(value: number): number {
	return Math.round(value * 10) / 10;
}

/**
 * The `d` of an SVG path through `prices`, oldest at the left edge and newest at the right.
 * Non-finite prices are skipped. No price gives ''; one price, or all equal, a flat line across
 * the middle.
 */
export function sparklinePath(prices: readonly number[], box: SparklineBox): string {
	const points = prices.filter((p) => Number.isFinite(p));
	if (points.length === 0 || !(box.width > 0) || !(box.height > 0)) return '';
	const padding = Math.min(box.padding ?? 1, box.height / 2);
	let low = Infinity;
	let high = -Infinity;
	for (const p of points) {
		if (p < low) low = p;
		if (p > high) high = p;
	}
	const middle = round1(box.height / 2);
	if (points.length === 1 || high === low) return `M0 ${middle}H${round1(box.width)}`;
	const span = high - low;
	const usable = box.height - padding * 2;
	const step = box.width / (points.length - 1);
	let d = '';
	for (let i = 0; i < points.length; i++) {
		const x = round1(i * step);
		const y = round1(padding + ((high - points[i]!) / span) * usable);
		d += `${i === 0 ? 'M' : 'L'}${x} ${y}`;
	}
	return d;
}

/** A fixed-size ring of the latest prices, so a long session never grows memory. */
export class PriceWindow {
	readonly #capacity: number;
	readonly #prices: number[] = [];

	constructor(capacity: number) {
		if (!(capacity >= 1) || !Number.isFinite(capacity)) {
			throw new RangeError(`PriceWindow capacity must be a positive number; got ${capacity}.`);
		}
		this.#capacity = Math.floor(capacity);
	}

	push(price: number): void {
		this.#prices.push(price);
		if (this.#prices.length > this.#capacity)
			this.#prices.splice(0, this.#prices.length - this.#capacity);
	}

	values(): readonly number[] {
		return this.#prices;
	}

	get size(): number {
		return this.#prices.length;
	}
}
