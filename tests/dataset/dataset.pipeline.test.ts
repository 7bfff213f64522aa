// writeSimulatedDataset renders, encodes and writes several frames at once (zlib and the file
// system in the thread pool). Whatever order the writes finish in, the result is recorded in
// frame order, and when it fails or is aborted it settles only after every started write has
// finished: nothing changes in the folder afterwards, no temporary file is left, no manifest.
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/index.js';
import { writeSimulatedDataset } from '../../src/node/index.js';
import type { ScanSimulator } from '../../src/sim/simulator.js';
import { engineFor } from '../support/engines.js';
import { removeDir, smallSimulator, tempDir } from './helpers.js';

const FRAMES = 14;
let engine: Engine;
let sim: ScanSimulator;
const cleanup: string[] = [];

beforeAll(async () => {
  engine = await engineFor();
  sim = smallSimulator(engine, { frames: FRAMES, archMesh: { spacing: 0.4 }, seed: 7 });
});

afterAll(async () => {
  sim?.dispose();
  await Promise.all(cleanup.map(removeDir));
});

async function listing(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    if (e.isDirectory()) for (const name of await readdir(join(dir, e.name))) out.push(`${e.name}/${name}`);
    else out.push(e.name);
  }
  return out.sort();
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 150));

describe('writeSimulatedDataset pipeline', () => {
  it('records files and progress in frame order, more frames than the pipeline holds', async () => {
    const dir = await tempDir();
    cleanup.push(dir);
    const progress: number[] = [];
    const r = await writeSimulatedDataset(sim, dir, { reference: false, onProgress: (n) => progress.push(n) });
    expect(progress).toEqual(Array.from({ length: FRAMES }, (_, i) => i + 1));
    const frameFiles = r.files.slice(0, 3 * FRAMES);
    expect(frameFiles).toEqual(Array.from({ length: FRAMES }, (_, i) => {
      const name = `${String(i).padStart(6, '0')}.png`;
      return [`depth/${name}`, `color/${name}`, `nir/${name}`];
    }).flat());
    expect(r.files.slice(3 * FRAMES)).toEqual(['intrinsics.json', 'trajectory.log', 'manifest.json']);
    expect(r.manifest.frames.map((f) => f.index)).toEqual(Array.from({ length: FRAMES }, (_, i) => i));
    expect(Object.keys(r.manifest.sha256)).toHaveLength(3 * FRAMES + 2);
  });

  it('aborted from onProgress: rejects after the frames in flight are on disk, and nothing is written afterwards', async () => {
    const dir = await tempDir();
    cleanup.push(dir);
    const controller = new AbortController();
    const error = await writeSimulatedDataset(sim, dir, {
      reference: false, signal: controller.signal, onProgress: (n) => { if (n === 2) controller.abort(); },
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'INVALID_ARGUMENT' });
    const written = (error as { details: { framesWritten: number } }).details.framesWritten;
    expect(written).toBeGreaterThanOrEqual(2);
    expect(written).toBeLessThan(FRAMES);
    const before = await listing(dir);
    // Exactly the frames it says, every image of each, no temporary files, no manifest.
    const expected = Array.from({ length: written }, (_, i) => ['color', 'depth', 'nir'].map((f) => `${f}/${String(i).padStart(6, '0')}.png`)).flat().sort();
    expect(before).toEqual(expected);
    await settle();
    expect(await listing(dir)).toEqual(before);
  });

  it('a failed frame write is an IO_ERROR once the other writes have finished; no manifest, no temporary file (regression)', async () => {
    const dir = await tempDir();
    cleanup.push(dir);
    // A non-empty folder where frame 5's depth image goes: the rename onto it fails.
    const blocker = join(dir, 'depth', '000005.png');
    await mkdir(blocker, { recursive: true });
    await writeFile(join(blocker, 'keep'), 'x');
    const progress: number[] = [];
    const error = await writeSimulatedDataset(sim, dir, { reference: false, overwrite: true, onProgress: (n) => progress.push(n) }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'IO_ERROR' });
    expect((error as { details: { file: string } }).details.file).toBe(blocker);
    // Progress stops before the failed frame and stays in order.
    expect(progress).toEqual(Array.from({ length: progress.length }, (_, i) => i + 1));
    expect(progress.length).toBeLessThanOrEqual(5);
    const before = await listing(dir);
    expect(before).not.toContain('manifest.json');
    expect(before.filter((p) => p.endsWith('.tmp'))).toEqual([]);
    await settle();
    expect(await listing(dir)).toEqual(before);
  });
});
