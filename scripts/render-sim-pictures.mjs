// Renders pictures of the scan simulator for docs/images/ (needs `npm run build`):
//   arch-lower.png, arch-upper.png          the reference mesh seen from above the occlusal plane, in its
//                                           colours, shaded by the normal (headlight Lambert)
//   arch-lower-oblique.png                  the lower arch from the front and above (crown shapes, gingiva)
//   arch-lower-nir.png                      the lower arch in its near-infrared values (lesions glow)
//   frame-depth.png, frame-nir.png,         one simulated wand frame (320x240) that looks at a caries
//   frame-colour.png                        lesion: depth normalised to grey (near = bright, no
//                                           measurement = black), NIR and colour as the dataset stores them
// Usage: node scripts/render-sim-pictures.mjs [--out docs/images] [--seed 1]
// Prints what it rendered and a few figures to check against the pictures.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { encode } from 'fast-png';
import { createEngine } from '../dist/index.js';
import { intrinsicsForField } from '../dist/camera/intrinsics.js';
import { renderMesh, shadeView } from '../dist/camera/render-mesh.js';
import { invertRigid, lookAt, transformPoint } from '../dist/math/pose.js';
import { createScanSimulator } from '../dist/sim/simulator.js';

const { values } = parseArgs({ options: { out: { type: 'string', default: 'docs/images' }, seed: { type: 'string', default: '1' } } });
const OUT = resolve(values.out);
const SEED = Number(values.seed);
mkdirSync(OUT, { recursive: true });

function writePng(name, width, height, data, channels) {
  const bytes = encode({ width, height, data, depth: 8, channels }, { zlib: { level: 9 } });
  writeFileSync(join(OUT, name), bytes);
  console.log(`  ${name}: ${width}x${height}, ${(bytes.length / 1e3).toFixed(0)} kB`);
}

function bounds(mesh) {
  const min = [Infinity, Infinity, Infinity], max = [-Infinity, -Infinity, -Infinity];
  for (let i = 0; i < mesh.positions.length; i += 3) {
    for (let k = 0; k < 3; k++) {
      min[k] = Math.min(min[k], mesh.positions[i + k]);
      max[k] = Math.max(max[k], mesh.positions[i + k]);
    }
  }
  return { min, max, centre: [0, 1, 2].map((k) => (min[k] + max[k]) / 2) };
}

/**
 * A nearly orthographic picture: a pinhole 400 mm away with a field just larger than the arch.
 * `direction` is the unit vector from the arch to the camera; image up follows `up`.
 */
function picture(engine, mesh, colors, direction, up, width, fieldMm) {
  const b = bounds(mesh);
  const distance = 400;
  const eye = b.centre.map((c, k) => c + direction[k] * distance);
  const pose = lookAt(eye, b.centre, up);
  const k = intrinsicsForField(width, Math.round((width * fieldMm[1]) / fieldMm[0]), fieldMm[0], fieldMm[1], distance);
  const view = renderMesh(engine, mesh, k, pose, distance - 100, distance + 100);
  let covered = 0;
  for (const d of view.depth) if (d > 0) covered++;
  return { rgb: shadeView(mesh, view, k, pose, colors), width: k.width, height: k.height, covered: covered / view.depth.length };
}

const grey3 = (values) => {
  const out = new Uint8Array(values.length * 3);
  for (let i = 0; i < values.length; i++) out[3 * i] = out[3 * i + 1] = out[3 * i + 2] = values[i];
  return out;
};

const engine = await createEngine();
console.log(`render-sim-pictures: seed ${SEED}, writing to ${OUT}`);

