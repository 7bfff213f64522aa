// Renders the pictures of NIRI, TimeLapse and the quality report for docs/images/ (needs
// `npm run build`; the tooth needs ../shared/data):
//   niri-tooth.png          the real tooth (3DNIRmapper): left, NIR image 4 (crop); middle, the
//                           tooth's model rendered from the same camera with the blended NIR of the
//                           three images as gray (unseen vertices dark blue): the image texture lands
//                           on the model; right, the same with the default orange-red overlay on an
//                           enamel base (only the brightest spot passes the default window), shaded
//   niri-tooth-views.png    the overlaid model from the three image cameras side by side
//   niri-arch.png           the simulated lower arch (seed 1) with NIR projected from every 4th
//                           simulated frame (ground-truth poses) as the overlay: the lesions glow
//   timelapse-heatmap.png   the simulated "months later" arch (seed 3) compared with the original:
//                           the later scan in the earlier frame, seen from above, heatmap colours
//                           (blue inward, grey unchanged, red outward, +-0.25 mm), with a labelled
//                           colour bar
//   coverage-partial.png    live coverage: the model of a 150-frame simulated session (arch seed 1,
//                           default protocol) from ScanSession.coverage(), from above and from the
//                           cheek side: dark grey where the accumulated observation weight is below 3
//                           (scan again; drawn darker than the session's grey 150 for contrast), tooth
//                           white elsewhere
// Usage: node scripts/render-niri-timelapse-pictures.mjs [--out docs/images]
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { encode } from 'fast-png';
import { compareScans, createEngine, createScanSession, HEATMAP_STOPS, heatmapColor, niriOverlayColors, projectImages } from '../dist/index.js';
import { intrinsicsForField } from '../dist/camera/intrinsics.js';
import { renderMesh, shadeView } from '../dist/camera/render-mesh.js';
import { lookAt } from '../dist/math/pose.js';
import { buildArchMesh } from '../dist/sim/arch-mesh.js';
import { createArchModel, monthsLater } from '../dist/sim/arch-model.js';
import { createScanSimulator } from '../dist/sim/simulator.js';
import { loadNirTooth } from './nir-tooth-data.mjs';

const { values } = parseArgs({ options: { out: { type: 'string', default: 'docs/images' } } });
const OUT = resolve(values.out);
const TOOTH = fileURLToPath(new URL('../../shared/data/nir_overlay/3DNIRmapper_tooth/', import.meta.url));
mkdirSync(OUT, { recursive: true });

function writePng(name, width, height, data) {
  const bytes = encode({ width, height, data, depth: 8, channels: 3 }, { zlib: { level: 9 } });
  writeFileSync(join(OUT, name), bytes);
  console.log(`  ${name}: ${width}x${height}, ${(bytes.length / 1e3).toFixed(0)} kB`);
}

/** Crops an RGB image. */
function crop(rgb, width, x0, y0, w, h) {
  const out = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) out.set(rgb.subarray(((y0 + y) * width + x0) * 3, ((y0 + y) * width + x0 + w) * 3), y * w * 3);
  return out;
}

/** Panels of equal height side by side, with a gap. */
function sideBySide(panels, gap = 8) {
  const height = panels[0].height, width = panels.reduce((s, p) => s + p.width, 0) + gap * (panels.length - 1);
  const out = new Uint8Array(width * height * 3).fill(255);
  let x = 0;
  for (const p of panels) {
    for (let y = 0; y < height; y++) out.set(p.rgb.subarray(y * p.width * 3, (y + 1) * p.width * 3), (y * width + x) * 3);
    x += p.width + gap;
  }
  return { rgb: out, width, height };
}

/** A 5x7 bitmap font for the colour bar's labels (digits, sign, point, 'm', 'u' drawn as µ, space). */
const GLYPHS = {
  0: ['01110', '10001', '10011', '10101', '11001', '10001', '01110'], 1: ['00100', '01100', '00100', '00100', '00100', '00100', '01110'],
  2: ['01110', '10001', '00001', '00010', '00100', '01000', '11111'], 3: ['11110', '00001', '00001', '01110', '00001', '00001', '11110'],
  4: ['00010', '00110', '01010', '10010', '11111', '00010', '00010'], 5: ['11111', '10000', '11110', '00001', '00001', '10001', '01110'],
  6: ['00110', '01000', '10000', '11110', '10001', '10001', '01110'], 7: ['11111', '00001', '00010', '00100', '01000', '01000', '01000'],
  8: ['01110', '10001', '10001', '01110', '10001', '10001', '01110'], 9: ['01110', '10001', '10001', '01111', '00001', '00010', '01100'],
  '-': ['00000', '00000', '00000', '11111', '00000', '00000', '00000'], '+': ['00000', '00100', '00100', '11111', '00100', '00100', '00000'],
  '.': ['00000', '00000', '00000', '00000', '00000', '01100', '01100'], m: ['00000', '00000', '11010', '10101', '10101', '10101', '10101'],
  ' ': ['00000', '00000', '00000', '00000', '00000', '00000', '00000'],
};

