// Rendering a mesh from a pinhole camera (depth, triangle id and barycentrics per pixel).
import type { Engine } from '../engine.js';
import { ScanfuseError } from '../errors.js';
import { invertRigid, isRigid, toRowMajor3x4, type Transform } from '../math/pose.js';
import type { Mesh } from '../types.js';
import type { Scope } from '../wasm/abi.js';
import { assertIntrinsics, type CameraIntrinsics } from './intrinsics.js';

export const NO_TRIANGLE = 0xffffffff;

export interface RenderedView {
  /** Camera z per pixel, mm; 0 where nothing is seen. */
  depth: Float32Array;
  /** Triangle index per pixel; NO_TRIANGLE where nothing is seen. */
  triangle: Uint32Array;
  /** Barycentric weights of each pixel's triangle's 2nd and 3rd corners (2 per pixel). */
  barycentric: Float32Array;
}

/** Writes a camera record (abi CAMERA_*) into the scope; returns its pointer. */
export function cameraRecord(s: Scope, k: CameraIntrinsics, cameraToWorld: Transform, near: number, far: number): number {
  const c = s.constants as unknown as Record<string, number>;
  const rec = new Float64Array(c.CAMERA_BYTES / 8);
  rec[c.CAMERA_FX / 8] = k.fx; rec[c.CAMERA_FY / 8] = k.fy; rec[c.CAMERA_CX / 8] = k.cx; rec[c.CAMERA_CY / 8] = k.cy;
  rec[c.CAMERA_WIDTH / 8] = k.width; rec[c.CAMERA_HEIGHT / 8] = k.height; rec[c.CAMERA_NEAR / 8] = near; rec[c.CAMERA_FAR / 8] = far;
  rec.set(toRowMajor3x4(invertRigid(cameraToWorld)), c.CAMERA_WORLD_TO_CAMERA / 8);
  return s.input(rec);
}

/** Renders `mesh` as seen from `cameraToWorld` (front faces within [near, far] mm). */
export function renderMesh(engine: Engine, mesh: Mesh, intrinsics: CameraIntrinsics, cameraToWorld: Transform, near = 0.1, far = 1e6): RenderedView {
  const api = 'renderMesh';
  assertIntrinsics(intrinsics, api);
  if (!isRigid(cameraToWorld)) throw new ScanfuseError('INVALID_ARGUMENT', `${api}: cameraToWorld must be a rigid 4x4 transform (column-major Float64Array(16))`);
  const pixels = intrinsics.width * intrinsics.height;
  return engine.wasm.scope(api, (s) => {
    const positions = s.input(mesh.positions);
    const indices = s.input(mesh.indices);
    const camera = cameraRecord(s, intrinsics, cameraToWorld, near, far);
    const scratch = s.alloc(mesh.positions.byteLength);
    const depth = s.alloc(4 * pixels), triangle = s.alloc(4 * pixels), bary = s.alloc(8 * pixels);
    const out = s.out();
    const status = s.call('render_mesh', positions, mesh.positions.length / 3, indices, mesh.indices.length / 3, camera, scratch, depth, triangle, bary, out);
    if (status < 0) throw new ScanfuseError('INVALID_ARGUMENT', `${api}: the camera is not usable (near/far or intrinsics)`);
    return {
      depth: s.copyOut(Float32Array, depth, pixels),
      triangle: s.copyOut(Uint32Array, triangle, pixels),
      barycentric: s.copyOut(Float32Array, bary, 2 * pixels),
    };
  });
}

/**
 * A shaded RGB picture of a rendered view (for previews and reports): per-vertex colours (or
 * grey) times a headlight Lambert term. Background black.
 */
export function shadeView(mesh: Mesh, view: RenderedView, intrinsics: CameraIntrinsics, cameraToWorld: Transform, colors?: Uint8Array): Uint8Array {
  const out = new Uint8Array(view.depth.length * 3);
  const p = mesh.positions, idx = mesh.indices;
  const m = cameraToWorld;
  for (let k = 0; k < view.depth.length; k++) {
    const t = view.triangle[k];
    if (t === NO_TRIANGLE) continue;
    const a = idx[3 * t], b = idx[3 * t + 1], c = idx[3 * t + 2];
    const ux = p[3 * b] - p[3 * a], uy = p[3 * b + 1] - p[3 * a + 1], uz = p[3 * b + 2] - p[3 * a + 2];
    const vx = p[3 * c] - p[3 * a], vy = p[3 * c + 1] - p[3 * a + 1], vz = p[3 * c + 2] - p[3 * a + 2];
    let nx = uy * vz - uz * vy, ny = uz * vx - ux * vz, nz = ux * vy - uy * vx;
    const nl = Math.hypot(nx, ny, nz) || 1;
    nx /= nl; ny /= nl; nz /= nl;
    // View ray in world coordinates.
    const u = k % intrinsics.width, v = Math.floor(k / intrinsics.width);
    const rx = (u - intrinsics.cx) / intrinsics.fx, ry = (v - intrinsics.cy) / intrinsics.fy;
    let wx = m[0] * rx + m[4] * ry + m[8], wy = m[1] * rx + m[5] * ry + m[9], wz = m[2] * rx + m[6] * ry + m[10];
    const wl = Math.hypot(wx, wy, wz);
    wx /= wl; wy /= wl; wz /= wl;
    const lambert = Math.abs(nx * wx + ny * wy + nz * wz);
    const shade = 0.25 + 0.75 * lambert;
    const b1 = view.barycentric[2 * k], b2 = view.barycentric[2 * k + 1], b0 = 1 - b1 - b2;
    for (let ch = 0; ch < 3; ch++) {
      const base = colors ? b0 * colors[3 * a + ch] + b1 * colors[3 * b + ch] + b2 * colors[3 * c + ch] : 200;
      out[3 * k + ch] = Math.max(0, Math.min(255, Math.round(base * shade)));
    }
  }
  return out;
}
