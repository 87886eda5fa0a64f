// Every setting of the site, build and run, read from the environment (and `--host`/`--port`)
// in one place and checked once at start: a bad value stops the process with one line naming
// the setting, the rule it broke and an example, never a stack trace. The README's configuration
// table lists the same settings.
import { STREAM_PATH } from '../src/lib/constants.ts';
import { parseLogLevel } from './log.ts';
import { parseListenArgs } from './listen-args.ts';

/** A setting that cannot be used; `message` is the one line to print. */
export class ConfigError extends Error {
	override name = 'ConfigError';
}

export type Env = Readonly<Record<string, string | undefined>>;

/** What the build needs: the public URL and where the page's stream is. */
export interface BuildConfig {
	/** `SITE_URL`: the public URL of the site (an origin: the site is served from its root). */
	siteUrl: URL;
	/** `PUBLIC_STREAM_URL`: a path on the site's own origin, or a ws(s):// URL elsewhere. */
	publicStreamUrl: string;
	/** The path the site server and the dev server mount the stream on. */
	streamPath: string;
}

/** What `npm run serve` needs besides the build settings. */
export interface ServeConfig extends BuildConfig {
	/** True when `SITE_URL` was given (not the loopback default). */
	siteUrlGiven: boolean;
	host: string;
	port: number;
	/** `STREAM_ALLOWED_ORIGINS`: browser origins allowed on the stream; default the site's own. */
	allowedOrigins: string[];
	/** `TRUST_PROXY`: believe X-Forwarded-Host/-Proto/-For from the proxy in front. */
	trustProxy: boolean;
	/** `LOG_LEVEL`. */
	logLevel: string;
	/** `METRICS=1`: serve Prometheus metrics on `metricsHost:metricsPort` (never the public port). */
	metrics: boolean;
	metricsHost: string;
	metricsPort: number;
	/** `DRAIN_GRACE_MS`: after SIGTERM, how long open streams keep running before 1001. */
	drainGraceMs: number;
}

export const DEFAULT_SITE_URL = 'http://127.0.0.1:4321';
export const DEFAULT_METRICS_PORT = 9464;
export const DEFAULT_DRAIN_GRACE_MS = 5000;

/** Returns the variable's value, or undefined when unset or empty. */
function value(env: Env, name: string): string | undefined {
	const raw = env[name];
	return raw === undefined || raw.trim() === '' ? undefined : raw.trim();
}

/** Parses `SITE_URL`: an absolute http(s) URL without query or fragment. */
export function parseSiteUrl(raw: string | undefined): URL {
	const text = raw ?? DEFAULT_SITE_URL;
	let url: URL;
	try {
		url = new URL(text);
	} catch {
		throw new ConfigError(
			`SITE_URL must be an absolute http(s) URL, e.g. https://course.example.com; got "${text}".`,
		);
	}
	if (url.protocol !== 'http:' && url.protocol !== 'https:') {
		throw new ConfigError(
			`SITE_URL must start with http:// or https://, e.g. https://course.example.com; got "${text}".`,
		);
	}
	if (url.search || url.hash || url.username || url.password || url.pathname !== '/') {
		throw new ConfigError(
			`SITE_URL must be an origin with no path, query or credentials (the site is served from /), e.g. https://course.example.com; got "${text}".`,
		);
	}
	return url;
}

