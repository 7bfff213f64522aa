// Pairwise registration of the six Stanford bunny range scans against the poses of
// bun_dev6.conf (../shared/data/range_scans/stanford_bunny/data).
//
// Ground truth: a scan point p (metres in the file) lands in the world at R(q)^T p + t (the
// README's convention; R(q) p + t is wrong for most views); in mm: worldFromScan = [R^T | 1000 t].
// For a pair (source a, target b): truth sourceToTarget = worldFromScan(b)^-1 worldFromScan(a).
//
// Pairs: the scans sorted by their view angle about the vertical (y) axis (where each scan's +z
// axis points in the world), each with the next one round the circle. The files' names are
// nominal angles; the poses give bun000 0, bun045 34, bun090 90, bun180 180, bun270 270 (-90) and
// bun315 315 (-45) degrees, so the ring is bun000 - bun045 - bun090 - bun180 - bun270 - bun315 -
// bun000: six pairs (source - target), view changes of 34, 56, 90, 90, 45 and 45 degrees (the
// 90-degree pairs share the least surface: 40% of the source's points find the target).
// The quaternions of the file are normalised (they are rounded to 6 digits).
//
// Checks:
// 1. ICP (registerPointClouds with `initial`, no global stage) from the truth perturbed by 10
//    degrees about a seeded random axis through the source's centroid and 10 mm in a seeded random
//    direction, three seeds per pair: ends within 1 degree and 1 mm of the truth.
// 2. The whole pipeline (global stage, then ICP) with no initial pose, after turning the source
//    by a seeded random rotation of 90-180 degrees: ends within 1 degree and 1 mm as well.
import { beforeAll, describe, expect, it } from 'vitest';
import { createEngine, registerPointClouds, type Engine } from '../../src/index.js';
import { fromAxisAngle, invertRigid, multiply, rotationAngle } from '../../src/math/pose.js';
import { readData } from './corpus.js';

const DIR = 'range_scans/stanford_bunny/data/';

interface ScanPose { name: string; worldFromScan: Float64Array; angleDeg: number }

/** The bmesh lines of bun_dev6.conf, as world-from-scan transforms in mm. */
function readConf(): ScanPose[] {
  const text = new TextDecoder().decode(readData(`${DIR}bun_dev6.conf`));
  const poses: ScanPose[] = [];
  for (const line of text.split(/\r?\n/)) {
    const w = line.trim().split(/\s+/);
    if (w[0] !== 'bmesh') continue;
    const [tx, ty, tz, x, y, z, qw0] = w.slice(2, 9).map(Number);
    // The file's quaternions are rounded to 6 digits: normalise (R(q) exactly a rotation).
    const qn = Math.hypot(x, y, z, qw0);
    const qx = x / qn, qy = y / qn, qz = z / qn, qw = qw0 / qn;
    // R(q), row-major.
    const R = [
      1 - 2 * (qy * qy + qz * qz), 2 * (qx * qy - qz * qw), 2 * (qx * qz + qy * qw),
      2 * (qx * qy + qz * qw), 1 - 2 * (qx * qx + qz * qz), 2 * (qy * qz - qx * qw),
      2 * (qx * qz - qy * qw), 2 * (qy * qz + qx * qw), 1 - 2 * (qx * qx + qy * qy),
    ];
    // worldFromScan = [R^T | t]: column-major element (row r, column c) = R^T[r][c] = R[c][r].
    const m = new Float64Array(16);
    for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) m[c * 4 + r] = R[c * 3 + r];
    m[12] = tx * 1000; m[13] = ty * 1000; m[14] = tz * 1000; m[15] = 1;
    // View angle about y: where the scan's +z axis points in the world (x-z plane).
    const angleDeg = (Math.atan2(m[8], m[10]) * 180) / Math.PI;
    poses.push({ name: w[1].replace(/\.ply$/, ''), worldFromScan: m, angleDeg });
  }
  return poses;
}

