// <ch-exercises> and <ch-exercise>: the "Try it yourself" exercises. Each exercise checks its
// answer with src/lib/exercise-check.ts and saves it (with its checks) through the versioned,
// defensive storage wrapper, so answers survive a reload and corrupt or full storage never
// breaks the page. The set shows progress ("n of 3") and resets with an undo.
// Just over ~400 lines: two elements (the set and each exercise) and three answer kinds share one
// store; the judging is in src/lib/exercise-check.ts.
import { createVersionedStore, type VersionedStore } from '../../client/storage.client.ts';
import {
	ROUGH_TOLERANCE,
	checkNumber,
	costInputProblem,
	formatBytes,
	formatCount,
	formatRatio,
	isAnswerRight,
	isExerciseDone,
	parseExerciseAnswers,
	pollingCost,
	type ExerciseAnswer,
	type ExerciseAnswers,
	type ExerciseExpectation,
	type ExerciseKind,
} from '../../lib/exercise-check.ts';

const DEFAULT_KEY = 'ch:exercises:v1';
/** How long "Undo" stays offered after a reset. */
const UNDO_MS = 15_000;

type Listener = (reason: 'change' | 'reload') => void;

/** The answers of one storage key, shared by the set and its exercises. */
class AnswerBook {
	private readonly store: VersionedStore<ExerciseAnswers>;
	private answers: ExerciseAnswers;
	private readonly listeners = new Set<Listener>();
	/** False once a write failed (storage disabled or full). */
	saving = true;

	constructor(key: string) {
		const version = Number(/:v(\d+)$/.exec(key)?.[1] ?? 1);
		this.store = createVersionedStore<ExerciseAnswers>({
			key,
			version,
			fallback: () => ({}),
			parse: parseExerciseAnswers,
		});
		this.answers = this.store.read();
	}

	get(id: string): ExerciseAnswer {
		return { ...this.answers[id] };
	}

	set(id: string, answer: ExerciseAnswer): void {
		this.answers = { ...this.answers, [id]: answer };
		this.saving = this.store.write(this.answers);
		this.emit('change');
	}

	snapshot(): ExerciseAnswers {
		return structuredClone(this.answers);
	}

	clear(): void {
		this.answers = {};
		this.store.clear();
		this.emit('reload');
	}

	restore(answers: ExerciseAnswers): void {
		this.answers = answers;
		this.saving = this.store.write(answers);
		this.emit('reload');
	}

	subscribe(listener: Listener): () => void {
		this.listeners.add(listener);
		return () => this.listeners.delete(listener);
	}

	private emit(reason: 'change' | 'reload'): void {
		for (const listener of this.listeners) listener(reason);
	}
}

const books = new Map<string, AnswerBook>();
function bookFor(key: string): AnswerBook {
	let book = books.get(key);
	if (!book) {
		book = new AnswerBook(key);
		books.set(key, book);
	}
	return book;
}

/** What an exercise element expects, from its data attributes (the page's, not storage's). */
function expectationOf(element: HTMLElement): ExerciseExpectation {
	return {
		kind: (element.dataset.kind ?? 'text') as ExerciseKind,
		answer: element.dataset.answer,
	};
}

function storageKeyOf(element: HTMLElement): string {
	return element.dataset.storageKey ?? DEFAULT_KEY;
}

export class ChExercise extends HTMLElement {
	private book!: AnswerBook;
	private unsubscribe: (() => void) | undefined;
	private wired = false;

	get exerciseId(): string {
		return this.dataset.id ?? '';
	}

	get kind(): ExerciseKind {
		return (this.dataset.kind ?? 'text') as ExerciseKind;
	}

	/** True when this exercise counts as done for the progress. */
	get done(): boolean {
		return isExerciseDone(expectationOf(this), this.book?.get(this.exerciseId));
	}

	connectedCallback(): void {
		this.book = bookFor(storageKeyOf(this));
		if (!this.wired) this.wire();
		this.unsubscribe = this.book.subscribe((reason) => {
			if (reason === 'reload') this.restore();
		});
		this.adoptEarlyInput();
		this.restore();
		this.dataset.ready = '';
	}

	disconnectedCallback(): void {
		this.unsubscribe?.();
	}

	private find<T extends Element>(selector: string): T | null {
		return this.querySelector<T>(selector);
	}

	private wire(): void {
		this.wired = true;
		const text = this.find<HTMLInputElement | HTMLTextAreaElement>('[data-field="text"]');
		// Changing what a verdict was given on (the number, the chosen option) takes the verdict
		// back: the reader checks the new answer. A reason or a free text keeps its comparison.
		text?.addEventListener('input', () => {
			if (this.kind === 'number') this.revise({ text: text.value });
			else this.save({ text: text.value });
		});
		for (const radio of this.querySelectorAll<HTMLInputElement>('input[type="radio"]')) {
			radio.addEventListener('change', () => this.revise({ choice: radio.value }));
		}
		for (const box of this.querySelectorAll<HTMLInputElement>('input[data-point]')) {
			box.addEventListener('change', () => this.save({ points: this.points() }));
		}
		this.find('[data-action="check"]')?.addEventListener('click', () => this.check());
		if (this.kind === 'number') {
			// Enter in the one-line answer checks it, as a form would.
			text?.addEventListener('keydown', (event) => {
				if ((event as KeyboardEvent).key === 'Enter') {
					event.preventDefault();
					this.check();
				}
			});
		}
		const calculator = this.find<HTMLElement>('[data-part="calculator"]');
		if (calculator) {
			for (const input of calculator.querySelectorAll('input'))
				input.addEventListener('input', () => this.calculate());
			this.calculate();
		}
	}

