// Counter-based random numbers: a value depends only on (seed, stream, index), never on the
// order of calls, so kernels stay deterministic and can be evaluated in any order.

/** A 32-bit integer hash with good avalanche (Wellons' lowbias32). */
@inline export function hash32(x: u32): u32 {
  x ^= x >> 16;
  x *= 0x7feb352d;
  x ^= x >> 15;
  x *= 0x846ca68b;
  x ^= x >> 16;
  return x;
}

/** Uniform in [0, 1) for (seed, stream, index). */
@inline export function uniform(seed: u32, stream: u32, index: u32): f32 {
  let h = hash32(seed ^ hash32(stream * 0x9e3779b9 ^ hash32(index)));
  return <f32>(h >> 8) * (1.0 / 16777216.0);
}

/** Standard normal for (seed, stream, index) by Box-Muller. */
@inline export function gaussian(seed: u32, stream: u32, index: u32): f32 {
  let u1 = uniform(seed, stream, index << 1) + (0.5 / 16777216.0);
  let u2 = uniform(seed, stream, (index << 1) | 1);
  return Mathf.sqrt(-2 * Mathf.log(u1)) * Mathf.cos(2 * Mathf.PI * u2);
}

// A table of the standard normal's inverse CDF at 4096 evenly spaced probabilities (cell
// centres), filled once; gaussianFast interpolates it: no log or cos per draw. Its tails stop at
// about +-3.7 sigma, which changes the standard deviation by well under 1%.
const TABLE_SIZE: i32 = 4096;
let table: usize = 0;

/** Acklam's rational approximation of the inverse normal CDF (relative error < 1.2e-9). */
function inverseNormal(p: f64): f64 {
  const a1 = -3.969683028665376e+01, a2 = 2.209460984245205e+02, a3 = -2.759285104469687e+02, a4 = 1.383577518672690e+02, a5 = -3.066479806614716e+01, a6 = 2.506628277459239e+00;
  const b1 = -5.447609879822406e+01, b2 = 1.615858368580409e+02, b3 = -1.556989798598866e+02, b4 = 6.680131188771972e+01, b5 = -1.328068155288572e+01;
  const c1 = -7.784894002430293e-03, c2 = -3.223964580411365e-01, c3 = -2.400758277161838e+00, c4 = -2.549732539343734e+00, c5 = 4.374664141464968e+00, c6 = 2.938163982698783e+00;
  const d1 = 7.784695709041462e-03, d2 = 3.224671290700398e-01, d3 = 2.445134137142996e+00, d4 = 3.754408661907416e+00;
  if (p < 0.02425) {
    let q = Math.sqrt(-2 * Math.log(p));
    return (((((c1 * q + c2) * q + c3) * q + c4) * q + c5) * q + c6) / ((((d1 * q + d2) * q + d3) * q + d4) * q + 1);
  }
  if (p > 1 - 0.02425) {
    let q = Math.sqrt(-2 * Math.log(1 - p));
    return -(((((c1 * q + c2) * q + c3) * q + c4) * q + c5) * q + c6) / ((((d1 * q + d2) * q + d3) * q + d4) * q + 1);
  }
  let q = p - 0.5, r = q * q;
  return (((((a1 * r + a2) * r + a3) * r + a4) * r + a5) * r + a6) * q / (((((b1 * r + b2) * r + b3) * r + b4) * r + b5) * r + 1);
}

function normalTable(): usize {
  if (table == 0) {
    table = heap.alloc(<usize>(TABLE_SIZE + 1) << 2);
    for (let i = 0; i <= TABLE_SIZE; i++) {
      let p = (<f64>i + 0.5) / <f64>(TABLE_SIZE + 1);
      store<f32>(table + (<usize>i << 2), <f32>inverseNormal(p));
    }
  }
  return table;
}

/** Approximately standard normal for (seed, stream, index), by table (see above). */
@inline export function gaussianFast(seed: u32, stream: u32, index: u32): f32 {
  let t = normalTable();
  let u = uniform(seed, stream, index) * <f32>TABLE_SIZE;
  let i = <i32>u;
  let f = u - <f32>i;
  let a = load<f32>(t + (<usize>i << 2)), b = load<f32>(t + (<usize>(i + 1) << 2));
  return a + (b - a) * f;
}

/** One-hash uniform in [0, 1) for (key, index): cheaper than uniform(); key should already be hashed. */
@inline export function uniform1(key: u32, index: u32): f32 {
  return <f32>(hash32(key ^ (index * 0x9e3779b9)) >> 8) * (1.0 / 16777216.0);
}

/** Table normal from one hash (see gaussianFast). */
@inline export function gaussian1(key: u32, index: u32): f32 {
  let t = normalTable();
  let u = uniform1(key, index) * <f32>TABLE_SIZE;
  let i = <i32>u;
  let f = u - <f32>i;
  let a = load<f32>(t + (<usize>i << 2)), b = load<f32>(t + (<usize>(i + 1) << 2));
  return a + (b - a) * f;
}
