// writeSimulatedDataset -> readDataset: the same depth, colour and NIR bytes, the ground-truth
// poses within the .log's precision, the intrinsics, depth scale, timestamps and segments, and
// the reference mesh with its attributes. Also read as a plain Redwood folder (no manifest).
import { copyFile, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScanfuseError, type Engine } from '../../src/index.js';
import { readDataset, writeSimulatedDataset, type WriteSimulatedDatasetResult } from '../../src/node/index.js';
import { createScanSimulator, type ScanSimulator } from '../../src/sim/simulator.js';
import { engineFor } from '../support/engines.js';
import { expectSameArray } from '../support/equal.js';
import { hashTree, removeDir, SMALL_SIMULATOR, smallSimulator, tempDir } from './helpers.js';

let engine: Engine;
let sim: ScanSimulator;
let dir: string;
let written: WriteSimulatedDatasetResult;
const progress: Array<[number, number]> = [];
const cleanup: string[] = [];

beforeAll(async () => {
  engine = await engineFor();
  sim = smallSimulator(engine);
  dir = await tempDir();
  cleanup.push(dir);
  written = await writeSimulatedDataset(sim, dir, {
    engine, simulatorOptions: SMALL_SIMULATOR, onProgress: (n, total) => progress.push([n, total]),
  });
});

afterAll(async () => {
  sim?.dispose();
  await Promise.all(cleanup.map(removeDir));
});

/** Largest |a - b| over the translation (mm) and over the rotation entries. */
function poseError(a: Float64Array, b: Float64Array): { translation: number; rotation: number } {
  let translation = 0, rotation = 0;
  for (let i = 0; i < 16; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (i >= 12 && i < 15) translation = Math.max(translation, d); else rotation = Math.max(rotation, d);
  }
  return { translation, rotation };
}

