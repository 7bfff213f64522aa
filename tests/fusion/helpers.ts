// Scenes, exact frames and volume readers for the TSDF fusion tests.
import { createHash } from 'node:crypto';
import type { Engine, Mesh } from '../../src/index.js';
import type { CameraIntrinsics } from '../../src/camera/intrinsics.js';
import type { TsdfVolume } from '../../src/fusion/tsdf-volume.js';
import { invertRigid, type Transform } from '../../src/math/pose.js';
import type { Field } from '../reference/marching-cubes.js';

export const sha256 = (a: ArrayBufferView) => createHash('sha256').update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength)).digest('hex');

/** An icosphere (outward CCW), `level` subdivisions of the icosahedron. */
export function icosphere(center: [number, number, number], radius: number, level: number): Mesh {
  const t = (1 + Math.sqrt(5)) / 2;
  let verts: number[][] = [[-1, t, 0], [1, t, 0], [-1, -t, 0], [1, -t, 0], [0, -1, t], [0, 1, t], [0, -1, -t], [0, 1, -t], [t, 0, -1], [t, 0, 1], [-t, 0, -1], [-t, 0, 1]];
  let faces = [[0, 11, 5], [0, 5, 1], [0, 1, 7], [0, 7, 10], [0, 10, 11], [1, 5, 9], [5, 11, 4], [11, 10, 2], [10, 7, 6], [7, 1, 8],
    [3, 9, 4], [3, 4, 2], [3, 2, 6], [3, 6, 8], [3, 8, 9], [4, 9, 5], [2, 4, 11], [6, 2, 10], [8, 6, 7], [9, 8, 1]];
  const unit = (v: number[]) => { const n = Math.hypot(v[0], v[1], v[2]); return v.map((x) => x / n); };
  verts = verts.map(unit);
  for (let l = 0; l < level; l++) {
    const mid = new Map<string, number>();
    const midpoint = (a: number, b: number) => {
      const key = a < b ? `${a},${b}` : `${b},${a}`;
      let i = mid.get(key);
      if (i === undefined) { i = verts.length; verts.push(unit(verts[a].map((x, k) => x + verts[b][k]))); mid.set(key, i); }
      return i;
    };
    faces = faces.flatMap(([a, b, c]) => { const ab = midpoint(a, b), bc = midpoint(b, c), ca = midpoint(c, a); return [[a, ab, ca], [b, bc, ab], [c, ca, bc], [ab, bc, ca]]; });
  }
  const positions = new Float32Array(verts.flatMap((v) => v.map((x, k) => center[k] + radius * x)));
  return { positions, indices: new Uint32Array(faces.flat()) };
}

/** A quad (2 triangles) with corners a, b, c, d in counter-clockwise order seen from its front. */
export function quad(a: number[], b: number[], c: number[], d: number[]): Mesh {
  return { positions: new Float32Array([...a, ...b, ...c, ...d]), indices: new Uint32Array([0, 1, 2, 0, 2, 3]) };
}

export function mergeMeshes(...meshes: Mesh[]): Mesh {
  const positions = new Float32Array(meshes.reduce((s, m) => s + m.positions.length, 0));
  const indices = new Uint32Array(meshes.reduce((s, m) => s + m.indices.length, 0));
  let pv = 0, pi = 0;
  for (const m of meshes) {
    positions.set(m.positions, pv);
    for (let i = 0; i < m.indices.length; i++) indices[pi + i] = m.indices[i] + pv / 3;
    pv += m.positions.length; pi += m.indices.length;
  }
  return { positions, indices };
}

/** Exact depth (camera z, mm; 0 = miss) of a sphere, per pixel, by ray-sphere intersection. */
export function sphereDepth(k: CameraIntrinsics, cameraToWorld: Transform, center: number[], radius: number): Float32Array {
  const m = invertRigid(cameraToWorld);
  // Sphere centre in camera coordinates.
  const c = [0, 1, 2].map((r) => m[r] * center[0] + m[4 + r] * center[1] + m[8 + r] * center[2] + m[12 + r]);
  const out = new Float32Array(k.width * k.height);
  for (let v = 0; v < k.height; v++) for (let u = 0; u < k.width; u++) {
    // Ray p = z * (rx, ry, 1): |p - c|^2 = r^2, the smaller root.
    const rx = (u - k.cx) / k.fx, ry = (v - k.cy) / k.fy;
    const a = rx * rx + ry * ry + 1, b = -2 * (rx * c[0] + ry * c[1] + c[2]), cc = c[0] ** 2 + c[1] ** 2 + c[2] ** 2 - radius ** 2;
    const disc = b * b - 4 * a * cc;
    if (disc < 0) continue;
    const z = (-b - Math.sqrt(disc)) / (2 * a);
    if (z > 0) out[v * k.width + u] = z;
  }
  return out;
}

