// Closest-point queries against a grid block (closest-grid.ts): for every query point, the
// nearest point of the mesh surface within a maximum distance, its triangle and the side.
//
// Search: the query's own cell first, then shells of cells at Chebyshev distance r = 1, 2, ...
// around it; a cell is opened only if its box is nearer than the best distance so far, a
// triangle is tested only if its bounding sphere is, and the search stops when the next shell
// is farther than the best distance (or than the max distance). Queries may be processed in the
// order of their cells (scratch != 0) so consecutive queries touch the same memory.
import { STATUS_INVALID_ARGUMENT } from "../abi/status";
import { CLOSEST_OUT_FOUND, CLOSEST_OUT_BEYOND, CLOSEST_OUT_NONFINITE } from "../abi/layout";
import { radixSortU64 } from "../util/radix-sort";
import {
  GRID_MAGIC, H_MAGIC, H_NX, H_NY, H_NZ, H_OX, H_CELL, H_INV, H_CELLS, H_REFS, H_TRIS, TRI_BYTES, T_SPHERE, T_RADIUS, T_ID,
  cellCoord,
} from "./closest-grid";
import { pointTriangleDist2, normalCosine, intervalDist2, closestX, closestY, closestZ } from "./point-triangle";

/** Relative slack on squared distances: ties, and pruning that must never skip a tie. */
const TIE: f64 = 1e-12;

// Grid of the current call (set once per closest_points call).
let gStarts: usize = 0, gRefs: usize = 0, gTris: usize = 0;
let gNx: i32 = 1, gNy: i32 = 1, gNz: i32 = 1;
let gOx: f64 = 0, gOy: f64 = 0, gOz: f64 = 0, gH: f64 = 1, gInv: f64 = 1;

// Result of nearest(): packed triangle (-1: none within the max distance), squared distance,
// closest point, cosine between (p - q) and that triangle's normal.
let rPacked: i32 = -1;
let rDist2: f64 = 0;
let rQx: f64 = 0, rQy: f64 = 0, rQz: f64 = 0;
let rCos: f64 = 0;

/** Bytes of scratch closest_points needs to process `count` queries in cell order. */
export function closest_points_scratch_bytes(count: u32): f64 {
  return <f64>count * 16 + 8192;
}

/** (p - q) . n / (|p - q| |n|) for packed triangle `rec`. */
@inline function cosineAt(rec: usize, px: f64, py: f64, pz: f64, qx: f64, qy: f64, qz: f64): f64 {
  return normalCosine(px - qx, py - qy, pz - qz,
    <f64>load<f32>(rec), <f64>load<f32>(rec, 4), <f64>load<f32>(rec, 8),
    <f64>load<f32>(rec, 12), <f64>load<f32>(rec, 16), <f64>load<f32>(rec, 20),
    <f64>load<f32>(rec, 24), <f64>load<f32>(rec, 28), <f64>load<f32>(rec, 32));
}

/**
 * Nearest surface point to p within sqrt(maxD2). Among triangles at the same distance (shared
 * edges and corners) it keeps the one whose normal is most nearly parallel to p - q, which gives
 * the right side at convex and concave edges; remaining ties go to the lower source triangle id.
 */
