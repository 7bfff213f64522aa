// `scanfuse scan`: the main job on built-in data. A seeded procedural arch is scanned by the
// simulated wand along the scanning protocol; every frame goes through a live ScanSession
// (tracking, fusion, colour and NIR) exactly as scanner software would stream it; the finished
// arch is written as STL and PLY (atomically) and scored against the simulator's ground truth.
// Nothing is read from disk: the frames are rendered in memory, one at a time.
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  absoluteTrajectoryError, completeness, createEngine, createScanSession, createScanSimulator, formatRedwoodLog, qualityReport,
  relativePoseError, ScanfuseError, trueness, type Engine, type FrameStatus, type Jaw, type Mesh, type ScanSession, type ScanSimulator,
} from '../index.js';
import { writeFileAtomic, writeMeshFile } from '../node/index.js';
import { displayPath } from './inputs.js';
import { EXIT_OK, UsageError, type CliIo } from './io.js';
import { decimalOption, wholeNumberOption } from './option-values.js';
import { startProgressBar } from './progress.js';
import { count } from './report.js';

/** The command line's options, as commander passes them (numbers still text: parsed and checked here). */
export interface ScanCliOptions {
  seed?: string;
  jaw?: string;
  /** Scan only the first N frames of the protocol (default: all). */
  frames?: string;
  /** Voxel size, mm (default 0.05). */
  voxel?: string;
  /** Depth noise sigma, µm (default: the simulator's 15). */
  noise?: string;
  /** Output folder (default scan-output); `false` with --no-write. */
  outDir?: string;
  write?: boolean;
  json?: boolean;
}

export interface ScanOptions {
  seed: number;
  jaw: Jaw;
  frames?: number;
  voxel: number;
  noiseUm?: number;
  /** Absent: write nothing. */
  outDir?: string;
  json: boolean;
}

export const SCAN_DEFAULT_OUT_DIR = 'scan-output';
export const SCAN_DEFAULT_VOXEL = 0.05;
/** Completeness threshold, µm. */
export const SCAN_COMPLETENESS_UM = 50;
/** Trueness leaves out vertices farther than this from the reference (counted apart), mm. */
export const SCAN_TRUENESS_MAX_DISTANCE = 0.5;

/** Checks and converts the options; a bad value is a UsageError (exit code 2). */
export function parseScanOptions(o: ScanCliOptions): ScanOptions {
  const integer = wholeNumberOption, decimal = decimalOption;
  const jaw = o.jaw ?? 'lower';
  if (jaw !== 'lower' && jaw !== 'upper') throw new UsageError(`--jaw expects lower or upper, got '${jaw}'`);
  const outDir = o.write === false ? undefined : (o.outDir ?? SCAN_DEFAULT_OUT_DIR);
  if (outDir !== undefined && outDir.trim() === '') throw new UsageError('--out-dir expects a folder');
  return {
    seed: o.seed === undefined ? 1 : integer(o.seed, '--seed', 0, 0xffffffff),
    jaw,
    frames: o.frames === undefined ? undefined : integer(o.frames, '--frames', 2, 1_000_000),
    voxel: o.voxel === undefined ? SCAN_DEFAULT_VOXEL : decimal(o.voxel, '--voxel', 0.02, 1, 'mm'),
    noiseUm: o.noise === undefined ? undefined : decimal(o.noise, '--noise', 0, 200, 'µm'),
    outDir,
    json: o.json === true,
  };
}

/** The --json document (and what the text output shows). */
export interface ScanReport {
  jaw: Jaw;
  seed: number;
  voxel: number;
  depthNoiseUm: number;
  resolution: [number, number];
  frames: { count: number; byStatus: Partial<Record<FrameStatus, number>>; integrated: number };
  timing: {
    /** Wall time of the frame loop (rendering the frames included), s. */
    seconds: number;
    /** Frames / wall time of the loop, rendering included. */
    framesPerSecond: number;
    /** Rendering a frame in the simulator (not part of a scanner's cost), median ms. */
    simulateMsMedian: number;
    /** ScanSession.pushFrame, median ms per frame: the whole, tracking, and integration. */
    sessionMsMedian: number;
    trackMsMedian: number;
    integrateMsMedian: number;
    /** Share of the frames the session handled faster than the wand's frame interval. */
    realTimeShare: number;
    frameIntervalMs: number;
    extractMs: number;
  };
  trajectory: { ateRmseUm: number; ateAlignedRmseUm: number; ateMaxUm: number; rotationMeanDeg: number; rpeTranslationRmsUm: number };
  accuracy: {
    trueness: { meanAbsoluteUm: number; rmsUm: number; p95Um: number; signedMeanUm: number; beyondShare: number; maxDistanceMm: number };
    completeness: { thresholdUm: number; ofReference: number; ofObserved: number; referenceAreaMm2: number; observedAreaMm2: number };
  };
  coverage: { minConfidence: number; lowAreaMm2: number; coveredAreaMm2: number };
  quality: { verdict: string; reasons: string[]; warnings: string[]; holes: number; nonManifoldEdges: number; components: number };
  mesh: { vertices: number; triangles: number; blocks: number; volumeMiB: number };
  files: string[];
}

