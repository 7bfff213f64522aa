// A uniform grid over a mesh's triangles for closest-point queries (closest-points.ts).
//
// Why a uniform grid: the metrics query points that lie near the surface (reconstructed
// vertices against a reference, samples of one surface against another). A grid finds the
// query's own cell in O(1) with no traversal stack and visits the neighbouring cells only when
// they are nearer than the best distance found, so a near-surface query tests the triangles of
// one to three cells and stops. It builds in linear passes (a counting sort by cell, no tree).
// Its weakness, queries far from the surface, is bounded by the caller's max distance.
//
// Cell size: h = sqrt(TRIANGLES_PER_CELL * surface area / triangles), so a cell the surface
// crosses holds about TRIANGLES_PER_CELL triangles whatever the tessellation (measured: the
// query cost is flat within 2x of this size); then h grows until the grid has at most
// `maxCells` cells and the cell lists at most REFS_PER_TRIANGLE * triangles + cells entries
// (long slivers over many cells).
//
// Grid block (one caller-owned allocation of closest_grid_bytes() bytes; offsets in bytes):
//   header (HEADER_BYTES); cell starts ((cells + 1) u32); per packed triangle (packed = finite
//   triangles in the order of their centroid's cell) a bound record (BOUND_BYTES, 32-byte
//   aligned: f32 x 3 bounding-sphere centre, f32 radius rounded up, f32 x 3 unit normal), its
//   corners (CORNER_BYTES: 9 f32) and its source triangle number (u32); last the cell lists
//   (u32 packed triangle numbers, every cell whose box the triangle's bounding box overlaps),
//   followed by 4 zeros because queries read them four at a time. Bounds and corners are apart
//   so that skipping a triangle reads half a cache line.
//
// The build runs its per-triangle work in chunks of CHUNK triangles through small functions:
// V8 first runs WASM code with its baseline compiler and switches a function to optimised code
// only for later calls, so one long loop in the exported function would run unoptimised.
import { STATUS_OK, STATUS_INVALID_ARGUMENT, STATUS_CAPACITY_EXCEEDED, REASON_INDEX_OUT_OF_RANGE } from "../abi/status";
import {
  CLOSEST_OUT_GRID_BYTES, CLOSEST_OUT_CELL_SIZE, CLOSEST_OUT_NX, CLOSEST_OUT_NY, CLOSEST_OUT_NZ, CLOSEST_OUT_REFS,
  CLOSEST_OUT_TRIANGLES, CLOSEST_OUT_SKIPPED_TRIANGLES,
} from "../abi/layout";
import { fail } from "../abi/out";
import { triangleArea } from "./point-triangle";

// ---- grid block layout (private to assembly/metrics) -----------------------------------------
export const GRID_MAGIC: u32 = 0x47434653; // "SFCG"
export const HEADER_BYTES: usize = 128;
export const H_MAGIC: usize = 0;       // u32
export const H_TRIANGLES: usize = 4;   // u32 packed triangles
export const H_NX: usize = 8;          // u32
export const H_NY: usize = 12;         // u32
export const H_NZ: usize = 16;         // u32
export const H_REF_COUNT: usize = 20;  // u32 cell-list entries
export const H_OX: usize = 24;         // f64 x 3 grid origin (min corner), mm
export const H_CELL: usize = 48;       // f64 cell edge, mm
export const H_INV: usize = 56;        // f64 1 / cell edge
export const H_CELLS: usize = 64;      // u32 byte offset of the cell starts
export const H_REFS: usize = 68;       // u32 byte offset of the cell lists
export const H_TRIS: usize = 72;       // u32 byte offset of the corners
export const H_IDS: usize = 76;        // u32 byte offset of the source triangle numbers
export const H_BOUNDS: usize = 80;     // u32 byte offset of the bound records
export const H_EPS: usize = 88;        // f64 bound on how far a corner may lie off its record's plane (f32 rounding), mm
export const CORNER_BYTES: usize = 36; // 9 f32: a, b, c
export const BOUND_BYTES: usize = 32;  // what a query needs to skip a triangle without its corners:
export const T_SPHERE: usize = 0;      // f32 x 3 bounding-sphere centre (in the triangle's plane)
export const T_RADIUS: usize = 12;     // f32 bounding-sphere radius, rounded up
export const T_NORMAL: usize = 16;     // f32 x 3 unit normal (0 for zero-area triangles)

