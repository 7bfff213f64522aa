// `scanfuse convert` through the built bin (worker threads are only available from dist).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chmod, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ConvertReport } from '../../src/cli/convert.js';
import type { Engine, Mesh } from '../../src/index.js';
import { engineFor } from '../support/engines.js';
import { expectSameArray } from '../support/equal.js';
import { binaryStl, box, soupOf, wavyGrid } from '../support/meshes.js';
import { listFiles, put, removeDir, runBin, tempDir } from './helpers.js';

let engine: Engine;
const dirs: string[] = [];
async function fresh(): Promise<string> {
  const d = await tempDir();
  dirs.push(d);
  return d;
}

beforeAll(async () => {
  engine = await engineFor();
});
afterAll(async () => {
  for (const d of dirs) {
    await chmod(d, 0o755).catch(() => {});
    await removeDir(d);
  }
});

const stlOf = (mesh: Mesh) => binaryStl(soupOf(mesh));
const readBack = async (path: string) => engine.readMesh(await readFile(path));
/** Triangle corners with -0 folded to +0 (STL welding folds them by design: they are one point). */
const corners = (mesh: Mesh) => soupOf(mesh).map((v) => v + 0);

/** A binary STL cut short: its size no longer matches its triangle count. */
const truncatedStl = () => stlOf(box(1, 1, 1)).subarray(0, 84 + 50 * 5 + 7);
/** An ASCII PLY whose only face points past the last vertex. */
const badIndexPly = [
  'ply', 'format ascii 1.0', 'element vertex 3', 'property float x', 'property float y', 'property float z',
  'element face 1', 'property list uchar int vertex_indices', 'end_header', '0 0 0', '1 0 0', '0 1 0', '3 0 1 7', '',
].join('\n');
const TEMP_FILE = /\.tmp$/;

/** The unprivileged user the CLI runs as when the tests run as root (root ignores folder modes). */
const NOBODY = { uid: 65534, gid: 65534 };
const asRoot = process.getuid?.() === 0;

/**
 * Makes `dir` refuse new files from the CLI: mode 0555. As root, the CLI then runs as `nobody`,
 * so the folders it reads are opened up to everyone (0755 up to the temporary folder).
 */
async function makeReadOnly(root: string, dir: string): Promise<void> {
  await chmod(dir, 0o555);
  if (asRoot) await chmod(root, 0o755);
}

