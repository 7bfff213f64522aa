// The scan simulator: a reference scene (procedural arch or any mesh), the wand's trajectory,
// and frames rendered on demand in the core (depth with the sensor model, colour, NIR), with
// ground-truth poses. Deterministic: the same options give the same bytes.
import type { Engine } from '../engine.js';
import { ScanfuseError } from '../errors.js';
import { cameraRecord } from '../camera/render-mesh.js';
import type { CameraIntrinsics } from '../camera/intrinsics.js';
import { isRigid, type Transform } from '../math/pose.js';
import type { Mesh } from '../types.js';
import type { Resident, Wasm } from '../wasm/abi.js';
import { buildArchMesh, type ArchMeshOptions } from './arch-mesh.js';
import { createArchModel, type ArchModel, type ArchOptions } from './arch-model.js';
import { protocolTrajectory, type ScanTrajectory, type TrajectoryOptions, type TrajectorySegment } from './trajectory.js';
/** Triangles per culling chunk of the resident scene. */
const CHUNK_TRIANGLES = 512;

import { DEFAULT_NOISE_OPTIONS, DEFAULT_WAND_OPTIONS, wandIntrinsics, type NoiseOptions, type WandOptions } from './wand-options.js';

export interface SimulatorOptions {
  /** The procedural arch to scan (ignored when `scene` is given). */
  arch?: ArchOptions;
  /** Surface extraction of the procedural arch. */
  archMesh?: ArchMeshOptions;
  /** Any mesh to scan instead (mm); give `trajectory.cameraToWorld` too, or an arch model. */
  scene?: Mesh;
  /** A ready arch model (for example a monthsLater() variant). */
  model?: ArchModel;
  wand?: WandOptions;
  noise?: NoiseOptions;
  /** Trajectory options, or explicit camera-to-world poses and timestamps. */
  trajectory?: TrajectoryOptions | ScanTrajectory;
  /** Limit the number of frames (the first N of the trajectory). */
  frames?: number;
  /** Seed of the sensor noise. Default 1. */
  seed?: number;
}

export interface SimulatedFrame {
  index: number;
  timestampMs: number;
  /** Ground-truth camera-to-world (column-major, mm). */
  cameraToWorld: Transform;
  segment: TrajectorySegment;
  /** Raw depth, row-major, mm = raw / depthScale; 0 = no measurement. */
  depth: Uint16Array;
  depthScale: number;
  /** The same measurement in mm (Float32, 0 = none). */
  depthMm: Float32Array;
  /** RGB, 3 bytes per pixel. */
  colour: Uint8Array;
  /** Near-infrared intensity, 1 byte per pixel. */
  nir: Uint8Array;
  /** The noise-free depth of the scene (mm, 0 where nothing is seen), when asked for (evaluation). */
  trueDepth?: Float32Array;
}

/** A scene resident in the core, frames rendered on demand. dispose() frees it. */
export class ScanSimulator {
  readonly reference: Mesh;
  readonly model: ArchModel | null;
  readonly intrinsics: CameraIntrinsics;
  readonly trajectory: ScanTrajectory;
  readonly wand: Readonly<Required<WandOptions>>;
  readonly noise: Readonly<Required<NoiseOptions>>;
  readonly seed: number;
  readonly #wasm: Wasm;
  readonly #blocks: Resident[];
  readonly #positions: number;
  readonly #indices: number;
  readonly #colors: number;
  readonly #nir: number;
  readonly #chunks: number;
  readonly #chunkCount: number;
  /** Original triangle number of each resident (spatially sorted) triangle. */
  readonly #order: number;
  /** Unit normal per resident triangle. */
  readonly #faceNormals: number;
  #disposed = false;

