// Raycasting the TSDF from a camera: per pixel, the first zero crossing (front surface) along
// its ray within [near, far]: depth, normal (from the TSDF gradient), colour, NIR, weight.
import { STATUS_OK, STATUS_INVALID_ARGUMENT } from "../abi/status";
import { VOLUME_COORDS, VOLUME_COUNT, VOLUME_FLAGS, VOLUME_FLAG_COLOUR, VOLUME_FLAG_NIR, VOXEL_WEIGHT, VOXEL_COLOUR, RAYCAST_OUT_HITS, RAYCAST_OUT_SAMPLES, BLOCK_VOXELS } from "../abi/fusion-layout";
import { Camera, sharedCamera, readCamera } from "../camera/camera";
import { Cursor, sharedCursor, blockAt, gridValue, localIndex, trilinear, truncation } from "./sample";
import { voxelSize } from "./volume";

/**
 * Raycasts the volume. Outputs per pixel (row-major; each but `depth` may be 0): `depth` f32
 * camera z mm (0 = no surface), `normals` 3 f32 unit normal in CAMERA coordinates pointing
 * toward the camera, `colour` u8 RGB, `nir` u8, `weight` f32 accumulated weight at the hit.
 * out: RAYCAST_OUT_HITS.
 */
export function tsdf_raycast(vol: usize, camera: usize, depth: usize, normals: usize, colour: usize, nir: usize, weight: usize, out: usize): i32 {
  let c = sharedCamera();
  if (!readCamera(camera, c)) return STATUS_INVALID_ARGUMENT;
  let cur = sharedCursor();
  cur.init(vol);
  let voxel = voxelSize(vol), trunc = truncation(vol);
  let invVoxel: f32 = 1 / voxel;
  let flags = load<u32>(vol, VOLUME_FLAGS);
  let nirOffset: usize = VOXEL_COLOUR + ((flags & VOLUME_FLAG_COLOUR) != 0 ? 3 * BLOCK_VOXELS : 0);
  let w = c.width, h = c.height;
  let r00 = c.r00, r01 = c.r01, r02 = c.r02, r10 = c.r10, r11 = c.r11, r12 = c.r12, r20 = c.r20, r21 = c.r21, r22 = c.r22;
  let ox = -(r00 * c.t0 + r10 * c.t1 + r20 * c.t2), oy = -(r01 * c.t0 + r11 * c.t1 + r21 * c.t2), oz = -(r02 * c.t0 + r12 * c.t1 + r22 * c.t2);
  let blockLen = voxel * 8;
  // A range image: per pixel, the nearest and farthest camera z of the blocks whose projection
  // covers it, so each ray starts at the first block it can meet and stops after the last.
  // Corners closer than `near` are projected at `near` (the block still covers those pixels).
  let range = heap.alloc(<usize>w * h * 8);
  for (let t = 0; t < w * h; t++) { store<f32>(range + (<usize>t << 3), Infinity); store<f32>(range + (<usize>t << 3), -Infinity, 4); }
  let coords = <usize>load<u32>(vol, VOLUME_COORDS);
  let count = load<u32>(vol, VOLUME_COUNT);
  let halfDiagonal = blockLen * 0.8660254;
  // The frustum's 4 side planes through the camera centre (unit inward normals in camera
  // coordinates), for rejecting blocks whose bounding sphere lies outside the image.
  let lx = c.fx, lz = c.cx + 0.5, ll = Mathf.sqrt(lx * lx + lz * lz); lx /= ll; lz /= ll;                                  // u >= -0.5
  let rxn = -c.fx, rz = <f32>w - 0.5 - c.cx, rl = Mathf.sqrt(rxn * rxn + rz * rz); rxn /= rl; rz /= rl;                     // u <= w - 0.5
  let ty = c.fy, tz = c.cy + 0.5, tl = Mathf.sqrt(ty * ty + tz * tz); ty /= tl; tz /= tl;                                   // v >= -0.5
  let by = -c.fy, bz = <f32>h - 0.5 - c.cy, bl = Mathf.sqrt(by * by + bz * bz); by /= bl; bz /= bl;                         // v <= h - 0.5
  for (let b: u32 = 0; b < count; b++) {
    let cp = coords + (<usize>b << 4);
    let x0 = <f32>load<i32>(cp) * blockLen, y0 = <f32>load<i32>(cp, 4) * blockLen, z0 = <f32>load<i32>(cp, 8) * blockLen;
    // Quick rejection on the block's bounding sphere: entirely before near or beyond far.
    let mx = x0 + 0.5 * blockLen, my = y0 + 0.5 * blockLen, mz = z0 + 0.5 * blockLen;
    let centreZ = r20 * mx + r21 * my + r22 * mz + c.t2;
    if (centreZ + halfDiagonal < c.near || centreZ - halfDiagonal > c.far) continue;
    let centreX = r00 * mx + r01 * my + r02 * mz + c.t0, centreY = r10 * mx + r11 * my + r12 * mz + c.t1;
    if (lx * centreX + lz * centreZ < -halfDiagonal || rxn * centreX + rz * centreZ < -halfDiagonal
      || ty * centreY + tz * centreZ < -halfDiagonal || by * centreY + bz * centreZ < -halfDiagonal) continue;
    let minU: f32 = Infinity, maxU: f32 = -Infinity, minV: f32 = Infinity, maxV: f32 = -Infinity, minZ: f32 = Infinity, maxZ: f32 = -Infinity;
    for (let n = 0; n < 8; n++) {
      let x = x0 + ((n & 1) != 0 ? blockLen : 0), y = y0 + ((n & 2) != 0 ? blockLen : 0), z = z0 + ((n & 4) != 0 ? blockLen : 0);
      let cz = r20 * x + r21 * y + r22 * z + c.t2;
      if (cz < minZ) minZ = cz;
      if (cz > maxZ) maxZ = cz;
      let pz = max<f32>(cz, c.near);
      let cx = r00 * x + r01 * y + r02 * z + c.t0, cy = r10 * x + r11 * y + r12 * z + c.t1;
      let uu = c.fx * cx / pz + c.cx, vv = c.fy * cy / pz + c.cy;
      if (uu < minU) minU = uu; if (uu > maxU) maxU = uu;
      if (vv < minV) minV = vv; if (vv > maxV) maxV = vv;
    }
    if (maxZ < c.near || minZ > c.far) continue;
    minZ = max<f32>(minZ, c.near);
    // Pixels (centres at integer u, v) the projection may cover, with a pixel of margin.
    let u0 = max<i32>(0, <i32>Mathf.floor(minU - 1)), u1 = min<i32>(w - 1, <i32>Mathf.ceil(maxU + 1));
    let v0 = max<i32>(0, <i32>Mathf.floor(minV - 1)), v1 = min<i32>(h - 1, <i32>Mathf.ceil(maxV + 1));
    if (u0 > u1 || v0 > v1) continue;
    for (let pv = v0; pv <= v1; pv++) {
      let q = range + ((<usize>pv * w + u0) << 3);
      for (let pu = u0; pu <= u1; pu++, q += 8) {
        if (minZ < load<f32>(q)) store<f32>(q, minZ);
        if (maxZ > load<f32>(q, 4)) store<f32>(q, maxZ, 4);
      }
    }
  }
  let hits: u32 = 0, samples: u32 = 0;
  for (let v = 0; v < h; v++) {
    for (let u = 0; u < w; u++) {
      let k = <usize>v * w + u;
      let rq = range + (k << 3);
      let zStart = max<f32>(c.near, load<f32>(rq)), zEnd = min<f32>(c.far, load<f32>(rq, 4));
      let rx = (<f32>u - c.cx) / c.fx, ry = (<f32>v - c.cy) / c.fy;
      let len = Mathf.sqrt(rx * rx + ry * ry + 1);
      // World direction per unit of camera z.
      let dx = r00 * rx + r10 * ry + r20, dy = r01 * rx + r11 * ry + r21, dz = r02 * rx + r12 * ry + r22;
      let z = zStart, found: f32 = 0;
      let prevValue: f32 = NaN, prevZ: f32 = 0;
      while (z <= zEnd) {
        samples++;
        let x = ox + dx * z, y = oy + dy * z, zz = oz + dz * z;
        let gx = <i32>Mathf.floor(x * invVoxel), gy = <i32>Mathf.floor(y * invVoxel), gz = <i32>Mathf.floor(zz * invVoxel);
        if (blockAt(cur, gx, gy, gz) == 0) {
          // Empty space: move on by half a block.
          prevValue = NaN;
          z += 0.5 * blockLen / len;
          continue;
        }
        // Far from the surface the nearest grid value is enough to choose the step.
        let coarse = gridValue(cur, <i32>Mathf.round(x * invVoxel), <i32>Mathf.round(y * invVoxel), <i32>Mathf.round(zz * invVoxel));
        let value = coarse > 0.5 && isNaN(prevValue) == false && prevValue > 0.5 ? coarse : trilinear(cur, invVoxel, x, y, zz);
        if (isNaN(value)) {
          prevValue = NaN;
          z += 0.5 * voxel / len;
          continue;
        }
        if (value <= 0) {
          // A front-facing zero crossing, or the inside of a surface entered where nothing was
          // seen in front of it: stop either way (never report a surface behind another).
          if (!isNaN(prevValue) && prevValue > 0) found = refineCrossing(cur, invVoxel, ox, oy, oz, dx, dy, dz, prevZ, prevValue, z, value);
          break;
        }
        prevValue = value;
        prevZ = z;
        // Step: most of the remaining distance when far from the surface, never less than half a voxel.
        z += max<f32>(0.5 * voxel, value * trunc * 0.8) / len;
      }
      store<f32>(depth + (k << 2), found);
      if (found == 0) {
        if (normals != 0) { store<f32>(normals + k * 12, 0); store<f32>(normals + k * 12, 0, 4); store<f32>(normals + k * 12, 0, 8); }
        if (colour != 0) { store<u8>(colour + k * 3, 0); store<u8>(colour + k * 3, 0, 1); store<u8>(colour + k * 3, 0, 2); }
        if (nir != 0) store<u8>(nir + k, 0);
        if (weight != 0) store<f32>(weight + (k << 2), 0);
        continue;
      }
      hits++;
      let x = ox + dx * found, y = oy + dy * found, zz = oz + dz * found;
      if (normals != 0) {
        let e: f32 = 0.5 * voxel;
        let gxv = trilinear(cur, invVoxel, x + e, y, zz) - trilinear(cur, invVoxel, x - e, y, zz);
        let gyv = trilinear(cur, invVoxel, x, y + e, zz) - trilinear(cur, invVoxel, x, y - e, zz);
        let gzv = trilinear(cur, invVoxel, x, y, zz + e) - trilinear(cur, invVoxel, x, y, zz - e);
        // World gradient -> camera; the gradient points outward (toward the camera).
        let nx = r00 * gxv + r01 * gyv + r02 * gzv, ny = r10 * gxv + r11 * gyv + r12 * gzv, nz = r20 * gxv + r21 * gyv + r22 * gzv;
        let nl = Mathf.sqrt(nx * nx + ny * ny + nz * nz);
        if (!(nl > 0) || isNaN(nl)) {
          // A neighbour is unobserved: one-sided differences from the hit point.
          let f0 = trilinear(cur, invVoxel, x, y, zz);
          let ax = oneSided(trilinear(cur, invVoxel, x + e, y, zz), trilinear(cur, invVoxel, x - e, y, zz), f0);
          let ay = oneSided(trilinear(cur, invVoxel, x, y + e, zz), trilinear(cur, invVoxel, x, y - e, zz), f0);
          let az = oneSided(trilinear(cur, invVoxel, x, y, zz + e), trilinear(cur, invVoxel, x, y, zz - e), f0);
          nx = r00 * ax + r01 * ay + r02 * az; ny = r10 * ax + r11 * ay + r12 * az; nz = r20 * ax + r21 * ay + r22 * az;
          nl = Mathf.sqrt(nx * nx + ny * ny + nz * nz);
        }
        if (!(nl > 0) || isNaN(nl)) { nx = 0; ny = 0; nz = 0; } else { nx /= nl; ny /= nl; nz /= nl; }
        store<f32>(normals + k * 12, nx); store<f32>(normals + k * 12, ny, 4); store<f32>(normals + k * 12, nz, 8);
      }
      if (colour != 0 || nir != 0 || weight != 0) {
        let gx = <i32>Mathf.round(x * invVoxel), gy = <i32>Mathf.round(y * invVoxel), gz = <i32>Mathf.round(zz * invVoxel);
        let data = blockAt(cur, gx, gy, gz);
        let vi = localIndex(gx, gy, gz);
        if (colour != 0) {
          for (let ch: usize = 0; ch < 3; ch++) {
            store<u8>(colour + k * 3 + ch, data != 0 && (flags & VOLUME_FLAG_COLOUR) != 0 ? load<u8>(data + VOXEL_COLOUR + vi * 3 + ch) : 0);
          }
        }
        if (nir != 0) store<u8>(nir + k, data != 0 && (flags & VOLUME_FLAG_NIR) != 0 ? load<u8>(data + nirOffset + vi) : 0);
        if (weight != 0) store<f32>(weight + (k << 2), data != 0 ? <f32>load<u16>(data + VOXEL_WEIGHT + (vi << 1)) / 64.0 : 0);
      }
    }
  }
  heap.free(range);
  cur.release();
  store<u32>(out + RAYCAST_OUT_HITS, hits);
  store<u32>(out + RAYCAST_OUT_SAMPLES, samples);
  return STATUS_OK;
}

