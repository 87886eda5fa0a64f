// <ch-subscribe-builder>: the form and the JSON editor kept in sync both ways, the three views
// of the message, and Send. The reader's text is never replaced behind their back: a syntax or
// protocol error is shown beside the editor, with where it is, while the views keep the last
// valid message. The form writes to the text only when it can show the message as it stands
// (builder-edit.ts); otherwise it is off, saying why. What the form writes goes in as one edit
// the browser can undo (Ctrl+Z). Shiki is fetched on the first interaction only (or at once for
// a shared link); until then the editor keeps the build-time highlighting, or plain text once
// edited, and big or deeply nested texts stay plain so each keystroke stays within a frame.
// State for tests: data-state (static|live), data-valid (true|false), data-form (open|locked),
// data-highlighter (none|loading|ready|failed) and data-editor-paint (plain|highlighted).
// Over ~400 lines because the form, the editor and the three views share one message state; the
// rules are in src/lib (subscribe-message.ts, builder-edit.ts).
import { copyText } from '../../client/copy.client.ts';
import {
	applyFormChange,
	codeRuns,
	formView,
	highlightPlan,
	textEdit,
	type FormView,
} from '../../lib/builder-edit.ts';
import { LIVE_STREAM_ID, SUBSCRIBE_BUILDER_ID } from '../../lib/constants.ts';
import { SEND_MESSAGE_EVENT, type SendMessageDetail } from '../../lib/events.ts';
import { clientTextFrame, toHex, utf8Bytes } from '../../lib/frame-header.ts';
import type { JsonNode } from '../../lib/json-parse.ts';
import { jsonDumps, toPythonProgram } from '../../lib/py-render.ts';
import {
	URL_PARAM,
	addSymbol,
	checkMessageText,
	decodeMessageParam,
	defaultState,
	encodeMessageParam,
	moveSymbol,
	removeSymbol,
	stateToText,
	type BuilderAction,
	type BuilderMode,
	type BuilderState,
	type EditorError,
} from '../../lib/subscribe-message.ts';
import type { HighlightInto, HighlightLang } from './highlighter.client.ts';

/** Quiet time after typing before the problems list (a polite live region) is rewritten. */
const ANNOUNCE_DELAY_MS = 300;
/** Quiet time after typing before a big text (highlightPlan: idle) is highlighted. */
const IDLE_HIGHLIGHT_MS = 300;
/** How long a copy button reads "Copied" (or "Copy failed") before it reads as before. */
const COPIED_MS = 2000;
const SYNTAX_LOCK =
	'Fix the JSON to use the form: while the text is not valid JSON the form is off, so it cannot write over what you typed.';

function part<T extends Element = HTMLElement>(root: Element, name: string): T {
	const element = root.querySelector<T>(`[data-part="${name}"]`);
	if (!element)
		throw new Error(`<ch-subscribe-builder> is missing its [data-part="${name}"] element`);
	return element;
}

class SubscribeBuilder extends HTMLElement {
	#state: BuilderState = defaultState();
	#text = '';
	/** Compact JSON of the last valid message: what Send sends. */
	#compact = '';
	#node: JsonNode | undefined;
	#valid = true;
	#highlight: HighlightInto | undefined;
	/** The message as last parsed (valid or not), which the form's changes are applied to. */
	#formNode: JsonNode | undefined;
	/** True while the widget itself writes to the textarea (its input event is not the reader's). */
	#writing = false;
	#announceTimer: ReturnType<typeof setTimeout> | undefined;
	#urlTimer: ReturnType<typeof setTimeout> | undefined;
	/** Pending highlights of big texts, per <code> element. */
	#idlePaints = new Map<HTMLElement, ReturnType<typeof setTimeout>>();
	/** Copy buttons waiting to read as before. */
	#copyTimers = new Map<HTMLButtonElement, ReturnType<typeof setTimeout>>();
	/** A copy of the first row the page came with: the pattern for rows added later. */
	#rowPattern: HTMLLIElement | undefined;

