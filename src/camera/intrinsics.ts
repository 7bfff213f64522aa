// Pinhole intrinsics: x right, y down, +z forward (OpenCV/Open3D); pixel (u, v) centres at
// integer coordinates; images row-major from the top-left.
import { ScanfuseError } from '../errors.js';

export interface CameraIntrinsics {
  /** Image size, pixels. */
  width: number;
  height: number;
  /** Focal lengths, pixels. */
  fx: number;
  fy: number;
  /** Principal point, pixels. */
  cx: number;
  cy: number;
}

/** Intrinsics whose field of view is `fovWidth` x `fovHeight` mm at `distance` mm (centred). */
export function intrinsicsForField(width: number, height: number, fovWidth: number, fovHeight: number, distance: number): CameraIntrinsics {
  return { width, height, fx: (width * distance) / fovWidth, fy: (height * distance) / fovHeight, cx: (width - 1) / 2, cy: (height - 1) / 2 };
}

/** Throws INVALID_ARGUMENT unless the intrinsics are usable. */
export function assertIntrinsics(k: CameraIntrinsics, api: string): void {
  const ok = k && Number.isInteger(k.width) && Number.isInteger(k.height) && k.width >= 1 && k.height >= 1
    && k.width <= 16384 && k.height <= 16384 && k.fx > 0 && k.fy > 0 && Number.isFinite(k.fx) && Number.isFinite(k.fy)
    && Number.isFinite(k.cx) && Number.isFinite(k.cy);
  if (!ok) throw new ScanfuseError('INVALID_ARGUMENT', `${api}: intrinsics must have integer width/height and positive finite fx, fy`, { actual: JSON.stringify(k) });
}
