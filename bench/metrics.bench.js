// Closest-point queries benchmark: scanfuse's surface index (uniform grid in the WASM core:
// createSurfaceIndex / SurfaceIndex.query, the kernel of trueness and completeness) against
// three-mesh-bvh (MeshBVH / closestPointToPoint) on the same mesh and the same points, measured
// in this process, interleaved (bench/support/measure.js).
// Dataset: the peers' wavy grid (bench/support/meshes.js) at about 500k triangles; query points
// near the surface (a uniform point of a random triangle, moved by up to 0.1 mm per axis).
import * as THREE from 'three';
import { MeshBVH } from 'three-mesh-bvh';
import { createEngine, createSurfaceIndex, surfaceDistances } from '../dist/index.js';
import { ms, pct, ratio, table } from './support/format.js';
import { measureInterleaved } from './support/measure.js';
import { wavyGrid } from './support/meshes.js';

export const name = 'metrics';
export const title = 'Closest-point queries (surface distances for trueness and completeness)';

/** Max distance of every query, mm (three-mesh-bvh: maxThreshold). */
const MAX_DISTANCE = 1;

/** mulberry32, as tests/support/meshes.ts#rng. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * `count` points near the surface, in the order of the triangles they come from (coherent, like
 * a mesh's vertices) and the same points shuffled. Seeded.
 */
function nearSurfacePoints(mesh, count, seed) {
  const r = rng(seed);
  const triangles = mesh.indices.length / 3;
  const coherent = new Float64Array(count * 3);
  for (let i = 0; i < count; i++) {
    const t = Math.min(triangles - 1, Math.floor(((i + r()) / count) * triangles));
    const s = Math.sqrt(r()), u = r();
    const w = [1 - s, s * (1 - u), s * u];
    for (let k = 0; k < 3; k++) {
      let x = 0;
      for (let v = 0; v < 3; v++) x += w[v] * mesh.positions[3 * mesh.indices[3 * t + v] + k];
      coherent[3 * i + k] = x + (r() - 0.5) * 0.2;
    }
  }
  const order = Array.from({ length: count }, (_, i) => i);
  for (let i = count - 1; i > 0; i--) { const j = Math.floor(r() * (i + 1)); [order[i], order[j]] = [order[j], order[i]]; }
  const shuffled = new Float64Array(count * 3);
  order.forEach((from, i) => shuffled.set(coherent.subarray(3 * from, 3 * from + 3), 3 * i));
  return { coherent, shuffled };
}

function check(condition, message) {
  if (!condition) throw new Error(`metrics bench: sanity check failed: ${message}`);
}

/** Keeps results alive so no call can be optimised away. */
let sink = 0;

function threeGeometry(mesh) {
  const g = new THREE.BufferGeometry();
  g.setAttribute('position', new THREE.BufferAttribute(mesh.positions, 3));
  g.setIndex(new THREE.BufferAttribute(mesh.indices.slice(), 1));
  return g;
}

/** three-mesh-bvh queries of every point; returns the distances (Infinity when none within MAX_DISTANCE). */
function threeQueries(bvh, points) {
  const p = new THREE.Vector3();
  const target = { point: new THREE.Vector3(), distance: 0, faceIndex: 0 };
  const n = points.length / 3;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    p.set(points[3 * i], points[3 * i + 1], points[3 * i + 2]);
    const hit = bvh.closestPointToPoint(p, target, 0, MAX_DISTANCE);
    out[i] = hit && hit.distance <= MAX_DISTANCE ? hit.distance : Infinity;
  }
  return out;
}

/** Our distances agree with three-mesh-bvh's on the peer points (not timing). */
function sanityCheck(index, bvh, points) {
  const ours = index.query(points, { maxDistance: MAX_DISTANCE }).distances;
  const theirs = threeQueries(bvh, points);
  let maxError = 0, mismatches = 0;
  for (let i = 0; i < ours.length; i++) {
    if (Number.isFinite(ours[i]) !== Number.isFinite(theirs[i])) mismatches++;
    else if (Number.isFinite(ours[i])) maxError = Math.max(maxError, Math.abs(ours[i] - theirs[i]));
  }
  check(mismatches === 0, `${mismatches} points found by one side only`);
  check(maxError < 1e-5, `max |ours - three-mesh-bvh| = ${maxError} mm`);
  return { maxErrorMm: maxError };
}

