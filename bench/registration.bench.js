// Registration benchmark.
// 1. Point-to-plane ICP on the Stanford bunny pair bun000 -> bun045 (../shared/data) from the
//    start Open3D's peer uses (the truth of bun_dev6.conf perturbed by 10 degrees about a random
//    axis and 10 mm, numpy default_rng(7): the same numbers, drawn by the same Python), scanfuse
//    measured in this process (interleaved rounds, bench/support/measure.js) and Open3D's
//    registration_icp (../shared/peers/open3d_icp.py, legacy KD-tree ICP, 10 mm gate, up to 60
//    iterations, normals precomputed and not timed) run afterwards as a subprocess in the same run.
// 2. Global registration as relocalization uses it: ~1,000 frame points with normals against a
//    ~25,000-point model with normals (the real arch of ../shared/data), from arbitrary poses;
//    one-shot and against a prepared target (createRegistrationTarget).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  createEngine, createRegistrationTarget, estimateNormals, globalRegistration, registerPointClouds,
} from '../dist/index.js';
import { ms, pct, table } from './support/format.js';
import { measureInterleaved } from './support/measure.js';

export const name = 'registration';
export const title = 'Pairwise registration (ICP on the Stanford bunny vs Open3D; global registration)';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SHARED = resolve(process.env.BENCH_SHARED ?? resolve(REPO, '..', 'shared'));
const BUNNY = resolve(SHARED, 'data', 'range_scans', 'stanford_bunny', 'data');
const ARCH_STL = resolve(SHARED, 'data', 'dental', 'mesh_labeler_example01', 'derived', 'Example_01.stl');
const OPEN3D_SCRIPT = resolve(SHARED, 'peers', 'open3d_icp.py');
const PYTHON = process.env.BENCH_PYTHON ?? '/usr/bin/python3';
const PAIR = ['bun000', 'bun045'];

function check(condition, message) {
  if (!condition) throw new Error(`registration bench: sanity check failed: ${message}`);
}

/** mulberry32, as tests/support/meshes.ts#rng. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// ---- 4x4 column-major helpers -------------------------------------------------------------------
const mul = (a, b) => {
  const o = new Float64Array(16);
  for (let c = 0; c < 4; c++) for (let r = 0; r < 4; r++) { let s = 0; for (let k = 0; k < 4; k++) s += a[k * 4 + r] * b[c * 4 + k]; o[c * 4 + r] = s; }
  return o;
};
const invRigid = (m) => {
  const o = new Float64Array(16);
  for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) o[c * 4 + r] = m[r * 4 + c];
  for (let r = 0; r < 3; r++) o[12 + r] = -(o[r] * m[12] + o[4 + r] * m[13] + o[8 + r] * m[14]);
  o[15] = 1;
  return o;
};
/** Rodrigues rotation (unit axis, radians) with translation t. */
const axisAngle = (axis, angle, t = [0, 0, 0]) => {
  const [x, y, z] = axis, c = Math.cos(angle), s = Math.sin(angle), k = 1 - c;
  const R = [c + x * x * k, x * y * k - z * s, x * z * k + y * s, y * x * k + z * s, c + y * y * k, y * z * k - x * s, z * x * k - y * s, z * y * k + x * s, c + z * z * k];
  const m = new Float64Array(16);
  for (let r = 0; r < 3; r++) for (let cc = 0; cc < 3; cc++) m[cc * 4 + r] = R[r * 3 + cc];
  m[12] = t[0]; m[13] = t[1]; m[14] = t[2]; m[15] = 1;
  return m;
};
/** Translation (mm) and rotation (degrees) of truth^-1 estimate (as open3d_icp.py's pose_error). */
const poseError = (est, truth) => {
  const d = mul(invRigid(truth), est);
  return { mm: Math.hypot(d[12], d[13], d[14]), deg: (Math.acos(Math.max(-1, Math.min(1, (d[0] + d[5] + d[10] - 1) / 2))) * 180) / Math.PI };
};
const apply = (m, p) => [0, 1, 2].map((a) => m[a] * p[0] + m[4 + a] * p[1] + m[8 + a] * p[2] + m[12 + a]);

