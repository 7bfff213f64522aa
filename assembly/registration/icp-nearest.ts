// Point-to-plane ICP with nearest-neighbour correspondences (Chen & Medioni 1991; as Open3D's
// registration_icp with TransformationEstimationPointToPlane and a robust kernel).
//
// Per iteration, for every finite source point s: p = T s; its correspondence is the nearest
// target point q within the max distance (point grid over the target), with the target normal n
// at q (zero normals: no correspondence; with source normals, pairs whose normals disagree,
// |R n_s . n| < normalCos, are left out; so are pairs farther apart along the target's tangent
// plane than maxTangential: a source point beyond the edge of the target's surface finds the
// edge point, sideways, and would pull the surfaces together at their borders). Residual r = n . (p - q), robust weight w(r) (Huber:
// min(1, k / |r|); Tukey: (1 - (r / c)^2)^2 inside c, else 0). The normal equations of
// the small motion x = (w, t) about the centroid c of the moved source points,
// p' = c + (p - c) + w x (p - c) + t, are accumulated (J = [(p - c) x n, n]) and solved by solve6
// (Cholesky); the update is applied exactly (Rodrigues) on the left of T. It stops after
// maxIterations or when an update rotates less than minRotation and moves less than
// minTranslation, or when the inlier count and the point-to-plane RMS both change by at most the
// relative change (converged: a slow creep along a weakly constrained direction).
//
// Evaluation at the final T (reg_evaluate does the same at any T), over the finite source
// points with a target point within the max distance (inliers; no tangential gate), unit weights:
//   fitness    = inliers / finite source points
//   rmse       = sqrt(mean |p - q|^2)           (point to point, as Open3D's inlier_rmse)
//   planeRmse  = sqrt(mean (n . (p - q))^2)
//   conditioning: eigenvalues of H = (1/N) sum J'^T J' with J' = [((p - c) x n) / L, n] and
//   L = sqrt(mean |p - c|^2): rotations measured by the displacement they cause at the typical
//   radius L, so all six are in comparable units (the trace is at most 2). An eigenvalue near 0 is
//   a motion the surfaces cannot see (a plane: 3, a sphere: 3, a cylinder: 2 near zero).
import { STATUS_OK, STATUS_INVALID_ARGUMENT } from "../abi/status";
import { ACC_BYTES, ACC_ATA, ACC_ATB, SOLVE_OUT_X } from "../abi/registration-layout";
import {
  ICPN_TRANSFORM, ICPN_MAX_DISTANCE, ICPN_ROBUST_SCALE, ICPN_ROBUST, ICPN_MAX_ITERATIONS, ICPN_MIN_ROTATION,
  ICPN_MIN_TRANSLATION, ICPN_NORMAL_COS, ICPN_DAMPING, ICPN_MIN_RELATIVE_CHANGE, ICPN_MAX_TANGENTIAL, ROBUST_NONE, ROBUST_HUBER, ROBUST_TUKEY,
  ICPN_OUT_ITERATIONS, ICPN_OUT_CONVERGED, ICPN_OUT_FITNESS, ICPN_OUT_RMSE, ICPN_OUT_PLANE_RMSE, ICPN_OUT_INLIERS,
  ICPN_OUT_VALID, ICPN_OUT_EIGEN, ICPN_OUT_WEAK_AXIS, ICPN_OUT_SOLVE_FAILURES, ICPN_OUT_LAST_ROTATION,
  ICPN_OUT_LAST_TRANSLATION, ICPN_OUT_SCALE,
} from "../abi/cloud-layout";
import { OUT_RECORD_BYTES } from "../abi/layout";
import { solve6 } from "./solve6";
import { useGrid, searchGrid, resultPos, resultD2, pointX, pointY, pointZ, inputIndex } from "./point-grid";
import { m, txX, txY, txZ, applyUpdate } from "./rigid";
import { jacobiSymmetric, eigenvalue, eigenvector } from "./eigen";

const CHUNK: u32 = 4096;
const acc: usize = memory.data(<i32>ACC_BYTES, 16);
const solveOut: usize = memory.data(<i32>OUT_RECORD_BYTES, 16);
const hMat: usize = memory.data(36 * 8, 16);
const hVec: usize = memory.data(36 * 8, 16);

