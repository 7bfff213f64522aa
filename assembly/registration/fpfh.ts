// Fast Point Feature Histograms (Rusu, Blodow, Beetz 2009, "Fast Point Feature Histograms (FPFH)
// for 3D registration"), as Open3D computes them (pipelines/registration/Feature.cpp):
//   pair features of p_s, n_s and p_t, n_t (the source of the Darboux frame u = n_s, v, w is the
//   point whose normal is more parallel to the line between them): alpha = atan2(w . n_t, u . n_t),
//   phi = v . n_t, theta = u . d / |d| (d = p_t - p_s); 11 bins each over [-pi, pi], [-1, 1], [-1, 1];
//   SPFH(p) = the three histograms over p's neighbours, each normalised to sum 100;
//   FPFH(p) = SPFH(p) + the neighbours' SPFH weighted by 1 / |p - p_k|^2 with each 11-bin part
//   of that weighted sum normalised to 100.
// Neighbours: the k nearest within the radius (the point itself and coincident points excluded).
import { STATUS_OK, STATUS_INVALID_ARGUMENT } from "../abi/status";
import { FPFH_BINS, FPFH_STRIDE, CLOUD_MAX_NEIGHBOURS, CLOUD_OUT_NO_NORMAL } from "../abi/cloud-layout";
import { useGrid, searchGrid, resultPos, resultD2, inputIndex } from "./point-grid";

const CHUNK: u32 = 1024;
const BINS: i32 = 11;
/** SPFH rows in the scratch are padded like the descriptors (zeros after the bins). */
const SPFH_STRIDE: u32 = FPFH_STRIDE;
const SPFH_BYTES: usize = <usize>SPFH_STRIDE << 2;

// Pair features of the last pairFeatures() call.
let fAlpha: f64 = 0, fPhi: f64 = 0, fTheta: f64 = 0;

/** Darboux-frame angles of (p1, n1) and (p2, n2); false when the points coincide or d || n. */
@inline function pairFeatures(p1x: f64, p1y: f64, p1z: f64, n1x: f64, n1y: f64, n1z: f64,
  p2x: f64, p2y: f64, p2z: f64, n2x: f64, n2y: f64, n2z: f64): bool {
  let dx = p2x - p1x, dy = p2y - p1y, dz = p2z - p1z;
  let len = Math.sqrt(dx * dx + dy * dy + dz * dz);
  if (len == 0) return false;
  let a1 = (n1x * dx + n1y * dy + n1z * dz) / len;
  let a2 = (n2x * dx + n2y * dy + n2z * dz) / len;
  let ux = n1x, uy = n1y, uz = n1z, tx = n2x, ty = n2y, tz = n2z;
  if (Math.abs(a1) < Math.abs(a2)) { // acos(|a1|) > acos(|a2|): acos decreases on [0, 1]
    ux = n2x; uy = n2y; uz = n2z; tx = n1x; ty = n1y; tz = n1z;
    dx = -dx; dy = -dy; dz = -dz;
    fTheta = -a2;
  } else {
    fTheta = a1;
  }
  // v = d x u, normalised; w = u x v.
  let vx = dy * uz - dz * uy, vy = dz * ux - dx * uz, vz = dx * uy - dy * ux;
  let vn = Math.sqrt(vx * vx + vy * vy + vz * vz);
  if (vn == 0) return false;
  vx /= vn; vy /= vn; vz /= vn;
  let wx = uy * vz - uz * vy, wy = uz * vx - ux * vz, wz = ux * vy - uy * vx;
  fPhi = vx * tx + vy * ty + vz * tz;
  fAlpha = Math.atan2(wx * tx + wy * ty + wz * tz, ux * tx + uy * ty + uz * tz);
  return true;
}

@inline function bin(v: f64, lo: f64, hi: f64): i32 {
  let b = <i32>Math.floor(<f64>BINS * (v - lo) / (hi - lo));
  return b < 0 ? 0 : b >= BINS ? BINS - 1 : b;
}

@inline function addTo(h: usize, index: i32, v: f32): void {
  let q = h + (<usize>index << 2);
  store<f32>(q, load<f32>(q) + v);
}

