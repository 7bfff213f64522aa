// The program around the commands: --version, --help, exit codes; input expansion and output plans.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, readFile, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { batchSize } from '../../src/cli/convert.js';
import { commonDirectory, displayPath, expandInputs } from '../../src/cli/inputs.js';
import { planOutputs } from '../../src/cli/output-plan.js';
import { put, removeDir, runBin, runMain, tempDir } from './helpers.js';

let dir: string;
beforeAll(async () => {
  dir = await tempDir();
});
afterAll(async () => {
  await removeDir(dir);
});

describe('scanfuse (program)', () => {
  it('--version prints the package version', async () => {
    const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(await runMain(['--version'], dir)).toEqual({ code: 0, stdout: `${pkg.version}\n`, stderr: '' });
    expect((await runBin(['--version'], dir)).stdout).toBe(`${pkg.version}\n`);
  });

  it.each([['convert'], ['info'], ['demo'], ['scan'], ['simulate'], ['fuse'], ['compare-to-reference'], ['compare'], ['inspect']])('%s --help describes the command and exits 0', async (command) => {
    const r = await runMain([command, '--help'], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^Usage: scanfuse ${command} `));
  });

  it('convert --help documents the same-format rule and the exit codes', async () => {
    const { stdout } = await runMain(['convert', '--help'], dir);
    expect(stdout).toMatch(/--to <format>.*\(choices: "stl", "ply"\)/);
    expect(stdout).toContain('name.converted.ext');
    expect(stdout).toContain('Exit code: 0 all converted, 1 some failed, 2 usage error');
  });

  it('no command: help on stderr, exit 2', async () => {
    const r = await runMain([], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Usage: scanfuse/);
  });
});

describe('expandInputs', () => {
  it('walks folders for .stl/.ply in any case, skips hidden names, keeps files as named, dedups', async () => {
    const root = join(dir, 'expand');
    await put(root, 'a/1.stl', 'x');
    await put(root, 'a/2.PlY', 'x');
    await put(root, 'a/b/3.Stl', 'x');
    await put(root, 'a/b/readme.txt', 'x');
    await put(root, 'a/.4.stl', 'x');
    await put(root, 'a/.git/5.stl', 'x');
    await put(root, 'other/scan.dat', 'x');
    await mkdir(join(root, 'loop'));
    await symlink(join(root, 'a'), join(root, 'loop', 'back'));
    const r = await expandInputs(['a', 'a/1.stl', 'other/scan.dat', 'missing.stl', 'loop'], root);
    expect(r.files).toEqual(['a/1.stl', 'a/2.PlY', 'a/b/3.Stl', 'other/scan.dat'].map((p) => join(root, p)));
    expect(r.missing).toEqual(['missing.stl']);
    expect(r.base).toBe(root);
  });

  it('globs keep mesh files; the base is the glob\'s fixed folder', async () => {
    const root = join(dir, 'globs');
    await put(root, 'lab/x/1.stl', 'x');
    await put(root, 'lab/x/2.txt', 'x');
    await put(root, 'lab/y/3.ply', 'x');
    const r = await expandInputs(['lab/*/*'], root);
    expect(r.files).toEqual([join(root, 'lab/x/1.stl'), join(root, 'lab/y/3.ply')]);
    expect(r.base).toBe(join(root, 'lab'));
    expect((await expandInputs(['lab/*.nothing'], root)).files).toEqual([]);
  });

  it('commonDirectory and displayPath', () => {
    expect(commonDirectory(['/a/b/c', '/a/b/d/e', '/a/b'])).toBe('/a/b');
    expect(commonDirectory(['/a/bc', '/a/b'])).toBe('/a');
    expect(commonDirectory(['/x', '/y'])).toBe('/');
    expect(displayPath('/w/in/a.stl', '/w')).toBe('in/a.stl');
    expect(displayPath('/v/a.stl', '/w')).toBe('/v/a.stl');
    expect(displayPath('/w/..a.stl', '/w')).toBe('..a.stl');
  });
});

describe('planOutputs', () => {
  it('replaces the extension, mirrors folders under --out-dir, renames same-format outputs', () => {
    const plan = planOutputs(['/in/a.stl', '/in/sub/B.PLY', '/in/c.ply'], '/in', 'ply', '/out');
    expect(plan.files).toEqual([
      { input: '/in/a.stl', output: '/out/a.ply' },
      { input: '/in/sub/B.PLY', output: '/out/sub/B.ply' },
      { input: '/in/c.ply', output: '/out/c.ply' },
    ]);
    const here = planOutputs(['/in/a.stl', '/in/B.PLY'], '/in', 'ply');
    expect(here.files.map((f) => f.output)).toEqual(['/in/a.ply', '/in/B.converted.ply']);
  });

  it('reports outputs that would be another input or another output', () => {
    const plan = planOutputs(['/in/a.stl', '/in/a.ply', '/in/b.stl', '/in/b.STL'], '/in', 'ply');
    expect(plan.files).toEqual([
      { input: '/in/a.ply', output: '/in/a.converted.ply' },
      { input: '/in/b.stl', output: '/in/b.ply' },
    ]);
    expect(plan.conflicts.map((c) => [c.input, c.details.conflictsWith])).toEqual([['/in/a.stl', '/in/a.ply'], ['/in/b.STL', '/in/b.stl']]);
  });

  it('skips unnamed inputs that are outputs of other inputs (an earlier run\'s results)', () => {
    const inputs = ['/in/a.stl', '/in/a.ply', '/in/b.ply', '/in/b.converted.ply', '/in/c.ply'];
    const found = planOutputs(inputs, '/in', 'ply', undefined, new Set());
    expect(found.skipped).toEqual(['/in/a.ply', '/in/b.converted.ply']);
    expect(found.files.map((f) => f.output)).toEqual(['/in/a.ply', '/in/b.converted.ply', '/in/c.converted.ply']);
    expect(found.conflicts).toEqual([]);
    // Named explicitly, the same files are inputs: a.stl's output would overwrite a.ply.
    const named = planOutputs(inputs, '/in', 'ply');
    expect(named.skipped).toEqual([]);
    expect(named.conflicts.map((c) => c.input)).toEqual(['/in/a.stl', '/in/b.ply']);
  });

  it('batchSize: about 8 tasks per worker, 1 to 32 files each', () => {
    expect(batchSize(1, 2)).toBe(1);
    expect(batchSize(10, 2)).toBe(1);
    expect(batchSize(1000, 2)).toBe(32);
    expect(batchSize(160, 2)).toBe(10);
  });
});
