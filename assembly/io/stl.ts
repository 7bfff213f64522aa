// Binary STL bodies: 50-byte records (normal f32x3, three vertices f32x3, u16 attribute),
// little-endian. The 84-byte header is handled in src/io/stl.ts.
import { STATUS_OK, STATUS_INVALID_ARGUMENT, REASON_INDEX_OUT_OF_RANGE } from "../abi/status";
import { WELD_OUT_VERTEX_COUNT, CHECK_OUT_NONFINITE_VERTICES, CHECK_OUT_DEGENERATE_TRIANGLES, CHECK_OUT_UNREFERENCED_VERTICES } from "../abi/layout";
import { zeroArea } from "../meshing/check";
import { fail } from "../abi/out";
import { weldGroups, canonicalBits } from "../meshing/weld";

const RECORD_BYTES: u32 = 50;

/**
 * Decodes `triangles` records at `src` (the first record, after the header) into a triangle
 * soup: positions (9 f32 per triangle) and, when `attributes` != 0, the raw u16 attribute.
 */
export function stl_decode_binary(src: usize, triangles: u32, positions: usize, attributes: usize, out: usize): i32 {
  let p = src + 12;
  let q = positions;
  for (let i: u32 = 0; i < triangles; i++) {
    // 36 bytes of vertices: two unaligned v128 loads and one u32.
    v128.store(q, v128.load(p));
    v128.store(q, v128.load(p, 16), 16);
    store<u32>(q, load<u32>(p, 32), 32);
    p += RECORD_BYTES;
    q += 36;
  }
  if (attributes != 0) {
    let a = src + 48;
    for (let i: u32 = 0; i < triangles; i++) {
      store<u16>(attributes + (<usize>i << 1), load<u16>(a));
      a += RECORD_BYTES;
    }
  }
  return STATUS_OK;
}

/**
 * Welds the vertices of `triangles` records at `src` (exact equality). Writes the index buffer
 * (3 u32 per triangle) to `indices` and the unique vertices (3 f32 each) to `unique`, which must
 * hold 3 * triangles vertices. `scratch` holds weld_scratch_bytes(maxSlots), maxSlots a power of
 * two > 3 * triangles. out: WELD_OUT_VERTEX_COUNT.
 */
export function stl_weld_binary(src: usize, triangles: u32, indices: usize, unique: usize, scratch: usize, maxSlots: u32, out: usize): i32 {
  if (<u64>maxSlots <= <u64>triangles * 3 || popcnt(maxSlots) != 1) return STATUS_INVALID_ARGUMENT;
  let n = weldGroups(src + 12, triangles, RECORD_BYTES, 3, 12, indices, unique, scratch, maxSlots);
  store<u32>(out + WELD_OUT_VERTEX_COUNT, n);
  return STATUS_OK;
}

/** Unit normal of a triangle from its vertex order (counter-clockwise = front), zero if degenerate. */
@inline function faceNormal(a: v128, b: v128, c: v128): v128 {
  let e1 = f32x4.sub(b, a);
  let e2 = f32x4.sub(c, a);
  // cross = e1.yzx * e2.zxy - e1.zxy * e2.yzx
  let n = f32x4.sub(
    f32x4.mul(v128.shuffle<f32>(e1, e1, 1, 2, 0, 3), v128.shuffle<f32>(e2, e2, 2, 0, 1, 3)),
    f32x4.mul(v128.shuffle<f32>(e1, e1, 2, 0, 1, 3), v128.shuffle<f32>(e2, e2, 1, 2, 0, 3)),
  );
  let sq = f32x4.mul(n, n);
  let len2 = f32x4.extract_lane(sq, 0) + f32x4.extract_lane(sq, 1) + f32x4.extract_lane(sq, 2);
  if (!(len2 > 0) || !isFinite(len2)) return f32x4.splat(0);
  return f32x4.div(n, f32x4.splat(Mathf.sqrt(len2)));
}

