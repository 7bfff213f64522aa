// Checking option values given as text on the command line: a bad value is a UsageError
// (exit code 2) whose message names the option, the accepted range and what was given.
import { UsageError } from './io.js';

/** A whole number from min to max written in plain digits ('12', not '1e1' or '-3'). */
export function wholeNumberOption(value: string, name: string, min: number, max: number): number {
  const n = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || !Number.isSafeInteger(n) || n < min || n > max) {
    throw new UsageError(`${name} expects a whole number from ${min} to ${max}, got '${value}'`);
  }
  return n;
}

/** A finite number from min to max, in `unit` (named in the message). */
export function decimalOption(value: string, name: string, min: number, max: number, unit: string): number {
  const n = value.trim() === '' ? NaN : Number(value);
  if (!Number.isFinite(n) || n < min || n > max) throw new UsageError(`${name} expects a number of ${unit} from ${min} to ${max}, got '${value}'`);
  return n;
}
