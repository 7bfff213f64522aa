// The sparse TSDF volume: voxel blocks in a hash table (keys: block coordinates), blocks in a
// fixed pool sized by the memory budget. Per-block and per-voxel accessors; no loops over data.
import {
  BLOCK_SIDE, VOLUME_VOXEL_SIZE, VOLUME_HASH, VOLUME_HASH_MASK, VOLUME_COORDS, VOLUME_DATA, VOLUME_BLOCK_BYTES,
  VOLUME_CAPACITY, VOLUME_COUNT, VOLUME_FULL, VOXEL_TSDF, VOXEL_WEIGHT,
} from "../abi/fusion-layout";

export const NO_BLOCK: u32 = 0xffffffff;
export const TSDF_EMPTY: i16 = 32767;

@inline export function blockHash(bx: i32, by: i32, bz: i32): u32 {
  let h = (<u32>bx * 73856093) ^ (<u32>by * 19349669) ^ (<u32>bz * 83492791);
  h ^= h >> 16;
  h *= 0x7feb352d;
  h ^= h >> 15;
  return h;
}

/** Index of block (bx, by, bz), or NO_BLOCK. */
@inline export function findBlock(vol: usize, bx: i32, by: i32, bz: i32): u32 {
  let hash = <usize>load<u32>(vol, VOLUME_HASH);
  let mask = load<u32>(vol, VOLUME_HASH_MASK);
  let coords = <usize>load<u32>(vol, VOLUME_COORDS);
  let slot = blockHash(bx, by, bz) & mask;
  while (true) {
    let index = load<u32>(hash + (<usize>slot << 2));
    if (index == NO_BLOCK) return NO_BLOCK;
    let c = coords + (<usize>index << 4);
    if (load<i32>(c) == bx && load<i32>(c, 4) == by && load<i32>(c, 8) == bz) return index;
    slot = (slot + 1) & mask;
  }
}

/** Index of block (bx, by, bz), allocating and clearing it if new; NO_BLOCK when the pool is full. */
export function findOrAddBlock(vol: usize, bx: i32, by: i32, bz: i32): u32 {
  let hash = <usize>load<u32>(vol, VOLUME_HASH);
  let mask = load<u32>(vol, VOLUME_HASH_MASK);
  let coords = <usize>load<u32>(vol, VOLUME_COORDS);
  let slot = blockHash(bx, by, bz) & mask;
  while (true) {
    let index = load<u32>(hash + (<usize>slot << 2));
    if (index == NO_BLOCK) break;
    let c = coords + (<usize>index << 4);
    if (load<i32>(c) == bx && load<i32>(c, 4) == by && load<i32>(c, 8) == bz) return index;
    slot = (slot + 1) & mask;
  }
  let count = load<u32>(vol, VOLUME_COUNT);
  if (count >= load<u32>(vol, VOLUME_CAPACITY)) {
    store<u32>(vol, 1, VOLUME_FULL);
    return NO_BLOCK;
  }
  store<u32>(hash + (<usize>slot << 2), count);
  let c = coords + (<usize>count << 4);
  store<i32>(c, bx); store<i32>(c, by, 4); store<i32>(c, bz, 8); store<i32>(c, -1, 12);
  clearBlock(blockData(vol, count), load<u32>(vol, VOLUME_BLOCK_BYTES));
  store<u32>(vol, count + 1, VOLUME_COUNT);
  return count;
}

/** Pointer to a block's voxel data. */
@inline export function blockData(vol: usize, index: u32): usize {
  return <usize>load<u32>(vol, VOLUME_DATA) + <usize>index * load<u32>(vol, VOLUME_BLOCK_BYTES);
}

/** Empty voxels: tsdf 1 (empty), weight 0, count 0, no colour. */
function clearBlock(data: usize, bytes: u32): void {
  let empty = i16x8.splat(TSDF_EMPTY);
  for (let i: usize = 0; i < 1024; i += 16) v128.store(data + VOXEL_TSDF + i, empty);
  memory.fill(data + VOXEL_WEIGHT, 0, bytes - VOXEL_WEIGHT);
}

/** Voxel index within a block from local coordinates 0..7. */
@inline export function voxelIndex(i: i32, j: i32, k: i32): u32 {
  return <u32>((k * <i32>BLOCK_SIDE + j) * <i32>BLOCK_SIDE + i);
}

/** Block coordinate of a grid coordinate (floor division by the block side). */
@inline export function blockOf(g: i32): i32 {
  return g >> 3;
}

/** Voxel size, mm. */
@inline export function voxelSize(vol: usize): f32 {
  return load<f32>(vol, VOLUME_VOXEL_SIZE);
}
