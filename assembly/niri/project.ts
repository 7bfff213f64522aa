// Projecting posed near-infrared images onto a mesh's vertices: per image, a visibility test
// against the mesh rendered from that camera (render_mesh depth), depth-aware image sampling, a
// view-angle weight and a feathered image border; per vertex, weighted sums across images,
// resolved to one intensity.
import { STATUS_INVALID_ARGUMENT } from "../abi/status";
import { NIRI_OUT_SEEN, NIRI_OUT_UNSEEN } from "../abi/niri-layout";
import { Camera, sharedCamera, readCamera } from "../camera/camera";

/** No image value: the vertex is not seen (every pixel around it shows another surface or nothing). */
const NO_VALUE: f32 = -1;

/**
 * Depth slack at camera depth z (mm) for a surface seen at cos(theta): a fixed part, a part
 * proportional to the depth, and `slopePixels` pixel footprints (z / f mm each) times tan(theta)
 * (how much the surface's depth changes across that many pixels).
 */
@inline function depthSlack(z: f32, cosTheta: f32, f: f32, depthTolerance: f32, relativeTolerance: f32, slopePixels: f32): f32 {
  let c = max(cosTheta, <f32>0.05);
  let tan = Mathf.sqrt(max(<f32>0, 1 - c * c)) / c;
  return depthTolerance + relativeTolerance * z + slopePixels * (z / f) * tan;
}

/** True when pixel k shows the surface at depth z: covered, and its rendered depth within `slack` of z. */
@inline function sameSurface(depth: usize, k: usize, z: f32, slack: f32): bool {
  let d = load<f32>(depth + (k << 2));
  return d > 0 && Mathf.abs(d - z) <= slack;
}

/**
 * The image value of a point at camera depth z projecting to (u, v) (0 <= u <= w - 1,
 * 0 <= v <= h - 1): the bilinear interpolation over those of its 4 pixels that show the same
 * surface (rendered depth within `slack` of z), renormalised; if none does, the value of the
 * nearest such pixel among the 3 x 3 around the nearest pixel (within 2 x slack: at a mesh border
 * the top-left rule can leave the pixels next to a vertex empty); NO_VALUE if none: the point is
 * hidden (pixels nearer: an occluder) or off the rendered surface.
 */
@inline function sampleVisible(image: usize, depth: usize, w: i32, h: i32, u: f32, v: f32, z: f32, slack: f32): f32 {
  let x0 = <i32>u, y0 = <i32>v;
  let fx: f32 = u - <f32>x0, fy: f32 = v - <f32>y0;
  let k: usize = <usize>y0 * <usize>w + <usize>x0;
  let row: usize = <usize>w;
  let sumW: f32 = 0, sumV: f32 = 0;
  let w00: f32 = (1 - fx) * (1 - fy), w10: f32 = fx * (1 - fy), w01: f32 = (1 - fx) * fy, w11: f32 = fx * fy;
  if (w00 > 0 && sameSurface(depth, k, z, slack)) { sumW += w00; sumV += w00 * <f32>load<u8>(image + k); }
  if (w10 > 0 && sameSurface(depth, k + 1, z, slack)) { sumW += w10; sumV += w10 * <f32>load<u8>(image + k + 1); }
  if (w01 > 0 && sameSurface(depth, k + row, z, slack)) { sumW += w01; sumV += w01 * <f32>load<u8>(image + k + row); }
  if (w11 > 0 && sameSurface(depth, k + row + 1, z, slack)) { sumW += w11; sumV += w11 * <f32>load<u8>(image + k + row + 1); }
  if (sumW > 0) return sumV / sumW;
  let xn = <i32>Mathf.round(u), yn = <i32>Mathf.round(v);
  let best: f32 = Infinity, value = NO_VALUE;
  for (let y = max(0, yn - 1); y <= min(h - 1, yn + 1); y++) {
    for (let x = max(0, xn - 1); x <= min(w - 1, xn + 1); x++) {
      let q: usize = <usize>y * <usize>w + <usize>x;
      if (!sameSurface(depth, q, z, 2 * slack)) continue;
      let dx = <f32>x - u, dy = <f32>y - v;
      let d2 = dx * dx + dy * dy;
      if (d2 < best) { best = d2; value = <f32>load<u8>(image + q); }
    }
  }
  return value;
}

/**
 * Adds one posed gray image to per-vertex sums.
 * - positions: vertexCount x 3 f32 (world, mm); normals: vertexCount x 3 f32 unit outward normals.
 * - camera: a CAMERA record for the image (its width and height are the image's; near/far bound
 *   the depths); depth: that camera's render_mesh depth of the same mesh (f32 camera z per pixel,
 *   0 = nothing); image: u8 per pixel, row-major from the top-left.
 * A vertex is seen when its camera depth z is within [near, far], it projects to (u, v) within
 * the image ([0, w-1] x [0, h-1]), the cosine between its normal and the direction to the camera
 * is >= minCos and > 0, and the pixels around (u, v) show its own surface (see sampleVisible: a
 * rendered depth within depthSlack of z; an occluder in front covers them all and is nearer by
 * more than the slack). Its value I is the depth-aware bilinear image value (0..255); its weight
 * cos^power times min(1, (distance to the nearest image border + 1) / featherPixels) (1 when
 * featherPixels = 0). Adds weight * I to sums[i] (f32), weight to weights[i] (f32), 1 to
 * counts[i] (u8, saturating), and when cos > bestCos[i] (f32) sets bestCos[i] = cos and
 * bestValues[i] (f32) = I.
 * Returns the number of vertices seen, or STATUS_INVALID_ARGUMENT (camera or scalars unusable).
 * out: NIRI_OUT_SEEN.
 */
