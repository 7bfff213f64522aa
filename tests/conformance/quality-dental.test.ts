// Scan quality and TimeLapse on the real intraoral arch (Mesh_Labeler example: upper arch with
// palate, 99,999 triangles, an open border, 27 non-manifold edges, per-face tooth labels).
import { beforeAll, describe, expect, it } from 'vitest';
import { compareScans, createEngine, qualityReport, type Engine, type Mesh } from '../../src/index.js';
import { fromAxisAngle, multiply } from '../../src/math/pose.js';
import { vertexLabels } from '../../src/mesh/vertex-labels.js';
import { readData } from './corpus.js';

const ARCH = 'dental/mesh_labeler_example01/derived/';

let engine: Engine;
let stl: Mesh;
let ply: Mesh;
beforeAll(async () => {
  engine = await createEngine();
  stl = engine.readMesh(readData(`${ARCH}Example_01.stl`)).mesh;
  ply = engine.readMesh(readData(`${ARCH}Example_01_labels.ply`)).mesh;
});

describe('qualityReport on the real arch', () => {
  it('finds its 27 non-manifold edges and its open border, for the STL and the PLY alike', () => {
    for (const mesh of [stl, ply]) {
      const info = engine.meshInfo(mesh);
      const r = qualityReport(engine, mesh);
      expect(r.edges.nonManifold).toBe(27);
      expect(r.warnings.find((w) => w.kind === 'nonManifold')!.count).toBe(27);
      expect(r.nonManifoldEdges).toHaveLength(20); // maxListed
      expect(r.edges.boundary).toBe(info.boundaryEdgeCount);
      expect(r.boundaryLoopCount).toBe(info.boundaryLoopCount);
      expect(r.componentCount).toBe(info.componentCount);
      expect(r.area).toBeCloseTo(info.area, 6);
      // The open border: the loop that runs around the whole arch (312 mm, 1,278 of the 1,327 boundary edges).
      const border = r.border!;
      expect(border.edgeCount).toBeGreaterThan(0.9 * r.edges.boundary);
      expect(border.perimeter).toBeGreaterThan(250);
      const span = (b: { min: number[]; max: number[] }) => b.max[0] - b.min[0];
      expect(span(border.bounds)).toBeGreaterThan(0.95 * (info.bounds!.max[0] - info.bounds!.min[0]));
      // The rest are small holes (all under 0.1 mm^2) and two loose fragments: fixable, so ready.
      expect(r.holeCount).toBe(info.boundaryLoopCount - 1);
      expect(r.holes[0].spannedArea).toBeLessThan(0.1);
      expect(r.fragments).toHaveLength(2);
      expect(r.verdict).toBe('ready');
      // As a model that should be closed, its border is a hole that needs a rescan.
      expect(qualityReport(engine, mesh, { openBorder: false }).verdict).toBe('needsRescan');
    }
  });
});

describe('compareScans on the real arch with one tooth moved', () => {
  it('finds the moved tooth by its face label; the rest stays at zero', () => {
    const labels = vertexLabels(ply, 'label', 'test')!;
    const moved = 6;
    // The later "scan": tooth 6's vertices moved 0.15 mm along +x, then the whole arch turned 20 degrees and shifted.
    const positions = Float32Array.from(ply.positions);
    for (let i = 0; i < labels.length; i++) if (labels[i] === moved) positions[3 * i] += 0.15;
    const pose = fromAxisAngle([0, 0, 1], (20 * Math.PI) / 180, [5, -3, 2]);
    const p = positions.slice();
    for (let i = 0; i < p.length; i += 3) for (let k = 0; k < 3; k++) positions[i + k] = pose[k] * p[i] + pose[4 + k] * p[i + 1] + pose[8 + k] * p[i + 2] + pose[12 + k];
    const after: Mesh = { positions, indices: ply.indices, faceAttributes: ply.faceAttributes };
    const r = compareScans(engine, ply, after);
    const error = multiply(pose, r.alignment.afterToBefore);
    expect(Math.hypot(error[12], error[13], error[14])).toBeLessThan(0.005);
    const teeth = r.perLabel!.filter((l) => l.label !== 0);
    const most = teeth.reduce((a, b) => (b.meanAbs > a.meanAbs ? b : a));
    expect(most.label).toBe(moved);
    expect(most.maxAbs).toBeGreaterThan(0.1);
    for (const t of teeth) if (t.label !== moved) expect(t.meanAbs, `label ${t.label}`).toBeLessThan(0.01);
  });
});
