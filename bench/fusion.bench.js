// TSDF fusion and marching cubes: scanfuse against Open3D (TSDF integrate and extraction, tensor
// VoxelBlockGrid and legacy ScalableTSDFVolume, ../shared/peers/open3d_tsdf.py) and VTK (flying
// edges, marching cubes; scikit-image; ../shared/peers/vtk_flying_edges.py), run as subprocesses in
// the same run, single thread, on the same frames and the same volume.
//
// Datasets:
// - livingroom: the 150 Augmented ICL-NUIM frames (640x480) of ../shared/data with Open3D's own
//   trajectory, 10 mm voxels, truncation 40 mm, depth to 3 m (skipped if the data is absent);
// - intraoral: the default simulated lower-arch sweep (320x240, sigma 15 µm), written with
//   writeSimulatedDataset to a temporary folder and read back from its PNGs by both sides, 0.05 mm
//   voxels, truncation 0.2 mm, depth 2..20 mm: integrate on the first BENCH_FUSION_SIM_FRAMES
//   frames, extraction and incremental updates on the full arch;
// - marching cubes: the peers' dense torus SDF (256^3) through our dense kernel (mc_dense, the
//   core's marching cubes over a dense grid, same case tables as the TSDF extractor), and a sparse
//   TSDF of the same torus fused from exact depth renders (TsdfVolume.extractMesh).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createEngine } from '../dist/index.js';
import { readDataset, writeSimulatedDataset } from '../dist/node/index.js';
import { createTsdfVolume } from '../dist/fusion/tsdf-volume.js';
import { createScanSimulator } from '../dist/sim/simulator.js';
import { renderMesh } from '../dist/camera/render-mesh.js';
import { lookAt, normalize } from '../dist/math/pose.js';
import { torusMesh } from '../dist/cli/demo.js';
import { FUSE_PROFILES } from '../dist/cli/fuse.js';
import { ms, ratio, table } from './support/format.js';

export const name = 'fusion';
export const title = 'TSDF fusion and marching cubes';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SHARED = resolve(process.env.BENCH_SHARED ?? resolve(REPO, '..', 'shared'));
const LIVINGROOM = resolve(SHARED, 'data', 'rgbd', 'aicl_livingroom1_clean_micro');
const LIVINGROOM_LOG = join(LIVINGROOM, 'open3d_estimated_trajectory_frames_000-149.log');
const OPEN3D_SCRIPT = resolve(SHARED, 'peers', 'open3d_tsdf.py');
const VTK_SCRIPT = resolve(SHARED, 'peers', 'vtk_flying_edges.py');
const PYTHON = process.env.BENCH_PYTHON ?? '/usr/bin/python3';
const INSTALL = 'apt-get update && apt-get install -y python3-open3d python3-vtk9 python3-skimage';

