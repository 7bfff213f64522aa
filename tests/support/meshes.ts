// Seeded synthetic meshes and hand-built files for tests (no files on disk needed).
import type { Mesh } from '../../src/index.js';

/** mulberry32: a small deterministic PRNG; returns floats in [0, 1). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The wavy height-field grid of ../shared/peers (threejs_io.mjs, open3d_io.py): about
 * `triangles` triangles, 0.1 mm spacing, deterministic. Same mesh as the peers benchmark.
 */
export function wavyGrid(triangles: number): Mesh {
  const side = Math.floor(Math.sqrt(triangles / 2)) + 1;
  const positions = new Float32Array(side * side * 3);
  for (let v = 0; v < side; v++) {
    for (let u = 0; u < side; u++) {
      const k = (v * side + u) * 3;
      positions[k] = u * 0.1;
      positions[k + 1] = v * 0.1;
      positions[k + 2] = Math.sin(u * 0.05) * Math.cos(v * 0.07) * 3;
    }
  }
  const indices = new Uint32Array((side - 1) * (side - 1) * 6);
  let j = 0;
  for (let v = 0; v < side - 1; v++) {
    for (let u = 0; u < side - 1; u++) {
      const i = v * side + u;
      indices.set([i, i + 1, i + side, i + 1, i + side + 1, i + side], j);
      j += 6;
    }
  }
  return { positions, indices };
}

/** A closed axis-aligned box (12 triangles, outward CCW), size in mm. */
export function box(sx = 1, sy = 1, sz = 1): Mesh {
  const positions = new Float32Array([
    0, 0, 0, sx, 0, 0, sx, sy, 0, 0, sy, 0,
    0, 0, sz, sx, 0, sz, sx, sy, sz, 0, sy, sz,
  ]);
  const indices = new Uint32Array([
    0, 2, 1, 0, 3, 2, // bottom (z = 0), facing -z
    4, 5, 6, 4, 6, 7, // top, +z
    0, 1, 5, 0, 5, 4, // y = 0, -y
    2, 3, 7, 2, 7, 6, // y = sy, +y
    1, 2, 6, 1, 6, 5, // x = sx, +x
    3, 0, 4, 3, 4, 7, // x = 0, -x
  ]);
  return { positions, indices };
}

/** Binary STL bytes from a triangle soup (9 floats per triangle), with header and attributes. */
export function binaryStl(soup: ArrayLike<number>, options: { header?: string | Uint8Array; attributes?: number[]; normals?: number[] } = {}): Uint8Array {
  const n = soup.length / 9;
  const out = new Uint8Array(84 + 50 * n);
  const dv = new DataView(out.buffer);
  const h = options.header ?? 'scanfuse test';
  out.set(typeof h === 'string' ? new TextEncoder().encode(h).subarray(0, 80) : h.subarray(0, 80));
  dv.setUint32(80, n, true);
  for (let t = 0; t < n; t++) {
    const o = 84 + 50 * t;
    for (let k = 0; k < 3; k++) dv.setFloat32(o + 4 * k, options.normals?.[3 * t + k] ?? 0, true);
    for (let k = 0; k < 9; k++) dv.setFloat32(o + 12 + 4 * k, soup[9 * t + k], true);
    dv.setUint16(o + 48, options.attributes?.[t] ?? 0, true);
  }
  return out;
}

/** The triangle soup (9 floats per triangle) of an indexed mesh. */
export function soupOf(mesh: Mesh): Float32Array {
  const out = new Float32Array(mesh.indices.length * 3);
  for (let i = 0; i < mesh.indices.length; i++) out.set(mesh.positions.subarray(3 * mesh.indices[i], 3 * mesh.indices[i] + 3), 3 * i);
  return out;
}

export const text = (s: string) => new TextEncoder().encode(s);

/** Concatenates byte arrays. */
export function bytes(...parts: Array<Uint8Array | string | number[]>): Uint8Array {
  const arrays = parts.map((p) => (typeof p === 'string' ? text(p) : p instanceof Uint8Array ? p : Uint8Array.from(p)));
  const out = new Uint8Array(arrays.reduce((s, a) => s + a.length, 0));
  let at = 0;
  for (const a of arrays) { out.set(a, at); at += a.length; }
  return out;
}

/** Little- or big-endian binary values of PLY types, for hand-built binary PLY bodies. */
export function binaryValues(values: Array<[string, number]>, littleEndian = true): Uint8Array {
  const sizes: Record<string, number> = { char: 1, uchar: 1, short: 2, ushort: 2, int: 4, uint: 4, float: 4, double: 8 };
  const total = values.reduce((s, [t]) => s + sizes[t], 0);
  const out = new Uint8Array(total);
  const dv = new DataView(out.buffer);
  let o = 0;
  for (const [t, v] of values) {
    switch (t) {
      case 'char': dv.setInt8(o, v); break;
      case 'uchar': dv.setUint8(o, v); break;
      case 'short': dv.setInt16(o, v, littleEndian); break;
      case 'ushort': dv.setUint16(o, v, littleEndian); break;
      case 'int': dv.setInt32(o, v, littleEndian); break;
      case 'uint': dv.setUint32(o, v, littleEndian); break;
      case 'float': dv.setFloat32(o, v, littleEndian); break;
      case 'double': dv.setFloat64(o, v, littleEndian); break;
      default: throw new Error(t);
    }
    o += sizes[t];
  }
  return out;
}
