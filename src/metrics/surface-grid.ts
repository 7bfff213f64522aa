// Internal: the closest-point kernels (assembly/metrics) driven from TypeScript. Builds the grid
// over a reference surface in a scope or a resident block, and runs point queries in chunks.
// Public wrappers: surface-index.ts, surface-distances.ts, trueness.ts, completeness.ts.
import type { Engine } from '../engine.js';
import { ScanfuseError } from '../errors.js';
import type { Mesh } from '../types.js';
import { Wasm, type Scope } from '../wasm/abi.js';

/** Queries per kernel call: bounds the scratch and output blocks (about 60 MB at most). */
const QUERY_CHUNK = 1 << 21;

/** How queries are ordered inside the kernel (the results never depend on it). */
export type QueryOrder = 'auto' | 'input' | 'cells';

export interface GridOptions {
  /** Cell edge of the grid, mm. Default: automatic, about 8 triangles per cell the surface crosses. */
  cellSize?: number;
  /** Upper bound on the grid's cell count (4 bytes each). Default max(4096, 4 x triangles). */
  maxCells?: number;
}

/** What the build reported. */
export interface GridInfo {
  /** Triangles in the grid (all corners finite; a point cloud's points count as triangles). */
  triangleCount: number;
  /** Triangles left out because a corner is not finite. */
  skippedTriangleCount: number;
  /** Cell edge, mm. */
  cellSize: number;
  /** Cells along x, y, z. */
  cells: [number, number, number];
  /** Bytes of the grid block in WASM memory. */
  bytes: number;
}

/** Pointers to per-point results of one query chunk (valid inside the scope). */
export interface QueryPointers {
  distances: number;
  signedDistances: number;
  triangles: number;
  closestPoints: number;
  found: number;
  beyond: number;
  nonFinite: number;
}

/** The engine's core, or INVALID_ARGUMENT. */
export function wasmOf(engine: Engine, api: string): Wasm {
  const wasm = (engine as { wasm?: unknown } | null)?.wasm;
  if (!(wasm instanceof Wasm)) throw new ScanfuseError('INVALID_ARGUMENT', `${api}: the first argument must be an Engine from createEngine()`);
  return wasm;
}

/**
 * The triangles of a surface for the grid: the mesh's own, or for a point cloud (no triangles)
 * one degenerate triangle (i, i, i) per point, whose distance is the distance to the point.
 */
export function surfaceTriangles(mesh: Mesh): Uint32Array {
  if (mesh.indices.length > 0) return mesh.indices;
  const n = mesh.positions.length / 3;
  const indices = new Uint32Array(n * 3);
  for (let i = 0; i < n; i++) { indices[3 * i] = i; indices[3 * i + 1] = i; indices[3 * i + 2] = i; }
  return indices;
}

/** Checks and fills grid options. */
export function gridArguments(options: GridOptions, triangles: number, api: string): { cellSize: number; maxCells: number } {
  const cellSize = options.cellSize ?? 0;
  if (!(Number.isFinite(cellSize) && cellSize >= 0)) {
    throw new ScanfuseError('INVALID_ARGUMENT', `${api}: cellSize must be a finite number of mm >= 0 (0 = automatic)`, { actual: String(cellSize) });
  }
  const maxCells = options.maxCells ?? Math.max(4096, 4 * triangles);
  if (!(Number.isInteger(maxCells) && maxCells >= 1 && maxCells <= 0x7fffffff)) {
    throw new ScanfuseError('INVALID_ARGUMENT', `${api}: maxCells must be an integer from 1 to 2^31 - 1`, { actual: String(maxCells) });
  }
  return { cellSize, maxCells };
}

