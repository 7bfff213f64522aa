// Closest-point queries against a grid block (closest-grid.ts): for every query point, the
// nearest point of the mesh surface within a maximum distance, its triangle and the side.
//
// Search, per query: the previous query's nearest triangle first (a good bound for coherent
// query streams), then the query's own cell, then the neighbouring cells whose box is nearer
// than the best distance so far, then (rarely, for queries off the surface) shells of cells at
// Chebyshev distance r = 2, 3, ... until the next shell is farther than the best distance or
// the max distance. In a cell, four bounding spheres at a time are tested in f32 SIMD (with a
// rounding margin); survivors get a tighter f64 bound (plane distance and lateral offset), and
// only then the exact point-triangle distance (point-triangle.ts). A triangle listed in several
// cells is tested once per query (u16 marks in the scratch). Results never depend on the order
// of the tests: ties are broken by a fixed rule (consider()).
import { STATUS_INVALID_ARGUMENT } from "../abi/status";
import { CLOSEST_OUT_FOUND, CLOSEST_OUT_BEYOND, CLOSEST_OUT_NONFINITE } from "../abi/layout";
import { radixSortU64 } from "../util/radix-sort";
import {
  GRID_MAGIC, H_MAGIC, H_TRIANGLES, H_NX, H_NY, H_NZ, H_OX, H_CELL, H_INV, H_CELLS, H_REFS, H_TRIS, H_IDS, H_EPS, H_BOUNDS, CORNER_BYTES, BOUND_BYTES,
  T_SPHERE, T_RADIUS, T_NORMAL,
  cellCoord,
} from "./closest-grid";
import { pointTriangleDist2, normalCosine, intervalDist2, closestX, closestY, closestZ } from "./point-triangle";

/** Relative slack on squared distances: ties, and pruning that must never skip a tie. */
const TIE: f64 = 1e-12;

// Grid of the current call (set once per closest_points call).
let gStarts: usize = 0, gRefs: usize = 0, gTris: usize = 0, gBounds: usize = 0, gIds: usize = 0, gEps: f64 = 0;
let gNx: i32 = 1, gNy: i32 = 1, gNz: i32 = 1, gTriangles: u32 = 0, gMaxAbs: f64 = 0;
let gOx: f64 = 0, gOy: f64 = 0, gOz: f64 = 0, gH: f64 = 1, gInv: f64 = 1;

// Result of nearest(): packed triangle (-1: none within the max distance), squared distance,
// closest point, cosine between (p - q) and that triangle's normal.
let rPacked: i32 = -1;
let rDist2: f64 = 0;
let rQx: f64 = 0, rQy: f64 = 0, rQz: f64 = 0;
let rCos: f64 = 0;

/**
 * Bytes of scratch closest_points needs for `count` queries against `grid`: a u16 mark per
 * triangle (a triangle listed in several cells is tested once per query) and the keys that
 * put the queries in cell order.
 */
export function closest_points_scratch_bytes(grid: usize, count: u32): f64 {
  if (load<u32>(grid + H_MAGIC) != GRID_MAGIC) return <f64>STATUS_INVALID_ARGUMENT;
  return stampBytes(load<u32>(grid + H_TRIANGLES)) + <f64>count * 16 + 8192;
}

@inline function stampBytes(triangles: u32): f64 {
  return Math.ceil(<f64>triangles * 2 / 16) * 16;
}

/** (p - q) . n / (|p - q| |n|) for packed triangle `rec`. */
@inline function cosineAt(rec: usize, px: f64, py: f64, pz: f64, qx: f64, qy: f64, qz: f64): f64 {
  return normalCosine(px - qx, py - qy, pz - qz,
    <f64>load<f32>(rec), <f64>load<f32>(rec, 4), <f64>load<f32>(rec, 8),
    <f64>load<f32>(rec, 12), <f64>load<f32>(rec, 16), <f64>load<f32>(rec, 20),
    <f64>load<f32>(rec, 24), <f64>load<f32>(rec, 28), <f64>load<f32>(rec, 32));
}

