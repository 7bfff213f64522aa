// Mesh I/O benchmark: scanfuse readMesh / writeMesh against three.js (STLExporter, STLLoader,
// PLYExporter, PLYLoader) measured in this process, interleaved, and Open3D (read/write_triangle_mesh,
// ../shared/peers/open3d_io.py) run as a subprocess in the same run; plus the memcpy bound.
// Datasets: the 1M-triangle wavy grid of the peers and the real arch (../shared/data, skipped if absent).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as THREE from 'three';
import { PLYExporter } from 'three/examples/jsm/exporters/PLYExporter.js';
import { STLExporter } from 'three/examples/jsm/exporters/STLExporter.js';
import { PLYLoader } from 'three/examples/jsm/loaders/PLYLoader.js';
import { STLLoader } from 'three/examples/jsm/loaders/STLLoader.js';
import { createEngine } from '../dist/index.js';
import { mbs, ms, pct, ratio, table } from './support/format.js';
import { measureInterleaved } from './support/measure.js';
import { wavyGrid } from './support/meshes.js';

export const name = 'io';
export const title = 'Mesh I/O (binary STL and PLY)';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SHARED = resolve(process.env.BENCH_SHARED ?? resolve(REPO, '..', 'shared'));
const ARCH_DIR = resolve(SHARED, 'data', 'dental', 'mesh_labeler_example01', 'derived');
const ARCH_STL = resolve(ARCH_DIR, 'Example_01.stl');
const ARCH_PLY = resolve(ARCH_DIR, 'Example_01_labels.ply');
const OPEN3D_SCRIPT = resolve(SHARED, 'peers', 'open3d_io.py');
const PYTHON = process.env.BENCH_PYTHON ?? '/usr/bin/python3'; // Debian's Python has python3-open3d
export const OPEN3D_INSTALL = 'apt-get update && apt-get install -y python3-open3d';

/** The issue's targets: ours vs three.js, and an absolute rate for STL write. */
const TARGETS = [
  { id: 'stl_write_speedup', op: 'stl_write', kind: 'speedup', min: 10, text: 'binary STL write >= 10x three.js STLExporter' },
  { id: 'stl_write_rate', op: 'stl_write', kind: 'rate', min: 1000, text: 'binary STL write >= 1 GB/s (1,000 MB/s)' },
  { id: 'stl_read_speedup', op: 'stl_read_welded', kind: 'speedup', min: 5, text: 'binary STL read (welded) >= 5x three.js STLLoader' },
  { id: 'stl_read_unwelded_speedup', op: 'stl_read_unwelded', kind: 'speedup', min: null, text: 'binary STL read (unwelded), vs three.js STLLoader (reported, no target)' },
  { id: 'ply_read_speedup', op: 'ply_read', kind: 'speedup', min: 5, text: 'binary PLY read >= 5x three.js PLYLoader' },
  { id: 'ply_write_speedup', op: 'ply_write', kind: 'speedup', min: 5, text: 'binary PLY write >= 5x three.js PLYExporter' },
];

const toArrayBuffer = (u8) => u8.buffer.slice(u8.byteOffset, u8.byteOffset + u8.byteLength);

function threeMesh(mesh) {
  const g = new THREE.BufferGeometry();
  g.setAttribute('position', new THREE.BufferAttribute(mesh.positions, 3));
  g.setIndex(new THREE.BufferAttribute(mesh.indices, 1));
  return new THREE.Mesh(g);
}

function check(condition, message) {
  if (!condition) throw new Error(`io bench: sanity check failed: ${message}`);
}

/** Keeps results alive so no call can be optimised away. */
let sink = 0;

/**
 * Builds the inputs of one dataset and its tasks. `mesh` is what the writers write; `stlBytes` and
 * `plyBytes` are what the readers read (the same bytes for ours and the peer).
 */