/** Scratch bytes of cloud_fpfh for `count` points and k neighbours. */
export function cloud_fpfh_scratch_bytes(count: u32, k: u32): f64 {
  return <f64>count * (<f64>SPFH_BYTES + <f64>k * 8 + 8) + 64;
}

let sPoints: usize = 0, sNormals: usize = 0, sSpfh: usize = 0, sNb: usize = 0, sNbD: usize = 0, sNbN: usize = 0, sValid: usize = 0, sK: u32 = 0;
let sMissing: u32 = 0;

@inline function hasNormal(i: u32): bool {
  let q = sNormals + <usize>i * 12;
  return load<f32>(q) != 0 || load<f32>(q, 4) != 0 || load<f32>(q, 8) != 0;
}

/** SPFH of points [i0, i1), keeping each point's neighbour list for the second pass. */
function spfhChunk(i0: u32, i1: u32, r2: f64): void {
  for (let i = i0; i < i1; i++) {
    let hist = sSpfh + <usize>i * SPFH_BYTES;
    memory.fill(hist, 0, SPFH_BYTES);
    store<f32>(sValid + (<usize>i << 2), 0);
    let list = sNb + <usize>i * (<usize>sK << 2), listD = sNbD + <usize>i * (<usize>sK << 2);
    store<u32>(sNbN + (<usize>i << 2), 0);
    let p = sPoints + <usize>i * 12, pn = sNormals + <usize>i * 12;
    let px = <f64>load<f32>(p), py = <f64>load<f32>(p, 4), pz = <f64>load<f32>(p, 8);
    if (!hasNormal(i) || !isFinite(px + py + pz)) { sMissing++; continue; }
    let nx = <f64>load<f32>(pn), ny = <f64>load<f32>(pn, 4), nz = <f64>load<f32>(pn, 8);
    // k + 1: the point itself is among the results.
    let n = searchGrid(px, py, pz, r2, <i32>min<u32>(sK + 1, CLOUD_MAX_NEIGHBOURS));
    let used: u32 = 0;
    for (let j = 0; j < n; j++) {
      let d2 = resultD2(j);
      if (d2 == 0) continue;
      let o = inputIndex(resultPos(j));
      if (!hasNormal(o) || used >= sK) continue;
      store<u32>(list + (<usize>used << 2), o);
      store<f32>(listD + (<usize>used << 2), d2);
      used++;
    }
    store<u32>(sNbN + (<usize>i << 2), used);
    // The histogram of the pair features: unit counts, then scaled to sum 100 per part.
    let valid: u32 = 0;
    for (let j: u32 = 0; j < used; j++) {
      let o = load<u32>(list + (<usize>j << 2));
      let q = sPoints + <usize>o * 12, qn = sNormals + <usize>o * 12;
      if (!pairFeatures(px, py, pz, nx, ny, nz, <f64>load<f32>(q), <f64>load<f32>(q, 4), <f64>load<f32>(q, 8),
        <f64>load<f32>(qn), <f64>load<f32>(qn, 4), <f64>load<f32>(qn, 8))) continue;
      valid++;
      addTo(hist, bin(fAlpha, -Math.PI, Math.PI), 1);
      addTo(hist, BINS + bin(fPhi, -1, 1), 1);
      addTo(hist, 2 * BINS + bin(fTheta, -1, 1), 1);
    }
    store<f32>(sValid + (<usize>i << 2), <f32>valid);
    if (valid == 0) continue;
    let scale = f32x4.splat(<f32>(100.0 / <f64>valid));
    for (let b = 0; b < <i32>SPFH_STRIDE; b += 4) {
      let q = hist + (<usize>b << 2);
      v128.store(q, f32x4.mul(v128.load(q), scale));
    }
  }
}

