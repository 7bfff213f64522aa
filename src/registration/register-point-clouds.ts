// Pairwise rigid registration of two point clouds: an optional global stage (FPFH + RANSAC, from
// any pose), then point-to-plane ICP with nearest-neighbour correspondences, coarse to fine.
import type { Engine } from '../engine.js';
import { ScanfuseError } from '../errors.js';
import { isRigid } from '../math/pose.js';
import { wasmOf } from '../metrics/surface-grid.js';
import type { Scope } from '../wasm/abi.js';
import {
  buildPointGrid, cloudInScope, icpInScope, normalsInScope, pointSpacing, type IcpOutcome, type PointGrid, type RobustKernel, type ScopedCloud,
} from './cloud-kernels.js';
import {
  autoVoxelSize, DEFAULT_GLOBAL_REGISTRATION_OPTIONS, featureCloud, globalRegistrationInScope, resolveGlobalOptions, targetFeaturesInScope,
  type GlobalRegistrationOptions, type GlobalRegistrationResult, type ResolvedGlobalOptions,
} from './global-registration.js';
import { assertPointCloud, choiceOption, integerOption, positiveOption, rangeOption, type PointCloud } from './point-cloud.js';
import type { RegistrationConditioning, RegistrationResult, RegistrationVerdict } from './registration-result.js';

export interface RegistrationOptions extends GlobalRegistrationOptions {
  /** Start pose, source -> target (column-major 4x4, mm). Default: none (the global stage finds one). */
  initial?: Float64Array;
  /** Run the global stage (FPFH + RANSAC) first. Default: true when no `initial` is given. */
  global?: boolean;
  /**
   * Correspondence gate of the final ICP stage and of fitness / RMSE, mm. Default 3 x the
   * target's point spacing (the median distance between nearest target points).
   */
  maxCorrespondenceDistance?: number;
  /**
   * Gate of the first ICP stage, mm. The stages halve it: downsampled source and target while it
   * is at least 2 x voxelSize, then the downsampled source against every target point down to
   * maxCorrespondenceDistance, then every source point. Default 8 x voxelSize after a given
   * `initial` (starts some 10 degrees and 10 mm off objects a few dozen voxels across),
   * 3 x voxelSize after the global stage.
   */
  coarseDistance?: number;
  /**
   * Pairs farther apart than this along the target's tangent plane are left out of the fine ICP
   * stages (a source point beyond the border of the overlap finds a border point of the target
   * sideways and would bias the fit), mm. Default 0.75 x the target's point spacing (above the
   * 0.71 spacing a point can lie from every point of a square grid of that spacing).
   */
  maxTangentialDistance?: number;
  /** Most updates of the final ICP stage. Default 60. */
  iterations?: number;
  /** Most updates of each coarse stage. Default 30. */
  coarseIterations?: number;
  /** Robust kernel of the point-to-plane residuals. Default 'tukey' (width: the stage's gate). */
  robust?: RobustKernel;
  /** Huber threshold / Tukey width, mm. Default: the gate of each stage. */
  robustScale?: number;
  /** The final stage has converged when an update rotates less than this (rad)... Default 1e-7. */
  minRotation?: number;
  /** ... and moves less than this (mm). Default 1e-5. */
  minTranslation?: number;
  /**
   * ... or when the inlier count and the point-to-plane RMS both change by at most this fraction
   * between iterations (a slow creep along a weakly constrained direction). Default 1e-4.
   */
  minRelativeChange?: number;
  /** conditioning.ratio below this is 'degenerate'. Default 0.01. */
  degenerateRatio?: number;
  /** fitness below this is 'low-overlap'. Default 0.1. */
  minFitness?: number;
}

export const DEFAULT_REGISTRATION_OPTIONS = Object.freeze({
  ...DEFAULT_GLOBAL_REGISTRATION_OPTIONS,
  iterations: 60,
  coarseIterations: 30,
  robust: 'tukey' as RobustKernel,
  minRotation: 1e-6,
  minTranslation: 1e-4,
  minRelativeChange: 1e-4,
  degenerateRatio: 0.01,
  minFitness: 0.1,
  /** maxCorrespondenceDistance = maxDistanceSpacings x the target's point spacing. */
  maxDistanceSpacings: 3,
  /** maxTangentialDistance = maxTangentialSpacings x the target's point spacing. */
  maxTangentialSpacings: 0.75,
  /** coarseDistance = coarseVoxels x voxelSize after an `initial` pose ... */
  coarseVoxels: 8,
  /** ... and coarseVoxelsAfterGlobal x voxelSize after the global stage. */
  coarseVoxelsAfterGlobal: 3,
});

interface ResolvedOptions extends ResolvedGlobalOptions {
  initial: Float64Array | undefined;
  global: boolean;
  maxCorrespondenceDistance: number | undefined;
  coarseDistance: number | undefined;
  maxTangentialDistance: number | undefined;
  iterations: number;
  coarseIterations: number;
  robust: RobustKernel;
  robustScale: number | undefined;
  minRotation: number;
  minTranslation: number;
  minRelativeChange: number;
  degenerateRatio: number;
  minFitness: number;
}

