// The live scanning pipeline a scanner team embeds: frames in, a pose and a verdict per frame
// out, a growing model. Frame-to-model tracking (projective point-to-plane ICP against the model
// rendered at the predicted pose), loss detection (fitness, residual, conditioning, motion),
// relocalization, TSDF integration of tracked frames only. Expected outcomes are result fields:
// a 600-frame scan needs no try/catch per frame.
import type { CameraIntrinsics } from '../camera/intrinsics.js';
import type { Engine } from '../engine.js';
import { ScanfuseError } from '../errors.js';
import { createTsdfVolume, type DepthFrameInput, type MeshChunkUpdate, type TsdfVolume } from '../fusion/tsdf-volume.js';
import { identity, invertRigid, isRigid, multiply, orthonormalize, rotationAngle, type Transform } from '../math/pose.js';
import type { Mesh } from '../types.js';
import { buildPyramid, projectiveIcp, scaledIntrinsics, type ProjectiveIcpResult } from '../tracking/projective-icp.js';

export type FrameStatus = 'first' | 'tracked' | 'lost' | 'relocalized' | 'rejected';

export interface ScanFrame extends DepthFrameInput {
  /** Capture time, ms. */
  timestampMs: number;
}

export interface FrameResult {
  index: number;
  status: FrameStatus;
  /** The estimated pose (camera -> world, mm); for lost/rejected frames the last good pose. */
  cameraToWorld: Transform;
  /** Inlier fraction of the frame's valid points (0 for first/rejected frames). */
  fitness: number;
  /** RMS point-to-plane residual of the inliers, mm. */
  inlierRmse: number;
  iterations: number;
  /** Smallest scaled eigenvalue of the final ICP system: near 0 means a motion the geometry cannot pin down. */
  conditioning: number;
  /** Why the frame was not tracked (lost, rejected). */
  reason?: string;
  /** Per-stage wall time, ms (measured in TypeScript around the core calls). */
  timings: { prepareMs: number; trackMs: number; integrateMs: number; totalMs: number };
  integrated: boolean;
}

export interface TrackingOptions {
  /** ICP gates per level, coarse to fine, in voxels. Default [30, 12, 6]. */
  maxDistanceVoxels?: number[];
  /** ICP iterations per level, coarse to fine. Default [8, 5, 4]. */
  iterations?: number[];
  /** Minimum cosine between matched normals. Default 0.7. */
  minNormalCos?: number;
  /** Huber threshold, voxels. Default 1. */
  huberVoxels?: number;
  /** Verdict: minimum fitness. Default 0.35. */
  minFitness?: number;
  /** Verdict: maximum inlier RMSE, voxels. Default 1.5. */
  maxRmseVoxels?: number;
  /** Verdict: minimum conditioning (smallest scaled eigenvalue). Default 0.002. */
  minConditioning?: number;
  /** Verdict: maximum motion between consecutive frames, mm and degrees. Defaults 150 voxels, 20. */
  maxStepVoxels?: number;
  maxStepDegrees?: number;
  /** Predict with constant velocity. Default true. */
  motionPrior?: boolean;
}

export interface ScanSessionOptions {
  intrinsics: CameraIntrinsics;
  /** Raw units per mm of Uint16 depth. Default 1. */
  depthScale?: number;
  /** Depth range used, mm. Defaults 2..20 (intraoral). */
  minDepth?: number;
  maxDepth?: number;
  /** TSDF voxel size, mm. Default 0.05. */
  voxelSize?: number;
  truncationVoxels?: number;
  maxMemoryMiB?: number;
  colour?: boolean;
  nir?: boolean;
  /** The first frame's pose. Default identity. */
  initialPose?: Transform;
  tracking?: TrackingOptions;
}

export const DEFAULT_TRACKING_OPTIONS: Readonly<Required<TrackingOptions>> = Object.freeze({
  maxDistanceVoxels: [30, 12, 6], iterations: [8, 5, 4], minNormalCos: 0.7, huberVoxels: 1, minFitness: 0.35,
  maxRmseVoxels: 1.5, minConditioning: 0.002, maxStepVoxels: 150, maxStepDegrees: 20, motionPrior: true,
});

export const DEFAULT_SESSION_OPTIONS = Object.freeze({ depthScale: 1, minDepth: 2, maxDepth: 20, voxelSize: 0.05, truncationVoxels: 4, maxMemoryMiB: 512, colour: false, nir: false });

export class ScanSession {
  readonly intrinsics: CameraIntrinsics;
  readonly options: Readonly<Required<Omit<ScanSessionOptions, 'initialPose' | 'tracking'>>> & { tracking: Readonly<Required<TrackingOptions>> };
  readonly volume: TsdfVolume;
  readonly #engine: Engine;
  readonly #poses: Transform[] = [];
  readonly #statuses: FrameStatus[] = [];
  readonly #timestamps: number[] = [];
  #lastGood: Transform | null = null;
  #previousGood: Transform | null = null;
  #initial: Transform;
  #lost = false;
  #disposed = false;