/** Draws `text` (GLYPHS only) into an RGB image, black, `scale` pixels per font pixel, centred on x. */
function drawText(rgb, width, text, centreX, top, scale = 2) {
  const w = text.length * 6 * scale;
  let x0 = Math.round(centreX - w / 2);
  for (const ch of text) {
    const g = GLYPHS[ch];
    if (!g) throw new Error(`no glyph for '${ch}'`);
    for (let r = 0; r < 7; r++) for (let c = 0; c < 5; c++) {
      if (g[r][c] !== '1') continue;
      for (let dy = 0; dy < scale; dy++) for (let dx = 0; dx < scale; dx++) {
        const x = x0 + c * scale + dx, y = top + r * scale + dy;
        if (x >= 0 && x < width) rgb.fill(0, (y * width + x) * 3, (y * width + x) * 3 + 3);
      }
    }
    x0 += 6 * scale;
  }
}

const gray3 = (g) => { const o = new Uint8Array(g.length * 3); for (let i = 0; i < g.length; i++) o[3 * i] = o[3 * i + 1] = o[3 * i + 2] = g[i]; return o; };

const engine = await createEngine();
console.log(`render-niri-timelapse-pictures: writing to ${OUT}`);

// ---- the real tooth ---------------------------------------------------------------------------
{
  const { mesh, images } = loadNirTooth(TOOTH);
  const r = projectImages(engine, mesh, images);
  const colors = niriOverlayColors(null, r.nir, { baseColor: [222, 214, 196] });
  // The projected intensity itself as gray, stretched x2 (the tooth is dim: p50 ~70), unseen dark blue.
  const nirGray = new Uint8Array(3 * r.nir.length);
  for (let i = 0; i < r.nir.length; i++) {
    if (Number.isNaN(r.nir[i])) nirGray.set([30, 40, 90], 3 * i);
    else nirGray.fill(Math.min(255, Math.round(2 * r.nir[i])), 3 * i, 3 * i + 3);
  }
  const seen = r.nir.length - r.unseenCount;
  const sorted = Array.from(r.nir).filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  console.log(`tooth: ${r.nir.length} vertices, seen by ${r.seenPerImage.join(' / ')} vertices per image, ${seen} by any; `
    + `NIR p50 ${sorted[sorted.length >> 1].toFixed(0)}, p95 ${sorted[Math.floor(0.95 * sorted.length)].toFixed(0)}, max ${sorted[sorted.length - 1].toFixed(0)}; `
    + `${colors.overlaidCount} vertices above the window (${((100 * colors.overlaidCount) / seen).toFixed(1)} % of the seen)`);
  const box = { x: 620, y: 180, w: 640, h: 640 };
  const panels = images.map((im) => {
    const view = renderMesh(engine, mesh, im.intrinsics, im.cameraToWorld, 0.01, 1000);
    const shaded = shadeView(mesh, view, im.intrinsics, im.cameraToWorld, colors.array);
    const grayShaded = shadeView(mesh, view, im.intrinsics, im.cameraToWorld, nirGray);
    return { name: im.name, nir: crop(gray3(im.pixels), 1280, box.x, box.y, box.w, box.h), gray: crop(grayShaded, 1280, box.x, box.y, box.w, box.h),
      model: crop(shaded, 1280, box.x, box.y, box.w, box.h) };
  });
  const p = panels[1];
  const pair = sideBySide([p.nir, p.gray, p.model].map((rgb) => ({ rgb, width: box.w, height: box.h })));
  writePng('niri-tooth.png', pair.width, pair.height, pair.rgb);
  const small = (rgb) => { // halve
    const w = box.w / 2, h = box.h / 2, out = new Uint8Array(w * h * 3);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let c = 0; c < 3; c++) {
      out[(y * w + x) * 3 + c] = (rgb[((2 * y) * box.w + 2 * x) * 3 + c] + rgb[((2 * y) * box.w + 2 * x + 1) * 3 + c] + rgb[((2 * y + 1) * box.w + 2 * x) * 3 + c] + rgb[((2 * y + 1) * box.w + 2 * x + 1) * 3 + c] + 2) >> 2;
    }
    return { rgb: out, width: w, height: h };
  };
  const views = sideBySide(panels.map((q) => small(q.model)), 6);
  writePng('niri-tooth-views.png', views.width, views.height, views.rgb);
}

