// The chapters loader: Astro's glob loader, with every front matter checked by the chapter
// schema here, before Astro's own formatter could see it (which prints `title**: **title:
// Required`), and the whole course checked once the files are read (unique chapter numbers,
// learn sections, `nextTitle`). Each failure is an AstroError listing one line per problem.
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Loader, LoaderContext } from 'astro/loaders';
import { glob } from 'astro/loaders';
import { AstroError } from 'astro/errors';
import {
	chapterIssues,
	chapterSchema,
	formatIssues,
	type ChapterFrontmatter,
	type ChapterProblem,
} from '../lib/chapter-schema.ts';
import { courseProblems, type CourseEntry } from '../lib/course.ts';

const HINT =
	'Each line names the field and what it allows. The fields are described in src/lib/chapter-schema.ts and in "Add a chapter" in README.md.';

/** Throws one AstroError for `problems`, or returns when there are none. */
export function refuse(problems: readonly ChapterProblem[]): void {
	if (problems.length === 0) return;
	throw new AstroError(formatIssues(problems), HINT);
}

/** A glob loader over `base` (relative to the project root) that checks what it loads. */
export function chapterLoader(options: { pattern: string; base: string }): Loader {
	const inner = glob(options);
	return {
		name: 'chapter-loader',
		load: async (context: LoaderContext): Promise<void> => {
			const root = fileURLToPath(context.config.root);
			const parseData: LoaderContext['parseData'] = async (props) => {
				const file = relative(root, props.filePath ?? props.id);
				const result = chapterSchema.safeParse(props.data);
				if (!result.success) refuse(chapterIssues(file, props.data, result.error));
				return context.parseData(props);
			};
			await inner.load({ ...context, parseData });
			const entries: CourseEntry[] = [...context.store.values()].map((entry) => ({
				id: entry.id,
				file: entry.filePath ?? entry.id,
				data: entry.data as ChapterFrontmatter,
				body: entry.body ?? '',
			}));
			refuse(courseProblems(entries));
		},
	};
}
