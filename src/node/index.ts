// `scanfuse/node`: file-path helpers and atomic writes (Node only).
export { writeFileAtomic } from './atomic-write.js';
export { readMeshFile, writeMeshFile, formatFromPath } from './mesh-files.js';
export { writeSimulatedDataset, type WriteSimulatedDatasetOptions, type WriteSimulatedDatasetResult } from './dataset/write-simulated-dataset.js';
export { readDataset, RgbdDataset, type ReadDatasetOptions, type DatasetFrame, type DatasetFiles } from './dataset/read-dataset.js';
export { DATASET_FORMAT, DATASET_FORMAT_VERSION, type DatasetManifest, type DatasetManifestFrame } from './dataset/manifest.js';
export { formatOpen3dIntrinsics, parseOpen3dIntrinsics } from './dataset/intrinsics-json.js';
