// Marching cubes over TSDF blocks: the cubes whose lowest corner lies in the listed blocks
// (corners in +x/+y/+z neighbour blocks are read across the border), vertices welded through an
// edge hash so a call returns one indexed mesh; normals from the TSDF gradient; colour, NIR and
// confidence (accumulated weight) interpolated along the edge. Cubes with an unobserved corner
// are skipped, so the surface ends where the scan ends.
import { STATUS_OK, STATUS_INVALID_ARGUMENT, STATUS_CAPACITY_EXCEEDED } from "../abi/status";
import {
  BLOCK_SIDE, BLOCK_VOXELS, VOLUME_COORDS, VOLUME_COUNT, VOLUME_FLAGS, VOLUME_FLAG_COLOUR, VOLUME_FLAG_NIR,
  VOXEL_TSDF, VOXEL_WEIGHT, VOXEL_COLOUR, WEIGHT_UNITS, EXTRACT_OUT_VERTICES, EXTRACT_OUT_TRIANGLES,
} from "../abi/fusion-layout";
import { MC_EDGE_TABLE, MC_TRI_TABLE } from "../meshing/mc-tables";
import { cubeCase, caseTriangles, edgeParameter } from "../meshing/marching-cubes";
import { Cursor, sharedCursor, gridValue } from "./sample";
import { NO_BLOCK, TSDF_EMPTY, blockData, findBlock, voxelSize } from "./volume";

// Corner offsets of the cube (MC corner numbering) and the edges' endpoints.
const CORNER_X: StaticArray<i32> = [0, 1, 1, 0, 0, 1, 1, 0];
const CORNER_Y: StaticArray<i32> = [0, 0, 1, 1, 0, 0, 1, 1];
const CORNER_Z: StaticArray<i32> = [0, 0, 0, 0, 1, 1, 1, 1];
const EDGE_A: StaticArray<i32> = [0, 1, 3, 0, 4, 5, 7, 4, 0, 1, 2, 3];
const EDGE_B: StaticArray<i32> = [1, 2, 2, 3, 5, 6, 6, 7, 4, 5, 6, 7];
const EMPTY_KEY: u64 = 0xffffffffffffffff;

// Per-call state in static memory (kernels do not nest): the 8 blocks a cube can touch
// ([dz][dy][dx] data pointers), the current cube's corner values, block data and voxel indices,
// the vertex of each of its edges, two gradients, and the per-row corner masks of a block.
const CUBE_BLOCKS = memory.data(8 * 4, 16);
const CUBE_VALUE = memory.data(8 * 4, 16);
const CUBE_DATA = memory.data(8 * 4, 16);
const CUBE_VOXEL = memory.data(8 * 4, 16);
const EDGE_VERTEX = memory.data(12 * 4, 16);
const GRADIENT_A = memory.data(3 * 4, 16);
const GRADIENT_B = memory.data(3 * 4, 16);
/** Per row (y, z) of a block's 9 x 9 x 9 corners: 9-bit masks of valid corners and of inside (tsdf < 0) corners. */
const ROW_VALID = memory.data(81 * 2, 16);
const ROW_INSIDE = memory.data(81 * 2, 16);

/** Loads the 8 corners of the cube at local (i, j, k); false if any is missing or unobserved. */
@inline function loadCube(i: i32, j: i32, k: i32, minWeight: u32): bool {
  for (let n = 0; n < 8; n++) {
    let x = i + unchecked(CORNER_X[n]), y = j + unchecked(CORNER_Y[n]), z = k + unchecked(CORNER_Z[n]);
    let data = <usize>load<u32>(CUBE_BLOCKS + ((((z >> 3) << 2) | ((y >> 3) << 1) | (x >> 3)) << 2));
    if (data == 0) return false;
    let vi = <u32>(((z & 7) * <i32>BLOCK_SIDE + (y & 7)) * <i32>BLOCK_SIDE + (x & 7));
    let weight = <u32>load<u16>(data + VOXEL_WEIGHT + (<usize>vi << 1));
    if (weight < minWeight || weight == 0) return false;
    let t = load<i16>(data + VOXEL_TSDF + (<usize>vi << 1));
    store<f32>(CUBE_VALUE + (n << 2), t == TSDF_EMPTY ? 1 : <f32>t * (1.0 / 32767.0));
    store<u32>(CUBE_DATA + (n << 2), <u32>data);
    store<u32>(CUBE_VOXEL + (n << 2), vi);
  }
  return true;
}

