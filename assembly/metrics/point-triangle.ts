// Per-element math of the closest-point queries: point-triangle distance, point-box distance and
// the triangle's orientation test. Small @inline functions with no loops over elements, so the
// loops that drive them (closest-grid.ts, closest-points.ts) can change without touching them.
// Everything is f64: the f32 inputs convert exactly and differences of them are nearly exact.

/** The closest point found by the last pointTriangleDist2 call (module globals: no allocation). */
export let closestX: f64 = 0;
export let closestY: f64 = 0;
export let closestZ: f64 = 0;

/** Sets the closest point and returns its squared distance to p. */
@inline function setClosest(px: f64, py: f64, pz: f64, qx: f64, qy: f64, qz: f64): f64 {
  closestX = qx; closestY = qy; closestZ = qz;
  let dx = px - qx, dy = py - qy, dz = pz - qz;
  return dx * dx + dy * dy + dz * dz;
}

/**
 * Closest point of a segment a + s (b - a), s in [0, 1], to p; returns the squared distance and
 * leaves the point in closestX/Y/Z. A zero-length segment is its point a.
 */
@inline export function pointSegmentDist2(px: f64, py: f64, pz: f64, ax: f64, ay: f64, az: f64, bx: f64, by: f64, bz: f64): f64 {
  let ux = bx - ax, uy = by - ay, uz = bz - az;
  let len2 = ux * ux + uy * uy + uz * uz;
  let s = len2 > 0 ? ((px - ax) * ux + (py - ay) * uy + (pz - az) * uz) / len2 : 0.0;
  s = s < 0 ? 0.0 : s > 1 ? 1.0 : s;
  return setClosest(px, py, pz, ax + s * ux, ay + s * uy, az + s * uz);
}

/**
 * Exact distance from p to the triangle (a, b, c): the Voronoi-region method of Ericson,
 * Real-Time Collision Detection 5.1.5 (the same regions and formulas as three.js
 * Triangle.closestPointToPoint). Returns the squared distance; the closest point is left in
 * closestX/Y/Z. Degenerate triangles (repeated or collinear corners) are handled: an edge region
 * needs a non-zero edge, and a zero-area face region falls back to the nearest of the three edges.
 */
@inline export function pointTriangleDist2(
  px: f64, py: f64, pz: f64, ax: f64, ay: f64, az: f64, bx: f64, by: f64, bz: f64, cx: f64, cy: f64, cz: f64,
): f64 {
  let abx = bx - ax, aby = by - ay, abz = bz - az;
  let acx = cx - ax, acy = cy - ay, acz = cz - az;
  let apx = px - ax, apy = py - ay, apz = pz - az;
  let d1 = abx * apx + aby * apy + abz * apz;
  let d2 = acx * apx + acy * apy + acz * apz;
  if (d1 <= 0 && d2 <= 0) return setClosest(px, py, pz, ax, ay, az); // vertex A
  let bpx = px - bx, bpy = py - by, bpz = pz - bz;
  let d3 = abx * bpx + aby * bpy + abz * bpz;
  let d4 = acx * bpx + acy * bpy + acz * bpz;
  if (d3 >= 0 && d4 <= d3) return setClosest(px, py, pz, bx, by, bz); // vertex B
  let vc = d1 * d4 - d3 * d2;
  if (vc <= 0 && d1 >= 0 && d3 <= 0 && d1 - d3 > 0) { // edge AB (d1 - d3 = |AB|^2)
    let v = d1 / (d1 - d3);
    return setClosest(px, py, pz, ax + v * abx, ay + v * aby, az + v * abz);
  }
  let cpx = px - cx, cpy = py - cy, cpz = pz - cz;
  let d5 = abx * cpx + aby * cpy + abz * cpz;
  let d6 = acx * cpx + acy * cpy + acz * cpz;
  if (d6 >= 0 && d5 <= d6) return setClosest(px, py, pz, cx, cy, cz); // vertex C
  let vb = d5 * d2 - d1 * d6;
  if (vb <= 0 && d2 >= 0 && d6 <= 0 && d2 - d6 > 0) { // edge AC (d2 - d6 = |AC|^2)
    let w = d2 / (d2 - d6);
    return setClosest(px, py, pz, ax + w * acx, ay + w * acy, az + w * acz);
  }
  let va = d3 * d6 - d5 * d4;
  let e1 = d4 - d3, e2 = d5 - d6; // e1 + e2 = |BC|^2
  if (va <= 0 && e1 >= 0 && e2 >= 0 && e1 + e2 > 0) { // edge BC
    let w = e1 / (e1 + e2);
    return setClosest(px, py, pz, bx + w * (cx - bx), by + w * (cy - by), bz + w * (cz - bz));
  }
  let sum = va + vb + vc; // = |AB x AC|^2 (twice the area, squared) up to rounding
  if (sum > 0) { // face region
    let denom = 1.0 / sum;
    let v = vb * denom, w = vc * denom;
    return setClosest(px, py, pz, ax + abx * v + acx * w, ay + aby * v + acy * w, az + abz * v + acz * w);
  }
  return degenerateDist2(px, py, pz, ax, ay, az, bx, by, bz, cx, cy, cz);
}