/** bun_dev6.conf: world-from-scan in mm, world = R(q)^T p + t (quaternions normalised). */
function bunnyPoses() {
  const poses = {};
  for (const line of readFileSync(resolve(BUNNY, 'bun_dev6.conf'), 'utf8').split(/\r?\n/)) {
    const w = line.trim().split(/\s+/);
    if (w[0] !== 'bmesh') continue;
    const [tx, ty, tz, x, y, z, w0] = w.slice(2, 9).map(Number);
    const n = Math.hypot(x, y, z, w0), qx = x / n, qy = y / n, qz = z / n, qw = w0 / n;
    const R = [1 - 2 * (qy * qy + qz * qz), 2 * (qx * qy - qz * qw), 2 * (qx * qz + qy * qw), 2 * (qx * qy + qz * qw), 1 - 2 * (qx * qx + qz * qz),
      2 * (qy * qz - qx * qw), 2 * (qx * qz - qy * qw), 2 * (qy * qz + qx * qw), 1 - 2 * (qx * qx + qy * qy)];
    const m = new Float64Array(16);
    for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) m[c * 4 + r] = R[c * 3 + r];
    m[12] = tx * 1000; m[13] = ty * 1000; m[14] = tz * 1000; m[15] = 1;
    poses[w[1].replace(/\.ply$/, '')] = m;
  }
  return poses;
}

/** The peer's perturbation: axis ~ normal(3) normalised, translation ~ normal(3) / sqrt(3) x mm (numpy default_rng(7)). */
function open3dPerturbation(deg, mm) {
  const code = 'import json, numpy as np; r = np.random.default_rng(7); a = r.normal(size=3); t = r.normal(size=3); print(json.dumps([a.tolist(), t.tolist()]))';
  const p = spawnSync(PYTHON, ['-c', code], { encoding: 'utf8', timeout: 60_000 });
  if (p.status !== 0) return null;
  const [a, t] = JSON.parse(p.stdout.trim().split('\n').pop());
  const n = Math.hypot(...a);
  return axisAngle(a.map((v) => v / n), (deg * Math.PI) / 180, t.map((v) => (v / Math.sqrt(3)) * mm));
}

function runOpen3d() {
  const started = performance.now();
  const r = spawnSync(PYTHON, [OPEN3D_SCRIPT, '--pairs', '1', '--bunny', ...PAIR, '--perturb-deg', '10', '--perturb-mm', '10', '--threads', '1'],
    { encoding: 'utf8', timeout: 900_000, maxBuffer: 16 << 20 });
  const wallS = (performance.now() - started) / 1000;
  if (r.status !== 0) return { ok: false, wall_s: wallS, error: `${r.error?.message ?? `exit ${r.status}`}: ${(r.stderr ?? '').trim().split('\n').slice(-3).join(' / ')}` };
  return { ok: true, wall_s: wallS, ...JSON.parse(r.stdout.slice(r.stdout.indexOf('{'))) };
}

function scan(engine, file) {
  const { mesh } = engine.readMesh(new Uint8Array(readFileSync(resolve(BUNNY, `${file}.ply`))), { fileName: `${file}.ply` });
  for (let i = 0; i < mesh.positions.length; i++) mesh.positions[i] *= 1000; // metres -> mm
  return { positions: mesh.positions };
}

let sink = 0;

