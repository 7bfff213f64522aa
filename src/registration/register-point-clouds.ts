// Pairwise rigid registration of two point clouds: an optional global stage (FPFH + RANSAC, from
// any pose), then point-to-plane ICP with nearest-neighbour correspondences, coarse to fine.
import type { Engine } from '../engine.js';
import { ScanfuseError } from '../errors.js';
import { isRigid } from '../math/pose.js';
import { wasmOf } from '../metrics/surface-grid.js';
import type { Scope } from '../wasm/abi.js';
import {
  buildPointGrid, cloudInScope, icpInScope, normalsInScope, type IcpOutcome, type RobustKernel, type ScopedCloud,
} from './cloud-kernels.js';
import {
  autoVoxelSize, DEFAULT_GLOBAL_REGISTRATION_OPTIONS, featureCloud, globalRegistrationInScope, resolveGlobalOptions,
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
   * Correspondence gate of the final ICP stage and of fitness / RMSE, mm. Default 2 x voxelSize.
   */
  maxCorrespondenceDistance?: number;
  /**
   * Gate of the first coarse ICP stage, mm; the coarse stages halve it down to
   * 2 x maxCorrespondenceDistance. Default 8 x maxCorrespondenceDistance after a given `initial`
   * (enough for starts about 10 degrees and 10 mm off on objects a few dozen voxels across),
   * 2 x maxCorrespondenceDistance after the global stage.
   */
  coarseDistance?: number;
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
  minRotation: 1e-7,
  minTranslation: 1e-5,
  degenerateRatio: 0.01,
  minFitness: 0.1,
  /** maxCorrespondenceDistance = maxDistanceVoxels x voxelSize. */
  maxDistanceVoxels: 2,
  /** coarseDistance = coarseFactor x maxCorrespondenceDistance after an `initial` pose. */
  coarseFactor: 8,
});

interface ResolvedOptions extends ResolvedGlobalOptions {
  initial: Float64Array | undefined;
  global: boolean;
  maxCorrespondenceDistance: number | undefined;
  coarseDistance: number | undefined;
  iterations: number;
  coarseIterations: number;
  robust: RobustKernel;
  robustScale: number | undefined;
  minRotation: number;
  minTranslation: number;
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
    iterations: integerOption(o.iterations, api, 'iterations', 0, 100_000),
    coarseIterations: integerOption(o.coarseIterations, api, 'coarseIterations', 0, 100_000),
    robust: choiceOption(o.robust, api, 'robust', ['none', 'huber', 'tukey'] as const),
    robustScale: optional(o.robustScale, 'robustScale'),
    minRotation: rangeOption(o.minRotation, api, 'minRotation', 0, 1),
    minTranslation: rangeOption(o.minTranslation, api, 'minTranslation', 0, Infinity),
    degenerateRatio: rangeOption(o.degenerateRatio, api, 'degenerateRatio', 0, 1),
    minFitness: rangeOption(o.minFitness, api, 'minFitness', 0, 1),
  };
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
  o: ResolvedOptions): RegistrationResult {
  const voxelSize = o.voxelSize ?? autoVoxelSize(s, api, source, sourcePositions, o.featurePoints);
  const normalRadius = o.normalRadius ?? DEFAULT_GLOBAL_REGISTRATION_OPTIONS.normalRadiusVoxels * voxelSize;
  const d = o.maxCorrespondenceDistance ?? DEFAULT_REGISTRATION_OPTIONS.maxDistanceVoxels * voxelSize;
  let global: GlobalRegistrationResult | null = null;
  let pose: Float64Array = o.initial ? Float64Array.from(o.initial) : identity16();
  if (o.global) {
    global = globalRegistrationInScope(s, api, source, target, voxelSize, o);
    if (global.found) pose = Float64Array.from(global.sourceToTarget);
  }
  (globalThis as any).__t?.push(['start', 0]);
  // Coarse stages: downsampled clouds with normals (the global stage's own, recomputed: cheap).
  const src = featureCloud(s, api, source, voxelSize, normalRadius, o);
  const dst = featureCloud(s, api, target, voxelSize, normalRadius, o);
  const coarse = o.coarseDistance ?? (o.global ? 2 * d : DEFAULT_REGISTRATION_OPTIONS.coarseFactor * d);
  let iterations = 0;
  const stage = (grid: ReturnType<typeof buildPointGrid>, normals: number, cloud: ScopedCloud, gate: number, maxIterations: number, fine: boolean) => {
    const r = icpInScope(s, api, grid, normals, cloud, pose, {
      maxDistance: gate, robust: o.robust, robustScale: o.robustScale ?? gate, maxIterations,
      minRotation: fine ? o.minRotation : Math.max(o.minRotation, 1e-5), minTranslation: fine ? o.minTranslation : Math.max(o.minTranslation, 1e-3 * voxelSize),
      normalCos: 0, damping: 0,
    });
    iterations += r.iterations;
    pose = r.sourceToTarget;
    return r;
  };
  for (let gate = coarse; gate >= 2 * d * 0.999; gate /= 2) {
    const grid = buildPointGrid(s, api, dst.points, dst.count, Math.max(gate / 2, voxelSize));
    stage(grid, dst.normals, src, gate, o.coarseIterations, false);
  }
  // Final stage: every point, normals of the full-resolution target.
  const T0 = performance.now();
  const fineGrid = buildPointGrid(s, api, target.points, target.count, (globalThis as any).__fineCell ? (globalThis as any).__fineCell * voxelSize : Math.max(d / 2, voxelSize / 4));
  (globalThis as any).__t?.push(['grid', performance.now() - T0]);
  let targetNormals = target.normals;
  if (!targetNormals) {
    // Cells of a few point spacings (spacing from the voxel counts: points per voxel ~ (v / spacing)^2).
    const spacing = voxelSize / Math.sqrt(Math.max(1, target.count / Math.max(1, dst.count)));
    const normalGrid = buildPointGrid(s, api, target.points, target.count, Math.min(normalRadius, (globalThis as any).__nc ? (globalThis as any).__nc * spacing : 3 * spacing));
    targetNormals = normalsInScope(s, api, target, normalGrid, { radius: normalRadius, maxNeighbours: 30, orientation: 'none', viewpoint: [0, 0, 0] }).normals;
  }
  (globalThis as any).__t?.push(['normals', performance.now() - T0]);
  const r = stage(fineGrid, targetNormals, { ...source, normals: 0 }, d, o.iterations, true);
  (globalThis as any).__t?.push(['fine', performance.now() - T0, r.iterations]);
  const conditioning = conditioningOf(r, o.degenerateRatio);
  const verdict: RegistrationVerdict = conditioning.degenerate ? 'degenerate'
    : r.fitness < o.minFitness ? 'low-overlap' : !r.converged ? 'not-converged' : 'aligned';
  return {
    sourceToTarget: r.sourceToTarget, fitness: r.fitness, inlierRmse: r.inlierRmse, planeRmse: r.planeRmse, iterations,
    converged: r.converged, global, conditioning, verdict, voxelSize, maxCorrespondenceDistance: d,
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
    cloudInScope(s, target.positions, target.normals), source.positions, o));
}