/** A lower bound of the distance from p to the triangle of bound record `rec` is beyond sqrt(lim). */
@inline function prune(rec: usize, px: f64, py: f64, pz: f64, best: f64, lim: f64, eps: f64): bool {
  // The bounding sphere: |p - x| >= |p - s| - radius for every point x of the triangle.
  let sx = px - <f64>load<f32>(rec + T_SPHERE), sy = py - <f64>load<f32>(rec + T_SPHERE, 4), sz = pz - <f64>load<f32>(rec + T_SPHERE, 8);
  let radius = <f64>load<f32>(rec + T_RADIUS);
  let d2 = sx * sx + sy * sy + sz * sz;
  let bound = best * (1.0 + TIE) + radius;
  if (d2 > bound * bound) return true;
  // The triangle lies in its plane (within eps) inside the disc of that radius around s: with
  // h = n . (p - s) and L = the distance from p's projection to s,
  // |p - x|^2 >= (|h| - eps)^2 + (L - radius)^2.
  let h = Math.abs(sx * <f64>load<f32>(rec + T_NORMAL) + sy * <f64>load<f32>(rec + T_NORMAL, 4) + sz * <f64>load<f32>(rec + T_NORMAL, 8));
  let e = eps + (best + radius) * 4.76837158203125e-7; // f32 normal: relative error < 2^-21 over |p - s| <= best + radius
  let hlo = max(h - e, 0.0);
  let room = lim - hlo * hlo;
  if (room < 0) return true;
  let hhi = h + e;
  let lat2 = d2 - hhi * hhi; // (lateral distance)^2, low side
  if (lat2 <= 0) return false;
  let reach = radius + Math.sqrt(room);
  return lat2 > reach * reach;
}

// Search state of the current query (globals so the inlined cell scan can update them).
let sBest2: f64 = 0, sBest: f64 = 0, sLim: f64 = 0, sMaxD2: f64 = 0;
let sBestP: i32 = -1, sBestId: u32 = 0, sBestCos: f64 = NaN;
let sQx: f64 = 0, sQy: f64 = 0, sQz: f64 = 0;
let sStamps: usize = 0, sStamp: u32 = 0;
/** Slack of the f32 sphere test, mm: covers rounding p and the centres to f32 (set per query). */
let sMargin: f64 = 0;

/** Makes packed triangle p (at squared distance d2, closest point in closestX/Y/Z) the best. */
@inline function takeBest(p: i32, id: u32, d2: f64, cos: f64): void {
  sBest2 = d2; sBest = Math.sqrt(d2); sLim = d2 + d2 * TIE;
  sBestP = p; sBestId = id; sBestCos = cos;
  sQx = closestX; sQy = closestY; sQz = closestZ;
}

/**
 * Tests packed triangle p against the best so far. A strictly nearer triangle wins; among
 * triangles at the same distance (shared edges and corners) the one whose normal is most nearly
 * parallel to p - q wins, which gives the right side at convex and concave edges; remaining ties
 * go to the lower source triangle id, so the answer does not depend on the order of the tests.
 */
@inline function consider(p: u32, px: f64, py: f64, pz: f64): void {
  let rec = gTris + <usize>p * CORNER_BYTES;
  let d2 = pointTriangleDist2(px, py, pz,
    <f64>load<f32>(rec), <f64>load<f32>(rec, 4), <f64>load<f32>(rec, 8),
    <f64>load<f32>(rec, 12), <f64>load<f32>(rec, 16), <f64>load<f32>(rec, 20),
    <f64>load<f32>(rec, 24), <f64>load<f32>(rec, 28), <f64>load<f32>(rec, 32));
  if (sBestP < 0) {
    if (d2 <= sMaxD2) takeBest(<i32>p, load<u32>(gIds + (<usize>p << 2)), d2, NaN); // beyond maxDistance: not found
  } else if (d2 < sBest2 - sBest2 * TIE) {
    takeBest(<i32>p, load<u32>(gIds + (<usize>p << 2)), d2, NaN);
  } else if (d2 <= sLim && <i32>p != sBestP) { // a tie: shared edge or corner, or coincident triangles
    let qx = closestX, qy = closestY, qz = closestZ;
    if (isNaN(sBestCos)) sBestCos = cosineAt(gTris + <usize>sBestP * CORNER_BYTES, px, py, pz, sQx, sQy, sQz);
    let cos = cosineAt(rec, px, py, pz, qx, qy, qz);
    let id = load<u32>(gIds + (<usize>p << 2));
    let a = Math.abs(cos), b = Math.abs(sBestCos);
    if (a > b || (a == b && id < sBestId)) {
      closestX = qx; closestY = qy; closestZ = qz;
      takeBest(<i32>p, id, d2, cos);
    }
  }
}

