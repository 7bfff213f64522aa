// Marching cubes over a dense grid of samples (the simulator's scene; fusion reuses the per-cube
// math). Vertices are shared through per-slice edge caches: each grid edge gets one vertex.
// Inside is value < iso; triangles are counter-clockwise seen from outside (value >= iso),
// i.e. their right-hand normals follow the field's gradient.
import { STATUS_OK, STATUS_INVALID_ARGUMENT, STATUS_CAPACITY_EXCEEDED } from "../abi/status";
import { MC_OUT_VERTICES, MC_OUT_TRIANGLES } from "../abi/layout";
import { MC_EDGE_TABLE, MC_TRI_TABLE } from "./mc-tables";

const EMPTY: u32 = 0xffffffff;
/** Interpolation parameters are kept inside [T_MIN, 1 - T_MIN] so no two vertices coincide. */
const T_MIN: f32 = 1e-4;

/** Case index of a cube from its 8 corner values (bit i: corner i inside). */
@inline export function cubeCase(v0: f32, v1: f32, v2: f32, v3: f32, v4: f32, v5: f32, v6: f32, v7: f32, iso: f32): u32 {
  return <u32>(v0 < iso) | (<u32>(v1 < iso) << 1) | (<u32>(v2 < iso) << 2) | (<u32>(v3 < iso) << 3)
    | (<u32>(v4 < iso) << 4) | (<u32>(v5 < iso) << 5) | (<u32>(v6 < iso) << 6) | (<u32>(v7 < iso) << 7);
}

/** Where along an edge from value a to value b the iso value lies (a and b on opposite sides). */
@inline export function edgeParameter(a: f32, b: f32, iso: f32): f32 {
  let t = (iso - a) / (b - a);
  return t < T_MIN ? T_MIN : t > 1 - T_MIN ? 1 - T_MIN : t;
}

/** Number of triangles of a case. */
@inline export function caseTriangles(c: u32): u32 {
  let n: u32 = 0;
  while (n < 5 && load<i8>(MC_TRI_TABLE + (c << 4) + n * 3) >= 0) n++;
  return n;
}

@inline function sample(values: usize, nx: u32, ny: u32, x: u32, y: u32, z: u32): f32 {
  return load<f32>(values + ((<usize>z * ny + y) * nx + x) * 4);
}

/**
 * Counts what mc_dense will produce for an nx x ny x nz grid of samples (f32, x fastest).
 * out: MC_OUT_VERTICES (crossed grid edges), MC_OUT_TRIANGLES.
 */
export function mc_dense_count(values: usize, nx: u32, ny: u32, nz: u32, iso: f32, out: usize): i32 {
  if (nx < 2 || ny < 2 || nz < 2) return STATUS_INVALID_ARGUMENT;
  let vertices: u64 = 0, triangles: u64 = 0;
  for (let z: u32 = 0; z < nz; z++) {
    for (let y: u32 = 0; y < ny; y++) {
      for (let x: u32 = 0; x < nx; x++) {
        let inside = sample(values, nx, ny, x, y, z) < iso;
        if (x + 1 < nx && inside != (sample(values, nx, ny, x + 1, y, z) < iso)) vertices++;
        if (y + 1 < ny && inside != (sample(values, nx, ny, x, y + 1, z) < iso)) vertices++;
        if (z + 1 < nz && inside != (sample(values, nx, ny, x, y, z + 1) < iso)) vertices++;
        if (x + 1 < nx && y + 1 < ny && z + 1 < nz) {
          let c = cubeCase(
            sample(values, nx, ny, x, y, z), sample(values, nx, ny, x + 1, y, z), sample(values, nx, ny, x + 1, y + 1, z), sample(values, nx, ny, x, y + 1, z),
            sample(values, nx, ny, x, y, z + 1), sample(values, nx, ny, x + 1, y, z + 1), sample(values, nx, ny, x + 1, y + 1, z + 1), sample(values, nx, ny, x, y + 1, z + 1), iso);
          triangles += caseTriangles(c);
        }
      }
    }
  }
  store<u32>(out + MC_OUT_VERTICES, <u32>min<u64>(vertices, 0xffffffff));
  store<u32>(out + MC_OUT_TRIANGLES, <u32>min<u64>(triangles, 0xffffffff));
  return STATUS_OK;
}

/**
 * Marching cubes over a dense grid. Sample (x, y, z) sits at origin + (x, y, z) * spacing (mm).
 * Writes up to maxVertices positions (3 f32) and maxTriangles index triples (3 u32); `cache`
 * holds 5 * nx * ny u32 (edge-to-vertex caches for two slices). Vertices are numbered in the
 * order they are first needed (deterministic). out: MC_OUT_VERTICES, MC_OUT_TRIANGLES.
 * STATUS_CAPACITY_EXCEEDED if the outputs are too small (mc_dense_count gives exact sizes).
 */