/** Index of (r, c), r <= c, in the packed upper triangle of a 6x6 matrix. */
@inline function upper(r: i32, c: i32): i32 {
  return r * 6 - (r * (r - 1)) / 2 + (c - r);
}

/** Robust weight of residual r (mm). */
@inline function robustWeight(kind: u32, scale: f64, r: f64): f64 {
  let a = Math.abs(r);
  if (kind == ROBUST_HUBER) return a <= scale ? 1.0 : scale / a;
  if (kind == ROBUST_TUKEY) {
    if (a >= scale) return 0;
    let u = r / scale;
    let v = 1 - u * u;
    return v * v;
  }
  return 1;
}

// The call's inputs.
let iSrc: usize = 0, iSrcN: usize = 0, iDstN: usize = 0, iT: usize = 0;
let iMax2: f64 = 0, iKind: u32 = 0, iScale: f64 = 1, iNormalCos: f64 = 0, iTangent2: f64 = Infinity;
let iCx: f64 = 0, iCy: f64 = 0, iCz: f64 = 0; // centroid of the moved source points
// Sums of one pass (added chunk by chunk).
let sA00: f64 = 0, sA01: f64 = 0, sA02: f64 = 0, sA03: f64 = 0, sA04: f64 = 0, sA05: f64 = 0;
let sA11: f64 = 0, sA12: f64 = 0, sA13: f64 = 0, sA14: f64 = 0, sA15: f64 = 0;
let sA22: f64 = 0, sA23: f64 = 0, sA24: f64 = 0, sA25: f64 = 0;
let sA33: f64 = 0, sA34: f64 = 0, sA35: f64 = 0, sA44: f64 = 0, sA45: f64 = 0, sA55: f64 = 0;
let sB0: f64 = 0, sB1: f64 = 0, sB2: f64 = 0, sB3: f64 = 0, sB4: f64 = 0, sB5: f64 = 0;
let sInliers: u32 = 0, sValid: u32 = 0, sPoint2: f64 = 0, sPlane2: f64 = 0, sRadius2: f64 = 0;

function clearSums(): void {
  sA00 = sA01 = sA02 = sA03 = sA04 = sA05 = 0;
  sA11 = sA12 = sA13 = sA14 = sA15 = 0;
  sA22 = sA23 = sA24 = sA25 = 0;
  sA33 = sA34 = sA35 = sA44 = sA45 = sA55 = 0;
  sB0 = sB1 = sB2 = sB3 = sB4 = sB5 = 0;
  sInliers = 0; sValid = 0; sPoint2 = 0; sPlane2 = 0; sRadius2 = 0;
}

/**
 * One pass over source points [i0, i1) at the current transform: correspondences, residuals and
 * the sums of the normal equations (robust weights when `robust`, unit weights otherwise).
 */