/** Tests every triangle listed in cell c that this query has not tested yet. */
@inline function scanCell(c: usize, px: f64, py: f64, pz: f64): void {
  let at = gStarts + (c << 2);
  let k = load<u32>(at), end = load<u32>(at, 4);
  let refs = gRefs, bounds = gBounds, stamps = sStamps, stamp = <u16>sStamp;
  // Four bounding spheres at a time in f32 (a coarse first cut, with a margin that covers f32
  // rounding); the survivors get the exact f64 bounds of prune() and then the distance test.
  let vx = f32x4.splat(<f32>px), vy = f32x4.splat(<f32>py), vz = f32x4.splat(<f32>pz);
  let reach = f32x4.splat(<f32>(sBest * (1.0 + 1.52587890625e-5) + sMargin));
  while (k < end) {
    let four = v128.load(refs + (<usize>k << 2)); // the block has 16 spare bytes after the lists
    let p0 = i32x4.extract_lane(four, 0), p1 = i32x4.extract_lane(four, 1);
    let p2 = i32x4.extract_lane(four, 2), p3 = i32x4.extract_lane(four, 3);
    let s0 = v128.load(bounds + (<usize>p0 << 5)), s1 = v128.load(bounds + (<usize>p1 << 5));
    let s2 = v128.load(bounds + (<usize>p2 << 5)), s3 = v128.load(bounds + (<usize>p3 << 5));
    let t0 = v128.shuffle<f32>(s0, s1, 0, 4, 1, 5), t1 = v128.shuffle<f32>(s2, s3, 0, 4, 1, 5);
    let t2 = v128.shuffle<f32>(s0, s1, 2, 6, 3, 7), t3 = v128.shuffle<f32>(s2, s3, 2, 6, 3, 7);
    let dx = f32x4.sub(vx, v128.shuffle<f32>(t0, t1, 0, 1, 4, 5));
    let dy = f32x4.sub(vy, v128.shuffle<f32>(t0, t1, 2, 3, 6, 7));
    let dz = f32x4.sub(vz, v128.shuffle<f32>(t2, t3, 0, 1, 4, 5));
    let b = f32x4.add(reach, v128.shuffle<f32>(t2, t3, 2, 3, 6, 7));
    let d2 = f32x4.add(f32x4.add(f32x4.mul(dx, dx), f32x4.mul(dy, dy)), f32x4.mul(dz, dz));
    let keep = i32x4.bitmask(f32x4.le(d2, f32x4.mul(b, b))); // NaN never prunes
    let left = end - k;
    if (left < 4) keep &= (1 << left) - 1;
    k += 4;
    while (keep != 0) {
      let lane = ctz(keep);
      keep &= keep - 1;
      let p = <u32>(lane == 0 ? p0 : lane == 1 ? p1 : lane == 2 ? p2 : p3);
      let st = stamps + (<usize>p << 1);
      if (load<u16>(st) == stamp) continue; // listed in a cell already scanned
      store<u16>(st, stamp);
      if (prune(bounds + <usize>p * BOUND_BYTES, px, py, pz, sBest, sLim, gEps)) continue;
      let before = sBestP;
      consider(p, px, py, pz);
      if (sBestP != before) reach = f32x4.splat(<f32>(sBest * (1.0 + 1.52587890625e-5) + sMargin));
    }
  }
}

/**
 * Nearest surface point to p within sqrt(maxD2), into rPacked / rDist2 / rQ / rCos. `seed` (a
 * packed triangle or -1, typically the previous query's answer) is tested first so the search
 * starts with a good bound; the answer does not depend on it.
 */