/** Triangles per occupied cell the automatic cell size aims at. */
const TRIANGLES_PER_CELL: f64 = 8.0;
/** Cell-list entries allowed per triangle (on top of one per cell) before the cells grow. */
const REFS_PER_TRIANGLE: f64 = 16.0;
/** Largest count a u32 field of the block may hold. */
const U32_LIMIT: f64 = 4294967295.0;
/** Triangles per call of the chunk functions (see the note at the top). */
const CHUNK: u32 = 8192;

// ---- the plan (module state: set by planGrid, used by closest_grid_build) --------------------
let planH: f64 = 0, planInv: f64 = 0;
let planOx: f64 = 0, planOy: f64 = 0, planOz: f64 = 0;
let planNx: i32 = 1, planNy: i32 = 1, planNz: i32 = 1;
let planRefs: f64 = 0, planValid: u32 = 0, planSkipped: u32 = 0, planBytes: f64 = 0, planMaxAbs: f64 = 0;
// Accumulators of the measuring pass.
let mMinX: f64 = 0, mMinY: f64 = 0, mMinZ: f64 = 0, mMaxX: f64 = 0, mMaxY: f64 = 0, mMaxZ: f64 = 0, mArea: f64 = 0;
let mBad: u32 = 0xffffffff; // first out-of-range index position, or 0xffffffff

/** Cell coordinate of x along one axis, clamped to [0, n - 1] (x finite). */
@inline export function cellCoord(x: f64, origin: f64, inv: f64, n: i32): i32 {
  let f = Math.floor((x - origin) * inv);
  return f <= 0 ? 0 : f >= <f64>(n - 1) ? n - 1 : <i32>f;
}

/** True when all nine corner coordinates of triangle t are finite. */
@inline function finiteCorners(positions: usize, indices: usize, t: u32): bool {
  let ip = indices + <usize>t * 12;
  let pa = positions + <usize>load<u32>(ip) * 12, pb = positions + <usize>load<u32>(ip, 4) * 12, pc = positions + <usize>load<u32>(ip, 8) * 12;
  let s = <f64>load<f32>(pa) + <f64>load<f32>(pa, 4) + <f64>load<f32>(pa, 8) + <f64>load<f32>(pb) + <f64>load<f32>(pb, 4)
    + <f64>load<f32>(pb, 8) + <f64>load<f32>(pc) + <f64>load<f32>(pc, 4) + <f64>load<f32>(pc, 8);
  return isFinite(s);
}

@inline function alignUp(x: f64, a: f64): f64 {
  return Math.ceil(x / a) * a;
}

/** Measuring pass over triangles [t0, t1): index check, finite count, bounds, area. */
function measureChunk(positions: usize, vertexCount: u32, indices: usize, t0: u32, t1: u32): void {
  for (let t = t0; t < t1; t++) {
    let ip = indices + <usize>t * 12;
    let a = load<u32>(ip), b = load<u32>(ip, 4), c = load<u32>(ip, 8);
    if (a >= vertexCount || b >= vertexCount || c >= vertexCount) {
      mBad = t * 3 + (a >= vertexCount ? 0 : b >= vertexCount ? 1 : 2);
      return;
    }
    if (!finiteCorners(positions, indices, t)) { planSkipped++; continue; }
    planValid++;
    let pa = positions + <usize>a * 12, pb = positions + <usize>b * 12, pc = positions + <usize>c * 12;
    let ax = <f64>load<f32>(pa), ay = <f64>load<f32>(pa, 4), az = <f64>load<f32>(pa, 8);
    let bx = <f64>load<f32>(pb), by = <f64>load<f32>(pb, 4), bz = <f64>load<f32>(pb, 8);
    let cx = <f64>load<f32>(pc), cy = <f64>load<f32>(pc, 4), cz = <f64>load<f32>(pc, 8);
    mArea += triangleArea(ax, ay, az, bx, by, bz, cx, cy, cz);
    mMinX = min(mMinX, min(ax, min(bx, cx))); mMaxX = max(mMaxX, max(ax, max(bx, cx)));
    mMinY = min(mMinY, min(ay, min(by, cy))); mMaxY = max(mMaxY, max(ay, max(by, cy)));
    mMinZ = min(mMinZ, min(az, min(bz, cz))); mMaxZ = max(mMaxZ, max(az, max(bz, cz)));
  }
}

