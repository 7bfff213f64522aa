// Rendering a triangle mesh from a pinhole camera: for every pixel, the depth of the nearest
// front-facing surface along the pixel's ray (exact ray-plane depth, not interpolated), the
// triangle it belongs to and its perspective-correct barycentric coordinates.
import { STATUS_OK, STATUS_INVALID_ARGUMENT } from "../abi/status";
import { RENDER_OUT_PIXELS, RENDER_OUT_TRIANGLES, CHUNK_BYTES, CHUNK_FIRST, CHUNK_COUNT, CHUNK_MIN, CHUNK_MAX } from "../abi/layout";
import { Camera, sharedCamera, readCamera } from "./camera";

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
  return renderChunks(positions, vertexCount, indices, triangles, 0, 0, 0, camera, scratch, depth, triangle, bary, out);
}

/**
 * render_mesh over triangles in spatial chunks (mesh_spatial_chunks): chunks whose bounding box
 * cannot appear in the image are skipped, and only the vertices of visible chunks are transformed
 * (`scratch` holds 12 * vertexCount bytes plus vertexCount bytes of marks).
 */
export function render_mesh_chunked(
  positions: usize, vertexCount: u32, indices: usize, triangles: u32, chunks: usize, chunkCount: u32, faceNormals: usize, camera: usize, scratch: usize,
  depth: usize, triangle: usize, bary: usize, out: usize,
): i32 {
  return renderChunks(positions, vertexCount, indices, triangles, chunks, chunkCount, faceNormals, camera, scratch, depth, triangle, bary, out);
}

/** Unit normal (3 f32, right-hand rule, zero if degenerate) of every triangle, for back-face tests and shading. */
export function mesh_face_normals(positions: usize, indices: usize, triangles: u32, normals: usize): i32 {
  for (let t: u32 = 0; t < triangles; t++) {
    let ip = indices + <usize>t * 12;
    let a = positions + <usize>load<u32>(ip) * 12, b = positions + <usize>load<u32>(ip, 4) * 12, d = positions + <usize>load<u32>(ip, 8) * 12;
    let ux = load<f32>(b) - load<f32>(a), uy = load<f32>(b, 4) - load<f32>(a, 4), uz = load<f32>(b, 8) - load<f32>(a, 8);
    let vx = load<f32>(d) - load<f32>(a), vy = load<f32>(d, 4) - load<f32>(a, 4), vz = load<f32>(d, 8) - load<f32>(a, 8);
    let nx = uy * vz - uz * vy, ny = uz * vx - ux * vz, nz = ux * vy - uy * vx;
    let len = Mathf.sqrt(nx * nx + ny * ny + nz * nz);
    let inv: f32 = len > 0 ? <f32>1 / len : 0;
    let q = normals + <usize>t * 12;
    store<f32>(q, nx * inv); store<f32>(q, ny * inv, 4); store<f32>(q, nz * inv, 8);
  }
  return STATUS_OK;
}

/** True when a box (world) may project into the camera's image within [near, far]. */
@inline function boxVisible(c: Camera, ch: usize): bool {
  let anyFront = false, anyBack = false;
  let minU: f32 = Infinity, maxU: f32 = -Infinity, minV: f32 = Infinity, maxV: f32 = -Infinity;
  let behind = false;
  for (let k = 0; k < 8; k++) {
    let x = load<f32>(ch + ((k & 1) ? CHUNK_MAX : CHUNK_MIN));
    let y = load<f32>(ch + ((k & 2) ? CHUNK_MAX : CHUNK_MIN), 4);
    let z = load<f32>(ch + ((k & 4) ? CHUNK_MAX : CHUNK_MIN), 8);
    let cz = c.r20 * x + c.r21 * y + c.r22 * z + c.t2;
    if (cz >= c.near) anyFront = true;
    if (cz <= c.far) anyBack = true;
    if (cz < c.near) { behind = true; continue; }
    let cx = c.r00 * x + c.r01 * y + c.r02 * z + c.t0, cy = c.r10 * x + c.r11 * y + c.r12 * z + c.t1;
    let u = c.fx * cx / cz + c.cx, v = c.fy * cy / cz + c.cy;
    if (u < minU) minU = u; if (u > maxU) maxU = u;
    if (v < minV) minV = v; if (v > maxV) maxV = v;
  }
  if (!anyFront || !anyBack) return false;
  if (behind) return true; // straddles the near plane: keep (conservative)
  return maxU >= -1 && minU <= <f32>c.width && maxV >= -1 && minV <= <f32>c.height;
}

