// The NIRI overlay colour map: a near-infrared intensity, windowed and gamma-shaped, picks an
// orange-to-red colour and an opacity with which it covers the base colour.
import { ScanfuseError } from '../errors.js';
import { rangeOption } from '../registration/point-cloud.js';

export interface NirOverlayOptions {
  /**
   * Intensity window (the images' 0..255 scale): at or below `low` the base colour shows
   * unchanged; at `high` and above the overlay is fully red at full opacity. Defaults 140 and 220:
   * demineralised enamel (caries) scatters near-infrared light and images brighter than sound
   * enamel, which stays darker than about 140 even where it is thin at the cervical margin.
   */
  low?: number;
  high?: number;
  /** Shape of the ramp: s = t^gamma with t = (nir - low) / (high - low) clamped to [0, 1]. Default 0.6 (lifts faint glow). */
  gamma?: number;
  /** Opacity of the overlay at s = 1 (it is opacity x s at s). Default 0.85. */
  opacity?: number;
}

export const DEFAULT_NIR_OVERLAY_OPTIONS = Object.freeze({ low: 140, high: 220, gamma: 0.6, opacity: 0.85 });

/** Colour of the ramp at s = 0 (orange) and s = 1 (red), RGB 0..255. */
export const NIR_RAMP_LOW_RGB: readonly [number, number, number] = Object.freeze([255, 150, 30]) as readonly [number, number, number];
export const NIR_RAMP_HIGH_RGB: readonly [number, number, number] = Object.freeze([215, 20, 10]) as readonly [number, number, number];

export interface ResolvedNirOverlay {
  low: number;
  high: number;
  gamma: number;
  opacity: number;
}

export function resolveNirOverlayOptions(options: NirOverlayOptions, api: string): ResolvedNirOverlay {
  if (options === null || typeof options !== 'object') throw new ScanfuseError('INVALID_ARGUMENT', `${api}: options must be an object`);
  const o = { ...DEFAULT_NIR_OVERLAY_OPTIONS, ...options };
  const low = rangeOption(o.low, api, 'low', -1e6, 1e6);
  const high = rangeOption(o.high, api, 'high', -1e6, 1e6);
  if (!(high > low)) throw new ScanfuseError('INVALID_ARGUMENT', `${api}: high must be greater than low`, { actual: `${low}..${high}` });
  return { low, high, gamma: rangeOption(o.gamma, api, 'gamma', 0.01, 100), opacity: rangeOption(o.opacity, api, 'opacity', 0, 1) };
}

/** s in [0, 1] of an intensity (0 for NaN: no overlay). */
export function nirRampPosition(nir: number, o: ResolvedNirOverlay): number {
  if (!(nir > o.low)) return 0;
  const t = Math.min(1, (nir - o.low) / (o.high - o.low));
  return Math.pow(t, o.gamma);
}

/**
 * Blends `base` (RGB 0..255) with the ramp colour at s, opacity x s, into `out` at `at`
 * (0..255 floats; callers round or scale).
 */
export function blendNirRamp(baseR: number, baseG: number, baseB: number, s: number, opacity: number, out: Float64Array): void {
  const a = opacity * s;
  const r = NIR_RAMP_LOW_RGB[0] + (NIR_RAMP_HIGH_RGB[0] - NIR_RAMP_LOW_RGB[0]) * s;
  const g = NIR_RAMP_LOW_RGB[1] + (NIR_RAMP_HIGH_RGB[1] - NIR_RAMP_LOW_RGB[1]) * s;
  const b = NIR_RAMP_LOW_RGB[2] + (NIR_RAMP_HIGH_RGB[2] - NIR_RAMP_LOW_RGB[2]) * s;
  out[0] = baseR + (r - baseR) * a;
  out[1] = baseG + (g - baseG) * a;
  out[2] = baseB + (b - baseB) * a;
}
