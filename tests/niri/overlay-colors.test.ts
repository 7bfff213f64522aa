// NIRI compositing: per-vertex colours and the 2D overlay against the ramp written out by hand.
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_NIR_OVERLAY_OPTIONS, NIR_RAMP_HIGH_RGB, NIR_RAMP_LOW_RGB, niriOverlayColors, overlayNirImage, ScanfuseError,
} from '../../src/index.js';
import { rng } from '../support/meshes.js';

/** The overlay formula, written out: s = clamp((nir - low) / (high - low))^gamma, colour = base + (ramp(s) - base) * opacity * s. */
function expected(base: number[], nir: number, o = DEFAULT_NIR_OVERLAY_OPTIONS): number[] {
  if (!(nir > o.low)) return base;
  const s = Math.pow(Math.min(1, (nir - o.low) / (o.high - o.low)), o.gamma);
  return base.map((b, k) => b + (NIR_RAMP_LOW_RGB[k] + (NIR_RAMP_HIGH_RGB[k] - NIR_RAMP_LOW_RGB[k]) * s - b) * o.opacity * s);
}

describe('niriOverlayColors', () => {
  const r = rng(7);
  const n = 2000;
  const base = Uint8Array.from({ length: 3 * n }, () => Math.floor(256 * r()));
  const nirBytes = Uint8Array.from({ length: n }, () => Math.floor(256 * r()));

  it('matches the formula for every intensity, leaves the base colour below the window', () => {
    const c = niriOverlayColors(base, nirBytes);
    expect(c.itemSize).toBe(3);
    expect(c.normalized).toBe(true);
    expect(c.array).toBeInstanceOf(Uint8Array);
    let overlaid = 0;
    for (let i = 0; i < n; i++) {
      const want = expected([base[3 * i], base[3 * i + 1], base[3 * i + 2]], nirBytes[i]);
      for (let k = 0; k < 3; k++) expect(Math.abs(c.array[3 * i + k] - want[k])).toBeLessThanOrEqual(0.5 + 1e-9);
      if (nirBytes[i] <= DEFAULT_NIR_OVERLAY_OPTIONS.low) expect([...c.array.subarray(3 * i, 3 * i + 3)]).toEqual([...base.subarray(3 * i, 3 * i + 3)]);
      else overlaid++;
    }
    expect(c.overlaidCount).toBe(overlaid);
    expect(overlaid).toBeGreaterThan(100);
  });

  it('gives the same colours for byte and float intensities, and float output in 0..1', () => {
    const asFloat = Float32Array.from(nirBytes);
    const a = niriOverlayColors(base, nirBytes, { low: 100, high: 200, gamma: 1.7, opacity: 0.5 });
    const b = niriOverlayColors(base, asFloat, { low: 100, high: 200, gamma: 1.7, opacity: 0.5 });
    expect(b.array).toEqual(a.array);
    const f = niriOverlayColors(base, asFloat, { low: 100, high: 200, gamma: 1.7, opacity: 0.5, output: 'float32' });
    expect(f.array).toBeInstanceOf(Float32Array);
    expect(f.normalized).toBe(false);
    for (let k = 0; k < f.array.length; k++) expect(Math.abs(f.array[k] * 255 - a.array[k])).toBeLessThanOrEqual(0.5 + 1e-4);
  });

  it('saturates at the high end: full ramp red at full opacity', () => {
    const c = niriOverlayColors(null, Uint8Array.of(255, 220), { opacity: 1, baseColor: [0, 0, 0] });
    expect([...c.array]).toEqual([...NIR_RAMP_HIGH_RGB, ...NIR_RAMP_HIGH_RGB]);
  });

  it('keeps (or paints) the vertices no image saw: NaN intensities', () => {
    const nir = Float32Array.of(NaN, 250, NaN);
    const colors = { array: Uint8Array.of(10, 20, 30, 255, 40, 50, 60, 255, 70, 80, 90, 255), itemSize: 4 as const };
    let c = niriOverlayColors(colors, nir);
    expect([...c.array.subarray(0, 3)]).toEqual([10, 20, 30]);
    expect([...c.array.subarray(6, 9)]).toEqual([70, 80, 90]);
    expect(c.unseenCount).toBe(2);
    c = niriOverlayColors(colors, nir, { unseenColor: [128, 128, 128] });
    expect([...c.array.subarray(0, 3)]).toEqual([128, 128, 128]);
    expect([...c.array.subarray(6, 9)]).toEqual([128, 128, 128]);
  });

  it('rejects mismatched sizes and bad options with INVALID_ARGUMENT', () => {
    const code = (fn: () => unknown) => { try { fn(); } catch (e) { return (e as ScanfuseError).code; } return 'no error'; };
    expect(code(() => niriOverlayColors(base, new Uint8Array(n + 1)))).toBe('INVALID_ARGUMENT');
    expect(code(() => niriOverlayColors(base, nirBytes, { low: 200, high: 100 }))).toBe('INVALID_ARGUMENT');
    expect(code(() => niriOverlayColors(base, nirBytes, { opacity: 2 }))).toBe('INVALID_ARGUMENT');
    expect(code(() => niriOverlayColors(base, nirBytes, { output: 'rgb' as never }))).toBe('INVALID_ARGUMENT');
    expect(code(() => niriOverlayColors(base, [1, 2, 3] as never))).toBe('INVALID_ARGUMENT');
    expect(code(() => niriOverlayColors({ array: base, itemSize: 2 } as never, nirBytes))).toBe('INVALID_ARGUMENT');
  });
});

describe('overlayNirImage', () => {
  it('blends a colour image with the ramp per pixel (RGB or RGBA)', () => {
    const r = rng(9);
    const w = 40, h = 30;
    const colour = Uint8Array.from({ length: 3 * w * h }, () => Math.floor(256 * r()));
    const nir = Uint8Array.from({ length: w * h }, () => Math.floor(256 * r()));
    const rgb = overlayNirImage(colour, nir, w, h);
    expect(rgb).toEqual(niriOverlayColors(colour, nir).array);
    const rgba = overlayNirImage(colour, nir, w, h, { alpha: true, low: 10 });
    expect(rgba.length).toBe(4 * w * h);
    const ref = niriOverlayColors(colour, nir, { low: 10 }).array;
    for (let p = 0; p < w * h; p++) {
      expect([...rgba.subarray(4 * p, 4 * p + 3)]).toEqual([...ref.subarray(3 * p, 3 * p + 3)]);
      expect(rgba[4 * p + 3]).toBe(255);
    }
  });

  it('rejects sizes that do not match', () => {
    expect(() => overlayNirImage(new Uint8Array(12), new Uint8Array(3), 2, 2)).toThrow(/nirGray/);
    expect(() => overlayNirImage(new Uint8Array(11), new Uint8Array(4), 2, 2)).toThrow(/colourRgb/);
    expect(() => overlayNirImage(new Uint8Array(12), new Uint8Array(4), 2.5, 2)).toThrow(/width/);
  });
});
