// FPFH descriptors of a point cloud with normals (Rusu et al. 2009, as Open3D computes them).
import type { Engine } from '../engine.js';
import { ScanfuseError } from '../errors.js';
import { wasmOf } from '../metrics/surface-grid.js';
import { buildPointGrid, cloudInScope, fpfhInScope } from './cloud-kernels.js';
import { assertPointCloud, integerOption, positiveOption, type PointCloud } from './point-cloud.js';

/** Bins of one FPFH descriptor: 11 for each of the three angles (alpha, phi, theta). */
export const FPFH_BIN_COUNT = 33;

export interface FpfhOptions {
  /** Neighbourhood radius, mm (required). */
  radius?: number;
  /** At most this many nearest neighbours within the radius (1..1023). Default 100. */
  maxNeighbours?: number;
}

export const DEFAULT_FPFH_OPTIONS = Object.freeze({ maxNeighbours: 100 });

/**
 * FPFH_BIN_COUNT values per point (Float32Array, point-major): three 11-bin histograms, each of
 * the point's own SPFH (summing to 100) plus its neighbours' SPFH weighted by 1 / distance^2 and
 * normalised to 100 (so each histogram sums to 200). All zeros for a point without a normal or
 * without neighbours that have one. `cloud.normals` are required (unit, consistently oriented:
 * the descriptors depend on their signs).
 */
export function computeFpfh(engine: Engine, cloud: PointCloud, options: FpfhOptions): Float32Array {
  const api = 'computeFpfh';
  const wasm = wasmOf(engine, api);
  assertPointCloud(cloud, api, 'cloud');
  if (!cloud.normals) throw new ScanfuseError('INVALID_ARGUMENT', `${api}: cloud.normals are required (see estimateNormals)`);
  const o = { ...DEFAULT_FPFH_OPTIONS, ...options };
  const radius = positiveOption(o.radius, api, 'radius');
  const k = integerOption(o.maxNeighbours, api, 'maxNeighbours', 1, 1023);
  return wasm.scope(api, (s) => {
    const stride = s.constants.FPFH_STRIDE;
    const c = cloudInScope(s, cloud.positions, cloud.normals);
    const features = fpfhInScope(s, api, c, buildPointGrid(s, api, c.points, c.count, radius), radius, k);
    const padded = s.copyOut(Float32Array, features, c.count * stride);
    const out = new Float32Array(c.count * FPFH_BIN_COUNT);
    for (let i = 0; i < c.count; i++) out.set(padded.subarray(i * stride, i * stride + FPFH_BIN_COUNT), i * FPFH_BIN_COUNT);
    return out;
  });
}