/** Cell-list entries of the finite triangles in [t0, t1) for the current plan. */
function countRefsChunk(positions: usize, indices: usize, t0: u32, t1: u32): f64 {
  let refs: f64 = 0;
  for (let t = t0; t < t1; t++) {
    if (!finiteCorners(positions, indices, t)) continue;
    let ip = indices + <usize>t * 12;
    let pa = positions + <usize>load<u32>(ip) * 12, pb = positions + <usize>load<u32>(ip, 4) * 12, pc = positions + <usize>load<u32>(ip, 8) * 12;
    let ax = <f64>load<f32>(pa), ay = <f64>load<f32>(pa, 4), az = <f64>load<f32>(pa, 8);
    let bx = <f64>load<f32>(pb), by = <f64>load<f32>(pb, 4), bz = <f64>load<f32>(pb, 8);
    let cx = <f64>load<f32>(pc), cy = <f64>load<f32>(pc, 4), cz = <f64>load<f32>(pc, 8);
    let x0 = cellCoord(min(ax, min(bx, cx)), planOx, planInv, planNx), x1 = cellCoord(max(ax, max(bx, cx)), planOx, planInv, planNx);
    let y0 = cellCoord(min(ay, min(by, cy)), planOy, planInv, planNy), y1 = cellCoord(max(ay, max(by, cy)), planOy, planInv, planNy);
    let z0 = cellCoord(min(az, min(bz, cz)), planOz, planInv, planNz), z1 = cellCoord(max(az, max(bz, cz)), planOz, planInv, planNz);
    refs += <f64>(x1 - x0 + 1) * <f64>(y1 - y0 + 1) * <f64>(z1 - z0 + 1);
  }
  return refs;
}

/** Sets the grid dimensions for cell edge h (h > 0). */
@inline function setDims(h: f64): void {
  planNx = <i32>max(1.0, Math.ceil((mMaxX - mMinX) / h));
  planNy = <i32>max(1.0, Math.ceil((mMaxY - mMinY) / h));
  planNz = <i32>max(1.0, Math.ceil((mMaxZ - mMinZ) / h));
  planH = h; planInv = 1.0 / h;
}

/**
 * Validates the mesh, measures it and chooses the cell size and grid dimensions; sets the plan
 * globals and the CLOSEST_OUT_* fields of `out`. `cellSize` > 0 forces the cell edge (mm);
 * `maxCells` caps the cell count either way. `countRefs` = false skips counting the cell-list
 * entries when the cell size is forced (the build counts them itself).
 */
