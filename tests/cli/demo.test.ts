// `scanfuse demo`: the generated torus survives STL -> PLY -> ASCII PLY -> STL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDemo, sameTriangles, torusMesh } from '../../src/cli/demo.js';
import { engineFor } from '../support/engines.js';
import { listFiles, removeDir, runMain, tempDir } from './helpers.js';

let dir: string;
beforeAll(async () => {
  dir = await tempDir();
});
afterAll(async () => {
  await removeDir(dir);
});

describe('scanfuse demo', () => {
  it('a small torus is closed, outward-facing and close to the smooth volume', async () => {
    const engine = await engineFor();
    const mesh = torusMesh(10, 4, 60, 30);
    expect(mesh.indices.length / 3).toBe(2 * 60 * 30);
    const info = engine.meshInfo(mesh);
    expect(info.closed).toBe(true);
    expect(info.componentCount).toBe(1);
    const smooth = 2 * Math.PI ** 2 * 10 * 4 ** 2;
    expect(info.volume! / smooth).toBeGreaterThan(0.98);
    expect(info.volume! / smooth).toBeLessThan(1);
    expect(sameTriangles(mesh, torusMesh(10, 4, 60, 30))).toBe(true);
    expect(sameTriangles(mesh, torusMesh(10, 4.001, 60, 30))).toBe(false);
  });

  it('runs end to end: sizes, timings, closed volume, round trip equal, files kept', async () => {
    expect(typeof runDemo).toBe('function');
    const r = await runMain(['demo', '--dir', dir], dir);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('200,000 triangles');
    expect(r.stdout).toMatch(/closed yes, 1 component/);
    expect(r.stdout).toMatch(/volume 3\d{3}\.\d+ mm\^3/);
    expect(r.stdout).toContain('the final mesh equals the original');
    expect(r.stdout).toContain(`files are in ${dir}`);
    expect(await listFiles(dir)).toEqual(['torus.ascii.ply', 'torus.ply', 'torus.roundtrip.stl', 'torus.stl']);
  });
});
