// NIRI compositing in 2D: a near-infrared image laid over its colour image (same camera, same
// size) with the orange-red ramp, as a live scan view shows it.
import { ScanfuseError } from '../errors.js';
import { blendNirRamp, nirRampPosition, resolveNirOverlayOptions, type NirOverlayOptions } from './nir-ramp.js';

export interface OverlayNirImageOptions extends NirOverlayOptions {
  /** Also return an alpha channel (255 everywhere): RGBA instead of RGB. Default false. */
  alpha?: boolean;
}

/**
 * A new RGB (or RGBA with `alpha: true`) image, row-major from the top-left: each pixel of
 * `colourRgb` (3 bytes per pixel, width x height) blended with the NIR ramp by `nirGray` (1 byte
 * per pixel, same size and camera), as niriOverlayColors does per vertex. Throws INVALID_ARGUMENT
 * for mismatched sizes or bad options.
 */
export function overlayNirImage(colourRgb: Uint8Array, nirGray: Uint8Array, width: number, height: number,
  options: OverlayNirImageOptions = {}): Uint8Array {
  const api = 'overlayNirImage';
  const ramp = resolveNirOverlayOptions(options ?? {}, api);
  if (!(Number.isInteger(width) && Number.isInteger(height) && width >= 1 && height >= 1)) {
    throw new ScanfuseError('INVALID_ARGUMENT', `${api}: width and height must be positive integers`, { actual: `${width}x${height}` });
  }
  const pixels = width * height;
  if (!(colourRgb instanceof Uint8Array) || colourRgb.length !== 3 * pixels) {
    throw new ScanfuseError('INVALID_ARGUMENT', `${api}: colourRgb must be a Uint8Array of 3 bytes per pixel`, { expected: 3 * pixels, actual: colourRgb?.length });
  }
  if (!(nirGray instanceof Uint8Array) || nirGray.length !== pixels) {
    throw new ScanfuseError('INVALID_ARGUMENT', `${api}: nirGray must be a Uint8Array of 1 byte per pixel`, { expected: pixels, actual: nirGray?.length });
  }
  const channels = options?.alpha ? 4 : 3;
  const table = new Float64Array(256);
  for (let k = 0; k < 256; k++) table[k] = nirRampPosition(k, ramp);
  const out = new Uint8Array(channels * pixels);
  const rgb = new Float64Array(3);
  for (let p = 0; p < pixels; p++) {
    const r = colourRgb[3 * p], g = colourRgb[3 * p + 1], b = colourRgb[3 * p + 2];
    const s = table[nirGray[p]];
    const q = channels * p;
    if (s > 0) {
      blendNirRamp(r, g, b, s, ramp.opacity, rgb);
      out[q] = Math.round(rgb[0]); out[q + 1] = Math.round(rgb[1]); out[q + 2] = Math.round(rgb[2]);
    } else {
      out[q] = r; out[q + 1] = g; out[q + 2] = b;
    }
    if (channels === 4) out[q + 3] = 255;
  }
  return out;
}
