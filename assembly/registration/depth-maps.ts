// Depth images as float maps for tracking: conversion with a depth range, 2x downsampling for
// the pyramid, and vertex / normal maps (camera coordinates) by back-projection.
import { STATUS_OK, STATUS_INVALID_ARGUMENT } from "../abi/status";

/**
 * Converts u16 (kind 1, mm = raw * mmPerUnit) or f32 (kind 2, mm) depth to f32 mm, with values
 * outside [minDepth, maxDepth] set to 0. Returns the number of valid pixels.
 */
export function depth_to_mm(depth: usize, kind: u32, mmPerUnit: f32, pixels: u32, minDepth: f32, maxDepth: f32, out: usize): i32 {
  if (kind != 1 && kind != 2) return STATUS_INVALID_ARGUMENT;
  let valid: i32 = 0;
  for (let k: u32 = 0; k < pixels; k++) {
    let z = kind == 1 ? <f32>load<u16>(depth + (<usize>k << 1)) * mmPerUnit : load<f32>(depth + (<usize>k << 2));
    if (z >= minDepth && z <= maxDepth) { valid++; } else z = 0;
    store<f32>(out + (<usize>k << 2), z);
  }
  return valid;
}

/**
 * Halves a depth map (w x h -> w/2 x h/2, rounded down): each output pixel is the mean of the
 * valid input pixels of its 2x2 cell that lie within `jump` mm of the cell's first valid pixel.
 */
export function depth_downsample(depth: usize, w: u32, h: u32, jump: f32, out: usize): i32 {
  let ow = w >> 1, oh = h >> 1;
  for (let y: u32 = 0; y < oh; y++) {
    for (let x: u32 = 0; x < ow; x++) {
      let base = depth + ((<usize>(2 * y) * w + 2 * x) << 2);
      let a = load<f32>(base), b = load<f32>(base, 4), c = load<f32>(base + (<usize>w << 2)), d = load<f32>(base + (<usize>w << 2), 4);
      let ref: f32 = a > 0 ? a : b > 0 ? b : c > 0 ? c : d;
      let sum: f32 = 0, n: f32 = 0;
      if (ref > 0) {
        if (a > 0 && abs(a - ref) <= jump) { sum += a; n++; }
        if (b > 0 && abs(b - ref) <= jump) { sum += b; n++; }
        if (c > 0 && abs(c - ref) <= jump) { sum += c; n++; }
        if (d > 0 && abs(d - ref) <= jump) { sum += d; n++; }
      }
      store<f32>(out + ((<usize>y * ow + x) << 2), n > 0 ? sum / n : 0);
    }
  }
  return STATUS_OK;
}

/**
 * Vertex map (3 f32 camera coordinates per pixel; z = 0 when invalid) and normal map (3 f32 unit,
 * facing the camera; all 0 when invalid) of a depth map. A normal needs both horizontal and both
 * vertical neighbours valid and within `jump` mm.
 */
