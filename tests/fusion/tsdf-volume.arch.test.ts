// Fusion of a short simulated intraoral sweep with ground-truth poses: the first 40 frames of the
// default protocol (occlusal sweep over the last molars of the default lower arch, 320x240 wand,
// sigma 15 µm, holes, dropouts and outliers on), fused at 0.05 mm voxels and compared with the
// simulator's reference mesh. The full arch (883 frames) and other voxel sizes are measured by
// bench/fusion-accuracy.js; this is the fast guard of the same pipeline (release build only: the
// debug core takes minutes for 40 frames at this size).
//
// Measured (release core, commit 58fbf80): trueness mean abs 1.37 µm, RMS 1.93 µm, p95 3.77 µm,
// signed mean -0.11 µm, max 25.8 µm, no vertex beyond 1 mm; 393,185 triangles; 81.8% of the
// reference area these frames observed (any valid pixel on a triangle) lies within 50 µm of the
// surface (the rest: triangles seen only at grazing angles or by a few pixels at the image border,
// which view weighting and the minimum extraction weight leave out).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completeness, trueness, type Engine, type Mesh } from '../../src/index.js';
import { createTsdfVolume } from '../../src/fusion/tsdf-volume.js';
import { createScanSimulator, type ScanSimulator } from '../../src/sim/simulator.js';
import { engineFor } from '../support/engines.js';

const FRAMES = 40;
const VOXEL = 0.05;

let engine: Engine;
let sim: ScanSimulator;
let mesh: Mesh;

beforeAll(async () => {
  engine = await engineFor('release');
  sim = createScanSimulator(engine, { frames: FRAMES });
  const volume = createTsdfVolume(engine, { voxelSize: VOXEL });
  try {
    for (let i = 0; i < FRAMES; i++) {
      const f = sim.frame(i);
      const r = volume.integrate({ depth: f.depth, depthScale: f.depthScale }, sim.intrinsics, f.cameraToWorld, { minDepth: sim.wand.minDepth, maxDepth: sim.wand.maxDepth });
      expect(r.status).toBe('integrated');
    }
    expect(volume.capacityReached).toBe(false);
    mesh = volume.extractMesh();
  } finally {
    volume.dispose();
  }
}, 60_000);

afterAll(() => sim?.dispose());

describe('TSDF fusion of a simulated intraoral sweep (40 frames, ground-truth poses, 0.05 mm voxels)', () => {
  it('sweeps the occlusal surfaces', () => {
    expect(new Set(sim.trajectory.segment)).toEqual(new Set(['occlusal']));
    expect(mesh.indices.length / 3).toBeGreaterThan(300_000);
  });

  it('lies within a few micrometres of the reference surface', () => {
    const t = trueness(engine, mesh, sim.reference);
    expect(t.beyondMaxDistanceCount).toBe(0);
    expect(t.meanAbsoluteUm).toBeLessThan(1.7); // measured 1.37
    expect(t.rmsUm).toBeLessThan(2.4); // measured 1.93
    expect(t.p95Um).toBeLessThan(4.5); // measured 3.77
    expect(Math.abs(t.signedMeanUm)).toBeLessThan(0.5); // measured -0.11: no bias
    expect(t.maxUm).toBeLessThan(35); // measured 25.8
  });

  it('covers most of the reference area the frames observed', () => {
    const frames = Array.from({ length: FRAMES }, (_, i) => i);
    const { observed } = sim.observedTriangles(frames);
    const idx: number[] = [];
    for (let k = 0; k < observed.length; k++) if (observed[k]) idx.push(sim.reference.indices[3 * k], sim.reference.indices[3 * k + 1], sim.reference.indices[3 * k + 2]);
    const seen: Mesh = { positions: sim.reference.positions, indices: new Uint32Array(idx) };
    const c = completeness(engine, mesh, seen, { thresholdUm: 50 });
    expect(c.referenceAreaMm2).toBeGreaterThan(350); // measured 412 mm^2
    expect(c.completeness).toBeGreaterThan(0.78); // measured 0.818
  });
});