export function resolveRegistrationOptions(options: RegistrationOptions, api: string): ResolvedOptions {
  if (options === null || typeof options !== 'object') throw new ScanfuseError('INVALID_ARGUMENT', `${api}: options must be an object`);
  const o = { ...DEFAULT_REGISTRATION_OPTIONS, ...options };
  if (o.initial !== undefined && !(o.initial instanceof Float64Array && o.initial.length === 16 && isRigid(o.initial, 1e-5))) {
    throw new ScanfuseError('INVALID_ARGUMENT', `${api}: initial must be a rigid transform as a Float64Array(16), column-major`);
  }
  if (o.global !== undefined && typeof o.global !== 'boolean') throw new ScanfuseError('INVALID_ARGUMENT', `${api}: global must be a boolean`);
  const optional = (v: number | undefined, name: string) => (v === undefined ? undefined : positiveOption(v, api, name));
  return {
    ...resolveGlobalOptions(options, api),
    initial: o.initial,
    global: o.global ?? o.initial === undefined,
    maxCorrespondenceDistance: optional(o.maxCorrespondenceDistance, 'maxCorrespondenceDistance'),
    coarseDistance: optional(o.coarseDistance, 'coarseDistance'),
    maxTangentialDistance: optional(o.maxTangentialDistance, 'maxTangentialDistance'),
    iterations: integerOption(o.iterations, api, 'iterations', 0, 100_000),
    coarseIterations: integerOption(o.coarseIterations, api, 'coarseIterations', 0, 100_000),
    robust: choiceOption(o.robust, api, 'robust', ['none', 'huber', 'tukey'] as const),
    robustScale: optional(o.robustScale, 'robustScale'),
    minRotation: rangeOption(o.minRotation, api, 'minRotation', 0, 1),
    minTranslation: rangeOption(o.minTranslation, api, 'minTranslation', 0, Infinity),
    minRelativeChange: rangeOption(o.minRelativeChange, api, 'minRelativeChange', 0, 1),
    degenerateRatio: rangeOption(o.degenerateRatio, api, 'degenerateRatio', 0, 1),
    minFitness: rangeOption(o.minFitness, api, 'minFitness', 0, 1),
  };
}

/**
 * Cell edge of the grid of a nearest-point search with gate `gate` over points `spacing` apart:
 * the gate itself, at least 1 spacing. A query then visits at most 27 cells, also when it finds
 * nothing. Measured on the bunny (40k points, 10 mm gate): cells of gate / 2 or 6 spacings are
 * 1.5x faster per ICP pass when nearly every point has a partner, but 2-5x slower when most do
 * not (far from the solution: every miss searches several shells of cells).
 */
function gridCell(gate: number, spacing: number): number {
  return Math.max(spacing, gate);
}

const identity16 = () => Float64Array.from([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]);

function conditioningOf(r: IcpOutcome, degenerateRatio: number): RegistrationConditioning {
  const ev = r.eigenvalues;
  const ratio = ev[5] > 0 ? Math.max(0, ev[0]) / ev[5] : 0;
  const L = r.scale > 0 ? r.scale : 1;
  const a = r.weakAxis;
  return {
    eigenvalues: ev.slice(),
    ratio,
    degenerate: !(ratio >= degenerateRatio),
    weakMotion: { rotation: [a[0] / L, a[1] / L, a[2] / L], translation: [a[3], a[4], a[5]] },
    scale: r.scale,
  };
}

/**
 * The registration pipeline on clouds already in the scope (normals may be missing). `positions`
 * are the caller's arrays (for the automatic voxel size).
 */
