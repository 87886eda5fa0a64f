// The servers' one logger: pino, one JSON line per event on stdout, or pino-pretty's readable
// lines when stdout is a terminal. LOG_LEVEL sets the level (default `info`); under Vitest the
// default is `silent` so test output stays readable (set LOG_LEVEL to see the lines).
import { pino, type Logger, type LevelWithSilent } from 'pino';

export type { Logger } from 'pino';

const LEVELS: readonly LevelWithSilent[] = [
	'fatal',
	'error',
	'warn',
	'info',
	'debug',
	'trace',
	'silent',
];

export interface LoggerOptions {
	/** Overrides LOG_LEVEL. */
	level?: string;
	/** Overrides the terminal check: true for readable lines, false for JSON. */
	pretty?: boolean;
	/** Where JSON lines go (tests collect them); defaults to stdout. */
	destination?: NodeJS.WritableStream;
	/** Fields on every line, e.g. `{ server: 'site' }`. */
	base?: Record<string, unknown>;
}

/** Parses a level name; throws a RangeError naming LOG_LEVEL and the allowed values otherwise. */
export function parseLogLevel(value: string): LevelWithSilent {
	const level = value.trim().toLowerCase();
	if ((LEVELS as readonly string[]).includes(level)) return level as LevelWithSilent;
	throw new RangeError(`LOG_LEVEL must be one of ${LEVELS.join(', ')}; got "${value}".`);
}

/** Creates a logger; see the module comment for the defaults. */
export function createLogger(options: LoggerOptions = {}): Logger {
	const fromEnv = process.env.LOG_LEVEL;
	const level = parseLogLevel(
		options.level ??
			(fromEnv !== undefined && fromEnv !== '' ? fromEnv : process.env.VITEST ? 'silent' : 'info'),
	);
	const pretty =
		options.pretty ?? (options.destination === undefined && process.stdout.isTTY === true);
	const settings = { level, base: options.base ?? null, timestamp: pino.stdTimeFunctions.isoTime };
	if (pretty) {
		return pino({
			...settings,
			transport: {
				target: 'pino-pretty',
				options: { colorize: true, translateTime: 'SYS:HH:MM:ss.l' },
			},
		});
	}
	return options.destination ? pino(settings, options.destination) : pino(settings);
}