/** A nearly orthographic picture of `mesh` from above (+z), `colors` per vertex, shaded. */
function fromAbove(mesh, colors, width) {
  const min = [Infinity, Infinity, Infinity], max = [-Infinity, -Infinity, -Infinity];
  for (let i = 0; i < mesh.positions.length; i += 3) for (let k = 0; k < 3; k++) {
    min[k] = Math.min(min[k], mesh.positions[i + k]); max[k] = Math.max(max[k], mesh.positions[i + k]);
  }
  const centre = [0, 1, 2].map((k) => (min[k] + max[k]) / 2);
  const field = [max[0] - min[0] + 4, max[1] - min[1] + 4];
  const distance = 400;
  const pose = lookAt([centre[0], centre[1], centre[2] + distance], centre, [0, 1, 0]);
  const k = intrinsicsForField(width, Math.round((width * field[1]) / field[0]), field[0], field[1], distance);
  const view = renderMesh(engine, mesh, k, pose, distance - 100, distance + 100);
  const rgb = shadeView(mesh, view, k, pose, colors);
  for (let p = 0; p < view.depth.length; p++) if (!(view.depth[p] > 0)) rgb[3 * p] = rgb[3 * p + 1] = rgb[3 * p + 2] = 255;
  return { rgb, width: k.width, height: k.height };
}

/** A nearly orthographic picture of `mesh` seen along -`dir` (from the `dir` side), `up` up in the image, shaded; background white. */
function fromDirection(mesh, colors, width, dir, up) {
  const p = mesh.positions;
  const min = [Infinity, Infinity, Infinity], max = [-Infinity, -Infinity, -Infinity];
  for (let i = 0; i < p.length; i += 3) for (let k = 0; k < 3; k++) { min[k] = Math.min(min[k], p[i + k]); max[k] = Math.max(max[k], p[i + k]); }
  const centre = [0, 1, 2].map((k) => (min[k] + max[k]) / 2);
  const distance = 400;
  const pose = lookAt(centre.map((c, k) => c + distance * dir[k]), centre, up);
  // Extent of the mesh along the camera's x and y axes.
  let ex = 0, ey = 0;
  for (let i = 0; i < p.length; i += 3) {
    const d = [p[i] - centre[0], p[i + 1] - centre[1], p[i + 2] - centre[2]];
    ex = Math.max(ex, Math.abs(d[0] * pose[0] + d[1] * pose[1] + d[2] * pose[2]));
    ey = Math.max(ey, Math.abs(d[0] * pose[4] + d[1] * pose[5] + d[2] * pose[6]));
  }
  const field = [2 * ex + 4, 2 * ey + 4];
  const k = intrinsicsForField(width, Math.round((width * field[1]) / field[0]), field[0], field[1], distance);
  const view = renderMesh(engine, mesh, k, pose, distance - 100, distance + 100);
  const rgb = shadeView(mesh, view, k, pose, colors);
  for (let q = 0; q < view.depth.length; q++) if (!(view.depth[q] > 0)) rgb[3 * q] = rgb[3 * q + 1] = rgb[3 * q + 2] = 255;
  return { rgb, width: k.width, height: k.height };
}

// ---- the simulated arch with lesions ----------------------------------------------------------
{
  const sim = createScanSimulator(engine, { seed: 1, arch: { seed: 1 } });
  const images = [];
  for (let i = 0; i < sim.frameCount; i += 4) {
    const f = sim.frame(i);
    images.push({ pixels: f.nir, intrinsics: sim.intrinsics, cameraToWorld: f.cameraToWorld });
  }
  const r = projectImages(engine, sim.reference, images);
  const colors = niriOverlayColors(sim.reference.colors, r.nir);
  console.log(`arch: ${images.length} frames projected onto ${r.nir.length} vertices (${r.unseenCount} unseen); ${colors.overlaidCount} above the window; lesions ${sim.model.lesions.map((l) => `${l.id}:${l.kind}@${l.tooth}`).join(' ')}`);
  const pic = fromAbove(sim.reference, colors.array, 1100);
  writePng('niri-arch.png', pic.width, pic.height, pic.rgb);
  sim.dispose();
}

