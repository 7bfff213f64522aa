// The messages between a WorkerEngine (calling thread) and the engine worker: the methods the
// worker exposes over comlink. Internal: applications use WorkerEngine, RemoteScanSession and
// RemoteScanSimulator, which add transfer lists, restarts and typed errors around these.
import type { CameraIntrinsics } from '../camera/intrinsics.js';
import type { ExtractOptions, MeshChunkUpdate } from '../fusion/tsdf-volume.js';
import type { MeshInfo } from '../mesh/mesh-info.js';
import type { NirImage, ProjectImagesOptions, ProjectImagesResult } from '../niri/project-images.js';
import type { NiriOverlayColorsOptions, OverlayColors } from '../niri/overlay-colors.js';
import type { QualityReport, QualityReportOptions } from '../quality/quality-report.js';
import type {
  CoverageOptions, FrameResult, FrameStatus, ScanFrame, ScanSessionOptions, SessionCoverage,
} from '../session/scan-session.js';
import type { SimulatedFrame, SimulatorOptions } from '../sim/simulator.js';
import type { ScanTrajectory } from '../sim/trajectory.js';
import type { NoiseOptions, WandOptions } from '../sim/wand-options.js';
import type { CompareScansOptions, ScanComparison } from '../timelapse/compare-scans.js';
import type { ColorAttribute, Mesh, ReadMeshOptions, ReadMeshResult, WriteMeshOptions } from '../types.js';
import type { Transform } from '../math/pose.js';

/** What the worker engine is created with (the module is compiled on the calling thread). */
export interface WorkerInitOptions {
  /** Upper bound on the worker engine's WASM memory, MiB (see EngineOptions.maxMemoryMiB). */
  maxMemoryMiB?: number;
}

/** A simulator living in the worker: what the calling thread needs to know about it. */
export interface SimulatorInfo {
  /** Worker-side handle. */
  id: number;
  frameCount: number;
  /** The wand camera (pixels; x right, y down, +z forward). */
  intrinsics: CameraIntrinsics;
  /** Raw depth units per mm of the frames' Uint16 depth. */
  depthScale: number;
  /** Ground-truth camera-to-world poses (mm, column-major), timestamps (ms) and segments, copies. */
  trajectory: ScanTrajectory;
  wand: Readonly<Required<WandOptions>>;
  noise: Readonly<Required<NoiseOptions>>;
  seed: number;
  referenceVertices: number;
  referenceTriangles: number;
}

/** A session living in the worker. */
export interface SessionInfo {
  id: number;
  intrinsics: CameraIntrinsics;
}

/** The trajectory of a session (copies). */
export interface SessionTrajectory {
  cameraToWorld: Transform[];
  status: FrameStatus[];
  timestampMs: number[];
}

/** The object the engine worker exposes (see exposeEngine). */
export interface EngineWorkerApi {
  init(module: WebAssembly.Module, options: WorkerInitOptions): Promise<void>;
  readMesh(bytes: Uint8Array | ArrayBuffer, options?: ReadMeshOptions): Promise<ReadMeshResult>;
  writeMesh(mesh: Mesh, options: WriteMeshOptions): Promise<Uint8Array>;
  meshInfo(mesh: Mesh): Promise<MeshInfo>;
  projectImages(mesh: Mesh, images: readonly NirImage[], options?: ProjectImagesOptions): Promise<ProjectImagesResult>;
  niriOverlayColors(baseColors: Uint8Array | ColorAttribute | null, nir: Uint8Array | Float32Array, options?: NiriOverlayColorsOptions): Promise<OverlayColors>;
  compareScans(before: Mesh, after: Mesh, options?: CompareScansOptions): Promise<ScanComparison>;
  qualityReport(mesh: Mesh, options?: QualityReportOptions): Promise<QualityReport>;

  createScanSession(options: ScanSessionOptions): Promise<SessionInfo>;
  sessionPushFrame(id: number, frame: ScanFrame): Promise<FrameResult>;
  sessionPushSimulatorFrame(id: number, simulatorId: number, index: number): Promise<FrameResult>;
  sessionMesh(id: number): Promise<Mesh>;
  sessionMeshUpdates(id: number, options?: ExtractOptions): Promise<MeshChunkUpdate[]>;
  sessionCoverage(id: number, options?: CoverageOptions): Promise<SessionCoverage>;
  sessionTrajectory(id: number): Promise<SessionTrajectory>;
  sessionDispose(id: number): Promise<void>;

  createScanSimulator(options: SimulatorOptions): Promise<SimulatorInfo>;
  simulatorFrame(id: number, index: number, options?: { trueDepth?: boolean }): Promise<SimulatedFrame>;
  simulatorReference(id: number): Promise<Mesh>;
  simulatorDispose(id: number): Promise<void>;

  /** @internal Tests: makes the core trap (an out-of-bounds access in a kernel). */
  forceTrap(): Promise<void>;
}
