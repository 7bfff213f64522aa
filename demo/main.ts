// The live demo page: a simulated intraoral scan streamed through the scanfuse engine worker
// (simulator, tracking, fusion, comparisons and reports all run in the worker), rendered with
// three.js from incremental mesh chunks. State and main-thread long tasks are exposed on
// window.__scanfuseDemo for the e2e test.
import * as THREE from 'three';
import { OrbitControls } from 'three/examples/jsm/controls/OrbitControls.js';
import {
  HEATMAP_STOPS, LOW_COVERAGE_RGB, COVERED_RGB, createArchModel, monthsLater, niriOverlayColors,
  type Mesh, type MeshChunkUpdate, type QualityReport, type ScanComparison,
} from 'scanfuse';
import { createWorkerEngine, type RemoteScanSession, type RemoteScanSimulator, type WorkerEngine } from 'scanfuse/worker';
import { DEMO_MIN_CONFIDENCE, DEMO_SESSION, DEMO_SIMULATOR, DEMO_UPDATE_EVERY } from './scan-config.js';

// ---- state exposed to tests -------------------------------------------------------------------
interface DemoState {
  state: 'loading' | 'scanning' | 'done' | 'error';
  framesDone: number;
  frameCount: number;
  /** Triangles of the streamed chunks shown now. */
  triangles: number;
  chunks: number;
  /** Frames per second of the streamed scan (frames / wall time from first push to last result). */
  fps: number;
  scanSeconds: number;
  statuses: Record<string, number>;
  /** Main-thread long tasks (>= 50 ms) while scanning and overall. */
  longTasks: { count: number; maxMs: number; totalCount: number; totalMaxMs: number; entries: Array<{ startMs: number; durationMs: number; frame: number }> };
  /** Chunk updates applied per animation frame (time-sliced): calls, the longest, total ms, the longest queue. */
  apply: { count: number; maxMs: number; totalMs: number; pendingMax: number };
  niri: boolean;
  quality: { verdict: string; reasons: string[]; warnings: string[]; triangleCount: number } | null;
  timelapse: { state: string; meanAbsUm?: number; p95AbsUm?: number; fractionAbove?: number; verdict?: string } | null;
  dropped: { name: string; triangles: number; verdict: string; compared: boolean; meanAbsUm?: number } | null;
  exports: number;
  view: 'scan' | 'timelapse' | 'dropped';
  /** Renders (three.js render calls, main thread), their longest and total time, ms. */
  render: { count: number; maxMs: number; totalMs: number; slow: Array<{ frame: number; ms: number; triangles: number }> };
  errors: string[];
}
const demo: DemoState = {
  state: 'loading', framesDone: 0, frameCount: 0, triangles: 0, chunks: 0, fps: 0, scanSeconds: 0, statuses: {},
  longTasks: { count: 0, maxMs: 0, totalCount: 0, totalMaxMs: 0, entries: [] },
  apply: { count: 0, maxMs: 0, totalMs: 0, pendingMax: 0 }, niri: false, quality: null, timelapse: null, dropped: null,
  exports: 0, view: 'scan', render: { count: 0, maxMs: 0, totalMs: 0, slow: [] }, errors: [],
};
(window as unknown as { __scanfuseDemo: DemoState }).__scanfuseDemo = demo;

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;
function fail(where: string, e: unknown): void {
  const message = `${where}: ${(e as { code?: string })?.code ?? ''} ${(e as Error)?.message ?? String(e)}`;
  demo.errors.push(message);
  $('errors').textContent = demo.errors.join('\n');
}

let scanning = false;
if (typeof PerformanceObserver !== 'undefined' && PerformanceObserver.supportedEntryTypes?.includes('longtask')) {
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      demo.longTasks.totalCount++;
      demo.longTasks.totalMaxMs = Math.max(demo.longTasks.totalMaxMs, e.duration);
      if (scanning) {
        demo.longTasks.count++;
        demo.longTasks.maxMs = Math.max(demo.longTasks.maxMs, e.duration);
        demo.longTasks.entries.push({ startMs: Math.round(e.startTime), durationMs: Math.round(e.duration), frame: demo.framesDone });
      }
    }
  }).observe({ type: 'longtask', buffered: true });
}

