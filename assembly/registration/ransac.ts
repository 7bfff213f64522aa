// Global registration from putative correspondences: RANSAC over 3-point samples (as Open3D's
// RegistrationRANSACBasedOnCorrespondence, with its edge-length and normal checkers).
//
// Per sample (three distinct pairs, drawn by a counter-based hash of (seed, sample, draw): the
// result depends on the seed only):
//   1. edge check: for each of the three edges, shorter / longer of the source and target edge
//      lengths >= edgeSimilarity; every source edge >= minEdge; the triangle not degenerate;
//   2. the rigid fit of the three pairs (Horn);
//   3. normal check: R n_s . n_t >= normalCos for the three pairs (when normals are given);
//   4. score: pairs with |R s + t - d| <= inlierDistance (counting stops early once the sample
//      cannot enter the list of best hypotheses).
// The best RANSAC_CANDIDATES distinct hypotheses (rotations 6 degrees or 3 inlier distances
// apart) are kept. Sampling stops after maxIterations, or once minIterations are drawn and the
// best inlier ratio w makes a better sample unlikely: iterations >= log(1 - confidence) / log(1 - w^3).
// Then each kept hypothesis is refined (three rounds of a least-squares fit on its inlier pairs)
// and evaluated on the points: the fraction of the evaluation points with a target point within
// the inlier distance (fitness), ties by RMS distance. The best one is the result; the best
// fitness of a hypothesis far from it (15 degrees or 10 inlier distances) is reported as the
// runner-up: close to the winner's fitness means the answer is ambiguous (symmetry, a plane).
import { STATUS_INVALID_ARGUMENT } from "../abi/status";
import {
  RANSAC_MAX_ITERATIONS, RANSAC_SEED, RANSAC_INLIER_DISTANCE, RANSAC_EDGE_SIMILARITY, RANSAC_NORMAL_COS,
  RANSAC_CONFIDENCE, RANSAC_CANDIDATES, RANSAC_MIN_ITERATIONS, RANSAC_MIN_EDGE, RANSAC_MAX_CANDIDATES,
  RANSAC_OUT_TRANSFORM, RANSAC_OUT_ITERATIONS, RANSAC_OUT_HYPOTHESES, RANSAC_OUT_INLIERS, RANSAC_OUT_CANDIDATES,
  RANSAC_OUT_FITNESS, RANSAC_OUT_RMSE, RANSAC_OUT_RUNNER_UP,
} from "../abi/cloud-layout";
import { uniform } from "../math/hash-random";
import { m, txX, txY, txZ, beginFit, addPair, finishFit, copyTransform, setIdentity, rotationBetween } from "./rigid";
import { useGrid, searchGrid, resultD2 } from "./point-grid";

const TRANSFORM_BYTES: usize = 96;
const cTransforms: usize = memory.data(<i32>RANSAC_MAX_CANDIDATES * 96, 16);
const cCounts: usize = memory.data(<i32>RANSAC_MAX_CANDIDATES * 4, 16);
const sample: usize = memory.data(96, 16);
const work: usize = memory.data(96, 16);
const fits: usize = memory.data(<i32>RANSAC_MAX_CANDIDATES * 8, 16);
let nCand: i32 = 0, maxCand: i32 = 1;

// Inputs of the current call.
let rSrc: usize = 0, rSrcN: usize = 0, rDst: usize = 0, rDstN: usize = 0, rPairs: usize = 0, rCount: u32 = 0;
let rCx: f64 = 0, rCy: f64 = 0, rCz: f64 = 0; // centroid of the source points of the pairs
let rEps2: f64 = 0, rEps: f64 = 0;