	/**
	 * The form is on the page before this code arrives, so a reader may already have typed or
	 * chosen something (or the browser restored a form on Back). When nothing is saved for this
	 * exercise yet, that input is kept and saved rather than wiped by restore().
	 */
	private adoptEarlyInput(): void {
		const saved = this.book.get(this.exerciseId);
		if (saved.text !== undefined || saved.choice !== undefined || saved.points !== undefined)
			return;
		const early: ExerciseAnswer = {};
		const text = this.find<HTMLInputElement | HTMLTextAreaElement>('[data-field="text"]')?.value;
		if (text) early.text = text;
		const choice = this.find<HTMLInputElement>('input[type="radio"]:checked')?.value;
		if (choice) early.choice = choice;
		const points = this.points();
		if (points.some(Boolean)) early.points = points;
		if (Object.keys(early).length > 0) this.save(early);
	}

	private points(): boolean[] {
		return [...this.querySelectorAll<HTMLInputElement>('input[data-point]')].map(
			(box) => box.checked,
		);
	}

	private save(change: ExerciseAnswer): void {
		this.book.set(this.exerciseId, { ...this.book.get(this.exerciseId), ...change });
	}

	/** Saves a changed answer; a verdict shown for the old one no longer applies. */
	private revise(change: ExerciseAnswer): void {
		const wasChecked = this.book.get(this.exerciseId).checked === true;
		this.save({ ...change, checked: false });
		if (wasChecked) this.showResult();
	}

	/** The reader pressed Check / Compare. */
	private check(): void {
		const answer = this.book.get(this.exerciseId);
		const text =
			this.find<HTMLInputElement | HTMLTextAreaElement>('[data-field="text"]')?.value ?? '';
		if (this.kind === 'choice') {
			const choice = this.find<HTMLInputElement>('input[type="radio"]:checked')?.value;
			if (!choice) {
				this.feedback('Pick one of the two answers first.', 'bad');
				return;
			}
			this.save({ choice, text, checked: true, attempts: (answer.attempts ?? 0) + 1 });
		} else if (this.kind === 'number') {
			const verdict = checkNumber(text, { answer: Number(this.dataset.answer) });
			if (verdict.status === 'empty') {
				this.feedback('Type a number first.', 'bad');
				return;
			}
			this.save({ text, checked: true, attempts: (answer.attempts ?? 0) + 1 });
		} else {
			if (text.trim() === '') {
				this.feedback('Write your answer first, then compare it.', 'bad');
				return;
			}
			this.save({ text, checked: true });
		}
		this.showResult();
	}

	/** Puts the saved answer back into the fields and re-shows its result. */
	private restore(): void {
		const answer = this.book.get(this.exerciseId);
		const text = this.find<HTMLInputElement | HTMLTextAreaElement>('[data-field="text"]');
		if (text) text.value = answer.text ?? '';
		for (const radio of this.querySelectorAll<HTMLInputElement>('input[type="radio"]')) {
			radio.checked = radio.value === answer.choice;
		}
		const boxes = this.querySelectorAll<HTMLInputElement>('input[data-point]');
		boxes.forEach((box, index) => (box.checked = answer.points?.[index] === true));
		this.showResult();
	}

	private showResult(): void {
		const answer = this.book.get(this.exerciseId);
		const model = this.find<HTMLElement>('[data-part="model"]');
		const working = this.find<HTMLElement>('[data-part="working"]');
		// The calculator would give the sum away, so it opens only after a first attempt.
		const calculator = this.find<HTMLElement>('[data-part="calculator"]');
		const locked = this.find<HTMLElement>('[data-part="calculator-locked"]');
		const attempted = answer.checked === true || (answer.attempts ?? 0) > 0;
		if (calculator) calculator.hidden = !attempted;
		if (locked) locked.hidden = attempted;
		if (model) model.hidden = !attempted;
		if (working) working.hidden = !attempted;
		if (!answer.checked) {
			this.feedback(attempted ? 'Changed since your last check: press Check again.' : '', 'none');
			return;
		}
		if (this.kind === 'choice') {
			// Judged again from the choice itself: storage holds answers, never verdicts.
			const right = isAnswerRight(expectationOf(this), answer);
			const reasonNote = answer.text?.trim()
				? ' Compare your reason with the model answer.'
				: ' Add your reason, then compare it with the model answer.';
			this.feedback(
				right
					? `Right: ${answer.choice}.${reasonNote}`
					: `Not quite: think about how often this strategy looks.${reasonNote}`,
				right ? 'good' : 'bad',
			);
		} else if (this.kind === 'number') {
			const exact = Number(this.dataset.answer);
			const verdict = checkNumber(answer.text ?? '', {
				answer: exact,
				fallbackHint: this.dataset.hint,
			});
			if (verdict.status === 'correct' && verdict.exact)
				this.feedback(`Correct: ${formatCount(verdict.value)}.`, 'good');
			else if (verdict.status === 'correct')
				this.feedback(
					`Right, roughly: ${formatCount(verdict.value)} is within ${Math.round(ROUGH_TOLERANCE * 100)}%. The exact figure is ${formatCount(exact)}.`,
					'good',
				);
			else if (verdict.status === 'unreadable')
				this.feedback('No number found in that: try digits, like 12,345.', 'bad');
			else if (verdict.status === 'close' || verdict.status === 'wrong')
				this.feedback(verdict.hint, 'bad');
			else this.feedback('', 'none');
		} else {
			this.feedback(
				'Compare your answer with the model answer and tick the points it covered.',
				'none',
			);
		}
	}