	disconnectedCallback(): void {
		// Everything timed dies with the element; a moved builder keeps its listeners (they are
		// on the element itself) and picks up at the next edit.
		clearTimeout(this.#announceTimer);
		clearTimeout(this.#urlTimer);
		for (const timer of this.#idlePaints.values()) clearTimeout(timer);
		this.#idlePaints.clear();
		for (const [button, timer] of this.#copyTimers) {
			clearTimeout(timer);
			if (button.dataset.label) button.textContent = button.dataset.label;
		}
		this.#copyTimers.clear();
	}

	connectedCallback(): void {
		if (this.dataset.state === 'live') return;
		this.dataset.state = 'live';
		this.dataset.highlighter = 'none';
		const textarea = this.#textarea();
		const highlight = part<HTMLElement>(this, 'highlight');
		const wasReading = highlight.contains(document.activeElement);
		// The highlighted copy becomes decoration under the textarea: hidden from assistive
		// technology and out of the tab order (shiki makes a <pre> focusable for scrolling).
		highlight.setAttribute('aria-hidden', 'true');
		highlight.querySelector('pre')?.removeAttribute('tabindex');
		// The page laid these out already, in EX 1's state; they only waited for this code.
		for (const name of ['form', 'actions', 'tabs']) part(this, name).inert = false;
		textarea.inert = false;
		const first = part(this, 'rows').firstElementChild;
		if (!(first instanceof HTMLLIElement))
			throw new Error('<ch-subscribe-builder> needs EX 1’s rows in its HTML');
		this.#rowPattern = first.cloneNode(true) as HTMLLIElement;
		this.#setupTabs();

		let text = stateToText(this.#state);
		const param = new URL(location.href).searchParams.get(URL_PARAM);
		if (param !== null) {
			const decoded = decodeMessageParam(param);
			if (decoded.ok) {
				text = decoded.text;
				this.#say('Restored the message from the link.');
				// A shared link is opened to see this message: colour it without waiting for a click.
				this.#loadHighlighter();
			} else {
				this.#say(
					`Could not restore the message from the link: ${decoded.reason}. Showing EX 1’s message instead.`,
				);
			}
		}
		textarea.value = text;
		this.#apply(text, 'load');

		textarea.addEventListener('input', () => {
			if (this.#writing) return;
			// Whatever the last action said ("Back to EX 1's message.") no longer describes this text.
			this.#say('');
			this.#apply(textarea.value, 'editor');
		});
		const form = part<HTMLFormElement>(this, 'form');
		form.addEventListener('submit', (event) => event.preventDefault());
		form.addEventListener('input', (event) => this.#onFormInput(event));
		form.addEventListener('change', (event) => this.#onFormInput(event));
		this.addEventListener('click', (event) => this.#onClick(event));
		const wake = (): void => this.#loadHighlighter();
		this.addEventListener('focusin', wake, { once: true });
		this.addEventListener('pointerdown', wake, { once: true });
		// A reader who was in the JSON stays there, now in the editor over it.
		if (wasReading) textarea.focus({ preventScroll: true });
	}

	#textarea(): HTMLTextAreaElement {
		return part<HTMLTextAreaElement>(this, 'textarea');
	}

	#loadHighlighter(): void {
		if (this.dataset.highlighter !== 'none') return;
		this.dataset.highlighter = 'loading';
		import('./highlighter.client.ts')
			.then((module) => module.loadHighlighter())
			.then((highlight) => {
				this.#highlight = highlight;
				this.dataset.highlighter = 'ready';
				this.#paintEditor();
				this.#paintViews();
			})
			.catch((error: unknown) => {
				// Plain text still reads and edits correctly; only the colours are missing.
				this.dataset.highlighter = 'failed';
				console.warn('The builder’s highlighter did not load; showing plain text.', error);
			});
	}

	/**
	 * Paints `text` into `code`: highlighted at once when that is cheap, plain now and highlighted
	 * when typing pauses for a bigger text, plain for good when too big or nested too deep.
	 */
	#paint(code: HTMLElement, text: string, lang: HighlightLang): 'plain' | 'highlighted' {
		clearTimeout(this.#idlePaints.get(code));
		this.#idlePaints.delete(code);
		const highlight = this.#highlight;
		const plan = highlight ? highlightPlan(text) : 'plain';
		if (highlight && plan === 'now') {
			highlight(code, text, lang);
			return 'highlighted';
		}
		code.textContent = text;
		if (highlight && plan === 'idle') {
			this.#idlePaints.set(
				code,
				setTimeout(() => {
					this.#idlePaints.delete(code);
					highlight(code, text, lang);
					if (code.closest('[data-part="highlight"]')) this.dataset.editorPaint = 'highlighted';
				}, IDLE_HIGHLIGHT_MS),
			);
		}
		return 'plain';
	}

	#paintEditor(): void {
		const code = part<HTMLElement>(this, 'highlight').querySelector('code');
		// A trailing newline needs a character after it, or the last line has no box and the
		// highlighted copy ends up one line shorter than the textarea above it.
		if (code)
			this.dataset.editorPaint = this.#paint(
				code,
				this.#text.endsWith('\n') ? this.#text + ' ' : this.#text,
				'json',
			);
	}

	/** Takes new editor text from `source`, checks it, and updates everything that follows it. */
	#apply(text: string, source: 'load' | 'editor' | 'form' | 'reset'): void {
		const changed = text !== this.#text;
		this.#text = text;
		// On load with EX 1's text, the build-time highlighting is already right: keep it.
		const buildTime = source === 'load' && text === stateToText(defaultState());
		if (changed && !buildTime) this.#paintEditor();
		const result = checkMessageText(text);
		const editor = part<HTMLElement>(this, 'editor');
		const textarea = this.#textarea();
		this.#valid = result.ok;
		this.dataset.valid = String(result.ok);
		textarea.setAttribute('aria-invalid', String(!result.ok));
		editor.toggleAttribute('data-invalid', !result.ok);
		this.#sendState(result.ok ? '' : result.errors[0]?.kind === 'syntax' ? 'syntax' : 'schema');

		if (result.ok) {
			this.#compact = result.compact;
			this.#node = result.node;
			if (!buildTime) this.#paintViews();
			this.#scheduleUrl();
		}
		// The form follows the text whenever it can show it, valid or not (120 symbols can be
		// trimmed in the form); otherwise it is off, with the reason, and keeps its last state.
		const value = result.value;
		this.#formNode = value === undefined ? undefined : result.node;
		const view: FormView =
			value === undefined ? { ok: false, reason: SYNTAX_LOCK } : formView(value);
		if (view.ok && source !== 'form') {
			this.#state = view.state;
			this.#renderRows();
		}
		this.#lockForm(view.ok ? '' : view.reason);
		this.#formNote(view.ok ? this.#extraFields() : '');

		const errors = result.ok ? [] : result.errors;
		const render = (): void => this.#renderProblems(errors, result.warnings);
		clearTimeout(this.#announceTimer);
		if (source === 'editor') this.#announceTimer = setTimeout(render, ANNOUNCE_DELAY_MS);
		else render();
	}

	/** Keys of the message the form leaves alone, said beside the form, or '' when none. */
	#extraFields(): string {
		if (this.#formNode?.type !== 'object') return '';
		const shown = new Set(['action', 'mode', 'symbols', 'instruments', 'symbol', 'exchange']);
		const extra = this.#formNode.entries.map(([key]) => key).filter((key) => !shown.has(key));
		if (extra.length === 0) return '';
		const names = extra.map((key) => `"${key}"`).join(', ');
		return `The form changes the action, mode and symbols only; ${names} ${extra.length === 1 ? 'stays' : 'stay'} in the JSON as you wrote ${extra.length === 1 ? 'it' : 'them'}.`;
	}

	/** Turns the form off (with the reason shown at its top) or back on (reason ''). */
	#lockForm(reason: string): void {
		const form = part<HTMLFormElement>(this, 'form');
		const locked = reason !== '';
		this.dataset.form = locked ? 'locked' : 'open';
		for (const control of form.elements) {
			if ('disabled' in control) (control as HTMLInputElement).disabled = locked;
		}
		const note = part<HTMLElement>(this, 'form-lock');
		if (note.textContent !== reason) note.textContent = reason;
		note.hidden = !locked;
	}

	/** Send reads as off, with the reason beside it, while the message is not one the server takes. */
	#sendState(problem: '' | 'syntax' | 'schema'): void {
		const send = this.querySelector<HTMLButtonElement>('[data-action="send"]');
		send?.setAttribute('aria-disabled', String(problem !== ''));
		const reason = part<HTMLElement>(this, 'send-reason');
		reason.textContent =
			problem === 'syntax'
				? 'Send is off: the text is not valid JSON yet (see the problem above).'
				: problem === 'schema'
					? 'Send is off: the server would refuse this message (see the problems above).'
					: '';
		reason.hidden = problem === '';
	}

