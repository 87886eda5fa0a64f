// One DOM write per animation frame: callers mark what changed and ask for a frame; however many
// ticks arrive before the next frame, `render` runs once. While the tab is hidden no frame runs,
// so the model keeps absorbing ticks (bounded) and the page catches up in one frame on return.
// With `minIntervalMs`, renders are also spaced at least that far apart (conflation, as market
// screens do): the first request after a quiet spell still renders in the next frame, and a
// request made `now` (the reader's own action) never waits.

export interface FrameBatcherOptions {
	/** Least time from one render to the next, ms (default 0: every frame if asked). */
	minIntervalMs?: number;
}

export class FrameBatcher {
	readonly #render: (frameTimeMs: number) => void;
	readonly #minIntervalMs: number;
	#handle = 0;
	#timer: ReturnType<typeof setTimeout> | undefined;
	/** When `render` last ran (performance.now()). */
	#renderedAtMs = -Infinity;

	/** `render` runs at most once per animation frame, after at least one `request()`. */
	constructor(
		render: (frameTimeMs: number) => void,
		{ minIntervalMs = 0 }: FrameBatcherOptions = {},
	) {
		this.#render = render;
		this.#minIntervalMs = minIntervalMs;
	}

	/**
	 * Asks for one render: in the next animation frame, or once `minIntervalMs` has passed since
	 * the last one. `now` skips that wait. A no-op when a render is already asked for.
	 */
	request(now = false): void {
		if (this.#handle !== 0) return;
		const waitMs = this.#renderedAtMs + this.#minIntervalMs - performance.now();
		if (now || waitMs <= 0) {
			clearTimeout(this.#timer);
			this.#timer = undefined;
			this.#handle = requestAnimationFrame((time) => {
				this.#handle = 0;
				this.#renderedAtMs = performance.now();
				this.#render(time);
			});
		} else {
			this.#timer ??= setTimeout(() => {
				this.#timer = undefined;
				this.request(true);
			}, waitMs);
		}
	}

	/** When `render` last ran (performance.now()); -Infinity before the first. */
	get renderedAtMs(): number {
		return this.#renderedAtMs;
	}

	/** Drops a pending render (the element left the page). */
	cancel(): void {
		if (this.#handle !== 0) cancelAnimationFrame(this.#handle);
		this.#handle = 0;
		clearTimeout(this.#timer);
		this.#timer = undefined;
	}
}
