// Internal: the automatic voxel size of the registration functions.
import type { Scope } from '../wasm/abi.js';
import { countVoxels, type ScopedCloud } from './cloud-kernels.js';

/** Diagonal of the bounding box of the finite points (mm); 0 for none. */
export function boundingDiagonal(positions: Float32Array): number {
  let x0 = Infinity, y0 = Infinity, z0 = Infinity, x1 = -Infinity, y1 = -Infinity, z1 = -Infinity;
  for (let i = 0; i < positions.length; i += 3) {
    const x = positions[i], y = positions[i + 1], z = positions[i + 2];
    if (!(Number.isFinite(x) && Number.isFinite(y) && Number.isFinite(z))) continue;
    if (x < x0) x0 = x; if (x > x1) x1 = x;
    if (y < y0) y0 = y; if (y > y1) y1 = y;
    if (z < z0) z0 = z; if (z > z1) z1 = z;
  }
  return x1 >= x0 ? Math.hypot(x1 - x0, y1 - y0, z1 - z0) : 0;
}

/**
 * The voxel edge (mm) at which `cloud` keeps about `points` points after voxel downsampling
 * (within 20%, or the best of four refinements). A surface's voxel count grows as 1 / edge^2, so
 * each step scales the edge by sqrt(count / points).
 */
export function voxelSizeFor(s: Scope, api: string, cloud: ScopedCloud, diagonal: number, points: number): number {
  if (!(diagonal > 0) || cloud.count <= points) {
    // Too few points to thin out: a voxel of about the typical spacing keeps them.
    return diagonal > 0 ? diagonal / Math.max(8, Math.sqrt(Math.max(1, cloud.count)) * 2) : 1;
  }
  let v = diagonal / Math.sqrt(points);
  for (let step = 0; step < 4; step++) {
    const cells = countVoxels(s, api, cloud.points, cloud.count, v);
    if (Math.abs(cells - points) <= 0.2 * points) break;
    v *= Math.sqrt(cells / points);
  }
  return v;
}
