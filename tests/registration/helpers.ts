// Seeded synthetic surfaces and rigid-motion helpers for the registration tests.
import { fromAxisAngle, invertRigid, multiply, rotationAngle } from '../../src/math/pose.js';
import type { Mesh, PointCloud } from '../../src/index.js';
import { rng } from '../support/meshes.js';

export { rng };

export interface Surface extends PointCloud {
  normals: Float32Array;
  /** Grid triangulation of the points (row-major nx x ny grid), counter-clockwise seen from +z. */
  indices: Uint32Array;
}

/**
 * A bumpy height field over [0, size]^2 (mm): a gentle tilt plus `bumps` Gaussian bumps and dents of
 * random centre, width (2..7 mm) and height (+-1..4 mm), seeded. No symmetry: every rigid motion
 * changes it, and its local shapes differ (FPFH can tell them apart). Sampled on an n x n grid
 * (jittered by up to `jitter` of a spacing when given), with exact normals.
 */
export function bumpyPatch(options: { seed?: number; n?: number; size?: number; bumps?: number; jitter?: number } = {}): Surface {
  const { seed = 1, n = 60, size = 40, bumps = 14, jitter = 0 } = options;
  const r = rng(seed);
  const list = Array.from({ length: bumps }, () => ({
    x: r() * size, y: r() * size, w: 2 + 5 * r(), h: (r() < 0.5 ? -1 : 1) * (1 + 3 * r()),
  }));
  const height = (x: number, y: number) => {
    let z = 0.05 * x + 0.02 * y + 0.6 * Math.sin(x * 0.21) * Math.cos(y * 0.17);
    let zx = 0.05 + 0.6 * 0.21 * Math.cos(x * 0.21) * Math.cos(y * 0.17);
    let zy = 0.02 - 0.6 * 0.17 * Math.sin(x * 0.21) * Math.sin(y * 0.17);
    for (const b of list) {
      const dx = x - b.x, dy = y - b.y;
      const g = b.h * Math.exp(-(dx * dx + dy * dy) / (2 * b.w * b.w));
      z += g; zx += (-dx / (b.w * b.w)) * g; zy += (-dy / (b.w * b.w)) * g;
    }
    return [z, zx, zy];
  };
  const positions = new Float32Array(n * n * 3), normals = new Float32Array(n * n * 3);
  const step = size / (n - 1);
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < n; i++) {
      const k = (j * n + i) * 3;
      const x = i * step + (jitter ? (r() - 0.5) * jitter * step : 0), y = j * step + (jitter ? (r() - 0.5) * jitter * step : 0);
      const [z, zx, zy] = height(x, y);
      const len = Math.hypot(zx, zy, 1);
      positions.set([x, y, z], k);
      normals.set([-zx / len, -zy / len, 1 / len], k);
    }
  }
  return { positions, normals, indices: gridIndices(n, n) };
}

/** A flat square [0, size]^2 at z = 0, n x n points, normals +z. */
export function flatPatch(n = 50, size = 40): Surface {
  const positions = new Float32Array(n * n * 3), normals = new Float32Array(n * n * 3);
  for (let j = 0; j < n; j++) for (let i = 0; i < n; i++) {
    const k = (j * n + i) * 3;
    positions.set([(i * size) / (n - 1), (j * size) / (n - 1), 0], k);
    normals.set([0, 0, 1], k);
  }
  return { positions, normals, indices: gridIndices(n, n) };
}

function gridIndices(nx: number, ny: number): Uint32Array {
  const out = new Uint32Array((nx - 1) * (ny - 1) * 6);
  let t = 0;
  for (let j = 0; j < ny - 1; j++) for (let i = 0; i < nx - 1; i++) {
    const a = j * nx + i;
    out.set([a, a + 1, a + nx, a + 1, a + nx + 1, a + nx], t);
    t += 6;
  }
  return out;
}

/** The points (and normals) with x in [x0, x1). */
export function cropX(cloud: PointCloud, x0: number, x1: number): PointCloud {
  const keep: number[] = [];
  for (let i = 0; i < cloud.positions.length; i += 3) if (cloud.positions[i] >= x0 && cloud.positions[i] < x1) keep.push(i / 3);
  const pick = (a: Float32Array) => {
    const o = new Float32Array(keep.length * 3);
    keep.forEach((v, j) => o.set(a.subarray(v * 3, v * 3 + 3), j * 3));
    return o;
  };
  return cloud.normals ? { positions: pick(cloud.positions), normals: pick(cloud.normals) } : { positions: pick(cloud.positions) };
}

