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
import { globalRegistration, type GlobalRegistrationResult } from '../registration/global-registration.js';
import { createRegistrationTarget } from '../registration/create-registration-target.js';
import type { RegistrationTarget } from '../registration/registration-target.js';
import type { PointCloud } from '../registration/point-cloud.js';

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
  /** Present when a global relocalization was attempted for this frame. */
  relocalization?: RelocalizationAttempt;
  /** Per-stage wall time, ms (measured in TypeScript around the core calls). */
  timings: { trackMs: number; relocalizeMs: number; integrateMs: number; totalMs: number };
  integrated: boolean;
}

/** What a global relocalization attempt found (see RelocalizationOptions for the checks). */
export interface RelocalizationAttempt {
  /** The candidate pose from feature matching (camera -> world), or null when none was found. */
  candidate: Transform | null;
  globalFitness: number;
  runnerUpFitness: number;
  /** The frame-to-model ICP from the candidate (0 when it did not run). */
  refinedFitness: number;
  refinedRmse: number;
  /** How far the ICP moved the candidate, mm and degrees. */
  correctionMm: number;
  correctionDegrees: number;
  /** The candidate passed every check (it may still await confirmation by the next frame). */
  passed: boolean;
  /** Why it was not accepted. */
  reason?: string;
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
  /**
   * After this many consecutive lost frames, frame-to-model ICP from the last good pose is no
   * longer trusted to recover (similar surfaces nearby can capture it): only a global
   * relocalization can. Within it, a local recovery must pass the relocalization thresholds.
   * Default 2.
   */
  maxLocalRecoveryFrames?: number;
}

/**
 * Relocalization after tracking is lost: the frame is registered globally (FPFH features and
 * RANSAC) against the model's surface, then refined and checked by the same frame-to-model ICP
 * with stricter thresholds. Only a pose that passes every check is integrated.
 */
export interface RelocalizationOptions {
  /** Try at all. Default true. */
  enabled?: boolean;
  /** Feature voxel (downsampling of the frame and the model), mm. Default 0.5. */
  featureVoxel?: number;
  /** Skip frames with fewer valid depth pixels than this fraction. Default 0.2. */
  minValidFraction?: number;
  /** Global candidate: minimum fitness, and the runner-up's fitness at most this fraction of it. Defaults 0.5, 0.85. */
  minGlobalFitness?: number;
  maxRunnerUpRatio?: number;
  /** ICP check: minimum fitness (frame-to-model inlier fraction). Default 0.7. */
  minFitness?: number;
  /**
   * ICP check: maximum inlier RMSE, voxels. Default 0.5: a frame on the right surface fits it at
   * the sensor noise (12 µm on the simulated sweep with 15 µm noise at 0.05 mm voxels), a similar
   * surface elsewhere (the other side of the arch) several times worse.
   */
  maxRmseVoxels?: number;
  /** ICP check: the refinement may move the global candidate at most this far, mm and degrees. Defaults 0.5, 3. */
  maxCorrectionMm?: number;
  maxCorrectionDegrees?: number;
  /** RANSAC seed (same frames, same result). Default 0. */
  seed?: number;
  /** Consecutive frames whose candidates must agree (a plausible step apart) before one is accepted. Default 2. */
  confirmFrames?: number;
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
  relocalization?: RelocalizationOptions;
}

export const DEFAULT_TRACKING_OPTIONS: Readonly<Required<TrackingOptions>> = Object.freeze({
  maxDistanceVoxels: [30, 12, 6], iterations: [8, 5, 4], minNormalCos: 0.7, huberVoxels: 1, minFitness: 0.35,
  maxRmseVoxels: 1.5, minConditioning: 0.002, maxStepVoxels: 150, maxStepDegrees: 20, motionPrior: true, maxLocalRecoveryFrames: 2,
});

export const DEFAULT_RELOCALIZATION_OPTIONS: Readonly<Required<RelocalizationOptions>> = Object.freeze({
  enabled: true, featureVoxel: 0.5, minValidFraction: 0.2, minGlobalFitness: 0.5, maxRunnerUpRatio: 0.85, minFitness: 0.7,
  maxRmseVoxels: 0.5, maxCorrectionMm: 0.5, maxCorrectionDegrees: 3, seed: 0, confirmFrames: 2,
});

export const DEFAULT_SESSION_OPTIONS = Object.freeze({ depthScale: 1, minDepth: 2, maxDepth: 20, voxelSize: 0.05, truncationVoxels: 4, maxMemoryMiB: 512, colour: false, nir: false });

