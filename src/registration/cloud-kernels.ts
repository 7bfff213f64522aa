// Internal: the point-cloud registration kernels (assembly/registration: point-grid, cloud-ops,
// fpfh, feature-match, ransac, icp-nearest) driven inside a scope. Pointers stay valid until the
// scope ends; nothing here returns a view of WASM memory.
import { ScanfuseError } from '../errors.js';
import type { Scope } from '../wasm/abi.js';

/** A point grid built in a scope. */
export interface PointGrid {
  ptr: number;
  /** Points in the grid (finite ones). */
  points: number;
  cells: number;
  cellSize: number;
  /** Hash-table slots (the voxel marks take one byte each). */
  slots: number;
}

/** Points (and normals) in a scope: xyz f32 at `points`, unit xyz f32 at `normals` (0: none). */
export interface ScopedCloud {
  points: number;
  normals: number;
  count: number;
}

export type NormalOrientation = 'none' | 'toward-viewpoint' | 'away-from-viewpoint' | 'consistent';

export function kernelFailed(api: string, kernel: string, status: number): ScanfuseError {
  return new ScanfuseError('ENGINE_FAILED', `${api}: the core rejected the arguments of ${kernel} (status ${status}); this is a bug in scanfuse`,
    { kernel, status });
}

const nextPow2 = (n: number) => 2 ** Math.ceil(Math.log2(Math.max(16, n)));

/** Copies a cloud into the scope. */
export function cloudInScope(s: Scope, positions: Float32Array, normals?: Float32Array): ScopedCloud {
  return { points: s.input(positions), normals: normals ? s.input(normals) : 0, count: positions.length / 3 };
}

/** Builds a point grid of cell edge `cellSize` over `count` points at `points`. */
export function buildPointGrid(s: Scope, api: string, points: number, count: number, cellSize: number): PointGrid {
  const c = s.constants;
  let slots = nextPow2(Math.ceil(count / 1.5));
  for (;;) {
    const out = s.out();
    let status = s.call('cloud_grid_bytes', count, slots, out);
    if (status < 0) throw kernelFailed(api, 'cloud_grid_bytes', status);
    const bytes = s.f64(out + c.CGRID_OUT_BYTES);
    const ptr = s.alloc(bytes);
    status = s.call('cloud_grid_build', points, count, cellSize, slots, ptr, bytes, out);
    if (status === c.STATUS_CAPACITY_EXCEEDED) { slots *= 2; continue; }
    if (status < 0) throw kernelFailed(api, 'cloud_grid_build', status);
    return { ptr, points: s.u32(out + c.CGRID_OUT_POINTS), cells: s.u32(out + c.CGRID_OUT_CELLS), cellSize, slots };
  }
}

/** Occupied cells of edge `cellSize` (the point count a voxel downsampling would give). */
export function countVoxels(s: Scope, api: string, points: number, count: number, cellSize: number): number {
  return buildPointGrid(s, api, points, count, cellSize).cells;
}

/** Mean per voxel of edge `voxelSize` (normals averaged and renormalised), first-occurrence order. */
export function downsampleInScope(s: Scope, api: string, cloud: ScopedCloud, voxelSize: number): ScopedCloud {
  const grid = buildPointGrid(s, api, cloud.points, cloud.count, voxelSize);
  const marks = s.alloc(grid.slots);
  const points = s.alloc(grid.cells * 12);
  const normals = cloud.normals ? s.alloc(grid.cells * 12) : 0;
  const out = s.out();
  const status = s.call('cloud_voxel_downsample', grid.ptr, cloud.points, cloud.count, cloud.normals, marks, points, normals, out);
  if (status < 0) throw kernelFailed(api, 'cloud_voxel_downsample', status);
  return { points, normals, count: status };
}

export interface NormalsArguments {
  radius: number;
  maxNeighbours: number;
  orientation: NormalOrientation;
  viewpoint: ArrayLike<number>;
}

