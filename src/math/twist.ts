// Small rigid motions: the 6-vector update of point-to-plane ICP (rotation vector in radians,
// translation in mm) turned into a transform (Rodrigues) and applied on the left.
import { multiply, orthonormalize, type Transform } from './pose.js';

/** exp of the twist x = (wx, wy, wz, tx, ty, tz): rotation by |w| about w/|w|, then translation t. */
export function twistToTransform(x: ArrayLike<number>): Transform {
  const wx = x[0], wy = x[1], wz = x[2];
  const theta = Math.hypot(wx, wy, wz);
  const m = new Float64Array(16);
  let r00 = 1, r01 = 0, r02 = 0, r10 = 0, r11 = 1, r12 = 0, r20 = 0, r21 = 0, r22 = 1;
  if (theta > 1e-15) {
    const kx = wx / theta, ky = wy / theta, kz = wz / theta;
    const c = Math.cos(theta), s = Math.sin(theta), v = 1 - c;
    r00 = c + kx * kx * v; r01 = kx * ky * v - kz * s; r02 = kx * kz * v + ky * s;
    r10 = ky * kx * v + kz * s; r11 = c + ky * ky * v; r12 = ky * kz * v - kx * s;
    r20 = kz * kx * v - ky * s; r21 = kz * ky * v + kx * s; r22 = c + kz * kz * v;
  }
  m[0] = r00; m[1] = r10; m[2] = r20;
  m[4] = r01; m[5] = r11; m[6] = r21;
  m[8] = r02; m[9] = r12; m[10] = r22;
  m[12] = x[3]; m[13] = x[4]; m[14] = x[5]; m[15] = 1;
  return m;
}

/** T' = exp(x) T, kept exactly rigid. */
export function applyTwist(x: ArrayLike<number>, transform: Transform): Transform {
  return orthonormalize(multiply(twistToTransform(x), transform));
}
