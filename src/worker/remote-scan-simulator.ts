// A ScanSimulator living in the engine worker: the scene stays there, frames are rendered there
// and either transferred here (frame) or pushed straight into a session in the same worker
// (RemoteScanSession.pushSimulatorFrame).
import type { CameraIntrinsics } from '../camera/intrinsics.js';
import { ScanfuseError } from '../errors.js';
import type { SimulatedFrame } from '../sim/simulator.js';
import type { ScanTrajectory } from '../sim/trajectory.js';
import type { NoiseOptions, WandOptions } from '../sim/wand-options.js';
import type { Mesh } from '../types.js';
import type { WorkerEngine } from './worker-engine.js';
import type { SimulatorInfo } from './worker-protocol.js';

/**
 * The scan simulator in the worker (see ScanSimulator). Its description (intrinsics, trajectory,
 * wand, noise) is a copy held here; frames and the reference mesh are fetched on demand as new
 * arrays owned by the caller. After dispose(): DISPOSED; after the worker failed: ENGINE_FAILED.
 */
export class RemoteScanSimulator {
  /** @internal Worker-side handle. */
  readonly id: number;
  /** The worker it lives in (see WorkerEngine.generation). */
  readonly generation: number;
  readonly frameCount: number;
  /** The wand camera (pixels; x right, y down, +z forward). */
  readonly intrinsics: CameraIntrinsics;
  /** Raw depth units per mm of the frames' Uint16 depth. */
  readonly depthScale: number;
  /** Ground-truth camera-to-world poses (mm, column-major), timestamps (ms), segments. */
  readonly trajectory: ScanTrajectory;
  readonly wand: Readonly<Required<WandOptions>>;
  readonly noise: Readonly<Required<NoiseOptions>>;
  readonly seed: number;
  readonly referenceVertices: number;
  readonly referenceTriangles: number;
  readonly #engine: WorkerEngine;
  #disposed = false;

  /** @internal Use WorkerEngine.createScanSimulator(). */
  constructor(engine: WorkerEngine, info: SimulatorInfo, generation: number) {
    this.#engine = engine;
    this.id = info.id;
    this.generation = generation;
    this.frameCount = info.frameCount;
    this.intrinsics = info.intrinsics;
    this.depthScale = info.depthScale;
    this.trajectory = info.trajectory;
    this.wand = info.wand;
    this.noise = info.noise;
    this.seed = info.seed;
    this.referenceVertices = info.referenceVertices;
    this.referenceTriangles = info.referenceTriangles;
  }

  #call<T>(api: string, body: Parameters<WorkerEngine['invoke']>[1]): Promise<T> {
    if (this.#disposed) return Promise.reject(new ScanfuseError('DISPOSED', `${api}: the simulator was disposed`));
    return this.#engine.invoke(api, body, this.generation) as Promise<T>;
  }

  /** ScanSimulator.frame: frame `index` (deterministic for the seed), transferred here. */
  frame(index: number, options?: { trueDepth?: boolean }): Promise<SimulatedFrame> {
    return this.#call('ScanSimulator.frame', (r) => r.simulatorFrame(this.id, index, options));
  }

  /** The reference (ground-truth) mesh of the scene, a copy. */
  reference(): Promise<Mesh> {
    return this.#call('ScanSimulator.reference', (r) => r.simulatorReference(this.id));
  }

  /** Frees the scene in the worker. Idempotent; never rejects. */
  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    await this.#engine.invoke('ScanSimulator.dispose', (r) => r.simulatorDispose(this.id), this.generation).catch(() => {});
  }
}
