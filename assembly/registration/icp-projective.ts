// Projective point-to-plane ICP (frame-to-model, as KinectFusion): each source pixel's vertex,
// moved by the current estimate, is projected into the target maps; the target vertex and normal
// there are its correspondence if close enough and similarly oriented. Huber weights. Sums go to
// an accumulator (abi/registration-layout.ts ACC_*) that solve6 turns into an update.
import { STATUS_OK } from "../abi/status";
import {
  ACC_ATA, ACC_ATB, ACC_RESIDUAL2, ACC_WEIGHT, ACC_INLIERS, ACC_VALID,
  ICP_TRANSFORM, ICP_FX, ICP_FY, ICP_CX, ICP_CY, ICP_MAX_DISTANCE, ICP_MIN_NORMAL_COS, ICP_HUBER,
} from "../abi/registration-layout";

/**
 * Accumulates the normal equations of all valid source pixels (every `stride`-th row and
 * column). Source and target maps: 3 f32 per pixel (vertices in their camera's coordinates,
 * z = 0 invalid; unit normals, all 0 invalid). The ICP record holds the source -> target
 * transform and the gates. The accumulator is added to (zero it to start).
 */
export function icp_projective_accumulate(
  srcVertices: usize, srcNormals: usize, srcW: u32, srcH: u32, stride: u32,
  dstVertices: usize, dstNormals: usize, dstW: u32, dstH: u32, params: usize, acc: usize,
): i32 {
  let m = params + ICP_TRANSFORM;
  let r00 = load<f64>(m), r01 = load<f64>(m, 8), r02 = load<f64>(m, 16), t0 = load<f64>(m, 24);
  let r10 = load<f64>(m, 32), r11 = load<f64>(m, 40), r12 = load<f64>(m, 48), t1 = load<f64>(m, 56);
  let r20 = load<f64>(m, 64), r21 = load<f64>(m, 72), r22 = load<f64>(m, 80), t2 = load<f64>(m, 88);
  let fx = <f64>load<f32>(params, ICP_FX), fy = <f64>load<f32>(params, ICP_FY), cx = <f64>load<f32>(params, ICP_CX), cy = <f64>load<f32>(params, ICP_CY);
  let maxD = <f64>load<f32>(params, ICP_MAX_DISTANCE), minCos = <f64>load<f32>(params, ICP_MIN_NORMAL_COS), huber = <f64>load<f32>(params, ICP_HUBER);
  let maxD2 = maxD * maxD;
  let step = max<u32>(1, stride);
  // J^T W J and J^T W r in f64x2 lanes, J = (j0 j1 | j2 nx | ny nz): row i of the upper
  // triangle is (w J_i) times the pairs from its diagonal on (rNpq holds entries (N, p) and (N, q);
  // r1_01 also holds the unused (1, 0)). Each entry is the scalar product (w J_i) J_k summed in
  // pixel order, so the sums are bit-identical to a scalar loop's.
  let z = f64x2.splat(0);
  let r0_01 = z, r0_23 = z, r0_45 = z, r1_01 = z, r1_23 = z, r1_45 = z, r2_23 = z, r2_45 = z, r3_23 = z, r3_45 = z, r4_45 = z, r5_45 = z;
  let b01 = z, b23 = z, b45 = z;
  let res2: f64 = 0, wsum: f64 = 0, inliers: f64 = 0, valid: f64 = 0;
  for (let y: u32 = 0; y < srcH; y += step) {
    for (let x: u32 = 0; x < srcW; x += step) {
      let k = <usize>y * srcW + x;
      let sv = srcVertices + k * 12, sn = srcNormals + k * 12;
      let vz = <f64>load<f32>(sv, 8);
      if (vz <= 0) continue;
      let snx = <f64>load<f32>(sn), sny = <f64>load<f32>(sn, 4), snz = <f64>load<f32>(sn, 8);
      if (snx == 0 && sny == 0 && snz == 0) continue;
      valid++;
      let vx = <f64>load<f32>(sv), vy = <f64>load<f32>(sv, 4);
      let px = r00 * vx + r01 * vy + r02 * vz + t0, py = r10 * vx + r11 * vy + r12 * vz + t1, pz = r20 * vx + r21 * vy + r22 * vz + t2;
      if (pz <= 0) continue;
      let u = <i32>Math.round(fx * px / pz + cx), v = <i32>Math.round(fy * py / pz + cy);
      if (u < 0 || v < 0 || u >= <i32>dstW || v >= <i32>dstH) continue;
      let dk = <usize>v * dstW + u;
      let dv = dstVertices + dk * 12, dn = dstNormals + dk * 12;
      let qz = <f64>load<f32>(dv, 8);
      if (qz <= 0) continue;
      let nx = <f64>load<f32>(dn), ny = <f64>load<f32>(dn, 4), nz = <f64>load<f32>(dn, 8);
      if (nx == 0 && ny == 0 && nz == 0) continue;
      let qx = <f64>load<f32>(dv), qy = <f64>load<f32>(dv, 4);
      let dx = px - qx, dy = py - qy, dz = pz - qz;
      if (dx * dx + dy * dy + dz * dz > maxD2) continue;
      // Normals must agree (source normal rotated into the target camera).
      let mnx = r00 * snx + r01 * sny + r02 * snz, mny = r10 * snx + r11 * sny + r12 * snz, mnz = r20 * snx + r21 * sny + r22 * snz;
      if (mnx * nx + mny * ny + mnz * nz < minCos) continue;
      let r = nx * dx + ny * dy + nz * dz;
      let ar = Math.abs(r);
      let w: f64 = ar <= huber ? 1 : huber / ar;
      let j0 = py * nz - pz * ny, j1 = pz * nx - px * nz, j2 = px * ny - py * nx;
      let v01 = f64x2(j0, j1), v23 = f64x2(j2, nx), v45 = f64x2(ny, nz);
      let ws = f64x2.splat(w);
      let w01 = f64x2.mul(ws, v01), w23 = f64x2.mul(ws, v23), w45 = f64x2.mul(ws, v45);
      let s0 = f64x2.splat(f64x2.extract_lane(w01, 0)), s1 = f64x2.splat(f64x2.extract_lane(w01, 1));
      let s2 = f64x2.splat(f64x2.extract_lane(w23, 0)), s3 = f64x2.splat(f64x2.extract_lane(w23, 1));
      let s4 = f64x2.splat(f64x2.extract_lane(w45, 0)), s5 = f64x2.splat(f64x2.extract_lane(w45, 1));
      r0_01 = f64x2.add(r0_01, f64x2.mul(s0, v01)); r0_23 = f64x2.add(r0_23, f64x2.mul(s0, v23)); r0_45 = f64x2.add(r0_45, f64x2.mul(s0, v45));
      r1_01 = f64x2.add(r1_01, f64x2.mul(s1, v01)); r1_23 = f64x2.add(r1_23, f64x2.mul(s1, v23)); r1_45 = f64x2.add(r1_45, f64x2.mul(s1, v45));
      r2_23 = f64x2.add(r2_23, f64x2.mul(s2, v23)); r2_45 = f64x2.add(r2_45, f64x2.mul(s2, v45));
      r3_23 = f64x2.add(r3_23, f64x2.mul(s3, v23)); r3_45 = f64x2.add(r3_45, f64x2.mul(s3, v45));
      r4_45 = f64x2.add(r4_45, f64x2.mul(s4, v45)); r5_45 = f64x2.add(r5_45, f64x2.mul(s5, v45));
      let rs = f64x2.splat(r);
      b01 = f64x2.add(b01, f64x2.mul(w01, rs)); b23 = f64x2.add(b23, f64x2.mul(w23, rs)); b45 = f64x2.add(b45, f64x2.mul(w45, rs));
      res2 += w * r * r; wsum += w; inliers++;
    }
  }
  let a00 = f64x2.extract_lane(r0_01, 0), a01 = f64x2.extract_lane(r0_01, 1), a02 = f64x2.extract_lane(r0_23, 0);
  let a03 = f64x2.extract_lane(r0_23, 1), a04 = f64x2.extract_lane(r0_45, 0), a05 = f64x2.extract_lane(r0_45, 1);
  let a11 = f64x2.extract_lane(r1_01, 1), a12 = f64x2.extract_lane(r1_23, 0), a13 = f64x2.extract_lane(r1_23, 1);
  let a14 = f64x2.extract_lane(r1_45, 0), a15 = f64x2.extract_lane(r1_45, 1);
  let a22 = f64x2.extract_lane(r2_23, 0), a23 = f64x2.extract_lane(r2_23, 1), a24 = f64x2.extract_lane(r2_45, 0), a25 = f64x2.extract_lane(r2_45, 1);
  let a33 = f64x2.extract_lane(r3_23, 1), a34 = f64x2.extract_lane(r3_45, 0), a35 = f64x2.extract_lane(r3_45, 1);
  let a44 = f64x2.extract_lane(r4_45, 0), a45 = f64x2.extract_lane(r4_45, 1), a55 = f64x2.extract_lane(r5_45, 1);
  let b0 = f64x2.extract_lane(b01, 0), b1 = f64x2.extract_lane(b01, 1), b2 = f64x2.extract_lane(b23, 0);
  let b3 = f64x2.extract_lane(b23, 1), b4 = f64x2.extract_lane(b45, 0), b5 = f64x2.extract_lane(b45, 1);
  let a = acc + ACC_ATA;
  store<f64>(a, load<f64>(a) + a00); store<f64>(a, load<f64>(a, 8) + a01, 8); store<f64>(a, load<f64>(a, 16) + a02, 16);
  store<f64>(a, load<f64>(a, 24) + a03, 24); store<f64>(a, load<f64>(a, 32) + a04, 32); store<f64>(a, load<f64>(a, 40) + a05, 40);
  store<f64>(a, load<f64>(a, 48) + a11, 48); store<f64>(a, load<f64>(a, 56) + a12, 56); store<f64>(a, load<f64>(a, 64) + a13, 64);
  store<f64>(a, load<f64>(a, 72) + a14, 72); store<f64>(a, load<f64>(a, 80) + a15, 80);
  store<f64>(a, load<f64>(a, 88) + a22, 88); store<f64>(a, load<f64>(a, 96) + a23, 96); store<f64>(a, load<f64>(a, 104) + a24, 104);
  store<f64>(a, load<f64>(a, 112) + a25, 112);
  store<f64>(a, load<f64>(a, 120) + a33, 120); store<f64>(a, load<f64>(a, 128) + a34, 128); store<f64>(a, load<f64>(a, 136) + a35, 136);
  store<f64>(a, load<f64>(a, 144) + a44, 144); store<f64>(a, load<f64>(a, 152) + a45, 152); store<f64>(a, load<f64>(a, 160) + a55, 160);
  let b = acc + ACC_ATB;
  store<f64>(b, load<f64>(b) + b0); store<f64>(b, load<f64>(b, 8) + b1, 8); store<f64>(b, load<f64>(b, 16) + b2, 16);
  store<f64>(b, load<f64>(b, 24) + b3, 24); store<f64>(b, load<f64>(b, 32) + b4, 32); store<f64>(b, load<f64>(b, 40) + b5, 40);
  store<f64>(acc + ACC_RESIDUAL2, load<f64>(acc + ACC_RESIDUAL2) + res2);
  store<f64>(acc + ACC_WEIGHT, load<f64>(acc + ACC_WEIGHT) + wsum);
  store<f64>(acc + ACC_INLIERS, load<f64>(acc + ACC_INLIERS) + inliers);
  store<f64>(acc + ACC_VALID, load<f64>(acc + ACC_VALID) + valid);
  return STATUS_OK;
}
