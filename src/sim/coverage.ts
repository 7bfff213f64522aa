// How much of the reference a scan observes, against what any wand position could observe:
// the "visible reference area" is what an oracle sees from a dense set of wand poses along the
// arch (every 2.5 mm, tilted -75..75 degrees across the arch and -30..30 degrees along it, aimed
// at crowns and gingiva), with the same depth range and grazing-angle limit as the sensor.
import type { Engine } from '../engine.js';
import { lookAt, type Transform } from '../math/pose.js';
import type { Mesh } from '../types.js';
import { curveAt, type ArchModel } from './arch-model.js';
import { createScanSimulator, triangleArea, type ScanSimulator } from './simulator.js';
import { DEFAULT_NOISE_OPTIONS, DEFAULT_WAND_OPTIONS, type WandOptions } from './wand-options.js';

export interface CoverageResult {
  /** Area the scan measured, mm^2 (triangles with at least one valid depth pixel). */
  observedArea: number;
  /** Area the oracle could measure, mm^2. */
  visibleArea: number;
  /** Area both measured / visibleArea. */
  coverage: number;
  /** Per reference triangle: 1 observed by the scan, 2 visible only to the oracle, 3 both, 0 neither. */
  triangles: Uint8Array;
}

/** The oracle's wand poses over an arch model. */
export function oracleViewpoints(model: ArchModel, workingDistance = DEFAULT_WAND_OPTIONS.workingDistance, stepMm = 2.5): Transform[] {
  const poses: Transform[] = [];
  const first = model.teeth[0], last = model.teeth[model.teeth.length - 1];
  const from = first.arc - first.halfWidth - 2, to = last.arc + last.halfWidth + 2;
  const across = [-75, -45, -15, 15, 45, 75].map((d) => (d * Math.PI) / 180);
  const along = [-30, 0, 30].map((d) => (d * Math.PI) / 180);
  const palateDepth = model.palate?.depth ?? 0;
  for (let s = from; s <= to; s += stepMm) {
    const { point, tangent } = curveAt(model.curve, model.curveArc, s);
    const outward = [-tangent[1], tangent[0], 0];
    const heights = [5.5, 2.0, -1.5];
    for (const h of heights) {
      for (const a of across) {
        for (const b of along) {
          // Direction from the target to the eye: tilted across the arch (outward) and along it.
          const dir = [
            Math.sin(a) * outward[0] * Math.cos(b) + Math.sin(b) * tangent[0],
            Math.sin(a) * outward[1] * Math.cos(b) + Math.sin(b) * tangent[1],
            Math.cos(a) * Math.cos(b),
          ];
          const lateral = Math.sin(a) * 3;
          const target = [point[0] + outward[0] * lateral, point[1] + outward[1] * lateral, h];
          const eye = [target[0] + dir[0] * workingDistance, target[1] + dir[1] * workingDistance, target[2] + dir[2] * workingDistance];
          poses.push(lookAt(eye, target, [tangent[0], tangent[1], 0]));
        }
      }
    }
    if (palateDepth > 0) {
      for (const inward of [6, 10, 14]) {
        const target = [point[0] - outward[0] * inward, point[1] - outward[1] * inward, -palateDepth * 0.5];
        poses.push(lookAt([target[0], target[1], target[2] + workingDistance], target, [tangent[0], tangent[1], 0]));
      }
    }
  }
  return poses;
}

/** Triangles an ideal sensor (no noise, holes or random dropouts; same range and grazing limit) sees from `poses`. */
export function visibleTriangles(engine: Engine, reference: Mesh, poses: Transform[], wand: WandOptions = {}): Uint8Array {
  const oracle: ScanSimulator = createScanSimulator(engine, {
    scene: reference,
    wand,
    noise: { ...DEFAULT_NOISE_OPTIONS, sigma: 0, grazingRamp: 0, edgeDropout: 0, holesPerFrame: 0, outlierRate: 0, imageSigma: 0 },
    trajectory: { cameraToWorld: poses, timestampMs: poses.map((_, i) => i), segment: poses.map(() => 'occlusal' as const) },
  });
  try {
    return oracle.observedTriangles().observed;
  } finally {
    oracle.dispose();
  }
}

/** Coverage of a simulated scan's frames against the oracle over its arch model. */
export function scanCoverage(engine: Engine, simulator: ScanSimulator, frames?: Iterable<number>): CoverageResult {
  if (!simulator.model) throw new Error('scanCoverage needs an arch model');
  const visible = visibleTriangles(engine, simulator.reference, oracleViewpoints(simulator.model, simulator.wand.workingDistance), simulator.wand);
  const { observed } = simulator.observedTriangles(frames);
  const triangles = new Uint8Array(observed.length);
  const both = new Uint8Array(observed.length);
  for (let t = 0; t < observed.length; t++) {
    triangles[t] = observed[t] | (visible[t] << 1);
    both[t] = observed[t] & visible[t];
  }
  const visibleArea = triangleArea(simulator.reference, visible);
  return {
    observedArea: triangleArea(simulator.reference, observed),
    visibleArea,
    coverage: visibleArea > 0 ? triangleArea(simulator.reference, both) / visibleArea : 0,
    triangles,
  };
}
