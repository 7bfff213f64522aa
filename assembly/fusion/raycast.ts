// Raycasting the TSDF from a camera: per pixel, the first zero crossing (front surface) along
// its ray within [near, far]: depth, normal (from the TSDF gradient), colour, NIR, weight.
import { STATUS_OK, STATUS_INVALID_ARGUMENT } from "../abi/status";
import { VOLUME_COORDS, VOLUME_COUNT, VOLUME_FLAGS, VOLUME_FLAG_COLOUR, VOLUME_FLAG_NIR, VOXEL_WEIGHT, VOXEL_COLOUR, RAYCAST_OUT_HITS, RAYCAST_OUT_SAMPLES, BLOCK_VOXELS } from "../abi/fusion-layout";
import { Camera, readCamera } from "../camera/camera";
import { Cursor, blockAt, gridValue, localIndex, trilinear, truncation } from "./sample";
import { voxelSize } from "./volume";

/**
 * Raycasts the volume. Outputs per pixel (row-major; each but `depth` may be 0): `depth` f32
 * camera z mm (0 = no surface), `normals` 3 f32 unit normal in CAMERA coordinates pointing
 * toward the camera, `colour` u8 RGB, `nir` u8, `weight` f32 accumulated weight at the hit.
 * out: RAYCAST_OUT_HITS.
 */
export function tsdf_raycast(vol: usize, camera: usize, depth: usize, normals: usize, colour: usize, nir: usize, weight: usize, out: usize): i32 {
  let c = new Camera();
  if (!readCamera(camera, c)) return STATUS_INVALID_ARGUMENT;
  let cur = new Cursor();
  cur.init(vol);
  let voxel = voxelSize(vol), trunc = truncation(vol);
  let invVoxel: f32 = 1 / voxel;
  let flags = load<u32>(vol, VOLUME_FLAGS);
  let nirOffset: usize = VOXEL_COLOUR + ((flags & VOLUME_FLAG_COLOUR) != 0 ? 3 * BLOCK_VOXELS : 0);
  let w = c.width, h = c.height;
  let r00 = c.r00, r01 = c.r01, r02 = c.r02, r10 = c.r10, r11 = c.r11, r12 = c.r12, r20 = c.r20, r21 = c.r21, r22 = c.r22;
  let ox = -(r00 * c.t0 + r10 * c.t1 + r20 * c.t2), oy = -(r01 * c.t0 + r11 * c.t1 + r21 * c.t2), oz = -(r02 * c.t0 + r12 * c.t1 + r22 * c.t2);
  let blockLen = voxel * 8;
  // A coarse range image: the nearest and farthest camera z of the blocks projecting onto each
  // 8 x 8 pixel tile, so each ray only marches where there is something to hit.
  let tw = (w + 7) >> 3, th = (h + 7) >> 3;
  let range = heap.alloc(<usize>tw * th * 8);
  for (let t = 0; t < tw * th; t++) { store<f32>(range + (<usize>t << 3), Infinity); store<f32>(range + (<usize>t << 3), -Infinity, 4); }
  let coords = <usize>load<u32>(vol, VOLUME_COORDS);
  let count = load<u32>(vol, VOLUME_COUNT);
  for (let b: u32 = 0; b < count; b++) {
    let cp = coords + (<usize>b << 4);
    let x0 = <f32>load<i32>(cp) * blockLen, y0 = <f32>load<i32>(cp, 4) * blockLen, z0 = <f32>load<i32>(cp, 8) * blockLen;
    let minU: f32 = Infinity, maxU: f32 = -Infinity, minV: f32 = Infinity, maxV: f32 = -Infinity, minZ: f32 = Infinity, maxZ: f32 = -Infinity;
    let behind = false;
    for (let n = 0; n < 8; n++) {
      let x = x0 + ((n & 1) != 0 ? blockLen : 0), y = y0 + ((n & 2) != 0 ? blockLen : 0), z = z0 + ((n & 4) != 0 ? blockLen : 0);
      let cz = r20 * x + r21 * y + r22 * z + c.t2;
      if (cz < c.near) { behind = true; minZ = c.near; }
      if (cz < minZ) minZ = cz;
      if (cz > maxZ) maxZ = cz;
      if (cz <= 1e-6) continue;
      let cx = r00 * x + r01 * y + r02 * z + c.t0, cy = r10 * x + r11 * y + r12 * z + c.t1;
      let uu = c.fx * cx / cz + c.cx, vv = c.fy * cy / cz + c.cy;
      if (uu < minU) minU = uu; if (uu > maxU) maxU = uu;
      if (vv < minV) minV = vv; if (vv > maxV) maxV = vv;
    }
    if (maxZ < c.near || minZ > c.far) continue;
    if (behind) { minU = 0; minV = 0; maxU = <f32>w; maxV = <f32>h; }
    let t0x = max<i32>(0, <i32>Mathf.floor((minU - 1) / 8)), t1x = min<i32>(tw - 1, <i32>Mathf.floor((maxU + 1) / 8));
    let t0y = max<i32>(0, <i32>Mathf.floor((minV - 1) / 8)), t1y = min<i32>(th - 1, <i32>Mathf.floor((maxV + 1) / 8));
    for (let ty = t0y; ty <= t1y; ty++) for (let tx = t0x; tx <= t1x; tx++) {
      let q = range + ((<usize>ty * tw + tx) << 3);
      if (minZ < load<f32>(q)) store<f32>(q, minZ);
      if (maxZ > load<f32>(q, 4)) store<f32>(q, maxZ, 4);
    }
  }
  let hits: u32 = 0, samples: u32 = 0;
  for (let v = 0; v < h; v++) {
    for (let u = 0; u < w; u++) {
      let k = <usize>v * w + u;
      let rq = range + ((<usize>(v >> 3) * tw + (u >> 3)) << 3);
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
    let t = a / (a - b);
    // Keep the step inside the bracket and away from its ends (bisection when the secant stalls).
    let zm = lo + (hi - lo) * (t < 0.1 || t > 0.9 ? <f32>0.5 : t);
    let fm = trilinear(cur, invVoxel, ox + dx * zm, oy + dy * zm, oz + dz * zm);
    if (isNaN(fm)) break;
    if (fm > 0) { lo = zm; a = fm; } else { hi = zm; b = fm; }
  }
  return lo + (hi - lo) * (a / (a - b));
}
