// `scanfuse info`, run in-process through main().
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InfoFailureRecord, InfoRecord } from '../../src/cli/report.js';
import type { Engine } from '../../src/index.js';
import { engineFor } from '../support/engines.js';
import { binaryStl, box, soupOf, wavyGrid } from '../support/meshes.js';
import { put, removeDir, runBin, runMain, tempDir } from './helpers.js';

let engine: Engine;
let dir: string;

beforeAll(async () => {
  engine = await engineFor();
  dir = await tempDir();
  await put(dir, 'box.stl', binaryStl(soupOf(box(10, 20, 30))));
  await put(dir, 'grid.ply', engine.writeMesh(wavyGrid(2000), { format: 'ply', encoding: 'ascii' }));
  await put(dir, 'two-boxes.ply', engine.writeMesh(twoBoxes(), { format: 'ply', encoding: 'binary_big_endian' }));
  await put(dir, 'broken.stl', binaryStl(soupOf(box(1, 1, 1))).subarray(0, 300));
});
afterAll(async () => {
  await removeDir(dir);
});

/** Two unit boxes, the second moved 5 mm along x: closed, two components, volume 2. */
function twoBoxes() {
  const a = box(1, 1, 1);
  const positions = new Float32Array(48);
  positions.set(a.positions);
  for (let i = 0; i < 24; i += 3) positions.set([a.positions[i] + 5, a.positions[i + 1], a.positions[i + 2]], 24 + i);
  const indices = new Uint32Array(72);
  indices.set(a.indices);
  indices.set(a.indices.map((i) => i + 8), 36);
  return { positions, indices };
}

describe('scanfuse info', () => {
  it('--json figures of a closed box: 12 triangles, no boundary, volume sx*sy*sz', async () => {
    const r = await runMain(['info', 'box.stl', '--json'], dir);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const [info] = JSON.parse(r.stdout) as InfoRecord[];
    expect(info).toMatchObject({
      file: 'box.stl', format: 'stl', encoding: 'binary',
      vertexCount: 8, triangleCount: 12, referencedVertexCount: 8, edgeCount: 18,
      boundaryEdgeCount: 0, boundaryLoopCount: 0, nonManifoldEdgeCount: 0, misorientedEdgeCount: 0,
      componentCount: 1, closed: true,
      bounds: { min: [0, 0, 0], max: [10, 20, 30] }, size: [10, 20, 30], warnings: [],
    });
    expect(info.volume).toBeCloseTo(10 * 20 * 30, 6);
    expect(info.area).toBeCloseTo(2 * (10 * 20 + 20 * 30 + 10 * 30), 6);
  });

  it('--json figures of an open grid: boundary edges, one loop, not closed, volume null', async () => {
    const r = await runMain(['info', 'grid.ply', '--json'], dir);
    expect(r.code).toBe(0);
    const [info] = JSON.parse(r.stdout) as InfoRecord[];
    const side = Math.floor(Math.sqrt(2000 / 2)) + 1; // wavyGrid's vertices per side
    expect(info).toMatchObject({
      format: 'ply', encoding: 'ascii', vertexCount: side * side, triangleCount: 2 * (side - 1) ** 2,
      boundaryEdgeCount: 4 * (side - 1), boundaryLoopCount: 1, nonManifoldEdgeCount: 0, componentCount: 1,
      closed: false, volume: null,
    });
  });

  it('prints aligned text: counts, bounds, area, holes, closed and volume', async () => {
    const r = await runMain(['info', 'box.stl', 'grid.ply', 'two-boxes.ply'], dir);
    expect(r.code).toBe(0);
    const blocks = r.stdout.trimEnd().split('\n\n');
    expect(blocks).toHaveLength(3);
    const [boxText, gridText, twoText] = blocks;
    expect(boxText.split('\n')[0]).toBe('box.stl');
    expect(boxText).toMatch(/^ {2}format +STL binary$/m);
    expect(boxText).toMatch(/^ {2}triangles +12$/m);
    expect(boxText).toMatch(/^ {2}size \(mm\) +10 x 20 x 30$/m);
    expect(boxText).toMatch(/^ {2}area \(mm\^2\) +2200$/m);
    expect(boxText).toMatch(/^ {2}boundary edges +0$/m);
    expect(boxText).toMatch(/^ {2}closed +yes$/m);
    expect(boxText).toMatch(/^ {2}volume \(mm\^3\) +6000$/m);
    expect(gridText).toMatch(/^ {2}format +PLY ASCII$/m);
    expect(gridText).toMatch(/^ {2}boundary loops +1 \(holes or open borders\)$/m);
    expect(gridText).toMatch(/^ {2}closed +no$/m);
    expect(gridText).toMatch(/^ {2}volume \(mm\^3\) +n\/a \(not closed\)$/m);
    expect(twoText).toMatch(/^ {2}format +PLY binary big-endian$/m);
    expect(twoText).toMatch(/^ {2}components +2 \(largest 12 triangles\)$/m);
    expect(twoText).toMatch(/^ {2}volume \(mm\^3\) +2$/m);
    // One column for the values in each block.
    for (const block of blocks) {
      const starts = new Set(block.split('\n').slice(1).map((line) => line.search(/(?<=\S {2,})\S/)));
      expect(starts.size).toBe(1);
    }
  });

  it('a file that cannot be read: its typed error on stderr, the others still reported, exit 1', async () => {
    const r = await runMain(['info', 'box.stl', 'broken.stl', 'missing.ply'], dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^box\.stl\n/);
    expect(r.stderr).toMatch(/^broken\.stl\n {2}error {2}MALFORMED_INPUT: readMesh\(stl\): /m);
    expect(r.stderr).toMatch(/^missing\.ply\n {2}error {2}IO_ERROR: /m);
    const json = await runMain(['info', 'broken.stl', 'box.stl', '--json'], dir);
    expect(json.code).toBe(1);
    const records = JSON.parse(json.stdout) as Array<InfoRecord | InfoFailureRecord>;
    expect(records[0]).toMatchObject({ file: 'broken.stl', error: { code: 'MALFORMED_INPUT', details: { byteOffset: expect.any(Number) } } });
    expect(records[1]).toMatchObject({ file: 'box.stl', closed: true });
  });

  it('works from the built bin as well', async () => {
    const r = await runBin(['info', 'box.stl', '--json'], dir);
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as InfoRecord[])[0].triangleCount).toBe(12);
  });

  it('usage errors exit 2', async () => {
    expect((await runMain(['info'], dir)).code).toBe(2);
    expect((await runMain(['info', 'box.stl', '--fast'], dir)).code).toBe(2);
  });
});
