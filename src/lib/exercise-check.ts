// Checking "Try it yourself" answers: reading a number the way a reader writes it ("28,800",
// "28.8k", "2.88e4", "8 × 60 × 60", "about 28 800 requests"), judging it with a hint for the
// usual slips, the polling-cost calculator, and the defensive parser for saved answers.
// Pure: shared by the exercise widget and its unit tests.
// Just over ~400 lines: a reader writes a count in many ways, and each usual slip has its hint.

export const EXERCISE_KINDS = ['choice', 'number', 'text'] as const;
export type ExerciseKind = (typeof EXERCISE_KINDS)[number];

const MULTIPLIERS: Record<string, number> = { k: 1e3, thousand: 1e3, m: 1e6, million: 1e6 };
// A number: an optional minus sign (ASCII or U+2212) right before it, digits with optional
// thousands groups (",", " ", "_", "'", thin spaces), decimals, an exponent and a
// k/thousand/m/million suffix. A minus joined to a word or digit before it ("8-hour") is not a sign.
const NUMBER_TOKEN =
	/(?:(?<![\p{L}\p{N}])([-\u2212]))?(\d{1,3}(?:[,_'\u00a0\u202f ]\d{3})+(?:\.\d+)?|\d+(?:[.,]\d+)?)(?:\s*e\s*([-+]?\d+))?(?:\s*(k|thousand|m|million)\b)?/iu;

/** Reads one number token (see NUMBER_TOKEN) as a value; undefined when none is there. */
function readToken(text: string): { value: number; rest: string } | undefined {
	const match = NUMBER_TOKEN.exec(text);
	if (!match) return undefined;
	const sign = match[1] === undefined ? 1 : -1;
	let digits = match[2]!;
	if (/^\d{1,3}(?:[,_'\u00a0\u202f ]\d{3})+/.test(digits)) {
		digits = digits.replace(/[,_'\u00a0\u202f ]/g, '');
	} else {
		// "28,8k": a lone comma followed by other than three digits is a decimal comma.
		digits = digits.replace(',', '.');
	}
	let value = sign * Number(digits);
	if (match[3] !== undefined) value *= 10 ** Number(match[3]);
	if (match[4] !== undefined) value *= MULTIPLIERS[match[4].toLowerCase()]!;
	return Number.isFinite(value)
		? { value, rest: text.slice(match.index + match[0].length) }
		: undefined;
}

/**
 * The number a reader meant, or undefined when there is none. After "=" only the result counts
 * ("8 × 3600 = 28,800"); a bare product of numbers is multiplied ("8 * 60 * 60").
 */
export function parseNumberAnswer(input: string): number | undefined {
	let text = input.normalize('NFKC').trim();
	const equals = text.lastIndexOf('=');
	if (equals >= 0) text = text.slice(equals + 1);
	text = text.replace(/[~≈]/g, ' ').trim();
	const first = readToken(text);
	if (!first) return undefined;
	// "8 × 60 × 60", "8*3600", "8 x 60 x 60": multiply the factors.
	let value = first.value;
	let rest = first.rest;
	for (let i = 0; i < 8; i++) {
		const times = /^\s*(?:h|hours?|min|minutes?|s|seconds?)?\s*[×x*]\s*/i.exec(rest);
		if (!times) break;
		const next = readToken(rest.slice(times[0].length));
		if (!next || NUMBER_TOKEN.exec(rest.slice(times[0].length))?.index !== 0) break;
		value *= next.value;
		rest = next.rest;
	}
	return value;
}

export type NumberVerdict =
	| { status: 'empty' }
	| { status: 'unreadable' }
	/** Within the tolerance; `exact` is false for a rough answer, which the page follows with the exact figure. */
	| { status: 'correct'; value: number; exact: boolean }
	| { status: 'close'; value: number; hint: string }
	| { status: 'wrong'; value: number; hint: string };

export interface NumberCheckOptions {
	answer: number;
	/**
	 * Relative tolerance for "correct" (default 0.05: the chapter asks "roughly", so an answer
	 * within 5% is right, and the exact figure is shown after it).
	 */
	tolerance?: number;
	/** Said when no specific slip is recognised. */
	fallbackHint?: string;
}

/** Default tolerance of checkNumber: a rough answer within 5% counts. */
export const ROUGH_TOLERANCE = 0.05;

const near = (a: number, b: number): boolean => Math.abs(a - b) <= Math.abs(b) * 0.005;

/** A hint naming the usual slip behind `value` when the answer is `answer` (unit factors). */
export function numberHint(value: number, answer: number, fallbackHint?: string): string {
	if (value < 0 && answer > 0) {
		return 'A count cannot be negative: drop the minus sign and count the requests again.';
	}
	const slips: Array<[number, string]> = [
		[
			1 / 60,
			'You are off by a factor of 60 (too small): did you count minutes instead of seconds? There are 60 seconds in every minute.',
		],
		[
			60,
			'You are off by a factor of 60 (too big): count each second once - 60 seconds a minute, 60 minutes an hour.',
		],
		[
			1 / 3600,
			'You are off by a factor of 3,600 (too small): that looks like hours. Each hour has 60 × 60 = 3,600 seconds.',
		],
		[
			3600,
			'You are off by a factor of 3,600 (too big): one request a second is 3,600 an hour, not more.',
		],
		[
			1000,
			'You are off by a factor of 1,000 (too big): that counts milliseconds. The poll is once a second.',
		],
		[1 / 1000, 'You are off by a factor of 1,000 (too small): check the thousands separator.'],
		[3, 'That is a whole day (24 hours); the question says 8 hours.'],
	];
	for (const [factor, hint] of slips) {
		if (near(value, answer * factor)) return hint;
	}
	return (
		fallbackHint ??
		`Not quite: your answer is ${value > answer ? 'too big' : 'too small'}. Count it step by step.`
	);
}

/** Judges a typed number against `answer`. */
export function checkNumber(input: string, options: NumberCheckOptions): NumberVerdict {
	const { answer, tolerance = ROUGH_TOLERANCE, fallbackHint } = options;
	if (input.trim() === '') return { status: 'empty' };
	const value = parseNumberAnswer(input);
	if (value === undefined) return { status: 'unreadable' };
	// A sign slip is never "close": -28,800 is as far from a count as a number can be.
	if (Math.sign(value) !== Math.sign(answer) && value !== 0 && answer !== 0) {
		return { status: 'wrong', value, hint: numberHint(value, answer, fallbackHint) };
	}
	const error = Math.abs(value - answer) / Math.abs(answer || 1);
	if (error <= tolerance) return { status: 'correct', value, exact: error < 1e-9 };
	if (error <= 0.1) {
		return {
			status: 'close',
			value,
			hint: `Close, but more than ${Math.round(tolerance * 100)}% out: count it step by step.`,
		};
	}
	return { status: 'wrong', value, hint: numberHint(value, answer, fallbackHint) };
}

const COUNT_FORMAT = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/**
 * Writes a whole number with comma thousands separators, independent of the browser's locale,
 * and never in exponent form (3,600,000,000, not 3.6e+9).
 */
export function formatCount(value: number): string {
	return COUNT_FORMAT.format(Math.round(value) || 0);
}

/**
 * Writes a ratio as a reader says it: one decimal below 10 ("2.5"), whole below 100 ("42"),
 * else two significant figures with separators ("67,000"), since the inputs behind it are
 * estimates.
 */
export function formatRatio(ratio: number): string {
	if (ratio < 10) return ratio.toFixed(1);
	if (ratio < 100) return String(Math.round(ratio));
	const magnitude = 10 ** (Math.floor(Math.log10(ratio)) - 1);
	return formatCount(Math.round(ratio / magnitude) * magnitude);
}

/** Writes a byte count in decimal units: "690 B", "346 KB", "23 MB", "1.2 GB". */
export function formatBytes(bytes: number): string {
	const units = ['B', 'KB', 'MB', 'GB', 'TB', 'PB'];
	let value = bytes;
	let unit = 0;
	while (value >= 1000 && unit < units.length - 1) {
		value /= 1000;
		unit++;
	}
	const digits = unit === 0 || value >= 10 ? 0 : 1;
	return `${digits === 0 ? formatCount(value) : value.toFixed(digits)} ${units[unit]}`;
}

/** Assumed sizes for the calculator; the widget states them next to the result. */
export const COST_ASSUMPTIONS = {
	/** One HTTP poll: request line and headers (~450 B) plus reply headers and a small body (~350 B). */
	httpPollBytes: 800,
	/** The WebSocket opening handshake: the HTTP upgrade request and the 101 reply. */
	wsHandshakeBytes: 600,
	/** The subscribe message once: a small JSON text frame. */
	wsSubscribeBytes: 90,
	/** One pushed price: a small JSON text frame with a 2-byte header. */
	wsTickBytes: 120,
} as const;

/** Sensible ranges for the calculator's three inputs (the inputs carry them as min and max). */
export const COST_LIMITS = {
	intervalSeconds: { min: 0.1, max: 3600, label: 'Poll every', unit: 'seconds' },
	hours: { min: 0.1, max: 24, label: 'For', unit: 'hours' },
	tickEverySeconds: { min: 0.1, max: 3600, label: 'Price changes every', unit: 'seconds' },
} as const;

export interface PollingCostInput {
	intervalSeconds: number;
	hours: number;
	/** How often the price really changes, in seconds (what the stream pushes). */
	tickEverySeconds: number;
}

export interface PollingCost {
	requests: number;
	pollingBytes: number;
	ticks: number;
	webSocketBytes: number;
}

/**
 * The first calculator input outside COST_LIMITS, as a sentence naming the box and its range
 * ("Poll every: enter a number from 0.1 to 3,600 seconds."), or undefined when all are in range.
 */
export function costInputProblem(input: PollingCostInput): string | undefined {
	for (const key of ['intervalSeconds', 'hours', 'tickEverySeconds'] as const) {
		const value = input[key];
		const { min, max, label, unit } = COST_LIMITS[key];
		if (!Number.isFinite(value) || value < min || value > max)
			return `${label}: enter a number from ${min} to ${formatCount(max)} ${unit}.`;
	}
	return undefined;
}

/** Requests and bytes of polling vs one WebSocket; undefined for inputs outside COST_LIMITS. */
export function pollingCost(input: PollingCostInput): PollingCost | undefined {
	if (costInputProblem(input) !== undefined) return undefined;
	const { intervalSeconds, hours, tickEverySeconds } = input;
	const seconds = hours * 3600;
	// Divide in a way that keeps 28800 / 1 exact and avoids 0.1 drift (8 h every 0.1 s = 288,000).
	const requests = Math.floor(seconds / intervalSeconds + 1e-9);
	const ticks = Math.floor(seconds / tickEverySeconds + 1e-9);
	const a = COST_ASSUMPTIONS;
	return {
		requests,
		pollingBytes: requests * a.httpPollBytes,
		ticks,
		webSocketBytes: a.wsHandshakeBytes + a.wsSubscribeBytes + ticks * a.wsTickBytes,
	};
}

/**
 * One exercise's saved answer: what the reader chose and typed, never a verdict. Whether it is
 * right is worked out again from these fields each time (storage can be edited by hand).
 */
export interface ExerciseAnswer {
	choice?: string;
	text?: string;
	/** The reader pressed Check / Compare on the answer as it stands (cleared by editing a choice or number). */
	checked?: boolean;
	/** How many times Check was pressed; the model answer and the calculator open after the first. */
	attempts?: number;
	/** Checklist boxes the reader ticked, in order. */
	points?: boolean[];
}
export type ExerciseAnswers = Record<string, ExerciseAnswer>;

const MAX_TEXT = 5000;
const ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,63}$/;

/** Keeps only well-typed fields of saved answers; undefined when `value` is not an object. */
export function parseExerciseAnswers(value: unknown): ExerciseAnswers | undefined {
	if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
	const answers: ExerciseAnswers = {};
	for (const [id, raw] of Object.entries(value)) {
		if (!ID_PATTERN.test(id) || typeof raw !== 'object' || raw === null) continue;
		const entry = raw as Record<string, unknown>;
		const answer: ExerciseAnswer = {};
		if (typeof entry.choice === 'string') answer.choice = entry.choice.slice(0, 200);
		if (typeof entry.text === 'string') answer.text = entry.text.slice(0, MAX_TEXT);
		if (typeof entry.checked === 'boolean') answer.checked = entry.checked;
		if (
			typeof entry.attempts === 'number' &&
			Number.isInteger(entry.attempts) &&
			entry.attempts >= 0
		) {
			answer.attempts = Math.min(entry.attempts, 1e6);
		}
		if (Array.isArray(entry.points))
			answer.points = entry.points.slice(0, 20).map((p) => p === true);
		answers[id] = answer;
	}
	return answers;
}

/** What an exercise expects: the right choice, or the right number (as `data-answer` holds it). */
export interface ExerciseExpectation {
	kind: ExerciseKind;
	/** choice: the right option; number: the value, as a number or its decimal text. */
	answer?: string | number;
}

/**
 * Whether the saved answer is right, judged afresh from what the reader chose or typed: the
 * right option, a number checkNumber accepts, or (text) any answer written. Never reads a
 * stored verdict.
 */
export function isAnswerRight(
	expected: ExerciseExpectation,
	answer: ExerciseAnswer | undefined,
): boolean {
	if (!answer) return false;
	switch (expected.kind) {
		case 'choice':
			return answer.choice !== undefined && answer.choice === String(expected.answer);
		case 'number': {
			const value = Number(expected.answer);
			if (!Number.isFinite(value)) return false;
			return checkNumber(answer.text ?? '', { answer: value }).status === 'correct';
		}
		case 'text':
			return (answer.text ?? '').trim() !== '';
	}
}

/** Whether an exercise counts towards "n of 3": checked, and right when judged again now. */
export function isExerciseDone(
	expected: ExerciseExpectation,
	answer: ExerciseAnswer | undefined,
): boolean {
	return answer?.checked === true && isAnswerRight(expected, answer);
}

export const EXERCISE_CALCULATORS = ['polling-cost'] as const;

/** The props an author gives `<Exercise>` in MDX. */
export interface ExerciseProps {
	id: string;
	kind: ExerciseKind;
	/** choice: the options, in order. */
	choices?: readonly string[];
	/** choice: the right option; number: the right value. */
	answer?: string | number;
	/** The model answer shown after an attempt (choice and text: required). */
	model?: string;
	/** number: the working shown after an attempt. */
	working?: string;
	/** number: said after a wrong answer when no usual slip is recognised. */
	hint?: string;
	/** text: the key points the reader ticks off against their answer. */
	points?: readonly string[];
	/** number: a calculator shown beside it. */
	calculator?: (typeof EXERCISE_CALCULATORS)[number];
}

export interface PropProblem {
	message: string;
	hint: string;
}

const quoteList = (values: readonly string[]): string => values.map((v) => `\`${v}\``).join(', ');

/** The first problem with an `<Exercise>`'s props (named prop, received value, what is allowed), or undefined. */
export function validateExerciseProps(props: Record<string, unknown>): PropProblem | undefined {
	const where = (prop: string): string =>
		`Invalid \`${prop}\` prop passed to the \`<Exercise>\` component${typeof props.id === 'string' ? ` (id \`${props.id}\`)` : ''}`;
	const received = (value: unknown): string =>
		`received ${value === undefined ? 'nothing' : JSON.stringify(value)}`;
	const problem = (prop: string, allowed: string): PropProblem => ({
		message: `${where(prop)}: ${received(props[prop])}.`,
		hint: allowed,
	});
	if (typeof props.id !== 'string' || !ID_PATTERN.test(props.id)) {
		return problem(
			'id',
			'Use a unique lower-case id of letters, digits and dashes, e.g. id="ch39-a"; answers are saved under it.',
		);
	}
	const kind = props.kind;
	if (typeof kind !== 'string' || !(EXERCISE_KINDS as readonly string[]).includes(kind)) {
		return problem('kind', `Use one of ${quoteList(EXERCISE_KINDS)}.`);
	}
	const isStringList = (value: unknown, min: number): boolean =>
		Array.isArray(value) &&
		value.length >= min &&
		value.every((v) => typeof v === 'string' && v.trim() !== '');
	if (kind === 'choice') {
		if (!isStringList(props.choices, 2)) {
			return problem(
				'choices',
				'Give at least two options as a list of strings, e.g. choices={["Polling is fine", "Needs a WebSocket"]}.',
			);
		}
		const choices = props.choices as string[];
		if (typeof props.answer !== 'string' || !choices.includes(props.answer)) {
			return problem('answer', `Use one of the choices: ${quoteList(choices)}.`);
		}
	}
	if (kind === 'number' && (typeof props.answer !== 'number' || !Number.isFinite(props.answer))) {
		return problem('answer', 'Give the right value as a number, e.g. answer={28800}.');
	}
	if (
		(kind === 'choice' || kind === 'text') &&
		(typeof props.model !== 'string' || props.model.trim() === '')
	) {
		return problem(
			'model',
			`A \`${kind}\` exercise needs a model answer to show after an attempt: model="...".`,
		);
	}
	if (kind === 'text' && props.points !== undefined && !isStringList(props.points, 1)) {
		return problem(
			'points',
			'Give the key points as a list of strings, e.g. points={["Pull vs push", "..."]}.',
		);
	}
	if (props.calculator !== undefined) {
		if (
			kind !== 'number' ||
			!(EXERCISE_CALCULATORS as readonly string[]).includes(props.calculator as string)
		) {
			return problem(
				'calculator',
				`Use ${quoteList(EXERCISE_CALCULATORS)} on a \`number\` exercise, or leave it out.`,
			);
		}
	}
	return undefined;
}
