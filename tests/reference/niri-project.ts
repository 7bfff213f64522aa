// Slow, obviously-correct reference of projectImages (assembly/niri/project.ts): the same rule
// written out per vertex in plain TypeScript over renderMesh's depth buffer.
import { renderMesh } from '../../src/camera/render-mesh.js';
import type { Engine, Mesh, NirImage } from '../../src/index.js';
import { invertRigid } from '../../src/math/pose.js';

export interface ReferenceProjectOptions {
  minViewCos: number;
  viewWeightPower: number;
  depthTolerance: number;
  relativeDepthTolerance: number;
  slopePixels: number;
  borderFeatherPixels: number;
  blend: 'weighted-mean' | 'best-view';
  near: number;
  far: number;
}

/** Unit area-weighted vertex normals (sum of the unnormalised face normals). */
export function referenceVertexNormals(mesh: Mesh): Float64Array {
  const p = mesh.positions, idx = mesh.indices;
  const n = new Float64Array(p.length);
  for (let t = 0; t < idx.length; t += 3) {
    const a = idx[t], b = idx[t + 1], c = idx[t + 2];
    const ux = p[3 * b] - p[3 * a], uy = p[3 * b + 1] - p[3 * a + 1], uz = p[3 * b + 2] - p[3 * a + 2];
    const vx = p[3 * c] - p[3 * a], vy = p[3 * c + 1] - p[3 * a + 1], vz = p[3 * c + 2] - p[3 * a + 2];
    const f = [uy * vz - uz * vy, uz * vx - ux * vz, ux * vy - uy * vx];
    for (const v of [a, b, c]) for (let k = 0; k < 3; k++) n[3 * v + k] += f[k];
  }
  for (let i = 0; i < n.length; i += 3) {
    const l = Math.hypot(n[i], n[i + 1], n[i + 2]) || 1;
    n[i] /= l; n[i + 1] /= l; n[i + 2] /= l;
  }
  return n;
}

export function referenceProjectImages(engine: Engine, mesh: Mesh, images: NirImage[], o: ReferenceProjectOptions) {
  const v = mesh.positions.length / 3;
  const normals = referenceVertexNormals(mesh);
  const sums = new Float64Array(v), weights = new Float64Array(v), counts = new Uint8Array(v), bestCos = new Float64Array(v), best = new Float64Array(v);
  const seenPerImage: number[] = [];
  /** 1 where some visibility decision was too close to call (compare those vertices loosely). */
  const ambiguous = new Uint8Array(v);
  for (const image of images) {
    const k = image.intrinsics;
    const { depth } = renderMesh(engine, mesh, k, image.cameraToWorld, o.near, o.far);
    const w2c = invertRigid(image.cameraToWorld);
    const eye = [image.cameraToWorld[12], image.cameraToWorld[13], image.cameraToWorld[14]];
    let seen = 0;
    for (let i = 0; i < v; i++) {
      const x = mesh.positions[3 * i], y = mesh.positions[3 * i + 1], z = mesh.positions[3 * i + 2];
      const cx = w2c[0] * x + w2c[4] * y + w2c[8] * z + w2c[12];
      const cy = w2c[1] * x + w2c[5] * y + w2c[9] * z + w2c[13];
      const cz = w2c[2] * x + w2c[6] * y + w2c[10] * z + w2c[14];
      if (!(cz >= o.near && cz <= o.far)) continue;
      const u = (k.fx * cx) / cz + k.cx, vv = (k.fy * cy) / cz + k.cy;
      if (!(u >= 0 && u <= k.width - 1 && vv >= 0 && vv <= k.height - 1)) continue;
      const e = [eye[0] - x, eye[1] - y, eye[2] - z];
      const el = Math.hypot(e[0], e[1], e[2]);
      const cos = (normals[3 * i] * e[0] + normals[3 * i + 1] * e[1] + normals[3 * i + 2] * e[2]) / el;
      if (!(cos >= o.minViewCos) || cos <= 0) continue;
      const c = Math.max(cos, 0.05);
      const slack = o.depthTolerance + o.relativeDepthTolerance * cz + o.slopePixels * (cz / Math.min(k.fx, k.fy)) * (Math.sqrt(1 - c * c) / c);
      const same = (px: number, py: number, s: number) => {
        if (px < 0 || py < 0 || px >= k.width || py >= k.height) return false;
        const d = depth[py * k.width + px];
        // A decision within 1% of the slack may go either way in the core's f32 arithmetic.
        if (d > 0 && Math.abs(Math.abs(d - cz) - s) < 0.01 * s) ambiguous[i] = 1;
        return d > 0 && Math.abs(d - cz) <= s;
      };
      // Bilinear over the pixels that show this surface, renormalised ...
      const x0 = Math.floor(u), y0 = Math.floor(vv), fx = u - x0, fy = vv - y0;
      // On a pixel's edge, f32 rounding in the core may pick the neighbouring pixels.
      if (Math.min(fx, 1 - fx, fy, 1 - fy, Math.abs(u - Math.round(u) - 0.5) % 1, Math.abs(vv - Math.round(vv) - 0.5) % 1) < 1e-4) ambiguous[i] = 1;
      let sw = 0, sv = 0;
      for (const [px, py, bw] of [[x0, y0, (1 - fx) * (1 - fy)], [x0 + 1, y0, fx * (1 - fy)], [x0, y0 + 1, (1 - fx) * fy], [x0 + 1, y0 + 1, fx * fy]]) {
        if (bw > 0 && same(px, py, slack)) { sw += bw; sv += bw * image.pixels[py * k.width + px]; }
      }
      let value = sw > 0 ? sv / sw : NaN;
      if (!(sw > 0)) {
        // ... else the nearest such pixel of the 3 x 3 around the nearest pixel (twice the slack).
        let best = Infinity;
        for (let py = Math.round(vv) - 1; py <= Math.round(vv) + 1; py++) {
          for (let px = Math.round(u) - 1; px <= Math.round(u) + 1; px++) {
            if (!same(px, py, 2 * slack)) continue;
            const d2 = (px - u) ** 2 + (py - vv) ** 2;
            if (d2 < best) { best = d2; value = image.pixels[py * k.width + px]; }
          }
        }
      }
      if (Number.isNaN(value)) continue;
      let weight = Math.pow(cos, o.viewWeightPower);
      if (o.borderFeatherPixels > 0) weight *= Math.min(1, (Math.min(u, k.width - 1 - u, vv, k.height - 1 - vv) + 1) / o.borderFeatherPixels);
      sums[i] += weight * value;
      weights[i] += weight;
      counts[i] = Math.min(255, counts[i] + 1);
      if (cos > bestCos[i]) { bestCos[i] = cos; best[i] = value; }
      seen++;
    }
    seenPerImage.push(seen);
  }
  const nir = new Float64Array(v);
  for (let i = 0; i < v; i++) nir[i] = weights[i] > 0 ? (o.blend === 'best-view' ? best[i] : sums[i] / weights[i]) : NaN;
  return { nir, weights, counts, seenPerImage, ambiguous };
}
