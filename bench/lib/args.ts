// The command-line flags of the benches: `--flag value` or `--flag=value`.

/** This process's arguments after the script. */
export const args = process.argv.slice(2);

/**
 * The value of `flag`: undefined when absent, '' when present with no value (the next argument
 * is another flag, or there is none).
 */
export function valueOf(flag: string): string | undefined {
	const inline = args.find((a) => a.startsWith(`${flag}=`));
	if (inline !== undefined) return inline.slice(flag.length + 1);
	const index = args.indexOf(flag);
	if (index === -1) return undefined;
	const next = args[index + 1];
	return next === undefined || next.startsWith('--') ? '' : next;
}
