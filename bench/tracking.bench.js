// Tracking benchmark: the live ScanSession (frame-to-model ICP + TSDF fusion) as scanner software
// drives it.
// 1. The full simulated lower arch (seed 1, the default protocol sweep, 320x240, 15 µm noise):
//    ms per frame by stage (median), ATE/RPE against the wand's true poses, trueness and
//    completeness of the fused arch. Targets: tracking + integration <= 8 ms/frame, ATE <= 30 µm,
//    trueness <= 15 µm mean, completeness >= 97% of the area the wand saw.
// 2. Open3D on the same simulated frames (../shared/peers/open3d_icp.py, frame-to-frame legacy
//    RGB-D odometry and point-to-plane ICP, single thread), run as a subprocess in the same run. Its
//    parameters are in metres for room scenes; the frames are handed to it scaled x100 (depth scale
//    1e4 raw units per "metre", trajectory translations x100), so its 5 cm gates and normal radius
//    act as 0.5 mm on the arch. Errors are converted back to real µm.
// 3. Lift-off: seeded trials where the wand leaves the mouth (15 frames out of range) and comes back
//    4-12 mm back along the path over scanned teeth; frames from the return to a confirmed pose,
//    and wrong relocalizations (a pose accepted more than 0.5 mm off). Target: >= 95% of the
//    trials recovered within 10 frames, no wrong relocalization.
// 4. Real frames: the ICL-NUIM livingroom (../shared/data/rgbd, 150 frames of 640x480, 10 mm voxels),
//    ATE against Open3D's trajectory shipped with the data, and the relative poses of frames 1-4
//    against the exact ground truth shipped for frames 0-4 (ours and Open3D's trajectory side by side).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  absoluteTrajectoryError, completeness, createEngine, createScanSession, createScanSimulator, formatRedwoodLog, parseRedwoodLog,
  relativePoseError, trueness,
} from '../dist/index.js';
import { readDataset, writeSimulatedDataset } from '../dist/node/index.js';
import { invertRigid, multiply, rotationAngle } from '../dist/math/pose.js';
import { ms, pct, table } from './support/format.js';

export const name = 'tracking';
export const title = 'Live tracking and fusion (ScanSession) on the simulated arch, lift-off recovery, real livingroom frames; Open3D on the same frames';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SHARED = resolve(process.env.BENCH_SHARED ?? resolve(REPO, '..', 'shared'));
const LIVINGROOM = resolve(SHARED, 'data', 'rgbd', 'aicl_livingroom1_clean_micro');
const OPEN3D_SCRIPT = resolve(SHARED, 'peers', 'open3d_icp.py');
const PYTHON = process.env.BENCH_PYTHON ?? '/usr/bin/python3';
/** The simulated frames are given to Open3D scaled by this (its parameters are for rooms, in metres). */
const OPEN3D_SCALE = 100;