function renderChunks(
  positions: usize, vertexCount: u32, indices: usize, triangles: u32, chunks: usize, chunkCount: u32, faceNormals: usize, camera: usize, scratch: usize,
  depth: usize, triangle: usize, bary: usize, out: usize,
): i32 {
  let c = sharedCamera();
  if (!readCamera(camera, c)) return STATUS_INVALID_ARGUMENT;
  let w = c.width, h = c.height;
  let pixels = <usize>w * h;
  memory.fill(depth, 0, pixels << 2);
  memory.fill(triangle, 0xff, pixels << 2);
  let drawn: u32 = 0;
  let fx = c.fx, fy = c.fy, cx = c.cx, cy = c.cy, near = c.near, far = c.far;
  let row0 = f32x4(c.r00, c.r01, c.r02, c.t0), row1 = f32x4(c.r10, c.r11, c.r12, c.t1), row2 = f32x4(c.r20, c.r21, c.r22, c.t2);
  // Camera-space vertices: all of them, or (chunked) those of visible chunks, marked as done.
  let marks = scratch + <usize>vertexCount * 12;
  if (chunks == 0) {
    for (let i: u32 = 0; i < vertexCount; i++) transformVertex(row0, row1, row2, positions, scratch, i);
  } else {
    memory.fill(marks, 0, vertexCount);
  }
  let passes: u32 = chunks == 0 ? 1 : chunkCount;
  // The camera centre in world coordinates: -R^T t.
  let eyeX = -(c.r00 * c.t0 + c.r10 * c.t1 + c.r20 * c.t2);
  let eyeY = -(c.r01 * c.t0 + c.r11 * c.t1 + c.r21 * c.t2);
  let eyeZ = -(c.r02 * c.t0 + c.r12 * c.t1 + c.r22 * c.t2);
  for (let pass: u32 = 0; pass < passes; pass++) {
  let tBegin: u32 = 0, tEnd: u32 = triangles;
  if (chunks != 0) {
    let ch = chunks + <usize>pass * CHUNK_BYTES;
    if (!boxVisible(c, ch)) continue;
    tBegin = load<u32>(ch + CHUNK_FIRST);
    tEnd = min(triangles, tBegin + load<u32>(ch + CHUNK_COUNT));
  }
  for (let t: u32 = tBegin; t < tEnd; t++) {
    let ip = indices + <usize>t * 12;
    let i0 = load<u32>(ip), i1 = load<u32>(ip, 4), i2 = load<u32>(ip, 8);
    if (i0 >= vertexCount || i1 >= vertexCount || i2 >= vertexCount) continue;
    if (faceNormals != 0) {
      // Back faces first, in world space, before transforming anything.
      let np = faceNormals + <usize>t * 12, pa = positions + <usize>i0 * 12;
      let back = load<f32>(np) * (load<f32>(pa) - eyeX) + load<f32>(np, 4) * (load<f32>(pa, 4) - eyeY) + load<f32>(np, 8) * (load<f32>(pa, 8) - eyeZ);
      if (!(back < 0)) continue;
    }
    if (chunks != 0) {
      if (load<u8>(marks + i0) == 0) { transformVertex(row0, row1, row2, positions, scratch, i0); store<u8>(marks + i0, 1); }
      if (load<u8>(marks + i1) == 0) { transformVertex(row0, row1, row2, positions, scratch, i1); store<u8>(marks + i1, 1); }
      if (load<u8>(marks + i2) == 0) { transformVertex(row0, row1, row2, positions, scratch, i2); store<u8>(marks + i2, 1); }
    }
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
    // Top-left rule: points exactly on an edge belong to the triangle only for top or left edges,
    // so a pixel on an edge shared by two triangles is drawn once.
    let tl0 = isTopLeft(x1, y1, x2, y2), tl1 = isTopLeft(x2, y2, x0, y0), tl2 = isTopLeft(x0, y0, x1, y1);
    // 1/z is affine in pixel coordinates: 1/z = (nx (u - cx) / fx + ny (v - cy) / fy + nz) / nd.
    let iu = <f64>nx / (<f64>fx * <f64>nd), iv = <f64>ny / (<f64>fy * <f64>nd);
    let inv0 = (<f64>nz - <f64>nx * <f64>cx / <f64>fx - <f64>ny * <f64>cy / <f64>fy) / <f64>nd;
    // Edge functions step by constants along x.
    let d0 = -(y2 - y1), d1 = -(y0 - y2), d2 = -(y1 - y0);
    let any = false;
    for (let py = minY; py <= maxY; py++) {
      let fyp = <f64>py, fxs = <f64>minX;
      let e0 = (x2 - x1) * (fyp - y1) - (y2 - y1) * (fxs - x1);
      let e1 = (x0 - x2) * (fyp - y2) - (y0 - y2) * (fxs - x2);
      let e2 = (x1 - x0) * (fyp - y0) - (y1 - y0) * (fxs - x0);
      let inv = iu * fxs + iv * fyp + inv0;
      let row = depth + ((<usize>py * w) << 2), trow = triangle + ((<usize>py * w) << 2);
      for (let px = minX; px <= maxX; px++, e0 += d0, e1 += d1, e2 += d2, inv += iu) {
        if (!(e0 > 0 || (e0 == 0 && tl0)) || !(e1 > 0 || (e1 == 0 && tl1)) || !(e2 > 0 || (e2 == 0 && tl2))) continue;
        // The buffer holds 1/z while drawing (0 = empty): larger is nearer.
        let q = row + (<usize>px << 2);
        if (<f32>inv <= load<f32>(q)) continue;
        store<f32>(q, <f32>inv);
        store<u32>(trow + (<usize>px << 2), t);
        any = true;
      }
    }
    if (any) drawn++;
  }
  }
  // 1/z -> z, and barycentrics of the visible triangle at each covered pixel (once per pixel).
  let covered: u32 = 0;
  for (let py: i32 = 0; py < h; py++) {
    for (let px: i32 = 0; px < w; px++) {
      let k = <usize>py * w + px;
      let inv = load<f32>(depth + (k << 2));
      if (inv == 0) continue;
      covered++;
      let z = <f32>1 / inv;
      store<f32>(depth + (k << 2), z);
      if (bary != 0) {
        let t = load<u32>(triangle + (k << 2));
        let ip = indices + <usize>t * 12;
        let a = scratch + <usize>load<u32>(ip) * 12, b = scratch + <usize>load<u32>(ip, 4) * 12, d = scratch + <usize>load<u32>(ip, 8) * 12;
        // The surface point on this pixel's ray, in camera space.
        let qx = (<f32>px - cx) / fx * z, qy = (<f32>py - cy) / fy * z;
        barycentric(load<f32>(a), load<f32>(a, 4), load<f32>(a, 8), load<f32>(b), load<f32>(b, 4), load<f32>(b, 8),
          load<f32>(d), load<f32>(d, 4), load<f32>(d, 8), qx, qy, z, bary + (k << 3));
      }
    }
  }
  store<u32>(out + RENDER_OUT_PIXELS, covered);
  store<u32>(out + RENDER_OUT_TRIANGLES, drawn);
  return STATUS_OK;
}