/** Normals of the cloud by PCA (grid: over the cloud's points, cell about the radius). */
export function normalsInScope(s: Scope, api: string, cloud: ScopedCloud, grid: PointGrid, a: NormalsArguments): { normals: number; missing: number } {
  const c = s.constants;
  const normals = s.alloc(cloud.count * 12);
  const out = s.out();
  const mode = a.orientation === 'toward-viewpoint' ? c.NORMALS_ORIENT_TOWARD
    : a.orientation === 'away-from-viewpoint' ? c.NORMALS_ORIENT_AWAY : c.NORMALS_ORIENT_NONE;
  let status = s.call('cloud_normals', grid.ptr, cloud.points, cloud.count, a.radius, a.maxNeighbours, mode,
    a.viewpoint[0], a.viewpoint[1], a.viewpoint[2], normals, out);
  if (status < 0) throw kernelFailed(api, 'cloud_normals', status);
  const missing = s.u32(out + c.CLOUD_OUT_NO_NORMAL);
  if (a.orientation === 'consistent') {
    const k = Math.min(a.maxNeighbours, 12);
    const capacity = cloud.count * k + 1;
    const heap = s.alloc(capacity * 16);
    const visited = s.alloc(cloud.count * 5 + 4);
    status = s.call('cloud_orient_normals', grid.ptr, cloud.points, normals, cloud.count, Infinity, k, heap, capacity, visited, s.out());
    if (status < 0) throw kernelFailed(api, 'cloud_orient_normals', status);
  }
  return { normals, missing };
}

/** Area-weighted vertex normals of a mesh already in the scope. */
export function meshNormalsInScope(s: Scope, api: string, positions: number, vertexCount: number, indices: number, triangles: number): number {
  const normals = s.alloc(vertexCount * 12);
  const out = s.out();
  const status = s.call('cloud_mesh_vertex_normals', positions, vertexCount, indices, triangles, normals, out);
  if (status < 0) {
    const f = s.failure(status, out);
    throw new ScanfuseError('INVALID_ARGUMENT', `${api}: triangle ${Math.floor(f.offset / 3)} uses vertex ${f.actual}, but there are only ${f.expected} vertices`,
      { expected: `< ${f.expected}`, actual: f.actual });
  }
  return normals;
}

/** FPFH descriptors (FPFH_STRIDE f32 each) of a cloud with normals; grid over its points. */
export function fpfhInScope(s: Scope, api: string, cloud: ScopedCloud, grid: PointGrid, radius: number, maxNeighbours: number): number {
  const c = s.constants;
  const scratch = s.alloc(s.call('cloud_fpfh_scratch_bytes', cloud.count, maxNeighbours));
  const features = s.alloc(cloud.count * c.FPFH_STRIDE * 4);
  const status = s.call('cloud_fpfh', grid.ptr, cloud.points, cloud.normals, cloud.count, radius, maxNeighbours, scratch, features, s.out());
  if (status < 0) throw kernelFailed(api, 'cloud_fpfh', status);
  return features;
}

/** Mutual nearest descriptor pairs (all nearest when fewer than minMutual). */
export function matchInScope(s: Scope, api: string, src: number, nSrc: number, dst: number, nDst: number, minMutual: number):
  { pairs: number; count: number; mutual: number } {
  const c = s.constants;
  const scratch = s.alloc(s.call('reg_match_scratch_bytes', nSrc, nDst));
  const pairs = s.alloc(Math.max(1, nSrc) * 8);
  const out = s.out();
  const status = s.call('reg_match_features', src, nSrc, dst, nDst, minMutual, scratch, pairs, out);
  if (status < 0) throw kernelFailed(api, 'reg_match_features', status);
  return { pairs, count: status, mutual: s.u32(out + c.MATCH_OUT_MUTUAL) };
}

export interface RansacArguments {
  maxIterations: number;
  minIterations: number;
  seed: number;
  inlierDistance: number;
  edgeSimilarity: number;
  normalCos: number;
  confidence: number;
  candidates: number;
  minEdge: number;
}

export interface RansacOutcome {
  sourceToTarget: Float64Array;
  iterations: number;
  hypotheses: number;
  inlierPairs: number;
  candidates: number;
  fitness: number;
  inlierRmse: number;
  runnerUpFitness: number;
}

