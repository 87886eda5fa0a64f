// What Python prints for a float: `print(tick["ltp"])` writes repr(float), the shortest text that
// reads back as the same number (1313.6, 1313.0, 1e-05, 1e+16). JavaScript's shortest digits are
// the same digits; only the layout differs (Python keeps ".0", switches to exponent notation
// below 1e-4 and from 1e16, and writes at least two exponent digits).

/** Python's repr() of a float, e.g. 1313.6 → "1313.6", 1313 → "1313.0", 1e-5 → "1e-05". */
export function pythonFloatRepr(value: number): string {
	if (Number.isNaN(value)) return 'nan';
	if (value === Infinity) return 'inf';
	if (value === -Infinity) return '-inf';
	if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0';
	const sign = value < 0 ? '-' : '';
	// toExponential() without an argument gives the shortest round-tripping digits.
	const [mantissa, exponentText] = Math.abs(value).toExponential().split('e') as [string, string];
	const exponent = Number(exponentText);
	const digits = mantissa.replace('.', '');
	if (exponent < -4 || exponent >= 16) {
		const body = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
		const expSign = exponent < 0 ? '-' : '+';
		return `${sign}${body}e${expSign}${String(Math.abs(exponent)).padStart(2, '0')}`;
	}
	if (exponent < 0) return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`;
	const whole = digits.slice(0, exponent + 1).padEnd(exponent + 1, '0');
	const fraction = digits.slice(exponent + 1);
	return `${sign}${whole}.${fraction === '' ? '0' : fraction}`;
}

/** The line the chapter's on_tick prints: `print(tick["symbol"], "is now", tick["ltp"])`. */
export function onTickLine(symbol: string, ltp: number): string {
	return `${symbol} is now ${pythonFloatRepr(ltp)}`;
}