@inline function srcX(k: u32): f64 { return <f64>load<f32>(rSrc + <usize>load<u32>(rPairs + (<usize>k << 3)) * 12); }
@inline function srcY(k: u32): f64 { return <f64>load<f32>(rSrc + <usize>load<u32>(rPairs + (<usize>k << 3)) * 12, 4); }
@inline function srcZ(k: u32): f64 { return <f64>load<f32>(rSrc + <usize>load<u32>(rPairs + (<usize>k << 3)) * 12, 8); }
@inline function dstX(k: u32): f64 { return <f64>load<f32>(rDst + <usize>load<u32>(rPairs + (<usize>k << 3), 4) * 12); }
@inline function dstY(k: u32): f64 { return <f64>load<f32>(rDst + <usize>load<u32>(rPairs + (<usize>k << 3), 4) * 12, 4); }
@inline function dstZ(k: u32): f64 { return <f64>load<f32>(rDst + <usize>load<u32>(rPairs + (<usize>k << 3), 4) * 12, 8); }

/** |R s_k + t - d_k|^2 for pair k. */
@inline function pairResidual2(t: usize, k: u32): f64 {
  let x = srcX(k), y = srcY(k), z = srcZ(k);
  let dx = txX(t, x, y, z) - dstX(k), dy = txY(t, x, y, z) - dstY(k), dz = txZ(t, x, y, z) - dstZ(k);
  return dx * dx + dy * dy + dz * dz;
}

/** Inlier pairs of t; stops early (returning less than `atLeast`) once `atLeast` is out of reach. */
function countInliers(t: usize, atLeast: u32): u32 {
  let c: u32 = 0;
  for (let k: u32 = 0; k < rCount; k++) {
    if (pairResidual2(t, k) <= rEps2) c++;
    else if (c + (rCount - k - 1) < atLeast) return c;
  }
  return c;
}

@inline function edgeLength(ax: f64, ay: f64, az: f64, bx: f64, by: f64, bz: f64): f64 {
  let dx = ax - bx, dy = ay - by, dz = az - bz;
  return Math.sqrt(dx * dx + dy * dy + dz * dz);
}

/** Edge-length check of the sample (k0, k1, k2). */
function edgesAgree(k0: u32, k1: u32, k2: u32, similarity: f64, minEdge: f64): bool {
  let s0x = srcX(k0), s0y = srcY(k0), s0z = srcZ(k0), s1x = srcX(k1), s1y = srcY(k1), s1z = srcZ(k1), s2x = srcX(k2), s2y = srcY(k2), s2z = srcZ(k2);
  let d0x = dstX(k0), d0y = dstY(k0), d0z = dstZ(k0), d1x = dstX(k1), d1y = dstY(k1), d1z = dstZ(k1), d2x = dstX(k2), d2y = dstY(k2), d2z = dstZ(k2);
  let sa = edgeLength(s0x, s0y, s0z, s1x, s1y, s1z), sb = edgeLength(s1x, s1y, s1z, s2x, s2y, s2z), sc = edgeLength(s2x, s2y, s2z, s0x, s0y, s0z);
  let da = edgeLength(d0x, d0y, d0z, d1x, d1y, d1z), db = edgeLength(d1x, d1y, d1z, d2x, d2y, d2z), dc = edgeLength(d2x, d2y, d2z, d0x, d0y, d0z);
  if (sa < minEdge || sb < minEdge || sc < minEdge) return false;
  if (min(sa, da) < similarity * max(sa, da)) return false;
  if (min(sb, db) < similarity * max(sb, db)) return false;
  if (min(sc, dc) < similarity * max(sc, dc)) return false;
  // Not degenerate: the sine of the triangle's widest-spread angle is not tiny.
  let ux = s1x - s0x, uy = s1y - s0y, uz = s1z - s0z, vx = s2x - s0x, vy = s2y - s0y, vz = s2z - s0z;
  let cx = uy * vz - uz * vy, cy = uz * vx - ux * vz, cz = ux * vy - uy * vx;
  let longest = max(sa, max(sb, sc));
  return Math.sqrt(cx * cx + cy * cy + cz * cz) >= 0.05 * longest * longest;
}

