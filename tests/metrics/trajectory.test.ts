// Trajectory metrics: ATE before/after Horn alignment and RPE, on seeded synthetic trajectories
// whose errors are known by construction.
import { describe, expect, it } from 'vitest';
import { absoluteTrajectoryError, hornAlignment, isScanfuseError, relativePoseError } from '../../src/index.js';
import { fromAxisAngle, invertRigid, lookAt, multiply, normalize } from '../../src/math/pose.js';
import { rng } from './helpers.js';

/** A wand-like trajectory: a wavy sweep with the camera turning as it goes. Seeded. */
function trajectory(seed: number, frames = 60): Float64Array[] {
  const r = rng(seed);
  const out: Float64Array[] = [];
  for (let i = 0; i < frames; i++) {
    const s = i / frames;
    const eye = [30 * Math.cos(2 * s), 25 * Math.sin(2 * s), 12 + 2 * Math.sin(9 * s) + 0.1 * r()];
    const target = [0.8 * eye[0], 0.8 * eye[1], 0];
    out.push(lookAt(eye, target, [0, 0, 1]));
  }
  return out;
}

const invalid = (fn: () => unknown) => {
  try { fn(); } catch (e) { expect(isScanfuseError(e, 'INVALID_ARGUMENT'), String(e)).toBe(true); return; }
  throw new Error('did not throw');
};

describe('absoluteTrajectoryError', () => {
  it('is 0 for a trajectory against itself', () => {
    const gt = trajectory(1);
    const r = absoluteTrajectoryError(gt, gt);
    expect(r.frameCount).toBe(60);
    expect(r.rmseUm).toBe(0);
    expect(r.rotationDeg).toEqual({ mean: 0, rms: 0, max: 0 });
    expect(r.alignedRmseUm).toBeLessThan(1e-6);
    expect(r.alignedRotationDeg.max).toBeLessThan(1e-9);
  });

  it('reports a known offset before alignment and ~0 after', () => {
    const gt = trajectory(2);
    const offset = fromAxisAngle([1, 0, 0], 0, [1, 2, 2]); // 3 mm
    const est = gt.map((m) => multiply(offset, m));
    const r = absoluteTrajectoryError(est, gt);
    for (const v of [r.rmseUm, r.translationUm.mean, r.translationUm.max]) expect(v).toBeCloseTo(3000, 6);
    expect(r.rotationDeg.max).toBeLessThan(1e-9);
    expect(r.alignedRmseUm).toBeLessThan(1e-6);
    // The alignment undoes the offset.
    const back = invertRigid(offset);
    for (let k = 0; k < 16; k++) expect(r.estimateToGroundTruth[k]).toBeCloseTo(back[k], 9);
  });

  it('recovers a rigid transform of the whole trajectory (rotation and translation)', () => {
    const gt = trajectory(3);
    const T = fromAxisAngle(normalize([1, -2, 0.5]), 0.7, [5, -3, 8]);
    const est = gt.map((m) => multiply(T, m));
    const r = absoluteTrajectoryError(est, gt);
    // Before alignment: the distance every camera moved, and T's angle for every frame.
    const moved = gt.map((m, i) => 1000 * Math.hypot(est[i][12] - m[12], est[i][13] - m[13], est[i][14] - m[14]));
    expect(r.rmseUm).toBeCloseTo(Math.sqrt(moved.reduce((s, x) => s + x * x, 0) / moved.length), 6);
    expect(r.rotationDeg.mean).toBeCloseTo((0.7 * 180) / Math.PI, 9);
    expect(r.rotationDeg.max).toBeCloseTo((0.7 * 180) / Math.PI, 9);
    expect(r.alignedRmseUm).toBeLessThan(1e-5);
    expect(r.alignedRotationDeg.max).toBeLessThan(1e-7);
    const Tinv = invertRigid(T);
    for (let k = 0; k < 16; k++) expect(r.estimateToGroundTruth[k]).toBeCloseTo(Tinv[k], 9);
  });

  it('measures per-frame noise: raw ATE = RMS of the offsets, aligned ATE <= raw', () => {
    const gt = trajectory(4, 200);
    const r = rng(5);
    const offsets = gt.map(() => [0.02 * (r() - 0.5), 0.02 * (r() - 0.5), 0.02 * (r() - 0.5)]);
    const est = gt.map((m, i) => { const e = Float64Array.from(m); for (let k = 0; k < 3; k++) e[12 + k] += offsets[i][k]; return e; });
    const res = absoluteTrajectoryError(est, gt);
    const expected = Math.sqrt(offsets.reduce((s, o) => s + o[0] ** 2 + o[1] ** 2 + o[2] ** 2, 0) / offsets.length) * 1000;
    expect(res.rmseUm).toBeCloseTo(expected, 6);
    expect(res.alignedRmseUm).toBeLessThanOrEqual(res.rmseUm + 1e-9);
    expect(res.alignedRmseUm).toBeGreaterThan(0.8 * res.rmseUm); // zero-mean noise: little to align
  });

  it('rejects misuse with INVALID_ARGUMENT', () => {
    const gt = trajectory(6, 5);
    invalid(() => absoluteTrajectoryError(gt.slice(1), gt));
    invalid(() => absoluteTrajectoryError([], []));
    invalid(() => absoluteTrajectoryError([new Float64Array(12), ...gt.slice(1)], gt));
    const skew = Float64Array.from(gt[0]); skew[0] += 0.1; skew[1] += 0.1;
    invalid(() => absoluteTrajectoryError([skew, ...gt.slice(1)], gt));
    const nan = Float64Array.from(gt[0]); nan[13] = NaN;
    invalid(() => absoluteTrajectoryError(gt, [nan, ...gt.slice(1)]));
    invalid(() => absoluteTrajectoryError(null as never, gt));
  });
});