async function bunnySection(engine, measureOptions, log, notes) {
  if (!existsSync(resolve(BUNNY, 'bun_dev6.conf'))) {
    notes.push(`bunny rows skipped: ${BUNNY} not found`);
    return null;
  }
  const poses = bunnyPoses();
  const src = scan(engine, PAIR[0]), dst = scan(engine, PAIR[1]);
  const truth = mul(invRigid(poses[PAIR[1]]), poses[PAIR[0]]);
  let P = open3dPerturbation(10, 10);
  let startNote = "Open3D's start (numpy default_rng(7) via Python)";
  if (!P) {
    const r = rng(7), a = [r() - 0.5, r() - 0.5, r() - 0.5], n = Math.hypot(...a), t = [r() - 0.5, r() - 0.5, r() - 0.5], tn = Math.hypot(...t);
    P = axisAngle(a.map((v) => v / n), (10 * Math.PI) / 180, t.map((v) => (v / tn) * 10));
    startNote = 'a seeded 10 degree / 10 mm start (numpy unavailable: NOT the same start as Open3D)';
    notes.push(startNote);
  }
  const start = mul(P, truth);
  const startError = poseError(start, truth);
  // Normals for the "given normals" rows, as the peer precomputes its own (not timed).
  const normalsOf = (c) => estimateNormals(engine, c.positions, { radius: 5, maxNeighbours: 30 }).normals;
  const srcN = { positions: src.positions, normals: normalsOf(src) };
  const dstN = { positions: dst.positions, normals: normalsOf(dst) };
  const configs = [
    { id: 'ours/default', label: 'scanfuse registerPointClouds (defaults; normals estimated inside, timed)', run: () => registerPointClouds(engine, src, dst, { initial: start }) },
    { id: 'ours/normals_given', label: 'scanfuse registerPointClouds (normals precomputed, not timed)', run: () => registerPointClouds(engine, srcN, dstN, { initial: start }) },
    {
      id: 'ours/open3d_gate', label: 'scanfuse, one ICP stage with the peer\'s 10 mm gate (normals precomputed)',
      run: () => registerPointClouds(engine, srcN, dstN, { initial: start, maxCorrespondenceDistance: 10, coarseDistance: 10, maxTangentialDistance: 1e9 }),
    },
  ];
  const outcomes = configs.map((c) => {
    const r = c.run();
    const e = poseError(r.sourceToTarget, truth);
    check(Number.isFinite(e.deg) && Number.isFinite(e.mm), `${c.id} pose`);
    return { id: c.id, label: c.label, err_deg: e.deg, err_mm: e.mm, fitness: r.fitness, inlier_rmse: r.inlierRmse, iterations: r.iterations,
      verdict: r.verdict, max_distance: r.maxCorrespondenceDistance };
  });
  log(`registration: bunny ${PAIR.join(' -> ')}: measuring (${configs.length} tasks)`);
  const stats = await measureInterleaved(configs.map((c) => ({ id: c.id, fn: () => { sink += c.run().iterations; } })), measureOptions);
  log(`registration: running Open3D (${OPEN3D_SCRIPT}, --pairs 1)`);
  const o3d = runOpen3d();
  if (!o3d.ok) notes.push(`Open3D run failed: ${o3d.error}`);
  return { pair: PAIR, points: [src.positions.length / 3, dst.positions.length / 3], start: startNote, start_error: startError, outcomes, stats, open3d: o3d };
}

/** Area-weighted vertex normals (a reference model's normals, as a fused model has them). */
function vertexNormals(mesh) {
  const p = mesh.positions, idx = mesh.indices, n = new Float32Array(p.length);
  for (let t = 0; t < idx.length; t += 3) {
    const a = idx[t], b = idx[t + 1], c = idx[t + 2];
    const ux = p[3 * b] - p[3 * a], uy = p[3 * b + 1] - p[3 * a + 1], uz = p[3 * b + 2] - p[3 * a + 2];
    const vx = p[3 * c] - p[3 * a], vy = p[3 * c + 1] - p[3 * a + 1], vz = p[3 * c + 2] - p[3 * a + 2];
    const nx = uy * vz - uz * vy, ny = uz * vx - ux * vz, nz = ux * vy - uy * vx;
    for (const v of [a, b, c]) { n[3 * v] += nx; n[3 * v + 1] += ny; n[3 * v + 2] += nz; }
  }
  for (let i = 0; i < n.length; i += 3) { const l = Math.hypot(n[i], n[i + 1], n[i + 2]) || 1; n[i] /= l; n[i + 1] /= l; n[i + 2] /= l; }
  return n;
}

/**
 * Seeded frames: the ~`count` model vertices nearest a random vertex (every 4th of 4 x count), with
 * 10 µm noise, moved by an arbitrary rotation (90-180 degrees) and up to 50 mm. truth maps the
 * frame back to the model.
 */
