// A spatial hash grid over a point set, built once and queried many times: the nearest point, or
// the k nearest within a radius (normals, FPFH, ICP correspondences, RANSAC scoring).
//
// Why a hash of cells: point clouds to register come at any scale and extent (a 20 mm tooth, a
// 150 mm bunny, a room); a hash of occupied cells costs memory in proportion to the points, not
// to the bounding box. Cells are cubes of edge h with integer coordinates floor(p / h) (origin 0,
// so two grids with the same h share their cells). A query visits shells of cells at Chebyshev
// distance r = 0, 1, 2, ... around its own cell, skips every cell whose box is farther than the
// current bound (the max distance, or the k-th best so far), and stops at the first shell that
// cannot hold a nearer point. Near-surface queries end after their own and a few neighbouring
// cells; h of about the query radius (or 1-2 point spacings for nearest queries) is a good choice.
//
// Grid block (one caller-owned allocation of cloud_grid_bytes() bytes; offsets in bytes):
//   header (HEADER_BYTES); the hash table (slots x SLOT_BYTES: u64 packed cell key, u32 first
//   point, u32 point count; count 0 = empty; linear probing); the points sorted by cell as three
//   f32 arrays x, y, z (structure of arrays) and their input indices (u32), each array padded to
//   16 bytes. Points of a cell are contiguous and in input order; cells are in table order.
//
// Build and queries run their per-point loops in chunks of CHUNK points through small functions:
// V8 runs a WASM function with its baseline compiler until a later call (no on-stack
// replacement), so one long loop in an exported function would stay unoptimised.
import { STATUS_OK, STATUS_INVALID_ARGUMENT, STATUS_CAPACITY_EXCEEDED } from "../abi/status";
import { CGRID_OUT_BYTES, CGRID_OUT_POINTS, CGRID_OUT_SKIPPED, CGRID_OUT_CELLS, CLOUD_OUT_FOUND, CLOUD_MAX_NEIGHBOURS } from "../abi/cloud-layout";

// ---- block layout (private to assembly/registration) -------------------------------------------
export const PGRID_MAGIC: u32 = 0x44475043; // "CPGD"
export const HEADER_BYTES: usize = 128;
export const G_MAGIC: usize = 0;     // u32
export const G_COUNT: usize = 4;     // u32 points in the grid
export const G_SLOTS: usize = 8;     // u32 table slots (a power of two)
export const G_CELLS: usize = 12;    // u32 occupied cells
export const G_CELL: usize = 16;     // f64 cell edge h, mm
export const G_INV: usize = 24;      // f64 1 / h
export const G_TABLE: usize = 32;    // u32 byte offset of the table
export const G_X: usize = 36;        // u32 byte offsets of the sorted x, y, z arrays and the input indices
export const G_Y: usize = 40;
export const G_Z: usize = 44;
export const G_IDS: usize = 48;
export const G_INPUT: usize = 52;    // u32 input points (including skipped ones)
export const G_CMIN: usize = 56;     // i32 x 3: smallest occupied cell coordinates
export const G_CMAX: usize = 68;     // i32 x 3: largest
export const SLOT_BYTES: usize = 16;

/** Cell coordinates are kept within [-KEY_BIAS, KEY_BIAS): 21 bits each in the packed key. */
const KEY_BIAS: i32 = 1 << 20;
/** Load factor limit of the table (occupied cells / slots). */
const MAX_LOAD: f64 = 0.75;
const CHUNK: u32 = 4096;

// ---- the current grid (set by useGrid) -----------------------------------------------------------
let gTable: usize = 0, gMask: u32 = 0, gX: usize = 0, gY: usize = 0, gZ: usize = 0, gIds: usize = 0;
let gH: f64 = 1, gInv: f64 = 1;
let gMinX: i32 = 0, gMinY: i32 = 0, gMinZ: i32 = 0, gMaxX: i32 = -1, gMaxY: i32 = -1, gMaxZ: i32 = -1;
let gCount: u32 = 0;

