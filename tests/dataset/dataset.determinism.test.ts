// Same simulator options => byte-identical dataset files (sha256 of every file), independent of
// the key order of the options and of the simulator instance; a different noise seed changes
// the depth images but not the poses.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeSimulatedDataset } from '../../src/node/index.js';
import type { SimulatorOptions } from '../../src/sim/simulator.js';
import { engineFor } from '../support/engines.js';
import { hashTree, removeDir, smallSimulator, tempDir } from './helpers.js';

const cleanup: string[] = [];
afterAll(() => Promise.all(cleanup.map(removeDir)));

async function writeWith(options: SimulatorOptions): Promise<{ dir: string; hashes: Record<string, string> }> {
  const engine = await engineFor();
  const sim = smallSimulator(engine, options);
  const dir = await tempDir();
  cleanup.push(dir);
  try {
    await writeSimulatedDataset(sim, dir, { engine, simulatorOptions: options });
  } finally {
    sim.dispose();
  }
  return { dir, hashes: await hashTree(dir) };
}

describe('writeSimulatedDataset determinism', () => {
  it('writes byte-identical files for the same options, whatever their key order', async () => {
    const a = await writeWith({ frames: 4, archMesh: { spacing: 0.4 }, seed: 3, arch: { seed: 2, jaw: 'lower' }, noise: { sigma: 0.02, holesPerFrame: 1 } });
    const b = await writeWith({ noise: { holesPerFrame: 1, sigma: 0.02 }, arch: { jaw: 'lower', seed: 2 }, seed: 3, archMesh: { spacing: 0.4 }, frames: 4 });
    expect(Object.keys(a.hashes)).toHaveLength(4 * 3 + 4);
    expect(b.hashes).toEqual(a.hashes);
    // No clock or machine-specific value in the manifest.
    const manifest = await readFile(join(a.dir, 'manifest.json'), 'utf8');
    expect(manifest).not.toMatch(/20\d\d-\d\d-\d\d|tmp|scanfuse-dataset-/);

    const c = await writeWith({ frames: 4, archMesh: { spacing: 0.4 }, seed: 4, arch: { seed: 2, jaw: 'lower' }, noise: { sigma: 0.02, holesPerFrame: 1 } });
    expect(c.hashes['trajectory.log']).toBe(a.hashes['trajectory.log']);
    expect(c.hashes['reference.ply']).toBe(a.hashes['reference.ply']);
    expect(c.hashes['depth/000000.png']).not.toBe(a.hashes['depth/000000.png']);
    expect(c.hashes['manifest.json']).not.toBe(a.hashes['manifest.json']);
  });
});
