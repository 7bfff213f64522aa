// Point-cloud preparation for registration: voxel downsampling (mean per voxel), normals by local
// PCA, consistent normal orientation over the neighbour graph, and mesh vertex normals.
// Neighbourhoods come from a point grid (point-grid.ts) built by the caller over the same points.
import { STATUS_OK, STATUS_INVALID_ARGUMENT, STATUS_CAPACITY_EXCEEDED, REASON_INDEX_OUT_OF_RANGE } from "../abi/status";
import {
  CLOUD_OUT_COUNT, CLOUD_OUT_NO_NORMAL, CLOUD_OUT_FLIPPED, CLOUD_OUT_COMPONENTS, CLOUD_MAX_NEIGHBOURS,
  NORMALS_ORIENT_NONE, NORMALS_ORIENT_TOWARD, NORMALS_ORIENT_AWAY,
} from "../abi/cloud-layout";
import { fail } from "../abi/out";
import { useGrid, searchGrid, slotAt, resultPos, pointX, pointY, pointZ, inputIndex, G_TABLE, G_SLOTS } from "./point-grid";
import { jacobiSymmetric, eigenvalue, eigenvector } from "./eigen";

const CHUNK: u32 = 2048;

// ---- voxel downsampling --------------------------------------------------------------------------

let vFound: u32 = 0;

/** Mean position (and normal sum) of the cell in table slot `slot`, written as output point `o`. */
function emitVoxel(slot: usize, normals: usize, outPoints: usize, outNormals: usize, o: u32): void {
  let first = load<u32>(slot, 8), n = load<u32>(slot, 12);
  let sx: f64 = 0, sy: f64 = 0, sz: f64 = 0, nx: f64 = 0, ny: f64 = 0, nz: f64 = 0;
  for (let p = first; p < first + n; p++) {
    sx += <f64>pointX(p); sy += <f64>pointY(p); sz += <f64>pointZ(p);
    if (normals != 0) {
      let q = normals + <usize>inputIndex(p) * 12;
      nx += <f64>load<f32>(q); ny += <f64>load<f32>(q, 4); nz += <f64>load<f32>(q, 8);
    }
  }
  let inv = 1.0 / <f64>n;
  let w = outPoints + <usize>o * 12;
  store<f32>(w, <f32>(sx * inv)); store<f32>(w, <f32>(sy * inv), 4); store<f32>(w, <f32>(sz * inv), 8);
  if (outNormals != 0) {
    let len = Math.sqrt(nx * nx + ny * ny + nz * nz);
    let s = len > 0 ? 1.0 / len : 0.0;
    let v = outNormals + <usize>o * 12;
    store<f32>(v, <f32>(nx * s)); store<f32>(v, <f32>(ny * s), 4); store<f32>(v, <f32>(nz * s), 8);
  }
}

function downsampleChunk(table: usize, points: usize, i0: u32, i1: u32, normals: usize, marks: usize, outPoints: usize, outNormals: usize): void {
  for (let i = i0; i < i1; i++) {
    let q = points + <usize>i * 12;
    let slot = slotAt(<f64>load<f32>(q), <f64>load<f32>(q, 4), <f64>load<f32>(q, 8));
    if (slot == 0) continue; // left out of the grid (not finite)
    let s = (slot - table) >> 4;
    if (load<u8>(marks + s) != 0) continue;
    store<u8>(marks + s, 1);
    emitVoxel(slot, normals, outPoints, outNormals, vFound++);
  }
}

/**
 * Downsamples the grid's points to one point per occupied cell (the grid's cell edge is the voxel
 * size): the mean of the cell's points, and with `normals` (unit xyz f32 per input point, or 0)
 * the normalised sum of their normals (0 0 0 when they cancel). Output order: by each voxel's
 * first point in input order (deterministic). `points` are the points the grid was built over;
 * `marks` is scratch of one byte per table slot (zeroed here). outPoints (and outNormals) hold
 * up to CGRID_OUT_CELLS points. Writes CLOUD_OUT_COUNT and returns it.
 */
export function cloud_voxel_downsample(grid: usize, points: usize, count: u32, normals: usize, marks: usize, outPoints: usize, outNormals: usize, out: usize): i32 {
  if (!useGrid(grid)) return STATUS_INVALID_ARGUMENT;
  memory.fill(marks, 0, <usize>load<u32>(grid + G_SLOTS));
  vFound = 0;
  let table = grid + <usize>load<u32>(grid + G_TABLE);
  for (let i0: u32 = 0; i0 < count; i0 += CHUNK) downsampleChunk(table, points, i0, min(i0 + CHUNK, count), normals, marks, outPoints, normals != 0 ? outNormals : 0);
  store<u32>(out + CLOUD_OUT_COUNT, vFound);
  return <i32>vFound;
}

