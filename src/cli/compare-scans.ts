// `scanfuse compare`: TimeLapse comparison of two scans of one jaw. Aligns AFTER to BEFORE on what
// did not change, prints the deviation statistics overall and per tooth, and writes the heatmap
// (AFTER in BEFORE's frame, per-vertex colours and a `deviation` attribute) as a PLY.
import { mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { compareScans, createEngine, ScanfuseError, type DeviationStats, type LabelDeviationStats, type MeshFormat, type MeshWarning } from '../index.js';
import { readMeshFile, writeMeshFile } from '../node/index.js';
import { displayPath } from './inputs.js';
import { EXIT_OK, UsageError, type CliIo } from './io.js';
import { count, formatWarning, num } from './report.js';

/** The command line's options as commander hands them over (values unparsed). */
export interface CompareScansCliOptions {
  out?: string;
  json?: boolean;
  rangeMm?: string;
  thresholdMm?: string;
  maxDistanceMm?: string;
  stableLabels?: string;
  excludeLabels?: string;
  labelAttribute?: string;
}

/** What `compare --json` prints. Millimetres (deviations), mm^2 (areas). */
export interface CompareScansReport {
  before: { file: string; format: MeshFormat; vertices: number; triangles: number; warnings: MeshWarning[] };
  after: { file: string; format: MeshFormat; vertices: number; triangles: number; warnings: MeshWarning[] };
  alignment: {
    afterToBefore: number[];
    verdict: string;
    fitness: number;
    inlierRmse: number;
    residualRms: number;
    rotationDegrees: number;
    translation: number;
    stableVertexCount: number;
    inlierCount: number;
    trimDistance: number;
  };
  range: number;
  threshold: number;
  stats: DeviationStats;
  perLabel: LabelDeviationStats[] | null;
  notCompared: { beyondMaxDistance: number; outsideBefore: number; nonFinite: number };
  /** The heatmap file written, or null. */
  out: string | null;
}

interface ParsedOptions {
  out: string | null;
  json: boolean;
  range: number;
  threshold: number;
  maxDistance: number;
  stableLabels?: number[];
  excludeLabels?: number[];
  labelAttribute: string;
}

/** Checks and converts the option values; a bad value is a UsageError (exit code 2). */
export function parseCompareScansOptions(options: CompareScansCliOptions): ParsedOptions {
  const decimal = (value: string | undefined, fallback: number, name: string, min: number, max: number): number => {
    if (value === undefined) return fallback;
    const n = value.trim() === '' ? NaN : Number(value);
    if (!Number.isFinite(n) || n < min || n > max) throw new UsageError(`${name} expects a number of mm from ${min} to ${max}, got '${value}'`);
    return n;
  };
  const labels = (value: string | undefined, name: string): number[] | undefined => {
    if (value === undefined) return undefined;
    const parts = value.split(',').map((p) => p.trim());
    if (!parts.every((p) => /^\d+$/.test(p))) throw new UsageError(`${name} expects comma-separated label numbers (FDI, 0 = gingiva), got '${value}'`);
    return parts.map(Number);
  };
  const out = options.out ?? null;
  if (out !== null && !/\.ply$/i.test(out)) {
    throw new UsageError(`--out must name a .ply file (the heatmap needs per-vertex colours and a deviation attribute), got '${out}'`);
  }
  return {
    out,
    json: options.json === true,
    range: decimal(options.rangeMm, 0.25, '--range-mm', 1e-6, 1000),
    threshold: decimal(options.thresholdMm, 0.1, '--threshold-mm', 0, 1000),
    maxDistance: decimal(options.maxDistanceMm, 1, '--max-distance-mm', 1e-6, 1e6),
    stableLabels: labels(options.stableLabels, '--stable-labels'),
    excludeLabels: labels(options.excludeLabels, '--exclude-labels'),
    labelAttribute: options.labelAttribute ?? 'label',
  };
}

/** Reads both scans, compares them, writes the heatmap (atomically) and prints the report. */
export async function runCompareScans(beforePath: string, afterPath: string, options: CompareScansCliOptions, io: CliIo): Promise<number> {
  const o = parseCompareScansOptions(options);
  const engine = await createEngine();
  try {
    const before = await readMeshFile(engine, resolve(io.cwd, beforePath));
    const after = await readMeshFile(engine, resolve(io.cwd, afterPath));
    const r = compareScans(engine, before.mesh, after.mesh, {
      range: o.range, threshold: o.threshold, maxDistance: o.maxDistance, labelAttribute: o.labelAttribute,
      ...(o.stableLabels ? { stableLabels: o.stableLabels } : {}), ...(o.excludeLabels ? { excludeLabels: o.excludeLabels } : {}),
    });
    let out: string | null = null;
    if (o.out) {
      const full = resolve(io.cwd, o.out);
      try {
        await mkdir(dirname(full), { recursive: true });
      } catch (e) {
        throw new ScanfuseError('IO_ERROR', `compare: cannot create the folder of ${o.out}: ${(e as Error).message}`, { file: full }, { cause: e });
      }
      await writeMeshFile(engine, full, r.aligned, { format: 'ply' });
      out = displayPath(full, io.cwd);
    }
    const m = r.alignment.afterToBefore;
    const summary = (path: string, read: typeof before) => ({
      file: displayPath(resolve(io.cwd, path), io.cwd), format: read.format, vertices: read.mesh.positions.length / 3,
      triangles: read.mesh.indices.length / 3, warnings: read.warnings,
    });
    const report: CompareScansReport = {
      before: summary(beforePath, before),
      after: summary(afterPath, after),
      alignment: {
        afterToBefore: Array.from(m), verdict: r.alignment.verdict, fitness: r.alignment.fitness, inlierRmse: r.alignment.inlierRmse,
        residualRms: r.alignment.residualRms,
        rotationDegrees: (Math.acos(Math.max(-1, Math.min(1, (m[0] + m[5] + m[10] - 1) / 2))) * 180) / Math.PI,
        translation: Math.hypot(m[12], m[13], m[14]),
        stableVertexCount: r.alignment.stableVertexCount, inlierCount: r.alignment.inlierCount, trimDistance: r.alignment.trimDistance,
      },
      range: r.range,
      threshold: o.threshold,
      stats: r.stats,
      perLabel: r.perLabel,
      notCompared: r.notCompared,
      out,
    };
    io.stdout.write(o.json ? `${JSON.stringify(report, null, 2)}\n` : formatCompareScansReport(report));
    return EXIT_OK;
  } finally {
    engine.dispose();
  }
}

const um = (mm: number) => (Number.isFinite(mm) ? `${(1000 * mm).toFixed(1)} µm` : 'n/a');
const signedUm = (mm: number) => (Number.isFinite(mm) ? `${mm >= 0 ? '+' : ''}${(1000 * mm).toFixed(1)} µm` : 'n/a');

/** The text report. */
export function formatCompareScansReport(r: CompareScansReport): string {
  const a = r.alignment, s = r.stats;
  const lines: string[] = [];
  const row = (label: string, value: string) => lines.push(`  ${label.padEnd(22)}  ${value}`);
  lines.push('scans');
  row('before', `${r.before.file} (${r.before.format.toUpperCase()}, ${count(r.before.vertices)} vertices, ${count(r.before.triangles)} triangles)`);
  row('after', `${r.after.file} (${r.after.format.toUpperCase()}, ${count(r.after.vertices)} vertices, ${count(r.after.triangles)} triangles)`);
  for (const w of r.before.warnings) row('before warning', formatWarning(w));
  for (const w of r.after.warnings) row('after warning', formatWarning(w));
  lines.push('', 'alignment (after -> before, on what did not move)');
  row('verdict', a.verdict);
  row('motion', `${a.rotationDegrees.toFixed(3)} deg, ${num(a.translation)} mm`);
  row('fitness', `${(100 * a.fitness).toFixed(1)} %, inlier RMSE ${um(a.inlierRmse)}`);
  row('stable points', `${count(a.inlierCount)} used (of ${count(a.stableVertexCount)} stable vertices; trim ${um(a.trimDistance)}), residual RMS ${um(a.residualRms)}`);
  lines.push('', `deviation of after from before (signed, along the normal; + outward, - inward; area-weighted)`);
  row('mean', signedUm(s.mean));
  row('mean absolute', um(s.meanAbs));
  row('RMS', um(s.rms));
  row('p95 |d|', um(s.p95Abs));
  row('max |d|', um(s.maxAbs));
  row(`area |d| > ${um(r.threshold)}`, `${num(s.areaAbove)} mm^2 (${(100 * (s.fractionAbove || 0)).toFixed(2)} % of ${num(s.area)} mm^2)`);
  const nc = r.notCompared;
  row('not compared', `${count(nc.beyondMaxDistance)} beyond the max distance, ${count(nc.outsideBefore)} beyond before's border, ${count(nc.nonFinite)} non-finite`);
  if (r.perLabel) {
    lines.push('', 'per label (0 = gingiva / palate)');
    lines.push(`  ${'label'.padStart(5)}  ${'area mm^2'.padStart(10)}  ${'mean'.padStart(10)}  ${'mean |d|'.padStart(10)}  ${'p95 |d|'.padStart(10)}  ${`> ${um(r.threshold)}`.padStart(12)}`);
    for (const l of r.perLabel) {
      lines.push(`  ${String(l.label).padStart(5)}  ${l.area.toFixed(1).padStart(10)}  ${signedUm(l.mean).padStart(10)}  ${um(l.meanAbs).padStart(10)}  ${um(l.p95Abs).padStart(10)}  ${`${(100 * (l.fractionAbove || 0)).toFixed(1)} %`.padStart(12)}`);
    }
    const teeth = r.perLabel.filter((l) => l.label !== 0 && Number.isFinite(l.meanAbs));
    if (teeth.length) {
      const most = teeth.reduce((p, q) => (q.meanAbs > p.meanAbs ? q : p));
      lines.push('', `largest change: label ${most.label} (mean |d| ${um(most.meanAbs)}, p95 ${um(most.p95Abs)})`);
    }
  }
  if (r.out) lines.push('', `heatmap: ${r.out} (range ±${um(r.range)}; blue inward, red outward, grey not compared)`);
  return `${lines.join('\n')}\n`;
}