function datasetTasks(engine, key, mesh, stlBytes, plyBytes) {
  const tmesh = threeMesh(mesh);
  const stlBuffer = toArrayBuffer(stlBytes); // three.js loaders take an ArrayBuffer
  const plyBuffer = toArrayBuffer(plyBytes);
  const memSrc = new Uint8Array(stlBytes);
  const memDst = new Uint8Array(stlBytes.length);
  const stlExporter = new STLExporter();
  const plyExporter = new PLYExporter();
  const stlLoader = new STLLoader();
  const plyLoader = new PLYLoader();
  const t = (id, fn) => ({ id: `${key}/${id}`, fn });
  return [
    t('ours/stl_write', () => { sink += engine.writeMesh(mesh, { format: 'stl', encoding: 'binary' }).length; }),
    t('three/stl_write', () => { sink += stlExporter.parse(tmesh, { binary: true }).byteLength; }),
    t('ours/stl_read_welded', () => { sink += engine.readMesh(stlBytes, { weld: true }).mesh.indices.length; }),
    t('ours/stl_read_unwelded', () => { sink += engine.readMesh(stlBytes, { weld: false }).mesh.indices.length; }),
    t('three/stl_read', () => { sink += stlLoader.parse(stlBuffer).attributes.position.count; }),
    t('ours/ply_write', () => { sink += engine.writeMesh(mesh, { format: 'ply', encoding: 'binary_little_endian' }).length; }),
    t('three/ply_write', () => { sink += plyExporter.parse(tmesh, null, { binary: true, littleEndian: true }).byteLength; }),
    t('ours/ply_read', () => { sink += engine.readMesh(plyBytes).mesh.indices.length; }),
    t('three/ply_read', () => { sink += plyLoader.parse(plyBuffer).index.count; }),
    t('bound/memcpy_set', () => { memDst.set(memSrc); sink += memDst[memDst.length - 1]; }),
    t('bound/memcpy_slice', () => { sink += memSrc.slice().length; }),
  ];
}

/** Validates that every reader and writer does the same work on this dataset (not timing). */
function sanityCheck(engine, mesh, stlBytes, plyBytes, expectedPlyTriangles) {
  const n = mesh.indices.length / 3;
  const ours = engine.writeMesh(mesh, { format: 'stl' });
  const theirs = new STLExporter().parse(threeMesh(mesh), { binary: true });
  check(ours.length === 84 + 50 * n && theirs.byteLength === ours.length, `STL sizes ${ours.length} / ${theirs.byteLength}`);
  const welded = engine.readMesh(stlBytes, { weld: true }).mesh;
  const unwelded = engine.readMesh(stlBytes, { weld: false }).mesh;
  const stlTriangles = (stlBytes.length - 84) / 50;
  check(welded.indices.length === 3 * stlTriangles && unwelded.positions.length === 9 * stlTriangles, 'STL read triangle counts');
  check(new STLLoader().parse(toArrayBuffer(stlBytes)).attributes.position.count === 3 * stlTriangles, 'three.js STL read count');
  const plyRead = engine.readMesh(plyBytes).mesh;
  check(plyRead.indices.length === 3 * expectedPlyTriangles, `PLY read triangles ${plyRead.indices.length / 3}`);
  check(new PLYLoader().parse(toArrayBuffer(plyBytes)).index.count === 3 * expectedPlyTriangles, 'three.js PLY read count');
  return { weldedVertices: welded.positions.length / 3 };
}

/** Open3D: availability, then open3d_io.py as a subprocess (after our measurements, never concurrently). */
function open3dStatus() {
  const probe = spawnSync(PYTHON, ['-c', 'import open3d; print(open3d.__version__)'], { encoding: 'utf8', timeout: 60_000 });
  if (probe.status === 0) return { installed: true, version: probe.stdout.trim().split('\n').pop() };
  return { installed: false, install: OPEN3D_INSTALL, reason: (probe.error?.message ?? probe.stderr ?? '').trim().split('\n').pop() };
}

function runOpen3d(triangles, repeats) {
  const started = performance.now();
  const r = spawnSync(PYTHON, [OPEN3D_SCRIPT, '--triangles', String(triangles), '--repeats', String(repeats)],
    { encoding: 'utf8', timeout: 240_000, maxBuffer: 16 << 20 });
  const wallS = (performance.now() - started) / 1000;
  if (r.status !== 0) {
    return { ok: false, error: `${r.error?.message ?? `exit ${r.status}`}: ${(r.stderr ?? '').trim().split('\n').slice(-3).join(' / ')}`, wall_s: wallS };
  }
  const text = r.stdout.slice(r.stdout.indexOf('{')); // Open3D may print warnings first
  return { ok: true, wall_s: wallS, ...JSON.parse(text) };
}

