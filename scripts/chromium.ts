// Where Debian's Chromium lives and the flags it needs in this sandbox, shared by the browser
// tests, the benchmarks and the screenshot script so they all launch the same browser.

/** Debian's Chromium, or the binary CHROMIUM_PATH names. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Flags this sandbox needs; without the networking ones Chromium keeps dialling out. */
export const CHROMIUM_ARGS: readonly string[] = [
	'--no-sandbox',
	'--disable-gpu',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
	'--no-first-run',
	'--disable-quic',
];
