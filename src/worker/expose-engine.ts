// The worker side: one engine per worker, created from the WebAssembly.Module the calling thread
// compiled and posted, with the sessions and simulators created through it, exposed over comlink.
// Results are transferred to the caller (they are fresh arrays the worker never uses again).
// A trap poisons this worker's engine: every later call fails with ENGINE_FAILED (the calling
// side replaces the worker).
import { expose, transfer, type Endpoint } from 'comlink';
import { Engine, createEngine } from '../engine.js';
import { ScanfuseError, isScanfuseError } from '../errors.js';
import { projectImages } from '../niri/project-images.js';
import { niriOverlayColors } from '../niri/overlay-colors.js';
import { qualityReport } from '../quality/quality-report.js';
import { createScanSession, type ScanSession } from '../session/scan-session.js';
import { createScanSimulator, type ScanSimulator } from '../sim/simulator.js';
import { compareScans } from '../timelapse/compare-scans.js';
import { installErrorTransfer } from './error-transfer.js';
import { addAllBuffers, addMeshBuffers } from './transferables.js';
import type { EngineWorkerApi, SimulatorInfo } from './worker-protocol.js';

/** Moves `value`'s arrays to the caller (for results the worker does not keep). */
function moved<T>(value: T): T {
  return transfer(value, [...addAllBuffers(value, new Set())]);
}

/** True for a trap of the core: a WebAssembly.RuntimeError (unreachable, out of bounds...). */
function isTrap(e: unknown): boolean {
  for (let x = e, depth = 0; x && depth < 4; x = (x as { cause?: unknown }).cause, depth++) {
    if (typeof WebAssembly !== 'undefined' && x instanceof WebAssembly.RuntimeError) return true;
  }
  return false;
}

/** The object exposed in the worker. */
function createWorkerApi(): EngineWorkerApi {
  let engine: Engine | null = null;
  let ready: Promise<void> | null = null;
  let failure: ScanfuseError | null = null;
  let nextId = 1;
  const sessions = new Map<number, ScanSession>();
  const simulators = new Map<number, ScanSimulator>();

  /** Runs `body` with the engine; turns traps into ENGINE_FAILED and remembers them. */
  async function run<T>(api: string, body: (engine: Engine) => T): Promise<T> {
    if (failure) throw new ScanfuseError('ENGINE_FAILED', `${api}: the worker's engine failed earlier (${failure.message}); the worker must be restarted`, { ...failure.details });
    if (!engine) {
      if (!ready) throw new ScanfuseError('ENGINE_FAILED', `${api}: the worker was not initialised`);
      await ready;
    }
    try {
      return body(engine!);
    } catch (e) {
      if (isScanfuseError(e, 'ENGINE_FAILED')) {
        failure = e;
        throw e;
      }
      if (isTrap(e)) {
        failure = new ScanfuseError('ENGINE_FAILED', `${api}: the WASM core trapped: ${(e as Error).message}`, {}, { cause: e });
        throw failure;
      }
      throw e;
    }
  }

  const session = (api: string, id: number): ScanSession => {
    const s = sessions.get(id);
    if (!s) throw new ScanfuseError('DISPOSED', `${api}: the session was disposed`, { session: id });
    return s;
  };
  const simulator = (api: string, id: number): ScanSimulator => {
    const s = simulators.get(id);
    if (!s) throw new ScanfuseError('DISPOSED', `${api}: the simulator was disposed`, { simulator: id });
    return s;
  };

  return {
    init(module, options) {
      if (!ready) {
        ready = createEngine({ wasm: module, maxMemoryMiB: options?.maxMemoryMiB }).then((e) => { engine = e; });
      }
      return ready;
    },
    readMesh: (bytes, options) => run('readMesh', (e) => moved(e.readMesh(bytes, options))),
    writeMesh: (mesh, options) => run('writeMesh', (e) => moved(e.writeMesh(mesh, options))),
    meshInfo: (mesh) => run('meshInfo', (e) => e.meshInfo(mesh)),
    projectImages: (mesh, images, options) => run('projectImages', (e) => moved(projectImages(e, mesh, images, options))),
    niriOverlayColors: (base, nir, options) => run('niriOverlayColors', () => moved(niriOverlayColors(base, nir, options))),
    compareScans: (before, after, options) => run('compareScans', (e) => moved(compareScans(e, before, after, options))),
    qualityReport: (mesh, options) => run('qualityReport', (e) => moved(qualityReport(e, mesh, options))),

    createScanSession: (options) => run('createScanSession', (e) => {
      const s = createScanSession(e, options);
      const id = nextId++;
      sessions.set(id, s);
      return { id, intrinsics: s.intrinsics };
    }),
    // The result's pose may be the session's own array: it is copied, not transferred.
    sessionPushFrame: (id, frame) => run('ScanSession.pushFrame', () => session('ScanSession.pushFrame', id).pushFrame(frame)),
    sessionPushSimulatorFrame: (id, simulatorId, index) => run('ScanSession.pushSimulatorFrame', () => {
      const api = 'ScanSession.pushSimulatorFrame';
      const s = session(api, id);
      const f = simulator(api, simulatorId).frame(index);
      return s.pushFrame({
        depth: f.depth, timestampMs: f.timestampMs,
        ...(s.options.colour ? { colour: f.colour } : {}),
        ...(s.options.nir ? { nir: f.nir } : {}),
      });
    }),
    sessionMesh: (id) => run('ScanSession.mesh', () => moved(session('ScanSession.mesh', id).mesh())),
    sessionMeshUpdates: (id, options) => run('ScanSession.meshUpdates', () => {
      const s = session('ScanSession.meshUpdates', id);
      const updates = options === undefined ? s.meshUpdates() : s.volume.meshUpdates(options);
      const buffers = new Set<ArrayBuffer>();
      for (const u of updates) addMeshBuffers(u.mesh, buffers);
      return transfer(updates, [...buffers]);
    }),
    sessionCoverage: (id, options) => run('ScanSession.coverage', () => moved(session('ScanSession.coverage', id).coverage(options))),
    sessionTrajectory: (id) => run('ScanSession.trajectory', () => moved(session('ScanSession.trajectory', id).trajectory())),
    sessionDispose: async (id) => {
      const s = sessions.get(id);
      sessions.delete(id);
      if (s && !failure) s.dispose();
    },

    createScanSimulator: (options) => run('createScanSimulator', (e): SimulatorInfo => {
      const sim = createScanSimulator(e, options);
      const id = nextId++;
      simulators.set(id, sim);
      const t = sim.trajectory;
      return {
        id, frameCount: sim.frameCount, intrinsics: sim.intrinsics, depthScale: sim.wand.depthScale,
        trajectory: { cameraToWorld: t.cameraToWorld.map((m) => Float64Array.from(m)), timestampMs: [...t.timestampMs], segment: [...t.segment] },
        wand: sim.wand, noise: sim.noise, seed: sim.seed,
        referenceVertices: sim.reference.positions.length / 3, referenceTriangles: sim.reference.indices.length / 3,
      };
    }),
    simulatorFrame: (id, index, options) => run('ScanSimulator.frame', () => moved(simulator('ScanSimulator.frame', id).frame(index, options))),
    // The simulator keeps its reference mesh: the caller gets a copy (structured clone).
    simulatorReference: (id) => run('ScanSimulator.reference', () => simulator('ScanSimulator.reference', id).reference),
    simulatorDispose: async (id) => {
      const s = simulators.get(id);
      simulators.delete(id);
      if (s && !failure) s.dispose();
    },

    forceTrap: () => run('forceTrap', (e) => {
      // An out-of-bounds read in a kernel: the core traps (RuntimeError), the engine is poisoned.
      e.wasm.scope('forceTrap', (s) => s.call('stl_decode_binary', 0xfffffff0, 1000, 0, 0, 0));
    }),
  };
}