	/**
	 * The errors that stop Send (syntax, or what the server would refuse) and, under them, the
	 * warnings (entries the server will refuse while taking the rest, fields it ignores).
	 */
	#renderProblems(errors: EditorError[], warnings: EditorError[]): void {
		const box = part<HTMLElement>(this, 'problems');
		if (errors.length === 0 && warnings.length === 0) {
			box.replaceChildren();
			return;
		}
		box.dataset.kind = errors.length > 0 ? 'error' : 'warning';
		const parts: HTMLElement[] = [];
		if (errors.length > 0) {
			const what =
				errors[0]!.kind === 'syntax'
					? 'This is not valid JSON yet'
					: 'The server would refuse this message';
			parts.push(
				lead(`${what}. Your text is kept as you typed it; the views show the last valid message.`),
				problemList(errors),
			);
		}
		if (warnings.length > 0) {
			parts.push(
				lead(
					errors.length > 0
						? 'Also:'
						: 'The server will take this message, but note what it will do with it:',
				),
				problemList(warnings),
			);
		}
		box.replaceChildren(...parts);
	}

	#formNote(text: string): void {
		const note = part<HTMLElement>(this, 'form-note');
		if (note.textContent !== text) note.textContent = text;
		note.hidden = text === '';
	}

	#paintViews(): void {
		const node = this.#node;
		if (!node) return;
		const pythonCode = part<HTMLElement>(this, 'python').querySelector('code');
		if (pythonCode) this.#paint(pythonCode, toPythonProgram(node).replace(/\n$/, ''), 'python');
		part(this, 'output').textContent = jsonDumps(node, { indent: 2 });
		part(this, 'compact').textContent = this.#compact;
		const payload = utf8Bytes(this.#compact);
		part(this, 'bytes').textContent = `${payload.length.toLocaleString('en-US')} bytes`;
		// A browser draws a fresh key for every frame; so does this view, for every change.
		const key = crypto.getRandomValues(new Uint8Array(4));
		const frame = clientTextFrame(payload, key);
		part(this, 'header-size').textContent = `${frame.header.length}-byte`;
		part(this, 'header-hex').textContent = toHex(frame.header);
		const rows = frame.fields.map((field) => {
			const row = document.createElement('tr');
			const name = document.createElement('th');
			name.scope = 'row';
			name.textContent = field.name;
			const bits = document.createElement('td');
			const code = document.createElement('code');
			code.textContent = field.bits;
			bits.append(code);
			const value = document.createElement('td');
			value.textContent = field.value;
			const meaning = document.createElement('td');
			meaning.textContent = field.meaning;
			row.append(name, bits, value, meaning);
			return row;
		});
		part(this, 'fields').replaceChildren(...rows);
	}

	#scheduleUrl(): void {
		clearTimeout(this.#urlTimer);
		this.#urlTimer = setTimeout(() => {
			const url = new URL(location.href);
			const isDefault = this.#compact === JSON.stringify(JSON.parse(stateToText(defaultState())));
			if (isDefault) url.searchParams.delete(URL_PARAM);
			else url.searchParams.set(URL_PARAM, encodeMessageParam(this.#compact));
			if (url.href !== location.href) history.replaceState(history.state, '', url);
		}, 250);
	}

	#renderRows(): void {
		const list = part<HTMLOListElement>(this, 'rows');
		const form = part<HTMLFormElement>(this, 'form');
		const action = form.elements.namedItem('action') as HTMLSelectElement;
		action.value = this.#state.action;
		for (const radio of form.querySelectorAll<HTMLInputElement>('input[name="mode"]'))
			radio.checked = radio.value === this.#state.mode;
		const count = this.#state.symbols.length;
		// Reuse rows that exist so focus and the caret stay where the reader left them.
		while (list.children.length > count) list.lastElementChild?.remove();
		while (list.children.length < count) list.append(this.#rowPattern!.cloneNode(true));
		this.#state.symbols.forEach((entry, index) => {
			const row = list.children[index] as HTMLLIElement;
			const n = index + 1;
			const name = entry.symbol || `row ${n}`;
			const symbol = row.querySelector<HTMLInputElement>('[data-field="symbol"]')!;
			const exchange = row.querySelector<HTMLSelectElement>('[data-field="exchange"]')!;
			if (symbol.value !== entry.symbol) symbol.value = entry.symbol;
			if (![...exchange.options].some((option) => option.value === entry.exchange)) {
				exchange.append(new Option(entry.exchange, entry.exchange));
			}
			exchange.value = entry.exchange;
			row.querySelector('[data-part="symbol-label"]')!.textContent = `Symbol ${n}`;
			row.querySelector('[data-part="exchange-label"]')!.textContent = `Exchange ${n}`;
			row.dataset.index = String(index);
			const label = (action: string, text: string, enabled: boolean): void => {
				const button = row.querySelector<HTMLButtonElement>(`[data-action="${action}"]`)!;
				button.setAttribute('aria-label', text);
				button.setAttribute('aria-disabled', String(!enabled));
			};
			label('up', `Move ${name} up`, index > 0);
			label('down', `Move ${name} down`, index < count - 1);
			label('remove', `Remove ${name}`, true);
		});
	}

	#onFormInput(event: Event): void {
		const target = event.target as HTMLInputElement | HTMLSelectElement;
		const form = part<HTMLFormElement>(this, 'form');
		// Selects and radios report on change, text fields on input: take each once.
		if (event.type === 'change' && target instanceof HTMLInputElement && target.type === 'text')
			return;
		const action = (form.elements.namedItem('action') as HTMLSelectElement).value as BuilderAction;
		const mode = (form.querySelector<HTMLInputElement>('input[name="mode"]:checked')?.value ??
			this.#state.mode) as BuilderMode;
		const symbols = [...part(this, 'rows').children].map((row) => ({
			symbol: row.querySelector<HTMLInputElement>('[data-field="symbol"]')!.value,
			exchange: row.querySelector<HTMLSelectElement>('[data-field="exchange"]')!.value,
		}));
		this.#setState({ action, mode, symbols });
	}

	/** A change made in the form: applied to the reader's message, keeping what the form does not show. */
	#setState(state: BuilderState): void {
		const before = this.#state;
		this.#state = state;
		this.#renderRows();
		const text = applyFormChange(this.#formNode, before, state);
		this.#write(text);
		this.#apply(text, 'form');
	}

	/**
	 * Writes `text` into the editor as the reader would: one replacement of the range that
	 * changed, through the browser's editing commands, so Ctrl+Z in the editor takes it back.
	 * Focus returns to where the reader was.
	 */
	#write(text: string): void {
		const textarea = this.#textarea();
		const from = textarea.value;
		if (from === text) return;
		const edit = textEdit(from, text);
		const active = document.activeElement;
		this.#writing = true;
		try {
			textarea.focus({ preventScroll: true });
			textarea.setSelectionRange(edit.start, edit.end);
			const done =
				edit.text === ''
					? document.execCommand('delete')
					: document.execCommand('insertText', false, edit.text);
			// A browser without the command still gets the text (without an undo step).
			if (!done || textarea.value !== text) textarea.value = text;
		} finally {
			this.#writing = false;
		}
		if (active instanceof HTMLElement && active !== textarea) active.focus({ preventScroll: true });
	}

	#onClick(event: MouseEvent): void {
		const button = (event.target as Element).closest<HTMLButtonElement>('button');
		if (!button || !this.contains(button)) return;
		if (button.classList.contains('sb-goto')) {
			const textarea = this.#textarea();
			const offset = Number(button.dataset.offset);
			textarea.focus();
			textarea.setSelectionRange(offset, offset);
			return;
		}
		if (button.getAttribute('aria-disabled') === 'true' && button.dataset.action !== 'send') return;
		const row = button.closest<HTMLElement>('.sb-row');
		const index = row ? Number(row.dataset.index) : -1;
		switch (button.dataset.action) {
			case 'add': {
				this.#setState(addSymbol(this.#state));
				const input = part(this, 'rows').lastElementChild?.querySelector<HTMLInputElement>(
					'[data-field="symbol"]',
				);
				// The suggested name is selected, so typing replaces it (not "INFYINFY").
				input?.focus();
				input?.select();
				this.#say(`Added ${this.#state.symbols.at(-1)?.symbol || 'an empty row'}.`);
				break;
			}
			case 'remove': {
				const removed = this.#state.symbols[index]?.symbol;
				this.#setState(removeSymbol(this.#state, index));
				const rows = part(this, 'rows').children;
				const next =
					rows[Math.min(index, rows.length - 1)]?.querySelector<HTMLButtonElement>(
						'[data-action="remove"]',
					);
				(
					next ??
					part<HTMLButtonElement>(this, 'form').querySelector<HTMLButtonElement>(
						'[data-action="add"]',
					)
				)?.focus();
				this.#say(`Removed ${removed || 'the row'}.`);
				break;
			}
			case 'up':
			case 'down': {
				const by = button.dataset.action === 'up' ? -1 : 1;
				const moved = this.#state.symbols[index]?.symbol;
				this.#setState(moveSymbol(this.#state, index, by));
				const target = part(this, 'rows').children[index + by];
				const same = target?.querySelector<HTMLButtonElement>(
					`[data-action="${button.dataset.action}"]`,
				);
				const other = target?.querySelector<HTMLButtonElement>(
					`[data-action="${by < 0 ? 'down' : 'up'}"]`,
				);
				(same?.getAttribute('aria-disabled') === 'true' ? other : same)?.focus();
				this.#say(`Moved ${moved || 'the row'} to position ${index + by + 1}.`);
				break;
			}
			case 'send':
				this.#send();
				break;
			case 'copy-json':
				void copyText(this.#textarea().value).then((ok) => {
					this.#copied(button, ok);
					this.#say(
						ok
							? 'Copied the JSON.'
							: 'Copying was refused by the browser; select the text and copy it instead.',
					);
				});
				break;
			case 'copy-link': {
				const url = new URL(location.href);
				url.searchParams.set(URL_PARAM, encodeMessageParam(this.#compact));
				url.hash = this.id || SUBSCRIBE_BUILDER_ID;
				void copyText(url.href).then((ok) => {
					this.#copied(button, ok);
					this.#say(
						ok ? 'Copied a link that opens this message.' : 'Copying was refused by the browser.',
					);
				});
				break;
			}
			case 'reset': {
				// The whole text, even when it is not JSON: the reader asked for EX 1 (Ctrl+Z undoes it).
				const text = stateToText(defaultState());
				this.#write(text);
				this.#apply(text, 'reset');
				this.#say('Back to EX 1’s message.');
				break;
			}
		}
	}

	#send(): void {
		if (!this.#valid) {
			this.#say('Fix the message first: the stream only gets a message the server would accept.');
			return;
		}
		const detail: SendMessageDetail = { text: this.#compact };
		document.dispatchEvent(new CustomEvent(SEND_MESSAGE_EVENT, { detail }));
		const said = part<HTMLElement>(this, 'said');
		const link = document.createElement('a');
		link.href = `#${LIVE_STREAM_ID}`;
		link.textContent = 'the live stream below';
		said.replaceChildren(`Sent ${utf8Bytes(this.#compact).length} bytes to `, link, '.');
	}

	#say(text: string): void {
		part(this, 'said').textContent = text;
	}

	/** A copy button reads "Copied" (or "Copy failed") for a moment, where the reader is looking. */
	#copied(button: HTMLButtonElement, ok: boolean): void {
		button.dataset.label ??= button.textContent ?? '';
		button.textContent = ok ? 'Copied' : 'Copy failed';
		clearTimeout(this.#copyTimers.get(button));
		this.#copyTimers.set(
			button,
			setTimeout(() => {
				this.#copyTimers.delete(button);
				button.textContent = button.dataset.label ?? '';
			}, COPIED_MS),
		);
	}

	#setupTabs(): void {
		const tabs = [...this.querySelectorAll<HTMLButtonElement>('[role="tab"]')];
		const panels = [...this.querySelectorAll<HTMLElement>('[data-panel]')];
		const select = (tab: HTMLButtonElement, focus: boolean): void => {
			for (const other of tabs) {
				const on = other === tab;
				other.setAttribute('aria-selected', String(on));
				other.tabIndex = on ? 0 : -1;
			}
			for (const panel of panels) {
				panel.hidden = panel.dataset.panel !== tab.dataset.tab;
				panel.setAttribute('role', 'tabpanel');
				panel.setAttribute(
					'aria-labelledby',
					`${tab.id.replace(/-tab-.*$/, '')}-tab-${panel.dataset.panel}`,
				);
			}
			if (focus) tab.focus();
		};
		select(tabs[0]!, false);
		for (const tab of tabs) {
			tab.addEventListener('click', () => select(tab, false));
			tab.addEventListener('keydown', (event) => {
				const index = tabs.indexOf(tab);
				const next =
					event.key === 'ArrowRight'
						? tabs[(index + 1) % tabs.length]
						: event.key === 'ArrowLeft'
							? tabs[(index - 1 + tabs.length) % tabs.length]
							: event.key === 'Home'
								? tabs[0]
								: event.key === 'End'
									? tabs.at(-1)
									: undefined;
				if (next) {
					event.preventDefault();
					select(next, true);
				}
			});
		}
	}
}

