// Seeded meshes and slow, obviously correct references for the metrics tests.
import type { Mesh } from '../../src/index.js';
import { rng } from '../support/meshes.js';

export { rng };

/** A flat grid in the plane z = `z` over [x0, x1] x [y0, y1], nx x ny squares, normals +z (or -z if flipped). */
export function plane(options: { x0?: number; x1?: number; y0?: number; y1?: number; nx?: number; ny?: number; z?: number; flip?: boolean } = {}): Mesh {
  const { x0 = 0, x1 = 10, y0 = 0, y1 = 10, nx = 20, ny = 20, z = 0, flip = false } = options;
  const positions = new Float32Array((nx + 1) * (ny + 1) * 3);
  for (let j = 0; j <= ny; j++) {
    for (let i = 0; i <= nx; i++) {
      const k = 3 * (j * (nx + 1) + i);
      positions[k] = x0 + ((x1 - x0) * i) / nx;
      positions[k + 1] = y0 + ((y1 - y0) * j) / ny;
      positions[k + 2] = z;
    }
  }
  const indices = new Uint32Array(nx * ny * 6);
  let t = 0;
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) {
      const a = j * (nx + 1) + i, b = a + 1, c = a + nx + 1, d = c + 1;
      const tris = flip ? [a, c, b, b, c, d] : [a, b, c, b, d, c];
      indices.set(tris, t);
      t += 6;
    }
  }
  return { positions, indices };
}

/** An icosphere of `radius` around `center` (outward CCW triangles), `subdivisions` >= 0. */
export function icosphere(subdivisions = 3, radius = 10, center: [number, number, number] = [0, 0, 0]): Mesh {
  const t = (1 + Math.sqrt(5)) / 2;
  let verts: number[][] = [[-1, t, 0], [1, t, 0], [-1, -t, 0], [1, -t, 0], [0, -1, t], [0, 1, t], [0, -1, -t], [0, 1, -t], [t, 0, -1], [t, 0, 1], [-t, 0, -1], [-t, 0, 1]];
  let faces = [[0, 11, 5], [0, 5, 1], [0, 1, 7], [0, 7, 10], [0, 10, 11], [1, 5, 9], [5, 11, 4], [11, 10, 2], [10, 7, 6], [7, 1, 8],
    [3, 9, 4], [3, 4, 2], [3, 2, 6], [3, 6, 8], [3, 8, 9], [4, 9, 5], [2, 4, 11], [6, 2, 10], [8, 6, 7], [9, 8, 1]];
  const norm = (v: number[]) => { const n = Math.hypot(v[0], v[1], v[2]); return [v[0] / n, v[1] / n, v[2] / n]; };
  verts = verts.map(norm);
  for (let s = 0; s < subdivisions; s++) {
    const cache = new Map<string, number>();
    const mid = (a: number, b: number) => {
      const key = a < b ? `${a},${b}` : `${b},${a}`;
      let m = cache.get(key);
      if (m === undefined) {
        m = verts.length;
        verts.push(norm([(verts[a][0] + verts[b][0]) / 2, (verts[a][1] + verts[b][1]) / 2, (verts[a][2] + verts[b][2]) / 2]));
        cache.set(key, m);
      }
      return m;
    };
    const next: number[][] = [];
    for (const [a, b, c] of faces) {
      const ab = mid(a, b), bc = mid(b, c), ca = mid(c, a);
      next.push([a, ab, ca], [b, bc, ab], [c, ca, bc], [ab, bc, ca]);
    }
    faces = next;
  }
  const positions = new Float32Array(verts.length * 3);
  verts.forEach((v, i) => { for (let k = 0; k < 3; k++) positions[3 * i + k] = center[k] + radius * v[k]; });
  return { positions, indices: Uint32Array.from(faces.flat()) };
}

/** A copy of `mesh` with every position p replaced by center + s (p - center). */
export function scaled(mesh: Mesh, s: number, center: [number, number, number] = [0, 0, 0]): Mesh {
  const positions = new Float32Array(mesh.positions.length);
  for (let i = 0; i < positions.length; i++) positions[i] = center[i % 3] + s * (mesh.positions[i] - center[i % 3]);
  return { positions, indices: mesh.indices.slice() };
}

/** A copy of `mesh` moved by (dx, dy, dz). */
export function translated(mesh: Mesh, d: [number, number, number]): Mesh {
  const positions = new Float32Array(mesh.positions.length);
  for (let i = 0; i < positions.length; i++) positions[i] = mesh.positions[i] + d[i % 3];
  return { positions, indices: mesh.indices.slice() };
}

/**
 * An irregular mesh: a bumpy sphere (radius varying 20%) plus a soup of random triangles of
 * very different sizes and shapes (slivers included) around it. Seeded.
 */
