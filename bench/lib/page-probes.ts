// What the browser benches read from a page: the frames it makes (a requestAnimationFrame loop)
// and Chromium's own performance counters. bench/render.bench.ts and bench/diagram.bench.ts both
// use them, so the two measure frames and busy time the same way.
import type { CDPSession, Page } from 'playwright-core';

export interface FrameSample {
	/** Time between consecutive animation frames, ms. */
	intervals: number[];
	/** Long tasks (> 50 ms) seen while sampling. */
	longTasks: number;
	/** From the first frame to the last, ms. */
	wallMs: number;
}

/** Counts animation frames for `ms`: every frame asked for, so this makes the page draw 60 a second. */
export function sampleFrames(page: Page, ms: number): Promise<FrameSample> {
	return page.evaluate((ms) => {
		return new Promise<FrameSample>((resolve) => {
			const intervals: number[] = [];
			let longTasks = 0;
			const observer = new PerformanceObserver((list) => (longTasks += list.getEntries().length));
			observer.observe({ type: 'longtask' });
			let first: number | undefined;
			let last: number | undefined;
			const frame = (now: number): void => {
				first ??= now;
				if (last !== undefined) intervals.push(now - last);
				last = now;
				if (now - first < ms) requestAnimationFrame(frame);
				else {
					observer.disconnect();
					resolve({ intervals, longTasks, wallMs: now - first });
				}
			};
			requestAnimationFrame(frame);
		});
	}, ms);
}

/**
 * Chromium's performance counters by name (TaskDuration, Nodes, JSHeapUsedSize, …; needs
 * `Performance.enable`). With `collectGarbage`, a forced GC first, so what is counted is alive.
 */
export async function performanceMetrics(
	cdp: CDPSession,
	{ collectGarbage = false } = {},
): Promise<Record<string, number>> {
	if (collectGarbage) await cdp.send('HeapProfiler.collectGarbage');
	const { metrics } = await cdp.send('Performance.getMetrics');
	return Object.fromEntries(metrics.map((m) => [m.name, m.value]));
}