// ---- normals by PCA ------------------------------------------------------------------------------

const cov: usize = memory.data(9 * 8, 16);
const vec: usize = memory.data(9 * 8, 16);
let nMissing: u32 = 0, nFlipped: u32 = 0;

/**
 * Unit normal of the neighbourhood in the last search: the eigenvector of the smallest
 * eigenvalue of the covariance. Writes it to `dst`; zero when fewer than 3 neighbours or when
 * the neighbourhood is a line or a point (the middle eigenvalue is ~0).
 */
function pcaNormal(n: i32, dst: usize): bool {
  if (n < 3) return false;
  let mx: f64 = 0, my: f64 = 0, mz: f64 = 0;
  for (let j = 0; j < n; j++) {
    let p = resultPos(j);
    mx += <f64>pointX(p); my += <f64>pointY(p); mz += <f64>pointZ(p);
  }
  let inv = 1.0 / <f64>n;
  mx *= inv; my *= inv; mz *= inv;
  let xx: f64 = 0, xy: f64 = 0, xz: f64 = 0, yy: f64 = 0, yz: f64 = 0, zz: f64 = 0;
  for (let j = 0; j < n; j++) {
    let p = resultPos(j);
    let dx = <f64>pointX(p) - mx, dy = <f64>pointY(p) - my, dz = <f64>pointZ(p) - mz;
    xx += dx * dx; xy += dx * dy; xz += dx * dz; yy += dy * dy; yz += dy * dz; zz += dz * dz;
  }
  store<f64>(cov, xx); store<f64>(cov, xy, 8); store<f64>(cov, xz, 16);
  store<f64>(cov, xy, 24); store<f64>(cov, yy, 32); store<f64>(cov, yz, 40);
  store<f64>(cov, xz, 48); store<f64>(cov, yz, 56); store<f64>(cov, zz, 64);
  jacobiSymmetric(cov, vec, 3);
  let e0 = eigenvalue(cov, 3, 0), e1 = eigenvalue(cov, 3, 1), e2 = eigenvalue(cov, 3, 2);
  let lo = 0;
  if (e1 < e0) lo = 1;
  if (e2 < eigenvalue(cov, 3, lo)) lo = 2;
  let hi = e0 >= e1 && e0 >= e2 ? 0 : e1 >= e2 ? 1 : 2;
  let mid = 3 - lo - hi;
  if (!(eigenvalue(cov, 3, mid) > eigenvalue(cov, 3, hi) * 1e-10)) return false;
  let nx = eigenvector(vec, 3, lo, 0), ny = eigenvector(vec, 3, lo, 1), nz = eigenvector(vec, 3, lo, 2);
  let len = Math.sqrt(nx * nx + ny * ny + nz * nz);
  if (!(len > 0)) return false;
  store<f32>(dst, <f32>(nx / len)); store<f32>(dst, <f32>(ny / len), 4); store<f32>(dst, <f32>(nz / len), 8);
  return true;
}

function normalsChunk(points: usize, i0: u32, i1: u32, r2: f64, k: i32, mode: u32, vx: f64, vy: f64, vz: f64, normals: usize): void {
  for (let i = i0; i < i1; i++) {
    let q = points + <usize>i * 12;
    let x = <f64>load<f32>(q), y = <f64>load<f32>(q, 4), z = <f64>load<f32>(q, 8);
    let dst = normals + <usize>i * 12;
    let n = isFinite(x + y + z) ? searchGrid(x, y, z, r2, k) : 0;
    if (!pcaNormal(n, dst)) {
      store<f32>(dst, 0); store<f32>(dst, 0, 4); store<f32>(dst, 0, 8);
      nMissing++;
      continue;
    }
    if (mode == NORMALS_ORIENT_NONE) continue;
    let d = <f64>load<f32>(dst) * (vx - x) + <f64>load<f32>(dst, 4) * (vy - y) + <f64>load<f32>(dst, 8) * (vz - z);
    if (mode == NORMALS_ORIENT_AWAY) d = -d;
    if (d < 0) {
      store<f32>(dst, -load<f32>(dst)); store<f32>(dst, -load<f32>(dst, 4), 4); store<f32>(dst, -load<f32>(dst, 8), 8);
      nFlipped++;
    }
  }
}

