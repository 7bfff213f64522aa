// Loops over the procedural arch (assembly/sim/arch-sdf.ts): sampling its signed distance on a
// grid (block-sparse: blocks far from the surface get one value), and per-vertex attributes
// (tooth label, colour, near-infrared intensity, lesion id).
import { STATUS_OK, STATUS_INVALID_ARGUMENT } from "../abi/status";
import {
  TOOTH_BYTES, TOOTH_WORLD_TO_LOCAL, TOOTH_LABEL, TOOTH_SHADE, SCENE_GUM_RGB,
  LESION_BYTES, LESION_CENTER, LESION_RADIUS, LESION_ID, LESION_STRENGTH,
} from "../abi/layout";
import { gumDistance, nearestTooth, sceneDistance } from "./arch-sdf";

const BLOCK: u32 = 8;

@inline function clampf(x: f32, lo: f32, hi: f32): f32 { return x < lo ? lo : x > hi ? hi : x; }
@inline function smoothstep(a: f32, b: f32, x: f32): f32 { let t = clampf((x - a) / (b - a), 0, 1); return t * t * (3 - 2 * t); }

/**
 * Samples the scene's signed distance (mm, negative inside) at nx x ny x nz grid points
 * origin + (x, y, z) * spacing into `values` (f32, x fastest). Blocks of 8^3 samples whose centre
 * is farther from the surface than 1.5 x their half diagonal get the centre value everywhere
 * (same sign, no surface inside), which skips most of the work.
 */
export function sim_arch_sample(
  scene: usize, teeth: usize, toothCount: u32, map: usize, mapNx: u32, mapNy: u32, mapOx: f32, mapOy: f32, mapSpacing: f32,
  values: usize, nx: u32, ny: u32, nz: u32, ox: f32, oy: f32, oz: f32, spacing: f32,
): i32 {
  if (mapNx < 2 || mapNy < 2 || !(spacing > 0) || !(mapSpacing > 0)) return STATUS_INVALID_ARGUMENT;
  let skip = 1.5 * 0.5 * Mathf.sqrt(3) * <f32>BLOCK * spacing;
  for (let bz: u32 = 0; bz < nz; bz += BLOCK) {
    for (let by: u32 = 0; by < ny; by += BLOCK) {
      for (let bx: u32 = 0; bx < nx; bx += BLOCK) {
        let ex = min(bx + BLOCK, nx), ey = min(by + BLOCK, ny), ez = min(bz + BLOCK, nz);
        let cx = ox + (<f32>(bx + ex - 1) * 0.5) * spacing, cy = oy + (<f32>(by + ey - 1) * 0.5) * spacing, cz = oz + (<f32>(bz + ez - 1) * 0.5) * spacing;
        let dc = sceneDistance(scene, teeth, toothCount, TOOTH_BYTES, map, mapNx, mapNy, mapOx, mapOy, mapSpacing, cx, cy, cz);
        let far = abs(dc) > skip;
        for (let z = bz; z < ez; z++) {
          for (let y = by; y < ey; y++) {
            let row = values + ((<usize>z * ny + y) * nx) * 4;
            for (let x = bx; x < ex; x++) {
              let d = far ? dc : sceneDistance(scene, teeth, toothCount, TOOTH_BYTES, map, mapNx, mapNy, mapOx, mapOy, mapSpacing,
                ox + <f32>x * spacing, oy + <f32>y * spacing, oz + <f32>z * spacing);
              store<f32>(row + (<usize>x << 2), d);
            }
          }
        }
      }
    }
  }
  return STATUS_OK;
}

/**
 * Attributes of `count` surface points (3 f32 each): `labels` u8 FDI number (0 = gingiva),
 * `colors` u8 RGB, `nir` u8 near-infrared intensity (enamel dark, thin cervical enamel and
 * dentin brighter, lesions bright), `lesions` u8 lesion id (0 = sound). Each output may be 0.
 */
