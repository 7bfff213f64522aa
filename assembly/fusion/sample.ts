// Reading the TSDF at arbitrary points: nearest grid point and trilinear interpolation across
// block borders, with a one-block cache (most lookups hit the block of the previous one).
import { BLOCK_SIDE, VOLUME_TRUNCATION, VOXEL_TSDF, VOXEL_WEIGHT } from "../abi/fusion-layout";
import { NO_BLOCK, TSDF_EMPTY, blockData, findBlock } from "./volume";

/** Entries of a cursor's block cache (direct-mapped). */
const CACHE_ENTRIES: u32 = 256;

/**
 * A cursor over the volume: the last block found, and a direct-mapped cache of recent blocks
 * (neighbouring rays and samples revisit the same few blocks). Unmanaged, in static memory (no GC
 * bookkeeping in hot loops): take it with sharedCursor(), init() before use and release() after
 * (it owns CACHE_ENTRIES x 16 bytes). Kernels do not nest, so one cursor suffices.
 */
@final @unmanaged export class Cursor {
  vol: usize;
  bx: i32; by: i32; bz: i32;
  data: usize; // 0 = the block does not exist
  cache: usize;

  init(vol: usize): void {
    this.vol = vol;
    this.bx = 0x7fffffff; this.by = 0; this.bz = 0;
    this.data = 0;
    this.cache = heap.alloc(<usize>CACHE_ENTRIES << 4);
    // Mark every entry invalid (an impossible x).
    for (let i: u32 = 0; i < CACHE_ENTRIES; i++) store<i32>(this.cache + (<usize>i << 4), 0x7fffffff);
  }

  release(): void {
    if (this.cache != 0) heap.free(this.cache);
    this.cache = 0;
  }
}

const CURSOR_MEMORY = memory.data(offsetof<Cursor>(), 16);

/** The kernels' cursor (call init() on it). */
@inline export function sharedCursor(): Cursor {
  return changetype<Cursor>(CURSOR_MEMORY);
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

/** TSDF value at grid point (gx, gy, gz) of block data `data` (0: no block), or NaN. */
@inline function cornerValue(data: usize, gx: i32, gy: i32, gz: i32): f32 {
  return data == 0 ? NaN : voxelValue(data, localIndex(gx, gy, gz));
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
    // The cube crosses a block border on 1 to 3 axes: look up only the distinct blocks.
    let xb = (ix & 7) == 7, yb = (iy & 7) == 7, zb = (iz & 7) == 7;
    let d000 = blockAt(cur, ix, iy, iz);
    let d100 = xb ? blockAt(cur, ix + 1, iy, iz) : d000;
    let d010 = yb ? blockAt(cur, ix, iy + 1, iz) : d000;
    let d110 = xb && yb ? blockAt(cur, ix + 1, iy + 1, iz) : (xb ? d100 : d010);
    let d001 = zb ? blockAt(cur, ix, iy, iz + 1) : d000;
    let d101 = zb ? (xb ? blockAt(cur, ix + 1, iy, iz + 1) : d001) : d100;
    let d011 = zb ? (yb ? blockAt(cur, ix, iy + 1, iz + 1) : d001) : d010;
    let d111 = zb ? (xb && yb ? blockAt(cur, ix + 1, iy + 1, iz + 1) : (xb ? d101 : d011)) : d110;
    c000 = cornerValue(d000, ix, iy, iz); c100 = cornerValue(d100, ix + 1, iy, iz);
    c010 = cornerValue(d010, ix, iy + 1, iz); c110 = cornerValue(d110, ix + 1, iy + 1, iz);
    c001 = cornerValue(d001, ix, iy, iz + 1); c101 = cornerValue(d101, ix + 1, iy, iz + 1);
    c011 = cornerValue(d011, ix, iy + 1, iz + 1); c111 = cornerValue(d111, ix + 1, iy + 1, iz + 1);
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
