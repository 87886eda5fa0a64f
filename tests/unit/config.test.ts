// The settings as an operator writes them: what each accepts, and the one line a bad value gets.
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
	allowedHostsFor,
	ConfigError,
	loadBuildConfig,
	loadServeConfig,
	parseOrigins,
	parsePublicStreamUrl,
	parseSiteUrl,
} from '../../server/config.ts';

describe('build settings', () => {
	it('defaults to loopback and the stream at /stream', () => {
		const build = loadBuildConfig({});
		expect(build.siteUrl.href).toBe('http://127.0.0.1:4321/');
		expect(build).toMatchObject({ publicStreamUrl: '/stream', streamPath: '/stream' });
	});

	it('takes a stream path on the same origin, or a ws(s) URL elsewhere', () => {
		expect(parsePublicStreamUrl('/live')).toEqual({
			publicStreamUrl: '/live',
			streamPath: '/live',
		});
		expect(parsePublicStreamUrl('wss://stream.example.com/')).toEqual({
			publicStreamUrl: 'wss://stream.example.com/',
			streamPath: '/stream',
		});
		for (const bad of ['//evil.example/x', '/a?b', '/a b', 'http://s.example.com/', 'stream']) {
			expect(() => parsePublicStreamUrl(bad), bad).toThrow(ConfigError);
		}
	});

	it('takes SITE_URL only as an http(s) origin', () => {
		expect(parseSiteUrl('https://course.example.com').href).toBe('https://course.example.com/');
		for (const bad of [
			'course.example.com',
			'ftp://x.example',
			'https://x.example/sub/',
			'https://x.example/?a',
		]) {
			expect(() => parseSiteUrl(bad), bad).toThrow(/^SITE_URL must/);
		}
	});
});

describe('serve settings', () => {
	it('allows the site’s own origin by default once SITE_URL is given', () => {
		expect(loadServeConfig([], {}).allowedOrigins).toEqual([]);
		expect(loadServeConfig([], { SITE_URL: 'https://course.example.com' }).allowedOrigins).toEqual([
			'https://course.example.com',
		]);
		expect(
			loadServeConfig([], { STREAM_ALLOWED_ORIGINS: 'https://a.example, http://b.example:8080' })
				.allowedOrigins,
		).toEqual(['https://a.example', 'http://b.example:8080']);
	});

	it('refuses an origin with a path, or that is not http(s)', () => {
		for (const bad of ['https://a.example/x', 'a.example', 'ws://a.example']) {
			expect(() => parseOrigins(bad), bad).toThrow(/^STREAM_ALLOWED_ORIGINS must be/);
		}
	});

	it('flags win over the environment; bad values name the setting', () => {
		expect(loadServeConfig(['--port', '8080'], { PORT: '9000' }).port).toBe(8080);
		expect(() => loadServeConfig([], { PORT: '70000' })).toThrow(/PORT/);
		expect(() => loadServeConfig([], { METRICS: 'sure' })).toThrow(/^METRICS must be 1 or 0/);
		expect(() => loadServeConfig([], { METRICS_PORT: '-1' })).toThrow(/^METRICS_PORT must be/);
		expect(loadServeConfig([], { TRUST_PROXY: 'yes', METRICS: '1' })).toMatchObject({
			trustProxy: true,
			metrics: true,
		});
	});
});

describe('allowed Host headers on the stream', () => {
	it('on loopback: the loopback names, with and without the port', () => {
		expect(allowedHostsFor(undefined, '127.0.0.1', 4321)).toEqual(
			expect.arrayContaining(['127.0.0.1:4321', 'localhost:4321', '[::1]:4321', 'localhost']),
		);
	});

	it('with SITE_URL: its host too, also without the port a proxy drops', () => {
		const hosts = allowedHostsFor(new URL('https://course.example.com:8443'), '127.0.0.1', 4321)!;
		expect(hosts).toEqual(
			expect.arrayContaining(['course.example.com:8443', 'course.example.com']),
		);
		expect(hosts).not.toContain('evil.example');
	});

	it('on every interface without SITE_URL: any Host (nothing names the public host)', () => {
		expect(allowedHostsFor(undefined, '0.0.0.0', 80)).toBeUndefined();
		expect(allowedHostsFor(new URL('http://course.example.com'), '0.0.0.0', 80)).toEqual(
			expect.arrayContaining(['course.example.com']),
		);
	});
});

describe('astro.config.mjs', () => {
	afterEach(() => {
		vi.unstubAllEnvs();
		vi.resetModules();
	});

	it('takes the site URL and the page stream URL from SITE_URL and PUBLIC_STREAM_URL', async () => {
		vi.stubEnv('SITE_URL', 'https://course.example.com');
		vi.stubEnv('PUBLIC_STREAM_URL', 'wss://stream.example.com/');
		const { default: config } = await import('../../astro.config.mjs');
		expect(config.site).toBe('https://course.example.com/');
		expect(config.vite?.define?.['import.meta.env.PUBLIC_STREAM_URL']).toBe(
			JSON.stringify('wss://stream.example.com/'),
		);
	});

	it('defaults the page stream to /stream', async () => {
		vi.stubEnv('SITE_URL', '');
		vi.stubEnv('PUBLIC_STREAM_URL', '');
		const { default: config } = await import('../../astro.config.mjs');
		expect(config.site).toBe('http://127.0.0.1:4321/');
		expect(config.vite?.define?.['import.meta.env.PUBLIC_STREAM_URL']).toBe('"/stream"');
	});
});
