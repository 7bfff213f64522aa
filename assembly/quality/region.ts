// Region records (abi/quality-layout.ts REGION_*): starting one, growing its bounding box,
// adding to its sums and finishing its centroid. Shared by the boundary-loop and component kernels.
import {
  REGION_BYTES, REGION_COUNT, REGION_SEED_VERTEX, REGION_LENGTH, REGION_AREA, REGION_CENTROID, REGION_MIN, REGION_MAX, REGION_VECTOR,
} from "../abi/quality-layout";

/** Zeroes a record, sets its seed vertex and an empty bounding box. */
export function regionStart(r: usize, seedVertex: u32): void {
  memory.fill(r, 0, REGION_BYTES);
  store<u32>(r + REGION_SEED_VERTEX, seedVertex);
  store<f64>(r + REGION_MIN, Infinity); store<f64>(r + REGION_MIN, Infinity, 8); store<f64>(r + REGION_MIN, Infinity, 16);
  store<f64>(r + REGION_MAX, -Infinity); store<f64>(r + REGION_MAX, -Infinity, 8); store<f64>(r + REGION_MAX, -Infinity, 16);
}

/** Grows the bounding box by point p (3 f32). */
@inline export function regionGrow(r: usize, p: usize): void {
  let x = <f64>load<f32>(p), y = <f64>load<f32>(p, 4), z = <f64>load<f32>(p, 8);
  let lo = r + REGION_MIN, hi = r + REGION_MAX;
  if (x < load<f64>(lo)) store<f64>(lo, x);
  if (y < load<f64>(lo, 8)) store<f64>(lo, y, 8);
  if (z < load<f64>(lo, 16)) store<f64>(lo, z, 16);
  if (x > load<f64>(hi)) store<f64>(hi, x);
  if (y > load<f64>(hi, 8)) store<f64>(hi, y, 8);
  if (z > load<f64>(hi, 16)) store<f64>(hi, z, 16);
}

/** count += 1, length += dl, area += da, centroid sum += w * (x, y, z) (divided by regionFinish). */
@inline export function regionAdd(r: usize, dl: f64, da: f64, w: f64, x: f64, y: f64, z: f64): void {
  store<u32>(r + REGION_COUNT, load<u32>(r + REGION_COUNT) + 1);
  store<f64>(r + REGION_LENGTH, load<f64>(r + REGION_LENGTH) + dl);
  store<f64>(r + REGION_AREA, load<f64>(r + REGION_AREA) + da);
  let q = r + REGION_CENTROID;
  store<f64>(q, load<f64>(q) + w * x); store<f64>(q, load<f64>(q, 8) + w * y, 8); store<f64>(q, load<f64>(q, 16) + w * z, 16);
}

/** vector += (x, y, z). */
@inline export function regionAddVector(r: usize, x: f64, y: f64, z: f64): void {
  let q = r + REGION_VECTOR;
  store<f64>(q, load<f64>(q) + x); store<f64>(q, load<f64>(q, 8) + y, 8); store<f64>(q, load<f64>(q, 16) + z, 16);
}

/** Divides the centroid sum by `total` (the summed weights); the bounding-box centre if it is 0. */
export function regionFinishCentroid(r: usize, total: f64): void {
  let q = r + REGION_CENTROID;
  if (total > 0) {
    store<f64>(q, load<f64>(q) / total); store<f64>(q, load<f64>(q, 8) / total, 8); store<f64>(q, load<f64>(q, 16) / total, 16);
  } else {
    for (let k = 0; k < 3; k++) store<f64>(q + (k << 3), 0.5 * (load<f64>(r + REGION_MIN + (k << 3)) + load<f64>(r + REGION_MAX + (k << 3))));
  }
}
