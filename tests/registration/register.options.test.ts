// Argument checking of the registration API, and the prepared target of repeated global
// registrations (createRegistrationTarget).
import { describe, expect, it } from 'vitest';
import {
  createEngine, createRegistrationTarget, globalRegistration, isScanfuseError, registerMeshes, registerPointClouds,
} from '../../src/index.js';
import { BUILDS, engineFor } from '../support/engines.js';
import { bumpyPatch, centroid, maxDisplacement, randomMotion, rng, transformCloud } from './helpers.js';

const expectCode = (code: string, fn: () => unknown) => {
  let error: unknown;
  try { fn(); } catch (e) { error = e; }
  expect(isScanfuseError(error, code as never), String(error)).toBe(true);
};

describe('registration arguments', () => {
  it('rejects malformed clouds, meshes and options with INVALID_ARGUMENT', async () => {
    const engine = await engineFor('release');
    const ok = { positions: new Float32Array(30) };
    expectCode('INVALID_ARGUMENT', () => registerPointClouds(engine, { positions: new Float32Array(4) }, ok));
    expectCode('INVALID_ARGUMENT', () => registerPointClouds(engine, ok, { positions: new Float32Array(30), normals: new Float32Array(3) }));
    expectCode('INVALID_ARGUMENT', () => registerPointClouds(engine, ok, ok, { initial: new Float64Array(16) })); // not rigid
    expectCode('INVALID_ARGUMENT', () => registerPointClouds(engine, ok, ok, { voxelSize: -1 }));
    expectCode('INVALID_ARGUMENT', () => registerPointClouds(engine, ok, ok, { robust: 'cauchy' as never }));
    expectCode('INVALID_ARGUMENT', () => registerPointClouds(engine, ok, ok, { iterations: 1.5 }));
    expectCode('INVALID_ARGUMENT', () => registerPointClouds(engine, ok, ok, { seed: -1 }));
    expectCode('INVALID_ARGUMENT', () => registerPointClouds(engine, ok, ok, { global: 'yes' as never }));
    expectCode('INVALID_ARGUMENT', () => globalRegistration(engine, ok, ok, { confidence: 1 }));
    expectCode('INVALID_ARGUMENT', () => globalRegistration(engine, ok, ok, { normalOrientation: 'up' as never }));
    expectCode('INVALID_ARGUMENT', () => registerMeshes(engine, { positions: new Float32Array(9), indices: new Uint32Array([0, 1, 5]) },
      { positions: new Float32Array(9), indices: new Uint32Array([0, 1, 2]) }));
    expectCode('INVALID_ARGUMENT', () => registerPointClouds({} as never, ok, ok));
  });

  it('reports an empty or tiny source as an outcome, not an exception', async () => {
    const engine = await engineFor('release');
    const patch = bumpyPatch({ n: 20 });
    const r = registerPointClouds(engine, { positions: new Float32Array(0) }, patch, { initial: Float64Array.from([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]) });
    expect(r.fitness).toBe(0);
    expect(r.verdict).not.toBe('aligned');
    const g = globalRegistration(engine, { positions: new Float32Array([0, 0, 0, 1, 0, 0]) }, patch);
    expect(g.found).toBe(false);
    expect(Array.from(g.sourceToTarget)).toEqual([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]);
  });
});

describe.each(BUILDS)('createRegistrationTarget (%s build)', (build) => {
  it('serves many global registrations with the same result as the one-shot call', async () => {
    const engine = await engineFor(build);
    const model = bumpyPatch({ seed: 12, n: build === 'debug' ? 40 : 70 });
    const c = centroid(model.positions);
    const target = createRegistrationTarget(engine, model, { voxelSize: 1.2 });
    expect(target.voxelSize).toBe(1.2);
    expect(target.featurePointCount).toBeGreaterThan(100);
    for (const seed of [1, 2]) {
      const truth = randomMotion(rng(seed), 2.5, 30, c);
      const frame = transformCloud(model, truth); // the source: the model seen from elsewhere
      const prepared = globalRegistration(engine, frame, target, { seed: 4 });
      const oneShot = globalRegistration(engine, frame, model, { seed: 4, voxelSize: 1.2 });
      expect(prepared.found).toBe(true);
      expect(Array.from(prepared.sourceToTarget)).toEqual(Array.from(oneShot.sourceToTarget));
      expect(prepared.fitness).toBe(oneShot.fitness);
      // frame -> model: the inverse of truth, within a couple of voxels.
      const back = transformCloud({ positions: frame.positions }, prepared.sourceToTarget);
      let worst = 0;
      for (let i = 0; i < back.positions.length; i++) worst = Math.max(worst, Math.abs(back.positions[i] - model.positions[i]));
      expect(worst).toBeLessThan(2 * 1.2);
      expect(maxDisplacement(prepared.sourceToTarget, oneShot.sourceToTarget, frame.positions)).toBe(0);
    }
    target.dispose();
    expect(target.disposed).toBe(true);
    expectCode('DISPOSED', () => globalRegistration(engine, model, target));
  });

  it('refuses a target of another engine', async () => {
    const mine = await engineFor(build);
    const other = await createEngine({ debug: build === 'debug' });
    const target = createRegistrationTarget(other, bumpyPatch({ n: 20 }), { voxelSize: 2 });
    expectCode('INVALID_ARGUMENT', () => globalRegistration(mine, bumpyPatch({ n: 20 }), target));
    target.dispose();
    other.dispose();
  });
});
