// `scanfuse inspect`: the scan-quality report of one mesh file (holes, fragments, non-manifold
// edges, low-confidence area) with its verdict: ready, or rescan (and where).
import { resolve } from 'node:path';
import { createEngine, qualityReport, type MeshFormat, type MeshWarning, type QualityPlace, type QualityReport } from '../index.js';
import { readMeshFile } from '../node/index.js';
import { displayPath } from './inputs.js';
import { EXIT_OK, UsageError, type CliIo } from './io.js';
import { count, formatWarning, num } from './report.js';

/** The command line's options as commander hands them over (values unparsed). */
export interface InspectCliOptions {
  json?: boolean;
  maxHoleAreaMm2?: string;
  detachedPartAreaMm2?: string;
  confidenceThreshold?: string;
  maxLowConfidenceAreaMm2?: string;
  openBorder?: boolean;
}

/** What `inspect --json` prints: the file and its QualityReport (mm, mm^2). */
export interface InspectReport {
  file: string;
  format: MeshFormat;
  warnings: MeshWarning[];
  report: QualityReport;
}

/** Checks and converts the option values; a bad value is a UsageError (exit code 2). */
export function parseInspectOptions(options: InspectCliOptions) {
  const decimal = (value: string | undefined, name: string, min: number, max: number, unit: string): number | undefined => {
    if (value === undefined) return undefined;
    const n = value.trim() === '' ? NaN : Number(value);
    if (!Number.isFinite(n) || n < min || n > max) throw new UsageError(`${name} expects a number${unit} from ${min} to ${max}, got '${value}'`);
    return n;
  };
  const o = {
    maxHoleArea: decimal(options.maxHoleAreaMm2, '--max-hole-area-mm2', 0, 1e9, ' of mm^2'),
    detachedPartArea: decimal(options.detachedPartAreaMm2, '--detached-part-area-mm2', 0, 1e9, ' of mm^2'),
    confidenceThreshold: decimal(options.confidenceThreshold, '--confidence-threshold', -1e9, 1e9, ''),
    maxLowConfidenceArea: decimal(options.maxLowConfidenceAreaMm2, '--max-low-confidence-area-mm2', 0, 1e9, ' of mm^2'),
  };
  return {
    json: options.json === true,
    quality: {
      ...Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)),
      openBorder: options.openBorder !== false,
    },
  };
}

/** Reads the file, runs the quality report and prints it. Exit 0 whatever the verdict. */
export async function runInspect(file: string, options: InspectCliOptions, io: CliIo): Promise<number> {
  const o = parseInspectOptions(options);
  const engine = await createEngine();
  try {
    const full = resolve(io.cwd, file);
    const read = await readMeshFile(engine, full);
    const report: InspectReport = { file: displayPath(full, io.cwd), format: read.format, warnings: read.warnings, report: qualityReport(engine, read.mesh, o.quality) };
    io.stdout.write(o.json ? `${JSON.stringify(report, null, 2)}\n` : formatInspectReport(report));
    return EXIT_OK;
  } finally {
    engine.dispose();
  }
}

const at = (p: QualityPlace) => `at (${p.centroid.map((x) => x.toFixed(2)).join(', ')}) mm`;

/** The text report. */
export function formatInspectReport(r: InspectReport): string {
  const q = r.report;
  const lines: string[] = [];
  const row = (label: string, value: string) => lines.push(`  ${label.padEnd(20)}  ${value}`);
  lines.push(`${r.file}: ${q.verdict === 'ready' ? 'READY' : 'NEEDS RESCAN'}`);
  for (const issue of q.reasons) {
    lines.push(`  rescan: ${issue.message}`);
    for (const w of issue.where.slice(0, 5)) lines.push(`    ${at(w)}`);
  }
  for (const issue of q.warnings) {
    lines.push(`  warning: ${issue.message}`);
    for (const w of issue.where.slice(0, 3)) lines.push(`    ${at(w)}`);
  }
  for (const w of r.warnings) lines.push(`  reader warning: ${formatWarning(w)}`);
  lines.push('');
  row('mesh', `${r.format.toUpperCase()}, ${count(q.vertexCount)} vertices, ${count(q.triangleCount)} triangles, ${num(q.area)} mm^2`);
  row('edges', `${count(q.edges.total)} (boundary ${count(q.edges.boundary)}, non-manifold ${count(q.edges.nonManifold)}, misoriented ${count(q.edges.misoriented)})`);
  row('open border', q.border ? `${count(q.border.edgeCount)} edges, ${num(q.border.perimeter)} mm around` : 'none');
  row('holes', `${count(q.holeCount)}${q.holes.length ? ` (largest ${num(q.holes[0].spannedArea)} mm^2, ${num(q.holes[0].perimeter)} mm around, ${at(q.holes[0])})` : ''}`);
  row('components', `${count(q.componentCount)}${q.mainComponent ? ` (main ${count(q.mainComponent.triangleCount)} triangles, ${num(q.mainComponent.area)} mm^2)` : ''}`);
  if (q.fragments.length) row('fragments', q.fragments.slice(0, 5).map((f) => `${count(f.triangleCount)} triangles / ${num(f.area)} mm^2`).join('; '));
  if (q.lowConfidence) {
    const l = q.lowConfidence;
    row('low confidence', `${num(l.area)} mm^2 (${(100 * l.fraction).toFixed(2)} %, confidence < ${num(l.threshold)}) in ${count(l.regionCount)} region${l.regionCount === 1 ? '' : 's'}`);
  } else row('low confidence', 'n/a (no confidence attribute)');
  return `${lines.join('\n')}\n`;
}
