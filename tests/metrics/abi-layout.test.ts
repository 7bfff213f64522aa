// The out-record fields of the metrics kernels (assembly/abi/layout.ts, CLOSEST_OUT_* and
// METRICS_OUT_*): inside the record, naturally aligned, not overlapping the error fields or
// each other within one kernel.
import { describe, expect, it } from 'vitest';
import { BUILDS, engineFor } from '../support/engines.js';

describe.each(BUILDS)('metrics out-record layout (%s build)', (build) => {
  it('places every kernel result field apart from the others', async () => {
    const c = (await engineFor(build)).wasm.constants;
    const errorFields: Array<[number, number]> = [[c.OUT_ERROR_REASON, 4], [c.OUT_ERROR_OFFSET, 8], [c.OUT_ERROR_ACTUAL, 8], [c.OUT_ERROR_EXPECTED, 8]];
    const kernels: Array<Array<[number, number]>> = [
      // closest_grid_bytes / closest_grid_build
      [[c.CLOSEST_OUT_GRID_BYTES, 8], [c.CLOSEST_OUT_CELL_SIZE, 8], [c.CLOSEST_OUT_NX, 4], [c.CLOSEST_OUT_NY, 4], [c.CLOSEST_OUT_NZ, 4],
        [c.CLOSEST_OUT_TRIANGLES, 4], [c.CLOSEST_OUT_REFS, 8], [c.CLOSEST_OUT_SKIPPED_TRIANGLES, 4]],
      // closest_points
      [[c.CLOSEST_OUT_FOUND, 4], [c.CLOSEST_OUT_BEYOND, 4], [c.CLOSEST_OUT_NONFINITE, 4]],
      // metrics_weighted_stats
      [[c.METRICS_OUT_FOUND, 4], [c.METRICS_OUT_BEYOND, 4], [c.METRICS_OUT_NONFINITE, 4], [c.METRICS_OUT_ZERO_WEIGHT, 4],
        [c.METRICS_OUT_WEIGHT, 8], [c.METRICS_OUT_BEYOND_WEIGHT, 8], [c.METRICS_OUT_MEAN_ABS, 8], [c.METRICS_OUT_RMS, 8],
        [c.METRICS_OUT_MEAN, 8], [c.METRICS_OUT_MAX_ABS, 8]],
      // metrics_vertex_areas / metrics_sample_surface
      [[c.METRICS_OUT_AREA, 8], [c.METRICS_OUT_NONFINITE_TRIANGLES, 4]],
    ];
    for (const group of kernels) {
      const all = [...errorFields, ...group].sort((a, b) => a[0] - b[0]);
      for (let i = 0; i < all.length; i++) {
        const [offset, size] = all[i];
        expect(offset % size).toBe(0);
        expect(offset + size).toBeLessThanOrEqual(c.OUT_RECORD_BYTES);
        if (i > 0) expect(offset).toBeGreaterThanOrEqual(all[i - 1][0] + all[i - 1][1]);
      }
    }
  });
});