export function depth_vertex_normal_maps(depth: usize, w: u32, h: u32, fx: f32, fy: f32, cx: f32, cy: f32, jump: f32,
  vertices: usize, normals: usize): i32 {
  let ifx: f32 = 1 / fx, ify: f32 = 1 / fy;
  for (let y: u32 = 0; y < h; y++) {
    for (let x: u32 = 0; x < w; x++) {
      let k = <usize>y * w + x;
      let z = load<f32>(depth + (k << 2));
      let q = vertices + k * 12;
      store<f32>(q, (<f32>x - cx) * ifx * z); store<f32>(q, (<f32>y - cy) * ify * z, 4); store<f32>(q, z, 8);
    }
  }
  if (normals == 0) return STATUS_OK;
  for (let y: u32 = 0; y < h; y++) {
    for (let x: u32 = 0; x < w; x++) {
      let k = <usize>y * w + x;
      let n = normals + k * 12;
      store<f32>(n, 0); store<f32>(n, 0, 4); store<f32>(n, 0, 8);
      if (x == 0 || y == 0 || x == w - 1 || y == h - 1) continue;
      let z = load<f32>(depth + (k << 2));
      if (z <= 0) continue;
      let zl = load<f32>(depth + ((k - 1) << 2)), zr = load<f32>(depth + ((k + 1) << 2));
      let zu = load<f32>(depth + ((k - <usize>w) << 2)), zd = load<f32>(depth + ((k + <usize>w) << 2));
      if (zl <= 0 || zr <= 0 || zu <= 0 || zd <= 0) continue;
      if (abs(zl - z) > jump || abs(zr - z) > jump || abs(zu - z) > jump || abs(zd - z) > jump) continue;
      let l = vertices + (k - 1) * 12, r = vertices + (k + 1) * 12, u = vertices + (k - <usize>w) * 12, d = vertices + (k + <usize>w) * 12;
      let ax = load<f32>(r) - load<f32>(l), ay = load<f32>(r, 4) - load<f32>(l, 4), az = load<f32>(r, 8) - load<f32>(l, 8);
      let bx = load<f32>(d) - load<f32>(u), by = load<f32>(d, 4) - load<f32>(u, 4), bz = load<f32>(d, 8) - load<f32>(u, 8);
      // (right - left) x (down - up) points away from the camera for a surface facing it: flip.
      let nx = -(ay * bz - az * by), ny = -(az * bx - ax * bz), nz = -(ax * by - ay * bx);
      let len = Mathf.sqrt(nx * nx + ny * ny + nz * nz);
      if (!(len > 0)) continue;
      store<f32>(n, nx / len); store<f32>(n, ny / len, 4); store<f32>(n, nz / len, 8);
    }
  }
  return STATUS_OK;
}

/**
 * Per-pixel observation weights for fusion (u8, 255 = 1): the cosine between the pixel's ray and
 * the surface normal (from the neighbouring pixels), 0 below `minCos` (grazing measurements are
 * the noisiest and most biased) and where no normal can be formed (depth edges, borders).
 */
export function depth_view_weights(depth: usize, w: u32, h: u32, fx: f32, fy: f32, cx: f32, cy: f32, jump: f32, minCos: f32, out: usize): i32 {
  let ifx: f32 = 1 / fx, ify: f32 = 1 / fy;
  memory.fill(out, 0, <usize>w * h);
  for (let y: u32 = 1; y + 1 < h; y++) {
    for (let x: u32 = 1; x + 1 < w; x++) {
      let k = <usize>y * w + x;
      let z = load<f32>(depth + (k << 2));
      if (z <= 0) continue;
      let zl = load<f32>(depth + ((k - 1) << 2)), zr = load<f32>(depth + ((k + 1) << 2));
      let zu = load<f32>(depth + ((k - <usize>w) << 2)), zd = load<f32>(depth + ((k + <usize>w) << 2));
      if (zl <= 0 || zr <= 0 || zu <= 0 || zd <= 0) continue;
      if (abs(zl - z) > jump || abs(zr - z) > jump || abs(zu - z) > jump || abs(zd - z) > jump) continue;
      // Back-projected neighbours: (right - left) and (down - up).
      let rxl = (<f32>x - 1 - cx) * ifx, rxr = (<f32>x + 1 - cx) * ifx, ry = (<f32>y - cy) * ify;
      let ax = rxr * zr - rxl * zl, ay = ry * (zr - zl), az = zr - zl;
      let rx = (<f32>x - cx) * ifx, ryu = (<f32>y - 1 - cy) * ify, ryd = (<f32>y + 1 - cy) * ify;
      let bx = rx * (zd - zu), by = ryd * zd - ryu * zu, bz = zd - zu;
      let nx = ay * bz - az * by, ny = az * bx - ax * bz, nz = ax * by - ay * bx;
      let nl = Mathf.sqrt(nx * nx + ny * ny + nz * nz), rl = Mathf.sqrt(rx * rx + ry * ry + 1);
      if (!(nl > 0)) continue;
      let c = abs(nx * rx + ny * ry + nz) / (nl * rl);
      if (c < minCos) continue;
      store<u8>(out + k, <u8>Mathf.round(min<f32>(1, c) * 255));
    }
  }
  return STATUS_OK;
}