const gc = typeof globalThis.gc === 'function' ? globalThis.gc : () => {};
const now = () => performance.now();
const median = (a) => {
  if (a.length === 0) return NaN;
  const s = [...a].sort((x, y) => x - y);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const mean = (a) => a.reduce((x, y) => x + y, 0) / a.length;
const quantile = (a, q) => { const s = [...a].sort((x, y) => x - y); return s[Math.min(s.length - 1, Math.floor(q * s.length))]; };
let sink = 0;

// ---- peers ------------------------------------------------------------------------------------

function probe(module) {
  const r = spawnSync(PYTHON, ['-c', `import ${module}; print(getattr(${module}, '__version__', ''))`], { encoding: 'utf8', timeout: 120_000 });
  if (r.status === 0) return { installed: true, version: r.stdout.trim().split('\n').pop() };
  return { installed: false, reason: (r.error?.message ?? r.stderr ?? '').trim().split('\n').pop() };
}

/** Runs a peer script; its JSON (after any warnings it prints) or { ok: false, error }. */
function runPeer(script, args, timeoutMs) {
  const started = now();
  const r = spawnSync(PYTHON, [script, ...args], { encoding: 'utf8', timeout: timeoutMs, maxBuffer: 16 << 20 });
  const wall_s = (now() - started) / 1000;
  if (r.status !== 0) {
    const why = r.error?.message ?? (r.signal ? `killed by ${r.signal}` : `exit ${r.status}`);
    return { ok: false, error: `${why}: ${(r.stderr ?? '').trim().split('\n').slice(-3).join(' / ')}`, wall_s, args };
  }
  try {
    return { ok: true, wall_s, args, ...JSON.parse(r.stdout.slice(r.stdout.indexOf('{'))) };
  } catch (e) {
    return { ok: false, error: `unreadable output: ${e.message}`, wall_s, args };
  }
}

// ---- our side ---------------------------------------------------------------------------------

/**
 * Integrates `frames` into a fresh volume `repeats` times. Per repeat: the mean and the median of
 * the per-frame integrate times. Returns the medians over repeats, the last volume's figures, and
 * the extraction time of the last volume (median of `repeats` extractions).
 */
function integrateRuns(engine, frames, intrinsics, volumeOptions, integrateOptions, repeats) {
  const means = [], medians = [];
  let volume = null, last = null;
  for (let r = 0; r < repeats; r++) {
    volume?.dispose();
    gc();
    volume = createTsdfVolume(engine, volumeOptions);
    const times = [];
    for (const f of frames) {
      const t = now();
      const res = volume.integrate({ depth: f.depth, depthScale: f.depthScale }, intrinsics, f.cameraToWorld, integrateOptions);
      times.push(now() - t);
      if (res.status !== 'integrated') throw new Error(`fusion bench: frame ${f.index} ${res.status}: ${res.reason}`);
    }
    means.push(mean(times));
    medians.push(median(times));
  }
  const extract = [];
  for (let r = 0; r < repeats; r++) {
    gc();
    const t = now();
    last = volume.extractMesh();
    extract.push(now() - t);
  }
  const out = {
    frames: frames.length,
    integrate_mean_ms_per_frame: median(means), integrate_median_ms_per_frame: median(medians),
    repeat_means_ms: means, extract_ms: median(extract), extract_samples_ms: extract,
    blocks: volume.blockCount, used_mib: volume.usedBytes / 2 ** 20, capacity_reached: volume.capacityReached,
    triangles: last.indices.length / 3, vertices: last.positions.length / 3,
  };
  volume.dispose();
  return out;
}

// ---- livingroom -------------------------------------------------------------------------------

async function livingroom(engine, ctx, o3dInstalled, notes) {
  if (!existsSync(LIVINGROOM_LOG)) {
    notes.push(`livingroom rows skipped: ${LIVINGROOM} not found (the shared data folder is absent)`);
    return null;
  }
  const frameCount = ctx.quick ? 20 : 150;
  const ds = await readDataset(LIVINGROOM, { trajectory: LIVINGROOM_LOG, frames: frameCount });
  const frames = [];
  for (let i = 0; i < ds.frameCount; i++) frames.push(await ds.frame(i));
  const room = FUSE_PROFILES.room;
  const volumeOptions = { voxelSize: 10, truncationVoxels: 4, maxMemoryMiB: 512 };
  const base = { minDepth: room.minDepth, maxDepth: room.maxDepth };
  ctx.log(`fusion: livingroom, ours (${frameCount} frames x ${ctx.repeats} repeats, 2 variants)`);
  const ours = integrateRuns(engine, frames, ds.intrinsics, volumeOptions, base, ctx.repeats);
  const plain = integrateRuns(engine, frames, ds.intrinsics, volumeOptions, { ...base, viewWeighting: false }, ctx.repeats);
  let o3d = null;
  if (o3dInstalled) {
    ctx.log('fusion: livingroom, Open3D');
    o3d = runPeer(OPEN3D_SCRIPT, ['--dataset', LIVINGROOM, '--trajectory', LIVINGROOM_LOG, '--frames', String(frameCount), '--voxel', '0.01',
      '--trunc', '0.04', '--depth-scale', '1000', '--depth-max', String(room.maxDepth / 1000), '--threads', '1', '--repeats', String(ctx.repeats)], 900_000);
    if (!o3d.ok) notes.push(`Open3D on the livingroom failed: ${o3d.error}`);
  }
  return { frames: frameCount, width: ds.intrinsics.width, height: ds.intrinsics.height, voxel_mm: 10, ours, ours_no_view_weighting: plain, open3d: o3d };
}

// ---- simulated intraoral ----------------------------------------------------------------------

async function intraoral(engine, ctx, o3dInstalled, notes) {
  const dir = mkdtempSync(join(tmpdir(), 'scanfuse-bench-fusion-'));
  try {
    const arch = Number(process.env.BENCH_FUSION_ARCH_FRAMES ?? (ctx.quick ? 40 : 0)) || undefined;
    const sim = createScanSimulator(engine, arch ? { frames: arch } : {});
    const total = sim.frameCount;
    const integrateFrames = Math.min(total, Number(process.env.BENCH_FUSION_SIM_FRAMES ?? (ctx.quick ? 20 : 200)));
    ctx.log(`fusion: intraoral, writing ${total} simulated frames to ${dir}`);
    let t = now();
    await writeSimulatedDataset(sim, dir, { engine, simulatorOptions: arch ? { frames: arch } : {}, overwrite: true });
    const write_s = (now() - t) / 1000;
    const { minDepth, maxDepth } = sim.wand;
    const depthScale = sim.wand.depthScale;
    sim.dispose();
    const ds = await readDataset(dir);
    const frames = [];
    for (let i = 0; i < ds.frameCount; i++) frames.push(await ds.frame(i));
    const volumeOptions = { voxelSize: 0.05, truncationVoxels: 4, maxMemoryMiB: 512 };
    const base = { minDepth, maxDepth };

    ctx.log(`fusion: intraoral, ours, integrate ${integrateFrames} frames x ${ctx.repeats} repeats, 2 variants`);
    const head = frames.slice(0, integrateFrames);
    const ours = integrateRuns(engine, head, ds.intrinsics, volumeOptions, base, ctx.repeats);
    const plain = integrateRuns(engine, head, ds.intrinsics, volumeOptions, { ...base, viewWeighting: false }, ctx.repeats);

    // The full arch: one pass, incremental updates timed over a window of frames in the middle
    // (synchronised once before the window: each timed call covers exactly one frame's changes).
    ctx.log(`fusion: intraoral, ours, full arch (${total} frames) with incremental updates`);
    gc();
    const volume = createTsdfVolume(engine, volumeOptions);
    const windowStart = Math.floor(total * 0.45), windowEnd = Math.min(total, windowStart + (ctx.quick ? 5 : 40));
    const updates = [];
    const fullTimes = [];
    for (let i = 0; i < total; i++) {
      if (i === windowStart) volume.meshUpdates();
      const f = frames[i];
      t = now();
      volume.integrate({ depth: f.depth, depthScale: f.depthScale }, ds.intrinsics, f.cameraToWorld, base);
      fullTimes.push(now() - t);
      if (i >= windowStart && i < windowEnd) {
        t = now();
        const u = volume.meshUpdates();
        const ms_ = now() - t;
        updates.push({ ms: ms_, chunks: u.length, triangles: u.reduce((s, c) => s + (c.mesh ? c.mesh.indices.length / 3 : 0), 0) });
      }
    }
    const extract = [];
    let mesh = null;
    for (let r = 0; r < ctx.repeats; r++) { gc(); t = now(); mesh = volume.extractMesh(); extract.push(now() - t); }
    const full = {
      frames: total, integrate_mean_ms_per_frame: mean(fullTimes), integrate_median_ms_per_frame: median(fullTimes),
      extract_ms: median(extract), extract_samples_ms: extract, triangles: mesh.indices.length / 3, vertices: mesh.positions.length / 3,
      blocks: volume.blockCount, used_mib: volume.usedBytes / 2 ** 20, capacity_reached: volume.capacityReached,
      updates: {
        window: [windowStart, windowEnd], median_ms: median(updates.map((u) => u.ms)), p90_ms: quantile(updates.map((u) => u.ms), 0.9),
        max_ms: Math.max(...updates.map((u) => u.ms)), median_chunks: Math.round(median(updates.map((u) => u.chunks))), median_triangles: Math.round(median(updates.map((u) => u.triangles))),
      },
    };
    sink += mesh.indices.length;
    volume.dispose();
    frames.length = 0;

    let o3dHead = null, o3dFull = null;
    if (o3dInstalled) {
      const common = ['--dataset', dir, '--trajectory', join(dir, 'trajectory.log'), '--intrinsics', join(dir, 'intrinsics.json'), '--voxel', '0.00005',
        '--trunc', '0.0002', '--depth-scale', String(depthScale * 1000), '--depth-max', String(maxDepth / 1000), '--threads', '1'];
      ctx.log(`fusion: intraoral, Open3D on ${integrateFrames} frames`);
      o3dHead = runPeer(OPEN3D_SCRIPT, [...common, '--frames', String(integrateFrames), '--repeats', String(ctx.repeats)], 1_800_000);
      if (!o3dHead.ok) notes.push(`Open3D on ${integrateFrames} intraoral frames failed: ${o3dHead.error}`);
      ctx.log(`fusion: intraoral, Open3D on the full arch (${total} frames, tensor only, 1 repeat)`);
      o3dFull = runPeer(OPEN3D_SCRIPT, [...common, '--frames', String(total), '--repeats', '1', '--skip-legacy'], 1_800_000);
      if (!o3dFull.ok) notes.push(`Open3D on the full arch (${total} frames) failed: ${o3dFull.error}`);
    }
    return {
      width: ds.intrinsics.width, height: ds.intrinsics.height, voxel_mm: 0.05, write_s, integrate_frames: integrateFrames,
      ours, ours_no_view_weighting: plain, full, open3d: o3dHead, open3d_full: o3dFull,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---- marching cubes ---------------------------------------------------------------------------

/** The peers' torus (vtk_flying_edges.py): grid linspace(-1, 1, n)^3, R 0.6, r 0.25, x fastest. */
function torusField(n) {
  const values = new Float32Array(n * n * n);
  const g = Float32Array.from({ length: n }, (_, i) => -1 + (2 * i) / (n - 1));
  let k = 0;
  for (let z = 0; z < n; z++) for (let y = 0; y < n; y++) for (let x = 0; x < n; x++) {
    const a = g[x], b = g[y], c = g[z];
    values[k++] = Math.sqrt((Math.sqrt(a * a + b * b) - 0.6) ** 2 + c * c) - 0.25;
  }
  return values;
}

/** mc_dense over a resident grid: count, extract and copy out (caller-owned arrays), as the simulator does. */
function denseMarchingCubes(engine, field, n, repeats) {
  const wasm = engine.wasm;
  const resident = wasm.resident('bench', field.byteLength);
  try {
    wasm.scope('bench', (s) => s.write(resident.ptr, field));
    const spacing = 2 / (n - 1);
    const samples = [];
    let triangles = 0;
    for (let r = 0; r < repeats + 1; r++) {
      gc();
      const t = now();
      const mesh = wasm.scope('bench', (s) => {
        const c = s.constants;
        const out = s.out();
        s.call('mc_dense_count', resident.ptr, n, n, n, 0, out);
        const v = s.u32(out + c.MC_OUT_VERTICES), tc = s.u32(out + c.MC_OUT_TRIANGLES);
        const positions = s.alloc(12 * v), indices = s.alloc(12 * tc), cache = s.alloc(20 * n * n);
        const out2 = s.out();
        const status = s.call('mc_dense', resident.ptr, n, n, n, -1, -1, -1, spacing, 0, positions, v, indices, tc, cache, out2);
        if (status < 0) throw new Error(`fusion bench: mc_dense failed (${status})`);
        const vv = s.u32(out2 + c.MC_OUT_VERTICES), tt = s.u32(out2 + c.MC_OUT_TRIANGLES);
        return { positions: s.copyOut(Float32Array, positions, 3 * vv), indices: s.copyOut(Uint32Array, indices, 3 * tt) };
      });
      const elapsed = now() - t;
      if (r > 0) samples.push(elapsed); // the first call is a warm-up
      triangles = mesh.indices.length / 3;
      sink += triangles;
    }
    const m = median(samples);
    return { median_ms: m, samples_ms: samples, triangles, voxels: (n - 1) ** 3, mvoxels_per_s: (n - 1) ** 3 / m / 1e3, mtriangles_per_s: triangles / m / 1e3 };
  } finally {
    resident.release();
  }
}

/**
 * The same torus, scaled so the dense grid's spacing is 0.05 mm, fused into a sparse TSDF at
 * 0.05 mm voxels from exact depth renders of a fine torus mesh (the 12 icosahedron directions and
 * the 8 cube corners, 15 mm away), then extracted.
 */
function sparseTorus(engine, n, repeats) {
  const voxel = 0.05;
  const scale = (voxel * (n - 1)) / 2; // grid units -> mm
  const mesh = torusMesh(0.6 * scale, 0.25 * scale, 1000, 400);
  const k = { width: 320, height: 240, fx: 300, fy: 300, cx: 159.5, cy: 119.5 };
  const t = (1 + Math.sqrt(5)) / 2;
  const dirs = [[-1, t, 0], [1, t, 0], [-1, -t, 0], [1, -t, 0], [0, -1, t], [0, 1, t], [0, -1, -t], [0, 1, -t], [t, 0, -1], [t, 0, 1], [-t, 0, -1], [-t, 0, 1],
    [1, 1, 1], [1, 1, -1], [1, -1, 1], [1, -1, -1], [-1, 1, 1], [-1, 1, -1], [-1, -1, 1], [-1, -1, -1]];
  const distance = 3.5 * scale;
  const volume = createTsdfVolume(engine, { voxelSize: voxel, truncationVoxels: 4, maxMemoryMiB: 512 });
  try {
    for (const d of dirs) {
      const eye = normalize(d).map((x) => distance * x);
      const pose = lookAt(eye, [0, 0, 0], Math.abs(d[2]) > 0.9 * Math.hypot(...d) ? [0, 1, 0] : [0, 0, 1]);
      const depth = renderMesh(engine, mesh, k, pose, 1, 100).depth;
      const r = volume.integrate({ depth }, k, pose, { minDepth: 1, maxDepth: 100 });
      if (r.status !== 'integrated') throw new Error(`fusion bench: torus view ${r.status}: ${r.reason}`);
    }
    const samples = [];
    let triangles = 0;
    for (let r = 0; r < repeats + 1; r++) {
      gc();
      const t0 = now();
      const m = volume.extractMesh();
      const elapsed = now() - t0;
      if (r > 0) samples.push(elapsed);
      triangles = m.indices.length / 3;
    }
    const m = median(samples);
    const voxels = volume.blockCount * 512;
    return {
      median_ms: m, samples_ms: samples, triangles, blocks: volume.blockCount, allocated_voxels: voxels, views: dirs.length,
      mvoxels_per_s: voxels / m / 1e3, mtriangles_per_s: triangles / m / 1e3, torus_mm: { R: 0.6 * scale, r: 0.25 * scale },
    };
  } finally {
    volume.dispose();
  }
}

// ---- report -----------------------------------------------------------------------------------

const peerCell = (peer, value, fmt = ms) => (peer === undefined ? 'not installed' : !peer?.ok ? 'failed' : fmt(value));
const o3dMs = (p, key) => (p?.ok ? p[key]?.median_ms ?? p[key] : null);

function targets(r) {
  const out = [];
  const add = (text, figure, unit, ok, detail) => out.push({ text, figure, unit, status: ok === null ? 'not measured' : ok ? 'met' : 'missed', detail });
  const lr = r.livingroom;
  if (lr) {
    const peer = o3dMs(lr.open3d, 'tensor_integrate_ms_per_frame');
    add('livingroom 640x480, 10 mm: integrate ms/frame <= Open3D tensor VoxelBlockGrid', lr.ours.integrate_mean_ms_per_frame, 'ms',
      peer === null ? null : lr.ours.integrate_mean_ms_per_frame <= peer, peer === null ? 'Open3D not measured' : `Open3D ${ms(peer)} ms (ratio ${ratio(peer / lr.ours.integrate_mean_ms_per_frame)})`);
  }
  const io = r.intraoral;
  add('intraoral 320x240, 0.05 mm: integrate <= 2 ms/frame', io.ours.integrate_median_ms_per_frame, 'ms', io.ours.integrate_median_ms_per_frame <= 2, 'median per frame');
  const fe = r.marching_cubes.vtk?.ok ? r.marching_cubes.vtk.flying_edges : null;
  add('marching cubes: voxels/s >= VTK flying edges (same dense volume)', r.marching_cubes.dense.mvoxels_per_s, 'Mvoxels/s',
    fe ? r.marching_cubes.dense.mvoxels_per_s >= fe.mvoxels_per_s : null, fe ? `VTK ${fe.mvoxels_per_s.toFixed(0)} Mvoxels/s` : 'VTK not measured');
  const peerFull = io.open3d_full?.ok ? io.open3d_full.tensor_extract_ms : null;
  add('full-arch extraction <= 0.5x Open3D extract (same fused frames)', io.full.extract_ms, 'ms',
    peerFull === null ? null : io.full.extract_ms <= 0.5 * peerFull, peerFull === null ? 'Open3D not measured' : `Open3D tensor ${ms(peerFull)} ms (ours / Open3D = ${(io.full.extract_ms / peerFull).toFixed(2)})`);
  add('incremental update of one frame\'s blocks <= 5 ms', io.full.updates.median_ms, 'ms', io.full.updates.median_ms <= 5,
    `median of ${io.full.updates.window[1] - io.full.updates.window[0]} frames, ${io.full.updates.median_chunks} chunks / ${io.full.updates.median_triangles.toLocaleString('en-US')} triangles each`);
  return out;
}

function markdown(r) {
  const parts = [];
  const lr = r.livingroom;
  if (lr) {
    parts.push(`### Livingroom ${lr.width}x${lr.height}, ${lr.frames} frames, 10 mm voxels, Open3D's trajectory`);
    parts.push('');
    const peer = lr.open3d ?? undefined;
    const tensor = o3dMs(lr.open3d, 'tensor_integrate_ms_per_frame'), legacy = o3dMs(lr.open3d, 'legacy_integrate_ms_per_frame');
    parts.push(table(['work', 'scanfuse (view weighting, default)', 'scanfuse (view weighting off)', 'Open3D tensor', 'Open3D legacy', 'tensor / ours', 'legacy / ours'], [
      ['integrate, mean ms/frame', ms(lr.ours.integrate_mean_ms_per_frame), ms(lr.ours_no_view_weighting.integrate_mean_ms_per_frame), peerCell(peer, tensor), peerCell(peer, legacy),
        ratio(tensor / lr.ours.integrate_mean_ms_per_frame), ratio(legacy / lr.ours.integrate_mean_ms_per_frame)],
      ['integrate, median ms/frame', ms(lr.ours.integrate_median_ms_per_frame), ms(lr.ours_no_view_weighting.integrate_median_ms_per_frame), '—', '—', '', ''],
      ['mesh extraction, ms', ms(lr.ours.extract_ms), ms(lr.ours_no_view_weighting.extract_ms), peerCell(peer, lr.open3d?.tensor_extract_ms), peerCell(peer, lr.open3d?.legacy_extract_ms),
        ratio(lr.open3d?.tensor_extract_ms / lr.ours.extract_ms), ratio(lr.open3d?.legacy_extract_ms / lr.ours.extract_ms)],
      ['triangles', lr.ours.triangles.toLocaleString('en-US'), lr.ours_no_view_weighting.triangles.toLocaleString('en-US'),
        peerCell(peer, lr.open3d?.tensor_triangles, (v) => v.toLocaleString('en-US')), peerCell(peer, lr.open3d?.legacy_triangles, (v) => v.toLocaleString('en-US')), '', ''],
      ['blocks / MiB', `${lr.ours.blocks} / ${lr.ours.used_mib.toFixed(1)}`, `${lr.ours_no_view_weighting.blocks} / ${lr.ours_no_view_weighting.used_mib.toFixed(1)}`, '', '', '', ''],
    ]));
    parts.push('');
  }
  const io = r.intraoral;
  parts.push(`### Simulated intraoral ${io.width}x${io.height}, 0.05 mm voxels (PNG frames read back by both sides)`);
  parts.push('');
  const p1 = io.open3d ?? undefined, pf = io.open3d_full ?? undefined;
  const tensor = o3dMs(io.open3d, 'tensor_integrate_ms_per_frame'), legacy = o3dMs(io.open3d, 'legacy_integrate_ms_per_frame');
  parts.push(table(['work', 'scanfuse (default)', 'scanfuse (view weighting off)', 'Open3D tensor', 'Open3D legacy', 'tensor / ours', 'legacy / ours'], [
    [`integrate, mean ms/frame (first ${io.integrate_frames} frames)`, ms(io.ours.integrate_mean_ms_per_frame), ms(io.ours_no_view_weighting.integrate_mean_ms_per_frame),
      peerCell(p1, tensor), peerCell(p1, legacy), ratio(tensor / io.ours.integrate_mean_ms_per_frame), ratio(legacy / io.ours.integrate_mean_ms_per_frame)],
    ['integrate, median ms/frame', ms(io.ours.integrate_median_ms_per_frame), ms(io.ours_no_view_weighting.integrate_median_ms_per_frame), '—', '—', '', ''],
    [`extraction ms (${io.integrate_frames} frames)`, ms(io.ours.extract_ms), ms(io.ours_no_view_weighting.extract_ms), peerCell(p1, io.open3d?.tensor_extract_ms),
      peerCell(p1, io.open3d?.legacy_extract_ms), ratio(io.open3d?.tensor_extract_ms / io.ours.extract_ms), ratio(io.open3d?.legacy_extract_ms / io.ours.extract_ms)],
    [`triangles (${io.integrate_frames} frames)`, io.ours.triangles.toLocaleString('en-US'), io.ours_no_view_weighting.triangles.toLocaleString('en-US'),
      peerCell(p1, io.open3d?.tensor_triangles, (v) => v.toLocaleString('en-US')), peerCell(p1, io.open3d?.legacy_triangles, (v) => v.toLocaleString('en-US')), '', ''],
    [`full arch (${io.full.frames} frames): integrate mean ms/frame`, ms(io.full.integrate_mean_ms_per_frame), '', peerCell(pf, o3dMs(io.open3d_full, 'tensor_integrate_ms_per_frame')), 'not run',
      ratio(o3dMs(io.open3d_full, 'tensor_integrate_ms_per_frame') / io.full.integrate_mean_ms_per_frame), ''],
    ['full arch: extraction ms', ms(io.full.extract_ms), '', peerCell(pf, io.open3d_full?.tensor_extract_ms), 'not run', ratio(io.open3d_full?.tensor_extract_ms / io.full.extract_ms), ''],
    ['full arch: triangles', io.full.triangles.toLocaleString('en-US'), '', peerCell(pf, io.open3d_full?.tensor_triangles, (v) => v.toLocaleString('en-US')), '', '', ''],
    ['full arch: blocks / volume MiB', `${io.full.blocks.toLocaleString('en-US')} / ${io.full.used_mib.toFixed(1)}${io.full.capacity_reached ? ' (capacity reached)' : ''}`, '', '', '', '', ''],
    [`incremental meshUpdates() after one frame, ms (frames ${io.full.updates.window[0]}-${io.full.updates.window[1] - 1})`,
      `median ${ms(io.full.updates.median_ms)}, p90 ${ms(io.full.updates.p90_ms)}, max ${ms(io.full.updates.max_ms)}`, '', '—', '—', '', ''],
  ]));
  parts.push('');
  parts.push(`Incremental updates: ${io.full.updates.median_chunks} chunks (of 8^3 blocks) and ${io.full.updates.median_triangles.toLocaleString('en-US')} triangles re-meshed per frame (median).`);
  parts.push('');
  const mc = r.marching_cubes;
  parts.push(`### Marching cubes, torus SDF (${mc.size}^3 grid, ${((mc.size - 1) ** 3 / 1e6).toFixed(1)} M cubes)`);
  parts.push('');
  const vtk = mc.vtk ?? undefined;
  const row = (label, x, note = '') => [label, ms(x.median_ms), x.triangles.toLocaleString('en-US'), x.mvoxels_per_s.toFixed(0), (x.mtriangles_per_s ?? x.triangles / x.median_ms / 1e3).toFixed(2), note];
  const rows = [row('scanfuse mc_dense (dense kernel, output copied out)', mc.dense, 'same values as VTK')];
  if (mc.vtk?.ok) {
    rows.push(row(`VTK ${mc.vtk.version} vtkFlyingEdges3D (${mc.vtk.threads} thread, ${mc.vtk.smp_backend})`, mc.vtk.flying_edges, `ours / VTK time: ${(mc.dense.median_ms / mc.vtk.flying_edges.median_ms).toFixed(2)}`));
    rows.push(row(`VTK ${mc.vtk.version} vtkMarchingCubes`, mc.vtk.marching_cubes));
    if (mc.vtk.skimage) rows.push(row(`scikit-image ${mc.vtk.skimage.version} marching_cubes`, mc.vtk.skimage));
  } else {
    rows.push(['VTK', vtk === undefined ? 'not installed' : 'failed', '', '', '', '']);
  }
  rows.push([`scanfuse TsdfVolume.extractMesh (sparse: ${mc.sparse.blocks.toLocaleString('en-US')} blocks fused from ${mc.sparse.views} exact renders of the same torus at the same spacing)`,
    ms(mc.sparse.median_ms), mc.sparse.triangles.toLocaleString('en-US'), `${mc.sparse.mvoxels_per_s.toFixed(0)} (allocated voxels)`, mc.sparse.mtriangles_per_s.toFixed(2), 'not the same volume: compare triangles/s']);
  parts.push(table(['method', 'ms', 'triangles', 'Mvoxels/s', 'Mtriangles/s', 'note'], rows));
  parts.push('');
  parts.push('### Targets (figures from this run)');
  parts.push('');
  parts.push(table(['target', 'figure', 'status', 'detail'], r.targets.map((t) => [t.text, `${t.unit === 'ms' ? ms(t.figure) : t.figure.toFixed(0)} ${t.unit}`, t.status, t.detail])));
  parts.push('');
  for (const n of r.notes) parts.push(`- ${n}`);
  return parts.join('\n');
}

/** Runs the fusion bench. `ctx.quick` shrinks everything (harness check only). */
export async function run(ctx = {}) {
  const log = ctx.log ?? (() => {});
  const quick = !!ctx.quick;
  const repeats = Number(process.env.BENCH_FUSION_REPEATS ?? (quick ? 1 : 3));
  const mcSize = Number(process.env.BENCH_FUSION_MC_SIZE ?? (quick ? 64 : 256));
  const c = { quick, log, repeats };
  const notes = [];
  const o3d = probe('open3d');
  const vtkState = probe('vtk');
  if (!o3d.installed) notes.push(`Open3D not installed for ${PYTHON} (${o3d.reason}): ours only; install with: ${INSTALL}`);
  if (!vtkState.installed) notes.push(`VTK not installed for ${PYTHON} (${vtkState.reason}): ours only; install with: ${INSTALL}`);
  const engine = await createEngine();
  try {
    const lr = await livingroom(engine, c, o3d.installed, notes);
    const io = await intraoral(engine, c, o3d.installed, notes);
    log(`fusion: marching cubes, dense ${mcSize}^3 torus`);
    const dense = denseMarchingCubes(engine, torusField(mcSize), mcSize, repeats);
    const sparse = sparseTorus(engine, mcSize, repeats);
    let vtk = null;
    if (vtkState.installed) {
      log('fusion: marching cubes, VTK');
      vtk = runPeer(VTK_SCRIPT, ['--size', String(mcSize), '--repeats', String(repeats), '--threads', '1'], 600_000);
      if (!vtk.ok) notes.push(`VTK failed: ${vtk.error}`);
    }
    const result = {
      name, title,
      config: { quick, repeats, mc_size: mcSize, python: PYTHON },
      versions: { open3d: o3d.installed ? o3d.version : null, vtk: vtkState.installed ? vtkState.version : null },
      livingroom: lr,
      intraoral: io,
      marching_cubes: { size: mcSize, dense, sparse, vtk },
      notes,
      sink,
    };
    notes.push('All single thread (Open3D: OMP_NUM_THREADS=1; VTK: vtkSMPTools with 1 thread). The peers run as subprocesses after our measurements (never at the same time on the 2 cores); they decode their frames before timing, as we do.');
    notes.push('Integrate ms/frame: Open3D reports the mean over the frames of a repeat (median over repeats); "mean ms/frame" is our same statistic, and the ratios use it (peer / ours: > 1 means scanfuse is faster). Our median per frame is shown as well.');
    notes.push('"view weighting off" integrates with Open3D\'s formula (every valid pixel weighs 1); the default also computes per-pixel normals, weights each observation by its viewing cosine and drops grazing ones (< 0.3) and depth edges, which costs time and is what makes the surfaces more accurate (see tests/fusion/tsdf-volume.accuracy.test.ts).');
    notes.push('Open3D\'s VoxelBlockGrid is created with block_count 100000 by the peer script; our volume\'s budget is 512 MiB (its block count is shown). Extraction: ours returns welded vertices with normals and per-vertex confidence in caller-owned arrays; Open3D\'s tensor mesh has positions and normals.');
    notes.push('Marching cubes: VTK, scikit-image and scanfuse\'s mc_dense run on the same dense torus values (computed here with the peers\' formula); the mc_dense time includes the counting pass and copying the mesh out of WASM memory. TsdfVolume.extractMesh works on a sparse volume (only allocated blocks), so its row is the same surface at the same spacing, not the same volume.');
    result.targets = targets(result);
    return { result, markdown: markdown(result) };
  } finally {
    engine.dispose();
  }
}