// ---- three.js ---------------------------------------------------------------------------------
const view = $('view');
const renderer = new THREE.WebGLRenderer({ antialias: true, preserveDrawingBuffer: true });
renderer.setPixelRatio(1);
view.appendChild(renderer.domElement);
const scene = new THREE.Scene();
scene.background = new THREE.Color(0x1c1f24);
const camera = new THREE.PerspectiveCamera(40, 1, 0.5, 1000);
camera.up.set(0, 0, 1);
const controls = new OrbitControls(camera, renderer.domElement);
scene.add(new THREE.HemisphereLight(0xffffff, 0x404040, 1.6));
const headLight = new THREE.DirectionalLight(0xffffff, 1.6);
camera.add(headLight);
scene.add(camera);
const scanGroup = new THREE.Group();
const otherGroup = new THREE.Group();
scene.add(scanGroup, otherGroup);
const material = new THREE.MeshStandardMaterial({ vertexColors: true, roughness: 0.55, metalness: 0 });
let dirty = true;
controls.addEventListener('change', () => { dirty = true; });

function resize(): void {
  const w = view.clientWidth, h = view.clientHeight;
  renderer.setSize(w, h, false);
  camera.aspect = w / Math.max(1, h);
  camera.updateProjectionMatrix();
  dirty = true;
}
new ResizeObserver(resize).observe(view);
resize();
/** While scanning, render at most every SCAN_RENDER_INTERVAL_MS: the software rasterizer of a GPU-less machine shares the cores with the worker. */
const SCAN_RENDER_INTERVAL_MS = 100;
const SCAN_PIXEL_RATIO = 0.5;
let lastRender = 0;
function loop(now: number): void {
  // Building chunk geometry and rendering (which uploads the new buffers) never share one task:
  // a frame that applied updates renders on the next one.
  // A render uploads the geometry added since the previous one: keep that bounded too.
  const renderDue = dirty && (!scanning || now - lastRender >= SCAN_RENDER_INTERVAL_MS || trianglesSinceRender >= UPLOAD_BUDGET_TRIANGLES);
  if (pendingUpdates.size > 0 && !renderDue && trianglesSinceRender < UPLOAD_BUDGET_TRIANGLES) {
    drainUpdates(APPLY_BUDGET_MS);
    requestAnimationFrame(loop);
    return;
  }
  if (renderDue) {
    dirty = false;
    trianglesSinceRender = 0;
    lastRender = now;
    const t = performance.now();
    controls.update();
    renderer.render(scene, camera);
    const ms = performance.now() - t;
    demo.render.count++;
    if (scanning && ms > 30) demo.render.slow.push({ frame: demo.framesDone, ms: Math.round(ms), triangles: demo.triangles });
    demo.render.maxMs = Math.max(demo.render.maxMs, ms);
    demo.render.totalMs += ms;
  }
  requestAnimationFrame(loop);
}
requestAnimationFrame(loop);

/** Looks at a box from the front and above (world: x patient's left, y anterior, z occlusal). */
function frame(box: THREE.Box3): void {
  const c = box.getCenter(new THREE.Vector3());
  const size = box.getSize(new THREE.Vector3()).length();
  camera.position.set(c.x, c.y - 0.6 * size, c.z + 1.1 * size);
  controls.target.copy(c);
  camera.near = size / 100;
  camera.far = size * 20;
  camera.updateProjectionMatrix();
  dirty = true;
}

/** The wand's viewing frustum (camera coordinates: x right, y down, +z forward), drawn at its pose. */
function makeFrustum(width: number, height: number, fx: number, fy: number, cx: number, cy: number, depth: number): THREE.LineSegments {
  const corner = (u: number, v: number) => new THREE.Vector3(((u - cx) / fx) * depth, ((v - cy) / fy) * depth, depth);
  const o = new THREE.Vector3();
  const [a, b, c, d] = [corner(0, 0), corner(width, 0), corner(width, height), corner(0, height)];
  const pts = [o, a, o, b, o, c, o, d, a, b, b, c, c, d, d, a];
  const g = new THREE.BufferGeometry().setFromPoints(pts);
  const lines = new THREE.LineSegments(g, new THREE.LineBasicMaterial({ color: 0x4fd1ff }));
  lines.matrixAutoUpdate = false;
  return lines;
}
let frustum: THREE.LineSegments | null = null;

// ---- chunks and colours -----------------------------------------------------------------------
interface Chunk { mesh: THREE.Mesh; nir: Uint8Array | null; confidence: Float32Array; base: Uint8Array }
const chunks = new Map<string, Chunk>();

