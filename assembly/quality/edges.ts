// Edges of a triangle mesh for quality reports: counts by class (boundary, non-manifold,
// misoriented), the non-manifold edges themselves, and the boundary loops (connected sets of
// boundary edges: holes and the open border of a scan) summarised as region records.
import { STATUS_OK, STATUS_INVALID_ARGUMENT, STATUS_CAPACITY_EXCEEDED } from "../abi/status";
import {
  REGION_BYTES, REGION_CENTROID, REGION_LENGTH, REGION_AREA, REGION_VECTOR,
  QEDGE_OUT_EDGES, QEDGE_OUT_BOUNDARY, QEDGE_OUT_NONMANIFOLD, QEDGE_OUT_MISORIENTED, QEDGE_OUT_LOOPS,
} from "../abi/quality-layout";
import { radixSortU64 } from "../util/radix-sort";
import { ufInit, ufFind, ufUnion } from "../util/union-find";
import { regionStart, regionGrow, regionAdd, regionAddVector, regionFinishCentroid } from "./region";
import { bitsFor, storeTriangleEdgeKeys } from "../meshing/edge-keys";

/** Scratch bytes quality_edges needs (TypeScript allocates it). */
export function quality_edges_scratch_bytes(vertexCount: u32, triangles: u32): f64 {
  // two u64 key buffers (3 per triangle), histogram, union-find parents and loop ids (u32 per vertex)
  return <f64>triangles * 3 * 16 + 8192 + <f64>vertexCount * 8 + 64;
}

/** Length of run of equal undirected edges starting at slot i of the sorted keys. */
@inline function runEnd(sorted: usize, i: u32, n: u32): u32 {
  let edge = load<u64>(sorted + (<usize>i << 3)) >> 1;
  let j = i + 1;
  while (j < n && (load<u64>(sorted + (<usize>j << 3)) >> 1) == edge) j++;
  return j;
}

/**
 * Analyses the edges of an indexed triangle mesh whose indices are all < vertexCount (check them
 * first). `scratch` holds quality_edges_scratch_bytes(vertexCount, triangles) bytes.
 * Edges are undirected vertex pairs: boundary = one triangle, non-manifold = three or more,
 * misoriented = two triangles that traverse it in the same direction. The first
 * `nonManifoldCapacity` non-manifold edges are written to `nonManifold` as u32 pairs (low, high
 * vertex index), in ascending order. Boundary loops are the connected sets of boundary edges
 * (vertices shared by two loops join them, as in mesh_topology); the first `loopCapacity` are
 * written to `loops` as REGION records (perimeter, spanned area, centroid, bounding box, vector
 * area; see abi/quality-layout.ts), ascending by their smallest vertex. When `vertexMarks` != 0,
 * marks[v] (u8) gets bit 1 for a vertex of a boundary edge and bit 2 for a vertex of a
 * non-manifold edge (other bits cleared).
 * Returns STATUS_OK, or STATUS_CAPACITY_EXCEEDED when there are more loops or non-manifold edges
 * than the capacities (every count in `out` is still complete), or STATUS_INVALID_ARGUMENT when
 * the vertex count needs more than 31 bits. out: QEDGE_OUT_*.
 */
