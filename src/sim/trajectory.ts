// The wand's path: the protocol dentists follow (start at the last molar, sweep the occlusal
// surfaces around the arch, come back along the lingual side, then the buccal side; the palate
// for an upper arch), at a given speed and frame rate, with hand tremor. Options add a
// "moving too fast" gap and a lift-off (the wand leaves the mouth and returns elsewhere).
import { ScanfuseError } from '../errors.js';
import { Random } from '../math/random.js';
import { lookAt, multiply, fromAxisAngle, type Transform } from '../math/pose.js';
import { curveAt, type ArchModel } from './arch-model.js';

export type TrajectorySegment = 'occlusal' | 'lingual' | 'buccal' | 'palate' | 'transition' | 'fast' | 'lift-off';

export interface TrajectoryOptions {
  /** Speed along the arch, mm/s. Default 8. */
  speedMmPerS?: number;
  /** Frame rate, frames/s. Default 20. */
  framesPerSecond?: number;
  /** Distance from the wand to the surface it looks at, mm. Default 11. */
  workingDistance?: number;
  /** Tilt of the lingual and buccal sweeps from vertical, degrees. Default 50. */
  sideTiltDegrees?: number;
  /** Hand tremor: translation amplitude, mm, and rotation amplitude, degrees. Defaults 0.08 and 0.4. */
  tremorMm?: number;
  tremorDegrees?: number;
  /** Include a palate sweep (upper arches). Default: true for upper arches. */
  palate?: boolean;
  /** Insert a "moving too fast" stretch: from this frame, `fastFrames` frames at `fastFactor` x speed. */
  fastAtFrame?: number;
  fastFrames?: number;
  fastFactor?: number;
  /**
   * Insert a lift-off at this frame: the wand rises out of range for `liftOffFrames` frames and
   * comes back `liftOffJumpMm` further along the path, or, when negative, that far back (over
   * what it has already scanned, then on along the path again).
   */
  liftOffAtFrame?: number;
  liftOffFrames?: number;
  liftOffJumpMm?: number;
  /** Seed of the tremor. Default 1. */
  seed?: number;
}

export const DEFAULT_TRAJECTORY_OPTIONS = Object.freeze({
  speedMmPerS: 8, framesPerSecond: 20, workingDistance: 11, sideTiltDegrees: 50, tremorMm: 0.08, tremorDegrees: 0.4,
  fastFrames: 6, fastFactor: 6, liftOffFrames: 15, liftOffJumpMm: 14, seed: 1,
});

export interface ScanTrajectory {
  /** Camera-to-world of each frame (x right, y down, z forward; mm). */
  cameraToWorld: Transform[];
  timestampMs: number[];
  /** What the wand was doing at each frame. */
  segment: TrajectorySegment[];
}

interface Key { s: number; view: 'occlusal' | 'lingual' | 'buccal' | 'palate'; lateral?: number }

