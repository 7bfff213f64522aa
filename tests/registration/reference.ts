// Slow, obviously correct references for the registration kernels (oracles of the tests).
const f = Math.fround;

/** Squared distance in f32 arithmetic, in the kernel's order: ((dx dx + dy dy) + dz dz). */
export function dist2F32(px: number, py: number, pz: number, qx: number, qy: number, qz: number): number {
  const dx = f(px - qx), dy = f(py - qy), dz = f(pz - qz);
  return f(f(f(dx * dx) + f(dy * dy)) + f(dz * dz));
}

/**
 * k nearest of `points` to each query by brute force: for each query, every finite point with
 * d2 <= maxDistance^2 (f32), sorted by (distance, index). Distances are f32 sqrt of the f32 d2.
 */
export function bruteForceKnn(points: Float32Array, queries: Float32Array, k: number, maxDistance = Infinity):
  { indices: Int32Array; distances: Float32Array } {
  const q = queries.length / 3, n = points.length / 3;
  const indices = new Int32Array(q * k).fill(-1), distances = new Float32Array(q * k).fill(Infinity);
  const r2 = f(maxDistance * maxDistance);
  for (let i = 0; i < q; i++) {
    const qx = f(queries[3 * i]), qy = f(queries[3 * i + 1]), qz = f(queries[3 * i + 2]);
    if (!Number.isFinite(qx + qy + qz)) continue;
    const found: Array<[number, number]> = [];
    for (let j = 0; j < n; j++) {
      const px = points[3 * j], py = points[3 * j + 1], pz = points[3 * j + 2];
      if (!Number.isFinite(px + py + pz)) continue;
      const d2 = dist2F32(px, py, pz, qx, qy, qz);
      if (d2 <= r2) found.push([d2, j]);
    }
    found.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    for (let j = 0; j < Math.min(k, found.length); j++) {
      indices[i * k + j] = found[j][1];
      distances[i * k + j] = f(Math.sqrt(found[j][0]));
    }
  }
  return { indices, distances };
}

/** Voxel downsampling by a Map: mean per voxel (f64), voxels in order of first point. */
export function referenceVoxelDownsample(positions: Float32Array, normals: Float32Array | undefined, v: number):
  { positions: Float32Array; normals?: Float32Array } {
  const voxels = new Map<string, { sum: number[]; n: number; nsum: number[] }>();
  for (let i = 0; i < positions.length; i += 3) {
    const x = positions[i], y = positions[i + 1], z = positions[i + 2];
    if (!Number.isFinite(x + y + z)) continue;
    const key = `${Math.floor(x * (1 / v))},${Math.floor(y * (1 / v))},${Math.floor(z * (1 / v))}`;
    let e = voxels.get(key);
    if (!e) voxels.set(key, (e = { sum: [0, 0, 0], n: 0, nsum: [0, 0, 0] }));
    e.n++;
    for (let a = 0; a < 3; a++) {
      e.sum[a] += positions[i + a];
      if (normals) e.nsum[a] += normals[i + a];
    }
  }
  const out = new Float32Array(voxels.size * 3), outN = new Float32Array(voxels.size * 3);
  let j = 0;
  for (const e of voxels.values()) {
    for (let a = 0; a < 3; a++) out[j * 3 + a] = e.sum[a] / e.n;
    const len = Math.hypot(e.nsum[0], e.nsum[1], e.nsum[2]);
    for (let a = 0; a < 3; a++) outN[j * 3 + a] = len > 0 ? e.nsum[a] / len : 0;
    j++;
  }
  return normals ? { positions: out, normals: outN } : { positions: out };
}

/**
 * FPFH as Open3D computes it (pipelines/registration/Feature.cpp), in f64, with neighbours = all
 * points within `radius` except the point itself (and coincident points), every point with a normal.
 * 33 values per point.
 */
export function referenceFpfh(positions: Float32Array, normals: Float32Array, radius: number): Float64Array {
  const n = positions.length / 3;
  const P = (i: number) => [positions[3 * i], positions[3 * i + 1], positions[3 * i + 2]];
  const N = (i: number) => [normals[3 * i], normals[3 * i + 1], normals[3 * i + 2]];
  const dot = (a: number[], b: number[]) => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
  const cross = (a: number[], b: number[]) => [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
  const neighbours: Array<Array<[number, number]>> = [];
  for (let i = 0; i < n; i++) {
    const list: Array<[number, number]> = [];
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      const d = [positions[3 * j] - positions[3 * i], positions[3 * j + 1] - positions[3 * i + 1], positions[3 * j + 2] - positions[3 * i + 2]];
      const d2 = dot(d, d);
      if (d2 > 0 && d2 <= radius * radius) list.push([j, d2]);
    }
    neighbours.push(list);
  }
  const pair = (p1: number[], n1: number[], p2: number[], n2: number[]): number[] | null => {
    let dp = [p2[0] - p1[0], p2[1] - p1[1], p2[2] - p1[2]];
    const len = Math.hypot(dp[0], dp[1], dp[2]);
    if (len === 0) return null;
    let u = n1, t = n2, theta;
    const a1 = dot(n1, dp) / len, a2 = dot(n2, dp) / len;
    if (Math.acos(Math.abs(a1)) > Math.acos(Math.abs(a2))) { u = n2; t = n1; dp = dp.map((x) => -x); theta = -a2; } else theta = a1;
    let v = cross(dp, u);
    const vn = Math.hypot(v[0], v[1], v[2]);
    if (vn === 0) return null;
    v = v.map((x) => x / vn);
    const w = cross(u, v);
    return [Math.atan2(dot(w, t), dot(u, t)), dot(v, t), theta];
  };
  const bin = (x: number, lo: number, hi: number) => Math.min(10, Math.max(0, Math.floor((11 * (x - lo)) / (hi - lo))));
  const spfh = neighbours.map((list, i) => {
    const h = new Float64Array(33);
    const feats = list.map(([j]) => pair(P(i), N(i), P(j), N(j))).filter((x): x is number[] => x !== null);
    for (const [alpha, phi, theta] of feats) {
      h[bin(alpha, -Math.PI, Math.PI)] += 100 / feats.length;
      h[11 + bin(phi, -1, 1)] += 100 / feats.length;
      h[22 + bin(theta, -1, 1)] += 100 / feats.length;
    }
    return h;
  });
  const out = new Float64Array(n * 33);
  for (let i = 0; i < n; i++) {
    const sums = [0, 0, 0];
    const acc = new Float64Array(33);
    for (const [j, d2] of neighbours[i]) for (let b = 0; b < 33; b++) { acc[b] += spfh[j][b] / d2; sums[Math.floor(b / 11)] += spfh[j][b] / d2; }
    for (let b = 0; b < 33; b++) {
      const s = sums[Math.floor(b / 11)];
      out[i * 33 + b] = (s > 0 ? (acc[b] * 100) / s : 0) + spfh[i][b];
    }
  }
  return out;
}
