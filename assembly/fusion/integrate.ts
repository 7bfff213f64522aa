// Integration of one depth frame (plus optional colour and NIR) into the TSDF volume: allocate
// the blocks around the measured surface, then update every voxel of those blocks that projects
// onto a valid depth pixel (weighted running average, weight cap).
import { STATUS_OK, STATUS_INVALID_ARGUMENT } from "../abi/status";
import {
  VOLUME_TRUNCATION, VOLUME_WEIGHT_CAP, VOLUME_FLAGS, VOLUME_COORDS, VOLUME_FRAME, VOLUME_TOUCHED, VOLUME_STAMP,
  VOLUME_FLAG_COLOUR, VOLUME_FLAG_NIR, VOXEL_TSDF, VOXEL_WEIGHT, VOXEL_COUNT, VOXEL_COLOUR, WEIGHT_UNITS,
  FRAME_DEPTH, FRAME_DEPTH_KIND, FRAME_DEPTH_SCALE, FRAME_COLOUR, FRAME_NIR, FRAME_STRIDE, FRAME_BILINEAR, FRAME_WEIGHTS, FRAME_DEPTH_U16, FRAME_DEPTH_F32,
  INTEGRATE_OUT_BLOCKS, INTEGRATE_OUT_NEW_BLOCKS, INTEGRATE_OUT_REFUSED, INTEGRATE_OUT_VALID_PIXELS, INTEGRATE_OUT_UPDATED_VOXELS,
  BLOCK_SIDE, BLOCK_VOXELS,
} from "../abi/fusion-layout";
import { VOLUME_COUNT } from "../abi/fusion-layout";
import { Camera, readCamera } from "../camera/camera";
import { NO_BLOCK, blockData, findOrAddBlock, voxelSize } from "./volume";

/** Depth in mm at pixel k, or 0 (`invScale` = mm per raw unit for u16 depth). */
@inline function depthAt(depth: usize, kind: u32, invScale: f32, k: usize): f32 {
  return kind == FRAME_DEPTH_U16 ? <f32>load<u16>(depth + (k << 1)) * invScale : load<f32>(depth + (k << 2));
}

/**
 * Depth at sub-pixel (u, v): bilinear between the 4 neighbouring pixels when all are valid and
 * within `jump` mm of each other, else the nearest pixel's; 0 if none.
 */
@inline function sampleDepth(depth: usize, kind: u32, scale: f32, w: i32, h: i32, u: f32, v: f32, jump: f32, bilinear: bool): f32 {
  if (!bilinear) {
    let xn = <i32>Mathf.round(u), yn = <i32>Mathf.round(v);
    if (xn < 0 || yn < 0 || xn >= w || yn >= h) return 0;
    return depthAt(depth, kind, scale, <usize>yn * w + xn);
  }
  let x0 = <i32>Mathf.floor(u), y0 = <i32>Mathf.floor(v);
  if (x0 < 0 || y0 < 0 || x0 >= w - 1 || y0 >= h - 1) {
    let xn = <i32>Mathf.round(u), yn = <i32>Mathf.round(v);
    if (xn < 0 || yn < 0 || xn >= w || yn >= h) return 0;
    return depthAt(depth, kind, scale, <usize>yn * w + xn);
  }
  let k = <usize>y0 * w + x0;
  let a = depthAt(depth, kind, scale, k), b = depthAt(depth, kind, scale, k + 1);
  let c = depthAt(depth, kind, scale, k + w), d = depthAt(depth, kind, scale, k + w + 1);
  let fx = u - <f32>x0, fy = v - <f32>y0;
  let lo = min(min(a, b), min(c, d)), hi = max(max(a, b), max(c, d));
  if (lo > 0 && hi - lo <= jump) {
    return (a * (1 - fx) + b * fx) * (1 - fy) + (c * (1 - fx) + d * fx) * fy;
  }
  // Nearest pixel.
  let n = fx < 0.5 ? (fy < 0.5 ? a : c) : (fy < 0.5 ? b : d);
  return n;
}

/** Observation weight 0..1 of the pixel nearest (u, v) from a u8 weight map. */
@inline function pixelWeight(weights: usize, w: i32, h: i32, u: f32, v: f32): f32 {
  let x = min<i32>(w - 1, max<i32>(0, <i32>Mathf.round(u))), y = min<i32>(h - 1, max<i32>(0, <i32>Mathf.round(v)));
  return <f32>load<u8>(weights + <usize>y * w + x) * (1.0 / 255.0);
}