/** A Node worker_threads port, typed structurally (no Node types in the browser build). */
interface NodePort {
  on(event: 'message', listener: (value: unknown) => void): unknown;
  postMessage(value: unknown, transfer?: readonly unknown[]): void;
}

/**
 * Runs the engine worker in this worker: exposes the engine API over comlink on `endpoint`, or by
 * default on the worker's own channel (`self` in a Web Worker, `parentPort` in Node
 * worker_threads). In a Web Worker it exposes synchronously (a message arriving before `expose`
 * would be lost); in Node the port queues messages while the adapter loads. Call it once, at the
 * top level of the worker entry, before any await. Resolves once the API is exposed; rejects with
 * ScanfuseError('INVALID_ARGUMENT') when called outside a worker.
 */
export function exposeEngine(endpoint?: Endpoint): Promise<void> {
  installErrorTransfer();
  const api = createWorkerApi();
  if (endpoint) {
    expose(api, endpoint);
    return Promise.resolve();
  }
  const g = globalThis as { WorkerGlobalScope?: abstract new () => unknown };
  if (typeof g.WorkerGlobalScope === 'function' && globalThis instanceof g.WorkerGlobalScope) {
    expose(api, globalThis as unknown as Endpoint);
    return Promise.resolve();
  }
  return (async () => {
    // Node: specifiers built at run time so bundlers leave them alone.
    const threads = 'node:worker_threads';
    const adapter = 'comlink/dist/esm/node-adapter.mjs';
    const { parentPort } = (await import(/* @vite-ignore */ threads)) as { parentPort: NodePort | null };
    if (!parentPort) throw new ScanfuseError('INVALID_ARGUMENT', 'exposeEngine: not running in a worker (no endpoint, no Web Worker scope, no parentPort)');
    const nodeEndpoint = ((await import(/* @vite-ignore */ adapter)) as { default: (port: NodePort) => Endpoint }).default;
    expose(api, nodeEndpoint(parentPort));
  })();
}
