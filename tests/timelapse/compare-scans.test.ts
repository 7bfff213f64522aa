// compareScans on the simulator's "months later" arch (0.4 mm grids, the later scan in another
// pose): the alignment ignores what moved, the moved tooth is found with its true deviation, the
// unchanged teeth stay near zero; options and errors.
import { beforeAll, describe, expect, it } from 'vitest';
import { compareScans, ScanfuseError, type ScanComparison } from '../../src/index.js';
import { invertRigid, multiply, rotationAngle } from '../../src/math/pose.js';
import { engineFor } from '../support/engines.js';
import { expectSameArray } from '../support/equal.js';
import { timeLapseScene, type TimeLapseScene } from './helpers.js';

let scene: TimeLapseScene;
let result: ScanComparison;
beforeAll(async () => {
  const engine = await engineFor('release');
  scene = timeLapseScene(engine, 0.4, 0.4);
  result = compareScans(engine, scene.before, scene.after);
}, 60_000);

const changedLabels = () => new Set([scene.changes.movedTooth.label, ...scene.changes.recession.map((r) => r.label), ...scene.changes.wear.map((w) => w.label)]);

describe('compareScans on the months-later arch (0.4 mm grids, same sampling)', () => {
  it('recovers the scan pose (within 0.005 degrees and 5 µm) despite the moved tooth', () => {
    const error = multiply(scene.scanPose, result.alignment.afterToBefore);
    expect((rotationAngle(error) * 180) / Math.PI).toBeLessThan(0.005);
    expect(Math.hypot(error[12], error[13], error[14])).toBeLessThan(0.005);
    expect(result.alignment.verdict).toBe('aligned');
    expect(result.alignment.inlierCount).toBeLessThan(result.alignment.stableVertexCount);
    expect(result.alignment.residualRms).toBeLessThan(0.01);
  });

  it('finds the moved tooth: the largest mean |deviation| of all labels', () => {
    const teeth = result.perLabel!.filter((l) => l.label !== 0);
    const most = teeth.reduce((a, b) => (b.meanAbs > a.meanAbs ? b : a));
    expect(most.label).toBe(scene.changes.movedTooth.label);
    expect(most.meanAbs).toBeGreaterThan(0.1);
    expect(most.fractionAbove).toBeGreaterThan(0.5);
    // It stands out: every other tooth's mean |d| is under a tenth of it.
    for (const t of teeth) if (t !== most) expect(t.meanAbs).toBeLessThan(0.1 * most.meanAbs);
  });

  it("measures the moved tooth within 20 µm of the truth", () => {
    const label = scene.after.vertexAttributes!.label.array;
    const moved = scene.changes.movedTooth.label;
    let n = 0, sq = 0, devSum = 0, devAbs = 0, truthSum = 0, truthAbs = 0;
    const perVertex: number[] = [];
    for (let i = 0; i < label.length; i++) {
      if (label[i] !== moved || !Number.isFinite(result.deviation[i]) || !Number.isFinite(scene.trueDeviation[i])) continue;
      n++;
      // Against the same measure at the true alignment (what a perfect registration gives).
      sq += (result.deviation[i] - scene.trueDeviation[i]) ** 2;
      // Against the geometric truth: the normal component of the tooth's known motion.
      perVertex.push(Math.abs(result.deviation[i] - scene.trueDisplacement[i]));
      devSum += result.deviation[i]; devAbs += Math.abs(result.deviation[i]);
      truthSum += scene.trueDisplacement[i]; truthAbs += Math.abs(scene.trueDisplacement[i]);
    }
    expect(n).toBeGreaterThan(1000);
    expect(Math.sqrt(sq / n), 'RMS difference to the deviation at the true alignment, mm').toBeLessThan(0.002);
    expect(Math.abs(devAbs / n - truthAbs / n), 'mean |d| against the true motion, mm').toBeLessThan(0.02);
    expect(Math.abs(devSum / n - truthSum / n), 'mean d against the true motion, mm').toBeLessThan(0.02);
    perVertex.sort((a, b) => a - b);
    expect(perVertex[perVertex.length >> 1], 'median per-vertex |d - truth|, mm').toBeLessThan(0.02);
  });

  it('shows the unchanged teeth under 10 µm mean deviation', () => {
    const changed = changedLabels();
    const unchanged = result.perLabel!.filter((l) => l.label !== 0 && !changed.has(l.label));
    expect(unchanged.length).toBeGreaterThanOrEqual(9);
    for (const t of unchanged) {
      expect(Math.abs(t.mean), `tooth ${t.label} mean`).toBeLessThan(0.01);
      expect(t.meanAbs, `tooth ${t.label} mean |d|`).toBeLessThan(0.01);
    }
  });

  it('returns the later scan in the earlier frame with heatmap colours and a deviation attribute', async () => {
    const engine = await engineFor('release');
    const a = result.aligned;
    expectSameArray(a.indices, scene.after.indices, 'indices');
    for (let i = 0; i < a.positions.length; i += 997) expect(Math.abs(a.positions[i] - scene.afterInPlace.positions[i])).toBeLessThan(0.005);
    expectSameArray(a.colors!.array, result.colors, 'colors');
    expectSameArray(a.vertexAttributes!.deviation.array, result.deviation, 'deviation');
    expectSameArray(a.vertexAttributes!.label.array, scene.after.vertexAttributes!.label.array, 'label');
    // It survives a PLY round trip with the deviation as a float property.
    const back = engine.readMesh(engine.writeMesh(a, { format: 'ply' })).mesh;
    expectSameArray(back.vertexAttributes!.deviation.array, result.deviation, 'deviation read back');
    expectSameArray(back.colors!.array, result.colors, 'colors read back');
    // Statistics cover the compared vertices only.
    const compared = result.deviation.filter((d) => Number.isFinite(d)).length;
    expect(result.stats.vertexCount).toBe(compared);
    const nc = result.notCompared;
    expect(compared + nc.beyondMaxDistance + nc.outsideBefore + nc.nonFinite).toBe(result.deviation.length);
  });
});

