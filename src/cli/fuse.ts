// `scanfuse fuse`: fuses an RGB-D dataset folder (scanfuse's simulator layout or the Redwood /
// Open3D layout) into one TSDF volume and extracts its surface. With --poses the frames are
// integrated at the given camera-to-world poses; without, a ScanSession tracks them
// (frame-to-model ICP) and the estimated trajectory is compared with the dataset's own.
// Prints speed, memory, size and, when the dataset has a reference mesh, accuracy.
import { mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  absoluteTrajectoryError, completeness, createEngine, formatRedwoodLog, ScanfuseError, trueness,
  type AbsoluteTrajectoryError, type Engine, type Mesh,
} from '../index.js';
import { createTsdfVolume, type TsdfVolume } from '../fusion/tsdf-volume.js';
import type { Transform } from '../math/pose.js';
import { createScanSession, type FrameStatus } from '../session/scan-session.js';
import { formatFromPath, readDataset, writeFileAtomic, writeMeshFile, type DatasetFrame, type RgbdDataset } from '../node/index.js';
import { displayPath } from './inputs.js';
import { EXIT_FAILED, EXIT_OK, UsageError, type CliIo } from './io.js';
import { startProgressBar } from './progress.js';
import { count } from './report.js';

/** The command line's options, as commander passes them (numbers still text: parsed and checked here). */
export interface FuseCliOptions {
  /** A Redwood .log (camera-to-world, metres), or 'dataset' for the dataset's own trajectory. Absent: track. */
  poses?: string;
  /** Voxel size, mm. Default: by dataset (see FUSE_PROFILES). */
  voxel?: string;
  /** Truncation distance in voxels, 1..64. Default 4. */
  truncationVoxels?: string;
  /** Half-open frame range 'A:B' (either side may be omitted). */
  frames?: string;
  /** Mesh output (.ply or .stl), written atomically. */
  out?: string;
  /** The poses of the fused frames as a Redwood .log (metres), written atomically. */
  trajectoryOut?: string;
  /** Volume memory budget, MiB (1..1024). Default 512. */
  maxMemoryMib?: string;
  json?: boolean;
}

interface FuseOptions {
  poses?: string;
  voxel?: number;
  truncationVoxels: number;
  frames?: string;
  out?: string;
  trajectoryOut?: string;
  maxMemoryMib: number;
  json: boolean;
}

function parseNumberOption(name: string, text: string | undefined, min: number, max: number, integer: boolean): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || n < min || n > max || (integer && !Number.isInteger(n))) {
    throw new UsageError(`${name}: expected ${integer ? 'a whole number' : 'a number'} from ${min} to ${max}, got '${text}'`);
  }
  return n;
}

/** Checks and converts the command line's options. */
export function fuseOptions(o: FuseCliOptions): FuseOptions {
  if (o.poses !== undefined && o.poses.trim() === '') throw new UsageError('--poses: expected a .log file or "dataset"');
  if (o.frames !== undefined) parseFrameRange(o.frames);
  return {
    poses: o.poses,
    voxel: parseNumberOption('--voxel', o.voxel, 0.005, 100, false),
    truncationVoxels: parseNumberOption('--truncation-voxels', o.truncationVoxels, 1, 64, false) ?? FUSE_DEFAULT_TRUNCATION_VOXELS,
    frames: o.frames,
    out: o.out,
    trajectoryOut: o.trajectoryOut,
    // 1024 at most: a volume's voxel data is one block of the core's memory, and blocks stop at 1 GiB
    // (createTsdfVolume accepts up to 3072 but fails with OUT_OF_MEMORY above about 1035).
    maxMemoryMib: parseNumberOption('--max-memory-mib', o.maxMemoryMib, 1, FUSE_MAX_MEMORY_MIB, false) ?? FUSE_DEFAULT_MAX_MEMORY_MIB,
    json: o.json === true,
  };
}

export type FuseProfileName = 'intraoral' | 'room';

export interface FuseProfile {
  /** Default voxel size, mm. */
  voxel: number;
  /** Depth range used, mm. */
  minDepth: number;
  maxDepth: number;
}

