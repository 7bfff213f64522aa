// A reference surface prepared for many closest-point queries: the uniform grid of
// assembly/metrics/closest-grid.ts, resident in the engine until dispose().
import type { Engine } from '../engine.js';
import { ScanfuseError } from '../errors.js';
import { assertMeshShape } from '../io/mesh-check.js';
import type { Mesh } from '../types.js';
import type { Resident, Wasm } from '../wasm/abi.js';
import {
  planSurfaceGrid, pointsOf, queryAll, queryArguments, wasmOf, type GridInfo, type GridOptions, type QueryOrder,
} from './surface-grid.js';

export type { GridOptions as SurfaceIndexOptions, QueryOrder as SurfaceQueryOrder } from './surface-grid.js';

export interface SurfaceQueryOptions {
  /**
   * Points farther than this from the surface are "not found" (distance Infinity), mm. Default
   * Infinity (every point gets its nearest surface point). A finite value makes far points cheap:
   * pass one whenever the points are expected near the surface.
   */
  maxDistance?: number;
  /** Also return the closest surface point of every point. Default false. */
  closestPoints?: boolean;
  /**
   * Order in which the core processes the points; the results are identical either way.
   * 'auto' (default) sorts them by grid cell when consecutive points jump around (a shuffled
   * cloud) and keeps their order when they are coherent (a mesh's vertices, a scan line).
   */
  order?: QueryOrder;
}

/**
 * Per point i (all arrays caller-owned, in the order of the points):
 * - distances[i]: |p - q| in mm, q the nearest point of the surface; Infinity when no surface
 *   point is within maxDistance; NaN when p has a non-finite coordinate.
 * - signedDistances[i]: +|p - q| when p is on the side the nearest triangle's normal
 *   (b - a) x (c - a) points to (outside, for counter-clockwise outward meshes), -|p - q| on the
 *   other side, 0 on the surface. At a shared edge or corner the triangle whose normal is most
 *   nearly parallel to p - q decides (right at convex and concave edges; at a saddle corner the
 *   side may be wrong). Positive when the nearest triangle has zero area (a point cloud's point).
 *   Infinity / NaN as above.
 * - triangles[i]: index of the nearest triangle in the reference's `indices` (for a point-cloud
 *   reference: the point's index), or -1. Among triangles at exactly the same distance: the one
 *   whose normal is most parallel to p - q, then the lowest index.
 * - closestPoints[3i..3i+2]: q (mm), NaN when not found; only with `closestPoints: true`.
 */
export interface SurfaceDistancesResult {
  distances: Float64Array;
  signedDistances: Float64Array;
  triangles: Int32Array;
  closestPoints?: Float64Array;
  /** Points with a surface point within maxDistance. */
  foundCount: number;
  /** Finite points with no surface point within maxDistance. */
  beyondCount: number;
  /** Points with a NaN or infinite coordinate. */
  nonFiniteCount: number;
  /** The max distance used, mm. */
  maxDistance: number;
}

/**
 * The reference surface of closest-point queries, built once (O(triangles)) and kept in the
 * engine's memory until dispose(). Triangles with a non-finite corner are left out; a mesh with
 * no triangles is taken as a point cloud (distances to its points).
 */
export class SurfaceIndex {
  readonly #wasm: Wasm;
  readonly #block: Resident;
  /** Grid statistics (triangles in the grid, cell size in mm, cells per axis, bytes). */
  readonly info: Readonly<GridInfo>;

  /** @internal Use createSurfaceIndex(). */
  constructor(wasm: Wasm, block: Resident, info: GridInfo) {
    this.#wasm = wasm;
    this.#block = block;
    this.info = Object.freeze(info);
  }

  /**
   * Nearest surface point of every point (xyz in a Float32Array or Float64Array, or a mesh's
   * vertices), see SurfaceDistancesResult. Cost: about a microsecond per point near the surface.
   */
  query(points: Float32Array | Float64Array | Mesh, options: SurfaceQueryOptions = {}): SurfaceDistancesResult {
    const api = 'SurfaceIndex.query';
    if (this.#block.released) throw new ScanfuseError('DISPOSED', `${api}: the index was disposed; create a new one`);
    const data = pointsOf(points, api);
    const q = queryArguments(options ?? {}, api, Infinity);
    const r = queryAll(this.#wasm, api, data, q, this.#block.ptr);
    return {
      distances: r.distances, signedDistances: r.signedDistances, triangles: r.triangles,
      ...(r.closestPoints ? { closestPoints: r.closestPoints } : {}),
      foundCount: r.found, beyondCount: r.beyond, nonFiniteCount: r.nonFinite, maxDistance: q.maxDistance,
    };
  }

  /** True after dispose(). */
  get disposed(): boolean {
    return this.#block.released;
  }

  /** Frees the index's engine memory (idempotent); later queries throw DISPOSED. */
  dispose(): void {
    this.#block.release();
  }
}

/**
 * Builds a SurfaceIndex over `reference` (a mesh, or a point cloud: a mesh with no triangles).
 * Throws INVALID_ARGUMENT for malformed arrays or an index out of range.
 */
export function createSurfaceIndex(engine: Engine, reference: Mesh, options: GridOptions = {}): SurfaceIndex {
  const api = 'createSurfaceIndex';
  const wasm = wasmOf(engine, api);
  assertMeshShape(reference, api);
  return wasm.scope(api, (s) => {
    const plan = planSurfaceGrid(s, api, 'reference', reference, options ?? {});
    const block = wasm.resident(api, plan.bytes);
    try {
      return new SurfaceIndex(wasm, block, plan.build(block.ptr));
    } catch (e) {
      block.release();
      throw e;
    }
  });
}