/** The cloud moved by `m` (points and normals), new arrays. */
export function transformCloud(cloud: PointCloud, m: Float64Array): PointCloud {
  const p = cloud.positions, positions = new Float32Array(p.length);
  for (let i = 0; i < p.length; i += 3) {
    const x = p[i], y = p[i + 1], z = p[i + 2];
    positions[i] = m[0] * x + m[4] * y + m[8] * z + m[12];
    positions[i + 1] = m[1] * x + m[5] * y + m[9] * z + m[13];
    positions[i + 2] = m[2] * x + m[6] * y + m[10] * z + m[14];
  }
  if (!cloud.normals) return { positions };
  const q = cloud.normals, normals = new Float32Array(q.length);
  for (let i = 0; i < q.length; i += 3) {
    const x = q[i], y = q[i + 1], z = q[i + 2];
    normals[i] = m[0] * x + m[4] * y + m[8] * z;
    normals[i + 1] = m[1] * x + m[5] * y + m[9] * z;
    normals[i + 2] = m[2] * x + m[6] * y + m[10] * z;
  }
  return { positions, normals };
}

/** A mesh of a surface moved by `m`. */
export function transformMesh(surface: Surface, m: Float64Array): Mesh {
  const moved = transformCloud(surface, m);
  return { positions: moved.positions, normals: moved.normals, indices: surface.indices };
}

/** A random unit vector (seeded stream). */
export function randomAxis(r: () => number): [number, number, number] {
  for (;;) {
    const v = [2 * r() - 1, 2 * r() - 1, 2 * r() - 1];
    const n = Math.hypot(v[0], v[1], v[2]);
    if (n > 0.1 && n <= 1) return [v[0] / n, v[1] / n, v[2] / n];
  }
}

/**
 * A rigid motion rotating by `angle` (rad) about a random axis through `center` and then moving
 * by a random direction of length `distance` (mm).
 */
export function randomMotion(r: () => number, angle: number, distance: number, center: ArrayLike<number> = [0, 0, 0]): Float64Array {
  const rot = fromAxisAngle(randomAxis(r), angle);
  const d = randomAxis(r);
  // x -> R (x - c) + c + t
  const m = Float64Array.from(rot);
  for (let a = 0; a < 3; a++) {
    m[12 + a] = center[a] - (rot[a] * center[0] + rot[4 + a] * center[1] + rot[8 + a] * center[2]) + d[a] * distance;
  }
  return m;
}

/** Centroid of a cloud's points. */
export function centroid(positions: Float32Array): [number, number, number] {
  const c = [0, 0, 0];
  for (let i = 0; i < positions.length; i += 3) for (let a = 0; a < 3; a++) c[a] += positions[i + a];
  const n = positions.length / 3;
  return [c[0] / n, c[1] / n, c[2] / n];
}

/** Rotation (degrees) and translation (mm) of estimate^-1 * truth. */
export function poseError(estimate: Float64Array, truth: Float64Array): { deg: number; mm: number } {
  const d = multiply(invertRigid(truth), estimate);
  return { deg: (rotationAngle(d) * 180) / Math.PI, mm: Math.hypot(d[12], d[13], d[14]) };
}

/**
 * Largest displacement (mm) between the two transforms over the given points: the error that
 * matters for a surface (rotation about a far origin shows up as translation otherwise).
 */
export function maxDisplacement(a: Float64Array, b: Float64Array, positions: Float32Array): number {
  let worst = 0;
  for (let i = 0; i < positions.length; i += 3) {
    const x = positions[i], y = positions[i + 1], z = positions[i + 2];
    const dx = (a[0] - b[0]) * x + (a[4] - b[4]) * y + (a[8] - b[8]) * z + a[12] - b[12];
    const dy = (a[1] - b[1]) * x + (a[5] - b[5]) * y + (a[9] - b[9]) * z + a[13] - b[13];
    const dz = (a[2] - b[2]) * x + (a[6] - b[6]) * y + (a[10] - b[10]) * z + a[14] - b[14];
    worst = Math.max(worst, Math.hypot(dx, dy, dz));
  }
  return worst;
}

export { multiply, invertRigid };