// ---- results of the last search: a max-heap of (squared distance, sorted position) -----------
const heapD: usize = memory.data(<i32>CLOUD_MAX_NEIGHBOURS * 4, 16);
const heapP: usize = memory.data(<i32>CLOUD_MAX_NEIGHBOURS * 4, 16);
let heapN: i32 = 0;

/** Squared distance of result i of the last search (unordered unless sortResults ran). */
@inline export function resultD2(i: i32): f32 { return load<f32>(heapD + (<usize>i << 2)); }
/** Sorted position (see pointX, inputIndex) of result i of the last search. */
@inline export function resultPos(i: i32): u32 { return load<u32>(heapP + (<usize>i << 2)); }
@inline export function pointX(pos: u32): f32 { return load<f32>(gX + (<usize>pos << 2)); }
@inline export function pointY(pos: u32): f32 { return load<f32>(gY + (<usize>pos << 2)); }
@inline export function pointZ(pos: u32): f32 { return load<f32>(gZ + (<usize>pos << 2)); }
/** The input index of the point at sorted position `pos`. */
@inline export function inputIndex(pos: u32): u32 { return load<u32>(gIds + (<usize>pos << 2)); }
@inline export function gridCount(): u32 { return gCount; }

@inline function pad16(bytes: f64): f64 { return Math.ceil(bytes / 16) * 16; }

@inline function packKey(cx: i32, cy: i32, cz: i32): u64 {
  return (<u64>(cx + KEY_BIAS) << 42) | (<u64>(cy + KEY_BIAS) << 21) | <u64>(cz + KEY_BIAS);
}

@inline function hashCell(cx: i32, cy: i32, cz: i32): u32 {
  let h = (<u32>cx * 73856093) ^ (<u32>cy * 19349663) ^ (<u32>cz * 83492791);
  h ^= h >> 15;
  h *= 0x2c1b3c6d;
  h ^= h >> 12;
  return h;
}

/** The table slot of cell (cx, cy, cz), or 0 when it holds no points. */
@inline function findCell(cx: i32, cy: i32, cz: i32): usize {
  let key = packKey(cx, cy, cz);
  let s = hashCell(cx, cy, cz) & gMask;
  while (true) {
    let p = gTable + (<usize>s << 4);
    if (load<u32>(p, 12) == 0) return 0;
    if (load<u64>(p) == key) return p;
    s = (s + 1) & gMask;
  }
  return 0;
}

/** The table slot of the cell containing (x, y, z), or 0 when that cell holds no grid points. */
export function slotAt(x: f64, y: f64, z: f64): usize {
  let fx = cellF(x, gInv), fy = cellF(y, gInv), fz = cellF(z, gInv);
  if (!(inKeyRange(fx) && inKeyRange(fy) && inKeyRange(fz))) return 0;
  return findCell(<i32>fx, <i32>fy, <i32>fz);
}

/** Cell coordinate of v (finite) as f64; within the key range when |result| < KEY_BIAS. */
@inline function cellF(v: f64, inv: f64): f64 {
  return Math.floor(v * inv);
}

@inline function inKeyRange(c: f64): bool {
  return c >= <f64>(-KEY_BIAS) && c < <f64>(KEY_BIAS - 1);
}

