// Reading time of a chapter's MDX source: words of prose and code, without imports and tags.

const WORDS_PER_MINUTE = 200;

/** Whole minutes (at least 1) to read `mdx` at 200 words a minute. */
export function readingMinutes(mdx: string): number {
	const text = mdx
		.replace(/^import .*$/gm, ' ')
		.replace(/<[^>]+>/g, ' ')
		.replace(/[#*_`>|-]+/g, ' ');
	const words = text.split(/\s+/).filter((word) => /[\p{L}\p{N}]/u.test(word)).length;
	return Math.max(1, Math.round(words / WORDS_PER_MINUTE));
}
