// Small symmetric eigenproblems (3x3 covariances, Horn's 4x4 quaternion matrix, 6x6 Hessians) by
// cyclic Jacobi rotations on caller-provided scratch: no allocation.

/**
 * Diagonalises the symmetric n x n matrix at `a` (f64, row-major; overwritten: its diagonal
 * becomes the eigenvalues) and writes the eigenvectors as the columns of `v` (f64 n x n).
 */
export function jacobiSymmetric(a: usize, v: usize, n: i32): void {
  for (let r = 0; r < n; r++) for (let c = 0; c < n; c++) store<f64>(v + (<usize>(r * n + c) << 3), r == c ? 1.0 : 0.0);
  let scale: f64 = 0;
  for (let r = 0; r < n; r++) for (let c = 0; c < n; c++) {
    let x = load<f64>(a + (<usize>(r * n + c) << 3));
    scale += x * x;
  }
  if (scale == 0) return;
  for (let sweep = 0; sweep < 60; sweep++) {
    let off: f64 = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) {
      let x = load<f64>(a + (<usize>(p * n + q) << 3));
      off += x * x;
    }
    if (off <= scale * 1e-30) return;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        let apq = load<f64>(a + (<usize>(p * n + q) << 3));
        if (Math.abs(apq) <= 1e-300) continue;
        let app = load<f64>(a + (<usize>(p * n + p) << 3)), aqq = load<f64>(a + (<usize>(q * n + q) << 3));
        let theta = (aqq - app) / (2 * apq);
        let t = (theta >= 0 ? 1.0 : -1.0) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        let c = 1 / Math.sqrt(t * t + 1), s = t * c;
        for (let k = 0; k < n; k++) {
          let kp = a + (<usize>(k * n + p) << 3), kq = a + (<usize>(k * n + q) << 3);
          let akp = load<f64>(kp), akq = load<f64>(kq);
          store<f64>(kp, c * akp - s * akq);
          store<f64>(kq, s * akp + c * akq);
        }
        for (let k = 0; k < n; k++) {
          let pk = a + (<usize>(p * n + k) << 3), qk = a + (<usize>(q * n + k) << 3);
          let apk = load<f64>(pk), aqk = load<f64>(qk);
          store<f64>(pk, c * apk - s * aqk);
          store<f64>(qk, s * apk + c * aqk);
        }
        for (let k = 0; k < n; k++) {
          let kp = v + (<usize>(k * n + p) << 3), kq = v + (<usize>(k * n + q) << 3);
          let vkp = load<f64>(kp), vkq = load<f64>(kq);
          store<f64>(kp, c * vkp - s * vkq);
          store<f64>(kq, s * vkp + c * vkq);
        }
      }
    }
  }
}

/** Eigenvalue i after jacobiSymmetric (the diagonal of `a`). */
@inline export function eigenvalue(a: usize, n: i32, i: i32): f64 {
  return load<f64>(a + (<usize>(i * n + i) << 3));
}

/** Component r of eigenvector i after jacobiSymmetric (column i of `v`). */
@inline export function eigenvector(v: usize, n: i32, i: i32, r: i32): f64 {
  return load<f64>(v + (<usize>(r * n + i) << 3));
}

/** Index of the smallest eigenvalue. */
export function smallestEigen(a: usize, n: i32): i32 {
  let best = 0;
  for (let i = 1; i < n; i++) if (eigenvalue(a, n, i) < eigenvalue(a, n, best)) best = i;
  return best;
}

/** Index of the largest eigenvalue. */
export function largestEigen(a: usize, n: i32): i32 {
  let best = 0;
  for (let i = 1; i < n; i++) if (eigenvalue(a, n, i) > eigenvalue(a, n, best)) best = i;
  return best;
}