/** Makes `grid` the grid of the following queries. Returns false if it is not a grid block. */
export function useGrid(grid: usize): bool {
  if (grid == 0 || load<u32>(grid + G_MAGIC) != PGRID_MAGIC) return false;
  gTable = grid + <usize>load<u32>(grid + G_TABLE);
  gMask = load<u32>(grid + G_SLOTS) - 1;
  gX = grid + <usize>load<u32>(grid + G_X);
  gY = grid + <usize>load<u32>(grid + G_Y);
  gZ = grid + <usize>load<u32>(grid + G_Z);
  gIds = grid + <usize>load<u32>(grid + G_IDS);
  gH = load<f64>(grid + G_CELL);
  gInv = load<f64>(grid + G_INV);
  gMinX = load<i32>(grid + G_CMIN); gMinY = load<i32>(grid + G_CMIN + 4); gMinZ = load<i32>(grid + G_CMIN + 8);
  gMaxX = load<i32>(grid + G_CMAX); gMaxY = load<i32>(grid + G_CMAX + 4); gMaxZ = load<i32>(grid + G_CMAX + 8);
  gCount = load<u32>(grid + G_COUNT);
  return true;
}

// ---- build ---------------------------------------------------------------------------------------

/**
 * Bytes of a grid block over `count` points with a table of `slots` slots (a power of two >= 16;
 * at most 0.75 x slots cells may be occupied: slots >= 2 x count always suffices). Writes
 * CGRID_OUT_BYTES. Returns STATUS_INVALID_ARGUMENT for a bad `slots`.
 */
export function cloud_grid_bytes(count: u32, slots: u32, out: usize): i32 {
  if (slots < 16 || (slots & (slots - 1)) != 0) return STATUS_INVALID_ARGUMENT;
  store<f64>(out + CGRID_OUT_BYTES, gridBytes(count, slots));
  return STATUS_OK;
}

function gridBytes(count: u32, slots: u32): f64 {
  let array = pad16((<f64>count + 4) * 4);
  return <f64>HEADER_BYTES + <f64>slots * <f64>SLOT_BYTES + 4 * array;
}

// Build state.
let bPoints: usize = 0, bInv: f64 = 1, bCells: u32 = 0, bSkipped: u32 = 0, bFull: bool = false;

/** Pass 1 over points [i0, i1): counts points per cell, inserting new cells. */
function countChunk(i0: u32, i1: u32): void {
  for (let i = i0; i < i1; i++) {
    let p = bPoints + <usize>i * 12;
    let x = <f64>load<f32>(p), y = <f64>load<f32>(p, 4), z = <f64>load<f32>(p, 8);
    let fx = cellF(x, bInv), fy = cellF(y, bInv), fz = cellF(z, bInv);
    if (!(inKeyRange(fx) && inKeyRange(fy) && inKeyRange(fz))) { bSkipped++; continue; } // also NaN
    let cx = <i32>fx, cy = <i32>fy, cz = <i32>fz;
    let key = packKey(cx, cy, cz);
    let s = hashCell(cx, cy, cz) & gMask;
    while (true) {
      let slot = gTable + (<usize>s << 4);
      let c = load<u32>(slot, 12);
      if (c == 0) {
        if (<f64>(bCells + 1) > MAX_LOAD * <f64>(gMask + 1)) { bFull = true; return; }
        store<u64>(slot, key);
        store<u32>(slot, 1, 12);
        bCells++;
        gMinX = min(gMinX, cx); gMinY = min(gMinY, cy); gMinZ = min(gMinZ, cz);
        gMaxX = max(gMaxX, cx); gMaxY = max(gMaxY, cy); gMaxZ = max(gMaxZ, cz);
        break;
      }
      if (load<u64>(slot) == key) { store<u32>(slot, c + 1, 12); break; }
      s = (s + 1) & gMask;
    }
  }
}

/** Pass 3 over points (i1, i0] in reverse: writes each point at the end of its cell's free range. */
function scatterChunk(i1: u32, i0: u32): void {
  for (let i = i1; i > i0; i--) {
    let k = i - 1;
    let p = bPoints + <usize>k * 12;
    let x = load<f32>(p), y = load<f32>(p, 4), z = load<f32>(p, 8);
    let fx = cellF(<f64>x, bInv), fy = cellF(<f64>y, bInv), fz = cellF(<f64>z, bInv);
    if (!(inKeyRange(fx) && inKeyRange(fy) && inKeyRange(fz))) continue;
    let slot = findCell(<i32>fx, <i32>fy, <i32>fz);
    let at = load<u32>(slot, 8) - 1;
    store<u32>(slot, at, 8);
    let o = <usize>at << 2;
    store<f32>(gX + o, x); store<f32>(gY + o, y); store<f32>(gZ + o, z);
    store<u32>(gIds + o, k);
  }
}