export function niri_accumulate(
  positions: usize, normals: usize, vertexCount: u32, camera: usize, depth: usize, image: usize,
  minCos: f64, depthTolerance: f64, relativeTolerance: f64, slopePixels: f64, featherPixels: f64, power: f64,
  sums: usize, weights: usize, counts: usize, bestCos: usize, bestValues: usize, out: usize,
): i32 {
  let c: Camera = sharedCamera();
  if (!readCamera(camera, c)) return STATUS_INVALID_ARGUMENT;
  if (!(minCos >= 0 && minCos <= 1 && depthTolerance >= 0 && relativeTolerance >= 0 && slopePixels >= 0 && featherPixels >= 0 && power >= 0)) {
    return STATUS_INVALID_ARGUMENT;
  }
  let w = c.width, h = c.height;
  let maxU = <f32>(w - 1), maxV = <f32>(h - 1);
  let f = min(c.fx, c.fy);
  let tolAbs = <f32>depthTolerance, tolRel = <f32>relativeTolerance, slope = <f32>slopePixels, minC = <f32>minCos;
  let invFeather: f32 = featherPixels > 0 ? <f32>(1.0 / featherPixels) : 0;
  let linear = power == 1.0, squared = power == 2.0;
  // The camera centre in world coordinates: -R^T t.
  let eyeX = -(c.r00 * c.t0 + c.r10 * c.t1 + c.r20 * c.t2);
  let eyeY = -(c.r01 * c.t0 + c.r11 * c.t1 + c.r21 * c.t2);
  let eyeZ = -(c.r02 * c.t0 + c.r12 * c.t1 + c.r22 * c.t2);
  let seen: u32 = 0;
  for (let i: u32 = 0; i < vertexCount; i++) {
    let p = positions + <usize>i * 12, n = normals + <usize>i * 12;
    let x = load<f32>(p), y = load<f32>(p, 4), z = load<f32>(p, 8);
    let cz = c.r20 * x + c.r21 * y + c.r22 * z + c.t2;
    if (!(cz >= c.near && cz <= c.far)) continue;
    let cx = c.r00 * x + c.r01 * y + c.r02 * z + c.t0, cy = c.r10 * x + c.r11 * y + c.r12 * z + c.t1;
    let u = c.fx * cx / cz + c.cx, v = c.fy * cy / cz + c.cy;
    if (!(u >= 0 && u <= maxU && v >= 0 && v <= maxV)) continue;
    // Cosine between the normal and the direction from the vertex to the camera.
    let ex = eyeX - x, ey = eyeY - y, ez = eyeZ - z;
    let el = Mathf.sqrt(ex * ex + ey * ey + ez * ez);
    let cosTheta = (load<f32>(n) * ex + load<f32>(n, 4) * ey + load<f32>(n, 8) * ez) / el;
    if (!(cosTheta >= minC) || cosTheta <= 0) continue;
    let value = sampleVisible(image, depth, w, h, u, v, cz, depthSlack(cz, cosTheta, f, tolAbs, tolRel, slope));
    if (value == NO_VALUE) continue;
    let weight: f32 = linear ? cosTheta : squared ? cosTheta * cosTheta : <f32>Math.pow(<f64>cosTheta, power);
    if (invFeather > 0) {
      let border = min(min(u, maxU - u), min(v, maxV - v)) + 1;
      weight *= min(<f32>1, border * invFeather);
    }
    let k = <usize>i << 2;
    store<f32>(sums + k, load<f32>(sums + k) + weight * value);
    store<f32>(weights + k, load<f32>(weights + k) + weight);
    let count = load<u8>(counts + i);
    if (count < 255) store<u8>(counts + i, count + 1);
    if (cosTheta > load<f32>(bestCos + k)) {
      store<f32>(bestCos + k, cosTheta);
      store<f32>(bestValues + k, value);
    }
    seen++;
  }
  store<u32>(out + NIRI_OUT_SEEN, seen);
  return <i32>seen;
}

/**
 * Per-vertex intensity from the sums of niri_accumulate: nir[i] (f32) = sums[i] / weights[i]
 * (NIRI_BLEND_MEAN, weighted mean) or bestValues[i] (NIRI_BLEND_BEST, the most head-on image),
 * NaN where weights[i] == 0 (no image saw the vertex). Returns the number of NaN vertices, or
 * STATUS_INVALID_ARGUMENT for an unknown mode. out: NIRI_OUT_UNSEEN.
 */
export function niri_resolve(sums: usize, weights: usize, bestValues: usize, count: u32, mode: u32, nir: usize, out: usize): i32 {
  if (mode > 1) return STATUS_INVALID_ARGUMENT;
  let unseen: u32 = 0;
  for (let i: u32 = 0; i < count; i++) {
    let k = <usize>i << 2;
    let w = load<f32>(weights + k);
    let value: f32;
    if (w > 0) value = mode == 0 ? load<f32>(sums + k) / w : load<f32>(bestValues + k);
    else { value = NaN; unseen++; }
    store<f32>(nir + k, value);
  }
  store<u32>(out + NIRI_OUT_UNSEEN, unseen);
  return <i32>unseen;
}
