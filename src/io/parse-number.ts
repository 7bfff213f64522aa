// Strict decimal number parsing from bytes (ASCII STL and PLY bodies), without creating strings
// on the fast path. Results are correctly rounded doubles (Clinger's fast path, else Number()).

const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
  1e17, 1e18, 1e19, 1e20, 1e21, 1e22];
const latin1 = new TextDecoder('latin1');

/**
 * Parses bytes[start, end) as a decimal number: [+-] digits [. digits] [(e|E) [+-] digits],
 * or nan / inf / infinity (any case, with sign). Returns NaN-with-flag via `ok`: the caller
 * checks the syntax result, because NaN is also a legal value.
 */
export function parseNumber(bytes: Uint8Array, start: number, end: number, result: { value: number }): boolean {
  let i = start;
  let negative = false;
  let c = bytes[i];
  if (c === 0x2d || c === 0x2b) {
    negative = c === 0x2d;
    i++;
  }
  let mantissa = 0;
  let digits = 0; // significant digits accumulated in mantissa
  let dropped = 0; // integer digits not accumulated (beyond 15 significant)
  let exponent = 0;
  let sawDigit = false;
  let exact = true;
  while (i < end && (c = bytes[i]) >= 0x30 && c <= 0x39) {
    sawDigit = true;
    if (digits < 15) {
      mantissa = mantissa * 10 + (c - 0x30);
      if (mantissa !== 0) digits++;
    } else {
      dropped++;
      if (c !== 0x30) exact = false;
    }
    i++;
  }
  exponent += dropped;
  if (i < end && bytes[i] === 0x2e) {
    i++;
    while (i < end && (c = bytes[i]) >= 0x30 && c <= 0x39) {
      sawDigit = true;
      if (digits < 15) {
        mantissa = mantissa * 10 + (c - 0x30);
        if (mantissa !== 0) digits++;
        exponent--;
      } else if (c !== 0x30) exact = false;
      i++;
    }
  }
  if (!sawDigit) return parseSpecial(bytes, start, end, result);
  if (i < end && (bytes[i] | 0x20) === 0x65) {
    i++;
    let expNegative = false;
    if (i < end && (bytes[i] === 0x2d || bytes[i] === 0x2b)) {
      expNegative = bytes[i] === 0x2d;
      i++;
    }
    let e = 0;
    let expDigits = 0;
    while (i < end && (c = bytes[i]) >= 0x30 && c <= 0x39) {
      if (e < 100000) e = e * 10 + (c - 0x30);
      expDigits++;
      i++;
    }
    if (expDigits === 0) return false;
    exponent += expNegative ? -e : e;
  }
  if (i !== end) return false;
  let value: number;
  if (exact && exponent >= -22 && exponent <= 22) {
    value = exponent >= 0 ? mantissa * POW10[exponent] : mantissa / POW10[-exponent];
  } else if (mantissa === 0 && exact) {
    value = 0;
  } else {
    value = Number(latin1.decode(bytes.subarray(start, end)));
    result.value = value;
    return !Number.isNaN(value);
  }
  result.value = negative ? -value : value;
  return true;
}

function parseSpecial(bytes: Uint8Array, start: number, end: number, result: { value: number }): boolean {
  let i = start;
  let negative = false;
  if (bytes[i] === 0x2d || bytes[i] === 0x2b) {
    negative = bytes[i] === 0x2d;
    i++;
  }
  const word = latin1.decode(bytes.subarray(i, end)).toLowerCase();
  if (word === 'nan') result.value = NaN;
  else if (word === 'inf' || word === 'infinity') result.value = negative ? -Infinity : Infinity;
  else return false;
  return true;
}

/** Parses bytes[start, end) as a decimal integer ([+-] digits); returns null if it is not one. */
export function parseInteger(bytes: Uint8Array, start: number, end: number): number | null {
  let i = start;
  let negative = false;
  if (bytes[i] === 0x2d || bytes[i] === 0x2b) {
    negative = bytes[i] === 0x2d;
    i++;
  }
  if (i >= end) return null;
  let v = 0;
  for (; i < end; i++) {
    const c = bytes[i];
    if (c < 0x30 || c > 0x39) return null;
    v = v * 10 + (c - 0x30);
    if (v > Number.MAX_SAFE_INTEGER) return null;
  }
  return negative ? -v : v;
}