function nearest(px: f64, py: f64, pz: f64, maxD2: f64, seed: i32): void {
  let nx = gNx, ny = gNy, nz = gNz;
  let ox = gOx, oy = gOy, oz = gOz, h = gH;
  let ix = cellCoord(px, ox, gInv, nx), iy = cellCoord(py, oy, gInv, ny), iz = cellCoord(pz, oz, gInv, nz);
  sMaxD2 = maxD2; sBest2 = maxD2; sBest = Math.sqrt(maxD2); sLim = maxD2 + maxD2 * TIE;
  sBestP = -1; sBestId = 0; sBestCos = NaN;
  sMargin = (gMaxAbs + max(Math.abs(px), max(Math.abs(py), Math.abs(pz)))) * 9.5367431640625e-7; // 2^-20
  // A new stamp for this query (stamps wrap every 65535 queries: clear them then).
  if (++sStamp > 0xffff) { memory.fill(sStamps, 0, <usize>gTriangles << 1); sStamp = 1; }
  if (seed >= 0) {
    store<u16>(sStamps + (<usize>seed << 1), <u16>sStamp);
    consider(<u32>seed, px, py, pz);
  }

  // The home cell, then the 26 around it whose box is within the best distance.
  scanCell((<usize>iz * <usize>ny + <usize>iy) * <usize>nx + <usize>ix, px, py, pz);
  let xlo = ox + <f64>ix * h, ylo = oy + <f64>iy * h, zlo = oz + <f64>iz * h;
  let dx0 = intervalDist2(px, xlo, xlo + h), dxl = intervalDist2(px, xlo - h, xlo), dxh = intervalDist2(px, xlo + h, xlo + 2 * h);
  let dy0 = intervalDist2(py, ylo, ylo + h), dyl = intervalDist2(py, ylo - h, ylo), dyh = intervalDist2(py, ylo + h, ylo + 2 * h);
  let dz0 = intervalDist2(pz, zlo, zlo + h), dzl = intervalDist2(pz, zlo - h, zlo), dzh = intervalDist2(pz, zlo + h, zlo + 2 * h);
  let lim = sLim;
  let x0 = ix > 0 && dxl <= lim ? ix - 1 : ix, x1 = ix + 1 < nx && dxh <= lim ? ix + 1 : ix;
  let y0 = iy > 0 && dyl <= lim ? iy - 1 : iy, y1 = iy + 1 < ny && dyh <= lim ? iy + 1 : iy;
  let z0 = iz > 0 && dzl <= lim ? iz - 1 : iz, z1 = iz + 1 < nz && dzh <= lim ? iz + 1 : iz;
  if (x0 != x1 || y0 != y1 || z0 != z1) {
    for (let z = z0; z <= z1; z++) {
      let dz2 = z < iz ? dzl : z > iz ? dzh : dz0;
      for (let y = y0; y <= y1; y++) {
        let dzy2 = dz2 + (y < iy ? dyl : y > iy ? dyh : dy0);
        let row = (<usize>z * <usize>ny + <usize>y) * <usize>nx;
        for (let x = x0; x <= x1; x++) {
          if (x == ix && y == iy && z == iz) continue;
          if (dzy2 + (x < ix ? dxl : x > ix ? dxh : dx0) > sLim) continue;
          scanCell(row + <usize>x, px, py, pz);
        }
      }
    }
  }

  // Shells r >= 2 while they can hold something nearer (rare near the surface).
  for (let r: i32 = 2; ; r++) {
    // Every cell of shell r lies beyond one face of the block of shells < r that is not
    // clipped by the grid: the nearest such face bounds the distance to the whole shell.
    let lb = Infinity;
    if (ix - r >= 0) lb = min(lb, px - (ox + <f64>(ix - r + 1) * h));
    if (ix + r < nx) lb = min(lb, ox + <f64>(ix + r) * h - px);
    if (iy - r >= 0) lb = min(lb, py - (oy + <f64>(iy - r + 1) * h));
    if (iy + r < ny) lb = min(lb, oy + <f64>(iy + r) * h - py);
    if (iz - r >= 0) lb = min(lb, pz - (oz + <f64>(iz - r + 1) * h));
    if (iz + r < nz) lb = min(lb, oz + <f64>(iz + r) * h - pz);
    if (lb == Infinity) break; // the shells so far cover the grid
    if (lb > 0 && lb * lb > sLim) break;
    let za = max(iz - r, 0), zb = min(iz + r, nz - 1);
    let ya = max(iy - r, 0), yb = min(iy + r, ny - 1);
    for (let z = za; z <= zb; z++) {
      let zc = oz + <f64>z * h;
      let dz2 = intervalDist2(pz, zc, zc + h);
      if (dz2 > sLim) continue;
      let zFace = z == iz - r || z == iz + r;
      for (let y = ya; y <= yb; y++) {
        let yc = oy + <f64>y * h;
        let dzy2 = dz2 + intervalDist2(py, yc, yc + h);
        if (dzy2 > sLim) continue;
        let full = zFace || y == iy - r || y == iy + r;
        let xa = full ? max(ix - r, 0) : ix - r;
        let xb = full ? min(ix + r, nx - 1) : ix + r;
        let step = full ? 1 : 2 * r;
        let row = (<usize>z * <usize>ny + <usize>y) * <usize>nx;
        for (let x = xa; x <= xb; x += step) {
          if (x < 0 || x >= nx) continue;
          let xc = ox + <f64>x * h;
          if (dzy2 + intervalDist2(px, xc, xc + h) > sLim) continue;
          scanCell(row + <usize>x, px, py, pz);
        }
      }
    }
  }
  rPacked = sBestP;
  rDist2 = sBest2;
  rQx = sQx; rQy = sQy; rQz = sQz;
  if (sBestP >= 0 && isNaN(sBestCos)) sBestCos = cosineAt(gTris + <usize>sBestP * CORNER_BYTES, px, py, pz, sQx, sQy, sQz);
  rCos = sBestCos;
}

