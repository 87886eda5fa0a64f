import { describe, expect, it } from 'vitest';
import { resolveStreamEndpoint } from '../../src/lib/stream-url.ts';

describe('resolveStreamEndpoint', () => {
	it('puts a path on the page’s own origin, ws: beside http:', () => {
		expect(resolveStreamEndpoint('/stream', 'http://127.0.0.1:4321/chapters/39/')).toEqual({
			url: 'ws://127.0.0.1:4321/stream',
			httpUrl: 'http://127.0.0.1:4321/stream',
			mount: 'page',
			label: '/stream',
		});
	});

	it('uses wss: on an https: page, and STREAM_PATH when the setting is empty', () => {
		const endpoint = resolveStreamEndpoint('', 'https://course.example.com/chapters/39/');
		expect(endpoint.url).toBe('wss://course.example.com/stream');
		expect(endpoint.mount).toBe('page');
		expect(resolveStreamEndpoint(undefined, 'https://a.example/').url).toBe(
			'wss://a.example/stream',
		);
	});

	it('treats a URL on another origin as a standalone server', () => {
		expect(
			resolveStreamEndpoint('wss://stream.example.com/', 'https://course.example.com/x/'),
		).toEqual({
			url: 'wss://stream.example.com/',
			httpUrl: 'https://stream.example.com/',
			mount: 'standalone',
			label: 'wss://stream.example.com/',
		});
		expect(resolveStreamEndpoint('ws://127.0.0.1:8765', 'http://127.0.0.1:4321/').mount).toBe(
			'standalone',
		);
	});

	it('treats a full URL on the page’s own origin as the page mount', () => {
		const endpoint = resolveStreamEndpoint('ws://127.0.0.1:4321/live', 'http://127.0.0.1:4321/');
		expect(endpoint.mount).toBe('page');
		expect(endpoint.label).toBe('/live');
	});

	it('refuses other schemes, naming the setting', () => {
		expect(() => resolveStreamEndpoint('ftp://x.example/', 'http://a.example/')).toThrow(
			/PUBLIC_STREAM_URL `ftp:\/\/x.example\/` uses ftp:/,
		);
	});
});
