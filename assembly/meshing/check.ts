// Validation of an indexed mesh: what readers report as warnings, and index range errors.
import { STATUS_OK, REASON_INDEX_OUT_OF_RANGE } from "../abi/status";
import { CHECK_OUT_NONFINITE_VERTICES, CHECK_OUT_DEGENERATE_TRIANGLES, CHECK_OUT_UNREFERENCED_VERTICES } from "../abi/layout";
import { fail } from "../abi/out";

/** True when the triangle with these corners has zero area (computed in f64: exact for f32 inputs' differences). */
@inline export function zeroArea(ax: f32, ay: f32, az: f32, bx: f32, by: f32, bz: f32, cx: f32, cy: f32, cz: f32): bool {
  let ux = <f64>(bx - ax), uy = <f64>(by - ay), uz = <f64>(bz - az);
  let vx = <f64>(cx - ax), vy = <f64>(cy - ay), vz = <f64>(cz - az);
  let nx = uy * vz - uz * vy, ny = uz * vx - ux * vz, nz = ux * vy - uy * vx;
  return nx == 0 && ny == 0 && nz == 0;
}

/** True when the triangle (a, b, c) has zero area (repeated or collinear corners). */
@inline function isDegenerate(positions: usize, a: u32, b: u32, c: u32): bool {
  if (a == b || b == c || a == c) return true;
  let pa = positions + <usize>a * 12, pb = positions + <usize>b * 12, pc = positions + <usize>c * 12;
  return zeroArea(load<f32>(pa), load<f32>(pa, 4), load<f32>(pa, 8), load<f32>(pb), load<f32>(pb, 4), load<f32>(pb, 8),
    load<f32>(pc), load<f32>(pc, 4), load<f32>(pc, 8));
}

/**
 * Counts non-finite vertices, degenerate triangles and unreferenced vertices; `scratch` holds
 * vertexCount bytes. Indices >= vertexCount: REASON_INDEX_OUT_OF_RANGE with OUT_ERROR_OFFSET =
 * the position in the index array.
 * out: CHECK_OUT_NONFINITE_VERTICES, CHECK_OUT_DEGENERATE_TRIANGLES, CHECK_OUT_UNREFERENCED_VERTICES.
 */
export function mesh_check(positions: usize, vertexCount: u32, indices: usize, triangles: u32, scratch: usize, out: usize): i32 {
  memory.fill(scratch, 0, vertexCount);
  let degenerate: u32 = 0;
  for (let t: u32 = 0; t < triangles; t++) {
    let ip = indices + <usize>t * 12;
    let a = load<u32>(ip), b = load<u32>(ip, 4), c = load<u32>(ip, 8);
    if (a >= vertexCount || b >= vertexCount || c >= vertexCount) {
      let k: u32 = a >= vertexCount ? 0 : b >= vertexCount ? 1 : 2;
      return fail(out, REASON_INDEX_OUT_OF_RANGE, <f64>(t * 3 + k), <f64>load<u32>(ip + (<usize>k << 2)), <f64>vertexCount);
    }
    store<u8>(scratch + a, 1);
    store<u8>(scratch + b, 1);
    store<u8>(scratch + c, 1);
    if (isDegenerate(positions, a, b, c)) degenerate++;
  }
  let nonfinite: u32 = 0, unreferenced: u32 = 0;
  for (let v: u32 = 0; v < vertexCount; v++) {
    let p = positions + <usize>v * 12;
    if (!isFinite(<f64>load<f32>(p) + <f64>load<f32>(p, 4) + <f64>load<f32>(p, 8))) nonfinite++;
    if (load<u8>(scratch + v) == 0) unreferenced++;
  }
  store<u32>(out + CHECK_OUT_NONFINITE_VERTICES, nonfinite);
  store<u32>(out + CHECK_OUT_DEGENERATE_TRIANGLES, degenerate);
  store<u32>(out + CHECK_OUT_UNREFERENCED_VERTICES, unreferenced);
  return STATUS_OK;
}

/**
 * Checks that all `count` indices are < vertexCount. On failure REASON_INDEX_OUT_OF_RANGE with
 * OUT_ERROR_OFFSET = the position in the index array.
 */
export function mesh_check_indices(indices: usize, count: u32, vertexCount: u32, out: usize): i32 {
  for (let i: u32 = 0; i < count; i++) {
    let v = load<u32>(indices + (<usize>i << 2));
    if (v >= vertexCount) return fail(out, REASON_INDEX_OUT_OF_RANGE, <f64>i, <f64>v, <f64>vertexCount);
  }
  return STATUS_OK;
}