/**
 * For each of `count` query points (xyz; f64 if pointsF64 != 0, else f32), the nearest point of
 * the grid's surface at distance <= maxDistance (mm; Infinity allowed). Outputs (any pointer may
 * be 0 to skip it), per point i:
 *   distances[i]        f64 |p - q| (mm); +Infinity if no surface point is within maxDistance;
 *                       NaN if p has a non-finite coordinate
 *   signedDistances[i]  f64 +-|p - q|: + when p is on the side the nearest triangle's normal
 *                       (b - a) x (c - a) points to (outside, for CCW-outward meshes), - on the
 *                       other side, 0 when p is on the surface; + when that triangle has zero
 *                       area (no normal); +Infinity when not found, NaN for non-finite p
 *   triangleIds[i]      i32 source triangle number of the nearest triangle, or -1
 *   closestPoints[3i..] f64 xyz of q (NaN when not found)
 * `scratch`: closest_points_scratch_bytes(grid, count) bytes. `sortMode`: 0 = process the
 * queries in their order, 1 = in the order of their cells (faster for unordered points),
 * 2 = by cells only if more than 1/8 of consecutive queries jump by more than one cell. The
 * results do not depend on the order.
 * Returns the number of points found (>= 0) or STATUS_INVALID_ARGUMENT (not a grid block,
 * maxDistance negative or NaN).
 * out: CLOSEST_OUT_FOUND, CLOSEST_OUT_BEYOND (finite points with nothing within maxDistance),
 * CLOSEST_OUT_NONFINITE.
 */
