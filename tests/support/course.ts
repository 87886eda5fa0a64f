// The chapters of a course as the tests find them (by discovery, never by name): each MDX file
// under <root>/content/chapters/, its front matter parsed with `yaml`, and where its built page
// is. Used by the build, browser and fixture tests so every check runs for every chapter.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';

export const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface FoundChapter {
	/** The file name without `.mdx`: the entry id and URL slug. */
	id: string;
	/** The MDX file, relative to the course root. */
	file: string;
	/** The front matter as written (not validated: the build does that). */
	frontMatter: {
		chapter: number;
		title: string;
		status?: string;
		source?: string;
		learn: { text: string; section: string }[];
		[key: string]: unknown;
	};
	body: string;
	/** The page's path on the site, e.g. `/chapters/39-what-a-websocket-is/`. */
	path: string;
	/** Whether a production build has a page for it (live chapters; drafts and coming-soon do not). */
	built: boolean;
}

/** Every chapter of the course rooted at `root` (default: this project), in chapter order. */
export function findChapters(root: string = PROJECT_ROOT): FoundChapter[] {
	const folder = join(root, 'content', 'chapters');
	return readdirSync(folder)
		.filter((name) => name.endsWith('.mdx'))
		.map((name) => {
			const source = readFileSync(join(folder, name), 'utf8');
			const match = /^---\n([\s\S]*?)\n---\n([\s\S]*)$/.exec(source);
			if (!match) throw new Error(`content/chapters/${name}: no front matter between --- lines`);
			const frontMatter = parseYaml(match[1]!) as FoundChapter['frontMatter'];
			const id = name.replace(/\.mdx$/, '');
			const status = frontMatter.status ?? 'draft';
			return {
				id,
				file: `content/chapters/${name}`,
				frontMatter,
				body: match[2]!,
				path: `/chapters/${id}/`,
				built: status === 'live',
			};
		})
		.sort((a, b) => a.frontMatter.chapter - b.frontMatter.chapter);
}