export function sim_arch_attributes(
  scene: usize, teeth: usize, toothCount: u32, map: usize, mapNx: u32, mapNy: u32, mapOx: f32, mapOy: f32, mapSpacing: f32,
  lesionRecords: usize, lesionCount: u32, points: usize, count: u32,
  labels: usize, colors: usize, nir: usize, lesions: usize,
): i32 {
  let indexSlot = memory.data(4);
  for (let i: u32 = 0; i < count; i++) {
    let p = points + <usize>i * 12;
    let px = load<f32>(p), py = load<f32>(p, 4), pz = load<f32>(p, 8);
    let dt = nearestTooth(teeth, toothCount, TOOTH_BYTES, px, py, pz, indexSlot);
    let dg = gumDistance(scene, map, mapNx, mapNy, mapOx, mapOy, mapSpacing, px, py, pz);
    let k = load<i32>(indexSlot);
    let label: u32 = 0;
    let r: f32, g: f32, b: f32, n: f32;
    if (k >= 0 && dt <= dg) {
      let t = teeth + <usize>k * TOOTH_BYTES;
      label = <u32>load<f32>(t, TOOTH_LABEL);
      let m = t + TOOTH_WORLD_TO_LOCAL;
      let lz = load<f32>(m, 32) * px + load<f32>(m, 36) * py + load<f32>(m, 40) * pz + load<f32>(m, 44);
      // Enamel thins toward the cervical line: more dentin colour and NIR there.
      let enamel = smoothstep(0.3, 3.0, lz);
      let dim: f32 = 0.86 + 0.14 * enamel;
      r = load<f32>(t, TOOTH_SHADE) * dim;
      g = load<f32>(t, TOOTH_SHADE + 4) * dim;
      b = load<f32>(t, TOOTH_SHADE + 8) * (dim - 0.06 * (1 - enamel));
      n = 48 + 100 * (1 - enamel);
    } else {
      r = load<f32>(scene, SCENE_GUM_RGB);
      g = load<f32>(scene, SCENE_GUM_RGB + 4);
      b = load<f32>(scene, SCENE_GUM_RGB + 8);
      n = 96;
    }
    let lesion: u32 = 0;
    if (label != 0) {
      let strongest: f32 = 0;
      for (let j: u32 = 0; j < lesionCount; j++) {
        let q = lesionRecords + <usize>j * LESION_BYTES;
        let dx = px - load<f32>(q, LESION_CENTER), dy = py - load<f32>(q, LESION_CENTER + 4), dz = pz - load<f32>(q, LESION_CENTER + 8);
        let rad = load<f32>(q, LESION_RADIUS);
        let dist = Mathf.sqrt(dx * dx + dy * dy + dz * dz);
        if (dist <= rad) {
          let f = load<f32>(q, LESION_STRENGTH) * (1 - smoothstep(0.55 * rad, rad, dist));
          if (f >= strongest) { strongest = f; lesion = <u32>load<f32>(q, LESION_ID); }
        }
      }
      if (lesion != 0) {
        // Demineralised enamel scatters near-infrared light: it glows; in colour it is chalky.
        // Every lesion point is brighter than any sound enamel (<= 148) or gingiva (96).
        let f = strongest;
        n = max(n, 178 + 62 * f);
        r = r + (246 - r) * 0.45 * f;
        g = g + (240 - g) * 0.45 * f;
        b = b + (228 - b) * 0.45 * f;
      }
    }
    if (labels != 0) store<u8>(labels + i, <u8>label);
    if (lesions != 0) store<u8>(lesions + i, <u8>lesion);
    if (nir != 0) store<u8>(nir + i, <u8>clampf(Mathf.round(n), 0, 255));
    if (colors != 0) {
      let c = colors + <usize>i * 3;
      store<u8>(c, <u8>clampf(Mathf.round(r), 0, 255));
      store<u8>(c, <u8>clampf(Mathf.round(g), 0, 255), 1);
      store<u8>(c, <u8>clampf(Mathf.round(b), 0, 255), 2);
    }
  }
  return STATUS_OK;
}