describe('relativePoseError', () => {
  it('is 0 for a trajectory against itself and against a rigidly moved copy', () => {
    const gt = trajectory(7);
    const moved = gt.map((m) => multiply(fromAxisAngle([0, 0, 1], 1.1, [4, 5, 6]), m));
    for (const est of [gt, moved]) {
      const r = relativePoseError(est, gt);
      expect(r.pairCount).toBe(59);
      expect(r.translationUm.max).toBeLessThan(1e-6);
      expect(r.rotationDeg.max).toBeLessThan(1e-7);
    }
  });

  it('gives |offset_(i+1) - offset_i| per pair for per-frame position noise', () => {
    const gt = trajectory(8, 120);
    const r = rng(9);
    const offsets = gt.map(() => [0.03 * (r() - 0.5), 0.03 * (r() - 0.5), 0.03 * (r() - 0.5)]);
    const est = gt.map((m, i) => { const e = Float64Array.from(m); for (let k = 0; k < 3; k++) e[12 + k] += offsets[i][k]; return e; });
    const expected = offsets.slice(1).map((o, i) => 1000 * Math.hypot(o[0] - offsets[i][0], o[1] - offsets[i][1], o[2] - offsets[i][2]));
    const res = relativePoseError(est, gt);
    expect(res.translationUm.mean).toBeCloseTo(expected.reduce((s, x) => s + x, 0) / expected.length, 6);
    expect(res.translationUm.rms).toBeCloseTo(Math.sqrt(expected.reduce((s, x) => s + x * x, 0) / expected.length), 6);
    expect(res.translationUm.max).toBeCloseTo(Math.max(...expected), 6);
    expect(res.rotationDeg.max).toBeLessThan(1e-7);
    // Pairs two frames apart.
    const two = relativePoseError(est, gt, { delta: 2 });
    expect(two.pairCount).toBe(118);
    expect(two.translationUm.max).toBeCloseTo(Math.max(...offsets.slice(2).map((o, i) => 1000 * Math.hypot(o[0] - offsets[i][0], o[1] - offsets[i][1], o[2] - offsets[i][2]))), 6);
  });

  it('gives 2 theta and 2 d sin(theta / 2) for a camera that wobbles by +-theta while moving d per frame', () => {
    const d = 0.4, theta = 0.01; // mm, rad
    const gt: Float64Array[] = [], est: Float64Array[] = [];
    for (let i = 0; i < 50; i++) {
      const pose = fromAxisAngle([1, 0, 0], 0, [i * d, 0, 0]);
      gt.push(pose);
      est.push(multiply(pose, fromAxisAngle([0, 0, 1], i % 2 ? -theta : theta)));
    }
    const r = relativePoseError(est, gt);
    expect(r.rotationDeg.mean).toBeCloseTo((2 * theta * 180) / Math.PI, 9);
    expect(r.rotationDeg.max).toBeCloseTo((2 * theta * 180) / Math.PI, 9);
    expect(r.translationUm.rms).toBeCloseTo(1000 * 2 * d * Math.sin(theta / 2), 9);
    // The ATE sees the rotation error but no translation error.
    const ate = absoluteTrajectoryError(est, gt);
    expect(ate.rmseUm).toBe(0);
    expect(ate.rotationDeg.mean).toBeCloseTo((theta * 180) / Math.PI, 9);
  });

  it('reports no pairs as NaN and rejects a bad delta', () => {
    const gt = trajectory(10, 3);
    const r = relativePoseError(gt, gt, { delta: 3 });
    expect(r.pairCount).toBe(0);
    expect(r.translationUm.mean).toBeNaN();
    invalid(() => relativePoseError(gt, gt, { delta: 0 }));
    invalid(() => relativePoseError(gt, gt, { delta: 1.5 }));
  });
});

describe('hornAlignment', () => {
  it('finds the rotation and translation between two point sets', () => {
    const r = rng(11);
    const a = Array.from({ length: 20 }, () => [r() * 10, r() * 10, r() * 10]);
    const T = fromAxisAngle(normalize([0.3, 0.4, -1]), 2.5, [-1, 7, 3]); // a large angle
    const b = a.map((p) => [0, 1, 2].map((k) => T[k] * p[0] + T[4 + k] * p[1] + T[8 + k] * p[2] + T[12 + k]));
    const { rotation, translation } = hornAlignment(a, b);
    for (let row = 0; row < 3; row++) {
      for (let col = 0; col < 3; col++) expect(rotation[3 * row + col]).toBeCloseTo(T[col * 4 + row], 10);
      expect(translation[row]).toBeCloseTo(T[12 + row], 9);
    }
  });
});
