// Public exports of `scanfuse/worker`: the engine in a Web Worker or a Node worker_threads
// Worker, over comlink, with the same API as in-process returning Promises.
export { createWorkerEngine, WorkerEngine, DEFAULT_WORKER_ENGINE_OPTIONS, type WorkerEngineOptions } from './worker-engine.js';
export { RemoteScanSession } from './remote-scan-session.js';
export { RemoteScanSimulator } from './remote-scan-simulator.js';
export { exposeEngine } from './expose-engine.js';
export type { WorkerLike, WebWorkerLike, NodeWorkerLike } from './worker-connection.js';
export type { SessionTrajectory, SimulatorInfo, SessionInfo } from './worker-protocol.js';
