// NIRI compositing on a 3D model: per-vertex colours = the base colour blended with the
// orange-red ramp by each vertex's near-infrared intensity, ready for a three.js BufferAttribute.
import { ScanfuseError } from '../errors.js';
import { choiceOption } from '../registration/point-cloud.js';
import type { ColorAttribute } from '../types.js';
import { blendNirRamp, nirRampPosition, resolveNirOverlayOptions, type NirOverlayOptions } from './nir-ramp.js';

export type ColorOutput = 'uint8' | 'float32';

export interface NiriOverlayColorsOptions extends NirOverlayOptions {
  /** Colour of every vertex when `baseColors` is null, RGB 0..255. Default [205, 200, 190] (enamel-like). */
  baseColor?: readonly [number, number, number];
  /** Colour of vertices whose intensity is NaN (no image saw them), RGB 0..255; null (default) keeps their base colour. */
  unseenColor?: readonly [number, number, number] | null;
  /**
   * 'uint8' (default): RGB bytes, `new BufferAttribute(array, 3, true)`; 'float32': RGB in 0..1,
   * `new BufferAttribute(array, 3)`.
   */
  output?: ColorOutput;
}

export const DEFAULT_NIRI_OVERLAY_COLORS_OPTIONS = Object.freeze({
  baseColor: Object.freeze([205, 200, 190]) as readonly [number, number, number],
  unseenColor: null as readonly [number, number, number] | null,
  output: 'uint8' as ColorOutput,
});

export interface OverlayColors<T extends Uint8Array | Float32Array = Uint8Array | Float32Array> {
  /** RGB per vertex. */
  array: T;
  itemSize: 3;
  /** true for Uint8Array (0..255 read as 0..1), false for Float32Array (already 0..1). */
  normalized: boolean;
  /** Vertices with an intensity above the window's low end (coloured by the ramp). */
  overlaidCount: number;
  /** Vertices with a NaN intensity. */
  unseenCount: number;
}

function rgbOption(value: unknown, api: string, name: string): [number, number, number] {
  const v = value as ArrayLike<number> | null;
  if (!v || typeof v !== 'object' || v.length !== 3 || ![0, 1, 2].every((i) => v[i] >= 0 && v[i] <= 255)) {
    throw new ScanfuseError('INVALID_ARGUMENT', `${api}: ${name} must be three numbers in 0..255`, { actual: String(value) });
  }
  return [v[0], v[1], v[2]];
}

/**
 * Per-vertex overlay colours. `nir`: intensity per vertex (0..255 scale; Uint8Array as a fused
 * mesh's `nir` attribute, or Float32Array from projectImages with NaN = unseen). `baseColors`:
 * RGB bytes per vertex (a Uint8Array of 3 per vertex, or a mesh's `colors` attribute, RGB or
 * RGBA), or null for `baseColor` everywhere. Each vertex gets base + (ramp(s) - base) x opacity x s,
 * s = (clamp((nir - low) / (high - low), 0, 1))^gamma (see NirOverlayOptions). Returns a new
 * array owned by the caller. Throws INVALID_ARGUMENT for mismatched lengths or bad options.
 */
export function niriOverlayColors(baseColors: Uint8Array | ColorAttribute | null, nir: Uint8Array | Float32Array,
  options: NiriOverlayColorsOptions & { output: 'float32' }): OverlayColors<Float32Array>;
export function niriOverlayColors(baseColors: Uint8Array | ColorAttribute | null, nir: Uint8Array | Float32Array,
  options?: NiriOverlayColorsOptions & { output?: 'uint8' }): OverlayColors<Uint8Array>;
export function niriOverlayColors(baseColors: Uint8Array | ColorAttribute | null, nir: Uint8Array | Float32Array,
  options?: NiriOverlayColorsOptions): OverlayColors;
export function niriOverlayColors(baseColors: Uint8Array | ColorAttribute | null, nir: Uint8Array | Float32Array,
  options: NiriOverlayColorsOptions = {}): OverlayColors {
  const api = 'niriOverlayColors';
  const ramp = resolveNirOverlayOptions(options ?? {}, api);
  const o = { ...DEFAULT_NIRI_OVERLAY_COLORS_OPTIONS, ...options };
  const output = choiceOption(o.output, api, 'output', ['uint8', 'float32'] as const);
  const baseColor = rgbOption(o.baseColor, api, 'baseColor');
  const unseenColor = o.unseenColor === null ? null : rgbOption(o.unseenColor, api, 'unseenColor');
  if (!(nir instanceof Uint8Array || nir instanceof Float32Array)) {
    throw new ScanfuseError('INVALID_ARGUMENT', `${api}: nir must be a Uint8Array or Float32Array (one intensity per vertex)`);
  }
  const n = nir.length;
  let base: Uint8Array | null = null;
  let stride = 3;
  if (baseColors !== null && baseColors !== undefined) {
    if (baseColors instanceof Uint8Array) base = baseColors;
    else if (typeof baseColors === 'object' && baseColors.array instanceof Uint8Array && (baseColors.itemSize === 3 || baseColors.itemSize === 4)) {
      base = baseColors.array;
      stride = baseColors.itemSize;
    } else {
      throw new ScanfuseError('INVALID_ARGUMENT', `${api}: baseColors must be a Uint8Array (RGB per vertex), a { array: Uint8Array, itemSize: 3 | 4 } or null`);
    }
    if (base.length !== stride * n) {
      throw new ScanfuseError('INVALID_ARGUMENT', `${api}: baseColors must hold ${stride} bytes per vertex of nir`, { expected: stride * n, actual: base.length });
    }
  }
  // Ramp positions of all 256 byte intensities, for Uint8Array input.
  let table: Float64Array | null = null;
  if (nir instanceof Uint8Array) {
    table = new Float64Array(256);
    for (let k = 0; k < 256; k++) table[k] = nirRampPosition(k, ramp);
  }
  const array = output === 'uint8' ? new Uint8Array(3 * n) : new Float32Array(3 * n);
  const scale = output === 'uint8' ? 1 : 1 / 255;
  const rgb = new Float64Array(3);
  let overlaid = 0, unseen = 0;
  for (let i = 0; i < n; i++) {
    const value = nir[i];
    let r = base ? base[stride * i] : baseColor[0];
    let g = base ? base[stride * i + 1] : baseColor[1];
    let b = base ? base[stride * i + 2] : baseColor[2];
    if (value !== value) {
      unseen++;
      if (unseenColor) [r, g, b] = unseenColor;
      rgb[0] = r; rgb[1] = g; rgb[2] = b;
    } else {
      const s = table ? table[value] : nirRampPosition(value, ramp);
      if (s > 0) overlaid++;
      blendNirRamp(r, g, b, s, ramp.opacity, rgb);
    }
    if (output === 'uint8') {
      array[3 * i] = Math.round(rgb[0]); array[3 * i + 1] = Math.round(rgb[1]); array[3 * i + 2] = Math.round(rgb[2]);
    } else {
      array[3 * i] = rgb[0] * scale; array[3 * i + 1] = rgb[1] * scale; array[3 * i + 2] = rgb[2] * scale;
    }
  }
  return { array, itemSize: 3, normalized: output === 'uint8', overlaidCount: overlaid, unseenCount: unseen };
}
