// Exact welding: points with bit-identical coordinates (after folding -0 to +0) become one
// vertex. Open addressing with linear probing in a caller-provided table.

/** Empty slot marker in the weld table. */
export const WELD_EMPTY: u32 = 0xffffffff;

/** Canonical bit pattern of a coordinate: -0 and +0 weld together; NaNs weld only when identical. */
@inline export function canonicalBits(bits: u32): u32 {
  return bits == 0x80000000 ? 0 : bits;
}

/** Hash of three coordinate bit patterns; the caller masks it to the table size. */
@inline export function hashPoint(x: u32, y: u32, z: u32): u32 {
  let h = (x ^ (y * 0x9e3779b1) ^ (z * 0x85ebca77)) * 0xc2b2ae3d;
  return h ^ (h >> 15);
}

/**
 * Welds points laid out in groups: point (g, k) starts at
 * src + g * groupStride + k * pointStride, for g < groups, k < perGroup; each point is 3 f32.
 * Writes remap[g * perGroup + k] = vertex index and the unique points to `unique` (3 f32 each,
 * in first-seen order, so the result is deterministic). `table` holds mask + 1 u32 slots
 * (mask + 1 a power of two, > number of points); it is cleared here.
 * Returns the number of unique vertices.
 */
export function weldGroups(
  src: usize, groups: u32, groupStride: u32, perGroup: u32, pointStride: u32,
  remap: usize, unique: usize, table: usize, mask: u32,
): u32 {
  memory.fill(table, 0xff, (<usize>mask + 1) << 2);
  let count: u32 = 0;
  let r = remap;
  for (let g: u32 = 0; g < groups; g++) {
    let p = src + <usize>g * groupStride;
    for (let k: u32 = 0; k < perGroup; k++, p += pointStride) {
      let x = canonicalBits(load<u32>(p));
      let y = canonicalBits(load<u32>(p, 4));
      let z = canonicalBits(load<u32>(p, 8));
      let slot = hashPoint(x, y, z) & mask;
      let index: u32;
      while (true) {
        index = load<u32>(table + (<usize>slot << 2));
        if (index == WELD_EMPTY) {
          index = count++;
          store<u32>(table + (<usize>slot << 2), index);
          let q = unique + <usize>index * 12;
          store<u32>(q, x);
          store<u32>(q, y, 4);
          store<u32>(q, z, 8);
          break;
        }
        let q = unique + <usize>index * 12;
        if (load<u32>(q) == x && load<u32>(q, 4) == y && load<u32>(q, 8) == z) break;
        slot = (slot + 1) & mask;
      }
      store<u32>(r, index);
      r += 4;
    }
  }
  return count;
}

/**
 * Welds `count` packed points (3 f32 each) at `points`: remap (u32 per point) and unique points
 * (3 f32 each, first-seen order). `table` holds tableMask + 1 u32, a power of two > count.
 * out: WELD_OUT_VERTEX_COUNT.
 */
export function mesh_weld(points: usize, count: u32, remap: usize, unique: usize, table: usize, tableMask: u32, out: usize): i32 {
  if (<u64>tableMask + 1 <= <u64>count) return STATUS_INVALID_ARGUMENT;
  store<u32>(out + WELD_OUT_VERTEX_COUNT, weldGroups(points, count, 12, 1, 0, remap, unique, table, tableMask));
  return STATUS_OK;
}
