// Seeded pseudo-random numbers for everything built in TypeScript (scene parameters,
// trajectories). Kernels use counter-based hashes instead (assembly/math/hash-random.ts).

/** A seeded generator: uniform floats in [0, 1) (mulberry32). */
export class Random {
  #state: number;

  constructor(seed: number) {
    this.#state = (Math.floor(seed) ^ 0x9e3779b9) >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Uniform in [lo, hi). */
  range(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Standard normal (Box-Muller). */
  gaussian(): number {
    const u = 1 - this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }

  /** A 32-bit seed for a kernel, derived from this stream. */
  seed32(): number {
    return Math.floor(this.next() * 4294967296) >>> 0;
  }
}
