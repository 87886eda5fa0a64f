// The stream panel's frame log: every frame kept (a bounded transcript), the newest shown in an
// list that a tester can pause, clear, filter (direction, kind, symbol, text) and export as JSON
// lines. The model lives in src/lib/frame-log.ts; this class only writes the DOM, once per
// animation frame (the panel calls render() from its FrameBatcher).
import {
	FRAME_KINDS,
	FRAME_KIND_LABELS,
	NO_FILTER,
	countByKind,
	exportJsonLines,
	logFrame,
	matchesFilter,
	type FrameDirection,
	type FrameFilter,
	type FrameKind,
	type LoggedFrame,
} from '../lib/frame-log.ts';
import { setText } from './set-text.client.ts';
import { TailPane } from './tail-pane.client.ts';

/** Frames kept for filtering and export. */
export const TRANSCRIPT_FRAMES = 1000;
/** Frames shown in the log at once, at least (up to LOG_ENTRIES + LOG_SLACK; see TailPane). */
export const LOG_ENTRIES = 150;
const LOG_SLACK = 50;
/** Longest frame text shown in the log; a depth frame is ~1 KB, so this only trims oddities. */
const LOG_TEXT_MAX = 2000;

const clock = (ms: number): string => {
	const d = new Date(ms);
	const two = (n: number): string => String(n).padStart(2, '0');
	return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, '0')}`;
};

export interface FrameLogViewParts {
	/** role="list": its lines are role="listitem", in blocks with no role (see TailPane). */
	list: HTMLElement;
	note: HTMLElement;
	counts: HTMLElement;
}

export class FrameLogView {
	readonly #parts: FrameLogViewParts;
	readonly #pane: TailPane;
	readonly #transcript: LoggedFrame[] = [];
	readonly #counts: Record<FrameKind, number> = countByKind([]);
	#seq = 0;
	/** Frames logged since the last render, oldest first. */
	#pending: LoggedFrame[] = [];
	#filter: FrameFilter = { ...NO_FILTER };
	#paused = false;
	#hiddenWhilePaused = 0;
	/** The list must be rebuilt from the transcript (a filter changed, or resumed). */
	#rebuild = false;
	#countsDirty = true;
	/** The reader paused or cleared: the note and the counts change in the next frame. */
	#readerChanged = false;

	constructor(parts: FrameLogViewParts) {
		this.#parts = parts;
		this.#pane = new TailPane(parts.list, {
			cap: LOG_ENTRIES,
			slack: LOG_SLACK,
			// A block is not a list item: the list's items are the lines.
			createBlock: () => {
				const block = document.createElement('div');
				block.setAttribute('role', 'none');
				return block;
			},
		});
	}

	/** A reader's change (filter, resume) waits for the next render: show it in the next frame. */
	get urgent(): boolean {
		return (this.#rebuild && !this.#paused) || this.#readerChanged;
	}

	/** Whether render() has something to write. */
	get due(): boolean {
		return this.#pending.length > 0 || this.#countsDirty || this.urgent;
	}

	get paused(): boolean {
		return this.#paused;
	}

	/** Records a frame; returns it classified. */
	add(direction: FrameDirection, text: string, atMs: number): LoggedFrame {
		const entry = logFrame(++this.#seq, direction, atMs, text);
		this.#transcript.push(entry);
		if (this.#transcript.length > TRANSCRIPT_FRAMES)
			this.#transcript.splice(0, this.#transcript.length - TRANSCRIPT_FRAMES);
		this.#counts[entry.kind]++;
		this.#countsDirty = true;
		if (this.#paused) this.#hiddenWhilePaused++;
		else {
			this.#pending.push(entry);
			if (this.#pending.length > LOG_ENTRIES)
				this.#pending.splice(0, this.#pending.length - LOG_ENTRIES);
		}
		return entry;
	}

	setPaused(paused: boolean): void {
		if (paused === this.#paused) return;
		this.#paused = paused;
		this.#hiddenWhilePaused = 0;
		this.#readerChanged = true;
		// On resume, show what came in meanwhile.
		if (!paused) this.#rebuild = true;
	}

	setFilter(filter: FrameFilter): void {
		this.#filter = filter;
		this.#rebuild = true;
	}

	/** Empties the log and the transcript (the console is not the log's to clear). */
	clear(): void {
		this.#transcript.length = 0;
		this.#pending = [];
		Object.assign(this.#counts, countByKind([]));
		this.#countsDirty = true;
		this.#hiddenWhilePaused = 0;
		this.#readerChanged = true;
		this.#pane.replace([]);
	}

	/** The transcript as JSON lines (oldest first), whatever the filter. */
	exportText(): string {
		return exportJsonLines(this.#transcript);
	}

	/** Writes what changed since the last render; call follow() after the frame's other writes. */
	render(): void {
		this.#readerChanged = false;
		if (this.#rebuild && !this.#paused) {
			this.#rebuild = false;
			this.#pending = [];
			const shown = this.#transcript.filter((e) => matchesFilter(e, this.#filter));
			this.#pane.replace(shown.slice(-LOG_ENTRIES).map((e) => this.#item(e)));
		} else if (this.#pending.length) {
			const items = this.#pending
				.filter((e) => matchesFilter(e, this.#filter))
				.map((e) => this.#item(e));
			this.#pending = [];
			this.#pane.append(items);
		}
		setText(
			this.#parts.note,
			this.#paused
				? `Paused: ${this.#hiddenWhilePaused.toLocaleString('en-US')} frames not shown.`
				: '',
		);
		if (this.#countsDirty) {
			this.#countsDirty = false;
			this.#parts.counts.textContent = `Frames kept: ${FRAME_KINDS.map(
				(kind) => `${FRAME_KIND_LABELS[kind]} ${this.#counts[kind].toLocaleString('en-US')}`,
			).join(' · ')}.`;
		}
	}

	/** Notes whether the reader is at the end of the log; call before the frame's first write. */
	measure(): void {
		this.#pane.measure();
	}

	/** Keeps the newest frame in view while the reader is at the end of the log. */
	follow(): void {
		this.#pane.follow();
	}

	#item(entry: LoggedFrame): HTMLElement {
		const item = document.createElement('div');
		item.setAttribute('role', 'listitem');
		item.className = `ts-frame ts-frame--${entry.direction}`;
		item.dataset.kind = entry.kind;
		const arrow = document.createElement('span');
		arrow.className = 'ts-dir';
		arrow.textContent = entry.direction === 'sent' ? '↑ sent' : '↓ received';
		const time = document.createElement('time');
		time.dateTime = new Date(entry.atMs).toISOString();
		time.textContent = clock(entry.atMs);
		const code = document.createElement('code');
		const text =
			entry.text.length > LOG_TEXT_MAX ? `${entry.text.slice(0, LOG_TEXT_MAX)}…` : entry.text;
		// Compact JSON has no spaces, so the only break a browser would find is mid-word: offer
		// one after each comma instead (a <wbr> adds nothing to the text a reader copies).
		const pieces = text.split(',');
		for (let i = 0; i < pieces.length - 1; i++)
			code.append(`${pieces[i]},`, document.createElement('wbr'));
		code.append(pieces.at(-1)!);
		item.append(arrow, ' ', time, ' ', code);
		return item;
	}
}