function nearest(px: f64, py: f64, pz: f64, maxD2: f64): void {
  let starts = gStarts, refs = gRefs, tris = gTris;
  let nx = gNx, ny = gNy, nz = gNz;
  let ox = gOx, oy = gOy, oz = gOz, h = gH;
  let ix = cellCoord(px, ox, gInv, nx), iy = cellCoord(py, oy, gInv, ny), iz = cellCoord(pz, oz, gInv, nz);
  let best2 = maxD2, best = Math.sqrt(maxD2), lim = best2 + best2 * TIE;
  let bestP: i32 = -1, bestId: u32 = 0, bestCos: f64 = NaN;
  let qx: f64 = 0, qy: f64 = 0, qz: f64 = 0;
  for (let r: i32 = 0; ; r++) {
    if (r > 0) {
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
      if (lb > 0 && lb * lb > lim) break;
    }
    let z0 = max(iz - r, 0), z1 = min(iz + r, nz - 1);
    let y0 = max(iy - r, 0), y1 = min(iy + r, ny - 1);
    for (let z = z0; z <= z1; z++) {
      let zlo = oz + <f64>z * h;
      let dz2 = intervalDist2(pz, zlo, zlo + h);
      if (dz2 > lim) continue;
      let zFace = z == iz - r || z == iz + r;
      for (let y = y0; y <= y1; y++) {
        let ylo = oy + <f64>y * h;
        let dzy2 = dz2 + intervalDist2(py, ylo, ylo + h);
        if (dzy2 > lim) continue;
        let full = zFace || y == iy - r || y == iy + r;
        let xa = full ? max(ix - r, 0) : ix - r;
        let xb = full ? min(ix + r, nx - 1) : ix + r;
        let step = full ? 1 : 2 * r;
        let row = (<usize>z * <usize>ny + <usize>y) * <usize>nx;
        for (let x = xa; x <= xb; x += step) {
          if (x < 0 || x >= nx) continue;
          let xlo = ox + <f64>x * h;
          if (dzy2 + intervalDist2(px, xlo, xlo + h) > lim) continue;
          let at = starts + ((row + <usize>x) << 2);
          let k = load<u32>(at), end = load<u32>(at, 4);
          for (; k < end; k++) {
            let p = load<u32>(refs + (<usize>k << 2));
            let rec = tris + <usize>p * TRI_BYTES;
            // Bounding-sphere test: |p - s| - radius is a lower bound of the distance.
            let sx = px - <f64>load<f32>(rec + T_SPHERE), sy = py - <f64>load<f32>(rec + T_SPHERE, 4), sz = pz - <f64>load<f32>(rec + T_SPHERE, 8);
            let bound = best * (1.0 + TIE) + <f64>load<f32>(rec + T_RADIUS);
            if (sx * sx + sy * sy + sz * sz > bound * bound) continue;
            let d2 = pointTriangleDist2(px, py, pz,
              <f64>load<f32>(rec), <f64>load<f32>(rec, 4), <f64>load<f32>(rec, 8),
              <f64>load<f32>(rec, 12), <f64>load<f32>(rec, 16), <f64>load<f32>(rec, 20),
              <f64>load<f32>(rec, 24), <f64>load<f32>(rec, 28), <f64>load<f32>(rec, 32));
            if (d2 > lim) continue;
            let id = load<u32>(rec + T_ID);
            let take = false, cos: f64 = NaN;
            if (bestP < 0 || d2 < best2 - best2 * TIE) take = true;
            else if (<i32>p != bestP) { // a tie: shared edge or corner, or coincident triangles
              if (isNaN(bestCos)) bestCos = cosineAt(tris + <usize>bestP * TRI_BYTES, px, py, pz, qx, qy, qz);
              cos = cosineAt(rec, px, py, pz, closestX, closestY, closestZ);
              let a = Math.abs(cos), b = Math.abs(bestCos);
              take = a > b || (a == b && id < bestId);
            }
            if (take) {
              best2 = d2; best = Math.sqrt(d2); lim = best2 + best2 * TIE;
              bestP = <i32>p; bestId = id; bestCos = cos;
              qx = closestX; qy = closestY; qz = closestZ;
            }
          }
        }
      }
    }
  }
  rPacked = bestP;
  rDist2 = best2;
  rQx = qx; rQy = qy; rQz = qz;
  if (bestP >= 0 && isNaN(bestCos)) bestCos = cosineAt(tris + <usize>bestP * TRI_BYTES, px, py, pz, qx, qy, qz);
  rCos = bestCos;
}

