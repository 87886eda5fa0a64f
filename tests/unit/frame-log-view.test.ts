// FrameLogView's reader actions reach the screen: the panel writes the log only when it is due
// (and, without a pane token, only when it is urgent), so whatever a reader does to the log must
// make it due, and urgent to show in the next frame. Node has no DOM: render() on an empty,
// unpaused log writes only the note's and the counts' textContent, so plain objects stand in.
import { describe, expect, it } from 'vitest';
import { FrameLogView } from '../../src/client/frame-log-view.client.ts';

function idleLog() {
	const parts = {
		list: { replaceChildren() {}, append() {} } as unknown as HTMLElement,
		note: { textContent: '' } as HTMLElement,
		counts: { textContent: '' } as HTMLElement,
	};
	const view = new FrameLogView(parts);
	view.render(); // the first frame: counts written, nothing pending
	expect(view.due).toBe(false);
	return { view, parts };
}

describe('FrameLogView: a reader’s Pause reaches the screen', () => {
	it('is due (or urgent) right after setPaused(true), and its render writes the note', () => {
		const { view, parts } = idleLog();
		view.setPaused(true);
		expect(view.due || view.urgent).toBe(true);
		view.render();
		expect(parts.note.textContent).toMatch(/^Paused: 0 frames not shown\.$/);
	});

	it('Pause and Clear are urgent, like Resume and a filter', () => {
		const a = idleLog().view;
		a.setPaused(true);
		expect(a.urgent).toBe(true);
		const b = idleLog().view;
		b.clear();
		expect(b.urgent).toBe(true);
	});

	it('Resume and a filter change are urgent', () => {
		const a = idleLog().view;
		a.setPaused(true);
		a.setPaused(false);
		expect(a.urgent).toBe(true);
		const b = idleLog().view;
		b.setFilter({ direction: 'sent', kind: undefined, symbol: '', search: '' } as never);
		expect(b.urgent).toBe(true);
	});
});