function planGrid(positions: usize, vertexCount: u32, indices: usize, triangles: u32, cellSize: f64, maxCells: f64, countRefs: bool, out: usize): i32 {
  if (!(maxCells >= 1 && maxCells <= 2147483647.0) || !(cellSize >= 0) || !isFinite(cellSize)) return STATUS_INVALID_ARGUMENT;
  mMinX = mMinY = mMinZ = Infinity; mMaxX = mMaxY = mMaxZ = -Infinity; mArea = 0; mBad = 0xffffffff;
  planValid = 0; planSkipped = 0;
  for (let t0: u32 = 0; t0 < triangles; t0 += CHUNK) {
    measureChunk(positions, vertexCount, indices, t0, min(t0 + CHUNK, triangles));
    if (mBad != 0xffffffff) {
      return fail(out, REASON_INDEX_OUT_OF_RANGE, <f64>mBad, <f64>load<u32>(indices + (<usize>mBad << 2)), <f64>vertexCount);
    }
  }
  if (planValid == 0) { mMinX = mMinY = mMinZ = 0; mMaxX = mMaxY = mMaxZ = 0; }
  planMaxAbs = max(max(Math.abs(mMinX), Math.abs(mMaxX)), max(max(Math.abs(mMinY), Math.abs(mMaxY)), max(Math.abs(mMinZ), Math.abs(mMaxZ))));
  let extent = max(mMaxX - mMinX, max(mMaxY - mMinY, mMaxZ - mMinZ));
  let valid = <f64>max<u32>(planValid, 1);
  let h = cellSize;
  if (h <= 0) h = Math.sqrt(TRIANGLES_PER_CELL * mArea / valid);
  if (!(h > 0) || !isFinite(h)) h = extent > 0 ? extent / Math.cbrt(valid) : 1.0;
  // Keep (x - origin) / h well inside the range of the cell coordinates.
  if (extent > 0 && h < extent * 1e-9) h = extent * 1e-9;
  planOx = mMinX; planOy = mMinY; planOz = mMinZ;
  let refs: f64 = -1;
  let growths = 0;
  while (true) {
    let cells = max(1.0, Math.ceil((mMaxX - mMinX) / h)) * max(1.0, Math.ceil((mMaxY - mMinY) / h)) * max(1.0, Math.ceil((mMaxZ - mMinZ) / h));
    if (cells > maxCells) { h *= max(1.05, Math.cbrt(cells / maxCells)); continue; } // terminates: h grows 5% or more
    setDims(h);
    if (!countRefs && cellSize > 0) break;
    refs = 0;
    for (let t0: u32 = 0; t0 < triangles; t0 += CHUNK) refs += countRefsChunk(positions, indices, t0, min(t0 + CHUNK, triangles));
    let tooMany = refs > REFS_PER_TRIANGLE * <f64>planValid + cells;
    if (refs > U32_LIMIT || (tooMany && cellSize == 0)) {
      if (++growths <= 60) { h *= 1.5; continue; } // 1.5^60: one cell long before this
    }
    break;
  }
  if (refs > U32_LIMIT) return STATUS_CAPACITY_EXCEEDED;
  planRefs = refs;
  store<f64>(out + CLOSEST_OUT_CELL_SIZE, planH);
  store<u32>(out + CLOSEST_OUT_NX, <u32>planNx);
  store<u32>(out + CLOSEST_OUT_NY, <u32>planNy);
  store<u32>(out + CLOSEST_OUT_NZ, <u32>planNz);
  store<u32>(out + CLOSEST_OUT_TRIANGLES, planValid);
  store<u32>(out + CLOSEST_OUT_SKIPPED_TRIANGLES, planSkipped);
  if (refs >= 0) {
    planBytes = fixedBytes() + (refs + 4) * 4;
    store<f64>(out + CLOSEST_OUT_REFS, refs);
    store<f64>(out + CLOSEST_OUT_GRID_BYTES, planBytes);
  }
  return STATUS_OK;
}

/** Bytes of the block up to the cell lists (which come last) for the current plan. */
@inline function fixedBytes(): f64 {
  let cells = <f64>planNx * <f64>planNy * <f64>planNz;
  let valid = <f64>planValid;
  // header, cell starts, bounds (32-aligned: 32 spare bytes), corners, ids, lists (16-aligned)
  return alignUp(<f64>HEADER_BYTES + (cells + 1) * 4, 16) + 32 + valid * <f64>(BOUND_BYTES + CORNER_BYTES + 4) + 16;
}