/**
 * For each of `count` query points (xyz; f64 if pointsF64 != 0, else f32), the nearest point of
 * the grid's surface at distance <= maxDistance (mm; Infinity allowed). Outputs (any pointer may
 * be 0 to skip it), per point i:
 *   distances[i]        f64 |p - q| (mm); +Infinity if no surface point is within maxDistance;
 *                       NaN if p has a non-finite coordinate
 *   signedDistances[i]  f64 +-|p - q|: + when p is on the side the nearest triangle's normal
 *                       (b - a) x (c - a) points to, - on the other side, 0 when p is on the
 *                       surface or that triangle has zero area; same Infinity / NaN as above
 *   triangleIds[i]      i32 source triangle number of the nearest triangle, or -1
 *   closestPoints[3i..] f64 xyz of q (NaN when not found)
 * `scratch` (closest_points_scratch_bytes(count) bytes, or 0) lets the queries run in the order
 * of their cells, which is faster for unordered points; results are the same either way.
 * Returns the number of points found (>= 0) or STATUS_INVALID_ARGUMENT (not a grid block,
 * maxDistance negative or NaN).
 * out: CLOSEST_OUT_FOUND, CLOSEST_OUT_BEYOND (finite points with nothing within maxDistance),
 * CLOSEST_OUT_NONFINITE.
 */
export function closest_points(
  grid: usize, points: usize, count: u32, pointsF64: u32, maxDistance: f64, scratch: usize,
  distances: usize, signedDistances: usize, triangleIds: usize, closestPoints: usize, out: usize,
): i32 {
  if (load<u32>(grid + H_MAGIC) != GRID_MAGIC || !(maxDistance >= 0)) return STATUS_INVALID_ARGUMENT;
  gStarts = grid + <usize>load<u32>(grid + H_CELLS);
  gRefs = grid + <usize>load<u32>(grid + H_REFS);
  gTris = grid + <usize>load<u32>(grid + H_TRIS);
  gNx = <i32>load<u32>(grid + H_NX); gNy = <i32>load<u32>(grid + H_NY); gNz = <i32>load<u32>(grid + H_NZ);
  gOx = load<f64>(grid + H_OX); gOy = load<f64>(grid + H_OX, 8); gOz = load<f64>(grid + H_OX, 16);
  gH = load<f64>(grid + H_CELL); gInv = load<f64>(grid + H_INV);
  let maxD2 = maxDistance * maxDistance;
  let stride: usize = pointsF64 != 0 ? 24 : 12;

  // Optional processing order: by cell (stable), via keys (index << 32 | cell).
  let order: usize = 0;
  if (scratch != 0 && count > 1) {
    let keys = scratch, tmp = scratch + (<usize>count << 3), histogram = tmp + (<usize>count << 3);
    let cells = <u32>gNx * <u32>gNy * <u32>gNz;
    for (let i: u32 = 0; i < count; i++) {
      let at = points + <usize>i * stride;
      let x: f64, y: f64, z: f64;
      if (pointsF64 != 0) { x = load<f64>(at); y = load<f64>(at, 8); z = load<f64>(at, 16); }
      else { x = <f64>load<f32>(at); y = <f64>load<f32>(at, 4); z = <f64>load<f32>(at, 8); }
      let cell: u32 = 0;
      if (isFinite(x + y + z)) {
        cell = (<u32>cellCoord(z, gOz, gInv, gNz) * <u32>gNy + <u32>cellCoord(y, gOy, gInv, gNy)) * <u32>gNx + <u32>cellCoord(x, gOx, gInv, gNx);
      }
      store<u64>(keys + (<usize>i << 3), (<u64>i << 32) | <u64>cell);
    }
    let bits: u32 = cells <= 1 ? 1 : 32 - clz<u32>(cells - 1);
    order = radixSortU64(keys, tmp, count, bits, histogram);
  }

  let found: u32 = 0, beyond: u32 = 0, nonfinite: u32 = 0;
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
      nearest(px, py, pz, maxD2);
      if (rPacked < 0) {
        beyond++;
        d = Infinity; signed = Infinity;
      } else {
        found++;
        d = Math.sqrt(rDist2);
        signed = d == 0 ? 0.0 : rCos < 0 ? -d : d;
        id = <i32>load<u32>(gTris + <usize>rPacked * TRI_BYTES + T_ID);
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
