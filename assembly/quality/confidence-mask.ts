// Selecting the triangles of a scan whose per-vertex confidence (observation weight from fusion,
// or any per-vertex quality value) is low: the patches a live scan shows grey.
import { STATUS_INVALID_ARGUMENT } from "../abi/status";
import { QMASK_OUT_SELECTED, QMASK_OUT_AREA } from "../abi/quality-layout";

/** Area of triangle (a, b, c) (3 f32 each), mm^2; 0 if not finite. */
@inline function triangleArea(pa: usize, pb: usize, pc: usize): f64 {
  let ax = <f64>load<f32>(pa), ay = <f64>load<f32>(pa, 4), az = <f64>load<f32>(pa, 8);
  let ux = <f64>load<f32>(pb) - ax, uy = <f64>load<f32>(pb, 4) - ay, uz = <f64>load<f32>(pb, 8) - az;
  let vx = <f64>load<f32>(pc) - ax, vy = <f64>load<f32>(pc, 4) - ay, vz = <f64>load<f32>(pc, 8) - az;
  let nx = uy * vz - uz * vy, ny = uz * vx - ux * vz, nz = ux * vy - uy * vx;
  let area = 0.5 * Math.sqrt(nx * nx + ny * ny + nz * nz);
  return isFinite(area) ? area : 0;
}

/**
 * mask[t] (u8) = 1 for every triangle whose corners' mean value (values: f32 per vertex; a
 * non-finite value counts as 0) is below `threshold`, else 0. Indices must be < vertexCount.
 * Returns the number of triangles selected, or STATUS_INVALID_ARGUMENT for a NaN threshold.
 * out: QMASK_OUT_SELECTED, QMASK_OUT_AREA (their area, mm^2).
 */
export function quality_confidence_mask(
  positions: usize, values: usize, indices: usize, triangles: u32, threshold: f64, mask: usize, out: usize,
): i32 {
  if (isNaN(threshold)) return STATUS_INVALID_ARGUMENT;
  let selected: u32 = 0;
  let area: f64 = 0;
  for (let t: u32 = 0; t < triangles; t++) {
    let ip = indices + <usize>t * 12;
    let a = load<u32>(ip), b = load<u32>(ip, 4), c = load<u32>(ip, 8);
    let va = load<f32>(values + (<usize>a << 2)), vb = load<f32>(values + (<usize>b << 2)), vc = load<f32>(values + (<usize>c << 2));
    if (!isFinite(va)) va = 0;
    if (!isFinite(vb)) vb = 0;
    if (!isFinite(vc)) vc = 0;
    let low = (<f64>va + <f64>vb + <f64>vc) / 3 < threshold;
    store<u8>(mask + t, low ? 1 : 0);
    if (low) {
      selected++;
      area += triangleArea(positions + <usize>a * 12, positions + <usize>b * 12, positions + <usize>c * 12);
    }
  }
  store<u32>(out + QMASK_OUT_SELECTED, selected);
  store<f64>(out + QMASK_OUT_AREA, area);
  return <i32>selected;
}
