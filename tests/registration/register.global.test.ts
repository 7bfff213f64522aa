// Global registration (FPFH + RANSAC) from arbitrary rotations, partial overlap, and the full
// pipeline (global stage then ICP) on seeded surfaces.
import { describe, expect, it } from 'vitest';
import { globalRegistration, registerPointClouds } from '../../src/index.js';
import { BUILDS, engineFor } from '../support/engines.js';
import { bumpyPatch, centroid, cropX, maxDisplacement, poseError, randomMotion, rng, transformCloud } from './helpers.js';

describe.each(BUILDS)('global registration (%s build)', (build) => {
  const debug = build === 'debug';
  const patch = bumpyPatch({ seed: 7, n: debug ? 40 : 70, size: 40 });
  const c = centroid(patch.positions);
  const angles = debug ? [150] : [90, 120, 150, 180];

  it.each(angles)('finds a pose from a %i degree rotation from which ICP converges', async (deg) => {
    const engine = await engineFor(build);
    const r = rng(deg);
    const truth = randomMotion(r, (deg * Math.PI) / 180, 60, c);
    const target = transformCloud(patch, truth);
    const g = globalRegistration(engine, patch, target, { seed: 3 });
    expect(g.found).toBe(true);
    // Close enough for ICP: within a few voxels everywhere on the surface.
    expect(maxDisplacement(g.sourceToTarget, truth, patch.positions)).toBeLessThan(3 * g.voxelSize);
    expect(g.fitness).toBeGreaterThan(0.8);
    expect(g.runnerUpFitness).toBeLessThan(g.fitness);
    const full = registerPointClouds(engine, patch, target, { initial: g.sourceToTarget });
    expect(poseError(full.sourceToTarget, truth).deg).toBeLessThan(0.01);
    expect(maxDisplacement(full.sourceToTarget, truth, patch.positions)).toBeLessThan(1e-3);
  });

  it('registers with 50% overlap from an arbitrary pose (global stage, then ICP)', async () => {
    const engine = await engineFor(build);
    const r = rng(77);
    // Source: x in [0, 26.7); target: x in [13.3, 40], moved: the overlap is half of each.
    const source = cropX(patch, 0, 26.7);
    const truth = randomMotion(r, 2.7, 40, c);
    const target = transformCloud(cropX(patch, 13.3, 41), truth);
    const result = registerPointClouds(engine, source, target, { seed: 5 });
    expect(result.global?.found).toBe(true);
    expect(poseError(result.sourceToTarget, truth).deg).toBeLessThan(0.05);
    expect(maxDisplacement(result.sourceToTarget, truth, source.positions)).toBeLessThan(0.01);
    expect(result.fitness).toBeGreaterThan(0.45);
    expect(result.fitness).toBeLessThan(0.65); // half, plus the points within the gate beyond the border
    expect(result.verdict).toBe('aligned');
  });

  it('is deterministic for a seed', async () => {
    const engine = await engineFor(build);
    const target = transformCloud(patch, randomMotion(rng(5), 2, 10, c));
    const a = globalRegistration(engine, patch, target, { seed: 9 });
    const b = globalRegistration(engine, patch, target, { seed: 9 });
    expect(Array.from(a.sourceToTarget)).toEqual(Array.from(b.sourceToTarget));
    expect([a.iterations, a.hypotheses, a.fitness]).toEqual([b.iterations, b.hypotheses, b.fitness]);
  });
});
