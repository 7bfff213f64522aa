// The engine in a Node worker_threads worker (the built dist/worker/engine-worker.js) against the
// same calls in-process: identical bytes and poses, transfer semantics, errors that keep their
// code and details, and a trap that fails the call and restarts the worker cleanly.
import { Worker } from 'node:worker_threads';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScanfuseError, type Engine, type Mesh } from '../../src/index.js';
import { createScanSession } from '../../src/session/scan-session.js';
import { createScanSimulator, type SimulatorOptions } from '../../src/sim/simulator.js';
import { createWorkerEngine, type WorkerEngine } from '../../src/worker/index.js';
import { engineFor } from '../support/engines.js';
import { wavyGrid } from '../support/meshes.js';

const WORKER_URL = new URL('../../dist/worker/engine-worker.js', import.meta.url);
const startWorker = () => new Worker(WORKER_URL);

/** A small, fast scan: coarse reference mesh, 160 x 120 wand, 0.1 mm voxels. */
const SIM: SimulatorOptions = { arch: { jaw: 'lower', seed: 5 }, archMesh: { spacing: 0.4 }, wand: { width: 160, height: 120 }, frames: 20, seed: 5 };
const SESSION = { voxelSize: 0.1, nir: true };

const copyMesh = (m: Mesh): Mesh => structuredClone(m);

let engine: Engine;
let remote: WorkerEngine;
beforeAll(async () => {
  if (!existsSync(fileURLToPath(WORKER_URL))) throw new Error('dist/worker/engine-worker.js is missing: run `npm run build` first');
  engine = await engineFor('release');
  remote = await createWorkerEngine({ worker: startWorker });
});
afterAll(async () => {
  await remote?.terminate();
});

describe('WorkerEngine against in-process', () => {
  it('writes and reads a generated mesh to identical bytes', async () => {
    const mesh = wavyGrid(20_000);
    for (const options of [{ format: 'stl' }, { format: 'ply' }, { format: 'ply', encoding: 'ascii' }] as const) {
      const local = engine.writeMesh(mesh, options);
      const viaWorker = await remote.writeMesh(copyMesh(mesh), options);
      expect(viaWorker).toBeInstanceOf(Uint8Array);
      expect(Buffer.from(viaWorker).equals(Buffer.from(local)), options.format).toBe(true);
      const back = await remote.readMesh(viaWorker.slice());
      expect(back.mesh.positions).toEqual(engine.readMesh(local).mesh.positions);
      expect(back.mesh.indices).toEqual(engine.readMesh(local).mesh.indices);
    }
    expect(await remote.meshInfo(copyMesh(mesh))).toEqual(engine.meshInfo(mesh));
  });

  it('runs a simulated 20-frame session to the same poses, statuses and mesh bytes', async () => {
    const sim = createScanSimulator(engine, SIM);
    const f0 = sim.frame(0);
    const options = { ...SESSION, intrinsics: sim.intrinsics, depthScale: f0.depthScale, initialPose: f0.cameraToWorld };
    const local = createScanSession(engine, options);
    const localChunks: string[] = [];
    for (let i = 0; i < sim.frameCount; i++) {
      const f = sim.frame(i);
      local.pushFrame({ depth: f.depth, nir: f.nir, timestampMs: f.timestampMs });
      for (const u of local.meshUpdates()) localChunks.push(`${i}:${u.key}:${u.mesh?.indices.length ?? -1}`);
    }
    // The worker renders the frames too (its own simulator), hands them over, and gets them back.
    const rsim = await remote.createScanSimulator(SIM);
    expect(rsim.frameCount).toBe(sim.frameCount);
    expect(rsim.trajectory.cameraToWorld).toEqual(sim.trajectory.cameraToWorld);
    const session = await remote.createScanSession(options);
    const remoteChunks: string[] = [];
    for (let i = 0; i < rsim.frameCount; i++) {
      const f = await rsim.frame(i);
      // Pushed without awaiting: calls are queued in order in the worker.
      const pushed = session.pushFrame({ depth: f.depth, nir: f.nir, timestampMs: f.timestampMs });
      const updates = session.meshUpdates();
      await pushed;
      for (const u of await updates) remoteChunks.push(`${i}:${u.key}:${u.mesh?.indices.length ?? -1}`);
    }
    expect(remoteChunks).toEqual(localChunks);
    const a = local.trajectory(), b = await session.trajectory();
    expect(b.status).toEqual(a.status);
    expect(a.status.filter((s) => s === 'tracked').length).toBeGreaterThanOrEqual(15);
    expect(b.cameraToWorld.map((m) => Array.from(m))).toEqual(a.cameraToWorld.map((m) => Array.from(m)));
    const localBytes = engine.writeMesh(local.mesh(), { format: 'ply' });
    const remoteMesh = await session.mesh();
    expect(remoteMesh.indices.length / 3).toBeGreaterThan(10_000);
    expect(Buffer.from(await remote.writeMesh(remoteMesh, { format: 'ply' })).equals(Buffer.from(localBytes))).toBe(true);
    const [lc, rc] = [local.coverage(), await session.coverage()];
    expect(rc.lowVertexCount).toBe(lc.lowVertexCount);
    expect(rc.mesh.colors!.array).toEqual(lc.mesh.colors!.array);
    // The same session driven by the worker's own frames (pushSimulatorFrame) agrees too.
    const direct = await remote.createScanSession(options);
    const results = await Promise.all(Array.from({ length: rsim.frameCount }, (_, i) => direct.pushSimulatorFrame(rsim, i)));
    expect(results.map((r) => Array.from(r.cameraToWorld))).toEqual(a.cameraToWorld.map((m) => Array.from(m)));
    expect(Buffer.from(await remote.writeMesh(await direct.mesh(), { format: 'ply' })).equals(Buffer.from(localBytes))).toBe(true);
    await Promise.all([session.dispose(), direct.dispose(), rsim.dispose()]);
    await expect(session.mesh()).rejects.toMatchObject({ code: 'DISPOSED' });
    local.dispose();
    sim.dispose();
  });
});

