// `scanfuse simulate`: a seeded dataset folder, byte-identical for the same options (in-process and
// through the bin), readable with readDataset, options recorded in the manifest, exit codes.
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';
import type { SimulateReport } from '../../src/cli/simulate.js';
import type { CompareReport } from '../../src/cli/compare.js';
import { readDataset, type DatasetManifest } from '../../src/node/index.js';
import { engineFor } from '../support/engines.js';
import { hashTree } from '../dataset/helpers.js';
import { listFiles, put, removeDir, runBin, runMain, tempDir } from './helpers.js';

/** Small and fast: five frames of an arch meshed on a 0.4 mm grid. */
const FAST = ['--frames', '5', '--grid', '0.4'];

let dir: string;
/** The folder of `simulate --seed 11 --frames 5 --grid 0.4 --json`, run in-process. */
let first: string;
let firstReport: SimulateReport;

beforeAll(async () => {
  dir = await tempDir('scanfuse-simulate-');
  first = join(dir, 'first');
  const r = await runMain(['simulate', '--out', 'first', '--seed', '11', ...FAST, '--json'], dir);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  firstReport = JSON.parse(r.stdout) as SimulateReport;
});
afterAll(async () => {
  await removeDir(dir);
});

const manifestOf = async (folder: string) => JSON.parse(await readFile(join(folder, 'manifest.json'), 'utf8')) as DatasetManifest;

