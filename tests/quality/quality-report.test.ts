// qualityReport: holes, the open border, fragments, non-manifold edges, low-confidence regions and
// the verdict on hand-built meshes with known answers.
import { describe, expect, it } from 'vitest';
import { qualityReport, ScanfuseError, type Mesh } from '../../src/index.js';
import { BUILDS, engineFor } from '../support/engines.js';
import { box } from '../support/meshes.js';
import { gridPatch, merge } from '../niri/scenes.js';

/** A 10 x 10 mm grid (0.5 mm) with square holes of `cells` x `cells` cells at the given lower-left cells. */
function gridWithHoles(holes: Array<{ i: number; j: number; cells: number }>): Mesh {
  const g = gridPatch(0, 0, 0, 21, 0.5);
  const kept: number[] = [];
  for (let t = 0; t < g.indices.length / 3; t++) {
    const cell = Math.floor(t / 2), i = cell % 20, j = Math.floor(cell / 20);
    if (holes.some((h) => i >= h.i && i < h.i + h.cells && j >= h.j && j < h.j + h.cells)) continue;
    kept.push(...g.indices.subarray(3 * t, 3 * t + 3));
  }
  return { positions: g.positions, indices: Uint32Array.from(kept) };
}

describe.each(BUILDS)('qualityReport (%s build)', (build) => {
  it('a clean open patch is ready: its border is the open border, no holes, one component', async () => {
    const engine = await engineFor(build);
    const r = qualityReport(engine, gridPatch(0, 0, 0, 21, 0.5));
    expect(r.verdict).toBe('ready');
    expect(r.reasons).toEqual([]);
    expect(r.warnings).toEqual([]);
    expect(r.border?.perimeter).toBeCloseTo(40, 6);
    expect(r.border?.spannedArea).toBeCloseTo(100, 6);
    expect(r.holeCount).toBe(0);
    expect(r.componentCount).toBe(1);
    expect(r.area).toBeCloseTo(100, 6);
    expect(r.lowConfidence).toBeNull();
  });

  it('finds a large hole (rescan, with where) and small holes (warning)', async () => {
    const engine = await engineFor(build);
    // A 1.5 x 1.5 mm hole (2.25 mm^2) at (2..3.5, 6..7.5) and two 0.5 x 0.5 mm holes.
    const mesh = gridWithHoles([{ i: 4, j: 12, cells: 3 }, { i: 14, j: 4, cells: 1 }, { i: 16, j: 16, cells: 1 }]);
    const r = qualityReport(engine, mesh);
    expect(r.verdict).toBe('needsRescan');
    expect(r.holeCount).toBe(3);
    expect(r.holes[0].spannedArea).toBeCloseTo(2.25, 6);
    expect(r.holes[0].perimeter).toBeCloseTo(6, 6);
    expect(r.holes[0].normal[2]).toBeCloseTo(-1, 6);
    expect(r.holes[1].spannedArea).toBeCloseTo(0.25, 6);
    const hole = r.reasons.find((x) => x.kind === 'hole')!;
    expect(hole.severity).toBe('rescan');
    expect(hole.count).toBe(1);
    expect(hole.where[0].centroid[0]).toBeCloseTo(2.75, 6);
    expect(hole.where[0].centroid[1]).toBeCloseTo(6.75, 6);
    expect(hole.where[0].bounds).toEqual({ min: [2, 6, 0], max: [3.5, 7.5, 0] });
    const small = r.warnings.find((x) => x.kind === 'smallHoles')!;
    expect(small.count).toBe(2);
    // A higher limit: the same hole is only a warning.
    const relaxed = qualityReport(engine, mesh, { maxHoleArea: 3 });
    expect(relaxed.verdict).toBe('ready');
    expect(relaxed.warnings.find((x) => x.kind === 'smallHoles')!.count).toBe(3);
    // openBorder false: the outer border counts as a (huge) hole.
    const closedModel = qualityReport(engine, mesh, { openBorder: false });
    expect(closedModel.border).toBeNull();
    expect(closedModel.holeCount).toBe(4);
    expect(closedModel.holes[0].spannedArea).toBeCloseTo(100, 6);
  });

  it('finds detached parts (rescan) and loose fragments (warning), largest first', async () => {
    const engine = await engineFor(build);
    const main = gridPatch(0, 0, 0, 21, 0.5);
    const detached = gridPatch(20, 0, 0, 9, 0.5); // 4 x 4 mm = 16 mm^2
    const crumb = gridPatch(-5, -5, 0, 2, 0.3); // 0.09 mm^2
    const r = qualityReport(engine, merge(main, crumb, detached));
    expect(r.componentCount).toBe(3);
    expect(r.mainComponent?.area).toBeCloseTo(100, 6);
    expect(r.fragments.map((f) => f.area)).toEqual([expect.closeTo(16, 6), expect.closeTo(0.09, 6)]);
    expect(r.verdict).toBe('needsRescan');
    const part = r.reasons.find((x) => x.kind === 'detachedPart')!;
    expect(part.count).toBe(1);
    expect(part.where[0].centroid.slice(0, 2).map((x) => Math.round(x * 1e6) / 1e6)).toEqual([22, 2]);
    expect(r.warnings.find((x) => x.kind === 'looseFragments')!.count).toBe(1);
    expect(r.boundaryLoopCount).toBe(3);
  });

  it('lists non-manifold and misoriented edges as warnings', async () => {
    const engine = await engineFor(build);
    const g = gridPatch(0, 0, 0, 5, 1);
    const apex = g.positions.length / 3;
    const positions = new Float32Array([...g.positions, 0.5, 0.5, 1]);
    // A fin on the inner diagonal (0, 6) of the first cell: a third triangle on it. And triangle 2 flipped.
    const indices = Uint32Array.from([...g.indices, 0, 6, apex]);
    [indices[7], indices[8]] = [indices[8], indices[7]];
    const r = qualityReport(engine, { positions, indices });
    expect(r.edges.nonManifold).toBe(1);
    expect(r.nonManifoldEdges).toEqual([{ vertices: [0, 6], midpoint: [0.5, 0.5, 0] }]);
    expect(r.edges.misoriented).toBeGreaterThan(0);
    expect(r.warnings.map((w) => w.kind)).toEqual(expect.arrayContaining(['nonManifold', 'misoriented']));
    expect(r.verdict).toBe('ready');
  });

  it('maps low-confidence regions from the confidence attribute', async () => {
    const engine = await engineFor(build);
    const g = gridPatch(0, 0, 0, 21, 0.5);
    const v = g.positions.length / 3;
    const confidence = new Float32Array(v).fill(10);
    for (let i = 0; i < v; i++) {
      const x = g.positions[3 * i], y = g.positions[3 * i + 1];
      if (x >= 6 && x <= 8 && y >= 6 && y <= 8) confidence[i] = 0.5; // 2 x 2 mm grey patch (its ring of triangles averages lower too)
      if (x === 1 && y === 1) confidence[i] = Number.NaN; // a single unobserved vertex
    }
    const mesh = { ...g, vertexAttributes: { confidence: { array: confidence, itemSize: 1 } } };
    const r = qualityReport(engine, mesh);
    expect(r.lowConfidence).not.toBeNull();
    const low = r.lowConfidence!;
    expect(low.regionCount).toBe(1);
    // Triangles whose corner mean is < 2: all 4 x 4 cells of the patch (mean 0.5): 4 mm^2.
    expect(low.area).toBeCloseTo(4, 6);
    expect(low.fraction).toBeCloseTo(0.04, 6);
    expect(r.verdict).toBe('needsRescan');
    expect(r.reasons[0].kind).toBe('lowConfidence');
    expect(r.reasons[0].where[0].centroid.slice(0, 2).map((x) => Math.round(x * 1e6) / 1e6)).toEqual([7, 7]);
    // A threshold of 8 also takes the triangles around the patch and the NaN vertex's (NaN counts as 0).
    const strict = qualityReport(engine, mesh, { confidenceThreshold: 8, maxLowConfidenceArea: 100 });
    expect(strict.lowConfidence!.regionCount).toBe(2);
    expect(strict.verdict).toBe('ready');
    expect(strict.warnings[0].kind).toBe('lowConfidence');
  });

  it('agrees with meshInfo on a closed box, and says an empty mesh needs a rescan', async () => {
    const engine = await engineFor(build);
    const r = qualityReport(engine, box(2, 3, 4));
    expect(r.verdict).toBe('ready');
    expect(r.border).toBeNull();
    expect(r.edges).toEqual({ total: 18, boundary: 0, nonManifold: 0, misoriented: 0 });
    expect(r.area).toBeCloseTo(2 * (6 + 8 + 12), 6);
    const empty = qualityReport(engine, { positions: new Float32Array(0), indices: new Uint32Array(0) });
    expect(empty.verdict).toBe('needsRescan');
    expect(empty.reasons[0].kind).toBe('empty');
  });
});

describe('qualityReport arguments', () => {
  it('rejects malformed meshes and options with INVALID_ARGUMENT', async () => {
    const engine = await engineFor('release');
    const g = gridPatch(0, 0, 0, 3, 1);
    const code = (fn: () => unknown) => { try { fn(); } catch (e) { return (e as ScanfuseError).code; } return 'no error'; };
    expect(code(() => qualityReport(engine, { positions: g.positions, indices: Uint32Array.of(0, 1, 99) }))).toBe('INVALID_ARGUMENT');
    expect(code(() => qualityReport(engine, g, { maxHoleArea: -1 }))).toBe('INVALID_ARGUMENT');
    expect(code(() => qualityReport(engine, g, { openBorder: 'yes' as never }))).toBe('INVALID_ARGUMENT');
    expect(code(() => qualityReport(engine, { ...g, vertexAttributes: { confidence: { array: new Float32Array(18), itemSize: 2 } } }))).toBe('INVALID_ARGUMENT');
    expect(code(() => qualityReport(null as never, g))).toBe('INVALID_ARGUMENT');
  });
});
