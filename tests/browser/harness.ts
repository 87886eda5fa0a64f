// Shared set-up for browser tests: finds Debian's Chromium, serves the built site exactly as
// `npm start` does (dist/ plus the stream on /stream, on a port the OS picks), and runs axe.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { startSiteServer, type SiteServer } from '../../server/site-server.ts';
import { createStreamServer, type StreamServer } from '../../server/stream-server.ts';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../scripts/chromium.ts';

export { CHROMIUM_ARGS, CHROMIUM_PATH };

// SITE_DIST lets parallel work build into its own folder (`astro build --outDir dist-x`).
const DIST = process.env.SITE_DIST
	? fileURLToPath(new URL(`../../${process.env.SITE_DIST}/`, import.meta.url))
	: fileURLToPath(new URL('../../dist/', import.meta.url));

/** The build folder the browser tests serve. */
export const siteDist: string = DIST;

function detect(): boolean {
	const missing: string[] = [];
	if (!existsSync(CHROMIUM_PATH))
		missing.push(`Chromium at ${CHROMIUM_PATH} (apt-get install -y chromium)`);
	if (!existsSync(DIST)) missing.push('the built site in dist/ (npm run build)');
	if (missing.length === 0) return true;
	const line = `browser tests: missing ${missing.join(' and ')}`;
	if (process.env.CI === 'true') throw new Error(`${line}; under CI=true they must run.`);
	console.warn(`${line}; skipping them (they run under CI=true).`);
	return false;
}

/** False (with one printed line) when Chromium or dist/ is missing outside CI; throws under CI. */
export const browserAvailable: boolean = detect();

export interface SiteUnderTest {
	site: SiteServer;
	stream: StreamServer;
	url: string;
	close(): Promise<void>;
}

export interface StartSiteOptions {
	/** The build folder to serve (e.g. the fixture course's); default dist/ (or SITE_DIST). */
	root?: string;
	/** Listen here (a restart on the same address); default a port the OS picks. */
	port?: number;
	/** Scales the stream's tick rates, so a test waits for events that come sooner. */
	rateMultiplier?: number;
	/** Extra connect-src sources for the site's CSP (a test pointing the page elsewhere). */
	connectSources?: readonly string[];
}

/** Serves a build with the stream on /stream on 127.0.0.1 and a free port, as `npm start` does. */
export async function startSite(options: StartSiteOptions = {}): Promise<SiteUnderTest> {
	const stream = createStreamServer({
		mount: 'site',
		...(options.rateMultiplier !== undefined ? { rateMultiplier: options.rateMultiplier } : {}),
	});
	const site = await startSiteServer({
		root: options.root ?? DIST,
		host: '127.0.0.1',
		port: options.port ?? 0,
		onStreamUpgrade: stream.handleUpgrade,
		...(options.connectSources ? { connectSources: options.connectSources } : {}),
	});
	return {
		site,
		stream,
		url: site.url,
		close: async () => {
			await stream.close();
			await site.close();
		},
	};
}

/** Launches headless Debian Chromium with the flags this machine needs. */
export function launchBrowser(): Promise<Browser> {
	return chromium.launch({
		executablePath: CHROMIUM_PATH,
		headless: true,
		args: [...CHROMIUM_ARGS],
	});
}

export interface ContextOptions {
	colorScheme?: 'light' | 'dark';
	reducedMotion?: 'reduce' | 'no-preference';
	javaScriptEnabled?: boolean;
	width?: number;
	height?: number;
}

/** A fresh context (own storage) at the given viewport and preferences. */
export function newContext(
	browser: Browser,
	options: ContextOptions = {},
): Promise<BrowserContext> {
	return browser.newContext({
		colorScheme: options.colorScheme ?? 'light',
		reducedMotion: options.reducedMotion ?? 'no-preference',
		javaScriptEnabled: options.javaScriptEnabled ?? true,
		viewport: { width: options.width ?? 1280, height: options.height ?? 900 },
	});
}

/**
 * Holds back requests matching `glob` (a widget's code, say), as a slow network would, until
 * the returned function is called; lets a test look at the page before the code arrives.
 */
export async function holdRequests(context: BrowserContext, glob: string): Promise<() => void> {
	let release!: () => void;
	const held = new Promise<void>((resolve) => (release = resolve));
	await context.route(glob, async (route) => {
		await held;
		await route.continue();
	});
	return release;
}

/** Resolves after `count` animation frames (an event to wait on, not a sleep). */
export function frames(page: Page, count: number): Promise<void> {
	return page.evaluate(
		(n) =>
			new Promise<void>((resolve) => {
				let seen = 0;
				const next = (): void => {
					seen += 1;
					if (seen >= n) resolve();
					else requestAnimationFrame(next);
				};
				requestAnimationFrame(next);
			}),
		count,
	);
}

