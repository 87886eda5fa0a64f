// Authors get completion and help while typing front matter: the build writes the chapter
// schema as JSON schema (.astro/collections/, from the zod schema's describe() texts) and maps
// each chapter file to it, and .vscode/settings.json turns the editor extension's use of it on.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CHAPTER_STATUSES } from '../../src/lib/chapter-schema.ts';
import { PROJECT_ROOT, findChapters } from '../support/course.ts';
import { distAvailable } from './dist.ts';

const COLLECTIONS = join(PROJECT_ROOT, '.astro', 'collections');

interface JsonSchema {
	description?: string;
	properties?: Record<string, JsonSchema>;
	items?: JsonSchema;
	enum?: string[];
}

describe.skipIf(!distAvailable)('the chapter schema for editors', () => {
	const read = <T>(name: string): T =>
		JSON.parse(readFileSync(join(COLLECTIONS, name), 'utf8')) as T;

	it('is written by the build, with help for every field', () => {
		expect(existsSync(join(COLLECTIONS, 'chapters.schema.json'))).toBe(true);
		const schema = read<JsonSchema>('chapters.schema.json');
		const undescribed: string[] = [];
		const walk = (node: JsonSchema, path: string): void => {
			if (!node.description) undescribed.push(path);
			for (const [key, child] of Object.entries(node.properties ?? {}))
				walk(child, path ? `${path}.${key}` : key);
			if (node.items) walk(node.items, `${path}[]`);
		};
		// `$schema` is Astro's own addition (a file may name its schema).
		for (const [key, child] of Object.entries(schema.properties ?? {}))
			if (key !== '$schema') walk(child, key);
		expect(undescribed).toEqual([]);
		expect(schema.properties?.status?.enum).toEqual([...CHAPTER_STATUSES]);
	});

	it('maps every chapter file to it', () => {
		const manifest = read<{ entries: Record<string, string> }>('collections.json');
		// Astro writes the keys lower-cased, so a checkout under /tmp/tmp.AbC… is keyed tmp.abc….
		const entries = new Map(
			Object.entries(manifest.entries).map(([url, collection]) => [url.toLowerCase(), collection]),
		);
		for (const chapter of findChapters())
			expect(entries.get(pathToFileURL(join(PROJECT_ROOT, chapter.file)).href.toLowerCase())).toBe(
				'chapters',
			);
	});

	it('is turned on for VS Code', () => {
		const settings = JSON.parse(
			readFileSync(join(PROJECT_ROOT, '.vscode', 'settings.json'), 'utf8'),
		) as Record<string, unknown>;
		expect(settings['astro.content-intellisense']).toBe(true);
	});
});
