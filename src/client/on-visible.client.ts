// Hydrates a widget when it scrolls near the viewport: the Astro component's tiny script calls
// onVisible(element, () => import('./widget.client.ts')), so a widget's code is fetched only
// when a reader is about to see it. Without IntersectionObserver it loads at once.
//
// The lead is three quarters of a screen, so even a quick flick finds a widget live before it
// shows, and its static state never swaps for the live one in view; the first widget still sits
// beyond that lead on a phone, so nothing but the page itself loads up front.
//
// A widget the reader is already past (the page reloaded further down, or a jump to a later
// section went over it) loads at once too. Widgets change size as they come alive; above the
// viewport, scroll anchoring absorbs that, whereas during the reader's scroll back up it would
// stop a jump to the top short.
const LEAD = '75% 0px';

/** Widgets still waiting, with their loaders, checked again after each scroll ends. */
const waiting = new Map<Element, () => void>();

function loadThosePassed(): void {
	for (const [element, run] of waiting) if (element.getBoundingClientRect().bottom < 0) later(run);
}

/**
 * A widget not yet in view (within the lead) or already passed loads once the page is idle
 * (within half a second), so that after a jump the widget in view fetches and starts first: its
 * first price, or its first frame, is what the reader is waiting for.
 */
const later = (run: () => void): unknown =>
	'requestIdleCallback' in window ? requestIdleCallback(run, { timeout: 500 }) : setTimeout(run);

/**
 * The widget's code did not arrive (offline, or the site changed under an open page): its
 * live layout would sit there inert with no word why, so say so and offer a reload (a failed
 * module import is not retried within the same page).
 */
function sayLoadFailed(element: Element): void {
	if (element.querySelector(':scope > .ch-load-failed')) return;
	const note = document.createElement('p');
	note.className = 'ch-load-failed';
	note.setAttribute('role', 'alert');
	note.append('This interactive part could not load, so its controls do nothing. ');
	const reload = document.createElement('button');
	reload.type = 'button';
	reload.className = 'ch-btn';
	reload.textContent = 'Reload the page';
	reload.addEventListener('click', () => location.reload());
	note.append(reload);
	element.prepend(note);
}

/** Calls `load` once: when `element` comes within LEAD of the viewport or is above it. */
export function onVisible(element: Element, load: () => Promise<unknown>): void {
	// `let`: run() can be called (no IntersectionObserver) before the observer exists.
	// eslint-disable-next-line prefer-const
	let observer: IntersectionObserver | undefined;
	let started = false;
	const run = (): void => {
		if (started) return;
		started = true;
		observer?.disconnect();
		waiting.delete(element);
		load().catch((error: unknown) => {
			console.error('Widget failed to load', error);
			sayLoadFailed(element);
		});
	};
	if (!('IntersectionObserver' in window)) {
		run();
		return;
	}
	observer = new IntersectionObserver(
		(entries) => {
			// In view now: load at once. Within the lead, or passed: load when the page is idle,
			// so a widget in view is never queued behind one the reader cannot see yet.
			for (const { isIntersecting, boundingClientRect: box } of entries) {
				if (box.bottom > 0 && box.top < innerHeight) run();
				else if (isIntersecting || box.bottom < 0) later(run);
			}
		},
		{ rootMargin: LEAD },
	);
	if (waiting.size === 0) addEventListener('scrollend', loadThosePassed);
	waiting.set(element, run);
	observer.observe(element);
}
