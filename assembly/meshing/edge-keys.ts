// Sortable keys for the edges of an indexed triangle mesh: an edge (a, b) and its reverse (b, a)
// get keys that differ only in the lowest bit, so a sort brings every copy of an edge together
// and the bit tells the direction each triangle traverses it in.

/** Number of bits needed to represent values < n (at least 1). */
@inline export function bitsFor(n: u32): u32 {
  return n <= 1 ? 1 : 32 - clz<u32>(n - 1);
}

/** Edge key: (low index, high index, direction bit a > b), ordered so equal edges are adjacent. */
@inline export function edgeKey(a: u32, b: u32, vertexBits: u32): u64 {
  let lo = min(a, b), hi = max(a, b);
  return ((((<u64>lo << vertexBits) | <u64>hi)) << 1) | <u64>(a > b ? 1 : 0);
}