function passChunk(i0: u32, i1: u32, robust: bool): void {
  let t = iT;
  let a00: f64 = 0, a01: f64 = 0, a02: f64 = 0, a03: f64 = 0, a04: f64 = 0, a05: f64 = 0;
  let a11: f64 = 0, a12: f64 = 0, a13: f64 = 0, a14: f64 = 0, a15: f64 = 0;
  let a22: f64 = 0, a23: f64 = 0, a24: f64 = 0, a25: f64 = 0;
  let a33: f64 = 0, a34: f64 = 0, a35: f64 = 0, a44: f64 = 0, a45: f64 = 0, a55: f64 = 0;
  let b0: f64 = 0, b1: f64 = 0, b2: f64 = 0, b3: f64 = 0, b4: f64 = 0, b5: f64 = 0;
  let inliers: u32 = 0, valid: u32 = 0, point2: f64 = 0, plane2: f64 = 0, radius2: f64 = 0;
  for (let i = i0; i < i1; i++) {
    let s = iSrc + <usize>i * 12;
    let sx = <f64>load<f32>(s), sy = <f64>load<f32>(s, 4), sz = <f64>load<f32>(s, 8);
    if (!isFinite(sx + sy + sz)) continue;
    valid++;
    let px = txX(t, sx, sy, sz), py = txY(t, sx, sy, sz), pz = txZ(t, sx, sy, sz);
    if (searchGrid(px, py, pz, iMax2, 1) == 0) continue;
    let pos = resultPos(0);
    let nq = iDstN + <usize>inputIndex(pos) * 12;
    let nx = <f64>load<f32>(nq), ny = <f64>load<f32>(nq, 4), nz = <f64>load<f32>(nq, 8);
    if (nx == 0 && ny == 0 && nz == 0) continue;
    if (iSrcN != 0 && iNormalCos > 0) {
      let sn = iSrcN + <usize>i * 12;
      let ux = <f64>load<f32>(sn), uy = <f64>load<f32>(sn, 4), uz = <f64>load<f32>(sn, 8);
      if (ux != 0 || uy != 0 || uz != 0) {
        let rx = m(t, 0) * ux + m(t, 1) * uy + m(t, 2) * uz, ry = m(t, 4) * ux + m(t, 5) * uy + m(t, 6) * uz, rz = m(t, 8) * ux + m(t, 9) * uy + m(t, 10) * uz;
        if (Math.abs(rx * nx + ry * ny + rz * nz) < iNormalCos) continue;
      }
    }
    let qx = <f64>pointX(pos), qy = <f64>pointY(pos), qz = <f64>pointZ(pos);
    let dx = px - qx, dy = py - qy, dz = pz - qz;
    let r = nx * dx + ny * dy + nz * dz;
    let d2 = dx * dx + dy * dy + dz * dz;
    if (d2 - r * r > iTangent2) continue;
    let w = robust ? robustWeight(iKind, iScale, r) : 1.0;
    inliers++;
    point2 += d2;
    plane2 += r * r;
    if (w == 0) continue;
    let cx = px - iCx, cy = py - iCy, cz = pz - iCz;
    radius2 += cx * cx + cy * cy + cz * cz;
    let j0 = cy * nz - cz * ny, j1 = cz * nx - cx * nz, j2 = cx * ny - cy * nx;
    a00 += w * j0 * j0; a01 += w * j0 * j1; a02 += w * j0 * j2; a03 += w * j0 * nx; a04 += w * j0 * ny; a05 += w * j0 * nz;
    a11 += w * j1 * j1; a12 += w * j1 * j2; a13 += w * j1 * nx; a14 += w * j1 * ny; a15 += w * j1 * nz;
    a22 += w * j2 * j2; a23 += w * j2 * nx; a24 += w * j2 * ny; a25 += w * j2 * nz;
    a33 += w * nx * nx; a34 += w * nx * ny; a35 += w * nx * nz; a44 += w * ny * ny; a45 += w * ny * nz; a55 += w * nz * nz;
    let wr = w * r;
    b0 += wr * j0; b1 += wr * j1; b2 += wr * j2; b3 += wr * nx; b4 += wr * ny; b5 += wr * nz;
  }
  sA00 += a00; sA01 += a01; sA02 += a02; sA03 += a03; sA04 += a04; sA05 += a05;
  sA11 += a11; sA12 += a12; sA13 += a13; sA14 += a14; sA15 += a15;
  sA22 += a22; sA23 += a23; sA24 += a24; sA25 += a25;
  sA33 += a33; sA34 += a34; sA35 += a35; sA44 += a44; sA45 += a45; sA55 += a55;
  sB0 += b0; sB1 += b1; sB2 += b2; sB3 += b3; sB4 += b4; sB5 += b5;
  sInliers += inliers; sValid += valid; sPoint2 += point2; sPlane2 += plane2; sRadius2 += radius2;
}

// Source centroid (unmoved), over finite points.
let cSx: f64 = 0, cSy: f64 = 0, cSz: f64 = 0;

function sourceCentroid(count: u32): void {
  let x: f64 = 0, y: f64 = 0, z: f64 = 0, n: f64 = 0;
  for (let i: u32 = 0; i < count; i++) {
    let s = iSrc + <usize>i * 12;
    let sx = <f64>load<f32>(s), sy = <f64>load<f32>(s, 4), sz = <f64>load<f32>(s, 8);
    if (!isFinite(sx + sy + sz)) continue;
    x += sx; y += sy; z += sz; n++;
  }
  if (n > 0) { x /= n; y /= n; z /= n; }
  cSx = x; cSy = y; cSz = z;
}

