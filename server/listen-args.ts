// Reads where a server listens from `--host`/`--port` flags, then environment variables, then
// defaults, and rejects a bad value with the rule it broke.

export interface ListenDefaults {
	host: string;
	port: number;
	/** Environment variable for the host, e.g. `STREAM_HOST`. */
	hostVar: string;
	/** Environment variable for the port, e.g. `STREAM_PORT`. */
	portVar: string;
}

export interface ListenAddress {
	host: string;
	port: number;
}

/**
 * Returns the host and port to listen on. Flags win over the environment.
 * @throws {TypeError} for an unknown flag or a flag without a value.
 * @throws {RangeError} for a port that is not an integer from 0 to 65535.
 */
export function parseListenArgs(
	argv: readonly string[],
	env: Readonly<Record<string, string | undefined>>,
	defaults: ListenDefaults,
): ListenAddress {
	let host = env[defaults.hostVar] || defaults.host;
	let portText: string | undefined = env[defaults.portVar];
	let portSource = defaults.portVar;
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i]!;
		const [flag, inline] = arg.includes('=')
			? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
			: [arg, undefined];
		if (flag !== '--host' && flag !== '--port') {
			throw new TypeError(
				`Unknown option \`${arg}\`; the options are --host <address> and --port <0-65535>.`,
			);
		}
		const value = inline ?? argv[++i];
		if (value === undefined || value === '') {
			throw new TypeError(
				`Option \`${flag}\` needs a value, e.g. ${flag === '--host' ? '--host 127.0.0.1' : '--port 8765'}.`,
			);
		}
		if (flag === '--host') host = value;
		else {
			portText = value;
			portSource = '--port';
		}
	}
	let port = defaults.port;
	if (portText !== undefined && portText !== '') {
		port = Number(portText);
		if (!/^\d+$/.test(portText) || !Number.isInteger(port) || port < 0 || port > 65535) {
			throw new RangeError(
				`\`${portSource}\` must be an integer from 0 to 65535; got \`${portText}\`.`,
			);
		}
	}
	return { host, port };
}
