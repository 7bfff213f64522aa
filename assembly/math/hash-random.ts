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
