// Slow, obviously-correct reference of the scan-quality kernels (assembly/quality): edges in a Map,
// boundary loops and components with a plain union-find, their sums in f64.
import type { Mesh } from '../../src/index.js';

type Vec3 = [number, number, number];
export interface ReferenceRegion {
  count: number;
  length: number;
  area: number;
  centroid: Vec3;
  min: Vec3;
  max: Vec3;
  vector: Vec3;
  seed: number;
}

function find(parent: Int32Array, x: number): number {
  while (parent[x] !== x) x = parent[x] = parent[parent[x]];
  return x;
}
function union(parent: Int32Array, a: number, b: number): void {
  const ra = find(parent, a), rb = find(parent, b);
  if (ra !== rb) parent[Math.max(ra, rb)] = Math.min(ra, rb);
}
const emptyRegion = (seed: number): ReferenceRegion => ({
  count: 0, length: 0, area: 0, centroid: [0, 0, 0], min: [Infinity, Infinity, Infinity], max: [-Infinity, -Infinity, -Infinity], vector: [0, 0, 0], seed,
});
const grow = (r: ReferenceRegion, p: ArrayLike<number>, v: number) => {
  for (let k = 0; k < 3; k++) { r.min[k] = Math.min(r.min[k], p[3 * v + k]); r.max[k] = Math.max(r.max[k], p[3 * v + k]); }
};

/** Edge classes, non-manifold edges (sorted pairs) and boundary loops (ascending by smallest vertex). */
export function referenceEdges(mesh: Mesh) {
  const p = mesh.positions, idx = mesh.indices, n = p.length / 3;
  const edges = new Map<string, { lo: number; hi: number; directed: Array<[number, number]> }>();
  for (let t = 0; t < idx.length; t += 3) {
    for (let k = 0; k < 3; k++) {
      const a = idx[t + k], b = idx[t + ((k + 1) % 3)];
      const lo = Math.min(a, b), hi = Math.max(a, b), key = `${lo},${hi}`;
      let e = edges.get(key);
      if (!e) edges.set(key, (e = { lo, hi, directed: [] }));
      e.directed.push([a, b]);
    }
  }
  let boundary = 0, misoriented = 0;
  const nonManifold: Array<[number, number]> = [];
  const parent = Int32Array.from({ length: n }, (_, i) => i);
  const boundaryEdges: Array<[number, number]> = [];
  for (const e of edges.values()) {
    if (e.directed.length === 1) { boundary++; union(parent, e.lo, e.hi); boundaryEdges.push(e.directed[0]); }
    else if (e.directed.length > 2) nonManifold.push([e.lo, e.hi]);
    else if (e.directed[0][0] === e.directed[1][0]) misoriented++;
  }
  nonManifold.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const loops = new Map<number, ReferenceRegion>();
  for (const [a, b] of boundaryEdges) {
    const root = find(parent, a);
    let r = loops.get(root);
    if (!r) loops.set(root, (r = emptyRegion(root)));
    const len = Math.hypot(p[3 * b] - p[3 * a], p[3 * b + 1] - p[3 * a + 1], p[3 * b + 2] - p[3 * a + 2]);
    r.count++;
    r.length += len;
    for (let k = 0; k < 3; k++) r.centroid[k] += len * 0.5 * (p[3 * a + k] + p[3 * b + k]);
    grow(r, p, a);
    grow(r, p, b);
  }
  for (const r of loops.values()) {
    if (r.length > 0) for (let k = 0; k < 3; k++) r.centroid[k] /= r.length;
    else for (let k = 0; k < 3; k++) r.centroid[k] = 0.5 * (r.min[k] + r.max[k]);
  }
  for (const [a, b] of boundaryEdges) {
    const r = loops.get(find(parent, a))!, c = r.centroid;
    const u = [p[3 * a] - c[0], p[3 * a + 1] - c[1], p[3 * a + 2] - c[2]], v = [p[3 * b] - c[0], p[3 * b + 1] - c[1], p[3 * b + 2] - c[2]];
    r.vector[0] += 0.5 * (u[1] * v[2] - u[2] * v[1]);
    r.vector[1] += 0.5 * (u[2] * v[0] - u[0] * v[2]);
    r.vector[2] += 0.5 * (u[0] * v[1] - u[1] * v[0]);
  }
  for (const r of loops.values()) r.area = Math.hypot(...r.vector);
  return {
    edgeCount: edges.size, boundary, nonManifold, misoriented,
    loops: [...loops.values()].sort((a, b) => a.seed - b.seed),
  };
}

/** Components of the triangles with a non-zero mask (all without one), in the order of their first triangle. */
export function referenceComponents(mesh: Mesh, mask?: Uint8Array): ReferenceRegion[] {
  const p = mesh.positions, idx = mesh.indices, n = p.length / 3;
  const parent = Int32Array.from({ length: n }, (_, i) => i);
  const use = (t: number) => !mask || mask[t] !== 0;
  for (let t = 0; t < idx.length / 3; t++) if (use(t)) { union(parent, idx[3 * t], idx[3 * t + 1]); union(parent, idx[3 * t], idx[3 * t + 2]); }
  const byRoot = new Map<number, ReferenceRegion>();
  const order: ReferenceRegion[] = [];
  for (let t = 0; t < idx.length / 3; t++) {
    if (!use(t)) continue;
    const [a, b, c] = [idx[3 * t], idx[3 * t + 1], idx[3 * t + 2]];
    const root = find(parent, a);
    let r = byRoot.get(root);
    if (!r) { byRoot.set(root, (r = emptyRegion(a))); order.push(r); }
    const u = [0, 1, 2].map((k) => p[3 * b + k] - p[3 * a + k]), v = [0, 1, 2].map((k) => p[3 * c + k] - p[3 * a + k]);
    const nrm: Vec3 = [0.5 * (u[1] * v[2] - u[2] * v[1]), 0.5 * (u[2] * v[0] - u[0] * v[2]), 0.5 * (u[0] * v[1] - u[1] * v[0])];
    const area = Math.hypot(...nrm);
    r.count++;
    r.area += area;
    for (let k = 0; k < 3; k++) {
      r.centroid[k] += area * (p[3 * a + k] + p[3 * b + k] + p[3 * c + k]) / 3;
      r.vector[k] += nrm[k];
    }
    grow(r, p, a); grow(r, p, b); grow(r, p, c);
  }
  for (const r of order) {
    if (r.area > 0) for (let k = 0; k < 3; k++) r.centroid[k] /= r.area;
    else for (let k = 0; k < 3; k++) r.centroid[k] = 0.5 * (r.min[k] + r.max[k]);
  }
  return order;
}