/** The default protocol trajectory over an arch model. */
export function protocolTrajectory(model: ArchModel, options: TrajectoryOptions = {}): ScanTrajectory {
  const o = { ...DEFAULT_TRAJECTORY_OPTIONS, palate: model.jaw === 'upper', ...options };
  if (!(o.speedMmPerS > 0 && o.framesPerSecond > 0 && o.workingDistance > 0)) {
    throw new ScanfuseError('INVALID_ARGUMENT', 'protocolTrajectory: speed, frame rate and working distance must be positive');
  }
  const rng = new Random(o.seed);
  const teeth = model.teeth;
  const first = teeth[0], last = teeth[teeth.length - 1];
  // Sweeps run from just behind one last molar to just behind the other (the retromolar pads).
  const sStart = first.arc - first.halfWidth - 2.5, sEnd = last.arc + last.halfWidth + 2.5;
  const step = o.speedMmPerS / o.framesPerSecond;
  // Crown heights along the arch, for aiming.
  const aimHeight = (s: number) => {
    let best = teeth[0];
    for (const t of teeth) if (Math.abs(t.arc - s) < Math.abs(best.arc - s)) best = t;
    return best.localToWorld[14] + best.crownHeight * 0.75;
  };
  const halfDepth = (s: number) => {
    let best = teeth[0];
    for (const t of teeth) if (Math.abs(t.arc - s) < Math.abs(best.arc - s)) best = t;
    return best.halfDepth;
  };
  const tilt = (o.sideTiltDegrees * Math.PI) / 180;
  const poseAt = (k: Key): Transform => {
    const { point, tangent } = curveAt(model.curve, model.curveArc, k.s);
    const outward = [-tangent[1], tangent[0], 0];
    if (k.view === 'palate') {
      // Straight above the vault, aimed at its estimated surface (the model's vault profile).
      const inward = k.lateral ?? 8;
      const vault = Math.max(0, inward - halfDepth(k.s) - 1.6);
      const z = model.gum.marginHeight + 0.6 - model.palate!.depth * (1 - Math.exp(-vault / 5));
      const target = [point[0] - outward[0] * inward, point[1] - outward[1] * inward, z];
      const eye = [target[0], target[1], target[2] + o.workingDistance];
      return lookAt(eye, target, [tangent[0], tangent[1], 0]);
    }
    const h = aimHeight(k.s);
    let target: number[];
    let dir: number[];
    if (k.view === 'occlusal') {
      target = [point[0], point[1], h];
      dir = [0, 0, 1];
    } else {
      const side = k.view === 'buccal' ? 1 : -1;
      const b = halfDepth(k.s) * 0.9;
      target = [point[0] + side * outward[0] * b, point[1] + side * outward[1] * b, h - 2.2];
      dir = [side * outward[0] * Math.sin(tilt), side * outward[1] * Math.sin(tilt), Math.cos(tilt)];
    }
    const eye = [target[0] + dir[0] * o.workingDistance, target[1] + dir[1] * o.workingDistance, target[2] + dir[2] * o.workingDistance];
    // Image x along the arch (the 16 mm side of the field), y across it.
    const up = [-outward[0], -outward[1], 0];
    return lookAt(eye, target, k.view === 'occlusal' ? up : [0, 0, 1]);
  };
  // Build the key sequence: occlusal right->left, lingual left->right, buccal right->left, palate.
  const keys: Array<{ key: Key; segment: TrajectorySegment }> = [];
  const sweep = (from: number, to: number, view: Key['view'], segment: TrajectorySegment, lateral?: number) => {
    const n = Math.max(1, Math.round(Math.abs(to - from) / step));
    for (let i = 0; i <= n; i++) keys.push({ key: { s: from + ((to - from) * i) / n, view, lateral }, segment });
  };
  const transition = (a: Key, b: Key, frames = 24) => {
    // Rotate the wand over the end tooth, blending poses.
    for (let i = 1; i < frames; i++) keys.push({ key: { ...a, s: a.s + ((b.s - a.s) * i) / frames, blend: { to: b, t: i / frames } } as Key, segment: 'transition' });
  };
  // The wand turns over the last molars, never over the bare retromolar pads (a smooth dome
  // gives tracking nothing to hold on to). Side sweeps run from molar edge to molar edge (+1 mm).
  const firstCentre = first.arc, lastCentre = last.arc;
  const sideStart = first.arc - first.halfWidth - 1, sideEnd = last.arc + last.halfWidth + 1;
  sweep(sStart, sEnd, 'occlusal', 'occlusal');
  transition({ s: sEnd, view: 'occlusal' }, { s: lastCentre, view: 'lingual' }, 30);
  sweep(lastCentre, sideEnd, 'lingual', 'lingual');
  sweep(sideEnd, sideStart, 'lingual', 'lingual');
  transition({ s: sideStart, view: 'lingual' }, { s: firstCentre, view: 'buccal' }, 30);
  sweep(firstCentre, sideStart, 'buccal', 'buccal');
  sweep(sideStart, sideEnd, 'buccal', 'buccal');
  if (o.palate && model.palate) {
    // Three passes over the vault at growing distance from the teeth, back and forth.
    transition({ s: sideEnd, view: 'buccal' }, { s: lastCentre, view: 'palate', lateral: 7 }, 30);
    sweep(lastCentre, sStart, 'palate', 'palate', 7);
    transition({ s: sStart, view: 'palate', lateral: 7 }, { s: sStart, view: 'palate', lateral: 12.5 }, 12);
    sweep(sStart, sEnd, 'palate', 'palate', 12.5);
    transition({ s: sEnd, view: 'palate', lateral: 12.5 }, { s: sEnd, view: 'palate', lateral: 18 }, 12);
    sweep(sEnd, sStart, 'palate', 'palate', 18);
  }
  let poses = keys.map(({ key }) => {
    const blend = (key as Key & { blend?: { to: Key; t: number } }).blend;
    return blend ? interpolatePose(poseAt({ ...key }), poseAt(blend.to), blend.t) : poseAt(key);
  });
  let segments = keys.map((k) => k.segment);
  // Optional disturbances.
  if (o.fastAtFrame !== undefined) {
    // Skip frames: the wand covers fastFactor x the distance per frame for fastFrames frames.
    const at = Math.max(0, Math.min(poses.length - 1, o.fastAtFrame));
    const skip = Math.round(o.fastFrames * (o.fastFactor - 1));
    poses = [...poses.slice(0, at), ...poses.slice(at).filter((_, i) => i >= o.fastFrames * o.fastFactor || i % o.fastFactor === 0)];
    segments = [...segments.slice(0, at), ...segments.slice(at).filter((_, i) => i >= o.fastFrames * o.fastFactor || i % o.fastFactor === 0)];
    for (let i = at; i < at + o.fastFrames && i < segments.length; i++) segments[i] = 'fast';
    void skip;
  }
  if (o.liftOffAtFrame !== undefined) {
    const at = Math.max(1, Math.min(poses.length - 2, o.liftOffAtFrame));
    const jump = Math.round(o.liftOffJumpMm / step);
    const resume = Math.max(0, Math.min(poses.length - 1, at + (jump === 0 ? 1 : jump)));
    const before = poses.slice(0, at), after = poses.slice(resume);
    const lifted: Transform[] = [];
    const from = before[before.length - 1], to = after[0];
    for (let i = 1; i <= o.liftOffFrames; i++) {
      const t = i / (o.liftOffFrames + 1);
      const p = interpolatePose(from, to, t);
      // Up and away along the camera's -z, out of the depth range.
      const rise = 40 * Math.sin(Math.PI * t);
      p[12] -= p[8] * rise; p[13] -= p[9] * rise; p[14] -= p[10] * rise;
      lifted.push(p);
    }
    poses = [...before, ...lifted, ...after];
    segments = [...segments.slice(0, at), ...lifted.map(() => 'lift-off' as const), ...segments.slice(resume)];
  }
  // Hand tremor: smooth, seeded wobble (a few sinusoids, 3-9 Hz).
  const components = Array.from({ length: 3 }, () => ({
    f: rng.range(3, 9), phase: [rng.range(0, 6.283), rng.range(0, 6.283), rng.range(0, 6.283), rng.range(0, 6.283), rng.range(0, 6.283), rng.range(0, 6.283)],
  }));
  const tremored = poses.map((p, i) => {
    const t = i / o.framesPerSecond;
    const d = [0, 0, 0], r = [0, 0, 0];
    for (const c of components) {
      for (let k = 0; k < 3; k++) {
        d[k] += (o.tremorMm / components.length) * Math.sin(2 * Math.PI * c.f * t + c.phase[k]);
        r[k] += ((o.tremorDegrees * Math.PI) / 180 / components.length) * Math.sin(2 * Math.PI * c.f * t + c.phase[k + 3]);
      }
    }
    const angle = Math.hypot(r[0], r[1], r[2]);
    const rot = angle > 0 ? fromAxisAngle([r[0] / angle, r[1] / angle, r[2] / angle], angle, d) : fromAxisAngle([0, 0, 1], 0, d);
    return multiply(p, rot);
  });
  return {
    cameraToWorld: tremored,
    timestampMs: tremored.map((_, i) => (i * 1000) / o.framesPerSecond),
    segment: segments,
  };
}

