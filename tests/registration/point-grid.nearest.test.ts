// The point grid's nearest / k-nearest queries (cloud_grid_build, cloud_knn through
// nearestNeighbours) against a brute-force reference, on the release and debug cores.
import { describe, expect, it } from 'vitest';
import { isScanfuseError, nearestNeighbours } from '../../src/index.js';
import { BUILDS, engineFor } from '../support/engines.js';
import { rng } from './helpers.js';
import { bruteForceKnn } from './reference.js';

/** Random points: a uniform box, a dense cluster, a far-away few and a thin sheet. */
function mixedPoints(seed: number, count: number): Float32Array {
  const r = rng(seed);
  const p = new Float32Array(count * 3);
  for (let i = 0; i < count; i++) {
    const kind = i % 4;
    let x, y, z;
    if (kind === 0) { x = r() * 50; y = r() * 50; z = r() * 50; }
    else if (kind === 1) { x = 20 + r() * 0.5; y = 20 + r() * 0.5; z = 20 + r() * 0.5; }
    else if (kind === 2) { x = -500 + r() * 1000; y = -500 + r() * 1000; z = 1000 + r(); }
    else { x = r() * 50; y = r() * 50; z = 10 + 0.01 * r(); }
    p.set([x, y, z], i * 3);
  }
  return p;
}

function expectSame(actual: { indices: Int32Array; distances: Float32Array }, expected: { indices: Int32Array; distances: Float32Array }) {
  // Distances bit for bit (same f32 arithmetic); indices too (random data: no ties).
  expect(Array.from(actual.distances)).toEqual(Array.from(expected.distances));
  expect(Array.from(actual.indices)).toEqual(Array.from(expected.indices));
}

describe.each(BUILDS)('nearestNeighbours (%s build)', (build) => {
  const cheap = build === 'debug';
  const points = mixedPoints(11, cheap ? 600 : 3000);
  const queries = mixedPoints(12, cheap ? 200 : 1000);
  // Queries also exactly on points and between clusters.
  queries.set(points.subarray(0, 30), 0);

  it.each([
    ['k = 1, no limit, automatic cells', { k: 1 }],
    ['k = 1, within 2 mm, cells of 2 mm', { k: 1, maxDistance: 2 }],
    ['k = 1, within 5 mm, tiny cells (many shells)', { k: 1, maxDistance: 5, cellSize: 0.7 }],
    ['k = 8, within 6 mm', { k: 8, maxDistance: 6 }],
    ['k = 8, no limit, huge cells', { k: 8, cellSize: 400 }],
    ['k = 30, within 3 mm, small cells', { k: 30, maxDistance: 3, cellSize: 0.9 }],
  ] as const)('matches brute force: %s', async (_name, options) => {
    const engine = await engineFor(build);
    const r = nearestNeighbours(engine, points, queries, options);
    const ref = bruteForceKnn(points, queries, options.k, 'maxDistance' in options ? options.maxDistance : Infinity);
    expectSame(r, ref);
    expect(r.foundCount).toBe(Array.from({ length: queries.length / 3 }, (_, i) => ref.indices[i * options.k] >= 0).filter(Boolean).length);
  });

  it('skips non-finite points and finds nothing for non-finite queries', async () => {
    const engine = await engineFor(build);
    const pts = new Float32Array([0, 0, 0, NaN, 0, 0, 1, 1, 1, Infinity, 2, 2, 3, 0, 0]);
    const q = new Float32Array([0.1, 0, 0, NaN, 1, 1, 2.9, 0, 0.1, 1e6, 0, 0]);
    const r = nearestNeighbours(engine, pts, q, { k: 2 });
    expect(Array.from(r.indices)).toEqual([0, 2, -1, -1, 4, 2, 4, 2]);
    expect(r.distances[2]).toBe(Infinity);
    expect(r.distances[0]).toBeCloseTo(0.1, 6);
    expect(r.foundCount).toBe(3);
  });

  it('handles an empty point set and queries far outside the occupied cells', async () => {
    const engine = await engineFor(build);
    const empty = nearestNeighbours(engine, new Float32Array(0), new Float32Array([1, 2, 3]));
    expect(Array.from(empty.indices)).toEqual([-1]);
    const one = nearestNeighbours(engine, new Float32Array([5, 5, 5]), new Float32Array([1e6, -1e6, 3, 5, 5, 5.5]), { cellSize: 1 });
    expect(Array.from(one.indices)).toEqual([0, 0]);
    expect(one.distances[1]).toBeCloseTo(0.5, 6);
    const limited = nearestNeighbours(engine, new Float32Array([5, 5, 5]), new Float32Array([1e6, -1e6, 3]), { maxDistance: 10 });
    expect(Array.from(limited.indices)).toEqual([-1]);
  });

  it('counts a point exactly at maxDistance as within it', async () => {
    const engine = await engineFor(build);
    const r = nearestNeighbours(engine, new Float32Array([0, 0, 0, 4, 0, 0]), new Float32Array([0, 3, 0, 0, 3.0001, 0]), { maxDistance: 3 });
    expect(Array.from(r.indices)).toEqual([0, -1]);
  });

  it('rejects bad arguments with INVALID_ARGUMENT', async () => {
    const engine = await engineFor(build);
    const bad = (fn: () => unknown) => {
      let error: unknown;
      try { fn(); } catch (e) { error = e; }
      expect(isScanfuseError(error, 'INVALID_ARGUMENT'), String(error)).toBe(true);
    };
    bad(() => nearestNeighbours(engine, new Float32Array(4), new Float32Array(3)));
    bad(() => nearestNeighbours(engine, new Float32Array(3), new Float32Array(3), { k: 0 }));
    bad(() => nearestNeighbours(engine, new Float32Array(3), new Float32Array(3), { k: 2000 }));
    bad(() => nearestNeighbours(engine, new Float32Array(3), new Float32Array(3), { maxDistance: -1 }));
    bad(() => nearestNeighbours(engine, new Float32Array(3), new Float32Array(3), { cellSize: 0 }));
  });
});
