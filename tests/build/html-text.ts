// Turns built HTML into the text a reader sees, for tests that compare the page with its sources.
// Deliberately small: it knows the handful of entities Astro emits and throws on any other, so an
// entity it cannot decode fails a test instead of silently comparing the wrong text.

const NAMED: Record<string, string> = {
	amp: '&',
	lt: '<',
	gt: '>',
	quot: '"',
	apos: "'",
	nbsp: '\u00a0',
	times: '\u00d7',
	middot: '\u00b7',
	hellip: '\u2026',
	mdash: '\u2014',
	ndash: '\u2013',
	lsquo: '\u2018',
	rsquo: '\u2019',
	ldquo: '\u201c',
	rdquo: '\u201d',
	copy: '\u00a9',
};

/** Decodes character references: the named ones above, decimal and hex. */
export function decodeEntities(html: string): string {
	return html.replace(
		/&(#[0-9]+|#[xX][0-9a-fA-F]+|[a-zA-Z][a-zA-Z0-9]*);/g,
		(whole, name: string) => {
			if (name.startsWith('#x') || name.startsWith('#X'))
				return String.fromCodePoint(parseInt(name.slice(2), 16));
			if (name.startsWith('#')) return String.fromCodePoint(parseInt(name.slice(1), 10));
			const char = NAMED[name];
			if (char === undefined) throw new Error(`html-text: unknown entity ${whole}`);
			return char;
		},
	);
}

// Elements that break the flow of text; any other tag (span, a, code, strong) joins its text to
// its neighbours, as a browser renders it.
const BLOCK_TAGS =
	/^(address|article|aside|blockquote|br|button|dd|details|div|dl|dt|figcaption|figure|footer|form|h[1-6]|header|hr|input|label|li|main|nav|ol|option|p|pre|section|select|summary|table|td|textarea|th|tr|ul|svg|text|tspan|title|g|desc)$/i;

/** The visible text of an HTML fragment: no comments, scripts, styles or templates; tags removed. */
export function htmlToText(html: string): string {
	const stripped = html
		.replace(/<!--[\s\S]*?-->/g, ' ')
		.replace(/<(script|style|template|noscript)\b[^>]*>[\s\S]*?<\/\1\s*>/gi, ' ')
		.replace(/<\/?([a-zA-Z][a-zA-Z0-9-]*)\b[^>]*>/g, (_tag, name: string) =>
			BLOCK_TAGS.test(name) ? ' ' : '',
		);
	return decodeEntities(stripped);
}

/** Collapses every run of whitespace (non-breaking spaces included) to one space and trims. */
export function collapseWhitespace(text: string): string {
	return text.replace(/[\s\u00a0\u202f]+/g, ' ').trim();
}

/**
 * Makes typography comparable: curly quotes become straight ones, en and em dashes (and the
 * minus sign) become a hyphen, the ellipsis character becomes three dots.
 */
export function normaliseTypography(text: string): string {
	return text
		.replace(/[\u2018\u2019\u201a\u201b\u2032]/g, "'")
		.replace(/[\u201c\u201d\u201e\u201f\u2033]/g, '"')
		.replace(/[\u2010\u2011\u2012\u2013\u2014\u2015\u2212]/g, '-')
		.replace(/\u2026/g, '...');
}
