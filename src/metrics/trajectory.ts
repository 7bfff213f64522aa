// Trajectory accuracy of estimated camera poses against ground truth: the absolute trajectory
// error (ATE) before and after a rigid alignment, and the relative pose error (RPE) between
// frame pairs, as defined for the TUM RGB-D benchmark (Sturm et al., IROS 2012), without scale.
// Poses are camera-to-world Float64Array(16), column-major (three.js Matrix4 order), mm. The work
// is proportional to the frame count, so it stays in TypeScript.
import { ScanfuseError } from '../errors.js';
import { isRigid } from '../math/pose.js';

/** A summary of per-frame (or per-pair) errors. */
export interface ErrorSummary {
  /** (1/n) sum e_i */
  mean: number;
  /** sqrt((1/n) sum e_i^2) */
  rms: number;
  /** max e_i */
  max: number;
}

/**
 * With P_i = [R_i | p_i] the estimated and Q_i = [S_i | q_i] the ground-truth camera-to-world
 * pose of frame i (n frames), and A = [R_A | t_A] the rigid transform minimising
 * sum |R_A p_i + t_A - q_i|^2 (Horn's closed-form solution with unit quaternions, J. Opt. Soc.
 * Am. A 4(4), 1987: the rotation is the eigenvector of the largest eigenvalue of Horn's 4x4
 * matrix of the centred positions; t_A = mean(q) - R_A mean(p); no scale):
 *   translationUm:        e_i = 1000 |p_i - q_i|                 (no alignment: same world frame)
 *   rmseUm:               translationUm.rms, the ATE RMSE without alignment
 *   alignedTranslationUm: e_i = 1000 |R_A p_i + t_A - q_i|
 *   alignedRmseUm:        alignedTranslationUm.rms, the ATE RMSE after alignment
 *   rotationDeg:          e_i = angle(S_i^T R_i) in degrees (mean = the mean rotation error)
 *   alignedRotationDeg:   e_i = angle(S_i^T R_A R_i)
 * angle(R) = atan2(|(R32 - R23, R13 - R31, R21 - R12)|, trace(R) - 1), in [0, 180] degrees.
 * With fewer than 3 frames, or all camera positions on a line, the alignment's rotation is not
 * unique (any minimiser is used); the aligned RMSE is still the minimum.
 */
export interface AbsoluteTrajectoryError {
  frameCount: number;
  rmseUm: number;
  alignedRmseUm: number;
  translationUm: ErrorSummary;
  alignedTranslationUm: ErrorSummary;
  rotationDeg: ErrorSummary;
  alignedRotationDeg: ErrorSummary;
  /** A: maps the estimate's world frame onto the ground truth's (Float64Array(16), column-major, mm). */
  estimateToGroundTruth: Float64Array;
}

export interface RelativePoseErrorOptions {
  /** Frame offset of the pairs (i, i + delta). Default 1 (consecutive frames). */
  delta?: number;
}

/**
 * For every pair (i, i + delta), the error of the estimated relative motion:
 *   E_i = (Q_i^-1 Q_{i+delta})^-1 (P_i^-1 P_{i+delta})
 *   translationUm: e_i = 1000 |translation(E_i)|,   rotationDeg: e_i = angle(E_i) in degrees
 * (P estimated, Q ground truth, angle() as for the ATE). Independent of any world alignment.
 * All NaN when there is no pair (fewer than delta + 1 frames).
 */
export interface RelativePoseError {
  delta: number;
  pairCount: number;
  translationUm: ErrorSummary;
  rotationDeg: ErrorSummary;
}

type Pose = ArrayLike<number>;