/**
 * Builds the grid over `count` points (xyz f32, mm) with cells of edge `cellSize` (mm, > 0) and a
 * table of `slots` slots (see cloud_grid_bytes) into `grid` (gridBytes bytes). Points with a
 * non-finite coordinate, or farther than about 2^20 cells from the origin, are left out.
 * Writes CGRID_OUT_POINTS, CGRID_OUT_SKIPPED, CGRID_OUT_CELLS. Returns STATUS_CAPACITY_EXCEEDED
 * when more than 0.75 x slots cells are occupied (build again with more slots),
 * STATUS_INVALID_ARGUMENT for a bad cell size, slot count or block size.
 */
export function cloud_grid_build(points: usize, count: u32, cellSize: f64, slots: u32, grid: usize, bytes: f64, out: usize): i32 {
  if (!(cellSize > 0) || !isFinite(cellSize) || slots < 16 || (slots & (slots - 1)) != 0) return STATUS_INVALID_ARGUMENT;
  if (bytes < gridBytes(count, slots)) return STATUS_INVALID_ARGUMENT;
  let array = <usize>pad16((<f64>count + 4) * 4);
  let table = HEADER_BYTES;
  let xs = table + <usize>slots * SLOT_BYTES;
  memory.fill(grid, 0, HEADER_BYTES);
  memory.fill(grid + table, 0, <usize>slots * SLOT_BYTES);
  store<u32>(grid + G_MAGIC, PGRID_MAGIC);
  store<u32>(grid + G_SLOTS, slots);
  store<u32>(grid + G_INPUT, count);
  store<f64>(grid + G_CELL, cellSize);
  store<f64>(grid + G_INV, 1.0 / cellSize);
  store<u32>(grid + G_TABLE, <u32>table);
  store<u32>(grid + G_X, <u32>xs);
  store<u32>(grid + G_Y, <u32>(xs + array));
  store<u32>(grid + G_Z, <u32>(xs + 2 * array));
  store<u32>(grid + G_IDS, <u32>(xs + 3 * array));
  // Padding after each array: zeros (SIMD readers may load up to 16 bytes past the last point).
  memory.fill(grid + xs, 0, 4 * array);
  gTable = grid + table; gMask = slots - 1;
  gX = grid + xs; gY = gX + array; gZ = gY + array; gIds = gZ + array;
  bPoints = points; bInv = 1.0 / cellSize; bCells = 0; bSkipped = 0; bFull = false;
  gMinX = gMinY = gMinZ = i32.MAX_VALUE; gMaxX = gMaxY = gMaxZ = i32.MIN_VALUE;
  for (let i0: u32 = 0; i0 < count; i0 += CHUNK) {
    countChunk(i0, min(i0 + CHUNK, count));
    if (bFull) {
      store<u32>(grid + G_MAGIC, 0);
      return STATUS_CAPACITY_EXCEEDED;
    }
  }
  // Pass 2: each cell's end (first + count) in table order.
  let running: u32 = 0;
  for (let s: u32 = 0; s < slots; s++) {
    let slot = gTable + (<usize>s << 4);
    let c = load<u32>(slot, 12);
    if (c != 0) { running += c; store<u32>(slot, running, 8); }
  }
  // Pass 3 in reverse input order, filling each cell from its end: cells keep input order.
  for (let i1 = count; i1 > 0; ) {
    let i0 = i1 > CHUNK ? i1 - CHUNK : 0;
    scatterChunk(i1, i0);
    i1 = i0;
  }
  if (bCells == 0) { gMinX = gMinY = gMinZ = 0; gMaxX = gMaxY = gMaxZ = -1; }
  store<u32>(grid + G_COUNT, running);
  store<u32>(grid + G_CELLS, bCells);
  store<i32>(grid + G_CMIN, gMinX); store<i32>(grid + G_CMIN + 4, gMinY); store<i32>(grid + G_CMIN + 8, gMinZ);
  store<i32>(grid + G_CMAX, gMaxX); store<i32>(grid + G_CMAX + 4, gMaxY); store<i32>(grid + G_CMAX + 8, gMaxZ);
  store<u32>(out + CGRID_OUT_POINTS, running);
  store<u32>(out + CGRID_OUT_SKIPPED, bSkipped);
  store<u32>(out + CGRID_OUT_CELLS, bCells);
  return STATUS_OK;
}

