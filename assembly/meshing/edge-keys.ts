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

/** Writes the keys of triangle t's three edges (a b, b c, c a) to slots 3t .. 3t + 2 of `keys` (u64 each). */
@inline export function storeTriangleEdgeKeys(keys: usize, t: u32, a: u32, b: u32, c: u32, vertexBits: u32): void {
  let k = keys + <usize>t * 24;
  store<u64>(k, edgeKey(a, b, vertexBits));
  store<u64>(k, edgeKey(b, c, vertexBits), 8);
  store<u64>(k, edgeKey(c, a, vertexBits), 16);
}
