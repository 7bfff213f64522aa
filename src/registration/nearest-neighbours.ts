// The k nearest points of a point set for each query point (the point grid of
// assembly/registration/point-grid.ts, built for the call).
import type { Engine } from '../engine.js';
import { ScanfuseError } from '../errors.js';
import { wasmOf } from '../metrics/surface-grid.js';
import { buildPointGrid, kernelFailed } from './cloud-kernels.js';
import { integerOption, positiveOption } from './point-cloud.js';

export interface NearestNeighboursOptions {
  /** Neighbours per query (1..1024). Default 1. */
  k?: number;
  /** Only points within this distance count, mm. Default Infinity. */
  maxDistance?: number;
  /** Cell edge of the grid, mm. Default: maxDistance when finite, else about 2 point spacings. */
  cellSize?: number;
}

export const DEFAULT_NEAREST_NEIGHBOURS_OPTIONS = Object.freeze({ k: 1, maxDistance: Infinity });

/**
 * Per query i and rank j < k (nearest first): indices[i * k + j] is the index of a point of
 * `points` (-1 when fewer than j + 1 lie within maxDistance) and distances[i * k + j] its
 * distance in mm (Infinity for -1), computed in f32. Points with a non-finite coordinate are never
 * returned; a non-finite query finds nothing. Among points at exactly the same distance the lower
 * cell and input order wins (deterministic).
 */
export interface NearestNeighboursResult {
  indices: Int32Array;
  distances: Float32Array;
  k: number;
  /** Queries with at least one neighbour. */
  foundCount: number;
}

/** The k nearest of `points` (xyz, mm) to every query point (xyz). Caller-owned arrays. */
export function nearestNeighbours(engine: Engine, points: Float32Array, queries: Float32Array, options: NearestNeighboursOptions = {}): NearestNeighboursResult {
  const api = 'nearestNeighbours';
  const wasm = wasmOf(engine, api);
  for (const [name, a] of [['points', points], ['queries', queries]] as const) {
    if (!(a instanceof Float32Array) || a.length % 3) {
      throw new ScanfuseError('INVALID_ARGUMENT', `${api}: ${name} must be a Float32Array of xyz triples`);
    }
  }
  const o = { ...DEFAULT_NEAREST_NEIGHBOURS_OPTIONS, ...options };
  const k = integerOption(o.k, api, 'k', 1, 1024);
  const maxDistance = positiveOption(o.maxDistance, api, 'maxDistance', true);
  const n = points.length / 3, q = queries.length / 3;
  return wasm.scope(api, (s) => {
    const c = s.constants;
    const pts = s.input(points);
    let cell = o.cellSize === undefined ? undefined : positiveOption(o.cellSize, api, 'cellSize');
    if (cell === undefined) {
      if (Number.isFinite(maxDistance)) cell = maxDistance;
      else {
        // About 2 spacings: the bounding-box diagonal over sqrt(n) estimates a surface's spacing.
        let lo = [Infinity, Infinity, Infinity], hi = [-Infinity, -Infinity, -Infinity];
        for (let i = 0; i < points.length; i += 3) {
          for (let a = 0; a < 3; a++) {
            const v = points[i + a];
            if (v < lo[a]) lo[a] = v;
            if (v > hi[a]) hi[a] = v;
          }
        }
        const diagonal = Math.hypot(hi[0] - lo[0], hi[1] - lo[1], hi[2] - lo[2]);
        cell = diagonal > 0 && Number.isFinite(diagonal) ? 2 * diagonal / Math.sqrt(Math.max(1, n)) : 1;
      }
    }
    const grid = buildPointGrid(s, api, pts, n, cell);
    const qp = s.input(queries);
    const idx = s.alloc(q * k * 4), dist = s.alloc(q * k * 4);
    const out = s.out();
    const status = s.call('cloud_knn', grid.ptr, qp, q, maxDistance, k, idx, dist, out);
    if (status < 0) throw kernelFailed(api, 'cloud_knn', status);
    return { indices: s.copyOut(Int32Array, idx, q * k), distances: s.copyOut(Float32Array, dist, q * k), k, foundCount: s.u32(out + c.CLOUD_OUT_FOUND) };
  });
}