// ---- queries -------------------------------------------------------------------------------------

/**
 * Adds (d2, pos) to the k best. Until k are found the results are simply appended (no order
 * needed: every point within the radius qualifies); the k-th makes them a max-heap (Floyd), and
 * from then on a nearer point replaces the farthest.
 */
@inline function heapOffer(d2: f32, pos: u32, k: i32): void {
  if (heapN < k) {
    store<f32>(heapD + (<usize>heapN << 2), d2);
    store<u32>(heapP + (<usize>heapN << 2), pos);
    heapN++;
    if (heapN == k) heapify(k);
  } else {
    siftDown(0, d2, pos, k);
  }
}

/** Places (d, p) at hole i of the max-heap [0, n), moving larger children up. */
function siftDown(i: i32, d: f32, p: u32, n: i32): void {
  while (true) {
    let l = 2 * i + 1;
    if (l >= n) break;
    let c = l;
    let cd = load<f32>(heapD + (<usize>l << 2));
    if (l + 1 < n) {
      let rd = load<f32>(heapD + (<usize>(l + 1) << 2));
      if (rd > cd) { c = l + 1; cd = rd; }
    }
    if (cd <= d) break;
    store<f32>(heapD + (<usize>i << 2), cd);
    store<u32>(heapP + (<usize>i << 2), load<u32>(heapP + (<usize>c << 2)));
    i = c;
  }
  store<f32>(heapD + (<usize>i << 2), d);
  store<u32>(heapP + (<usize>i << 2), p);
}

/** Makes results [0, n) a max-heap on the squared distance. */
function heapify(n: i32): void {
  for (let i = (n >> 1) - 1; i >= 0; i--) siftDown(i, load<f32>(heapD + (<usize>i << 2)), load<u32>(heapP + (<usize>i << 2)), n);
}

/** Distance from v to the interval [lo, lo + h] along one axis. */
@inline function gap(v: f64, lo: f64, h: f64): f64 {
  return v < lo ? lo - v : v > lo + h ? v - lo - h : 0;
}

/** Squared distance from (qx, qy, qz) to the grid point at sorted position p (f32). */
@inline function pointDist2(p: u32, qx: f32, qy: f32, qz: f32): f32 {
  let o = <usize>p << 2;
  let dx = load<f32>(gX + o) - qx, dy = load<f32>(gY + o) - qy, dz = load<f32>(gZ + o) - qz;
  return dx * dx + dy * dy + dz * dz;
}

/** Offers grid point p at squared distance d2 if it beats the current bound. */
@inline function consider(p: u32, d2: f32, r2: f32, k: i32): void {
  if (heapN < k ? d2 <= r2 : d2 < load<f32>(heapD)) heapOffer(d2, p, k);
}

/**
 * Tests the points of the cell in `slot` against the query; keeps the k best. Four points at a
 * time in f32 SIMD against the current bound; lanes that pass are offered one by one (in order,
 * with the exact same f32 arithmetic as the scalar tail, so results do not depend on the path).
 */
