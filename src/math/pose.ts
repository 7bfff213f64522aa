// Rigid transforms as Float64Array(16), column-major (three.js Matrix4.elements order), mm.
// Names say the direction: `cameraToWorld` maps camera coordinates to world coordinates.
import { mat4 } from 'gl-matrix';

export type Transform = Float64Array;

export function identity(): Transform {
  return mat4.identity(new Float64Array(16)) as Float64Array;
}

/** a * b (apply b first). */
export function multiply(a: Transform, b: Transform): Transform {
  return mat4.multiply(new Float64Array(16), a, b) as Float64Array;
}

/** Inverse of a rigid transform (exact transpose of the rotation). */
export function invertRigid(m: Transform): Transform {
  const out = new Float64Array(16);
  for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) out[c * 4 + r] = m[r * 4 + c];
  for (let r = 0; r < 3; r++) out[12 + r] = -(out[r] * m[12] + out[4 + r] * m[13] + out[8 + r] * m[14]);
  out[15] = 1;
  return out;
}

/** A transform from its rotation columns (x, y, z axes) and translation. */
export function fromAxes(x: ArrayLike<number>, y: ArrayLike<number>, z: ArrayLike<number>, t: ArrayLike<number>): Transform {
  return Float64Array.from([x[0], x[1], x[2], 0, y[0], y[1], y[2], 0, z[0], z[1], z[2], 0, t[0], t[1], t[2], 1]);
}

/** Rotation about a unit axis by `angle` radians, then translation. */
export function fromAxisAngle(axis: ArrayLike<number>, angle: number, t: ArrayLike<number> = [0, 0, 0]): Transform {
  const m = mat4.fromRotation(new Float64Array(16), angle, [axis[0], axis[1], axis[2]]) as Float64Array;
  m[12] = t[0]; m[13] = t[1]; m[14] = t[2];
  return m;
}

/** Applies a transform to a point. */
export function transformPoint(m: Transform, p: ArrayLike<number>): [number, number, number] {
  return [
    m[0] * p[0] + m[4] * p[1] + m[8] * p[2] + m[12],
    m[1] * p[0] + m[5] * p[1] + m[9] * p[2] + m[13],
    m[2] * p[0] + m[6] * p[1] + m[10] * p[2] + m[14],
  ];
}

/** Row-major 3x4 copy (for the WASM camera and tooth records). */
export function toRowMajor3x4(m: Transform): number[] {
  return [m[0], m[4], m[8], m[12], m[1], m[5], m[9], m[13], m[2], m[6], m[10], m[14]];
}

/**
 * Camera-to-world of a camera at `eye` looking at `target`, with image "up" (-y in OpenCV) as
 * close as possible to `up`. Camera axes: x right, y down, z forward.
 */
export function lookAt(eye: ArrayLike<number>, target: ArrayLike<number>, up: ArrayLike<number>): Transform {
  const z = normalize([target[0] - eye[0], target[1] - eye[1], target[2] - eye[2]]);
  // y (image down) is opposite to `up`; x = y cross z.
  let x = cross(z, up);
  if (Math.hypot(...x) < 1e-9) x = cross(z, Math.abs(z[0]) < 0.9 ? [1, 0, 0] : [0, 1, 0]);
  x = normalize(x);
  const y = cross(z, x);
  return fromAxes(x, y, z, eye);
}

/** Rotation angle of a rigid transform's rotation, radians. */
export function rotationAngle(m: Transform): number {
  const c = (m[0] + m[5] + m[10] - 1) / 2;
  return Math.acos(Math.max(-1, Math.min(1, c)));
}

/** True when m is a finite rigid transform (orthonormal rotation, det +1, last row 0 0 0 1). */
export function isRigid(m: ArrayLike<number>, tolerance = 1e-6): boolean {
  if (m.length !== 16) return false;
  for (let i = 0; i < 16; i++) if (!Number.isFinite(m[i])) return false;
  if (Math.abs(m[3]) > tolerance || Math.abs(m[7]) > tolerance || Math.abs(m[11]) > tolerance || Math.abs(m[15] - 1) > tolerance) return false;
  for (let a = 0; a < 3; a++) {
    for (let b = 0; b < 3; b++) {
      const d = m[a * 4] * m[b * 4] + m[a * 4 + 1] * m[b * 4 + 1] + m[a * 4 + 2] * m[b * 4 + 2];
      if (Math.abs(d - (a === b ? 1 : 0)) > tolerance) return false;
    }
  }
  const det = m[0] * (m[5] * m[10] - m[9] * m[6]) - m[4] * (m[1] * m[10] - m[9] * m[2]) + m[8] * (m[1] * m[6] - m[5] * m[2]);
  return Math.abs(det - 1) <= tolerance * 10;
}

export function normalize(v: ArrayLike<number>): [number, number, number] {
  const n = Math.hypot(v[0], v[1], v[2]) || 1;
  return [v[0] / n, v[1] / n, v[2] / n];
}

export function cross(a: ArrayLike<number>, b: ArrayLike<number>): [number, number, number] {
  return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
}

/**
 * The nearest-ish rigid transform: Gram-Schmidt on the rotation columns (x kept, y made
 * orthogonal to it, z = x cross y). Composition of many transforms drifts from orthonormal; an
 * almost-rigid pose inverted by transposition would amplify the drift frame after frame.
 */
export function orthonormalize(m: Transform): Transform {
  const x = normalize([m[0], m[1], m[2]]);
  let y = [m[4], m[5], m[6]];
  const d = x[0] * y[0] + x[1] * y[1] + x[2] * y[2];
  y = normalize([y[0] - d * x[0], y[1] - d * x[1], y[2] - d * x[2]]);
  const z = cross(x, y);
  return fromAxes(x, y, z, [m[12], m[13], m[14]]);
}
