// `scanfuse compare-to-reference`: scores a reconstruction against a reference surface (trueness,
// completeness) and, optionally, an estimated camera trajectory against the ground truth (ATE,
// RPE). The formulas are those of src/metrics (trueness.ts, completeness.ts, trajectory.ts).
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import {
  absoluteTrajectoryError, completeness, createEngine, parseRedwoodLog, relativePoseError, trueness, ScanfuseError,
  type CompletenessResult, type ErrorSummary, type MeshEncoding, type MeshFormat, type MeshWarning, type TruenessResult,
} from '../index.js';
import { readMeshFile } from '../node/index.js';
import { displayPath } from './inputs.js';
import { EXIT_OK, UsageError, type CliIo } from './io.js';
import { count, formatWarning, num } from './report.js';

/** The command line's options as commander hands them over (values unparsed). */
export interface CompareCliOptions {
  json?: boolean;
  thresholdUm?: string;
  maxDistanceMm?: string;
  samples?: string;
  trajectory?: string;
  referenceTrajectory?: string;
  trajectoryUnits?: string;
  rpeDelta?: string;
}

interface MeshSummary {
  file: string;
  format: MeshFormat;
  encoding: MeshEncoding;
  vertices: number;
  triangles: number;
  warnings: MeshWarning[];
}

/** What `compare-to-reference --json` prints (one object). Micrometres, degrees, mm^2. */
export interface CompareReport {
  reconstruction: MeshSummary;
  reference: MeshSummary;
  trueness: Omit<TruenessResult, 'signedDistances'>;
  completeness: CompletenessResult;
  trajectory: null | {
    estimated: string;
    groundTruth: string;
    frames: number;
    /** ATE RMSE without any alignment (both in the same world frame), µm. */
    ateRmseUm: number;
    /** ATE RMSE after the rigid (Horn, no scale) alignment of the estimate onto the ground truth, µm. */
    ateAlignedRmseUm: number;
    ateTranslationUm: ErrorSummary;
    ateAlignedTranslationUm: ErrorSummary;
    ateRotationDeg: ErrorSummary;
    ateAlignedRotationDeg: ErrorSummary;
    rpeDelta: number;
    rpePairs: number;
    rpeTranslationUm: ErrorSummary;
    rpeRotationDeg: ErrorSummary;
  };
}

interface ParsedCompareOptions {
  json: boolean;
  thresholdUm: number;
  maxDistance: number;
  samples: number;
  trajectory: { estimated: string; groundTruth: string; unitsPerMm: number; delta: number } | null;
}

/** Checks and converts the option values; a bad value is a UsageError (exit code 2). */
export function parseCompareOptions(options: CompareCliOptions): ParsedCompareOptions {
  const decimal = (value: string | undefined, fallback: number, name: string, min: number, max: number, unit: string): number => {
    if (value === undefined) return fallback;
    const n = value.trim() === '' ? NaN : Number(value);
    if (!Number.isFinite(n) || n < min || n > max) throw new UsageError(`${name} expects a number of ${unit} from ${min} to ${max}, got '${value}'`);
    return n;
  };
  const integer = (value: string | undefined, fallback: number, name: string, min: number, max: number): number => {
    if (value === undefined) return fallback;
    const n = Number(value);
    if (!/^\s*\d+\s*$/.test(value) || !Number.isSafeInteger(n) || n < min || n > max) {
      throw new UsageError(`${name} expects a whole number from ${min} to ${max}, got '${value}'`);
    }
    return n;
  };
  const est = options.trajectory, gt = options.referenceTrajectory;
  if ((est === undefined) !== (gt === undefined)) {
    throw new UsageError('--trajectory and --reference-trajectory go together: give both .log files or neither');
  }
  if (est === undefined && (options.trajectoryUnits !== undefined || options.rpeDelta !== undefined)) {
    throw new UsageError('--trajectory-units and --rpe-delta need --trajectory and --reference-trajectory');
  }
  const units = options.trajectoryUnits ?? 'm';
  if (units !== 'm' && units !== 'mm') throw new UsageError(`--trajectory-units expects m or mm, got '${units}'`);
  return {
    json: options.json === true,
    thresholdUm: decimal(options.thresholdUm, 50, '--threshold-um', 0, 1e6, 'µm'),
    maxDistance: decimal(options.maxDistanceMm, 1, '--max-distance-mm', 1e-6, 1e6, 'mm'),
    samples: integer(options.samples, 200_000, '--samples', 1, 20_000_000),
    trajectory: est === undefined ? null : {
      estimated: est, groundTruth: gt!, unitsPerMm: units === 'm' ? 0.001 : 1, delta: integer(options.rpeDelta, 1, '--rpe-delta', 1, 1_000_000),
    },
  };
}