const median = (a) => {
  if (!a.length) return NaN;
  const s = [...a].sort((x, y) => x - y);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const um = (v) => (Number.isFinite(v) ? v.toFixed(1) : '—');
const met = (ok) => (ok ? 'met' : 'missed');

/** Translation (µm) of truth^-1 estimate. */
function poseErrorUm(est, truth) {
  const d = multiply(invertRigid(truth), est);
  return Math.hypot(d[12], d[13], d[14]) * 1000;
}

/** mulberry32. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function subsetOfTriangles(mesh, keep) {
  const out = [];
  for (let t = 0; t < keep.length; t++) if (keep[t]) out.push(mesh.indices[3 * t], mesh.indices[3 * t + 1], mesh.indices[3 * t + 2]);
  return { positions: mesh.positions, indices: Uint32Array.from(out) };
}

/** Streams every frame of a simulator through a session (colour and NIR on, as the scan command). */
function streamSession(engine, sim, options = {}) {
  const f0 = sim.frame(0);
  const session = createScanSession(engine, {
    intrinsics: sim.intrinsics, depthScale: f0.depthScale, initialPose: f0.cameraToWorld, colour: true, nir: true, ...options,
  });
  const rows = [];
  for (let i = 0; i < sim.frameCount; i++) {
    const f = i === 0 ? f0 : sim.frame(i);
    const r = session.pushFrame({ depth: f.depth, colour: f.colour, nir: f.nir, timestampMs: f.timestampMs });
    rows.push({ status: r.status, integrated: r.integrated, truth: f.cameraToWorld, segment: f.segment, pose: r.cameraToWorld, timings: r.timings });
  }
  return { session, rows };
}

async function sweepSection(engine, quick, log) {
  const frames = quick ? 40 : undefined;
  const sim = createScanSimulator(engine, { seed: 1, ...(frames ? { frames } : {}) });
  try {
    log(`tracking: simulated sweep, ${sim.frameCount} frames`);
    const t0 = performance.now();
    const { session, rows } = streamSession(engine, sim);
    const wallS = (performance.now() - t0) / 1000;
    try {
      const byStatus = {};
      for (const r of rows) byStatus[r.status] = (byStatus[r.status] ?? 0) + 1;
      const stage = (k, filter = () => true) => median(rows.filter(filter).map((r) => r.timings[k]));
      const tracked = (r) => r.status === 'tracked';
      const est = rows.map((r) => r.pose), truth = rows.map((r) => r.truth);
      const ate = absoluteTrajectoryError(est, truth);
      const rpe = relativePoseError(est, truth);
      const tExtract = performance.now();
      const mesh = session.mesh();
      const extractMs = performance.now() - tExtract;
      log('tracking: scoring the fused arch');
      const t = trueness(engine, mesh, sim.reference, { maxDistance: 0.5 });
      const whole = completeness(engine, mesh, sim.reference, { thresholdUm: 50 });
      const { observed, area } = sim.observedTriangles();
      const seen = completeness(engine, mesh, subsetOfTriangles(sim.reference, observed), { thresholdUm: 50 });
      return {
        frames: sim.frameCount, resolution: [sim.intrinsics.width, sim.intrinsics.height], by_status: byStatus, wall_s: wallS,
        total_ms: stage('totalMs'), track_ms: stage('trackMs', tracked), integrate_ms: stage('integrateMs', (r) => r.integrated),
        track_plus_integrate_ms: median(rows.filter(tracked).map((r) => r.timings.trackMs + r.timings.integrateMs)),
        extract_ms: extractMs, triangles: mesh.indices.length / 3,
        ate_um: ate.rmseUm, ate_aligned_um: ate.alignedRmseUm, ate_max_um: ate.translationUm.max, rot_mean_deg: ate.rotationDeg.mean,
        rpe_rms_um: rpe.translationUm.rms,
        trueness_mean_um: t.meanAbsoluteUm, trueness_rms_um: t.rmsUm, trueness_p95_um: t.p95Um,
        completeness_observed: seen.completeness, completeness_whole: whole.completeness, observed_area_mm2: area, reference_area_mm2: whole.referenceAreaMm2,
      };
    } finally {
      session.dispose();
    }
  } finally {
    sim.dispose();
  }
}

/** Open3D's frame-to-frame odometry and ICP on the first `pairs` pairs of the same simulated frames. */
async function open3dSection(engine, quick, log, notes) {
  if (!existsSync(OPEN3D_SCRIPT)) {
    notes.push(`Open3D rows skipped: ${OPEN3D_SCRIPT} not found`);
    return null;
  }
  const pairs = quick ? 3 : 20;
  const dir = mkdtempSync(join(tmpdir(), 'scanfuse-bench-o3d-'));
  try {
    const sim = createScanSimulator(engine, { seed: 1, frames: pairs + 1 });
    try {
      await writeSimulatedDataset(sim, join(dir, 'ds'), { engine });
      const scaled = sim.trajectory.cameraToWorld.slice(0, pairs + 1).map((m) => {
        const s = Float64Array.from(m);
        s[12] *= OPEN3D_SCALE; s[13] *= OPEN3D_SCALE; s[14] *= OPEN3D_SCALE;
        return s;
      });
      writeFileSync(join(dir, 'scaled.log'), formatRedwoodLog(scaled));
    } finally {
      sim.dispose();
    }
    log(`tracking: Open3D on ${pairs} pairs of the simulated frames`);
    // Raw depth is µm (mm x 1000); scaled metres = real mm x OPEN3D_SCALE / 1000 = raw / (1e6 / OPEN3D_SCALE).
    const depthScale = 1e6 / OPEN3D_SCALE;
    const r = spawnSync(PYTHON, [OPEN3D_SCRIPT, '--dataset', join(dir, 'ds'), '--trajectory', join(dir, 'scaled.log'),
      '--intrinsics', join(dir, 'ds', 'intrinsics.json'), '--pairs', String(pairs), '--depth-scale', String(depthScale),
      '--depth-max', String(30 * OPEN3D_SCALE / 1000), '--threads', '1'], { encoding: 'utf8', timeout: 900_000, maxBuffer: 16 << 20 });
    if (r.status !== 0) {
      notes.push(`Open3D run failed: ${r.error?.message ?? `exit ${r.status}`}: ${(r.stderr ?? '').trim().split('\n').slice(-2).join(' / ')}`);
      return null;
    }
    const o = JSON.parse(r.stdout.slice(r.stdout.indexOf('{')));
    // Errors come back in scaled millimetres: / OPEN3D_SCALE -> mm, x 1000 -> µm.
    const toUm = (v) => (v / OPEN3D_SCALE) * 1000;
    return {
      pairs, version: o.version,
      odometry_ms: o.rgbd_odometry_legacy_hybrid_ms_per_pair.median_ms, odometry_err_um: toUm(o.rgbd_odometry_err_mm_median), odometry_err_deg: o.rgbd_odometry_err_deg_median,
      icp_ms: o.legacy_icp_p2plane_ms_per_pair.median_ms, icp_err_um: toUm(o.legacy_icp_err_mm_median), icp_err_deg: o.legacy_icp_err_deg_median,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function liftOffSection(engine, quick, log) {
  const trials = quick ? 1 : 10;
  const r = rng(2026);
  const out = [];
  for (let k = 0; k < trials; k++) {
    const at = quick ? 40 : 120 + Math.floor(r() * 161);
    const jump = -(4 + r() * 8);
    const seed = 1 + k;
    const sim = createScanSimulator(engine, { seed, arch: { seed }, trajectory: { seed, liftOffAtFrame: at, liftOffJumpMm: jump }, frames: at + 15 + 30 });
    try {
      log(`tracking: lift-off trial ${k + 1}/${trials} (seed ${seed}, frame ${at}, ${jump.toFixed(1)} mm)`);
      const { session, rows } = streamSession(engine, sim, { colour: false, nir: false });
      session.dispose();
      const back = rows.findIndex((x, i) => i > at && x.segment !== 'lift-off');
      let recovered = -1, wrong = 0, lostFrames = 0, relocMs = [];
      for (let i = at; i < rows.length; i++) {
        const x = rows[i];
        if (x.status === 'lost') lostFrames++;
        if (x.timings.relocalizeMs > 0) relocMs.push(x.timings.relocalizeMs);
        const accepted = x.status === 'tracked' || x.status === 'relocalized';
        const err = poseErrorUm(x.pose, x.truth);
        if (accepted && err > 500) wrong++;
        if (recovered < 0 && i >= back && accepted && err <= 100) recovered = i;
      }
      out.push({
        seed, at, jump_mm: jump, back, recovered, frames_to_recover: recovered < 0 ? null : recovered - back + 1, lost_frames: lostFrames, wrong,
        relocalize_ms_max: relocMs.length ? Math.max(...relocMs) : NaN,
      });
    } finally {
      sim.dispose();
    }
  }
  const within = out.filter((t) => t.frames_to_recover !== null && t.frames_to_recover <= 10).length;
  return { trials: out, within_10: within / out.length, wrong: out.reduce((s, t) => s + t.wrong, 0) };
}

async function livingroomSection(engine, quick, log, notes) {
  const trajFile = join(LIVINGROOM, 'open3d_estimated_trajectory_frames_000-149.log');
  if (!existsSync(trajFile)) {
    notes.push(`livingroom rows skipped: ${LIVINGROOM} not found`);
    return null;
  }
  const frames = quick ? 10 : 150;
  const ds = await readDataset(LIVINGROOM, { trajectory: trajFile, frames });
  const gt = parseRedwoodLog(readFileSync(join(LIVINGROOM, 'groundtruth_frames_00000-00004.log'), 'utf8')).cameraToWorld;
  const first = await ds.frame(0);
  const session = createScanSession(engine, {
    intrinsics: ds.intrinsics, depthScale: first.depthScale, minDepth: 300, maxDepth: 4000, voxelSize: 10, initialPose: first.cameraToWorld,
  });
  log(`tracking: livingroom, ${frames} frames`);
  const est = [], o3d = [], track = [], total = [], byStatus = {};
  try {
    for (let i = 0; i < frames; i++) {
      const f = i === 0 ? first : await ds.frame(i);
      const r = session.pushFrame({ depth: f.depth, timestampMs: f.timestampMs });
      byStatus[r.status] = (byStatus[r.status] ?? 0) + 1;
      est.push(r.cameraToWorld); o3d.push(f.cameraToWorld);
      if (r.status === 'tracked') track.push(r.timings.trackMs);
      total.push(r.timings.totalMs);
    }
  } finally {
    session.dispose();
  }
  const ate = absoluteTrajectoryError(est, o3d);
  const rel = (poses, i) => multiply(invertRigid(poses[0]), poses[i]);
  const gtRows = [];
  for (let i = 1; i < Math.min(5, frames, gt.length); i++) {
    const g = rel(gt, i);
    gtRows.push({ frame: i, ours_mm: poseErrorUm(rel(est, i), g) / 1000, open3d_mm: poseErrorUm(rel(o3d, i), g) / 1000,
      ours_deg: (rotationAngle(multiply(invertRigid(g), rel(est, i))) * 180) / Math.PI, open3d_deg: (rotationAngle(multiply(invertRigid(g), rel(o3d, i))) * 180) / Math.PI });
  }
  // Open3D on the same frames (its defaults are for this dataset): frame-to-frame odometry and ICP.
  let open3d = null;
  if (existsSync(OPEN3D_SCRIPT)) {
    log('tracking: Open3D on livingroom pairs');
    const r = spawnSync(PYTHON, [OPEN3D_SCRIPT, '--dataset', LIVINGROOM, '--trajectory', trajFile, '--pairs', String(quick ? 3 : 20), '--threads', '1'],
      { encoding: 'utf8', timeout: 900_000, maxBuffer: 16 << 20 });
    if (r.status === 0) {
      const o = JSON.parse(r.stdout.slice(r.stdout.indexOf('{')));
      open3d = {
        version: o.version, pairs: quick ? 3 : 20, odometry_ms: o.rgbd_odometry_legacy_hybrid_ms_per_pair.median_ms, odometry_err_mm: o.rgbd_odometry_err_mm_median,
        icp_ms: o.legacy_icp_p2plane_ms_per_pair.median_ms, icp_err_mm: o.legacy_icp_err_mm_median,
      };
    } else notes.push(`Open3D livingroom run failed: exit ${r.status}: ${(r.stderr ?? '').trim().split('\n').slice(-2).join(' / ')}`);
  }
  return {
    open3d,
    frames, by_status: byStatus, track_ms: median(track), total_ms: median(total),
    ate_mm: ate.rmseUm / 1000, ate_aligned_mm: ate.alignedRmseUm / 1000, rot_mean_deg: ate.rotationDeg.mean, ground_truth: gtRows,
  };
}

function markdown(res) {
  const p = [];
  const s = res.sweep;
  p.push(`### Simulated lower arch, seed 1: ${s.frames} frames of ${s.resolution.join('x')} (colour and NIR fused), one thread`);
  p.push('');
  p.push(table(['figure', 'measured', 'target', 'status'], [
    ['tracking + integration, ms/frame (median over tracked frames)', ms(s.track_plus_integrate_ms), '<= 8', met(s.track_plus_integrate_ms <= 8)],
    ['  tracking (frame-to-model ICP) / integration, ms/frame', `${ms(s.track_ms)} / ${ms(s.integrate_ms)}`, '', ''],
    ['pushFrame total, ms/frame (median)', ms(s.total_ms), '', ''],
    ['frames', Object.entries(s.by_status).map(([k, v]) => `${v} ${k}`).join(', '), 'all tracked', met(!s.by_status.lost && !s.by_status.rejected)],
    ['ATE RMSE vs the wand\'s true poses, µm (unaligned / aligned)', `${um(s.ate_um)} / ${um(s.ate_aligned_um)}`, '<= 30', met(s.ate_um <= 30)],
    ['ATE max, µm; mean rotation error, deg', `${um(s.ate_max_um)}; ${s.rot_mean_deg.toFixed(4)}`, '', ''],
    ['RPE (consecutive frames) RMS, µm', um(s.rpe_rms_um), '', ''],
    ['trueness of the fused arch: mean abs / RMS / p95, µm', `${s.trueness_mean_um.toFixed(2)} / ${s.trueness_rms_um.toFixed(2)} / ${um(s.trueness_p95_um)}`, '<= 15 mean', met(s.trueness_mean_um <= 15)],
    ['completeness within 50 µm: of the area the wand saw / of the whole arch', `${pct(100 * s.completeness_observed)} / ${pct(100 * s.completeness_whole)}`, '>= 97% (seen)', met(s.completeness_observed >= 0.97)],
    ['mesh extraction (whole arch), ms; triangles', `${ms(s.extract_ms)}; ${s.triangles.toLocaleString('en-US')}`, '', ''],
  ]));
  p.push('');
  const o = res.open3d;
  if (o) {
    p.push(`### Open3D ${o.version} on the first ${o.pairs} pairs of the same frames (frame-to-frame, single thread, frames scaled x${OPEN3D_SCALE} for its room-scale parameters)`);
    p.push('');
    p.push(table(['method', 'ms per frame (median)', 'peer / ours (> 1: scanfuse faster)', 'median error µm', 'median error deg'], [
      ['scanfuse ScanSession tracking (frame-to-model ICP, all frames above)', ms(s.track_ms), '1.00', '(ATE above)', ''],
      ['Open3D legacy RGB-D odometry (hybrid term)', ms(o.odometry_ms), (o.odometry_ms / s.track_ms).toFixed(2), um(o.odometry_err_um), o.odometry_err_deg.toFixed(3)],
      ['Open3D legacy point-to-plane ICP (stride 2, normals not timed)', ms(o.icp_ms), (o.icp_ms / s.track_ms).toFixed(2), um(o.icp_err_um), o.icp_err_deg.toFixed(3)],
    ]));
    p.push('');
  }
  const l = res.liftoff;
  p.push(`### Lift-off: ${l.trials.length} seeded trials (15 frames out of range, return 4-12 mm back over scanned teeth)`);
  p.push('');
  p.push(table(['seed', 'lift-off at', 'jump mm', 'return frame', 'frames to a pose within 100 µm', 'lost frames', 'wrong poses accepted', 'slowest relocalization attempt, ms'],
    l.trials.map((t) => [t.seed, t.at, t.jump_mm.toFixed(1), t.back, t.frames_to_recover ?? 'never', t.lost_frames, t.wrong, ms(t.relocalize_ms_max)])));
  p.push('');
  p.push(`Recovered within 10 frames of the return: ${pct(100 * l.within_10)} (target >= 95%: ${met(l.within_10 >= 0.95)}); wrong relocalizations: ${l.wrong} (target 0: ${met(l.wrong === 0)}).`);
  p.push('');
  const g = res.livingroom;
  if (g) {
    p.push(`### ICL-NUIM livingroom (real frames with synthetic noise), ${g.frames} frames of 640x480, 10 mm voxels`);
    p.push('');
    p.push(`Frames: ${Object.entries(g.by_status).map(([k, v]) => `${v} ${k}`).join(', ')}; tracking ${ms(g.track_ms)} ms/frame, pushFrame ${ms(g.total_ms)} ms/frame (medians).`);
    if (g.open3d) {
      p.push(`Open3D ${g.open3d.version} on the first ${g.open3d.pairs} pairs of the same frames (frame-to-frame, 1 thread): legacy RGB-D odometry ${ms(g.open3d.odometry_ms)} ms/pair`
        + ` (peer / ours ${(g.open3d.odometry_ms / g.track_ms).toFixed(2)}x; median error vs Open3D's trajectory ${g.open3d.odometry_err_mm.toFixed(2)} mm), legacy point-to-plane ICP ${ms(g.open3d.icp_ms)} ms/pair`
        + ` (peer / ours ${(g.open3d.icp_ms / g.track_ms).toFixed(2)}x; ${g.open3d.icp_err_mm.toFixed(2)} mm).`);
    }
    p.push(`ATE against Open3D's estimated trajectory: ${g.ate_mm.toFixed(1)} mm RMSE (aligned ${g.ate_aligned_mm.toFixed(1)} mm), mean rotation ${g.rot_mean_deg.toFixed(3)} deg.`);
    p.push('');
    p.push(table(['frame', 'ours vs ground truth, mm / deg', 'Open3D\'s trajectory vs ground truth, mm / deg'],
      g.ground_truth.map((x) => [x.frame, `${x.ours_mm.toFixed(2)} / ${x.ours_deg.toFixed(3)}`, `${x.open3d_mm.toFixed(2)} / ${x.open3d_deg.toFixed(3)}`])));
    p.push('');
  }
  for (const n of res.notes) p.push(`- ${n}`);
  return p.join('\n');
}

/** Runs the tracking bench (`ctx.quick`: a few frames and one trial). Returns `{ result, markdown }`. */
export async function run(ctx = {}) {
  const log = ctx.log ?? (() => {});
  const quick = !!ctx.quick;
  const notes = [];
  const engine = await createEngine();
  try {
    const sweep = await sweepSection(engine, quick, log);
    const open3d = await open3dSection(engine, quick, log, notes);
    const liftoff = await liftOffSection(engine, quick, log);
    const livingroom = await livingroomSection(engine, quick, log, notes);
    notes.push('Ours is frame-to-model (each frame against a raycast of the fused model), the peers frame-to-frame: equal inputs, not equal work; the error columns are per pair for Open3D and over the whole trajectory for us (ATE).');
    notes.push('Times are single-thread medians on this machine; the session timings come from FrameResult.timings (performance.now around each stage).');
    notes.push('The livingroom ground truth covers frames 0-4 only; beyond that the reference is Open3D\'s own estimate, which drifts (see the table: its frame-4 error against the ground truth).');
    const result = { name, title, quick, sweep, open3d, liftoff, livingroom, notes };
    return { result, markdown: markdown(result) };
  } finally {
    engine.dispose();
  }
}