/**
 * Encodes an indexed mesh as binary STL records (no header) at `dst`, which must have room for
 * 50 * triangles + 2 bytes (the last store spills 2 bytes). `positions` must have 16 readable
 * bytes past the last vertex. Normals come from vertex order. `attributes` (u16 per triangle)
 * may be 0 (all zero). Indices >= vertexCount: STATUS_MALFORMED_INPUT, REASON_INDEX_OUT_OF_RANGE
 * with OUT_ERROR_OFFSET = the triangle number.
 */
export function stl_encode_binary(
  positions: usize, vertexCount: u32, indices: usize, triangles: u32, attributes: usize, dst: usize, out: usize,
): i32 {
  let q = dst;
  for (let t: u32 = 0; t < triangles; t++) {
    let ip = indices + <usize>t * 12;
    let i0 = load<u32>(ip), i1 = load<u32>(ip, 4), i2 = load<u32>(ip, 8);
    if (i0 >= vertexCount || i1 >= vertexCount || i2 >= vertexCount) {
      return fail(out, REASON_INDEX_OUT_OF_RANGE, <f64>t, <f64>max(i0, max(i1, i2)), <f64>vertexCount);
    }
    let a = v128.load(positions + <usize>i0 * 12);
    let b = v128.load(positions + <usize>i1 * 12);
    let c = v128.load(positions + <usize>i2 * 12);
    // Ascending overlapping stores: each one overwrites the previous one's 4 spare bytes.
    v128.store(q, faceNormal(a, b, c));
    v128.store(q, a, 12);
    v128.store(q, b, 24);
    v128.store(q, c, 36);
    store<u16>(q, attributes != 0 ? load<u16>(attributes + (<usize>t << 1)) : 0, 48);
    q += RECORD_BYTES;
  }
  return STATUS_OK;
}

/** True when the corners at byte offsets i and j of a record weld together (equal canonical bits). */
@inline function sameCorner(p: usize, i: usize, j: usize): bool {
  return canonicalBits(load<u32>(p + i)) == canonicalBits(load<u32>(p + j))
    && canonicalBits(load<u32>(p + i + 4)) == canonicalBits(load<u32>(p + j + 4))
    && canonicalBits(load<u32>(p + i + 8)) == canonicalBits(load<u32>(p + j + 8));
}

/**
 * The reader's warnings for binary STL records, straight from the records (sequential reads):
 * facets with zero area and corners with a non-finite coordinate.
 * out: CHECK_OUT_NONFINITE_VERTICES (corners, not welded vertices), CHECK_OUT_DEGENERATE_TRIANGLES,
 * CHECK_OUT_UNREFERENCED_VERTICES (always 0).
 */
export function stl_check_binary(src: usize, triangles: u32, out: usize): i32 {
  let degenerate: u32 = 0, nonfinite: u32 = 0;
  let p = src + 12;
  for (let t: u32 = 0; t < triangles; t++, p += RECORD_BYTES) {
    let ax = load<f32>(p), ay = load<f32>(p, 4), az = load<f32>(p, 8);
    let bx = load<f32>(p, 12), by = load<f32>(p, 16), bz = load<f32>(p, 20);
    let cx = load<f32>(p, 24), cy = load<f32>(p, 28), cz = load<f32>(p, 32);
    // As mesh_check on the welded mesh: corners that weld together, or zero area.
    if (sameCorner(p, 0, 12) || sameCorner(p, 12, 24) || sameCorner(p, 0, 24) || zeroArea(ax, ay, az, bx, by, bz, cx, cy, cz)) degenerate++;
    if (!isFinite(<f64>ax + <f64>ay + <f64>az)) nonfinite++;
    if (!isFinite(<f64>bx + <f64>by + <f64>bz)) nonfinite++;
    if (!isFinite(<f64>cx + <f64>cy + <f64>cz)) nonfinite++;
  }
  store<u32>(out + CHECK_OUT_NONFINITE_VERTICES, nonfinite);
  store<u32>(out + CHECK_OUT_DEGENERATE_TRIANGLES, degenerate);
  store<u32>(out + CHECK_OUT_UNREFERENCED_VERTICES, 0);
  return STATUS_OK;
}