/** Normal check: R n_s . n_t >= cos for pair k. */
@inline function normalAgrees(t: usize, k: u32, cos: f64): bool {
  let s = rSrcN + <usize>load<u32>(rPairs + (<usize>k << 3)) * 12, d = rDstN + <usize>load<u32>(rPairs + (<usize>k << 3), 4) * 12;
  let nx = <f64>load<f32>(s), ny = <f64>load<f32>(s, 4), nz = <f64>load<f32>(s, 8);
  let rx = m(t, 0) * nx + m(t, 1) * ny + m(t, 2) * nz, ry = m(t, 4) * nx + m(t, 5) * ny + m(t, 6) * nz, rz = m(t, 8) * nx + m(t, 9) * ny + m(t, 10) * nz;
  return rx * <f64>load<f32>(d) + ry * <f64>load<f32>(d, 4) + rz * <f64>load<f32>(d, 8) >= cos;
}

/** True when transforms a and b are within `angle` rad and move the pairs' centroid to within `dist` mm. */
function similar(a: usize, b: usize, angle: f64, dist: f64): bool {
  if (rotationBetween(a, b) > angle) return false;
  let dx = txX(a, rCx, rCy, rCz) - txX(b, rCx, rCy, rCz), dy = txY(a, rCx, rCy, rCz) - txY(b, rCx, rCy, rCz), dz = txZ(a, rCx, rCy, rCz) - txZ(b, rCx, rCy, rCz);
  return dx * dx + dy * dy + dz * dz <= dist * dist;
}

@inline function candidate(i: i32): usize { return cTransforms + <usize>i * TRANSFORM_BYTES; }
@inline function candidateCount(i: i32): u32 { return load<u32>(cCounts + (<usize>i << 2)); }

/** The smallest count in a full list (the bar a new hypothesis must pass), else 3. */
function entryBar(): u32 {
  if (nCand < maxCand) return 3;
  let worst = candidateCount(0);
  for (let i = 1; i < nCand; i++) worst = min(worst, candidateCount(i));
  return worst + 1;
}

/** Offers hypothesis t with `count` inliers to the list of best distinct hypotheses. */
function offer(t: usize, count: u32): void {
  for (let i = 0; i < nCand; i++) {
    if (similar(candidate(i), t, 0.1, 3 * rEps)) {
      if (count > candidateCount(i)) { copyTransform(candidate(i), t); store<u32>(cCounts + (<usize>i << 2), count); }
      return;
    }
  }
  let at = nCand;
  if (nCand < maxCand) nCand++;
  else {
    at = 0;
    for (let i = 1; i < nCand; i++) if (candidateCount(i) < candidateCount(at)) at = i;
    if (count <= candidateCount(at)) return;
  }
  copyTransform(candidate(at), t);
  store<u32>(cCounts + (<usize>at << 2), count);
}

/** Draws the three distinct pair indices of sample `it` into s0..s2. */
let s0: u32 = 0, s1: u32 = 0, s2: u32 = 0;
function draw(seed: u32, it: u32): void {
  let n = <f64>rCount;
  let stream: u32 = 0;
  s0 = min(<u32>(<f64>uniform(seed, it, stream++) * n), rCount - 1);
  do { s1 = min(<u32>(<f64>uniform(seed, it, stream++) * n), rCount - 1); } while (s1 == s0);
  do { s2 = min(<u32>(<f64>uniform(seed, it, stream++) * n), rCount - 1); } while (s2 == s0 || s2 == s1);
}

/** Least-squares refit of t on its inlier pairs; returns the new inlier count. */
function refine(t: usize): u32 {
  for (let round = 0; round < 3; round++) {
    let first = true;
    for (let k: u32 = 0; k < rCount; k++) {
      if (pairResidual2(t, k) > rEps2) continue;
      if (first) { beginFit(srcX(k), srcY(k), srcZ(k), dstX(k), dstY(k), dstZ(k)); first = false; }
      addPair(srcX(k), srcY(k), srcZ(k), dstX(k), dstY(k), dstZ(k));
    }
    if (first) break;
    copyTransform(work, t);
    if (!finishFit(work)) break;
    copyTransform(t, work);
  }
  return countInliers(t, 0);
}

