// The front matter every chapter MDX file must have, and the one formatter that turns a
// validation failure into a message naming the file, the field and the fix. Imported by
// src/content.config.ts (Astro runs it at build time) and by the unit tests.
import { z } from 'astro/zod';

export const CHAPTER_STATUSES = ['live', 'draft', 'coming-soon'] as const;

export const chapterSchema = z
	.object({
		/** The module this chapter belongs to, e.g. `{ number: 5, name: "Python for the Markets" }`. */
		module: z.object({
			number: z.number().int().positive(),
			name: z.string().min(1),
		}),
		/** The chapter's number in the course; orders previous/next links. */
		chapter: z.number().int().positive(),
		title: z.string().min(1),
		/** The one-line summary under the title. */
		summary: z.string().min(1),
		/** `live` chapters have working widgets and show the LIVE badge. Default `draft`. */
		status: z.enum(CHAPTER_STATUSES).default('draft'),
		/** "What you'll learn": each point links to the section (a heading id) that teaches it. */
		learn: z
			.array(
				z.object({
					text: z.string().min(1),
					section: z
						.string()
						.regex(/^[a-z0-9-]+$/, 'must be a heading id such as `what-a-websocket-is`'),
				}),
			)
			.min(1),
		/** The next chapter's title, for the teaser when it is not in the collection yet. */
		nextTitle: z.string().optional(),
	})
	.strict();

export type ChapterFrontmatter = z.output<typeof chapterSchema>;
export type ChapterFrontmatterInput = z.input<typeof chapterSchema>;

/** A readable list of what is wrong, one line per field path, for an error's hint. */
export function formatIssues(file: string, error: z.ZodError): string {
	const lines = error.issues.map((issue) => {
		const path = issue.path.length > 0 ? issue.path.map(String).join('.') : '(front matter)';
		return `- \`${path}\`: ${issue.message}`;
	});
	return `Front matter of ${file} does not match the chapter schema:\n${lines.join('\n')}`;
}