describe('WorkerEngine transfers', () => {
  it('detaches the caller\'s arrays (and any view on them); transfer: false copies', async () => {
    const mesh = wavyGrid(2_000);
    const view = new Float32Array(mesh.positions.buffer, 0, 3);
    await remote.writeMesh(mesh, { format: 'stl' });
    expect(mesh.positions.length).toBe(0);
    expect(mesh.indices.length).toBe(0);
    expect(view.length).toBe(0);
    // A detached array sent again fails at once instead of posting empty data.
    await expect(remote.writeMesh(mesh, { format: 'stl' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    const depth = new Uint16Array(160 * 120).fill(11_000);
    const session = await remote.createScanSession({ intrinsics: { width: 160, height: 120, fx: 120, fy: 120, cx: 79.5, cy: 59.5 }, depthScale: 1000 });
    const first = await session.pushFrame({ depth, timestampMs: 0 });
    expect(first.status).toBe('first');
    expect(depth.length).toBe(0);
    await session.dispose();

    const copying = await createWorkerEngine({ worker: startWorker, transfer: false });
    try {
      const kept = wavyGrid(2_000);
      const bytes = await copying.writeMesh(kept, { format: 'stl' });
      expect(kept.positions.length).toBeGreaterThan(0);
      expect(Buffer.from(bytes).equals(Buffer.from(engine.writeMesh(kept, { format: 'stl' })))).toBe(true);
    } finally {
      await copying.terminate();
    }
  });
});

describe('WorkerEngine errors', () => {
  it('delivers ScanfuseErrors with the same code, message and details', async () => {
    const malformed = new Uint8Array(84 + 10);
    new DataView(malformed.buffer).setUint32(80, 1000, true); // claims 1000 triangles in 10 bytes
    let local: unknown;
    try {
      engine.readMesh(malformed, { fileName: 'bad.stl' });
    } catch (e) {
      local = e;
    }
    expect(local).toBeInstanceOf(ScanfuseError);
    const error = await remote.readMesh(malformed.slice(), { fileName: 'bad.stl' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ScanfuseError);
    const [l, r] = [local as ScanfuseError, error as ScanfuseError];
    expect(r.code).toBe(l.code);
    expect(r.message).toBe(l.message);
    expect(r.details).toEqual(l.details);
    expect(r.stack).toContain('thrown in the worker');
    await expect(remote.qualityReport({ positions: new Float32Array(3), indices: new Uint32Array([0, 1, 2]) }))
      .rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('turns a trap into ENGINE_FAILED, restarts the worker, and reports lost sessions', async () => {
    const session = await remote.createScanSession({ intrinsics: { width: 8, height: 8, fx: 8, fy: 8, cx: 3.5, cy: 3.5 } });
    const disposed = await remote.createScanSession({ intrinsics: { width: 8, height: 8, fx: 8, fy: 8, cx: 3.5, cy: 3.5 } });
    await disposed.dispose();
    const restarts = remote.restarts;
    const trap = await remote.forceTrap().catch((e: unknown) => e);
    expect(trap).toBeInstanceOf(ScanfuseError);
    expect((trap as ScanfuseError).code).toBe('ENGINE_FAILED');
    expect((trap as ScanfuseError).details.kernel).toBe('stl_decode_binary');
    // The next call runs in a fresh worker.
    const bytes = await remote.writeMesh(wavyGrid(200), { format: 'stl' });
    expect(Buffer.from(bytes).equals(Buffer.from(engine.writeMesh(wavyGrid(200), { format: 'stl' })))).toBe(true);
    expect(remote.restarts).toBe(restarts + 1);
    await expect(session.mesh()).rejects.toMatchObject({ code: 'ENGINE_FAILED' });
    await expect(session.pushFrame({ depth: new Float32Array(64), timestampMs: 0 })).rejects.toMatchObject({ code: 'ENGINE_FAILED' });
    await expect(disposed.mesh()).rejects.toMatchObject({ code: 'DISPOSED' });
    await session.dispose();
  });

  it('fails creation with ENGINE_FAILED when the worker cannot start, and DISPOSED after terminate', async () => {
    const missing = new URL('./no-such-worker.js', WORKER_URL);
    await expect(createWorkerEngine({ worker: () => new Worker(missing) })).rejects.toMatchObject({ code: 'ENGINE_FAILED' });
    const short = await createWorkerEngine({ worker: startWorker });
    const pending = short.writeMesh(wavyGrid(200_000), { format: 'ply', encoding: 'ascii' });
    await short.terminate();
    await expect(pending).rejects.toMatchObject({ code: 'DISPOSED' });
    await expect(short.readMesh(new Uint8Array(10))).rejects.toMatchObject({ code: 'DISPOSED' });
  });
});
