// `scanfuse compare-to-reference`: trueness and completeness on hand-computable cases (a plane
// offset by 0.1 mm, a half-missing reconstruction), trajectory errors from Redwood .log files,
// malformed inputs (exit 1 with the typed code) and usage errors (exit 2).
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CompareReport } from '../../src/cli/compare.js';
import { formatRedwoodLog, type Engine, type Mesh } from '../../src/index.js';
import { fromAxisAngle, multiply } from '../../src/math/pose.js';
import { engineFor } from '../support/engines.js';
import { binaryStl, box, soupOf } from '../support/meshes.js';
import { put, removeDir, runMain, tempDir } from './helpers.js';

let engine: Engine;
let dir: string;

/**
 * A flat square [0, size]^2 at height z, `cells` x `cells` quads (two triangles each, CCW from
 * +z: normals +z). Only the quads with x below `xMax` are kept.
 */
function plane(size: number, cells: number, z: number, xMax = Infinity): Mesh {
  const n = cells + 1;
  const positions = new Float32Array(3 * n * n);
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < n; i++) positions.set([(i * size) / cells, (j * size) / cells, z], 3 * (j * n + i));
  }
  const indices: number[] = [];
  for (let j = 0; j < cells; j++) {
    for (let i = 0; i < cells; i++) {
      if (((i + 1) * size) / cells > xMax + 1e-9) continue;
      const a = j * n + i;
      indices.push(a, a + 1, a + n + 1, a, a + n + 1, a + n);
    }
  }
  return { positions, indices: new Uint32Array(indices) };
}

/** Ten camera-to-world poses along a curved, turning path (not collinear), mm. */
function groundTruthPoses(): Float64Array[] {
  return Array.from({ length: 10 }, (_, k) => fromAxisAngle([0.3, 0.2, 0.93], 0.05 * k, [2 * k, 3 * Math.sin(k / 2), 0.5 * k * k]));
}

const json = (stdout: string) => JSON.parse(stdout) as CompareReport;

beforeAll(async () => {
  engine = await engineFor();
  dir = await tempDir('scanfuse-compare-');
  // 10 x 10 mm plane of 0.25 mm quads (3,200 triangles), as binary PLY and binary STL.
  await put(dir, 'plane.ply', engine.writeMesh(plane(10, 40, 0), { format: 'ply' }));
  await put(dir, 'above.stl', engine.writeMesh(plane(10, 40, 0.1), { format: 'stl' }));
  await put(dir, 'below.ply', engine.writeMesh(plane(10, 40, -0.1), { format: 'ply', encoding: 'ascii' }));
  await put(dir, 'half.ply', engine.writeMesh(plane(10, 40, 0, 5), { format: 'ply' }));
  await put(dir, 'cloud.ply', engine.writeMesh({ positions: plane(10, 40, 0.1).positions, indices: new Uint32Array(0) }, { format: 'ply' }));
  await put(dir, 'broken.stl', binaryStl(soupOf(box(1, 1, 1))).subarray(0, 300));
  await put(dir, 'notes.txt', 'not a mesh\n');
  const gt = groundTruthPoses();
  // The same trajectory in a world shifted by 0.1 mm along x: every position off by 100 µm.
  const shiftedWorld = gt.map((m) => multiply(fromAxisAngle([0, 0, 1], 0, [0.1, 0, 0]), m));
  // Frame 5 alone moved 0.1 mm along its own camera x.
  const oneFrame = gt.map((m, k) => (k === 5 ? multiply(m, fromAxisAngle([0, 0, 1], 0, [0.1, 0, 0])) : m));
  await put(dir, 'gt.log', formatRedwoodLog(gt));
  await put(dir, 'gt-mm.log', formatRedwoodLog(gt, { unitsPerMm: 1 }));
  await put(dir, 'shifted.log', formatRedwoodLog(shiftedWorld));
  await put(dir, 'one-frame.log', formatRedwoodLog(oneFrame));
  await put(dir, 'one-frame-mm.log', formatRedwoodLog(oneFrame, { unitsPerMm: 1 }));
  await put(dir, 'short.log', formatRedwoodLog(gt.slice(0, 9)));
  await put(dir, 'bad.log', '0 0 1\n1 0 0 0\n0 1 0\n');
});
afterAll(async () => {
  await removeDir(dir);
});

