// The engine in a worker: the same API as the in-process Engine and free functions, returning
// Promises, run in a Web Worker (browsers) or a worker_threads Worker (Node) over comlink. The
// core is compiled once on the calling thread (compileCore) and the compiled module posted to the
// worker. A trap in the worker fails the call with ENGINE_FAILED and the worker is replaced by a
// fresh one on the next call; what lived in the old worker (sessions, simulators) is lost and
// says so (ENGINE_FAILED) instead of hanging.
import { transfer, type Remote } from 'comlink';
import { DEFAULT_ENGINE_OPTIONS } from '../engine.js';
import { ScanfuseError, isScanfuseError } from '../errors.js';
import type { MeshInfo } from '../mesh/mesh-info.js';
import type { NirImage, ProjectImagesOptions, ProjectImagesResult } from '../niri/project-images.js';
import type { NiriOverlayColorsOptions, OverlayColors } from '../niri/overlay-colors.js';
import type { QualityReport, QualityReportOptions } from '../quality/quality-report.js';
import type { ScanSessionOptions } from '../session/scan-session.js';
import type { SimulatorOptions } from '../sim/simulator.js';
import type { CompareScansOptions, ScanComparison } from '../timelapse/compare-scans.js';
import type { ColorAttribute, Mesh, ReadMeshOptions, ReadMeshResult, WriteMeshOptions } from '../types.js';
import { compileCore, defaultWasmUrl, type WasmSource } from '../wasm/load.js';
import { RemoteScanSession } from './remote-scan-session.js';
import { RemoteScanSimulator } from './remote-scan-simulator.js';
import { addArrayBuffers, addMeshBuffers, assertAttached } from './transferables.js';
import { WorkerConnection, type WorkerLike } from './worker-connection.js';
import type { EngineWorkerApi } from './worker-protocol.js';

export interface WorkerEngineOptions {
  /**
   * Makes a new worker running the scanfuse engine worker (dist/worker/engine-worker.js, or an
   * app's entry that calls exposeEngine()). Called once at creation and once per restart after a
   * trap. Default: the packaged engine worker, as a module Web Worker in browsers and a
   * worker_threads Worker in Node.
   */
  worker?: () => WorkerLike | Promise<WorkerLike>;
  /** Where to load the core from (URL, bytes or a compiled module); compiled on this thread, once. */
  wasm?: WasmSource;
  /** The debug core (assertions on). Default false. Ignored when `wasm` is given. */
  debug?: boolean;
  /** Upper bound on the worker engine's WASM memory, MiB (2..4096). Default 4096. */
  maxMemoryMiB?: number;
  /**
   * Transfer the arrays of data arguments (bytes, meshes, frames, images) to the worker instead of
   * copying them. Default true: cheap (independent of size), but the caller's arrays are detached
   * (length 0) when the call is made. false: copied (structured clone), the caller keeps them.
   */
  transfer?: boolean;
}

export const DEFAULT_WORKER_ENGINE_OPTIONS = Object.freeze({ debug: false, maxMemoryMiB: DEFAULT_ENGINE_OPTIONS.maxMemoryMiB, transfer: true });

/** The packaged engine worker (Web Worker in browsers, worker_threads in Node). */
async function defaultWorker(): Promise<WorkerLike> {
  const url = new URL('./engine-worker.js', import.meta.url);
  if (typeof Worker === 'function') return new Worker(url, { type: 'module' }) as unknown as WorkerLike;
  const threads = 'node:worker_threads';
  const { Worker: NodeWorker } = (await import(/* @vite-ignore */ threads)) as { Worker: new (url: URL) => WorkerLike };
  return new NodeWorker(url);
}

/**
 * The engine in a worker. Every method returns a Promise and mirrors its in-process counterpart
 * (Engine methods, and the free functions that take an engine). Contract:
 * - Data arguments (bytes, meshes, frames' images, NIR images and arrays) are TRANSFERRED by
 *   default: their ArrayBuffers move to the worker and the caller's arrays (and every other view
 *   on the same buffers) are detached (length 0) as soon as the call is made. Options are copied.
 *   Pass `transfer: false` at creation to copy instead. A detached array passed again rejects
 *   with INVALID_ARGUMENT.
 * - Results are transferred from the worker: the caller owns them, as in-process.
 * - Errors thrown in the worker arrive as ScanfuseError with the same code, message and details.
 * - A trap (ENGINE_FAILED) or a crash of the worker rejects the pending calls with ENGINE_FAILED;
 *   the next call starts a fresh worker (same compiled module). Sessions and simulators of the
 *   failed worker then reject with ENGINE_FAILED.
 * - After terminate(), every call rejects with DISPOSED.
 * Calls run one at a time in the worker, in the order they were made.
 */
export class WorkerEngine {
  readonly #factory: () => WorkerLike | Promise<WorkerLike>;
  readonly #module: WebAssembly.Module;
  readonly #maxMemoryMiB: number;
  readonly #transfer: boolean;
  #connection: WorkerConnection | null = null;
  #opening: Promise<WorkerConnection> | null = null;
  #generation = 0;
  #restarts = 0;
  #terminated = false;

