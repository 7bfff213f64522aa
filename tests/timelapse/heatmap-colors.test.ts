// The diverging heatmap: symmetric around zero, saturating at +-range, NaN in its own colour.
import { describe, expect, it } from 'vitest';
import { HEATMAP_STOPS, heatmapColors, ScanfuseError } from '../../src/index.js';

describe('heatmapColors', () => {
  it('maps 0 to the middle stop, +-range to the ends, beyond saturates, NaN to nanColor', () => {
    const c = heatmapColors(Float32Array.of(0, 0.25, -0.25, 5, -5, NaN));
    const rgb = (i: number) => [...c.array.subarray(3 * i, 3 * i + 3)];
    expect(rgb(0)).toEqual([...HEATMAP_STOPS[4]]);
    expect(rgb(1)).toEqual([...HEATMAP_STOPS[8]]);
    expect(rgb(2)).toEqual([...HEATMAP_STOPS[0]]);
    expect(rgb(3)).toEqual(rgb(1));
    expect(rgb(4)).toEqual(rgb(2));
    expect(rgb(5)).toEqual([150, 150, 150]);
    expect(c.unseenCount).toBe(1);
    expect(c.normalized).toBe(true);
  });

  it('interpolates linearly between stops, red for outward (positive), blue for inward', () => {
    // +range/8 is halfway between stops 4 and 5 (9 stops over [-range, +range]).
    const c = heatmapColors(Float64Array.of(0.1 / 8, -0.1 / 8, 0.05), { range: 0.1 });
    for (let k = 0; k < 3; k++) {
      expect(c.array[k]).toBe(Math.round((HEATMAP_STOPS[4][k] + HEATMAP_STOPS[5][k]) / 2));
      expect(c.array[3 + k]).toBe(Math.round((HEATMAP_STOPS[4][k] + HEATMAP_STOPS[3][k]) / 2));
      expect(c.array[6 + k]).toBe(HEATMAP_STOPS[6][k]);
    }
    expect(c.array[6]).toBeGreaterThan(c.array[8]); // red > blue above zero
  });

  it('float output equals the bytes / 255 before rounding', () => {
    const d = Float32Array.from({ length: 101 }, (_, i) => (i - 50) / 150);
    const bytes = heatmapColors(d).array, floats = heatmapColors(d, { output: 'float32' }).array;
    expect(floats).toBeInstanceOf(Float32Array);
    for (let k = 0; k < bytes.length; k++) expect(Math.abs(floats[k] * 255 - bytes[k])).toBeLessThanOrEqual(0.5 + 1e-4);
  });

  it('rejects bad input', () => {
    const code = (fn: () => unknown) => { try { fn(); } catch (e) { return (e as ScanfuseError).code; } return 'no error'; };
    expect(code(() => heatmapColors([0.1] as never))).toBe('INVALID_ARGUMENT');
    expect(code(() => heatmapColors(Float32Array.of(0), { range: -1 }))).toBe('INVALID_ARGUMENT');
    expect(code(() => heatmapColors(Float32Array.of(0), { nanColor: [1, 2] as never }))).toBe('INVALID_ARGUMENT');
  });
});
