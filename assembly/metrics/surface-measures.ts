// Area measures of a mesh for the metrics: per-vertex area weights, and stratified, seeded
// samples of the surface with equal area per sample.
import { STATUS_OK, REASON_INDEX_OUT_OF_RANGE } from "../abi/status";
import { METRICS_OUT_AREA, METRICS_OUT_NONFINITE_TRIANGLES } from "../abi/layout";
import { fail } from "../abi/out";
import { hash32 } from "../math/hash-random";
import { triangleArea } from "./point-triangle";

/** Area of triangle t (NaN if a corner is not finite). */
@inline function areaOf(positions: usize, indices: usize, t: u32): f64 {
  let ip = indices + <usize>t * 12;
  let pa = positions + <usize>load<u32>(ip) * 12, pb = positions + <usize>load<u32>(ip, 4) * 12, pc = positions + <usize>load<u32>(ip, 8) * 12;
  return triangleArea(<f64>load<f32>(pa), <f64>load<f32>(pa, 4), <f64>load<f32>(pa, 8),
    <f64>load<f32>(pb), <f64>load<f32>(pb, 4), <f64>load<f32>(pb, 8),
    <f64>load<f32>(pc), <f64>load<f32>(pc, 4), <f64>load<f32>(pc, 8));
}

/** Uniform in [0, 1) with 32 bits for (seed, stream, index): counter-based, order-free. */
@inline function uniform32(seed: u32, stream: u32, index: u32): f64 {
  return <f64>hash32(seed ^ hash32(stream * 0x9e3779b9 ^ hash32(index))) * (1.0 / 4294967296.0);
}

/** Checks every index; returns STATUS_OK or the MALFORMED_INPUT status (details in out). */
function checkIndices(indices: usize, triangles: u32, vertexCount: u32, out: usize): i32 {
  let n = triangles * 3;
  for (let k: u32 = 0; k < n; k++) {
    let v = load<u32>(indices + (<usize>k << 2));
    if (v >= vertexCount) return fail(out, REASON_INDEX_OUT_OF_RANGE, <f64>k, <f64>v, <f64>vertexCount);
  }
  return STATUS_OK;
}

/**
 * Area weight of every vertex: weights[v] (f64) = 1/3 of the summed area of the triangles that
 * use v (a triangle using v twice counts twice), mm^2; triangles with a non-finite area are left
 * out. The weights sum to the total area. Returns STATUS_OK or STATUS_MALFORMED_INPUT
 * (REASON_INDEX_OUT_OF_RANGE). out: METRICS_OUT_AREA, METRICS_OUT_NONFINITE_TRIANGLES.
 */
export function metrics_vertex_areas(positions: usize, vertexCount: u32, indices: usize, triangles: u32, weights: usize, out: usize): i32 {
  let status = checkIndices(indices, triangles, vertexCount, out);
  if (status < 0) return status;
  memory.fill(weights, 0, <usize>vertexCount << 3);
  let total: f64 = 0, skipped: u32 = 0;
  for (let t: u32 = 0; t < triangles; t++) {
    let a = areaOf(positions, indices, t);
    if (!isFinite(a)) { skipped++; continue; }
    total += a;
    let third = a * (1.0 / 3.0);
    let ip = indices + <usize>t * 12;
    for (let k: usize = 0; k < 12; k += 4) {
      let at = weights + (<usize>load<u32>(ip + k) << 3);
      store<f64>(at, load<f64>(at) + third);
    }
  }
  store<f64>(out + METRICS_OUT_AREA, total);
  store<u32>(out + METRICS_OUT_NONFINITE_TRIANGLES, skipped);
  return STATUS_OK;
}

/**
 * `count` points on the surface, each standing for area A / count (A = total finite area):
 * stratified sampling of the area with one jittered sample per stratum. The surface is laid out
 * as [0, A) by the triangles' cumulative areas in index order; sample i is at
 * u_i = (i + xi_i) A / count, with xi_i uniform in [0, 1) from (seed, i), so exactly one sample
 * falls in each of `count` strata of equal area. Inside its triangle (a, b, c) the point is
 * uniform: with s = sqrt(xi'), t = xi'', p = (1 - s) a + s (1 - t) b + s t c. Deterministic for
 * a given mesh, count and seed. points: count x 3 f64 (mm). Returns the number of samples
 * written (count, or 0 when A = 0) or STATUS_MALFORMED_INPUT (REASON_INDEX_OUT_OF_RANGE).
 * out: METRICS_OUT_AREA, METRICS_OUT_NONFINITE_TRIANGLES.
 */