@inline function scanCell(slot: usize, qx: f32, qy: f32, qz: f32, r2: f32, k: i32): void {
  let first = load<u32>(slot, 8), end = first + load<u32>(slot, 12);
  let p = first;
  if (end - first >= 4) {
    let vx = f32x4.splat(qx), vy = f32x4.splat(qy), vz = f32x4.splat(qz);
    for (; p + 4 <= end; p += 4) {
      let o = <usize>p << 2;
      let dx = f32x4.sub(v128.load(gX + o), vx), dy = f32x4.sub(v128.load(gY + o), vy), dz = f32x4.sub(v128.load(gZ + o), vz);
      let d2 = f32x4.add(f32x4.add(f32x4.mul(dx, dx), f32x4.mul(dy, dy)), f32x4.mul(dz, dz));
      let bound = heapN < k ? r2 : load<f32>(heapD);
      if (!v128.any_true(f32x4.le(d2, f32x4.splat(bound)))) continue;
      consider(p, f32x4.extract_lane(d2, 0), r2, k);
      consider(p + 1, f32x4.extract_lane(d2, 1), r2, k);
      consider(p + 2, f32x4.extract_lane(d2, 2), r2, k);
      consider(p + 3, f32x4.extract_lane(d2, 3), r2, k);
    }
  }
  for (; p < end; p++) consider(p, pointDist2(p, qx, qy, qz), r2, k);
}

/** Visits cell (cx, cy, cz) if its box may hold a point within the current bound. */
@inline function visitCell(cx: i32, cy: i32, cz: i32, x: f64, y: f64, z: f64, qx: f32, qy: f32, qz: f32, r2: f32, k: i32): void {
  let h = gH;
  let gx = gap(x, <f64>cx * h, h), gy = gap(y, <f64>cy * h, h), gz = gap(z, <f64>cz * h, h);
  let bound = heapN < k ? r2 : load<f32>(heapD);
  if (<f32>(gx * gx + gy * gy + gz * gz) > bound) return;
  let slot = findCell(cx, cy, cz);
  if (slot != 0) scanCell(slot, qx, qy, qz, r2, k);
}

/**
 * The k nearest grid points within sqrt(r2) of (x, y, z) (1 <= k <= CLOUD_MAX_NEIGHBOURS;
 * r2 may be Infinity). Returns how many were found; resultD2 / resultPos give them (unordered).
 * Among points at exactly the same distance, those met first (cells in shell order, points in
 * input order) are kept.
 */
