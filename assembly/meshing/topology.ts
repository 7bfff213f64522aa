// Mesh topology and measures for `scanfuse info` and quality reports: edge classes (boundary,
// non-manifold, misoriented), connected components, boundary loops, area, volume, bounds.
import { STATUS_OK, STATUS_INVALID_ARGUMENT } from "../abi/status";
import {
  TOPO_OUT_EDGES, TOPO_OUT_BOUNDARY_EDGES, TOPO_OUT_NONMANIFOLD_EDGES, TOPO_OUT_MISORIENTED_EDGES,
  TOPO_OUT_COMPONENTS, TOPO_OUT_BOUNDARY_LOOPS, TOPO_OUT_REFERENCED_VERTICES, TOPO_OUT_AREA,
  TOPO_OUT_VOLUME, TOPO_OUT_MIN_X, TOPO_OUT_LARGEST_COMPONENT_TRIANGLES,
} from "../abi/layout";
import { radixSortU64 } from "../util/radix-sort";
import { ufInit, ufFind, ufUnion } from "../util/union-find";
import { bitsFor, storeTriangleEdgeKeys } from "./edge-keys";

/** Scratch bytes mesh_topology needs for a mesh of this size (TypeScript allocates it). */
export function mesh_topology_scratch_bytes(vertexCount: u32, triangles: u32): f64 {
  // two u64 key buffers (3 per triangle), histogram, parent + per-root counters (u32 per vertex)
  return <f64>triangles * 3 * 16 + 8192 + <f64>vertexCount * 8 + 64;
}

/**
 * Analyses an indexed triangle mesh whose indices are all < vertexCount (mesh_check first).
 * `scratch` holds mesh_topology_scratch_bytes(vertexCount, triangles) bytes.
 * Edges are undirected vertex pairs; a boundary edge has one triangle, a non-manifold edge three
 * or more; a misoriented edge has two triangles that traverse it in the same direction.
 * Components are sets of triangles connected through shared vertices. Boundary loops are the
 * connected sets of boundary edges. Area in mm^2, signed volume (divergence theorem) in mm^3.
 * out: TOPO_OUT_*.
 */
