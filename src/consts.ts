// Site-wide constants. Imported by pages and layouts; nothing here ships to the browser.
export const SITE_TITLE = 'Python for the Markets';
export const SITE_DESCRIPTION =
	'An interactive course on Python for market data: live chapters with real streams, exercises and code you can run.';
