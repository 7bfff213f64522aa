// The intraoral wand's sensor model applied to a rendered frame (camera/render.ts): depth noise
// along the ray, dropouts at grazing angles and depth edges, specular/saliva holes, outliers,
// quantisation to Uint16; colour and near-infrared images shaded from per-vertex attributes.
// Deterministic: every random draw is a hash of (seed, frame, pixel).
import { STATUS_OK, STATUS_INVALID_ARGUMENT } from "../abi/status";
import {
  NOISE_SIGMA, NOISE_GRAZING_COS, NOISE_GRAZING_RAMP, NOISE_EDGE_JUMP, NOISE_EDGE_DROPOUT, NOISE_HOLES,
  NOISE_HOLE_RADIUS_MIN, NOISE_HOLE_RADIUS_MAX, NOISE_OUTLIER_RATE, NOISE_OUTLIER_RANGE, NOISE_IMAGE_SIGMA, NOISE_DEPTH_SCALE,
} from "../abi/layout";
import { Camera, sharedCamera, readCamera } from "../camera/camera";
import { NO_TRIANGLE } from "../camera/render";
import { hash32, uniform, uniform1, gaussian1 } from "../math/hash-random";

// Random streams.
const S_NOISE: u32 = 1, S_GRAZING: u32 = 2, S_EDGE: u32 = 3, S_HOLES: u32 = 4, S_OUTLIER: u32 = 5, S_OUTLIER_SIZE: u32 = 6,
  S_COLOR: u32 = 7, S_NIR: u32 = 8;
const MAX_HOLES: i32 = 16;

@inline function clamp255(v: f32): u8 { return <u8>(v < 0 ? 0 : v > 255 ? 255 : Mathf.round(v)); }

/** |cos| of the angle between a unit normal (camera space) and the ray (rx, ry, 1). */
@inline function viewCosine(nx: f32, ny: f32, nz: f32, rx: f32, ry: f32): f32 {
  return abs(nx * rx + ny * ry + nz) / Mathf.sqrt(rx * rx + ry * ry + 1);
}

/**
 * Turns a rendered frame (true `depth` f32 mm, `triangle` ids, `bary` weights) into the wand's
 * measurement. Outputs (row-major, each may be 0): `rawDepth` u16 (mm * depthScale, 0 = none),
 * `depthMm` f32 (exactly rawDepth / depthScale), `colour` u8 RGB, `nir` u8. `colors` (u8 RGB per
 * vertex) and `nirValues` (u8 per vertex) may be 0 (then mid grey).
 */
