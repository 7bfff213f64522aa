// Completeness: the share of the reference surface's area that the reconstruction covers.
import type { Engine } from '../engine.js';
import { ScanfuseError } from '../errors.js';
import { assertMeshShape } from '../io/mesh-check.js';
import type { Mesh } from '../types.js';
import { buildSurfaceGrid, queryArguments, wasmOf, type GridOptions, type QueryOrder } from './surface-grid.js';

export interface CompletenessOptions extends GridOptions {
  /** A reference point counts as covered when the reconstruction is this close, µm. Default 50. */
  thresholdUm?: number;
  /** Number of area samples of the reference, 1 to 20,000,000. Default 200,000. */
  samples?: number;
  /** Seed of the sample positions (an integer; same seed, same samples). Default 1. */
  seed?: number;
  /** Processing order in the core (never changes the result); see SurfaceQueryOptions.order. */
  order?: QueryOrder;
}

export const DEFAULT_COMPLETENESS_OPTIONS = Object.freeze({ thresholdUm: 50, samples: 200_000, seed: 1 });

/**
 * completeness = the fraction of the reference area within thresholdUm of the reconstruction,
 * estimated with n equal-area samples: c = covered / n, where a sample is covered when the
 * distance from it to the reconstruction's surface (its points, for a point cloud) is
 * <= thresholdUm / 1000 mm.
 *
 * The samples are stratified: the reference is laid out as [0, A) by the cumulative areas of its
 * triangles, cut into n strata of area A / n, and stratum i gets one point at (i + xi_i) A / n,
 * xi_i uniform in [0, 1) from (seed, i), placed uniformly inside its triangle. Each stratum that
 * lies wholly inside or wholly outside the covered region contributes no error, so the error
 * comes only from strata that straddle the region's border: |c - c_true| <= (straddling strata)
 * / n, and the standard error is at most that of n independent samples, sqrt(c (1 - c) / n)
 * (reported as `standardError`). Sampling rather than subdividing every triangle keeps the cost
 * and the accuracy independent of how finely the reference is tessellated.
 */
export interface CompletenessResult {
  /** Covered fraction of the reference area, 0 to 1. */
  completeness: number;
  /** Reference area (triangles with a finite area), mm^2. */
  referenceAreaMm2: number;
  /** completeness * referenceAreaMm2, mm^2. */
  coveredAreaMm2: number;
  sampleCount: number;
  coveredSampleCount: number;
  /** sqrt(c (1 - c) / n): an upper bound of the estimate's standard error (fraction, not %). */
  standardError: number;
  thresholdUm: number;
  seed: number;
}

/**
 * Completeness of `reconstruction` (a mesh, or a point cloud: no triangles) with respect to
 * `reference` (a mesh with area), both in mm; see CompletenessResult for the formula and the
 * sampling. Deterministic for given meshes, samples and seed. Throws INVALID_ARGUMENT for
 * malformed meshes or options, or a reference without area.
 */
export function completeness(engine: Engine, reconstruction: Mesh, reference: Mesh, options: CompletenessOptions = {}): CompletenessResult {
  const api = 'completeness';
  const wasm = wasmOf(engine, api);
  assertMeshShape(reconstruction, api);
  assertMeshShape(reference, api);
  const given = options ?? {};
  const o = {
    ...given,
    thresholdUm: given.thresholdUm ?? DEFAULT_COMPLETENESS_OPTIONS.thresholdUm,
    samples: given.samples ?? DEFAULT_COMPLETENESS_OPTIONS.samples,
    seed: given.seed ?? DEFAULT_COMPLETENESS_OPTIONS.seed,
  };
  if (!(Number.isFinite(o.thresholdUm) && o.thresholdUm >= 0)) {
    throw new ScanfuseError('INVALID_ARGUMENT', `${api}: thresholdUm must be a finite number of µm >= 0`, { actual: String(o.thresholdUm) });
  }
  if (!(Number.isInteger(o.samples) && o.samples >= 1 && o.samples <= 20_000_000)) {
    throw new ScanfuseError('INVALID_ARGUMENT', `${api}: samples must be an integer from 1 to 20,000,000`, { actual: String(o.samples) });
  }
  if (!Number.isInteger(o.seed)) throw new ScanfuseError('INVALID_ARGUMENT', `${api}: seed must be an integer`, { actual: String(o.seed) });
  const q = queryArguments({ maxDistance: o.thresholdUm / 1000, order: o.order }, api, 0);
  return wasm.scope(api, (s) => {
    const c = s.constants;
    // Samples of the reference.
    const refPositions = s.input(reference.positions);
    const refIndices = s.input(reference.indices);
    const points = s.alloc(24 * o.samples);
    const out = s.out();
    const written = s.call('metrics_sample_surface', refPositions, reference.positions.length / 3, refIndices, reference.indices.length / 3,
      o.samples, o.seed >>> 0, points, out);
    if (written < 0) {
      const f = s.failure(written, out);
      throw new ScanfuseError('INVALID_ARGUMENT', `${api}: reference triangle ${Math.floor(f.offset / 3)} uses vertex ${f.actual}, but there are only ${f.expected} vertices`,
        { triangle: Math.floor(f.offset / 3), expected: `< ${f.expected}`, actual: f.actual });
    }
    const area = s.f64(out + c.METRICS_OUT_AREA);
    if (written === 0) throw new ScanfuseError('INVALID_ARGUMENT', `${api}: the reference has no area (no triangle with a finite, non-zero area)`);
    // Distance of each sample to the reconstruction, up to the threshold.
    const { grid } = buildSurfaceGrid(s, api, 'reconstruction', reconstruction, o);
    const scratch = s.alloc(s.call('closest_points_scratch_bytes', grid, o.samples));
    const qOut = s.out();
    const sortMode = q.order === 'input' ? 0 : q.order === 'cells' ? 1 : 2;
    const covered = s.call('closest_points', grid, points, o.samples, 1, q.maxDistance, sortMode, scratch, 0, 0, 0, 0, qOut);
    if (covered < 0) throw new ScanfuseError('ENGINE_FAILED', `${api}: the closest-point kernel refused its arguments`, { actual: covered });
    const fraction = covered / o.samples;
    return {
      completeness: fraction,
      referenceAreaMm2: area,
      coveredAreaMm2: fraction * area,
      sampleCount: o.samples,
      coveredSampleCount: covered,
      standardError: Math.sqrt((fraction * (1 - fraction)) / o.samples),
      thresholdUm: o.thresholdUm,
      seed: o.seed,
    };
  });
}