/**
 * Defaults by kind of dataset. A dataset written by the simulator (its manifest records the wand)
 * is intraoral and uses the wand's depth range; any other dataset is intraoral when the median
 * valid depth of its first fused frame is below FUSE_ROOM_MIN_MEDIAN_DEPTH mm, else room scale
 * (depth to 3 m, as Open3D's reconstruction scripts).
 */
export const FUSE_PROFILES: Readonly<Record<FuseProfileName, Readonly<FuseProfile>>> = Object.freeze({
  intraoral: Object.freeze({ voxel: 0.05, minDepth: 2, maxDepth: 20 }),
  room: Object.freeze({ voxel: 10, minDepth: 100, maxDepth: 3000 }),
});
export const FUSE_ROOM_MIN_MEDIAN_DEPTH = 100;
export const FUSE_DEFAULT_MAX_MEMORY_MIB = 512;
/** The largest --max-memory-mib (one volume's voxel data is a single block of at most 1 GiB). */
export const FUSE_MAX_MEMORY_MIB = 1024;
export const FUSE_DEFAULT_TRUNCATION_VOXELS = 4;
/** Completeness threshold, µm. */
export const FUSE_COMPLETENESS_UM = 50;

/** The --json document (and what the text output shows). */
export interface FuseReport {
  dataset: string;
  layout: 'scanfuse' | 'redwood';
  profile: FuseProfileName;
  /** 'file': --poses FILE; 'dataset': the dataset's trajectory; 'tracked': estimated by a ScanSession. */
  poses: 'file' | 'dataset' | 'tracked';
  posesFile: string | null;
  voxel: number;
  truncationVoxels: number;
  depthRange: [number, number];
  frames: {
    first: number;
    end: number;
    count: number;
    integrated: number;
    /** Frames the volume (or the session) rejected, with the first few reasons. */
    rejected: number;
    /** Tracking only: frames the session lost (not integrated). */
    lost: number;
    reasons: Array<{ frame: number; status: string; reason: string }>;
  };
  timing: {
    seconds: number;
    /** Frames / wall time of the frame loop (reading and decoding the PNGs included). */
    framesPerSecond: number;
    /** Per integrated frame, the integrate call only. */
    integrateMsMedian: number;
    integrateMsMean: number;
    /** Tracking only: ICP per tracked frame. */
    trackMsMedian: number | null;
    extractMs: number;
  };
  volume: { blocks: number; usedMiB: number; budgetMiB: number; capacityReached: boolean };
  mesh: { vertices: number; triangles: number; file: string | null };
  accuracy: null | {
    reference: string;
    trueness: { meanAbsoluteUm: number; rmsUm: number; p95Um: number; signedMeanUm: number; maxUm: number; maxDistanceMm: number; beyondMaxDistanceShare: number };
    completeness: { thresholdUm: number; completeness: number; referenceAreaMm2: number };
  };
  trajectory: null | {
    file: string | null;
    /** Tracking against the dataset's trajectory (same world frame: the session starts at its first pose). */
    ate: null | { frames: number; rmseUm: number; alignedRmseUm: number; maxUm: number; meanRotationDeg: number; maxRotationDeg: number };
  };
}

