// `scanfuse compare` (TimeLapse), run in-process through main().
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CompareScansReport } from '../../src/cli/compare-scans.js';
import type { Engine } from '../../src/index.js';
import { buildArchMesh } from '../../src/sim/arch-mesh.js';
import { createArchModel, monthsLater } from '../../src/sim/arch-model.js';
import { engineFor } from '../support/engines.js';
import { listFiles, put, removeDir, runMain, tempDir } from './helpers.js';

let engine: Engine;
let dir: string;
let movedLabel: number;

beforeAll(async () => {
  engine = await engineFor();
  dir = await tempDir();
  const model = createArchModel({ seed: 3 });
  const later = monthsLater(model);
  movedLabel = later.changes.movedTooth.label;
  await put(dir, 'before.ply', engine.writeMesh(buildArchMesh(engine, model, { spacing: 0.5 }), { format: 'ply' }));
  await put(dir, 'after.ply', engine.writeMesh(buildArchMesh(engine, later.model, { spacing: 0.5 }), { format: 'ply' }));
  await put(dir, 'after.stl', engine.writeMesh(buildArchMesh(engine, later.model, { spacing: 0.5 }), { format: 'stl' }));
}, 60_000);
afterAll(async () => {
  await removeDir(dir);
});

describe('scanfuse compare', () => {
  it('--json: aligned, the moved tooth is the largest change, the heatmap PLY is written', async () => {
    const r = await runMain(['compare', 'before.ply', 'after.ply', '--out', 'out/heatmap.ply', '--json'], dir);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as CompareScansReport;
    expect(report.alignment.verdict).toBe('aligned');
    expect(report.alignment.afterToBefore).toHaveLength(16);
    expect(report.out).toBe(join('out', 'heatmap.ply'));
    const teeth = report.perLabel!.filter((l) => l.label !== 0);
    expect(teeth.reduce((a, b) => (b.meanAbs > a.meanAbs ? b : a)).label).toBe(movedLabel);
    const heat = engine.readMesh(await readFile(join(dir, 'out', 'heatmap.ply'))).mesh;
    const after = engine.readMesh(await readFile(join(dir, 'after.ply'))).mesh;
    expect(heat.positions.length).toBe(after.positions.length);
    expect(heat.colors?.itemSize).toBe(3);
    const deviation = heat.vertexAttributes!.deviation.array as Float32Array;
    expect(deviation).toBeInstanceOf(Float32Array);
    expect(report.stats.vertexCount).toBe(deviation.filter((d) => Number.isFinite(d)).length);
    // Written atomically: nothing but the result in the folder.
    expect((await listFiles(join(dir, 'out')))).toEqual(['heatmap.ply']);
  });

  it('prints a text report with the per-label table; works without labels (STL)', async () => {
    let r = await runMain(['compare', 'before.ply', 'after.ply', '--range-mm', '0.5', '--threshold-mm', '0.05'], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('alignment (after -> before, on what did not move)');
    expect(r.stdout).toContain(`largest change: label ${movedLabel}`);
    expect(r.stdout).toMatch(/area \|d\| > 50\.0 µm/);
    r = await runMain(['compare', 'before.ply', 'after.stl', '--json'], dir);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as CompareScansReport;
    expect(report.perLabel).toBeNull();
    expect(report.stats.maxAbs).toBeGreaterThan(0.2);
  });

  it('exit 2 for usage errors, 1 for unreadable files', async () => {
    let r = await runMain(['compare', 'before.ply', 'after.ply', '--out', 'heatmap.stl'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--out must name a .ply file');
    r = await runMain(['compare', 'before.ply', 'after.ply', '--range-mm', 'wide'], dir);
    expect(r.code).toBe(2);
    r = await runMain(['compare', 'before.ply', 'after.ply', '--exclude-labels', '44,x'], dir);
    expect(r.code).toBe(2);
    r = await runMain(['compare', 'before.ply', 'missing.ply'], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('IO_ERROR');
    r = await runMain(['compare', 'before.ply', 'after.stl', '--stable-labels', '0'], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('INVALID_ARGUMENT');
  });
});
