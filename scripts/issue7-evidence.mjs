// The measured evidence of issue 7 (NIRI, TimeLapse, quality report, live coverage), printed as
// markdown with each figure's target and met/missed. Needs `npm run build`; the real-data rows
// need ../shared/data. No timing assertions: timings are the benches' job (bench/niri.bench.js,
// bench/timelapse.bench.js, bench/quality.bench.js).
// Usage: node scripts/issue7-evidence.mjs [--json FILE] [--quick]
//   --quick  skips the full-resolution variants (0.2 mm arch lesions, full-grid TimeLapse)
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  compareScans, createEngine, createScanSession, DEFAULT_NIR_OVERLAY_OPTIONS, niriOverlayColors, projectImages, qualityReport, surfaceDistances,
} from '../dist/index.js';
import { fromAxisAngle, invertRigid, multiply, rotationAngle } from '../dist/math/pose.js';
import { buildArchMesh } from '../dist/sim/arch-mesh.js';
import { createArchModel, monthsLater } from '../dist/sim/arch-model.js';
import { createScanSimulator } from '../dist/sim/simulator.js';
import { loadNirTooth } from './nir-tooth-data.mjs';

const { values } = parseArgs({ options: { json: { type: 'string' }, quick: { type: 'boolean', default: false } } });
const DATA = fileURLToPath(new URL('../../shared/data/', import.meta.url));
const engine = await createEngine();
const out = {};
const say = (s = '') => console.log(s);
const verdict = (ok) => (ok ? 'met' : 'MISSED');
const pct = (x) => `${(100 * x).toFixed(2)} %`;

// ---- 1. simulated lesions ---------------------------------------------------------------------
function lesions(spacing, every) {
  const sim = createScanSimulator(engine, { archMesh: { spacing }, seed: 1, arch: { seed: 1 } });
  const images = [];
  for (let i = 0; i < sim.frameCount; i += every) {
    const f = sim.frame(i);
    images.push({ pixels: f.nir, intrinsics: sim.intrinsics, cameraToWorld: f.cameraToWorld });
  }
  const r = projectImages(engine, sim.reference, images);
  const { label, lesion } = sim.reference.vertexAttributes;
  const low = DEFAULT_NIR_OVERLAY_OPTIONS.low;
  let n = 0, above = 0, enamel = 0, enamelAbove = 0, lesionUnseen = 0;
  const perLesion = new Map();
  for (let i = 0; i < label.array.length; i++) {
    if (lesion.array[i]) {
      n++;
      const e = perLesion.get(lesion.array[i]) ?? { n: 0, above: 0 };
      e.n++;
      if (r.nir[i] > low) { above++; e.above++; }
      if (!r.imageCount[i]) lesionUnseen++;
      perLesion.set(lesion.array[i], e);
    } else if (label.array[i] !== 0 && r.imageCount[i] > 0) {
      enamel++;
      if (r.nir[i] > low) enamelAbove++;
    }
  }
  const res = {
    spacing, frames: images.length, of: sim.frameCount, vertices: label.array.length, unseen: r.unseenCount,
    lesionVertices: n, lesionAbove: above, lesionUnseen, lesionShare: above / n, enamelVertices: enamel, enamelAbove, enamelShare: enamelAbove / enamel,
    perLesion: sim.model.lesions.map((l) => ({ id: l.id, kind: l.kind, tooth: l.tooth, ...(perLesion.get(l.id) ?? { n: 0, above: 0 }) })),
  };
  sim.dispose();
  return res;
}
say('## 1. Simulated lesions (arch seed 1, simulator NIR frames with ground-truth poses, default window low = 140)');
say();
say('| reference grid | frames projected | lesion vertices above the window (target >= 90 %) | sound enamel vertices above (target <= 5 %) | per lesion (above / vertices) |');
say('|---|---|---|---|---|');
out.lesions = [];
for (const [spacing, every] of values.quick ? [[0.4, 8]] : [[0.4, 8], [0.2, 4]]) {
  const x = lesions(spacing, every);
  out.lesions.push(x);
  say(`| ${spacing} mm (${x.vertices.toLocaleString('en-US')} vertices) | every ${every}th: ${x.frames} of ${x.of} | ${x.lesionAbove} of ${x.lesionVertices} = ${pct(x.lesionShare)} (${x.lesionUnseen} unseen): ${verdict(x.lesionShare >= 0.9)} `
    + `| ${x.enamelAbove} of ${x.enamelVertices.toLocaleString('en-US')} = ${pct(x.enamelShare)}: ${verdict(x.enamelShare <= 0.05)} | ${x.perLesion.map((l) => `${l.kind}@${l.tooth} ${l.above}/${l.n}`).join(', ')} |`);
}
say();