/** A top edge is horizontal with the interior below; a left edge goes up (y decreasing) on screen with positive area. */
@inline function isTopLeft(ax: f64, ay: f64, bx: f64, by: f64): bool {
  return (ay == by && bx < ax) || by < ay;
}

/** Camera-space position of vertex i into scratch, with the rotation as three v128 rows. */
@inline function transformVertex(row0: v128, row1: v128, row2: v128, positions: usize, scratch: usize, i: u32): void {
  let p = positions + <usize>i * 12, q = scratch + <usize>i * 12;
  let v = f32x4.replace_lane(v128.load(p), 3, 1); // (x, y, z, 1)
  let a = f32x4.mul(row0, v), b = f32x4.mul(row1, v), d = f32x4.mul(row2, v);
  store<f32>(q, f32x4.extract_lane(a, 0) + f32x4.extract_lane(a, 1) + f32x4.extract_lane(a, 2) + f32x4.extract_lane(a, 3));
  store<f32>(q, f32x4.extract_lane(b, 0) + f32x4.extract_lane(b, 1) + f32x4.extract_lane(b, 2) + f32x4.extract_lane(b, 3), 4);
  store<f32>(q, f32x4.extract_lane(d, 0) + f32x4.extract_lane(d, 1) + f32x4.extract_lane(d, 2) + f32x4.extract_lane(d, 3), 8);
}

/** Barycentric weights (of corners b and c) of point q in triangle (a, b, c), written as 2 f32 at `to`. */
@inline function barycentric(ax: f32, ay: f32, az: f32, bx: f32, by: f32, bz: f32, cx: f32, cy: f32, cz: f32,
  qx: f32, qy: f32, qz: f32, to: usize): void {
  let ux = bx - ax, uy = by - ay, uz = bz - az, vx = cx - ax, vy = cy - ay, vz = cz - az;
  let wx = qx - ax, wy = qy - ay, wz = qz - az;
  let uu = ux * ux + uy * uy + uz * uz, uv = ux * vx + uy * vy + uz * vz, vv = vx * vx + vy * vy + vz * vz;
  let wu = wx * ux + wy * uy + wz * uz, wv = wx * vx + wy * vy + wz * vz;
  let den = uu * vv - uv * uv;
  let b1: f32 = 0, b2: f32 = 0;
  if (den != 0) {
    b1 = (vv * wu - uv * wv) / den;
    b2 = (uu * wv - uv * wu) / den;
  }
  store<f32>(to, b1);
  store<f32>(to, b2, 4);
}
