// Shared fixtures of the dataset tests: a small seeded simulator and temporary folders.
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Engine } from '../../src/index.js';
import { createScanSimulator, type ScanSimulator, type SimulatorOptions } from '../../src/sim/simulator.js';

/** Five frames of the procedural lower arch on a coarse grid: fast, and every frame sees teeth. */
export const SMALL_SIMULATOR: SimulatorOptions = Object.freeze({ frames: 5, archMesh: { spacing: 0.4 }, seed: 7 });

export function smallSimulator(engine: Engine, options: SimulatorOptions = SMALL_SIMULATOR): ScanSimulator {
  return createScanSimulator(engine, options);
}

/** A fresh temporary folder; remove it with removeDir. */
export function tempDir(prefix = 'scanfuse-dataset-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

export function removeDir(dir: string): Promise<void> {
  return rm(dir, { recursive: true, force: true });
}

/** sha256 of every file under `dir`, by '/'-separated relative path, sorted. */
export async function hashTree(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (sub: string) => {
    const entries = await readdir(join(dir, sub), { withFileTypes: true });
    for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const rel = sub ? `${sub}/${e.name}` : e.name;
      if (e.isDirectory()) await walk(rel);
      else out[rel] = createHash('sha256').update(await readFile(join(dir, rel))).digest('hex');
    }
  };
  await walk('');
  return out;
}
