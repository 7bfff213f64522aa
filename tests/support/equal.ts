// Fast exact comparison of typed arrays (vitest's deep equality is slow on megabytes).
import { expect } from 'vitest';

type Bytes = ArrayBufferView;

const asBytes = (a: Bytes) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

/** Asserts that two typed arrays have the same type, length and bit-identical contents. */
export function expectSameArray(actual: Bytes | undefined, expected: Bytes | undefined, what = 'array'): void {
  if (expected === undefined || actual === undefined) {
    expect(actual, what).toBe(expected);
    return;
  }
  expect(actual.constructor.name, `${what} type`).toBe(expected.constructor.name);
  expect(actual.byteLength, `${what} byte length`).toBe(expected.byteLength);
  const x = asBytes(actual);
  const y = asBytes(expected);
  if (Buffer.compare(x, y) !== 0) {
    let i = 0;
    while (x[i] === y[i]) i++;
    const size = (expected as unknown as { BYTES_PER_ELEMENT?: number }).BYTES_PER_ELEMENT ?? 1;
    const element = Math.floor(i / size);
    const a = (actual as unknown as ArrayLike<number>)[element];
    const b = (expected as unknown as ArrayLike<number>)[element];
    expect.fail(`${what} differs at element ${element}: ${a} vs expected ${b}`);
  }
}
