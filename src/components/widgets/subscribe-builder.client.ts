// <ch-subscribe-builder>: the form and the JSON editor kept in sync both ways, the three views
// of the message, and Send. The reader's text is never replaced behind their back: a syntax or
// protocol error is shown beside the editor, with where it is, while the form and the views keep
// the last valid message. Shiki is fetched on the first interaction only; until then the editor
// keeps the build-time highlighting, or plain text once edited. State for tests: data-state
// (static|live), data-valid (true|false) and data-highlighter (none|loading|ready|failed).
import { copyText } from '../../client/copy.client.ts';
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
	messageToState,
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
	#announceTimer: ReturnType<typeof setTimeout> | undefined;
	#urlTimer: ReturnType<typeof setTimeout> | undefined;
	/** A copy of the first row the page came with: the pattern for rows added later. */
	#rowPattern: HTMLLIElement | undefined;

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
			} else {
				this.#say(
					`Could not restore the message from the link: ${decoded.reason}. Showing EX 1’s message instead.`,
				);
			}
		}
		textarea.value = text;
		this.#apply(text, 'load');
		this.#renderRows();

		textarea.addEventListener('input', () => this.#apply(textarea.value, 'editor'));
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

	#paint(code: HTMLElement, text: string, lang: HighlightLang): void {
		if (this.#highlight) this.#highlight(code, text, lang);
		else code.textContent = text;
	}

	#paintEditor(): void {
		const code = part<HTMLElement>(this, 'highlight').querySelector('code');
		// A trailing newline needs a character after it, or the last line has no box and the
		// highlighted copy ends up one line shorter than the textarea above it.
		if (code) this.#paint(code, this.#text.endsWith('\n') ? this.#text + ' ' : this.#text, 'json');
	}

	/** Takes new editor text from `source`, checks it, and updates everything that follows it. */
	#apply(text: string, source: 'load' | 'editor' | 'form'): void {
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
		this.querySelector('[data-action="send"]')?.setAttribute('aria-disabled', String(!result.ok));

		if (result.ok) {
			this.#compact = result.compact;
			this.#node = result.node;
			if (!buildTime) this.#paintViews();
			if (source !== 'form') {
				const mapped = messageToState(result.value);
				if (mapped) {
					this.#state = mapped.state;
					if (source === 'editor') this.#renderRows();
				}
				this.#formNote(
					mapped
						? mapped.exact
							? ''
							: 'The form shows the nearest message it can; the JSON holds more.'
						: 'The form cannot show this message; the JSON is what will be sent.',
				);
			} else this.#formNote('');
			this.#scheduleUrl();
		}
		const problems = result.ok ? result.warnings : result.errors;
		const render = (): void => this.#renderProblems(problems, result.ok);
		clearTimeout(this.#announceTimer);
		if (source === 'editor') this.#announceTimer = setTimeout(render, ANNOUNCE_DELAY_MS);
		else render();
	}

	#renderProblems(problems: EditorError[], ok: boolean): void {
		const box = part<HTMLElement>(this, 'problems');
		if (problems.length === 0) {
			box.replaceChildren();
			return;
		}
		box.dataset.kind = ok ? 'warning' : 'error';
		const lead = document.createElement('p');
		lead.className = 'sb-problems-lead';
		lead.textContent = ok
			? 'The server will accept this message, with a note:'
			: `${problems[0]!.kind === 'syntax' ? 'This is not valid JSON yet' : 'The server would refuse this message'}. Your text is kept; the form and the views show the last valid message.`;
		const list = document.createElement('ul');
		for (const problem of problems) {
			const item = document.createElement('li');
			const go = document.createElement('button');
			go.type = 'button';
			go.className = 'sb-goto';
			go.dataset.offset = String(problem.offset);
			go.textContent = `Line ${problem.line}, column ${problem.column}`;
			const rest = problem.message.replace(/^Line \d+, column \d+: /, '');
			item.append(go, `: ${rest}`);
			if (problem.wire) {
				const wire = document.createElement('span');
				wire.className = 'sb-wire-code';
				wire.textContent = ` (the server answers ${problem.wire.code}: “${problem.wire.message}”)`;
				item.append(wire);
			}
			list.append(item);
		}
		box.replaceChildren(lead, list);
	}

	#formNote(text: string): void {
		let note = this.querySelector<HTMLElement>('.sb-form-note');
		if (!text) {
			note?.remove();
			return;
		}
		if (!note) {
			note = document.createElement('p');
			note.className = 'sb-form-note sb-small';
			part(this, 'form').append(note);
		}
		note.textContent = text;
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

	#setState(state: BuilderState): void {
		this.#state = state;
		this.#renderRows();
		const text = stateToText(state);
		this.#textarea().value = text;
		this.#apply(text, 'form');
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
			case 'add':
				this.#setState(addSymbol(this.#state));
				part(this, 'rows')
					.lastElementChild?.querySelector<HTMLInputElement>('[data-field="symbol"]')
					?.focus();
				this.#say(`Added ${this.#state.symbols.at(-1)?.symbol || 'an empty row'}.`);
				break;
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
				void copyText(this.#textarea().value).then((ok) =>
					this.#say(
						ok
							? 'Copied the JSON.'
							: 'Copying was refused by the browser; select the text and copy it instead.',
					),
				);
				break;
			case 'copy-link': {
				const url = new URL(location.href);
				url.searchParams.set(URL_PARAM, encodeMessageParam(this.#compact));
				url.hash = this.id || 'subscribe-builder';
				void copyText(url.href).then((ok) =>
					this.#say(
						ok ? 'Copied a link that opens this message.' : 'Copying was refused by the browser.',
					),
				);
				break;
			}
			case 'reset':
				this.#setState(defaultState());
				this.#say('Back to EX 1’s message.');
				break;
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
		link.href = '#live-stream';
		link.textContent = 'the live stream below';
		said.replaceChildren(`Sent ${utf8Bytes(this.#compact).length} bytes to `, link, '.');
	}

	#say(text: string): void {
		part(this, 'said').textContent = text;
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

if (!customElements.get('ch-subscribe-builder'))
	customElements.define('ch-subscribe-builder', SubscribeBuilder);