export interface WireFrame {
	direction: 'sent' | 'received';
	text: string;
}

/** Every text frame on the page's WebSockets from now on, in order, as Chromium saw them. */
export function recordWire(page: Page): WireFrame[] {
	const wire: WireFrame[] = [];
	page.on('websocket', (socket) => {
		socket.on('framesent', ({ payload }) =>
			wire.push({ direction: 'sent', text: String(payload) }),
		);
		socket.on('framereceived', ({ payload }) =>
			wire.push({ direction: 'received', text: String(payload) }),
		);
	});
	return wire;
}

/** A recorded frame's JSON object, or {} when it is not one. */
export function parseFrame(frame: WireFrame): Record<string, unknown> {
	try {
		const value: unknown = JSON.parse(frame.text);
		return typeof value === 'object' && value !== null ? { ...value } : {};
	} catch {
		return {};
	}
}

/** Collects console errors and uncaught page errors so a test can assert there were none. */
export function collectErrors(page: Page): string[] {
	const errors: string[] = [];
	page.on('console', (message) => {
		if (message.type() === 'error') errors.push(message.text());
	});
	page.on('pageerror', (error) => errors.push(String(error)));
	return errors;
}

const require = createRequire(import.meta.url);
const AXE_PATH = require.resolve('axe-core/axe.min.js');

export interface AxeViolation {
	id: string;
	impact: string | null;
	help: string;
	targets: string[];
}

/** Runs axe-core (WCAG 2.0-2.2 A and AA rules) on the page, or on `selector` within it. */
export async function axeViolations(page: Page, selector?: string): Promise<AxeViolation[]> {
	// Evaluated over DevTools, not added as an inline <script>: the site's CSP refuses those.
	await page.evaluate(readFileSync(AXE_PATH, 'utf8'));
	return page.evaluate(async (context) => {
		// @ts-expect-error axe is injected above
		const result = await window.axe.run(context ?? document, {
			runOnly: {
				type: 'tag',
				values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'],
			},
		});
		return result.violations.map(
			(v: { id: string; impact: string | null; help: string; nodes: { target: string[] }[] }) => ({
				id: v.id,
				impact: v.impact,
				help: v.help,
				targets: v.nodes.map((n) => n.target.join(' ')),
			}),
		);
	}, selector ?? null);
}

/** Chapter 39's page, where most browser tests start. */
export const CHAPTER_PATH = '/chapters/39-what-a-websocket-is/';

/** What `open()` hands a test: the page, its console errors, its WebSocket frames, its context. */
export interface OpenedPage {
	page: Page;
	errors: string[];
	wire: WireFrame[];
	context: BrowserContext;
}

/**
 * The set-up every chapter test file shares, registered on the surrounding `describe`: one site
 * and one Chromium for the file, and a fresh context per `open()`, closed when its test ends (live
 * pages left streaming would share the two cores with every later test). `open(options, url)`
 * goes to `url` (default chapter 39); `open(options, before)` runs `before(context)` first.
 */
export function useChapterPages(siteOptions: StartSiteOptions = {}): {
	readonly site: SiteUnderTest;
	readonly browser: Browser;
	track(context: BrowserContext): BrowserContext;
	open(
		options?: ContextOptions,
		urlOrBefore?: string | ((context: BrowserContext) => Promise<unknown>),
	): Promise<OpenedPage>;
} {
	let site: SiteUnderTest | undefined;
	let browser: Browser | undefined;
	const contexts: BrowserContext[] = [];
	beforeAll(async () => {
		site = await startSite(siteOptions);
		browser = await launchBrowser();
	});
	afterEach(async () => {
		for (const context of contexts.splice(0)) await context.close().catch(() => {});
	});
	afterAll(async () => {
		await browser?.close();
		await site?.close();
	});
	const pages = {
		get site(): SiteUnderTest {
			if (!site)
				throw new Error('useChapterPages: the site is not started yet (use it inside a test)');
			return site;
		},
		get browser(): Browser {
			if (!browser)
				throw new Error('useChapterPages: Chromium is not launched yet (use it inside a test)');
			return browser;
		},
		track(context: BrowserContext): BrowserContext {
			contexts.push(context);
			return context;
		},
		async open(
			options: ContextOptions = {},
			urlOrBefore?: string | ((context: BrowserContext) => Promise<unknown>),
		): Promise<OpenedPage> {
			const context = pages.track(await newContext(pages.browser, options));
			if (typeof urlOrBefore === 'function') await urlOrBefore(context);
			const page = await context.newPage();
			const errors = collectErrors(page);
			const wire = recordWire(page);
			await page.goto(
				typeof urlOrBefore === 'string' ? urlOrBefore : pages.site.url + CHAPTER_PATH,
			);
			return { page, errors, wire, context };
		},
	};
	return pages;
}
