// The memory budget: a volume far too small for the scene keeps integrating without throwing,
// reports capacityReached, stops allocating at its capacity and keeps updating the blocks it has.
import { describe, expect, it } from 'vitest';
import { createTsdfVolume } from '../../src/fusion/tsdf-volume.js';
import type { CameraIntrinsics } from '../../src/camera/intrinsics.js';
import { lookAt } from '../../src/math/pose.js';
import { BUILDS, engineFor } from '../support/engines.js';
import { sphereDepth } from './helpers.js';

const CAMERA: CameraIntrinsics = { width: 320, height: 240, fx: 300, fy: 300, cx: 159.5, cy: 119.5 };
/** Cameras circling a 5 mm sphere at 20 mm; each sees ~700 blocks of 0.8 mm. */
const POSES = [0, 1, 2, 3, 4, 5].map((i) => lookAt([20 * Math.cos(i * 0.4), 3, 20 * Math.sin(i * 0.4)], [0, 0, 0], [0, 1, 0]));

describe.each(BUILDS)('TsdfVolume memory budget (%s build)', (build) => {
  it('keeps integrating at capacity: no throw, capacityReached, blockCount = capacity, existing blocks still updated', async () => {
    const engine = await engineFor(build);
    const volume = createTsdfVolume(engine, { voxelSize: 0.1, maxMemoryMiB: 1 });
    try {
      // 1 MiB / (3072 bytes of voxels + 32 of bookkeeping) per block.
      expect(volume.capacity).toBe(Math.floor(2 ** 20 / (3072 + 32)));
      expect(volume.capacityReached).toBe(false);
      const results = POSES.map((pose) => volume.integrate({ depth: sphereDepth(CAMERA, pose, [0, 0, 0], 5) }, CAMERA, pose, { minDepth: 5, maxDepth: 40 }));
      for (const r of results) expect(r.status).toBe('integrated');
      // The first frame alone needs more blocks than the budget holds.
      expect(results[0]).toMatchObject({ capacityReached: true, newBlocks: volume.capacity });
      expect(results[0].refusedBlocks).toBeGreaterThan(0);
      for (const r of results.slice(1)) {
        expect(r).toMatchObject({ capacityReached: true, newBlocks: 0 });
        expect(r.refusedBlocks).toBeGreaterThan(0);
        expect(r.blocks).toBeGreaterThan(0);
        expect(r.updatedVoxels).toBeGreaterThan(0);
      }
      expect(volume.capacityReached).toBe(true);
      expect(volume.blockCount).toBe(volume.capacity);
      expect(volume.usedBytes).toBeLessThanOrEqual(2 ** 20);
      expect(volume.frameCount).toBe(POSES.length);
      // What it holds is still a usable surface.
      const mesh = volume.extractMesh();
      expect(mesh.indices.length).toBeGreaterThan(0);
      const info = engine.meshInfo(mesh);
      expect(info.nonManifoldEdgeCount).toBe(0);
      expect(info.degenerateTriangleCount).toBe(0);
    } finally {
      volume.dispose();
    }
  });
});
