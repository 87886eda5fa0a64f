import { describe, expect, it } from 'vitest';
import {
	checkNumber,
	costInputProblem,
	formatBytes,
	formatCount,
	formatRatio,
	isAnswerRight,
	isExerciseDone,
	parseExerciseAnswers,
	parseNumberAnswer,
	pollingCost,
	validateExerciseProps,
} from '../../src/lib/exercise-check.ts';

describe('parseNumberAnswer', () => {
	it('reads 28,800 however a reader writes it', () => {
		const forms = [
			'28800',
			'28,800',
			'28 800',
			'28\u202f800',
			"28'800",
			'28_800',
			'28.8k',
			'28.8K',
			'28,8k',
			'28.8 thousand',
			'2.88e4',
			'2.88E4',
			'about 28,800 requests',
			'~28800',
			'≈ 28,800',
			'8 × 60 × 60 = 28,800',
			'8*60*60',
			'8 h x 3600',
			'8 hours × 60 × 60',
			'28800.0',
		];
		for (const form of forms) expect([form, parseNumberAnswer(form)]).toEqual([form, 28800]);
	});

	it('returns undefined when there is no number', () => {
		expect(parseNumberAnswer('lots')).toBeUndefined();
		expect(parseNumberAnswer('')).toBeUndefined();
	});

	it('keeps decimals and millions apart from thousands groups', () => {
		expect(parseNumberAnswer('1.5')).toBe(1.5);
		expect(parseNumberAnswer('1,728,000')).toBe(1_728_000);
		expect(parseNumberAnswer('1.7 million')).toBe(1_700_000);
	});

	it('keeps a minus sign, but not a hyphen joined to a word', () => {
		expect(parseNumberAnswer('-28800')).toBe(-28800);
		expect(parseNumberAnswer('−28,800')).toBe(-28800);
		expect(parseNumberAnswer('about -28.8k')).toBe(-28800);
		expect(parseNumberAnswer('an 8-hour day')).toBe(8);
	});
});

describe('checkNumber', () => {
	const options = { answer: 28800 };
	it('accepts the answer and a rough one within 5%, telling the two apart', () => {
		expect(checkNumber('28.8k', options)).toEqual({ status: 'correct', value: 28800, exact: true });
		expect(checkNumber('about 29,000', options)).toEqual({
			status: 'correct',
			value: 29000,
			exact: false,
		});
		expect(checkNumber('28,000', options)).toEqual({
			status: 'correct',
			value: 28000,
			exact: false,
		});
		expect(checkNumber('30,000', options)).toMatchObject({ status: 'correct', exact: false });
	});

	it('never accepts a negative count', () => {
		const verdict = checkNumber('-28800', options);
		expect(verdict.status).toBe('wrong');
		expect(verdict.status === 'wrong' && verdict.hint).toMatch(/cannot be negative/);
		expect(checkNumber('-28,000', options).status).toBe('wrong');
	});

	it('says close between 5% and 10% and names the slip for unit mistakes', () => {
		expect(checkNumber('31000', options).status).toBe('close');
		expect(checkNumber('26500', options).status).toBe('close');
		const minutes = checkNumber('480', options);
		expect(minutes).toMatchObject({ status: 'wrong', value: 480 });
		expect(minutes.status === 'wrong' && minutes.hint).toMatch(
			/factor of 60 \(too small\).*minutes/,
		);
		const hours = checkNumber('8', options);
		expect(hours.status === 'wrong' && hours.hint).toMatch(/3,600/);
		const big = checkNumber('1,728,000', options);
		expect(big.status === 'wrong' && big.hint).toMatch(/factor of 60 \(too big\)/);
		const ms = checkNumber('28,800,000', options);
		expect(ms.status === 'wrong' && ms.hint).toMatch(/milliseconds/);
		const day = checkNumber('86400', options);
		expect(day.status === 'wrong' && day.hint).toMatch(/24 hours/);
		const other = checkNumber('5000', options);
		expect(other.status === 'wrong' && other.hint).toMatch(/too small/);
	});

	it('tells empty from unreadable', () => {
		expect(checkNumber('  ', options)).toEqual({ status: 'empty' });
		expect(checkNumber('a lot', options)).toEqual({ status: 'unreadable' });
	});
});

describe('pollingCost', () => {
	it('counts 28,800 polls for 8 hours every second against one WebSocket', () => {
		expect(pollingCost({ intervalSeconds: 1, hours: 8, tickEverySeconds: 10 })).toEqual({
			requests: 28800,
			pollingBytes: 23_040_000,
			ticks: 2880,
			webSocketBytes: 600 + 90 + 2880 * 120,
		});
		expect(pollingCost({ intervalSeconds: 0.1, hours: 8, tickEverySeconds: 1 })?.requests).toBe(
			288_000,
		);
	});

	it('refuses zero, negative, missing and out-of-range inputs, naming the box and its range', () => {
		expect(pollingCost({ intervalSeconds: 0, hours: 8, tickEverySeconds: 1 })).toBeUndefined();
		expect(
			pollingCost({ intervalSeconds: 1, hours: Number.NaN, tickEverySeconds: 1 }),
		).toBeUndefined();
		const huge = { intervalSeconds: 1e-12, hours: 1e6, tickEverySeconds: 1 };
		expect(pollingCost(huge)).toBeUndefined();
		expect(costInputProblem(huge)).toBe('Poll every: enter a number from 0.1 to 3,600 seconds.');
		expect(costInputProblem({ intervalSeconds: 1, hours: 1e6, tickEverySeconds: 1 })).toBe(
			'For: enter a number from 0.1 to 24 hours.',
		);
		expect(costInputProblem({ intervalSeconds: 1, hours: 8, tickEverySeconds: 10 })).toBe(
			undefined,
		);
	});
});