  /** @internal Use createWorkerEngine(). */
  constructor(factory: () => WorkerLike | Promise<WorkerLike>, module: WebAssembly.Module, maxMemoryMiB: number, transferData: boolean) {
    this.#factory = factory;
    this.#module = module;
    this.#maxMemoryMiB = maxMemoryMiB;
    this.#transfer = transferData;
  }

  /** The compiled core the workers run (compiled once on this thread). */
  get module(): WebAssembly.Module {
    return this.#module;
  }

  /** How many times the worker was replaced after a trap or crash. */
  get restarts(): number {
    return this.#restarts;
  }

  /** Which worker runs now: 0 for the first, +1 per replacement (sessions belong to one). */
  get generation(): number {
    return this.#generation;
  }

  /** True when data arguments are transferred (the default), false when copied. */
  get transfersData(): boolean {
    return this.#transfer;
  }

  /** @internal Starts the first worker. */
  async start(): Promise<void> {
    await this.#current('createWorkerEngine');
  }

  #current(api: string): Promise<WorkerConnection> {
    if (this.#terminated) return Promise.reject(new ScanfuseError('DISPOSED', `${api}: the worker engine was terminated`));
    if (this.#connection && !this.#connection.death) return Promise.resolve(this.#connection);
    if (!this.#opening) {
      const generation = this.#generation;
      this.#opening = (async () => {
        let worker: WorkerLike;
        try {
          worker = await this.#factory();
        } catch (e) {
          throw new ScanfuseError('ENGINE_FAILED', `${api}: cannot start the engine worker: ${(e as Error)?.message ?? e}`, {}, { cause: e });
        }
        const c = await WorkerConnection.open(worker, this.#module, { maxMemoryMiB: this.#maxMemoryMiB }, generation, (dead) => this.#lost(dead));
        if (this.#terminated) {
          c.close(new ScanfuseError('DISPOSED', `${api}: the worker engine was terminated`));
          throw new ScanfuseError('DISPOSED', `${api}: the worker engine was terminated`);
        }
        if (generation > 0) this.#restarts++;
        this.#connection = c;
        return c;
      })();
      const clear = () => { this.#opening = null; };
      this.#opening.then(clear, clear);
    }
    return this.#opening;
  }

  /** A worker died (trap, crash or terminate): the next call starts a new one. */
  #lost(connection: WorkerConnection): void {
    if (connection.generation !== this.#generation) return;
    this.#generation++;
    if (this.#connection === connection) this.#connection = null;
  }

  /**
   * @internal Runs a call on the current worker. `generation` (sessions, simulators): the worker
   * the object lives in; a different current worker means the object was lost.
   */
  async invoke<T>(api: string, body: (remote: Remote<EngineWorkerApi>) => Promise<T>, generation?: number): Promise<T> {
    if (this.#terminated) throw new ScanfuseError('DISPOSED', `${api}: the worker engine was terminated`);
    if (generation !== undefined && generation !== this.#generation) {
      throw new ScanfuseError('ENGINE_FAILED', `${api}: the worker holding this object failed and was restarted; its state is lost (create it again)`,
        { generation, currentGeneration: this.#generation });
    }
    const c = await this.#current(api);
    if (generation !== undefined && generation !== c.generation) {
      throw new ScanfuseError('ENGINE_FAILED', `${api}: the worker holding this object failed and was restarted; its state is lost (create it again)`,
        { generation, currentGeneration: c.generation });
    }
    return c.call(api, body);
  }

  /** @internal Marks `value`'s data buffers for transfer (unless the engine copies). */
  sendable<T>(api: string, value: T, buffers: Set<ArrayBuffer>): T {
    assertAttached(api, buffers);
    return this.#transfer ? transfer(value, [...buffers]) : value;
  }

  /** Engine.readMesh in the worker. `bytes` is transferred (detached here). */
  readMesh(bytes: Uint8Array | ArrayBuffer, options?: ReadMeshOptions): Promise<ReadMeshResult> {
    const buffers = bytes instanceof ArrayBuffer ? new Set([bytes]) : addArrayBuffers([bytes], new Set());
    return this.invoke('readMesh', (r) => r.readMesh(this.sendable('readMesh', bytes, buffers), options));
  }

  /** Engine.writeMesh in the worker. The mesh's arrays are transferred (detached here). */
  writeMesh(mesh: Mesh, options: WriteMeshOptions): Promise<Uint8Array> {
    return this.invoke('writeMesh', (r) => r.writeMesh(this.sendable('writeMesh', mesh, addMeshBuffers(mesh, new Set())), options));
  }

  /** Engine.meshInfo in the worker. The mesh's arrays are transferred (detached here). */
  meshInfo(mesh: Mesh): Promise<MeshInfo> {
    return this.invoke('meshInfo', (r) => r.meshInfo(this.sendable('meshInfo', mesh, addMeshBuffers(mesh, new Set()))));
  }

  /** projectImages in the worker. The mesh's arrays and the images' pixels are transferred. */
  projectImages(mesh: Mesh, images: readonly NirImage[], options?: ProjectImagesOptions): Promise<ProjectImagesResult> {
    const buffers = addMeshBuffers(mesh, new Set());
    if (Array.isArray(images)) addArrayBuffers(images.map((im) => im?.pixels), buffers);
    return this.invoke('projectImages', (r) => r.projectImages(mesh, this.sendable('projectImages', images, buffers), options));
  }

  /** niriOverlayColors in the worker. `baseColors` and `nir` are transferred. */
  niriOverlayColors(baseColors: Uint8Array | ColorAttribute | null, nir: Uint8Array | Float32Array, options?: NiriOverlayColorsOptions): Promise<OverlayColors> {
    const buffers = addArrayBuffers([nir, baseColors instanceof Uint8Array ? baseColors : baseColors?.array], new Set());
    return this.invoke('niriOverlayColors', (r) => r.niriOverlayColors(baseColors, this.sendable('niriOverlayColors', nir, buffers), options));
  }

  /** compareScans in the worker. Both meshes' arrays are transferred (and options.stableMask is copied). */
  compareScans(before: Mesh, after: Mesh, options?: CompareScansOptions): Promise<ScanComparison> {
    const buffers = addMeshBuffers(after, addMeshBuffers(before, new Set()));
    return this.invoke('compareScans', (r) => r.compareScans(before, this.sendable('compareScans', after, buffers), options));
  }

  /** qualityReport in the worker. The mesh's arrays are transferred (detached here). */
  qualityReport(mesh: Mesh, options?: QualityReportOptions): Promise<QualityReport> {
    return this.invoke('qualityReport', (r) => r.qualityReport(this.sendable('qualityReport', mesh, addMeshBuffers(mesh, new Set())), options));
  }

  /** createScanSession in the worker: the session lives there; options are copied. */
  async createScanSession(options: ScanSessionOptions): Promise<RemoteScanSession> {
    const generation = this.#generation;
    const info = await this.invoke('createScanSession', (r) => r.createScanSession(options), generation);
    return new RemoteScanSession(this, info, generation);
  }

  /**
   * createScanSimulator in the worker: the scene and its frames live there (a `scene` mesh is
   * transferred; a `model` is copied). Frames can be pushed into a session without leaving the
   * worker (RemoteScanSession.pushSimulatorFrame).
   */
  async createScanSimulator(options: SimulatorOptions = {}): Promise<RemoteScanSimulator> {
    const generation = this.#generation;
    const buffers = addMeshBuffers(options.scene, new Set());
    const info = await this.invoke('createScanSimulator', (r) => r.createScanSimulator(this.sendable('createScanSimulator', options, buffers)), generation);
    return new RemoteScanSimulator(this, info, generation);
  }

  /** @internal Tests: makes the worker's core trap (ENGINE_FAILED, then a restart). */
  forceTrap(): Promise<void> {
    return this.invoke('forceTrap', (r) => r.forceTrap());
  }

  /**
   * Stops the worker. Pending calls and every later call reject with DISPOSED; sessions and
   * simulators are gone. Idempotent.
   */
  async terminate(): Promise<void> {
    if (this.#terminated) return;
    this.#terminated = true;
    const c = this.#connection;
    this.#connection = null;
    c?.close(new ScanfuseError('DISPOSED', 'WorkerEngine: the worker engine was terminated'));
    await this.#opening?.catch(() => {});
  }
}

/**
 * Compiles the core on this thread (once per URL, shared; see compileCore), starts the engine
 * worker, posts it the compiled module and resolves once its engine is ready. Rejects with
 * ENGINE_FAILED when the core cannot be compiled or the worker cannot start, INVALID_ARGUMENT for
 * bad options.
 */
export async function createWorkerEngine(options: WorkerEngineOptions = {}): Promise<WorkerEngine> {
  const api = 'createWorkerEngine';
  if (options === null || typeof options !== 'object') throw new ScanfuseError('INVALID_ARGUMENT', `${api}: options must be an object`);
  const o = { ...DEFAULT_WORKER_ENGINE_OPTIONS, ...options };
  if (o.worker !== undefined && typeof o.worker !== 'function') {
    throw new ScanfuseError('INVALID_ARGUMENT', `${api}: worker must be a function that returns a new Worker`);
  }
  if (!(Number.isFinite(o.maxMemoryMiB) && o.maxMemoryMiB >= 2 && o.maxMemoryMiB <= 4096)) {
    throw new ScanfuseError('INVALID_ARGUMENT', `${api}: maxMemoryMiB must be between 2 and 4096`, { actual: o.maxMemoryMiB });
  }
  const module = await compileCore(o.wasm ?? defaultWasmUrl(o.debug));
  const engine = new WorkerEngine(o.worker ?? defaultWorker, module, o.maxMemoryMiB, o.transfer !== false);
  try {
    await engine.start();
  } catch (e) {
    await engine.terminate();
    throw isScanfuseError(e) ? e : new ScanfuseError('ENGINE_FAILED', `${api}: the engine worker did not start: ${(e as Error)?.message ?? e}`, {}, { cause: e });
  }
  return engine;
}