function markdown(result) {
  const parts = [];
  const d = result.dataset;
  parts.push(`### ${d.label}`);
  parts.push(`${d.triangles.toLocaleString('en-US')} triangles, ${d.vertices.toLocaleString('en-US')} vertices; grid ${d.grid.cells.join(' x ')} cells of ${d.grid.cellSize.toFixed(3)} mm, ${(d.grid.bytes / 1e6).toFixed(1)} MB; `
    + `query points within ${MAX_DISTANCE} mm (max distance of both sides); our distances equal three-mesh-bvh's within ${d.maxErrorMm.toExponential(1)} mm on the peer points`);
  parts.push('');
  parts.push(table(['operation', 'points', 'scanfuse ms', 'scanfuse rate', 'three-mesh-bvh ms', 'three-mesh-bvh rate', 'speedup (per-round range)'],
    result.rows.map((r) => [r.label, r.points ? r.points.toLocaleString('en-US') : '—', ms(r.ours_ms), r.ours_rate,
      ms(r.three_ms), r.three_rate ?? '—', r.speedup ? `${ratio(r.speedup)} (${ratio(r.speedup_round_range[0])}-${ratio(r.speedup_round_range[1])})` : '—'])));
  parts.push('');
  parts.push('### Targets (figures from this run)');
  parts.push('');
  parts.push(table(['target', 'figure', 'status'], result.targets.map((t) => [t.text, t.figure, t.status])));
  parts.push('');
  parts.push('### Samples (pooled over interleaved rounds)');
  parts.push('');
  parts.push(table(['task', 'n', 'median ms', 'p25-p75 ms', 'min-max ms', 'spread of round medians'],
    Object.entries(result.tasks).map(([id, s]) => [id, s.n, ms(s.median_ms), `${ms(s.p25_ms)}-${ms(s.p75_ms)}`, `${ms(s.min_ms)}-${ms(s.max_ms)}`, pct(s.spread_pct)])));
  parts.push('');
  for (const n of result.notes) parts.push(`- ${n}`);
  return parts.join('\n');
}

const mq = (points, msValue) => `${(points / msValue / 1e3).toFixed(2)} M queries/s`;
const mtri = (triangles, msValue) => `${(triangles / msValue / 1e3).toFixed(2)} M triangles/s`;

/**
 * Runs the metrics bench. `ctx.quick` shrinks everything (for checking the harness, not for
 * figures). `ctx.log` prints progress (stderr). Returns `{ result, markdown }`.
 */