export function mesh_topology(positions: usize, vertexCount: u32, indices: usize, triangles: u32, scratch: usize, out: usize): i32 {
  let vertexBits = bitsFor(vertexCount);
  if (vertexBits * 2 + 1 > 64) return STATUS_INVALID_ARGUMENT;
  let edgeSlots = triangles * 3;
  let keys = scratch;
  let tmp = keys + (<usize>edgeSlots << 3);
  let histogram = tmp + (<usize>edgeSlots << 3);
  let parent = histogram + 8192;
  let counter = parent + (<usize>vertexCount << 2);

  // Measures and edge keys.
  let area: f64 = 0, volume: f64 = 0;
  for (let t: u32 = 0; t < triangles; t++) {
    let ip = indices + <usize>t * 12;
    let a = load<u32>(ip), b = load<u32>(ip, 4), c = load<u32>(ip, 8);
    storeTriangleEdgeKeys(keys, t, a, b, c, vertexBits);
    let pa = positions + <usize>a * 12, pb = positions + <usize>b * 12, pc = positions + <usize>c * 12;
    let ax = <f64>load<f32>(pa), ay = <f64>load<f32>(pa, 4), az = <f64>load<f32>(pa, 8);
    let bx = <f64>load<f32>(pb), by = <f64>load<f32>(pb, 4), bz = <f64>load<f32>(pb, 8);
    let cx = <f64>load<f32>(pc), cy = <f64>load<f32>(pc, 4), cz = <f64>load<f32>(pc, 8);
    let ux = bx - ax, uy = by - ay, uz = bz - az, vx = cx - ax, vy = cy - ay, vz = cz - az;
    let nx = uy * vz - uz * vy, ny = uz * vx - ux * vz, nz = ux * vy - uy * vx;
    area += 0.5 * Math.sqrt(nx * nx + ny * ny + nz * nz);
    volume += (ax * (by * cz - bz * cy) - ay * (bx * cz - bz * cx) + az * (bx * cy - by * cx)) / 6.0;
  }
  store<f64>(out + TOPO_OUT_AREA, area);
  store<f64>(out + TOPO_OUT_VOLUME, volume);

  // Edge classes from runs of equal (undirected) keys.
  let sorted = radixSortU64(keys, tmp, edgeSlots, vertexBits * 2 + 1, histogram);
  let edges: u32 = 0, boundary: u32 = 0, nonmanifold: u32 = 0, misoriented: u32 = 0;
  ufInit(parent, vertexCount);
  let i: u32 = 0;
  while (i < edgeSlots) {
    let key = load<u64>(sorted + (<usize>i << 3));
    let edge = key >> 1;
    let j = i + 1;
    while (j < edgeSlots && (load<u64>(sorted + (<usize>j << 3)) >> 1) == edge) j++;
    let n = j - i;
    edges++;
    if (n == 1) {
      boundary++;
      ufUnion(parent, <u32>(edge >> vertexBits), <u32>(edge & ((<u64>1 << vertexBits) - 1)));
    } else if (n > 2) nonmanifold++;
    else if ((key & 1) == (load<u64>(sorted + (<usize>(i + 1) << 3)) & 1)) misoriented++;
    i = j;
  }
  // Boundary loops: distinct roots among the boundary edges merged above.
  let loops: u32 = 0;
  memory.fill(counter, 0, <usize>vertexCount << 2);
  i = 0;
  while (i < edgeSlots) {
    let edge = load<u64>(sorted + (<usize>i << 3)) >> 1;
    let j = i + 1;
    while (j < edgeSlots && (load<u64>(sorted + (<usize>j << 3)) >> 1) == edge) j++;
    if (j - i == 1) {
      let root = ufFind(parent, <u32>(edge >> vertexBits));
      let c = counter + (<usize>root << 2);
      if (load<u32>(c) == 0) { store<u32>(c, 1); loops++; }
    }
    i = j;
  }

  // Components over all triangles; bounds of referenced vertices.
  ufInit(parent, vertexCount);
  for (let t: u32 = 0; t < triangles; t++) {
    let ip = indices + <usize>t * 12;
    let a = load<u32>(ip);
    ufUnion(parent, a, load<u32>(ip, 4));
    ufUnion(parent, a, load<u32>(ip, 8));
  }
  memory.fill(counter, 0, <usize>vertexCount << 2);
  let components: u32 = 0, largest: u32 = 0;
  for (let t: u32 = 0; t < triangles; t++) {
    let c = counter + (<usize>ufFind(parent, load<u32>(indices + <usize>t * 12)) << 2);
    let n = load<u32>(c) + 1;
    if (n == 1) components++;
    if (n > largest) largest = n;
    store<u32>(c, n);
  }
  // Referenced vertices: reuse counter as a mark (bit 31 cannot collide with triangle counts < 2^31).
  let referenced: u32 = 0;
  let minX = Infinity, minY = Infinity, minZ = Infinity, maxX = -Infinity, maxY = -Infinity, maxZ = -Infinity;
  for (let t: u32 = 0; t < edgeSlots; t++) {
    let v = load<u32>(indices + (<usize>t << 2));
    let m = parent + (<usize>v << 2); // parent no longer needed: mark with 0xffffffff
    if (load<u32>(m) != 0xffffffff) {
      store<u32>(m, 0xffffffff);
      referenced++;
      let p = positions + <usize>v * 12;
      let x = <f64>load<f32>(p), y = <f64>load<f32>(p, 4), z = <f64>load<f32>(p, 8);
      if (x < minX) minX = x; if (x > maxX) maxX = x;
      if (y < minY) minY = y; if (y > maxY) maxY = y;
      if (z < minZ) minZ = z; if (z > maxZ) maxZ = z;
    }
  }
  store<u32>(out + TOPO_OUT_EDGES, edges);
  store<u32>(out + TOPO_OUT_BOUNDARY_EDGES, boundary);
  store<u32>(out + TOPO_OUT_NONMANIFOLD_EDGES, nonmanifold);
  store<u32>(out + TOPO_OUT_MISORIENTED_EDGES, misoriented);
  store<u32>(out + TOPO_OUT_COMPONENTS, components);
  store<u32>(out + TOPO_OUT_BOUNDARY_LOOPS, loops);
  store<u32>(out + TOPO_OUT_REFERENCED_VERTICES, referenced);
  store<u32>(out + TOPO_OUT_LARGEST_COMPONENT_TRIANGLES, largest);
  let b = out + TOPO_OUT_MIN_X;
  store<f64>(b, minX); store<f64>(b, minY, 8); store<f64>(b, minZ, 16);
  store<f64>(b, maxX, 24); store<f64>(b, maxY, 32); store<f64>(b, maxZ, 40);
  return STATUS_OK;
}
