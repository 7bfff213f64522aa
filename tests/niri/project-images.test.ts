// projectImages: against the slow reference (tests/reference/niri-project.ts) on both builds,
// occlusion checked geometrically, marking of unseen vertices, blending modes, argument errors.
import { describe, expect, it } from 'vitest';
import { DEFAULT_PROJECT_IMAGES_OPTIONS, projectImages, ScanfuseError, type NirImage } from '../../src/index.js';
import { lookAt } from '../../src/math/pose.js';
import { referenceProjectImages } from '../reference/niri-project.js';
import { BUILDS, engineFor } from '../support/engines.js';
import { gridPatch, plateScene, patternImage, sceneImages, SCENE_INTRINSICS } from './scenes.js';

const defaults = { ...DEFAULT_PROJECT_IMAGES_OPTIONS };

describe.each(BUILDS)('projectImages (%s build)', (build) => {
  it('matches the slow reference: visibility, weights, blending (weighted mean and best view)', async () => {
    const engine = await engineFor(build);
    const { mesh } = plateScene();
    const images = sceneImages();
    for (const blend of ['weighted-mean', 'best-view'] as const) {
      for (const viewWeightPower of [1, 2]) {
        const options = { ...defaults, blend, viewWeightPower };
        const got = projectImages(engine, mesh, images, options);
        const want = referenceProjectImages(engine, mesh, images, options);
        let unseen = 0, ambiguous = 0;
        for (let i = 0; i < got.nir.length; i++) {
          if (Number.isNaN(got.nir[i])) unseen++;
          if (want.ambiguous[i]) { ambiguous++; continue; }
          expect(got.imageCount[i], `vertex ${i}`).toBe(want.counts[i]);
          if (Number.isNaN(want.nir[i])) {
            expect(got.nir[i]).toBeNaN();
            expect(got.weight[i]).toBe(0);
          } else {
            expect(Math.abs(got.nir[i] - want.nir[i]), `vertex ${i}`).toBeLessThan(1e-3);
            expect(Math.abs(got.weight[i] - want.weights[i])).toBeLessThan(1e-5);
          }
        }
        expect(ambiguous, 'vertices with a visibility decision too close to call').toBeLessThan(0.02 * got.nir.length);
        expect(Math.abs(got.seenPerImage[0] + got.seenPerImage[1] - want.seenPerImage[0] - want.seenPerImage[1])).toBeLessThanOrEqual(ambiguous * 2);
        expect(got.unseenCount).toBe(unseen);
      }
    }
  });

  it('hides the plate under the occluder from the camera above, and shows the rest', async () => {
    const engine = await engineFor(build);
    const { mesh, plateVertices } = plateScene();
    const [top] = sceneImages();
    const r = projectImages(engine, mesh, [top]);
    let hidden = 0, shown = 0;
    for (let i = 0; i < plateVertices; i++) {
      const x = mesh.positions[3 * i], y = mesh.positions[3 * i + 1];
      // Where the ray from the vertex to the camera (5, 5, 20) crosses the occluder's plane z = 3.
      const sx = x + ((5 - x) * 3) / 20, sy = y + ((5 - y) * 3) / 20;
      const inside = Math.min(sx - 3.2, 6.8 - sx, sy - 3.2, 6.8 - sy);
      if (inside > 0.3) {
        expect(r.imageCount[i], `plate vertex ${i} at (${x}, ${y}) is under the occluder`).toBe(0);
        hidden++;
      } else if (inside < -0.3) {
        expect(r.imageCount[i], `plate vertex ${i} at (${x}, ${y}) is in plain view`).toBe(1);
        shown++;
      }
    }
    expect(hidden).toBeGreaterThan(40);
    expect(shown).toBeGreaterThan(250);
    // The occluder itself is seen everywhere.
    for (let i = plateVertices; i < mesh.positions.length / 3; i++) expect(r.imageCount[i]).toBe(1);
  });

  it('gives the exact image value where a vertex projects onto a pixel centre, and weights by the cosine', async () => {
    const engine = await engineFor(build);
    // One vertex straight below the principal point of a camera 10 mm above a flat patch.
    const patch = gridPatch(-1, -1, 0, 5, 0.5);
    const k = { width: 9, height: 9, fx: 40, fy: 40, cx: 4, cy: 4 };
    const pixels = Uint8Array.from({ length: 81 }, (_, i) => (i * 37) % 256);
    const image: NirImage = { pixels, intrinsics: k, cameraToWorld: lookAt([0, 0, 10], [0, 0, 0], [0, 1, 0]) };
    const r = projectImages(engine, patch, [image], { borderFeatherPixels: 0 });
    const centre = 12; // (0, 0)
    expect(patch.positions.slice(3 * centre, 3 * centre + 3)).toEqual(new Float32Array([0, 0, 0]));
    expect(r.nir[centre]).toBe(pixels[4 * 9 + 4]);
    expect(r.weight[centre]).toBeCloseTo(1, 6);
    // A corner vertex at (1, 1): cos = 10 / sqrt(102), weight cos^2 (default power 2).
    expect(r.weight[24]).toBeCloseTo(100 / 102, 5);
  });

  it('marks vertices that face away, lie outside every image or behind the camera', async () => {
    const engine = await engineFor(build);
    const plate = gridPatch(0, 0, 0, 21, 0.5);
    // A camera below the plate sees its back: nothing.
    const below: NirImage = { pixels: patternImage(SCENE_INTRINSICS, 3), intrinsics: SCENE_INTRINSICS, cameraToWorld: lookAt([5, 5, -20], [5, 5, 0], [0, 1, 0]) };
    let r = projectImages(engine, plate, [below]);
    expect(r.unseenCount).toBe(21 * 21);
    expect(r.nir.every((x) => Number.isNaN(x))).toBe(true);
    expect(r.seenPerImage).toEqual([0]);
    // A narrow camera sees only the middle of the plate.
    const narrow = { ...SCENE_INTRINSICS, fx: 600, fy: 600 };
    r = projectImages(engine, plate, [{ pixels: patternImage(narrow, 4), intrinsics: narrow, cameraToWorld: lookAt([5, 5, 20], [5, 5, 0], [0, 1, 0]) }]);
    for (let i = 0; i < 21 * 21; i++) {
      const x = plate.positions[3 * i], y = plate.positions[3 * i + 1];
      const u = (600 * (x - 5)) / 20 + 47.5, v = (600 * -(y - 5)) / 20 + 35.5;
      const inside = u >= 0 && u <= 95 && v >= 0 && v <= 71;
      expect(r.imageCount[i] > 0, `vertex (${x}, ${y}) at pixel (${u}, ${v})`).toBe(inside);
    }
    // No images: every vertex unseen.
    r = projectImages(engine, plate, []);
    expect(r.unseenCount).toBe(21 * 21);
    expect(r.seenPerImage).toEqual([]);
  });

  it('leaves grazing views out (minViewCos)', async () => {
    const engine = await engineFor(build);
    const plate = gridPatch(0, 0, 0, 21, 0.5);
    // Camera 82 degrees from the normal: cos 0.14..0.17 < 0.2 (default) -> nothing; with 0.1 -> seen.
    const eye = [5 + 30 * Math.sin((82 * Math.PI) / 180), 5, 30 * Math.cos((82 * Math.PI) / 180)];
    const image: NirImage = { pixels: patternImage(SCENE_INTRINSICS, 5), intrinsics: SCENE_INTRINSICS, cameraToWorld: lookAt(eye, [5, 5, 0], [0, 0, 1]) };
    expect(projectImages(engine, plate, [image]).seenPerImage[0]).toBe(0);
    expect(projectImages(engine, plate, [image], { minViewCos: 0.1 }).seenPerImage[0]).toBeGreaterThan(100);
  });
});