/** Blend of two rigid poses: linear translation, quaternion slerp rotation. */
export function interpolatePose(a: Transform, b: Transform, t: number): Transform {
  const qa = quaternionOf(a), qb = quaternionOf(b);
  let dot = qa[0] * qb[0] + qa[1] * qb[1] + qa[2] * qb[2] + qa[3] * qb[3];
  if (dot < 0) { for (let k = 0; k < 4; k++) qb[k] = -qb[k]; dot = -dot; }
  let q: number[];
  if (dot > 0.9995) q = qa.map((v, k) => v + t * (qb[k] - v));
  else {
    const theta = Math.acos(dot), s = Math.sin(theta);
    q = qa.map((v, k) => (Math.sin((1 - t) * theta) * v + Math.sin(t * theta) * qb[k]) / s);
  }
  const n = Math.hypot(q[0], q[1], q[2], q[3]);
  const [x, y, z, w] = q.map((v) => v / n);
  const m = new Float64Array(16);
  m[0] = 1 - 2 * (y * y + z * z); m[1] = 2 * (x * y + z * w); m[2] = 2 * (x * z - y * w);
  m[4] = 2 * (x * y - z * w); m[5] = 1 - 2 * (x * x + z * z); m[6] = 2 * (y * z + x * w);
  m[8] = 2 * (x * z + y * w); m[9] = 2 * (y * z - x * w); m[10] = 1 - 2 * (x * x + y * y);
  for (let k = 0; k < 3; k++) m[12 + k] = a[12 + k] + t * (b[12 + k] - a[12 + k]);
  m[15] = 1;
  return m;
}

/** Unit quaternion (x, y, z, w) of a rigid transform's rotation. */
export function quaternionOf(m: Transform): number[] {
  const tr = m[0] + m[5] + m[10];
  let x: number, y: number, z: number, w: number;
  if (tr > 0) {
    const s = Math.sqrt(tr + 1) * 2;
    w = 0.25 * s; x = (m[6] - m[9]) / s; y = (m[8] - m[2]) / s; z = (m[1] - m[4]) / s;
  } else if (m[0] > m[5] && m[0] > m[10]) {
    const s = Math.sqrt(1 + m[0] - m[5] - m[10]) * 2;
    w = (m[6] - m[9]) / s; x = 0.25 * s; y = (m[4] + m[1]) / s; z = (m[8] + m[2]) / s;
  } else if (m[5] > m[10]) {
    const s = Math.sqrt(1 + m[5] - m[0] - m[10]) * 2;
    w = (m[8] - m[2]) / s; x = (m[4] + m[1]) / s; y = 0.25 * s; z = (m[9] + m[6]) / s;
  } else {
    const s = Math.sqrt(1 + m[10] - m[0] - m[5]) * 2;
    w = (m[1] - m[4]) / s; x = (m[8] + m[2]) / s; y = (m[9] + m[6]) / s; z = 0.25 * s;
  }
  return [x, y, z, w];
}
