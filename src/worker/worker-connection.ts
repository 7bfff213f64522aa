// One running worker as seen from the calling thread: its comlink proxy, its initialisation (the
// compiled core posted to it) and its death. Every call races the worker's death, so a worker
// that crashes, exits or is terminated rejects its pending calls instead of leaving them hanging.
import { wrap, type Endpoint, type Remote } from 'comlink';
import { ScanfuseError, isScanfuseError } from '../errors.js';
import { installErrorTransfer } from './error-transfer.js';
import type { EngineWorkerApi, WorkerInitOptions } from './worker-protocol.js';

/**
 * A worker the engine can run in: a Web Worker (module type), or a Node worker_threads Worker.
 * Typed structurally so the browser build needs no Node types.
 */
export type WorkerLike = WebWorkerLike | NodeWorkerLike;

export interface WebWorkerLike {
  postMessage(message: unknown, transfer: Transferable[]): void;
  addEventListener(type: string, listener: (event: { data?: unknown; message?: string; error?: unknown }) => void): void;
  removeEventListener(type: string, listener: (event: never) => void): void;
  terminate(): void;
}

export interface NodeWorkerLike {
  postMessage(message: unknown, transfer?: readonly unknown[]): void;
  on(event: string, listener: (...args: never[]) => void): unknown;
  off(event: string, listener: (...args: never[]) => void): unknown;
  terminate(): unknown;
}

const isWebWorker = (w: WorkerLike): w is WebWorkerLike => typeof (w as WebWorkerLike).addEventListener === 'function';

export class WorkerConnection {
  /** Which worker this is for its engine: 0 for the first, +1 per replacement. */
  readonly generation: number;
  readonly #worker: WorkerLike;
  readonly #remote: Remote<EngineWorkerApi>;
  readonly #dead: Promise<never>;
  #kill!: (reason: ScanfuseError) => void;
  #death: ScanfuseError | null = null;
  #ready: Promise<void>;

  private constructor(worker: WorkerLike, endpoint: Endpoint, generation: number, onDeath: (c: WorkerConnection, reason: ScanfuseError) => void) {
    this.generation = generation;
    this.#worker = worker;
    this.#dead = new Promise<never>((_, reject) => {
      this.#kill = (reason) => {
        if (this.#death) return;
        this.#death = reason;
        reject(reason);
        onDeath(this, reason);
      };
    });
    this.#dead.catch(() => {});
    this.#remote = wrap<EngineWorkerApi>(endpoint);
    this.#ready = Promise.resolve();
  }

  /**
   * Starts the connection on `worker` and initialises its engine with `module`. Rejects with
   * ENGINE_FAILED when the worker dies or its engine cannot be created.
   */
  static async open(worker: WorkerLike, module: WebAssembly.Module, init: WorkerInitOptions, generation: number,
    onDeath: (c: WorkerConnection, reason: ScanfuseError) => void): Promise<WorkerConnection> {
    installErrorTransfer();
    let endpoint: Endpoint;
    let connection: WorkerConnection | null = null;
    const died = (message: string, cause?: unknown) => {
      if (connection) connection.#kill(new ScanfuseError('ENGINE_FAILED', `WorkerEngine: ${message}`, { generation }, cause === undefined ? undefined : { cause }));
    };
    if (isWebWorker(worker)) {
      endpoint = worker as unknown as Endpoint;
      worker.addEventListener('error', (event) => died(`the worker failed: ${event.message ?? 'error event'}`, event.error));
      worker.addEventListener('messageerror', () => died('a message from the worker could not be deserialised'));
    } else {
      const adapter = 'comlink/dist/esm/node-adapter.mjs';
      const nodeEndpoint = ((await import(/* @vite-ignore */ adapter)) as { default: (w: NodeWorkerLike) => Endpoint }).default;
      endpoint = nodeEndpoint(worker);
      worker.on('error', ((e: Error) => died(`the worker threw: ${e?.message ?? e}`, e)) as never);
      worker.on('exit', ((code: number) => died(`the worker exited (code ${code})`)) as never);
    }
    connection = new WorkerConnection(worker, endpoint, generation, onDeath);
    connection.#ready = connection.call('createWorkerEngine', (r) => r.init(module, init));
    await connection.#ready;
    return connection;
  }

  /** The reason this worker is gone, or null while it runs. */
  get death(): ScanfuseError | null {
    return this.#death;
  }

  /**
   * Runs one remote call, rejected when the worker dies first. Arguments that cannot be posted
   * (detached arrays, functions) reject with INVALID_ARGUMENT.
   */
  async call<T>(api: string, body: (remote: Remote<EngineWorkerApi>) => Promise<T>): Promise<T> {
    if (this.#death) throw this.#death;
    let pending: Promise<T>;
    try {
      pending = body(this.#remote);
    } catch (e) {
      throw mapPostError(api, e);
    }
    try {
      return await Promise.race([pending.catch((e: unknown) => { throw mapPostError(api, e); }), this.#dead]);
    } catch (e) {
      // A trap leaves the worker's engine poisoned: the worker is of no further use.
      if (isScanfuseError(e, 'ENGINE_FAILED') && !this.#death) this.close(e);
      throw e;
    }
  }

  /** Waits for initialisation (after open it has succeeded). */
  get ready(): Promise<void> {
    return this.#ready;
  }

  /** Terminates the worker; pending calls reject with `reason`. */
  close(reason: ScanfuseError): void {
    this.#kill(reason);
    try {
      const done = this.#worker.terminate() as unknown;
      if (done && typeof (done as Promise<unknown>).catch === 'function') (done as Promise<unknown>).catch(() => {});
    } catch {
      // Already gone.
    }
  }
}

/** Errors of postMessage itself (not thrown by the worker) as ScanfuseErrors. */
function mapPostError(api: string, e: unknown): unknown {
  if (e instanceof ScanfuseError) return e;
  const name = (e as { name?: string })?.name;
  if (name === 'DataCloneError' || (e instanceof Error && /could not be cloned|detached/i.test(e.message))) {
    return new ScanfuseError('INVALID_ARGUMENT', `${api}: the arguments cannot be sent to the worker (${(e as Error).message}); `
      + 'arrays transferred by an earlier call are detached, and functions cannot be sent', {}, { cause: e });
  }
  return e;
}
