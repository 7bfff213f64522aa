// Worker transfer cost: what crossing to the engine worker (Node worker_threads, comlink) costs
// for a wand frame and for a 1M-triangle mesh, transferring the ArrayBuffers vs copying them
// (structured clone). Two levels:
//   - echo: a bare comlink worker that returns what it gets (the pure messaging cost, both ways);
//   - API: scanfuse/worker calls against the same call in-process (writeMesh of the mesh as binary
//     STL; pushFrame of a frame with no valid depth, so the core does almost nothing), with the
//     engine created with transfer (default) and with transfer: false.
// No peer: the figures are the overhead of the worker boundary itself.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import * as Comlink from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { createEngine, createScanSession } from '../dist/index.js';
import { createWorkerEngine } from '../dist/worker/index.js';
import { ms, pct, ratio, table } from './support/format.js';
import { measureInterleaved } from './support/measure.js';
import { wavyGrid } from './support/meshes.js';

export const name = 'worker';
export const title = 'Worker boundary (comlink over worker_threads): transfer vs copy';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const COMLINK = pathToFileURL(join(REPO, 'node_modules', 'comlink', 'dist', 'esm', 'comlink.mjs')).href;
const ADAPTER = pathToFileURL(join(REPO, 'node_modules', 'comlink', 'dist', 'esm', 'node-adapter.mjs')).href;

/** The echo worker: returns its argument, transferring the buffers back when asked. */
const ECHO_SOURCE = `
import * as Comlink from '${COMLINK}';
import nodeEndpoint from '${ADAPTER}';
import { parentPort } from 'node:worker_threads';
const buffers = (x) => Object.values(x).map((a) => a.buffer);
Comlink.expose({
  transfer: (x) => Comlink.transfer(x, buffers(x)),
  copy: (x) => x,
}, nodeEndpoint(parentPort));
`;

let sink = 0;

function check(condition, message) {
  if (!condition) throw new Error(`worker bench: sanity check failed: ${message}`);
}

const bytesOf = (x) => Object.values(x).reduce((n, a) => n + a.byteLength, 0);

function markdown(result) {
  const c = result.config;
  const parts = [];
  parts.push(`Frame: ${c.width}x${c.height} wand frame (Uint16 depth, RGB colour, NIR: ${(c.frame_bytes / 1e3).toFixed(0)} kB). `
    + `Mesh: the wavy grid, ${c.mesh_triangles.toLocaleString('en-US')} triangles (positions + indices: ${(c.mesh_bytes / 1e6).toFixed(1)} MB). `
    + 'Echo = bare comlink worker returning its argument (both directions); API = scanfuse/worker against the same call in-process.');
  parts.push('');
  parts.push(table(['operation', 'transfer', 'copy', 'copy / transfer', 'in-process', 'n (transfer/copy)', 'spread (transfer/copy)'],
    result.rows.map((r) => [r.label, `${ms(r.transfer_ms)} ms`, `${ms(r.copy_ms)} ms`, ratio(r.copy_ms / r.transfer_ms),
      r.in_process_ms === undefined ? '—' : `${ms(r.in_process_ms)} ms`, `${r.n[0]}/${r.n[1]}`, `${pct(r.spread[0])}/${pct(r.spread[1])}`])));
  parts.push('');
  parts.push('Transfer moves the ArrayBuffers (the caller\'s arrays are detached); copy is a structured clone each way. '
    + 'The API rows include the work in the worker; their excess over in-process is the boundary\'s cost.');
  return parts.join('\n');
}