/** Seeded stream of floats in [0, 1). */
function stream(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function unit(r: () => number): [number, number, number] {
  for (;;) {
    const v = [2 * r() - 1, 2 * r() - 1, 2 * r() - 1];
    const n = Math.hypot(v[0], v[1], v[2]);
    if (n > 0.1 && n <= 1) return [v[0] / n, v[1] / n, v[2] / n];
  }
}

/** Rotation by `angle` about `axis` through `center`, then a move by `t`. */
function motion(axis: [number, number, number], angle: number, center: ArrayLike<number>, t: ArrayLike<number>): Float64Array {
  const m = fromAxisAngle(axis, angle);
  for (let a = 0; a < 3; a++) m[12 + a] = center[a] - (m[a] * center[0] + m[4 + a] * center[1] + m[8 + a] * center[2]) + t[a];
  return m;
}

function apply(m: Float64Array, p: ArrayLike<number>): [number, number, number] {
  return [0, 1, 2].map((a) => m[a] * p[0] + m[4 + a] * p[1] + m[8 + a] * p[2] + m[12 + a]) as [number, number, number];
}

function error(estimate: Float64Array, truth: Float64Array): { deg: number; mm: number } {
  const d = multiply(invertRigid(truth), estimate);
  return { deg: (rotationAngle(d) * 180) / Math.PI, mm: Math.hypot(d[12], d[13], d[14]) };
}

const poses = readConf();
const ring = [...poses].sort((a, b) => ((a.angleDeg + 360.5) % 360) - ((b.angleDeg + 360.5) % 360));
const pairs = ring.map((p, i) => [p, ring[(i + 1) % ring.length]] as const);

let engine: Engine;
const scans = new Map<string, { positions: Float32Array; centroid: [number, number, number] }>();
beforeAll(async () => {
  engine = await createEngine();
  for (const p of poses) {
    const { mesh } = engine.readMesh(readData(`${DIR}${p.name}.ply`), { fileName: `${p.name}.ply` });
    const positions = mesh.positions;
    for (let i = 0; i < positions.length; i++) positions[i] *= 1000; // metres -> mm
    const c = [0, 0, 0];
    for (let i = 0; i < positions.length; i += 3) for (let a = 0; a < 3; a++) c[a] += positions[i + a];
    scans.set(p.name, { positions, centroid: c.map((v) => v / (positions.length / 3)) as [number, number, number] });
  }
});

describe('Stanford bunny: the poses and the pairs', () => {
  it('reads six poses and pairs each scan with its neighbour in view angle', () => {
    expect(poses.map((p) => p.name)).toEqual(['bun000', 'bun045', 'bun090', 'bun180', 'bun270', 'bun315']);
    // View angles about y (degrees, where the scan's +z axis points): 0, 34, 90, -180, -90, -45.
    expect(poses.map((p) => Math.round(p.angleDeg))).toEqual([0, 34, 90, -180, -90, -45]);
    expect(pairs.map(([x, y]) => `${x.name}-${y.name}`)).toEqual([
      'bun000-bun045', 'bun045-bun090', 'bun090-bun180', 'bun180-bun270', 'bun270-bun315', 'bun315-bun000',
    ]);
  });
});

describe.each(pairs.map(([a, b]) => [a.name, b.name, a, b] as const))('Stanford bunny %s -> %s', (_a, _b, a, b) => {
  const truth = () => multiply(invertRigid(b.worldFromScan), a.worldFromScan);

  it.each([1, 2, 3])('ICP from a start 10 degrees and 10 mm off (seed %i) ends within 1 degree and 1 mm', (seed) => {
    const src = scans.get(a.name)!, dst = scans.get(b.name)!;
    const t = truth();
    const r = stream(seed * 1000 + Math.round(a.angleDeg));
    const center = apply(t, src.centroid); // the source's centroid, in target coordinates
    const shift = unit(r).map((v) => v * 10);
    const start = multiply(motion(unit(r), (10 * Math.PI) / 180, center, shift), t);
    const startError = error(start, t);
    expect(startError.deg).toBeCloseTo(10, 9);
    const result = registerPointClouds(engine, { positions: src.positions }, { positions: dst.positions }, { initial: start });
    const e = error(result.sourceToTarget, t);
    expect(e.deg, JSON.stringify({ e, fitness: result.fitness, verdict: result.verdict })).toBeLessThan(1);
    expect(e.mm, JSON.stringify({ e, fitness: result.fitness, verdict: result.verdict })).toBeLessThan(1);
    // Converged, or still creeping by less than the thresholds after 60 updates (the 90-degree
    // pairs, with little shared surface, can): never 'degenerate' or 'low-overlap'.
    expect(['aligned', 'not-converged']).toContain(result.verdict);
  });

  it('the global stage then ICP, from a 90-180 degree turn, ends within 1 degree and 1 mm', () => {
    const src = scans.get(a.name)!, dst = scans.get(b.name)!;
    const r = stream(77 + Math.round(a.angleDeg));
    const turn = motion(unit(r), ((90 + 90 * r()) * Math.PI) / 180, src.centroid, [0, 0, 0]);
    const turned = new Float32Array(src.positions.length);
    for (let i = 0; i < turned.length; i += 3) turned.set(apply(turn, src.positions.subarray(i, i + 3)), i);
    const t = multiply(truth(), invertRigid(turn)); // turned source -> target
    const result = registerPointClouds(engine, { positions: turned }, { positions: dst.positions }, { seed: 1 });
    const e = error(result.sourceToTarget, t);
    expect(result.global?.found).toBe(true);
    expect(e.deg, JSON.stringify({ e, fitness: result.fitness, global: result.global?.fitness })).toBeLessThan(1);
    expect(e.mm, JSON.stringify({ e, fitness: result.fitness, global: result.global?.fitness })).toBeLessThan(1);
  });
});
