// Integration of one depth frame (plus optional colour and NIR) into the TSDF volume: allocate
// the blocks around the measured surface, then update every voxel of those blocks that projects
// onto a valid depth pixel (weighted running average, weight cap).
import { STATUS_OK, STATUS_INVALID_ARGUMENT } from "../abi/status";
import {
  VOLUME_TRUNCATION, VOLUME_WEIGHT_CAP, VOLUME_FLAGS, VOLUME_COORDS, VOLUME_FRAME, VOLUME_TOUCHED, VOLUME_STAMP,
  VOLUME_FLAG_COLOUR, VOLUME_FLAG_NIR, VOXEL_TSDF, VOXEL_WEIGHT, VOXEL_COUNT, VOXEL_COLOUR, WEIGHT_UNITS,
  FRAME_DEPTH, FRAME_DEPTH_KIND, FRAME_DEPTH_SCALE, FRAME_COLOUR, FRAME_NIR, FRAME_STRIDE, FRAME_BILINEAR, FRAME_WEIGHTS, FRAME_SCRATCH, FRAME_DEPTH_U16, FRAME_DEPTH_F32,
  INTEGRATE_OUT_BLOCKS, INTEGRATE_OUT_NEW_BLOCKS, INTEGRATE_OUT_REFUSED, INTEGRATE_OUT_VALID_PIXELS, INTEGRATE_OUT_UPDATED_VOXELS,
  BLOCK_SIDE, BLOCK_VOXELS,
} from "../abi/fusion-layout";
import { VOLUME_COUNT } from "../abi/fusion-layout";
import { Camera, sharedCamera, readCamera } from "../camera/camera";
import { NO_BLOCK, blockData, findOrAddBlock, voxelSize } from "./volume";

/** Depth in mm at pixel k, or 0 (`invScale` = mm per raw unit for u16 depth). */
@inline function depthAt(depth: usize, kind: u32, invScale: f32, k: usize): f32 {
  return kind == FRAME_DEPTH_U16 ? <f32>load<u16>(depth + (k << 1)) * invScale : load<f32>(depth + (k << 2));
}

/** Depth of pixel k4 / 8 of the (depth, weight) table, per lane. */
@inline function gather4(table: usize, k4: v128): v128 {
  return f32x4(load<f32>(table + <usize>i32x4.extract_lane(k4, 0)), load<f32>(table + <usize>i32x4.extract_lane(k4, 1)),
    load<f32>(table + <usize>i32x4.extract_lane(k4, 2)), load<f32>(table + <usize>i32x4.extract_lane(k4, 3)));
}

/**
 * sampleDepth() for 4 lanes from the (depth, weight) table: bilinear between the 4 pixels around
 * (u, v) when the cell lies in the image and they are all valid and within `jump` mm of each
 * other, else `nearest4` (the nearest pixel's depth). tests/reference/dense-tsdf.ts is the oracle.
 */
@inline function bilinear4(table: usize, uf4: v128, vf4: v128, nearest4: v128, w: i32, h: i32, jump: f32): v128 {
  let x04 = f32x4.floor(uf4), y04 = f32x4.floor(vf4);
  let fx4 = f32x4.sub(uf4, x04), fy4 = f32x4.sub(vf4, y04);
  let xi4 = i32x4.trunc_sat_f32x4_s(x04), yi4 = i32x4.trunc_sat_f32x4_s(y04);
  let interior = v128.and(v128.and(i32x4.ge_s(xi4, i32x4.splat(0)), i32x4.ge_s(yi4, i32x4.splat(0))),
    v128.and(i32x4.lt_s(xi4, i32x4.splat(w - 1)), i32x4.lt_s(yi4, i32x4.splat(h - 1))));
  if (!v128.any_true(interior)) return nearest4;
  xi4 = i32x4.min_s(i32x4.max_s(xi4, i32x4.splat(0)), i32x4.splat(w - 2));
  yi4 = i32x4.min_s(i32x4.max_s(yi4, i32x4.splat(0)), i32x4.splat(h - 2));
  let k4 = i32x4.shl(i32x4.add(i32x4.mul(yi4, i32x4.splat(w)), xi4), 3);
  let a = gather4(table, k4), b = gather4(table + 8, k4);
  let c = gather4(table + (<usize>w << 3), k4), d = gather4(table + (<usize>w << 3) + 8, k4);
  let lo = f32x4.min(f32x4.min(a, b), f32x4.min(c, d)), hi = f32x4.max(f32x4.max(a, b), f32x4.max(c, d));
  let ok = v128.and(interior, v128.and(f32x4.gt(lo, f32x4.splat(0)), f32x4.le(f32x4.sub(hi, lo), f32x4.splat(jump))));
  let one = f32x4.splat(1), gx = f32x4.sub(one, fx4), gy = f32x4.sub(one, fy4);
  let value = f32x4.add(f32x4.mul(f32x4.add(f32x4.mul(a, gx), f32x4.mul(b, fx4)), gy), f32x4.mul(f32x4.add(f32x4.mul(c, gx), f32x4.mul(d, fx4)), fy4));
  return v128.bitselect(value, nearest4, ok);
}

