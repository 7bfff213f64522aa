// The live pipeline on short simulated sweeps with known poses: tracking accuracy, bad frames
// (rejected, model bit-identical), lost frames, relocalization after a lift-off over scanned
// teeth, and no wrong relocalization when the wand comes back over teeth the model lacks.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/index.js';
import { createScanSession, type FrameResult, type ScanSession } from '../../src/session/scan-session.js';
import { createScanSimulator, type ScanSimulator, type SimulatorOptions } from '../../src/sim/simulator.js';
import { absoluteTrajectoryError } from '../../src/metrics/trajectory.js';
import { invertRigid, multiply, rotationAngle, type Transform } from '../../src/math/pose.js';
import { isScanfuseError } from '../../src/errors.js';
import { engineFor } from '../support/engines.js';

/** A coarser reference mesh (0.4 mm) renders frames several times faster; the wand is unchanged. */
const FAST_SCENE: SimulatorOptions = { archMesh: { spacing: 0.4 } };

let engine: Engine;
beforeAll(async () => {
  engine = await engineFor('release');
});

function sessionFor(sim: ScanSimulator): ScanSession {
  const f0 = sim.frame(0);
  return createScanSession(engine, { intrinsics: sim.intrinsics, depthScale: f0.depthScale, initialPose: f0.cameraToWorld });
}

/** Translation (µm) and rotation (degrees) between an estimated and a true camera-to-world. */
function poseError(estimate: Transform, truth: Transform): { um: number; deg: number } {
  const d = multiply(invertRigid(truth), estimate);
  return { um: 1000 * Math.hypot(d[12], d[13], d[14]), deg: (rotationAngle(d) * 180) / Math.PI };
}

/** Pushes every frame; returns the results with each frame's true pose and segment. */
function run(sim: ScanSimulator, session: ScanSession): { result: FrameResult; truth: Transform; segment: string }[] {
  const out = [];
  for (let i = 0; i < sim.frameCount; i++) {
    const f = sim.frame(i);
    out.push({ result: session.pushFrame({ depth: f.depth, timestampMs: f.timestampMs }), truth: f.cameraToWorld, segment: f.segment });
  }
  return out;
}

