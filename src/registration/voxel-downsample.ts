// Voxel downsampling of a point cloud: one point per occupied voxel, the mean of its points.
import type { Engine } from '../engine.js';
import { wasmOf } from '../metrics/surface-grid.js';
import { cloudInScope, downsampleInScope } from './cloud-kernels.js';
import { assertPointCloud, positiveOption, type PointCloud } from './point-cloud.js';

/**
 * Downsamples `cloud` on a grid of cubic voxels of edge `voxelSize` (mm; voxel (i, j, k) spans
 * [i v, (i + 1) v) along x, and so on): each occupied voxel gives the mean of its points and, with
 * normals, the normalised sum of their normals (0 0 0 where they cancel). Points come out in the
 * order of each voxel's first point in the input (deterministic). Points with a non-finite
 * coordinate are dropped. Returns new caller-owned arrays.
 */
export function voxelDownsample(engine: Engine, cloud: PointCloud, voxelSize: number): PointCloud {
  const api = 'voxelDownsample';
  const wasm = wasmOf(engine, api);
  assertPointCloud(cloud, api, 'cloud');
  const v = positiveOption(voxelSize, api, 'voxelSize');
  return wasm.scope(api, (s) => {
    const down = downsampleInScope(s, api, cloudInScope(s, cloud.positions, cloud.normals), v);
    const positions = s.copyOut(Float32Array, down.points, down.count * 3);
    return down.normals ? { positions, normals: s.copyOut(Float32Array, down.normals, down.count * 3) } : { positions };
  });
}