/**
 * Normals of `count` points (xyz f32; the grid must be built over them) by PCA over each point's
 * neighbourhood: its k nearest points (1..CLOUD_MAX_NEIGHBOURS, the point itself included)
 * within `radius` mm (Infinity: k nearest). Orientation `mode`: NORMALS_ORIENT_NONE, _TOWARD
 * (n . (v - p) >= 0) or _AWAY (n . (p - v) >= 0) for the viewpoint v = (vx, vy, vz).
 * Writes unit normals (xyz f32) to `normals`; 0 0 0 where the neighbourhood has fewer than 3
 * points or no plane (CLOUD_OUT_NO_NORMAL counts them). Writes CLOUD_OUT_FLIPPED.
 */
export function cloud_normals(grid: usize, points: usize, count: u32, radius: f64, k: u32, mode: u32,
  vx: f64, vy: f64, vz: f64, normals: usize, out: usize): i32 {
  if (!useGrid(grid) || !(radius > 0) || k < 3 || k > CLOUD_MAX_NEIGHBOURS || mode > NORMALS_ORIENT_AWAY) return STATUS_INVALID_ARGUMENT;
  nMissing = 0; nFlipped = 0;
  let r2 = radius * radius;
  for (let i0: u32 = 0; i0 < count; i0 += CHUNK) normalsChunk(points, i0, min(i0 + CHUNK, count), r2, <i32>k, mode, vx, vy, vz, normals);
  store<u32>(out + CLOUD_OUT_NO_NORMAL, nMissing);
  store<u32>(out + CLOUD_OUT_FLIPPED, nFlipped);
  return STATUS_OK;
}

// ---- consistent orientation (Hoppe et al. 1992: propagation along a minimum spanning tree) ------
// A min-heap of candidate edges (weight f32, to u32, from u32, pad) in caller scratch.

let oHeap: usize = 0, oHeapN: u32 = 0, oCapacity: u32 = 0;

@inline function edgeLess(a: usize, b: usize): bool {
  let wa = load<f32>(a), wb = load<f32>(b);
  return wa < wb || (wa == wb && load<u32>(a, 4) < load<u32>(b, 4));
}

function heapPush(w: f32, to: u32, from: u32): bool {
  if (oHeapN >= oCapacity) return false;
  let i = oHeapN++;
  while (i > 0) {
    let parent = (i - 1) >> 1;
    let pp = oHeap + (<usize>parent << 4);
    let pw = load<f32>(pp);
    if (pw < w || (pw == w && load<u32>(pp, 4) <= to)) break;
    memory.copy(oHeap + (<usize>i << 4), pp, 16);
    i = parent;
  }
  let e = oHeap + (<usize>i << 4);
  store<f32>(e, w); store<u32>(e, to, 4); store<u32>(e, from, 8);
  return true;
}

// The popped edge.
let popTo: u32 = 0, popFrom: u32 = 0;

function heapPop(): void {
  let top = oHeap;
  popTo = load<u32>(top, 4); popFrom = load<u32>(top, 8);
  oHeapN--;
  if (oHeapN == 0) return;
  let last = oHeap + (<usize>oHeapN << 4);
  let lw = load<f32>(last), lt = load<u32>(last, 4), lf = load<u32>(last, 8);
  let i: u32 = 0;
  while (true) {
    let l: u32 = 2 * i + 1;
    if (l >= oHeapN) break;
    let c: u32 = l;
    if (l + 1 < oHeapN && edgeLess(oHeap + (<usize>(l + 1) << 4), oHeap + (<usize>l << 4))) c = l + 1;
    let cp = oHeap + (<usize>c << 4);
    let cw = load<f32>(cp);
    if (lw < cw || (lw == cw && lt <= load<u32>(cp, 4))) break;
    memory.copy(oHeap + (<usize>i << 4), cp, 16);
    i = c;
  }
  let e = oHeap + (<usize>i << 4);
  store<f32>(e, lw); store<u32>(e, lt, 4); store<u32>(e, lf, 8);
}

@inline function hasNormal(normals: usize, i: u32): bool {
  let q = normals + <usize>i * 12;
  return load<f32>(q) != 0 || load<f32>(q, 4) != 0 || load<f32>(q, 8) != 0;
}

@inline function normalDot(normals: usize, a: u32, b: u32): f64 {
  let p = normals + <usize>a * 12, q = normals + <usize>b * 12;
  return <f64>load<f32>(p) * <f64>load<f32>(q) + <f64>load<f32>(p, 4) * <f64>load<f32>(q, 4) + <f64>load<f32>(p, 8) * <f64>load<f32>(q, 8);
}