function niriOptions() {
  const low = Number($<HTMLInputElement>('niri-low').value), high = Number($<HTMLInputElement>('niri-high').value);
  return { low: Math.min(low, high - 1), high: Math.max(high, low + 1), opacity: Number($<HTMLInputElement>('niri-opacity').value) };
}

/** Coverage colours (grey below DEMO_MIN_CONFIDENCE, as ScanSession.coverage) or, with NIRI on, the NIR image as grey with the overlay ramp. */
function chunkColours(c: Chunk): Uint8Array {
  if (!demo.niri || !c.nir) return c.base;
  const grey = new Uint8Array(3 * c.nir.length);
  for (let i = 0; i < c.nir.length; i++) grey[3 * i] = grey[3 * i + 1] = grey[3 * i + 2] = c.nir[i];
  return niriOverlayColors(grey, c.nir, niriOptions()).array as Uint8Array;
}

/**
 * Chunk updates wait here and are applied a few milliseconds' worth per animation frame (the
 * newest update of a chunk replaces a waiting older one), so building geometry never blocks the
 * main thread for long, however many chunks one meshUpdates() call returns.
 */
const pendingUpdates = new Map<string, MeshChunkUpdate>();
const APPLY_BUDGET_MS = 6;
/** New triangles one render may upload to the GPU (a software GL spends ~0.5 ms per thousand; at 40,000 a first render plus its paint reached 51 ms once in CI). */
const UPLOAD_BUDGET_TRIANGLES = 20_000;
let trianglesSinceRender = 0;
function queueUpdates(updates: MeshChunkUpdate[]): void {
  for (const u of updates) { pendingUpdates.delete(u.key); pendingUpdates.set(u.key, u); }
  demo.apply.pendingMax = Math.max(demo.apply.pendingMax, pendingUpdates.size);
}
function drainUpdates(budgetMs: number): void {
  if (pendingUpdates.size === 0) return;
  const t0 = performance.now();
  const batch: MeshChunkUpdate[] = [];
  for (const [key, u] of pendingUpdates) {
    pendingUpdates.delete(key);
    applyUpdates([u]);
    batch.push(u);
    trianglesSinceRender += (u.mesh?.indices.length ?? 0) / 3;
    if (performance.now() - t0 >= budgetMs || trianglesSinceRender >= UPLOAD_BUDGET_TRIANGLES) break;
  }
  const ms = performance.now() - t0;
  demo.apply.count++;
  demo.apply.maxMs = Math.max(demo.apply.maxMs, ms);
  demo.apply.totalMs += ms;
}

function applyUpdates(updates: MeshChunkUpdate[]): void {
  for (const u of updates) {
    const old = chunks.get(u.key);
    if (old) {
      scanGroup.remove(old.mesh);
      old.mesh.geometry.dispose();
      chunks.delete(u.key);
    }
    if (!u.mesh || u.mesh.indices.length === 0) continue;
    const m = u.mesh;
    const confidence = m.vertexAttributes!.confidence.array as Float32Array;
    const base = new Uint8Array(3 * confidence.length);
    for (let i = 0; i < confidence.length; i++) {
      const rgb = confidence[i] < DEMO_MIN_CONFIDENCE ? LOW_COVERAGE_RGB : COVERED_RGB;
      base[3 * i] = rgb[0]; base[3 * i + 1] = rgb[1]; base[3 * i + 2] = rgb[2];
    }
    const g = new THREE.BufferGeometry();
    g.setAttribute('position', new THREE.BufferAttribute(m.positions, 3));
    if (m.normals) g.setAttribute('normal', new THREE.BufferAttribute(m.normals, 3));
    g.setIndex(new THREE.BufferAttribute(m.indices, 1));
    const c: Chunk = { mesh: new THREE.Mesh(g, material), nir: (m.vertexAttributes?.nir?.array as Uint8Array) ?? null, confidence, base };
    g.setAttribute('color', new THREE.BufferAttribute(chunkColours(c), 3, true));
    if (!m.normals) g.computeVertexNormals();
    scanGroup.add(c.mesh);
    chunks.set(u.key, c);
  }
  let t = 0;
  for (const c of chunks.values()) t += (c.mesh.geometry.index?.count ?? 0) / 3;
  demo.triangles = t;
  demo.chunks = chunks.size;
  dirty = true;
}

function recolour(): void {
  for (const c of chunks.values()) {
    c.mesh.geometry.setAttribute('color', new THREE.BufferAttribute(chunkColours(c), 3, true));
  }
  dirty = true;
}

