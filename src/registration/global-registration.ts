// Global (initial) alignment of two point clouds from any starting pose: FPFH descriptors on
// voxel-downsampled clouds, mutual nearest descriptor matches, RANSAC over 3-point samples.
import type { Engine } from '../engine.js';
import { wasmOf } from '../metrics/surface-grid.js';
import type { Scope } from '../wasm/abi.js';
import {
  buildPointGrid, cloudInScope, downsampleInScope, fpfhInScope, matchInScope, normalsInScope, ransacInScope,
  type NormalOrientation, type ScopedCloud,
} from './cloud-kernels.js';
import { RegistrationTarget, type TargetFeatures } from './registration-target.js';
import { assertPointCloud, choiceOption, integerOption, pointOption, positiveOption, rangeOption, type PointCloud } from './point-cloud.js';
import { boundingDiagonal, voxelSizeFor } from './voxel-size.js';

export interface GlobalRegistrationOptions {
  /**
   * Voxel edge of the downsampling that features are computed on, mm. Default: automatic, the
   * edge at which the source keeps about `featurePoints` points (at most 4x the target's spacing
   * at its own `featurePoints`... see DEFAULT_GLOBAL_REGISTRATION_OPTIONS).
   */
  voxelSize?: number;
  /** Source points to aim for with the automatic voxel size. Default 1000. */
  featurePoints?: number;
  /** FPFH neighbourhood radius, mm. Default 5 x voxelSize. */
  featureRadius?: number;
  /** Most neighbours per FPFH neighbourhood (the nearest within the radius). Default 100. */
  featureNeighbours?: number;
  /** Radius of the normal estimation for clouds without normals, mm. Default 2 x voxelSize. */
  normalRadius?: number;
  /** Orientation of estimated normals (clouds without normals). Default 'consistent'. */
  normalOrientation?: NormalOrientation;
  /** Viewpoint of the '...-viewpoint' orientations (mm, in each cloud's own coordinates). Default [0, 0, 0]. */
  viewpoint?: ArrayLike<number>;
  /** A source point is an inlier within this distance of the target (RANSAC and fitness), mm. Default 1.5 x voxelSize. */
  inlierDistance?: number;
  /** RANSAC samples drawn at most. Default 100000. */
  maxIterations?: number;
  /** RANSAC samples drawn at least before the confidence test may stop it. Default 1000. */
  minIterations?: number;
  /** Stop when a better sample would be this unlikely (0..1). Default 0.999. */
  confidence?: number;
  /** Seed of the RANSAC samples (same inputs and seed: same result). Default 0. */
  seed?: number;
  /** Shorter / longer edge of corresponding sample triangles, at least. Default 0.9. */
  edgeSimilarity?: number;
  /** Largest angle between a moved source normal and its target normal in a sample, radians. Default 0.5 (about 29 degrees). */
  maxNormalAngle?: number;
  /** Distinct best hypotheses refined and evaluated on the points (1..32). Default 8. */
  candidates?: number;
  /** Use only mutual nearest matches unless fewer than this many exist. Default 30. */
  minMutualMatches?: number;
}

export const DEFAULT_GLOBAL_REGISTRATION_OPTIONS = Object.freeze({
  featurePoints: 1000,
  featureNeighbours: 100,
  normalOrientation: 'consistent' as NormalOrientation,
  viewpoint: Object.freeze([0, 0, 0]) as ArrayLike<number>,
  maxIterations: 100_000,
  minIterations: 1000,
  confidence: 0.999,
  seed: 0,
  edgeSimilarity: 0.9,
  maxNormalAngle: 0.5,
  candidates: 8,
  minMutualMatches: 30,
  /** featureRadius = featureRadiusVoxels x voxelSize. */
  featureRadiusVoxels: 5,
  /** normalRadius = normalRadiusVoxels x voxelSize. */
  normalRadiusVoxels: 2,
  /** inlierDistance = inlierDistanceVoxels x voxelSize. */
  inlierDistanceVoxels: 1.5,
});

/**
 * The candidate alignment. Formulas (S = the voxel-downsampled source points, finite ones):
 *   fitness    = |{p in S : a target point lies within inlierDistance of T p}| / |S|
 *   inlierRmse = RMS of those distances (mm)
 * `runnerUpFitness` is the fitness of the best hypothesis that differs from the chosen one by
 * more than 15 degrees or 10 inlier distances: close to `fitness` means the answer is ambiguous
 * (a symmetric or featureless surface). `found` is false when no sample passed the checks
 * (then sourceToTarget is the identity and fitness 0).
 */