function lead(text: string): HTMLElement {
	const paragraph = document.createElement('p');
	paragraph.className = 'sb-problems-lead';
	paragraph.textContent = text;
	return paragraph;
}

/** Problems as a list, each with a button that puts the caret where it is. */
function problemList(problems: readonly EditorError[]): HTMLElement {
	const list = document.createElement('ul');
	for (const problem of problems) {
		const item = document.createElement('li');
		const go = document.createElement('button');
		go.type = 'button';
		go.className = 'sb-goto';
		go.dataset.offset = String(problem.offset);
		go.textContent = `Line ${problem.line}, column ${problem.column}`;
		const rest = problem.message.replace(/^Line \d+, column \d+: /, '');
		item.append(go, ': ', ...withCode(rest));
		if (problem.wire) {
			const wire = document.createElement('span');
			wire.className = 'sb-wire-code';
			wire.append(
				` (the server answers ${problem.wire.code}: “`,
				...withCode(problem.wire.message),
				'”)',
			);
			item.append(wire);
		}
		list.append(item);
	}
	return list;
}

/** A problem text as nodes, its `code` spans (backticks in the source) as <code> elements. */
function withCode(text: string): Array<string | HTMLElement> {
	return codeRuns(text).map((run) => {
		if (!run.code) return run.text;
		const code = document.createElement('code');
		code.textContent = run.text;
		return code;
	});
}

if (!customElements.get('ch-subscribe-builder'))
	customElements.define('ch-subscribe-builder', SubscribeBuilder);
