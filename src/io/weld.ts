// Weld scratch sizing shared by the STL readers.
import type { Scope } from '../wasm/abi.js';

/** Maximum table slots for welding `points` points: a power of two > 1.25 x points. */
export function weldTableSlots(points: number): number {
  let slots = 1024;
  while (slots <= points * 1.25) slots *= 2;
  return slots;
}

/** Allocates the weld scratch for `points` points; returns [scratch pointer, maxSlots]. */
export function allocWeldScratch(s: Scope, points: number): [number, number] {
  const maxSlots = weldTableSlots(points);
  return [s.alloc(s.call('weld_scratch_bytes', maxSlots)), maxSlots];
}
