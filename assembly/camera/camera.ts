// Reading the camera record (abi/layout.ts CAMERA_*) and per-point projection math.
import {
  CAMERA_FX, CAMERA_FY, CAMERA_CX, CAMERA_CY, CAMERA_WIDTH, CAMERA_HEIGHT, CAMERA_NEAR, CAMERA_FAR, CAMERA_WORLD_TO_CAMERA,
} from "../abi/layout";

/**
 * A camera record unpacked into fields (f32 for the per-pixel math). Unmanaged: kernels use the
 * one instance in static memory (sharedCamera()), so hot loops carry no GC bookkeeping.
 */
@final @unmanaged export class Camera {
  fx: f32 = 0; fy: f32 = 0; cx: f32 = 0; cy: f32 = 0;
  width: i32 = 0; height: i32 = 0; near: f32 = 0; far: f32 = 0;
  // world -> camera, row-major 3x4
  r00: f32 = 0; r01: f32 = 0; r02: f32 = 0; t0: f32 = 0;
  r10: f32 = 0; r11: f32 = 0; r12: f32 = 0; t1: f32 = 0;
  r20: f32 = 0; r21: f32 = 0; r22: f32 = 0; t2: f32 = 0;
}

const CAMERA_MEMORY = memory.data(offsetof<Camera>(), 16);

/** The kernels' camera (kernels do not nest, so one suffices): fill it with readCamera(). */
@inline export function sharedCamera(): Camera {
  return changetype<Camera>(CAMERA_MEMORY);
}

/** Unpacks a camera record; false if its intrinsics are unusable. */
export function readCamera(p: usize, c: Camera): bool {
  c.fx = <f32>load<f64>(p, CAMERA_FX); c.fy = <f32>load<f64>(p, CAMERA_FY);
  c.cx = <f32>load<f64>(p, CAMERA_CX); c.cy = <f32>load<f64>(p, CAMERA_CY);
  let w = load<f64>(p, CAMERA_WIDTH), h = load<f64>(p, CAMERA_HEIGHT);
  c.near = <f32>load<f64>(p, CAMERA_NEAR); c.far = <f32>load<f64>(p, CAMERA_FAR);
  let m = p + CAMERA_WORLD_TO_CAMERA;
  c.r00 = <f32>load<f64>(m); c.r01 = <f32>load<f64>(m, 8); c.r02 = <f32>load<f64>(m, 16); c.t0 = <f32>load<f64>(m, 24);
  c.r10 = <f32>load<f64>(m, 32); c.r11 = <f32>load<f64>(m, 40); c.r12 = <f32>load<f64>(m, 48); c.t1 = <f32>load<f64>(m, 56);
  c.r20 = <f32>load<f64>(m, 64); c.r21 = <f32>load<f64>(m, 72); c.r22 = <f32>load<f64>(m, 80); c.t2 = <f32>load<f64>(m, 88);
  if (!(w >= 1 && w <= 16384 && h >= 1 && h <= 16384 && c.fx > 0 && c.fy > 0)) return false;
  if (!(c.near > 0 && c.far > c.near)) return false;
  c.width = <i32>w; c.height = <i32>h;
  return true;
}