describe('compareScans options', () => {
  it('aligns the same on every label but the moved tooth (excludeLabels), or on a mask', async () => {
    const engine = await engineFor('release');
    const moved = scene.changes.movedTooth.label;
    const excluded = compareScans(engine, scene.before, scene.after, { excludeLabels: [moved], robustPasses: 0 });
    let error = multiply(scene.scanPose, excluded.alignment.afterToBefore);
    expect(Math.hypot(error[12], error[13], error[14])).toBeLessThan(0.005);
    const labels = scene.after.vertexAttributes!.label.array;
    expect(excluded.alignment.stableVertexCount).toBe(labels.filter((l) => l !== moved).length);
    const mask = Uint8Array.from(labels, (l) => (l === 0 ? 1 : 0));
    const gingiva = compareScans(engine, scene.before, scene.after, { stableMask: mask });
    error = multiply(scene.scanPose, gingiva.alignment.afterToBefore);
    expect(Math.hypot(error[12], error[13], error[14])).toBeLessThan(0.01);
    const only = compareScans(engine, scene.before, scene.after, { stableLabels: [36, 37, 46, 47], initial: invertRigid(scene.scanPose) });
    expect(only.alignment.stableVertexCount).toBe(labels.filter((l) => [36, 37, 46, 47].includes(l)).length);
    expect(only.perLabel!.find((l) => l.label === moved)!.meanAbs).toBeGreaterThan(0.1);
  });

  it('without the trimmed pass a plain robust ICP is still close; the trimmed pass tightens it', async () => {
    const engine = await engineFor('release');
    const plain = compareScans(engine, scene.before, scene.after, { robustPasses: 0 });
    const e0 = multiply(scene.scanPose, plain.alignment.afterToBefore);
    const e1 = multiply(scene.scanPose, result.alignment.afterToBefore);
    expect(plain.alignment.trimDistance).toBeNaN();
    expect(Math.hypot(e0[12], e0[13], e0[14])).toBeLessThan(0.02);
    expect(Math.hypot(e1[12], e1[13], e1[14])).toBeLessThanOrEqual(Math.hypot(e0[12], e0[13], e0[14]) + 1e-4);
  });

  it('rejects bad arguments with INVALID_ARGUMENT', async () => {
    const engine = await engineFor('release');
    const code = (fn: () => unknown) => { try { fn(); } catch (e) { return (e as ScanfuseError).code; } return 'no error'; };
    const noLabels = { positions: scene.after.positions, indices: scene.after.indices };
    expect(code(() => compareScans(engine, scene.before, noLabels, { stableLabels: [11] }))).toBe('INVALID_ARGUMENT');
    expect(code(() => compareScans(engine, scene.before, scene.after, { stableMask: new Uint8Array(3) }))).toBe('INVALID_ARGUMENT');
    expect(code(() => compareScans(engine, scene.before, scene.after, { stableLabels: [99] }))).toBe('INVALID_ARGUMENT');
    expect(code(() => compareScans(engine, scene.before, scene.after, { range: 0 }))).toBe('INVALID_ARGUMENT');
    expect(code(() => compareScans(engine, scene.before, scene.after, { initial: new Float64Array(16) }))).toBe('INVALID_ARGUMENT');
    expect(code(() => compareScans(engine, { positions: scene.before.positions, indices: new Uint32Array(0) }, scene.after))).toBe('INVALID_ARGUMENT');
  });
});
