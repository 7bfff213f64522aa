// The synthetic scene of the fusion tests: a sphere in front of a tilted plane, rendered exactly
// with renderMesh (helpers.sphereDepth gives an analytic sphere's depth).
import type { Engine } from '../../src/index.js';
import type { CameraIntrinsics } from '../../src/camera/intrinsics.js';
import { renderMesh } from '../../src/camera/render-mesh.js';
import { lookAt, normalize, type Transform } from '../../src/math/pose.js';
import { icosphere, mergeMeshes, quad } from './helpers.js';

/** 160 x 120 pixels, about 56 x 43 degrees; all values exact in f32. */
export const SMALL_CAMERA: CameraIntrinsics = { width: 160, height: 120, fx: 150, fy: 150, cx: 79.5, cy: 59.5 };

const tilt = (20 * Math.PI) / 180;
/** Plane point from plane coordinates (x, s): tilted 20 degrees about x, through (0, 0, -3.5), facing +z. */
const plane = (x: number, s: number) => [x, s * Math.cos(tilt), -3.5 + s * Math.sin(tilt)];

/** A sphere (radius 2.5 mm at the origin) in front of a tilted 10 x 8 mm plane. */
export const SPHERE_AND_PLANE = mergeMeshes(
  icosphere([0, 0, 0], 2.5, 4),
  quad(plane(-5, -4), plane(5, -4), plane(5, 4), plane(-5, 4)),
);

/**
 * Cameras 15 mm from the origin, looking at it from within 30 degrees of +z. None is axis-aligned:
 * then many grid points project exactly onto pixel borders, where f32 and f64 decide differently.
 */
export const SPHERE_AND_PLANE_POSES: Transform[] = [[0.03, 0.02, 1], [0.4, 0.1, 1], [-0.3, 0.35, 1], [0.1, -0.45, 1], [-0.45, -0.2, 1]]
  .map((d) => normalize(d).map((x) => 15 * x))
  .map((eye) => lookAt(eye, [0, 0, 0], [0, 1, 0]));

export const DEPTH_RANGE = { minDepth: 5, maxDepth: 30 };

/** The exact depth of SPHERE_AND_PLANE from a pose. */
export function renderScene(engine: Engine, pose: Transform, k = SMALL_CAMERA): Float32Array {
  return renderMesh(engine, SPHERE_AND_PLANE, k, pose, 1, 100).depth;
}
