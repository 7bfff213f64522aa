// The 6x6 normal equations of point-to-plane ICP: solve (Cholesky) and conditioning (Jacobi
// eigenvalues), from an accumulator record (abi/registration-layout.ts ACC_*).
import { STATUS_OK, STATUS_INVALID_ARGUMENT } from "../abi/status";
import { ACC_ATA, ACC_ATB, SOLVE_OUT_X, SOLVE_OUT_MIN_EIGEN, SOLVE_OUT_MAX_EIGEN, SOLVE_OUT_WEAK_AXIS } from "../abi/registration-layout";

/** Index of (r, c), r <= c, in the packed upper triangle. */
@inline function upper(r: i32, c: i32): i32 {
  return r * 6 - (r * (r - 1)) / 2 + (c - r);
}

/**
 * Solves (J^T W J) x = -(J^T W r) from the accumulator `acc`. Rotation and translation columns
 * have different units; the matrix is scaled symmetrically (D A D with D = 1/sqrt(diag)) for the
 * eigenvalues, which are then comparable (1 = fully constrained direction relative to the
 * others; near 0 = a motion the data cannot see, e.g. sliding along a flat or featureless patch).
 * out: SOLVE_OUT_X, SOLVE_OUT_MIN_EIGEN, SOLVE_OUT_MAX_EIGEN, SOLVE_OUT_WEAK_AXIS.
 * Returns STATUS_INVALID_ARGUMENT when the matrix is not positive definite.
 */
export function solve6(acc: usize, out: usize): i32 {
  let a = new StaticArray<f64>(36);
  for (let r = 0; r < 6; r++) for (let c = r; c < 6; c++) {
    let v = load<f64>(acc + ACC_ATA + (<usize>upper(r, c) << 3));
    unchecked(a[r * 6 + c] = v);
    unchecked(a[c * 6 + r] = v);
  }
  // Conditioning on the scaled matrix.
  let d = new StaticArray<f64>(6);
  for (let i = 0; i < 6; i++) {
    let v = unchecked(a[i * 6 + i]);
    if (!(v > 0)) return STATUS_INVALID_ARGUMENT;
    unchecked(d[i] = 1 / Math.sqrt(v));
  }
  let s = new StaticArray<f64>(36), vec = new StaticArray<f64>(36);
  for (let r = 0; r < 6; r++) for (let c = 0; c < 6; c++) {
    unchecked(s[r * 6 + c] = unchecked(a[r * 6 + c]) * unchecked(d[r]) * unchecked(d[c]));
    unchecked(vec[r * 6 + c] = r == c ? 1 : 0);
  }
  jacobiEigen(s, vec);
  let minI = 0, maxI = 0;
  for (let i = 1; i < 6; i++) {
    if (unchecked(s[i * 6 + i]) < unchecked(s[minI * 6 + minI])) minI = i;
    if (unchecked(s[i * 6 + i]) > unchecked(s[maxI * 6 + maxI])) maxI = i;
  }
  store<f64>(out + SOLVE_OUT_MIN_EIGEN, unchecked(s[minI * 6 + minI]));
  store<f64>(out + SOLVE_OUT_MAX_EIGEN, unchecked(s[maxI * 6 + maxI]));
  for (let i = 0; i < 6; i++) store<f64>(out + SOLVE_OUT_WEAK_AXIS + (<usize>i << 3), unchecked(vec[i * 6 + minI]) * unchecked(d[i]));
  // Cholesky A = L L^T, then L y = -b, L^T x = y.
  let l = new StaticArray<f64>(36);
  for (let i = 0; i < 6; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = unchecked(a[i * 6 + j]);
      for (let k = 0; k < j; k++) sum -= unchecked(l[i * 6 + k]) * unchecked(l[j * 6 + k]);
      if (i == j) {
        if (!(sum > 0)) return STATUS_INVALID_ARGUMENT;
        unchecked(l[i * 6 + i] = Math.sqrt(sum));
      } else {
        unchecked(l[i * 6 + j] = sum / unchecked(l[j * 6 + j]));
      }
    }
  }
  let y = new StaticArray<f64>(6);
  for (let i = 0; i < 6; i++) {
    let sum = -load<f64>(acc + ACC_ATB + (<usize>i << 3));
    for (let k = 0; k < i; k++) sum -= unchecked(l[i * 6 + k]) * unchecked(y[k]);
    unchecked(y[i] = sum / unchecked(l[i * 6 + i]));
  }
  for (let i = 5; i >= 0; i--) {
    let sum = unchecked(y[i]);
    for (let k = i + 1; k < 6; k++) sum -= unchecked(l[k * 6 + i]) * load<f64>(out + SOLVE_OUT_X + (<usize>k << 3));
    store<f64>(out + SOLVE_OUT_X + (<usize>i << 3), sum / unchecked(l[i * 6 + i]));
  }
  return STATUS_OK;
}

