// Exact welding: points with bit-identical coordinates (after folding -0 to +0) become one
// vertex. Open addressing with linear probing in a caller-provided table.
import { STATUS_OK, STATUS_INVALID_ARGUMENT } from "../abi/status";
import { WELD_OUT_VERTEX_COUNT } from "../abi/layout";

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

/** Entries of the recent-vertex cache (16 bytes each: x, y, z bits and the vertex index). */
const CACHE_ENTRIES: u32 = 32768;

/**
 * Scratch bytes a weld of up to `maxSlots` table slots needs: the table (u32 per slot), its
 * occupancy bits (1 bit per slot) and the recent-vertex cache.
 */
export function weld_scratch_bytes(maxSlots: u32): f64 {
  return <f64>maxSlots * 4 + <f64>(maxSlots >> 3) + <f64>CACHE_ENTRIES * 16;
}

/** Inserts unique point `index` (already in `unique`) into the table; used when the table grows. */
function reinsert(unique: usize, index: u32, table: usize, bits: usize, mask: u32): void {
  let q = unique + <usize>index * 12;
  let slot = hashPoint(load<u32>(q), load<u32>(q, 4), load<u32>(q, 8)) & mask;
  while (true) {
    let bp = bits + (<usize>slot >> 3);
    let bit = <u8>(<u32>1 << (slot & 7));
    let b = load<u8>(bp);
    if ((b & bit) == 0) {
      store<u8>(bp, b | bit);
      store<u32>(table + (<usize>slot << 2), index);
      return;
    }
    slot = (slot + 1) & mask;
  }
}

/** Clears the occupancy bits of a table of mask + 1 slots and re-inserts unique points 0..count-1. */
function rebuild(unique: usize, count: u32, table: usize, bits: usize, mask: u32): void {
  memory.fill(bits, 0, (<usize>mask + 1) >> 3);
  for (let i: u32 = 0; i < count; i++) reinsert(unique, i, table, bits, mask);
}

/**
 * Welds points laid out in groups: point (g, k) starts at
 * src + g * groupStride + k * pointStride, for g < groups, k < perGroup; each point is 3 f32.
 * Writes remap[g * perGroup + k] = vertex index and the unique points to `unique` (3 f32 each,
 * in first-seen order, so the result is deterministic). `scratch` holds
 * weld_scratch_bytes(maxSlots); maxSlots is a power of two > the number of points.
 *
 * Speed comes from staying in cache: the table starts small (about a third of the points, as in
 * a closed mesh where each vertex appears about six times) and doubles when half full; a bit per
 * slot tells a new point without touching the table; and a direct-mapped cache of recent
 * vertices answers the repeats, which mesh files keep close together in file order.
 * Returns the number of unique vertices.
 */
// @inline: the callers pass constant strides, which the compiler folds into the loop.
@inline export function weldGroups(
  src: usize, groups: u32, groupStride: u32, perGroup: u32, pointStride: u32,
  remap: usize, unique: usize, scratch: usize, maxSlots: u32,
): u32 {
  let table = scratch;
  let bits = table + (<usize>maxSlots << 2);
  let cache = bits + (<usize>maxSlots >> 3);
  let total = <u64>groups * perGroup;
  let slots: u32 = 1024;
  while (<u64>slots * 3 < total && slots < maxSlots) slots <<= 1;
  let mask = slots - 1;
  let limit = slots >> 1;
  memory.fill(bits, 0, <usize>slots >> 3);
  memory.fill(cache, 0xff, <usize>CACHE_ENTRIES << 4);
  let count: u32 = 0;
  let r = remap;
  for (let g: u32 = 0; g < groups; g++) {
    let p = src + <usize>g * groupStride;
    for (let k: u32 = 0; k < perGroup; k++, p += pointStride) {
      let x = canonicalBits(load<u32>(p));
      let y = canonicalBits(load<u32>(p, 4));
      let z = canonicalBits(load<u32>(p, 8));
      let h = hashPoint(x, y, z);
      let c = cache + (<usize>(h & (CACHE_ENTRIES - 1)) << 4);
      let index = load<u32>(c, 12);
      if (index == WELD_EMPTY || load<u32>(c) != x || load<u32>(c, 4) != y || load<u32>(c, 8) != z) {
        let slot = h & mask;
        while (true) {
          let bp = bits + (<usize>slot >> 3);
          let bit = <u8>(<u32>1 << (slot & 7));
          let b = load<u8>(bp);
          if ((b & bit) == 0) {
            // A new vertex.
            store<u8>(bp, b | bit);
            index = count++;
            store<u32>(table + (<usize>slot << 2), index);
            let q = unique + <usize>index * 12;
            store<u32>(q, x);
            store<u32>(q, y, 4);
            store<u32>(q, z, 8);
            if (count > limit && slots < maxSlots) {
              // Half full: double the table and re-insert every unique point.
              slots <<= 1;
              mask = slots - 1;
              limit = slots >> 1;
              rebuild(unique, count, table, bits, mask);
            }
            break;
          }
          index = load<u32>(table + (<usize>slot << 2));
          let q = unique + <usize>index * 12;
          if (load<u32>(q) == x && load<u32>(q, 4) == y && load<u32>(q, 8) == z) break;
          slot = (slot + 1) & mask;
        }
        store<u32>(c, x);
        store<u32>(c, y, 4);
        store<u32>(c, z, 8);
        store<u32>(c, index, 12);
      }
      store<u32>(r, index);
      r += 4;
    }
  }
  return count;
}

/**
 * Welds `count` packed points (3 f32 each) at `points`: remap (u32 per point) and unique points
 * (3 f32 each, first-seen order). `scratch` holds weld_scratch_bytes(maxSlots), maxSlots a power
 * of two > count. out: WELD_OUT_VERTEX_COUNT.
 */
export function mesh_weld(points: usize, count: u32, remap: usize, unique: usize, scratch: usize, maxSlots: u32, out: usize): i32 {
  if (<u64>maxSlots <= <u64>count || popcnt(maxSlots) != 1) return STATUS_INVALID_ARGUMENT;
  store<u32>(out + WELD_OUT_VERTEX_COUNT, weldGroups(points, count, 12, 1, 0, remap, unique, scratch, maxSlots));
  return STATUS_OK;
}
