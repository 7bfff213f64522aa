// `scanfuse inspect` (scan-quality report), run in-process through main().
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InspectReport } from '../../src/cli/inspect.js';
import type { Engine, Mesh } from '../../src/index.js';
import { engineFor } from '../support/engines.js';
import { gridPatch } from '../niri/scenes.js';
import { put, removeDir, runMain, tempDir } from './helpers.js';

let engine: Engine;
let dir: string;

/** A 10 x 10 mm grid with a 1.5 x 1.5 mm hole, and a per-vertex confidence with a grey 2 x 2 mm patch. */
function holeyScan(): Mesh {
  const g = gridPatch(0, 0, 0, 21, 0.5);
  const kept: number[] = [];
  for (let t = 0; t < g.indices.length / 3; t++) {
    const cell = Math.floor(t / 2), i = cell % 20, j = Math.floor(cell / 20);
    if (i >= 4 && i < 7 && j >= 12 && j < 15) continue;
    kept.push(...g.indices.subarray(3 * t, 3 * t + 3));
  }
  const confidence = new Float32Array(g.positions.length / 3).fill(20);
  for (let i = 0; i < confidence.length; i++) {
    const x = g.positions[3 * i], y = g.positions[3 * i + 1];
    if (x >= 6 && x <= 8 && y >= 1 && y <= 3) confidence[i] = 0;
  }
  return { positions: g.positions, indices: Uint32Array.from(kept), vertexAttributes: { confidence: { array: confidence, itemSize: 1 } } };
}

beforeAll(async () => {
  engine = await engineFor();
  dir = await tempDir();
  await put(dir, 'scan.ply', engine.writeMesh(holeyScan(), { format: 'ply' }));
  await put(dir, 'clean.stl', engine.writeMesh(gridPatch(0, 0, 0, 11, 0.5), { format: 'stl' }));
});
afterAll(async () => {
  await removeDir(dir);
});

describe('scanfuse inspect', () => {
  it('--json: needs a rescan for the hole and the low-confidence patch, with where', async () => {
    const r = await runMain(['inspect', 'scan.ply', '--json'], dir);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as InspectReport;
    expect(out.file).toBe('scan.ply');
    expect(out.report.verdict).toBe('needsRescan');
    expect(out.report.reasons.map((x) => x.kind).sort()).toEqual(['hole', 'lowConfidence']);
    const hole = out.report.reasons.find((x) => x.kind === 'hole')!;
    expect(hole.where[0].centroid[0]).toBeCloseTo(2.75, 5);
    expect(out.report.lowConfidence!.area).toBeCloseTo(4, 5);
  });

  it('prints READY / NEEDS RESCAN and follows the limits given', async () => {
    let r = await runMain(['inspect', 'scan.ply'], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^scan\.ply: NEEDS RESCAN/);
    expect(r.stdout).toContain('rescan: 1 hole larger than 1.00 mm^2');
    r = await runMain(['inspect', 'scan.ply', '--max-hole-area-mm2', '5', '--max-low-confidence-area-mm2', '10'], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^scan\.ply: READY/);
    r = await runMain(['inspect', 'clean.stl'], dir);
    expect(r.stdout).toMatch(/^clean\.stl: READY/);
    expect(r.stdout).toContain('low confidence        n/a (no confidence attribute)');
    r = await runMain(['inspect', 'clean.stl', '--no-open-border', '--json'], dir);
    expect((JSON.parse(r.stdout) as InspectReport).report.verdict).toBe('needsRescan');
  });

  it('exit 2 for usage errors, 1 for unreadable files', async () => {
    expect((await runMain(['inspect', 'scan.ply', '--max-hole-area-mm2', '-1'], dir)).code).toBe(2);
    expect((await runMain(['inspect'], dir)).code).toBe(2);
    const r = await runMain(['inspect', 'nothing.ply'], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('IO_ERROR');
  });
});