/** Zero-area triangle: the nearest point of its three edges (rare: kept out of line). */
function degenerateDist2(px: f64, py: f64, pz: f64, ax: f64, ay: f64, az: f64, bx: f64, by: f64, bz: f64, cx: f64, cy: f64, cz: f64): f64 {
  let best = pointSegmentDist2(px, py, pz, ax, ay, az, bx, by, bz);
  let qx = closestX, qy = closestY, qz = closestZ;
  let d = pointSegmentDist2(px, py, pz, bx, by, bz, cx, cy, cz);
  if (d < best) { best = d; qx = closestX; qy = closestY; qz = closestZ; }
  d = pointSegmentDist2(px, py, pz, cx, cy, cz, ax, ay, az);
  if (d < best) { best = d; qx = closestX; qy = closestY; qz = closestZ; }
  closestX = qx; closestY = qy; closestZ = qz;
  return best;
}

/**
 * How well the offset v = p - q lines up with the triangle's normal n = (b - a) x (c - a):
 * (v . n) / (|v| |n|), in [-1, 1]; 0 when either is zero. Its sign says on which side of the
 * triangle p lies (positive: the side n points to, outside for CCW-outward meshes).
 */
@inline export function normalCosine(
  vx: f64, vy: f64, vz: f64, ax: f64, ay: f64, az: f64, bx: f64, by: f64, bz: f64, cx: f64, cy: f64, cz: f64,
): f64 {
  let ux = bx - ax, uy = by - ay, uz = bz - az, wx = cx - ax, wy = cy - ay, wz = cz - az;
  let nx = uy * wz - uz * wy, ny = uz * wx - ux * wz, nz = ux * wy - uy * wx;
  let den = Math.sqrt((vx * vx + vy * vy + vz * vz) * (nx * nx + ny * ny + nz * nz));
  return den > 0 ? (vx * nx + vy * ny + vz * nz) / den : 0.0;
}

/** Squared distance from the coordinate p to the interval [lo, hi] (0 inside). */
@inline export function intervalDist2(p: f64, lo: f64, hi: f64): f64 {
  let d = p < lo ? lo - p : p > hi ? p - hi : 0.0;
  return d * d;
}

/** Area of the triangle (a, b, c), mm^2 (NaN if a corner is not finite). */
@inline export function triangleArea(ax: f64, ay: f64, az: f64, bx: f64, by: f64, bz: f64, cx: f64, cy: f64, cz: f64): f64 {
  let ux = bx - ax, uy = by - ay, uz = bz - az, wx = cx - ax, wy = cy - ay, wz = cz - az;
  let nx = uy * wz - uz * wy, ny = uz * wx - ux * wz, nz = ux * wy - uy * wx;
  return 0.5 * Math.sqrt(nx * nx + ny * ny + nz * nz);
}