/** Colour and NIR running averages of one voxel from pixel (round(u), round(v)), previous weight `prevW`. */
@inline function blendImage(colour: usize, nir: usize, hasColour: bool, hasNir: bool, data: usize, nirOffset: usize, vi: usize, w: i32,
  h: i32, uf: f32, vf: f32, prevW: f32, bw: f32): void {
  let pu = min<i32>(w - 1, max<i32>(0, <i32>Mathf.round(uf)));
  let pv = min<i32>(h - 1, max<i32>(0, <i32>Mathf.round(vf)));
  let pk = <usize>pv * w + <usize>pu;
  let sum = prevW + bw;
  if (hasColour) {
    let q = data + VOXEL_COLOUR + vi * 3, src = colour + pk * 3;
    for (let ch = 0; ch < 3; ch++) {
      store<u8>(q + ch, <u8>Mathf.round((<f32>load<u8>(q + ch) * prevW + <f32>load<u8>(src + ch) * bw) / sum));
    }
  }
  if (hasNir) {
    let q = data + nirOffset + vi;
    store<u8>(q, <u8>Mathf.round((<f32>load<u8>(q) * prevW + <f32>load<u8>(nir + pk) * bw) / sum));
  }
}

/**
 * Integrates a frame. `camera` is a CAMERA record (intrinsics, near/far depth range, world ->
 * camera); `frame` a FRAME record. Blocks within +-truncation of the measured points are
 * allocated (until the pool is full: VOLUME_FULL, INTEGRATE_OUT_REFUSED), then each of their
 * voxels in front of (or within truncation behind) the surface is updated. `scratch` holds
 * 0 bytes (reserved). out: INTEGRATE_OUT_*.
 */
export function tsdf_integrate(vol: usize, camera: usize, frame: usize, out: usize): i32 {
  let c = new Camera();
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
  let units4 = f32x4.splat(<f32>WEIGHT_UNITS), unitsI4 = i32x4.splat(<i32>WEIGHT_UNITS), capI4 = i32x4.splat(<i32>capUnits);
  let updated: u32 = 0;
  let hasColour = (flags & VOLUME_FLAG_COLOUR) != 0 && colour != 0;
  let hasNir = (flags & VOLUME_FLAG_NIR) != 0 && nir != 0;
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
          // Depth samples (gathers are scalar).
          let d0: f32 = (mask & 1) ? sampleDepth(depth, kind, scale, w, h, f32x4.extract_lane(uf4, 0), f32x4.extract_lane(vf4, 0), jump, bilinear) : 0;
          let d1: f32 = (mask & 2) ? sampleDepth(depth, kind, scale, w, h, f32x4.extract_lane(uf4, 1), f32x4.extract_lane(vf4, 1), jump, bilinear) : 0;
          let d2: f32 = (mask & 4) ? sampleDepth(depth, kind, scale, w, h, f32x4.extract_lane(uf4, 2), f32x4.extract_lane(vf4, 2), jump, bilinear) : 0;
          let d3: f32 = (mask & 8) ? sampleDepth(depth, kind, scale, w, h, f32x4.extract_lane(uf4, 3), f32x4.extract_lane(vf4, 3), jump, bilinear) : 0;
          let d4 = f32x4(d0, d1, d2, d3);
          // Observation weights (WEIGHT_UNITS per full observation) from the per-pixel weight map.
          let o4 = units4;
          if (weights != 0) {
            let o0: f32 = (mask & 1) ? pixelWeight(weights, w, h, f32x4.extract_lane(uf4, 0), f32x4.extract_lane(vf4, 0)) : 0;
            let o1: f32 = (mask & 2) ? pixelWeight(weights, w, h, f32x4.extract_lane(uf4, 1), f32x4.extract_lane(vf4, 1)) : 0;
            let o2: f32 = (mask & 4) ? pixelWeight(weights, w, h, f32x4.extract_lane(uf4, 2), f32x4.extract_lane(vf4, 2)) : 0;
            let o3: f32 = (mask & 8) ? pixelWeight(weights, w, h, f32x4.extract_lane(uf4, 3), f32x4.extract_lane(vf4, 3)) : 0;
            o4 = f32x4.nearest(f32x4.mul(f32x4(o0, o1, o2, o3), units4));
          }
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
          if (hasColour || hasNir) {
            for (let l = 0; l < 4; l++) {
              if ((useMask & (1 << l)) == 0) continue;
              let uf = l == 0 ? f32x4.extract_lane(uf4, 0) : l == 1 ? f32x4.extract_lane(uf4, 1) : l == 2 ? f32x4.extract_lane(uf4, 2) : f32x4.extract_lane(uf4, 3);
              let vf = l == 0 ? f32x4.extract_lane(vf4, 0) : l == 1 ? f32x4.extract_lane(vf4, 1) : l == 2 ? f32x4.extract_lane(vf4, 2) : f32x4.extract_lane(vf4, 3);
              let prevW: f32 = l == 0 ? <f32>i16x8.extract_lane_u(oldW, 0) : l == 1 ? <f32>i16x8.extract_lane_u(oldW, 1)
                : l == 2 ? <f32>i16x8.extract_lane_u(oldW, 2) : <f32>i16x8.extract_lane_u(oldW, 3);
              let obs: f32 = l == 0 ? f32x4.extract_lane(o4, 0) : l == 1 ? f32x4.extract_lane(o4, 1) : l == 2 ? f32x4.extract_lane(o4, 2) : f32x4.extract_lane(o4, 3);
              blendImage(colour, nir, hasColour, hasNir, data, nirOffset, vi + <usize>l, w, h, uf, vf, prevW, obs);
            }
          }
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
