// The result of registerPointClouds / registerMeshes.
import type { GlobalRegistrationResult } from './global-registration.js';

/**
 * 'aligned': converged with enough overlap and a well-conditioned fit.
 * 'degenerate': the surfaces cannot constrain every motion (a plane, a sphere, a cylinder, a
 *   featureless patch): the pose may slide along `conditioning.weakMotion`; do not trust it.
 * 'low-overlap': fewer than minFitness of the source points found a target point.
 * 'not-converged': ICP used all its iterations and was still moving.
 */
export type RegistrationVerdict = 'aligned' | 'degenerate' | 'low-overlap' | 'not-converged';

/**
 * How well the final alignment is constrained: the eigenvalues of the point-to-plane Hessian
 * H = (1/N) sum J^T J over the N inlier pairs at the result, J = [((p - c) x n) / L, n]
 * (p the moved source point, n the target normal, c the centroid of the moved source points,
 * L = sqrt(mean |p - c|^2)). Rotations are measured by the displacement they cause at radius L,
 * so all six eigenvalues are comparable (their sum is at most 2). A flat patch has three near 0.
 */
export interface RegistrationConditioning {
  /** The six eigenvalues, ascending. */
  eigenvalues: number[];
  /** Smallest / largest eigenvalue (0..1). */
  ratio: number;
  /** ratio < degenerateRatio (option). */
  degenerate: boolean;
  /**
   * The least constrained motion (the eigenvector of the smallest eigenvalue), scaled to move the
   * points by about 1 mm RMS: rotation vector (rad) and translation (mm).
   */
  weakMotion: { rotation: [number, number, number]; translation: [number, number, number] };
  /** L, mm. */
  scale: number;
}

/**
 * Formulas, over the finite source points S (all of them, at full resolution) moved by
 * sourceToTarget, q(p) the nearest target point within maxCorrespondenceDistance (inliers):
 *   fitness    = |inliers| / |S|
 *   inlierRmse = sqrt(mean over inliers of |p - q|^2)           (point to point, Open3D's inlier_rmse)
 *   planeRmse  = sqrt(mean over inliers of (n_q . (p - q))^2)    (point to plane)
 */
export interface RegistrationResult {
  /** Maps source coordinates to target coordinates (column-major 4x4, mm). */
  sourceToTarget: Float64Array;
  fitness: number;
  /** mm. */
  inlierRmse: number;
  /** mm. */
  planeRmse: number;
  /** ICP updates applied, all stages. */
  iterations: number;
  /** The final ICP stage stopped because its updates became negligible. */
  converged: boolean;
  /** The global stage, or null when it did not run (an `initial` pose was given). */
  global: GlobalRegistrationResult | null;
  conditioning: RegistrationConditioning;
  verdict: RegistrationVerdict;
  /** Parameters used, mm. */
  voxelSize: number;
  maxCorrespondenceDistance: number;
}
