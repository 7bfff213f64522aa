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
  // Upper triangle of J^T W J and J^T W r in locals.
  let a00: f64 = 0, a01: f64 = 0, a02: f64 = 0, a03: f64 = 0, a04: f64 = 0, a05: f64 = 0;
  let a11: f64 = 0, a12: f64 = 0, a13: f64 = 0, a14: f64 = 0, a15: f64 = 0;
  let a22: f64 = 0, a23: f64 = 0, a24: f64 = 0, a25: f64 = 0;
  let a33: f64 = 0, a34: f64 = 0, a35: f64 = 0, a44: f64 = 0, a45: f64 = 0, a55: f64 = 0;
  let b0: f64 = 0, b1: f64 = 0, b2: f64 = 0, b3: f64 = 0, b4: f64 = 0, b5: f64 = 0;
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
      a00 += w * j0 * j0; a01 += w * j0 * j1; a02 += w * j0 * j2; a03 += w * j0 * nx; a04 += w * j0 * ny; a05 += w * j0 * nz;
      a11 += w * j1 * j1; a12 += w * j1 * j2; a13 += w * j1 * nx; a14 += w * j1 * ny; a15 += w * j1 * nz;
      a22 += w * j2 * j2; a23 += w * j2 * nx; a24 += w * j2 * ny; a25 += w * j2 * nz;
      a33 += w * nx * nx; a34 += w * nx * ny; a35 += w * nx * nz; a44 += w * ny * ny; a45 += w * ny * nz; a55 += w * nz * nz;
      b0 += w * j0 * r; b1 += w * j1 * r; b2 += w * j2 * r; b3 += w * nx * r; b4 += w * ny * r; b5 += w * nz * r;
      res2 += w * r * r; wsum += w; inliers++;
    }
  }
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