describe('projectImages arguments', () => {
  const code = (fn: () => unknown) => {
    try {
      fn();
    } catch (e) {
      expect(e).toBeInstanceOf(ScanfuseError);
      return (e as ScanfuseError).code;
    }
    return 'no error';
  };

  it('rejects malformed images, meshes and options with INVALID_ARGUMENT', async () => {
    const engine = await engineFor('release');
    const { mesh } = plateScene();
    const [good] = sceneImages();
    expect(code(() => projectImages(engine, mesh, [{ ...good, pixels: new Uint8Array(10) }]))).toBe('INVALID_ARGUMENT');
    expect(code(() => projectImages(engine, mesh, [{ ...good, cameraToWorld: new Float64Array(16) }]))).toBe('INVALID_ARGUMENT');
    expect(code(() => projectImages(engine, mesh, [{ ...good, intrinsics: { ...good.intrinsics, fx: -1 } }]))).toBe('INVALID_ARGUMENT');
    expect(code(() => projectImages(engine, mesh, good as unknown as NirImage[]))).toBe('INVALID_ARGUMENT');
    expect(code(() => projectImages(engine, mesh, [good], { minViewCos: 2 }))).toBe('INVALID_ARGUMENT');
    expect(code(() => projectImages(engine, mesh, [good], { blend: 'max' as never }))).toBe('INVALID_ARGUMENT');
    expect(code(() => projectImages(engine, mesh, [good], { near: 5, far: 1 }))).toBe('INVALID_ARGUMENT');
    expect(code(() => projectImages(engine, { positions: mesh.positions, indices: Uint32Array.of(0, 1, 1e6) }, [good]))).toBe('INVALID_ARGUMENT');
    expect(code(() => projectImages({} as never, mesh, [good]))).toBe('INVALID_ARGUMENT');
  });

  it('uses the mesh normals when it has them', async () => {
    const engine = await engineFor('release');
    const plate = gridPatch(0, 0, 0, 21, 0.5);
    const [top] = sceneImages();
    // Normals pointing down: the camera above sees their back, so nothing.
    const flipped = { ...plate, normals: new Float32Array(plate.positions.length).map((_, i) => (i % 3 === 2 ? -1 : 0)) };
    expect(projectImages(engine, flipped, [top]).seenPerImage[0]).toBe(0);
    expect(projectImages(engine, plate, [top]).seenPerImage[0]).toBe(21 * 21);
  });
});