/**
 * Bytes of the grid block for this mesh, or a negative status: STATUS_MALFORMED_INPUT for an
 * index >= vertexCount (REASON_INDEX_OUT_OF_RANGE, OUT_ERROR_OFFSET = position in `indices`),
 * STATUS_INVALID_ARGUMENT for a bad cellSize / maxCells, STATUS_CAPACITY_EXCEEDED when the cell
 * lists would pass 2^32 entries. `cellSize` (mm): 0 = automatic; `maxCells` (>= 1) caps the
 * cell count. Triangles with a non-finite corner are left out (CLOSEST_OUT_SKIPPED_TRIANGLES).
 * out: CLOSEST_OUT_GRID_BYTES, _CELL_SIZE, _NX, _NY, _NZ, _REFS, _TRIANGLES, _SKIPPED_TRIANGLES.
 */
export function closest_grid_bytes(positions: usize, vertexCount: u32, indices: usize, triangles: u32, cellSize: f64, maxCells: f64, out: usize): f64 {
  let status = planGrid(positions, vertexCount, indices, triangles, cellSize, maxCells, true, out);
  return status < 0 ? <f64>status : planBytes;
}

/** Writes the corners (`rec`) and bound record (`bound`) of source triangle t. */
@inline function packTriangle(positions: usize, indices: usize, t: u32, rec: usize, bound: usize): void {
  let ip = indices + <usize>t * 12;
  let pa = positions + <usize>load<u32>(ip) * 12, pb = positions + <usize>load<u32>(ip, 4) * 12, pc = positions + <usize>load<u32>(ip, 8) * 12;
  let fax = load<f32>(pa), fay = load<f32>(pa, 4), faz = load<f32>(pa, 8);
  let fbx = load<f32>(pb), fby = load<f32>(pb, 4), fbz = load<f32>(pb, 8);
  let fcx = load<f32>(pc), fcy = load<f32>(pc, 4), fcz = load<f32>(pc, 8);
  store<f32>(rec, fax); store<f32>(rec, fay, 4); store<f32>(rec, faz, 8);
  store<f32>(rec, fbx, 12); store<f32>(rec, fby, 16); store<f32>(rec, fbz, 20);
  store<f32>(rec, fcx, 24); store<f32>(rec, fcy, 28); store<f32>(rec, fcz, 32);
  let ax = <f64>fax, ay = <f64>fay, az = <f64>faz, bx = <f64>fbx, by = <f64>fby, bz = <f64>fbz, cx = <f64>fcx, cy = <f64>fcy, cz = <f64>fcz;
  // Smallest enclosing sphere: the longest edge's midpoint for right/obtuse (or degenerate)
  // triangles, else the circumcentre. Either lies in the triangle's plane.
  let ux = bx - ax, uy = by - ay, uz = bz - az, vx = cx - ax, vy = cy - ay, vz = cz - az;
  let wx = cx - bx, wy = cy - by, wz = cz - bz;
  let uu = ux * ux + uy * uy + uz * uz, vv = vx * vx + vy * vy + vz * vz, ww = wx * wx + wy * wy + wz * wz;
  let dotA = ux * vx + uy * vy + uz * vz;       // angle at a
  let dotB = -(ux * wx + uy * wy + uz * wz);    // angle at b: (a - b) . (c - b)
  let dotC = vx * wx + vy * wy + vz * wz;       // angle at c: (a - c) . (b - c)
  let nx = uy * vz - uz * vy, ny = uz * vx - ux * vz, nz = ux * vy - uy * vx;
  let nn = nx * nx + ny * ny + nz * nz;
  let sx: f64, sy: f64, sz: f64;
  if (dotA <= 0 || dotB <= 0 || dotC <= 0 || !(nn > 0)) {
    if (ww >= uu && ww >= vv) { sx = (bx + cx) * 0.5; sy = (by + cy) * 0.5; sz = (bz + cz) * 0.5; }
    else if (vv >= uu) { sx = (ax + cx) * 0.5; sy = (ay + cy) * 0.5; sz = (az + cz) * 0.5; }
    else { sx = (ax + bx) * 0.5; sy = (ay + by) * 0.5; sz = (az + bz) * 0.5; }
  } else {
    // a + ((|u|^2 v - |v|^2 u) x n) / (2 |n|^2)
    let mx = uu * vx - vv * ux, my = uu * vy - vv * uy, mz = uu * vz - vv * uz;
    let k = 0.5 / nn;
    sx = ax + (my * nz - mz * ny) * k; sy = ay + (mz * nx - mx * nz) * k; sz = az + (mx * ny - my * nx) * k;
  }
  let fsx = <f32>sx, fsy = <f32>sy, fsz = <f32>sz;
  sx = <f64>fsx; sy = <f64>fsy; sz = <f64>fsz;
  let r2 = max((ax - sx) * (ax - sx) + (ay - sy) * (ay - sy) + (az - sz) * (az - sz),
    max((bx - sx) * (bx - sx) + (by - sy) * (by - sy) + (bz - sz) * (bz - sz),
      (cx - sx) * (cx - sx) + (cy - sy) * (cy - sy) + (cz - sz) * (cz - sz)));
  let r = Math.sqrt(r2) * (1.0 + 1e-12);
  let fr = <f32>r;
  if (<f64>fr < r) fr = reinterpret<f32>(reinterpret<u32>(fr) + 1); // round up: the sphere must contain the triangle
  store<f32>(bound + T_SPHERE, fsx); store<f32>(bound + T_SPHERE, fsy, 4); store<f32>(bound + T_SPHERE, fsz, 8);
  store<f32>(bound + T_RADIUS, fr);
  // No normal (so no plane test) for zero-area triangles and needles: below sin(angle) = 1e-6 the
  // f64 cross product is not accurate enough for the query's margin.
  let inv = nn > 1e-12 * uu * vv ? 1.0 / Math.sqrt(nn) : 0.0;
  store<f32>(bound + T_NORMAL, <f32>(nx * inv)); store<f32>(bound + T_NORMAL, <f32>(ny * inv), 4); store<f32>(bound + T_NORMAL, <f32>(nz * inv), 8);
  store<f32>(bound + 28, 0);
}