describe('ScanSession on a simulated sweep', () => {
  let sim: ScanSimulator;
  let session: ScanSession;
  let results: ReturnType<typeof run>;
  beforeAll(() => {
    sim = createScanSimulator(engine, { ...FAST_SCENE, frames: 70, seed: 3 });
    session = sessionFor(sim);
    results = run(sim, session);
  });

  it('tracks every frame within 30 µm of the truth', () => {
    expect(results.map((r) => r.result.status)).toEqual(['first', ...Array(sim.frameCount - 1).fill('tracked')]);
    const ate = absoluteTrajectoryError(results.map((r) => r.result.cameraToWorld), results.map((r) => r.truth));
    // Measured: ATE RMSE 6.5 µm without alignment, worst frame 12.8 µm, lowest fitness 0.82.
    expect(ate.rmseUm).toBeLessThan(30);
    expect(ate.translationUm.max).toBeLessThan(30);
    for (const { result } of results.slice(1)) {
      expect(result.fitness).toBeGreaterThan(0.5);
      expect(result.integrated).toBe(true);
      expect(result.timings.totalMs).toBeGreaterThan(0);
    }
  });

  it('reports every pose, status and timestamp in trajectory(), as copies', () => {
    const t = session.trajectory();
    expect(t.cameraToWorld).toHaveLength(sim.frameCount);
    expect(t.status).toEqual(results.map((r) => r.result.status));
    expect(t.timestampMs).toEqual(Array.from({ length: sim.frameCount }, (_, i) => sim.frame(i).timestampMs));
    t.cameraToWorld[5][12] = 1e9;
    expect(session.trajectory().cameraToWorld[5][12]).not.toBe(1e9);
  });

  it('reports coverage: thin areas flagged and grey, areas adding up to the mesh', () => {
    const c = session.coverage();
    const v = c.mesh.positions.length / 3;
    expect(c.lowCoverage).toHaveLength(v);
    expect(c.mesh.colors?.array).toHaveLength(3 * v);
    const confidence = c.mesh.vertexAttributes!.confidence.array;
    let low = 0;
    for (let i = 0; i < v; i++) {
      expect(c.lowCoverage[i]).toBe(confidence[i] < 3 ? 1 : 0);
      expect(Array.from(c.mesh.colors!.array.subarray(3 * i, 3 * i + 3))).toEqual(c.lowCoverage[i] ? [150, 150, 150] : [236, 228, 212]);
      low += c.lowCoverage[i];
    }
    expect(c.lowVertexCount).toBe(low);
    // A 70-frame sweep covers its middle well and its rim thinly.
    expect(c.coveredAreaMm2).toBeGreaterThan(c.lowAreaMm2);
    expect(c.lowAreaMm2).toBeGreaterThan(0);
    const everything = session.coverage({ minConfidence: 0 });
    expect(everything.lowVertexCount).toBe(0);
    expect(everything.coveredAreaMm2).toBeCloseTo(c.coveredAreaMm2 + c.lowAreaMm2, 6);
    expect(() => session.coverage({ minConfidence: -1 })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });

  it('rejects bad frames and loses unrelated ones without touching the model', () => {
    const before = session.volume.snapshot();
    const good = sim.frame(sim.frameCount - 1);
    const pixels = sim.intrinsics.width * sim.intrinsics.height;
    const bad: [string, unknown][] = [
      ['short depth', { depth: good.depth.subarray(1), timestampMs: 1 }],
      ['wrong type', { depth: Array.from(good.depth), timestampMs: 1 }],
      ['no timestamp', { depth: good.depth, timestampMs: Number.NaN }],
      ['short colour', { depth: good.depth, colour: new Uint8Array(10), timestampMs: 1 }],
      ['not an object', null],
    ];
    for (const [what, frame] of bad) {
      const r = session.pushFrame(frame as never);
      expect(r.status, what).toBe('rejected');
      expect(r.integrated).toBe(false);
      expect(r.reason, what).toBeTruthy();
    }
    // A flat wall 10 mm away: valid depth that matches nothing in the model.
    const wall = new Float32Array(pixels).fill(10);
    const lost = session.pushFrame({ depth: wall, timestampMs: 1 });
    expect(lost.status).toBe('lost');
    expect(lost.integrated).toBe(false);
    expect(lost.reason).toBeTruthy();
    expect(Array.from(lost.cameraToWorld)).toEqual(Array.from(results[results.length - 1].result.cameraToWorld));
    // All-zero depth.
    expect(session.pushFrame({ depth: new Uint16Array(pixels), timestampMs: 2 }).status).toBe('lost');
    expect(Buffer.from(session.volume.snapshot()).equals(Buffer.from(before))).toBe(true);
  });

  it('throws INVALID_ARGUMENT without intrinsics and DISPOSED after dispose()', () => {
    expect(() => createScanSession(engine, {} as never)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    const s = sessionFor(sim);
    s.dispose();
    s.dispose();
    try {
      s.pushFrame({ depth: sim.frame(0).depth, timestampMs: 0 });
      expect.unreachable();
    } catch (e) {
      expect(isScanfuseError(e) && e.code).toBe('DISPOSED');
    }
  });
});

describe('ScanSession after a lift-off', () => {
  it('relocalizes within 10 frames of the wand coming back over scanned teeth, at the true pose', () => {
    const sim = createScanSimulator(engine, { ...FAST_SCENE, frames: 110, seed: 5, trajectory: { liftOffAtFrame: 70, liftOffJumpMm: -6, seed: 5 } });
    const results = run(sim, sessionFor(sim));
    const back = results.findIndex((r, i) => i > 70 && r.segment !== 'lift-off');
    const found = results.findIndex((r, i) => i >= back && r.result.status === 'relocalized');
    // Measured: back at frame 85, relocalized at 86 (the first candidate awaits confirmation by the
    // next frame), every pose after it within 13.2 µm of the truth.
    expect(back).toBeGreaterThan(70);
    expect(found - back).toBeGreaterThanOrEqual(0);
    expect(found - back).toBeLessThan(10);
    expect(results[found].result.relocalization?.passed).toBe(true);
    for (const { result, truth } of results.slice(found)) {
      expect(result.status).not.toBe('lost');
      expect(poseError(result.cameraToWorld, truth).um).toBeLessThan(50);
    }
  });

  it('never integrates a wrong pose when the wand comes back over teeth the model lacks', () => {
    const sim = createScanSimulator(engine, { ...FAST_SCENE, frames: 100, seed: 6, trajectory: { liftOffAtFrame: 60, liftOffJumpMm: 14, seed: 6 } });
    const results = run(sim, sessionFor(sim));
    let wrong = 0;
    for (const { result, truth } of results) {
      if (result.integrated && poseError(result.cameraToWorld, truth).um > 100) wrong++;
    }
    // Measured: 15 candidates found (all on the wrong side of the arch), none accepted.
    expect(wrong).toBe(0);
    // Relocalization was attempted on the frames back in range, and said why it refused.
    const attempts = results.filter((r) => r.result.relocalization?.candidate);
    expect(attempts.length).toBeGreaterThan(0);
  });
});
