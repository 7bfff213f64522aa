// `scanfuse scan` (the main job) on a short stretch of the protocol at a coarse voxel: the report
// against ground truth, the files it writes (read back), determinism, and usage mistakes.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, parseRedwoodLog, type Engine } from '../../src/index.js';
import { readMeshFile } from '../../src/node/index.js';
import type { ScanReport } from '../../src/cli/scan.js';
import { removeDir, runMain, tempDir } from './helpers.js';

const FRAMES = '12';
let engine: Engine;
let dir: string;

beforeAll(async () => {
  engine = await createEngine();
  dir = await tempDir('scanfuse-scan-');
});

afterAll(async () => {
  engine?.dispose();
  if (dir) await removeDir(dir);
});

const parse = (stdout: string) => JSON.parse(stdout) as ScanReport;

describe('scanfuse scan', () => {
  let report: ScanReport;

  it('tracks every frame, scores the arch against ground truth and writes STL, PLY and the trajectory', async () => {
    const r = await runMain(['scan', '--frames', FRAMES, '--voxel', '0.1', '--out-dir', 'a', '--json'], dir);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    report = parse(r.stdout);
    expect(report.frames.count).toBe(12);
    expect(report.frames.byStatus).toEqual({ first: 1, tracked: 11 });
    expect(report.frames.integrated).toBe(12);
    // The wand's true poses: a tracked stretch this short stays within a few tens of µm.
    expect(report.trajectory.ateRmseUm).toBeLessThan(50);
    expect(report.accuracy.trueness.meanAbsoluteUm).toBeLessThan(15);
    expect(report.accuracy.completeness.ofObserved).toBeGreaterThan(0.5);
    expect(report.accuracy.completeness.ofObserved).toBeGreaterThan(report.accuracy.completeness.ofReference);
    expect(report.coverage.coveredAreaMm2).toBeGreaterThan(0);
    expect(['ready', 'needsRescan']).toContain(report.quality.verdict);
    expect(report.files).toEqual([join('a', 'arch.stl'), join('a', 'arch.ply'), join('a', 'trajectory.log')]);

    const stl = await readMeshFile(engine, join(dir, 'a', 'arch.stl'));
    expect(stl.mesh.indices.length / 3).toBe(report.mesh.triangles);
    const ply = await readMeshFile(engine, join(dir, 'a', 'arch.ply'));
    expect(ply.mesh.positions.length / 3).toBe(report.mesh.vertices);
    expect(ply.mesh.colors).toBeDefined();
    expect(Object.keys(ply.mesh.vertexAttributes ?? {}).sort()).toEqual(['confidence', 'nir']);
    const log = parseRedwoodLog(await readFile(join(dir, 'a', 'trajectory.log'), 'utf8'));
    expect(log.cameraToWorld).toHaveLength(12);
  }, 120_000);

  it('is deterministic: the same options write the same bytes', async () => {
    const r = await runMain(['scan', '--frames', FRAMES, '--voxel', '0.1', '--out-dir', 'b', '--json'], dir);
    expect(r.code).toBe(0);
    const again = parse(r.stdout);
    expect(again.trajectory).toEqual(report.trajectory);
    expect(again.accuracy).toEqual(report.accuracy);
    for (const f of ['arch.stl', 'arch.ply', 'trajectory.log']) {
      expect(Buffer.compare(await readFile(join(dir, 'a', f)), await readFile(join(dir, 'b', f))), f).toBe(0);
    }
  }, 120_000);

  it('prints a readable report and writes nothing with --no-write', async () => {
    const r = await runMain(['scan', '--frames', '6', '--voxel', '0.1', '--no-write', '--seed', '2', '--jaw', 'upper'], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^scan\s+simulated upper arch, seed 2: 6 frames of \d+x\d+/m);
    expect(r.stdout).toMatch(/^trajectory\s+ATE RMSE \d+\.\d µm/m);
    expect(r.stdout).toMatch(/^trueness\s+mean abs \d+\.\d\d µm/m);
    expect(r.stdout).toMatch(/^completeness\s+\d+\.\d% of the area the wand saw/m);
    expect(r.stdout).toMatch(/^quality\s+(READY|NEEDS RESCAN)/m);
    expect(r.stdout).not.toMatch(/^written/m);
  }, 120_000);

  it.each([
    [['--jaw', 'middle'], /--jaw expects lower or upper/],
    [['--frames', '1'], /--frames expects a whole number from 2/],
    [['--voxel', '5'], /--voxel expects a number of mm from 0.02 to 1/],
    [['--seed', '-3'], /--seed expects a whole number/],
    [['--noise', 'loud'], /--noise expects a number of µm/],
  ])('rejects %j as a usage error (exit 2)', async (args, message) => {
    const r = await runMain(['scan', ...args, '--no-write'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });
});