export function ransacInScope(s: Scope, api: string, src: ScopedCloud, dst: ScopedCloud, pairs: number, nPairs: number, grid: PointGrid,
  evalCloud: ScopedCloud, a: RansacArguments): RansacOutcome {
  const c = s.constants;
  const record = new DataView(new ArrayBuffer(c.RANSAC_BYTES));
  record.setUint32(c.RANSAC_MAX_ITERATIONS, a.maxIterations, true);
  record.setUint32(c.RANSAC_MIN_ITERATIONS, a.minIterations, true);
  record.setUint32(c.RANSAC_SEED, a.seed >>> 0, true);
  record.setFloat64(c.RANSAC_INLIER_DISTANCE, a.inlierDistance, true);
  record.setFloat64(c.RANSAC_EDGE_SIMILARITY, a.edgeSimilarity, true);
  record.setFloat64(c.RANSAC_NORMAL_COS, a.normalCos, true);
  record.setFloat64(c.RANSAC_CONFIDENCE, a.confidence, true);
  record.setUint32(c.RANSAC_CANDIDATES, a.candidates, true);
  record.setFloat64(c.RANSAC_MIN_EDGE, a.minEdge, true);
  const params = s.input(record);
  const out = s.out();
  const status = s.call('reg_ransac', src.points, src.normals, dst.points, dst.normals, pairs, nPairs, grid.ptr, evalCloud.points,
    evalCloud.count, params, out);
  if (status < 0) throw kernelFailed(api, 'reg_ransac', status);
  return {
    sourceToTarget: readTransform(s, out + c.RANSAC_OUT_TRANSFORM),
    iterations: s.u32(out + c.RANSAC_OUT_ITERATIONS),
    hypotheses: s.u32(out + c.RANSAC_OUT_HYPOTHESES),
    inlierPairs: s.u32(out + c.RANSAC_OUT_INLIERS),
    candidates: s.u32(out + c.RANSAC_OUT_CANDIDATES),
    fitness: s.f64(out + c.RANSAC_OUT_FITNESS),
    inlierRmse: s.f64(out + c.RANSAC_OUT_RMSE),
    runnerUpFitness: s.f64(out + c.RANSAC_OUT_RUNNER_UP),
  };
}

export type RobustKernel = 'none' | 'huber' | 'tukey';

export interface IcpArguments {
  maxDistance: number;
  robust: RobustKernel;
  robustScale: number;
  maxIterations: number;
  minRotation: number;
  minTranslation: number;
  normalCos: number;
  damping: number;
  /** Pairs farther apart than this along the target's tangent plane are left out, mm (0: off). */
  maxTangential: number;
  /** Converged also when the inlier count and the point-to-plane RMS both change by at most this fraction. */
  minRelativeChange: number;
}

/** What icp_nearest / reg_evaluate report. */
export interface IcpOutcome {
  sourceToTarget: Float64Array;
  iterations: number;
  converged: boolean;
  fitness: number;
  inlierRmse: number;
  planeRmse: number;
  inliers: number;
  valid: number;
  /** Ascending eigenvalues of the normalised Hessian. */
  eigenvalues: number[];
  /** Eigenvector of the smallest, (wx wy wz tx ty tz) in normalised units (rotations x scale). */
  weakAxis: number[];
  /** L (mm): rotations are measured as displacements at this radius. */
  scale: number;
  solveFailures: number;
  lastRotation: number;
  lastTranslation: number;
}

function icpRecord(s: Scope, start: Float64Array, a: IcpArguments): number {
  const c = s.constants;
  const record = new DataView(new ArrayBuffer(c.ICPN_BYTES));
  const rows = rowMajor3x4(start);
  for (let i = 0; i < 12; i++) record.setFloat64(c.ICPN_TRANSFORM + 8 * i, rows[i], true);
  record.setFloat64(c.ICPN_MAX_DISTANCE, a.maxDistance, true);
  record.setFloat64(c.ICPN_ROBUST_SCALE, a.robustScale, true);
  record.setUint32(c.ICPN_ROBUST, a.robust === 'huber' ? c.ROBUST_HUBER : a.robust === 'tukey' ? c.ROBUST_TUKEY : c.ROBUST_NONE, true);
  record.setUint32(c.ICPN_MAX_ITERATIONS, a.maxIterations, true);
  record.setFloat64(c.ICPN_MIN_ROTATION, a.minRotation, true);
  record.setFloat64(c.ICPN_MIN_TRANSLATION, a.minTranslation, true);
  record.setFloat64(c.ICPN_NORMAL_COS, a.normalCos, true);
  record.setFloat64(c.ICPN_DAMPING, a.damping, true);
  record.setFloat64(c.ICPN_MIN_RELATIVE_CHANGE, a.minRelativeChange, true);
  record.setFloat64(c.ICPN_MAX_TANGENTIAL, a.maxTangential, true);
  return s.input(record);
}