export function metrics_sample_surface(
  positions: usize, vertexCount: u32, indices: usize, triangles: u32, count: u32, seed: u32, points: usize, out: usize,
): i32 {
  let status = checkIndices(indices, triangles, vertexCount, out);
  if (status < 0) return status;
  mTotal = 0; mSkipped = 0; mLast = 0;
  for (let t0: u32 = 0; t0 < triangles; t0 += CHUNK) areaChunk(positions, indices, t0, min(t0 + CHUNK, triangles));
  store<f64>(out + METRICS_OUT_AREA, mTotal);
  store<u32>(out + METRICS_OUT_NONFINITE_TRIANGLES, mSkipped);
  if (!(mTotal > 0) || count == 0) return 0;
  wT = 0; wCum = 0;
  wArea = areaOf(positions, indices, 0);
  if (!isFinite(wArea)) wArea = 0;
  for (let i0: u32 = 0; i0 < count; i0 += CHUNK) sampleChunk(positions, indices, i0, min(i0 + CHUNK, count), mTotal / <f64>count, seed, points);
  return <i32>count;
}

/** Items per call of the chunk functions: V8 optimises a WASM function for its later calls only. */
const CHUNK: u32 = 16384;

// Area pass: total finite area, triangles with a non-finite area, last triangle with area > 0.
let mTotal: f64 = 0, mSkipped: u32 = 0, mLast: u32 = 0;
// Sampling walk: current triangle, area before it, its area.
let wT: u32 = 0, wCum: f64 = 0, wArea: f64 = 0;

function areaChunk(positions: usize, indices: usize, t0: u32, t1: u32): void {
  let total = mTotal, skipped = mSkipped, last = mLast;
  for (let t = t0; t < t1; t++) {
    let a = areaOf(positions, indices, t);
    if (!isFinite(a)) { skipped++; continue; }
    if (a > 0) last = t;
    total += a;
  }
  mTotal = total; mSkipped = skipped; mLast = last;
}

/** Samples [i0, i1) (see metrics_sample_surface); `scale` = A / count. */
function sampleChunk(positions: usize, indices: usize, i0: u32, i1: u32, scale: f64, seed: u32, points: usize): void {
  let t = wT, cum = wCum, at = wArea, last = mLast;
  for (let i = i0; i < i1; i++) {
    let u = (<f64>i + uniform32(seed, 0, i)) * scale;
    // The triangle whose stretch [cum, cum + area) holds u (never past the last one with area).
    while (t < last && (cum + at <= u || at == 0)) {
      cum += at;
      t++;
      at = areaOf(positions, indices, t);
      if (!isFinite(at)) at = 0;
    }
    let s = Math.sqrt(uniform32(seed, 1, i)), r = uniform32(seed, 2, i);
    let wa = 1.0 - s, wb = s * (1.0 - r), wc = s * r;
    let ip = indices + <usize>t * 12;
    let pa = positions + <usize>load<u32>(ip) * 12, pb = positions + <usize>load<u32>(ip, 4) * 12, pc = positions + <usize>load<u32>(ip, 8) * 12;
    let q = points + <usize>i * 24;
    store<f64>(q, wa * <f64>load<f32>(pa) + wb * <f64>load<f32>(pb) + wc * <f64>load<f32>(pc));
    store<f64>(q, wa * <f64>load<f32>(pa, 4) + wb * <f64>load<f32>(pb, 4) + wc * <f64>load<f32>(pc, 4), 8);
    store<f64>(q, wa * <f64>load<f32>(pa, 8) + wb * <f64>load<f32>(pb, 8) + wc * <f64>load<f32>(pc, 8), 16);
  }
  wT = t; wCum = cum; wArea = at;
}
