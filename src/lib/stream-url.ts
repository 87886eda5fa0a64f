// Where the page's stream is, from the build-time PUBLIC_STREAM_URL setting (default STREAM_PATH).
// A path is on the page's own origin (the page mount: the chapter's message works as taught); a
// ws(s):// or http(s):// URL on another origin is a standalone OpenAlgo-style server, which
// wants `authenticate` first.
import { STREAM_PATH } from './constants.ts';

export interface StreamEndpoint {
	/** The ws: or wss: URL to open. */
	url: string;
	/** The http: or https: URL of the same place, for asking whether anything answers there. */
	httpUrl: string;
	/** 'page' on the page's own origin; 'standalone' on another origin (authenticate first). */
	mount: 'page' | 'standalone';
	/** What the panel calls it: the path on the same origin, the whole URL otherwise. */
	label: string;
}

/**
 * Resolves the stream setting against the page's URL. A path (or empty: STREAM_PATH) means the
 * page's origin, ws: or wss: as the page is http: or https:. Throws a TypeError naming the
 * setting when the value is neither a path nor a ws:, wss:, http: or https: URL.
 */
export function resolveStreamEndpoint(
	setting: string | undefined,
	pageHref: string,
): StreamEndpoint {
	const page = new URL(pageHref);
	const value = (setting ?? '').trim() || STREAM_PATH;
	let target: URL;
	try {
		target = new URL(value, page);
	} catch {
		throw new TypeError(
			`PUBLIC_STREAM_URL \`${value}\` is neither a path (e.g. /stream) nor a ws:// or wss:// URL.`,
		);
	}
	const secure = { 'https:': true, 'wss:': true, 'http:': false, 'ws:': false }[target.protocol];
	if (secure === undefined)
		throw new TypeError(
			`PUBLIC_STREAM_URL \`${value}\` uses ${target.protocol}; use a path (e.g. /stream) or a ws:// or wss:// URL.`,
		);
	const ws = new URL(target.href);
	ws.protocol = secure ? 'wss:' : 'ws:';
	const http = new URL(target.href);
	http.protocol = secure ? 'https:' : 'http:';
	const sameOrigin = http.origin === page.origin;
	return {
		url: ws.href,
		httpUrl: http.href,
		mount: sameOrigin ? 'page' : 'standalone',
		label: sameOrigin ? `${ws.pathname}${ws.search}` : ws.href,
	};
}