/** Cyclic Jacobi: diagonalises symmetric `s` in place; columns of `v` become the eigenvectors. */
function jacobiEigen(s: StaticArray<f64>, v: StaticArray<f64>): void {
  for (let sweep = 0; sweep < 50; sweep++) {
    let off: f64 = 0;
    for (let p = 0; p < 6; p++) for (let q = p + 1; q < 6; q++) off += unchecked(s[p * 6 + q]) * unchecked(s[p * 6 + q]);
    if (off < 1e-24) return;
    for (let p = 0; p < 6; p++) {
      for (let q = p + 1; q < 6; q++) {
        let apq = unchecked(s[p * 6 + q]);
        if (Math.abs(apq) < 1e-300) continue;
        let app = unchecked(s[p * 6 + p]), aqq = unchecked(s[q * 6 + q]);
        let theta = (aqq - app) / (2 * apq);
        let t = (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        let c = 1 / Math.sqrt(t * t + 1), sn = t * c;
        for (let k = 0; k < 6; k++) {
          let skp = unchecked(s[k * 6 + p]), skq = unchecked(s[k * 6 + q]);
          unchecked(s[k * 6 + p] = c * skp - sn * skq);
          unchecked(s[k * 6 + q] = sn * skp + c * skq);
        }
        for (let k = 0; k < 6; k++) {
          let spk = unchecked(s[p * 6 + k]), sqk = unchecked(s[q * 6 + k]);
          unchecked(s[p * 6 + k] = c * spk - sn * sqk);
          unchecked(s[q * 6 + k] = sn * spk + c * sqk);
        }
        for (let k = 0; k < 6; k++) {
          let vkp = unchecked(v[k * 6 + p]), vkq = unchecked(v[k * 6 + q]);
          unchecked(v[k * 6 + p] = c * vkp - sn * vkq);
          unchecked(v[k * 6 + q] = sn * vkp + c * vkq);
        }
      }
    }
  }
}

/**
 * Adds one point-to-plane correspondence to the accumulator: source point p (already moved by
 * the current estimate), target point q with unit normal n, weight w. Residual r = n . (p - q);
 * Jacobian J = [p x n, n].
 */
@inline export function accumulatePointToPlane(acc: usize, px: f64, py: f64, pz: f64, qx: f64, qy: f64, qz: f64,
  nx: f64, ny: f64, nz: f64, w: f64): void {
  let r = nx * (px - qx) + ny * (py - qy) + nz * (pz - qz);
  let j0 = py * nz - pz * ny, j1 = pz * nx - px * nz, j2 = px * ny - py * nx;
  let a = acc + ACC_ATA;
  // Row 0
  store<f64>(a, load<f64>(a) + w * j0 * j0); store<f64>(a, load<f64>(a, 8) + w * j0 * j1, 8);
  store<f64>(a, load<f64>(a, 16) + w * j0 * j2, 16); store<f64>(a, load<f64>(a, 24) + w * j0 * nx, 24);
  store<f64>(a, load<f64>(a, 32) + w * j0 * ny, 32); store<f64>(a, load<f64>(a, 40) + w * j0 * nz, 40);
  // Row 1
  store<f64>(a, load<f64>(a, 48) + w * j1 * j1, 48); store<f64>(a, load<f64>(a, 56) + w * j1 * j2, 56);
  store<f64>(a, load<f64>(a, 64) + w * j1 * nx, 64); store<f64>(a, load<f64>(a, 72) + w * j1 * ny, 72);
  store<f64>(a, load<f64>(a, 80) + w * j1 * nz, 80);
  // Row 2
  store<f64>(a, load<f64>(a, 88) + w * j2 * j2, 88); store<f64>(a, load<f64>(a, 96) + w * j2 * nx, 96);
  store<f64>(a, load<f64>(a, 104) + w * j2 * ny, 104); store<f64>(a, load<f64>(a, 112) + w * j2 * nz, 112);
  // Rows 3-5
  store<f64>(a, load<f64>(a, 120) + w * nx * nx, 120); store<f64>(a, load<f64>(a, 128) + w * nx * ny, 128);
  store<f64>(a, load<f64>(a, 136) + w * nx * nz, 136); store<f64>(a, load<f64>(a, 144) + w * ny * ny, 144);
  store<f64>(a, load<f64>(a, 152) + w * ny * nz, 152); store<f64>(a, load<f64>(a, 160) + w * nz * nz, 160);
  let b = acc + ACC_ATB;
  store<f64>(b, load<f64>(b) + w * j0 * r); store<f64>(b, load<f64>(b, 8) + w * j1 * r, 8);
  store<f64>(b, load<f64>(b, 16) + w * j2 * r, 16); store<f64>(b, load<f64>(b, 24) + w * nx * r, 24);
  store<f64>(b, load<f64>(b, 32) + w * ny * r, 32); store<f64>(b, load<f64>(b, 40) + w * nz * r, 40);
}
