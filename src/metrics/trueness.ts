// Trueness: how far a reconstruction's surface lies from the reference surface, measured at the
// reconstruction's vertices and weighted by the area each vertex stands for.
import type { Engine } from '../engine.js';
import { ScanfuseError } from '../errors.js';
import { assertMeshShape } from '../io/mesh-check.js';
import type { Mesh } from '../types.js';
import { buildSurfaceGrid, queryArguments, wasmOf, type GridOptions, type QueryOrder } from './surface-grid.js';
import { weightedStatsInScope } from './weighted-stats.js';

export type TruenessWeighting = 'area' | 'uniform';

export interface TruenessOptions extends GridOptions {
  /**
   * Vertices farther than this from the reference are counted apart (beyondMaxDistanceCount)
   * and left out of the statistics, mm. Default 1.
   */
  maxDistance?: number;
  /**
   * 'area' (default for meshes with triangles): vertex weight = 1/3 of the summed area of its
   * triangles. 'uniform' (the only choice for point clouds): every vertex weighs 1.
   */
  weighting?: TruenessWeighting;
  /** Also return every vertex's signed distance (mm). Default false. */
  returnDistances?: boolean;
  /** Processing order in the core (never changes the result); see SurfaceQueryOptions.order. */
  order?: QueryOrder;
}

export const DEFAULT_TRUENESS_OPTIONS = Object.freeze({ maxDistance: 1 });

/**
 * The statistics are over the vertices i with a finite distance within maxDistance and weight
 * w_i > 0, with d_i = signed distance from vertex i to the reference surface (mm; + on the side
 * the reference's normals point to, i.e. outside) and W = sum w_i:
 *   meanAbsoluteUm = 1000 * sum(w_i |d_i|) / W
 *   rmsUm          = 1000 * sqrt(sum(w_i d_i^2) / W)
 *   signedMeanUm   = 1000 * sum(w_i d_i) / W   (> 0: the reconstruction lies outside on average)
 *   pXXUm          = 1000 * the weighted percentile of |d|: sort |d_i| ascending, C_k = sum of the
 *                    first k weights; P(q) = |d|_(k) for the smallest k with C_k >= q * W (no
 *                    interpolation; equal weights give the nearest-rank percentile). p50: q = 0.5,
 *                    p95: q = 0.95.
 *   maxUm          = 1000 * max |d_i| (= P(1)).
 * All NaN when no vertex qualifies.
 */
export interface TruenessResult {
  meanAbsoluteUm: number;
  rmsUm: number;
  signedMeanUm: number;
  p50Um: number;
  p95Um: number;
  maxUm: number;
  /** Vertices in the statistics. */
  evaluatedVertexCount: number;
  /** W: sum of their weights (mm^2 for 'area', a vertex count for 'uniform'). */
  totalWeight: number;
  /** Vertices with weight > 0 and no reference surface within maxDistance (left out above). */
  beyondMaxDistanceCount: number;
  /** Their summed weight; beyondMaxDistanceWeight / (totalWeight + beyondMaxDistanceWeight) is the outlying share. */
  beyondMaxDistanceWeight: number;
  /** Vertices with weight 0 (used by no triangle, or only by zero-area ones): no area, ignored. */
  zeroWeightVertexCount: number;
  /** Vertices with a NaN or infinite coordinate (ignored). */
  nonFiniteVertexCount: number;
  weighting: TruenessWeighting;
  /** mm. */
  maxDistance: number;
  /** Signed distance of every vertex, mm (Infinity beyond maxDistance, NaN if not finite); with returnDistances. */
  signedDistances?: Float64Array;
}

/**
 * Trueness of `reconstruction` against `reference` (both meshes in mm; a reconstruction without
 * triangles is a point cloud and uses uniform weights): the distance from each reconstructed
 * vertex to the reference surface (exact point-triangle distances, see surfaceDistances),
 * summarised in micrometres as described on TruenessResult. Vertices beyond maxDistance are
 * counted, not silently dropped. Throws INVALID_ARGUMENT for malformed meshes or options.
 */
export function trueness(engine: Engine, reconstruction: Mesh, reference: Mesh, options: TruenessOptions = {}): TruenessResult {
  const api = 'trueness';
  const wasm = wasmOf(engine, api);
  assertMeshShape(reconstruction, api);
  assertMeshShape(reference, api);
  const o = options ?? {};
  const q = queryArguments({ maxDistance: o.maxDistance, order: o.order }, api, DEFAULT_TRUENESS_OPTIONS.maxDistance);
  const hasTriangles = reconstruction.indices.length > 0;
  const weighting = o.weighting ?? (hasTriangles ? 'area' : 'uniform');
  if (weighting !== 'area' && weighting !== 'uniform') {
    throw new ScanfuseError('INVALID_ARGUMENT', `${api}: weighting must be 'area' or 'uniform'`, { actual: String(weighting) });
  }
  if (weighting === 'area' && !hasTriangles) {
    throw new ScanfuseError('INVALID_ARGUMENT', `${api}: area weighting needs a reconstruction with triangles; use weighting 'uniform' for point clouds`);
  }
  const count = reconstruction.positions.length / 3;
  return wasm.scope(api, (s) => {
    const { grid } = buildSurfaceGrid(s, api, 'reference', reference, o);
    const positions = s.input(reconstruction.positions);
    let weights = 0;
    if (weighting === 'area') {
      const indices = s.input(reconstruction.indices);
      weights = s.alloc(8 * count);
      const out = s.out();
      const status = s.call('metrics_vertex_areas', positions, count, indices, reconstruction.indices.length / 3, weights, out);
      if (status < 0) {
        const f = s.failure(status, out);
        throw new ScanfuseError('INVALID_ARGUMENT', `${api}: reconstruction triangle ${Math.floor(f.offset / 3)} uses vertex ${f.actual}, but there are only ${f.expected} vertices`,
          { triangle: Math.floor(f.offset / 3), expected: `< ${f.expected}`, actual: f.actual });
      }
    }
    const signed = s.alloc(8 * Math.max(1, count));
    if (count > 0) {
      const scratch = s.alloc(s.call('closest_points_scratch_bytes', grid, count));
      const out = s.out();
      const sortMode = q.order === 'input' ? 0 : q.order === 'cells' ? 1 : 2;
      const status = s.call('closest_points', grid, positions, count, 0, q.maxDistance, sortMode, scratch, 0, signed, 0, 0, out);
      if (status < 0) throw new ScanfuseError('ENGINE_FAILED', `${api}: the closest-point kernel refused its arguments`, { actual: status });
    }
    const st = weightedStatsInScope(s, api, signed, weights, count, [0.5, 0.95]);
    const um = (mm: number) => mm * 1000;
    const result: TruenessResult = {
      meanAbsoluteUm: um(st.meanAbs), rmsUm: um(st.rms), signedMeanUm: um(st.mean),
      p50Um: um(st.quantiles[0]), p95Um: um(st.quantiles[1]), maxUm: um(st.maxAbs),
      evaluatedVertexCount: st.found, totalWeight: st.weight,
      beyondMaxDistanceCount: st.beyond, beyondMaxDistanceWeight: st.beyondWeight,
      zeroWeightVertexCount: st.zeroWeight, nonFiniteVertexCount: st.nonFinite,
      weighting, maxDistance: q.maxDistance,
    };
    if (o.returnDistances === true) result.signedDistances = s.copyOut(Float64Array, signed, count);
    return result;
  });
}
