// Number formatting for ASCII outputs that read back exactly.

/** The shortest decimal that reads back (through Math.fround) as exactly this float32 value. */
export function formatFloat32(value: number): string {
  if (!Number.isFinite(value)) return Number.isNaN(value) ? 'nan' : value > 0 ? 'inf' : '-inf';
  if (value === 0) return Object.is(value, -0) ? '-0' : '0';
  for (let precision = 6; precision < 9; precision++) {
    const s = trimExponent(value.toPrecision(precision));
    if (Math.fround(Number(s)) === value) return s;
  }
  return trimExponent(value.toPrecision(9));
}

/** The shortest decimal that reads back as exactly this double. */
export function formatFloat64(value: number): string {
  if (!Number.isFinite(value)) return Number.isNaN(value) ? 'nan' : value > 0 ? 'inf' : '-inf';
  if (Object.is(value, -0)) return '-0';
  return String(value);
}

/** "1.50000e+2" -> "150"-style cleanup: drop trailing zeros of the fraction, keep the exponent. */
function trimExponent(s: string): string {
  const e = s.indexOf('e');
  let mantissa = e < 0 ? s : s.slice(0, e);
  const exponent = e < 0 ? '' : s.slice(e);
  if (mantissa.includes('.')) mantissa = mantissa.replace(/0+$/, '').replace(/\.$/, '');
  return mantissa + exponent;
}
