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
