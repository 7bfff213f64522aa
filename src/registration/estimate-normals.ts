// Normals of a point cloud by local PCA, optionally oriented.
import type { Engine } from '../engine.js';
import { ScanfuseError } from '../errors.js';
import { wasmOf } from '../metrics/surface-grid.js';
import { buildPointGrid, cloudInScope, normalsInScope, type NormalOrientation } from './cloud-kernels.js';
import { choiceOption, integerOption, pointOption, positiveOption } from './point-cloud.js';

export type { NormalOrientation } from './cloud-kernels.js';

export interface EstimateNormalsOptions {
  /** Neighbourhood radius, mm (required). */
  radius?: number;
  /** At most this many nearest neighbours within the radius (the point itself included; 3..1024). Default 30. */
  maxNeighbours?: number;
  /**
   * 'none': the eigenvector's sign as computed; 'toward-viewpoint' / 'away-from-viewpoint':
   * n . (viewpoint - p) >= 0 / <= 0; 'consistent' (default): propagated over the neighbour graph
   * (Hoppe et al. 1992) and each connected part turned outward from the centroid on balance.
   */
  orientation?: NormalOrientation;
  /** mm. Default [0, 0, 0]. */
  viewpoint?: ArrayLike<number>;
}

export const DEFAULT_ESTIMATE_NORMALS_OPTIONS = Object.freeze({
  maxNeighbours: 30,
  orientation: 'consistent' as NormalOrientation,
  viewpoint: Object.freeze([0, 0, 0]) as ArrayLike<number>,
});

export interface EstimateNormalsResult {
  /** Unit normal xyz per point; 0 0 0 where the neighbourhood has fewer than 3 points or no plane. */
  normals: Float32Array;
  /** Points left with a zero normal. */
  missingCount: number;
}

/**
 * Normals of `positions` (xyz, mm): the direction of least variance of each point's neighbourhood
 * (its maxNeighbours nearest points within `radius`). Returns a new caller-owned array.
 */
export function estimateNormals(engine: Engine, positions: Float32Array, options: EstimateNormalsOptions): EstimateNormalsResult {
  const api = 'estimateNormals';
  const wasm = wasmOf(engine, api);
  if (!(positions instanceof Float32Array) || positions.length % 3) {
    throw new ScanfuseError('INVALID_ARGUMENT', `${api}: positions must be a Float32Array of xyz triples`);
  }
  const o = { ...DEFAULT_ESTIMATE_NORMALS_OPTIONS, ...options };
  const radius = positiveOption(o.radius, api, 'radius');
  const maxNeighbours = integerOption(o.maxNeighbours, api, 'maxNeighbours', 3, 1024);
  const orientation = choiceOption(o.orientation, api, 'orientation', ['none', 'toward-viewpoint', 'away-from-viewpoint', 'consistent'] as const);
  const viewpoint = pointOption(o.viewpoint, api, 'viewpoint');
  return wasm.scope(api, (s) => {
    const cloud = cloudInScope(s, positions);
    const grid = buildPointGrid(s, api, cloud.points, cloud.count, radius);
    const r = normalsInScope(s, api, cloud, grid, { radius, maxNeighbours, orientation, viewpoint });
    return { normals: s.copyOut(Float32Array, r.normals, cloud.count * 3), missingCount: r.missing };
  });
}