/**
 * Fills CUBE_BLOCKS with the data pointers of block (bx, by, bz) and its +x/+y/+z neighbours,
 * and the row masks of the block's 9 x 9 x 9 corners (SIMD over the 8 corners of a row).
 */
@inline function loadBlocks(vol: usize, bx: i32, by: i32, bz: i32, minUnits: u32): void {
  for (let n = 0; n < 8; n++) {
    let index = findBlock(vol, bx + (n & 1), by + ((n >> 1) & 1), bz + (n >> 2));
    store<u32>(CUBE_BLOCKS + (n << 2), index == NO_BLOCK ? 0 : <u32>blockData(vol, index));
  }
  let min8 = i16x8.splat(<i16>minUnits), zero8 = i16x8.splat(0);
  for (let z = 0; z < 9; z++) {
    for (let y = 0; y < 9; y++) {
      let sel = ((z >> 3) << 2) | ((y >> 3) << 1);
      let data = <usize>load<u32>(CUBE_BLOCKS + (sel << 2)), next = <usize>load<u32>(CUBE_BLOCKS + ((sel | 1) << 2));
      let row = <usize>(((z & 7) << 6) | ((y & 7) << 3));
      let valid: u32 = 0, inside: u32 = 0;
      if (data != 0) {
        let w8 = v128.load(data + VOXEL_WEIGHT + (row << 1)), t8 = v128.load(data + VOXEL_TSDF + (row << 1));
        valid = i16x8.bitmask(i16x8.ge_u(w8, min8));
        inside = i16x8.bitmask(i16x8.lt_s(t8, zero8));
      }
      if (next != 0) {
        let w = <u32>load<u16>(next + VOXEL_WEIGHT + (row << 1));
        if (w >= minUnits) valid |= 0x100;
        if (load<i16>(next + VOXEL_TSDF + (row << 1)) < 0) inside |= 0x100;
      }
      let r = <usize>(z * 9 + y) << 1;
      store<u16>(ROW_VALID + r, <u16>valid);
      store<u16>(ROW_INSIDE + r, <u16>inside);
    }
  }
}

/**
 * Bit i set: the cube at local (i, j, k) has its 8 corners valid and some inside, some not (the
 * cubes with a surface; loadBlocks() first).
 */
@inline function activeCubes(j: i32, k: i32): u32 {
  let r00 = <usize>(k * 9 + j) << 1, r10 = r00 + 2, r01 = r00 + 18, r11 = r00 + 20;
  let v = <u32>load<u16>(ROW_VALID + r00) & <u32>load<u16>(ROW_VALID + r10) & <u32>load<u16>(ROW_VALID + r01) & <u32>load<u16>(ROW_VALID + r11);
  let a = <u32>load<u16>(ROW_INSIDE + r00), b = <u32>load<u16>(ROW_INSIDE + r10), c = <u32>load<u16>(ROW_INSIDE + r01), d = <u32>load<u16>(ROW_INSIDE + r11);
  let all = a & b & c & d, any = a | b | c | d;
  return v & (v >> 1) & (any | (any >> 1)) & ~(all & (all >> 1)) & 0xff;
}

/** The marching-cubes case of the cube loadCube() loaded. */
@inline function cubeCaseOfLoaded(): u32 {
  return cubeCase(load<f32>(CUBE_VALUE), load<f32>(CUBE_VALUE, 4), load<f32>(CUBE_VALUE, 8), load<f32>(CUBE_VALUE, 12),
    load<f32>(CUBE_VALUE, 16), load<f32>(CUBE_VALUE, 20), load<f32>(CUBE_VALUE, 24), load<f32>(CUBE_VALUE, 28), 0);
}