/** Running average of 4 channels (old u8 values, weights `w4` and `o4`), rounded half up. */
@inline function average4(old4: v128, new4: v128, w4: v128, o4: v128, sum4: v128): v128 {
  let mean = f32x4.div(f32x4.add(f32x4.mul(f32x4.convert_i32x4_u(old4), w4), f32x4.mul(f32x4.convert_i32x4_u(new4), o4)), sum4);
  return i32x4.trunc_sat_f32x4_u(f32x4.floor(f32x4.add(mean, f32x4.splat(0.5))));
}

/**
 * Colour and NIR running averages of 4 consecutive voxels `vi`..`vi + 3` (lanes in `use`) from
 * packed pixels (r | g << 8 | b << 16 | nir << 24) at byte offsets `k4 / 2` of `packed`.
 */
@inline function blendPacked4(packed: usize, k4: v128, data: usize, vi: usize, hasColour: bool, hasNir: bool, nirOffset: usize,
  w4: v128, o4: v128, use: v128): void {
  let p4 = i32x4(
    load<u32>(packed + (<usize>i32x4.extract_lane(k4, 0) >> 1)), load<u32>(packed + (<usize>i32x4.extract_lane(k4, 1) >> 1)),
    load<u32>(packed + (<usize>i32x4.extract_lane(k4, 2) >> 1)), load<u32>(packed + (<usize>i32x4.extract_lane(k4, 3) >> 1)));
  let sum4 = f32x4.add(w4, o4), byte4 = i32x4.splat(0xff);
  if (hasColour) {
    // 12 bytes r0 g0 b0 r1 g1 b1 ... -> one channel per i32 lane.
    let q = data + VOXEL_COLOUR + vi * 3;
    let old = v128.load32_lane(q + 8, v128.load64_zero(q), 2);
    let r = average4(i8x16.swizzle(old, i8x16(0, -1, -1, -1, 3, -1, -1, -1, 6, -1, -1, -1, 9, -1, -1, -1)), v128.and(p4, byte4), w4, o4, sum4);
    let g = average4(i8x16.swizzle(old, i8x16(1, -1, -1, -1, 4, -1, -1, -1, 7, -1, -1, -1, 10, -1, -1, -1)), v128.and(i32x4.shr_u(p4, 8), byte4), w4, o4, sum4);
    let b = average4(i8x16.swizzle(old, i8x16(2, -1, -1, -1, 5, -1, -1, -1, 8, -1, -1, -1, 11, -1, -1, -1)), v128.and(i32x4.shr_u(p4, 16), byte4), w4, o4, sum4);
    let rgb = v128.or(v128.or(r, i32x4.shl(g, 8)), i32x4.shl(b, 16));
    let merged = v128.bitselect(i8x16.swizzle(rgb, i8x16(0, 1, 2, 4, 5, 6, 8, 9, 10, 12, 13, 14, -1, -1, -1, -1)), old,
      i8x16.swizzle(use, i8x16(0, 0, 0, 4, 4, 4, 8, 8, 8, 12, 12, 12, -1, -1, -1, -1)));
    v128.store64_lane(q, merged, 0);
    v128.store32_lane(q + 8, merged, 2);
  }
  if (hasNir) {
    let q = data + nirOffset + vi;
    let old = v128.load32_zero(q);
    let n = average4(i32x4.extend_low_i16x8_u(i16x8.extend_low_i8x16_u(old)), i32x4.shr_u(p4, 24), w4, o4, sum4);
    let narrowed = i8x16.narrow_i16x8_u(i16x8.narrow_i32x4_u(n, n), i16x8.narrow_i32x4_u(n, n));
    let useBytes = i8x16.swizzle(use, i8x16(0, 4, 8, 12, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1));
    v128.store32_lane(q, v128.bitselect(narrowed, old, useBytes), 0);
  }
}

