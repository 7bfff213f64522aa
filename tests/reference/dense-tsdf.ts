// A slow, obviously-correct dense TSDF: the oracle of assembly/fusion/integrate.ts. Same formulas
// (projective signed distance along the pixel's ray, bilinear-or-nearest depth sampling, the
// truncation band, a running average in WEIGHT_UNITS with a cap, i16/u16 quantisation), but over
// every grid point of a small box, in double precision, one voxel at a time.
//
// Grid point g sits at g * voxelSize (mm). The kernel works in f32; where a decision of this
// oracle lies within float noise of its threshold (image border, pixel-cell or nearest-pixel
// border, the depth-jump test, the depth range, the -truncation cut-off), the voxel is flagged
// `ambiguous` and exact comparisons leave it out.
import type { CameraIntrinsics } from '../../src/camera/intrinsics.js';
import { invertRigid, type Transform } from '../../src/math/pose.js';

export const WEIGHT_UNITS = 64;
/** The i16 of an unobserved voxel (also the value of tsdf +1). */
export const TSDF_EMPTY = 32767;
export const BLOCK_SIDE = 8;

/** Float noise allowed around a decision: pixels, and millimetres. */
const EPS_PX = 1e-4;
const EPS_MM = 1e-4;

export interface DenseTsdfOptions {
  voxelSize: number;
  /** mm */
  truncation: number;
  /** observations */
  weightCap: number;
  /** Lowest grid point of the box and the box's size in grid points. */
  origin: [number, number, number];
  size: [number, number, number];
}

export interface DenseIntegrateOptions {
  minDepth: number;
  maxDepth: number;
  /** Update only the voxels of the blocks this accepts (block = grid point >> 3 per axis). Default: all. */
  blocks?: (bx: number, by: number, bz: number) => boolean;
  /** Depth sampling: bilinear with a nearest-pixel fallback (default), or always the nearest pixel. */
  sampling?: 'bilinear' | 'nearest';
}

/** Rounds half to even (f32x4.nearest). */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** Depth (mm) at pixel (x, y), 0 outside the image. */
function pixel(depth: Float32Array, w: number, h: number, x: number, y: number): number {
  return x < 0 || y < 0 || x >= w || y >= h ? 0 : depth[y * w + x];
}

/**
 * Depth at sub-pixel (u, v): bilinear between the 4 neighbouring pixels when all are valid (> 0)
 * and within `jump` mm of each other, else the nearest pixel's (Math.round, like Mathf.round).
 * Also says whether f32 noise in (u, v) or in the jump test could have changed the result: (u, v)
 * next to a pixel-cell border (another 4 pixels), next to a nearest-pixel border, or the depth
 * spread at the jump threshold.
 */
export function sampleDepth(depth: Float32Array, w: number, h: number, u: number, v: number, jump: number): { d: number; close: boolean } {
  const x0 = Math.floor(u), y0 = Math.floor(v);
  const fx = u - x0, fy = v - y0;
  const nearCell = fx < EPS_PX || fy < EPS_PX || fx > 1 - EPS_PX || fy > 1 - EPS_PX;
  const nearHalf = Math.abs(fx - 0.5) < EPS_PX || Math.abs(fy - 0.5) < EPS_PX;
  if (x0 < 0 || y0 < 0 || x0 >= w - 1 || y0 >= h - 1) return { d: pixel(depth, w, h, Math.round(u), Math.round(v)), close: nearCell || nearHalf };
  const a = pixel(depth, w, h, x0, y0), b = pixel(depth, w, h, x0 + 1, y0);
  const c = pixel(depth, w, h, x0, y0 + 1), d = pixel(depth, w, h, x0 + 1, y0 + 1);
  const lo = Math.min(a, b, c, d), hi = Math.max(a, b, c, d);
  const close = nearCell || Math.abs(hi - lo - jump) < EPS_MM;
  if (lo > 0 && hi - lo <= jump) return { d: (a * (1 - fx) + b * fx) * (1 - fy) + (c * (1 - fx) + d * fx) * fy, close };
  return { d: fx < 0.5 ? (fy < 0.5 ? a : c) : (fy < 0.5 ? b : d), close: close || nearHalf };
}

/** Depth of the nearest pixel (rounded half up, clamped to the image), and whether f32 noise could pick another. */
export function nearestDepth(depth: Float32Array, w: number, h: number, u: number, v: number): { d: number; close: boolean } {
  const x = Math.min(w - 1, Math.max(0, Math.round(u))), y = Math.min(h - 1, Math.max(0, Math.round(v)));
  const close = Math.abs((u % 1 + 1) % 1 - 0.5) < EPS_PX || Math.abs((v % 1 + 1) % 1 - 0.5) < EPS_PX;
  return { d: depth[y * w + x], close };
}