/** A gradient component from whichever of the forward (f+ - f0) and backward (f0 - f-) differences exist (times 2, like a central one). */
@inline function oneSided(plus: f32, minus: f32, f0: f32): f32 {
  if (!isNaN(plus) && !isNaN(minus)) return plus - minus;
  if (!isNaN(plus) && !isNaN(f0)) return 2 * (plus - f0);
  if (!isNaN(minus) && !isNaN(f0)) return 2 * (f0 - minus);
  return NaN;
}

/**
 * The zero crossing of the trilinear TSDF between camera depths z0 (value f0 > 0) and z1
 * (f1 <= 0) along the ray origin + d * z: a few steps of regula falsi with bisection fallback on
 * exact trilinear values (the marching step may span several voxels).
 */
function refineCrossing(cur: Cursor, invVoxel: f32, ox: f32, oy: f32, oz: f32, dx: f32, dy: f32, dz: f32,
  z0: f32, f0: f32, z1: f32, f1: f32): f32 {
  // The samples the march took may be coarse: re-evaluate both ends exactly.
  let a = trilinear(cur, invVoxel, ox + dx * z0, oy + dy * z0, oz + dz * z0);
  let b = trilinear(cur, invVoxel, ox + dx * z1, oy + dy * z1, oz + dz * z1);
  if (isNaN(a) || !(a > 0)) a = f0;
  if (isNaN(b) || !(b <= 0)) b = f1;
  let lo = z0, hi = z1;
  for (let i = 0; i < 6; i++) {
    // Converged: the bracket is under a thousandth of a voxel.
    if ((hi - lo) * invVoxel < 1e-3) break;
    let t = a / (a - b);
    // Keep the step inside the bracket and away from its ends (bisection when the secant stalls).
    let zm = lo + (hi - lo) * (t < 0.1 || t > 0.9 ? <f32>0.5 : t);
    let fm = trilinear(cur, invVoxel, ox + dx * zm, oy + dy * zm, oz + dz * zm);
    if (isNaN(fm)) break;
    if (fm > 0) { lo = zm; a = fm; } else { hi = zm; b = fm; }
    // On the surface to a millionth of the truncation distance: the secant below is exact enough.
    if (abs(fm) < 1e-6) break;
  }
  return lo + (hi - lo) * (a / (a - b));
}
