// The chapters collection: one MDX file per chapter in content/chapters/, its front matter
// checked by the schema in src/lib/chapter-schema.ts (a broken one fails the build, naming the
// file and the field).
import { defineCollection } from 'astro:content';
import { glob } from 'astro/loaders';
import { chapterSchema } from './lib/chapter-schema.ts';

const chapters = defineCollection({
	loader: glob({ pattern: '*.mdx', base: './content/chapters' }),
	schema: chapterSchema,
});

export const collections = { chapters };