function icpOutcome(s: Scope, params: number, out: number): IcpOutcome {
  const c = s.constants;
  const list = (at: number) => Array.from({ length: 6 }, (_, i) => s.f64(out + at + 8 * i));
  return {
    sourceToTarget: readTransform(s, params + c.ICPN_TRANSFORM),
    iterations: s.u32(out + c.ICPN_OUT_ITERATIONS),
    converged: s.u32(out + c.ICPN_OUT_CONVERGED) === 1,
    fitness: s.f64(out + c.ICPN_OUT_FITNESS),
    inlierRmse: s.f64(out + c.ICPN_OUT_RMSE),
    planeRmse: s.f64(out + c.ICPN_OUT_PLANE_RMSE),
    inliers: s.u32(out + c.ICPN_OUT_INLIERS),
    valid: s.u32(out + c.ICPN_OUT_VALID),
    eigenvalues: list(c.ICPN_OUT_EIGEN),
    weakAxis: list(c.ICPN_OUT_WEAK_AXIS),
    scale: s.f64(out + c.ICPN_OUT_SCALE),
    solveFailures: s.u32(out + c.ICPN_OUT_SOLVE_FAILURES),
    lastRotation: s.f64(out + c.ICPN_OUT_LAST_ROTATION),
    lastTranslation: s.f64(out + c.ICPN_OUT_LAST_TRANSLATION),
  };
}

/** Point-to-plane ICP of `src` against the target grid (with its normals) from `start`. */
export function icpInScope(s: Scope, api: string, grid: PointGrid, targetNormals: number, src: ScopedCloud, start: Float64Array, a: IcpArguments): IcpOutcome {
  const params = icpRecord(s, start, a);
  const out = s.out();
  const status = s.call('icp_nearest', grid.ptr, targetNormals, src.points, src.normals, src.count, params, out);
  if (status < 0) throw kernelFailed(api, 'icp_nearest', status);
  return icpOutcome(s, params, out);
}

/** Fitness, RMS errors and conditioning of `transform` (targetNormals may be 0). */
export function evaluateInScope(s: Scope, api: string, grid: PointGrid, targetNormals: number, src: ScopedCloud, transform: Float64Array,
  maxDistance: number, normalCos = 0): IcpOutcome {
  const params = icpRecord(s, transform, {
    maxDistance, robust: 'none', robustScale: 1, maxIterations: 0, minRotation: 0, minTranslation: 0, normalCos, damping: 0, minRelativeChange: 0, maxTangential: 0,
  });
  const out = s.out();
  const status = s.call('reg_evaluate', grid.ptr, targetNormals, src.points, src.normals, src.count, params, out);
  if (status < 0) throw kernelFailed(api, 'reg_evaluate', status);
  return icpOutcome(s, params, out);
}

/** Column-major 4x4 -> row-major 3x4 (the core's transform records). */
export function rowMajor3x4(m: ArrayLike<number>): number[] {
  return [m[0], m[4], m[8], m[12], m[1], m[5], m[9], m[13], m[2], m[6], m[10], m[14]];
}

/** A row-major 3x4 record in the scope -> column-major Float64Array(16). */
export function readTransform(s: Scope, ptr: number): Float64Array {
  const r = Array.from({ length: 12 }, (_, i) => s.f64(ptr + 8 * i));
  return Float64Array.from([r[0], r[4], r[8], 0, r[1], r[5], r[9], 0, r[2], r[6], r[10], 0, r[3], r[7], r[11], 1]);
}

/**
 * The typical point spacing of a cloud (mm): the median distance from up to `samples` of its
 * points (evenly spread over the input order) to their nearest other point. `positions` are the
 * cloud's own (caller) array; `grid` is over the same points. 0 when fewer than 2 points.
 */
export function pointSpacing(s: Scope, api: string, positions: Float32Array, grid: PointGrid, samples = 1000): number {
  const n = positions.length / 3;
  if (n < 2) return 0;
  const step = Math.max(1, Math.floor(n / samples));
  const count = Math.ceil(n / step);
  const sample = new Float32Array(count * 3);
  for (let i = 0, j = 0; j < count; i += step, j++) sample.set(positions.subarray(i * 3, i * 3 + 3), j * 3);
  const idx = s.alloc(count * 8), dist = s.alloc(count * 8);
  const status = s.call('cloud_knn', grid.ptr, s.input(sample), count, Infinity, 2, idx, dist, s.out());
  if (status < 0) throw kernelFailed(api, 'cloud_knn', status);
  const d = s.copyOut(Float32Array, dist, count * 2);
  const nearest: number[] = [];
  for (let j = 0; j < count; j++) if (Number.isFinite(d[2 * j + 1])) nearest.push(d[2 * j + 1]);
  if (nearest.length === 0) return 0;
  nearest.sort((a, b) => a - b);
  return nearest[nearest.length >> 1];
}
