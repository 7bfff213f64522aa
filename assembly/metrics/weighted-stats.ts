// Weighted statistics of signed distances: mean |v|, RMS, signed mean, max |v| and weighted
// percentiles of |v|, with values that were not found (Infinity) and undefined (NaN) counted
// apart instead of dropped silently.
import { STATUS_OK, STATUS_INVALID_ARGUMENT } from "../abi/status";
import {
  METRICS_OUT_FOUND, METRICS_OUT_BEYOND, METRICS_OUT_NONFINITE, METRICS_OUT_ZERO_WEIGHT, METRICS_OUT_WEIGHT,
  METRICS_OUT_BEYOND_WEIGHT, METRICS_OUT_MEAN_ABS, METRICS_OUT_RMS, METRICS_OUT_MEAN, METRICS_OUT_MAX_ABS,
} from "../abi/layout";
import { radixSortPairs, sortedValues } from "./radix-sort-pairs";

/** Scratch bytes metrics_weighted_stats needs for `count` values. */
export function metrics_weighted_stats_scratch_bytes(count: u32): f64 {
  return <f64>count * 24 + 8192 + 64;
}

/**
 * Statistics of `count` f64 `values` with f64 `weights` (0 = every weight is 1). Weights must be
 * finite and >= 0. A value is
 *   NaN                     -> counted in METRICS_OUT_NONFINITE, otherwise ignored;
 *   weight 0 (and not NaN)  -> counted in METRICS_OUT_ZERO_WEIGHT, otherwise ignored;
 *   +-Infinity              -> counted in METRICS_OUT_BEYOND, its weight in _BEYOND_WEIGHT;
 *   finite                  -> one of the n values x_i with weight w_i > 0 that the rest uses:
 * W = sum w_i; mean |v| = sum(w_i |x_i|) / W; RMS = sqrt(sum(w_i x_i^2) / W);
 * mean = sum(w_i x_i) / W; max = max |x_i| (all NaN when n = 0).
 * Percentiles of |v|: with |x| sorted ascending and C_k the running sum of the sorted weights,
 * P(q) = |x|_(k) for the smallest k with C_k >= q * C_n (the inverse of the weighted empirical
 * distribution function, no interpolation; with equal weights, the nearest-rank percentile
 * |x|_(ceil(q n))). `quantiles` holds quantileCount values q in [0, 1]; P(q) goes to
 * `quantileValues` (NaN when n = 0). `scratch`: metrics_weighted_stats_scratch_bytes(count).
 * Returns STATUS_OK, or STATUS_INVALID_ARGUMENT for a negative or non-finite weight or a q
 * outside [0, 1].
 */
export function metrics_weighted_stats(
  values: usize, weights: usize, count: u32, quantiles: usize, quantileCount: u32, scratch: usize, quantileValues: usize, out: usize,
): i32 {
  for (let j: u32 = 0; j < quantileCount; j++) {
    let q = load<f64>(quantiles + (<usize>j << 3));
    if (!(q >= 0 && q <= 1)) return STATUS_INVALID_ARGUMENT;
  }
  let keys = scratch, tmpKeys = keys + (<usize>count << 3);
  let vals = tmpKeys + (<usize>count << 3), tmpVals = vals + (<usize>count << 2);
  let histogram = (tmpVals + (<usize>count << 2) + 15) & ~<usize>15;
  aN = 0; aBeyond = 0; aNonfinite = 0; aZero = 0; aBad = false;
  aSumW = 0; aBeyondW = 0; aSumAbs = 0; aSumSq = 0; aSum = 0; aMaxAbs = 0;
  for (let i0: u32 = 0; i0 < count; i0 += CHUNK) {
    classifyChunk(values, weights, i0, min(i0 + CHUNK, count), keys, vals);
    if (aBad) return STATUS_INVALID_ARGUMENT;
  }
  let n = aN;
  store<u32>(out + METRICS_OUT_FOUND, n);
  store<u32>(out + METRICS_OUT_BEYOND, aBeyond);
  store<u32>(out + METRICS_OUT_NONFINITE, aNonfinite);
  store<u32>(out + METRICS_OUT_ZERO_WEIGHT, aZero);
  store<f64>(out + METRICS_OUT_WEIGHT, aSumW);
  store<f64>(out + METRICS_OUT_BEYOND_WEIGHT, aBeyondW);
  let none = n == 0;
  store<f64>(out + METRICS_OUT_MEAN_ABS, none ? NaN : aSumAbs / aSumW);
  store<f64>(out + METRICS_OUT_RMS, none ? NaN : Math.sqrt(aSumSq / aSumW));
  store<f64>(out + METRICS_OUT_MEAN, none ? NaN : aSum / aSumW);
  store<f64>(out + METRICS_OUT_MAX_ABS, none ? NaN : aMaxAbs);
  if (quantileCount == 0) return STATUS_OK;
  if (none) {
    for (let j: u32 = 0; j < quantileCount; j++) store<f64>(quantileValues + (<usize>j << 3), NaN);
    return STATUS_OK;
  }
  let sortedKeys = radixSortPairs(keys, vals, tmpKeys, tmpVals, n, histogram);
  let sortedIdx = sortedValues;
  // C_n in sorted order (the same additions as the scans below, so q = 1 selects the maximum).
  let total: f64 = 0;
  for (let k0: u32 = 0; k0 < n; k0 += CHUNK) total = weightScan(weights, sortedIdx, k0, min(k0 + CHUNK, n), total, Infinity);
  for (let j: u32 = 0; j < quantileCount; j++) {
    let target = load<f64>(quantiles + (<usize>j << 3)) * total;
    let c: f64 = 0, k: u32 = n - 1;
    for (let k0: u32 = 0; k0 < n; k0 += CHUNK) {
      c = weightScan(weights, sortedIdx, k0, min(k0 + CHUNK, n), c, target);
      if (sStop != 0xffffffff) { k = min(sStop, n - 1); break; }
    }
    store<f64>(quantileValues + (<usize>j << 3), reinterpret<f64>(load<u64>(sortedKeys + (<usize>k << 3))));
  }
  return STATUS_OK;
}