@inline function flip(normals: usize, i: u32): void {
  let q = normals + <usize>i * 12;
  store<f32>(q, -load<f32>(q)); store<f32>(q, -load<f32>(q, 4), 4); store<f32>(q, -load<f32>(q, 8), 8);
  nFlipped++;
}

/** Pushes the edges from `from` to its unvisited neighbours with normals (k nearest within sqrt(r2)). */
function expand(points: usize, normals: usize, visited: usize, from: u32, r2: f64, k: i32): bool {
  let q = points + <usize>from * 12;
  let n = searchGrid(<f64>load<f32>(q), <f64>load<f32>(q, 4), <f64>load<f32>(q, 8), r2, k);
  for (let j = 0; j < n; j++) {
    let to = inputIndex(resultPos(j));
    if (to == from || load<u8>(visited + to) != 0 || !hasNormal(normals, to)) continue;
    let w = <f32>(1.0 - Math.abs(normalDot(normals, from, to)));
    if (!heapPush(w, to, from)) return false;
  }
  return true;
}

/**
 * Orients `normals` (unit xyz f32 per point; zero normals are left alone) consistently: a
 * spanning tree over each point's k nearest neighbours within `radius` (Infinity: no limit) is
 * grown by Prim's algorithm with edge weight 1 - |n_a . n_b|, and each point is flipped to agree
 * with the point it is reached from. Then each connected part as a whole is flipped if its
 * normals point toward the centroid c of all points on balance (sum of n . (p - c) < 0): outward
 * for a closed surface and for a view of one (a scan's centroid lies behind the surface seen).
 * Parts start at the point farthest from c, then at the first unreached point in input order.
 * `heap` is scratch of heapCapacity x 16 bytes (count x k + 1 always suffices), `visited`
 * 5 bytes per point. Writes CLOUD_OUT_FLIPPED (sign changes made) and
 * CLOUD_OUT_COMPONENTS. Returns STATUS_CAPACITY_EXCEEDED if the heap overflows.
 */
export function cloud_orient_normals(grid: usize, points: usize, normals: usize, count: u32, radius: f64, k: u32,
  heap: usize, heapCapacity: u32, visited: usize, out: usize): i32 {
  if (!useGrid(grid) || !(radius > 0) || k < 1 || k > CLOUD_MAX_NEIGHBOURS) return STATUS_INVALID_ARGUMENT;
  nFlipped = 0;
  oHeap = heap; oHeapN = 0; oCapacity = heapCapacity;
  memory.fill(visited, 0, <usize>count);
  let order = (visited + <usize>count + 3) & ~3; // u32 per point: the points of the current part, in visit order
  let r2 = radius * radius;
  // Centroid of the points with normals, and the farthest such point from it.
  let cx: f64 = 0, cy: f64 = 0, cz: f64 = 0, used: f64 = 0;
  for (let i: u32 = 0; i < count; i++) {
    let q = points + <usize>i * 12;
    let x = <f64>load<f32>(q), y = <f64>load<f32>(q, 4), z = <f64>load<f32>(q, 8);
    if (!hasNormal(normals, i) || !isFinite(x + y + z)) { store<u8>(visited + i, 1); continue; }
    cx += x; cy += y; cz += z; used++;
  }
  if (used == 0) { store<u32>(out + CLOUD_OUT_COMPONENTS, 0); store<u32>(out + CLOUD_OUT_FLIPPED, 0); return STATUS_OK; }
  cx /= used; cy /= used; cz /= used;
  let far: u32 = 0, farD: f64 = -1;
  for (let i: u32 = 0; i < count; i++) {
    if (load<u8>(visited + i) != 0) continue;
    let q = points + <usize>i * 12;
    let dx = <f64>load<f32>(q) - cx, dy = <f64>load<f32>(q, 4) - cy, dz = <f64>load<f32>(q, 8) - cz;
    let d = dx * dx + dy * dy + dz * dz;
    if (d > farD) { farD = d; far = i; }
  }
  let components: u32 = 0;
  let next: u32 = 0;
  let seed = far;
  while (true) {
    components++;
    let members: u32 = 0;
    store<u8>(visited + seed, 1);
    store<u32>(order, seed);
    members = 1;
    if (!expand(points, normals, visited, seed, r2, <i32>k)) return STATUS_CAPACITY_EXCEEDED;
    while (oHeapN > 0) {
      heapPop();
      let to = popTo, from = popFrom;
      if (load<u8>(visited + to) != 0) continue;
      store<u8>(visited + to, 1);
      store<u32>(order + (<usize>members << 2), to);
      members++;
      if (normalDot(normals, from, to) < 0) flip(normals, to);
      if (!expand(points, normals, visited, to, r2, <i32>k)) return STATUS_CAPACITY_EXCEEDED;
    }
    // The part's overall sign: outward from the centroid on balance.
    let balance: f64 = 0;
    for (let j: u32 = 0; j < members; j++) {
      let i = load<u32>(order + (<usize>j << 2));
      let q = points + <usize>i * 12, n = normals + <usize>i * 12;
      balance += (<f64>load<f32>(q) - cx) * <f64>load<f32>(n) + (<f64>load<f32>(q, 4) - cy) * <f64>load<f32>(n, 4)
        + (<f64>load<f32>(q, 8) - cz) * <f64>load<f32>(n, 8);
    }
    if (balance < 0) for (let j: u32 = 0; j < members; j++) flip(normals, load<u32>(order + (<usize>j << 2)));
    while (next < count && load<u8>(visited + next) != 0) next++;
    if (next >= count) break;
    seed = next;
  }
  store<u32>(out + CLOUD_OUT_COMPONENTS, components);
  store<u32>(out + CLOUD_OUT_FLIPPED, nFlipped);
  return STATUS_OK;
}

