// Redwood / Open3D trajectory files (.log): text blocks of one metadata line `i j n` and a 4x4
// homogeneous matrix in row-major text. For a camera trajectory the matrix is camera-to-world,
// in METRES, and the metadata is `k k k+1` for frame k (the third number is the 1-based frame
// number). scanfuse works in millimetres with column-major Float64Array(16) poses; the
// conversion happens here and only here, through `unitsPerMm` (file length units per mm:
// 0.001 for metres, the default).
//
// Isomorphic: no node imports.
import { ScanfuseError } from '../errors.js';
import type { Transform } from '../math/pose.js';

/** Length units of a Redwood .log file per millimetre: the format's metres. */
export const REDWOOD_LOG_UNITS_PER_MM = 0.001;

/**
 * Decimal places printed by formatRedwoodLog. With metres in the file, 15 decimals resolve
 * 1e-15 m = 1e-12 mm, so a pose written and read back differs by less than 1e-12 mm in
 * translation (a few 1e-16 in the rotation entries); Open3D, numpy and sscanf read the text
 * as it is.
 */
export const REDWOOD_LOG_DECIMALS = 15;

export interface RedwoodLogOptions {
  /**
   * Length units of the file per millimetre. Default 0.001 (metres, as Redwood and Open3D
   * write). Pass 1 for a file in millimetres.
   */
  unitsPerMm?: number;
  /** File name reported in errors. */
  fileName?: string;
}

export interface ParseRedwoodLogOptions extends RedwoodLogOptions {
  /**
   * Largest accepted deviation of each matrix from a rigid transform (orthonormal rotation,
   * last row 0 0 0 1). Default 1e-4 (files printed with 8 decimals pass). Infinity accepts any
   * finite matrix (a .log of general transforms).
   */
  rigidTolerance?: number;
}

/** One block of a .log file. */
export interface RedwoodLogEntry {
  /** The metadata line `i j n`, as written (for trajectories: frame, frame, frame + 1). */
  metadata: [number, number, number];
  /** The matrix as camera-to-world, column-major, converted to mm. */
  cameraToWorld: Transform;
  /** 1-based line of the metadata line. */
  line: number;
}

export interface RedwoodLog {
  entries: RedwoodLogEntry[];
  /** Every entry's cameraToWorld (mm, column-major), in file order. */
  cameraToWorld: Transform[];
}

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const INTEGER = /^[+-]?\d+$/;

function unitsOf(options: RedwoodLogOptions, api: string): number {
  const u = options.unitsPerMm ?? REDWOOD_LOG_UNITS_PER_MM;
  if (!(typeof u === 'number' && Number.isFinite(u) && u > 0)) {
    throw new ScanfuseError('INVALID_ARGUMENT', `${api}: unitsPerMm must be a positive finite number (0.001 for metres)`, { actual: String(u) });
  }
  return u;
}

/**
 * Parses a Redwood .log. Blank lines (and CR LF endings) are accepted anywhere; every other
 * line is a metadata line of three integers or a matrix row of four finite numbers. Errors are
 * ScanfuseError('MALFORMED_INPUT') with `details.line` (1-based): a token that is not a number,
 * the wrong token count, a block cut short at the end (truncated file), a non-rigid matrix.
 */
export function parseRedwoodLog(text: string, options: ParseRedwoodLogOptions = {}): RedwoodLog {
  const api = 'parseRedwoodLog';
  if (typeof text !== 'string') throw new ScanfuseError('INVALID_ARGUMENT', `${api}: text must be a string`);
  const unitsPerMm = unitsOf(options, api);
  const tolerance = options.rigidTolerance ?? 1e-4;
  if (!(tolerance >= 0)) throw new ScanfuseError('INVALID_ARGUMENT', `${api}: rigidTolerance must be >= 0`, { actual: tolerance });
  const file = options.fileName;
  const fail = (message: string, line: number, more: { expected?: string | number; actual?: string | number } = {}): never => {
    throw new ScanfuseError('MALFORMED_INPUT', `${api}: ${message}`, { ...(file !== undefined ? { file } : {}), line, ...more });
  };
  const lines = text.split('\n');
  const entries: RedwoodLogEntry[] = [];
  let metaLine = 0;
  let metadata: [number, number, number] = [0, 0, 0];
  let rows: number[][] = [];
  let lastLine = 0;
  for (let l = 0; l < lines.length; l++) {
    const lineNo = l + 1;
    const raw = lines[l];
    const body = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    const trimmed = body.trim();
    if (trimmed === '') continue;
    lastLine = lineNo;
    const tokens = trimmed.split(/[ \t]+/);
    if (metaLine === 0) {
      if (tokens.length !== 3) fail('a metadata line needs three integers "i j n"', lineNo, { expected: 3, actual: tokens.length });
      for (const t of tokens) if (!INTEGER.test(t)) fail(`metadata "${clip(t)}" is not an integer`, lineNo);
      metadata = tokens.map(Number) as [number, number, number];
      metaLine = lineNo;
      rows = [];
      continue;
    }
    if (tokens.length !== 4) fail('a matrix row needs four numbers', lineNo, { expected: 4, actual: tokens.length });
    const row = tokens.map((t) => {
      // `+ 0` turns the "-0.00000000" that Redwood files print into 0.
      const v = NUMBER.test(t) ? Number(t) + 0 : NaN;
      if (!Number.isFinite(v)) fail(`"${clip(t)}" is not a finite number`, lineNo);
      return v;
    });
    rows.push(row);
    if (rows.length === 4) {
      const m = new Float64Array(16);
      for (let r = 0; r < 4; r++) for (let c = 0; c < 4; c++) m[c * 4 + r] = rows[r][c];
      const deviation = rigidDeviation(m);
      if (deviation > tolerance) {
        fail('the matrix is not a rigid transform (rotation not orthonormal or last row not 0 0 0 1)', metaLine, {
          expected: `deviation <= ${tolerance}`, actual: deviation,
        });
      }
      for (let k = 12; k < 15; k++) m[k] /= unitsPerMm;
      entries.push({ metadata, cameraToWorld: m, line: metaLine });
      metaLine = 0;
    }
  }
  if (metaLine !== 0) {
    fail(`the file ends inside the block that starts at line ${metaLine} (truncated?)`, lastLine, {
      expected: '4 matrix rows', actual: `${rows.length} rows`,
    });
  }
  return { entries, cameraToWorld: entries.map((e) => e.cameraToWorld) };
}