export interface GlobalRegistrationResult {
  sourceToTarget: Float64Array;
  found: boolean;
  /** The score to rank candidates by: the fitness (0..1). */
  score: number;
  fitness: number;
  inlierRmse: number;
  runnerUpFitness: number;
  /** Descriptor pairs RANSAC sampled from, and how many of them were mutual nearest neighbours. */
  correspondences: number;
  mutualCorrespondences: number;
  /** Pairs within inlierDistance under the chosen transform. */
  inlierCorrespondences: number;
  /** RANSAC samples drawn, and those that passed the edge and normal checks. */
  iterations: number;
  hypotheses: number;
  /** Points the features were computed on. */
  sourceFeaturePoints: number;
  targetFeaturePoints: number;
  /** Parameters used, mm. */
  voxelSize: number;
  featureRadius: number;
  inlierDistance: number;
}

/** Options with every default filled in and checked. */
export interface ResolvedGlobalOptions {
  voxelSize: number | undefined;
  featurePoints: number;
  featureRadius: number | undefined;
  featureNeighbours: number;
  normalRadius: number | undefined;
  normalOrientation: NormalOrientation;
  viewpoint: ArrayLike<number>;
  inlierDistance: number | undefined;
  maxIterations: number;
  minIterations: number;
  confidence: number;
  seed: number;
  edgeSimilarity: number;
  maxNormalAngle: number;
  candidates: number;
  minMutualMatches: number;
}

const ORIENTATIONS: NormalOrientation[] = ['none', 'toward-viewpoint', 'away-from-viewpoint', 'consistent'];

export function resolveGlobalOptions(options: GlobalRegistrationOptions, api: string): ResolvedGlobalOptions {
  const o = { ...DEFAULT_GLOBAL_REGISTRATION_OPTIONS, ...options };
  const optional = (v: number | undefined, name: string) => (v === undefined ? undefined : positiveOption(v, api, name));
  const unit = (v: number, name: string, lo: number, hi: number) => rangeOption(v, api, name, lo, hi);
  return {
    voxelSize: optional(o.voxelSize, 'voxelSize'),
    featurePoints: integerOption(o.featurePoints, api, 'featurePoints', 10, 1_000_000),
    featureRadius: optional(o.featureRadius, 'featureRadius'),
    featureNeighbours: integerOption(o.featureNeighbours, api, 'featureNeighbours', 3, 1000),
    normalRadius: optional(o.normalRadius, 'normalRadius'),
    normalOrientation: choiceOption(o.normalOrientation, api, 'normalOrientation', ORIENTATIONS),
    viewpoint: pointOption(o.viewpoint, api, 'viewpoint'),
    inlierDistance: optional(o.inlierDistance, 'inlierDistance'),
    maxIterations: integerOption(o.maxIterations, api, 'maxIterations', 1, 100_000_000),
    minIterations: integerOption(o.minIterations, api, 'minIterations', 0, 100_000_000),
    confidence: unit(o.confidence, 'confidence', 1e-9, 1 - 1e-12),
    seed: integerOption(o.seed, api, 'seed', 0, 0xffffffff),
    edgeSimilarity: unit(o.edgeSimilarity, 'edgeSimilarity', 1e-6, 1),
    maxNormalAngle: unit(o.maxNormalAngle, 'maxNormalAngle', 0, Math.PI),
    candidates: integerOption(o.candidates, api, 'candidates', 1, 32),
    minMutualMatches: integerOption(o.minMutualMatches, api, 'minMutualMatches', 0, 1_000_000),
  };
}

/** Downsampled cloud with normals (given ones averaged, or estimated on the downsampled points). */
export function featureCloud(s: Scope, api: string, cloud: ScopedCloud, voxelSize: number, normalRadius: number, o: ResolvedGlobalOptions): ScopedCloud {
  const down = downsampleInScope(s, api, cloud, voxelSize);
  if (down.normals) return down;
  const grid = buildPointGrid(s, api, down.points, down.count, normalRadius);
  const { normals } = normalsInScope(s, api, down, grid, { radius: normalRadius, maxNeighbours: 30, orientation: o.normalOrientation, viewpoint: o.viewpoint });
  return { ...down, normals };
}

/** The distances of the global stage for a voxel size (options override the multiples). */
export function globalDistances(voxelSize: number, o: ResolvedGlobalOptions): { featureRadius: number; normalRadius: number; inlierDistance: number } {
  const d = DEFAULT_GLOBAL_REGISTRATION_OPTIONS;
  return {
    featureRadius: o.featureRadius ?? d.featureRadiusVoxels * voxelSize,
    normalRadius: o.normalRadius ?? d.normalRadiusVoxels * voxelSize,
    inlierDistance: o.inlierDistance ?? d.inlierDistanceVoxels * voxelSize,
  };
}