/** A full pass at the current transform (sets iCx.. and the sums). */
function pass(count: u32, robust: bool): void {
  iCx = txX(iT, cSx, cSy, cSz); iCy = txY(iT, cSx, cSy, cSz); iCz = txZ(iT, cSx, cSy, cSz);
  clearSums();
  for (let i0: u32 = 0; i0 < count; i0 += CHUNK) passChunk(i0, min(i0 + CHUNK, count), robust);
}

@inline function storeA(r: i32, c: i32, v: f64): void {
  store<f64>(acc + ACC_ATA + (<usize>upper(r, c) << 3), v);
}

/** Writes the sums to the accumulator record, with damping lambda * diag + floor * block mean. */
function fillAccumulator(lambda: f64, floor: f64): void {
  storeA(0, 0, sA00); storeA(0, 1, sA01); storeA(0, 2, sA02); storeA(0, 3, sA03); storeA(0, 4, sA04); storeA(0, 5, sA05);
  storeA(1, 1, sA11); storeA(1, 2, sA12); storeA(1, 3, sA13); storeA(1, 4, sA14); storeA(1, 5, sA15);
  storeA(2, 2, sA22); storeA(2, 3, sA23); storeA(2, 4, sA24); storeA(2, 5, sA25);
  storeA(3, 3, sA33); storeA(3, 4, sA34); storeA(3, 5, sA35); storeA(4, 4, sA44); storeA(4, 5, sA45); storeA(5, 5, sA55);
  let rot = (sA00 + sA11 + sA22) / 3, tr = (sA33 + sA44 + sA55) / 3;
  for (let i = 0; i < 6; i++) {
    let at = acc + ACC_ATA + (<usize>upper(i, i) << 3);
    let d = load<f64>(at);
    store<f64>(at, d + lambda * d + floor * (i < 3 ? rot : tr));
  }
  store<f64>(acc + ACC_ATB, sB0); store<f64>(acc + ACC_ATB + 8, sB1); store<f64>(acc + ACC_ATB + 16, sB2);
  store<f64>(acc + ACC_ATB + 24, sB3); store<f64>(acc + ACC_ATB + 32, sB4); store<f64>(acc + ACC_ATB + 40, sB5);
}

/** Writes fitness, RMS errors and conditioning of the last unit-weight pass to `out`. */
function writeEvaluation(out: usize): void {
  let n = <f64>sInliers;
  store<u32>(out + ICPN_OUT_INLIERS, sInliers);
  store<u32>(out + ICPN_OUT_VALID, sValid);
  store<f64>(out + ICPN_OUT_FITNESS, sValid > 0 ? n / <f64>sValid : 0);
  store<f64>(out + ICPN_OUT_RMSE, sInliers > 0 ? Math.sqrt(sPoint2 / n) : 0);
  store<f64>(out + ICPN_OUT_PLANE_RMSE, sInliers > 0 ? Math.sqrt(sPlane2 / n) : 0);
  // Normalised Hessian: rotation rows/columns scaled by 1 / L.
  let l = sInliers > 0 ? Math.sqrt(sRadius2 / n) : 0;
  store<f64>(out + ICPN_OUT_SCALE, l);
  for (let i = 0; i < 6; i++) {
    store<f64>(out + ICPN_OUT_EIGEN + (<usize>i << 3), 0);
    store<f64>(out + ICPN_OUT_WEAK_AXIS + (<usize>i << 3), 0);
  }
  if (!(l > 0)) return;
  fillAccumulator(0, 0);
  for (let r = 0; r < 6; r++) for (let c = r; c < 6; c++) {
    let v = load<f64>(acc + ACC_ATA + (<usize>upper(r, c) << 3)) / n;
    if (r < 3) v /= l;
    if (c < 3) v /= l;
    store<f64>(hMat + (<usize>(r * 6 + c) << 3), v);
    store<f64>(hMat + (<usize>(c * 6 + r) << 3), v);
  }
  jacobiSymmetric(hMat, hVec, 6);
  // Ascending order (selection; 6 values).
  let used: u32 = 0;
  for (let k = 0; k < 6; k++) {
    let best = -1;
    for (let i = 0; i < 6; i++) {
      if ((used & (1 << i)) != 0) continue;
      if (best < 0 || eigenvalue(hMat, 6, i) < eigenvalue(hMat, 6, best)) best = i;
    }
    used |= 1 << best;
    store<f64>(out + ICPN_OUT_EIGEN + (<usize>k << 3), eigenvalue(hMat, 6, best));
    if (k == 0) for (let r = 0; r < 6; r++) store<f64>(out + ICPN_OUT_WEAK_AXIS + (<usize>r << 3), eigenvector(hVec, 6, best, r));
  }
}