/** FPFH of points [i0, i1) from the SPFH of each point and its neighbours (4 bins per lane group). */
function fpfhChunk(i0: u32, i1: u32, features: usize): void {
  for (let i = i0; i < i1; i++) {
    let f = features + <usize>i * (<usize>FPFH_STRIDE << 2);
    let used = load<u32>(sNbN + (<usize>i << 2));
    let own = sSpfh + <usize>i * SPFH_BYTES;
    let list = sNb + <usize>i * (<usize>sK << 2), listD = sNbD + <usize>i * (<usize>sK << 2);
    let a0 = f32x4.splat(0), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0, a8 = a0;
    // Each valid SPFH part sums to 100: the weighted sum of a part is 100 x the summed weights.
    let total: f64 = 0;
    for (let j: u32 = 0; j < used; j++) {
      let o = load<u32>(list + (<usize>j << 2));
      if (load<f32>(sValid + (<usize>o << 2)) == 0) continue;
      let wf = <f32>(1.0 / <f64>load<f32>(listD + (<usize>j << 2)));
      total += <f64>wf;
      let w = f32x4.splat(wf);
      let h = sSpfh + <usize>o * SPFH_BYTES;
      a0 = f32x4.add(a0, f32x4.mul(v128.load(h), w)); a1 = f32x4.add(a1, f32x4.mul(v128.load(h, 16), w));
      a2 = f32x4.add(a2, f32x4.mul(v128.load(h, 32), w)); a3 = f32x4.add(a3, f32x4.mul(v128.load(h, 48), w));
      a4 = f32x4.add(a4, f32x4.mul(v128.load(h, 64), w)); a5 = f32x4.add(a5, f32x4.mul(v128.load(h, 80), w));
      a6 = f32x4.add(a6, f32x4.mul(v128.load(h, 96), w)); a7 = f32x4.add(a7, f32x4.mul(v128.load(h, 112), w));
      a8 = f32x4.add(a8, f32x4.mul(v128.load(h, 128), w));
    }
    let k = f32x4.splat(total > 0 ? <f32>(1.0 / total) : <f32>0);
    v128.store(f, f32x4.add(f32x4.mul(a0, k), v128.load(own)));
    v128.store(f, f32x4.add(f32x4.mul(a1, k), v128.load(own, 16)), 16);
    v128.store(f, f32x4.add(f32x4.mul(a2, k), v128.load(own, 32)), 32);
    v128.store(f, f32x4.add(f32x4.mul(a3, k), v128.load(own, 48)), 48);
    v128.store(f, f32x4.add(f32x4.mul(a4, k), v128.load(own, 64)), 64);
    v128.store(f, f32x4.add(f32x4.mul(a5, k), v128.load(own, 80)), 80);
    v128.store(f, f32x4.add(f32x4.mul(a6, k), v128.load(own, 96)), 96);
    v128.store(f, f32x4.add(f32x4.mul(a7, k), v128.load(own, 112)), 112);
    v128.store(f, f32x4.add(f32x4.mul(a8, k), v128.load(own, 128)), 128);
  }
}

/**
 * FPFH descriptors of `count` points (xyz f32, the grid built over them) with unit normals
 * (xyz f32; zero = none): `features` receives FPFH_STRIDE f32 per point (FPFH_BINS values, then
 * zeros). Neighbours: the k nearest (1..CLOUD_MAX_NEIGHBOURS - 1) within `radius` mm. A point with
 * no normal, or no neighbour with one, gets all zeros (CLOUD_OUT_NO_NORMAL counts the first kind).
 * `scratch`: cloud_fpfh_scratch_bytes(count, k) bytes; `features` 16-byte aligned.
 */
export function cloud_fpfh(grid: usize, points: usize, normals: usize, count: u32, radius: f64, k: u32, scratch: usize, features: usize, out: usize): i32 {
  if (!useGrid(grid) || !(radius > 0) || k < 1 || k >= CLOUD_MAX_NEIGHBOURS || (features & 15) != 0) return STATUS_INVALID_ARGUMENT;
  sPoints = points; sNormals = normals; sK = k; sMissing = 0;
  sSpfh = (scratch + 15) & ~15;
  sNb = sSpfh + <usize>count * SPFH_BYTES;
  sNbD = sNb + <usize>count * (<usize>k << 2);
  sNbN = sNbD + <usize>count * (<usize>k << 2);
  sValid = sNbN + (<usize>count << 2);
  let r2 = radius * radius;
  for (let i0: u32 = 0; i0 < count; i0 += CHUNK) spfhChunk(i0, min(i0 + CHUNK, count), r2);
  for (let i0: u32 = 0; i0 < count; i0 += CHUNK) fpfhChunk(i0, min(i0 + CHUNK, count), features);
  store<u32>(out + CLOUD_OUT_NO_NORMAL, sMissing);
  return STATUS_OK;
}