export function sim_wand_frame(
  camera: usize, noise: usize, seed: u32, frame: u32,
  faceNormals: usize, indices: usize, colors: usize, nirValues: usize,
  depth: usize, triangle: usize, bary: usize,
  rawDepth: usize, depthMm: usize, colour: usize, nir: usize,
): i32 {
  let c = sharedCamera();
  if (!readCamera(camera, c)) return STATUS_INVALID_ARGUMENT;
  let sigma = <f32>load<f64>(noise, NOISE_SIGMA);
  let grazingCos = <f32>load<f64>(noise, NOISE_GRAZING_COS), grazingRamp = <f32>load<f64>(noise, NOISE_GRAZING_RAMP);
  let edgeJump = <f32>load<f64>(noise, NOISE_EDGE_JUMP), edgeDropout = <f32>load<f64>(noise, NOISE_EDGE_DROPOUT);
  let holesMean = load<f64>(noise, NOISE_HOLES);
  let rMin = <f32>load<f64>(noise, NOISE_HOLE_RADIUS_MIN), rMax = <f32>load<f64>(noise, NOISE_HOLE_RADIUS_MAX);
  let outlierRate = <f32>load<f64>(noise, NOISE_OUTLIER_RATE), outlierRange = <f32>load<f64>(noise, NOISE_OUTLIER_RANGE);
  let imageSigma = <f32>load<f64>(noise, NOISE_IMAGE_SIGMA), scale = <f32>load<f64>(noise, NOISE_DEPTH_SCALE);
  if (!(scale > 0) || !(sigma >= 0)) return STATUS_INVALID_ARGUMENT;
  let w = c.width, h = c.height;
  // Camera fields in locals (the loop below must not reload them through the object).
  let fx = c.fx, fy = c.fy, ccx = c.cx, ccy = c.cy, near = c.near, far = c.far;
  let r00 = c.r00, r01 = c.r01, r02 = c.r02, r10 = c.r10, r11 = c.r11, r12 = c.r12, r20 = c.r20, r21 = c.r21, r22 = c.r22;
  let frameSeed = hash32(seed ^ hash32(frame + 0x51ed270b));
  // One key per random stream; each draw is then a single hash of (key, pixel).
  let kNoise = hash32(frameSeed ^ S_NOISE), kGrazing = hash32(frameSeed ^ (S_GRAZING << 8)), kEdge = hash32(frameSeed ^ (S_EDGE << 8));
  let kOutlier = hash32(frameSeed ^ (S_OUTLIER << 8)), kOutlierSize = hash32(frameSeed ^ (S_OUTLIER_SIZE << 8));
  let kColor = hash32(frameSeed ^ (S_COLOR << 8)), kNir = hash32(frameSeed ^ (S_NIR << 8));
  // Holes: a Poisson number of discs at random places this frame.
  let holes = memory.data(MAX_HOLES * 12);
  let holeCount: i32 = 0;
  {
    let limit = Math.exp(-holesMean), p: f64 = 1;
    while (holeCount < MAX_HOLES) {
      p *= <f64>uniform(frameSeed, S_HOLES, <u32>(holeCount * 4));
      if (p <= limit) break;
      let q = holes + <usize>holeCount * 12;
      store<f32>(q, uniform(frameSeed, S_HOLES, <u32>(holeCount * 4 + 1)) * <f32>w);
      store<f32>(q, uniform(frameSeed, S_HOLES, <u32>(holeCount * 4 + 2)) * <f32>h, 4);
      store<f32>(q, rMin + (rMax - rMin) * uniform(frameSeed, S_HOLES, <u32>(holeCount * 4 + 3)), 8);
      holeCount++;
    }
  }
  for (let py: i32 = 0; py < h; py++) {
    for (let px: i32 = 0; px < w; px++) {
      let k = <usize>py * w + px;
      let index = <u32>k;
      let z = load<f32>(depth + (k << 2));
      let t = load<u32>(triangle + (k << 2));
      let measured: f32 = 0;
      let cosine: f32 = 0;
      if (z > 0 && t != NO_TRIANGLE) {
        let np = faceNormals + <usize>t * 12;
        let wx = load<f32>(np), wy = load<f32>(np, 4), wz = load<f32>(np, 8);
        cosine = viewCosine(r00 * wx + r01 * wy + r02 * wz, r10 * wx + r11 * wy + r12 * wz, r20 * wx + r21 * wy + r22 * wz,
          (<f32>px - ccx) / fx, (<f32>py - ccy) / fy);
        let keep = true;
        if (cosine < grazingCos) keep = false;
        else if (cosine < grazingCos + grazingRamp && uniform1(kGrazing, index) > (cosine - grazingCos) / grazingRamp) keep = false;
        if (keep && edgeDropout > 0) {
          let edge = false;
          if (px == 0 || py == 0 || px == w - 1 || py == h - 1) edge = true;
          else {
            let l = load<f32>(depth + ((k - 1) << 2)), r = load<f32>(depth + ((k + 1) << 2));
            let u = load<f32>(depth + ((k - <usize>w) << 2)), d = load<f32>(depth + ((k + <usize>w) << 2));
            edge = l == 0 || r == 0 || u == 0 || d == 0 || abs(l - z) > edgeJump || abs(r - z) > edgeJump || abs(u - z) > edgeJump || abs(d - z) > edgeJump;
          }
          if (edge && uniform1(kEdge, index) < edgeDropout) keep = false;
        }
        for (let i = 0; keep && i < holeCount; i++) {
          let q = holes + <usize>i * 12;
          let dx = <f32>px - load<f32>(q), dy = <f32>py - load<f32>(q, 4), r = load<f32>(q, 8);
          if (dx * dx + dy * dy <= r * r) keep = false;
        }
        if (keep) {
          // Noise along the ray: the range L = z * |(rx, ry, 1)| moves by sigma * n.
          let rx = (<f32>px - ccx) / fx, ry = (<f32>py - ccy) / fy;
          let stretch = Mathf.sqrt(rx * rx + ry * ry + 1);
          let range = z * stretch;
          let moved = range + sigma * gaussian1(kNoise, index);
          if (outlierRate > 0 && uniform1(kOutlier, index) < outlierRate) {
            moved += (2 * uniform1(kOutlierSize, index) - 1) * outlierRange;
          }
          let zm = moved / stretch;
          if (zm >= near && zm <= far) {
            let raw = Mathf.round(zm * scale);
            if (raw >= 1 && raw <= 65535) measured = raw;
          }
        }
      }
      if (rawDepth != 0) store<u16>(rawDepth + (k << 1), <u16>measured);
      if (depthMm != 0) store<f32>(depthMm + (k << 2), measured / scale);
      // Images: wherever a surface is visible, lit from the wand (Lambert plus ambient), with noise.
      if (colour != 0 || nir != 0) {
        let r: f32 = 0, g: f32 = 0, b: f32 = 0, n: f32 = 0;
        if (z > 0 && t != NO_TRIANGLE) {
          let ip = indices + <usize>t * 12;
          let i0 = load<u32>(ip), i1 = load<u32>(ip, 4), i2 = load<u32>(ip, 8);
          let b1 = load<f32>(bary + (k << 3)), b2 = load<f32>(bary + (k << 3), 4), b0: f32 = <f32>1 - b1 - b2;
          let shade: f32 = 0.35 + 0.65 * cosine;
          if (colors != 0) {
            let c0 = colors + <usize>i0 * 3, c1 = colors + <usize>i1 * 3, c2 = colors + <usize>i2 * 3;
            r = (b0 * <f32>load<u8>(c0) + b1 * <f32>load<u8>(c1) + b2 * <f32>load<u8>(c2)) * shade;
            g = (b0 * <f32>load<u8>(c0, 1) + b1 * <f32>load<u8>(c1, 1) + b2 * <f32>load<u8>(c2, 1)) * shade;
            b = (b0 * <f32>load<u8>(c0, 2) + b1 * <f32>load<u8>(c1, 2) + b2 * <f32>load<u8>(c2, 2)) * shade;
          } else { r = 128 * shade; g = r; b = r; }
          let nv: f32 = nirValues != 0
            ? b0 * <f32>load<u8>(nirValues + i0) + b1 * <f32>load<u8>(nirValues + i1) + b2 * <f32>load<u8>(nirValues + i2) : 128;
          n = nv * (0.75 + 0.25 * cosine);
          if (imageSigma > 0) {
            r += imageSigma * gaussian1(kColor, index * 3);
            g += imageSigma * gaussian1(kColor, index * 3 + 1);
            b += imageSigma * gaussian1(kColor, index * 3 + 2);
            n += imageSigma * gaussian1(kNir, index);
          }
        }
        if (colour != 0) {
          let q = colour + k * 3;
          store<u8>(q, clamp255(r)); store<u8>(q, clamp255(g), 1); store<u8>(q, clamp255(b), 2);
        }
        if (nir != 0) store<u8>(nir + k, clamp255(n));
      }
    }
  }
  return STATUS_OK;
}

/**
 * Marks (sets to 1) the triangles that carry at least one measurement: `triangle` ids per pixel
 * from a render and the wand's `rawDepth` (0 = no measurement). `marks` holds one byte per
 * triangle of the rendered index order.
 */
export function sim_mark_observed(triangle: usize, rawDepth: usize, pixels: u32, triangles: u32, marks: usize): i32 {
  for (let k: u32 = 0; k < pixels; k++) {
    let t = load<u32>(triangle + (<usize>k << 2));
    if (t < triangles && load<u16>(rawDepth + (<usize>k << 1)) != 0) store<u8>(marks + t, 1);
  }
  return STATUS_OK;
}
