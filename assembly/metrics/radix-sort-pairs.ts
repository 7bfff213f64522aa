// LSD radix sort of u64 keys carrying a u32 value each, 11 bits per pass; passes in which every
// key has the same digit are skipped. Stable; no allocation (the caller passes the ping-pong
// buffers and a 2048-entry u32 histogram). Each pass is its own function so that V8, which
// optimises a WASM function for its later calls only, runs most passes optimised.

const DIGIT_BITS: u32 = 11;
const BUCKETS: u32 = 1 << DIGIT_BITS;

/** Where radixSortPairs left the sorted values (the sorted keys are at the returned pointer). */
export let sortedValues: usize = 0;

/** Histogram of one digit, turned into bucket starts; returns true when one bucket holds all n keys. */
function digitStarts(keys: usize, n: u32, shift: u64, histogram: usize): bool {
  memory.fill(histogram, 0, BUCKETS << 2);
  for (let i: u32 = 0; i < n; i++) {
    let h = histogram + (<usize>((load<u64>(keys + (<usize>i << 3)) >> shift) & (BUCKETS - 1)) << 2);
    store<u32>(h, load<u32>(h) + 1);
  }
  let sum: u32 = 0, single = false;
  for (let b: u32 = 0; b < BUCKETS; b++) {
    let h = histogram + (<usize>b << 2);
    let c = load<u32>(h);
    if (c == n) single = true;
    store<u32>(h, sum);
    sum += c;
  }
  return single;
}

/** Moves every pair to its bucket's next slot. */
function scatter(srcK: usize, srcV: usize, dstK: usize, dstV: usize, n: u32, shift: u64, histogram: usize): void {
  for (let i: u32 = 0; i < n; i++) {
    let key = load<u64>(srcK + (<usize>i << 3));
    let h = histogram + (<usize>((key >> shift) & (BUCKETS - 1)) << 2);
    let at = load<u32>(h);
    store<u32>(h, at + 1);
    store<u64>(dstK + (<usize>at << 3), key);
    store<u32>(dstV + (<usize>at << 2), load<u32>(srcV + (<usize>i << 2)));
  }
}

/**
 * Sorts n (key, value) pairs by key (all 64 bits). `keys`/`tmpKeys` hold n u64, `values`/
 * `tmpValues` n u32, `histogram` BUCKETS u32. Returns the buffer holding the sorted keys; the
 * matching values are at `sortedValues`.
 */
export function radixSortPairs(keys: usize, values: usize, tmpKeys: usize, tmpValues: usize, n: u32, histogram: usize): usize {
  let srcK = keys, srcV = values, dstK = tmpKeys, dstV = tmpValues;
  for (let shift: u32 = 0; shift < 64; shift += DIGIT_BITS) {
    if (digitStarts(srcK, n, <u64>shift, histogram)) continue; // one digit for all: nothing would move
    scatter(srcK, srcV, dstK, dstV, n, <u64>shift, histogram);
    let t = srcK; srcK = dstK; dstK = t;
    t = srcV; srcV = dstV; dstV = t;
  }
  sortedValues = srcV;
  return srcK;
}