export function searchGrid(x: f64, y: f64, z: f64, r2: f64, k: i32): i32 {
  heapN = 0;
  if (gCount == 0 || !(r2 >= 0)) return 0;
  let qx = <f32>x, qy = <f32>y, qz = <f32>z;
  let fr2 = <f32>r2;
  let h = gH, inv = gInv;
  let fx = Math.floor(x * inv), fy = Math.floor(y * inv), fz = Math.floor(z * inv);
  if (!(isFinite(fx) && isFinite(fy) && isFinite(fz))) return 0;
  // Query cell, clamped to a range where i32 arithmetic is safe; far queries find nothing near.
  const LIM: f64 = 268435456.0;
  let cx = <i32>max(-LIM, min(LIM, fx)), cy = <i32>max(-LIM, min(LIM, fy)), cz = <i32>max(-LIM, min(LIM, fz));
  // Shells needed to reach every occupied cell, and to reach the radius.
  let cover = max(max(abs(cx - gMinX), abs(cx - gMaxX)), max(max(abs(cy - gMinY), abs(cy - gMaxY)), max(abs(cz - gMinZ), abs(cz - gMaxZ))));
  let rMax = cover;
  let radius = Math.sqrt(r2);
  if (isFinite(radius)) rMax = <i32>min(<f64>cover, Math.ceil(radius * inv));
  // Distance from the query to its own cell's nearest face (the start of shell 1).
  let face = min(min(min(x - <f64>cx * h, <f64>(cx + 1) * h - x), min(y - <f64>cy * h, <f64>(cy + 1) * h - y)),
    min(z - <f64>cz * h, <f64>(cz + 1) * h - z));
  if (!(face >= 0)) face = 0;
  // Shells nearer than the occupied box are empty: start at the first that reaches it.
  let rMin = max(max(outside(cx, gMinX, gMaxX), outside(cy, gMinY, gMaxY)), outside(cz, gMinZ, gMaxZ));
  if (isFinite(radius) && radius * inv <= 2.0) {
    // A radius of at most two cells: the own cell first, then only the cells that the box of
    // half-width sqrt(bound) around the query reaches (usually one to three, not 26).
    if (rMin == 0) {
      let own = findCell(cx, cy, cz);
      if (own != 0) scanCell(own, qx, qy, qz, fr2, k);
    }
    let b = Math.sqrt(<f64>(heapN < k ? fr2 : load<f32>(heapD)));
    let x0 = max(<i32>max(-LIM, Math.floor((x - b) * inv)), gMinX), x1 = min(<i32>min(LIM, Math.floor((x + b) * inv)), gMaxX);
    let y0 = max(<i32>max(-LIM, Math.floor((y - b) * inv)), gMinY), y1 = min(<i32>min(LIM, Math.floor((y + b) * inv)), gMaxY);
    let z0 = max(<i32>max(-LIM, Math.floor((z - b) * inv)), gMinZ), z1 = min(<i32>min(LIM, Math.floor((z + b) * inv)), gMaxZ);
    for (let iz = z0; iz <= z1; iz++) {
      for (let iy = y0; iy <= y1; iy++) {
        for (let ix = x0; ix <= x1; ix++) {
          if (ix == cx && iy == cy && iz == cz) continue;
          visitCell(ix, iy, iz, x, y, z, qx, qy, qz, fr2, k);
        }
      }
    }
    return heapN;
  }
  for (let r = rMin; r <= rMax; r++) {
    if (r > 0) {
      let lb = <f64>(r - 1) * h + face;
      let bound = heapN < k ? fr2 : load<f32>(heapD);
      if (<f32>(lb * lb) > bound) break;
    }
    let z0 = max(cz - r, gMinZ), z1 = min(cz + r, gMaxZ);
    let y0 = max(cy - r, gMinY), y1 = min(cy + r, gMaxY);
    for (let iz = z0; iz <= z1; iz++) {
      let zEdge = iz == cz - r || iz == cz + r;
      for (let iy = y0; iy <= y1; iy++) {
        if (zEdge || iy == cy - r || iy == cy + r) {
          let x0 = max(cx - r, gMinX), x1 = min(cx + r, gMaxX);
          for (let ix = x0; ix <= x1; ix++) visitCell(ix, iy, iz, x, y, z, qx, qy, qz, fr2, k);
        } else {
          if (cx - r >= gMinX && cx - r <= gMaxX) visitCell(cx - r, iy, iz, x, y, z, qx, qy, qz, fr2, k);
          if (r > 0 && cx + r >= gMinX && cx + r <= gMaxX) visitCell(cx + r, iy, iz, x, y, z, qx, qy, qz, fr2, k);
        }
      }
    }
  }
  return heapN;
}

/** How many cells c lies outside [lo, hi] (0 inside). */
@inline function outside(c: i32, lo: i32, hi: i32): i32 {
  return c < lo ? lo - c : c > hi ? c - hi : 0;
}

/** Sorts the results of the last search by ascending distance (heap sort in place). */
export function sortResults(): void {
  let n = heapN;
  heapify(n);
  for (let end = n - 1; end > 0; end--) {
    let d = load<f32>(heapD + (<usize>end << 2)), p = load<u32>(heapP + (<usize>end << 2));
    store<f32>(heapD + (<usize>end << 2), load<f32>(heapD));
    store<u32>(heapP + (<usize>end << 2), load<u32>(heapP));
    siftDown(0, d, p, end);
  }
}