function meshObject(m: Mesh, colours?: Uint8Array): THREE.Mesh {
  const g = new THREE.BufferGeometry();
  g.setAttribute('position', new THREE.BufferAttribute(m.positions, 3));
  g.setIndex(new THREE.BufferAttribute(m.indices, 1));
  if (m.normals && m.normals.length === m.positions.length) g.setAttribute('normal', new THREE.BufferAttribute(m.normals, 3));
  else g.computeVertexNormals();
  const rgb = colours ?? new Uint8Array(m.positions.length).fill(215);
  g.setAttribute('color', new THREE.BufferAttribute(rgb, 3, true));
  return new THREE.Mesh(g, material);
}

let scanBox: THREE.Box3 | null = null;
function show(which: DemoState['view']): void {
  if (which !== 'dropped' && demo.view === 'dropped' && scanBox) frame(scanBox);
  demo.view = which;
  scanGroup.visible = which === 'scan';
  if (frustum) frustum.visible = which === 'scan';
  otherGroup.visible = which !== 'scan';
  $('colorbar').style.display = which === 'scan' ? 'none' : 'block';
  dirty = true;
}

function colourBar(title: string, range: number): void {
  const stops = HEATMAP_STOPS.map((s, i) => `rgb(${s.join(',')}) ${(100 * i) / (HEATMAP_STOPS.length - 1)}%`);
  const bar = $('colorbar');
  (bar.querySelector('.title') as HTMLElement).textContent = title;
  (bar.querySelector('.bar') as HTMLElement).style.background = `linear-gradient(to right, ${stops.join(', ')})`;
  (bar.querySelector('.labels') as HTMLElement).innerHTML = [-range, -range / 2, 0, range / 2, range]
    .map((v) => `<span>${v > 0 ? '+' : ''}${(v * 1000).toFixed(0)} µm</span>`).join('');
}

function copyMesh(m: Mesh): Mesh {
  return { positions: m.positions.slice(), indices: m.indices.slice(), ...(m.normals ? { normals: m.normals.slice() } : {}) };
}

function hud(): void {
  const s = demo;
  $('hud').textContent = `${s.state}  frame ${s.framesDone}/${s.frameCount}  ${s.fps.toFixed(1)} frames/s\n`
    + `${s.triangles.toLocaleString('en-US')} triangles in ${s.chunks} chunks\n`
    + `long tasks while scanning: ${s.longTasks.count} (max ${s.longTasks.maxMs.toFixed(0)} ms)`;
}

// ---- the scan ---------------------------------------------------------------------------------
let engine: WorkerEngine;
let simulator: RemoteScanSimulator;
let session: RemoteScanSession | null = null;
const newWorker = () => new Worker(new URL('./scan-worker.ts', import.meta.url), { type: 'module' });

async function scan(): Promise<void> {
  for (const c of chunks.values()) { scanGroup.remove(c.mesh); c.mesh.geometry.dispose(); }
  chunks.clear();
  await session?.dispose();
  const first = simulator.trajectory.cameraToWorld[0];
  session = await engine.createScanSession({ ...DEMO_SESSION, intrinsics: simulator.intrinsics, depthScale: simulator.depthScale, initialPose: first });
  demo.state = 'scanning';
  demo.framesDone = 0;
  demo.statuses = {};
  demo.quality = null;
  // Fewer pixels while scanning: a software rasterizer's frame must stay well under 50 ms. The
  // canvas is resized (a new drawing buffer, up to ~100 ms in a software GL) before streaming starts.
  renderer.setPixelRatio(SCAN_PIXEL_RATIO);
  resize();
  // Draw a chunk-like mesh once at the scanning size (a software GL compiles its routines on the
  // first draw of each vertex layout and target), then the empty scene.
  const warm = meshObject({ positions: new Float32Array([0, 0, 0, 1, 0, 0, 0, 1, 0]), indices: new Uint32Array([0, 1, 2]), normals: new Float32Array([0, 0, 1, 0, 0, 1, 0, 0, 1]) });
  scanGroup.add(warm);
  renderer.render(scene, camera);
  scanGroup.remove(warm);
  warm.geometry.dispose();
  renderer.render(scene, camera);
  // Let the resize, the first render at the new size and anything left from loading settle.
  for (let k = 0; k < 3; k++) await new Promise((r) => requestAnimationFrame(r));
  await new Promise((r) => setTimeout(r, 200));
  scanning = true;
  const started = performance.now();
  for (let i = 0; i < simulator.frameCount; i++) {
    const r = await session.pushSimulatorFrame(simulator, i);
    demo.statuses[r.status] = (demo.statuses[r.status] ?? 0) + 1;
    demo.framesDone = i + 1;
    if (frustum) { frustum.matrix.fromArray(r.cameraToWorld); frustum.matrixWorldNeedsUpdate = true; }
    if ((i + 1) % DEMO_UPDATE_EVERY === 0 || i === simulator.frameCount - 1) queueUpdates(await session.meshUpdates());
    demo.scanSeconds = (performance.now() - started) / 1000;
    demo.fps = demo.framesDone / demo.scanSeconds;
    hud();
    dirty = true;
  }
  // The last chunks go in over the next animation frames, still within the budget.
  while (pendingUpdates.size > 0) await new Promise((r) => requestAnimationFrame(r));
  scanning = false;
  renderer.setPixelRatio(1);
  resize();
  demo.state = 'done';
  hud();
  await inspectScan();
}

