// Small seeded scenes for the NIRI tests: a plate with an occluding patch above it, seen by a
// camera from above and one from the side, with a gray pattern image each.
import type { CameraIntrinsics, Mesh, NirImage } from '../../src/index.js';
import { lookAt } from '../../src/math/pose.js';
import { rng } from '../support/meshes.js';

/** A grid in the plane z (facing +z, counter-clockwise), from (x0, y0) with n x n vertices `step` apart. */
export function gridPatch(x0: number, y0: number, z: number, n: number, step: number): Mesh {
  const positions = new Float32Array(n * n * 3);
  for (let j = 0; j < n; j++) for (let i = 0; i < n; i++) positions.set([x0 + i * step, y0 + j * step, z], 3 * (j * n + i));
  const indices: number[] = [];
  for (let j = 0; j < n - 1; j++) {
    for (let i = 0; i < n - 1; i++) {
      const a = j * n + i;
      indices.push(a, a + 1, a + n + 1, a, a + n + 1, a + n);
    }
  }
  return { positions, indices: Uint32Array.from(indices) };
}

/** Concatenates meshes (positions and triangles). */
export function merge(...meshes: Mesh[]): Mesh {
  const positions = new Float32Array(meshes.reduce((s, m) => s + m.positions.length, 0));
  const indices = new Uint32Array(meshes.reduce((s, m) => s + m.indices.length, 0));
  let pv = 0, pi = 0;
  for (const m of meshes) {
    positions.set(m.positions, pv);
    for (let k = 0; k < m.indices.length; k++) indices[pi + k] = m.indices[k] + pv / 3;
    pv += m.positions.length;
    pi += m.indices.length;
  }
  return { positions, indices };
}

/** The plate (10 x 10 mm at z = 0, 0.5 mm grid) and an occluder (3.2..6.8 mm square at z = 3). */
export function plateScene(): { mesh: Mesh; plateVertices: number } {
  const plate = gridPatch(0, 0, 0, 21, 0.5);
  return { mesh: merge(plate, gridPatch(3.2, 3.2, 3, 7, 0.6)), plateVertices: 21 * 21 };
}

export const SCENE_INTRINSICS: CameraIntrinsics = { width: 96, height: 72, fx: 110, fy: 110, cx: 47.5, cy: 35.5 };

/** A seeded gray image: a smooth gradient plus noise, so bilinear sampling is tested everywhere. */
export function patternImage(k: CameraIntrinsics, seed: number): Uint8Array {
  const r = rng(seed);
  const pixels = new Uint8Array(k.width * k.height);
  for (let v = 0; v < k.height; v++) for (let u = 0; u < k.width; u++) pixels[v * k.width + u] = Math.min(255, Math.round(2 * u + v + 60 * r()));
  return pixels;
}

/**
 * The camera straight above the plate centre, and one 50 degrees off to the side (both a little
 * off the grid's symmetry, so no vertex projects exactly onto a pixel centre or edge).
 */
export function sceneImages(): NirImage[] {
  const centre = [5.0131, 4.9917, 0];
  return [
    { pixels: patternImage(SCENE_INTRINSICS, 1), intrinsics: SCENE_INTRINSICS, cameraToWorld: lookAt([centre[0], centre[1], 20], centre, [0, 1, 0]) },
    { pixels: patternImage(SCENE_INTRINSICS, 2), intrinsics: SCENE_INTRINSICS, cameraToWorld: lookAt([centre[0] + 15.3, centre[1], 12.9], centre, [0, 0, 1]) },
  ];
}
