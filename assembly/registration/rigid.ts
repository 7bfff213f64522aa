// Rigid transforms as 12 f64, row-major 3x4 [R | t] (p' = R p + t), and the least-squares rigid
// fit of point pairs (Horn 1987, unit quaternions).
import { jacobiSymmetric, largestEigen, eigenvector } from "./eigen";

const nMat: usize = memory.data(16 * 8, 16);
const nVec: usize = memory.data(16 * 8, 16);

@inline export function m(t: usize, i: i32): f64 { return load<f64>(t + (<usize>i << 3)); }
@inline export function setM(t: usize, i: i32, v: f64): void { store<f64>(t + (<usize>i << 3), v); }

/** x of t applied to (x, y, z). */
@inline export function txX(t: usize, x: f64, y: f64, z: f64): f64 { return m(t, 0) * x + m(t, 1) * y + m(t, 2) * z + m(t, 3); }
@inline export function txY(t: usize, x: f64, y: f64, z: f64): f64 { return m(t, 4) * x + m(t, 5) * y + m(t, 6) * z + m(t, 7); }
@inline export function txZ(t: usize, x: f64, y: f64, z: f64): f64 { return m(t, 8) * x + m(t, 9) * y + m(t, 10) * z + m(t, 11); }

/** Copies 12 f64. */
export function copyTransform(dst: usize, src: usize): void {
  memory.copy(dst, src, 96);
}

export function setIdentity(t: usize): void {
  memory.fill(t, 0, 96);
  setM(t, 0, 1); setM(t, 5, 1); setM(t, 10, 1);
}

/** Rotation angle (rad) between the rotations of a and b: acos((trace(Ra^T Rb) - 1) / 2). */
export function rotationBetween(a: usize, b: usize): f64 {
  let tr: f64 = 0;
  for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) tr += m(a, r * 4 + c) * m(b, r * 4 + c);
  let cosine = (tr - 1) * 0.5;
  return Math.acos(max(-1.0, min(1.0, cosine)));
}

/** Writes the rotation of unit quaternion (w, x, y, z) into t's 3x3 part. */
export function setRotationFromQuaternion(t: usize, w: f64, x: f64, y: f64, z: f64): void {
  let n = Math.sqrt(w * w + x * x + y * y + z * z);
  w /= n; x /= n; y /= n; z /= n;
  setM(t, 0, w * w + x * x - y * y - z * z); setM(t, 1, 2 * (x * y - w * z)); setM(t, 2, 2 * (x * z + w * y));
  setM(t, 4, 2 * (x * y + w * z)); setM(t, 5, w * w - x * x + y * y - z * z); setM(t, 6, 2 * (y * z - w * x));
  setM(t, 8, 2 * (x * z - w * y)); setM(t, 9, 2 * (y * z + w * x)); setM(t, 10, w * w - x * x - y * y + z * z);
}

// Sums of the fit (module state: filled by addPair, used by finishFit).
let fN: f64 = 0;
let fSx: f64 = 0, fSy: f64 = 0, fSz: f64 = 0, fDx: f64 = 0, fDy: f64 = 0, fDz: f64 = 0;
let fXX: f64 = 0, fXY: f64 = 0, fXZ: f64 = 0, fYX: f64 = 0, fYY: f64 = 0, fYZ: f64 = 0, fZX: f64 = 0, fZY: f64 = 0, fZZ: f64 = 0;
// Shift applied to all points of the fit (the first pair's source point), for precision.
let oSx: f64 = 0, oSy: f64 = 0, oSz: f64 = 0, oDx: f64 = 0, oDy: f64 = 0, oDz: f64 = 0;

/** Starts a fit; (sx, sy, sz) -> (dx, dy, dz) is a representative pair (used as local origins). */
export function beginFit(sx: f64, sy: f64, sz: f64, dx: f64, dy: f64, dz: f64): void {
  fN = 0; fSx = fSy = fSz = fDx = fDy = fDz = 0;
  fXX = fXY = fXZ = fYX = fYY = fYZ = fZX = fZY = fZZ = 0;
  oSx = sx; oSy = sy; oSz = sz; oDx = dx; oDy = dy; oDz = dz;
}

/** Adds the pair source s -> target d. */
@inline export function addPair(sx: f64, sy: f64, sz: f64, dx: f64, dy: f64, dz: f64): void {
  sx -= oSx; sy -= oSy; sz -= oSz; dx -= oDx; dy -= oDy; dz -= oDz;
  fN += 1;
  fSx += sx; fSy += sy; fSz += sz; fDx += dx; fDy += dy; fDz += dz;
  fXX += sx * dx; fXY += sx * dy; fXZ += sx * dz;
  fYX += sy * dx; fYY += sy * dy; fYZ += sy * dz;
  fZX += sz * dx; fZY += sz * dy; fZZ += sz * dz;
}

