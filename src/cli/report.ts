// Output formatting of the CLI: error lists, summaries, `info` text and JSON shapes.
// Pure functions from results to strings; the commands decide which stream gets them.
import type { MeshEncoding, MeshFormat, MeshInfo, MeshWarning } from '../index.js';

/** A file that failed, as listed on stderr and in --json output. */
export interface FileFailure {
  input: string;
  code: string;
  message: string;
  details: Record<string, unknown>;
}

/** One line per failure: `  path  CODE  message`, paths and codes in aligned columns. */
export function formatFailures(failures: readonly FileFailure[]): string {
  if (failures.length === 0) return '';
  const pathWidth = Math.max(...failures.map((f) => f.input.length));
  const codeWidth = Math.max(...failures.map((f) => f.code.length));
  const lines = failures.map((f) => `  ${f.input.padEnd(pathWidth)}  ${f.code.padEnd(codeWidth)}  ${f.message}`);
  return `failed (${failures.length}):\n${lines.join('\n')}\n`;
}

export interface ConvertSummary {
  converted: number;
  failed: number;
  /** Inputs skipped as outputs of an earlier run. */
  skipped?: number;
  seconds: number;
  /** Bytes of the inputs that were converted. */
  bytesIn: number;
}

/** `converted 998, failed 2 in 3.21 s (41.7 MB/s)`; MB = 10^6 bytes of input read. */
export function formatConvertSummary(s: ConvertSummary): string {
  const rate = s.seconds > 0 ? s.bytesIn / 1e6 / s.seconds : 0;
  const skipped = s.skipped ? ` (skipped ${s.skipped} outputs of an earlier run)` : '';
  return `converted ${s.converted}, failed ${s.failed}${skipped} in ${s.seconds.toFixed(2)} s (${rate.toFixed(1)} MB/s)\n`;
}

/** What `info --json` prints for a file that was read. */
export interface InfoRecord extends MeshInfo {
  file: string;
  format: MeshFormat;
  encoding: MeshEncoding;
  /** Extent of the bounds (max - min) per axis, mm; null without vertices. */
  size: [number, number, number] | null;
  warnings: MeshWarning[];
}

/** What `info --json` prints for a file that could not be read. */
export interface InfoFailureRecord {
  file: string;
  error: { code: string; message: string; details: Record<string, unknown> };
}

export function infoRecord(file: string, format: MeshFormat, encoding: MeshEncoding, info: MeshInfo, warnings: MeshWarning[]): InfoRecord {
  const size = info.bounds ? ([0, 1, 2].map((k) => info.bounds!.max[k] - info.bounds!.min[k]) as [number, number, number]) : null;
  return { file, format, encoding, ...info, size, warnings };
}

const ENCODING_NAMES: Record<MeshEncoding, string> = {
  ascii: 'ASCII',
  binary: 'binary',
  binary_little_endian: 'binary little-endian',
  binary_big_endian: 'binary big-endian',
};

/** Human-readable `info` block of one file: labels in one aligned column. */
export function formatInfo(r: InfoRecord): string {
  const rows: Array<[string, string]> = [
    ['format', `${r.format.toUpperCase()} ${ENCODING_NAMES[r.encoding]}`],
    ['vertices', count(r.vertexCount) + (r.referencedVertexCount !== r.vertexCount ? ` (${count(r.referencedVertexCount)} referenced)` : '')],
    ['triangles', count(r.triangleCount)],
  ];
  if (r.bounds && r.size) {
    rows.push(['bounds min (mm)', vec(r.bounds.min)]);
    rows.push(['bounds max (mm)', vec(r.bounds.max)]);
    rows.push(['size (mm)', r.size.map(num).join(' x ')]);
  } else {
    rows.push(['bounds (mm)', 'none (no vertices)']);
  }
  rows.push(
    ['area (mm^2)', num(r.area)],
    ['boundary edges', count(r.boundaryEdgeCount)],
    ['boundary loops', `${count(r.boundaryLoopCount)}${r.boundaryLoopCount ? ' (holes or open borders)' : ''}`],
    ['non-manifold edges', count(r.nonManifoldEdgeCount)],
    ['misoriented edges', count(r.misorientedEdgeCount)],
    ['components', count(r.componentCount) + (r.componentCount > 1 ? ` (largest ${count(r.largestComponentTriangleCount)} triangles)` : '')],
    ['closed', r.closed ? 'yes' : 'no'],
    ['volume (mm^3)', r.volume === null ? 'n/a (not closed)' : num(r.volume)],
  );
  if (r.degenerateTriangleCount) rows.push(['degenerate triangles', count(r.degenerateTriangleCount)]);
  if (r.nonFiniteVertexCount) rows.push(['non-finite vertices', count(r.nonFiniteVertexCount)]);
  rows.push(['warnings', r.warnings.length ? formatWarning(r.warnings[0]) : 'none']);
  for (const w of r.warnings.slice(1)) rows.push(['', formatWarning(w)]);
  const width = Math.max(...rows.map(([label]) => label.length));
  return `${r.file}\n${rows.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`).join('\n')}\n`;
}

export function formatWarning(w: MeshWarning): string {
  return `${w.code}${w.count !== undefined ? ` (${count(w.count)})` : ''}: ${w.message}`;
}

/** Integers with thousands separators: 200,000. */
export function count(n: number): string {
  return n.toLocaleString('en-US');
}

/** Measures in mm: up to 4 decimals, trailing zeros dropped, thousands separated. */
export function num(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  return x.toLocaleString('en-US', { maximumFractionDigits: 4, useGrouping: Math.abs(x) >= 10_000 });
}

function vec(v: readonly number[]): string {
  return v.map(num).join(', ');
}

/** Byte counts for people: 1.23 MB (10^6). */
export function formatBytes(n: number): string {
  if (n < 1e3) return `${n} B`;
  if (n < 1e6) return `${(n / 1e3).toFixed(1)} kB`;
  return `${(n / 1e6).toFixed(2)} MB`;
}
