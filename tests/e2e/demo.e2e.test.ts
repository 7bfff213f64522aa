// The demo page (demo/, built by `npm run demo:build`) in Debian's chromium driven by
// playwright-core, served by vite preview on 127.0.0.1: it loads without console errors, the
// streamed scan reaches the triangle count of the same scan run here in Node, the main thread has
// no long task while scanning, the NIRI toggle changes the rendered pixels, a dropped STL is read
// and inspected, the exported STL reads back with readMesh, and the TimeLapse comparison runs.
// Screenshots go to demo/screenshots/ on every run.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { decode } from 'fast-png';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { PreviewServer } from 'vite';
import { createEngine, type Engine } from '../../src/index.js';
import { createScanSession } from '../../src/session/scan-session.js';
import { createScanSimulator } from '../../src/sim/simulator.js';
import { DEMO_SESSION, DEMO_SIMULATOR } from '../../demo/scan-config.js';
import { wavyGrid } from '../support/meshes.js';

const CHROMIUM = '/usr/bin/chromium';
const DEMO = fileURLToPath(new URL('../../demo/', import.meta.url));
const SHOTS = fileURLToPath(new URL('../../demo/screenshots/', import.meta.url));

interface DemoState {
  state: string; framesDone: number; frameCount: number; triangles: number; fps: number; scanSeconds: number;
  statuses: Record<string, number>; longTasks: { count: number; maxMs: number; totalCount: number; totalMaxMs: number; entries: unknown[] };
  apply: { count: number; maxMs: number; totalMs: number; pendingMax: number };
  quality: { verdict: string; triangleCount: number } | null; dropped: { name: string; triangles: number; verdict: string; compared: boolean } | null;
  timelapse: { state: string; meanAbsUm?: number; p95AbsUm?: number } | null; exports: number; errors: string[];
  render: { count: number; maxMs: number; totalMs: number; slow: unknown[] };
}

let engine: Engine;
let server: PreviewServer;
let browser: Browser;
let page: Page;
const consoleErrors: string[] = [];
/** The same scan in Node: the triangle count of the session's mesh. */
let nodeTriangles = 0;