// ---- 2. the real tooth ---------------------------------------------------------------------------
const TOOTH = `${DATA}nir_overlay/3DNIRmapper_tooth/`;
if (existsSync(TOOTH)) {
  const { mesh, images } = loadNirTooth(TOOTH);
  // Tooth pixel: brighter than the background's mean + 6 sd, measured on the top 150 rows (as tests/conformance/niri-tooth.test.ts).
  const threshold = (g, w) => {
    let s = 0, s2 = 0;
    for (let p = 0; p < 150 * w; p++) { s += g[p]; s2 += g[p] * g[p]; }
    const m = s / (150 * w);
    return m + 6 * Math.sqrt(s2 / (150 * w) - m * m);
  };
  say('## 2. Real tooth (3DNIRmapper, 10,236 vertices, three 1280x1024 images, hand-set cameras)');
  say();
  say('| image | tooth threshold (gray) | visible vertices | of them on tooth pixels |');
  say('|---|---|---|---|');
  out.tooth = [];
  let seenAll = 0, onAll = 0;
  for (const im of images) {
    const t = threshold(im.pixels, im.intrinsics.width);
    const r = projectImages(engine, mesh, [im]);
    let seen = 0, on = 0;
    for (let i = 0; i < r.nir.length; i++) if (r.imageCount[i]) { seen++; if (r.nir[i] > t) on++; }
    seenAll += seen; onAll += on;
    out.tooth.push({ image: im.name, threshold: t, seen, onTooth: on, share: on / seen });
    say(`| ${im.name} | ${t.toFixed(1)} | ${seen.toLocaleString('en-US')} | ${on.toLocaleString('en-US')} = ${pct(on / seen)} |`);
  }
  const all = projectImages(engine, mesh, images);
  const colors = niriOverlayColors(null, all.nir);
  const seenAny = all.nir.length - all.unseenCount;
  say(`| all three, pooled | | ${seenAll.toLocaleString('en-US')} | ${onAll.toLocaleString('en-US')} = ${pct(onAll / seenAll)} |`);
  say();
  say(`Blended: ${seenAny.toLocaleString('en-US')} of ${all.nir.length.toLocaleString('en-US')} vertices seen by at least one image (${pct(seenAny / all.nir.length)}); `
    + `${colors.overlaidCount} of them above the default window (${pct(colors.overlaidCount / seenAny)}).`);
  out.toothBlend = { seen: seenAny, vertices: all.nir.length, overlaid: colors.overlaidCount };
  say();
}