async function inspectScan(): Promise<void> {
  const report = await engine.qualityReport(await session!.mesh());
  demo.quality = { verdict: report.verdict, reasons: report.reasons.map((r) => r.message), warnings: report.warnings.map((w) => w.message), triangleCount: report.triangleCount };
  $('quality').innerHTML = qualityHtml(report);
  for (const id of ['rescan', 'timelapse', 'export-stl', 'export-ply', 'show-scan']) $<HTMLButtonElement>(id).disabled = false;
}

function qualityHtml(r: QualityReport): string {
  const list = (items: { message: string }[]) => items.length ? `<ul>${items.map((i) => `<li>${escapeHtml(i.message)}</li>`).join('')}</ul>` : '<div class="muted">none</div>';
  return `<div class="verdict-${r.verdict}">${r.verdict === 'ready' ? 'ready' : 'needs rescan'}</div>`
    + `<div class="muted">${r.triangleCount.toLocaleString('en-US')} triangles, ${r.area.toFixed(0)} mm², ${r.holeCount} holes, ${r.componentCount} components</div>`
    + `<div>reasons:</div>${list(r.reasons)}<div>warnings:</div>${list(r.warnings)}`;
}

const escapeHtml = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

function comparisonText(c: ScanComparison): string {
  const s = c.stats;
  return `alignment ${c.alignment.verdict} (fitness ${c.alignment.fitness.toFixed(2)}); mean |dev| ${(s.meanAbs * 1000).toFixed(0)} µm, `
    + `p95 ${(s.p95Abs * 1000).toFixed(0)} µm, ${(100 * s.fractionAbove).toFixed(1)} % of the area beyond ${(1000 * 0.1).toFixed(0)} µm`;
}

async function timeLapse(): Promise<void> {
  const out = $('timelapse-out');
  demo.timelapse = { state: 'scanning' };
  out.textContent = 'scanning the arch months later…';
  const later = monthsLater(createArchModel(DEMO_SIMULATOR.arch)).model;
  const sim2 = await engine.createScanSimulator({ ...DEMO_SIMULATOR, arch: undefined, model: later });
  const s2 = await engine.createScanSession({ ...DEMO_SESSION, intrinsics: sim2.intrinsics, depthScale: sim2.depthScale, initialPose: sim2.trajectory.cameraToWorld[0] });
  for (let i = 0; i < sim2.frameCount; i++) {
    await s2.pushSimulatorFrame(sim2, i);
    if (i % 10 === 0) out.textContent = `scanning the arch months later… ${i}/${sim2.frameCount}`;
  }
  out.textContent = 'comparing…';
  demo.timelapse.state = 'comparing';
  const cmp = await engine.compareScans(await session!.mesh(), await s2.mesh());
  await Promise.all([s2.dispose(), sim2.dispose()]);
  otherGroup.clear();
  otherGroup.add(meshObject(cmp.aligned, cmp.colors as Uint8Array));
  colourBar('TimeLapse: months later vs now (signed deviation)', cmp.range);
  show('timelapse');
  out.textContent = comparisonText(cmp);
  demo.timelapse = { state: 'done', meanAbsUm: cmp.stats.meanAbs * 1000, p95AbsUm: cmp.stats.p95Abs * 1000, fractionAbove: cmp.stats.fractionAbove, verdict: cmp.alignment.verdict };
}