/** Reads the inputs of the params record; false when they are out of range. */
function readParams(params: usize): bool {
  let maxD = load<f64>(params + ICPN_MAX_DISTANCE);
  iKind = load<u32>(params + ICPN_ROBUST);
  iScale = load<f64>(params + ICPN_ROBUST_SCALE);
  iNormalCos = load<f64>(params + ICPN_NORMAL_COS);
  let tangential = load<f64>(params + ICPN_MAX_TANGENTIAL);
  if (!(tangential >= 0)) return false;
  iTangent2 = tangential > 0 ? tangential * tangential : Infinity;
  if (!(maxD > 0) || iKind > ROBUST_TUKEY || (iKind != ROBUST_NONE && !(iScale > 0))) return false;
  iMax2 = maxD * maxD;
  for (let i = 0; i < 12; i++) if (!isFinite(m(params + ICPN_TRANSFORM, i))) return false;
  return true;
}

/**
 * Point-to-plane ICP of `count` source points (xyz f32; `srcNormals` unit xyz f32 or 0) against
 * the grid over the target points with their unit normals `dstNormals` (xyz f32 per target input
 * point; zero = unusable). The params record (ICPN_*) holds the start transform, replaced by the
 * result. Writes the ICPN_OUT_* fields (evaluation at the final transform, see above). Returns
 * STATUS_OK, or STATUS_INVALID_ARGUMENT for a bad grid or parameter.
 */
export function icp_nearest(grid: usize, dstNormals: usize, srcPts: usize, srcNormals: usize, count: u32, params: usize, out: usize): i32 {
  if (!useGrid(grid) || dstNormals == 0 || !readParams(params)) return STATUS_INVALID_ARGUMENT;
  let maxIt = load<u32>(params + ICPN_MAX_ITERATIONS);
  let minRot = load<f64>(params + ICPN_MIN_ROTATION), minTrans = load<f64>(params + ICPN_MIN_TRANSLATION);
  let damping = load<f64>(params + ICPN_DAMPING), minChange = load<f64>(params + ICPN_MIN_RELATIVE_CHANGE);
  if (!(damping >= 0) || !(minRot >= 0) || !(minTrans >= 0) || !(minChange >= 0)) return STATUS_INVALID_ARGUMENT;
  iSrc = srcPts; iSrcN = srcNormals; iDstN = dstNormals; iT = params + ICPN_TRANSFORM;
  sourceCentroid(count);
  let iterations: u32 = 0, converged: u32 = 0, failures: u32 = 0;
  let lastRot: f64 = 0, lastTrans: f64 = 0;
  let prevInliers: u32 = 0, prevRms: f64 = -1;
  for (let it: u32 = 0; it < maxIt; it++) {
    pass(count, iKind != ROBUST_NONE);
    if (sInliers < 6) break;
    let rms = Math.sqrt(sPlane2 / <f64>sInliers);
    if (Math.abs(<f64>sInliers - <f64>prevInliers) <= minChange * <f64>sInliers && Math.abs(rms - prevRms) <= minChange * prevRms) { converged = 1; break; }
    prevInliers = sInliers; prevRms = rms;
    fillAccumulator(damping, 1e-12);
    if (solve6(acc, solveOut) != STATUS_OK) {
      failures++;
      fillAccumulator(max(damping, 1e-6), 1e-6);
      if (solve6(acc, solveOut) != STATUS_OK) break;
    }
    let x0 = load<f64>(solveOut + SOLVE_OUT_X), x1 = load<f64>(solveOut + SOLVE_OUT_X + 8), x2 = load<f64>(solveOut + SOLVE_OUT_X + 16);
    let x3 = load<f64>(solveOut + SOLVE_OUT_X + 24), x4 = load<f64>(solveOut + SOLVE_OUT_X + 32), x5 = load<f64>(solveOut + SOLVE_OUT_X + 40);
    if (!isFinite(x0 + x1 + x2 + x3 + x4 + x5)) { failures++; break; }
    applyUpdate(iT, x0, x1, x2, x3, x4, x5, iCx, iCy, iCz);
    iterations++;
    lastRot = Math.sqrt(x0 * x0 + x1 * x1 + x2 * x2);
    lastTrans = Math.sqrt(x3 * x3 + x4 * x4 + x5 * x5);
    if (lastRot < minRot && lastTrans < minTrans) { converged = 1; break; }
  }
  iTangent2 = Infinity; // the evaluation counts every nearest point within the max distance
  pass(count, false);
  writeEvaluation(out);
  store<u32>(out + ICPN_OUT_ITERATIONS, iterations);
  store<u32>(out + ICPN_OUT_CONVERGED, converged);
  store<u32>(out + ICPN_OUT_SOLVE_FAILURES, failures);
  store<f64>(out + ICPN_OUT_LAST_ROTATION, lastRot);
  store<f64>(out + ICPN_OUT_LAST_TRANSLATION, lastTrans);
  return STATUS_OK;
}

