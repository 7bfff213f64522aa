// completeness(): covered share of the reference area, from stratified seeded samples.
import { describe, expect, it } from 'vitest';
import { completeness, isScanfuseError, type Mesh } from '../../src/index.js';
import { BUILDS, engineFor } from '../support/engines.js';
import { icosphere, plane, scaled } from './helpers.js';

describe.each(BUILDS)('completeness (%s build)', (build) => {
  it('scores identical meshes as 100%', async () => {
    const engine = await engineFor(build);
    const sphere = icosphere(3, 10);
    const r = completeness(engine, sphere, sphere);
    expect(r.completeness).toBe(1);
    expect(r.coveredSampleCount).toBe(r.sampleCount);
    expect(r.sampleCount).toBe(200_000);
    expect(r.thresholdUm).toBe(50);
    expect(r.standardError).toBe(0);
  });

  it('scores a reconstruction that misses half of a plane as 50% (+ the 50 µm band along the cut)', async () => {
    // Reference: the 10 x 10 mm plane. Reconstruction: its half x <= 5. Reference points with
    // x <= 5.05 lie within 50 µm of it, so the exact covered share is 5.05 / 10 = 0.505. With
    // 200,000 stratified samples only the strata that straddle the line x = 5.05 can err (about
    // 0.3% of them), and the standard error is below sqrt(0.25 / 200,000) = 0.0011: we allow
    // 0.002 around 0.505, i.e. 50% within 0.7 percentage points.
    const engine = await engineFor(build);
    const r = completeness(engine, plane({ x1: 5, nx: 10 }), plane({ nx: 40, ny: 40 }));
    expect(Math.abs(r.completeness - 0.505)).toBeLessThan(0.002);
    expect(r.referenceAreaMm2).toBeCloseTo(100, 9);
    expect(r.coveredAreaMm2).toBeCloseTo(r.completeness * 100, 12);
    expect(r.standardError).toBeLessThan(0.0012);
    // A 1 nm threshold leaves the missing half out (a threshold of 0 would also drop covered
    // samples: their distance is a rounding error of about 1e-15 mm, not 0).
    const strict = completeness(engine, plane({ x1: 5, nx: 10 }), plane({ nx: 40, ny: 40 }), { thresholdUm: 0.001 });
    expect(Math.abs(strict.completeness - 0.5)).toBeLessThan(0.002);
  });

  it('is deterministic for a seed and varies with it', async () => {
    const engine = await engineFor(build);
    const recon = plane({ x1: 3.3, nx: 7 });
    const ref = plane({ nx: 13, ny: 9 });
    const a = completeness(engine, recon, ref, { samples: 5000, seed: 3 });
    const b = completeness(engine, recon, ref, { samples: 5000, seed: 3 });
    const c = completeness(engine, recon, ref, { samples: 5000, seed: 4 });
    expect(b).toEqual(a);
    expect(c.coveredSampleCount).not.toBe(a.coveredSampleCount);
    for (const x of [a, c]) expect(Math.abs(x.completeness - 0.335)).toBeLessThan(0.002);
  });

  it('scores a sphere against its copy scaled by 1.01: 0% at 50 µm, 100% at 150 µm', async () => {
    // Every reference point x has s x on the scaled sphere, (s - 1)|x| <= 100 µm away, and no
    // point of the scaled polyhedron is nearer than (s - 1) times the smallest face distance
    // from the centre (> 9.9 mm here): so all samples lie between 99 and 100 µm from it.
    const engine = await engineFor(build);
    const sphere = icosphere(3, 10);
    const big = scaled(sphere, 1.01);
    expect(completeness(engine, big, sphere).completeness).toBe(0);
    expect(completeness(engine, big, sphere, { thresholdUm: 150 }).completeness).toBe(1);
  });

  it('measures a point-cloud reconstruction by its points', async () => {
    const engine = await engineFor(build);
    // Points every 0.05 mm along the line y = 5 of the plane: only the band |y - 5| <= 0.05 of the
    // 10 x 10 plane (1%) is within 50 µm.
    const n = 201;
    const positions = new Float32Array(n * 3);
    for (let i = 0; i < n; i++) positions.set([i * 0.05, 5, 0], 3 * i);
    const cloud: Mesh = { positions, indices: new Uint32Array(0) };
    const r = completeness(engine, cloud, plane());
    expect(r.completeness).toBeGreaterThan(0.0085);
    expect(r.completeness).toBeLessThan(0.0101);
  });

  it('rejects misuse with INVALID_ARGUMENT', async () => {
    const engine = await engineFor(build);
    const invalid = (fn: () => unknown) => {
      try { fn(); } catch (e) { expect(isScanfuseError(e, 'INVALID_ARGUMENT'), String(e)).toBe(true); return; }
      throw new Error('did not throw');
    };
    invalid(() => completeness(engine, plane(), plane(), { samples: 0 }));
    invalid(() => completeness(engine, plane(), plane(), { samples: 1.5 }));
    invalid(() => completeness(engine, plane(), plane(), { thresholdUm: -1 }));
    invalid(() => completeness(engine, plane(), plane(), { seed: 0.5 }));
    invalid(() => completeness(engine, plane(), { positions: new Float32Array(9), indices: new Uint32Array(0) })); // no area
    invalid(() => completeness(engine, plane(), { positions: new Float32Array(9), indices: new Uint32Array([0, 1, 2]) })); // zero area
    invalid(() => completeness(engine, plane(), { positions: new Float32Array(9), indices: new Uint32Array([0, 1, 5]) }));
  });
});