/** Validates two pose lists of equal length; returns them as Float64Arrays. */
function posePairs(estimated: ArrayLike<Pose>, groundTruth: ArrayLike<Pose>, api: string): [Float64Array[], Float64Array[]] {
  const list = (poses: ArrayLike<Pose>, name: string): Float64Array[] => {
    if (!poses || typeof poses !== 'object' || typeof poses.length !== 'number') {
      throw new ScanfuseError('INVALID_ARGUMENT', `${api}: ${name} must be an array of Float64Array(16) camera-to-world poses`);
    }
    const out: Float64Array[] = [];
    for (let i = 0; i < poses.length; i++) {
      const m = poses[i];
      if (!m || typeof m !== 'object' || m.length !== 16) {
        throw new ScanfuseError('INVALID_ARGUMENT', `${api}: ${name}[${i}] must be a Float64Array(16) (column-major 4x4)`, { frame: i });
      }
      if (!isRigid(m, 1e-6)) {
        throw new ScanfuseError('INVALID_ARGUMENT', `${api}: ${name}[${i}] is not a rigid transform (finite, orthonormal rotation, det +1, last row 0 0 0 1)`, { frame: i });
      }
      out.push(Float64Array.from(m));
    }
    return out;
  };
  const est = list(estimated, 'estimated');
  const gt = list(groundTruth, 'groundTruth');
  if (est.length !== gt.length) {
    throw new ScanfuseError('INVALID_ARGUMENT', `${api}: estimated and groundTruth must have one pose per frame each`, { expected: gt.length, actual: est.length });
  }
  return [est, gt];
}

function summary(errors: number[]): ErrorSummary {
  if (errors.length === 0) return { mean: NaN, rms: NaN, max: NaN };
  let sum = 0, sq = 0, max = 0;
  for (const e of errors) { sum += e; sq += e * e; if (e > max) max = e; }
  return { mean: sum / errors.length, rms: Math.sqrt(sq / errors.length), max };
}

/** Element (row r, column c) of a column-major 4x4. */
const at = (m: Float64Array, r: number, c: number) => m[c * 4 + r];

/** 3x3 rotation (row-major array of 9) of a pose. */
function rotationOf(m: Float64Array): number[] {
  return [at(m, 0, 0), at(m, 0, 1), at(m, 0, 2), at(m, 1, 0), at(m, 1, 1), at(m, 1, 2), at(m, 2, 0), at(m, 2, 1), at(m, 2, 2)];
}

/** a^T b for row-major 3x3 arrays. */
function transposeTimes(a: number[], b: number[]): number[] {
  const r = new Array<number>(9);
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) r[3 * i + j] = a[i] * b[j] + a[3 + i] * b[3 + j] + a[6 + i] * b[6 + j];
  return r;
}

/** a b for row-major 3x3 arrays. */
function times(a: number[], b: number[]): number[] {
  const r = new Array<number>(9);
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) r[3 * i + j] = a[3 * i] * b[j] + a[3 * i + 1] * b[3 + j] + a[3 * i + 2] * b[6 + j];
  return r;
}

/** Rotation angle of a row-major 3x3 rotation, degrees (atan2 form: accurate near 0 and 180). */
function angleDeg(r: number[]): number {
  const sx = r[7] - r[5], sy = r[2] - r[6], sz = r[3] - r[1];
  return (Math.atan2(Math.hypot(sx, sy, sz), r[0] + r[4] + r[8] - 1) * 180) / Math.PI;
}

