// The stream panel's frame log as a tester keeps one: every frame in either direction with when
// it went, what kind it is and which symbols it names, filtered by direction, kind, symbol and
// text, counted per kind, and exported as JSON lines. Pure: the panel passes the clock's reading.

export type FrameDirection = 'sent' | 'received';

/** The kinds the log filters and counts by. */
export const FRAME_KINDS = ['market_data', 'ack', 'error', 'pong', 'request', 'other'] as const;
export type FrameKind = (typeof FRAME_KINDS)[number];

export const FRAME_KIND_LABELS: Readonly<Record<FrameKind, string>> = {
	market_data: 'market data',
	ack: 'acks',
	error: 'errors',
	pong: 'pongs',
	request: 'requests sent',
	other: 'other',
};

/** A kind named in a filter control, or 'all' for anything else. */
export function parseFrameKind(value: string): FrameKind | 'all' {
	return FRAME_KINDS.find((kind) => kind === value) ?? 'all';
}

export interface LoggedFrame {
	/** Increasing from 1 in the order logged. */
	seq: number;
	direction: FrameDirection;
	/** Epoch ms when sent or received. */
	atMs: number;
	/** The frame exactly as on the wire. */
	text: string;
	kind: FrameKind;
	/** `SYMBOL` names the frame carries, in order (market data: one; a subscribe: its list). */
	symbols: string[];
}

export interface FrameFilter {
	direction: FrameDirection | 'all';
	kind: FrameKind | 'all';
	/** A symbol the frame must name ('' = any); compared without regard to case. */
	symbol: string;
	/** Text the frame must contain ('' = any); compared without regard to case. */
	search: string;
}

export const NO_FILTER: Readonly<FrameFilter> = Object.freeze({
	direction: 'all',
	kind: 'all',
	symbol: '',
	search: '',
});

const isObject = (value: unknown): value is Record<string, unknown> =>
	typeof value === 'object' && value !== null && !Array.isArray(value);

/** The kind of a frame and the symbols it names; text that is not a JSON object is `other`. */
export function classifyFrame(
	direction: FrameDirection,
	text: string,
): { kind: FrameKind; symbols: string[] } {
	let value: unknown;
	try {
		value = JSON.parse(text);
	} catch {
		return { kind: direction === 'sent' ? 'request' : 'other', symbols: [] };
	}
	if (!isObject(value)) return { kind: direction === 'sent' ? 'request' : 'other', symbols: [] };
	const symbols: string[] = [];
	const collect = (list: unknown): void => {
		if (!Array.isArray(list)) return;
		for (const entry of list)
			if (isObject(entry) && typeof entry.symbol === 'string' && !symbols.includes(entry.symbol))
				symbols.push(entry.symbol);
	};
	if (direction === 'sent') {
		collect(value.symbols);
		return { kind: 'request', symbols };
	}
	if (typeof value.symbol === 'string') symbols.push(value.symbol);
	collect(value.subscriptions);
	collect(value.successful);
	collect(value.failed);
	if (value.type === 'market_data') return { kind: 'market_data', symbols };
	if (value.status === 'error' && value.type === undefined) return { kind: 'error', symbols };
	if (value.type === 'pong') return { kind: 'pong', symbols };
	if (value.type === 'subscribe' || value.type === 'unsubscribe' || value.type === 'auth')
		return { kind: value.status === 'error' ? 'error' : 'ack', symbols };
	return { kind: 'other', symbols };
}

/** A log entry for a frame, classified. */
export function logFrame(
	seq: number,
	direction: FrameDirection,
	atMs: number,
	text: string,
): LoggedFrame {
	return { seq, direction, atMs, text, ...classifyFrame(direction, text) };
}

/** Whether an entry passes the filter. */
export function matchesFilter(entry: LoggedFrame, filter: FrameFilter): boolean {
	if (filter.direction !== 'all' && entry.direction !== filter.direction) return false;
	if (filter.kind !== 'all' && entry.kind !== filter.kind) return false;
	const symbol = filter.symbol.trim().toUpperCase();
	if (symbol && !entry.symbols.some((name) => name.toUpperCase() === symbol)) return false;
	const search = filter.search.trim().toLowerCase();
	return !search || entry.text.toLowerCase().includes(search);
}

/** How many entries of each kind, every kind present (0 when none). */
export function countByKind(entries: Iterable<LoggedFrame>): Record<FrameKind, number> {
	const counts = Object.fromEntries(FRAME_KINDS.map((kind) => [kind, 0])) as Record<
		FrameKind,
		number
	>;
	for (const entry of entries) counts[entry.kind]++;
	return counts;
}

/**
 * The transcript as JSON lines, one frame a line, oldest first:
 * `{"time":"<ISO 8601>","direction":"sent|received","kind":…,"frame":<the frame>}`; a frame
 * that is not JSON is kept as its text under `"text"`.
 */
export function exportJsonLines(entries: Iterable<LoggedFrame>): string {
	let out = '';
	for (const entry of entries) {
		let frame: unknown;
		let parsed = true;
		try {
			frame = JSON.parse(entry.text);
		} catch {
			parsed = false;
		}
		const line = {
			time: new Date(entry.atMs).toISOString(),
			direction: entry.direction,
			kind: entry.kind,
			...(parsed ? { frame } : { text: entry.text }),
		};
		out += `${JSON.stringify(line)}\n`;
	}
	return out;
}