export interface CoverageOptions {
  /** A vertex is thinly covered below this accumulated weight (head-on observations). Default 3. */
  minConfidence?: number;
}

export const DEFAULT_COVERAGE_OPTIONS = Object.freeze({ minConfidence: 3 });

/** Light grey (thin coverage) and tooth white (covered), RGB u8. */
export const LOW_COVERAGE_RGB: readonly number[] = Object.freeze([150, 150, 150]);
export const COVERED_RGB: readonly number[] = Object.freeze([236, 228, 212]);

export interface SessionCoverage {
  /** The model, with `colors` (grey where thin) and vertex attributes `confidence` and `lowCoverage` (u8 0/1). */
  mesh: Mesh;
  /** 1 per vertex below minConfidence (the mesh's `lowCoverage` attribute). */
  lowCoverage: Uint8Array;
  lowVertexCount: number;
  /** Area of the triangles with all three vertices covered, and of the others, mm^2. */
  coveredAreaMm2: number;
  lowAreaMm2: number;
  minConfidence: number;
}

export class ScanSession {
  readonly intrinsics: CameraIntrinsics;
  readonly options: Readonly<Required<Omit<ScanSessionOptions, 'initialPose' | 'tracking' | 'relocalization'>>> & {
    tracking: Readonly<Required<TrackingOptions>>;
    relocalization: Readonly<Required<RelocalizationOptions>>;
  };
  readonly volume: TsdfVolume;
  readonly #engine: Engine;
  readonly #poses: Transform[] = [];
  readonly #statuses: FrameStatus[] = [];
  readonly #timestamps: number[] = [];
  #lastGood: Transform | null = null;
  #previousGood: Transform | null = null;
  #initial: Transform;
  #lost = false;
  /** Consecutive lost frames. */
  #lostFrames = 0;
  #disposed = false;
  /** The model's features for relocalization, built on the first global attempt after a loss. */
  #relocTarget: RegistrationTarget | null = null;
  /** Frames integrated when #relocTarget was built (a model that grew needs a new one). */
  #relocTargetAt = -1;
  /** The last frame's relocalization candidate that passed (awaiting confirmation). */
  #pendingCandidate: { pose: Transform; index: number } | null = null;
  #integrated = 0;