/**
 * Integrates a frame. `camera` is a CAMERA record (intrinsics, near/far depth range, world ->
 * camera); `frame` a FRAME record. Blocks within +-truncation of the measured points are
 * allocated (until the pool is full: VOLUME_FULL, INTEGRATE_OUT_REFUSED), then each of their
 * voxels in front of (or within truncation behind) the surface is updated. FRAME_SCRATCH must
 * point to 12 bytes per pixel, for the lookup tables the update gathers from. out: INTEGRATE_OUT_*.
 */
export function tsdf_integrate(vol: usize, camera: usize, frame: usize, out: usize): i32 {
  let c = sharedCamera();
  if (!readCamera(camera, c)) return STATUS_INVALID_ARGUMENT;
  let kind = load<u32>(frame, FRAME_DEPTH_KIND);
  if (kind != FRAME_DEPTH_U16 && kind != FRAME_DEPTH_F32) return STATUS_INVALID_ARGUMENT;
  let depth = <usize>load<u32>(frame, FRAME_DEPTH);
  let scale = load<f32>(frame, FRAME_DEPTH_SCALE);
  if (kind == FRAME_DEPTH_U16 && !(scale > 0)) return STATUS_INVALID_ARGUMENT;
  scale = kind == FRAME_DEPTH_U16 ? <f32>1 / scale : 1; // from here on: mm per raw unit
  let colour = <usize>load<u32>(frame, FRAME_COLOUR), nir = <usize>load<u32>(frame, FRAME_NIR);
  let stride = max<i32>(1, <i32>load<u32>(frame, FRAME_STRIDE));
  let bilinear = load<u32>(frame, FRAME_BILINEAR) != 0;
  let weights = <usize>load<u32>(frame, FRAME_WEIGHTS);
  let scratch = <usize>load<u32>(frame, FRAME_SCRATCH);
  if (scratch == 0) return STATUS_INVALID_ARGUMENT;
  let flags = load<u32>(vol, VOLUME_FLAGS);
  let voxel = voxelSize(vol), trunc = load<f32>(vol, VOLUME_TRUNCATION);
  let cap = load<f32>(vol, VOLUME_WEIGHT_CAP);
  let w = c.width, h = c.height;
  let fx = c.fx, fy = c.fy, cx = c.cx, cy = c.cy, near = c.near, far = c.far;
  // camera -> world = (R^T, -R^T t)
  let r00 = c.r00, r01 = c.r01, r02 = c.r02, r10 = c.r10, r11 = c.r11, r12 = c.r12, r20 = c.r20, r21 = c.r21, r22 = c.r22;
  let px0 = -(r00 * c.t0 + r10 * c.t1 + r20 * c.t2), py0 = -(r01 * c.t0 + r11 * c.t1 + r21 * c.t2), pz0 = -(r02 * c.t0 + r12 * c.t1 + r22 * c.t2);
  let frameNo = load<u32>(vol, VOLUME_FRAME) + 1;
  store<u32>(vol, frameNo, VOLUME_FRAME);
  let touched = <usize>load<u32>(vol, VOLUME_TOUCHED), stamp = <usize>load<u32>(vol, VOLUME_STAMP);
  let coords = <usize>load<u32>(vol, VOLUME_COORDS);
  let countBefore = load<u32>(vol, VOLUME_COUNT);
  let blockSize = voxel * <f32>BLOCK_SIDE;
  let invBlock: f32 = 1 / blockSize;
  // Samples along each ray across the truncation band, at most half a block apart.
  let samples = <i32>Mathf.ceil(2 * trunc / (0.5 * blockSize)) + 1;
  let nTouched: u32 = 0, refused: u32 = 0, valid: u32 = 0;

  // ---- Allocation: blocks around the measured points --------------------------------------
  for (let v = 0; v < h; v += stride) {
    for (let u = 0; u < w; u += stride) {
      let z = depthAt(depth, kind, scale, <usize>v * w + u);
      if (!(z >= near && z <= far) || !isFinite(z)) continue;
      valid++;
      let rx = (<f32>u - cx) / fx, ry = (<f32>v - cy) / fy;
      let len = Mathf.sqrt(rx * rx + ry * ry + 1);
      // World direction of the ray per unit camera z.
      let dx = r00 * rx + r10 * ry + r20, dy = r01 * rx + r11 * ry + r21, dz = r02 * rx + r12 * ry + r22;
      let lastBx = 0x7fffffff, lastBy = 0, lastBz = 0;
      for (let s = 0; s < samples; s++) {
        // From z - trunc to z + trunc measured along the ray.
        let zs = z + (-trunc + (2 * trunc * <f32>s) / <f32>max(1, samples - 1)) / len;
        let bx = <i32>Mathf.floor((px0 + dx * zs) * invBlock);
        let by = <i32>Mathf.floor((py0 + dy * zs) * invBlock);
        let bz = <i32>Mathf.floor((pz0 + dz * zs) * invBlock);
        if (bx == lastBx && by == lastBy && bz == lastBz) continue;
        lastBx = bx; lastBy = by; lastBz = bz;
        let index = findOrAddBlock(vol, bx, by, bz);
        if (index == NO_BLOCK) { refused++; continue; }
        let sp = stamp + (<usize>index << 2);
        if (load<u32>(sp) != frameNo) {
          store<u32>(sp, frameNo);
          store<u32>(touched + (<usize>nTouched << 2), index);
          nTouched++;
        }
      }
    }
  }

  // ---- Lookup tables in scratch: one (depth mm, weight units) pair per pixel -----------------
  // Depth 0 where the pixel is out of range; weight 0 there too and where the weight map says
  // skip. Then, with colour or NIR, one u32 per pixel: r | g << 8 | b << 16 | nir << 24.
  let hasColour = (flags & VOLUME_FLAG_COLOUR) != 0 && colour != 0;
  let hasNir = (flags & VOLUME_FLAG_NIR) != 0 && nir != 0;
  let pixels = <usize>w * h;
  let packed = scratch + (pixels << 3);
  for (let k: usize = 0; k < pixels; k++) {
    let z = depthAt(depth, kind, scale, k);
    let o: f32 = weights != 0 ? nearest<f32>(<f32>load<u8>(weights + k) * (1.0 / 255.0) * <f32>WEIGHT_UNITS) : <f32>WEIGHT_UNITS;
    let ok = z >= near && z <= far && isFinite(z);
    store<f32>(scratch + (k << 3), ok ? z : 0);
    store<f32>(scratch + (k << 3), ok ? o : 0, 4);
  }
  if (hasColour || hasNir) {
    for (let k: usize = 0; k < pixels; k++) {
      let p: u32 = hasNir ? <u32>load<u8>(nir + k) << 24 : 0;
      if (hasColour) p |= <u32>load<u8>(colour + k * 3) | <u32>load<u8>(colour + k * 3, 1) << 8 | <u32>load<u8>(colour + k * 3, 2) << 16;
      store<u32>(packed + (k << 2), p);
    }
  }

  // ---- Update the voxels of the touched blocks -----------------------------------------------
  let capUnits = <u32>min<f32>(65535, cap * <f32>WEIGHT_UNITS);
  let jump = max<f32>(trunc, 4 * voxel);
  let invTrunc: f32 = 1 / trunc;
  let wLimit = <f32>w - 0.5, hLimit = <f32>h - 0.5;
  let lanes = f32x4(0, 1, 2, 3);
  let sx4 = f32x4.splat(c.r00 * voxel), sy4 = f32x4.splat(c.r10 * voxel), sz4 = f32x4.splat(c.r20 * voxel);
  let maxFinite4 = f32x4.splat(<f32>3.4028234663852886e38), zero4 = f32x4.splat(0);
  let near4 = f32x4.splat(near), far4 = f32x4.splat(far), one4 = f32x4.splat(1), minusOne4 = f32x4.splat(-1);
  let fx4 = f32x4.splat(fx), fy4 = f32x4.splat(fy), cx4 = f32x4.splat(cx), cy4 = f32x4.splat(cy);
  let lo4 = f32x4.splat(-0.5), wl4 = f32x4.splat(wLimit), hl4 = f32x4.splat(hLimit);
  let negTrunc4 = f32x4.splat(-trunc), invTrunc4 = f32x4.splat(invTrunc);
  let inv32767 = f32x4.splat(<f32>(1.0 / 32767.0)), s32767 = f32x4.splat(32767);
  let units4 = f32x4.splat(<f32>WEIGHT_UNITS), capI4 = i32x4.splat(<i32>capUnits);
  let half4 = f32x4.splat(0.5), zeroI4 = i32x4.splat(0), wMax4 = i32x4.splat(w - 1), hMax4 = i32x4.splat(h - 1), wI4 = i32x4.splat(w);
  let updated: u32 = 0;
  let nirOffset: usize = VOXEL_COLOUR + ((flags & VOLUME_FLAG_COLOUR) != 0 ? 3 * BLOCK_VOXELS : 0);
  for (let b: u32 = 0; b < nTouched; b++) {
    let index = load<u32>(touched + (<usize>b << 2));
    let cp = coords + (<usize>index << 4);
    let gx0 = load<i32>(cp) * <i32>BLOCK_SIDE, gy0 = load<i32>(cp, 4) * <i32>BLOCK_SIDE, gz0 = load<i32>(cp, 8) * <i32>BLOCK_SIDE;
    let data = blockData(vol, index);
    let changed = false;
    for (let k = 0; k < <i32>BLOCK_SIDE; k++) {
      for (let j = 0; j < <i32>BLOCK_SIDE; j++) {
        // Camera coordinates of voxel (0, j, k); the row's 8 voxels go 4 at a time (SIMD).
        let wx = <f32>gx0 * voxel, wy = <f32>(gy0 + j) * voxel, wz = <f32>(gz0 + k) * voxel;
        let X0 = c.r00 * wx + c.r01 * wy + c.r02 * wz + c.t0;
        let Y0 = c.r10 * wx + c.r11 * wy + c.r12 * wz + c.t1;
        let Z0 = c.r20 * wx + c.r21 * wy + c.r22 * wz + c.t2;
        let rowBase = <usize>(k * <i32>BLOCK_SIDE + j) * BLOCK_SIDE;
        for (let half = 0; half < 2; half++) {
          let steps = f32x4.add(lanes, f32x4.splat(<f32>(half * 4)));
          let X4 = f32x4.add(f32x4.splat(X0), f32x4.mul(steps, sx4));
          let Y4 = f32x4.add(f32x4.splat(Y0), f32x4.mul(steps, sy4));
          let Z4 = f32x4.add(f32x4.splat(Z0), f32x4.mul(steps, sz4));
          let front = f32x4.ge(Z4, near4);
          if (!v128.any_true(front)) continue;
          let invZ = f32x4.div(one4, Z4);
          let rx4 = f32x4.mul(X4, invZ), ry4 = f32x4.mul(Y4, invZ);
          let uf4 = f32x4.add(f32x4.mul(fx4, rx4), cx4), vf4 = f32x4.add(f32x4.mul(fy4, ry4), cy4);
          let inside = v128.and(front, v128.and(v128.and(f32x4.ge(uf4, lo4), f32x4.ge(vf4, lo4)), v128.and(f32x4.le(uf4, wl4), f32x4.le(vf4, hl4))));
          let mask = i32x4.bitmask(inside);
          if (mask == 0) continue;
          // Nearest pixel (round half up, clamped) of each lane: gather (depth, weight) pairs.
          let xi4 = i32x4.min_s(i32x4.max_s(i32x4.trunc_sat_f32x4_s(f32x4.floor(f32x4.add(uf4, half4))), zeroI4), wMax4);
          let yi4 = i32x4.min_s(i32x4.max_s(i32x4.trunc_sat_f32x4_s(f32x4.floor(f32x4.add(vf4, half4))), zeroI4), hMax4);
          let k4 = i32x4.shl(i32x4.add(i32x4.mul(yi4, wI4), xi4), 3);
          let d4 = gather4(scratch, k4), o4 = gather4(scratch + 4, k4);
          if (bilinear) d4 = bilinear4(scratch, uf4, vf4, d4, w, h, jump);
          // Projective signed distance along each pixel's ray (positive in front of the surface).
          let stretch = f32x4.sqrt(f32x4.add(f32x4.add(f32x4.mul(rx4, rx4), f32x4.mul(ry4, ry4)), one4));
          let sdf4 = f32x4.mul(f32x4.sub(d4, Z4), stretch);
          // d <= far also rejects +Infinity unless far is infinite: bound it by the largest finite float too.
          let use = v128.and(v128.and(inside, f32x4.gt(o4, zero4)), v128.and(v128.and(f32x4.ge(d4, near4), f32x4.le(d4, f32x4.min(far4, maxFinite4))), f32x4.ge(sdf4, negTrunc4)));
          let useMask = i32x4.bitmask(use);
          if (useMask == 0) continue;
          let value4 = f32x4.min(one4, f32x4.mul(sdf4, invTrunc4));
          let vi = rowBase + <usize>(half * 4);
          let tp = data + VOXEL_TSDF + (vi << 1), wp = data + VOXEL_WEIGHT + (vi << 1), np = data + VOXEL_COUNT + (vi << 1);
          // 4 x i16 tsdf, 4 x u16 weight, 4 x u16 count.
          let oldT = v128.load64_zero(tp), oldW = v128.load64_zero(wp), oldN = v128.load64_zero(np);
          let old4 = f32x4.mul(f32x4.convert_i32x4_s(i32x4.extend_low_i16x8_s(oldT)), inv32767);
          let w4 = f32x4.convert_i32x4_u(i32x4.extend_low_i16x8_u(oldW));
          let sum4 = f32x4.add(w4, o4);
          let blended = f32x4.div(f32x4.add(f32x4.mul(old4, w4), f32x4.mul(value4, o4)), f32x4.max(sum4, one4));
          blended = f32x4.max(f32x4.min(blended, one4), minusOne4);
          let newT32 = i32x4.trunc_sat_f32x4_s(f32x4.nearest(f32x4.mul(blended, s32767)));
          let newW32 = i32x4.min_u(i32x4.add(i32x4.extend_low_i16x8_u(oldW), i32x4.trunc_sat_f32x4_u(o4)), capI4);
          let newT = i16x8.narrow_i32x4_s(newT32, newT32);
          let newW = i16x8.narrow_i32x4_u(newW32, newW32);
          let newN = i16x8.add_sat_u(oldN, i16x8.splat(1));
          // Only the lanes in use change.
          let laneMask = i16x8.narrow_i32x4_s(use, use);
          v128.store64_lane(tp, v128.bitselect(newT, oldT, laneMask), 0);
          v128.store64_lane(wp, v128.bitselect(newW, oldW, laneMask), 0);
          v128.store64_lane(np, v128.bitselect(newN, oldN, laneMask), 0);
          changed = true;
          updated += <u32>popcnt(useMask);
          if (hasColour || hasNir) blendPacked4(packed, k4, data, vi, hasColour, hasNir, nirOffset, w4, o4, use);
        }
      }
    }
    if (changed) store<i32>(cp, <i32>frameNo, 12);
  }
  store<u32>(out + INTEGRATE_OUT_BLOCKS, nTouched);
  store<u32>(out + INTEGRATE_OUT_NEW_BLOCKS, load<u32>(vol, VOLUME_COUNT) - countBefore);
  store<u32>(out + INTEGRATE_OUT_REFUSED, refused);
  store<u32>(out + INTEGRATE_OUT_VALID_PIXELS, valid);
  store<u32>(out + INTEGRATE_OUT_UPDATED_VOXELS, updated);
  return STATUS_OK;
}
