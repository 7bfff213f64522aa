// Public exports of `scanfuse` (isomorphic: Node, browsers, workers).
export { createEngine, Engine, DEFAULT_ENGINE_OPTIONS, type EngineOptions } from './engine.js';
export { ScanfuseError, isScanfuseError, type ScanfuseErrorCode, type ScanfuseErrorDetails } from './errors.js';
export { detectMeshFormat } from './io/detect.js';
export type { MeshInfo } from './mesh/mesh-info.js';
export { compileCore, defaultWasmUrl, type WasmSource } from './wasm/load.js';
export type {
  Mesh, MeshAttribute, ColorAttribute, MeshMetadata, MeshFormat, MeshEncoding, MeshWarning, MeshWarningCode,
  ReadMeshOptions, ReadMeshResult, WriteMeshOptions, TypedArray,
} from './types.js';
export {
  parseRedwoodLog, formatRedwoodLog, REDWOOD_LOG_UNITS_PER_MM, REDWOOD_LOG_DECIMALS,
  type RedwoodLog, type RedwoodLogEntry, type RedwoodLogOptions, type ParseRedwoodLogOptions, type FormatRedwoodLogOptions,
} from './io/redwood-log.js';
export { surfaceDistances, type SurfaceDistancesOptions } from './metrics/surface-distances.js';
export {
  createSurfaceIndex, SurfaceIndex, type SurfaceIndexOptions, type SurfaceQueryOptions, type SurfaceQueryOrder, type SurfaceDistancesResult,
} from './metrics/surface-index.js';
export { trueness, DEFAULT_TRUENESS_OPTIONS, type TruenessOptions, type TruenessResult, type TruenessWeighting } from './metrics/trueness.js';
export { completeness, DEFAULT_COMPLETENESS_OPTIONS, type CompletenessOptions, type CompletenessResult } from './metrics/completeness.js';
export {
  absoluteTrajectoryError, relativePoseError, hornAlignment,
  type AbsoluteTrajectoryError, type RelativePoseError, type RelativePoseErrorOptions, type ErrorSummary,
} from './metrics/trajectory.js';
export type { PointCloud } from './registration/point-cloud.js';
export {
  registerPointClouds, DEFAULT_REGISTRATION_OPTIONS, type RegistrationOptions,
} from './registration/register-point-clouds.js';
export { registerMeshes } from './registration/register-meshes.js';
export type { RegistrationResult, RegistrationConditioning, RegistrationVerdict } from './registration/registration-result.js';
export {
  globalRegistration, DEFAULT_GLOBAL_REGISTRATION_OPTIONS, type GlobalRegistrationOptions, type GlobalRegistrationResult,
} from './registration/global-registration.js';
export { voxelDownsample } from './registration/voxel-downsample.js';
export {
  estimateNormals, DEFAULT_ESTIMATE_NORMALS_OPTIONS, type EstimateNormalsOptions, type EstimateNormalsResult, type NormalOrientation,
} from './registration/estimate-normals.js';
export { computeFpfh, FPFH_BIN_COUNT, DEFAULT_FPFH_OPTIONS, type FpfhOptions } from './registration/fpfh-features.js';
export {
  nearestNeighbours, DEFAULT_NEAREST_NEIGHBOURS_OPTIONS, type NearestNeighboursOptions, type NearestNeighboursResult,
} from './registration/nearest-neighbours.js';
export type { RobustKernel } from './registration/cloud-kernels.js';
export { RegistrationTarget } from './registration/registration-target.js';
export {
  createRegistrationTarget, DEFAULT_REGISTRATION_TARGET_OPTIONS, type RegistrationTargetOptions,
} from './registration/create-registration-target.js';
export type { CameraIntrinsics } from './camera/intrinsics.js';
export {
  projectImages, DEFAULT_PROJECT_IMAGES_OPTIONS, type NirImage, type NirBlend, type ProjectImagesOptions, type ProjectImagesResult,
} from './niri/project-images.js';
export {
  DEFAULT_NIR_OVERLAY_OPTIONS, NIR_RAMP_LOW_RGB, NIR_RAMP_HIGH_RGB, type NirOverlayOptions,
} from './niri/nir-ramp.js';
export {
  niriOverlayColors, DEFAULT_NIRI_OVERLAY_COLORS_OPTIONS, type NiriOverlayColorsOptions, type OverlayColors, type ColorOutput,
} from './niri/overlay-colors.js';
export { overlayNirImage, type OverlayNirImageOptions } from './niri/overlay-image.js';
export {
  compareScans, DEFAULT_COMPARE_SCANS_OPTIONS, type CompareScansOptions, type ScanComparison, type ScanAlignment,
} from './timelapse/compare-scans.js';
export { heatmapColors, heatmapColor, HEATMAP_STOPS, DEFAULT_HEATMAP_OPTIONS, type HeatmapColorsOptions } from './timelapse/heatmap-colors.js';
export type { DeviationStats, LabelDeviationStats } from './timelapse/deviation-stats.js';
export {
  qualityReport, DEFAULT_QUALITY_REPORT_OPTIONS, type QualityReport, type QualityReportOptions, type QualityVerdict, type QualityIssue,
  type QualityIssueKind, type QualityPlace, type QualityLoop, type QualityComponent,
} from './quality/quality-report.js';
export {
  createTsdfVolume, TsdfVolume, DEFAULT_TSDF_OPTIONS, DEFAULT_MIN_WEIGHT,
  type TsdfVolumeOptions, type DepthFrameInput, type IntegrateOptions, type IntegrateResult, type RaycastOptions, type RaycastResult,
  type ExtractOptions, type MeshChunkUpdate,
} from './fusion/tsdf-volume.js';
export {
  createScanSession, ScanSession, DEFAULT_SESSION_OPTIONS, DEFAULT_TRACKING_OPTIONS, DEFAULT_RELOCALIZATION_OPTIONS,
  DEFAULT_COVERAGE_OPTIONS, LOW_COVERAGE_RGB, COVERED_RGB,
  type ScanSessionOptions, type ScanFrame, type FrameResult, type FrameStatus, type RelocalizationAttempt, type TrackingOptions,
  type RelocalizationOptions, type CoverageOptions, type SessionCoverage,
} from './session/scan-session.js';
export {
  createScanSimulator, ScanSimulator, type SimulatorOptions, type SimulatedFrame,
} from './sim/simulator.js';
export { createArchModel, monthsLater, DEFAULT_ARCH_OPTIONS, type ArchOptions, type ArchModel, type Jaw, type MonthsLaterOptions, type ArchChanges } from './sim/arch-model.js';
export { buildArchMesh, DEFAULT_ARCH_MESH_OPTIONS, type ArchMeshOptions } from './sim/arch-mesh.js';
export { protocolTrajectory, DEFAULT_TRAJECTORY_OPTIONS, type TrajectoryOptions, type ScanTrajectory, type TrajectorySegment } from './sim/trajectory.js';
export {
  DEFAULT_WAND_OPTIONS, DEFAULT_NOISE_OPTIONS, NOISELESS, wandIntrinsics, type WandOptions, type NoiseOptions,
} from './sim/wand-options.js';
export { scanCoverage, visibleTriangles, type CoverageResult } from './sim/coverage.js';
export type { Transform } from './math/pose.js';