/** Error for a failed plan or build status. */
function gridError(s: Scope, api: string, status: number, out: number, what: string): ScanfuseError {
  const c = s.constants;
  if (status === c.STATUS_MALFORMED_INPUT) {
    const f = s.failure(status, out);
    return new ScanfuseError('INVALID_ARGUMENT', `${api}: ${what} triangle ${Math.floor(f.offset / 3)} uses vertex ${f.actual}, but there are only ${f.expected} vertices`,
      { triangle: Math.floor(f.offset / 3), expected: `< ${f.expected}`, actual: f.actual });
  }
  if (status === c.STATUS_CAPACITY_EXCEEDED) {
    return new ScanfuseError('OUT_OF_MEMORY', `${api}: the ${what} grid would need more than 2^32 cell-list entries; pass a larger cellSize`);
  }
  return new ScanfuseError('INVALID_ARGUMENT', `${api}: the ${what} grid options are out of range`, { actual: status });
}

/**
 * Plans the grid over `mesh` (already shape-checked) with the mesh copied into scope `s`.
 * Returns the plan and a function that builds it into a block of `bytes` bytes at `grid`.
 */
export function planSurfaceGrid(s: Scope, api: string, what: string, mesh: Mesh, options: GridOptions):
  { bytes: number; build: (grid: number) => GridInfo } {
  const c = s.constants;
  const indices = surfaceTriangles(mesh);
  const vertexCount = mesh.positions.length / 3;
  const triangles = indices.length / 3;
  const { cellSize, maxCells } = gridArguments(options, triangles, api);
  const positionsPtr = s.input(mesh.positions);
  const indicesPtr = s.input(indices);
  const out = s.out();
  const bytes = s.call('closest_grid_bytes', positionsPtr, vertexCount, indicesPtr, triangles, cellSize, maxCells, out);
  if (bytes < 0) throw gridError(s, api, bytes, out, what);
  const planned = s.f64(out + c.CLOSEST_OUT_CELL_SIZE);
  return {
    bytes,
    build: (grid: number) => {
      const status = s.call('closest_grid_build', positionsPtr, vertexCount, indicesPtr, triangles, planned, maxCells, grid, bytes, out);
      if (status < 0) throw gridError(s, api, status, out, what);
      return {
        triangleCount: s.u32(out + c.CLOSEST_OUT_TRIANGLES),
        skippedTriangleCount: s.u32(out + c.CLOSEST_OUT_SKIPPED_TRIANGLES),
        cellSize: s.f64(out + c.CLOSEST_OUT_CELL_SIZE),
        cells: [s.u32(out + c.CLOSEST_OUT_NX), s.u32(out + c.CLOSEST_OUT_NY), s.u32(out + c.CLOSEST_OUT_NZ)],
        bytes: s.f64(out + c.CLOSEST_OUT_GRID_BYTES),
      };
    },
  };
}

/** Builds the grid over `mesh` inside scope `s` (freed with the scope). */
export function buildSurfaceGrid(s: Scope, api: string, what: string, mesh: Mesh, options: GridOptions): { grid: number; info: GridInfo } {
  const plan = planSurfaceGrid(s, api, what, mesh, options);
  const grid = s.alloc(plan.bytes);
  return { grid, info: plan.build(grid) };
}

export interface QueryArguments {
  maxDistance: number;
  order: QueryOrder;
  closestPoints: boolean;
}

/** Checks query options. */
export function queryArguments(options: { maxDistance?: number; order?: QueryOrder; closestPoints?: boolean }, api: string,
  defaultMaxDistance: number): QueryArguments {
  const maxDistance = options.maxDistance ?? defaultMaxDistance;
  if (!(typeof maxDistance === 'number' && maxDistance >= 0)) {
    throw new ScanfuseError('INVALID_ARGUMENT', `${api}: maxDistance must be a number of mm >= 0 (Infinity allowed)`, { actual: String(maxDistance) });
  }
  const order = options.order ?? 'auto';
  if (order !== 'auto' && order !== 'input' && order !== 'cells') {
    throw new ScanfuseError('INVALID_ARGUMENT', `${api}: order must be 'auto', 'input' or 'cells'`, { actual: String(order) });
  }
  return { maxDistance, order, closestPoints: options.closestPoints === true };
}

/**
 * Runs the queries for `count` points at `pointsPtr` (f64 xyz if `f64`, else f32) against
 * `grid` in one kernel call; outputs are allocated in `s`.
 */
