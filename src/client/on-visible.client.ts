// Hydrates a widget when it scrolls near the viewport: the Astro component's tiny script calls
// onVisible(element, () => import('./widget.client.ts')), so a widget's code is fetched only
// when a reader is about to see it. Without IntersectionObserver it loads at once.

/** Calls `load` once, when `element` comes within 200px of the viewport (or now, as a fallback). */
export function onVisible(element: Element, load: () => Promise<unknown>): void {
	const run = (): void => {
		load().catch((error: unknown) => console.error('Widget failed to load', error));
	};
	if (!('IntersectionObserver' in window)) {
		run();
		return;
	}
	const observer = new IntersectionObserver(
		(entries) => {
			if (entries.some((entry) => entry.isIntersecting)) {
				observer.disconnect();
				run();
			}
		},
		{ rootMargin: '200px' },
	);
	observer.observe(element);
}