  constructor(engine: Engine, options: ScanSessionOptions) {
    const api = 'createScanSession';
    if (!options || !options.intrinsics) throw new ScanfuseError('INVALID_ARGUMENT', `${api}: options.intrinsics is required`);
    const tracking = { ...DEFAULT_TRACKING_OPTIONS, ...options.tracking };
    const relocalization = { ...DEFAULT_RELOCALIZATION_OPTIONS, ...options.relocalization };
    const o = { ...DEFAULT_SESSION_OPTIONS, ...options, tracking };
    this.options = Object.freeze({
      intrinsics: o.intrinsics, depthScale: o.depthScale, minDepth: o.minDepth, maxDepth: o.maxDepth, voxelSize: o.voxelSize,
      truncationVoxels: o.truncationVoxels, maxMemoryMiB: o.maxMemoryMiB, colour: o.colour, nir: o.nir, tracking: Object.freeze(tracking),
      relocalization: Object.freeze(relocalization),
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
        timings: { trackMs: 0, relocalizeMs: 0, integrateMs: 0, ...r.timings, totalMs: performance.now() - t0 },
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
      this.#integrated++;
      return finish({ status: 'first', cameraToWorld: this.#initial, fitness: 1, inlierRmse: 0, iterations: 0, conditioning: 0, integrated: true, timings: { integrateMs: performance.now() - t } });
    }
    // Predict: the last good pose, moved like the last step (constant velocity) unless lost.
    let predicted = this.#lastGood;
    if (tr.motionPrior && this.#previousGood && !this.#lost) {
      predicted = orthonormalize(multiply(this.#lastGood, multiply(invertRigid(this.#previousGood), this.#lastGood)));
    }
    const tTrack0 = performance.now();
    const tracked = this.#track(frame, predicted);
    const pose = orthonormalize(multiply(predicted, tracked.sourceToTarget));
    const ro = o.relocalization;
    let reason = !this.#lost ? this.#verdict(tracked, pose, tr.minFitness, tr.maxRmseVoxels, true)
      : this.#lostFrames > tr.maxLocalRecoveryFrames ? `lost for ${this.#lostFrames} frames: waiting for a global relocalization`
        : this.#verdict(tracked, pose, Math.max(ro.minFitness, tr.minFitness), Math.min(ro.maxRmseVoxels, tr.maxRmseVoxels), true);
    const timings = { trackMs: performance.now() - tTrack0, integrateMs: 0, relocalizeMs: 0 };
    let accepted: { pose: Transform; tracked: ProjectiveIcpResult; global: boolean } | null = reason ? null : { pose, tracked, global: false };
    let relocalization: RelocalizationAttempt | undefined;
    if (!accepted && o.relocalization.enabled) {
      const tR = performance.now();
      const found = this.#relocalize(frame);
      timings.relocalizeMs = performance.now() - tR;
      relocalization = found.attempt;
      if (found.pose && found.tracked) {
        // A candidate counts once the previous frame's candidate agrees with it (a plausible step
        // between the two): similar surfaces can fool one frame, rarely two in a row the same way.
        const pending = this.#pendingCandidate;
        this.#pendingCandidate = { pose: found.pose, index };
        if (ro.confirmFrames <= 1 || (pending && pending.index === index - 1 && this.#plausibleStep(pending.pose, found.pose))) {
          accepted = { pose: found.pose, tracked: found.tracked, global: true };
        } else {
          reason = `${reason}; relocalization: candidate awaits confirmation by the next frame`;
        }
      } else {
        this.#pendingCandidate = null;
        reason = `${reason}; relocalization: ${found.attempt.reason}`;
      }
    }
    if (!accepted) {
      this.#lost = true;
      this.#lostFrames++;
      return finish({
        status: 'lost', reason, cameraToWorld: this.#lastGood, fitness: tracked.fitness, inlierRmse: tracked.inlierRmse, iterations: tracked.iterations,
        conditioning: tracked.conditioning, integrated: false, timings, ...(relocalization ? { relocalization } : {}),
      });
    }
    this.#pendingCandidate = null;
    const tI = performance.now();
    const r = this.volume.integrate(input, this.intrinsics, accepted.pose, integrateOptions);
    timings.integrateMs = performance.now() - tI;
    if (r.status === 'integrated') this.#integrated++;
    const wasLost = this.#lost || accepted.global;
    this.#lost = false;
    this.#lostFrames = 0;
    this.#previousGood = wasLost ? null : this.#lastGood;
    this.#lastGood = accepted.pose;
    const t = accepted.tracked;
    return finish({
      status: wasLost ? 'relocalized' : 'tracked', cameraToWorld: accepted.pose, fitness: t.fitness, inlierRmse: t.inlierRmse,
      iterations: t.iterations, conditioning: t.conditioning, integrated: r.status === 'integrated', timings, ...(relocalization ? { relocalization } : {}),
    });
  }

  /** A step between two poses within the tracking's motion limits. */
  #plausibleStep(from: Transform, to: Transform): boolean {
    const tr = this.options.tracking;
    const step = multiply(invertRigid(from), to);
    return Math.hypot(step[12], step[13], step[14]) <= tr.maxStepVoxels * this.options.voxelSize && (rotationAngle(step) * 180) / Math.PI <= tr.maxStepDegrees;
  }

  /** Why a tracked pose cannot be trusted, or undefined when it passes every check. */
  #verdict(tracked: ProjectiveIcpResult, pose: Transform, minFitness: number, maxRmseVoxels: number, checkStep: boolean): string | undefined {
    const tr = this.options.tracking, voxel = this.options.voxelSize;
    if (!tracked.solved) return 'too few correspondences with the model';
    if (tracked.fitness < minFitness) return `fitness ${tracked.fitness.toFixed(3)} below ${minFitness}`;
    if (tracked.inlierRmse > maxRmseVoxels * voxel) return `inlier RMSE ${(tracked.inlierRmse * 1000).toFixed(1)} µm above ${(maxRmseVoxels * voxel * 1000).toFixed(1)} µm`;
    if (tracked.conditioning < tr.minConditioning) return `degenerate geometry (conditioning ${tracked.conditioning.toExponential(2)})`;
    if (checkStep) {
      const step = multiply(invertRigid(this.#lastGood!), pose);
      const stepMm = Math.hypot(step[12], step[13], step[14]);
      const stepDeg = (rotationAngle(step) * 180) / Math.PI;
      if (stepMm > tr.maxStepVoxels * voxel || stepDeg > tr.maxStepDegrees) return `implausible motion (${stepMm.toFixed(2)} mm, ${stepDeg.toFixed(1)} deg)`;
    }
    return undefined;
  }

  /**
   * Global relocalization of a frame against the model: FPFH + RANSAC on the frame's points
   * (camera coordinates) against the model surface's, then frame-to-model ICP from the candidate
   * with the relocalization thresholds, and a bound on how far the ICP moved the candidate.
   * Returns the attempt (passed or not) and, when it passed, the pose and the ICP result.
   */
  #relocalize(frame: ScanFrame): { attempt: RelocalizationAttempt; pose?: Transform; tracked?: ProjectiveIcpResult } {
    const o = this.options, ro = o.relocalization;
    const attempt: RelocalizationAttempt = {
      candidate: null, globalFitness: 0, runnerUpFitness: 0, refinedFitness: 0, refinedRmse: 0, correctionMm: 0, correctionDegrees: 0, passed: false,
    };
    const fail = (reason: string) => ({ attempt: { ...attempt, reason } });
    const cloud = this.#framePoints(frame);
    const pixels = this.intrinsics.width * this.intrinsics.height;
    // The cloud is taken at half resolution: a quarter of the pixels at most.
    if (cloud.positions.length / 3 < ro.minValidFraction * pixels / 4) return fail('too few valid depth pixels');
    const target = this.#relocalizationTarget();
    if (!target) return fail('the model has no surface yet');
    let global: GlobalRegistrationResult;
    try {
      global = globalRegistration(this.#engine, cloud, target, { seed: ro.seed });
    } catch (e) {
      if (e instanceof ScanfuseError && e.code === 'INVALID_ARGUMENT') return fail(`global registration refused the frame (${e.message})`);
      throw e;
    }
    if (!global.found) return fail('no consistent feature matches');
    const candidate = orthonormalize(Float64Array.from(global.sourceToTarget));
    attempt.candidate = candidate;
    attempt.globalFitness = global.fitness;
    attempt.runnerUpFitness = global.runnerUpFitness;
    const tracked = this.#track(frame, candidate);
    const pose = orthonormalize(multiply(candidate, tracked.sourceToTarget));
    const correction = tracked.sourceToTarget;
    attempt.refinedFitness = tracked.fitness;
    attempt.refinedRmse = tracked.inlierRmse;
    attempt.correctionMm = Math.hypot(correction[12], correction[13], correction[14]);
    attempt.correctionDegrees = (rotationAngle(correction) * 180) / Math.PI;
    if (global.fitness < ro.minGlobalFitness) return fail(`global fitness ${global.fitness.toFixed(3)} below ${ro.minGlobalFitness}`);
    if (global.runnerUpFitness > ro.maxRunnerUpRatio * global.fitness) {
      return fail(`ambiguous: a different pose scores ${global.runnerUpFitness.toFixed(3)} against ${global.fitness.toFixed(3)}`);
    }
    const reason = this.#verdict(tracked, pose, Math.max(ro.minFitness, o.tracking.minFitness), Math.min(ro.maxRmseVoxels, o.tracking.maxRmseVoxels), false);
    if (reason) return fail(`refinement: ${reason}`);
    if (attempt.correctionMm > ro.maxCorrectionMm || attempt.correctionDegrees > ro.maxCorrectionDegrees) {
      return fail(`refinement moved the candidate ${attempt.correctionMm.toFixed(2)} mm, ${attempt.correctionDegrees.toFixed(1)} deg`);
    }
    return { attempt: { ...attempt, passed: true }, pose, tracked };
  }

  /** The model surface's features, built from the current mesh (again only after the model grew). */
  #relocalizationTarget(): RegistrationTarget | null {
    if (this.#relocTarget && this.#relocTargetAt === this.#integrated) return this.#relocTarget;
    this.#relocTarget?.dispose();
    this.#relocTarget = null;
    const mesh = this.volume.extractMesh();
    if (mesh.positions.length < 3 * 100 || !mesh.normals) return null;
    this.#relocTarget = createRegistrationTarget(this.#engine, { positions: mesh.positions, normals: mesh.normals },
      { voxelSize: this.options.relocalization.featureVoxel, seed: this.options.relocalization.seed });
    this.#relocTargetAt = this.#integrated;
    return this.#relocTarget;
  }

  /** The frame's valid points and normals (camera coordinates, mm) at half resolution. */
  #framePoints(frame: ScanFrame): PointCloud {
    const o = this.options, k = this.intrinsics;
    return this.#engine.wasm.scope('ScanSession.pushFrame', (s) => {
      const pixels = k.width * k.height;
      const raw = s.input(frame.depth);
      const depthMm = s.alloc(4 * pixels);
      const u16 = frame.depth instanceof Uint16Array;
      s.call('depth_to_mm', raw, u16 ? 1 : 2, u16 ? 1 / o.depthScale : 1, pixels, o.minDepth, o.maxDepth, depthMm);
      const p = buildPyramid(s, depthMm, k, 2, 8 * o.voxelSize);
      const n = p.width[1] * p.height[1];
      const vertices = s.copyOut(Float32Array, p.vertices[1], 3 * n), normals = s.copyOut(Float32Array, p.normals[1], 3 * n);
      let count = 0;
      for (let i = 0; i < n; i++) if (vertices[3 * i + 2] > 0 && normals[3 * i + 2] !== 0) count++;
      const positions = new Float32Array(3 * count), normalsOut = new Float32Array(3 * count);
      for (let i = 0, j = 0; i < n; i++) {
        if (!(vertices[3 * i + 2] > 0 && normals[3 * i + 2] !== 0)) continue;
        positions.set(vertices.subarray(3 * i, 3 * i + 3), 3 * j);
        normalsOut.set(normals.subarray(3 * i, 3 * i + 3), 3 * j);
        j++;
      }
      return { positions, normals: normalsOut };
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

  /**
   * The model with its coverage: per vertex the accumulated observation weight (`confidence`,
   * in head-on observations) and a flag where it is below `minConfidence` (areas to scan again,
   * shown grey), and the areas (mm^2) of the triangles whose three vertices are well covered or
   * not. The mesh also gets `colors`: light grey where coverage is thin, tooth white elsewhere
   * (RGB u8, ready for three.js).
   */
  coverage(options: CoverageOptions = {}): SessionCoverage {
    const api = 'ScanSession.coverage';
    if (this.#disposed) throw new ScanfuseError('DISPOSED', `${api}: the session was disposed`);
    const minConfidence = options.minConfidence ?? DEFAULT_COVERAGE_OPTIONS.minConfidence;
    if (!(typeof minConfidence === 'number' && minConfidence >= 0 && Number.isFinite(minConfidence))) {
      throw new ScanfuseError('INVALID_ARGUMENT', `${api}: minConfidence must be a finite number >= 0`, { actual: String(minConfidence) });
    }
    const mesh = this.volume.extractMesh();
    const confidence = mesh.vertexAttributes!.confidence.array as Float32Array;
    const n = confidence.length;
    const low = new Uint8Array(n);
    const colours = new Uint8Array(3 * n);
    let lowVertices = 0;
    for (let v = 0; v < n; v++) {
      const thin = confidence[v] < minConfidence;
      low[v] = thin ? 1 : 0;
      if (thin) lowVertices++;
      colours.set(thin ? LOW_COVERAGE_RGB : COVERED_RGB, 3 * v);
    }
    let coveredAreaMm2 = 0, lowAreaMm2 = 0;
    const p = mesh.positions, idx = mesh.indices;
    for (let t = 0; t < idx.length; t += 3) {
      const a = 3 * idx[t], b = 3 * idx[t + 1], c = 3 * idx[t + 2];
      const ux = p[b] - p[a], uy = p[b + 1] - p[a + 1], uz = p[b + 2] - p[a + 2];
      const vx = p[c] - p[a], vy = p[c + 1] - p[a + 1], vz = p[c + 2] - p[a + 2];
      const area = 0.5 * Math.hypot(uy * vz - uz * vy, uz * vx - ux * vz, ux * vy - uy * vx);
      if (low[idx[t]] || low[idx[t + 1]] || low[idx[t + 2]]) lowAreaMm2 += area;
      else coveredAreaMm2 += area;
    }
    mesh.colors = { array: colours, itemSize: 3 };
    mesh.vertexAttributes!.lowCoverage = { array: low, itemSize: 1 };
    return { mesh, lowCoverage: low, lowVertexCount: lowVertices, coveredAreaMm2, lowAreaMm2, minConfidence };
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
    if (this.#disposed) return;
    this.#disposed = true;
    this.#relocTarget?.dispose();
    this.#relocTarget = null;
    this.volume.dispose();
  }
}

export function createScanSession(engine: Engine, options: ScanSessionOptions): ScanSession {
  return new ScanSession(engine, options);
}
