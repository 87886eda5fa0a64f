// What an author sees when a chapter's front matter is wrong: real `astro build` runs of broken
// copies of the fixture course, whose output must carry the loader's message (one line per
// problem, file and field named) and nothing of Astro's garbled default (`title**: **title`).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixtureCopy } from '../support/fixture-course.ts';

/** Edits one file of a fixture copy. */
function change(root: string, file: string, edit: (text: string) => string): void {
	const path = join(root, file);
	writeFileSync(path, edit(readFileSync(path, 'utf8')));
}

/** The loader's message in the build output: from its first line to the hint. */
function messageIn(output: string): string {
	const start = output.search(/content\/chapters\/\S+: (one problem|\d+ problems)/);
	if (start === -1) throw new Error(`no front-matter message in the build output:\n${output}`);
	const end = output.indexOf('Hint:', start);
	return output
		.slice(start, end === -1 ? undefined : end)
		.split('\n')
		.map((line) => line.trim())
		.filter((line) => line !== '')
		.join('\n');
}

describe('astro build of a course with broken front matter', () => {
	it(
		'fails with one line per problem of a chapter, naming file, field and fix',
		{ timeout: 90_000 },
		async () => {
			const copy = fixtureCopy((root) =>
				change(root, 'content/chapters/1-first-steps.mdx', (text) =>
					text
						.replace('title: First Steps\n', '')
						.replace('status: live', 'status: published')
						.replace('summary:', 'sumary:'),
				),
			);
			try {
				const run = await copy.build();
				expect(run.status).not.toBe(0);
				expect(run.output).not.toMatch(/\*\*/);
				expect(messageIn(run.output)).toMatchInlineSnapshot(`
				"content/chapters/1-first-steps.mdx: 4 problems in the front matter
				- \`title\` is missing. Allowed: non-empty text. Add \`title\`.
				- \`summary\` is missing. Allowed: non-empty text. Add \`summary\`.
				- \`status\` is "published" (text). Allowed: \`live\`, \`draft\`, \`coming-soon\`. Change \`status\` to an allowed value.
				- \`sumary\` is not a chapter field (received "A live chapter of the fixture course,…" (text)). Allowed here: \`module\`, \`chapter\`, \`title\`, \`summary\`, \`status\`, \`learn\`, \`nextTitle\`, \`source\`. Did you mean \`summary\`? Rename it."
			`);
			} finally {
				copy.remove();
			}
		},
	);

	it('fails on two chapters with one number, naming both files', { timeout: 90_000 }, async () => {
		const copy = fixtureCopy((root) =>
			change(root, 'content/chapters/2-drafting.mdx', (text) =>
				text.replace('chapter: 2', 'chapter: 1'),
			),
		);
		try {
			const run = await copy.build();
			expect(run.status).not.toBe(0);
			expect(messageIn(run.output)).toMatchInlineSnapshot(`
				"content/chapters/1-first-steps.mdx: one problem in the front matter
				- \`chapter\` is 1, which content/chapters/2-drafting.mdx also uses. Allowed: a number no other chapter has. Renumber one of content/chapters/1-first-steps.mdx, content/chapters/2-drafting.mdx.
				content/chapters/2-drafting.mdx: one problem in the front matter
				- \`chapter\` is 1, which content/chapters/1-first-steps.mdx also uses. Allowed: a number no other chapter has. Renumber one of content/chapters/1-first-steps.mdx, content/chapters/2-drafting.mdx."
			`);
		} finally {
			copy.remove();
		}
	});

	it(
		'fails on two exercises with one id, which would share a saved answer',
		{ timeout: 90_000 },
		async () => {
			const copy = fixtureCopy((root) =>
				change(root, 'content/chapters/1-first-steps.mdx', (text) =>
					text.replace('<Exercise id="b"', '<Exercise id="a"'),
				),
			);
			try {
				const run = await copy.build();
				expect(run.status).not.toBe(0);
				expect(run.output).toContain(
					'content/chapters/1-first-steps.mdx: two `<Exercise>` elements have `id="a"`.',
				);
			} finally {
				copy.remove();
			}
		},
	);
});