// ---- 3. TimeLapse -------------------------------------------------------------------------------
function vertexNormals(mesh) {
  const p = mesh.positions, idx = mesh.indices, n = new Float64Array(p.length);
  for (let t = 0; t < idx.length; t += 3) {
    const a = idx[t], b = idx[t + 1], c = idx[t + 2];
    const u = [0, 1, 2].map((k) => p[3 * b + k] - p[3 * a + k]), v = [0, 1, 2].map((k) => p[3 * c + k] - p[3 * a + k]);
    const f = [u[1] * v[2] - u[2] * v[1], u[2] * v[0] - u[0] * v[2], u[0] * v[1] - u[1] * v[0]];
    for (const i of [a, b, c]) for (let k = 0; k < 3; k++) n[3 * i + k] += f[k];
  }
  for (let i = 0; i < n.length; i += 3) { const l = Math.hypot(n[i], n[i + 1], n[i + 2]) || 1; n[i] /= l; n[i + 1] /= l; n[i + 2] /= l; }
  return n;
}
const moveMesh = (mesh, m) => {
  const p = mesh.positions, o = new Float32Array(p.length);
  for (let i = 0; i < p.length; i += 3) for (let k = 0; k < 3; k++) o[i + k] = m[k] * p[i] + m[4 + k] * p[i + 1] + m[8 + k] * p[i + 2] + m[12 + k];
  return { ...mesh, positions: o, normals: undefined };
};
function timeLapse(beforeGrid, afterGrid) {
  // As tests/timelapse/helpers.ts: arch seed 3, the later arch scanned in another pose.
  const model = createArchModel({ seed: 3 });
  const before = buildArchMesh(engine, model, { spacing: beforeGrid });
  const later = monthsLater(model);
  const inPlace = buildArchMesh(engine, later.model, { spacing: afterGrid });
  const scanPose = fromAxisAngle([0.3, 0.5, 0.81].map((x) => x / Math.hypot(0.3, 0.5, 0.81)), 0.4, [3, -5, 2]);
  const after = moveMesh(inPlace, scanPose);
  const trueDeviation = surfaceDistances(engine, inPlace, before, { maxDistance: 1 }).signedDistances;
  const labels = inPlace.vertexAttributes.label.array;
  const c = later.changes, back = invertRigid(c.movedTooth.beforeToAfter), normals = vertexNormals(inPlace), p = inPlace.positions;
  const t0 = performance.now();
  const r = compareScans(engine, before, after);
  const ms = performance.now() - t0;
  const err = multiply(scanPose, r.alignment.afterToBefore);
  const teeth = r.perLabel.filter((l) => l.label !== 0);
  const most = teeth.reduce((a, b) => (b.meanAbs > a.meanAbs ? b : a));
  let n = 0, sq = 0, devSum = 0, devAbs = 0, truthSum = 0, truthAbs = 0;
  const perVertex = [];
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] !== c.movedTooth.label || !Number.isFinite(r.deviation[i]) || !Number.isFinite(trueDeviation[i])) continue;
    let td = 0;
    for (let k = 0; k < 3; k++) {
      const q = back[k] * p[3 * i] + back[4 + k] * p[3 * i + 1] + back[8 + k] * p[3 * i + 2] + back[12 + k];
      td += (p[3 * i + k] - q) * normals[3 * i + k];
    }
    n++;
    sq += (r.deviation[i] - trueDeviation[i]) ** 2;
    perVertex.push(Math.abs(r.deviation[i] - td));
    devSum += r.deviation[i]; devAbs += Math.abs(r.deviation[i]); truthSum += td; truthAbs += Math.abs(td);
  }
  perVertex.sort((a, b) => a - b);
  const changed = new Set([c.movedTooth.label, ...c.recession.map((x) => x.label), ...c.wear.map((x) => x.label)]);
  const unchanged = teeth.filter((l) => !changed.has(l.label));
  return {
    grids: [beforeGrid, afterGrid], vertices: [before.positions.length / 3, after.positions.length / 3], ms,
    verdict: r.alignment.verdict, poseErrorDeg: (rotationAngle(err) * 180) / Math.PI, poseErrorUm: 1000 * Math.hypot(err[12], err[13], err[14]),
    movedTooth: c.movedTooth.label, found: most.label, foundMeanAbsUm: 1000 * most.meanAbs, movedVertices: n,
    rmsVsTrueAlignmentUm: 1000 * Math.sqrt(sq / n), meanAbsErrorUm: 1000 * Math.abs(devAbs / n - truthAbs / n), meanErrorUm: 1000 * Math.abs(devSum / n - truthSum / n),
    medianPerVertexErrorUm: 1000 * perVertex[perVertex.length >> 1], p95PerVertexErrorUm: 1000 * perVertex[Math.floor(0.95 * perVertex.length)],
    truthMeanAbsUm: 1000 * truthAbs / n, measuredMeanAbsUm: 1000 * devAbs / n,
    unchanged: unchanged.map((l) => ({ label: l.label, meanUm: 1000 * l.mean, meanAbsUm: 1000 * l.meanAbs })),
    changed: teeth.filter((l) => changed.has(l.label)).map((l) => ({ label: l.label, meanUm: 1000 * l.mean, meanAbsUm: 1000 * l.meanAbs, p95AbsUm: 1000 * l.p95Abs })),
    changes: { moved: c.movedTooth.label, recession: c.recession.map((x) => x.label), wear: c.wear.map((x) => x.label) },
  };
}
say('## 3. TimeLapse on the simulated months-later arch (seed 3; the later arch scanned turned 22.9 degrees and shifted 6.2 mm)');
say();
out.timelapse = [];
for (const [b, a] of values.quick ? [[0.4, 0.4]] : [[0.4, 0.4], [0.2, 0.19]]) {
  const x = timeLapse(b, a);
  out.timelapse.push(x);
  const worstUnchanged = x.unchanged.reduce((w, l) => (l.meanAbsUm > w.meanAbsUm ? l : w));
  const worstSigned = x.unchanged.reduce((w, l) => (Math.abs(l.meanUm) > Math.abs(w.meanUm) ? l : w));
  say(`### grids ${b} mm (before, ${x.vertices[0].toLocaleString('en-US')} vertices) and ${a} mm (after, ${x.vertices[1].toLocaleString('en-US')} vertices); one compareScans call took ${x.ms.toFixed(0)} ms here (not a benchmark)`);
  say();
  say(`- changes: moved tooth ${x.changes.moved}, recession ${x.changes.recession.join(', ')}, wear ${x.changes.wear.join(', ')}`);
  say(`- alignment: ${x.verdict}, ${x.poseErrorDeg.toFixed(4)} degrees and ${x.poseErrorUm.toFixed(2)} µm from the true pose`);
  say(`- moved tooth found (largest mean |deviation| of all teeth): tooth ${x.found} (${x.foundMeanAbsUm.toFixed(1)} µm mean |d|): ${x.found === x.movedTooth ? 'yes' : 'NO'}`);
  say(`- its deviation vs the truth (normal component of the known motion, ${x.movedVertices.toLocaleString('en-US')} vertices): mean |d| ${x.measuredMeanAbsUm.toFixed(1)} µm measured vs ${x.truthMeanAbsUm.toFixed(1)} µm true, `
    + `difference ${x.meanAbsErrorUm.toFixed(1)} µm; mean signed difference ${x.meanErrorUm.toFixed(1)} µm; per-vertex |d - truth| median ${x.medianPerVertexErrorUm.toFixed(1)} µm, p95 ${x.p95PerVertexErrorUm.toFixed(1)} µm `
    + `(target within 20 µm: ${verdict(Math.max(x.meanAbsErrorUm, x.meanErrorUm, x.medianPerVertexErrorUm) < 20)} on the mean and median; RMS vs the deviation at the true alignment ${x.rmsVsTrueAlignmentUm.toFixed(2)} µm)`);
  say(`- unchanged teeth (${x.unchanged.length}): mean deviation ${x.unchanged.map((l) => `${l.label}: ${l.meanUm.toFixed(1)}`).join(', ')} µm; worst |mean| ${Math.abs(worstSigned.meanUm).toFixed(1)} µm (tooth ${worstSigned.label}), worst mean |d| ${worstUnchanged.meanAbsUm.toFixed(1)} µm (tooth ${worstUnchanged.label}) (target < 10 µm: ${verdict(Math.abs(worstSigned.meanUm) < 10)} on the signed mean, ${verdict(worstUnchanged.meanAbsUm < 10)} on mean |d|)`);
  say(`- changed teeth: ${x.changed.map((l) => `${l.label}: mean ${l.meanUm.toFixed(1)}, mean |d| ${l.meanAbsUm.toFixed(1)}, p95 |d| ${l.p95AbsUm.toFixed(1)}`).join('; ')} (µm)`);
  say();
}

