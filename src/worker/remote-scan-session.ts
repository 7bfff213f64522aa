// A ScanSession living in the engine worker, driven from the calling thread. Same methods as the
// in-process session, returning Promises; frames are transferred to the worker.
import type { CameraIntrinsics } from '../camera/intrinsics.js';
import { ScanfuseError } from '../errors.js';
import type { ExtractOptions, MeshChunkUpdate } from '../fusion/tsdf-volume.js';
import type { CoverageOptions, FrameResult, ScanFrame, SessionCoverage } from '../session/scan-session.js';
import type { Mesh } from '../types.js';
import type { RemoteScanSimulator } from './remote-scan-simulator.js';
import { addArrayBuffers } from './transferables.js';
import type { WorkerEngine } from './worker-engine.js';
import type { SessionInfo, SessionTrajectory } from './worker-protocol.js';

/**
 * A live scanning session in the worker (see ScanSession for the pipeline and the meaning of each
 * result). Calls are queued in order in the worker, so frames can be pushed without awaiting each
 * result. Contract:
 * - pushFrame transfers the frame's depth, colour and nir buffers (detached here, also any other
 *   view on them) unless the engine was created with `transfer: false`; like in-process it never
 *   throws for bad frame data (the result is 'rejected').
 * - Meshes and coverage come back as new arrays owned by the caller.
 * - After dispose(): DISPOSED. After the worker failed (a trap in any call): ENGINE_FAILED, the
 *   session's model is lost (create a new session).
 */
export class RemoteScanSession {
  /** The camera of the frames (pixels). */
  readonly intrinsics: CameraIntrinsics;
  /** The worker the session lives in (see WorkerEngine.generation). */
  readonly generation: number;
  readonly #engine: WorkerEngine;
  readonly #id: number;
  #disposed = false;
  #frames = 0;

  /** @internal Use WorkerEngine.createScanSession(). */
  constructor(engine: WorkerEngine, info: SessionInfo, generation: number) {
    this.#engine = engine;
    this.#id = info.id;
    this.intrinsics = info.intrinsics;
    this.generation = generation;
  }

  /** Frames pushed from this side so far (including those still in flight). */
  get frameCount(): number {
    return this.#frames;
  }

  #call<T>(api: string, body: Parameters<WorkerEngine['invoke']>[1]): Promise<T> {
    if (this.#disposed) return Promise.reject(new ScanfuseError('DISPOSED', `${api}: the session was disposed`));
    return this.#engine.invoke(api, body, this.generation) as Promise<T>;
  }

  /** ScanSession.pushFrame in the worker. The frame's image buffers are transferred. */
  pushFrame(frame: ScanFrame): Promise<FrameResult> {
    const buffers = frame && typeof frame === 'object' ? addArrayBuffers([frame.depth, frame.colour, frame.nir], new Set()) : new Set<ArrayBuffer>();
    this.#frames++;
    return this.#call('ScanSession.pushFrame', (r) => r.sessionPushFrame(this.#id, this.#engine.sendable('ScanSession.pushFrame', frame, buffers)));
  }

  /**
   * Renders frame `index` of `simulator` (which must live in the same worker) and pushes it, all
   * in the worker: nothing but the result crosses the boundary. Colour and NIR go in when the
   * session was created with `colour` / `nir`.
   */
  pushSimulatorFrame(simulator: RemoteScanSimulator, index: number): Promise<FrameResult> {
    if (simulator.generation !== this.generation) {
      return Promise.reject(new ScanfuseError('INVALID_ARGUMENT', 'ScanSession.pushSimulatorFrame: the simulator lives in another worker'));
    }
    this.#frames++;
    return this.#call('ScanSession.pushSimulatorFrame', (r) => r.sessionPushSimulatorFrame(this.#id, simulator.id, index));
  }

  /** ScanSession.mesh: the model so far as one mesh (new arrays). */
  mesh(): Promise<Mesh> {
    return this.#call('ScanSession.mesh', (r) => r.sessionMesh(this.#id));
  }

  /**
   * ScanSession.meshUpdates: the chunks changed since the last call (replace the chunk with this
   * key by its mesh; null = remove). `options` as TsdfVolume.meshUpdates (minWeight).
   */
  meshUpdates(options?: ExtractOptions): Promise<MeshChunkUpdate[]> {
    return this.#call('ScanSession.meshUpdates', (r) => r.sessionMeshUpdates(this.#id, options));
  }

  /** ScanSession.coverage: the model with grey low-coverage colours, masks and areas (mm^2). */
  coverage(options?: CoverageOptions): Promise<SessionCoverage> {
    return this.#call('ScanSession.coverage', (r) => r.sessionCoverage(this.#id, options));
  }

  /** ScanSession.trajectory: every frame's pose (camera -> world, mm), status and timestamp. */
  trajectory(): Promise<SessionTrajectory> {
    return this.#call('ScanSession.trajectory', (r) => r.sessionTrajectory(this.#id));
  }

  /**
   * Frees the session's volume in the worker. Idempotent; later calls reject with DISPOSED. Never
   * rejects (a worker that is gone has freed it already).
   */
  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    await this.#engine.invoke('ScanSession.dispose', (r) => r.sessionDispose(this.#id), this.generation).catch(() => {});
  }
}
