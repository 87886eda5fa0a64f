// FrameBatcher: one render per animation frame, spaced at least minIntervalMs apart (the stream
// panel's conflation), the first after a quiet spell and the reader's own requests at once.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FrameBatcher } from '../../src/client/frame-batcher.client.ts';

describe('FrameBatcher', () => {
	beforeEach(() => {
		vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
		// Node has no animation frames: one every 16 ms on the fake clock stands in for them.
		vi.stubGlobal('requestAnimationFrame', (callback: FrameRequestCallback) =>
			setTimeout(() => callback(performance.now()), 16),
		);
		vi.stubGlobal('cancelAnimationFrame', (handle: number) => clearTimeout(handle));
	});
	afterEach(() => {
		vi.unstubAllGlobals();
		vi.useRealTimers();
	});

	/** A batcher whose renders are recorded as performance.now() at each render. */
	function recorded(minIntervalMs?: number): { batcher: FrameBatcher; renders: number[] } {
		const renders: number[] = [];
		const batcher = new FrameBatcher(
			() => renders.push(performance.now()),
			minIntervalMs === undefined ? {} : { minIntervalMs },
		);
		return { batcher, renders };
	}

	it('renders once per frame however often it is asked', () => {
		const { batcher, renders } = recorded();
		for (let i = 0; i < 10; i++) batcher.request();
		vi.advanceTimersByTime(20);
		expect(renders).toHaveLength(1);
		batcher.request();
		vi.advanceTimersByTime(20);
		expect(renders).toHaveLength(2);
	});

	it('spaces renders minIntervalMs apart in a burst, and renders the first after a pause at once', () => {
		const { batcher, renders } = recorded(50);
		// A burst: a request every 5 ms for a second.
		for (let t = 0; t < 1000; t += 5) {
			batcher.request();
			vi.advanceTimersByTime(5);
		}
		vi.advanceTimersByTime(100);
		const gaps = renders.slice(1).map((at, i) => at - renders[i]!);
		expect(Math.min(...gaps)).toBeGreaterThanOrEqual(50);
		// 20 a second at most, and never starved: the last request of the burst is rendered.
		expect(renders.length).toBeGreaterThanOrEqual(14);
		expect(renders.length).toBeLessThanOrEqual(20);
		expect(renders.at(-1)!).toBeGreaterThanOrEqual(995);
		// After a quiet spell, the next request renders in the next frame.
		vi.advanceTimersByTime(500);
		const asked = performance.now();
		batcher.request();
		vi.advanceTimersByTime(17);
		expect(renders.at(-1)! - asked).toBeLessThanOrEqual(17);
	});

	it('renders a request made now in the next frame, even inside the interval', () => {
		const { batcher, renders } = recorded(50);
		batcher.request();
		vi.advanceTimersByTime(17);
		expect(renders).toHaveLength(1);
		batcher.request();
		batcher.request(true);
		vi.advanceTimersByTime(17);
		expect(renders).toHaveLength(2);
		expect(renders[1]! - renders[0]!).toBeLessThan(50);
		// The waiting render was folded into that one: nothing more comes.
		vi.advanceTimersByTime(200);
		expect(renders).toHaveLength(2);
	});

	it('drops a waiting render on cancel', () => {
		const { batcher, renders } = recorded(50);
		batcher.request();
		vi.advanceTimersByTime(17);
		batcher.request();
		batcher.cancel();
		vi.advanceTimersByTime(200);
		expect(renders).toHaveLength(1);
	});
});