// ---- the arches ------------------------------------------------------------------------------
let lowerSim = null;
for (const jaw of ['lower', 'upper']) {
  const sim = createScanSimulator(engine, { arch: { jaw, seed: SEED }, seed: SEED });
  const mesh = sim.reference;
  const info = engine.meshInfo(mesh);
  const b = bounds(mesh);
  const labels = mesh.vertexAttributes.label.array;
  const lesionIds = mesh.vertexAttributes.lesion.array;
  const fdi = [...new Set(labels)].filter((l) => l !== 0).sort((a, b2) => a - b2);
  let lesionVertices = 0;
  for (const l of lesionIds) if (l) lesionVertices++;
  console.log(`${jaw} arch: ${info.vertexCount.toLocaleString('en-US')} vertices, ${info.triangleCount.toLocaleString('en-US')} triangles, `
    + `${info.componentCount} component(s), ${info.boundaryLoopCount} boundary loop(s), size ${b.max.map((v, k) => (v - b.min[k]).toFixed(1)).join(' x ')} mm; `
    + `teeth ${fdi.join(' ')}; ${sim.model.lesions.length} lesions (${lesionVertices} vertices); ${sim.frameCount} frames in the default session`);
  const field = [(b.max[0] - b.min[0]) * 1.08, (b.max[1] - b.min[1]) * 1.08];
  // Anterior (+y) at the top of the picture.
  const top = picture(engine, mesh, mesh.colors.array, [0, 0, 1], [0, 1, 0], 520, field);
  writePng(`arch-${jaw}.png`, top.width, top.height, top.rgb, 3);
  if (jaw === 'lower') {
    const oblique = picture(engine, mesh, mesh.colors.array, [0, 0.64, 0.77], [0, 0, 1], 520, [field[0], field[0] * 0.62]);
    writePng('arch-lower-oblique.png', oblique.width, oblique.height, oblique.rgb, 3);
    const nir = picture(engine, mesh, grey3(mesh.vertexAttributes.nir.array), [0, 0, 1], [0, 1, 0], 520, field);
    writePng('arch-lower-nir.png', nir.width, nir.height, nir.rgb, 3);
    lowerSim = sim;
  } else {
    sim.dispose();
  }
}

// ---- one frame looking at a lesion -----------------------------------------------------------
{
  const sim = lowerSim;
  const k = sim.intrinsics;
  // The frame whose image centre is closest to a lesion seen head-on (camera z toward the lesion).
  let best = { score: Infinity, frame: 0, lesion: null, pixel: [0, 0] };
  for (let i = 0; i < sim.frameCount; i++) {
    const worldToCamera = invertRigid(sim.trajectory.cameraToWorld[i]);
    for (const lesion of sim.model.lesions) {
      const [x, y, z] = transformPoint(worldToCamera, lesion.center);
      if (z < sim.wand.minDepth || z > sim.wand.maxDepth) continue;
      const u = k.fx * (x / z) + k.cx, v = k.fy * (y / z) + k.cy;
      const score = Math.hypot(u - k.cx, v - k.cy);
      if (score < best.score) best = { score, frame: i, lesion, pixel: [u, v] };
    }
  }
  const f = sim.frame(best.frame);
  const pixels = k.width * k.height;
  let lo = Infinity, hi = -Infinity, valid = 0;
  for (let p = 0; p < pixels; p++) {
    const d = f.depthMm[p];
    if (d > 0) { valid++; lo = Math.min(lo, d); hi = Math.max(hi, d); }
  }
  const depthGrey = new Uint8Array(pixels);
  for (let p = 0; p < pixels; p++) {
    const d = f.depthMm[p];
    depthGrey[p] = d > 0 ? Math.round(40 + (215 * (hi - d)) / Math.max(1e-6, hi - lo)) : 0;
  }
  // NIR at the lesion's pixel neighbourhood against the frame's median over visible pixels.
  const [lu, lv] = best.pixel.map(Math.round);
  let lesionNir = 0, n = 0;
  for (let dv = -2; dv <= 2; dv++) {
    for (let du = -2; du <= 2; du++) {
      const u = lu + du, v = lv + dv;
      if (u >= 0 && v >= 0 && u < k.width && v < k.height) { lesionNir += f.nir[v * k.width + u]; n++; }
    }
  }
  const visibleNir = [...f.nir].filter((_, p) => f.colour[3 * p] + f.colour[3 * p + 1] + f.colour[3 * p + 2] > 0).sort((a, b) => a - b);
  console.log(`frame ${best.frame} (${f.segment}, t = ${f.timestampMs} ms): lesion ${best.lesion.id} (${best.lesion.kind}, tooth ${best.lesion.tooth}, radius ${best.lesion.radius.toFixed(2)} mm) `
    + `at pixel (${best.pixel.map((x) => x.toFixed(0)).join(', ')}); valid depth ${(100 * valid / pixels).toFixed(1)} %, ${lo.toFixed(2)}..${hi.toFixed(2)} mm; `
    + `NIR around the lesion ${(lesionNir / n).toFixed(0)}, median of visible pixels ${visibleNir[visibleNir.length >> 1] ?? 'n/a'}`);
  writePng('frame-depth.png', k.width, k.height, depthGrey, 1);
  writePng('frame-nir.png', k.width, k.height, f.nir, 1);
  writePng('frame-colour.png', k.width, k.height, f.colour, 3);
  sim.dispose();
}
engine.dispose();
