// Rendering a triangle mesh from a pinhole camera: for every pixel, the depth of the nearest
// front-facing surface along the pixel's ray (exact ray-plane depth, not interpolated), the
// triangle it belongs to and its perspective-correct barycentric coordinates.
import { STATUS_OK, STATUS_INVALID_ARGUMENT } from "../abi/status";
import { RENDER_OUT_PIXELS, RENDER_OUT_TRIANGLES } from "../abi/layout";
import { Camera, readCamera } from "./camera";

export const NO_TRIANGLE: u32 = 0xffffffff;

/**
 * Renders `triangles` triangles (u32 index triples) over `vertexCount` vertices (3 f32, world mm).
 * `scratch` holds 12 * vertexCount bytes (camera-space vertices). Outputs per pixel (row-major):
 * `depth` f32 camera z in mm (0 = nothing), `triangle` u32 (NO_TRIANGLE = nothing), and, when
 * `bary` != 0, 2 f32 barycentric weights of the triangle's 2nd and 3rd vertex.
 * Only front faces (counter-clockwise seen from the camera) with all corners within
 * [near, far] are drawn; a shared edge belongs to exactly one triangle (top-left rule).
 * out: RENDER_OUT_PIXELS, RENDER_OUT_TRIANGLES.
 */
export function render_mesh(
  positions: usize, vertexCount: u32, indices: usize, triangles: u32, camera: usize, scratch: usize,
  depth: usize, triangle: usize, bary: usize, out: usize,
): i32 {
  let c = new Camera();
  if (!readCamera(camera, c)) return STATUS_INVALID_ARGUMENT;
  let w = c.width, h = c.height;
  let pixels = <usize>w * h;
  memory.fill(depth, 0, pixels << 2);
  memory.fill(triangle, 0xff, pixels << 2);
  // Camera-space vertices.
  for (let i: u32 = 0; i < vertexCount; i++) {
    let p = positions + <usize>i * 12, q = scratch + <usize>i * 12;
    let x = load<f32>(p), y = load<f32>(p, 4), z = load<f32>(p, 8);
    store<f32>(q, c.r00 * x + c.r01 * y + c.r02 * z + c.t0);
    store<f32>(q, c.r10 * x + c.r11 * y + c.r12 * z + c.t1, 4);
    store<f32>(q, c.r20 * x + c.r21 * y + c.r22 * z + c.t2, 8);
  }
  let drawn: u32 = 0;
  let fx = c.fx, fy = c.fy, cx = c.cx, cy = c.cy, near = c.near, far = c.far;
  for (let t: u32 = 0; t < triangles; t++) {
    let ip = indices + <usize>t * 12;
    let i0 = load<u32>(ip), i1 = load<u32>(ip, 4), i2 = load<u32>(ip, 8);
    if (i0 >= vertexCount || i1 >= vertexCount || i2 >= vertexCount) continue;
    let a = scratch + <usize>i0 * 12, b = scratch + <usize>i1 * 12, d = scratch + <usize>i2 * 12;
    let az = load<f32>(a, 8), bz = load<f32>(b, 8), dz = load<f32>(d, 8);
    if (!(az >= near && bz >= near && dz >= near && az <= far && bz <= far && dz <= far)) continue;
    let ax = load<f32>(a), ay = load<f32>(a, 4), bx = load<f32>(b), by = load<f32>(b, 4), dx = load<f32>(d), dy = load<f32>(d, 4);
    // Plane normal (unnormalised); front-facing when it points back at the camera origin.
    let ux = bx - ax, uy = by - ay, uz = bz - az, vx = dx - ax, vy = dy - ay, vz = dz - az;
    let nx = uy * vz - uz * vy, ny = uz * vx - ux * vz, nz = ux * vy - uy * vx;
    let nd = nx * ax + ny * ay + nz * az;
    if (!(nd < 0)) continue;
    // Screen positions.
    let s0x = fx * ax / az + cx, s0y = fy * ay / az + cy;
    let s1x = fx * bx / bz + cx, s1y = fy * by / bz + cy;
    let s2x = fx * dx / dz + cx, s2y = fy * dy / dz + cy;
    let minX = <i32>Mathf.ceil(min(s0x, min(s1x, s2x))), maxX = <i32>Mathf.floor(max(s0x, max(s1x, s2x)));
    let minY = <i32>Mathf.ceil(min(s0y, min(s1y, s2y))), maxY = <i32>Mathf.floor(max(s0y, max(s1y, s2y)));
    if (minX < 0) minX = 0; if (minY < 0) minY = 0;
    if (maxX > w - 1) maxX = w - 1; if (maxY > h - 1) maxY = h - 1;
    if (minX > maxX || minY > maxY) continue;
    // Edge functions in f64 for exact tie handling; orientation normalised to positive area.
    let x0 = <f64>s0x, y0 = <f64>s0y, x1 = <f64>s1x, y1 = <f64>s1y, x2 = <f64>s2x, y2 = <f64>s2y;
    let area = (x1 - x0) * (y2 - y0) - (y1 - y0) * (x2 - x0);
    if (area == 0) continue;
    if (area < 0) {
      // Swap corners 1 and 2 on screen; remember to swap the barycentrics back.
      let tx = x1; x1 = x2; x2 = tx;
      let ty = y1; y1 = y2; y2 = ty;
      area = -area;
    }
    let swapped = ((s1x - s0x) * (s2y - s0y) - (s1y - s0y) * (s2x - s0x)) < 0;
    // Top-left rule: points exactly on an edge belong to the triangle only for top or left edges,
    // so a pixel on an edge shared by two triangles is drawn once.
    let tl0 = isTopLeft(x1, y1, x2, y2), tl1 = isTopLeft(x2, y2, x0, y0), tl2 = isTopLeft(x0, y0, x1, y1);
    let inv0: f32 = <f32>1 / az, inv1: f32 = swapped ? <f32>1 / dz : <f32>1 / bz, inv2: f32 = swapped ? <f32>1 / bz : <f32>1 / dz;
    let any = false;
    for (let py = minY; py <= maxY; py++) {
      let fyp = <f64>py;
      for (let px = minX; px <= maxX; px++) {
        let fxp = <f64>px;
        let e0 = (x2 - x1) * (fyp - y1) - (y2 - y1) * (fxp - x1);
        let e1 = (x0 - x2) * (fyp - y2) - (y0 - y2) * (fxp - x2);
        let e2 = (x1 - x0) * (fyp - y0) - (y1 - y0) * (fxp - x0);
        if (!(e0 > 0 || (e0 == 0 && tl0)) || !(e1 > 0 || (e1 == 0 && tl1)) || !(e2 > 0 || (e2 == 0 && tl2))) continue;
        // Exact depth of the triangle's plane along this pixel's ray.
        let rx = (<f32>px - cx) / fx, ry = (<f32>py - cy) / fy;
        let den = nx * rx + ny * ry + nz;
        if (den == 0) continue;
        let z = nd / den;
        let k = <usize>py * w + px;
        let old = load<f32>(depth + (k << 2));
        if (old != 0 && old <= z) continue;
        store<f32>(depth + (k << 2), z);
        store<u32>(triangle + (k << 2), t);
        if (bary != 0) {
          // Perspective-correct weights of the (screen-ordered) corners, mapped back to 1 and 2.
          let w0 = <f32>e0 * inv0, w1 = <f32>e1 * inv1, w2 = <f32>e2 * inv2;
          let sum = w0 + w1 + w2;
          let b1 = swapped ? w2 / sum : w1 / sum;
          let b2 = swapped ? w1 / sum : w2 / sum;
          store<f32>(bary + (k << 3), b1);
          store<f32>(bary + (k << 3), b2, 4);
        }
        any = true;
      }
    }
    if (any) drawn++;
  }
  let covered: u32 = 0;
  for (let k: usize = 0; k < pixels; k++) if (load<f32>(depth + (k << 2)) != 0) covered++;
  store<u32>(out + RENDER_OUT_PIXELS, covered);
  store<u32>(out + RENDER_OUT_TRIANGLES, drawn);
  return STATUS_OK;
}

/** A top edge is horizontal with the interior below; a left edge goes up (y decreasing) on screen with positive area. */
@inline function isTopLeft(ax: f64, ay: f64, bx: f64, by: f64): bool {
  return (ay == by && bx < ax) || by < ay;
}
