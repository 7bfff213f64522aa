// NIRI on real data: three near-infrared images of an extracted tooth with hand-set Blender
// cameras (../shared/data/nir_overlay/3DNIRmapper_tooth; frames: scripts/nir-tooth-data.mjs)
// projected onto the tooth's model. The projection must land on the tooth: the model's rendered
// silhouette covers tooth pixels, and most visible vertices receive a tooth pixel.
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { createEngine, niriOverlayColors, projectImages, type Engine, type Mesh, type NirImage } from '../../src/index.js';
import { renderMesh } from '../../src/camera/render-mesh.js';
import { multiply } from '../../src/math/pose.js';
import { loadNirTooth } from '../../scripts/nir-tooth-data.mjs';
import { DATA_ROOT } from './corpus.js';

/**
 * The level above which a pixel is tooth: the background's mean + 6 standard deviations, measured
 * on the top 150 rows (background in all three images; the tooth's dimmest part, the root, is
 * still brighter).
 */
function toothThreshold(gray: Uint8Array, width: number): number {
  let sum = 0, sum2 = 0;
  const n = 150 * width;
  for (let p = 0; p < n; p++) { sum += gray[p]; sum2 += gray[p] * gray[p]; }
  const mean = sum / n;
  return mean + 6 * Math.sqrt(sum2 / n - mean * mean);
}

let engine: Engine;
let mesh: Mesh;
let images: Array<NirImage & { name: string; threshold: number }>;
beforeAll(async () => {
  engine = await createEngine();
  const data = loadNirTooth(fileURLToPath(new URL('nir_overlay/3DNIRmapper_tooth/', DATA_ROOT)));
  mesh = data.mesh;
  images = data.images.map((im) => ({ ...im, threshold: toothThreshold(im.pixels, im.intrinsics.width) }));
});

/** Per image: the share of its visible vertices whose value is a tooth pixel, and of the model's rendered pixels that are tooth pixels. */
function landing(poses: Float64Array[]) {
  return images.map((im, k) => {
    const one = projectImages(engine, mesh, [{ ...im, cameraToWorld: poses[k] }]);
    let seen = 0, onTooth = 0;
    for (let i = 0; i < one.nir.length; i++) {
      if (!one.imageCount[i]) continue;
      seen++;
      if (one.nir[i] > im.threshold) onTooth++;
    }
    const view = renderMesh(engine, mesh, im.intrinsics, poses[k], 0.01, 1000);
    let covered = 0, coveredTooth = 0;
    for (let p = 0; p < view.depth.length; p++) {
      if (!(view.depth[p] > 0)) continue;
      covered++;
      if (im.pixels[p] > im.threshold) coveredTooth++;
    }
    return { name: im.name, seen, vertexShare: onTooth / seen, pixelShare: coveredTooth / covered, threshold: im.threshold };
  });
}

describe('NIRI on the real tooth (3DNIRmapper)', () => {
  it('the model is a closed tooth of 10,236 vertices; the images are 1280 x 1024 with a dark background', () => {
    expect(mesh.positions.length / 3).toBe(10_236);
    expect(mesh.indices.length / 3).toBe(20_468);
    expect(engine.meshInfo(mesh).closed).toBe(true);
    for (const im of images) {
      expect(im.pixels.length).toBe(1280 * 1024);
      expect(im.threshold).toBeGreaterThan(20);
      expect(im.threshold).toBeLessThan(40);
    }
  });

  it('lands on the tooth: >= 80% of the visible vertices get tooth pixels in every image, >= 90% of the rendered model is tooth', () => {
    const r = landing(images.map((im) => im.cameraToWorld));
    for (const x of r) {
      // Measured: 92%, 87%, 84% of the visible vertices (the misses lie along the outline: the
      // poses were set by hand, 5-15 px off) and 99%, 96%, 93% of the rendered pixels.
      expect(x.seen, x.name).toBeGreaterThan(1500);
      expect(x.vertexShare, `${x.name}: visible vertices on tooth pixels (threshold ${x.threshold})`).toBeGreaterThanOrEqual(0.8);
      expect(x.pixelShare, `${x.name}: rendered pixels on tooth pixels`).toBeGreaterThanOrEqual(0.9);
    }
  });

  it('the wrong frame convention (Blender coordinates read as the OBJ frame) lands off the tooth', () => {
    // A^-1 with A: Blender (x, y, z) -> OBJ (x, z, -y).
    const objToBlender = Float64Array.from([1, 0, 0, 0, 0, 0, 1, 0, 0, -1, 0, 0, 0, 0, 0, 1]);
    const right = landing(images.map((im) => im.cameraToWorld));
    const wrong = landing(images.map((im) => multiply(objToBlender, im.cameraToWorld)));
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(wrong.map((x) => x.pixelShare))).toBeLessThan(mean(right.map((x) => x.pixelShare)) - 0.05);
    expect(mean(wrong.map((x) => x.vertexShare))).toBeLessThan(mean(right.map((x) => x.vertexShare)) - 0.05);
  });

  it('blends the three images: most of the surface seen, and the overlay marks only the brightest spots', () => {
    const r = projectImages(engine, mesh, images);
    expect(r.seenPerImage.every((n) => n > 1500)).toBe(true);
    expect(r.unseenCount / r.nir.length).toBeLessThan(0.5); // three views of a closed tooth (its cut root face is never seen)
    const colors = niriOverlayColors(null, r.nir);
    const seen = r.nir.length - r.unseenCount;
    expect(colors.overlaidCount).toBeGreaterThan(0);
    expect(colors.overlaidCount / seen).toBeLessThan(0.2);
  });
});
