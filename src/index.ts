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
