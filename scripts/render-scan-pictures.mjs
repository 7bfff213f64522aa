// Renders pictures of a scanned arch (the PLY `scanfuse scan` writes) for docs/images/ (needs `npm run build`):
//   scan-arch-colour.png     the fused arch in its fused colours, from above (anterior at the top)
//   scan-arch-coverage.png   the same with the live-coverage colours: grey where the observation weight is
//                            below 3 (ScanSession.coverage()'s default), warm white elsewhere
//   scan-arch-niri.png       the fused NIR channel as the NIRI overlay (niriOverlayColors defaults)
//   scan-arch-detail.png     a close oblique view of the molars in fused colour (surface quality, holes)
// Usage: node scripts/render-scan-pictures.mjs [scan-output/arch.ply] [--out docs/images]
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { encode } from 'fast-png';
import { COVERED_RGB, createEngine, DEFAULT_COVERAGE_OPTIONS, LOW_COVERAGE_RGB, niriOverlayColors } from '../dist/index.js';
import { intrinsicsForField } from '../dist/camera/intrinsics.js';
import { renderMesh, shadeView } from '../dist/camera/render-mesh.js';
import { lookAt } from '../dist/math/pose.js';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { out: { type: 'string', default: 'docs/images' } } });
const FILE = resolve(positionals[0] ?? 'scan-output/arch.ply');
const OUT = resolve(values.out);
mkdirSync(OUT, { recursive: true });

const engine = await createEngine();
const { mesh } = engine.readMesh(new Uint8Array(readFileSync(FILE)), { fileName: FILE });
const n = mesh.positions.length / 3;
console.log(`render-scan-pictures: ${FILE}: ${n.toLocaleString('en-US')} vertices, ${(mesh.indices.length / 3).toLocaleString('en-US')} triangles`);

const min = [Infinity, Infinity, Infinity], max = [-Infinity, -Infinity, -Infinity];
for (let i = 0; i < mesh.positions.length; i += 3) {
  for (let k = 0; k < 3; k++) { min[k] = Math.min(min[k], mesh.positions[i + k]); max[k] = Math.max(max[k], mesh.positions[i + k]); }
}
const centre = [0, 1, 2].map((k) => (min[k] + max[k]) / 2);

function writePng(name, width, height, data) {
  const bytes = encode({ width, height, data, depth: 8, channels: 3 }, { zlib: { level: 9 } });
  writeFileSync(join(OUT, name), bytes);
  console.log(`  ${name}: ${width}x${height}, ${(bytes.length / 1e3).toFixed(0)} kB`);
}

/** A nearly orthographic picture from `direction` (unit, arch -> camera), `fieldMm` wide and high, around `target`. */
function picture(colors, direction, up, width, fieldMm, target = centre, distance = 400) {
  const eye = target.map((c, k) => c + direction[k] * distance);
  const pose = lookAt(eye, target, up);
  const k = intrinsicsForField(width, Math.round((width * fieldMm[1]) / fieldMm[0]), fieldMm[0], fieldMm[1], distance);
  const view = renderMesh(engine, mesh, k, pose, distance - 100, distance + 100);
  return { rgb: shadeView(mesh, view, k, pose, colors), width: k.width, height: k.height };
}

const field = [(max[0] - min[0]) * 1.08, (max[1] - min[1]) * 1.08];
const colour = mesh.colors?.array;
if (colour) {
  const p = picture(colour, [0, 0, 1], [0, 1, 0], 640, field);
  writePng('scan-arch-colour.png', p.width, p.height, p.rgb);
}
const confidence = mesh.vertexAttributes?.confidence?.array;
if (confidence) {
  const c = new Uint8Array(3 * n);
  let low = 0;
  for (let v = 0; v < n; v++) {
    const rgb = confidence[v] < DEFAULT_COVERAGE_OPTIONS.minConfidence ? LOW_COVERAGE_RGB : COVERED_RGB;
    if (rgb === LOW_COVERAGE_RGB) low++;
    c.set(rgb, 3 * v);
  }
  console.log(`  coverage: ${(100 * low / n).toFixed(2)}% of the vertices below ${DEFAULT_COVERAGE_OPTIONS.minConfidence}`);
  const p = picture(c, [0, 0, 1], [0, 1, 0], 640, field);
  writePng('scan-arch-coverage.png', p.width, p.height, p.rgb);
}
const nir = mesh.vertexAttributes?.nir?.array;
if (nir) {
  const overlay = niriOverlayColors(colour ?? null, nir instanceof Uint8Array ? nir : Float32Array.from(nir));
  let hi = 0;
  for (const x of nir) hi = Math.max(hi, x);
  console.log(`  NIRI: ${overlay.overlaidCount.toLocaleString('en-US')} vertices above the window's low end (${(100 * overlay.overlaidCount / n).toFixed(2)}%), fused NIR max ${hi}`);
  const p = picture(overlay.array, [0, 0, 1], [0, 1, 0], 640, field);
  writePng('scan-arch-niri.png', p.width, p.height, p.rgb);
}
if (colour) {
  // The right molars seen from buccal-occlusal, 14 mm wide.
  const target = [max[0] - 8, min[1] + 10, max[2] - 3];
  const p = picture(colour, [0.55, -0.25, 0.8].map((x) => x / Math.hypot(0.55, 0.25, 0.8)), [0, 1, 0], 640, [16, 12], target);
  writePng('scan-arch-detail.png', p.width, p.height, p.rgb);
}
engine.dispose();
