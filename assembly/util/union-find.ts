// Disjoint sets over u32 ids in a caller-provided parent array (u32 per id).

/** Makes every id its own set. */
export function ufInit(parent: usize, n: u32): void {
  for (let i: u32 = 0; i < n; i++) store<u32>(parent + (<usize>i << 2), i);
}

/** Root of x's set, halving the path on the way. */
@inline export function ufFind(parent: usize, x: u32): u32 {
  while (true) {
    let p = load<u32>(parent + (<usize>x << 2));
    if (p == x) return x;
    let gp = load<u32>(parent + (<usize>p << 2));
    store<u32>(parent + (<usize>x << 2), gp);
    x = gp;
  }
}

/** Merges the sets of a and b (the smaller root id becomes the root: deterministic). */
@inline export function ufUnion(parent: usize, a: u32, b: u32): void {
  let ra = ufFind(parent, a);
  let rb = ufFind(parent, b);
  if (ra == rb) return;
  if (ra < rb) store<u32>(parent + (<usize>rb << 2), ra);
  else store<u32>(parent + (<usize>ra << 2), rb);
}
