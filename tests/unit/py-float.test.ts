import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { onTickLine, pythonFloatRepr } from '../../src/lib/py-float.ts';

const CASES = [
	1313.6,
	1313,
	1313.65,
	0.1 + 0.2,
	24350.15,
	812.35,
	0.05,
	1e-4,
	1e-5,
	0.000123,
	1e15,
	1e16,
	1.5e16,
	123456789012345680,
	1e22,
	-2.5,
	-0,
	0,
	5e-324,
	1.7976931348623157e308,
	100,
	0.5,
];

function hasPython(): boolean {
	try {
		execFileSync('python3', ['-c', 'pass']);
		return true;
	} catch {
		return false;
	}
}

describe('pythonFloatRepr', () => {
	it('prints prices as Python does', () => {
		expect(pythonFloatRepr(1313.6)).toBe('1313.6');
		expect(pythonFloatRepr(1313)).toBe('1313.0');
		expect(pythonFloatRepr(1313.65)).toBe('1313.65');
		expect(pythonFloatRepr(0.1 + 0.2)).toBe('0.30000000000000004');
	});

	it('switches to exponent notation below 1e-4 and from 1e16, with two exponent digits', () => {
		expect(pythonFloatRepr(0.0001)).toBe('0.0001');
		expect(pythonFloatRepr(0.00001)).toBe('1e-05');
		expect(pythonFloatRepr(1e15)).toBe('1000000000000000.0');
		expect(pythonFloatRepr(1e16)).toBe('1e+16');
		expect(pythonFloatRepr(1.5e16)).toBe('1.5e+16');
	});

	it('spells the special values as Python does', () => {
		expect([Number.NaN, Infinity, -Infinity, -0].map(pythonFloatRepr)).toEqual([
			'nan',
			'inf',
			'-inf',
			'-0.0',
		]);
	});

	it.skipIf(!hasPython())('matches python3 for every case', () => {
		const script = `import sys\nfor line in sys.stdin.read().split():\n    print(repr(float(line)))`;
		const input = CASES.map((value) =>
			Object.is(value, -0) ? '-0.0' : value.toExponential(),
		).join('\n');
		const python = execFileSync('python3', ['-c', script], { input }).toString().trim().split('\n');
		expect(CASES.map(pythonFloatRepr)).toEqual(python);
	});
});

describe('onTickLine', () => {
	it("prints what the chapter's on_tick prints", () => {
		expect(onTickLine('RELIANCE', 1313.6)).toBe('RELIANCE is now 1313.6');
		expect(onTickLine('TCS', 3120)).toBe('TCS is now 3120.0');
	});
});
