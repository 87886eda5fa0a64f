import { defineConfig } from 'vitest/config';

// Two projects: `unit` (pure modules, real ws sockets on loopback, python3 where present) and
// `browser` (the built site in Debian's Chromium via playwright-core). `npm test` builds first.
export default defineConfig({
	test: {
		projects: [
			{
				test: {
					name: 'unit',
					include: ['tests/unit/**/*.test.ts'],
					testTimeout: 20_000,
				},
			},
			{
				test: {
					// Checks on the built site (byte budgets, text fidelity); needs `astro build` first.
					name: 'build',
					include: ['tests/build/**/*.test.ts'],
				},
			},
			{
				test: {
					name: 'browser',
					include: ['tests/browser/**/*.test.ts'],
					testTimeout: 60_000,
					hookTimeout: 60_000,
					// One Chromium at a time: the machine has two cores.
					fileParallelism: false,
				},
			},
		],
	},
});
