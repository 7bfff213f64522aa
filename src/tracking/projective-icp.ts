// Frame-to-model tracking: coarse-to-fine projective point-to-plane ICP between a depth frame
// and the model's depth rendered at the predicted pose, in the core; quality figures (fitness,
// inlier RMSE, conditioning) for the tracking verdict.
import type { CameraIntrinsics } from '../camera/intrinsics.js';
import { identity, toRowMajor3x4, type Transform } from '../math/pose.js';
import { applyTwist } from '../math/twist.js';
import type { Scope } from '../wasm/abi.js';

export interface IcpLevelOptions {
  /** Correspondence gate, mm. */
  maxDistance: number;
  iterations: number;
}

export interface ProjectiveIcpOptions {
  /** Coarse to fine: pyramid level 2, 1, 0. */
  levels: IcpLevelOptions[];
  /** Minimum cosine between corresponding normals. */
  minNormalCos: number;
  /** Huber threshold of the point-to-plane residual, mm. */
  huber: number;
  /** Stop a level when the update is smaller than this (rad and mm). */
  epsilon: number;
  /** Depth jump that breaks a normal or a downsampling cell, mm. */
  jump: number;
}

export interface ProjectiveIcpResult {
  /** Source (frame) camera -> target (model render) camera. */
  sourceToTarget: Transform;
  /** Inlier fraction of the valid frame points at the finest level. */
  fitness: number;
  /** RMS point-to-plane residual of the inliers, mm. */
  inlierRmse: number;
  iterations: number;
  /** Smallest scaled eigenvalue of the final normal equations (near 0: a direction the data cannot see). */
  conditioning: number;
  /** False when a level had too few correspondences to solve. */
  solved: boolean;
}

/** Pointers to one image's pyramid maps in a scope (3 f32 per pixel each). */
export interface MapPyramid {
  width: number[];
  height: number[];
  intrinsics: CameraIntrinsics[];
  vertices: number[];
  normals: number[];
}

/** Intrinsics of an image downsampled by 2^level (pixel centres at integer coordinates). */
export function scaledIntrinsics(k: CameraIntrinsics, level: number): CameraIntrinsics {
  const f = 2 ** level;
  return {
    width: Math.floor(k.width / f), height: Math.floor(k.height / f),
    fx: k.fx / f, fy: k.fy / f, cx: (k.cx + 0.5) / f - 0.5, cy: (k.cy + 0.5) / f - 0.5,
  };
}

/** Builds a pyramid of vertex/normal maps from a f32 mm depth map already in the scope. */
export function buildPyramid(s: Scope, depthMm: number, k: CameraIntrinsics, levels: number, jump: number): MapPyramid {
  const p: MapPyramid = { width: [], height: [], intrinsics: [], vertices: [], normals: [] };
  let depth = depthMm;
  for (let l = 0; l < levels; l++) {
    const kl = scaledIntrinsics(k, l);
    if (l > 0) {
      const next = s.alloc(4 * kl.width * kl.height);
      s.call('depth_downsample', depth, p.width[l - 1], p.height[l - 1], jump, next);
      depth = next;
    }
    const vertices = s.alloc(12 * kl.width * kl.height), normals = s.alloc(12 * kl.width * kl.height);
    s.call('depth_vertex_normal_maps', depth, kl.width, kl.height, kl.fx, kl.fy, kl.cx, kl.cy, jump, vertices, normals);
    p.width.push(kl.width); p.height.push(kl.height); p.intrinsics.push(kl); p.vertices.push(vertices); p.normals.push(normals);
  }
  return p;
}

/**
 * Coarse-to-fine ICP of `source` (frame maps) against `target` (model maps), starting from
 * `initial` (source camera -> target camera; identity when the model was rendered at the
 * predicted pose). The finest source level is sampled every 2nd pixel when it is finer than the
 * target's finest level.
 */
export function projectiveIcp(s: Scope, source: MapPyramid, target: MapPyramid, options: ProjectiveIcpOptions, initial: Transform = identity()): ProjectiveIcpResult {
  const c = s.constants as unknown as Record<string, number>;
  const acc = s.alloc(c.ACC_BYTES), params = s.alloc(c.ICP_BYTES), out = s.out();
  let transform = initial;
  let iterations = 0;
  let solved = true;
  const zero = new Float64Array(c.ACC_BYTES / 8);
  const record = new DataView(new ArrayBuffer(c.ICP_BYTES));
  const accumulate = (level: number, maxDistance: number) => {
    const tl = Math.min(level, target.width.length - 1), sl = Math.min(level, source.width.length - 1);
    const kt = target.intrinsics[tl];
    const m = toRowMajor3x4(transform);
    for (let i = 0; i < 12; i++) record.setFloat64(c.ICP_TRANSFORM + 8 * i, m[i], true);
    record.setFloat32(c.ICP_FX, kt.fx, true); record.setFloat32(c.ICP_FY, kt.fy, true);
    record.setFloat32(c.ICP_CX, kt.cx, true); record.setFloat32(c.ICP_CY, kt.cy, true);
    record.setFloat32(c.ICP_MAX_DISTANCE, maxDistance, true);
    record.setFloat32(c.ICP_MIN_NORMAL_COS, options.minNormalCos, true);
    record.setFloat32(c.ICP_HUBER, options.huber, true);
    s.write(params, new Uint8Array(record.buffer));
    s.write(acc, zero);
    const stride = source.width[sl] > target.width[tl] ? Math.round(source.width[sl] / target.width[tl]) : 1;
    s.call('icp_projective_accumulate', source.vertices[sl], source.normals[sl], source.width[sl], source.height[sl], stride,
      target.vertices[tl], target.normals[tl], target.width[tl], target.height[tl], params, acc);
    return {
      inliers: s.f64(acc + c.ACC_INLIERS), valid: s.f64(acc + c.ACC_VALID),
      residual2: s.f64(acc + c.ACC_RESIDUAL2), weight: s.f64(acc + c.ACC_WEIGHT),
    };
  };
  const levels = options.levels;
  for (let li = 0; li < levels.length; li++) {
    const level = levels.length - 1 - li;
    const { maxDistance, iterations: n } = levels[li];
    for (let it = 0; it < n; it++) {
      const stats = accumulate(level, maxDistance);
      iterations++;
      if (stats.inliers < 12 || s.call('solve6', acc, out) < 0) { solved = false; break; }
      const x = Array.from({ length: 6 }, (_, i) => s.f64(out + c.SOLVE_OUT_X + 8 * i));
      transform = applyTwist(x, transform);
      if (Math.hypot(x[0], x[1], x[2]) < options.epsilon && Math.hypot(x[3], x[4], x[5]) < options.epsilon) break;
    }
  }
  // Final figures at the finest level with the finest gate.
  const finest = levels[levels.length - 1].maxDistance;
  const stats = accumulate(0, finest);
  let conditioning = 0;
  if (stats.inliers >= 12 && s.call('solve6', acc, out) >= 0) conditioning = s.f64(out + c.SOLVE_OUT_MIN_EIGEN);
  else solved = false;
  return {
    sourceToTarget: transform,
    fitness: stats.valid > 0 ? stats.inliers / stats.valid : 0,
    inlierRmse: stats.weight > 0 ? Math.sqrt(stats.residual2 / stats.weight) : Infinity,
    iterations,
    conditioning,
    solved,
  };
}
