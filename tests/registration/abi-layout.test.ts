// The records of the point-cloud registration kernels (assembly/abi/cloud-layout.ts): out-record
// fields inside the record, naturally aligned and apart from each other and the error fields
// within one kernel; parameter records packed inside their declared size.
import { describe, expect, it } from 'vitest';
import { BUILDS, engineFor } from '../support/engines.js';

type Fields = Array<[number, number]>;

function expectApart(fields: Fields, size: number) {
  const all = [...fields].sort((a, b) => a[0] - b[0]);
  for (let i = 0; i < all.length; i++) {
    const [offset, bytes] = all[i];
    expect(offset % Math.min(bytes, 8)).toBe(0);
    expect(offset + bytes).toBeLessThanOrEqual(size);
    if (i > 0) expect(offset).toBeGreaterThanOrEqual(all[i - 1][0] + all[i - 1][1]);
  }
}

describe.each(BUILDS)('registration record layouts (%s build)', (build) => {
  it('places every out-record field apart from the others', async () => {
    const c = (await engineFor(build)).wasm.constants;
    const errors: Fields = [[c.OUT_ERROR_REASON, 4], [c.OUT_ERROR_OFFSET, 8], [c.OUT_ERROR_ACTUAL, 8], [c.OUT_ERROR_EXPECTED, 8]];
    const kernels: Fields[] = [
      // cloud_grid_bytes / cloud_grid_build / cloud_nearest / cloud_knn / cloud_voxel_downsample / cloud_normals / cloud_orient_normals / cloud_fpfh
      [[c.CGRID_OUT_BYTES, 8], [c.CGRID_OUT_POINTS, 4], [c.CGRID_OUT_SKIPPED, 4], [c.CGRID_OUT_CELLS, 4], [c.CLOUD_OUT_FOUND, 4],
        [c.CLOUD_OUT_COUNT, 4], [c.CLOUD_OUT_NO_NORMAL, 4], [c.CLOUD_OUT_FLIPPED, 4], [c.CLOUD_OUT_COMPONENTS, 4]],
      [[c.MATCH_OUT_MUTUAL, 4], [c.MATCH_OUT_WRITTEN, 4]],
      [[c.RANSAC_OUT_TRANSFORM, 96], [c.RANSAC_OUT_ITERATIONS, 4], [c.RANSAC_OUT_HYPOTHESES, 4], [c.RANSAC_OUT_INLIERS, 4],
        [c.RANSAC_OUT_CANDIDATES, 4], [c.RANSAC_OUT_FITNESS, 8], [c.RANSAC_OUT_RMSE, 8], [c.RANSAC_OUT_RUNNER_UP, 8]],
      [[c.ICPN_OUT_ITERATIONS, 4], [c.ICPN_OUT_CONVERGED, 4], [c.ICPN_OUT_FITNESS, 8], [c.ICPN_OUT_RMSE, 8], [c.ICPN_OUT_PLANE_RMSE, 8],
        [c.ICPN_OUT_INLIERS, 4], [c.ICPN_OUT_VALID, 4], [c.ICPN_OUT_EIGEN, 48], [c.ICPN_OUT_WEAK_AXIS, 48], [c.ICPN_OUT_SOLVE_FAILURES, 4],
        [c.ICPN_OUT_LAST_ROTATION, 8], [c.ICPN_OUT_LAST_TRANSLATION, 8], [c.ICPN_OUT_SCALE, 8]],
    ];
    for (const group of kernels) expectApart([...errors, ...group], c.OUT_RECORD_BYTES);
  });

  it('packs the parameter records inside their sizes', async () => {
    const c = (await engineFor(build)).wasm.constants;
    expectApart([[c.RANSAC_MAX_ITERATIONS, 4], [c.RANSAC_SEED, 4], [c.RANSAC_INLIER_DISTANCE, 8], [c.RANSAC_EDGE_SIMILARITY, 8],
      [c.RANSAC_NORMAL_COS, 8], [c.RANSAC_CONFIDENCE, 8], [c.RANSAC_CANDIDATES, 4], [c.RANSAC_MIN_ITERATIONS, 4], [c.RANSAC_MIN_EDGE, 8]], c.RANSAC_BYTES);
    expectApart([[c.ICPN_TRANSFORM, 96], [c.ICPN_MAX_DISTANCE, 8], [c.ICPN_ROBUST_SCALE, 8], [c.ICPN_ROBUST, 4], [c.ICPN_MAX_ITERATIONS, 4],
      [c.ICPN_MIN_ROTATION, 8], [c.ICPN_MIN_TRANSLATION, 8], [c.ICPN_NORMAL_COS, 8], [c.ICPN_DAMPING, 8], [c.ICPN_MIN_RELATIVE_CHANGE, 8],
      [c.ICPN_MAX_TANGENTIAL, 8]], c.ICPN_BYTES);
    // Enumerations are distinct; the descriptor stride holds the bins and is a whole number of v128.
    expect(new Set([c.ROBUST_NONE, c.ROBUST_HUBER, c.ROBUST_TUKEY]).size).toBe(3);
    expect(new Set([c.NORMALS_ORIENT_NONE, c.NORMALS_ORIENT_TOWARD, c.NORMALS_ORIENT_AWAY]).size).toBe(3);
    expect(c.FPFH_STRIDE).toBeGreaterThanOrEqual(c.FPFH_BINS);
    expect(c.FPFH_STRIDE % 4).toBe(0);
    expect(c.FPFH_BINS).toBe(33);
  });
});