const state = () => page.evaluate(() => (window as unknown as { __scanfuseDemo: DemoState }).__scanfuseDemo);
const nextPaint = () => page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
const shot = async (name: string) => {
  const png = await page.locator('#view').screenshot();
  writeFileSync(`${SHOTS}${name}.png`, png);
  return png;
};

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
  if (!existsSync(`${DEMO}dist/index.html`)) throw new Error('demo/dist is missing: npm run demo:build (npm run test:e2e does it)');
  mkdirSync(SHOTS, { recursive: true });
  engine = await createEngine();
  const sim = createScanSimulator(engine, DEMO_SIMULATOR);
  const f0 = sim.frame(0);
  const session = createScanSession(engine, { ...DEMO_SESSION, intrinsics: sim.intrinsics, depthScale: f0.depthScale, initialPose: f0.cameraToWorld });
  for (let i = 0; i < sim.frameCount; i++) {
    const f = sim.frame(i);
    session.pushFrame({ depth: f.depth, nir: f.nir, timestampMs: f.timestampMs });
  }
  nodeTriangles = session.mesh().indices.length / 3;
  session.dispose();
  sim.dispose();

  const { preview } = await import('vite');
  server = await preview({ configFile: `${DEMO}vite.config.ts`, preview: { host: '127.0.0.1', port: 4178, strictPort: false }, logLevel: 'silent' });
  const url = server.resolvedUrls?.local[0];
  if (!url) throw new Error('vite preview did not report its URL');
  const { chromium } = await import('playwright-core');
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--use-angle=swiftshader', '--enable-unsafe-swiftshader'] });
  page = await browser.newPage({ viewport: { width: 1200, height: 760 }, acceptDownloads: true });
  page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
  page.on('pageerror', (e) => consoleErrors.push(`pageerror: ${e.message}`));
  await page.goto(url);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('the demo page in chromium', () => {
  it('streams the scan to the triangle count of the same scan in Node, without long tasks', async () => {
    await page.waitForFunction(() => {
      const s = (window as unknown as { __scanfuseDemo?: DemoState }).__scanfuseDemo;
      return s && (s.state === 'error' || (s.state === 'done' && s.quality !== null));
    }, undefined, { timeout: 110_000, polling: 250 });
    const s = await state();
    console.log(`e2e demo: ${s.framesDone} frames in ${s.scanSeconds.toFixed(2)} s = ${s.fps.toFixed(1)} frames/s; `
      + `${s.triangles} triangles (Node: ${nodeTriangles}); statuses ${JSON.stringify(s.statuses)}; long tasks while scanning ${s.longTasks.count} `
      + `(max ${s.longTasks.maxMs.toFixed(0)} ms), overall ${s.longTasks.totalCount} (max ${s.longTasks.totalMaxMs.toFixed(0)} ms); quality ${s.quality?.verdict}; renders ${s.render.count} (max ${s.render.maxMs.toFixed(0)} ms, mean ${(s.render.totalMs / s.render.count).toFixed(1)} ms); chunk updates applied in ${s.apply.count} slices (max ${s.apply.maxMs.toFixed(1)} ms, longest queue ${s.apply.pendingMax}); long tasks ${JSON.stringify(s.longTasks.entries)}; slow renders ${JSON.stringify(s.render.slow)}`);
    expect(s.errors).toEqual([]);
    expect(consoleErrors).toEqual([]);
    expect(s.state).toBe('done');
    expect(s.framesDone).toBe(DEMO_SIMULATOR.frames);
    expect(s.triangles).toBe(nodeTriangles);
    expect(nodeTriangles).toBeGreaterThan(100_000);
    expect(s.quality?.triangleCount).toBe(nodeTriangles);
    expect(s.longTasks.count).toBe(0);
    await nextPaint();
    await shot('scan');
  });

  it('changes the rendered colours when NIRI is switched on', async () => {
    const before = decode(await shot('scan-plain'));
    await page.locator('#niri').check();
    await nextPaint();
    const after = decode(await shot('scan-niri'));
    expect(after.width).toBe(before.width);
    let changed = 0;
    const n = before.width * before.height, c = before.channels;
    for (let i = 0; i < n; i++) {
      const d = Math.abs(before.data[c * i] - after.data[c * i]) + Math.abs(before.data[c * i + 1] - after.data[c * i + 1]) + Math.abs(before.data[c * i + 2] - after.data[c * i + 2]);
      if (d > 30) changed++;
    }
    expect(changed / n).toBeGreaterThan(0.02);
    // Moving the window changes them again; switching off restores the coverage colours.
    await page.locator('#niri-low').fill('30');
    await nextPaint();
    const windowed = decode(await shot('scan-niri-window'));
    expect(Buffer.from(windowed.data as Uint8Array).equals(Buffer.from(after.data as Uint8Array))).toBe(false);
    await page.locator('#niri').uncheck();
    await nextPaint();
    const restored = decode(await shot('scan-plain-again'));
    expect(Buffer.from(restored.data as Uint8Array).equals(Buffer.from(before.data as Uint8Array))).toBe(true);
  });

  it('exports an STL that reads back with readMesh', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#export-stl').click()]);
    expect(download.suggestedFilename()).toBe('scanfuse-scan.stl');
    const bytes = readFileSync(await download.path());
    const { mesh, format } = engine.readMesh(new Uint8Array(bytes));
    expect(format).toBe('stl');
    expect(mesh.indices.length / 3).toBe(nodeTriangles);
  });

  it('loads, inspects and compares a dropped STL', async () => {
    const stl = engine.writeMesh(wavyGrid(8_000), { format: 'stl' });
    const triangles = engine.readMesh(stl).mesh.indices.length / 3;
    await page.evaluate((bytes) => {
      const file = new File([new Uint8Array(bytes)], 'grid.stl', { type: 'model/stl' });
      const dt = new DataTransfer();
      dt.items.add(file);
      document.getElementById('view')!.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    }, Array.from(stl));
    await page.waitForFunction(() => {
      const d = (window as unknown as { __scanfuseDemo: DemoState }).__scanfuseDemo.dropped;
      return d !== null && d.compared;
    }, undefined, { timeout: 60_000, polling: 200 });
    const s = await state();
    expect(s.dropped).toMatchObject({ name: 'grid.stl', triangles, compared: true });
    expect(['ready', 'needsRescan']).toContain(s.dropped!.verdict);
    expect(s.errors).toEqual([]);
    await nextPaint();
    await shot('dropped');
  });

  it('scans the arch months later and shows the TimeLapse heatmap', async () => {
    await page.locator('#timelapse').click();
    await page.waitForFunction(() => {
      const s = (window as unknown as { __scanfuseDemo: DemoState }).__scanfuseDemo;
      return s.errors.length > 0 || s.timelapse?.state === 'done';
    }, undefined, { timeout: 90_000, polling: 250 });
    const s = await state();
    expect(s.errors).toEqual([]);
    console.log(`e2e demo: TimeLapse mean |dev| ${s.timelapse?.meanAbsUm?.toFixed(1)} µm, p95 ${s.timelapse?.p95AbsUm?.toFixed(1)} µm`);
    expect(s.timelapse?.meanAbsUm).toBeGreaterThan(0);
    expect(s.timelapse?.meanAbsUm).toBeLessThan(200);
    await nextPaint();
    await shot('timelapse');
    expect(consoleErrors).toEqual([]);
  });
});