/** Linear index of the cell holding triangle t's centroid, for the current plan. */
@inline function centroidCell(positions: usize, indices: usize, t: u32): u32 {
  let ip = indices + <usize>t * 12;
  let pa = positions + <usize>load<u32>(ip) * 12, pb = positions + <usize>load<u32>(ip, 4) * 12, pc = positions + <usize>load<u32>(ip, 8) * 12;
  let x = (<f64>load<f32>(pa) + <f64>load<f32>(pb) + <f64>load<f32>(pc)) * (1.0 / 3.0);
  let y = (<f64>load<f32>(pa, 4) + <f64>load<f32>(pb, 4) + <f64>load<f32>(pc, 4)) * (1.0 / 3.0);
  let z = (<f64>load<f32>(pa, 8) + <f64>load<f32>(pb, 8) + <f64>load<f32>(pc, 8)) * (1.0 / 3.0);
  let ix = cellCoord(x, planOx, planInv, planNx), iy = cellCoord(y, planOy, planInv, planNy), iz = cellCoord(z, planOz, planInv, planNz);
  return (<u32>iz * <u32>planNy + <u32>iy) * <u32>planNx + <u32>ix;
}

/** Counts the finite triangles of [t0, t1) per centroid cell (at starts[cell + 1]). */
function countHomeChunk(positions: usize, indices: usize, t0: u32, t1: u32, starts: usize): void {
  for (let t = t0; t < t1; t++) {
    if (!finiteCorners(positions, indices, t)) continue;
    let at = starts + ((<usize>centroidCell(positions, indices, t) + 1) << 2);
    store<u32>(at, load<u32>(at) + 1);
  }
}

