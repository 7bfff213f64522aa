// The packaged engine worker: the script createWorkerEngine starts by default (a module Web
// Worker in browsers, a worker_threads Worker in Node). Its own entry point in an app's bundle:
// `new Worker(new URL('scanfuse/worker/engine-worker', import.meta.url), { type: 'module' })`.
import { exposeEngine } from './expose-engine.js';

void exposeEngine();