/** Open3D's median for one of our operations, or null (Open3D welds on read: no unwelded figure). */
function open3dMedian(o3d, datasetKey, op) {
  const d = o3d?.ok ? o3d[datasetKey === 'synthetic' ? 'synthetic' : 'real_arch'] : null;
  if (!d) return null;
  const map = { stl_write: d.stl?.write, stl_read_welded: d.stl?.read, ply_write: d.ply?.write, ply_read: d.ply?.read };
  return map[op]?.median_ms ?? null;
}

const OPS = [
  { op: 'stl_write', label: 'binary STL write', ours: 'ours/stl_write', three: 'three/stl_write', file: 'stl' },
  { op: 'stl_read_welded', label: 'binary STL read, welded', ours: 'ours/stl_read_welded', three: 'three/stl_read', file: 'stl' },
  { op: 'stl_read_unwelded', label: 'binary STL read, unwelded', ours: 'ours/stl_read_unwelded', three: 'three/stl_read', file: 'stl' },
  { op: 'ply_write', label: 'binary PLY write (LE)', ours: 'ours/ply_write', three: 'three/ply_write', file: 'ply' },
  { op: 'ply_read', label: 'binary PLY read (LE)', ours: 'ours/ply_read', three: 'three/ply_read', file: 'ply' },
];

function summarise(key, label, stats, sizes, o3d) {
  const get = (id) => stats[`${key}/${id}`];
  const memcpyMbs = sizes.stl / get('bound/memcpy_set').median_ms / 1e3;
  const rows = OPS.map((o) => {
    const ours = get(o.ours);
    const three = get(o.three);
    const bytes = o.op === 'ply_write' ? sizes.oursPly : sizes[o.file];
    const threeBytes = o.op === 'ply_write' ? sizes.threePly : sizes[o.file];
    const o3dMs = open3dMedian(o3d, key, o.op);
    // Paired per-round ratios: ours and the peer measured in the same round, seconds apart.
    const roundRatios = three.round_medians_ms.map((t, i) => t / ours.round_medians_ms[i]).sort((a, b) => a - b);
    const oursMbs = bytes / ours.median_ms / 1e3;
    return {
      op: o.op, label: o.label, bytes,
      ours_ms: ours.median_ms, ours_mb_s: oursMbs,
      three_ms: three.median_ms, three_mb_s: threeBytes / three.median_ms / 1e3,
      speedup_vs_three: three.median_ms / ours.median_ms,
      speedup_vs_three_round_range: [roundRatios[0], roundRatios[roundRatios.length - 1]],
      open3d_ms: o3dMs, speedup_vs_open3d: o3dMs === null ? null : o3dMs / ours.median_ms,
      memcpy_time_multiple: memcpyMbs / oursMbs,
    };
  });
  const bounds = [
    { op: 'memcpy_set', label: 'memcpy bound: TypedArray.set into a preallocated array', bytes: sizes.stl, ms: get('bound/memcpy_set').median_ms },
    { op: 'memcpy_slice', label: 'fresh-allocation copy: slice()', bytes: sizes.stl, ms: get('bound/memcpy_slice').median_ms },
  ].map((b) => ({ ...b, mb_s: b.bytes / b.ms / 1e3 }));
  const targets = TARGETS.map((t) => {
    const row = rows.find((r) => r.op === t.op);
    const figure = t.kind === 'rate' ? row.ours_mb_s : row.speedup_vs_three;
    const range = t.kind === 'rate' ? null : row.speedup_vs_three_round_range;
    const status = t.min === null ? 'reported' : figure >= t.min ? 'met' : 'missed';
    return { id: t.id, dataset: key, text: t.text, figure, unit: t.kind === 'rate' ? 'MB/s' : 'x', round_range: range, min: t.min, status };
  });
  return { key, label, sizes, rows, bounds, targets };
}