// Evaluation results.
let eFound: u32 = 0, eValid: u32 = 0, eSum2: f64 = 0;

function evaluateChunk(t: usize, pts: usize, i0: u32, i1: u32): void {
  for (let i = i0; i < i1; i++) {
    let q = pts + <usize>i * 12;
    let x = <f64>load<f32>(q), y = <f64>load<f32>(q, 4), z = <f64>load<f32>(q, 8);
    if (!isFinite(x + y + z)) continue;
    eValid++;
    if (searchGrid(txX(t, x, y, z), txY(t, x, y, z), txZ(t, x, y, z), rEps2, 1) > 0) {
      eFound++;
      eSum2 += <f64>resultD2(0);
    }
  }
}

/** Fitness of t on the evaluation points against the current grid (sets eFound, eValid, eSum2). */
export function evaluatePoints(t: usize, pts: usize, count: u32, maxDistance2: f64): f64 {
  eFound = 0; eValid = 0; eSum2 = 0;
  rEps2 = maxDistance2;
  for (let i0: u32 = 0; i0 < count; i0 += 2048) evaluateChunk(t, pts, i0, min(i0 + 2048, count));
  return eValid > 0 ? <f64>eFound / <f64>eValid : 0;
}

function sampleChunk(it0: u32, it1: u32, seed: u32, similarity: f64, minEdge: f64, normalCos: f64): u32 {
  let passed: u32 = 0;
  for (let it = it0; it < it1; it++) {
    draw(seed, it);
    if (!edgesAgree(s0, s1, s2, similarity, minEdge)) continue;
    beginFit(srcX(s0), srcY(s0), srcZ(s0), dstX(s0), dstY(s0), dstZ(s0));
    addPair(srcX(s0), srcY(s0), srcZ(s0), dstX(s0), dstY(s0), dstZ(s0));
    addPair(srcX(s1), srcY(s1), srcZ(s1), dstX(s1), dstY(s1), dstZ(s1));
    addPair(srcX(s2), srcY(s2), srcZ(s2), dstX(s2), dstY(s2), dstZ(s2));
    if (!finishFit(sample)) continue;
    if (rSrcN != 0 && rDstN != 0 && normalCos > -1 &&
      !(normalAgrees(sample, s0, normalCos) && normalAgrees(sample, s1, normalCos) && normalAgrees(sample, s2, normalCos))) continue;
    passed++;
    let bar = entryBar();
    let c = countInliers(sample, bar);
    if (c >= bar) offer(sample, c);
  }
  return passed;
}

/**
 * RANSAC over `nPairs` correspondences (pairs of u32: source index, target index) between source
 * points/normals and target points/normals (xyz f32; normals may be 0 = none), then refinement and
 * evaluation of the best hypotheses on `evalCount` source points (xyz f32) against the grid over
 * the target points (`grid`). Parameters: the RANSAC_* record `params`. Writes the
 * RANSAC_OUT_* fields (the transform is the identity with fitness 0 when no sample passed).
 * Returns the number of hypotheses evaluated (0: none), or STATUS_INVALID_ARGUMENT.
 */