// ---- exported queries ------------------------------------------------------------------------------

let qFound: u32 = 0;

function nearestChunk(queries: usize, i0: u32, i1: u32, r2: f64, indices: usize, distances: usize): void {
  for (let i = i0; i < i1; i++) {
    let q = queries + <usize>i * 12;
    let n = searchGrid(<f64>load<f32>(q), <f64>load<f32>(q, 4), <f64>load<f32>(q, 8), r2, 1);
    if (n > 0) {
      qFound++;
      store<i32>(indices + (<usize>i << 2), <i32>inputIndex(resultPos(0)));
      store<f32>(distances + (<usize>i << 2), Mathf.sqrt(resultD2(0)));
    } else {
      store<i32>(indices + (<usize>i << 2), -1);
      store<f32>(distances + (<usize>i << 2), Infinity);
    }
  }
}

/**
 * For every query point (xyz f32), the nearest grid point within maxDistance (mm; Infinity: no
 * limit): indices[i] = its input index (i32) or -1, distances[i] = the distance (f32, computed in
 * f32) or Infinity. Writes CLOUD_OUT_FOUND. Returns STATUS_INVALID_ARGUMENT if `grid` is not a
 * grid block or maxDistance is negative or NaN.
 */
export function cloud_nearest(grid: usize, queries: usize, count: u32, maxDistance: f64, indices: usize, distances: usize, out: usize): i32 {
  if (!useGrid(grid) || !(maxDistance >= 0)) return STATUS_INVALID_ARGUMENT;
  qFound = 0;
  let r2 = maxDistance * maxDistance;
  for (let i0: u32 = 0; i0 < count; i0 += CHUNK) nearestChunk(queries, i0, min(i0 + CHUNK, count), r2, indices, distances);
  store<u32>(out + CLOUD_OUT_FOUND, qFound);
  return STATUS_OK;
}

function knnChunk(queries: usize, i0: u32, i1: u32, r2: f64, k: i32, indices: usize, distances: usize): void {
  for (let i = i0; i < i1; i++) {
    let q = queries + <usize>i * 12;
    let n = searchGrid(<f64>load<f32>(q), <f64>load<f32>(q, 4), <f64>load<f32>(q, 8), r2, k);
    if (n > 0) qFound++;
    sortResults();
    let base = <usize>i * <usize>k;
    for (let j = 0; j < k; j++) {
      let o = (base + <usize>j) << 2;
      if (j < n) {
        store<i32>(indices + o, <i32>inputIndex(resultPos(j)));
        store<f32>(distances + o, Mathf.sqrt(resultD2(j)));
      } else {
        store<i32>(indices + o, -1);
        store<f32>(distances + o, Infinity);
      }
    }
  }
}

/**
 * For every query point, its k nearest grid points within `radius` (mm; Infinity: no limit),
 * nearest first: indices[i * k + j] (input index, -1 past the last found) and distances (f32,
 * Infinity past the last). 1 <= k <= CLOUD_MAX_NEIGHBOURS. Writes CLOUD_OUT_FOUND (queries with at
 * least one). Returns STATUS_INVALID_ARGUMENT for a bad grid, k or radius.
 */
export function cloud_knn(grid: usize, queries: usize, count: u32, radius: f64, k: u32, indices: usize, distances: usize, out: usize): i32 {
  if (!useGrid(grid) || !(radius >= 0) || k < 1 || k > CLOUD_MAX_NEIGHBOURS) return STATUS_INVALID_ARGUMENT;
  qFound = 0;
  let r2 = radius * radius;
  for (let i0: u32 = 0; i0 < count; i0 += CHUNK) knnChunk(queries, i0, min(i0 + CHUNK, count), r2, <i32>k, indices, distances);
  store<u32>(out + CLOUD_OUT_FOUND, qFound);
  return STATUS_OK;
}