export function closest_points(
  grid: usize, points: usize, count: u32, pointsF64: u32, maxDistance: f64, sortMode: u32, scratch: usize,
  distances: usize, signedDistances: usize, triangleIds: usize, closestPoints: usize, out: usize,
): i32 {
  if (load<u32>(grid + H_MAGIC) != GRID_MAGIC || !(maxDistance >= 0)) return STATUS_INVALID_ARGUMENT;
  gStarts = grid + <usize>load<u32>(grid + H_CELLS);
  gRefs = grid + <usize>load<u32>(grid + H_REFS);
  gTris = grid + <usize>load<u32>(grid + H_TRIS);
  gIds = grid + <usize>load<u32>(grid + H_IDS);
  gBounds = grid + <usize>load<u32>(grid + H_BOUNDS);
  gEps = load<f64>(grid + H_EPS);
  gMaxAbs = gEps * 2097152.0; // H_EPS = 2^-21 x the largest |coordinate|
  gNx = <i32>load<u32>(grid + H_NX); gNy = <i32>load<u32>(grid + H_NY); gNz = <i32>load<u32>(grid + H_NZ);
  gOx = load<f64>(grid + H_OX); gOy = load<f64>(grid + H_OX, 8); gOz = load<f64>(grid + H_OX, 16);
  gH = load<f64>(grid + H_CELL); gInv = load<f64>(grid + H_INV);
  let maxD2 = maxDistance * maxDistance;
  let stride: usize = pointsF64 != 0 ? 24 : 12;

  gTriangles = load<u32>(grid + H_TRIANGLES);
  sStamps = scratch;
  memory.fill(sStamps, 0, <usize>gTriangles << 1);
  sStamp = 0;

  // Processing order. Queries that jump around the grid run in the order of their cells
  // (stable radix sort of index << 32 | cell); a query stream that mostly steps to the same or a
  // neighbouring cell (a mesh's vertices, a scan line) keeps its own order.
  let order: usize = 0;
  if (sortMode != 0 && count > 1) {
    let keys = scratch + <usize>stampBytes(gTriangles), tmp = keys + (<usize>count << 3), histogram = tmp + (<usize>count << 3);
    let cells = <u32>gNx * <u32>gNy * <u32>gNz;
    let jumps: u32 = 0, lx: i32 = 0, ly: i32 = 0, lz: i32 = 0;
    for (let i: u32 = 0; i < count; i++) {
      let at = points + <usize>i * stride;
      let x: f64, y: f64, z: f64;
      if (pointsF64 != 0) { x = load<f64>(at); y = load<f64>(at, 8); z = load<f64>(at, 16); }
      else { x = <f64>load<f32>(at); y = <f64>load<f32>(at, 4); z = <f64>load<f32>(at, 8); }
      let cell: u32 = 0;
      if (isFinite(x + y + z)) {
        let cx = cellCoord(x, gOx, gInv, gNx), cy = cellCoord(y, gOy, gInv, gNy), cz = cellCoord(z, gOz, gInv, gNz);
        if (abs(cx - lx) > 1 || abs(cy - ly) > 1 || abs(cz - lz) > 1) jumps++;
        lx = cx; ly = cy; lz = cz;
        cell = (<u32>cz * <u32>gNy + <u32>cy) * <u32>gNx + <u32>cx;
      }
      store<u64>(keys + (<usize>i << 3), (<u64>i << 32) | <u64>cell);
    }
    if (sortMode == 1 || jumps > count >> 3) {
      let bits: u32 = cells <= 1 ? 1 : 32 - clz<u32>(cells - 1);
      order = radixSortU64(keys, tmp, count, bits, histogram);
    }
  }

  let found: u32 = 0, beyond: u32 = 0, nonfinite: u32 = 0;
  let seed: i32 = -1;
  for (let j: u32 = 0; j < count; j++) {
    let i = order != 0 ? <u32>(load<u64>(order + (<usize>j << 3)) >> 32) : j;
    let at = points + <usize>i * stride;
    let px: f64, py: f64, pz: f64;
    if (pointsF64 != 0) { px = load<f64>(at); py = load<f64>(at, 8); pz = load<f64>(at, 16); }
    else { px = <f64>load<f32>(at); py = <f64>load<f32>(at, 4); pz = <f64>load<f32>(at, 8); }
    let d: f64 = NaN, signed: f64 = NaN, id: i32 = -1;
    let qx: f64 = NaN, qy: f64 = NaN, qz: f64 = NaN;
    if (!isFinite(px + py + pz)) {
      nonfinite++;
    } else {
      nearest(px, py, pz, maxD2, seed);
      seed = rPacked;
      if (rPacked < 0) {
        beyond++;
        d = Infinity; signed = Infinity;
      } else {
        found++;
        d = Math.sqrt(rDist2);
        signed = d == 0 ? 0.0 : rCos < 0 ? -d : d;
        id = <i32>load<u32>(gIds + (<usize>rPacked << 2));
        qx = rQx; qy = rQy; qz = rQz;
      }
    }
    if (distances != 0) store<f64>(distances + (<usize>i << 3), d);
    if (signedDistances != 0) store<f64>(signedDistances + (<usize>i << 3), signed);
    if (triangleIds != 0) store<i32>(triangleIds + (<usize>i << 2), id);
    if (closestPoints != 0) {
      let q = closestPoints + <usize>i * 24;
      store<f64>(q, qx); store<f64>(q, qy, 8); store<f64>(q, qz, 16);
    }
  }
  store<u32>(out + CLOSEST_OUT_FOUND, found);
  store<u32>(out + CLOSEST_OUT_BEYOND, beyond);
  store<u32>(out + CLOSEST_OUT_NONFINITE, nonfinite);
  return <i32>found;
}