export function reg_ransac(srcPts: usize, srcNormals: usize, dstPts: usize, dstNormals: usize, pairs: usize, nPairs: u32,
  grid: usize, evalPts: usize, evalCount: u32, params: usize, out: usize): i32 {
  let maxIt = load<u32>(params + RANSAC_MAX_ITERATIONS), minIt = load<u32>(params + RANSAC_MIN_ITERATIONS);
  let seed = load<u32>(params + RANSAC_SEED);
  let eps = load<f64>(params + RANSAC_INLIER_DISTANCE), similarity = load<f64>(params + RANSAC_EDGE_SIMILARITY);
  let normalCos = load<f64>(params + RANSAC_NORMAL_COS), confidence = load<f64>(params + RANSAC_CONFIDENCE);
  let minEdge = load<f64>(params + RANSAC_MIN_EDGE);
  let candidates = load<u32>(params + RANSAC_CANDIDATES);
  if (!useGrid(grid) || !(eps > 0) || !(similarity > 0 && similarity <= 1) || !(confidence > 0 && confidence < 1)
    || candidates < 1 || candidates > RANSAC_MAX_CANDIDATES || !(minEdge >= 0) || !(normalCos >= -1)) return STATUS_INVALID_ARGUMENT;
  rSrc = srcPts; rSrcN = srcNormals; rDst = dstPts; rDstN = dstNormals; rPairs = pairs; rCount = nPairs;
  rEps = eps; rEps2 = eps * eps;
  nCand = 0; maxCand = <i32>candidates;
  setIdentity(out + RANSAC_OUT_TRANSFORM);
  store<f64>(out + RANSAC_OUT_FITNESS, 0);
  store<f64>(out + RANSAC_OUT_RUNNER_UP, 0);
  if (nPairs < 3) return 0;
  rCx = rCy = rCz = 0;
  for (let k: u32 = 0; k < nPairs; k++) { rCx += srcX(k); rCy += srcY(k); rCz += srcZ(k); }
  rCx /= <f64>nPairs; rCy /= <f64>nPairs; rCz /= <f64>nPairs;
  let it: u32 = 0, hypotheses: u32 = 0;
  let logFail = Math.log(1 - confidence);
  const STEP: u32 = 256;
  while (it < maxIt) {
    let end = min(it + STEP, maxIt);
    hypotheses += sampleChunk(it, end, seed, similarity, minEdge, normalCos);
    it = end;
    if (it < minIt || nCand == 0) continue;
    let best: u32 = 0;
    for (let i = 0; i < nCand; i++) best = max(best, candidateCount(i));
    let w = <f64>best / <f64>nPairs;
    let w3 = w * w * w;
    if (w3 >= 1) break;
    let needed = logFail / Math.log(1 - w3);
    if (<f64>it >= needed) break;
  }
  store<u32>(out + RANSAC_OUT_ITERATIONS, it);
  store<u32>(out + RANSAC_OUT_HYPOTHESES, hypotheses);
  if (nCand == 0) return 0;
  // Refine and evaluate the candidates.
  let bestI = -1;
  let bestFit: f64 = -1, bestRmse: f64 = Infinity;
  for (let i = 0; i < nCand; i++) {
    let t = candidate(i);
    let c = refine(t);
    store<u32>(cCounts + (<usize>i << 2), c);
    let fit = evaluatePoints(t, evalPts, evalCount, eps * eps);
    let rmse = eFound > 0 ? Math.sqrt(eSum2 / <f64>eFound) : Infinity;
    store<f64>(fits + (<usize>i << 3), fit);
    if (fit > bestFit || (fit == bestFit && rmse < bestRmse)) { bestFit = fit; bestRmse = rmse; bestI = i; }
  }
  let runnerUp: f64 = 0;
  for (let i = 0; i < nCand; i++) {
    if (i == bestI || similar(candidate(i), candidate(bestI), 15 * Math.PI / 180, 10 * eps)) continue;
    runnerUp = max(runnerUp, load<f64>(fits + (<usize>i << 3)));
  }
  copyTransform(out + RANSAC_OUT_TRANSFORM, candidate(bestI));
  store<u32>(out + RANSAC_OUT_INLIERS, candidateCount(bestI));
  store<u32>(out + RANSAC_OUT_CANDIDATES, <u32>nCand);
  store<f64>(out + RANSAC_OUT_FITNESS, bestFit);
  store<f64>(out + RANSAC_OUT_RMSE, bestRmse);
  store<f64>(out + RANSAC_OUT_RUNNER_UP, runnerUp);
  return nCand;
}
