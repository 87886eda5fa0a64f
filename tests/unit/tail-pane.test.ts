// TailPane's bound, whatever its options: the lines shown are the newest that arrived, in order,
// at least `cap` of them once that many came, never more than `maxLines` (cap + slack). Node has
// no DOM: a few nodes with the calls TailPane makes stand in for one.
import { describe, expect, it } from 'vitest';
import { TailPane } from '../../src/client/tail-pane.client.ts';

class FakeNode {
	readonly children: FakeNode[] = [];
	parent: FakeNode | undefined;
	readonly text: string;
	constructor(text = '') {
		this.text = text;
	}
	append(...nodes: FakeNode[]): void {
		for (const node of nodes) {
			node.remove();
			node.parent = this;
			this.children.push(node);
		}
	}
	remove(): void {
		if (!this.parent) return;
		this.parent.children.splice(this.parent.children.indexOf(this), 1);
		this.parent = undefined;
	}
	replaceChildren(...nodes: FakeNode[]): void {
		for (const child of [...this.children]) child.remove();
		this.append(...nodes);
	}
}

/** A pane over a fake element, and the text of the lines it shows, oldest first. */
function pane(options: { cap: number; slack: number; blockLines?: number }) {
	const element = new FakeNode();
	const tail = new TailPane(element as unknown as HTMLElement, {
		...options,
		createBlock: () => new FakeNode() as unknown as HTMLElement,
	});
	const shown = (): string[] =>
		element.children.flatMap((block) => block.children.map((line) => line.text));
	return { tail, shown };
}

const lines = (from: number, count: number): Element[] =>
	Array.from({ length: count }, (_, i) => new FakeNode(`line ${from + i}`) as unknown as Element);

describe('TailPane', () => {
	// Less slack than a block (25 lines by default): the console's and the log's own options
	// (slack 50) hold, but these held more than cap + slack, up to cap + a block.
	it.each([
		{ cap: 10, slack: 5 },
		{ cap: 20, slack: 0 },
		{ cap: 30, slack: 10, blockLines: 25 },
	])('keeps the newest lines in order, between cap and cap + slack (%o)', (options) => {
		const { tail, shown } = pane(options);
		let arrived = 0;
		for (const count of [1, 3, 7, 1, 12, 40, 1, 1, 2, 300, 5, 1, 1, 26, 9, 1, 60, 2, 1, 1]) {
			for (let round = 0; round < 3; round++) {
				tail.append(lines(arrived, count));
				arrived += count;
				const now = shown();
				expect(now.length).toBeLessThanOrEqual(tail.maxLines);
				expect(now.length).toBeGreaterThanOrEqual(Math.min(options.cap, arrived));
				expect(now).toEqual(
					Array.from({ length: now.length }, (_, i) => `line ${arrived - now.length + i}`),
				);
			}
		}
	});
});