@inline function weightOf(weights: usize, i: u32): f64 {
  return weights != 0 ? load<f64>(weights + (<usize>i << 3)) : 1.0;
}

/** Values per call of the chunk functions: V8 optimises a WASM function for its later calls only. */
const CHUNK: u32 = 16384;

// Accumulators of the classification pass.
let aN: u32 = 0, aBeyond: u32 = 0, aNonfinite: u32 = 0, aZero: u32 = 0, aBad = false;
let aSumW: f64 = 0, aBeyondW: f64 = 0, aSumAbs: f64 = 0, aSumSq: f64 = 0, aSum: f64 = 0, aMaxAbs: f64 = 0;
/** Where weightScan stopped (position k with C_k >= target), or 0xffffffff. */
let sStop: u32 = 0xffffffff;

/** Classifies values [i0, i1), accumulates the sums and appends (|v| bits, i) of the finite ones. */
function classifyChunk(values: usize, weights: usize, i0: u32, i1: u32, keys: usize, vals: usize): void {
  let n = aN, beyond = aBeyond, nonfinite = aNonfinite, zero = aZero;
  let sumW = aSumW, beyondW = aBeyondW, sumAbs = aSumAbs, sumSq = aSumSq, sum = aSum, maxAbs = aMaxAbs;
  let w = 1.0;
  for (let i = i0; i < i1; i++) {
    let v = load<f64>(values + (<usize>i << 3));
    if (weights != 0) {
      w = load<f64>(weights + (<usize>i << 3));
      if (!(w >= 0) || w == Infinity) { aBad = true; return; }
    }
    if (isNaN(v)) { nonfinite++; continue; }
    if (w == 0) { zero++; continue; }
    if (!isFinite(v)) { beyond++; beyondW += w; continue; }
    let a = Math.abs(v);
    sumW += w; sumAbs += w * a; sumSq += w * v * v; sum += w * v;
    if (a > maxAbs) maxAbs = a;
    store<u64>(keys + (<usize>n << 3), reinterpret<u64>(a)); // non-negative doubles sort as their bits
    store<u32>(vals + (<usize>n << 2), i);
    n++;
  }
  aN = n; aBeyond = beyond; aNonfinite = nonfinite; aZero = zero;
  aSumW = sumW; aBeyondW = beyondW; aSumAbs = sumAbs; aSumSq = sumSq; aSum = sum; aMaxAbs = maxAbs;
}

/**
 * Adds the weights of sorted positions [k0, k1) to c; stops at the first position where the sum
 * reaches `target` (sStop = that position) and returns the sum.
 */
function weightScan(weights: usize, sortedIdx: usize, k0: u32, k1: u32, c: f64, target: f64): f64 {
  sStop = 0xffffffff;
  for (let k = k0; k < k1; k++) {
    c += weightOf(weights, load<u32>(sortedIdx + (<usize>k << 2)));
    if (c >= target) { sStop = k; return c; }
  }
  return c;
}