function frames(model, normals, n, count, seed) {
  const r = rng(seed), nv = model.positions.length / 3, out = [];
  for (let f = 0; f < n; f++) {
    const c = Math.floor(r() * nv), cp = model.positions.subarray(3 * c, 3 * c + 3);
    const order = [];
    for (let i = 0; i < nv; i++) order.push([Math.hypot(model.positions[3 * i] - cp[0], model.positions[3 * i + 1] - cp[1], model.positions[3 * i + 2] - cp[2]), i]);
    order.sort((x, y) => x[0] - y[0]);
    const picked = order.slice(0, 4 * count).filter((_, j) => j % 4 === 0).map((x) => x[1]);
    const a = [r() - 0.5, r() - 0.5, r() - 0.5], an = Math.hypot(...a);
    const toFrame = axisAngle(a.map((v) => v / an), (Math.PI / 2) * (1 + r()), [r() * 50, r() * 50, r() * 50]);
    const positions = new Float32Array(picked.length * 3), fn = new Float32Array(picked.length * 3);
    picked.forEach((i, j) => {
      positions.set(apply(toFrame, model.positions.subarray(3 * i, 3 * i + 3)).map((v) => v + (r() - 0.5) * 0.02), 3 * j);
      const m = normals.subarray(3 * i, 3 * i + 3);
      fn.set([0, 1, 2].map((k) => toFrame[k] * m[0] + toFrame[4 + k] * m[1] + toFrame[8 + k] * m[2]), 3 * j);
    });
    out.push({ cloud: { positions, normals: fn }, truth: invRigid(toFrame) });
  }
  return out;
}

function maxDisplacement(a, b, positions) {
  let worst = 0;
  for (let i = 0; i < positions.length; i += 3) {
    const p = positions.subarray(i, i + 3), x = apply(a, p), y = apply(b, p);
    worst = Math.max(worst, Math.hypot(x[0] - y[0], x[1] - y[1], x[2] - y[2]));
  }
  return worst;
}

async function globalSection(engine, quick, log, notes) {
  if (!existsSync(ARCH_STL)) {
    notes.push(`global-registration rows skipped: ${ARCH_STL} not found`);
    return null;
  }
  const model = engine.readMesh(new Uint8Array(readFileSync(ARCH_STL)), { weld: true }).mesh;
  const mn = vertexNormals(model);
  const nv = model.positions.length / 3;
  const step = Math.max(1, Math.round(nv / 25000));
  const tp = [], tn = [];
  for (let i = 0; i < nv; i += step) { tp.push(...model.positions.subarray(3 * i, 3 * i + 3)); tn.push(...mn.subarray(3 * i, 3 * i + 3)); }
  const target = { positions: Float32Array.from(tp), normals: Float32Array.from(tn) };
  const list = frames(model, mn, quick ? 3 : 12, 1000, 5);
  const rows = [];
  const runAll = (id, label, call, prepareMs = null, extra = {}) => {
    const times = [], errs = [];
    let ok = 0;
    for (const f of list) {
      const t0 = performance.now();
      const g = call(f.cloud);
      times.push(performance.now() - t0);
      const e = maxDisplacement(g.sourceToTarget, f.truth, f.cloud.positions);
      errs.push(e);
      if (e < 1) ok++;
    }
    const sorted = [...times].sort((a, b) => a - b);
    rows.push({ id, label, frames: list.length, median_ms: sorted[sorted.length >> 1], min_ms: sorted[0], max_ms: sorted[sorted.length - 1],
      success: ok / list.length, median_error_mm: [...errs].sort((a, b) => a - b)[errs.length >> 1], prepare_ms: prepareMs, ...extra });
  };
  log(`registration: global registration, ${list.length} frames of ~1000 points against ${target.positions.length / 3} model points`);
  // Warm-up (compilation tiers), not measured.
  globalRegistration(engine, list[0].cloud, target, { seed: 1 });
  runAll('global/one_shot', 'globalRegistration(frame, model) (defaults: features on ~1000 source points)', (c) => globalRegistration(engine, c, target, { seed: 1 }));
  runAll('global/one_shot_500', 'globalRegistration(frame, model, { featurePoints: 500 })', (c) => globalRegistration(engine, c, target, { seed: 1, featurePoints: 500 }));
  for (const voxelSize of [0.5, 0.7]) {
    const t0 = performance.now();
    const prepared = createRegistrationTarget(engine, target, { voxelSize });
    const prepareMs = performance.now() - t0;
    runAll(`global/prepared_${voxelSize}`, `globalRegistration(frame, createRegistrationTarget(model, { voxelSize: ${voxelSize} }))`,
      (c) => globalRegistration(engine, c, prepared, { seed: 1 }), prepareMs, { target_feature_points: prepared.featurePointCount });
    prepared.dispose();
  }
  notes.push('global rows: a frame counts as a success when the pose moves every frame point to within 1 mm of where the truth does; times are single calls (median of the frames), measured after one warm-up call');
  return { model_points: target.positions.length / 3, frame_points: list.map((f) => f.cloud.positions.length / 3)[0], rows };
}

