// Determinism: volumes fed the same realistic (noisy, simulated intraoral) frames hold identical
// voxels and extract identical mesh bytes, within a core and across the release and debug cores.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/index.js';
import { createTsdfVolume, type IntegrateResult } from '../../src/fusion/tsdf-volume.js';
import { createScanSimulator, type SimulatedFrame } from '../../src/sim/simulator.js';
import type { CameraIntrinsics } from '../../src/camera/intrinsics.js';
import { engineFor } from '../support/engines.js';
import { sha256, snapshotWithoutAddresses } from './helpers.js';

let frames: SimulatedFrame[];
let intrinsics: CameraIntrinsics;
let range: { minDepth: number; maxDepth: number };

beforeAll(async () => {
  const sim = createScanSimulator(await engineFor('release'), { archMesh: { spacing: 0.4 }, frames: 40, seed: 7 });
  try {
    frames = Array.from({ length: 5 }, (_, i) => sim.frame(8 * i));
    intrinsics = sim.intrinsics;
    range = { minDepth: sim.wand.minDepth, maxDepth: sim.wand.maxDepth };
  } finally {
    sim.dispose();
  }
});

function fuse(engine: Engine) {
  const volume = createTsdfVolume(engine, { voxelSize: 0.1, colour: true, nir: true, chunkBlocks: 4 });
  try {
    const results: IntegrateResult[] = frames.map((f) =>
      volume.integrate({ depth: f.depth, depthScale: f.depthScale, colour: f.colour, nir: f.nir }, intrinsics, f.cameraToWorld, range));
    const snapshot = volume.snapshot();
    const ply = engine.writeMesh(volume.extractMesh(), { format: 'ply' });
    const chunks = volume.meshUpdates().map((u) => `${u.key}:${u.mesh ? `${sha256(u.mesh.positions)} ${sha256(u.mesh.indices)}` : 'null'}`);
    return { results, snapshot, ply, chunks };
  } finally {
    volume.dispose();
  }
}

describe('TSDF fusion determinism', () => {
  let release: ReturnType<typeof fuse>;

  it('two volumes fed the same frames: identical snapshots (heap addresses aside), mesh bytes, chunks and results', async () => {
    const engine = await engineFor('release');
    const a = fuse(engine), b = fuse(engine);
    release = a;
    for (const r of a.results) expect(r.status).toBe('integrated');
    expect(a.results.reduce((s, r) => s + r.updatedVoxels, 0)).toBeGreaterThan(5e5);
    expect(b.results).toEqual(a.results);
    // The record holds the volume's heap addresses; everything else is bit-identical.
    expect(b.snapshot.length).toBe(a.snapshot.length);
    expect(sha256(snapshotWithoutAddresses(engine, b.snapshot))).toBe(sha256(snapshotWithoutAddresses(engine, a.snapshot)));
    expect(a.ply.length).toBeGreaterThan(1e6);
    expect(sha256(b.ply)).toBe(sha256(a.ply));
    expect(b.chunks).toEqual(a.chunks);
  });

  it('the debug core (assertions on) holds the same voxels and extracts the same bytes as the release core', async () => {
    const engine = await engineFor('debug');
    const debug = fuse(engine);
    release ??= fuse(await engineFor('release'));
    expect(debug.results).toEqual(release.results);
    expect(sha256(snapshotWithoutAddresses(engine, debug.snapshot))).toBe(sha256(snapshotWithoutAddresses(engine, release.snapshot)));
    expect(sha256(debug.ply)).toBe(sha256(release.ply));
    expect(debug.chunks).toEqual(release.chunks);
  });
});