describe('scanfuse convert', () => {
  it('converts STL to PLY next to the inputs; the outputs read back equal to the inputs', async () => {
    const dir = await fresh();
    const inputs = { 'box.stl': stlOf(box(10, 20, 30)), 'grid.stl': stlOf(wavyGrid(3000)) };
    for (const [name, bytes] of Object.entries(inputs)) await put(dir, name, bytes);
    const r = await runBin(['convert', 'box.stl', 'grid.stl', '--to', 'ply', '--jobs', '2'], dir);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^converted 2, failed 0 in \d+\.\d\d s \(\d+\.\d MB\/s\)\n$/);
    for (const [name, bytes] of Object.entries(inputs)) {
      const expected = engine.readMesh(bytes).mesh;
      const back = await readBack(join(dir, name.replace('.stl', '.ply')));
      expect(back.format).toBe('ply');
      expect(back.encoding).toBe('binary_little_endian');
      expectSameArray(back.mesh.positions, expected.positions, `${name} positions`);
      expectSameArray(back.mesh.indices, expected.indices, `${name} indices`);
    }
    expect(await listFiles(dir)).toEqual(['box.ply', 'box.stl', 'grid.ply', 'grid.stl']);
  });

  it('converts PLY to STL; every triangle reads back bit for bit', async () => {
    const dir = await fresh();
    const grid = wavyGrid(2000);
    await put(dir, 'scan.ply', engine.writeMesh(grid, { format: 'ply' }));
    await put(dir, 'be.ply', engine.writeMesh(box(3, 4, 5), { format: 'ply', encoding: 'binary_big_endian' }));
    const r = await runBin(['convert', '.', '--to', 'stl'], dir);
    expect(r.code).toBe(0);
    const back = await readBack(join(dir, 'scan.stl'));
    expect(back.format).toBe('stl');
    expect(back.encoding).toBe('binary');
    expectSameArray(corners(back.mesh), corners(grid), 'grid triangles');
    expectSameArray(corners((await readBack(join(dir, 'be.stl'))).mesh), corners(box(3, 4, 5)), 'box triangles');
  });

  it('--ascii writes ASCII PLY and ASCII STL that read back equal', async () => {
    const dir = await fresh();
    const grid = wavyGrid(500);
    await put(dir, 'a.stl', stlOf(grid));
    await put(dir, 'b.ply', engine.writeMesh(grid, { format: 'ply' }));
    const toPly = await runBin(['convert', 'a.stl', '--to', 'ply', '--ascii'], dir);
    const toStl = await runBin(['convert', 'b.ply', '--to', 'stl', '--ascii'], dir);
    expect([toPly.code, toStl.code]).toEqual([0, 0]);
    const ply = await readFile(join(dir, 'a.ply'), 'latin1');
    expect(ply.startsWith('ply\nformat ascii 1.0\n')).toBe(true);
    const stl = await readFile(join(dir, 'b.stl'), 'latin1');
    expect(stl.startsWith('solid')).toBe(true);
    expect((await readBack(join(dir, 'a.ply'))).encoding).toBe('ascii');
    expect((await readBack(join(dir, 'b.stl'))).encoding).toBe('ascii');
    expectSameArray(corners((await readBack(join(dir, 'a.ply'))).mesh), corners(grid), 'ASCII PLY triangles');
    expectSameArray(corners((await readBack(join(dir, 'b.stl'))).mesh), corners(grid), 'ASCII STL triangles');
  });

  it('--out-dir mirrors the folders below the common base and leaves the inputs alone', async () => {
    const dir = await fresh();
    await put(dir, 'lab/case1/upper.stl', stlOf(box(1, 2, 3)));
    await put(dir, 'lab/case1/lower.STL', stlOf(box(2, 2, 2)));
    await put(dir, 'lab/case2/deep/die.stl', stlOf(wavyGrid(200)));
    await put(dir, 'lab/notes.txt', 'not a mesh');
    await put(dir, 'lab/.hidden.stl', 'skipped');
    const r = await runBin(['convert', 'lab', '--to', 'ply', '--out-dir', 'out'], dir);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(await listFiles(join(dir, 'out'))).toEqual(['case1/lower.ply', 'case1/upper.ply', 'case2/deep/die.ply']);
    expect(await listFiles(join(dir, 'lab'))).toEqual(['.hidden.stl', 'case1/lower.STL', 'case1/upper.stl', 'case2/deep/die.stl', 'notes.txt']);
    // Files from two folders: the base is their common parent.
    const r2 = await runBin(['convert', 'lab/case1/upper.stl', 'lab/case2/deep/die.stl', '--to', 'stl', '--out-dir', 'out2', '--json'], dir);
    expect(r2.code).toBe(0);
    expect(await listFiles(join(dir, 'out2'))).toEqual(['case1/upper.stl', 'case2/deep/die.stl']);
    const report = JSON.parse(r2.stdout) as ConvertReport;
    expect(report.converted.map((c) => c.output)).toEqual(['out2/case1/upper.stl', 'out2/case2/deep/die.stl']);
  });

  it('a folder of good and corrupt files: the good ones are converted, the corrupt ones listed with codes, exit 1', async () => {
    const dir = await fresh();
    await put(dir, 'in/a-good.stl', stlOf(box(5, 5, 5)));
    await put(dir, 'in/b-truncated.stl', truncatedStl());
    await put(dir, 'in/c-good.ply', engine.writeMesh(wavyGrid(800), { format: 'ply' }));
    await put(dir, 'in/d-garbage.ply', 'hello, this is not a mesh');
    await put(dir, 'in/e-bad-index.ply', badIndexPly);
    await put(dir, 'in/f-good.stl', stlOf(wavyGrid(100)));
    const r = await runBin(['convert', 'in', '--to', 'ply', '--out-dir', 'out', '--jobs', '2'], dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^converted 3, failed 3 in /);
    const lines = r.stderr.trim().split('\n');
    expect(lines[0]).toBe('failed (3):');
    expect(lines[1]).toMatch(/^ {2}in\/b-truncated\.stl +MALFORMED_INPUT +readMesh\(stl\): .*truncated/);
    expect(lines[2]).toMatch(/^ {2}in\/d-garbage\.ply +UNSUPPORTED_FORMAT +readMesh/);
    expect(lines[3]).toMatch(/^ {2}in\/e-bad-index\.ply +MALFORMED_INPUT +readMesh/);
    expect(lines).toHaveLength(4);
    // Outputs only for the good files (under --out-dir a PLY input keeps its name); no temporary files anywhere.
    expect(await listFiles(join(dir, 'out'))).toEqual(['a-good.ply', 'c-good.ply', 'f-good.ply']);
    expect((await listFiles(dir)).filter((f) => TEMP_FILE.test(f))).toEqual([]);
  });

  it('--json prints one object: converted (input, output, counts, warnings), failed (input, code, message, details), seconds', async () => {
    const dir = await fresh();
    await put(dir, 'ok.stl', stlOf(box(1, 1, 1)));
    // Two degenerate triangles (repeated corner) come back as a warning, not an error.
    const soup = [...soupOf(box(1, 1, 1)), 0, 0, 0, 0, 0, 0, 1, 1, 1];
    await put(dir, 'warn.stl', binaryStl(soup));
    await put(dir, 'bad.stl', truncatedStl());
    const r = await runBin(['convert', 'ok.stl', 'warn.stl', 'bad.stl', '--to', 'ply', '--json'], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    const report = JSON.parse(r.stdout) as ConvertReport;
    expect(Object.keys(report).sort()).toEqual(['converted', 'failed', 'seconds']);
    expect(typeof report.seconds).toBe('number');
    expect(report.converted).toEqual([
      { input: 'ok.stl', output: 'ok.ply', vertices: 8, triangles: 12, warnings: [] },
      { input: 'warn.stl', output: 'warn.ply', vertices: 8, triangles: 13, warnings: [expect.objectContaining({ code: 'DEGENERATE_TRIANGLES', count: 1 })] },
    ]);
    expect(report.failed).toHaveLength(1);
    expect(report.failed[0]).toMatchObject({ input: 'bad.stl', code: 'MALFORMED_INPUT', details: { file: join(dir, 'bad.stl') } });
    expect(report.failed[0].message).toMatch(/^readMesh\(stl\): /);
  });

  it('a write that fails (the output path is a folder) leaves no temporary or partial file', async () => {
    const dir = await fresh();
    await put(dir, 'a.stl', stlOf(wavyGrid(2000)));
    await put(dir, 'b.stl', stlOf(box(1, 1, 1)));
    await put(dir, 'a.ply/keep.txt', 'a folder where the output should go');
    const r = await runBin(['convert', 'a.stl', 'b.stl', '--to', 'ply'], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^failed \(1\):\n {2}a\.stl +IO_ERROR +writeFileAtomic: cannot write .*a\.ply/);
    expect(await listFiles(dir)).toEqual(['a.ply/keep.txt', 'a.stl', 'b.ply', 'b.stl']);
  });

  it('an output folder that cannot be created fails each file with IO_ERROR and writes nothing', async () => {
    const dir = await fresh();
    await put(dir, 'in/a.stl', stlOf(box(1, 1, 1)));
    await put(dir, 'in/b.stl', stlOf(box(2, 2, 2)));
    await put(dir, 'blocker', 'a file, not a folder');
    const r = await runBin(['convert', 'in', '--to', 'ply', '--out-dir', 'blocker/out', '--json'], dir);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as ConvertReport;
    expect(report.converted).toEqual([]);
    expect(report.failed.map((f) => [f.input, f.code])).toEqual([['in/a.stl', 'IO_ERROR'], ['in/b.stl', 'IO_ERROR']]);
    expect(await listFiles(dir)).toEqual(['blocker', 'in/a.stl', 'in/b.stl']);
  });

  it('a read-only output folder fails each file with IO_ERROR and leaves no temporary file', async () => {
    const dir = await fresh();
    await put(dir, 'in/a.stl', stlOf(box(1, 1, 1)));
    await put(dir, 'in/b.stl', stlOf(wavyGrid(500)));
    const ro = join(dir, 'ro');
    await mkdir(ro);
    await makeReadOnly(dir, ro);
    try {
      const r = await runBin(['convert', 'in', '--to', 'ply', '--out-dir', 'ro', '--jobs', '2'], dir, asRoot ? NOBODY : undefined);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^failed \(2\):\n {2}in\/a\.stl +IO_ERROR +writeFileAtomic: cannot write .*\n {2}in\/b\.stl +IO_ERROR /);
      expect(r.stdout).toMatch(/^converted 0, failed 2 in /);
    } finally {
      await chmod(ro, 0o755);
    }
    expect(await listFiles(ro)).toEqual([]);
  });

  it('same format: writes name.converted.ext and never touches the input', async () => {
    const dir = await fresh();
    const bytes = stlOf(box(1, 2, 3));
    await put(dir, 'crown.stl', bytes);
    const before = await stat(join(dir, 'crown.stl'));
    const r = await runBin(['convert', 'crown.stl', '--to', 'stl', '--ascii'], dir);
    expect(r.code).toBe(0);
    expect(await listFiles(dir)).toEqual(['crown.converted.stl', 'crown.stl']);
    expectSameArray(new Uint8Array(await readFile(join(dir, 'crown.stl'))), bytes, 'input bytes');
    expect((await stat(join(dir, 'crown.stl'))).mtimeMs).toBe(before.mtimeMs);
    expect((await readBack(join(dir, 'crown.converted.stl'))).encoding).toBe('ascii');
  });

  it('refuses an output that would overwrite another input (a.stl and a.ply with --to ply)', async () => {
    const dir = await fresh();
    const ply = engine.writeMesh(box(9, 9, 9), { format: 'ply' });
    await put(dir, 'a.ply', ply);
    await put(dir, 'a.stl', stlOf(box(1, 1, 1)));
    const r = await runBin(['convert', 'a.stl', 'a.ply', '--to', 'ply', '--json'], dir);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as ConvertReport;
    expect(report.converted.map((c) => [c.input, c.output])).toEqual([['a.ply', 'a.converted.ply']]);
    expect(report.failed).toEqual([expect.objectContaining({ input: 'a.stl', code: 'INVALID_ARGUMENT' })]);
    expect(report.failed[0].message).toMatch(/would overwrite the input .*a\.ply/);
    expectSameArray(new Uint8Array(await readFile(join(dir, 'a.ply'))), ply, 'a.ply untouched');
  });

  it('re-running on a folder replaces the earlier outputs instead of converting them again', async () => {
    const dir = await fresh();
    await put(dir, 'case/a.stl', stlOf(box(1, 1, 1)));
    await put(dir, 'case/b.ply', engine.writeMesh(box(2, 2, 2), { format: 'ply' }));
    const first = await runBin(['convert', 'case', '--to', 'ply'], dir);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^converted 2, failed 0 in /);
    const files = ['case/a.ply', 'case/a.stl', 'case/b.converted.ply', 'case/b.ply'];
    expect(await listFiles(dir)).toEqual(files);
    const again = await runBin(['convert', 'case', '--to', 'ply', '--json'], dir);
    expect(again.code).toBe(0);
    const report = JSON.parse(again.stdout) as ConvertReport;
    expect(report.converted.map((c) => [c.input, c.output])).toEqual([['case/a.stl', 'case/a.ply'], ['case/b.ply', 'case/b.converted.ply']]);
    expect(await listFiles(dir)).toEqual(files);
    const human = await runBin(['convert', 'case', '--to', 'ply'], dir);
    expect(human.stdout).toMatch(/^converted 2, failed 0 \(skipped 2 outputs of an earlier run\) in /);
  });

  it('expands quoted globs, keeps *.stl/*.ply only, and reports missing paths as failures', async () => {
    const dir = await fresh();
    await put(dir, 'scans/x1.stl', stlOf(box(1, 1, 1)));
    await put(dir, 'scans/x2.STL', stlOf(box(1, 1, 1)));
    await put(dir, 'scans/x3.txt', 'not a mesh');
    await put(dir, 'scans/sub/y.stl', stlOf(box(1, 1, 1)));
    const r = await runBin(['convert', 'scans/**/*', 'nope.stl', '--to', 'ply', '--out-dir', 'o', '--json'], dir);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as ConvertReport;
    expect(report.converted.map((c) => c.output)).toEqual(['o/sub/y.ply', 'o/x1.ply', 'o/x2.ply']);
    expect(report.failed).toEqual([expect.objectContaining({ input: 'nope.stl', code: 'IO_ERROR' })]);
  });

  it('--no-weld keeps three vertices per STL triangle; --jobs 1 works', async () => {
    const dir = await fresh();
    await put(dir, 'b.stl', stlOf(box(1, 1, 1)));
    const welded = JSON.parse((await runBin(['convert', 'b.stl', '--to', 'ply', '--json', '--jobs', '1'], dir)).stdout) as ConvertReport;
    const soup = JSON.parse((await runBin(['convert', 'b.stl', '--to', 'ply', '--json', '--no-weld'], dir)).stdout) as ConvertReport;
    expect(welded.converted[0].vertices).toBe(8);
    expect(soup.converted[0].vertices).toBe(36);
    expect((await readBack(join(dir, 'b.ply'))).mesh.positions.length).toBe(36 * 3);
  });

  it.each([
    ['no --to', ['convert', 'a.stl']],
    ['unknown --to', ['convert', 'a.stl', '--to', 'obj']],
    ['no inputs', ['convert', '--to', 'ply']],
    ['a folder without meshes', ['convert', 'empty', '--to', 'ply']],
    ['--jobs 0', ['convert', 'a.stl', '--to', 'ply', '--jobs', '0']],
    ['--jobs x', ['convert', 'a.stl', '--to', 'ply', '--jobs', 'x']],
    ['an unknown option', ['convert', 'a.stl', '--to', 'ply', '--fast']],
    ['an unknown command', ['transmogrify']],
  ])('usage error (%s): exit 2, message on stderr, nothing written', async (_, args) => {
    const dir = await fresh();
    await put(dir, 'a.stl', stlOf(box(1, 1, 1)));
    await mkdir(join(dir, 'empty'));
    const r = await runBin(args, dir);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/error: /);
    expect(await listFiles(dir)).toEqual(['a.stl']);
  });
});