export async function run(ctx = {}) {
  const log = ctx.log ?? (() => {});
  const quick = !!ctx.quick;
  const triangles = Number(process.env.BENCH_METRICS_TRIANGLES ?? (quick ? 50_000 : 500_000));
  const peerPoints = Number(process.env.BENCH_METRICS_PEER_POINTS ?? (quick ? 5_000 : 100_000));
  const bigPoints = Number(process.env.BENCH_METRICS_POINTS ?? (quick ? 50_000 : 1_000_000));
  const measureOptions = quick ? { rounds: 2, timeMs: 100, minIterations: 2 } : {};
  const notes = [];
  const engine = await createEngine();

  const mesh = wavyGrid(triangles);
  const n = mesh.indices.length / 3;
  const peer = nearSurfacePoints(mesh, peerPoints, 1);
  const big = nearSurfacePoints(mesh, bigPoints, 2);
  const geometry = threeGeometry(mesh);
  const bvh = new MeshBVH(geometry);
  const index = createSurfaceIndex(engine, mesh);
  const { maxErrorMm } = sanityCheck(index, bvh, peer.shuffled);
  log(`metrics: ${n} triangles, grid ${index.info.cells.join('x')} (${(index.info.bytes / 1e6).toFixed(1)} MB); sanity check passed`);

  const query = (points) => () => { sink += index.query(points, { maxDistance: MAX_DISTANCE }).foundCount; };
  const tasks = [
    { id: 'ours/build', fn: () => { const i = createSurfaceIndex(engine, mesh); sink += i.info.triangleCount; i.dispose(); } },
    { id: 'three/build', fn: () => { const g = threeGeometry(mesh); sink += new MeshBVH(g).geometry.index.count; } },
    { id: 'ours/query_coherent', fn: query(peer.coherent) },
    { id: 'three/query_coherent', fn: () => { sink += threeQueries(bvh, peer.coherent).length; } },
    { id: 'ours/query_shuffled', fn: query(peer.shuffled) },
    { id: 'three/query_shuffled', fn: () => { sink += threeQueries(bvh, peer.shuffled).length; } },
    { id: 'ours/query_big_coherent', fn: query(big.coherent) },
    { id: 'ours/query_big_shuffled', fn: query(big.shuffled) },
    { id: 'ours/one_shot_big', fn: () => { sink += surfaceDistances(engine, big.coherent, mesh, { maxDistance: MAX_DISTANCE }).foundCount; } },
  ];
  const started = performance.now();
  const stats = await measureInterleaved(tasks, measureOptions,
    (r) => log(`metrics: round ${r + 1} done (${((performance.now() - started) / 1000).toFixed(1)} s)`));
  index.dispose();

  const med = (id) => stats[id].median_ms;
  const roundRange = (oursId, threeId) => {
    const a = stats[oursId].round_medians_ms, b = stats[threeId].round_medians_ms;
    const ratios = a.map((x, i) => b[i] / x).sort((x, y) => x - y);
    return [ratios[0], ratios[ratios.length - 1]];
  };
  const paired = (label, oursId, threeId, points, rate) => ({
    label, points, ours_ms: med(oursId), three_ms: med(threeId),
    ours_rate: rate(med(oursId)), three_rate: rate(med(threeId)),
    speedup: med(threeId) / med(oursId), speedup_round_range: roundRange(oursId, threeId),
  });
  const rows = [
    paired('build (grid vs BVH)', 'ours/build', 'three/build', null, (x) => mtri(n, x)),
    paired('near-surface queries, coherent order', 'ours/query_coherent', 'three/query_coherent', peerPoints, (x) => mq(peerPoints, x)),
    paired('near-surface queries, shuffled', 'ours/query_shuffled', 'three/query_shuffled', peerPoints, (x) => mq(peerPoints, x)),
    { label: 'near-surface queries, coherent order (scanfuse only)', points: bigPoints, ours_ms: med('ours/query_big_coherent'), ours_rate: mq(bigPoints, med('ours/query_big_coherent')) },
    { label: 'near-surface queries, shuffled (scanfuse only)', points: bigPoints, ours_ms: med('ours/query_big_shuffled'), ours_rate: mq(bigPoints, med('ours/query_big_shuffled')) },
    { label: 'surfaceDistances: build + queries, coherent (scanfuse only)', points: bigPoints, ours_ms: med('ours/one_shot_big'), ours_rate: mq(bigPoints, med('ours/one_shot_big')) },
  ];
  // Per-query cost scaled to 1M points; it is only the goal's figure on a mesh of about 500k triangles.
  const goal = med('ours/query_big_coherent') * (1_000_000 / bigPoints);
  const goalShuffled = med('ours/query_big_shuffled') * (1_000_000 / bigPoints);
  const fullSize = n >= 450_000;
  const status = (v) => (!fullSize ? `reported (${n.toLocaleString('en-US')} triangles, not 500k)` : v < 1000 ? 'met' : 'missed');
  const targets = [
    { id: 'million_queries', text: '1M near-surface queries against a 500k-triangle mesh in well under a second (coherent order, like a mesh\'s vertices)',
      figure: `${ms(goal)} ms`, value_ms: goal, status: status(goal) },
    { id: 'million_queries_shuffled', text: 'the same 1M points shuffled (reported against the same 1 s)',
      figure: `${ms(goalShuffled)} ms`, value_ms: goalShuffled, status: status(goalShuffled) },
    { id: 'query_speedup', text: 'queries vs three-mesh-bvh closestPointToPoint, shuffled points (reported, no target)',
      figure: ratio(rows[2].speedup), status: 'reported' },
  ];
  notes.push('speedup = three-mesh-bvh median / scanfuse median (> 1: scanfuse is faster); both use the same max distance and return distances; ours also returns the signed distance and triangle of every point (copied out of WASM memory), three-mesh-bvh the closest point');
  notes.push('three-mesh-bvh runs in this process, interleaved with scanfuse; its build task includes a copy of the index array (MeshBVH reorders it in place), about 1-2 ms');
  notes.push("query points: a uniform point of a random triangle plus up to 0.1 mm per axis; 'coherent' keeps them in triangle order (like a mesh's vertices), 'shuffled' is a random permutation of the same points (our core sorts those by grid cell first)");
  notes.push('one-shot surfaceDistances = build the index + query + free it: what trueness() and completeness() pay per call');
  const result = {
    name, title,
    config: { triangles: n, peer_points: peerPoints, points: bigPoints, max_distance_mm: MAX_DISTANCE, measure: { ...measureOptions }, quick },
    versions: { three: THREE.REVISION },
    dataset: {
      label: `Synthetic wavy grid (peers' generator, --triangles ${triangles})`, triangles: n, vertices: mesh.positions.length / 3,
      grid: index.info, maxErrorMm,
    },
    rows, targets, tasks: stats, notes, sink,
  };
  engine.dispose();
  return { result, markdown: markdown(result) };
}