async function exportMesh(format: 'stl' | 'ply'): Promise<void> {
  const bytes = await engine.writeMesh(await session!.mesh(), { format });
  const url = URL.createObjectURL(new Blob([bytes], { type: 'application/octet-stream' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = `scanfuse-scan.${format}`;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  demo.exports++;
}

async function dropped(file: File): Promise<void> {
  const out = $('dropped');
  out.textContent = `reading ${file.name}…`;
  const { mesh, format, warnings } = await engine.readMesh(new Uint8Array(await file.arrayBuffer()), { fileName: file.name });
  const triangles = mesh.indices.length / 3;
  const forView = copyMesh(mesh), forCompare = copyMesh(mesh);
  otherGroup.clear();
  otherGroup.add(meshObject(forView));
  const box = new THREE.Box3().setFromBufferAttribute(new THREE.BufferAttribute(forView.positions, 3));
  show('dropped');
  $('colorbar').style.display = 'none';
  frame(box);
  const report = await engine.qualityReport(mesh);
  demo.dropped = { name: file.name, triangles, verdict: report.verdict, compared: false };
  out.innerHTML = `<div>${escapeHtml(file.name)}: ${format.toUpperCase()}, ${triangles.toLocaleString('en-US')} triangles${warnings.length ? `, warnings ${warnings.map((w) => w.code).join(', ')}` : ''}</div>`
    + qualityHtml(report);
  if (session && demo.state === 'done') {
    try {
      const cmp = await engine.compareScans(await session.mesh(), forCompare);
      demo.dropped.compared = true;
      demo.dropped.meanAbsUm = cmp.stats.meanAbs * 1000;
      out.innerHTML += `<div>vs the current scan: ${escapeHtml(comparisonText(cmp))}</div>`;
    } catch (e) {
      out.innerHTML += `<div class="muted">vs the current scan: ${escapeHtml((e as Error).message)}</div>`;
    }
  }
}

// ---- UI wiring --------------------------------------------------------------------------------
const guard = (where: string, f: () => Promise<void>) => () => { f().catch((e) => fail(where, e)); };
$('rescan').addEventListener('click', guard('rescan', async () => { show('scan'); await scan(); }));
$('show-scan').addEventListener('click', () => show('scan'));
$('timelapse').addEventListener('click', guard('timelapse', timeLapse));
$('export-stl').addEventListener('click', guard('export', () => exportMesh('stl')));
$('export-ply').addEventListener('click', guard('export', () => exportMesh('ply')));
$('niri').addEventListener('change', () => { demo.niri = $<HTMLInputElement>('niri').checked; recolour(); });
for (const id of ['niri-opacity', 'niri-low', 'niri-high']) {
  $(id).addEventListener('input', () => { $(`${id}-v`).textContent = $<HTMLInputElement>(id).value; if (demo.niri) recolour(); });
}
view.addEventListener('dragover', (e) => { e.preventDefault(); $('drop').style.display = 'flex'; });
view.addEventListener('dragleave', () => { $('drop').style.display = 'none'; });
view.addEventListener('drop', (e) => {
  e.preventDefault();
  $('drop').style.display = 'none';
  const file = e.dataTransfer?.files?.[0];
  if (file) guard('drop', () => dropped(file))();
});

async function start(): Promise<void> {
  engine = await createWorkerEngine({ worker: newWorker });
  simulator = await engine.createScanSimulator(DEMO_SIMULATOR);
  demo.frameCount = simulator.frameCount;
  const k = simulator.intrinsics;
  frustum = makeFrustum(k.width, k.height, k.fx, k.fy, k.cx, k.cy, simulator.wand.workingDistance);
  scene.add(frustum);
  // Frame the part of the arch the trajectory covers (the surface is ~working distance ahead of the wand).
  const box = new THREE.Box3();
  for (const m of simulator.trajectory.cameraToWorld) {
    box.expandByPoint(new THREE.Vector3(m[12] + m[8] * 11, m[13] + m[9] * 11, m[14] + m[10] * 11));
  }
  box.expandByScalar(3);
  scanBox = box;
  frame(box);
  // Compile the shaders before scanning (a first compile in a software GL takes a few hundred ms).
  const warm = meshObject({ positions: new Float32Array(9), indices: new Uint32Array([0, 1, 2]) });
  scanGroup.add(warm);
  renderer.compile(scene, camera);
  renderer.render(scene, camera);
  scanGroup.remove(warm);
  warm.geometry.dispose();
  await new Promise((r) => requestAnimationFrame(r));
  await scan();
}
start().catch((e) => { demo.state = 'error'; fail('start', e); hud(); });