/** Packs the finite triangles of [t0, t1) at their cell's next slot (starts[cell] advances). */
function packChunk(positions: usize, indices: usize, t0: u32, t1: u32, starts: usize, tris: usize, bounds: usize, ids: usize): void {
  for (let t = t0; t < t1; t++) {
    if (!finiteCorners(positions, indices, t)) continue;
    let at = starts + (<usize>centroidCell(positions, indices, t) << 2);
    let slot = load<u32>(at);
    store<u32>(at, slot + 1);
    packTriangle(positions, indices, t, tris + <usize>slot * CORNER_BYTES, bounds + <usize>slot * BOUND_BYTES);
    store<u32>(ids + (<usize>slot << 2), t);
  }
}

/**
 * Cell lists of packed triangles [p0, p1): pass 0 counts entries per cell (at starts[cell + 1]),
 * pass 1 writes them (starts[cell] advances).
 */
function listChunk(tris: usize, p0: u32, p1: u32, starts: usize, refs: usize, pass: i32): void {
  let nx = <u32>planNx, nxy = <u32>planNx * <u32>planNy;
  for (let p = p0; p < p1; p++) {
    let rec = tris + <usize>p * CORNER_BYTES;
    let ax = <f64>load<f32>(rec), ay = <f64>load<f32>(rec, 4), az = <f64>load<f32>(rec, 8);
    let bx = <f64>load<f32>(rec, 12), by = <f64>load<f32>(rec, 16), bz = <f64>load<f32>(rec, 20);
    let cx = <f64>load<f32>(rec, 24), cy = <f64>load<f32>(rec, 28), cz = <f64>load<f32>(rec, 32);
    let x0 = <u32>cellCoord(min(ax, min(bx, cx)), planOx, planInv, planNx), x1 = <u32>cellCoord(max(ax, max(bx, cx)), planOx, planInv, planNx);
    let y0 = <u32>cellCoord(min(ay, min(by, cy)), planOy, planInv, planNy), y1 = <u32>cellCoord(max(ay, max(by, cy)), planOy, planInv, planNy);
    let z0 = <u32>cellCoord(min(az, min(bz, cz)), planOz, planInv, planNz), z1 = <u32>cellCoord(max(az, max(bz, cz)), planOz, planInv, planNz);
    for (let z = z0; z <= z1; z++) {
      for (let y = y0; y <= y1; y++) {
        let row = z * nxy + y * nx;
        for (let x = x0; x <= x1; x++) {
          if (pass == 0) {
            let at = starts + ((<usize>(row + x) + 1) << 2);
            store<u32>(at, load<u32>(at) + 1);
          } else {
            let at = starts + (<usize>(row + x) << 2);
            let slot = load<u32>(at);
            store<u32>(at, slot + 1);
            store<u32>(refs + (<usize>slot << 2), p);
          }
        }
      }
    }
  }
}

/** counts[c + 1] per cell -> starts[c] (exclusive prefix sum over cells + 1 entries). */
function prefixSum(starts: usize, cells: u32): void {
  let sum: u32 = 0;
  for (let c: u32 = 1; c <= cells; c++) {
    let at = starts + (<usize>c << 2);
    sum += load<u32>(at);
    store<u32>(at, sum);
  }
}

/**
 * Builds the grid block at `grid` (gridBytes bytes, from closest_grid_bytes with the same
 * arguments; pass its CLOSEST_OUT_CELL_SIZE as `cellSize` to skip the search for a size).
 * Same statuses and out fields as closest_grid_bytes, plus STATUS_CAPACITY_EXCEEDED when
 * gridBytes is too small. Needs no other scratch: the block's cell starts double as counters.
 */
