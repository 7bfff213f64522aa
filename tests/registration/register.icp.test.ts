// registerPointClouds / registerMeshes from a start near the truth (ICP only): exact copies of a
// seeded bumpy surface moved by known transforms are recovered to < 0.01 degree and < 1 µm.
import { describe, expect, it } from 'vitest';
import { registerMeshes, registerPointClouds } from '../../src/index.js';
import { multiply } from '../../src/math/pose.js';
import { BUILDS, engineFor } from '../support/engines.js';
import { bumpyPatch, centroid, maxDisplacement, poseError, randomMotion, rng, transformCloud, transformMesh } from './helpers.js';

describe.each(BUILDS)('registerPointClouds from a start within 10 degrees / 10 mm (%s build)', (build) => {
  const patch = bumpyPatch({ seed: 1, n: build === 'debug' ? 36 : 60 });
  const c = centroid(patch.positions);
  const seeds = build === 'debug' ? [1] : [1, 2, 3, 4, 5];

  it.each(seeds)('recovers a known transform of an exact copy (seed %i)', async (seed) => {
    const engine = await engineFor(build);
    const r = rng(seed);
    const truth = randomMotion(r, (r() * 2 - 1) * Math.PI, 50 * r(), c); // anywhere
    const target = transformCloud(patch, truth);
    // Start: the truth perturbed by 10 degrees about the patch and 10 mm.
    const start = multiply(randomMotion(r, (10 * Math.PI) / 180, 10, target.positions.subarray(0, 3)), truth);
    const result = registerPointClouds(engine, patch, target, { initial: start });
    const e = poseError(result.sourceToTarget, truth);
    expect(e.deg).toBeLessThan(0.01);
    expect(maxDisplacement(result.sourceToTarget, truth, patch.positions)).toBeLessThan(1e-3);
    expect(result.global).toBeNull();
    expect(result.fitness).toBe(1);
    expect(result.inlierRmse).toBeLessThan(1e-3);
    expect(result.verdict).toBe('aligned');
    expect(result.conditioning.degenerate).toBe(false);
  });

  it('recovers the transform without normals (estimated) as well', async () => {
    const engine = await engineFor(build);
    const r = rng(40);
    const truth = randomMotion(r, 1.1, 20, c);
    const target = transformCloud({ positions: patch.positions }, truth);
    const start = multiply(randomMotion(r, (8 * Math.PI) / 180, 8, c), truth);
    const result = registerPointClouds(engine, { positions: patch.positions }, target, { initial: start });
    expect(poseError(result.sourceToTarget, truth).deg).toBeLessThan(0.01);
    expect(maxDisplacement(result.sourceToTarget, truth, patch.positions)).toBeLessThan(1e-3);
  });

  it('registers meshes (vertex normals from the triangles)', async () => {
    const engine = await engineFor(build);
    const r = rng(41);
    const truth = randomMotion(r, 2.5, 30, c);
    const start = multiply(randomMotion(r, (10 * Math.PI) / 180, 10, c), truth);
    const source = { positions: patch.positions, indices: patch.indices };
    const target = transformMesh(patch, truth);
    delete target.normals;
    const result = registerMeshes(engine, source, target, { initial: start });
    expect(poseError(result.sourceToTarget, truth).deg).toBeLessThan(0.01);
    expect(maxDisplacement(result.sourceToTarget, truth, patch.positions)).toBeLessThan(1e-3);
  });

  it('is deterministic', async () => {
    const engine = await engineFor(build);
    const r = rng(42);
    const truth = randomMotion(r, 0.5, 5, c);
    const target = transformCloud(patch, truth);
    const start = multiply(randomMotion(r, 0.1, 5, c), truth);
    const a = registerPointClouds(engine, patch, target, { initial: start });
    const b = registerPointClouds(engine, patch, target, { initial: start });
    expect(Array.from(a.sourceToTarget)).toEqual(Array.from(b.sourceToTarget));
    expect(a.iterations).toBe(b.iterations);
  });
});
