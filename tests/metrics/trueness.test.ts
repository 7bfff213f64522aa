// trueness(): hand-computable surfaces, the weighted statistics against their definitions, and
// the outliers that must be counted rather than dropped.
import { describe, expect, it } from 'vitest';
import { isScanfuseError, trueness, type Mesh } from '../../src/index.js';
import { BUILDS, engineFor } from '../support/engines.js';
import { icosphere, plane, rng, scaled, translated, vertexAreas, weightedPercentile } from './helpers.js';

// 0.1 mm is not a float32: the offset planes lie 0.100000001490116 mm apart, 0.0000015 µm from
// 100 µm. Tolerance 1e-4 µm.
const UM = 1e-4;

describe.each(BUILDS)('trueness (%s build)', (build) => {
  it('scores a plane offset by +0.1 mm as exactly 100 µm', async () => {
    const engine = await engineFor(build);
    const r = trueness(engine, plane({ z: 0.1 }), plane());
    for (const v of [r.meanAbsoluteUm, r.rmsUm, r.signedMeanUm, r.p50Um, r.p95Um, r.maxUm]) expect(Math.abs(v - 100)).toBeLessThan(UM);
    expect(r.evaluatedVertexCount).toBe(21 * 21);
    expect(r.totalWeight).toBeCloseTo(100, 9); // area weights sum to the 10 x 10 mm area
    expect(r.beyondMaxDistanceCount).toBe(0);
    expect(r.weighting).toBe('area');
  });

  it('scores a plane offset by -0.1 mm as 100 µm with a signed mean of -100 µm', async () => {
    const engine = await engineFor(build);
    const r = trueness(engine, plane({ z: -0.1, nx: 7, ny: 13 }), plane());
    for (const v of [r.meanAbsoluteUm, r.rmsUm, r.p50Um, r.p95Um, r.maxUm]) expect(Math.abs(v - 100)).toBeLessThan(UM);
    expect(Math.abs(r.signedMeanUm + 100)).toBeLessThan(UM);
  });

  it('scores identical meshes as 0', async () => {
    const engine = await engineFor(build);
    const sphere = icosphere(3, 10);
    const r = trueness(engine, sphere, sphere);
    expect([r.meanAbsoluteUm, r.rmsUm, r.signedMeanUm, r.p50Um, r.p95Um, r.maxUm].every((x) => x === 0)).toBe(true);
    expect(r.evaluatedVertexCount).toBe(sphere.positions.length / 3);
  });

  it('scores a sphere scaled by 1.01 against the sphere as (s - 1) R = 100 µm outside', async () => {
    // Each scaled vertex s v lies on the ray through the reference vertex v, and for a convex
    // polyhedron inscribed in the sphere |x| <= R, v is the nearest point to s v: the distance is
    // (s - 1) |v| = 0.1 mm exactly, up to float32 rounding of the positions (~1e-6 mm).
    const engine = await engineFor(build);
    const sphere = icosphere(3, 10, [3, -4, 5]);
    const r = trueness(engine, scaled(sphere, 1.01, [3, -4, 5]), sphere);
    for (const v of [r.meanAbsoluteUm, r.rmsUm, r.signedMeanUm, r.p50Um, r.p95Um, r.maxUm]) expect(Math.abs(v - 100)).toBeLessThan(0.01);
    // Inward (s < 1) the nearest points are on the faces: at most (1 - s) R, signed negative.
    const inner = trueness(engine, scaled(sphere, 0.99, [3, -4, 5]), sphere);
    expect(inner.signedMeanUm).toBeLessThan(0);
    expect(inner.maxUm).toBeLessThanOrEqual(100 + 0.01);
    expect(inner.meanAbsoluteUm).toBeGreaterThan(90);
  });

  it('counts vertices beyond maxDistance apart and keeps them out of the statistics', async () => {
    const engine = await engineFor(build);
    const recon = plane({ z: 0.1, nx: 10, ny: 10 });
    const moved = [0, 17, 60, 120];
    for (const v of moved) recon.positions[3 * v + 2] = 5; // 5 mm off: beyond the default 1 mm
    const r = trueness(engine, recon, plane());
    expect(r.beyondMaxDistanceCount).toBe(moved.length);
    expect(r.beyondMaxDistanceWeight).toBeGreaterThan(0);
    expect(r.evaluatedVertexCount).toBe(121 - moved.length);
    expect(Math.abs(r.maxUm - 100)).toBeLessThan(UM);
    expect(Math.abs(r.meanAbsoluteUm - 100)).toBeLessThan(UM);
    // With a larger max distance they are measured.
    const all = trueness(engine, recon, plane(), { maxDistance: 10 });
    expect(all.beyondMaxDistanceCount).toBe(0);
    expect(all.maxUm).toBeCloseTo(5000, 6);
  });

  it('matches the formulas of its contract on an irregular mesh (area weights, weighted percentiles)', async () => {
    const engine = await engineFor(build);
    // An irregular reconstruction above the plane z = 0 (inside its footprint), random heights.
    const r = rng(41);
    const recon = plane({ x0: 1, x1: 9, y0: 1, y1: 9, nx: 15, ny: 11 });
    for (let i = 0; i < recon.positions.length; i += 3) {
      recon.positions[i] += (r() - 0.5) * 0.3;
      recon.positions[i + 1] += (r() - 0.5) * 0.3;
      recon.positions[i + 2] = (r() - 0.3) * 0.4;
    }
    const unused = recon.positions.length / 3;
    const withUnused: Mesh = { positions: Float32Array.from([...recon.positions, 5, 5, 0.7]), indices: recon.indices };
    const result = trueness(engine, withUnused, plane(), { returnDistances: true });
    const d = Array.from(result.signedDistances!);
    const expectedD = Array.from({ length: unused }, (_, i) => recon.positions[3 * i + 2]);
    d.slice(0, unused).forEach((x, i) => expect(x).toBeCloseTo(expectedD[i], 12));
    const w = Array.from(vertexAreas(recon));
    const W = w.reduce((s, x) => s + x, 0);
    const sum = (f: (x: number, i: number) => number) => expectedD.reduce((s, x, i) => s + f(x, i), 0);
    expect(result.meanAbsoluteUm).toBeCloseTo((1000 * sum((x, i) => w[i] * Math.abs(x))) / W, 9);
    expect(result.rmsUm).toBeCloseTo(1000 * Math.sqrt(sum((x, i) => w[i] * x * x) / W), 9);
    expect(result.signedMeanUm).toBeCloseTo((1000 * sum((x, i) => w[i] * x)) / W, 9);
    expect(result.p50Um).toBeCloseTo(1000 * weightedPercentile(expectedD, w, 0.5), 9);
    expect(result.p95Um).toBeCloseTo(1000 * weightedPercentile(expectedD, w, 0.95), 9);
    expect(result.maxUm).toBeCloseTo(1000 * Math.max(...expectedD.map(Math.abs)), 9);
    expect(result.totalWeight).toBeCloseTo(W, 9);
    expect(result.zeroWeightVertexCount).toBe(1); // the unused vertex carries no area
    expect(result.evaluatedVertexCount).toBe(unused);
    // Uniform weights: the nearest-rank percentile.
    const uniform = trueness(engine, recon, plane(), { weighting: 'uniform' });
    const sorted = expectedD.map(Math.abs).sort((a, b) => a - b);
    expect(uniform.p50Um).toBeCloseTo(1000 * sorted[Math.ceil(0.5 * sorted.length) - 1], 9);
    expect(uniform.p95Um).toBeCloseTo(1000 * sorted[Math.ceil(0.95 * sorted.length) - 1], 9);
    expect(uniform.totalWeight).toBe(unused);
  });

  it('handles point clouds (uniform weights), non-finite vertices and empty input', async () => {
    const engine = await engineFor(build);
    const cloud: Mesh = { positions: new Float32Array([1, 1, 0.25, 2, 2, -0.5, NaN, 0, 0, 3, 3, 0.25]), indices: new Uint32Array(0) };
    const r = trueness(engine, cloud, plane());
    expect(r.weighting).toBe('uniform');
    expect(r.nonFiniteVertexCount).toBe(1);
    expect(r.evaluatedVertexCount).toBe(3);
    expect(r.meanAbsoluteUm).toBeCloseTo(1000 / 3, 9);
    expect(r.signedMeanUm).toBe(0);
    expect(r.p50Um).toBe(250);
    expect(r.maxUm).toBe(500);
    const empty = trueness(engine, { positions: new Float32Array(0), indices: new Uint32Array(0) }, plane());
    expect(empty.evaluatedVertexCount).toBe(0);
    expect(empty.meanAbsoluteUm).toBeNaN();
    expect(empty.p95Um).toBeNaN();
  });

  it('rejects misuse with INVALID_ARGUMENT', async () => {
    const engine = await engineFor(build);
    const cloud: Mesh = { positions: new Float32Array(3), indices: new Uint32Array(0) };
    const invalid = (fn: () => unknown) => {
      try { fn(); } catch (e) { expect(isScanfuseError(e, 'INVALID_ARGUMENT'), String(e)).toBe(true); return; }
      throw new Error('did not throw');
    };
    invalid(() => trueness(engine, cloud, plane(), { weighting: 'area' }));
    invalid(() => trueness(engine, plane(), plane(), { weighting: 'median' as never }));
    invalid(() => trueness(engine, plane(), plane(), { maxDistance: -2 }));
    invalid(() => trueness(engine, { positions: new Float32Array(3), indices: new Uint32Array([0, 0, 1]) }, plane()));
    invalid(() => trueness(engine, plane(), { positions: new Float64Array(9) as never, indices: new Uint32Array(3) }));
    invalid(() => trueness(engine, translated(plane(), [0, 0, 1]), { positions: new Float32Array(9), indices: new Uint32Array([0, 1, 3]) }));
  });
});