export async function run(ctx = {}) {
  const log = ctx.log ?? (() => {});
  const quick = !!ctx.quick;
  const rounds = quick ? 1 : 5;
  const timeMs = quick ? 50 : 400;
  const triangles = Number(process.env.BENCH_WORKER_TRIANGLES ?? (quick ? 20_000 : 1_000_000));
  const width = 320, height = 240, pixels = width * height;
  const tmp = await mkdtemp(join(tmpdir(), 'scanfuse-bench-worker-'));
  const echoFile = join(tmp, 'echo-worker.mjs');
  await writeFile(echoFile, ECHO_SOURCE);
  const echoWorker = new Worker(echoFile);
  const echo = Comlink.wrap(nodeEndpoint(echoWorker));
  const engine = await createEngine();
  const moving = await createWorkerEngine();
  const copying = await createWorkerEngine({ transfer: false });
  try {
    const makeFrame = () => ({ depth: new Uint16Array(pixels).fill(11_000), colour: new Uint8Array(3 * pixels).fill(200), nir: new Uint8Array(pixels).fill(90) });
    const grid = wavyGrid(triangles);
    const meshTriangles = grid.indices.length / 3;
    const makeMesh = () => ({ positions: grid.positions.slice(), indices: grid.indices.slice() });

    // Echo: the transferred value comes back and is reused (no allocation in the timed loop).
    let frameBox = makeFrame();
    let meshBox = makeMesh();
    const copyFrame = makeFrame(), copyMesh = makeMesh();
    const back = await echo.transfer(Comlink.transfer(frameBox, Object.values(frameBox).map((a) => a.buffer)));
    check(frameBox.depth.length === 0 && back.depth.length === pixels && back.depth[7] === 11_000, 'echo transfer detaches and returns the frame');
    frameBox = back;

    // API: a frame with no valid depth (rejected at once), pushed into one session per engine.
    const intrinsics = { width, height, fx: 240, fy: 240, cx: 159.5, cy: 119.5 };
    const emptyFrame = () => ({ depth: new Uint16Array(pixels), colour: new Uint8Array(3 * pixels), nir: new Uint8Array(pixels), timestampMs: 0 });
    const sessions = { local: createScanSession(engine, { intrinsics }), moving: await moving.createScanSession({ intrinsics }), copying: await copying.createScanSession({ intrinsics }) };
    check((await sessions.moving.pushFrame(emptyFrame())).status === 'rejected', 'an all-zero frame is rejected');
    let pending = { frame: null, mesh: null };
    const localStl = engine.writeMesh(grid, { format: 'stl' });
    check(Buffer.from(await copying.writeMesh(grid, { format: 'stl' })).equals(Buffer.from(localStl)), 'worker STL = in-process STL');
    check(grid.positions.length > 0, 'transfer: false leaves the caller\'s arrays');

    const tasks = [
      { id: 'echo_frame/transfer', fn: async () => { frameBox = await echo.transfer(Comlink.transfer(frameBox, Object.values(frameBox).map((a) => a.buffer))); sink += frameBox.depth.length; } },
      { id: 'echo_frame/copy', fn: async () => { sink += (await echo.copy(copyFrame)).depth.length; } },
      { id: 'echo_mesh/transfer', fn: async () => { meshBox = await echo.transfer(Comlink.transfer(meshBox, Object.values(meshBox).map((a) => a.buffer))); sink += meshBox.indices.length; } },
      { id: 'echo_mesh/copy', fn: async () => { sink += (await echo.copy(copyMesh)).indices.length; } },
      { id: 'push_frame/in_process', fn: async () => { sink += sessions.local.pushFrame(emptyFrame()).index; } },
      { id: 'push_frame/transfer', beforeEach: () => { pending.frame = emptyFrame(); }, fn: async () => { sink += (await sessions.moving.pushFrame(pending.frame)).index; } },
      { id: 'push_frame/copy', fn: async () => { sink += (await sessions.copying.pushFrame(emptyFrame())).index; } },
      { id: 'write_stl/in_process', fn: async () => { sink += engine.writeMesh(grid, { format: 'stl' }).length; } },
      { id: 'write_stl/transfer', beforeEach: () => { pending.mesh = makeMesh(); }, fn: async () => { sink += (await moving.writeMesh(pending.mesh, { format: 'stl' })).length; } },
      { id: 'write_stl/copy', fn: async () => { sink += (await copying.writeMesh(grid, { format: 'stl' })).length; } },
    ];
    const started = performance.now();
    const stats = await measureInterleaved(tasks.map((t) => ({ ...t, async: true })), { rounds, timeMs, minIterations: 5, warmupIterations: 2, warmupTimeMs: 20 },
      (r) => log(`worker: round ${r + 1}/${rounds} done (${((performance.now() - started) / 1000).toFixed(1)} s)`));
    const row = (label, key, inProcess) => ({
      label,
      transfer_ms: stats[`${key}/transfer`].median_ms,
      copy_ms: stats[`${key}/copy`].median_ms,
      ...(inProcess ? { in_process_ms: stats[`${key}/in_process`].median_ms } : {}),
      n: [stats[`${key}/transfer`].n, stats[`${key}/copy`].n],
      spread: [stats[`${key}/transfer`].spread_pct, stats[`${key}/copy`].spread_pct],
    });
    const rows = [
      row('echo round trip: frame', 'echo_frame', false),
      row(`echo round trip: mesh (${(meshTriangles / 1e6).toFixed(2)}M triangles)`, 'echo_mesh', false),
      row('API: session.pushFrame (frame in, result out)', 'push_frame', true),
      row('API: writeMesh binary STL (mesh in, bytes out)', 'write_stl', true),
    ];
    const result = {
      config: { width, height, frame_bytes: bytesOf(copyFrame), mesh_triangles: meshTriangles, mesh_bytes: bytesOf(copyMesh), rounds, time_ms: timeMs },
      rows, stats,
    };
    for (const s of Object.values(sessions)) await s.dispose();
    return { result, markdown: markdown(result) };
  } finally {
    await echoWorker.terminate();
    await moving.terminate();
    await copying.terminate();
    await rm(tmp, { recursive: true, force: true });
    if (sink === 0.5) log('');
  }
}
