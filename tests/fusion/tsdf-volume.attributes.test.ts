// Colour and NIR: with constant-colour frames, every extracted vertex and every raycast hit carries
// exactly that colour and NIR, whichever of the two the volume keeps.
import { describe, expect, it } from 'vitest';
import { createTsdfVolume } from '../../src/fusion/tsdf-volume.js';
import { BUILDS, engineFor } from '../support/engines.js';
import { DEPTH_RANGE, SMALL_CAMERA, SPHERE_AND_PLANE_POSES, renderScene } from './scenes.js';

const RGB = [200, 120, 40];
const NIR = 77;
const PIXELS = SMALL_CAMERA.width * SMALL_CAMERA.height;

describe.each(BUILDS)('TSDF colour and NIR (%s build)', (build) => {
  it.each([
    { colour: true, nir: true },
    { colour: true, nir: false },
    { colour: false, nir: true },
    { colour: false, nir: false },
  ])('keeps a constant colour and NIR exactly (%o)', async (keep) => {
    const engine = await engineFor(build);
    const volume = createTsdfVolume(engine, { voxelSize: 0.125, ...keep });
    try {
      const colour = new Uint8Array(3 * PIXELS).map((_, i) => RGB[i % 3]);
      const nir = new Uint8Array(PIXELS).fill(NIR);
      for (const pose of SPHERE_AND_PLANE_POSES.slice(0, 3)) {
        expect(volume.integrate({ depth: renderScene(engine, pose), colour, nir }, SMALL_CAMERA, pose, DEPTH_RANGE).status).toBe('integrated');
      }
      const mesh = volume.extractMesh();
      const vertices = mesh.positions.length / 3;
      expect(vertices).toBeGreaterThan(5000);
      if (keep.colour) {
        expect(mesh.colors?.itemSize).toBe(3);
        const c = mesh.colors!.array;
        expect(c.length).toBe(3 * vertices);
        const wrong = c.findIndex((v, i) => v !== RGB[i % 3]);
        expect(wrong, `vertex ${Math.floor(wrong / 3)} colour ${c.subarray(wrong - (wrong % 3), wrong - (wrong % 3) + 3)}`).toBe(-1);
      } else {
        expect(mesh.colors).toBeUndefined();
      }
      const n = mesh.vertexAttributes?.nir;
      if (keep.nir) {
        expect(n?.itemSize).toBe(1);
        expect(n!.array.length).toBe(vertices);
        expect((n!.array as Uint8Array).every((v) => v === NIR)).toBe(true);
      } else {
        expect(n).toBeUndefined();
      }
      // The raycast reads the same voxels: the constant at every hit, 0 where the volume keeps nothing.
      const ray = volume.raycast(SMALL_CAMERA, SPHERE_AND_PLANE_POSES[0], { colour: true, nir: true });
      expect(ray.hits).toBeGreaterThan(4000);
      let wrongColour = 0, wrongNir = 0;
      for (let k = 0; k < PIXELS; k++) {
        const hit = ray.depth[k] > 0;
        for (let ch = 0; ch < 3; ch++) if (ray.colour![3 * k + ch] !== (hit && keep.colour ? RGB[ch] : 0)) wrongColour++;
        if (ray.nir![k] !== (hit && keep.nir ? NIR : 0)) wrongNir++;
      }
      expect(wrongColour).toBe(0);
      expect(wrongNir).toBe(0);
    } finally {
      volume.dispose();
    }
  });
});