/** Computes a target's features in the scope. */
export function targetFeaturesInScope(s: Scope, api: string, target: ScopedCloud, voxelSize: number, o: ResolvedGlobalOptions,
  downsampled?: ScopedCloud): TargetFeatures {
  const { featureRadius, normalRadius, inlierDistance } = globalDistances(voxelSize, o);
  const cloud = downsampled ?? featureCloud(s, api, target, voxelSize, normalRadius, o);
  const features = fpfhInScope(s, api, cloud, buildPointGrid(s, api, cloud.points, cloud.count, featureRadius), featureRadius, o.featureNeighbours);
  const evalGrid = buildPointGrid(s, api, cloud.points, cloud.count, inlierDistance);
  return { cloud, features, evalGrid, voxelSize, featureRadius, inlierDistance };
}

/**
 * The global registration pipeline on a source in the scope and a target's features
 * (`downsampled`: the source's featureCloud at the target's voxel size, when already computed).
 */
export function globalRegistrationInScope(s: Scope, api: string, source: ScopedCloud, target: TargetFeatures, o: ResolvedGlobalOptions,
  downsampled?: ScopedCloud): GlobalRegistrationResult {
  const { voxelSize, featureRadius, inlierDistance } = target;
  const { normalRadius } = globalDistances(voxelSize, o);
  const src = downsampled ?? featureCloud(s, api, source, voxelSize, normalRadius, o);
  const srcFeatures = fpfhInScope(s, api, src, buildPointGrid(s, api, src.points, src.count, featureRadius), featureRadius, o.featureNeighbours);
  const dst = target.cloud;
  const matches = matchInScope(s, api, srcFeatures, src.count, target.features, dst.count, o.minMutualMatches);
  const r = ransacInScope(s, api, src, dst, matches.pairs, matches.count, target.evalGrid, src, {
    maxIterations: o.maxIterations, minIterations: o.minIterations, seed: o.seed, inlierDistance,
    edgeSimilarity: o.edgeSimilarity, normalCos: Math.cos(o.maxNormalAngle), confidence: o.confidence,
    candidates: o.candidates, minEdge: 0,
  });
  const found = r.candidates > 0;
  return {
    sourceToTarget: r.sourceToTarget, found, score: r.fitness, fitness: r.fitness, inlierRmse: found ? r.inlierRmse : 0,
    runnerUpFitness: r.runnerUpFitness, correspondences: matches.count, mutualCorrespondences: matches.mutual,
    inlierCorrespondences: r.inlierPairs, iterations: r.iterations, hypotheses: r.hypotheses,
    sourceFeaturePoints: src.count, targetFeaturePoints: dst.count, voxelSize, featureRadius, inlierDistance,
  };
}

/** The automatic voxel size: the source keeps about `featurePoints` points. */
export function autoVoxelSize(s: Scope, api: string, source: ScopedCloud, sourcePositions: Float32Array, featurePoints: number): number {
  return voxelSizeFor(s, api, source, boundingDiagonal(sourcePositions), featurePoints);
}

/**
 * Aligns `source` to `target` from any starting pose (no initial guess): returns the best
 * candidate of FPFH + RANSAC and its score (see GlobalRegistrationResult). Clouds without normals
 * get normals by PCA on the downsampled points (radius normalRadius). Deterministic for a given
 * seed. Follow it with ICP (registerPointClouds with `initial`) for an accurate pose.
 *
 * `target` may be a RegistrationTarget (createRegistrationTarget): its features are computed once
 * and its voxel size, feature radius and inlier distance apply (the options' are ignored), which
 * is what repeated calls against one model (relocalization) want.
 * Throws INVALID_ARGUMENT for malformed clouds or options, DISPOSED for a disposed target.
 */
export function globalRegistration(engine: Engine, source: PointCloud, target: PointCloud | RegistrationTarget,
  options: GlobalRegistrationOptions = {}): GlobalRegistrationResult {
  const api = 'globalRegistration';
  const wasm = wasmOf(engine, api);
  assertPointCloud(source, api, 'source');
  const prepared = target instanceof RegistrationTarget ? target : null;
  if (!prepared) assertPointCloud(target as PointCloud, api, 'target');
  const o = resolveGlobalOptions(options ?? {}, api);
  return wasm.scope(api, (s) => {
    const src = cloudInScope(s, source.positions, source.normals);
    if (prepared) return globalRegistrationInScope(s, api, src, prepared.featuresFor(wasm, api), o);
    const cloud = target as PointCloud;
    const voxelSize = o.voxelSize ?? autoVoxelSize(s, api, src, source.positions, o.featurePoints);
    const dst = targetFeaturesInScope(s, api, cloudInScope(s, cloud.positions, cloud.normals), voxelSize, o);
    return globalRegistrationInScope(s, api, src, dst, o);
  });
}
