// Correspondences between two descriptor sets (FPFH, FPFH_STRIDE f32 each) by nearest neighbours
// in descriptor space, brute force: every source descriptor against every target descriptor, four
// bins per SIMD lane group. One pass finds both each source's nearest target and each target's
// nearest source, so mutual pairs (each is the other's nearest) cost nothing extra.
import { STATUS_INVALID_ARGUMENT } from "../abi/status";
import { FPFH_STRIDE, MATCH_OUT_MUTUAL, MATCH_OUT_WRITTEN } from "../abi/cloud-layout";

const CHUNK: u32 = 64;

/** Squared distance between a descriptor held in nine v128 values and one at `b` (f32 SIMD). */
@inline function distanceTo(s0: v128, s1: v128, s2: v128, s3: v128, s4: v128, s5: v128, s6: v128, s7: v128, s8: v128, b: usize): f32 {
  let d0 = f32x4.sub(s0, v128.load(b)), d1 = f32x4.sub(s1, v128.load(b, 16)), d2 = f32x4.sub(s2, v128.load(b, 32));
  let acc = f32x4.add(f32x4.mul(d0, d0), f32x4.add(f32x4.mul(d1, d1), f32x4.mul(d2, d2)));
  let d3 = f32x4.sub(s3, v128.load(b, 48)), d4 = f32x4.sub(s4, v128.load(b, 64)), d5 = f32x4.sub(s5, v128.load(b, 80));
  acc = f32x4.add(acc, f32x4.add(f32x4.mul(d3, d3), f32x4.add(f32x4.mul(d4, d4), f32x4.mul(d5, d5))));
  let d6 = f32x4.sub(s6, v128.load(b, 96)), d7 = f32x4.sub(s7, v128.load(b, 112)), d8 = f32x4.sub(s8, v128.load(b, 128));
  acc = f32x4.add(acc, f32x4.add(f32x4.mul(d6, d6), f32x4.add(f32x4.mul(d7, d7), f32x4.mul(d8, d8))));
  // Horizontal sum.
  acc = f32x4.add(acc, v128.shuffle<f32>(acc, acc, 2, 3, 0, 1));
  acc = f32x4.add(acc, v128.shuffle<f32>(acc, acc, 1, 0, 3, 2));
  return f32x4.extract_lane(acc, 0);
}

/** A descriptor with all bins zero (a point without a normal or neighbours) matches nothing. */
@inline function isEmpty(a: usize): bool {
  let s = v128.or(v128.or(v128.load(a), v128.or(v128.load(a, 16), v128.load(a, 32))),
    v128.or(v128.or(v128.load(a, 48), v128.load(a, 64)), v128.or(v128.load(a, 80), v128.or(v128.load(a, 96),
      v128.or(v128.load(a, 112), v128.load(a, 128))))));
  return !v128.any_true(s);
}

const STRIDE_BYTES: usize = <usize>FPFH_STRIDE << 2;

// scratch: per source (best target i32, best distance f32), per target (best source i32, best distance f32).
function matchChunk(src: usize, i0: u32, i1: u32, dst: usize, nDst: u32, rowBest: usize, colBest: usize): void {
  for (let i = i0; i < i1; i++) {
    let a = src + <usize>i * STRIDE_BYTES;
    let row = rowBest + (<usize>i << 3);
    if (isEmpty(a)) { store<i32>(row, -1); store<f32>(row, Infinity, 4); continue; }
    let best: f32 = Infinity, bestJ: i32 = -1;
    // The source descriptor stays in registers for the whole row.
    let s0 = v128.load(a), s1 = v128.load(a, 16), s2 = v128.load(a, 32), s3 = v128.load(a, 48), s4 = v128.load(a, 64);
    let s5 = v128.load(a, 80), s6 = v128.load(a, 96), s7 = v128.load(a, 112), s8 = v128.load(a, 128);
    for (let j: u32 = 0; j < nDst; j++) {
      let col = colBest + (<usize>j << 3);
      if (load<i32>(col) == -2) continue; // empty target descriptor
      let d = distanceTo(s0, s1, s2, s3, s4, s5, s6, s7, s8, dst + <usize>j * STRIDE_BYTES);
      if (d < best) { best = d; bestJ = <i32>j; }
      if (d < load<f32>(col, 4)) { store<i32>(col, <i32>i); store<f32>(col, d, 4); }
    }
    store<i32>(row, bestJ); store<f32>(row, best, 4);
  }
}

/** Scratch bytes of reg_match_features. */
export function reg_match_scratch_bytes(nSrc: u32, nDst: u32): f64 {
  return (<f64>nSrc + <f64>nDst) * 8 + 16;
}

/**
 * Matches `nSrc` source descriptors against `nDst` target descriptors (FPFH_STRIDE f32 each,
 * 16-byte aligned; all-zero descriptors take no part). Writes pairs (source index u32, target
 * index u32) to `pairs` (capacity nSrc pairs), in source order: the mutual nearest pairs, or, when
 * there are fewer than `minMutual` of them, every source's nearest target. Ties: the lower index.
 * Writes MATCH_OUT_MUTUAL and MATCH_OUT_WRITTEN; returns the pairs written.
 */
export function reg_match_features(src: usize, nSrc: u32, dst: usize, nDst: u32, minMutual: u32, scratch: usize, pairs: usize, out: usize): i32 {
  if ((src & 15) != 0 || (dst & 15) != 0) return STATUS_INVALID_ARGUMENT;
  let rowBest = (scratch + 15) & ~15;
  let colBest = rowBest + (<usize>nSrc << 3);
  for (let j: u32 = 0; j < nDst; j++) {
    let col = colBest + (<usize>j << 3);
    store<i32>(col, isEmpty(dst + <usize>j * STRIDE_BYTES) ? -2 : -1);
    store<f32>(col, Infinity, 4);
  }
  for (let i0: u32 = 0; i0 < nSrc; i0 += CHUNK) matchChunk(src, i0, min(i0 + CHUNK, nSrc), dst, nDst, rowBest, colBest);
  let mutual: u32 = 0;
  for (let i: u32 = 0; i < nSrc; i++) {
    let j = load<i32>(rowBest + (<usize>i << 3));
    if (j >= 0 && load<i32>(colBest + (<usize>j << 3)) == <i32>i) mutual++;
  }
  let written: u32 = 0;
  let all = mutual < minMutual;
  for (let i: u32 = 0; i < nSrc; i++) {
    let j = load<i32>(rowBest + (<usize>i << 3));
    if (j < 0) continue;
    if (!all && load<i32>(colBest + (<usize>j << 3)) != <i32>i) continue;
    store<u32>(pairs + (<usize>written << 3), i);
    store<u32>(pairs + (<usize>written << 3), <u32>j, 4);
    written++;
  }
  store<u32>(out + MATCH_OUT_MUTUAL, mutual);
  store<u32>(out + MATCH_OUT_WRITTEN, written);
  return <i32>written;
}
