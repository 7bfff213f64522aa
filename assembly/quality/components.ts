// Connected components of a triangle mesh (or of a selection of its triangles: the low-confidence
// patches of a scan), each summarised as a region record: triangles, area, centroid, bounds.
import { STATUS_OK, STATUS_CAPACITY_EXCEEDED } from "../abi/status";
import { REGION_BYTES, REGION_AREA, QCOMP_OUT_COMPONENTS, QCOMP_OUT_TRIANGLES, QCOMP_OUT_AREA } from "../abi/quality-layout";
import { ufInit, ufFind, ufUnion } from "../util/union-find";
import { regionStart, regionGrow, regionAdd, regionAddVector, regionFinishCentroid } from "./region";

/** Marks componentOf entries of triangles that are not selected. */
export const NO_COMPONENT: u32 = 0xffffffff;

/** Scratch bytes quality_components needs. */
export function quality_components_scratch_bytes(vertexCount: u32): f64 {
  return <f64>vertexCount * 8 + 64;
}

/**
 * Components of the selected triangles (all when `mask` == 0, else those with mask[t] (u8) != 0)
 * of a mesh whose indices are all < vertexCount: sets of triangles connected through shared
 * vertices. Ids in the order of each component's first triangle. When `componentOf` != 0 it
 * receives the id of every triangle (u32; NO_COMPONENT when not selected). The first `capacity`
 * components are written to `regions` as REGION records (triangle count, area, area-weighted
 * centroid, bounding box of their corners, vector area). `scratch` holds
 * quality_components_scratch_bytes(vertexCount) bytes.
 * Returns STATUS_OK, or STATUS_CAPACITY_EXCEEDED when there are more components than `capacity`
 * (the counts in `out` and componentOf are still complete). out: QCOMP_OUT_*.
 */
export function quality_components(
  positions: usize, vertexCount: u32, indices: usize, triangles: u32, mask: usize, scratch: usize,
  componentOf: usize, regions: usize, capacity: u32, out: usize,
): i32 {
  let parent = scratch;
  let idOf = parent + (<usize>vertexCount << 2);
  ufInit(parent, vertexCount);
  for (let t: u32 = 0; t < triangles; t++) {
    if (mask != 0 && load<u8>(mask + t) == 0) continue;
    let ip = indices + <usize>t * 12;
    let a = load<u32>(ip);
    ufUnion(parent, a, load<u32>(ip, 4));
    ufUnion(parent, a, load<u32>(ip, 8));
  }
  memory.fill(idOf, 0, <usize>vertexCount << 2);
  let count: u32 = 0, selected: u32 = 0;
  let total: f64 = 0;
  for (let t: u32 = 0; t < triangles; t++) {
    if (mask != 0 && load<u8>(mask + t) == 0) {
      if (componentOf != 0) store<u32>(componentOf + (<usize>t << 2), NO_COMPONENT);
      continue;
    }
    selected++;
    let ip = indices + <usize>t * 12;
    let a = load<u32>(ip), b = load<u32>(ip, 4), c = load<u32>(ip, 8);
    let slot = idOf + (<usize>ufFind(parent, a) << 2);
    let id = load<u32>(slot);
    if (id == 0) {
      id = ++count;
      store<u32>(slot, id);
      if (id <= capacity) regionStart(regions + <usize>(id - 1) * REGION_BYTES, a);
    }
    if (componentOf != 0) store<u32>(componentOf + (<usize>t << 2), id - 1);
    let pa = positions + <usize>a * 12, pb = positions + <usize>b * 12, pc = positions + <usize>c * 12;
    let ax = <f64>load<f32>(pa), ay = <f64>load<f32>(pa, 4), az = <f64>load<f32>(pa, 8);
    let ux = <f64>load<f32>(pb) - ax, uy = <f64>load<f32>(pb, 4) - ay, uz = <f64>load<f32>(pb, 8) - az;
    let vx = <f64>load<f32>(pc) - ax, vy = <f64>load<f32>(pc, 4) - ay, vz = <f64>load<f32>(pc, 8) - az;
    let nx = 0.5 * (uy * vz - uz * vy), ny = 0.5 * (uz * vx - ux * vz), nz = 0.5 * (ux * vy - uy * vx);
    let area = Math.sqrt(nx * nx + ny * ny + nz * nz);
    if (!isFinite(area)) area = 0;
    total += area;
    if (id <= capacity) {
      let r = regions + <usize>(id - 1) * REGION_BYTES;
      regionAdd(r, 0, area, area, ax + (ux + vx) / 3, ay + (uy + vy) / 3, az + (uz + vz) / 3);
      if (area > 0) regionAddVector(r, nx, ny, nz);
      regionGrow(r, pa);
      regionGrow(r, pb);
      regionGrow(r, pc);
    }
  }
  let stored = min(count, capacity);
  for (let k: u32 = 0; k < stored; k++) {
    let r = regions + <usize>k * REGION_BYTES;
    regionFinishCentroid(r, load<f64>(r + REGION_AREA));
  }
  store<u32>(out + QCOMP_OUT_COMPONENTS, count);
  store<u32>(out + QCOMP_OUT_TRIANGLES, selected);
  store<f64>(out + QCOMP_OUT_AREA, total);
  return count > capacity ? STATUS_CAPACITY_EXCEEDED : STATUS_OK;
}