export function closest_grid_build(
  positions: usize, vertexCount: u32, indices: usize, triangles: u32, cellSize: f64, maxCells: f64,
  grid: usize, gridBytes: f64, out: usize,
): i32 {
  let status = planGrid(positions, vertexCount, indices, triangles, cellSize, maxCells, false, out);
  if (status < 0) return status;
  if (fixedBytes() + 16 > gridBytes) return STATUS_CAPACITY_EXCEEDED;
  let cells = <u32>planNx * <u32>planNy * <u32>planNz;
  let valid = planValid;
  let starts = grid + HEADER_BYTES;
  let bounds = (starts + ((<usize>cells + 1) << 2) + 31) & ~<usize>31;
  let tris = bounds + <usize>valid * BOUND_BYTES;
  let ids = tris + <usize>valid * CORNER_BYTES;
  let refs = (ids + (<usize>valid << 2) + 15) & ~<usize>15;
  store<u32>(grid + H_MAGIC, 0); // not a grid until complete
  store<u32>(grid + H_TRIANGLES, valid);
  store<u32>(grid + H_NX, <u32>planNx); store<u32>(grid + H_NY, <u32>planNy); store<u32>(grid + H_NZ, <u32>planNz);
  store<f64>(grid + H_OX, planOx); store<f64>(grid + H_OX + 8, planOy); store<f64>(grid + H_OX + 16, planOz);
  store<f64>(grid + H_CELL, planH); store<f64>(grid + H_INV, planInv);
  store<u32>(grid + H_CELLS, <u32>(starts - grid));
  store<u32>(grid + H_REFS, <u32>(refs - grid));
  store<u32>(grid + H_TRIS, <u32>(tris - grid));
  store<u32>(grid + H_IDS, <u32>(ids - grid));
  store<u32>(grid + H_BOUNDS, <u32>(bounds - grid));
  // A corner may lie off its record's plane by the f32 rounding of the sphere centre (a
  // coordinate of magnitude <= planMaxAbs: relative 2^-24 per component); the normal's rounding
  // is accounted for by the query. 2^-21 leaves a factor of 4 of margin.
  store<f64>(grid + H_EPS, planMaxAbs * 4.76837158203125e-7);

  // 1. Counting sort of the finite triangles by the cell of their centroid, packed as records.
  memory.fill(starts, 0, (<usize>cells + 1) << 2);
  for (let t0: u32 = 0; t0 < triangles; t0 += CHUNK) countHomeChunk(positions, indices, t0, min(t0 + CHUNK, triangles), starts);
  prefixSum(starts, cells);
  for (let t0: u32 = 0; t0 < triangles; t0 += CHUNK) packChunk(positions, indices, t0, min(t0 + CHUNK, triangles), starts, tris, bounds, ids);

  // 2. Cell lists: every cell a packed triangle's bounding box overlaps lists it.
  memory.fill(starts, 0, (<usize>cells + 1) << 2);
  for (let p0: u32 = 0; p0 < valid; p0 += CHUNK) listChunk(tris, p0, min(p0 + CHUNK, valid), starts, refs, 0);
  prefixSum(starts, cells);
  let refCount = load<u32>(starts + (<usize>cells << 2));
  let total = <f64>(refs - grid) + (<f64>refCount + 4) * 4;
  if (total > gridBytes) return STATUS_CAPACITY_EXCEEDED;
  for (let p0: u32 = 0; p0 < valid; p0 += CHUNK) listChunk(tris, p0, min(p0 + CHUNK, valid), starts, refs, 1);
  // The fill advanced every start to the next cell's start: shift back by one.
  for (let c = cells; c >= 1; c--) store<u32>(starts + (<usize>c << 2), load<u32>(starts + (<usize>(c - 1) << 2)));
  store<u32>(starts, 0);
  memory.fill(refs + (<usize>refCount << 2), 0, 16); // queries read the lists four entries at a time
  store<u32>(grid + H_REF_COUNT, refCount);
  store<f64>(out + CLOSEST_OUT_REFS, <f64>refCount);
  store<f64>(out + CLOSEST_OUT_GRID_BYTES, total);
  store<u32>(grid + H_MAGIC, GRID_MAGIC);
  return STATUS_OK;
}
