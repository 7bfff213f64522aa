// Hash-table sizing shared by the weld kernels.

/** Table slots for welding `points` points: a power of two >= 1.25 x points (load <= 0.8). */
export function weldTableSlots(points: number): number {
  let slots = 16;
  while (slots <= points * 1.25) slots *= 2;
  return slots;
}
