// Real frames: the 150 Augmented ICL-NUIM livingroom frames (640x480, depth in mm) fused at 10 mm
// voxels (truncation 4 voxels = 40 mm, depth up to 3 m) with Open3D's own trajectory, compared with
// the mesh Open3D's tensor VoxelBlockGrid makes from the same frames, poses and parameters
// (../shared/peers/open3d_tsdf.py, run here). Distances with our own metrics (trueness: the
// area-weighted mean distance from one mesh's vertices to the other's surface), both directions.
//
// Needs Debian's Python with Open3D: apt-get install -y python3-open3d (CI: .ci/run).
//
// Measured (Open3D 0.16.1; 239,985 triangles ours, 249,669 Open3D's):
//   ours -> Open3D, every vertex: mean 1.63 mm, RMS 3.87 mm, p95 3.44 mm, signed +0.39 mm.
//   Open3D -> ours, every vertex: mean 3.13 mm, RMS 11.7 mm. This direction also measures the
//   surface Open3D has and we do not: our integration drops grazing observations (view cosine
//   < 0.3) and depth edges, Open3D keeps them. Within 30 mm (3 voxels), which leaves out 2.3% of
//   Open3D's area (0.6% of ours the other way): Open3D -> ours mean 1.58 mm, ours -> Open3D 1.42 mm.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, trueness, type Engine, type Mesh, type TruenessResult } from '../../src/index.js';
import { FUSE_PROFILES } from '../../src/cli/fuse.js';
import { createTsdfVolume } from '../../src/fusion/tsdf-volume.js';
import { readDataset } from '../../src/node/index.js';
import { DATA_ROOT } from './corpus.js';

const DIR = fileURLToPath(new URL('rgbd/aicl_livingroom1_clean_micro/', DATA_ROOT)).replace(/\/$/, '');
const TRAJECTORY = `${DIR}/open3d_estimated_trajectory_frames_000-149.log`;
const PEER = fileURLToPath(new URL('../../../shared/peers/open3d_tsdf.py', import.meta.url));
const PYTHON = process.env.SCANFUSE_PYTHON ?? '/usr/bin/python3';
const INSTALL = 'apt-get update && apt-get install -y python3-open3d';
const FRAMES = 150;
const VOXEL = 10;
const TRUNCATION_VOXELS = 4;
const { minDepth, maxDepth } = FUSE_PROFILES.room;

let engine: Engine;
let ours: Mesh;
let open3d: Mesh;
let tmp: string;

/** Open3D's mesh of the same frames (PLY in metres), converted to mm. */
function open3dMesh(): Mesh {
  const probe = spawnSync(PYTHON, ['-c', 'import open3d'], { encoding: 'utf8', timeout: 120_000 });
  if (probe.status !== 0) {
    throw new Error(`this test needs Open3D for ${PYTHON} (${(probe.error?.message ?? probe.stderr ?? '').trim().split('\n').pop()}): install it with\n  ${INSTALL}`);
  }
  const out = join(tmp, 'open3d.ply');
  const r = spawnSync(PYTHON, [PEER, '--dataset', DIR, '--trajectory', TRAJECTORY, '--frames', String(FRAMES), '--voxel', String(VOXEL / 1000),
    '--trunc', String((TRUNCATION_VOXELS * VOXEL) / 1000), '--depth-scale', '1000', '--depth-max', String(maxDepth / 1000),
    '--repeats', '1', '--skip-legacy', '--out-mesh', out], { encoding: 'utf8', timeout: 300_000, maxBuffer: 16 << 20 });
  if (r.status !== 0) throw new Error(`${PEER} failed (${r.error?.message ?? `exit ${r.status}`}): ${(r.stderr ?? '').trim().split('\n').slice(-5).join('\n')}`);
  const mesh = engine.readMesh(readFileSync(out), { fileName: out }).mesh;
  for (let i = 0; i < mesh.positions.length; i++) mesh.positions[i] *= 1000;
  return mesh;
}

beforeAll(async () => {
  engine = await createEngine();
  tmp = mkdtempSync(join(tmpdir(), 'scanfuse-livingroom-'));
  const ds = await readDataset(DIR, { trajectory: TRAJECTORY });
  expect(ds.frameCount).toBe(FRAMES);
  const volume = createTsdfVolume(engine, { voxelSize: VOXEL, truncationVoxels: TRUNCATION_VOXELS });
  try {
    for (let i = 0; i < FRAMES; i++) {
      const f = await ds.frame(i);
      const r = volume.integrate({ depth: f.depth, depthScale: f.depthScale }, ds.intrinsics, f.cameraToWorld!, { minDepth, maxDepth });
      expect(r.status).toBe('integrated');
    }
    expect(volume.capacityReached).toBe(false);
    ours = volume.extractMesh();
  } finally {
    volume.dispose();
  }
  open3d = open3dMesh();
}, 300_000);

afterAll(() => {
  engine?.dispose();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

const mm = (um: number) => (um / 1000).toFixed(3);
const describeDistance = (t: TruenessResult) =>
  `mean ${mm(t.meanAbsoluteUm)} mm, RMS ${mm(t.rmsUm)} mm, p95 ${mm(t.p95Um)} mm, signed ${mm(t.signedMeanUm)} mm, `
  + `${((100 * t.beyondMaxDistanceWeight) / (t.totalWeight + t.beyondMaxDistanceWeight)).toFixed(2)}% of the area beyond ${t.maxDistance} mm`;

describe('livingroom frames fused at 10 mm with Open3D\'s trajectory, against Open3D\'s own mesh', () => {
  it('gives a surface of the same size as Open3D\'s', () => {
    const a = ours.indices.length / 3, b = open3d.indices.length / 3;
    expect(a).toBeGreaterThan(200_000);
    expect(a / b).toBeGreaterThan(0.85);
    expect(a / b).toBeLessThan(1.15);
  });

  it('lies within 3 mm mean distance of Open3D\'s surface (ours -> Open3D, every vertex)', () => {
    const t = trueness(engine, ours, open3d, { maxDistance: 1e4 });
    console.info(`ours -> Open3D: ${describeDistance(t)}`);
    expect(t.beyondMaxDistanceCount).toBe(0);
    expect(t.meanAbsoluteUm).toBeLessThan(3000); // measured 1.63 mm
  });

  it('covers Open3D\'s surface: Open3D -> ours within 3 mm mean over the 97% of its area within 3 voxels', () => {
    const all = trueness(engine, open3d, ours, { maxDistance: 1e4 });
    const near = trueness(engine, open3d, ours, { maxDistance: 3 * VOXEL });
    const back = trueness(engine, ours, open3d, { maxDistance: 3 * VOXEL });
    console.info(`Open3D -> ours: ${describeDistance(all)}\nOpen3D -> ours: ${describeDistance(near)}\nours -> Open3D: ${describeDistance(back)}`);
    expect(near.meanAbsoluteUm).toBeLessThan(3000); // measured 1.58 mm
    expect(near.beyondMaxDistanceWeight / (near.totalWeight + near.beyondMaxDistanceWeight)).toBeLessThan(0.03); // measured 2.3%
    expect(all.meanAbsoluteUm).toBeLessThan(3600); // measured 3.13 mm (the surface only Open3D keeps)
  });
});