// ---- 4. quality report on the real arch ---------------------------------------------------------
const ARCH = `${DATA}dental/mesh_labeler_example01/derived/Example_01.stl`;
if (existsSync(ARCH)) {
  const mesh = engine.readMesh(new Uint8Array(readFileSync(ARCH))).mesh;
  const q = qualityReport(engine, mesh);
  const closed = qualityReport(engine, mesh, { openBorder: false });
  out.quality = { verdict: q.verdict, edges: q.edges, loops: q.boundaryLoopCount, holes: q.holeCount, components: q.componentCount, border: q.border,
    reasons: q.reasons.map((x) => x.message), warnings: q.warnings.map((x) => x.message), closedVerdict: closed.verdict, closedReasons: closed.reasons.map((x) => x.message) };
  say('## 4. qualityReport on the real arch (Example_01.stl, 99,999 triangles)');
  say();
  say(`- verdict: **${q.verdict}**; ${q.vertexCount.toLocaleString('en-US')} vertices, ${q.triangleCount.toLocaleString('en-US')} triangles, ${q.area.toFixed(0)} mm^2`);
  say(`- edges: ${q.edges.total.toLocaleString('en-US')} total, ${q.edges.boundary} boundary, **${q.edges.nonManifold} non-manifold** (target 27: ${verdict(q.edges.nonManifold === 27)}), ${q.edges.misoriented} misoriented`);
  say(`- open border found: ${q.border ? `yes: ${q.border.edgeCount} edges, perimeter ${q.border.perimeter.toFixed(1)} mm, centroid (${q.border.centroid.map((v) => v.toFixed(1)).join(', ')}) mm` : 'NO'}`);
  say(`- ${q.boundaryLoopCount} boundary loops: the border and ${q.holeCount} holes (largest spans ${q.holes[0]?.spannedArea.toFixed(3)} mm^2); ${q.componentCount} components (main ${q.mainComponent.triangleCount.toLocaleString('en-US')} triangles, fragments ${q.fragments.map((f) => `${f.triangleCount} triangles / ${f.area.toFixed(2)} mm^2`).join(', ')})`);
  say(`- reasons (rescan): ${q.reasons.length ? q.reasons.map((x) => x.message).join('; ') : 'none'}`);
  say(`- warnings: ${q.warnings.map((x) => `${x.kind}: ${x.message}`).join('; ')}`);
  say(`- as a model that should be closed (openBorder: false): ${closed.verdict}: ${closed.reasons.map((x) => x.message).join('; ')}`);
  say();
}

