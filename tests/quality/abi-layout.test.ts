// The scan-quality and NIRI layouts (assembly/abi/quality-layout.ts, niri-layout.ts): region
// record fields inside the record and apart; out-record fields apart from the error fields.
import { describe, expect, it } from 'vitest';
import { BUILDS, engineFor } from '../support/engines.js';

function expectApart(fields: Array<[number, number]>, limit: number): void {
  const all = [...fields].sort((a, b) => a[0] - b[0]);
  for (let i = 0; i < all.length; i++) {
    const [offset, size] = all[i];
    expect(offset % Math.min(size, 8)).toBe(0);
    expect(offset + size).toBeLessThanOrEqual(limit);
    if (i > 0) expect(offset).toBeGreaterThanOrEqual(all[i - 1][0] + all[i - 1][1]);
  }
}

describe.each(BUILDS)('quality and NIRI layouts (%s build)', (build) => {
  it('region records and out-record fields do not overlap', async () => {
    const c = (await engineFor(build)).wasm.constants;
    expectApart([[c.REGION_COUNT, 4], [c.REGION_SEED_VERTEX, 4], [c.REGION_LENGTH, 8], [c.REGION_AREA, 8], [c.REGION_CENTROID, 24],
      [c.REGION_MIN, 24], [c.REGION_MAX, 24], [c.REGION_VECTOR, 24]], c.REGION_BYTES);
    expect(c.REGION_BYTES % 16).toBe(0);
    const errors: Array<[number, number]> = [[c.OUT_ERROR_REASON, 4], [c.OUT_ERROR_OFFSET, 8], [c.OUT_ERROR_ACTUAL, 8], [c.OUT_ERROR_EXPECTED, 8]];
    for (const group of [
      [[c.QEDGE_OUT_EDGES, 4], [c.QEDGE_OUT_BOUNDARY, 4], [c.QEDGE_OUT_NONMANIFOLD, 4], [c.QEDGE_OUT_MISORIENTED, 4], [c.QEDGE_OUT_LOOPS, 4]],
      [[c.QCOMP_OUT_COMPONENTS, 4], [c.QCOMP_OUT_TRIANGLES, 4], [c.QCOMP_OUT_AREA, 8]],
      [[c.QMASK_OUT_SELECTED, 4], [c.QMASK_OUT_AREA, 8]],
      [[c.NIRI_OUT_SEEN, 4], [c.NIRI_OUT_UNSEEN, 4]],
    ] as Array<Array<[number, number]>>) {
      expectApart([...errors, ...group], c.OUT_RECORD_BYTES);
    }
    expect(c.NIRI_BLEND_MEAN).not.toBe(c.NIRI_BLEND_BEST);
  });
});