  /** @internal Use createScanSimulator(). */
  constructor(engine: Engine, reference: Mesh, model: ArchModel | null, trajectory: ScanTrajectory,
    wand: Required<WandOptions>, noise: Required<NoiseOptions>, seed: number) {
    this.reference = reference;
    this.model = model;
    this.trajectory = trajectory;
    this.wand = Object.freeze({ ...wand });
    this.noise = Object.freeze({ ...noise });
    this.seed = seed >>> 0;
    this.intrinsics = wandIntrinsics(wand);
    this.#wasm = engine.wasm;
    const v = reference.positions.length / 3;
    const t = reference.indices.length / 3;
    this.#chunkCount = Math.ceil(t / CHUNK_TRIANGLES);
    const c = engine.wasm.constants as unknown as Record<string, number>;
    const blocks = [
      this.#wasm.resident('createScanSimulator', reference.positions.byteLength),
      this.#wasm.resident('createScanSimulator', reference.indices.byteLength),
      this.#wasm.resident('createScanSimulator', 3 * v),
      this.#wasm.resident('createScanSimulator', v),
      this.#wasm.resident('createScanSimulator', Math.max(1, this.#chunkCount) * c.CHUNK_BYTES),
      this.#wasm.resident('createScanSimulator', 4 * t),
      this.#wasm.resident('createScanSimulator', 12 * t),
    ];
    this.#blocks = blocks;
    [this.#positions, this.#indices, this.#colors, this.#nir, this.#chunks, this.#order, this.#faceNormals] = blocks.map((b) => b.ptr);
    const colors = reference.colors?.itemSize === 3 ? reference.colors.array : new Uint8Array(3 * v).fill(200);
    const nirAttr = reference.vertexAttributes?.nir?.array;
    const nir = nirAttr instanceof Uint8Array && nirAttr.length === v ? nirAttr : new Uint8Array(v).fill(90);
    this.#wasm.scope('createScanSimulator', (s) => {
      s.write(this.#positions, reference.positions);
      // Triangles in spatial order, in chunks the renderer can skip as a whole.
      const original = s.input(reference.indices);
      const order = this.#order;
      const scratch = s.alloc(s.call('mesh_spatial_chunks_scratch_bytes', t));
      const chunks = s.call('mesh_spatial_chunks', this.#positions, v, original, t, CHUNK_TRIANGLES, this.#indices, order, this.#chunks, scratch);
      if (chunks < 0) throw new ScanfuseError('INVALID_ARGUMENT', 'createScanSimulator: the scene mesh has indices out of range');
      s.call('mesh_face_normals', this.#positions, this.#indices, t, this.#faceNormals);
      s.write(this.#colors, colors);
      s.write(this.#nir, nir);
    });
  }

  get frameCount(): number {
    return this.trajectory.cameraToWorld.length;
  }

  /**
   * Renders frame `index` (deterministic for the simulator's seed). `trueDepth: true` adds the
   * noise-free depth for evaluation.
   */
  frame(index: number, options: { trueDepth?: boolean } = {}): SimulatedFrame {
    return this.#render('ScanSimulator.frame', index, null, options.trueDepth === true)!;
  }

  /**
   * Which reference triangles the given frames measure (at least one valid depth pixel), as one
   * byte per reference triangle (1 = observed), and the observed area in mm^2. Default: all frames.
   */
  observedTriangles(frames?: Iterable<number>): { observed: Uint8Array; area: number } {
    const api = 'ScanSimulator.observedTriangles';
    const t = this.reference.indices.length / 3;
    const marks = this.#wasm.resident(api, Math.max(1, t));
    try {
      this.#wasm.scope(api, (s) => s.write(marks.ptr, new Uint8Array(t)));
      for (const i of frames ?? Array.from({ length: this.frameCount }, (_, k) => k)) this.#render(api, i, marks.ptr);
      const sorted = this.#wasm.scope(api, (s) => s.copyOut(Uint8Array, marks.ptr, t));
      const order = this.#wasm.scope(api, (s) => s.copyOut(Uint32Array, this.#order, t));
      const observed = new Uint8Array(t);
      for (let k = 0; k < t; k++) if (sorted[k]) observed[order[k]] = 1;
      return { observed, area: triangleArea(this.reference, observed) };
    } finally {
      marks.release();
    }
  }

  #render(api: string, index: number, marks: number | null, withTrueDepth = false): SimulatedFrame | null {
    if (this.#disposed) throw new ScanfuseError('DISPOSED', `${api}: the simulator was disposed`);
    if (!(Number.isInteger(index) && index >= 0 && index < this.frameCount)) {
      throw new ScanfuseError('INVALID_ARGUMENT', `${api}: frame index must be 0..${this.frameCount - 1}`, { actual: index });
    }
    const k = this.intrinsics;
    const pixels = k.width * k.height;
    const pose = this.trajectory.cameraToWorld[index];
    const v = this.reference.positions.length / 3, t = this.reference.indices.length / 3;
    return this.#wasm.scope(api, (s) => {
      const c = s.constants as unknown as Record<string, number>;
      const camera = cameraRecord(s, k, pose, this.wand.minDepth, this.wand.maxDepth);
      const scratch = s.alloc(13 * v);
      const depth = s.alloc(4 * pixels), triangle = s.alloc(4 * pixels), bary = s.alloc(8 * pixels);
      const out = s.out();
      if (s.call('render_mesh_chunked', this.#positions, v, this.#indices, t, this.#chunks, this.#chunkCount, this.#faceNormals, camera, scratch, depth, triangle, bary, out) < 0) {
        throw new ScanfuseError('INVALID_ARGUMENT', `${api}: unusable wand parameters`);
      }
      const noise = new Float64Array(c.NOISE_BYTES / 8);
      const n = this.noise;
      noise[c.NOISE_SIGMA / 8] = n.sigma; noise[c.NOISE_GRAZING_COS / 8] = n.grazingCos; noise[c.NOISE_GRAZING_RAMP / 8] = n.grazingRamp;
      noise[c.NOISE_EDGE_JUMP / 8] = n.edgeJump; noise[c.NOISE_EDGE_DROPOUT / 8] = n.edgeDropout; noise[c.NOISE_HOLES / 8] = n.holesPerFrame;
      noise[c.NOISE_HOLE_RADIUS_MIN / 8] = n.holeRadiusMin; noise[c.NOISE_HOLE_RADIUS_MAX / 8] = n.holeRadiusMax;
      noise[c.NOISE_OUTLIER_RATE / 8] = n.outlierRate; noise[c.NOISE_OUTLIER_RANGE / 8] = n.outlierRange;
      noise[c.NOISE_IMAGE_SIGMA / 8] = n.imageSigma; noise[c.NOISE_DEPTH_SCALE / 8] = this.wand.depthScale;
      const noisePtr = s.input(noise);
      const raw = s.alloc(2 * pixels), mm = marks === null ? s.alloc(4 * pixels) : 0;
      const colour = marks === null ? s.alloc(3 * pixels) : 0, nir = marks === null ? s.alloc(pixels) : 0;
      if (s.call('sim_wand_frame', camera, noisePtr, this.seed, index, this.#faceNormals, this.#indices, this.#colors, this.#nir,
        depth, triangle, bary, raw, mm, colour, nir) < 0) {
        throw new ScanfuseError('INVALID_ARGUMENT', `${api}: unusable noise parameters`);
      }
      if (marks !== null) {
        s.call('sim_mark_observed', triangle, raw, pixels, t, marks);
        return null;
      }
      const frame: SimulatedFrame = {
        index,
        timestampMs: this.trajectory.timestampMs[index],
        cameraToWorld: Float64Array.from(pose),
        segment: this.trajectory.segment[index],
        depth: s.copyOut(Uint16Array, raw, pixels),
        depthScale: this.wand.depthScale,
        depthMm: s.copyOut(Float32Array, mm, pixels),
        colour: s.copyOut(Uint8Array, colour, 3 * pixels),
        nir: s.copyOut(Uint8Array, nir, pixels),
      };
      if (withTrueDepth) frame.trueDepth = s.copyOut(Float32Array, depth, pixels);
      return frame;
    });
  }

  /** Every frame in order. */
  *frames(): Generator<SimulatedFrame> {
    for (let i = 0; i < this.frameCount; i++) yield this.frame(i);
  }

  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    for (const b of this.#blocks) b.release();
  }
}

/** Builds the scene (procedural arch unless `scene` is given) and the trajectory. */
export function createScanSimulator(engine: Engine, options: SimulatorOptions = {}): ScanSimulator {
  const api = 'createScanSimulator';
  const wand = { ...DEFAULT_WAND_OPTIONS, ...options.wand };
  const noise = { ...DEFAULT_NOISE_OPTIONS, ...options.noise };
  for (const [key, value] of Object.entries({ ...wand, ...noise })) {
    if (!Number.isFinite(value) || (value as number) < 0) throw new ScanfuseError('INVALID_ARGUMENT', `${api}: ${key} must be a finite number >= 0`, { actual: value });
  }
  const model = options.scene ? options.model ?? null : options.model ?? createArchModel(options.arch);
  const reference = options.scene ?? buildArchMesh(engine, model!, options.archMesh);
  let trajectory: ScanTrajectory;
  const t = options.trajectory;
  if (t && 'cameraToWorld' in t) {
    if (!t.cameraToWorld.every((m) => isRigid(m))) throw new ScanfuseError('INVALID_ARGUMENT', `${api}: every trajectory pose must be rigid`);
    trajectory = t;
  } else {
    if (!model) throw new ScanfuseError('INVALID_ARGUMENT', `${api}: a custom scene needs explicit trajectory poses or an arch model`);
    trajectory = protocolTrajectory(model, { workingDistance: wand.workingDistance, ...(t as TrajectoryOptions | undefined) });
  }
  if (options.frames !== undefined) {
    const n = Math.max(0, Math.min(trajectory.cameraToWorld.length, Math.floor(options.frames)));
    trajectory = { cameraToWorld: trajectory.cameraToWorld.slice(0, n), timestampMs: trajectory.timestampMs.slice(0, n), segment: trajectory.segment.slice(0, n) };
  }
  return new ScanSimulator(engine, reference, model, trajectory, wand, noise, options.seed ?? 1);
}

/** Total area (mm^2) of the triangles whose mark is non-zero (all triangles when marks is omitted). */
export function triangleArea(mesh: Mesh, marks?: Uint8Array): number {
  const p = mesh.positions, idx = mesh.indices;
  let area = 0;
  for (let t = 0; t < idx.length / 3; t++) {
    if (marks && !marks[t]) continue;
    const a = 3 * idx[3 * t], b = 3 * idx[3 * t + 1], c = 3 * idx[3 * t + 2];
    const ux = p[b] - p[a], uy = p[b + 1] - p[a + 1], uz = p[b + 2] - p[a + 2];
    const vx = p[c] - p[a], vy = p[c + 1] - p[a + 1], vz = p[c + 2] - p[a + 2];
    area += 0.5 * Math.hypot(uy * vz - uz * vy, uz * vx - ux * vz, ux * vy - uy * vx);
  }
  return area;
}
