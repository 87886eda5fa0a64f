// Turns benchmark figures into Markdown tables for the console and bench/RESULTS.md.
import { writeFileSync } from 'node:fs';

export type Row = Record<string, string | number | boolean | null>;

/** A Markdown table of rows; columns are the union of the rows' keys, in first-seen order. */
export function markdownTable(rows: readonly Row[]): string {
	if (rows.length === 0) return '(no rows)';
	const columns: string[] = [];
	for (const row of rows)
		for (const key of Object.keys(row)) if (!columns.includes(key)) columns.push(key);
	const cell = (value: Row[string] | undefined): string =>
		value === undefined || value === null ? '' : String(value).replaceAll('|', '\\|');
	return [
		`| ${columns.join(' | ')} |`,
		`| ${columns.map(() => '---').join(' | ')} |`,
		...rows.map((row) => `| ${columns.map((c) => cell(row[c])).join(' | ')} |`),
	].join('\n');
}

/**
 * Reads the rows out of a benchmark's `--json` output: an array of flat objects, an object with
 * a `rows` (or `results`) array, or a flat object (one row). Nested values are shown as JSON.
 */
export function rowsFromJson(value: unknown): Row[] {
	const flatten = (entry: unknown): Row => {
		const row: Row = {};
		if (entry && typeof entry === 'object') {
			for (const [key, item] of Object.entries(entry)) {
				row[key] =
					item === null || ['string', 'number', 'boolean'].includes(typeof item)
						? (item as Row[string])
						: JSON.stringify(item);
			}
		}
		return row;
	};
	if (Array.isArray(value)) return value.map(flatten);
	if (value && typeof value === 'object') {
		const record = value as Record<string, unknown>;
		const list = record.rows ?? record.results;
		if (Array.isArray(list)) return list.map(flatten);
		return [flatten(value)];
	}
	return [];
}

/**
 * Prints a bench's rows as a Markdown table, or as JSON (`{ command, rows }`) when `jsonFlag` is
 * '' (a bare `--json`); with `--json file`, prints the table and writes the JSON to that file.
 */
export function printRows(
	command: string,
	rows: readonly Row[],
	jsonFlag: string | undefined,
): void {
	const document = { command, rows };
	if (jsonFlag === '') console.log(JSON.stringify(document, null, 2));
	else console.log(markdownTable(rows));
	if (jsonFlag) writeFileSync(jsonFlag, JSON.stringify(document, null, 2));
}