export class DenseTsdf {
  readonly voxelSize: number;
  readonly truncation: number;
  readonly weightCap: number;
  readonly origin: [number, number, number];
  readonly size: [number, number, number];
  /** tsdf * 32767 per grid point (x fastest); TSDF_EMPTY where unobserved. */
  readonly tsdf: Int16Array;
  /** Accumulated weight * WEIGHT_UNITS. */
  readonly weight: Uint16Array;
  /** 1 where an f32 computation could have decided differently (see the file's header). */
  readonly ambiguous: Uint8Array;

  constructor(o: DenseTsdfOptions) {
    this.voxelSize = o.voxelSize;
    this.truncation = o.truncation;
    this.weightCap = o.weightCap;
    this.origin = o.origin;
    this.size = o.size;
    const n = o.size[0] * o.size[1] * o.size[2];
    this.tsdf = new Int16Array(n).fill(TSDF_EMPTY);
    this.weight = new Uint16Array(n);
    this.ambiguous = new Uint8Array(n);
  }

  /** Index of grid point (gx, gy, gz), or -1 outside the box. */
  index(gx: number, gy: number, gz: number): number {
    const x = gx - this.origin[0], y = gy - this.origin[1], z = gz - this.origin[2];
    const [nx, ny, nz] = this.size;
    if (x < 0 || y < 0 || z < 0 || x >= nx || y >= ny || z >= nz) return -1;
    return (z * ny + y) * nx + x;
  }

  /** TSDF (-1..1) at a grid point; NaN when unobserved or outside the box. */
  value(gx: number, gy: number, gz: number): number {
    const i = this.index(gx, gy, gz);
    return i < 0 || this.weight[i] === 0 ? NaN : this.tsdf[i] / 32767;
  }

  /** Integrates a Float32 depth image (mm, 0 = none) seen from `cameraToWorld`. Returns the voxels updated. */
  integrate(depth: Float32Array, k: CameraIntrinsics, cameraToWorld: Transform, o: DenseIntegrateOptions): number {
    const m = invertRigid(cameraToWorld); // world -> camera
    const { width: w, height: h, fx, fy, cx, cy } = k;
    const near = o.minDepth, far = o.maxDepth, trunc = this.truncation;
    const jump = Math.max(trunc, 4 * this.voxelSize);
    const capUnits = Math.min(65535, Math.floor(this.weightCap * WEIGHT_UNITS));
    const [nx, ny, nz] = this.size;
    let updated = 0;
    for (let z = 0; z < nz; z++) for (let y = 0; y < ny; y++) for (let x = 0; x < nx; x++) {
      const gx = this.origin[0] + x, gy = this.origin[1] + y, gz = this.origin[2] + z;
      if (o.blocks && !o.blocks(Math.floor(gx / BLOCK_SIDE), Math.floor(gy / BLOCK_SIDE), Math.floor(gz / BLOCK_SIDE))) continue;
      const i = (z * ny + y) * nx + x;
      // The grid point in camera coordinates, and where it projects.
      const px = gx * this.voxelSize, py = gy * this.voxelSize, pz = gz * this.voxelSize;
      const X = m[0] * px + m[4] * py + m[8] * pz + m[12];
      const Y = m[1] * px + m[5] * py + m[9] * pz + m[13];
      const Z = m[2] * px + m[6] * py + m[10] * pz + m[14];
      const u = (fx * X) / Z + cx, v = (fy * Y) / Z + cy;
      // Near a threshold, f32 arithmetic may decide the other way: flag the voxel whichever way we go.
      let close = Math.abs(Z - near) < EPS_MM || Math.abs(u + 0.5) < EPS_PX || Math.abs(v + 0.5) < EPS_PX
        || Math.abs(u - (w - 0.5)) < EPS_PX || Math.abs(v - (h - 0.5)) < EPS_PX;
      if (Z >= near && u >= -0.5 && v >= -0.5 && u <= w - 0.5 && v <= h - 0.5) {
        const s = o.sampling === 'nearest' ? nearestDepth(depth, w, h, u, v) : sampleDepth(depth, w, h, u, v, jump);
        const d = s.d;
        // Projective signed distance: along the pixel's ray, positive in front of the surface.
        const sdf = (d - Z) * Math.hypot(X / Z, Y / Z, 1);
        close ||= s.close || Math.abs(d - near) < EPS_MM || Math.abs(d - far) < EPS_MM || Math.abs(sdf + trunc) < EPS_MM;
        if (d >= near && d <= far && sdf >= -trunc) {
          const value = Math.min(1, sdf / trunc);
          const oldW = this.weight[i], old = this.tsdf[i] / 32767;
          const blended = Math.max(-1, Math.min(1, (old * oldW + value * WEIGHT_UNITS) / (oldW + WEIGHT_UNITS)));
          this.tsdf[i] = roundHalfEven(blended * 32767);
          this.weight[i] = Math.min(oldW + WEIGHT_UNITS, capUnits);
          updated++;
        }
      }
      if (close) this.ambiguous[i] = 1;
    }
    return updated;
  }
}
