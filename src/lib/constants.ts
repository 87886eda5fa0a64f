// Facts shared by the page, the servers and the tests, in one place.
// Everything in this module ships to the browser: names and numbers only, no secrets, no Node APIs.

/** Where the page's stream is mounted on the site's own origin (the default of PUBLIC_STREAM_URL). */
export const STREAM_PATH = '/stream';
/** Distinct (symbol, exchange) pairs one connection may hold, on every mount and in the page. */
export const MAX_SYMBOLS_PER_CONNECTION = 100;
/** Largest message a client may send; bigger closes the connection with 1009 (OpenAlgo: 1 MiB). */
export const MAX_PAYLOAD_BYTES = 1024 * 1024;

/**
 * Most market-data backlog delivered at once, in ms: after a pause (a background tab, a stalled
 * event loop) a subscriber gets the last two seconds of ticks, not a burst of everything missed.
 */
export const MAX_TICK_BACKLOG_MS = 2000;

/** Close codes (RFC 6455 §7.4.1, plus OpenAlgo's and the mock's own 4000-4999). */
export const CLOSE_GOING_AWAY = 1001;
export const CLOSE_POLICY_VIOLATION = 1008;
export const CLOSE_MESSAGE_TOO_BIG = 1009;
/** The page mount's `simulate_drop` verb: the server closes on purpose so the page shows a reconnect. */
export const CLOSE_DROPPED_ON_REQUEST = 4000;
/** Standalone mount: no `authenticate` within the grace period (OpenAlgo's code). */
export const CLOSE_AUTH_TIMEOUT = 4401;

/** localStorage key of the reader's theme choice ('light' | 'dark'; absent means the system's). */
export const THEME_STORAGE_KEY = 'ch39:theme:v1';

/** Element ids that links from one widget to another rely on. */
export const LIVE_STREAM_ID = 'live-stream';
export const SUBSCRIBE_BUILDER_ID = 'subscribe-builder';
