// The search dialog's behaviour, loaded on its first open: queries Pagefind's index (built after
// `astro build` by src/integrations/search-index.ts) as the reader types and lists each match
// under its chapter, one link per section, landing on that section's heading. Excerpts come from
// the index as HTML with <mark> around the words found: only their text and the marks are
// copied into the page, as new nodes (never innerHTML).

/** The part of Pagefind's API used here (pagefind.js has no types of its own). */
interface Pagefind {
	options(options: Record<string, unknown>): Promise<void>;
	debouncedSearch(term: string, options?: object, ms?: number): Promise<SearchResponse | null>;
}
interface SearchResponse {
	results: { data(): Promise<PageData> }[];
}
interface PageData {
	url: string;
	meta: { title?: string };
	excerpt: string;
	sub_results?: { title: string; url: string; excerpt: string; locations?: number[] }[];
}

const MAX_PAGES = 8;
const MAX_SECTIONS = 3;

/** The text and <mark>s of a Pagefind excerpt, as new nodes; every other tag is dropped. */
export function excerptNodes(excerpt: string): Node[] {
	const parsed = new DOMParser().parseFromString(`<body>${excerpt}</body>`, 'text/html');
	return [...parsed.body.childNodes].map((node) => {
		if (node.nodeName === 'MARK') {
			const mark = document.createElement('mark');
			mark.textContent = node.textContent;
			return mark;
		}
		return document.createTextNode(node.textContent ?? '');
	});
}

function sectionLink(url: string, title: string, excerpt: string, close: () => void): HTMLElement {
	const link = document.createElement('a');
	link.href = url;
	const heading = document.createElement('span');
	heading.className = 'ch-search__section';
	heading.textContent = title;
	const text = document.createElement('span');
	text.className = 'ch-search__excerpt';
	text.append(...excerptNodes(excerpt));
	link.append(heading, text);
	// A result on the page being read only changes the hash: close the dialog so it shows.
	link.addEventListener('click', close);
	return link;
}

/** Wires the dialog's input to Pagefind; resolves once the index is ready. */
export async function wire(dialog: HTMLDialogElement): Promise<void> {
	const input = dialog.querySelector<HTMLInputElement>('[data-search-input]')!;
	const status = dialog.querySelector<HTMLElement>('[data-search-status]')!;
	const list = dialog.querySelector<HTMLOListElement>('[data-search-results]')!;
	const close = (): void => dialog.close();
	status.textContent = 'Loading the search index…';
	let pagefind: Pagefind;
	try {
		// Fetched by URL from the built site, not bundled: the dialog names it (data-search-api).
		pagefind = (await import(/* @vite-ignore */ dialog.dataset.searchApi!)) as Pagefind;
	} catch (error) {
		// Under `astro dev` there is no index until a build has written one.
		status.textContent = import.meta.env.DEV
			? 'Search needs the built site: run npm run build, then npm start.'
			: 'The search index could not load. Check the connection and reopen search.';
		throw error;
	}
	await pagefind.options({ noWorker: true, excerptLength: 18 });
	status.textContent = '';

	let latest = 0;
	const run = async (): Promise<void> => {
		const term = input.value.trim();
		const ticket = ++latest;
		if (term === '') {
			list.replaceChildren();
			status.textContent = '';
			return;
		}
		const response = await pagefind.debouncedSearch(term, {}, 200);
		// null: superseded by a newer keystroke.
		if (response === null || ticket !== latest) return;
		const pages = await Promise.all(
			response.results.slice(0, MAX_PAGES).map((result) => result.data()),
		);
		if (ticket !== latest) return;
		list.replaceChildren(
			...pages.map((page) => {
				const item = document.createElement('li');
				const title = document.createElement('p');
				title.className = 'ch-search__page';
				title.textContent = page.meta.title ?? page.url;
				item.append(title);
				// The sections with the most matches first (Pagefind lists them in page order).
				const sections = [...(page.sub_results ?? [])]
					.sort((a, b) => (b.locations?.length ?? 0) - (a.locations?.length ?? 0))
					.slice(0, MAX_SECTIONS);
				if (sections.length === 0)
					sections.push({ title: 'Top of the chapter', url: page.url, excerpt: page.excerpt });
				for (const section of sections)
					item.append(sectionLink(section.url, section.title, section.excerpt, close));
				return item;
			}),
		);
		const count = response.results.length;
		status.textContent =
			count === 0
				? `Nothing found for “${term}”.`
				: `${count} ${count === 1 ? 'chapter matches' : 'chapters match'} “${term}”.`;
	};
	input.addEventListener('input', () => void run());
	// Chromium spends a first Escape in a filled search field on clearing it: close at once.
	input.addEventListener('keydown', (event) => {
		if (event.key === 'Escape') close();
	});
	if (input.value.trim() !== '') await run();
}
