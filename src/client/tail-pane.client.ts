// A scrolling pane that shows the tail of a stream, like a terminal: lines are appended at the end
// in reading order (oldest first in the DOM, so a screen reader and a copy read them in order),
// and the view follows the newest line while the reader is at the end. Scroll up to read, and the
// view stays put until they scroll back down.
//
// Why not newest-first with flex column-reverse (which pins to the end with no script): every
// insertion at the start moves every line already shown, so the browser lays out and repaints the
// whole pane for each new line. Appending at the end moves nothing already painted; the pane
// scrolls instead, which the compositor does. The cap is kept in steps for the same reason: once
// the pane is `slack` over its cap, the oldest lines are dropped in whole blocks (below), so the
// lines shift about once per `slack` lines, not once per line (bench/render.bench.ts measures the
// difference against a bare floor page).
//
// The lines sit in blocks of `blockLines`, so the pane has a dozen children, not two hundred: a
// frame that adds lines lays out the newest block and steps over the others, and the oldest
// lines go a whole block at a time. Flat, each frame's layout walked every line, and each trim
// moved every line up; in blocks the layout of five new lines costs a quarter less and its
// worst frame half (the panes' frames were the long tasks on a phone at 50 ticks a second).

/** The view is at the end when no more than this many pixels are left below it. */
const END_TOLERANCE_PX = 4;

export interface TailPaneOptions {
	/** Lines shown at least, once that many have arrived. */
	cap: number;
	/** Lines beyond `cap` kept before the oldest are dropped (down to about `cap`) in one step. */
	slack: number;
	/**
	 * Lines per block (default 25), at most `slack` (and at least 1): the trim drops whole blocks,
	 * so a block bigger than the slack would leave more than cap + slack lines.
	 */
	blockLines?: number;
	/** Makes an empty block (default: a <div>). */
	createBlock?: () => HTMLElement;
}

export class TailPane {
	readonly element: HTMLElement;
	readonly #cap: number;
	readonly #slack: number;
	readonly #blockLines: number;
	readonly #createBlock: () => HTMLElement;
	/** The blocks in the pane, oldest first, and how many lines each holds. */
	readonly #blocks: { element: HTMLElement; lines: number }[] = [];
	#lines = 0;
	/** Whether the view follows new lines: true until the reader scrolls away from the end. */
	#following = true;
	/** Lines were added since the last follow(). */
	#grown = false;

	constructor(
		element: HTMLElement,
		{
			cap,
			slack,
			blockLines = 25,
			createBlock = () => document.createElement('div'),
		}: TailPaneOptions,
	) {
		this.element = element;
		this.#cap = cap;
		this.#slack = slack;
		this.#blockLines = Math.max(1, Math.min(blockLines, slack));
		this.#createBlock = createBlock;
	}

	/**
	 * Notes whether the reader is at the end. Call at the start of a frame's render, before any
	 * write: the layout is still clean then, so reading the scroll position costs nothing (a read
	 * after a write would force a layout, and a scroll listener would wake the page for each of
	 * the pane's own scrolls).
	 */
	measure(): void {
		const pane = this.element;
		// A pane that is not shown (display: none) has no geometry: keep what it was.
		if (pane.clientHeight === 0) return;
		this.#following = pane.scrollHeight - pane.scrollTop - pane.clientHeight <= END_TOLERANCE_PX;
	}

	/** Most lines the pane ever holds. */
	get maxLines(): number {
		return this.#cap + this.#slack;
	}

	/** Appends lines (oldest first); drops the oldest blocks once over cap + slack. */
	append(lines: readonly Element[]): void {
		if (!lines.length) return;
		this.#grown = true;
		let last = this.#blocks.at(-1);
		for (const line of lines.slice(-this.maxLines)) {
			if (!last || last.lines >= this.#blockLines) {
				last = { element: this.#createBlock(), lines: 0 };
				this.#blocks.push(last);
				this.element.append(last.element);
			}
			last.element.append(line);
			last.lines++;
			this.#lines++;
		}
		if (this.#lines <= this.#cap + this.#slack) return;
		// Whole blocks only, while at least `cap` lines are left.
		while (this.#blocks.length > 1 && this.#lines - this.#blocks[0]!.lines >= this.#cap) {
			this.#lines -= this.#blocks[0]!.lines;
			this.#blocks.shift()!.element.remove();
		}
	}

	/** Shows exactly these lines (oldest first), keeping the last `cap`. */
	replace(lines: readonly Element[]): void {
		this.element.replaceChildren();
		this.#blocks.length = 0;
		this.#lines = 0;
		this.append(lines.slice(-this.#cap));
		this.#following = true;
		this.#grown = true;
	}

	/**
	 * Scrolls to the newest line if lines came and the reader is following. Call after the frame's
	 * last write: it reads the layout, once.
	 */
	follow(): void {
		if (this.#grown && this.#following) this.element.scrollTop = this.element.scrollHeight;
		this.#grown = false;
	}
}