  constructor(engine: Engine, options: ScanSessionOptions) {
    const api = 'createScanSession';
    if (!options || !options.intrinsics) throw new ScanfuseError('INVALID_ARGUMENT', `${api}: options.intrinsics is required`);
    const tracking = { ...DEFAULT_TRACKING_OPTIONS, ...options.tracking };
    const o = { ...DEFAULT_SESSION_OPTIONS, ...options, tracking };
    this.options = Object.freeze({
      intrinsics: o.intrinsics, depthScale: o.depthScale, minDepth: o.minDepth, maxDepth: o.maxDepth, voxelSize: o.voxelSize,
      truncationVoxels: o.truncationVoxels, maxMemoryMiB: o.maxMemoryMiB, colour: o.colour, nir: o.nir, tracking: Object.freeze(tracking),
    });
    this.intrinsics = o.intrinsics;
    this.#engine = engine;
    this.#initial = options.initialPose ? orthonormalize(Float64Array.from(options.initialPose)) : identity();
    if (!isRigid(this.#initial, 1e-6)) throw new ScanfuseError('INVALID_ARGUMENT', `${api}: initialPose must be rigid`);
    this.volume = createTsdfVolume(engine, {
      voxelSize: o.voxelSize, truncationVoxels: o.truncationVoxels, maxMemoryMiB: o.maxMemoryMiB, colour: o.colour, nir: o.nir,
    });
  }

  /** Frames pushed so far. */
  get frameCount(): number {
    return this.#poses.length;
  }

  /**
   * Tracks and (when tracked) integrates a frame. Never throws for bad data: invalid frames come
   * back `rejected`, frames that cannot be tracked `lost`; neither changes the model.
   */
  pushFrame(frame: ScanFrame): FrameResult {
    const api = 'ScanSession.pushFrame';
    if (this.#disposed) throw new ScanfuseError('DISPOSED', `${api}: the session was disposed`);
    const t0 = performance.now();
    const index = this.#poses.length;
    const o = this.options, tr = o.tracking;
    const voxel = o.voxelSize;
    const finish = (r: Omit<FrameResult, 'index' | 'timings'> & { timings?: Partial<FrameResult['timings']> }): FrameResult => {
      const result: FrameResult = {
        ...r, index,
        timings: { prepareMs: 0, trackMs: 0, integrateMs: 0, ...r.timings, totalMs: performance.now() - t0 },
      };
      this.#poses.push(Float64Array.from(result.cameraToWorld));
      this.#statuses.push(result.status);
      this.#timestamps.push(typeof frame?.timestampMs === 'number' ? frame.timestampMs : NaN);
      return result;
    };
    const fallbackPose = this.#lastGood ?? this.#initial;
    const problem = this.#validate(frame);
    if (problem) return finish({ status: 'rejected', reason: problem, cameraToWorld: fallbackPose, fitness: 0, inlierRmse: 0, iterations: 0, conditioning: 0, integrated: false });
    const integrateOptions = { minDepth: o.minDepth, maxDepth: o.maxDepth };
    const input: DepthFrameInput = { depth: frame.depth, depthScale: o.depthScale, colour: frame.colour, nir: frame.nir };
    if (!this.#lastGood) {
      const t = performance.now();
      const r = this.volume.integrate(input, this.intrinsics, this.#initial, integrateOptions);
      if (r.status !== 'integrated') {
        return finish({ status: 'rejected', reason: r.reason, cameraToWorld: this.#initial, fitness: 0, inlierRmse: 0, iterations: 0, conditioning: 0, integrated: false });
      }
      this.#lastGood = this.#initial;
      return finish({ status: 'first', cameraToWorld: this.#initial, fitness: 1, inlierRmse: 0, iterations: 0, conditioning: 0, integrated: true, timings: { integrateMs: performance.now() - t } });
    }
    // Predict: the last good pose, moved like the last step (constant velocity) unless lost.
    let predicted = this.#lastGood;
    if (tr.motionPrior && this.#previousGood && !this.#lost) {
      predicted = orthonormalize(multiply(this.#lastGood, multiply(invertRigid(this.#previousGood), this.#lastGood)));
    }
    const tPrepare = performance.now();
    const tracked = this.#track(frame, predicted);
    const tTrack = performance.now();
    const pose = orthonormalize(multiply(predicted, tracked.sourceToTarget));
    const step = multiply(invertRigid(this.#lastGood), pose);
    const stepMm = Math.hypot(step[12], step[13], step[14]);
    const stepDeg = (rotationAngle(step) * 180) / Math.PI;
    let reason: string | undefined;
    if (!tracked.solved) reason = 'too few correspondences with the model';
    else if (tracked.fitness < tr.minFitness) reason = `fitness ${tracked.fitness.toFixed(3)} below ${tr.minFitness}`;
    else if (tracked.inlierRmse > tr.maxRmseVoxels * voxel) reason = `inlier RMSE ${(tracked.inlierRmse * 1000).toFixed(1)} µm above ${(tr.maxRmseVoxels * voxel * 1000).toFixed(1)} µm`;
    else if (tracked.conditioning < tr.minConditioning) reason = `degenerate geometry (conditioning ${tracked.conditioning.toExponential(2)})`;
    else if (stepMm > tr.maxStepVoxels * voxel || stepDeg > tr.maxStepDegrees) reason = `implausible motion (${stepMm.toFixed(2)} mm, ${stepDeg.toFixed(1)} deg)`;
    const timings = { prepareMs: tTrack - tPrepare, trackMs: tTrack - tPrepare, integrateMs: 0 };
    if (reason) {
      this.#lost = true;
      return finish({ status: 'lost', reason, cameraToWorld: this.#lastGood, fitness: tracked.fitness, inlierRmse: tracked.inlierRmse, iterations: tracked.iterations, conditioning: tracked.conditioning, integrated: false, timings });
    }
    const tI = performance.now();
    const r = this.volume.integrate(input, this.intrinsics, pose, integrateOptions);
    timings.integrateMs = performance.now() - tI;
    const wasLost = this.#lost;
    this.#lost = false;
    this.#previousGood = wasLost ? null : this.#lastGood;
    this.#lastGood = pose;
    return finish({
      status: wasLost ? 'relocalized' : 'tracked', cameraToWorld: pose, fitness: tracked.fitness, inlierRmse: tracked.inlierRmse,
      iterations: tracked.iterations, conditioning: tracked.conditioning, integrated: r.status === 'integrated', timings,
    });
  }

  /** ICP of the frame against the model rendered at `predicted`. */
  #track(frame: ScanFrame, predicted: Transform): ProjectiveIcpResult {
    const o = this.options, tr = o.tracking, voxel = o.voxelSize;
    const k = this.intrinsics;
    return this.#engine.wasm.scope('ScanSession.pushFrame', (s) => {
      const pixels = k.width * k.height;
      const raw = s.input(frame.depth);
      const depthMm = s.alloc(4 * pixels);
      const u16 = frame.depth instanceof Uint16Array;
      s.call('depth_to_mm', raw, u16 ? 1 : 2, u16 ? 1 / o.depthScale : 1, pixels, o.minDepth, o.maxDepth, depthMm);
      const jump = 8 * voxel;
      const source = buildPyramid(s, depthMm, k, 3, jump);
      // The model at half resolution (the finest source level is matched every 2nd pixel).
      const half = scaledIntrinsics(k, 1);
      const modelDepth = this.volume.raycastDepthInScope(s, half, predicted, o.minDepth, o.maxDepth);
      const target = buildPyramid(s, modelDepth, half, 3, jump);
      const levels = tr.maxDistanceVoxels.map((d, i) => ({ maxDistance: d * voxel, iterations: tr.iterations[i] ?? 3 }));
      return projectiveIcp(s, source, target, { levels, minNormalCos: tr.minNormalCos, huber: tr.huberVoxels * voxel, epsilon: 1e-7, jump });
    });
  }

  #validate(frame: ScanFrame): string | null {
    if (!frame || typeof frame !== 'object') return 'the frame is not an object';
    const { depth } = frame;
    if (!(depth instanceof Uint16Array) && !(depth instanceof Float32Array)) return 'depth must be a Uint16Array or Float32Array';
    const pixels = this.intrinsics.width * this.intrinsics.height;
    if (depth.length !== pixels) return `depth has ${depth.length} pixels, expected ${pixels}`;
    if (frame.colour !== undefined && (!(frame.colour instanceof Uint8Array) || frame.colour.length !== 3 * pixels)) return 'colour must be RGB bytes of the image size';
    if (frame.nir !== undefined && (!(frame.nir instanceof Uint8Array) || frame.nir.length !== pixels)) return 'nir must be one byte per pixel';
    if (!Number.isFinite(frame.timestampMs)) return 'timestampMs must be a finite number';
    return null;
  }

  /** The model so far as one mesh. */
  mesh(): Mesh {
    return this.volume.extractMesh();
  }

  /** Chunks changed since the last call (see TsdfVolume.meshUpdates). */
  meshUpdates(): MeshChunkUpdate[] {
    return this.volume.meshUpdates();
  }

  /** Every frame's pose (the last good pose for lost/rejected frames), status and timestamp. */
  trajectory(): { cameraToWorld: Transform[]; status: FrameStatus[]; timestampMs: number[] } {
    return { cameraToWorld: this.#poses.map((p) => Float64Array.from(p)), status: [...this.#statuses], timestampMs: [...this.#timestamps] };
  }

  dispose(): void {
    this.#disposed = true;
    this.volume.dispose();
  }
}

export function createScanSession(engine: Engine, options: ScanSessionOptions): ScanSession {
  return new ScanSession(engine, options);
}