describe('scanfuse simulate', () => {
  it('--json prints one object whose figures match the folder', async () => {
    const files = await listFiles(first);
    expect(files.filter((f) => f.startsWith('depth/'))).toEqual(['000000', '000001', '000002', '000003', '000004'].map((n) => `depth/${n}.png`));
    let bytes = 0;
    for (const f of files) bytes += (await stat(join(first, f))).size;
    expect(firstReport).toMatchObject({
      dir: first, frames: 5, files: files.length, bytes, jaw: 'lower', seed: 11, monthsLater: false,
      liftOffAtFrame: null, tooFastAtFrame: null, width: 320, height: 240, depthNoiseUm: 15,
    });
    expect(files.length).toBe(3 * 5 + 4);
    expect(firstReport.megabytes).toBeCloseTo(bytes / 1e6, 3);
    expect(firstReport.framesPerSecond).toBeGreaterThan(0);
    expect(firstReport.framesPerSecond).toBeCloseTo(5 / firstReport.seconds, 0);
    expect(firstReport.referenceTriangles).toBeGreaterThan(10_000);
  });

  it('the same seed gives a byte-identical folder (another process too); another seed does not', async () => {
    const again = await runBin(['simulate', '--out', 'again', '--seed', '11', ...FAST], dir);
    expect(again.stderr).toBe('');
    expect(again.code).toBe(0);
    const reference = await hashTree(first);
    expect(await hashTree(join(dir, 'again'))).toEqual(reference);
    const other = await runMain(['simulate', '--out', 'other', '--seed', '12', ...FAST], dir);
    expect(other.code).toBe(0);
    const otherHashes = await hashTree(join(dir, 'other'));
    expect(Object.keys(otherHashes)).toEqual(Object.keys(reference));
    // Seed 12 is another arch, another tremor and other noise: every frame and the mesh differ.
    for (const file of Object.keys(reference).filter((f) => f.endsWith('.png') || f === 'reference.ply' || f === 'trajectory.log')) {
      expect(otherHashes[file], file).not.toBe(reference[file]);
    }
  });

  it('prints a summary: frames, frames/s, size in MB, folder', async () => {
    const r = await runMain(['simulate', '--out', 'text', '--seed', '11', ...FAST], dir);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(''); // no progress bar: stderr is not a terminal
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('simulated 5 frames of the lower arch (seed 11, 320x240, depth noise 15 µm)');
    expect(lines[1]).toMatch(/^ {2}\d+\.\d\d s, \d+\.\d frames\/s \(render, PNG encoding, writing\); scene built in \d+\.\d\d s \([\d,]+ reference triangles\)$/);
    expect(lines[2]).toBe(`  dataset ${(firstReport.bytes / 1e6).toFixed(2)} MB (19 files) in ${join(dir, 'text')}`);
  });

  it('the folder reads back with readDataset: frames, intrinsics, ground-truth poses, reference with labels', async () => {
    const engine = await engineFor();
    const ds = await readDataset(first, { engine, verifyChecksums: true });
    expect(ds.layout).toBe('scanfuse');
    expect(ds.frameCount).toBe(5);
    expect(ds.intrinsics).toMatchObject({ width: 320, height: 240 });
    expect(ds.depthScale).toBe(1000);
    expect(ds.trajectory?.cameraToWorld).toHaveLength(5);
    expect(ds.timestampMs).toEqual([0, 50, 100, 150, 200]);
    for (let i = 0; i < 5; i++) {
      const f = await ds.frame(i);
      let valid = 0;
      for (const d of f.depth) if (d) valid++;
      expect(valid / f.depth.length, `frame ${i}`).toBeGreaterThan(0.3);
      expect(f.colour).toHaveLength(3 * 320 * 240);
      expect(f.nir).toHaveLength(320 * 240);
      expect(f.segment).toBe('occlusal');
    }
    const reference = await ds.reference();
    const labels = reference!.mesh.vertexAttributes?.label?.array;
    expect(labels).toBeDefined();
    const fdi = new Set(labels);
    expect([...fdi].filter((l) => l !== 0)).toHaveLength(14);
    const m = ds.manifest!;
    expect(m.simulator).toMatchObject({ scene: 'procedural-arch', seeds: { noise: 11, arch: 11, trajectory: 11 } });
    expect((m.simulator as { options: { archMesh: { spacing: number }; frames: number } }).options).toMatchObject({ archMesh: { spacing: 0.4 }, frames: 5 });
  });

  it('records the options: upper jaw, months later, too fast, lift-off, noise, resolution', async () => {
    const r = await runMain(['simulate', '--out', 'options', '--seed', '5', '--frames', '14', '--grid', '0.4', '--jaw', 'upper',
      '--months-later', '--too-fast', '2', '--lift-off', '8', '--noise', '30', '--resolution', '160x120', '--lesions', '3', '--json'], dir);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ frames: 14, jaw: 'upper', monthsLater: true, tooFastAtFrame: 2, liftOffAtFrame: 8, depthNoiseUm: 30, width: 160, height: 120 });
    const m = await manifestOf(join(dir, 'options'));
    const sim = m.simulator as Record<string, any>;
    expect(m.image).toEqual({ width: 160, height: 120 });
    expect(sim.scene).toBe('arch-model');
    expect(sim.model).toMatchObject({ jaw: 'upper', seed: 5 });
    expect(sim.model.lesions).toHaveLength(3);
    expect(sim.noise.sigma).toBe(0.03);
    expect(sim.changes.movedTooth.rotationDegrees).toBe(2);
    expect(sim.changes.recession).toHaveLength(2);
    expect(sim.options.trajectory).toMatchObject({ fastAtFrame: 2, liftOffAtFrame: 8, seed: 5 });
    const segments = m.frames.map((f) => f.segment);
    expect(segments.slice(0, 2)).toEqual(['occlusal', 'occlusal']);
    expect(segments.slice(2, 8)).toEqual(Array(6).fill('fast'));
    expect(segments.slice(8)).toEqual(Array(6).fill('lift-off'));
  });

  it('--noiseless turns every noise source off; default disturbance frames are a third and half of the frames', async () => {
    const r = await runMain(['simulate', '--out', 'quiet', '--seed', '2', '--frames', '12', '--grid', '0.4', '--noiseless', '--too-fast', '--lift-off', '--json'], dir);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ depthNoiseUm: 0, tooFastAtFrame: 4, liftOffAtFrame: 6 });
    const noise = (await manifestOf(join(dir, 'quiet'))).simulator as { noise: Record<string, number> };
    expect(noise.noise).toMatchObject({ sigma: 0, holesPerFrame: 0, outlierRate: 0, edgeDropout: 0, imageSigma: 0 });
  });

  it('draws a progress bar when stderr is a terminal, never with --json', async () => {
    let stderr = '';
    let stdout = '';
    const io = (json: boolean): CliIo => ({
      stdout: { write: (s: string) => { stdout += s; return true; } },
      stderr: { write: (s: string) => { stderr += s; return true; }, isTTY: true },
      cwd: dir,
    });
    expect(await main(['simulate', '--out', 'tty', '--seed', '11', ...FAST], io(false))).toBe(0);
    expect(stderr).toContain('simulating [');
    expect(stderr).toMatch(/\d\/5 frames/);
    expect(stdout).toMatch(/^simulated 5 frames/);
    stderr = '';
    expect(await main(['simulate', '--out', 'tty-json', '--seed', '11', ...FAST, '--json'], io(true))).toBe(0);
    expect(stderr).toBe('');
  });

  it('--overwrite replaces an earlier dataset: the same bytes as a fresh folder', async () => {
    const fresh = await runMain(['simulate', '--out', 'fresh3', '--seed', '11', '--frames', '3', '--grid', '0.4'], dir);
    expect(fresh.code).toBe(0);
    const r = await runMain(['simulate', '--out', 'text', '--seed', '11', '--frames', '3', '--grid', '0.4', '--overwrite'], dir);
    expect(r.code).toBe(0);
    expect(await hashTree(join(dir, 'text'))).toEqual(await hashTree(join(dir, 'fresh3')));
  });

  it('its reference and trajectory score perfectly against themselves with compare-to-reference', async () => {
    const r = await runMain(['compare-to-reference', 'first/reference.ply', 'first/reference.ply',
      '--trajectory', 'first/trajectory.log', '--reference-trajectory', 'first/trajectory.log', '--json'], dir);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as CompareReport;
    expect(report.trueness.maxUm).toBe(0);
    expect(report.completeness.completeness).toBe(1);
    expect(report.trajectory).toMatchObject({ frames: 5, ateRmseUm: 0, rpePairs: 4 });
    expect(report.trajectory!.ateAlignedRmseUm).toBeLessThan(1e-6);
  });

  it.each([
    [['--seed', '1'], /required option '--out <dir>'/],
    [['--out', 'u1'], /required option '--seed <n>'/],
    [['--out', 'u1', '--seed', '-1'], /--seed expects a whole number from 0 to 4294967295, got '-1'/],
    [['--out', 'u1', '--seed', '1.5'], /--seed expects a whole number/],
    [['--out', 'u1', '--seed', '1', '--frames', '0'], /--frames expects a whole number from 1/],
    [['--out', 'u1', '--seed', '1', '--frames', 'all'], /--frames expects a whole number/],
    [['--out', 'u1', '--seed', '1', '--jaw', 'middle'], /argument 'middle' is invalid.*lower, upper/],
    [['--out', 'u1', '--seed', '1', '--noise', '-5'], /--noise expects a number of µm from 0/],
    [['--out', 'u1', '--seed', '1', '--noise', 'lots'], /--noise expects a number/],
    [['--out', 'u1', '--seed', '1', '--noise', '5', '--noiseless'], /cannot be used with option '--noiseless'/],
    [['--out', 'u1', '--seed', '1', '--resolution', '10x10'], /--resolution expects WIDTHxHEIGHT/],
    [['--out', 'u1', '--seed', '1', '--grid', '5'], /--grid expects a number of mm from 0.03 to 2/],
    [['--out', 'u1', '--seed', '1', '--lesions', '40'], /--lesions expects a whole number from 0 to 32/],
    [['--out', 'u1', '--seed', '1', '--lift-off', 'soon'], /--lift-off expects a whole number/],
    [['--out', 'u1', '--seed', '1', '--frames', '5', '--lift-off', '5'], /--lift-off 5 is past the last frame written \(4\)/],
    [['--out', 'u1', '--seed', '1', '--colour'], /unknown option '--colour'/],
    [['--out', 'first', '--seed', '1'], /--out .*first is not empty; pass --overwrite/],
  ])('usage error %j: exit 2, nothing written', async (args, message) => {
    const r = await runMain(['simulate', ...args], dir);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
    expect(existsSync(join(dir, 'u1'))).toBe(false);
  });

  it('a folder that cannot be made fails with exit 1 and the typed error code', async () => {
    await put(dir, 'plain.txt', 'not a folder');
    const below = await runMain(['simulate', '--out', 'plain.txt/dataset', '--seed', '1', ...FAST], dir);
    expect(below.code).toBe(1);
    expect(below.stdout).toBe('');
    expect(below.stderr).toMatch(/^error: IO_ERROR: writeSimulatedDataset: cannot prepare .*plain\.txt\/dataset/);
    const file = await runMain(['simulate', '--out', 'plain.txt', '--seed', '1', ...FAST], dir);
    expect(file.code).toBe(1);
    expect(file.stderr).toMatch(/^error: INVALID_ARGUMENT: writeSimulatedDataset: .*plain\.txt exists and is not a folder/);
  });

  it('simulate --help documents the dataset layout, the seed and the exit codes', async () => {
    const { code, stdout } = await runMain(['simulate', '--help'], dir);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Usage: scanfuse simulate \[options\]/);
    expect(stdout).toMatch(/--jaw <jaw>\s+which arch\s+\(choices:\s+"lower",\s+"upper",\s+default:\s+"lower"\)/);
    expect(stdout).toContain('trajectory.log (Redwood, camera-to-world, metres)');
    expect(stdout).toContain('byte-identical folder');
    expect(stdout).toContain('Exit code: 0 written, 1 failed (error printed as CODE: message), 2 usage error.');
  });
});
