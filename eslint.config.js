// @ts-check
// ESLint over every file: the recommended rules of @eslint/js, typescript-eslint and
// eslint-plugin-astro, as ws runs ESLint on top of Prettier. Formatting is Prettier's job
// (`npm run lint` runs both); no rule here is about layout.
import js from '@eslint/js';
import astro from 'eslint-plugin-astro';
import tseslint from 'typescript-eslint';

export default tseslint.config(
	{
		// Build output, caches, and the fixtures' own built sites.
		ignores: [
			'dist/',
			'dist-*/',
			'.astro/',
			'bench/out/',
			'tests/fixtures/**/dist*/',
			'tests/fixtures/**/.astro/',
		],
	},
	js.configs.recommended,
	tseslint.configs.recommended,
	astro.configs.recommended,
	{
		// The plain JavaScript files (astro.config.mjs, scripts/*.mjs, this file) run on Node.
		// typescript-eslint turns `no-undef` off for TypeScript, where the compiler checks names;
		// these few need Node's globals declared instead.
		files: ['**/*.js', '**/*.mjs'],
		languageOptions: {
			globals: { process: 'readonly', console: 'readonly', URL: 'readonly' },
		},
	},
	{
		rules: {
			// Leaving keys out of an object by destructuring the rest (`{ a: _a, ...rest }`) is
			// the idiom for "everything but"; the names left out are not unused by mistake.
			'@typescript-eslint/no-unused-vars': ['error', { ignoreRestSiblings: true }],
		},
	},
);