function markdown(result) {
  const parts = [];
  const o3dHead = result.open3d.installed ? `Open3D ${result.open3d.version ?? ''}`.trim() : 'Open3D';
  for (const d of result.datasets) {
    parts.push(`### ${d.label}`);
    parts.push(`${d.triangles.toLocaleString('en-US')} triangles; STL ${(d.sizes.stl / 1e6).toFixed(2)} MB, PLY read ${(d.sizes.ply / 1e6).toFixed(2)} MB, PLY written ${(d.sizes.oursPly / 1e6).toFixed(2)} MB (scanfuse) / ${(d.sizes.threePly / 1e6).toFixed(2)} MB (three.js)${d.note ? `; ${d.note}` : ''}`);
    parts.push('');
    const o3dCell = (v, fmt) => (result.open3d.installed ? (result.open3d.ok ? fmt(v) : 'failed') : 'not installed');
    parts.push(table(
      ['operation', 'scanfuse ms', 'scanfuse MB/s', 'three.js ms', 'three.js MB/s', 'speedup vs three.js', `${o3dHead} ms`, 'speedup vs Open3D', 'time ÷ memcpy'],
      d.rows.map((r) => [r.label, ms(r.ours_ms), mbs(r.ours_mb_s), ms(r.three_ms), mbs(r.three_mb_s), ratio(r.speedup_vs_three),
        o3dCell(r.open3d_ms, ms), o3dCell(r.speedup_vs_open3d, ratio), ratio(r.memcpy_time_multiple)]),
    ));
    parts.push('');
    parts.push(table(['bound (same STL bytes)', 'ms', 'MB/s'], d.bounds.map((b) => [b.label, ms(b.ms), mbs(b.mb_s)])));
    parts.push('');
  }
  parts.push('### Targets (figures from this run; speedup = three.js median / scanfuse median)');
  parts.push('');
  parts.push(table(['target', 'dataset', 'figure', 'per-round range', 'status'], result.targets.map((t) => [
    t.text, t.dataset, t.unit === 'x' ? ratio(t.figure) : `${mbs(t.figure)} MB/s`,
    t.round_range ? `${ratio(t.round_range[0])}-${ratio(t.round_range[1])}` : '', t.status,
  ])));
  parts.push('');
  parts.push('### Samples (pooled over interleaved rounds)');
  parts.push('');
  parts.push(table(['task', 'n', 'median ms', 'p25-p75 ms', 'min-max ms', 'spread of round medians'],
    Object.entries(result.tasks).map(([id, s]) => [id, s.n, ms(s.median_ms), `${ms(s.p25_ms)}-${ms(s.p75_ms)}`, `${ms(s.min_ms)}-${ms(s.max_ms)}`, pct(s.spread_pct)])));
  parts.push('');
  for (const n of result.notes) parts.push(`- ${n}`);
  return parts.join('\n');
}

/**
 * Runs the io bench. `ctx.quick` shrinks everything (for checking the harness, not for figures).
 * `ctx.log` prints progress (stderr). Returns `{ result, markdown }`.
 */
