// Slow evidence: the TimeLapse scenario at the simulator's default resolution with the two scans
// sampled differently (0.2 and 0.19 mm grids, as two scans never share vertices), the later one in
// another pose. The moved tooth's deviation within 20 µm of the truth; unchanged teeth under 10 µm.
import { beforeAll, describe, expect, it } from 'vitest';
import { compareScans, type ScanComparison } from '../../src/index.js';
import { multiply } from '../../src/math/pose.js';
import { engineFor } from '../support/engines.js';
import { timeLapseScene, type TimeLapseScene } from './helpers.js';

let scene: TimeLapseScene;
let result: ScanComparison;
beforeAll(async () => {
  const engine = await engineFor('release');
  scene = timeLapseScene(engine, 0.2, 0.19);
  result = compareScans(engine, scene.before, scene.after);
}, 120_000);

describe('compareScans on the months-later arch (0.2 / 0.19 mm grids)', () => {
  it('aligns within 5 µm and finds the moved tooth', () => {
    const error = multiply(scene.scanPose, result.alignment.afterToBefore);
    expect(Math.hypot(error[12], error[13], error[14])).toBeLessThan(0.005);
    const teeth = result.perLabel!.filter((l) => l.label !== 0);
    expect(teeth.reduce((a, b) => (b.meanAbs > a.meanAbs ? b : a)).label).toBe(scene.changes.movedTooth.label);
  });

  it('measures the moved tooth within 20 µm of its true motion', () => {
    const label = scene.after.vertexAttributes!.label.array;
    let n = 0, dev = 0, devAbs = 0, truth = 0, truthAbs = 0, sq = 0;
    const perVertex: number[] = [];
    for (let i = 0; i < label.length; i++) {
      if (label[i] !== scene.changes.movedTooth.label || !Number.isFinite(result.deviation[i]) || !Number.isFinite(scene.trueDeviation[i])) continue;
      n++;
      dev += result.deviation[i]; devAbs += Math.abs(result.deviation[i]);
      truth += scene.trueDisplacement[i]; truthAbs += Math.abs(scene.trueDisplacement[i]);
      sq += (result.deviation[i] - scene.trueDeviation[i]) ** 2;
      perVertex.push(Math.abs(result.deviation[i] - scene.trueDisplacement[i]));
    }
    perVertex.sort((a, b) => a - b);
    // Measured: mean |d| 180 vs 182 µm, mean d 10 vs 8 µm, median per vertex 8 µm, RMS 0.1 µm vs the true alignment.
    expect(Math.abs(devAbs - truthAbs) / n).toBeLessThan(0.02);
    expect(Math.abs(dev - truth) / n).toBeLessThan(0.02);
    expect(perVertex[perVertex.length >> 1]).toBeLessThan(0.02);
    expect(Math.sqrt(sq / n)).toBeLessThan(0.002);
  });

  it('shows every unchanged tooth under 10 µm mean deviation (signed and absolute)', () => {
    const changed = new Set([scene.changes.movedTooth.label, ...scene.changes.recession.map((r) => r.label), ...scene.changes.wear.map((w) => w.label)]);
    const unchanged = result.perLabel!.filter((l) => l.label !== 0 && !changed.has(l.label));
    expect(unchanged.length).toBe(9);
    // Measured: |mean| <= 2.5 µm, mean |d| 2.2..5.8 µm (the two grids' marching-cubes surfaces differ by that much).
    for (const t of unchanged) {
      expect(Math.abs(t.mean), `tooth ${t.label}`).toBeLessThan(0.01);
      expect(t.meanAbs, `tooth ${t.label}`).toBeLessThan(0.01);
    }
  });
});