export function registerInScope(s: Scope, api: string, source: ScopedCloud, target: ScopedCloud, sourcePositions: Float32Array,
  targetPositions: Float32Array, o: ResolvedOptions): RegistrationResult {
  const v = o.voxelSize ?? autoVoxelSize(s, api, source, sourcePositions, o.featurePoints);
  const normalRadius = o.normalRadius ?? DEFAULT_GLOBAL_REGISTRATION_OPTIONS.normalRadiusVoxels * v;
  // Downsampled clouds with normals: the global stage's features and the coarse ICP stages.
  const src = featureCloud(s, api, source, v, normalRadius, o);
  const dst = featureCloud(s, api, target, v, normalRadius, o);
  let global: GlobalRegistrationResult | null = null;
  let pose: Float64Array = o.initial ? Float64Array.from(o.initial) : identity16();
  if (o.global) {
    global = globalRegistrationInScope(s, api, source, targetFeaturesInScope(s, api, target, v, o, dst), o, src);
    if (global.found) pose = Float64Array.from(global.sourceToTarget);
  }
  // The target's point spacing (median nearest-neighbour distance), on a grid of cells about 2
  // spacings (from the voxel counts: points per voxel ~ (v / spacing)^2).
  const roughSpacing = Math.min(v, v / Math.sqrt(Math.max(1, target.count / Math.max(1, dst.count))));
  const spacing = pointSpacing(s, api, targetPositions, buildPointGrid(s, api, target.points, target.count, 2 * roughSpacing)) || roughSpacing;
  const d = o.maxCorrespondenceDistance ?? DEFAULT_REGISTRATION_OPTIONS.maxDistanceSpacings * spacing;
  const tangential = o.maxTangentialDistance ?? DEFAULT_REGISTRATION_OPTIONS.maxTangentialSpacings * spacing;
  const coarse = o.coarseDistance ?? (o.global ? DEFAULT_REGISTRATION_OPTIONS.coarseVoxelsAfterGlobal : DEFAULT_REGISTRATION_OPTIONS.coarseVoxels) * v;
  let targetNormals = target.normals;
  if (!targetNormals) {
    // 30 nearest within a few point spacings (the downsampled clouds use normalRadius).
    const radius = Math.min(normalRadius, 5 * spacing);
    const normalGrid = buildPointGrid(s, api, target.points, target.count, radius);
    targetNormals = normalsInScope(s, api, target, normalGrid, { radius, maxNeighbours: 30, orientation: 'none', viewpoint: [0, 0, 0] }).normals;
  }
  let iterations = 0;
  const stage = (grid: PointGrid, normals: number, cloud: ScopedCloud, gate: number, maxIterations: number, fine: boolean, final: boolean) => {
    const r = icpInScope(s, api, grid, normals, cloud, pose, {
      maxDistance: gate, robust: o.robust, robustScale: o.robustScale ?? gate, maxIterations,
      minRotation: final ? o.minRotation : Math.max(o.minRotation, 2e-4),
      minTranslation: final ? o.minTranslation : Math.max(o.minTranslation, 0.01 * gate),
      normalCos: 0, damping: 0, maxTangential: fine ? tangential : 0, minRelativeChange: final ? o.minRelativeChange : Math.max(o.minRelativeChange, 1e-3),
    });
    iterations += r.iterations;
    pose = r.sourceToTarget;
    return r;
  };
  // Coarse: downsampled source and target, gates halving from `coarse` while >= 2 voxels.
  for (let gate = coarse; gate >= 2 * v * 0.999; gate /= 2) {
    stage(buildPointGrid(s, api, dst.points, dst.count, gridCell(gate, v)), dst.normals, src, gate, o.coarseIterations, false, false);
  }
  // Fine: downsampled source against every target point, gates halving from 1 voxel to d;
  // then every source point at gate d.
  const fineGrids = new Map<number, PointGrid>();
  const fineGrid = (gate: number) => {
    const cell = gridCell(gate, spacing);
    let g = fineGrids.get(cell);
    if (!g) fineGrids.set(cell, (g = buildPointGrid(s, api, target.points, target.count, cell)));
    return g;
  };
  for (let gate = Math.min(v, coarse); gate > d * 1.001; gate /= 2) {
    stage(fineGrid(gate), targetNormals, src, gate, o.coarseIterations, true, false);
  }
  const r = stage(fineGrid(d), targetNormals, { ...source, normals: 0 }, d, o.iterations, true, true);
  const conditioning = conditioningOf(r, o.degenerateRatio);
  const verdict: RegistrationVerdict = conditioning.degenerate ? 'degenerate'
    : r.fitness < o.minFitness ? 'low-overlap' : !r.converged ? 'not-converged' : 'aligned';
  return {
    sourceToTarget: r.sourceToTarget, fitness: r.fitness, inlierRmse: r.inlierRmse, planeRmse: r.planeRmse, iterations,
    converged: r.converged, global, conditioning, verdict, voxelSize: v, maxCorrespondenceDistance: d,
  };
}

/**
 * Registers `source` to `target` (point clouds in mm; normals optional, estimated by PCA where
 * missing): returns sourceToTarget with fitness, RMSE, conditioning and a verdict (see
 * RegistrationResult). Without `initial`, a global stage (FPFH + RANSAC, seeded) finds the start
 * from any pose; then point-to-plane ICP refines it, coarse (voxel-downsampled, wide gates) to
 * fine (every point, gate maxCorrespondenceDistance). Expected outcomes (no overlap, a degenerate
 * surface, no convergence) are in `verdict`; only malformed arguments throw (INVALID_ARGUMENT).
 */
export function registerPointClouds(engine: Engine, source: PointCloud, target: PointCloud, options: RegistrationOptions = {}): RegistrationResult {
  const api = 'registerPointClouds';
  const wasm = wasmOf(engine, api);
  assertPointCloud(source, api, 'source');
  assertPointCloud(target, api, 'target');
  const o = resolveRegistrationOptions(options ?? {}, api);
  return wasm.scope(api, (s) => registerInScope(s, api, cloudInScope(s, source.positions, source.normals),
    cloudInScope(s, target.positions, target.normals), source.positions, target.positions, o));
}