/** True for a path the stream can be mounted on: starts with `/`, no query, fragment or spaces. */
export function isStreamPath(path: string): boolean {
	return path.startsWith('/') && !path.startsWith('//') && !/[?#\s\\]/.test(path);
}

/**
 * Parses `PUBLIC_STREAM_URL`: a path on the site's origin (default `/stream`), or a ws:// or
 * wss:// URL of a stream elsewhere. Returns the value the page gets and the path the site
 * server mounts (the value itself when it is a path; the default path otherwise).
 */
export function parsePublicStreamUrl(raw: string | undefined): {
	publicStreamUrl: string;
	streamPath: string;
} {
	if (raw === undefined) return { publicStreamUrl: STREAM_PATH, streamPath: STREAM_PATH };
	if (raw.startsWith('/')) {
		if (!isStreamPath(raw)) {
			throw new ConfigError(
				`PUBLIC_STREAM_URL as a path must start with one "/" and have no query, fragment or spaces, e.g. /stream; got "${raw}".`,
			);
		}
		return { publicStreamUrl: raw, streamPath: raw };
	}
	let url: URL;
	try {
		url = new URL(raw);
	} catch {
		throw new ConfigError(
			`PUBLIC_STREAM_URL must be a path (/stream) or a ws:// or wss:// URL (wss://stream.example.com/); got "${raw}".`,
		);
	}
	if (url.protocol !== 'ws:' && url.protocol !== 'wss:') {
		throw new ConfigError(
			`PUBLIC_STREAM_URL must be a path (/stream) or a ws:// or wss:// URL (wss://stream.example.com/); got "${raw}".`,
		);
	}
	if (url.hash || url.username || url.password) {
		throw new ConfigError(
			`PUBLIC_STREAM_URL must have no fragment or credentials, e.g. wss://stream.example.com/; got "${raw}".`,
		);
	}
	return { publicStreamUrl: raw, streamPath: STREAM_PATH };
}

/** Parses `STREAM_ALLOWED_ORIGINS`: comma-separated origins such as `https://course.example.com`. */
export function parseOrigins(raw: string, name = 'STREAM_ALLOWED_ORIGINS'): string[] {
	const origins: string[] = [];
	for (const part of raw.split(',')) {
		const text = part.trim();
		if (text === '') continue;
		let url: URL | undefined;
		try {
			url = new URL(text);
		} catch {
			url = undefined;
		}
		if (
			!url ||
			(url.protocol !== 'http:' && url.protocol !== 'https:') ||
			url.origin !== text.replace(/\/$/, '')
		) {
			throw new ConfigError(
				`${name} must be comma-separated origins (scheme://host[:port], no path), e.g. https://course.example.com; got "${text}".`,
			);
		}
		origins.push(url.origin);
	}
	return origins;
}

/** Parses a yes/no switch: 1/true/yes/on or 0/false/no/off (any case); unset is `fallback`. */
export function parseSwitch(env: Env, name: string, fallback = false): boolean {
	const text = value(env, name);
	if (text === undefined) return fallback;
	const lower = text.toLowerCase();
	if (['1', 'true', 'yes', 'on'].includes(lower)) return true;
	if (['0', 'false', 'no', 'off'].includes(lower)) return false;
	throw new ConfigError(`${name} must be 1 or 0 (true/false, yes/no, on/off); got "${text}".`);
}

/** Parses a non-negative integer setting; unset is `fallback`. */
function parseInteger(env: Env, name: string, fallback: number, max: number, example: string) {
	const text = value(env, name);
	if (text === undefined) return fallback;
	const number = Number(text);
	if (!/^\d+$/.test(text) || number > max) {
		throw new ConfigError(
			`${name} must be an integer from 0 to ${max}, e.g. ${example}; got "${text}".`,
		);
	}
	return number;
}

/** The build settings (`astro.config.mjs` and the dev integration read these). */
export function loadBuildConfig(env: Env = process.env): BuildConfig {
	const siteUrl = parseSiteUrl(value(env, 'SITE_URL'));
	return { siteUrl, ...parsePublicStreamUrl(value(env, 'PUBLIC_STREAM_URL')) };
}

/** A host for a Host header: IPv6 in brackets, lower case. */
function hostForHeader(host: string): string {
	const lower = host.toLowerCase();
	return lower.includes(':') && !lower.startsWith('[') ? `[${lower}]` : lower;
}

/**
 * The Host header values accepted on the stream (the DNS-rebinding guard): the SITE_URL host,
 * the listen address, and the localhost/127.0.0.1 forms when listening on loopback; each with
 * and without its port (a proxy passing `Host $host` drops the port). Undefined, meaning any
 * Host, only when listening on every interface without a SITE_URL to name the public host.
 */
export function allowedHostsFor(
	siteUrl: URL | undefined,
	host: string,
	port: number,
): string[] | undefined {
	const anyInterface = host === '0.0.0.0' || host === '::' || host === '[::]';
	if (anyInterface && !siteUrl) return undefined;
	const names = new Set<string>();
	if (siteUrl) {
		names.add(siteUrl.host.toLowerCase());
		names.add(hostForHeader(siteUrl.hostname));
	}
	const loopback = ['127.0.0.1', 'localhost', '::1', '[::1]'].includes(host.toLowerCase());
	const listenNames = anyInterface ? [] : [hostForHeader(host)];
	if (loopback || anyInterface) listenNames.push('127.0.0.1', 'localhost', '[::1]');
	for (const name of listenNames) {
		names.add(name);
		names.add(`${name}:${port}`);
	}
	return [...names];
}

/**
 * Reads the serve settings from flags and the environment.
 * @throws {ConfigError} with one printable line for the first bad setting.
 */
export function loadServeConfig(argv: readonly string[], env: Env = process.env): ServeConfig {
	const build = loadBuildConfig(env);
	let listen;
	try {
		listen = parseListenArgs(argv, env, {
			host: '127.0.0.1',
			port: 4321,
			hostVar: 'HOST',
			portVar: 'PORT',
		});
	} catch (error) {
		throw new ConfigError(error instanceof Error ? error.message : String(error));
	}
	const siteUrlGiven = value(env, 'SITE_URL') !== undefined;
	const originsText = value(env, 'STREAM_ALLOWED_ORIGINS');
	const allowedOrigins = originsText
		? parseOrigins(originsText)
		: siteUrlGiven
			? [build.siteUrl.origin]
			: [];
	let logLevel: string;
	try {
		logLevel = parseLogLevel(value(env, 'LOG_LEVEL') ?? 'info');
	} catch (error) {
		throw new ConfigError(error instanceof Error ? error.message : String(error));
	}
	return {
		...build,
		siteUrlGiven,
		host: listen.host,
		port: listen.port,
		allowedOrigins,
		trustProxy: parseSwitch(env, 'TRUST_PROXY'),
		logLevel,
		metrics: parseSwitch(env, 'METRICS'),
		metricsHost: value(env, 'METRICS_HOST') ?? '127.0.0.1',
		metricsPort: parseInteger(env, 'METRICS_PORT', DEFAULT_METRICS_PORT, 65535, '9464'),
		drainGraceMs: parseInteger(env, 'DRAIN_GRACE_MS', DEFAULT_DRAIN_GRACE_MS, 600_000, '5000'),
	};
}

/** The settings worth one log line at start (nothing secret lives here). */
export function summarise(config: ServeConfig): Record<string, unknown> {
	return {
		siteUrl: config.siteUrlGiven ? config.siteUrl.href : undefined,
		streamPath: config.streamPath,
		publicStreamUrl: config.publicStreamUrl,
		allowedOrigins: config.allowedOrigins,
		trustProxy: config.trustProxy,
		metrics: config.metrics ? `${config.metricsHost}:${config.metricsPort}` : false,
		drainGraceMs: config.drainGraceMs,
	};
}