/** The voxels of a volume, read from snapshot(): block coordinates and each block's tsdf and weight. */
export interface ParsedVolume {
  count: number;
  /** Per block: x, y, z, the integration that last changed it. */
  coords: Int32Array;
  /** "bx,by,bz" -> block index. */
  byKey: Map<string, number>;
  tsdf: Int16Array[];
  weight: Uint16Array[];
  /** Field of tsdf values (NaN where unobserved or no block) for the marching-cubes oracle. */
  field(voxelSize: number): Field;
  /** tsdf i16 and weight u16 of a grid point; weight 0 (and tsdf 32767) without a block. */
  voxel(gx: number, gy: number, gz: number): { tsdf: number; weight: number };
}

/** Block coordinates ("bx,by,bz") of the blocks the latest integration changed (their stamp is its number). */
export function blocksChangedByLastFrame(engine: Engine, volume: TsdfVolume): Set<string> {
  const c = engine.wasm.constants as unknown as Record<string, number>;
  const snap = volume.snapshot();
  const view = new DataView(snap.buffer, snap.byteOffset, snap.byteLength);
  const count = view.getUint32(c.VOLUME_COUNT, true), frame = view.getUint32(c.VOLUME_FRAME, true);
  const out = new Set<string>();
  for (let b = 0; b < count; b++) {
    const at = (k: number) => view.getInt32(c.VOLUME_BYTES + 16 * b + 4 * k, true);
    if (at(3) === frame) out.add(`${at(0)},${at(1)},${at(2)}`);
  }
  return out;
}

export function parseSnapshot(engine: Engine, volume: TsdfVolume, snap = volume.snapshot()): ParsedVolume {
  const c = engine.wasm.constants as unknown as Record<string, number>;
  const view = new DataView(snap.buffer, snap.byteOffset, snap.byteLength);
  const count = view.getUint32(c.VOLUME_COUNT, true);
  if (snap.length !== c.VOLUME_BYTES + count * (16 + volume.blockBytes)) throw new Error('snapshot size does not match its block count');
  const coords = new Int32Array(4 * count);
  for (let i = 0; i < 4 * count; i++) coords[i] = view.getInt32(c.VOLUME_BYTES + 4 * i, true);
  const byKey = new Map<string, number>();
  const tsdf: Int16Array[] = [], weight: Uint16Array[] = [];
  const dataStart = c.VOLUME_BYTES + 16 * count;
  for (let b = 0; b < count; b++) {
    byKey.set(`${coords[4 * b]},${coords[4 * b + 1]},${coords[4 * b + 2]}`, b);
    const base = dataStart + b * volume.blockBytes;
    const t = new Int16Array(c.BLOCK_VOXELS), w = new Uint16Array(c.BLOCK_VOXELS);
    for (let v = 0; v < c.BLOCK_VOXELS; v++) {
      t[v] = view.getInt16(base + c.VOXEL_TSDF + 2 * v, true);
      w[v] = view.getUint16(base + c.VOXEL_WEIGHT + 2 * v, true);
    }
    tsdf.push(t); weight.push(w);
  }
  // A numeric key per block for fast lookups (exact for block coordinates within +-2^16).
  const numeric = (bx: number, by: number, bz: number) => ((bx + 2 ** 16) * 2 ** 17 + (by + 2 ** 16)) * 2 ** 17 + (bz + 2 ** 16);
  const byNumber = new Map<number, number>();
  for (let b = 0; b < count; b++) byNumber.set(numeric(coords[4 * b], coords[4 * b + 1], coords[4 * b + 2]), b);
  const voxel = (gx: number, gy: number, gz: number) => {
    const b = byNumber.get(numeric(gx >> 3, gy >> 3, gz >> 3));
    if (b === undefined) return { tsdf: 32767, weight: 0 };
    const v = ((gz & 7) * 8 + (gy & 7)) * 8 + (gx & 7);
    return { tsdf: tsdf[b][v], weight: weight[b][v] };
  };
  const field = (voxelSize: number): Field => {
    const lo = [Infinity, Infinity, Infinity], hi = [-Infinity, -Infinity, -Infinity];
    for (let b = 0; b < count; b++) for (let k = 0; k < 3; k++) {
      lo[k] = Math.min(lo[k], coords[4 * b + k]); hi[k] = Math.max(hi[k], coords[4 * b + k]);
    }
    return {
      origin: [lo[0] * 8, lo[1] * 8, lo[2] * 8],
      size: [(hi[0] - lo[0] + 1) * 8, (hi[1] - lo[1] + 1) * 8, (hi[2] - lo[2] + 1) * 8],
      voxelSize,
      value: (gx, gy, gz) => { const v = voxel(gx, gy, gz); return v.weight === 0 ? NaN : v.tsdf / 32767; },
    };
  };
  return { count, coords, byKey, tsdf, weight, field, voxel };
}

