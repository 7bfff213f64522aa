// A surface that cannot constrain every motion (a plane) is reported through conditioning and the
// verdict, not as a confident answer.
import { describe, expect, it } from 'vitest';
import { registerPointClouds } from '../../src/index.js';
import { fromAxisAngle, multiply } from '../../src/math/pose.js';
import { BUILDS, engineFor } from '../support/engines.js';
import { bumpyPatch, flatPatch, transformCloud } from './helpers.js';

describe.each(BUILDS)('degenerate surfaces (%s build)', (build) => {
  it('reports a plane as degenerate, with its three free motions', async () => {
    const engine = await engineFor(build);
    const plane = flatPatch(build === 'debug' ? 30 : 50);
    const truth = fromAxisAngle([0, 0, 1], 0.3, [5, -3, 2]);
    const target = transformCloud(plane, truth);
    // Start off in every direction: tilted, shifted along and across the plane.
    const start = multiply(fromAxisAngle([1, 1, 0].map((v) => v / Math.SQRT2), 0.1, [4, 4, 3]), truth);
    const r = registerPointClouds(engine, plane, target, { initial: start });
    expect(r.verdict).toBe('degenerate');
    expect(r.conditioning.degenerate).toBe(true);
    const ev = r.conditioning.eigenvalues;
    expect(ev[0]).toBeLessThan(1e-6);
    expect(ev[1]).toBeLessThan(1e-6);
    expect(ev[2]).toBeLessThan(1e-6);
    expect(ev[3]).toBeGreaterThan(0.05);
    // The weak motion lies in the plane's free motions: no tilt about x or y, no move along z
    // (in target coordinates the plane's normal is still +z).
    const w = r.conditioning.weakMotion;
    expect(Math.abs(w.rotation[0]) + Math.abs(w.rotation[1]) + Math.abs(w.translation[2])).toBeLessThan(1e-6);
    // What the data does constrain is right: the plane itself (tilt and height) matches.
    const p = r.sourceToTarget;
    expect(Math.abs(p[10] - 1)).toBeLessThan(1e-9); // the normal maps to +z
    expect(Math.abs(p[14] - truth[14])).toBeLessThan(1e-6);
  });

  it('reports a well-shaped surface as well conditioned', async () => {
    const engine = await engineFor(build);
    const patch = bumpyPatch({ n: build === 'debug' ? 30 : 50 });
    const truth = fromAxisAngle([0, 0, 1], 0.3, [5, -3, 2]);
    const r = registerPointClouds(engine, patch, transformCloud(patch, truth), { initial: truth });
    expect(r.conditioning.degenerate).toBe(false);
    expect(r.conditioning.ratio).toBeGreaterThan(0.02);
  });
});