export function queryInScope(s: Scope, grid: number, pointsPtr: number, count: number, f64: boolean, q: QueryArguments,
  want: { signed?: boolean; triangles?: boolean } = {}): QueryPointers {
  const c = s.constants;
  const scratchBytes = s.call('closest_points_scratch_bytes', grid, count);
  if (scratchBytes < 0) throw new ScanfuseError('ENGINE_FAILED', 'closest-point query: the grid block is not valid');
  const scratch = s.alloc(scratchBytes);
  const distances = s.alloc(count * 8);
  const signedDistances = want.signed === false ? 0 : s.alloc(count * 8);
  const triangles = want.triangles === false ? 0 : s.alloc(count * 4);
  const closestPoints = q.closestPoints ? s.alloc(count * 24) : 0;
  const out = s.out();
  const sortMode = q.order === 'input' ? 0 : q.order === 'cells' ? 1 : 2;
  const status = s.call('closest_points', grid, pointsPtr, count, f64 ? 1 : 0, q.maxDistance, sortMode, scratch,
    distances, signedDistances, triangles, closestPoints, out);
  if (status < 0) throw new ScanfuseError('ENGINE_FAILED', 'closest-point query: the kernel refused its arguments', { actual: status });
  return {
    distances, signedDistances, triangles, closestPoints,
    found: s.u32(out + c.CLOSEST_OUT_FOUND), beyond: s.u32(out + c.CLOSEST_OUT_BEYOND), nonFinite: s.u32(out + c.CLOSEST_OUT_NONFINITE),
  };
}

/** Query points as flat xyz: a Float32Array / Float64Array, or a mesh's positions. */
export function pointsOf(points: Float32Array | Float64Array | Mesh, api: string): Float32Array | Float64Array {
  const data = points instanceof Float32Array || points instanceof Float64Array ? points
    : points && typeof points === 'object' && 'positions' in points ? points.positions : undefined;
  if (!(data instanceof Float32Array || data instanceof Float64Array)) {
    throw new ScanfuseError('INVALID_ARGUMENT', `${api}: points must be a Float32Array or Float64Array of xyz, or a mesh`);
  }
  if (data.length % 3 !== 0) {
    throw new ScanfuseError('INVALID_ARGUMENT', `${api}: the points array length must be a multiple of 3`, { actual: data.length });
  }
  return data;
}

/** Per-point results copied out of WASM (caller-owned). */
export interface CopiedResults {
  distances: Float64Array;
  signedDistances: Float64Array;
  triangles: Int32Array;
  closestPoints?: Float64Array;
  found: number;
  beyond: number;
  nonFinite: number;
}

/**
 * Queries every point of `data` against the resident grid block at `grid`, chunk by chunk,
 * copying the results out.
 */
export function queryAll(wasm: Wasm, api: string, data: Float32Array | Float64Array, q: QueryArguments, grid: number): CopiedResults {
  const count = data.length / 3;
  const result: CopiedResults = {
    distances: new Float64Array(count), signedDistances: new Float64Array(count), triangles: new Int32Array(count),
    closestPoints: q.closestPoints ? new Float64Array(count * 3) : undefined, found: 0, beyond: 0, nonFinite: 0,
  };
  const f64 = data instanceof Float64Array;
  for (let first = 0; first < count; first += QUERY_CHUNK) {
    const n = Math.min(QUERY_CHUNK, count - first);
    wasm.scope(api, (s) => {
      const pointsPtr = s.input(data.subarray(3 * first, 3 * (first + n)));
      const r = queryInScope(s, grid, pointsPtr, n, f64, q);
      result.distances.set(s.copyOut(Float64Array, r.distances, n), first);
      result.signedDistances.set(s.copyOut(Float64Array, r.signedDistances, n), first);
      result.triangles.set(s.copyOut(Int32Array, r.triangles, n), first);
      if (result.closestPoints) result.closestPoints.set(s.copyOut(Float64Array, r.closestPoints, 3 * n), 3 * first);
      result.found += r.found; result.beyond += r.beyond; result.nonFinite += r.nonFinite;
    });
  }
  return result;
}