/** A mesh's triangles as strings of their 9 coordinates (for multiset comparisons). */
export function triangleKeys(mesh: Mesh): string[] {
  const out: string[] = [];
  const p = mesh.positions, idx = mesh.indices;
  for (let t = 0; t < idx.length; t += 3) {
    const a = idx[t], b = idx[t + 1], c = idx[t + 2];
    out.push([p[3 * a], p[3 * a + 1], p[3 * a + 2], p[3 * b], p[3 * b + 1], p[3 * b + 2], p[3 * c], p[3 * c + 1], p[3 * c + 2]].join(' '));
  }
  return out;
}

/** The volume's record with its heap addresses zeroed (they differ between volumes) followed by the rest of the snapshot. */
export function snapshotWithoutAddresses(engine: Engine, snap: Uint8Array): Uint8Array {
  const c = engine.wasm.constants as unknown as Record<string, number>;
  const out = snap.slice();
  const view = new DataView(out.buffer);
  for (const f of ['VOLUME_HASH', 'VOLUME_COORDS', 'VOLUME_DATA', 'VOLUME_TOUCHED', 'VOLUME_STAMP']) view.setUint32(c[f], 0, true);
  return out;
}

/**
 * The grid edge a marching-cubes vertex lies on, as "gx,gy,gz,axis" (two coordinates are grid
 * points, the third lies strictly between gx and gx + 1 along `axis`).
 */
export function edgeKey(x: number, y: number, z: number, voxelSize: number): string {
  const g = [x / voxelSize, y / voxelSize, z / voxelSize];
  const fractional = g.map((c) => Math.abs(c - Math.round(c)) > 1e-5);
  const axis = fractional.indexOf(true);
  if (axis < 0 || fractional.lastIndexOf(true) !== axis) throw new Error(`(${x}, ${y}, ${z}) is not on a grid edge`);
  return `${g.map((c, k) => (k === axis ? Math.floor(c) : Math.round(c))).join(',')},${axis}`;
}

/** Triangles (9 coordinates each) as edge-key triples, and every vertex's position by edge key. */
export function byEdges(triangles: ArrayLike<number>[], voxelSize: number): { triangles: string[]; vertices: Map<string, number[]> } {
  const vertices = new Map<string, number[]>();
  const keys = triangles.map((t) => [0, 1, 2].map((c) => {
    const p = [t[3 * c], t[3 * c + 1], t[3 * c + 2]];
    const key = edgeKey(p[0], p[1], p[2], voxelSize);
    vertices.set(key, p);
    return key;
  }).join(' '));
  return { triangles: keys, vertices };
}

/** A mesh's triangles as arrays of 9 coordinates. */
export function meshTriangles(mesh: Mesh): Float32Array[] {
  const out: Float32Array[] = [];
  for (let t = 0; t < mesh.indices.length; t += 3) {
    const tri = new Float32Array(9);
    for (let c = 0; c < 3; c++) tri.set(mesh.positions.subarray(3 * mesh.indices[t + c], 3 * mesh.indices[t + c] + 3), 3 * c);
    out.push(tri);
  }
  return out;
}