const median = (values: number[]): number => {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** Runs `scanfuse scan`. */
export async function runScan(cliOptions: ScanCliOptions, io: CliIo): Promise<number> {
  const o = parseScanOptions(cliOptions);
  const outDir = o.outDir === undefined ? undefined : resolve(io.cwd, o.outDir);
  if (outDir !== undefined) {
    try {
      await mkdir(outDir, { recursive: true });
    } catch (e) {
      throw new ScanfuseError('IO_ERROR', `scan: cannot create the folder ${outDir}: ${(e as Error).message}`, { file: outDir }, { cause: e });
    }
  }
  const engine = await createEngine();
  try {
    const simulator = createScanSimulator(engine, {
      arch: { jaw: o.jaw, seed: o.seed },
      seed: o.seed,
      trajectory: { seed: o.seed },
      ...(o.frames !== undefined ? { frames: o.frames } : {}),
      ...(o.noiseUm !== undefined ? { noise: { sigma: o.noiseUm / 1000 } } : {}),
    });
    try {
      const report = await scanAndReport(engine, simulator, o, outDir, io);
      io.stdout.write(o.json ? `${JSON.stringify(report, null, 2)}\n` : formatScanReport(report));
      return EXIT_OK;
    } finally {
      simulator.dispose();
    }
  } finally {
    engine.dispose();
  }
}

async function scanAndReport(engine: Engine, simulator: ScanSimulator, o: ScanOptions, outDir: string | undefined, io: CliIo): Promise<ScanReport> {
  const n = simulator.frameCount;
  const first = simulator.frame(0);
  const session = createScanSession(engine, {
    intrinsics: simulator.intrinsics, depthScale: first.depthScale, voxelSize: o.voxel, colour: true, nir: true,
    // The wand's first pose puts the model in the simulator's world frame, so that it can be scored.
    initialPose: first.cameraToWorld,
  });
  try {
    const loop = await streamFrames(simulator, session, o, io);
    const tty = !o.json && io.stderr.isTTY === true;
    if (tty) io.stderr.write(`scanned ${n} frames in ${loop.seconds.toFixed(1)} s; extracting the arch, writing it and scoring it against the ground truth...\n`);
    const tExtract = performance.now();
    const coverage = session.coverage();
    const extractMs = performance.now() - tExtract;
    const mesh = coverage.mesh;

    // Files: the lab's STL (geometry), a PLY with the fused colour, NIR and observation weight, and the trajectory.
    const files: string[] = [];
    if (outDir !== undefined) {
      const stl = join(outDir, 'arch.stl'), ply = join(outDir, 'arch.ply'), log = join(outDir, 'trajectory.log');
      await writeMeshFile(engine, stl, { positions: mesh.positions, indices: mesh.indices });
      const plyMesh: Mesh = { ...mesh, colors: session.mesh().colors };
      delete plyMesh.vertexAttributes!.lowCoverage;
      await writeMeshFile(engine, ply, plyMesh);
      await writeFileAtomic(log, new TextEncoder().encode(formatRedwoodLog(session.trajectory().cameraToWorld)));
      files.push(...[stl, ply, log].map((f) => displayPath(f, io.cwd)));
    }

    // Ground truth: the simulator's wand poses and its reference surface.
    const ate = absoluteTrajectoryError(session.trajectory().cameraToWorld, loop.truePoses);
    const rpe = relativePoseError(session.trajectory().cameraToWorld, loop.truePoses);
    const t = trueness(engine, mesh, simulator.reference, { maxDistance: SCAN_TRUENESS_MAX_DISTANCE });
    const whole = completeness(engine, mesh, simulator.reference, { thresholdUm: SCAN_COMPLETENESS_UM });
    // What the wand saw (an ideal sensor along the same poses): a scan cannot be complete beyond it.
    const { observed, area: observedArea } = simulator.observedTriangles();
    const seen = completeness(engine, mesh, subsetOfTriangles(simulator.reference, observed), { thresholdUm: SCAN_COMPLETENESS_UM });
    // Low confidence for the verdict = grey in the live view.
    const quality = qualityReport(engine, mesh, { confidenceThreshold: coverage.minConfidence });
    const volume = session.volume;
    return {
      jaw: o.jaw,
      seed: o.seed,
      voxel: o.voxel,
      depthNoiseUm: simulator.noise.sigma * 1000,
      resolution: [simulator.intrinsics.width, simulator.intrinsics.height],
      frames: { count: n, byStatus: loop.byStatus, integrated: loop.integrated },
      timing: {
        seconds: loop.seconds,
        framesPerSecond: n / loop.seconds,
        simulateMsMedian: median(loop.simulateMs),
        sessionMsMedian: median(loop.totalMs),
        trackMsMedian: median(loop.trackMs),
        integrateMsMedian: median(loop.integrateMs),
        realTimeShare: loop.totalMs.filter((ms) => ms <= loop.frameIntervalMs).length / Math.max(1, loop.totalMs.length),
        frameIntervalMs: loop.frameIntervalMs,
        extractMs,
      },
      trajectory: {
        ateRmseUm: ate.rmseUm, ateAlignedRmseUm: ate.alignedRmseUm, ateMaxUm: ate.translationUm.max, rotationMeanDeg: ate.rotationDeg.mean,
        rpeTranslationRmsUm: rpe.translationUm.rms,
      },
      accuracy: {
        trueness: {
          meanAbsoluteUm: t.meanAbsoluteUm, rmsUm: t.rmsUm, p95Um: t.p95Um, signedMeanUm: t.signedMeanUm,
          beyondShare: t.beyondMaxDistanceWeight / (t.totalWeight + t.beyondMaxDistanceWeight || 1), maxDistanceMm: SCAN_TRUENESS_MAX_DISTANCE,
        },
        completeness: {
          thresholdUm: SCAN_COMPLETENESS_UM, ofReference: whole.completeness, ofObserved: seen.completeness,
          referenceAreaMm2: whole.referenceAreaMm2, observedAreaMm2: observedArea,
        },
      },
      coverage: { minConfidence: coverage.minConfidence, lowAreaMm2: coverage.lowAreaMm2, coveredAreaMm2: coverage.coveredAreaMm2 },
      quality: {
        verdict: quality.verdict, reasons: quality.reasons.map((r) => r.message), warnings: quality.warnings.map((w) => w.message),
        holes: quality.holeCount, nonManifoldEdges: quality.edges.nonManifold, components: quality.componentCount,
      },
      mesh: { vertices: mesh.positions.length / 3, triangles: mesh.indices.length / 3, blocks: volume.blockCount, volumeMiB: volume.usedBytes / 2 ** 20 },
      files,
    };
  } finally {
    session.dispose();
  }
}

interface LoopResult {
  truePoses: Float64Array[];
  byStatus: Partial<Record<FrameStatus, number>>;
  integrated: number;
  simulateMs: number[];
  totalMs: number[];
  trackMs: number[];
  integrateMs: number[];
  seconds: number;
  frameIntervalMs: number;
}

/** Renders each frame and pushes it into the session, as a scanner streams them. */
async function streamFrames(simulator: ScanSimulator, session: ScanSession, o: ScanOptions, io: CliIo): Promise<LoopResult> {
  const n = simulator.frameCount;
  const r: LoopResult = {
    truePoses: [], byStatus: {}, integrated: 0, simulateMs: [], totalMs: [], trackMs: [], integrateMs: [], seconds: 0, frameIntervalMs: NaN,
  };
  const bar = !o.json && io.stderr.isTTY === true ? await progressBar(io, n) : undefined;
  const t0 = performance.now();
  let firstTimestamp = 0;
  try {
    for (let i = 0; i < n; i++) {
      const tSim = performance.now();
      const f = simulator.frame(i);
      r.simulateMs.push(performance.now() - tSim);
      if (i === 0) firstTimestamp = f.timestampMs;
      if (i === n - 1 && n > 1) r.frameIntervalMs = (f.timestampMs - firstTimestamp) / (n - 1);
      const result = session.pushFrame({ depth: f.depth, depthScale: f.depthScale, colour: f.colour, nir: f.nir, timestampMs: f.timestampMs });
      r.truePoses.push(f.cameraToWorld);
      r.byStatus[result.status] = (r.byStatus[result.status] ?? 0) + 1;
      if (result.integrated) r.integrated++;
      r.totalMs.push(result.timings.totalMs);
      if (result.status === 'tracked' || result.status === 'relocalized') r.trackMs.push(result.timings.trackMs);
      if (result.integrated) r.integrateMs.push(result.timings.integrateMs);
      bar?.increment(1, { fps: ((i + 1) / ((performance.now() - t0) / 1000)).toFixed(1), status: result.status });
    }
  } finally {
    bar?.stop();
  }
  r.seconds = (performance.now() - t0) / 1000;
  return r;
}

function subsetOfTriangles(mesh: Mesh, keep: Uint8Array): Mesh {
  const idx = mesh.indices;
  let kept = 0;
  for (let t = 0; t < keep.length; t++) if (keep[t]) kept++;
  const indices = new Uint32Array(3 * kept);
  for (let t = 0, k = 0; t < keep.length; t++) {
    if (!keep[t]) continue;
    indices[k++] = idx[3 * t]; indices[k++] = idx[3 * t + 1]; indices[k++] = idx[3 * t + 2];
  }
  return { positions: mesh.positions, indices };
}

/** A progress bar on stderr (terminals only). */
function progressBar(io: CliIo, total: number) {
  return startProgressBar(io, total, 'scanning [{bar}] {value}/{total} frames  {fps} frames/s  {status}  ETA {eta_formatted}', { fps: '0', status: '' });
}

const fixed = (x: number, digits: number) => (Number.isFinite(x) ? x.toFixed(digits) : String(x));
const pct = (x: number) => `${fixed(100 * x, 1)}%`;

/** The human-readable report: labels in one aligned column. */
export function formatScanReport(r: ScanReport): string {
  const statuses = Object.entries(r.frames.byStatus).map(([k, v]) => `${count(v ?? 0)} ${k}`).join(', ');
  const t = r.accuracy.trueness, c = r.accuracy.completeness, tm = r.timing;
  const rows: Array<[string, string]> = [
    ['scan', `simulated ${r.jaw} arch, seed ${r.seed}: ${count(r.frames.count)} frames of ${r.resolution[0]}x${r.resolution[1]}, depth noise ${fixed(r.depthNoiseUm, 0)} µm, voxel ${r.voxel} mm`],
    ['frames', `${statuses}; ${count(r.frames.integrated)} integrated`],
    ['speed', `${fixed(tm.framesPerSecond, 1)} frames/s with rendering; session ${fixed(tm.sessionMsMedian, 1)} ms/frame median`
      + ` (track ${fixed(tm.trackMsMedian, 1)}, integrate ${fixed(tm.integrateMsMedian, 1)}); rendering ${fixed(tm.simulateMsMedian, 1)} ms/frame`],
    ['real time', `${pct(tm.realTimeShare)} of the frames within the wand's ${fixed(tm.frameIntervalMs, 0)} ms frame interval`],
    ['trajectory', `ATE RMSE ${fixed(r.trajectory.ateRmseUm, 1)} µm (aligned ${fixed(r.trajectory.ateAlignedRmseUm, 1)} µm), max ${fixed(r.trajectory.ateMaxUm, 1)} µm,`
      + ` rotation mean ${fixed(r.trajectory.rotationMeanDeg, 4)} deg; RPE ${fixed(r.trajectory.rpeTranslationRmsUm, 1)} µm RMS`],
    ['trueness', `mean abs ${fixed(t.meanAbsoluteUm, 2)} µm, RMS ${fixed(t.rmsUm, 2)} µm, p95 ${fixed(t.p95Um, 1)} µm, signed ${fixed(t.signedMeanUm, 2)} µm`
      + ` (${fixed(100 * t.beyondShare, 2)}% of the area beyond ${t.maxDistanceMm} mm left out)`],
    ['completeness', `${pct(c.ofObserved)} of the area the wand saw (${fixed(c.observedAreaMm2, 0)} mm²), ${pct(c.ofReference)} of the whole arch`
      + ` (${fixed(c.referenceAreaMm2, 0)} mm²), within ${c.thresholdUm} µm`],
    ['coverage', `${fixed(r.coverage.lowAreaMm2, 1)} mm² grey (observation weight < ${r.coverage.minConfidence}), ${fixed(r.coverage.coveredAreaMm2, 0)} mm² covered`],
    ['quality', `${r.quality.verdict === 'ready' ? 'READY' : 'NEEDS RESCAN'}: ${r.quality.holes} holes, ${r.quality.components} components,`
      + ` ${r.quality.nonManifoldEdges} non-manifold edges`],
    ['mesh', `${count(r.mesh.triangles)} triangles, ${count(r.mesh.vertices)} vertices; ${count(r.mesh.blocks)} blocks,`
      + ` ${fixed(r.mesh.volumeMiB, 0)} MiB volume; extracted in ${fixed(tm.extractMs, 0)} ms`],
  ];
  for (const reason of r.quality.reasons.slice(0, 3)) rows.push(['  rescan', reason]);
  if (r.files.length) rows.push(['written', r.files.join(', ')]);
  const width = Math.max(...rows.map(([label]) => label.length));
  return `${rows.map(([label, value]) => `${label.padEnd(width)}  ${value}`).join('\n')}\n`;
}
