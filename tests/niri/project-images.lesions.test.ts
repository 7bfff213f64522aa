// Evidence on simulated caries: the simulator's NIR frames (sensor noise, Lambert shading from the
// wand) projected onto the reference arch with the ground-truth poses light up the lesions and
// leave sound enamel below the default window.
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_NIR_OVERLAY_OPTIONS, niriOverlayColors, projectImages, type NirImage, type ProjectImagesResult } from '../../src/index.js';
import { createScanSimulator, type ScanSimulator } from '../../src/sim/simulator.js';
import { engineFor } from '../support/engines.js';

let sim: ScanSimulator;
let result: ProjectImagesResult;
beforeAll(async () => {
  const engine = await engineFor('release');
  // A coarse reference (0.4 mm grid) and every 8th frame of the default session: about 110 frames.
  sim = createScanSimulator(engine, { archMesh: { spacing: 0.4 }, seed: 1, arch: { seed: 1 } });
  const images: NirImage[] = [];
  for (let i = 0; i < sim.frameCount; i += 8) {
    const f = sim.frame(i);
    images.push({ pixels: f.nir, intrinsics: sim.intrinsics, cameraToWorld: f.cameraToWorld });
  }
  result = projectImages(engine, sim.reference, images);
}, 60_000);

describe('projectImages on simulated lesions (arch seed 1, 0.4 mm grid, every 8th frame)', () => {
  it('puts >= 90% of the lesion vertices above the default window and <= 5% of sound enamel', () => {
    const attrs = sim.reference.vertexAttributes!;
    const label = attrs.label.array, lesion = attrs.lesion.array;
    const low = DEFAULT_NIR_OVERLAY_OPTIONS.low;
    let lesions = 0, lesionsAbove = 0, enamel = 0, enamelAbove = 0;
    for (let i = 0; i < label.length; i++) {
      if (lesion[i]) {
        lesions++;
        if (result.nir[i] > low) lesionsAbove++; // unseen (NaN) counts as missed
      } else if (label[i] !== 0 && result.imageCount[i] > 0) {
        enamel++;
        if (result.nir[i] > low) enamelAbove++;
      }
    }
    expect(lesions).toBeGreaterThan(100);
    expect(enamel).toBeGreaterThan(10_000);
    // Measured: 99.4% of 166 lesion vertices, 0.04% of ~20,200 sound enamel vertices.
    expect(lesionsAbove / lesions, `${lesionsAbove} of ${lesions} lesion vertices above ${low}`).toBeGreaterThanOrEqual(0.9);
    expect(enamelAbove / enamel, `${enamelAbove} of ${enamel} sound enamel vertices above ${low}`).toBeLessThanOrEqual(0.05);
  });

  it('recovers the per-vertex NIR of the scene within the wand shading (Lambert 0.75..1)', () => {
    const truth = sim.reference.vertexAttributes!.nir.array;
    const ratios: number[] = [];
    let within = 0;
    for (let i = 0; i < truth.length; i++) {
      if (!(result.imageCount[i] > 0)) continue;
      ratios.push(result.nir[i] / truth[i]);
      // Image intensity = scene NIR x (0.75 + 0.25 cos) + noise: between 0.75 and 1 of the truth,
      // except where the surface's NIR changes within a pixel of the vertex (tooth / gingiva line).
      if (result.nir[i] >= 0.75 * truth[i] - 6 && result.nir[i] <= truth[i] + 6) within++;
    }
    ratios.sort((a, b) => a - b);
    const median = ratios[ratios.length >> 1];
    expect(median).toBeGreaterThan(0.85);
    expect(median).toBeLessThan(1);
    // Measured: 91%.
    expect(within / ratios.length).toBeGreaterThan(0.88);
    expect(result.unseenCount / truth.length).toBeLessThan(0.05);
  });

  it('the overlay colours exactly the vertices above the window', () => {
    const colors = niriOverlayColors(sim.reference.colors!, result.nir);
    let above = 0;
    for (const x of result.nir) if (x > DEFAULT_NIR_OVERLAY_OPTIONS.low) above++;
    expect(colors.overlaidCount).toBe(above);
    expect(colors.unseenCount).toBe(result.unseenCount);
  });
});
