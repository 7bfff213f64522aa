// Incremental extraction: meshUpdates() returns the chunks changed since the previous call; the
// latest version of every chunk, put together, is exactly extractMesh().
import { describe, expect, it } from 'vitest';
import type { Engine, Mesh } from '../../src/index.js';
import { createTsdfVolume, type MeshChunkUpdate, type TsdfVolume } from '../../src/fusion/tsdf-volume.js';
import type { CameraIntrinsics } from '../../src/camera/intrinsics.js';
import { renderMesh } from '../../src/camera/render-mesh.js';
import { lookAt } from '../../src/math/pose.js';
import { BUILDS, engineFor } from '../support/engines.js';
import { quad, triangleKeys } from './helpers.js';
import { DEPTH_RANGE, SMALL_CAMERA, SPHERE_AND_PLANE_POSES, renderScene } from './scenes.js';

/** Applies updates to a viewer's chunk map (null removes the chunk). */
function apply(chunks: Map<string, Mesh>, updates: MeshChunkUpdate[]): void {
  for (const u of updates) {
    if (u.mesh) chunks.set(u.key, u.mesh);
    else chunks.delete(u.key);
  }
}

/** Asserts that the chunks' triangles (as position triples) are, as a multiset, those of extractMesh(). */
function expectSameSurface(chunks: Map<string, Mesh>, volume: TsdfVolume): void {
  const fromChunks = [...chunks.values()].flatMap(triangleKeys).sort();
  const whole = triangleKeys(volume.extractMesh()).sort();
  expect(fromChunks.length).toBe(whole.length);
  const firstDifference = fromChunks.findIndex((t, i) => t !== whole[i]);
  expect(firstDifference, `first differing triangle: ${fromChunks[firstDifference]} vs ${whole[firstDifference]}`).toBe(-1);
}

function expectWellFormed(updates: MeshChunkUpdate[], chunkBlocks: number): void {
  expect(new Set(updates.map((u) => u.key)).size).toBe(updates.length);
  for (const u of updates) {
    expect(u.key).toBe(u.chunk.join(','));
    if (u.mesh) {
      expect(u.mesh.indices.length).toBeGreaterThan(0);
      // Every vertex lies in the chunk or on its upper border (cubes reach one voxel into the next chunk).
      const side = chunkBlocks * 8 * 0.125;
      let outside = 0;
      for (let i = 0; i < u.mesh.positions.length; i++) {
        const lo = u.chunk[i % 3] * side;
        if (!(u.mesh.positions[i] >= lo && u.mesh.positions[i] <= lo + side + 0.125)) outside++;
      }
      expect(outside, `coordinates outside chunk ${u.key}`).toBe(0);
    }
  }
}

describe.each(BUILDS)('TsdfVolume.meshUpdates (%s build)', (build) => {
  it('first call: every chunk; after a frame in one corner: only the chunks it touched; always the whole surface', async () => {
    const engine = await engineFor(build);
    const volume = createTsdfVolume(engine, { voxelSize: 0.125, chunkBlocks: 2 });
    try {
      const chunks = new Map<string, Mesh>();
      for (const pose of SPHERE_AND_PLANE_POSES.slice(0, 4)) volume.integrate({ depth: renderScene(engine, pose) }, SMALL_CAMERA, pose, DEPTH_RANGE);
      const first = volume.meshUpdates();
      expectWellFormed(first, 2);
      expect(first.length).toBeGreaterThan(20);
      expect(first.every((u) => u.mesh !== null)).toBe(true);
      apply(chunks, first);
      expectSameSurface(chunks, volume);
      // Nothing changed: nothing to send.
      expect(volume.meshUpdates()).toEqual([]);

      // A narrow camera 6 mm in front of the plane's corner at (4, -3.5, -4.7).
      const corner: CameraIntrinsics = { width: 64, height: 48, fx: 150, fy: 150, cx: 31.5, cy: 23.5 };
      const pose = lookAt([4.5, -5, 1], [4, -3.5, -4.7], [0, 1, 0]);
      const r = volume.integrate({ depth: renderScene(engine, pose, corner) }, corner, pose, DEPTH_RANGE);
      expect(r.updatedVoxels).toBeGreaterThan(0);
      const second = volume.meshUpdates();
      expectWellFormed(second, 2);
      expect(second.length).toBeGreaterThan(0);
      // Measured: 3 of 58 chunks, (0..2, -2, -3), near the corner's chunk (2, -2, -3) (a changed block
      // also dirties the chunks of its lower neighbours, whose border cubes read it).
      expect(second.length).toBeLessThan(chunks.size / 4);
      for (const u of second) expect(Math.max(...u.chunk.map((c, k) => Math.abs(c - [2, -2, -3][k]))), u.key).toBeLessThanOrEqual(2);
      apply(chunks, second);
      expectSameSurface(chunks, volume);
    } finally {
      volume.dispose();
    }
  });

  it('sends a chunk whose surface moved out of it as mesh null', async () => {
    const engine = await engineFor(build);
    // A plate facing a camera above it, at z = 1.1 (in blocks of z 1..2 mm), then moved to z = 0.7:
    // one observation each, so the fused surface settles halfway, below z = 1 (blocks of z 0..1 mm).
    const plate = (z: number) => quad([-3, -3, z], [3, -3, z], [3, 3, z], [-3, 3, z]);
    const pose = lookAt([0.1, 0.2, 12], [0.1, 0.2, 0], [0, 1, 0]);
    const volume = createTsdfVolume(engine, { voxelSize: 0.125, chunkBlocks: 1 });
    try {
      const chunks = new Map<string, Mesh>();
      volume.integrate({ depth: renderMesh(engine, plate(1.1), SMALL_CAMERA, pose).depth }, SMALL_CAMERA, pose, DEPTH_RANGE);
      const first = volume.meshUpdates();
      apply(chunks, first);
      expectSameSurface(chunks, volume);
      expect(first.filter((u) => u.chunk[2] === 1).length).toBeGreaterThan(10);

      volume.integrate({ depth: renderMesh(engine, plate(0.7), SMALL_CAMERA, pose).depth }, SMALL_CAMERA, pose, DEPTH_RANGE);
      const second = volume.meshUpdates();
      expectWellFormed(second, 1);
      const emptied = second.filter((u) => u.mesh === null);
      expect(emptied.length).toBeGreaterThanOrEqual(16);
      // Only chunks the viewer has can be emptied.
      for (const u of emptied) expect(chunks.has(u.key)).toBe(true);
      apply(chunks, second);
      // Away from the plate's rim (where frame 2 need not re-observe frame 1's last voxels), the surface left the z 1..2 mm layer.
      const interior = (key: string) => { const [x, y, z] = key.split(',').map(Number); return z === 1 && x >= -2 && x <= 1 && y >= -2 && y <= 1; };
      expect(first.filter((u) => interior(u.key)).length).toBe(16);
      expect([...chunks.keys()].filter(interior)).toEqual([]);
      expectSameSurface(chunks, volume);
    } finally {
      volume.dispose();
    }
  });
});