/**
 * The rotation and translation minimising the sum of |R s + t - d|^2 over the pairs added since
 * beginFit, written to t. Returns false (t unchanged) with fewer than 3 pairs.
 */
export function finishFit(t: usize): bool {
  if (fN < 3) return false;
  let inv = 1 / fN;
  let csx = fSx * inv, csy = fSy * inv, csz = fSz * inv, cdx = fDx * inv, cdy = fDy * inv, cdz = fDz * inv;
  // Centred cross-covariance S_ab = sum s'_a d'_b.
  let sxx = fXX - fN * csx * cdx, sxy = fXY - fN * csx * cdy, sxz = fXZ - fN * csx * cdz;
  let syx = fYX - fN * csy * cdx, syy = fYY - fN * csy * cdy, syz = fYZ - fN * csy * cdz;
  let szx = fZX - fN * csz * cdx, szy = fZY - fN * csz * cdy, szz = fZZ - fN * csz * cdz;
  let a = nMat;
  setM(a, 0, sxx + syy + szz); setM(a, 1, syz - szy); setM(a, 2, szx - sxz); setM(a, 3, sxy - syx);
  setM(a, 4, syz - szy); setM(a, 5, sxx - syy - szz); setM(a, 6, sxy + syx); setM(a, 7, szx + sxz);
  setM(a, 8, szx - sxz); setM(a, 9, sxy + syx); setM(a, 10, -sxx + syy - szz); setM(a, 11, syz + szy);
  setM(a, 12, sxy - syx); setM(a, 13, szx + sxz); setM(a, 14, syz + szy); setM(a, 15, -sxx - syy + szz);
  jacobiSymmetric(a, nVec, 4);
  let best = largestEigen(a, 4);
  setRotationFromQuaternion(t, eigenvector(nVec, 4, best, 0), eigenvector(nVec, 4, best, 1),
    eigenvector(nVec, 4, best, 2), eigenvector(nVec, 4, best, 3));
  // t = (cd + oD) - R (cs + oS).
  let px = csx + oSx, py = csy + oSy, pz = csz + oSz;
  setM(t, 3, cdx + oDx - (m(t, 0) * px + m(t, 1) * py + m(t, 2) * pz));
  setM(t, 7, cdy + oDy - (m(t, 4) * px + m(t, 5) * py + m(t, 6) * pz));
  setM(t, 11, cdz + oDz - (m(t, 8) * px + m(t, 9) * py + m(t, 10) * pz));
  return true;
}

/**
 * Applies an update on the left about the point c: p' = dR (p - c) + c + dt, with dR the rotation
 * of the vector w (axis w / |w|, angle |w|, Rodrigues). t := update o t.
 */
export function applyUpdate(t: usize, wx: f64, wy: f64, wz: f64, dx: f64, dy: f64, dz: f64, cx: f64, cy: f64, cz: f64): void {
  let angle = Math.sqrt(wx * wx + wy * wy + wz * wz);
  let r00: f64 = 1, r01: f64 = 0, r02: f64 = 0, r10: f64 = 0, r11: f64 = 1, r12: f64 = 0, r20: f64 = 0, r21: f64 = 0, r22: f64 = 1;
  if (angle > 0) {
    let ax = wx / angle, ay = wy / angle, az = wz / angle;
    let s = Math.sin(angle), c = Math.cos(angle), k = 1 - c;
    r00 = c + ax * ax * k; r01 = ax * ay * k - az * s; r02 = ax * az * k + ay * s;
    r10 = ay * ax * k + az * s; r11 = c + ay * ay * k; r12 = ay * az * k - ax * s;
    r20 = az * ax * k - ay * s; r21 = az * ay * k + ax * s; r22 = c + az * az * k;
  }
  for (let col = 0; col < 3; col++) {
    let a = m(t, col), b = m(t, 4 + col), e = m(t, 8 + col);
    setM(t, col, r00 * a + r01 * b + r02 * e);
    setM(t, 4 + col, r10 * a + r11 * b + r12 * e);
    setM(t, 8 + col, r20 * a + r21 * b + r22 * e);
  }
  let px = m(t, 3) - cx, py = m(t, 7) - cy, pz = m(t, 11) - cz;
  setM(t, 3, r00 * px + r01 * py + r02 * pz + cx + dx);
  setM(t, 7, r10 * px + r11 * py + r12 * pz + cy + dy);
  setM(t, 11, r20 * px + r21 * py + r22 * pz + cz + dz);
}