/** Reads both meshes (and trajectories), computes the metrics and prints them. */
export async function runCompare(reconstructionPath: string, referencePath: string, options: CompareCliOptions, io: CliIo): Promise<number> {
  const o = parseCompareOptions(options);
  const engine = await createEngine();
  try {
    const read = async (path: string): Promise<{ summary: MeshSummary; mesh: Awaited<ReturnType<typeof readMeshFile>>['mesh'] }> => {
      const r = await readMeshFile(engine, resolve(io.cwd, path));
      return {
        mesh: r.mesh,
        summary: {
          file: displayPath(resolve(io.cwd, path), io.cwd), format: r.format, encoding: r.encoding,
          vertices: r.mesh.positions.length / 3, triangles: r.mesh.indices.length / 3, warnings: r.warnings,
        },
      };
    };
    const recon = await read(reconstructionPath);
    const ref = await read(referencePath);
    if (ref.summary.triangles === 0) {
      throw new ScanfuseError('INVALID_ARGUMENT', `compare-to-reference: the reference ${ref.summary.file} has no triangles; it must be a surface mesh`, { file: ref.summary.file });
    }
    // Trajectories first: a bad .log fails before the (longer) surface metrics.
    let trajectory: CompareReport['trajectory'] = null;
    if (o.trajectory) {
      const t = o.trajectory;
      const log = async (path: string) => {
        const full = resolve(io.cwd, path);
        let text: string;
        try {
          text = await readFile(full, 'utf8');
        } catch (e) {
          throw new ScanfuseError('IO_ERROR', `compare-to-reference: cannot read ${path}: ${(e as Error).message}`, { file: full }, { cause: e });
        }
        return parseRedwoodLog(text, { unitsPerMm: t.unitsPerMm, fileName: displayPath(full, io.cwd) }).cameraToWorld;
      };
      const estimated = await log(t.estimated);
      const groundTruth = await log(t.groundTruth);
      const ate = absoluteTrajectoryError(estimated, groundTruth);
      const rpe = relativePoseError(estimated, groundTruth, { delta: t.delta });
      trajectory = {
        estimated: displayPath(resolve(io.cwd, t.estimated), io.cwd), groundTruth: displayPath(resolve(io.cwd, t.groundTruth), io.cwd),
        frames: ate.frameCount, ateRmseUm: ate.rmseUm, ateAlignedRmseUm: ate.alignedRmseUm,
        ateTranslationUm: ate.translationUm, ateAlignedTranslationUm: ate.alignedTranslationUm,
        ateRotationDeg: ate.rotationDeg, ateAlignedRotationDeg: ate.alignedRotationDeg,
        rpeDelta: rpe.delta, rpePairs: rpe.pairCount, rpeTranslationUm: rpe.translationUm, rpeRotationDeg: rpe.rotationDeg,
      };
    }
    const report: CompareReport = {
      reconstruction: recon.summary,
      reference: ref.summary,
      trueness: trueness(engine, recon.mesh, ref.mesh, { maxDistance: o.maxDistance }),
      completeness: completeness(engine, recon.mesh, ref.mesh, { thresholdUm: o.thresholdUm, samples: o.samples }),
      trajectory,
    };
    io.stdout.write(o.json ? `${JSON.stringify(report, null, 2)}\n` : formatCompareReport(report));
    return EXIT_OK;
  } finally {
    engine.dispose();
  }
}

