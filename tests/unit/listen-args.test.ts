import { describe, expect, it } from 'vitest';
import { parseListenArgs, type ListenDefaults } from '../../server/listen-args.ts';

const DEFAULTS: ListenDefaults = {
	host: '127.0.0.1',
	port: 8765,
	hostVar: 'STREAM_HOST',
	portVar: 'STREAM_PORT',
};

describe('parseListenArgs', () => {
	it('uses the defaults with no flags and no environment', () => {
		expect(parseListenArgs([], {}, DEFAULTS)).toEqual({ host: '127.0.0.1', port: 8765 });
	});

	it('treats empty environment variables as unset', () => {
		expect(parseListenArgs([], { STREAM_HOST: '', STREAM_PORT: '' }, DEFAULTS)).toEqual({
			host: '127.0.0.1',
			port: 8765,
		});
	});

	it('reads the environment variables named in the defaults, and only those', () => {
		expect(parseListenArgs([], { STREAM_HOST: '0.0.0.0', STREAM_PORT: '9000' }, DEFAULTS)).toEqual({
			host: '0.0.0.0',
			port: 9000,
		});
		expect(parseListenArgs([], { HOST: '0.0.0.0', PORT: '9000' }, DEFAULTS)).toEqual({
			host: '127.0.0.1',
			port: 8765,
		});
		const site: ListenDefaults = {
			host: 'localhost',
			port: 4321,
			hostVar: 'HOST',
			portVar: 'PORT',
		};
		expect(parseListenArgs([], { HOST: '::1', PORT: '8080', STREAM_PORT: '1' }, site)).toEqual({
			host: '::1',
			port: 8080,
		});
	});

	it('lets flags win over the environment', () => {
		const env = { STREAM_HOST: '0.0.0.0', STREAM_PORT: '9000' };
		expect(parseListenArgs(['--host', '::1', '--port', '1234'], env, DEFAULTS)).toEqual({
			host: '::1',
			port: 1234,
		});
		expect(parseListenArgs(['--port', '1234'], env, DEFAULTS)).toEqual({
			host: '0.0.0.0',
			port: 1234,
		});
		expect(parseListenArgs(['--host', 'localhost'], env, DEFAULTS)).toEqual({
			host: 'localhost',
			port: 9000,
		});
	});

	it('accepts the --flag=value form', () => {
		expect(parseListenArgs(['--port=123', '--host=0.0.0.0'], {}, DEFAULTS)).toEqual({
			host: '0.0.0.0',
			port: 123,
		});
		expect(parseListenArgs(['--port=123'], { STREAM_PORT: '9000' }, DEFAULTS)).toEqual({
			host: '127.0.0.1',
			port: 123,
		});
	});

	it('takes the last of a repeated flag', () => {
		expect(parseListenArgs(['--port', '1', '--port=2'], {}, DEFAULTS)).toEqual({
			host: '127.0.0.1',
			port: 2,
		});
	});

	it('accepts the edges of the port range, 0 included (the OS picks)', () => {
		expect(parseListenArgs(['--port', '0'], {}, DEFAULTS).port).toBe(0);
		expect(parseListenArgs(['--port', '65535'], {}, DEFAULTS).port).toBe(65535);
		expect(parseListenArgs([], { STREAM_PORT: '0' }, DEFAULTS).port).toBe(0);
	});

	describe('a bad port is a RangeError naming where it came from', () => {
		for (const bad of [
			'abc',
			'70000',
			'65536',
			'-1',
			'1.5',
			'1e3',
			'0x50',
			' 80',
			'80 ',
			'+80',
			'١٢٣',
		]) {
			it(`--port ${JSON.stringify(bad)}`, () => {
				expect(() => parseListenArgs(['--port', bad], {}, DEFAULTS)).toThrow(RangeError);
				expect(() => parseListenArgs(['--port', bad], {}, DEFAULTS)).toThrow(
					`\`--port\` must be an integer from 0 to 65535; got \`${bad}\`.`,
				);
			});
			it(`STREAM_PORT=${JSON.stringify(bad)}`, () => {
				expect(() => parseListenArgs([], { STREAM_PORT: bad }, DEFAULTS)).toThrow(RangeError);
				expect(() => parseListenArgs([], { STREAM_PORT: bad }, DEFAULTS)).toThrow(
					`\`STREAM_PORT\` must be an integer from 0 to 65535; got \`${bad}\`.`,
				);
			});
		}

		it('--port=-1 in the inline form too', () => {
			expect(() => parseListenArgs(['--port=-1'], {}, DEFAULTS)).toThrow(
				/`--port` must be an integer from 0 to 65535; got `-1`/,
			);
		});

		it('a good flag overrides a bad environment value', () => {
			expect(parseListenArgs(['--port', '80'], { STREAM_PORT: 'abc' }, DEFAULTS).port).toBe(80);
		});
	});

	describe('an unknown flag or a flag without a value is a TypeError', () => {
		const cases: Array<[string[], RegExp]> = [
			[['--verbose'], /Unknown option `--verbose`/],
			[['-p', '80'], /Unknown option `-p`/],
			[['8080'], /Unknown option `8080`/],
			[['--ports=80'], /Unknown option `--ports=80`/],
			[['--port'], /Option `--port` needs a value/],
			[['--host'], /Option `--host` needs a value/],
			[['--port='], /Option `--port` needs a value/],
			[['--host='], /Option `--host` needs a value/],
			[['--host', '0.0.0.0', '--port'], /Option `--port` needs a value/],
		];
		for (const [argv, message] of cases) {
			it(JSON.stringify(argv), () => {
				expect(() => parseListenArgs(argv, {}, DEFAULTS)).toThrow(TypeError);
				expect(() => parseListenArgs(argv, {}, DEFAULTS)).toThrow(message);
			});
		}

		it('names both options in the unknown-option message', () => {
			expect(() => parseListenArgs(['--verbose'], {}, DEFAULTS)).toThrow(
				'Unknown option `--verbose`; the options are --host <address> and --port <0-65535>.',
			);
		});
	});
});