describe('writeSimulatedDataset', () => {
  it('writes the layout Open3D reads, manifest last, with progress per frame', async () => {
    expect(written.frameCount).toBe(5);
    expect(progress).toEqual([[1, 5], [2, 5], [3, 5], [4, 5], [5, 5]]);
    expect(written.files.at(-1)).toBe('manifest.json');
    expect((await readdir(dir)).sort()).toEqual(['color', 'depth', 'intrinsics.json', 'manifest.json', 'nir', 'reference.ply', 'trajectory.log']);
    for (const folder of ['depth', 'color', 'nir']) {
      expect(await readdir(join(dir, folder))).toEqual(['000000.png', '000001.png', '000002.png', '000003.png', '000004.png']);
    }
    const intrinsics = JSON.parse(await readFile(join(dir, 'intrinsics.json'), 'utf8'));
    const k = sim.intrinsics;
    expect(intrinsics).toEqual({ width: k.width, height: k.height, intrinsic_matrix: [k.fx, 0, 0, 0, k.fy, 0, k.cx, k.cy, 1] });
    const log = (await readFile(join(dir, 'trajectory.log'), 'utf8')).split('\n');
    expect(log[0]).toBe('0 0 1');
    // Row 1 of frame 0 ends with the x translation in metres.
    expect(Number(log[1].split(' ')[3])).toBeCloseTo(sim.trajectory.cameraToWorld[0][12] / 1000, 14);
  });

  it('records units, scales, sizes, seeds, options, timestamps, segments and checksums in the manifest', async () => {
    const m = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8'));
    expect(m).toMatchObject({
      format: 'scanfuse-rgbd-dataset', formatVersion: 1, generator: { name: 'scanfuse' },
      units: { length: 'mm', trajectory: 'm', time: 'ms' }, frameCount: 5,
      image: { width: 320, height: 240 },
      depth: { depthScale: 1000, open3dDepthScale: 1_000_000, invalid: 0, bitDepth: 16 },
      files: { intrinsics: 'intrinsics.json', trajectory: 'trajectory.log', reference: 'reference.ply' },
    });
    expect(m.generator.version).toBe(JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')).version);
    expect(m.frames.map((f: { timestampMs: number }) => f.timestampMs)).toEqual(sim.trajectory.timestampMs);
    expect(m.frames.map((f: { segment: string }) => f.segment)).toEqual(sim.trajectory.segment);
    expect(m.frames[4]).toEqual({ index: 4, timestampMs: sim.trajectory.timestampMs[4], segment: sim.trajectory.segment[4], depth: 'depth/000004.png', color: 'color/000004.png', nir: 'nir/000004.png' });
    const s = m.simulator;
    expect(s.scene).toBe('procedural-arch');
    expect(s.seeds).toEqual({ noise: 7, arch: 1, trajectory: 1 });
    expect(s.wand).toEqual({ ...sim.wand });
    expect(s.noise).toEqual({ ...sim.noise });
    expect(s.options.archMesh).toEqual({ spacing: 0.4 });
    expect(s.options.arch).toEqual({ jaw: 'lower', lesions: 6, seed: 1 });
    expect(s.options.trajectory).toMatchObject({ framesPerSecond: 20, speedMmPerS: 8, workingDistance: 11, palate: false, seed: 1 });
    expect(s.options.frames).toBe(5);
    expect(s.model.teeth).toHaveLength(14);
    expect(s.model.lesions).toHaveLength(6);
    expect(s.changes).toBeNull();
    expect(s.reference).toMatchObject({ vertexCount: sim.reference.positions.length / 3, triangleCount: sim.reference.indices.length / 3 });
    // Checksums of every other file, in path order.
    const tree = await hashTree(dir);
    delete tree['manifest.json'];
    expect(m.sha256).toEqual(tree);
    expect(Object.keys(m.sha256)).toEqual(Object.keys(tree).sort());
  });

  it('refuses a non-empty folder unless overwriting, then removes stale frames', async () => {
    const target = await tempDir();
    cleanup.push(target);
    await writeFile(join(target, 'notes.txt'), 'x');
    await expect(writeSimulatedDataset(sim, target, { engine })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await writeSimulatedDataset(sim, target, { engine, overwrite: true });
    // Three frames of the same scene (no second arch build).
    const t = sim.trajectory;
    const three = createScanSimulator(engine, {
      scene: sim.reference, trajectory: { cameraToWorld: t.cameraToWorld.slice(0, 3), timestampMs: t.timestampMs.slice(0, 3), segment: t.segment.slice(0, 3) },
    });
    try {
      await writeSimulatedDataset(three, target, { overwrite: true, reference: false });
    } finally {
      three.dispose();
    }
    expect(await readdir(join(target, 'depth'))).toEqual(['000000.png', '000001.png', '000002.png']);
    expect(await readdir(join(target, 'nir'))).toEqual(['000000.png', '000001.png', '000002.png']);
    const back = await readDataset(target);
    expect(back.frameCount).toBe(3);
    // The earlier dataset's reference mesh is gone with it.
    expect(await readdir(target)).not.toContain('reference.ply');
    expect(await back.reference(engine)).toBeNull();
    expect(await readFile(join(target, 'notes.txt'), 'utf8')).toBe('x');
  });

  it('checks its arguments', async () => {
    const target = await tempDir();
    cleanup.push(target);
    await expect(writeSimulatedDataset(sim, target)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(writeSimulatedDataset({} as ScanSimulator, target, { engine })).rejects.toBeInstanceOf(ScanfuseError);
    await expect(writeSimulatedDataset(sim, '', { engine })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    const controller = new AbortController();
    controller.abort();
    await expect(writeSimulatedDataset(sim, target, { engine, signal: controller.signal })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    // Without the reference mesh no engine is needed.
    const bare = await tempDir();
    cleanup.push(bare);
    const r = await writeSimulatedDataset(sim, bare, { reference: false });
    expect(r.manifest.files.reference).toBeNull();
    expect(r.manifest.simulator).toMatchObject({ options: null });
    expect(await (await readDataset(bare)).reference(engine)).toBeNull();
  });
});

describe('readDataset on a written dataset', () => {
  it('gives back the same images, poses, intrinsics, depth scale and timing', async () => {
    const ds = await readDataset(dir);
    expect(ds.layout).toBe('scanfuse');
    expect(ds.frameCount).toBe(5);
    expect(ds.intrinsics).toEqual(sim.intrinsics);
    expect(ds.depthScale).toBe(1000);
    expect(ds.manifest?.depth.open3dDepthScale).toBe(1_000_000);
    expect(ds.trajectory?.cameraToWorld).toHaveLength(5);
    expect(ds.timestampMs).toEqual(sim.trajectory.timestampMs);
    let worst = { translation: 0, rotation: 0 };
    for (let i = 0; i < ds.frameCount; i++) {
      const truth = sim.frame(i);
      const f = await ds.frame(i);
      expect(f.index).toBe(i);
      expectSameArray(f.depth, truth.depth);
      expectSameArray(f.colour, truth.colour);
      expectSameArray(f.nir, truth.nir);
      expect(f.depthScale).toBe(truth.depthScale);
      expect(f.timestampMs).toBe(truth.timestampMs);
      expect(f.segment).toBe(truth.segment);
      const e = poseError(f.cameraToWorld!, truth.cameraToWorld);
      worst = { translation: Math.max(worst.translation, e.translation), rotation: Math.max(worst.rotation, e.rotation) };
    }
    // 15 decimals of metres: 1e-12 mm resolution; the claim is < 1e-9 mm.
    expect(worst.translation).toBeLessThan(1e-9);
    expect(worst.rotation).toBeLessThan(1e-14);
    // Some depth is measured in every frame of this scan.
    expect((await ds.frame(0)).depth.some((v) => v > 0)).toBe(true);
  });

  it('iterates frames and verifies checksums on request', async () => {
    const ds = await readDataset(dir, { verifyChecksums: true });
    let n = 0;
    for await (const f of ds.frames()) expect(f.index).toBe(n++);
    expect(n).toBe(5);
  });

  it('loads the reference mesh with its labels, NIR, lesions and colours', async () => {
    const ds = await readDataset(dir, { engine });
    const result = await ds.reference();
    const mesh = result!.mesh;
    const ref = sim.reference;
    expectSameArray(mesh.positions, ref.positions);
    expectSameArray(mesh.indices, ref.indices);
    expectSameArray(mesh.colors?.array, ref.colors?.array);
    for (const name of ['label', 'nir', 'lesion']) {
      expectSameArray(mesh.vertexAttributes?.[name]?.array, ref.vertexAttributes?.[name]?.array);
    }
    await expect((await readDataset(dir)).reference()).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('reads the same files as a plain Redwood folder (no manifest)', async () => {
    const plain = await tempDir();
    cleanup.push(plain);
    for (const folder of ['depth', 'color']) {
      await mkdir(join(plain, folder));
      for (const name of await readdir(join(dir, folder))) await copyFile(join(dir, folder, name), join(plain, folder, name));
    }
    await copyFile(join(dir, 'intrinsics.json'), join(plain, 'intrinsics.json'));
    await copyFile(join(dir, 'trajectory.log'), join(plain, 'trajectory.log'));
    const ds = await readDataset(plain, { depthScale: 1000, framesPerSecond: 20 });
    expect(ds.layout).toBe('redwood');
    expect(ds.manifest).toBeNull();
    expect(ds.files.nir).toBeNull();
    expect(ds.timestampMs).toEqual(sim.trajectory.timestampMs);
    const f = await ds.frame(3);
    const truth = sim.frame(3);
    expectSameArray(f.depth, truth.depth);
    expectSameArray(f.colour, truth.colour);
    expect(f.nir).toBeUndefined();
    expect(f.segment).toBeUndefined();
    expect(poseError(f.cameraToWorld!, truth.cameraToWorld).translation).toBeLessThan(1e-9);
    // Without the option a Redwood folder's depth is taken as mm.
    expect((await readDataset(plain)).depthScale).toBe(1);
  });
});