const median = (values: number[]): number => {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const mean = (values: number[]): number => (values.length ? values.reduce((a, b) => a + b, 0) / values.length : NaN);

/** 'A:B', 'A:', ':B' (half-open, frames A..B-1). */
export function parseFrameRange(text: string): { first: number; end: number | null } {
  const m = /^\s*(\d*)\s*:\s*(\d*)\s*$/.exec(text);
  if (!m) throw new UsageError(`--frames: expected A:B (frames A to B-1; either side may be omitted), got '${text}'`);
  const first = m[1] === '' ? 0 : Number(m[1]);
  const end = m[2] === '' ? null : Number(m[2]);
  if (end !== null && end <= first) throw new UsageError(`--frames: the range ${text} is empty (B must be greater than A)`);
  return { first, end };
}

/** Median valid depth (mm) of a frame, from every 7th pixel. */
function medianDepthMm(frame: DatasetFrame): number {
  const values: number[] = [];
  for (let i = 0; i < frame.depth.length; i += 7) if (frame.depth[i] > 0) values.push(frame.depth[i] / frame.depthScale);
  return median(values);
}

function chooseProfile(ds: RgbdDataset, first: DatasetFrame): { name: FuseProfileName; profile: FuseProfile } {
  const wand = (ds.manifest?.simulator as { wand?: { minDepth?: unknown; maxDepth?: unknown } } | null)?.wand;
  if (wand && typeof wand.minDepth === 'number' && typeof wand.maxDepth === 'number' && wand.maxDepth > wand.minDepth) {
    return { name: 'intraoral', profile: { ...FUSE_PROFILES.intraoral, minDepth: Math.max(0.1, wand.minDepth), maxDepth: wand.maxDepth } };
  }
  const name: FuseProfileName = medianDepthMm(first) < FUSE_ROOM_MIN_MEDIAN_DEPTH ? 'intraoral' : 'room';
  return { name, profile: { ...FUSE_PROFILES[name] } };
}

/** Runs `scanfuse fuse`. Dataset and file errors throw ScanfuseError (exit 1); option mistakes UsageError (exit 2). */
export async function runFuse(datasetArg: string, cliOptions: FuseCliOptions, io: CliIo): Promise<number> {
  const started = performance.now();
  const options = fuseOptions(cliOptions);
  const range = options.frames === undefined ? { first: 0, end: null } : parseFrameRange(options.frames);
  const out = options.out === undefined ? undefined : resolve(io.cwd, options.out);
  if (out !== undefined && !formatFromPath(out)) throw new UsageError(`--out: the mesh file must end in .ply or .stl, got '${options.out}'`);
  const trajectoryOut = options.trajectoryOut === undefined ? undefined : resolve(io.cwd, options.trajectoryOut);
  const budgetMiB = options.maxMemoryMib;
  const truncationVoxels = options.truncationVoxels;
  const dir = resolve(io.cwd, datasetArg);
  const useDatasetPoses = options.poses === 'dataset';
  const posesFile = options.poses !== undefined && !useDatasetPoses ? resolve(io.cwd, options.poses) : undefined;

  // Open the dataset (structure checks; frames are decoded one at a time below).
  const readOptions = { ...(posesFile ? { trajectory: posesFile } : {}), ...(range.end !== null ? { frames: range.end } : {}) };
  const ds = await readDataset(dir, readOptions);
  const end = range.end ?? ds.frameCount;
  if (range.first >= ds.frameCount) throw new UsageError(`--frames: the dataset has ${ds.frameCount} frames (0..${ds.frameCount - 1}); ${options.frames} selects none`);
  if (useDatasetPoses && !ds.trajectory) {
    throw new UsageError(`--poses dataset: ${displayPath(dir, io.cwd)} has no trajectory (trajectory.log or a manifest); pass --poses FILE.log or omit --poses to track`);
  }
  // Output folders before the work: a path that cannot be written fails now, not after the fusion.
  for (const path of [out, trajectoryOut]) {
    if (path === undefined) continue;
    try {
      await mkdir(dirname(path), { recursive: true });
    } catch (e) {
      throw new ScanfuseError('IO_ERROR', `fuse: cannot create the folder of ${path}: ${(e as Error).message}`, { file: path }, { cause: e });
    }
  }

  const tracking = options.poses === undefined;
  const frameCount = end - range.first;

  const engine = await createEngine();
  try {
    const firstFrame = await ds.frame(range.first);
    const { name: profileName, profile } = chooseProfile(ds, firstFrame);
    const voxel = options.voxel ?? profile.voxel;
    const report = await fuseFrames({
      engine, ds, first: range.first, end, firstFrame, voxel, truncationVoxels, budgetMiB, profile, tracking, io, json: options.json,
    });
    if (report.integrated === 0) {
      const why = report.reasons.slice(0, 3).map((r) => `frame ${r.frame}: ${r.reason}`).join('; ');
      io.stderr.write(`error: fuse: no frame could be integrated (${why || 'no frames'})\n`);
      return EXIT_FAILED;
    }

    // The surface.
    const tExtract = performance.now();
    const mesh = report.volume.extractMesh();
    const extractMs = performance.now() - tExtract;
    if (out) await writeMeshFile(engine, out, mesh);

    // The trajectory of the fused frames: metadata `k k k+1` with k the dataset's frame number.
    if (trajectoryOut) {
      const metadata = report.poses.map((_, i) => [range.first + i, range.first + i, range.first + i + 1] as const);
      await writeFileAtomic(trajectoryOut, new TextEncoder().encode(formatRedwoodLog(report.poses, { metadata })));
    }

    // Accuracy against the dataset's reference mesh, and tracking against its trajectory.
    const reference = await ds.reference(engine);
    let accuracy: FuseReport['accuracy'] = null;
    if (reference && mesh.indices.length > 0) accuracy = measureAccuracy(engine, mesh, reference.mesh, voxel, displayPath(resolve(dir, ds.manifest?.files.reference ?? 'reference.ply'), io.cwd));
    let ate: NonNullable<FuseReport['trajectory']>['ate'] = null;
    if (tracking && ds.trajectory) {
      const a: AbsoluteTrajectoryError = absoluteTrajectoryError(report.poses, ds.trajectory.cameraToWorld.slice(range.first, end));
      ate = {
        frames: a.frameCount, rmseUm: a.rmseUm, alignedRmseUm: a.alignedRmseUm, maxUm: a.translationUm.max,
        meanRotationDeg: a.rotationDeg.mean, maxRotationDeg: a.rotationDeg.max,
      };
    }

    const volume = report.volume;
    const result: FuseReport = {
      dataset: displayPath(dir, io.cwd),
      layout: ds.layout,
      profile: profileName,
      poses: tracking ? 'tracked' : useDatasetPoses ? 'dataset' : 'file',
      posesFile: tracking ? null : displayPath(useDatasetPoses ? ds.trajectory!.file : posesFile!, io.cwd),
      voxel,
      truncationVoxels,
      depthRange: [profile.minDepth, profile.maxDepth],
      frames: {
        first: range.first, end, count: frameCount, integrated: report.integrated, rejected: report.rejected, lost: report.lost,
        reasons: report.reasons,
      },
      timing: {
        seconds: (performance.now() - started) / 1000,
        framesPerSecond: frameCount / (report.loopMs / 1000),
        integrateMsMedian: median(report.integrateMs),
        integrateMsMean: mean(report.integrateMs),
        trackMsMedian: tracking ? median(report.trackMs) : null,
        extractMs,
      },
      volume: { blocks: volume.blockCount, usedMiB: volume.usedBytes / 2 ** 20, budgetMiB, capacityReached: volume.capacityReached },
      mesh: { vertices: mesh.positions.length / 3, triangles: mesh.indices.length / 3, file: out ? displayPath(out, io.cwd) : null },
      accuracy,
      trajectory: tracking || trajectoryOut ? { file: trajectoryOut ? displayPath(trajectoryOut, io.cwd) : null, ate } : null,
    };
    report.dispose();
    io.stdout.write(options.json ? `${JSON.stringify(result, null, 2)}\n` : formatFuseReport(result));
    return EXIT_OK;
  } finally {
    engine.dispose();
  }
}

interface FuseLoopResult {
  volume: TsdfVolume;
  /** Pose of every fused frame (tracked: the session's estimate; lost frames keep the last good pose). */
  poses: Transform[];
  integrated: number;
  rejected: number;
  lost: number;
  reasons: FuseReport['frames']['reasons'];
  integrateMs: number[];
  trackMs: number[];
  loopMs: number;
  dispose(): void;
}

/** Integrates (or tracks and integrates) frames first..end-1. */
async function fuseFrames(a: {
  engine: Engine; ds: RgbdDataset; first: number; end: number; firstFrame: DatasetFrame; voxel: number; truncationVoxels: number;
  budgetMiB: number; profile: FuseProfile; tracking: boolean; io: CliIo; json: boolean;
}): Promise<FuseLoopResult> {
  const { ds, profile } = a;
  const depthRange = { minDepth: profile.minDepth, maxDepth: profile.maxDepth };
  const volumeOptions = { voxelSize: a.voxel, truncationVoxels: a.truncationVoxels, maxMemoryMiB: a.budgetMiB };
  const session = a.tracking
    ? createScanSession(a.engine, {
      intrinsics: ds.intrinsics, depthScale: ds.depthScale, ...depthRange, ...volumeOptions, voxelSize: a.voxel,
      // Start where the dataset's trajectory starts, so the estimate, the reference mesh and the
      // ground truth share one world frame.
      initialPose: ds.trajectory?.cameraToWorld[a.first],
    })
    : null;
  const volume = session ? session.volume : createTsdfVolume(a.engine, volumeOptions);
  const result: FuseLoopResult = {
    volume, poses: [], integrated: 0, rejected: 0, lost: 0, reasons: [], integrateMs: [], trackMs: [], loopMs: 0,
    dispose: () => (session ? session.dispose() : volume.dispose()),
  };
  const total = a.end - a.first;
  const bar = !a.json && a.io.stderr.isTTY === true ? await progressBar(a.io, total, a.tracking) : undefined;
  const t0 = performance.now();
  try {
    let next: Promise<DatasetFrame> | null = Promise.resolve(a.firstFrame);
    for (let i = a.first; i < a.end; i++) {
      const frame: DatasetFrame = await next!;
      // Read the next frame's file while this one is integrated.
      next = i + 1 < a.end ? ds.frame(i + 1) : null;
      next?.catch(() => {});
      const note = (status: FrameStatus | 'rejected', reason: string | undefined) => {
        if (result.reasons.length < 20) result.reasons.push({ frame: i, status, reason: reason ?? '' });
      };
      if (session) {
        const r = session.pushFrame({ depth: frame.depth, timestampMs: frame.timestampMs });
        result.poses.push(r.cameraToWorld);
        if (r.integrated) { result.integrated++; result.integrateMs.push(r.timings.integrateMs); }
        if (r.status === 'tracked' || r.status === 'relocalized') result.trackMs.push(r.timings.trackMs);
        if (r.status === 'rejected') { result.rejected++; note(r.status, r.reason); }
        if (r.status === 'lost') { result.lost++; note(r.status, r.reason); }
      } else {
        const pose = frame.cameraToWorld!;
        result.poses.push(pose);
        const t = performance.now();
        const r = volume.integrate({ depth: frame.depth, depthScale: frame.depthScale }, ds.intrinsics, pose, depthRange);
        const ms = performance.now() - t;
        if (r.status === 'integrated') { result.integrated++; result.integrateMs.push(ms); } else { result.rejected++; note('rejected', r.reason); }
      }
      const seconds = (performance.now() - t0) / 1000;
      bar?.increment(1, { fps: ((i - a.first + 1) / seconds).toFixed(1), blocks: count(volume.blockCount) });
    }
    result.loopMs = performance.now() - t0;
  } catch (e) {
    result.dispose();
    throw e;
  } finally {
    bar?.stop();
  }
  return result;
}

/** A progress bar on stderr (terminals only). */
function progressBar(io: CliIo, total: number, tracking: boolean) {
  return startProgressBar(io, total,
    `${tracking ? 'tracking+fusing' : 'fusing'} [{bar}] {value}/{total} frames  {fps} frames/s  {blocks} blocks  ETA {eta_formatted}`, { fps: '0', blocks: '0' });
}

function measureAccuracy(engine: Engine, mesh: Mesh, reference: Mesh, voxel: number, referenceName: string): NonNullable<FuseReport['accuracy']> {
  // Vertices farther than 20 voxels (at least 1 mm) from the reference are counted apart, not averaged.
  const maxDistance = Math.max(1, 20 * voxel);
  const t = trueness(engine, mesh, reference, { maxDistance });
  const c = completeness(engine, mesh, reference, { thresholdUm: FUSE_COMPLETENESS_UM });
  return {
    reference: referenceName,
    trueness: {
      meanAbsoluteUm: t.meanAbsoluteUm, rmsUm: t.rmsUm, p95Um: t.p95Um, signedMeanUm: t.signedMeanUm, maxUm: t.maxUm, maxDistanceMm: maxDistance,
      beyondMaxDistanceShare: t.beyondMaxDistanceWeight / (t.totalWeight + t.beyondMaxDistanceWeight || 1),
    },
    completeness: { thresholdUm: FUSE_COMPLETENESS_UM, completeness: c.completeness, referenceAreaMm2: c.referenceAreaMm2 },
  };
}

const fixed = (x: number, digits: number) => (Number.isFinite(x) ? x.toFixed(digits) : String(x));
/** A length given in µm: µm below 1 mm, else mm. */
const length = (um: number) => (Number.isFinite(um) && um >= 1000 ? `${fixed(um / 1000, 2)} mm` : `${fixed(um, 1)} µm`);

/** The human-readable report: labels in one aligned column. */
export function formatFuseReport(r: FuseReport): string {
  const rows: Array<[string, string]> = [
    ['dataset', `${r.dataset} (${r.layout} layout, ${r.profile} defaults)`],
    ['poses', r.poses === 'tracked' ? 'tracked (frame-to-model ICP)' : `${r.posesFile}${r.poses === 'dataset' ? ' (the dataset\'s)' : ''}`],
    ['frames', `${count(r.frames.count)} (${r.frames.first}..${r.frames.end - 1}): ${count(r.frames.integrated)} integrated`
      + `${r.frames.lost ? `, ${count(r.frames.lost)} lost` : ''}${r.frames.rejected ? `, ${count(r.frames.rejected)} rejected` : ''}`],
    ['voxel', `${r.voxel} mm, truncation ${r.truncationVoxels} voxels, depth ${r.depthRange[0]}..${r.depthRange[1]} mm`],
    ['speed', `${fixed(r.timing.framesPerSecond, 1)} frames/s (reading included), integrate ${fixed(r.timing.integrateMsMedian, 2)} ms/frame median`
      + `${r.timing.trackMsMedian !== null ? `, track ${fixed(r.timing.trackMsMedian, 2)} ms/frame median` : ''}`],
    ['extraction', `${fixed(r.timing.extractMs, 0)} ms`],
    ['volume', `${fixed(r.volume.usedMiB, 1)} MiB peak of ${r.volume.budgetMiB} MiB, ${count(r.volume.blocks)} blocks${r.volume.capacityReached ? ' (CAPACITY REACHED: raise --max-memory-mib)' : ''}`],
    ['mesh', `${count(r.mesh.triangles)} triangles, ${count(r.mesh.vertices)} vertices${r.mesh.file ? ` -> ${r.mesh.file}` : ''}`],
  ];
  if (r.accuracy) {
    const t = r.accuracy.trueness, c = r.accuracy.completeness;
    rows.push(['trueness', `mean abs ${fixed(t.meanAbsoluteUm, 1)} µm, RMS ${fixed(t.rmsUm, 1)} µm, p95 ${fixed(t.p95Um, 1)} µm`
      + ` (vs ${r.accuracy.reference}; ${fixed(100 * t.beyondMaxDistanceShare, 2)}% of the area beyond ${t.maxDistanceMm} mm left out)`]);
    rows.push(['completeness', `${fixed(100 * c.completeness, 2)}% of the reference area within ${c.thresholdUm} µm`]);
  }
  if (r.trajectory?.ate) {
    const a = r.trajectory.ate;
    rows.push(['ATE', `RMSE ${length(a.rmseUm)} (aligned ${length(a.alignedRmseUm)}), max ${length(a.maxUm)},`
      + ` rotation mean ${fixed(a.meanRotationDeg, 3)} deg, max ${fixed(a.maxRotationDeg, 3)} deg over ${a.frames} frames`]);
  } else if (r.poses === 'tracked') {
    rows.push(['ATE', 'n/a (the dataset has no trajectory)']);
  }
  if (r.trajectory?.file) rows.push(['trajectory', `-> ${r.trajectory.file}`]);
  for (const x of r.frames.reasons.slice(0, 5)) rows.push([`frame ${x.frame}`, `${x.status}: ${x.reason}`]);
  const width = Math.max(...rows.map(([label]) => label.length));
  return `${rows.map(([label, value]) => `${label.padEnd(width)}  ${value}`).join('\n')}\n`;
}
