// Spatial order for triangles: sort by the Morton code of their centroids, then cut the order
// into fixed-size chunks with bounding boxes, so a camera or a query can skip whole chunks.
import { STATUS_OK, STATUS_INVALID_ARGUMENT } from "../abi/status";
import { CHUNK_BYTES, CHUNK_FIRST, CHUNK_COUNT, CHUNK_MIN, CHUNK_MAX } from "../abi/layout";
import { radixSortU64 } from "../util/radix-sort";

/** Spreads the low 10 bits of v to every third bit. */
@inline function spread3(v: u32): u64 {
  let x = <u64>(v & 0x3ff);
  x = (x | (x << 16)) & 0x30000ff;
  x = (x | (x << 8)) & 0x300f00f;
  x = (x | (x << 4)) & 0x30c30c3;
  x = (x | (x << 2)) & 0x9249249;
  return x;
}

/** Scratch bytes mesh_spatial_chunks needs. */
export function mesh_spatial_chunks_scratch_bytes(triangles: u32): f64 {
  return <f64>triangles * 16 + 8192;
}

/**
 * Writes the triangles (u32 index triples) in Morton order of their centroids to `sortedIndices`
 * and `order` (u32 per triangle: original triangle number), and one CHUNK_BYTES record per
 * `chunkSize` consecutive triangles to `chunks` (first triangle, count, bounding box).
 * Returns the number of chunks (or a negative status).
 */
export function mesh_spatial_chunks(
  positions: usize, vertexCount: u32, indices: usize, triangles: u32, chunkSize: u32,
  sortedIndices: usize, order: usize, chunks: usize, scratch: usize,
): i32 {
  if (chunkSize == 0) return STATUS_INVALID_ARGUMENT;
  // Bounds of all referenced vertices.
  let minX = Infinity, minY = Infinity, minZ = Infinity, maxX = -Infinity, maxY = -Infinity, maxZ = -Infinity;
  for (let t: u32 = 0; t < triangles * 3; t++) {
    let v = load<u32>(indices + (<usize>t << 2));
    if (v >= vertexCount) return STATUS_INVALID_ARGUMENT;
    let p = positions + <usize>v * 12;
    let x = <f64>load<f32>(p), y = <f64>load<f32>(p, 4), z = <f64>load<f32>(p, 8);
    if (x < minX) minX = x; if (x > maxX) maxX = x;
    if (y < minY) minY = y; if (y > maxY) maxY = y;
    if (z < minZ) minZ = z; if (z > maxZ) maxZ = z;
  }
  let extent = max(maxX - minX, max(maxY - minY, maxZ - minZ));
  let scale = extent > 0 ? 1023.0 / extent : 0;
  let keys = scratch, tmp = scratch + (<usize>triangles << 3), histogram = tmp + (<usize>triangles << 3);
  for (let t: u32 = 0; t < triangles; t++) {
    let ip = indices + <usize>t * 12;
    let a = positions + <usize>load<u32>(ip) * 12, b = positions + <usize>load<u32>(ip, 4) * 12, c = positions + <usize>load<u32>(ip, 8) * 12;
    let cx = (<f64>load<f32>(a) + <f64>load<f32>(b) + <f64>load<f32>(c)) / 3;
    let cy = (<f64>load<f32>(a, 4) + <f64>load<f32>(b, 4) + <f64>load<f32>(c, 4)) / 3;
    let cz = (<f64>load<f32>(a, 8) + <f64>load<f32>(b, 8) + <f64>load<f32>(c, 8)) / 3;
    let code = spread3(<u32>((cx - minX) * scale)) | (spread3(<u32>((cy - minY) * scale)) << 1) | (spread3(<u32>((cz - minZ) * scale)) << 2);
    store<u64>(keys + (<usize>t << 3), (code << 32) | <u64>t);
  }
  let sorted = radixSortU64(keys, tmp, triangles, 62, histogram);
  let chunkCount: u32 = 0;
  for (let first: u32 = 0; first < triangles; first += chunkSize) {
    let count = min(chunkSize, triangles - first);
    let lox: f32 = Infinity, loy: f32 = Infinity, loz: f32 = Infinity, hix: f32 = -Infinity, hiy: f32 = -Infinity, hiz: f32 = -Infinity;
    for (let i: u32 = 0; i < count; i++) {
      let t = <u32>(load<u64>(sorted + (<usize>(first + i) << 3)) & 0xffffffff);
      store<u32>(order + (<usize>(first + i) << 2), t);
      let ip = indices + <usize>t * 12;
      let q = sortedIndices + <usize>(first + i) * 12;
      for (let k: u32 = 0; k < 3; k++) {
        let v = load<u32>(ip + (<usize>k << 2));
        store<u32>(q + (<usize>k << 2), v);
        let p = positions + <usize>v * 12;
        let x = load<f32>(p), y = load<f32>(p, 4), z = load<f32>(p, 8);
        if (x < lox) lox = x; if (x > hix) hix = x;
        if (y < loy) loy = y; if (y > hiy) hiy = y;
        if (z < loz) loz = z; if (z > hiz) hiz = z;
      }
    }
    let ch = chunks + <usize>chunkCount * CHUNK_BYTES;
    store<u32>(ch + CHUNK_FIRST, first);
    store<u32>(ch + CHUNK_COUNT, count);
    store<f32>(ch + CHUNK_MIN, lox); store<f32>(ch + CHUNK_MIN + 4, loy); store<f32>(ch + CHUNK_MIN + 8, loz);
    store<f32>(ch + CHUNK_MAX, hix); store<f32>(ch + CHUNK_MAX + 4, hiy); store<f32>(ch + CHUNK_MAX + 8, hiz);
    chunkCount++;
  }
  return <i32>chunkCount;
}
