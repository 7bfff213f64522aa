// Distances from points to a surface in one call: builds the index, queries, frees it.
import type { Engine } from '../engine.js';
import type { Mesh } from '../types.js';
import { pointsOf, queryArguments, type GridOptions } from './surface-grid.js';
import { createSurfaceIndex, type SurfaceDistancesResult, type SurfaceQueryOptions } from './surface-index.js';

export interface SurfaceDistancesOptions extends SurfaceQueryOptions, GridOptions {}

/**
 * For every point of `points` (xyz in a Float32Array or Float64Array, or a mesh's vertices), the
 * nearest point of the surface `reference` (a mesh; with no triangles, a point cloud): distance
 * |p - q| (mm), signed distance, nearest triangle and optionally q itself; points farther than
 * `maxDistance` (mm, default Infinity) are reported as not found (distance Infinity), not
 * dropped. Exact point-triangle distances (the f32 coordinates taken exactly, f64 arithmetic).
 * See SurfaceDistancesResult for the fields. For repeated queries against the same surface use
 * createSurfaceIndex(). Throws INVALID_ARGUMENT for malformed arrays or options.
 */
export function surfaceDistances(engine: Engine, points: Float32Array | Float64Array | Mesh, reference: Mesh,
  options: SurfaceDistancesOptions = {}): SurfaceDistancesResult {
  const o = options ?? {};
  pointsOf(points, 'surfaceDistances'); // fail before building anything
  queryArguments(o, 'surfaceDistances', Infinity);
  const index = createSurfaceIndex(engine, reference, { cellSize: o.cellSize, maxCells: o.maxCells });
  try {
    return index.query(points, { maxDistance: o.maxDistance, closestPoints: o.closestPoints, order: o.order });
  } finally {
    index.dispose();
  }
}