export function irregularMesh(seed: number, subdivisions = 3, soup = 400): Mesh {
  const r = rng(seed);
  const sphere = icosphere(subdivisions, 8, [1, -2, 3]);
  const positions: number[] = [];
  for (let i = 0; i < sphere.positions.length; i += 3) {
    const f = 0.8 + 0.4 * r();
    for (let k = 0; k < 3; k++) positions.push([1, -2, 3][k] + f * (sphere.positions[i + k] - [1, -2, 3][k]));
  }
  const indices = Array.from(sphere.indices);
  for (let t = 0; t < soup; t++) {
    const base = positions.length / 3;
    const c = [(r() - 0.5) * 30, (r() - 0.5) * 30, (r() - 0.5) * 30];
    const size = 0.05 + 4 * r() ** 3;
    const sliver = r() < 0.2;
    for (let v = 0; v < 3; v++) {
      const along = (r() - 0.5) * size * (sliver ? 6 : 1);
      positions.push(c[0] + along + (sliver ? 0 : (r() - 0.5) * size), c[1] + (r() - 0.5) * size * (sliver ? 0.01 : 1), c[2] + (r() - 0.5) * size);
    }
    indices.push(base, base + 1, base + 2);
  }
  return { positions: Float32Array.from(positions), indices: Uint32Array.from(indices) };
}

/** Random points in a box around [lo, hi]^3. */
export function randomPoints(seed: number, count: number, lo: number, hi: number): Float64Array {
  const r = rng(seed);
  const out = new Float64Array(count * 3);
  for (let i = 0; i < out.length; i++) out[i] = lo + (hi - lo) * r();
  return out;
}

// ---- slow references ---------------------------------------------------------------------------

type V = [number, number, number];
const sub = (a: V, b: V): V => [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
const dot = (a: V, b: V) => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
const cross = (a: V, b: V): V => [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];

/** Distance from p to segment ab. */
function segmentDistance(p: V, a: V, b: V): number {
  const u = sub(b, a), l = dot(u, u);
  const s = l > 0 ? Math.max(0, Math.min(1, dot(sub(p, a), u) / l)) : 0;
  return Math.hypot(p[0] - a[0] - s * u[0], p[1] - a[1] - s * u[1], p[2] - a[2] - s * u[2]);
}

/**
 * Distance from p to triangle abc by the definition: the projection onto the plane if it falls
 * inside the triangle, else the nearest of the three edges (degenerate triangles: edges only).
 */
export function pointTriangleDistance(p: V, a: V, b: V, c: V): number {
  let best = Math.min(segmentDistance(p, a, b), segmentDistance(p, b, c), segmentDistance(p, c, a));
  const n = cross(sub(b, a), sub(c, a)), nn = dot(n, n);
  if (nn > 0) {
    const h = dot(sub(p, a), n) / nn;
    const q: V = [p[0] - h * n[0], p[1] - h * n[1], p[2] - h * n[2]];
    const inside = dot(cross(sub(b, a), sub(q, a)), n) >= 0 && dot(cross(sub(c, b), sub(q, b)), n) >= 0 && dot(cross(sub(a, c), sub(q, c)), n) >= 0;
    if (inside) best = Math.min(best, Math.abs(h) * Math.sqrt(nn));
  }
  return best;
}

export function vertex(mesh: Mesh, i: number): V {
  return [mesh.positions[3 * i], mesh.positions[3 * i + 1], mesh.positions[3 * i + 2]];
}

/** Brute force: distance from p to every triangle of `mesh`; returns the minimum. */
export function bruteForceDistance(mesh: Mesh, p: V): number {
  let best = Infinity;
  for (let t = 0; t < mesh.indices.length / 3; t++) {
    best = Math.min(best, triangleDistance(mesh, t, p));
  }
  return best;
}

export function triangleDistance(mesh: Mesh, t: number, p: V): number {
  return pointTriangleDistance(p, vertex(mesh, mesh.indices[3 * t]), vertex(mesh, mesh.indices[3 * t + 1]), vertex(mesh, mesh.indices[3 * t + 2]));
}

/** Vertex weights by the definition: 1/3 of the area of each triangle that uses the vertex. */
export function vertexAreas(mesh: Mesh): Float64Array {
  const w = new Float64Array(mesh.positions.length / 3);
  for (let t = 0; t < mesh.indices.length / 3; t++) {
    const [a, b, c] = [0, 1, 2].map((k) => vertex(mesh, mesh.indices[3 * t + k]));
    const area = Math.hypot(...cross(sub(b, a), sub(c, a))) / 2;
    for (let k = 0; k < 3; k++) w[mesh.indices[3 * t + k]] += area / 3;
  }
  return w;
}

/** The weighted percentile of the definition: smallest |x|_(k) with C_k >= q W. */
export function weightedPercentile(values: number[], weights: number[], q: number): number {
  const order = values.map((v, i) => i).filter((i) => weights[i] > 0 && Number.isFinite(values[i]))
    .sort((i, j) => Math.abs(values[i]) - Math.abs(values[j]));
  const total = order.reduce((s, i) => s + weights[i], 0);
  let c = 0;
  for (const i of order) {
    c += weights[i];
    if (c >= q * total) return Math.abs(values[i]);
  }
  return Math.abs(values[order[order.length - 1]]);
}