	private feedback(text: string, tone: 'good' | 'bad' | 'none'): void {
		const node = this.find<HTMLElement>('[data-part="feedback"]');
		if (!node) return;
		node.textContent = text;
		node.dataset.tone = tone;
	}

	private calculate(): void {
		const read = (name: string): number =>
			Number(
				this.find<HTMLInputElement>(`[data-calc="${name}"]`)?.value.replace(',', '.') ?? Number.NaN,
			);
		const out = this.find<HTMLOutputElement>('[data-part="calc-out"]');
		if (!out) return;
		const input = {
			intervalSeconds: read('interval'),
			hours: read('hours'),
			tickEverySeconds: read('tick'),
		};
		const cost = pollingCost(input);
		if (!cost) {
			out.textContent = costInputProblem(input) ?? 'Enter a number in all three boxes.';
			return;
		}
		const ratio = cost.pollingBytes / cost.webSocketBytes;
		out.textContent =
			`Polling: ${formatCount(cost.requests)} requests, about ${formatBytes(cost.pollingBytes)}. ` +
			`One WebSocket: 1 handshake and ${formatCount(cost.ticks)} pushed prices, about ${formatBytes(cost.webSocketBytes)}` +
			(ratio >= 1.05 ? ` (about ${formatRatio(ratio)} times less data).` : '.');
	}
}

export class ChExercises extends HTMLElement {
	private book!: AnswerBook;
	private unsubscribe: (() => void) | undefined;
	private undoTimer = 0;
	private snapshot: ExerciseAnswers | undefined;
	private wired = false;

	connectedCallback(): void {
		this.book = bookFor(storageKeyOf(this));
		if (!this.wired) {
			this.wired = true;
			this.querySelector('[data-action="reset"]')?.addEventListener('click', () => this.reset());
			this.querySelector('[data-action="undo"]')?.addEventListener('click', () => this.undo());
		}
		this.unsubscribe = this.book.subscribe(() => this.progress());
		this.progress();
	}

	disconnectedCallback(): void {
		this.unsubscribe?.();
		clearTimeout(this.undoTimer);
	}

	private progress(): void {
		// Read from the answers, not the child elements, which may not be upgraded yet.
		const items = [...this.querySelectorAll<HTMLElement>('ch-exercise')];
		const total = items.length;
		const done = items.filter((item) =>
			isExerciseDone(expectationOf(item), this.book.get(item.dataset.id ?? '')),
		).length;
		const bar = this.querySelector('progress');
		if (bar) bar.value = done;
		const text = this.querySelector('[data-part="progress-text"]');
		if (text) text.textContent = `${done} of ${total} done`;
		this.dataset.done = String(done);
		if (!this.book.saving)
			this.status(
				"Answers can't be saved in this browser (storage is off or full); they last until you leave.",
			);
	}

	private status(text: string): void {
		const node = this.querySelector('[data-part="status"]');
		if (node) node.textContent = text;
	}

	private reset(): void {
		this.snapshot = this.book.snapshot();
		this.book.clear();
		this.status('Answers cleared.');
		const undo = this.querySelector<HTMLButtonElement>('[data-action="undo"]');
		if (undo) {
			undo.hidden = false;
			undo.focus();
		}
		clearTimeout(this.undoTimer);
		this.undoTimer = window.setTimeout(() => this.endUndo(), UNDO_MS);
	}

	private undo(): void {
		if (this.snapshot) this.book.restore(this.snapshot);
		this.status('Answers restored.');
		this.endUndo();
		this.querySelector<HTMLButtonElement>('[data-action="reset"]')?.focus();
	}

	private endUndo(): void {
		clearTimeout(this.undoTimer);
		this.snapshot = undefined;
		const undo = this.querySelector<HTMLButtonElement>('[data-action="undo"]');
		if (undo) {
			if (document.activeElement === undo)
				this.querySelector<HTMLButtonElement>('[data-action="reset"]')?.focus();
			undo.hidden = true;
		}
	}
}

// The set first, so exercises inside find it upgraded.
if (!customElements.get('ch-exercises')) customElements.define('ch-exercises', ChExercises);
if (!customElements.get('ch-exercise')) customElements.define('ch-exercise', ChExercise);
