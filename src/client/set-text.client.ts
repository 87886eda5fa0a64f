// Writing text into the parts of a widget that change while it streams.
//
// Setting `textContent` replaces the element's children even when the text is the same, so the
// browser drops the old text's layout object, builds a new one and lays the line out again. A
// tick in LTP mode leaves six of the table's eight cells as they were ("—"), and a counter that
// did not move is the same string: writing them anyway made each tick's frame lay out and paint
// cells the reader sees unchanged. setText writes only what differs, and edits the one text node
// in place when there is one (its layout object stays; only its line is laid out again).

/** Shows `text` as the whole content of `element`, touching the DOM only if it differs. */
export function setText(element: Element, text: string): void {
	const node = element.firstChild;
	// 3 is Node.TEXT_NODE, spelled out so that this also runs where there is no DOM (unit tests).
	if (node && node === element.lastChild && node.nodeType === 3) {
		if ((node as Text).data !== text) (node as Text).data = text;
	} else if (element.textContent !== text) element.textContent = text;
}

/** Sets `element.dataset[key]` to `value` only if it differs (an attribute write restyles). */
export function setData(element: HTMLElement | SVGElement, key: string, value: string): void {
	if (element.dataset[key] !== value) element.dataset[key] = value;
}
