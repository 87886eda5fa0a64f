// The chapters collection: one MDX file per chapter in content/chapters/, its front matter
// checked by the schema in src/lib/chapter-schema.ts and the course by src/lib/course.ts (a
// broken one fails the build with one line per problem, naming the file and the field).
import { defineCollection } from 'astro:content';
import { chapterLoader } from './loaders/chapter-loader.ts';
import { chapterSchema } from './lib/chapter-schema.ts';

const chapters = defineCollection({
	loader: chapterLoader({ pattern: '*.mdx', base: './content/chapters' }),
	schema: chapterSchema,
});

export const collections = { chapters };
