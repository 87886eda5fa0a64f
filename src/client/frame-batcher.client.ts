// One DOM write per animation frame: callers mark what changed and ask for a frame; however many
// ticks arrive before the next frame, `render` runs once. While the tab is hidden no frame runs,
// so the model keeps absorbing ticks (bounded) and the page catches up in one frame on return.

export class FrameBatcher {
	readonly #render: (frameTimeMs: number) => void;
	#handle = 0;

	/** `render` runs at most once per animation frame, after at least one `request()`. */
	constructor(render: (frameTimeMs: number) => void) {
		this.#render = render;
	}

	/** Asks for one render in the next animation frame (no-op when one is already asked for). */
	request(): void {
		if (this.#handle !== 0) return;
		this.#handle = requestAnimationFrame((time) => {
			this.#handle = 0;
			this.#render(time);
		});
	}

	/** Drops a pending render (the element left the page). */
	cancel(): void {
		if (this.#handle !== 0) cancelAnimationFrame(this.#handle);
		this.#handle = 0;
	}
}
