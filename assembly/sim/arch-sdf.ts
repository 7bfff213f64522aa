// Per-point math of the procedural dental arch: signed distance (negative inside) to each tooth,
// to the gingiva with its scalloped crest, and to the palate; their union. Approximate SDFs
// (smooth, Lipschitz about 1 near the surface), which is all marching cubes needs.
import {
  TOOTH_WORLD_TO_LOCAL, TOOTH_HALF_WIDTH, TOOTH_HALF_DEPTH, TOOTH_CROWN_HEIGHT, TOOTH_ROOT_DEPTH, TOOTH_ROUNDNESS,
  TOOTH_TAPER_X, TOOTH_TAPER_Y, TOOTH_WEAR_CAP, TOOTH_CUSP_COUNT, TOOTH_FISSURE_DEPTH, TOOTH_FISSURE_WIDTH, TOOTH_CUSPS,
  MAP_CELL_BYTES, MAP_LATERAL, MAP_GUM_TOP, MAP_PALATE_Z,
  SCENE_GUM_HALF_WIDTH, SCENE_GUM_RADIUS, SCENE_BLEND, SCENE_PALATE_BLEND,
} from "../abi/layout";

@inline function clampf(x: f32, lo: f32, hi: f32): f32 { return x < lo ? lo : x > hi ? hi : x; }
@inline function smoothstep(a: f32, b: f32, x: f32): f32 { let t = clampf((x - a) / (b - a), 0, 1); return t * t * (3 - 2 * t); }

/** Polynomial smooth minimum with blend radius k (k = 0: plain min). */
@inline export function smin(a: f32, b: f32, k: f32): f32 {
  if (k <= 0) return min(a, b);
  let h = clampf(0.5 + 0.5 * (b - a) / k, 0, 1);
  return b + (a - b) * h - k * h * (1 - h);
}

/** Signed distance to a tooth record at world point p. */
@inline export function toothDistance(t: usize, px: f32, py: f32, pz: f32): f32 {
  let m = t + TOOTH_WORLD_TO_LOCAL;
  let x = load<f32>(m) * px + load<f32>(m, 4) * py + load<f32>(m, 8) * pz + load<f32>(m, 12);
  let y = load<f32>(m, 16) * px + load<f32>(m, 20) * py + load<f32>(m, 24) * pz + load<f32>(m, 28);
  let z = load<f32>(m, 32) * px + load<f32>(m, 36) * py + load<f32>(m, 40) * pz + load<f32>(m, 44);
  let a = load<f32>(t, TOOTH_HALF_WIDTH), b = load<f32>(t, TOOTH_HALF_DEPTH);
  let h = load<f32>(t, TOOTH_CROWN_HEIGHT), root = load<f32>(t, TOOTH_ROOT_DEPTH), r = load<f32>(t, TOOTH_ROUNDNESS);
  // Far from the tooth: a cheap lower bound.
  let reach = max(a, b) + 3;
  if (abs(x) > reach + 2 || abs(y) > reach + 2 || z > h + 4 || z < -root - 2) {
    let dx = max(abs(x) - reach, 0), dy = max(abs(y) - reach, 0), dz = max(max(z - h - 3, -root - z), 0);
    return Mathf.sqrt(dx * dx + dy * dy + dz * dz) + 0.5;
  }
  // Cross-section: bulges at mid-crown, tapers toward the occlusal surface, narrows into the root.
  let zn = clampf(z / h, 0, 1);
  let bulge: f32 = 1 + 0.06 * Mathf.sin(Mathf.PI * zn);
  let sx: f32, sy: f32;
  if (z >= 0) {
    sx = a * bulge * (1 - (1 - load<f32>(t, TOOTH_TAPER_X)) * zn * zn);
    sy = b * bulge * (1 - (1 - load<f32>(t, TOOTH_TAPER_Y)) * zn * zn);
  } else {
    let w = smoothstep(0, -2.5, z);
    sx = a * (1 - 0.18 * w);
    sy = b * (1 - 0.18 * w);
  }
  let rr = min(r, min(sx, sy) * 0.9);
  let zc = (h - root) * 0.5, hz = (h + root) * 0.5;
  let qx = abs(x) - sx + rr, qy = abs(y) - sy + rr, qz = abs(z - zc) - hz + rr;
  let ox = max(qx, 0), oy = max(qy, 0), oz = max(qz, 0);
  let d = Mathf.sqrt(ox * ox + oy * oy + oz * oz) + min(max(qx, max(qy, qz)), 0) - rr;
  // Occlusal relief: cusps raise the surface, the central fissure cuts it.
  let relief = smoothstep(h - 3.5, h, z);
  if (relief > 0) {
    let cusps = <i32>load<f32>(t, TOOTH_CUSP_COUNT);
    let lift: f32 = 0;
    for (let i = 0; i < cusps; i++) {
      let c = t + TOOTH_CUSPS + <usize>(i << 4);
      let cx = x - load<f32>(c), cy = y - load<f32>(c, 4);
      let rad = load<f32>(c, 12);
      lift += load<f32>(c, 8) * Mathf.exp(-(cx * cx + cy * cy) / (rad * rad));
    }
    let fd = load<f32>(t, TOOTH_FISSURE_DEPTH);
    if (fd > 0) {
      let fw = load<f32>(t, TOOTH_FISSURE_WIDTH);
      lift -= fd * Mathf.exp(-(y * y) / (fw * fw)) * smoothstep(sx, sx * 0.6, abs(x));
    }
    d -= lift * relief;
  }
  // Wear: a flat facet.
  return max(d, z - load<f32>(t, TOOTH_WEAR_CAP));
}