describe('scanfuse compare-to-reference', () => {
  it('a plane 0.1 mm above the reference: 100 µm everywhere, signed +100, nothing within 50 µm', async () => {
    const r = await runMain(['compare-to-reference', 'above.stl', 'plane.ply', '--json'], dir);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const { trueness: t, completeness: c, reconstruction, reference, trajectory } = json(r.stdout);
    expect(reconstruction).toMatchObject({ file: 'above.stl', format: 'stl', vertices: 41 * 41, triangles: 3200 });
    expect(reference).toMatchObject({ file: 'plane.ply', format: 'ply', triangles: 3200 });
    // float32(0.1) = 0.100000001490116 mm.
    for (const v of [t.meanAbsoluteUm, t.rmsUm, t.signedMeanUm, t.p50Um, t.p95Um, t.maxUm]) expect(v).toBeCloseTo(100, 4);
    expect(t).toMatchObject({ weighting: 'area', evaluatedVertexCount: 41 * 41, beyondMaxDistanceCount: 0, maxDistance: 1 });
    expect(t.totalWeight).toBeCloseTo(100, 6); // the plane's area, mm^2
    expect(c).toMatchObject({ completeness: 0, thresholdUm: 50, sampleCount: 200_000 });
    expect(c.referenceAreaMm2).toBeCloseTo(100, 6);
    expect(trajectory).toBeNull();
  });

  it('below the reference the signed mean is negative; a threshold above 100 µm covers everything', async () => {
    const r = await runMain(['compare-to-reference', 'below.ply', 'plane.ply', '--threshold-um', '101', '--json'], dir);
    expect(r.code).toBe(0);
    const { trueness: t, completeness: c } = json(r.stdout);
    expect(t.signedMeanUm).toBeCloseTo(-100, 4);
    expect(t.meanAbsoluteUm).toBeCloseTo(100, 4);
    expect(c.completeness).toBe(1);
  });

  it('--max-distance-mm leaves farther vertices out and counts them', async () => {
    const r = await runMain(['compare-to-reference', 'above.stl', 'plane.ply', '--max-distance-mm', '0.05', '--json'], dir);
    expect(r.code).toBe(0);
    const { trueness: t } = json(r.stdout);
    expect(t).toMatchObject({ evaluatedVertexCount: 0, beyondMaxDistanceCount: 41 * 41, maxDistance: 0.05 });
    expect(t.meanAbsoluteUm).toBeNull(); // NaN in JSON: no vertex qualifies
    expect(t.beyondMaxDistanceWeight).toBeCloseTo(100, 6);
  });

  it('a half-missing reconstruction: about 50 % complete (50.5 %: the 50 µm band past its edge counts), trueness 0', async () => {
    const r = await runMain(['compare-to-reference', 'half.ply', 'plane.ply', '--json'], dir);
    expect(r.code).toBe(0);
    const { trueness: t, completeness: c, reconstruction } = json(r.stdout);
    expect(reconstruction.triangles).toBe(1600);
    expect(t.maxUm).toBe(0);
    // Covered: x <= 5.05 of [0, 10]. Stratified samples: the error is within a few strata.
    expect(Math.abs(c.completeness - 0.505)).toBeLessThan(0.002);
    expect(c.coveredAreaMm2).toBeCloseTo(50.5, 0);
    expect(c.standardError).toBeCloseTo(Math.sqrt((c.completeness * (1 - c.completeness)) / 200_000), 9);
    // The other way round: the whole plane against its half is complete, but the vertices past
    // x = 5 are x - 5 away: columns x = 0..6 (25 of 41) within the default 1 mm, 16 left out.
    const back = json((await runMain(['compare-to-reference', 'plane.ply', 'half.ply', '--json'], dir)).stdout);
    expect(back.completeness.completeness).toBe(1);
    expect(back.trueness).toMatchObject({ evaluatedVertexCount: 25 * 41, beyondMaxDistanceCount: 16 * 41, maxUm: 1000, p50Um: 0 });
  });

  it('a point-cloud reconstruction is scored with uniform weights', async () => {
    const r = await runMain(['compare-to-reference', 'cloud.ply', 'plane.ply', '--json', '--samples', '20000'], dir);
    expect(r.code).toBe(0);
    const { trueness: t, completeness: c, reconstruction } = json(r.stdout);
    expect(reconstruction.triangles).toBe(0);
    expect(t.weighting).toBe('uniform');
    expect(t.totalWeight).toBe(41 * 41);
    expect(t.meanAbsoluteUm).toBeCloseTo(100, 4);
    expect(c.sampleCount).toBe(20_000);
  });

  it('prints labelled rows in µm, with the weighting and the threshold', async () => {
    const r = await runMain(['compare-to-reference', 'above.stl', 'plane.ply'], dir);
    expect(r.code).toBe(0);
    const out = r.stdout;
    expect(out).toMatch(/^trueness \(reconstruction vertices to the reference surface, area-weighted\)$/m);
    expect(out).toMatch(/^ {2}mean absolute +100\.0 µm$/m);
    expect(out).toMatch(/^ {2}RMS +100\.0 µm$/m);
    expect(out).toMatch(/^ {2}signed mean +\+100\.0 µm \(outside the reference on average\)$/m);
    expect(out).toMatch(/^ {2}p95 +100\.0 µm$/m);
    expect(out).toMatch(/^ {2}reconstruction +above\.stl \(STL, 1,681 vertices, 3,200 triangles\)$/m);
    expect(out).toMatch(/^completeness \(reference area within 50 µm of the reconstruction\)$/m);
    expect(out).toMatch(/^ {2}completeness +0\.00 % \(± 0\.00 %\)$/m);
    expect(out).toMatch(/^ {2}covered area +0 of 100 mm\^2$/m);
    expect(out).not.toContain('trajectory');
  });

  it('trajectory: a world shifted by 0.1 mm has a 100 µm unaligned ATE, ~0 aligned and no RPE', async () => {
    const r = await runMain(['compare-to-reference', 'plane.ply', 'plane.ply', '--trajectory', 'shifted.log', '--reference-trajectory', 'gt.log', '--json'], dir);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const t = json(r.stdout).trajectory!;
    expect(t).toMatchObject({ estimated: 'shifted.log', groundTruth: 'gt.log', frames: 10, rpeDelta: 1, rpePairs: 9 });
    expect(t.ateRmseUm).toBeCloseTo(100, 6);
    expect(t.ateTranslationUm.max).toBeCloseTo(100, 6);
    expect(t.ateAlignedRmseUm).toBeLessThan(1e-6);
    expect(t.ateRotationDeg.max).toBeLessThan(1e-9);
    expect(t.rpeTranslationUm.max).toBeLessThan(1e-6);
    expect(t.rpeRotationDeg.max).toBeLessThan(1e-9);
  });

  it('trajectory: one frame off by 0.1 mm gives RMSE 100/sqrt(10) µm and two RPE pairs of 100 µm; units mm work too', async () => {
    for (const [est, gt, extra] of [['one-frame.log', 'gt.log', []], ['one-frame-mm.log', 'gt-mm.log', ['--trajectory-units', 'mm']]] as const) {
      const r = await runMain(['compare-to-reference', 'plane.ply', 'plane.ply', '--trajectory', est, '--reference-trajectory', gt, ...extra, '--json'], dir);
      expect(r.code).toBe(0);
      const t = json(r.stdout).trajectory!;
      expect(t.ateRmseUm).toBeCloseTo(100 / Math.sqrt(10), 6);
      expect(t.ateTranslationUm.max).toBeCloseTo(100, 6);
      expect(t.ateAlignedRmseUm).toBeLessThan(t.ateRmseUm);
      expect(t.rpeTranslationUm.max).toBeCloseTo(100, 6);
      expect(t.rpeTranslationUm.mean).toBeCloseTo(200 / 9, 6);
      expect(t.rpeTranslationUm.rms).toBeCloseTo(Math.sqrt((2 * 100 ** 2) / 9), 6);
      expect(t.rpeRotationDeg.max).toBeLessThan(1e-9);
    }
    const delta2 = json((await runMain(['compare-to-reference', 'plane.ply', 'plane.ply', '--trajectory', 'one-frame.log',
      '--reference-trajectory', 'gt.log', '--rpe-delta', '2', '--json'], dir)).stdout).trajectory!;
    expect(delta2).toMatchObject({ rpeDelta: 2, rpePairs: 8 });
    const text = await runMain(['compare-to-reference', 'plane.ply', 'plane.ply', '--trajectory', 'one-frame.log', '--reference-trajectory', 'gt.log'], dir);
    expect(text.stdout).toMatch(/^trajectory \(10 frames: one-frame\.log against gt\.log\)$/m);
    expect(text.stdout).toMatch(/^ {2}ATE RMSE, unaligned +31\.6 µm \(same world frame, no alignment\)$/m);
    expect(text.stdout).toMatch(/^ {2}ATE RMSE, aligned +\d+\.\d µm \(after a rigid alignment, Horn, no scale\)$/m);
    expect(text.stdout).toMatch(/^ {2}RPE translation +mean 22\.2, RMS 47\.1, max 100\.0 µm \(9 pairs i, i\+1\)$/m);
  });

  it.each([
    [['broken.stl', 'plane.ply'], 'MALFORMED_INPUT'],
    [['plane.ply', 'broken.stl'], 'MALFORMED_INPUT'],
    [['notes.txt', 'plane.ply'], 'UNSUPPORTED_FORMAT'],
    [['missing.ply', 'plane.ply'], 'IO_ERROR'],
    [['plane.ply', 'cloud.ply'], 'INVALID_ARGUMENT'],
    [['plane.ply', 'plane.ply', '--trajectory', 'bad.log', '--reference-trajectory', 'gt.log'], 'MALFORMED_INPUT'],
    [['plane.ply', 'plane.ply', '--trajectory', 'gone.log', '--reference-trajectory', 'gt.log'], 'IO_ERROR'],
    [['plane.ply', 'plane.ply', '--trajectory', 'short.log', '--reference-trajectory', 'gt.log'], 'INVALID_ARGUMENT'],
  ])('%j: exit 1, "error: %s: ..." on stderr, nothing on stdout', async (args, code) => {
    for (const extra of [[], ['--json']]) {
      const r = await runMain(['compare-to-reference', ...args, ...extra], dir);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(new RegExp(`^error: ${code}: `));
    }
  });

  it('a malformed file names itself and where it breaks', async () => {
    const stl = await runMain(['compare-to-reference', 'broken.stl', 'plane.ply'], dir);
    expect(stl.stderr).toContain('broken.stl');
    const log = await runMain(['compare-to-reference', 'plane.ply', 'plane.ply', '--trajectory', 'bad.log', '--reference-trajectory', 'gt.log'], dir);
    expect(log.stderr).toMatch(/^error: MALFORMED_INPUT: parseRedwoodLog: a matrix row needs four numbers/);
  });

  it.each([
    [['plane.ply'], /missing required argument 'ref'/],
    [['plane.ply', 'plane.ply', '--threshold-um', 'abc'], /--threshold-um expects a number of µm/],
    [['plane.ply', 'plane.ply', '--threshold-um', '-5'], /--threshold-um expects a number of µm from 0/],
    [['plane.ply', 'plane.ply', '--max-distance-mm', '0'], /--max-distance-mm expects a number of mm/],
    [['plane.ply', 'plane.ply', '--samples', '0'], /--samples expects a whole number from 1/],
    [['plane.ply', 'plane.ply', '--trajectory', 'gt.log'], /--trajectory and --reference-trajectory go together/],
    [['plane.ply', 'plane.ply', '--reference-trajectory', 'gt.log'], /--trajectory and --reference-trajectory go together/],
    [['plane.ply', 'plane.ply', '--rpe-delta', '2'], /need --trajectory and --reference-trajectory/],
    [['plane.ply', 'plane.ply', '--trajectory', 'gt.log', '--reference-trajectory', 'gt.log', '--trajectory-units', 'km'], /--trajectory-units expects m or mm/],
    [['plane.ply', 'plane.ply', '--trajectory', 'gt.log', '--reference-trajectory', 'gt.log', '--rpe-delta', '0'], /--rpe-delta expects a whole number from 1/],
  ])('usage error %j: exit 2', async (args, message) => {
    const r = await runMain(['compare-to-reference', ...args], dir);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
  });

  it('--help states the formulas and which ATE is aligned', async () => {
    const { code, stdout } = await runMain(['compare-to-reference', '--help'], dir);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Usage: scanfuse compare-to-reference \[options\] <recon> <ref>/);
    expect(stdout).toContain('mean absolute = sum(w_i |d_i|) / W');
    expect(stdout).toContain('RMS = sqrt(sum(w_i d_i^2) / W)');
    expect(stdout).toContain("Completeness = the fraction of REF's area within --threshold-um of RECON");
    expect(stdout).toContain('ATE RMSE, unaligned');
    expect(stdout).toContain('ATE RMSE, aligned   = the same after the rigid transform (Horn, no scale)');
    expect(stdout).toMatch(/--threshold-um <um> .*\(default: "50"\)/s);
  });
});
