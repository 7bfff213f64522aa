// The scan-quality kernels against the slow reference (tests/reference/quality-regions.ts) on
// seeded damaged grids (triangles removed, duplicated, flipped), on both builds; counts agree
// with meshInfo.
import { describe, expect, it } from 'vitest';
import type { Mesh } from '../../src/index.js';
import { meshInScope } from '../../src/mesh/mesh-in-scope.js';
import { componentsInScope, edgesInScope, type MeshRegion } from '../../src/quality/mesh-regions.js';
import { referenceComponents, referenceEdges, type ReferenceRegion } from '../reference/quality-regions.js';
import { BUILDS, engineFor } from '../support/engines.js';
import { rng } from '../support/meshes.js';
import { gridPatch } from '../niri/scenes.js';

/** A wavy grid with triangles dropped (holes, islands), some duplicated on a third vertex (fins) and some flipped. */
function damagedGrid(seed: number, n = 30): Mesh {
  const r = rng(seed);
  const g = gridPatch(0, 0, 0, n, 0.3);
  for (let i = 2; i < g.positions.length; i += 3) g.positions[i] = 0.2 * Math.sin(g.positions[i - 2]) * Math.cos(1.3 * g.positions[i - 1]);
  const out: number[] = [];
  for (let t = 0; t < g.indices.length; t += 3) {
    const [a, b, c] = [g.indices[t], g.indices[t + 1], g.indices[t + 2]];
    const x = r();
    if (x < 0.08) continue; // dropped
    if (x < 0.1) { out.push(a, c, b); continue; } // flipped
    out.push(a, b, c);
    if (x > 0.99) out.push(a, b, (c + 7 * n + 3) % (n * n)); // a fin on edge a-b: non-manifold
  }
  return { positions: g.positions, indices: Uint32Array.from(out) };
}

function expectRegion(got: MeshRegion, want: ReferenceRegion, what: string): void {
  expect(got.count, what).toBe(want.count);
  expect(got.seedVertex, what).toBe(want.seed);
  expect(got.length).toBeCloseTo(want.length, 9);
  expect(got.area).toBeCloseTo(want.area, 9);
  for (let k = 0; k < 3; k++) {
    expect(got.centroid[k]).toBeCloseTo(want.centroid[k], 9);
    expect(got.bounds.min[k]).toBe(want.min[k]);
    expect(got.bounds.max[k]).toBe(want.max[k]);
    expect(got.vectorArea[k]).toBeCloseTo(want.vector[k], 9);
  }
}

describe.each(BUILDS)('quality kernels (%s build)', (build) => {
  it('edges, boundary loops and components match the reference on damaged grids', async () => {
    const engine = await engineFor(build);
    for (const seed of [1, 2, 3, 4]) {
      const mesh = damagedGrid(seed);
      const want = referenceEdges(mesh);
      const wantParts = referenceComponents(mesh);
      const mask = Uint8Array.from({ length: mesh.indices.length / 3 }, (_, t) => (t % 3 === 0 ? 1 : 0));
      const wantMasked = referenceComponents(mesh, mask);
      engine.wasm.scope('test', (s) => {
        const m = meshInScope(s, 'test', mesh);
        // Small capacities force the retry path.
        const e = edgesInScope(s, 'test', m, 1, 1);
        expect(e.edgeCount).toBe(want.edgeCount);
        expect(e.boundaryEdgeCount).toBe(want.boundary);
        expect(e.misorientedEdgeCount).toBe(want.misoriented);
        expect(e.nonManifoldEdgeCount).toBe(want.nonManifold.length);
        expect(Array.from(e.nonManifoldEdges)).toEqual(want.nonManifold.flat());
        expect(e.loops.length).toBe(want.loops.length);
        e.loops.forEach((l, k) => expectRegion(l, want.loops[k], `seed ${seed} loop ${k}`));
        const parts = componentsInScope(s, m, 0, 1);
        expect(parts.components.length).toBe(wantParts.length);
        parts.components.forEach((c, k) => expectRegion(c, wantParts[k], `seed ${seed} component ${k}`));
        const masked = componentsInScope(s, m, s.input(mask), 2);
        expect(masked.selectedTriangleCount).toBe(mask.reduce((a, b) => a + b, 0));
        expect(masked.components.length).toBe(wantMasked.length);
        masked.components.forEach((c, k) => expectRegion(c, wantMasked[k], `seed ${seed} masked component ${k}`));
      });
      const info = engine.meshInfo(mesh);
      expect(want.loops.length).toBe(info.boundaryLoopCount);
      expect(wantParts.length).toBe(info.componentCount);
      expect(want.nonManifold.length).toBe(info.nonManifoldEdgeCount);
      expect(want.nonManifold.length).toBeGreaterThan(0);
      expect(want.misoriented).toBeGreaterThan(0);
      expect(want.loops.length).toBeGreaterThan(3);
    }
  });

  it('a square hole in a flat grid: perimeter 4 x side, spanned area side^2, centroid at its centre', async () => {
    const engine = await engineFor(build);
    const g = gridPatch(0, 0, 0, 11, 0.5); // 5 x 5 mm
    // Drop the 2 x 2 cells with lower corner (2, 2) .. (3, 3) mm (cells 4..5 in both directions).
    const kept: number[] = [];
    for (let t = 0; t < g.indices.length / 3; t++) {
      const cell = Math.floor(t / 2), i = cell % 10, j = Math.floor(cell / 10);
      if (i >= 4 && i <= 5 && j >= 4 && j <= 5) continue;
      kept.push(...g.indices.subarray(3 * t, 3 * t + 3));
    }
    const mesh = { positions: g.positions, indices: Uint32Array.from(kept) };
    engine.wasm.scope('test', (s) => {
      const e = edgesInScope(s, 'test', meshInScope(s, 'test', mesh));
      expect(e.loops.length).toBe(2);
      const [outer, hole] = e.loops; // ascending smallest vertex: the outer border holds vertex 0
      expect(outer.length).toBeCloseTo(20, 5);
      expect(outer.area).toBeCloseTo(25, 5);
      expect(hole.length).toBeCloseTo(4, 5);
      expect(hole.area).toBeCloseTo(1, 5);
      expect(hole.centroid[0]).toBeCloseTo(2.5, 5);
      expect(hole.centroid[1]).toBeCloseTo(2.5, 5);
      expect(hole.bounds.min.slice(0, 2)).toEqual([2, 2]);
      expect(hole.bounds.max.slice(0, 2)).toEqual([3, 3]);
      // The outer border runs counter-clockwise seen from +z (the surface's side); the hole clockwise.
      expect(outer.vectorArea[2]).toBeCloseTo(25, 5);
      expect(hole.vectorArea[2]).toBeCloseTo(-1, 5);
    });
  });
});