describe('formatCount and formatBytes', () => {
	it('writes counts and sizes as the page shows them', () => {
		expect([0, 999, 28800, 1_728_000].map(formatCount)).toEqual([
			'0',
			'999',
			'28,800',
			'1,728,000',
		]);
		expect([690, 346_290, 23_040_000, 1_200_000_000].map(formatBytes)).toEqual([
			'690 B',
			'346 KB',
			'23 MB',
			'1.2 GB',
		]);
	});

	it('never writes an exponent or an unseparated long number', () => {
		expect(formatCount(3.6e21)).toBe('3,600,000,000,000,000,000,000');
		expect(formatCount(-0.2)).toBe('0');
		expect(formatBytes(2.88e18)).toBe('2,880 PB');
		expect([1.04, 2.5, 42.4, 66534, 193_577].map(formatRatio)).toEqual([
			'1.0',
			'2.5',
			'42',
			'67,000',
			'190,000',
		]);
	});
});

describe('parseExerciseAnswers', () => {
	it('keeps well-typed fields and drops the rest', () => {
		expect(
			parseExerciseAnswers({
				'ch39-a': {
					choice: 'polling',
					text: 'once a minute',
					checked: true,
					correct: true,
					attempts: 2,
					extra: 1,
				},
				'ch39-b': { text: 42, attempts: -1, points: [true, 'yes', false] },
				'Bad Id': { choice: 'x' },
				'ch39-c': 'nope',
			}),
		).toEqual({
			'ch39-a': { choice: 'polling', text: 'once a minute', checked: true, attempts: 2 },
			'ch39-b': { points: [true, false, false] },
		});
	});

	it('rejects what is not an object', () => {
		for (const value of [null, 1, 'x', [1]]) expect(parseExerciseAnswers(value)).toBeUndefined();
	});
});

describe('isExerciseDone', () => {
	const choice = { kind: 'choice', answer: 'Polling is fine' } as const;
	const number = { kind: 'number', answer: '28800' } as const;
	const text = { kind: 'text' } as const;

	it('needs a checked answer that is right when judged again: choice, number, or a written text', () => {
		expect(isExerciseDone(choice, { checked: true, choice: 'Needs a WebSocket' })).toBe(false);
		expect(isExerciseDone(choice, { checked: true, choice: 'Polling is fine' })).toBe(true);
		expect(isExerciseDone(choice, { choice: 'Polling is fine' })).toBe(false);
		expect(isExerciseDone(number, { checked: true, text: '28,000' })).toBe(true);
		expect(isExerciseDone(number, { checked: true, text: '-28800' })).toBe(false);
		expect(isExerciseDone(text, { checked: true, text: 'asking vs telling' })).toBe(true);
		expect(isExerciseDone(text, { checked: true, text: '  ' })).toBe(false);
		expect(isExerciseDone(text, undefined)).toBe(false);
	});

	it('ignores a stored verdict: only the stored answer counts', () => {
		const forged = parseExerciseAnswers({
			'ch39-b': { text: '5000', checked: true, correct: true },
			'ch39-a': { choice: 'Needs a WebSocket', checked: true, correct: true },
		})!;
		expect(isExerciseDone(number, forged['ch39-b'])).toBe(false);
		expect(isExerciseDone(choice, forged['ch39-a'])).toBe(false);
		expect(isAnswerRight(number, { text: '28800' })).toBe(true);
	});
});

describe('validateExerciseProps', () => {
	const choice = {
		id: 'ch39-a',
		kind: 'choice',
		choices: ['Polling is fine', 'Needs a WebSocket'],
		answer: 'Polling is fine',
		model: 'Polling is fine.',
	};

	it('accepts the chapter exercises', () => {
		expect(validateExerciseProps(choice)).toBeUndefined();
		expect(
			validateExerciseProps({
				id: 'ch39-b',
				kind: 'number',
				answer: 28800,
				calculator: 'polling-cost',
			}),
		).toBeUndefined();
		expect(
			validateExerciseProps({
				id: 'ch39-c',
				kind: 'text',
				model: 'Asking vs telling.',
				points: ['Pull vs push'],
			}),
		).toBeUndefined();
	});

	it('names the prop, what it received and what is allowed', () => {
		expect(validateExerciseProps({ ...choice, kind: 'essay' })).toMatchInlineSnapshot(`
			{
			  "hint": "Use one of \`choice\`, \`number\`, \`text\`.",
			  "message": "Invalid \`kind\` prop passed to the \`<Exercise>\` component (id \`ch39-a\`): received "essay".",
			}
		`);
		expect(validateExerciseProps({ ...choice, answer: 'Maybe' })).toMatchInlineSnapshot(`
			{
			  "hint": "Use one of the choices: \`Polling is fine\`, \`Needs a WebSocket\`.",
			  "message": "Invalid \`answer\` prop passed to the \`<Exercise>\` component (id \`ch39-a\`): received "Maybe".",
			}
		`);
		expect(validateExerciseProps({ kind: 'number', answer: 1 })?.message).toBe(
			'Invalid `id` prop passed to the `<Exercise>` component: received nothing.',
		);
		expect(validateExerciseProps({ id: 'x', kind: 'number', answer: '28800' })?.hint).toMatch(
			/answer=\{28800\}/,
		);
		expect(validateExerciseProps({ id: 'x', kind: 'text' })?.message).toMatch(/`model`/);
		expect(
			validateExerciseProps({ id: 'x', kind: 'text', model: 'm', calculator: 'polling-cost' })
				?.message,
		).toMatch(/`calculator`/);
	});
});
