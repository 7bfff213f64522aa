// Reading the TSDF at arbitrary points: nearest grid point and trilinear interpolation across
// block borders, with a one-block cache (most lookups hit the block of the previous one).
import { BLOCK_SIDE, VOLUME_TRUNCATION, VOXEL_TSDF, VOXEL_WEIGHT } from "../abi/fusion-layout";
import { NO_BLOCK, TSDF_EMPTY, blockData, findBlock } from "./volume";

/** Entries of a cursor's block cache (direct-mapped). */
const CACHE_ENTRIES: u32 = 256;

/**
 * A cursor over the volume: the last block found, and a direct-mapped cache of recent blocks
 * (neighbouring rays and samples revisit the same few blocks). Call init() before use and
 * release() after (it owns CACHE_ENTRIES x 16 bytes).
 */
@final export class Cursor {
  vol: usize = 0;
  bx: i32 = 0x7fffffff; by: i32 = 0; bz: i32 = 0;
  data: usize = 0; // 0 = the block does not exist
  cache: usize = 0;

  init(vol: usize): void {
    this.vol = vol;
    this.cache = heap.alloc(<usize>CACHE_ENTRIES << 4);
    // Mark every entry invalid (an impossible x).
    for (let i: u32 = 0; i < CACHE_ENTRIES; i++) store<i32>(this.cache + (<usize>i << 4), 0x7fffffff);
  }

  release(): void {
    if (this.cache != 0) heap.free(this.cache);
    this.cache = 0;
  }
}

/** Data pointer of the block holding grid point (gx, gy, gz), or 0. */
@inline export function blockAt(cur: Cursor, gx: i32, gy: i32, gz: i32): usize {
  let bx = gx >> 3, by = gy >> 3, bz = gz >> 3;
  if (bx != cur.bx || by != cur.by || bz != cur.bz) {
    cur.bx = bx; cur.by = by; cur.bz = bz;
    let e = cur.cache + (<usize>((<u32>bx * 7 + <u32>by * 13 + <u32>bz * 31) & (CACHE_ENTRIES - 1)) << 4);
    if (cur.cache != 0 && load<i32>(e) == bx && load<i32>(e, 4) == by && load<i32>(e, 8) == bz) {
      cur.data = load<u32>(e, 12);
    } else {
      let index = findBlock(cur.vol, bx, by, bz);
      cur.data = index == NO_BLOCK ? 0 : blockData(cur.vol, index);
      if (cur.cache != 0) { store<i32>(e, bx); store<i32>(e, by, 4); store<i32>(e, bz, 8); store<u32>(e, <u32>cur.data, 12); }
    }
  }
  return cur.data;
}

/** Local voxel offset (index) of a grid point within its block. */
@inline export function localIndex(gx: i32, gy: i32, gz: i32): usize {
  return <usize>(((gz & 7) * <i32>BLOCK_SIDE + (gy & 7)) * <i32>BLOCK_SIDE + (gx & 7));
}

/** TSDF value (-1..1) at a grid point, or NaN if unobserved (weight 0) or no block. */
@inline export function gridValue(cur: Cursor, gx: i32, gy: i32, gz: i32): f32 {
  let data = blockAt(cur, gx, gy, gz);
  if (data == 0) return NaN;
  let vi = localIndex(gx, gy, gz);
  if (load<u16>(data + VOXEL_WEIGHT + (vi << 1)) == 0) return NaN;
  let t = load<i16>(data + VOXEL_TSDF + (vi << 1));
  return t == TSDF_EMPTY ? 1 : <f32>t * (1.0 / 32767.0);
}

/** TSDF value at voxel index vi of a block's data, or NaN if unobserved. */
@inline function voxelValue(data: usize, vi: usize): f32 {
  if (load<u16>(data + VOXEL_WEIGHT + (vi << 1)) == 0) return NaN;
  let t = load<i16>(data + VOXEL_TSDF + (vi << 1));
  return t == TSDF_EMPTY ? 1 : <f32>t * (1.0 / 32767.0);
}

/** Trilinear TSDF at world point (x, y, z) mm; NaN if any of the 8 grid points is unobserved. */
@inline export function trilinear(cur: Cursor, invVoxel: f32, x: f32, y: f32, z: f32): f32 {
  let gx = x * invVoxel, gy = y * invVoxel, gz = z * invVoxel;
  let ix = <i32>Mathf.floor(gx), iy = <i32>Mathf.floor(gy), iz = <i32>Mathf.floor(gz);
  let fx = gx - <f32>ix, fy = gy - <f32>iy, fz = gz - <f32>iz;
  let c000: f32, c100: f32, c010: f32, c110: f32, c001: f32, c101: f32, c011: f32, c111: f32;
  if ((ix & 7) != 7 && (iy & 7) != 7 && (iz & 7) != 7) {
    // All 8 corners in one block (7 times in 8 per axis): one lookup, fixed offsets.
    let data = blockAt(cur, ix, iy, iz);
    if (data == 0) return NaN;
    let vi = localIndex(ix, iy, iz);
    c000 = voxelValue(data, vi); c100 = voxelValue(data, vi + 1);
    c010 = voxelValue(data, vi + 8); c110 = voxelValue(data, vi + 9);
    c001 = voxelValue(data, vi + 64); c101 = voxelValue(data, vi + 65);
    c011 = voxelValue(data, vi + 72); c111 = voxelValue(data, vi + 73);
  } else {
    c000 = gridValue(cur, ix, iy, iz); c100 = gridValue(cur, ix + 1, iy, iz);
    c010 = gridValue(cur, ix, iy + 1, iz); c110 = gridValue(cur, ix + 1, iy + 1, iz);
    c001 = gridValue(cur, ix, iy, iz + 1); c101 = gridValue(cur, ix + 1, iy, iz + 1);
    c011 = gridValue(cur, ix, iy + 1, iz + 1); c111 = gridValue(cur, ix + 1, iy + 1, iz + 1);
  }
  let a = c000 + (c100 - c000) * fx, b = c010 + (c110 - c010) * fx;
  let c = c001 + (c101 - c001) * fx, d = c011 + (c111 - c011) * fx;
  let e = a + (b - a) * fy, f = c + (d - c) * fy;
  return e + (f - e) * fz;
}

/** Truncation distance of the volume, mm. */
@inline export function truncation(vol: usize): f32 {
  return load<f32>(vol, VOLUME_TRUNCATION);
}