export interface FormatRedwoodLogOptions extends RedwoodLogOptions {
  /** Metadata line of each block. Default `k k k+1` (a camera trajectory). */
  metadata?: ReadonlyArray<readonly [number, number, number]>;
  /** Decimal places (fixed notation). Default REDWOOD_LOG_DECIMALS (15). */
  decimals?: number;
}

/**
 * Formats camera-to-world poses (mm, column-major Float64Array(16)) as a Redwood .log in the
 * file's units (metres by default): LF line endings, numbers in fixed notation with
 * `decimals` places, single spaces. The text is a pure function of the poses (deterministic).
 */
export function formatRedwoodLog(cameraToWorld: ReadonlyArray<ArrayLike<number>>, options: FormatRedwoodLogOptions = {}): string {
  const api = 'formatRedwoodLog';
  const unitsPerMm = unitsOf(options, api);
  const decimals = options.decimals ?? REDWOOD_LOG_DECIMALS;
  if (!(Number.isInteger(decimals) && decimals >= 0 && decimals <= 20)) {
    throw new ScanfuseError('INVALID_ARGUMENT', `${api}: decimals must be an integer 0..20`, { actual: decimals });
  }
  const meta = options.metadata;
  if (meta !== undefined && meta.length !== cameraToWorld.length) {
    throw new ScanfuseError('INVALID_ARGUMENT', `${api}: one metadata triple per pose is needed`, { expected: cameraToWorld.length, actual: meta.length });
  }
  const fmt = (v: number) => {
    const s = v.toFixed(decimals);
    // No "-0.000": a negative zero (or a value that rounds to zero) prints as zero.
    return /^-0\.?0*$/.test(s) ? s.slice(1) : s;
  };
  const out: string[] = [];
  for (let k = 0; k < cameraToWorld.length; k++) {
    const m = cameraToWorld[k];
    if (!m || m.length !== 16) throw new ScanfuseError('INVALID_ARGUMENT', `${api}: pose ${k} must have 16 numbers`, { actual: m?.length });
    for (let i = 0; i < 16; i++) {
      if (!Number.isFinite(m[i])) throw new ScanfuseError('INVALID_ARGUMENT', `${api}: pose ${k} has a non-finite entry`, { index: i });
    }
    const ids = meta ? meta[k] : [k, k, k + 1];
    if (!ids.every((v) => Number.isInteger(v))) throw new ScanfuseError('INVALID_ARGUMENT', `${api}: metadata ${k} must be integers`);
    out.push(`${ids[0]} ${ids[1]} ${ids[2]}`);
    for (let r = 0; r < 4; r++) {
      const row: string[] = [];
      for (let c = 0; c < 4; c++) row.push(fmt(c === 3 && r < 3 ? m[12 + r] * unitsPerMm : m[c * 4 + r]));
      out.push(row.join(' '));
    }
  }
  return out.length ? `${out.join('\n')}\n` : '';
}

/** Largest deviation from rigidity: |R^T R - I| entries, |det R - 1| and the last row. */
function rigidDeviation(m: Float64Array): number {
  let worst = Math.max(Math.abs(m[3]), Math.abs(m[7]), Math.abs(m[11]), Math.abs(m[15] - 1));
  for (let a = 0; a < 3; a++) {
    for (let b = a; b < 3; b++) {
      const d = m[a * 4] * m[b * 4] + m[a * 4 + 1] * m[b * 4 + 1] + m[a * 4 + 2] * m[b * 4 + 2];
      worst = Math.max(worst, Math.abs(d - (a === b ? 1 : 0)));
    }
  }
  const det = m[0] * (m[5] * m[10] - m[9] * m[6]) - m[4] * (m[1] * m[10] - m[9] * m[2]) + m[8] * (m[1] * m[6] - m[5] * m[2]);
  return Math.max(worst, Math.abs(det - 1));
}

function clip(s: string): string {
  return s.length > 24 ? `${s.slice(0, 24)}...` : s;
}
