// Who is asking, from an upgrade request: the client's address (for the per-address limits and
// the logs), and whether its Origin and Host may use the stream (the browser and DNS-rebinding
// guards). Behind a reverse proxy the socket's peer is the proxy; with `trustProxy` the proxy's
// X-Forwarded-For and X-Forwarded-Host say who the client is and what it asked for.
import type { IncomingMessage } from 'node:http';

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/** `::ffff:127.0.0.1` (an IPv4 peer on a dual-stack socket) is the same client as `127.0.0.1`. */
function normaliseAddress(address: string): string {
	const text = address.trim();
	return text.toLowerCase().startsWith('::ffff:') && text.includes('.') ? text.slice(7) : text;
}

function firstHeader(value: string | string[] | undefined): string | undefined {
	return Array.isArray(value) ? value[0] : value;
}

/**
 * The client's address. With `trustProxy`, the last X-Forwarded-For entry: the one our proxy
 * appended (nginx's `$proxy_add_x_forwarded_for`); entries before it are whatever the client
 * sent and cannot be believed. Without it, or without the header, the socket's peer.
 */
export function clientAddress(req: IncomingMessage, trustProxy = false): string {
	if (trustProxy) {
		const forwarded = req.headers['x-forwarded-for'];
		const list = (Array.isArray(forwarded) ? forwarded.join(',') : (forwarded ?? ''))
			.split(',')
			.map((entry) => entry.trim())
			.filter(Boolean);
		const last = list.at(-1);
		if (last !== undefined) return normaliseAddress(last);
	}
	return normaliseAddress(req.socket.remoteAddress ?? 'unknown');
}

/**
 * The host the client asked for: the Host header, or with `trustProxy` the first
 * X-Forwarded-Host entry (the host the browser used, before any proxy), lower-cased.
 */
export function requestHost(req: IncomingMessage, trustProxy = false): string | undefined {
	const forwarded = trustProxy ? firstHeader(req.headers['x-forwarded-host']) : undefined;
	const host = forwarded?.split(',')[0]?.trim() || req.headers.host;
	return host === undefined || host === '' ? undefined : host.toLowerCase();
}

/**
 * Decides whether a browser may connect. No Origin header (wscat, websocat, most SDKs): allowed.
 * Otherwise the Origin's host must equal the request's Host, be listed in `allowed`, or, on the
 * standalone mount, be a loopback address (a page on localhost talking to the local mock).
 */
export function isOriginAllowed(
	origin: string | undefined,
	host: string | undefined,
	mount: 'site' | 'standalone',
	allowed: readonly string[] = [],
): boolean {
	if (origin === undefined || origin === '') return true;
	if (allowed.includes(origin)) return true;
	let url: URL;
	try {
		url = new URL(origin);
	} catch {
		return false;
	}
	if (host !== undefined && url.host === host.toLowerCase()) return true;
	return mount === 'standalone' && LOOPBACK_HOSTS.has(url.hostname);
}

/**
 * The DNS-rebinding guard: with `allowed` set, the Host must be one of its entries exactly
 * (case-insensitive; list both `example.com` and `example.com:8443` where a port may appear).
 * Unset: any Host, as a server listening on every interface without a public name must accept.
 */
export function isHostAllowed(host: string | undefined, allowed?: readonly string[]): boolean {
	if (allowed === undefined) return true;
	if (host === undefined) return false;
	const wanted = host.toLowerCase();
	return allowed.some((entry) => entry.toLowerCase() === wanted);
}
