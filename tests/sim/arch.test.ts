// The procedural arch: anatomy by the tables, a clean reference mesh, labels and lesions.
import { describe, expect, it } from 'vitest';
import { createArchModel, monthsLater } from '../../src/sim/arch-model.js';
import { buildArchMesh } from '../../src/sim/arch-mesh.js';
import { CROWN_SIZES, TOOTH_TYPES } from '../../src/sim/dental-tables.js';
import { engineFor } from '../support/engines.js';
import { expectSameArray } from '../support/equal.js';

describe('arch model', () => {
  it.each(['lower', 'upper'] as const)('places 14 %s teeth by their standard widths, touching at contacts', (jaw) => {
    const model = createArchModel({ jaw, seed: 3 });
    expect(model.teeth).toHaveLength(14);
    const quadrants = jaw === 'upper' ? [1, 2] : [3, 4];
    const labels = model.teeth.map((t) => t.label).sort((a, b) => a - b);
    expect(labels).toEqual(quadrants.flatMap((q) => [1, 2, 3, 4, 5, 6, 7].map((p) => q * 10 + p)).sort((a, b) => a - b));
    for (const t of model.teeth) {
      const table = CROWN_SIZES[jaw][t.type];
      // Seeded variation stays within ~10 % of the table.
      expect(2 * t.halfWidth / table.mesioDistal).toBeGreaterThan(0.88);
      expect(2 * t.halfWidth / table.mesioDistal).toBeLessThan(1.12);
    }
    // Neighbours along the arch: centre distance = sum of half widths minus the contact overlap.
    for (let i = 1; i < model.teeth.length; i++) {
      const a = model.teeth[i - 1], b = model.teeth[i];
      if (Math.sign(a.arc) !== Math.sign(b.arc)) continue; // the two centrals meet at the midline
      expect(Math.abs(b.arc - a.arc)).toBeCloseTo(a.halfWidth + b.halfWidth - 0.12, 6);
    }
    // Arch about 50 mm wide at the molars.
    const xs = model.teeth.map((t) => t.localToWorld[12]);
    expect(Math.max(...xs) - Math.min(...xs)).toBeGreaterThan(40);
    expect(Math.max(...xs) - Math.min(...xs)).toBeLessThan(62);
    expect(model.palate !== null).toBe(jaw === 'upper');
    expect(TOOTH_TYPES).toHaveLength(7);
  });

  it('is deterministic for a seed and differs between seeds', () => {
    const a = createArchModel({ seed: 5 }), b = createArchModel({ seed: 5 }), c = createArchModel({ seed: 6 });
    expect(JSON.stringify(a.teeth)).toBe(JSON.stringify(b.teeth));
    expect(JSON.stringify(a.teeth)).not.toBe(JSON.stringify(c.teeth));
  });

  it('months later: one tooth moved 0.3 mm and rotated 2 degrees, recession and wear elsewhere', () => {
    const before = createArchModel({ seed: 2 });
    const { model: after, changes } = monthsLater(before);
    const moved = changes.movedTooth;
    expect(Math.hypot(...moved.translation)).toBeCloseTo(0.3, 9);
    expect(moved.rotationDegrees).toBe(2);
    const b = before.teeth.find((t) => t.label === moved.label)!, a = after.teeth.find((t) => t.label === moved.label)!;
    // The tooth's frame moved by exactly the stated rigid transform.
    const centreShift = Math.hypot(a.localToWorld[12] - b.localToWorld[12], a.localToWorld[13] - b.localToWorld[13], a.localToWorld[14] - b.localToWorld[14]);
    expect(centreShift).toBeCloseTo(0.3, 6);
    const cos = (b.localToWorld[0] * a.localToWorld[0] + b.localToWorld[1] * a.localToWorld[1] + b.localToWorld[2] * a.localToWorld[2]);
    expect((Math.acos(Math.min(1, cos)) * 180) / Math.PI).toBeCloseTo(2, 4);
    expect(changes.recession).toHaveLength(2);
    expect(changes.wear).toHaveLength(2);
    for (const t of after.teeth) {
      if (t.label === moved.label) continue;
      const o = before.teeth.find((x) => x.label === t.label)!;
      expectSameArray(t.localToWorld, o.localToWorld, `tooth ${t.label} frame`);
    }
  });
});

describe.each(['lower', 'upper'] as const)('%s arch reference mesh', (jaw) => {
  it('is one clean open surface with labels, colours, NIR and lesions', async () => {
    const engine = await engineFor('release');
    const model = createArchModel({ jaw, seed: 1 });
    const mesh = buildArchMesh(engine, model); // default 0.2 mm grid: coarser grids can pinch thin incisal edges into islands
    const info = engine.meshInfo(mesh);
    expect(info.nonManifoldEdgeCount).toBe(0);
    expect(info.misorientedEdgeCount).toBe(0);
    expect(info.componentCount).toBe(1);
    // Open like a scan: cut through the gingiva at the bottom (the upper arch also around the palate's edge).
    if (jaw === 'lower') expect(info.boundaryLoopCount).toBe(1);
    else expect(info.boundaryLoopCount).toBeGreaterThanOrEqual(1);
    expect(info.degenerateTriangleCount).toBe(0);
    const v = mesh.positions.length / 3;
    const labels = mesh.vertexAttributes!.label.array as Uint8Array;
    const present = new Set(labels);
    for (const t of model.teeth) expect(present.has(t.label), `tooth ${t.label}`).toBe(true);
    expect(present.has(0)).toBe(true);
    const nir = mesh.vertexAttributes!.nir.array as Uint8Array;
    const lesion = mesh.vertexAttributes!.lesion.array as Uint8Array;
    let sound = 0, carious = 255;
    for (let i = 0; i < v; i++) {
      if (labels[i] === 0) continue;
      if (lesion[i]) carious = Math.min(carious, nir[i]);
      else sound = Math.max(sound, nir[i]);
    }
    // Every lesion vertex glows brighter than any sound enamel.
    expect(carious).toBeGreaterThan(sound);
    expect(new Set(lesion).size).toBeGreaterThan(1);
    // Colours: enamel light, gingiva pink.
    const c = mesh.colors!.array;
    const i0 = labels.indexOf(0), i1 = labels.findIndex((l) => l > 0);
    expect(c[3 * i0]).toBeGreaterThan(c[3 * i0 + 1] + 40);
    expect(c[3 * i1 + 1]).toBeGreaterThan(150);
  });
});
