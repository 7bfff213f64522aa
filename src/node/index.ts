// `scanfuse/node`: file-path helpers and atomic writes (Node only).
export { writeFileAtomic } from './atomic-write.js';
export { readMeshFile, writeMeshFile, formatFromPath } from './mesh-files.js';
