// LSD radix sort of u64 keys, 11 bits per pass. Stable; no allocation (the caller passes the
// ping-pong buffer and a 2048-entry u32 histogram).

const DIGIT_BITS: u32 = 11;
const BUCKETS: u32 = 1 << DIGIT_BITS;

/**
 * Sorts n keys, considering only the low `bits` bits. `keys` and `tmp` hold n u64 each;
 * `histogram` holds BUCKETS u32. Returns the buffer (keys or tmp) that holds the sorted keys.
 */
export function radixSortU64(keys: usize, tmp: usize, n: u32, bits: u32, histogram: usize): usize {
  let src = keys, dst = tmp;
  for (let shift: u32 = 0; shift < bits; shift += DIGIT_BITS) {
    memory.fill(histogram, 0, BUCKETS << 2);
    let s = <u64>shift;
    for (let i: u32 = 0; i < n; i++) {
      let digit = <usize>((load<u64>(src + (<usize>i << 3)) >> s) & (BUCKETS - 1));
      let h = histogram + (digit << 2);
      store<u32>(h, load<u32>(h) + 1);
    }
    let sum: u32 = 0;
    for (let b: u32 = 0; b < BUCKETS; b++) {
      let h = histogram + (<usize>b << 2);
      let c = load<u32>(h);
      store<u32>(h, sum);
      sum += c;
    }
    for (let i: u32 = 0; i < n; i++) {
      let key = load<u64>(src + (<usize>i << 3));
      let h = histogram + (<usize>((key >> s) & (BUCKETS - 1)) << 2);
      let at = load<u32>(h);
      store<u32>(h, at + 1);
      store<u64>(dst + (<usize>at << 3), key);
    }
    let t = src; src = dst; dst = t;
  }
  return src;
}