export function quality_edges(
  positions: usize, vertexCount: u32, indices: usize, triangles: u32, scratch: usize,
  loops: usize, loopCapacity: u32, nonManifold: usize, nonManifoldCapacity: u32, vertexMarks: usize, out: usize,
): i32 {
  let vertexBits = bitsFor(vertexCount);
  if (vertexBits * 2 + 1 > 64) return STATUS_INVALID_ARGUMENT;
  let slots = triangles * 3;
  let keys = scratch;
  let tmp = keys + (<usize>slots << 3);
  let histogram = tmp + (<usize>slots << 3);
  let parent = histogram + 8192;
  let loopOf = parent + (<usize>vertexCount << 2);
  for (let t: u32 = 0; t < triangles; t++) {
    let ip = indices + <usize>t * 12;
    let a = load<u32>(ip), b = load<u32>(ip, 4), c = load<u32>(ip, 8);
    storeTriangleEdgeKeys(keys, t, a, b, c, vertexBits);
  }
  let sorted = radixSortU64(keys, tmp, slots, vertexBits * 2 + 1, histogram);
  let lowMask: u64 = (<u64>1 << vertexBits) - 1;
  if (vertexMarks != 0) memory.fill(vertexMarks, 0, vertexCount);

  // Classes; boundary edges joined into loops; non-manifold edges listed.
  let edges: u32 = 0, boundary: u32 = 0, nonmanifold: u32 = 0, misoriented: u32 = 0;
  ufInit(parent, vertexCount);
  let i: u32 = 0;
  while (i < slots) {
    let key = load<u64>(sorted + (<usize>i << 3));
    let j = runEnd(sorted, i, slots);
    let n = j - i;
    let lo = <u32>((key >> 1) >> vertexBits), hi = <u32>((key >> 1) & lowMask);
    edges++;
    if (n == 1) {
      boundary++;
      ufUnion(parent, lo, hi);
      if (vertexMarks != 0) {
        store<u8>(vertexMarks + lo, load<u8>(vertexMarks + lo) | 1);
        store<u8>(vertexMarks + hi, load<u8>(vertexMarks + hi) | 1);
      }
    } else if (n > 2) {
      if (nonmanifold < nonManifoldCapacity) {
        store<u32>(nonManifold + (<usize>nonmanifold << 3), lo);
        store<u32>(nonManifold + (<usize>nonmanifold << 3), hi, 4);
      }
      nonmanifold++;
      if (vertexMarks != 0) {
        store<u8>(vertexMarks + lo, load<u8>(vertexMarks + lo) | 2);
        store<u8>(vertexMarks + hi, load<u8>(vertexMarks + hi) | 2);
      }
    } else if ((key & 1) == (load<u64>(sorted + (<usize>(i + 1) << 3)) & 1)) misoriented++;
    i = j;
  }

  // Loops, first pass: ids in ascending order of their smallest vertex (the union-find root, and
  // the low vertex of the first edge met in key order); perimeter, midpoints, bounds.
  memory.fill(loopOf, 0, <usize>vertexCount << 2);
  let loopCount: u32 = 0;
  i = 0;
  while (i < slots) {
    let key = load<u64>(sorted + (<usize>i << 3));
    let j = runEnd(sorted, i, slots);
    if (j - i == 1) {
      let lo = <u32>((key >> 1) >> vertexBits), hi = <u32>((key >> 1) & lowMask);
      let root = ufFind(parent, lo);
      let slot = loopOf + (<usize>root << 2);
      let id = load<u32>(slot);
      if (id == 0) {
        id = ++loopCount;
        store<u32>(slot, id);
        if (id <= loopCapacity) regionStart(loops + <usize>(id - 1) * REGION_BYTES, root);
      }
      if (id <= loopCapacity) {
        let r = loops + <usize>(id - 1) * REGION_BYTES;
        let pa = positions + <usize>lo * 12, pb = positions + <usize>hi * 12;
        let ax = <f64>load<f32>(pa), ay = <f64>load<f32>(pa, 4), az = <f64>load<f32>(pa, 8);
        let bx = <f64>load<f32>(pb), by = <f64>load<f32>(pb, 4), bz = <f64>load<f32>(pb, 8);
        let len = Math.sqrt((bx - ax) * (bx - ax) + (by - ay) * (by - ay) + (bz - az) * (bz - az));
        regionAdd(r, len, 0, len, 0.5 * (ax + bx), 0.5 * (ay + by), 0.5 * (az + bz));
        regionGrow(r, pa);
        regionGrow(r, pb);
      }
    }
    i = j;
  }
  let stored = min(loopCount, loopCapacity);
  for (let k: u32 = 0; k < stored; k++) {
    let r = loops + <usize>k * REGION_BYTES;
    regionFinishCentroid(r, load<f64>(r + REGION_LENGTH));
  }
  // Second pass: vector area about each loop's centroid, edges directed as their triangle has them.
  i = 0;
  while (i < slots) {
    let key = load<u64>(sorted + (<usize>i << 3));
    let j = runEnd(sorted, i, slots);
    if (j - i == 1) {
      let lo = <u32>((key >> 1) >> vertexBits), hi = <u32>((key >> 1) & lowMask);
      let id = load<u32>(loopOf + (<usize>ufFind(parent, lo) << 2));
      if (id <= loopCapacity) {
        let r = loops + <usize>(id - 1) * REGION_BYTES;
        let from = (key & 1) != 0 ? hi : lo, to = (key & 1) != 0 ? lo : hi;
        let c = r + REGION_CENTROID;
        let cx = load<f64>(c), cy = load<f64>(c, 8), cz = load<f64>(c, 16);
        let pa = positions + <usize>from * 12, pb = positions + <usize>to * 12;
        let ax = <f64>load<f32>(pa) - cx, ay = <f64>load<f32>(pa, 4) - cy, az = <f64>load<f32>(pa, 8) - cz;
        let bx = <f64>load<f32>(pb) - cx, by = <f64>load<f32>(pb, 4) - cy, bz = <f64>load<f32>(pb, 8) - cz;
        regionAddVector(r, 0.5 * (ay * bz - az * by), 0.5 * (az * bx - ax * bz), 0.5 * (ax * by - ay * bx));
      }
    }
    i = j;
  }
  for (let k: u32 = 0; k < stored; k++) {
    let r = loops + <usize>k * REGION_BYTES;
    let v = r + REGION_VECTOR;
    let x = load<f64>(v), y = load<f64>(v, 8), z = load<f64>(v, 16);
    store<f64>(r + REGION_AREA, Math.sqrt(x * x + y * y + z * z));
  }
  store<u32>(out + QEDGE_OUT_EDGES, edges);
  store<u32>(out + QEDGE_OUT_BOUNDARY, boundary);
  store<u32>(out + QEDGE_OUT_NONMANIFOLD, nonmanifold);
  store<u32>(out + QEDGE_OUT_MISORIENTED, misoriented);
  store<u32>(out + QEDGE_OUT_LOOPS, loopCount);
  return loopCount > loopCapacity || nonmanifold > nonManifoldCapacity ? STATUS_CAPACITY_EXCEEDED : STATUS_OK;
}