/** The text report: one aligned block per metric. */
export function formatCompareReport(r: CompareReport): string {
  const t = r.trueness, c = r.completeness;
  const um = (x: number) => (Number.isFinite(x) ? `${x.toFixed(1)} µm` : 'n/a');
  const signed = (x: number) => (Number.isFinite(x) ? `${x >= 0 ? '+' : ''}${x.toFixed(1)} µm${x > 0 ? ' (outside the reference on average)' : x < 0 ? ' (inside the reference on average)' : ''}` : 'n/a');
  const weight = t.weighting === 'area' ? `${num(t.totalWeight)} mm^2` : `${count(t.totalWeight)} vertices`;
  const beyondShare = t.totalWeight + t.beyondMaxDistanceWeight > 0 ? (100 * t.beyondMaxDistanceWeight) / (t.totalWeight + t.beyondMaxDistanceWeight) : 0;
  const sections: Array<[string, Array<[string, string]>]> = [
    ['meshes', [
      ['reconstruction', meshLine(r.reconstruction)],
      ['reference', meshLine(r.reference)],
      ...[...r.reconstruction.warnings.map((w) => ['reconstruction warning', formatWarning(w)] as [string, string]),
        ...r.reference.warnings.map((w) => ['reference warning', formatWarning(w)] as [string, string])],
    ]],
    [`trueness (reconstruction vertices to the reference surface, ${t.weighting === 'area' ? 'area-weighted' : 'uniform weights'})`, [
      ['mean absolute', um(t.meanAbsoluteUm)],
      ['RMS', um(t.rmsUm)],
      ['signed mean', signed(t.signedMeanUm)],
      ['p50', um(t.p50Um)],
      ['p95', um(t.p95Um)],
      ['max', um(t.maxUm)],
      ['evaluated', `${count(t.evaluatedVertexCount)} vertices (${weight})`],
      [`beyond ${num(t.maxDistance)} mm`, `${count(t.beyondMaxDistanceCount)} vertices (${beyondShare.toFixed(2)} % of the weight), left out`],
    ]],
    [`completeness (reference area within ${num(c.thresholdUm)} µm of the reconstruction)`, [
      ['completeness', `${(100 * c.completeness).toFixed(2)} % (± ${(100 * c.standardError).toFixed(2)} %)`],
      ['covered area', `${num(c.coveredAreaMm2)} of ${num(c.referenceAreaMm2)} mm^2`],
      ['samples', `${count(c.coveredSampleCount)} of ${count(c.sampleCount)} covered (seed ${c.seed})`],
    ]],
  ];
  const traj = r.trajectory;
  if (traj) {
    const s = (e: ErrorSummary, unit: string, digits: number) => `mean ${e.mean.toFixed(digits)}, RMS ${e.rms.toFixed(digits)}, max ${e.max.toFixed(digits)} ${unit}`;
    sections.push([`trajectory (${count(traj.frames)} frames: ${traj.estimated} against ${traj.groundTruth})`, [
      ['ATE RMSE, unaligned', `${um(traj.ateRmseUm)} (same world frame, no alignment)`],
      ['ATE RMSE, aligned', `${um(traj.ateAlignedRmseUm)} (after a rigid alignment, Horn, no scale)`],
      ['ATE rotation', `${s(traj.ateRotationDeg, 'deg', 3)} unaligned; ${s(traj.ateAlignedRotationDeg, 'deg', 3)} aligned`],
      [`RPE translation`, traj.rpePairs ? `${s(traj.rpeTranslationUm, 'µm', 1)} (${count(traj.rpePairs)} pairs i, i+${traj.rpeDelta})` : 'n/a (no frame pairs)'],
      [`RPE rotation`, traj.rpePairs ? s(traj.rpeRotationDeg, 'deg', 4) : 'n/a (no frame pairs)'],
    ]]);
  }
  const width = Math.max(...sections.flatMap(([, rows]) => rows.map(([label]) => label.length)));
  return sections.map(([title, rows]) => `${title}\n${rows.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`).join('\n')}\n`).join('\n');
}

function meshLine(m: MeshSummary): string {
  return `${m.file} (${m.format.toUpperCase()}, ${count(m.vertices)} vertices, ${count(m.triangles)} triangles${m.triangles === 0 ? ': a point cloud' : ''})`;
}