// ---- mesh vertex normals ---------------------------------------------------------------------------

/**
 * Area-weighted vertex normals of a triangle mesh (counter-clockwise outward): the normalised sum
 * of the cross products (b - a) x (c - a) of each vertex's triangles; 0 0 0 for vertices of no
 * (or only zero-area) triangles. Returns STATUS_MALFORMED_INPUT (REASON_INDEX_OUT_OF_RANGE) for an
 * index >= vertexCount.
 */
export function cloud_mesh_vertex_normals(positions: usize, vertexCount: u32, indices: usize, triangles: u32, normals: usize, out: usize): i32 {
  let acc = normals;
  memory.fill(acc, 0, <usize>vertexCount * 12);
  for (let t: u32 = 0; t < triangles; t++) {
    let ip = indices + <usize>t * 12;
    let a = load<u32>(ip), b = load<u32>(ip, 4), c = load<u32>(ip, 8);
    if (a >= vertexCount || b >= vertexCount || c >= vertexCount) {
      let bad: u32 = a >= vertexCount ? 0 : b >= vertexCount ? 1 : 2;
      return fail(out, REASON_INDEX_OUT_OF_RANGE, <f64>(t * 3 + bad), <f64>load<u32>(ip + (<usize>bad << 2)), <f64>vertexCount);
    }
    let pa = positions + <usize>a * 12, pb = positions + <usize>b * 12, pc = positions + <usize>c * 12;
    let ax = <f64>load<f32>(pa), ay = <f64>load<f32>(pa, 4), az = <f64>load<f32>(pa, 8);
    let ux = <f64>load<f32>(pb) - ax, uy = <f64>load<f32>(pb, 4) - ay, uz = <f64>load<f32>(pb, 8) - az;
    let vx = <f64>load<f32>(pc) - ax, vy = <f64>load<f32>(pc, 4) - ay, vz = <f64>load<f32>(pc, 8) - az;
    let nx = <f32>(uy * vz - uz * vy), ny = <f32>(uz * vx - ux * vz), nz = <f32>(ux * vy - uy * vx);
    if (!isFinite(nx + ny + nz)) continue;
    addTo(acc + <usize>a * 12, nx, ny, nz);
    addTo(acc + <usize>b * 12, nx, ny, nz);
    addTo(acc + <usize>c * 12, nx, ny, nz);
  }
  for (let v: u32 = 0; v < vertexCount; v++) {
    let q = acc + <usize>v * 12;
    let x = <f64>load<f32>(q), y = <f64>load<f32>(q, 4), z = <f64>load<f32>(q, 8);
    let len = Math.sqrt(x * x + y * y + z * z);
    let s = len > 0 ? 1.0 / len : 0.0;
    store<f32>(q, <f32>(x * s)); store<f32>(q, <f32>(y * s), 4); store<f32>(q, <f32>(z * s), 8);
  }
  return STATUS_OK;
}

@inline function addTo(q: usize, x: f32, y: f32, z: f32): void {
  store<f32>(q, load<f32>(q) + x); store<f32>(q, load<f32>(q, 4) + y, 4); store<f32>(q, load<f32>(q, 8) + z, 8);
}