/**
 * Evaluates the transform of the params record (ICPN_TRANSFORM, ICPN_MAX_DISTANCE and, with
 * source normals, ICPN_NORMAL_COS) as icp_nearest does after its last iteration: ICPN_OUT_FITNESS,
 * _RMSE, _PLANE_RMSE, _INLIERS, _VALID, _EIGEN, _WEAK_AXIS, _SCALE. `dstNormals` may be 0 (then
 * every nearest point within the distance counts and the plane terms are 0).
 */
export function reg_evaluate(grid: usize, dstNormals: usize, srcPts: usize, srcNormals: usize, count: u32, params: usize, out: usize): i32 {
  if (!useGrid(grid)) return STATUS_INVALID_ARGUMENT;
  let maxD = load<f64>(params + ICPN_MAX_DISTANCE);
  if (!(maxD > 0)) return STATUS_INVALID_ARGUMENT;
  iTangent2 = Infinity;
  iMax2 = maxD * maxD; iKind = ROBUST_NONE; iScale = 1; iNormalCos = load<f64>(params + ICPN_NORMAL_COS);
  iSrc = srcPts; iSrcN = srcNormals; iT = params + ICPN_TRANSFORM;
  sourceCentroid(count);
  if (dstNormals != 0) {
    iDstN = dstNormals;
    pass(count, false);
    writeEvaluation(out);
  } else {
    // Without normals: point-to-point distances only.
    iCx = txX(iT, cSx, cSy, cSz); iCy = txY(iT, cSx, cSy, cSz); iCz = txZ(iT, cSx, cSy, cSz);
    clearSums();
    for (let i: u32 = 0; i < count; i++) {
      let s = iSrc + <usize>i * 12;
      let sx = <f64>load<f32>(s), sy = <f64>load<f32>(s, 4), sz = <f64>load<f32>(s, 8);
      if (!isFinite(sx + sy + sz)) continue;
      sValid++;
      if (searchGrid(txX(iT, sx, sy, sz), txY(iT, sx, sy, sz), txZ(iT, sx, sy, sz), iMax2, 1) == 0) continue;
      sInliers++;
      sPoint2 += <f64>resultD2(0);
    }
    store<u32>(out + ICPN_OUT_INLIERS, sInliers);
    store<u32>(out + ICPN_OUT_VALID, sValid);
    store<f64>(out + ICPN_OUT_FITNESS, sValid > 0 ? <f64>sInliers / <f64>sValid : 0);
    store<f64>(out + ICPN_OUT_RMSE, sInliers > 0 ? Math.sqrt(sPoint2 / <f64>sInliers) : 0);
  }
  return STATUS_OK;
}