function markdown(result) {
  const parts = [];
  const b = result.bunny;
  if (b) {
    parts.push(`### ICP on the Stanford bunny ${b.pair.join(' -> ')} (${b.points[0].toLocaleString('en-US')} -> ${b.points[1].toLocaleString('en-US')} points)`);
    parts.push(`Start: ${b.start}; ${b.start_error.deg.toFixed(2)} degrees and ${b.start_error.mm.toFixed(2)} mm from the truth (bun_dev6.conf).`);
    parts.push('');
    const rows = b.outcomes.map((o) => [o.label, ms(b.stats[o.id].median_ms), `${ms(b.stats[o.id].p25_ms)}-${ms(b.stats[o.id].p75_ms)}`, o.err_deg.toFixed(3), o.err_mm.toFixed(3),
      o.fitness.toFixed(3), o.max_distance.toFixed(2), o.iterations, o.verdict]);
    const o = b.open3d;
    if (o?.ok) {
      rows.push([`Open3D ${o.version} registration_icp (point-to-plane, 10 mm gate, <= 60 iterations, ${o.threads} thread; normals precomputed, not timed)`,
        ms(o.bunny.ms), 'one run', o.bunny.err_deg.toFixed(3), o.bunny.err_mm.toFixed(3), o.bunny.fitness.toFixed(3), '10.00', '—', '—']);
    } else rows.push(['Open3D', 'failed', '', '', '', '', '', '', o?.error ?? '']);
    parts.push(table(['run', 'median ms', 'p25-p75 ms', 'error deg', 'error mm', 'fitness', 'gate mm', 'ICP iterations', 'verdict'], rows));
    parts.push('');
  }
  const g = result.global;
  if (g) {
    parts.push(`### Global registration: ~${g.frame_points} frame points with normals against ${g.model_points.toLocaleString('en-US')} model points (real arch), arbitrary poses`);
    parts.push('');
    parts.push(table(['call', 'frames', 'median ms', 'min-max ms', 'success', 'median max error mm', 'target preparation ms (once)'],
      g.rows.map((r) => [r.label, r.frames, ms(r.median_ms), `${ms(r.min_ms)}-${ms(r.max_ms)}`, pct(r.success * 100), r.median_error_mm.toFixed(3),
        r.prepare_ms === null ? '—' : `${ms(r.prepare_ms)} (${r.target_feature_points} feature points)`])));
    parts.push('');
  }
  for (const n of result.notes) parts.push(`- ${n}`);
  return parts.join('\n');
}

/** Runs the registration bench (`ctx.quick`: fewer rounds and frames). Returns `{ result, markdown }`. */
export async function run(ctx = {}) {
  const log = ctx.log ?? (() => {});
  const quick = !!ctx.quick;
  const measureOptions = quick ? { rounds: 2, timeMs: 100, minIterations: 2 } : { rounds: 5, timeMs: 1000, minIterations: 3 };
  const notes = [];
  const engine = await createEngine();
  const bunny = await bunnySection(engine, measureOptions, log, notes);
  const global = await globalSection(engine, quick, log, notes);
  notes.push('error = rotation angle and translation of truth^-1 x result (as open3d_icp.py computes them); fitness = source points with a target point within the gate / source points (each tool with its own gate: compare fitness only at equal gates)');
  notes.push('scanfuse defaults: coarse-to-fine ICP (downsampled stages with gates from 8 voxels down, then every point at 3 x the target point spacing, Tukey weights, tangential gate); Open3D: one stage at 10 mm, no robust kernel');
  notes.push('Open3D runs once as a subprocess after our measurements (its figure is one sample); it also runs one RGB-D pair first (--pairs 1), not timed here');
  const result = { name, title, config: { quick, measure: measureOptions }, bunny, global, notes, sink };
  engine.dispose();
  return { result, markdown: markdown(result) };
}