// ---- TimeLapse heatmap ------------------------------------------------------------------------
{
  const model = createArchModel({ seed: 3 });
  const later = monthsLater(model);
  const before = buildArchMesh(engine, model, { spacing: 0.2 });
  const after = buildArchMesh(engine, later.model, { spacing: 0.19 });
  const t = performance.now();
  const r = compareScans(engine, before, after);
  const c = later.changes;
  console.log(`timelapse: compared in ${(performance.now() - t).toFixed(0)} ms; moved tooth ${c.movedTooth.label} (0.3 mm buccal, 2 deg), recession ${c.recession.map((x) => x.label).join(', ')}, wear ${c.wear.map((x) => x.label).join(', ')}`);
  for (const l of r.perLabel) console.log(`  label ${String(l.label).padStart(2)}: mean ${(1000 * l.mean).toFixed(1).padStart(6)} µm, mean |d| ${(1000 * l.meanAbs).toFixed(1).padStart(6)} µm, p95 ${(1000 * l.p95Abs).toFixed(1).padStart(6)} µm`);
  const pic = fromAbove(r.aligned, r.colors, 1100);
  // A colour bar under the picture: -range .. +range.
  const barHeight = 56, width = pic.width, height = pic.height + barHeight;
  const rgb = new Uint8Array(width * height * 3).fill(255);
  rgb.set(pic.rgb);
  const c3 = new Float64Array(3);
  for (let x = 100; x < width - 100; x++) {
    heatmapColor(-r.range + (2 * r.range * (x - 100)) / (width - 201), r.range, c3);
    for (let y = pic.height + 8; y < pic.height + 28; y++) for (let k = 0; k < 3; k++) rgb[(y * width + x) * 3 + k] = Math.round(c3[k]);
  }
  // Tick marks at -range, 0, +range.
  for (const x of [100, Math.round(width / 2), width - 101]) for (let y = pic.height + 2; y < pic.height + 8; y++) for (let k = 0; k < 3; k++) rgb[(y * width + x) * 3 + k] = 0;
  // Labels under the ticks (mm): -range, -range/2, 0, +range/2, +range.
  const fmt = (v) => `${v > 0 ? '+' : ''}${Number(v.toFixed(3))}`;
  for (const f of [-1, -0.5, 0, 0.5, 1]) drawText(rgb, width, f === 1 ? `${fmt(f * r.range)} mm` : fmt(f * r.range), 100 + ((f + 1) / 2) * (width - 201), pic.height + 33);
  writePng('timelapse-heatmap.png', width, height, rgb);
  console.log(`  colour bar: ${HEATMAP_STOPS.length} stops from -${r.range} mm (blue) to +${r.range} mm (red)`);
}

// ---- live coverage of a partial scan ----------------------------------------------------------
{
  const sim = createScanSimulator(engine, { archMesh: { spacing: 0.4 }, frames: 150, seed: 1, arch: { seed: 1 } });
  const f0 = sim.frame(0);
  const session = createScanSession(engine, { intrinsics: sim.intrinsics, depthScale: f0.depthScale, initialPose: f0.cameraToWorld });
  for (let i = 0; i < sim.frameCount; i++) {
    const f = sim.frame(i);
    session.pushFrame({ depth: f.depth, timestampMs: f.timestampMs });
  }
  const c = session.coverage();
  const total = c.coveredAreaMm2 + c.lowAreaMm2;
  console.log(`coverage: ${sim.frameCount} frames, ${c.mesh.positions.length / 3} vertices, low coverage ${c.lowAreaMm2.toFixed(1)} of ${total.toFixed(1)} mm^2 (${((100 * c.lowAreaMm2) / total).toFixed(1)} %)`);
  // The session's colours (grey 150 where thin, tooth white elsewhere) lose their contrast under
  // shading: the picture draws the thin areas a darker grey (90) to keep them readable.
  const shown = Uint8Array.from(c.mesh.colors.array);
  for (let v = 0; v < c.lowCoverage.length; v++) if (c.lowCoverage[v]) shown.fill(90, 3 * v, 3 * v + 3);
  // Two views: from above (occlusal), and from the cheek side 60 degrees down, where the thin coverage is.
  const above = fromDirection(c.mesh, shown, 640, [0, 0, 1], [0, 1, 0]);
  const side = fromDirection(c.mesh, shown, 640, [-Math.sin(Math.PI / 3), 0, Math.cos(Math.PI / 3)], [0, 1, 0]);
  const h = Math.max(above.height, side.height);
  const pad = (q) => { const o = new Uint8Array(q.width * h * 3).fill(255); o.set(q.rgb); return { rgb: o, width: q.width, height: h }; };
  const pic = sideBySide([pad(above), pad(side)], 12);
  writePng('coverage-partial.png', pic.width, pic.height, pic.rgb);
  session.dispose();
  sim.dispose();
}