export async function run(ctx = {}) {
  const log = ctx.log ?? (() => {});
  const quick = !!ctx.quick;
  const triangles = Number(process.env.BENCH_IO_TRIANGLES ?? (quick ? 100_000 : 1_000_000));
  const measureOptions = quick ? { rounds: 2, timeMs: 100, minIterations: 2 } : {};
  const o3dRepeats = Number(process.env.BENCH_OPEN3D_REPEATS ?? (quick ? 2 : 5));
  const notes = [];
  const engine = await createEngine();

  // ---- datasets -------------------------------------------------------------------------
  const datasets = [];
  {
    const mesh = wavyGrid(triangles);
    const n = mesh.indices.length / 3;
    const stl = new Uint8Array(new STLExporter().parse(threeMesh(mesh), { binary: true }).buffer);
    const ply = new Uint8Array(new PLYExporter().parse(threeMesh(mesh), null, { binary: true, littleEndian: true }));
    datasets.push({ key: 'synthetic', label: `Synthetic wavy grid (peers' generator, --triangles ${triangles})`, mesh, stl, ply, plyTriangles: n,
      note: 'readers read the files three.js wrote' });
  }
  const haveArch = existsSync(ARCH_STL) && existsSync(ARCH_PLY);
  if (haveArch) {
    const stl = new Uint8Array(readFileSync(ARCH_STL));
    const ply = new Uint8Array(readFileSync(ARCH_PLY));
    const welded = engine.readMesh(stl, { weld: true }).mesh;
    const mesh = { positions: welded.positions, indices: welded.indices };
    const plyTriangles = engine.readMesh(ply).mesh.indices.length / 3;
    datasets.push({ key: 'arch', label: 'Real arch (Example_01.stl, Example_01_labels.ply)', mesh, stl, ply, plyTriangles,
      note: 'writers write the welded arch (positions + indices); readers read Example_01.stl and Example_01_labels.ply' });
  } else {
    notes.push(`real-arch rows skipped: ${ARCH_STL} or ${ARCH_PLY} not found (the shared data folder is absent)`);
    log(`io: real arch not found under ${ARCH_DIR}: skipping its rows`);
  }

  // ---- our measurements and three.js, interleaved --------------------------------------------
  const stats = {};
  for (const d of datasets) {
    const { weldedVertices } = sanityCheck(engine, d.mesh, d.stl, d.ply, d.plyTriangles);
    d.weldedVertices = weldedVertices;
    const tasks = datasetTasks(engine, d.key, d.mesh, d.stl, d.ply);
    const started = performance.now();
    Object.assign(stats, await measureInterleaved(tasks, measureOptions,
      (r) => log(`io: ${d.key}: round ${r + 1} done (${((performance.now() - started) / 1000).toFixed(1)} s)`)));
  }

  // ---- Open3D (subprocess, after ours: never on the cores at the same time) --------------
  const o3dState = open3dStatus();
  let o3d = null;
  if (o3dState.installed) {
    log(`io: running Open3D ${o3dState.version} (${OPEN3D_SCRIPT}, ${o3dRepeats} repeats)`);
    o3d = runOpen3d(triangles, o3dRepeats);
    if (!o3d.ok) notes.push(`Open3D run failed: ${o3d.error}`);
    else log(`io: Open3D done in ${o3d.wall_s.toFixed(1)} s`);
  } else {
    notes.push(`Open3D not installed (${o3dState.reason}); install with: ${OPEN3D_INSTALL}`);
    log(`io: Open3D not installed; install with: ${OPEN3D_INSTALL}`);
  }

  // ---- summary ------------------------------------------------------------------------------
  const summaries = datasets.map((d) => {
    const threePly = new PLYExporter().parse(threeMesh(d.mesh), null, { binary: true, littleEndian: true }).byteLength;
    const oursPly = engine.writeMesh(d.mesh, { format: 'ply' }).length;
    // stl: the STL read (= the size either writer produces); ply: the PLY read; *Ply: what each writer produced.
    const sizes = { stl: d.stl.length, ply: d.ply.length, oursPly, threePly };
    const s = summarise(d.key, d.label, stats, sizes, o3d);
    return { ...s, triangles: d.mesh.indices.length / 3, welded_vertices: d.weldedVertices, note: d.note };
  });
  notes.push('speedup = peer median / scanfuse median (> 1: scanfuse is faster); MB/s = file bytes / median (1 MB = 1e6 B); time ÷ memcpy = how many times longer than TypedArray.set of the same number of bytes');
  notes.push('three.js runs in this process, interleaved with scanfuse (rounds in alternating order); Open3D runs afterwards as a subprocess and its times include writing/reading a file in a temporary folder (page cache); its PLY stores double-precision vertices, and on the arch it writes/reads its own files (the STL it welded), not Example_01_labels.ply');
  notes.push('three.js STLLoader never welds (it returns a triangle soup with facet normals), so unwelded is the like-for-like row; the target is on welded reads. Open3D welds on read: compared with our welded read');
  if (o3d?.ok) {
    for (const k of ['synthetic', 'real_arch']) {
      const d = o3d[k];
      if (d) notes.push(`Open3D ${k}: ${d.triangles} triangles, STL ${(d.stl.bytes / 1e6).toFixed(2)} MB, PLY ${(d.ply.bytes / 1e6).toFixed(2)} MB, ${o3dRepeats} repeats`);
    }
  }
  const result = {
    name, title,
    config: { triangles, measure: { ...measureOptions }, open3d_repeats: o3dRepeats, quick },
    versions: { three: THREE.REVISION, open3d: o3dState.installed ? o3dState.version : null },
    open3d: { ...o3dState, ok: o3d?.ok ?? false, raw: o3d },
    datasets: summaries,
    targets: summaries.flatMap((s) => s.targets),
    tasks: stats,
    notes,
    sink,
  };
  engine.dispose();
  return { result, markdown: markdown(result) };
}
