// A slow, obviously-correct raycaster: the oracle of assembly/fusion/raycast.ts. Along each
// pixel's ray, the first place where the trilinear interpolant of the field goes from positive to
// <= 0, found by marching in small steps and refined by bisection. Like the kernel, a sample with
// an unobserved corner (NaN) breaks the march, and entering the inside without a positive sample
// before it is no surface.
import type { CameraIntrinsics } from '../../src/camera/intrinsics.js';
import type { Transform } from '../../src/math/pose.js';
import type { Field } from './marching-cubes.js';

/** Camera z (mm) of the surface per pixel, 0 where the ray finds none within [near, far]. */
export function raycastField(field: Field, k: CameraIntrinsics, cameraToWorld: Transform, near: number, far: number, stepVoxels = 0.05): Float64Array {
  const [ox, oy, oz] = field.origin, [nx, ny, nz] = field.size, voxel = field.voxelSize;
  // The field copied into a dense array (x fastest) for speed.
  const values = new Float64Array(nx * ny * nz);
  for (let z = 0, i = 0; z < nz; z++) for (let y = 0; y < ny; y++) for (let x = 0; x < nx; x++, i++) values[i] = field.value(ox + x, oy + y, oz + z);
  const at = (x: number, y: number, z: number) => (x < 0 || y < 0 || z < 0 || x >= nx || y >= ny || z >= nz ? NaN : values[(z * ny + y) * nx + x]);
  const trilinear = (p: number[]) => {
    const gx = p[0] / voxel - ox, gy = p[1] / voxel - oy, gz = p[2] / voxel - oz;
    const ix = Math.floor(gx), iy = Math.floor(gy), iz = Math.floor(gz);
    const fx = gx - ix, fy = gy - iy, fz = gz - iz;
    let sum = 0;
    for (let n = 0; n < 8; n++) {
      const dx = n & 1, dy = (n >> 1) & 1, dz = n >> 2;
      sum += at(ix + dx, iy + dy, iz + dz) * (dx ? fx : 1 - fx) * (dy ? fy : 1 - fy) * (dz ? fz : 1 - fz);
    }
    return sum; // NaN if any corner is unobserved
  };
  const m = cameraToWorld;
  const out = new Float64Array(k.width * k.height);
  for (let v = 0; v < k.height; v++) for (let u = 0; u < k.width; u++) {
    // World point at camera depth z along the pixel's ray.
    const rx = (u - k.cx) / k.fx, ry = (v - k.cy) / k.fy;
    const point = (z: number) => [0, 1, 2].map((a) => m[12 + a] + z * (m[a] * rx + m[4 + a] * ry + m[8 + a]));
    const step = (stepVoxels * voxel) / Math.hypot(rx, ry, 1);
    // Only where the ray is inside the field's box (slabs per axis).
    let z0 = near, z1 = far;
    const o = point(0), d = point(1).map((c, a) => c - o[a]);
    for (let a = 0; a < 3; a++) {
      const lo = field.origin[a] * voxel, hi = (field.origin[a] + field.size[a] - 1) * voxel;
      if (d[a] === 0) { if (o[a] < lo || o[a] > hi) z1 = -Infinity; continue; }
      const ta = (lo - o[a]) / d[a], tb = (hi - o[a]) / d[a];
      z0 = Math.max(z0, Math.min(ta, tb)); z1 = Math.min(z1, Math.max(ta, tb));
    }
    let prev = NaN, prevZ = 0;
    for (let z = z0; z <= z1; z += step) {
      const value = trilinear(point(z));
      if (Number.isNaN(value)) { prev = NaN; continue; }
      if (value <= 0) {
        if (prev > 0) {
          let a = prevZ, b = z;
          for (let i = 0; i < 40; i++) {
            const mid = (a + b) / 2;
            if (trilinear(point(mid)) > 0) a = mid; else b = mid;
          }
          out[v * k.width + u] = (a + b) / 2;
        }
        break;
      }
      prev = value;
      prevZ = z;
    }
  }
  return out;
}