/** Counts the triangles tsdf_extract will produce for these blocks (an upper bound before degenerate removal). */
export function tsdf_extract_count(vol: usize, blocks: usize, blockCount: u32, minWeight: f32, out: usize): i32 {
  let coords = <usize>load<u32>(vol, VOLUME_COORDS);
  let minUnits = <u32>min<f32>(65535, max<f32>(1, minWeight * <f32>WEIGHT_UNITS));
  let triangles: u64 = 0;
  for (let b: u32 = 0; b < blockCount; b++) {
    let cp = coords + (<usize>load<u32>(blocks + (<usize>b << 2)) << 4);
    loadBlocks(vol, load<i32>(cp), load<i32>(cp, 4), load<i32>(cp, 8), minUnits);
    for (let k = 0; k < 8; k++) for (let j = 0; j < 8; j++) {
      let active = activeCubes(j, k);
      while (active != 0) {
        let i = <i32>ctz(active);
        active &= active - 1;
        loadCube(i, j, k, minUnits);
        triangles += caseTriangles(cubeCaseOfLoaded());
      }
    }
  }
  store<u32>(out + EXTRACT_OUT_TRIANGLES, <u32>min<u64>(triangles, 0xffffffff));
  return STATUS_OK;
}

/** Key of the grid edge from grid point (x, y, z) along `axis` (0, 1, 2); coordinates +-2^19. */
@inline function edgeKey(x: i32, y: i32, z: i32, axis: u32): u64 {
  return ((<u64>(<u32>(x + 0x80000) & 0xfffff)) << 42) | ((<u64>(<u32>(y + 0x80000) & 0xfffff)) << 22)
    | ((<u64>(<u32>(z + 0x80000) & 0xfffff)) << 2) | <u64>axis;
}

@inline function keyHash(key: u64): u32 {
  let h = key * 0x9e3779b97f4a7c15;
  return <u32>(h >> 32);
}

/** TSDF gradient (central differences) at grid point (x, y, z); zero where a neighbour is unobserved. */
@inline function gradient(cur: Cursor, x: i32, y: i32, z: i32, g: usize): void {
  let gx = gridValue(cur, x + 1, y, z) - gridValue(cur, x - 1, y, z);
  let gy = gridValue(cur, x, y + 1, z) - gridValue(cur, x, y - 1, z);
  let gz = gridValue(cur, x, y, z + 1) - gridValue(cur, x, y, z - 1);
  store<f32>(g, isNaN(gx) ? 0 : gx);
  store<f32>(g, isNaN(gy) ? 0 : gy, 4);
  store<f32>(g, isNaN(gz) ? 0 : gz, 8);
}

/**
 * Extracts the surface of the listed blocks (u32 block indices). Outputs: positions (3 f32 mm),
 * normals (3 f32, outward unit, may be 0), colours (3 u8, may be 0), nir (u8, may be 0),
 * confidence (f32 accumulated weight, may be 0), indices (3 u32, counter-clockwise seen from
 * outside). `table` holds tableSlots x 16 bytes (a power of two > 2 x maxVertices).
 * STATUS_CAPACITY_EXCEEDED if maxVertices or maxTriangles is too small.
 * out: EXTRACT_OUT_VERTICES, EXTRACT_OUT_TRIANGLES.
 */