/** Bilinear lookup of one channel of the arch map. */
@inline export function mapLookup(map: usize, nx: u32, ny: u32, ox: f32, oy: f32, spacing: f32, channel: u32, px: f32, py: f32): f32 {
  let fx = clampf((px - ox) / spacing, 0, <f32>(nx - 1) - 0.001);
  let fy = clampf((py - oy) / spacing, 0, <f32>(ny - 1) - 0.001);
  let ix = <u32>fx, iy = <u32>fy;
  let tx = fx - <f32>ix, ty = fy - <f32>iy;
  let c = map + (<usize>iy * nx + ix) * MAP_CELL_BYTES + channel;
  let row = <usize>nx * MAP_CELL_BYTES;
  let a = load<f32>(c), b = load<f32>(c + MAP_CELL_BYTES), d = load<f32>(c + row), e = load<f32>(c + row + MAP_CELL_BYTES);
  return (a * (1 - tx) + b * tx) * (1 - ty) + (d * (1 - tx) + e * tx) * ty;
}

/** Signed distance to the gingiva (a rounded ridge along the arch) united with the palate. */
@inline export function gumDistance(scene: usize, map: usize, nx: u32, ny: u32, ox: f32, oy: f32, spacing: f32, px: f32, py: f32, pz: f32): f32 {
  let u = mapLookup(map, nx, ny, ox, oy, spacing, MAP_LATERAL, px, py);
  let top = mapLookup(map, nx, ny, ox, oy, spacing, MAP_GUM_TOP, px, py);
  let w = load<f32>(scene, SCENE_GUM_HALF_WIDTH), r = load<f32>(scene, SCENE_GUM_RADIUS);
  // Rounded rectangle in (u, z), unbounded below.
  let qx = abs(u) - w + r, qz = pz - top + r;
  let ox2 = max(qx, 0), oz2 = max(qz, 0);
  let d = Mathf.sqrt(ox2 * ox2 + oz2 * oz2) + min(max(qx, qz), 0) - r;
  let palateZ = mapLookup(map, nx, ny, ox, oy, spacing, MAP_PALATE_Z, px, py);
  if (palateZ > -1e8) {
    let dp = max(pz - palateZ, u + w - 1.0);
    d = smin(d, dp, load<f32>(scene, SCENE_PALATE_BLEND));
  }
  return d;
}

/** Distance to the nearest tooth and its index (-1 if none is near). */
@inline export function nearestTooth(teeth: usize, count: u32, toothBytes: u32, px: f32, py: f32, pz: f32, index: usize): f32 {
  let best: f32 = 1e9;
  let bestIndex: i32 = -1;
  for (let i: u32 = 0; i < count; i++) {
    let d = toothDistance(teeth + <usize>i * toothBytes, px, py, pz);
    if (d < best) { best = d; bestIndex = <i32>i; }
  }
  if (index != 0) store<i32>(index, bestIndex);
  return best;
}

/** The scene: teeth (hard union among themselves) smoothly united with the gingiva. */
@inline export function sceneDistance(scene: usize, teeth: usize, count: u32, toothBytes: u32,
  map: usize, nx: u32, ny: u32, ox: f32, oy: f32, spacing: f32, px: f32, py: f32, pz: f32): f32 {
  let dt = nearestTooth(teeth, count, toothBytes, px, py, pz, 0);
  let dg = gumDistance(scene, map, nx, ny, ox, oy, spacing, px, py, pz);
  return smin(dt, dg, load<f32>(scene, SCENE_BLEND));
}