// ---- 5. live coverage ---------------------------------------------------------------------------
{
  const frames = 150;
  const sim = createScanSimulator(engine, { archMesh: { spacing: 0.4 }, frames, seed: 1, arch: { seed: 1 } });
  const f0 = sim.frame(0);
  const session = createScanSession(engine, { intrinsics: sim.intrinsics, depthScale: f0.depthScale, initialPose: f0.cameraToWorld });
  const statuses = {};
  const t0 = performance.now();
  for (let i = 0; i < sim.frameCount; i++) {
    const f = sim.frame(i);
    const r = session.pushFrame({ depth: f.depth, timestampMs: f.timestampMs });
    statuses[r.status] = (statuses[r.status] ?? 0) + 1;
  }
  const sessionMs = performance.now() - t0;
  const c = session.coverage();
  const total = c.coveredAreaMm2 + c.lowAreaMm2;
  const v = c.mesh.positions.length / 3;
  out.coverage = { frames: sim.frameCount, statuses, vertices: v, lowVertices: c.lowVertexCount, lowAreaMm2: c.lowAreaMm2, coveredAreaMm2: c.coveredAreaMm2, lowShare: c.lowAreaMm2 / total, minConfidence: c.minConfidence };
  say(`## 5. Live coverage: ScanSession.coverage() after ${sim.frameCount} frames of the default protocol (arch seed 1, 0.4 mm reference, noise seed 1, 0.05 mm voxels)`);
  say();
  say(`- frames: ${Object.entries(statuses).map(([k, n]) => `${n} ${k}`).join(', ')} (${(sessionMs / sim.frameCount).toFixed(0)} ms per frame here, sensor simulation included)`);
  say(`- model: ${v.toLocaleString('en-US')} vertices, ${total.toFixed(1)} mm^2`);
  say(`- low coverage (confidence < ${c.minConfidence}): ${c.lowVertexCount.toLocaleString('en-US')} vertices (${pct(c.lowVertexCount / v)}), ${c.lowAreaMm2.toFixed(1)} mm^2 = ${pct(c.lowAreaMm2 / total)} of the area; covered ${c.coveredAreaMm2.toFixed(1)} mm^2`);
  say();
  session.dispose();
  sim.dispose();
}
if (values.json) writeFileSync(values.json, `${JSON.stringify(out, null, 1)}\n`);
engine.dispose();
