import { describe, expect, it } from 'vitest';
import { createEngine, ScanfuseError } from '../../src/index.js';
import { expectSameArray } from '../support/equal.js';
import { box, wavyGrid } from '../support/meshes.js';

describe('Engine lifecycle and memory', () => {
  it('returns arrays the caller owns, never views into WASM memory', async () => {
    const engine = await createEngine();
    const bytes = engine.writeMesh(box(), { format: 'stl' });
    const { mesh } = engine.readMesh(bytes);
    const wasmBuffer = engine.wasm['buffer']();
    for (const a of [bytes, mesh.positions, mesh.indices]) {
      expect(a.buffer).not.toBe(wasmBuffer);
      expect(a.byteOffset).toBe(0);
    }
    // Growing memory afterwards leaves the caller's arrays intact.
    const before = mesh.positions.slice();
    engine.writeMesh(wavyGrid(200_000), { format: 'ply' });
    expectSameArray(mesh.positions, before, 'positions');
  });

  it('re-creates its views after memory grows (results stay correct across growth)', async () => {
    const engine = await createEngine();
    const small = engine.readMesh(engine.writeMesh(box(2, 3, 4), { format: 'stl' })).mesh;
    const start = engine.memoryBytes;
    const big = wavyGrid(300_000);
    const round = engine.readMesh(engine.writeMesh(big, { format: 'ply' })).mesh;
    expect(engine.memoryBytes).toBeGreaterThan(start);
    expectSameArray(round.positions, big.positions, 'positions');
    expect(engine.meshInfo(small).volume).toBeCloseTo(24, 4);
  });

  it('reports OUT_OF_MEMORY at its memory limit and stays usable', async () => {
    const engine = await createEngine({ maxMemoryMiB: 16 });
    const big = wavyGrid(400_000); // ~20 MB of STL: cannot fit in 16 MiB
    let error: unknown;
    try {
      engine.writeMesh(big, { format: 'stl' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ScanfuseError);
    expect((error as ScanfuseError).code).toBe('OUT_OF_MEMORY');
    // The allocator failed before changing state: small work still succeeds.
    const { mesh } = engine.readMesh(engine.writeMesh(box(), { format: 'stl' }));
    expect(mesh.indices.length).toBe(36);
    expect(engine.memoryBytes).toBeLessThanOrEqual(16 * 1024 * 1024);
  });

  it('rejects use after dispose with DISPOSED', async () => {
    const engine = await createEngine();
    engine.dispose();
    expect(() => engine.writeMesh(box(), { format: 'stl' })).toThrowError(expect.objectContaining({ code: 'DISPOSED' }));
  });

  it('validates its options', async () => {
    await expect(createEngine({ maxMemoryMiB: 0 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(createEngine({ maxMemoryMiB: 1e9 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(createEngine({ wasm: new Uint8Array([0, 1, 2]) })).rejects.toMatchObject({ code: 'ENGINE_FAILED' });
  });

  it('a trap poisons the engine: ENGINE_FAILED now and on every later call', async () => {
    const engine = await createEngine({ debug: true });
    // Force a trap through the internal boundary (an out-of-bounds pointer).
    expect(() => engine.wasm.scope('test', (s) => s.call('stl_decode_binary', 0xfffffff0, 1000, 0, 0, 0))).toThrowError(
      expect.objectContaining({ code: 'ENGINE_FAILED' }),
    );
    expect(() => engine.writeMesh(box(), { format: 'stl' })).toThrowError(expect.objectContaining({ code: 'ENGINE_FAILED' }));
  });

  it('is deterministic: same input, same bytes, across engines', async () => {
    const a = await createEngine();
    const b = await createEngine({ debug: true });
    const grid = wavyGrid(20_000);
    for (const options of [{ format: 'stl' }, { format: 'ply' }, { format: 'ply', encoding: 'ascii' }, { format: 'ply', encoding: 'binary_big_endian' }] as const) {
      const x = a.writeMesh(grid, options);
      expectSameArray(b.writeMesh(grid, options), x, `${options.format} ${options.encoding ?? ''} bytes`);
      const ra = a.readMesh(x).mesh;
      const rb = b.readMesh(x).mesh;
      expectSameArray(rb.positions, ra.positions, 'positions');
      expectSameArray(rb.indices, ra.indices, 'indices');
    }
  });
});