export function mc_dense(
  values: usize, nx: u32, ny: u32, nz: u32, originX: f32, originY: f32, originZ: f32, spacing: f32, iso: f32,
  positions: usize, maxVertices: u32, indices: usize, maxTriangles: u32, cache: usize, out: usize,
): i32 {
  if (nx < 2 || ny < 2 || nz < 2 || !(spacing > 0)) return STATUS_INVALID_ARGUMENT;
  let plane = <usize>nx * ny;
  // Caches: x-edges and y-edges of the bottom and top slices, z-edges between them.
  let xBottom = cache, yBottom = cache + plane * 4, xTop = cache + plane * 8, yTop = cache + plane * 12, zEdges = cache + plane * 16;
  memory.fill(xBottom, 0xff, plane * 16);
  let vertexCount: u32 = 0, triangleCount: u32 = 0;
  let edgeVertex = new StaticArray<u32>(12);
  for (let z: u32 = 0; z + 1 < nz; z++) {
    memory.fill(xTop, 0xff, plane * 8);
    memory.fill(zEdges, 0xff, plane * 4);
    for (let y: u32 = 0; y + 1 < ny; y++) {
      for (let x: u32 = 0; x + 1 < nx; x++) {
        let v0 = sample(values, nx, ny, x, y, z), v1 = sample(values, nx, ny, x + 1, y, z);
        let v2 = sample(values, nx, ny, x + 1, y + 1, z), v3 = sample(values, nx, ny, x, y + 1, z);
        let v4 = sample(values, nx, ny, x, y, z + 1), v5 = sample(values, nx, ny, x + 1, y, z + 1);
        let v6 = sample(values, nx, ny, x + 1, y + 1, z + 1), v7 = sample(values, nx, ny, x, y + 1, z + 1);
        let c = cubeCase(v0, v1, v2, v3, v4, v5, v6, v7, iso);
        if (c == 0 || c == 255) continue;
        let edges = <u32>load<u16>(MC_EDGE_TABLE + (c << 1));
        for (let e: u32 = 0; e < 12; e++) {
          if ((edges & (<u32>1 << e)) == 0) continue;
          // The cache slot of edge e of this cube, and its endpoints (lower-coordinate first).
          let slot: usize; let ax = x, ay = y, az = z; let axis: u32; let va: f32, vb: f32;
          switch (e) {
            case 0: slot = xBottom + ((<usize>y * nx + x) << 2); axis = 0; va = v0; vb = v1; break;
            case 1: slot = yBottom + ((<usize>y * nx + x + 1) << 2); ax = x + 1; axis = 1; va = v1; vb = v2; break;
            case 2: slot = xBottom + ((<usize>(y + 1) * nx + x) << 2); ay = y + 1; axis = 0; va = v3; vb = v2; break;
            case 3: slot = yBottom + ((<usize>y * nx + x) << 2); axis = 1; va = v0; vb = v3; break;
            case 4: slot = xTop + ((<usize>y * nx + x) << 2); az = z + 1; axis = 0; va = v4; vb = v5; break;
            case 5: slot = yTop + ((<usize>y * nx + x + 1) << 2); ax = x + 1; az = z + 1; axis = 1; va = v5; vb = v6; break;
            case 6: slot = xTop + ((<usize>(y + 1) * nx + x) << 2); ay = y + 1; az = z + 1; axis = 0; va = v7; vb = v6; break;
            case 7: slot = yTop + ((<usize>y * nx + x) << 2); az = z + 1; axis = 1; va = v4; vb = v7; break;
            case 8: slot = zEdges + ((<usize>y * nx + x) << 2); axis = 2; va = v0; vb = v4; break;
            case 9: slot = zEdges + ((<usize>y * nx + x + 1) << 2); ax = x + 1; axis = 2; va = v1; vb = v5; break;
            case 10: slot = zEdges + ((<usize>(y + 1) * nx + x + 1) << 2); ax = x + 1; ay = y + 1; axis = 2; va = v2; vb = v6; break;
            default: slot = zEdges + ((<usize>(y + 1) * nx + x) << 2); ay = y + 1; axis = 2; va = v3; vb = v7; break;
          }
          let id = load<u32>(slot);
          if (id == EMPTY) {
            if (vertexCount >= maxVertices) return STATUS_CAPACITY_EXCEEDED;
            id = vertexCount++;
            store<u32>(slot, id);
            let t = edgeParameter(va, vb, iso);
            let px = originX + <f32>ax * spacing, py = originY + <f32>ay * spacing, pz = originZ + <f32>az * spacing;
            if (axis == 0) px += t * spacing; else if (axis == 1) py += t * spacing; else pz += t * spacing;
            let q = positions + <usize>id * 12;
            store<f32>(q, px); store<f32>(q, py, 4); store<f32>(q, pz, 8);
          }
          unchecked(edgeVertex[e] = id);
        }
        let row = MC_TRI_TABLE + (c << 4);
        for (let k: u32 = 0; k < 15; k += 3) {
          let e0 = load<i8>(row + k);
          if (e0 < 0) break;
          if (triangleCount >= maxTriangles) return STATUS_CAPACITY_EXCEEDED;
          let q = indices + <usize>triangleCount * 12;
          store<u32>(q, unchecked(edgeVertex[e0]));
          store<u32>(q, unchecked(edgeVertex[load<i8>(row + k + 1)]), 4);
          store<u32>(q, unchecked(edgeVertex[load<i8>(row + k + 2)]), 8);
          triangleCount++;
        }
      }
    }
    // The top slice becomes the bottom slice.
    let tx = xBottom; xBottom = xTop; xTop = tx;
    let ty = yBottom; yBottom = yTop; yTop = ty;
  }
  store<u32>(out + MC_OUT_VERTICES, vertexCount);
  store<u32>(out + MC_OUT_TRIANGLES, triangleCount);
  return STATUS_OK;
}