/** Eigenvector of the largest eigenvalue of a symmetric 4x4 (row-major 16), by Jacobi rotations. */
function largestEigenvector4(a: number[]): number[] {
  const m = a.slice();
  const v = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1];
  for (let sweep = 0; sweep < 64; sweep++) {
    let off = 0, norm = 0;
    for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) { norm += m[4 * i + j] ** 2; if (i !== j) off += m[4 * i + j] ** 2; }
    if (off <= 1e-30 * norm || off === 0) break;
    for (let p = 0; p < 3; p++) {
      for (let q = p + 1; q < 4; q++) {
        const apq = m[4 * p + q];
        if (apq === 0) continue;
        const theta = (m[4 * q + q] - m[4 * p + p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1), s = t * c;
        for (let k = 0; k < 4; k++) { // m = J^T m J, columns then rows
          const mkp = m[4 * k + p], mkq = m[4 * k + q];
          m[4 * k + p] = c * mkp - s * mkq; m[4 * k + q] = s * mkp + c * mkq;
        }
        for (let k = 0; k < 4; k++) {
          const mpk = m[4 * p + k], mqk = m[4 * q + k];
          m[4 * p + k] = c * mpk - s * mqk; m[4 * q + k] = s * mpk + c * mqk;
        }
        for (let k = 0; k < 4; k++) {
          const vkp = v[4 * k + p], vkq = v[4 * k + q];
          v[4 * k + p] = c * vkp - s * vkq; v[4 * k + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  let best = 0;
  for (let i = 1; i < 4; i++) if (m[5 * i] > m[5 * best]) best = i;
  const e = [v[best], v[4 + best], v[8 + best], v[12 + best]];
  const n = Math.hypot(e[0], e[1], e[2], e[3]);
  return e.map((x) => x / n);
}

/**
 * Horn's closed-form absolute orientation without scale: the rigid transform (row-major 3x3 R
 * and t) minimising sum |R a_i + t - b_i|^2 over point pairs (a_i, b_i).
 */
export function hornAlignment(a: ArrayLike<number>[], b: ArrayLike<number>[]): { rotation: number[]; translation: [number, number, number] } {
  const n = a.length;
  const ca = [0, 0, 0], cb = [0, 0, 0];
  for (let i = 0; i < n; i++) for (let k = 0; k < 3; k++) { ca[k] += a[i][k] / n; cb[k] += b[i][k] / n; }
  // S[r][c] = sum (a_i - ca)_r (b_i - cb)_c
  const S = new Array<number>(9).fill(0);
  for (let i = 0; i < n; i++) {
    for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) S[3 * r + c] += (a[i][r] - ca[r]) * (b[i][c] - cb[c]);
  }
  const [sxx, sxy, sxz, syx, syy, syz, szx, szy, szz] = S;
  const N = [
    sxx + syy + szz, syz - szy, szx - sxz, sxy - syx,
    syz - szy, sxx - syy - szz, sxy + syx, szx + sxz,
    szx - sxz, sxy + syx, -sxx + syy - szz, syz + szy,
    sxy - syx, szx + sxz, syz + szy, -sxx - syy + szz,
  ];
  const [w, x, y, z] = largestEigenvector4(N);
  const R = [
    w * w + x * x - y * y - z * z, 2 * (x * y - w * z), 2 * (x * z + w * y),
    2 * (x * y + w * z), w * w - x * x + y * y - z * z, 2 * (y * z - w * x),
    2 * (x * z - w * y), 2 * (y * z + w * x), w * w - x * x - y * y + z * z,
  ];
  const t: [number, number, number] = [0, 0, 0];
  for (let r = 0; r < 3; r++) t[r] = cb[r] - (R[3 * r] * ca[0] + R[3 * r + 1] * ca[1] + R[3 * r + 2] * ca[2]);
  return { rotation: R, translation: t };
}

/**
 * Absolute trajectory error of `estimated` against `groundTruth` (camera-to-world poses of the
 * same frames, in order); see AbsoluteTrajectoryError for the formulas. Throws
 * INVALID_ARGUMENT for an empty list, different lengths or a pose that is not rigid.
 */
export function absoluteTrajectoryError(estimated: ArrayLike<Pose>, groundTruth: ArrayLike<Pose>): AbsoluteTrajectoryError {
  const api = 'absoluteTrajectoryError';
  const [est, gt] = posePairs(estimated, groundTruth, api);
  if (est.length === 0) throw new ScanfuseError('INVALID_ARGUMENT', `${api}: needs at least one frame`);
  const p = est.map((m) => [m[12], m[13], m[14]]);
  const q = gt.map((m) => [m[12], m[13], m[14]]);
  const { rotation: RA, translation: tA } = hornAlignment(p, q);
  const raw: number[] = [], aligned: number[] = [], rot: number[] = [], alignedRot: number[] = [];
  for (let i = 0; i < est.length; i++) {
    raw.push(1000 * Math.hypot(p[i][0] - q[i][0], p[i][1] - q[i][1], p[i][2] - q[i][2]));
    const ap = [0, 1, 2].map((r) => RA[3 * r] * p[i][0] + RA[3 * r + 1] * p[i][1] + RA[3 * r + 2] * p[i][2] + tA[r]);
    aligned.push(1000 * Math.hypot(ap[0] - q[i][0], ap[1] - q[i][1], ap[2] - q[i][2]));
    const Ri = rotationOf(est[i]), Si = rotationOf(gt[i]);
    rot.push(angleDeg(transposeTimes(Si, Ri)));
    alignedRot.push(angleDeg(transposeTimes(Si, times(RA, Ri))));
  }
  const A = new Float64Array(16);
  for (let r = 0; r < 3; r++) { for (let c = 0; c < 3; c++) A[c * 4 + r] = RA[3 * r + c]; A[12 + r] = tA[r]; }
  A[15] = 1;
  const translationUm = summary(raw), alignedTranslationUm = summary(aligned);
  return {
    frameCount: est.length,
    rmseUm: translationUm.rms,
    alignedRmseUm: alignedTranslationUm.rms,
    translationUm,
    alignedTranslationUm,
    rotationDeg: summary(rot),
    alignedRotationDeg: summary(alignedRot),
    estimateToGroundTruth: A,
  };
}

/** Relative motion from pose a to pose b: a^-1 b as (row-major R, t). */
function relative(a: Float64Array, b: Float64Array): { R: number[]; t: number[] } {
  const Ra = rotationOf(a), Rb = rotationOf(b);
  const d = [b[12] - a[12], b[13] - a[13], b[14] - a[14]];
  return {
    R: transposeTimes(Ra, Rb),
    t: [0, 1, 2].map((c) => Ra[c] * d[0] + Ra[3 + c] * d[1] + Ra[6 + c] * d[2]),
  };
}

/**
 * Relative pose error of `estimated` against `groundTruth` over frame pairs (i, i + delta); see
 * RelativePoseError for the formulas. Throws INVALID_ARGUMENT for different lengths, a pose that
 * is not rigid, or a delta that is not a positive integer.
 */
export function relativePoseError(estimated: ArrayLike<Pose>, groundTruth: ArrayLike<Pose>, options: RelativePoseErrorOptions = {}): RelativePoseError {
  const api = 'relativePoseError';
  const [est, gt] = posePairs(estimated, groundTruth, api);
  const delta = options?.delta ?? 1;
  if (!(Number.isInteger(delta) && delta >= 1)) throw new ScanfuseError('INVALID_ARGUMENT', `${api}: delta must be a positive integer`, { actual: String(delta) });
  const trans: number[] = [], rot: number[] = [];
  for (let i = 0; i + delta < est.length; i++) {
    const g = relative(gt[i], gt[i + delta]);
    const e = relative(est[i], est[i + delta]);
    // E = g^-1 e = [g.R^T e.R | g.R^T (e.t - g.t)]
    const R = transposeTimes(g.R, e.R);
    const d = [e.t[0] - g.t[0], e.t[1] - g.t[1], e.t[2] - g.t[2]];
    const t = [0, 1, 2].map((c) => g.R[c] * d[0] + g.R[3 + c] * d[1] + g.R[6 + c] * d[2]);
    trans.push(1000 * Math.hypot(t[0], t[1], t[2]));
    rot.push(angleDeg(R));
  }
  return { delta, pairCount: trans.length, translationUm: summary(trans), rotationDeg: summary(rot) };
}