export function tsdf_extract(
  vol: usize, blocks: usize, blockCount: u32, minWeight: f32,
  positions: usize, normals: usize, colours: usize, nir: usize, confidence: usize, maxVertices: u32,
  indices: usize, maxTriangles: u32, table: usize, tableSlots: u32, out: usize,
): i32 {
  if (tableSlots == 0 || popcnt(tableSlots) != 1 || <u64>tableSlots <= <u64>maxVertices) return STATUS_INVALID_ARGUMENT;
  let mask = tableSlots - 1;
  memory.fill(table, 0xff, <usize>tableSlots << 4);
  let cur = sharedCursor();
  cur.init(vol);
  let ga = GRADIENT_A, gb = GRADIENT_B;
  let voxel = voxelSize(vol);
  let flags = load<u32>(vol, VOLUME_FLAGS);
  let hasColour = (flags & VOLUME_FLAG_COLOUR) != 0, hasNir = (flags & VOLUME_FLAG_NIR) != 0;
  let nirOffset: usize = VOXEL_COLOUR + (hasColour ? 3 * BLOCK_VOXELS : 0);
  let coords = <usize>load<u32>(vol, VOLUME_COORDS);
  let minUnits = <u32>min<f32>(65535, max<f32>(1, minWeight * <f32>WEIGHT_UNITS));
  let vertexCount: u32 = 0, triangleCount: u32 = 0;
  for (let b: u32 = 0; b < blockCount; b++) {
    let cp = coords + (<usize>load<u32>(blocks + (<usize>b << 2)) << 4);
    let bx = load<i32>(cp), by = load<i32>(cp, 4), bz = load<i32>(cp, 8);
    loadBlocks(vol, bx, by, bz, minUnits);
    let gx0 = bx * <i32>BLOCK_SIDE, gy0 = by * <i32>BLOCK_SIDE, gz0 = bz * <i32>BLOCK_SIDE;
    for (let k = 0; k < 8; k++) for (let j = 0; j < 8; j++) {
      let active = activeCubes(j, k);
      while (active != 0) {
        let i = <i32>ctz(active);
        active &= active - 1;
        loadCube(i, j, k, minUnits);
        let c = cubeCaseOfLoaded();
        let edges = <u32>load<u16>(MC_EDGE_TABLE + (c << 1));
        for (let e = 0; e < 12; e++) {
          if ((edges & (<u32>1 << e)) == 0) continue;
          let a = unchecked(EDGE_A[e]), bb = unchecked(EDGE_B[e]);
          // Lower endpoint first (edge tables list them that way for all 12 edges).
          let ax = gx0 + i + unchecked(CORNER_X[a]), ay = gy0 + j + unchecked(CORNER_Y[a]), az = gz0 + k + unchecked(CORNER_Z[a]);
          let axis: u32 = e == 0 || e == 2 || e == 4 || e == 6 ? 0 : e == 1 || e == 3 || e == 5 || e == 7 ? 1 : 2;
          let key = edgeKey(ax, ay, az, axis);
          let slot = keyHash(key) & mask;
          let id: u32 = 0;
          while (true) {
            let p = table + (<usize>slot << 4);
            let stored = load<u64>(p);
            if (stored == key) { id = load<u32>(p, 8); break; }
            if (stored == EMPTY_KEY) {
              if (vertexCount >= maxVertices) { cur.release(); return STATUS_CAPACITY_EXCEEDED; }
              id = vertexCount++;
              store<u64>(p, key);
              store<u32>(p, id, 8);
              let va = load<f32>(CUBE_VALUE + (<usize>a << 2)), vb = load<f32>(CUBE_VALUE + (<usize>bb << 2));
              let t = edgeParameter(va, vb, 0);
              let q = positions + <usize>id * 12;
              store<f32>(q, (<f32>ax + (axis == 0 ? t : 0)) * voxel);
              store<f32>(q, (<f32>ay + (axis == 1 ? t : 0)) * voxel, 4);
              store<f32>(q, (<f32>az + (axis == 2 ? t : 0)) * voxel, 8);
              let da = <usize>load<u32>(CUBE_DATA + (<usize>a << 2)), db = <usize>load<u32>(CUBE_DATA + (<usize>bb << 2));
              let ia = <usize>load<u32>(CUBE_VOXEL + (<usize>a << 2)), ib = <usize>load<u32>(CUBE_VOXEL + (<usize>bb << 2));
              if (normals != 0) {
                gradient(cur, ax, ay, az, ga);
                gradient(cur, ax + (axis == 0 ? 1 : 0), ay + (axis == 1 ? 1 : 0), az + (axis == 2 ? 1 : 0), gb);
                let nx = load<f32>(ga) + (load<f32>(gb) - load<f32>(ga)) * t;
                let ny = load<f32>(ga, 4) + (load<f32>(gb, 4) - load<f32>(ga, 4)) * t;
                let nz = load<f32>(ga, 8) + (load<f32>(gb, 8) - load<f32>(ga, 8)) * t;
                let nl = Mathf.sqrt(nx * nx + ny * ny + nz * nz);
                let inv: f32 = nl > 0 ? <f32>1 / nl : 0;
                let nq = normals + <usize>id * 12;
                store<f32>(nq, nx * inv); store<f32>(nq, ny * inv, 4); store<f32>(nq, nz * inv, 8);
              }
              if (colours != 0) {
                for (let ch: usize = 0; ch < 3; ch++) {
                  let ca: f32 = hasColour ? <f32>load<u8>(da + VOXEL_COLOUR + ia * 3 + ch) : 200;
                  let cb: f32 = hasColour ? <f32>load<u8>(db + VOXEL_COLOUR + ib * 3 + ch) : 200;
                  store<u8>(colours + <usize>id * 3 + ch, <u8>Mathf.round(ca + (cb - ca) * t));
                }
              }
              if (nir != 0) {
                let na: f32 = hasNir ? <f32>load<u8>(da + nirOffset + ia) : 0, nb: f32 = hasNir ? <f32>load<u8>(db + nirOffset + ib) : 0;
                store<u8>(nir + id, <u8>Mathf.round(na + (nb - na) * t));
              }
              if (confidence != 0) {
                let wa = <f32>load<u16>(da + VOXEL_WEIGHT + (ia << 1)), wb = <f32>load<u16>(db + VOXEL_WEIGHT + (ib << 1));
                store<f32>(confidence + (<usize>id << 2), (wa + (wb - wa) * t) / <f32>WEIGHT_UNITS);
              }
              break;
            }
            slot = (slot + 1) & mask;
          }
          store<u32>(EDGE_VERTEX + (<usize>e << 2), id);
        }
        let row = MC_TRI_TABLE + (c << 4);
        for (let n: u32 = 0; n < 15; n += 3) {
          let e0 = load<i8>(row + n);
          if (e0 < 0) break;
          let v0 = load<u32>(EDGE_VERTEX + (<usize>e0 << 2)), v1 = load<u32>(EDGE_VERTEX + (<usize>load<i8>(row + n + 1) << 2));
          let v2 = load<u32>(EDGE_VERTEX + (<usize>load<i8>(row + n + 2) << 2));
          // Drop zero-area triangles (possible when interpolated points are collinear).
          let p0 = positions + <usize>v0 * 12, p1 = positions + <usize>v1 * 12, p2 = positions + <usize>v2 * 12;
          let ux = load<f32>(p1) - load<f32>(p0), uy = load<f32>(p1, 4) - load<f32>(p0, 4), uz = load<f32>(p1, 8) - load<f32>(p0, 8);
          let vx = load<f32>(p2) - load<f32>(p0), vy = load<f32>(p2, 4) - load<f32>(p0, 4), vz = load<f32>(p2, 8) - load<f32>(p0, 8);
          let cx = uy * vz - uz * vy, cy = uz * vx - ux * vz, cz = ux * vy - uy * vx;
          if (cx == 0 && cy == 0 && cz == 0) continue;
          if (triangleCount >= maxTriangles) { cur.release(); return STATUS_CAPACITY_EXCEEDED; }
          let q = indices + <usize>triangleCount * 12;
          store<u32>(q, v0); store<u32>(q, v1, 4); store<u32>(q, v2, 8);
          triangleCount++;
        }
      }
    }
  }
  cur.release();
  store<u32>(out + EXTRACT_OUT_VERTICES, vertexCount);
  store<u32>(out + EXTRACT_OUT_TRIANGLES, triangleCount);
  return STATUS_OK;
}

/**
 * Lists the blocks changed since integration `sinceFrame` (their stamp > sinceFrame) into
 * `list` (u32 indices, capacity = block count). Returns the number listed.
 */
export function tsdf_changed_blocks(vol: usize, sinceFrame: u32, list: usize, capacity: u32): i32 {
  let coords = <usize>load<u32>(vol, VOLUME_COORDS);
  let count = load<u32>(vol, VOLUME_COUNT);
  let n: u32 = 0;
  for (let b: u32 = 0; b < count && n < capacity; b++) {
    let stamp = load<i32>(coords + (<usize>b << 4), 12);
    if (stamp > <i32>sinceFrame) store<u32>(list + (<usize>(n++) << 2), b);
  }
  return <i32>n;
}
