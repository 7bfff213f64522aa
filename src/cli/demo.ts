// `scanfuse demo`: a self-contained tour of the I/O API on a generated mesh (no input files).
// A closed torus of 200,000 triangles goes STL -> PLY -> ASCII PLY -> STL through files in a
// temporary folder; each step is timed and read back, and the last mesh must equal the first.
import { mkdir, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createEngine, type Mesh, type MeshEncoding, type MeshFormat } from '../index.js';
import { readMeshFile, writeMeshFile } from '../node/index.js';
import { EXIT_FAILED, EXIT_OK, type CliIo } from './io.js';
import { count, formatBytes, num } from './report.js';

export interface DemoOptions {
  /** Folder for the files (default: `scanfuse-demo` in the system's temporary directory, reused by every run). */
  dir?: string;
}

/** The demo mesh's shape: a torus around +z, major radius R and tube radius r (mm). */
export const DEMO_TORUS = Object.freeze({ majorRadius: 10, minorRadius: 4, around: 500, tube: 200 });

/**
 * A closed torus: `around` x `tube` quads, 2 * around * tube triangles, counter-clockwise seen
 * from outside. Deterministic (no randomness), computed in code.
 */
export function torusMesh(R: number, r: number, around: number, tube: number): Mesh {
  const positions = new Float32Array(around * tube * 3);
  for (let i = 0; i < around; i++) {
    const u = (2 * Math.PI * i) / around;
    for (let j = 0; j < tube; j++) {
      const v = (2 * Math.PI * j) / tube;
      const k = (i * tube + j) * 3;
      const ring = R + r * Math.cos(v);
      positions[k] = ring * Math.cos(u);
      positions[k + 1] = ring * Math.sin(u);
      positions[k + 2] = r * Math.sin(v);
    }
  }
  const indices = new Uint32Array(around * tube * 6);
  let t = 0;
  for (let i = 0; i < around; i++) {
    const i1 = (i + 1) % around;
    for (let j = 0; j < tube; j++) {
      const j1 = (j + 1) % tube;
      const a = i * tube + j, b = i1 * tube + j, c = i1 * tube + j1, d = i * tube + j1;
      indices[t++] = a; indices[t++] = b; indices[t++] = c;
      indices[t++] = a; indices[t++] = c; indices[t++] = d;
    }
  }
  return { positions, indices };
}

interface Step {
  label: string;
  file: string;
  format: MeshFormat;
  encoding: MeshEncoding;
}

const STEPS: Step[] = [
  { label: 'binary STL', file: 'torus.stl', format: 'stl', encoding: 'binary' },
  { label: 'binary PLY', file: 'torus.ply', format: 'ply', encoding: 'binary_little_endian' },
  { label: 'ASCII PLY', file: 'torus.ascii.ply', format: 'ply', encoding: 'ascii' },
  { label: 'binary STL again', file: 'torus.roundtrip.stl', format: 'stl', encoding: 'binary' },
];

export async function runDemo(options: DemoOptions, io: CliIo): Promise<number> {
  const out = (s = '') => io.stdout.write(`${s}\n`);
  const t0 = performance.now();
  const engine = await createEngine();
  try {
    const tEngine = performance.now() - t0;
    const { majorRadius: R, minorRadius: r, around, tube } = DEMO_TORUS;
    const t1 = performance.now();
    const original = torusMesh(R, r, around, tube);
    const tGen = performance.now() - t1;
    const dir = options.dir === undefined ? join(tmpdir(), 'scanfuse-demo') : resolve(io.cwd, options.dir);
    await mkdir(dir, { recursive: true });
    out(`scanfuse demo: a torus (R ${R} mm, r ${r} mm) of ${count(original.positions.length / 3)} vertices and ${count(original.indices.length / 3)} triangles`);
    out(`  engine ready in ${ms(tEngine)}, mesh generated in ${ms(tGen)}`);
    out();

    const rows: string[][] = [['step', 'file', 'size', 'write', 'write MB/s', 'read', 'read MB/s', 'vertices', 'triangles']];
    let mesh = original;
    for (const step of STEPS) {
      const path = join(dir, step.file);
      const w = await timed(() => writeMeshFile(engine, path, mesh, { format: step.format, encoding: step.encoding, name: 'scanfuse demo torus' }));
      const { size } = await stat(path);
      const r2 = await timed(() => readMeshFile(engine, path));
      mesh = r2.value.mesh;
      rows.push([step.label, step.file, formatBytes(size), ms(w.ms), mbs(size, w.ms), ms(r2.ms), mbs(size, r2.ms),
        count(mesh.positions.length / 3), count(mesh.indices.length / 3)]);
    }
    out(table(rows));
    out();

    const info = engine.meshInfo(original);
    const volume = 2 * Math.PI * Math.PI * R * r * r;
    const area = 4 * Math.PI * Math.PI * R * r;
    out(`meshInfo of the generated torus:`);
    out(`  closed ${info.closed ? 'yes' : 'no'}, ${info.componentCount} component(s), ${info.boundaryEdgeCount} boundary edges, ${info.nonManifoldEdgeCount} non-manifold edges`);
    out(`  volume ${info.volume === null ? 'n/a' : num(info.volume)} mm^3 (smooth torus 2 pi^2 R r^2 = ${num(volume)} mm^3${info.volume === null ? '' : `, ${percent(info.volume, volume)}`})`);
    out(`  area ${num(info.area)} mm^2 (smooth torus 4 pi^2 R r = ${num(area)} mm^2, ${percent(info.area, area)})`);
    out();

    const same = sameTriangles(original, mesh);
    out(same
      ? `round trip STL -> PLY -> ASCII PLY -> STL: the final mesh equals the original (every triangle, bit for bit)`
      : `round trip STL -> PLY -> ASCII PLY -> STL: MISMATCH, the final mesh differs from the original`);
    out(`files are in ${dir}`);
    out(`done in ${ms(performance.now() - t0)}`);
    return same && info.closed ? EXIT_OK : EXIT_FAILED;
  } finally {
    engine.dispose();
  }
}

/** Same triangles in the same order with bit-identical corner positions (vertex order may differ). */
export function sameTriangles(a: Mesh, b: Mesh): boolean {
  if (a.indices.length !== b.indices.length) return false;
  const pa = new Uint32Array(a.positions.buffer, a.positions.byteOffset, a.positions.length);
  const pb = new Uint32Array(b.positions.buffer, b.positions.byteOffset, b.positions.length);
  for (let t = 0; t < a.indices.length; t++) {
    const ia = a.indices[t] * 3, ib = b.indices[t] * 3;
    if (pa[ia] !== pb[ib] || pa[ia + 1] !== pb[ib + 1] || pa[ia + 2] !== pb[ib + 2]) return false;
  }
  return true;
}

async function timed<T>(f: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const t = performance.now();
  const value = await f();
  return { value, ms: performance.now() - t };
}

function ms(x: number): string {
  return `${x.toFixed(0)} ms`;
}

function mbs(bytes: number, milliseconds: number): string {
  return (bytes / 1e3 / milliseconds).toFixed(1);
}

function percent(actual: number, expected: number): string {
  const d = ((actual - expected) / expected) * 100;
  return `${d >= 0 ? '+' : ''}${d.toFixed(3)} %`;
}

/** Columns aligned: text left, figures right. */
function table(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) => '  ' + r.map((cell, c) => (c < 2 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ')).join('\n');
}
