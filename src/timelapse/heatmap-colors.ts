// A symmetric diverging colour map for signed deviations: blue (inward, negative) through a
// light grey (no change) to red (outward, positive), saturating at +-range.
import { ScanfuseError } from '../errors.js';
import { choiceOption, positiveOption } from '../registration/point-cloud.js';
import type { ColorOutput, OverlayColors } from '../niri/overlay-colors.js';

/** Moreland's cool-warm diverging map, 9 evenly spaced stops from -range to +range (RGB 0..255). */
export const HEATMAP_STOPS: ReadonlyArray<readonly [number, number, number]> = Object.freeze([
  [59, 76, 192], [98, 130, 234], [141, 176, 254], [184, 208, 249], [221, 221, 221],
  [245, 196, 173], [244, 154, 123], [222, 96, 77], [180, 4, 38],
] as const);

export interface HeatmapColorsOptions {
  /** |deviation| at which the colours saturate, mm (symmetric: -range is blue, +range red). Default 0.25. */
  range?: number;
  /** Colour of NaN values (not compared), RGB 0..255. Default [150, 150, 150]. */
  nanColor?: readonly [number, number, number];
  /** 'uint8' (default, RGB bytes, `new BufferAttribute(array, 3, true)`) or 'float32' (RGB 0..1). */
  output?: ColorOutput;
}

export const DEFAULT_HEATMAP_OPTIONS = Object.freeze({
  range: 0.25,
  nanColor: Object.freeze([150, 150, 150]) as readonly [number, number, number],
  output: 'uint8' as ColorOutput,
});

/** Colour of a deviation d (mm) on the map of half-width `range`, into rgb (0..255 floats). */
export function heatmapColor(d: number, range: number, rgb: Float64Array): void {
  const t = Math.min(1, Math.max(0, 0.5 + (0.5 * d) / range)) * (HEATMAP_STOPS.length - 1);
  const k = Math.min(HEATMAP_STOPS.length - 2, Math.floor(t));
  const f = t - k;
  const a = HEATMAP_STOPS[k], b = HEATMAP_STOPS[k + 1];
  rgb[0] = a[0] + (b[0] - a[0]) * f;
  rgb[1] = a[1] + (b[1] - a[1]) * f;
  rgb[2] = a[2] + (b[2] - a[2]) * f;
}

/**
 * Heatmap colours of per-vertex signed deviations (mm; NaN = not compared), as a new array owned
 * by the caller, ready for a three.js BufferAttribute (see `output`). Throws INVALID_ARGUMENT for
 * bad options.
 */
export function heatmapColors(deviation: Float32Array | Float64Array, options: HeatmapColorsOptions = {}): OverlayColors {
  const api = 'heatmapColors';
  if (!(deviation instanceof Float32Array || deviation instanceof Float64Array)) {
    throw new ScanfuseError('INVALID_ARGUMENT', `${api}: deviation must be a Float32Array or Float64Array`);
  }
  const o = { ...DEFAULT_HEATMAP_OPTIONS, ...options };
  const range = positiveOption(o.range, api, 'range');
  const output = choiceOption(o.output, api, 'output', ['uint8', 'float32'] as const);
  const nan = o.nanColor;
  if (!nan || nan.length !== 3 || ![0, 1, 2].every((i) => nan[i] >= 0 && nan[i] <= 255)) {
    throw new ScanfuseError('INVALID_ARGUMENT', `${api}: nanColor must be three numbers in 0..255`, { actual: String(nan) });
  }
  const n = deviation.length;
  const array = output === 'uint8' ? new Uint8Array(3 * n) : new Float32Array(3 * n);
  const rgb = new Float64Array(3);
  let unseen = 0;
  for (let i = 0; i < n; i++) {
    const d = deviation[i];
    if (d !== d) {
      unseen++;
      rgb[0] = nan[0]; rgb[1] = nan[1]; rgb[2] = nan[2];
    } else heatmapColor(d, range, rgb);
    if (output === 'uint8') {
      array[3 * i] = Math.round(rgb[0]); array[3 * i + 1] = Math.round(rgb[1]); array[3 * i + 2] = Math.round(rgb[2]);
    } else {
      array[3 * i] = rgb[0] / 255; array[3 * i + 1] = rgb[1] / 255; array[3 * i + 2] = rgb[2] / 255;
    }
  }
  return { array, itemSize: 3, normalized: output === 'uint8', overlaidCount: n - unseen, unseenCount: unseen };
}
