// `scanfuse simulate`: a seeded intraoral scan of a procedural arch, written as an RGB-D dataset
// folder (depth/colour/NIR PNGs, intrinsics, ground-truth trajectory, reference mesh, manifest;
// docs/dataset-format.md). The same options give a byte-identical folder.
import { readdir, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createEngine } from '../index.js';
import { writeSimulatedDataset } from '../node/index.js';
import { createArchModel, monthsLater, type ArchChanges, type ArchModel, type Jaw } from '../sim/arch-model.js';
import { createScanSimulator, type SimulatorOptions } from '../sim/simulator.js';
import { protocolTrajectory, type TrajectoryOptions } from '../sim/trajectory.js';
import { DEFAULT_WAND_OPTIONS, NOISELESS, type NoiseOptions, type WandOptions } from '../sim/wand-options.js';
import { EXIT_OK, UsageError, type CliIo } from './io.js';
import { decimalOption, wholeNumberOption } from './option-values.js';
import { startProgressBar } from './progress.js';
import { count, formatBytes } from './report.js';

/** The command line's options as commander hands them over (values unparsed). */
export interface SimulateCliOptions {
  out: string;
  seed: string;
  frames?: string;
  noise?: string;
  noiseless?: boolean;
  jaw?: string;
  lesions?: string;
  monthsLater?: boolean;
  /** `--lift-off` alone is true; `--lift-off 120` is '120'. */
  liftOff?: boolean | string;
  tooFast?: boolean | string;
  speed?: string;
  fps?: string;
  resolution?: string;
  grid?: string;
  overwrite?: boolean;
  json?: boolean;
}

/** What `simulate --json` prints (one object). */
export interface SimulateReport {
  dir: string;
  frames: number;
  /** Rendering, encoding and writing the frames and the other files, s. */
  seconds: number;
  framesPerSecond: number;
  /** Building the arch's reference mesh and the trajectory, s. */
  sceneSeconds: number;
  bytes: number;
  megabytes: number;
  files: number;
  jaw: Jaw;
  seed: number;
  monthsLater: boolean;
  /** Frames (first index) of the inserted disturbances, or null. */
  liftOffAtFrame: number | null;
  tooFastAtFrame: number | null;
  width: number;
  height: number;
  depthNoiseUm: number;
  referenceTriangles: number;
}

/** Builds the simulator from the options, writes the dataset and prints a summary. */
export async function runSimulate(options: SimulateCliOptions, io: CliIo): Promise<number> {
  const o = parseSimulateOptions(options);
  const dir = resolve(io.cwd, o.out);
  await checkFolder(dir, o.overwrite);

  const started = performance.now();
  const arch = { jaw: o.jaw, seed: o.seed, lesions: o.lesions };
  let model: ArchModel = createArchModel(arch);
  let changes: ArchChanges | null = null;
  if (o.monthsLater) ({ model, changes } = monthsLater(model));
  const trajectory: TrajectoryOptions = { seed: o.seed };
  if (o.speed !== undefined) trajectory.speedMmPerS = o.speed;
  if (o.fps !== undefined) trajectory.framesPerSecond = o.fps;
  // Default disturbance frames: a third (too fast) and half (lift-off) of the session written.
  let tooFastAt: number | null = null;
  let liftOffAt: number | null = null;
  if (o.tooFast !== false || o.liftOff !== false) {
    const plain = protocolTrajectory(model, { workingDistance: DEFAULT_WAND_OPTIONS.workingDistance, ...trajectory });
    const n = Math.min(plain.cameraToWorld.length, o.frames ?? Infinity);
    for (const [name, value] of [['--too-fast', o.tooFast], ['--lift-off', o.liftOff]] as const) {
      if (typeof value === 'number' && value >= n) throw new UsageError(`${name} ${value} is past the last frame written (${n - 1})`);
    }
    if (o.tooFast !== false) trajectory.fastAtFrame = tooFastAt = o.tooFast === true ? Math.floor(n / 3) : o.tooFast;
    if (o.liftOff !== false) trajectory.liftOffAtFrame = liftOffAt = o.liftOff === true ? Math.floor(n / 2) : o.liftOff;
  }
  // The months-later variant goes in as a ready model; otherwise the simulator builds the arch
  // from its options (and the manifest records them).
  const simulatorOptions: SimulatorOptions = {
    ...(o.monthsLater ? { model } : { arch }),
    archMesh: { spacing: o.grid },
    wand: o.wand,
    noise: o.noise,
    trajectory,
    seed: o.seed,
  };
  if (o.frames !== undefined) simulatorOptions.frames = o.frames;
  const engine = await createEngine();
  try {
    const simulator = createScanSimulator(engine, simulatorOptions);
    const sceneSeconds = (performance.now() - started) / 1000;
    try {
      const bar = !o.json && io.stderr.isTTY === true ? await progressBar(io, simulator.frameCount) : undefined;
      const writeStarted = performance.now();
      let result;
      try {
        result = await writeSimulatedDataset(simulator, dir, {
          engine, simulatorOptions, changes, overwrite: o.overwrite,
          onProgress: bar ? (written) => bar.update(written) : undefined,
        });
      } finally {
        bar?.stop();
      }
      const seconds = (performance.now() - writeStarted) / 1000;
      const report: SimulateReport = {
        dir,
        frames: result.frameCount,
        seconds: round(seconds, 3),
        framesPerSecond: round(result.frameCount / seconds, 2),
        sceneSeconds: round(sceneSeconds, 3),
        bytes: result.bytes,
        megabytes: round(result.bytes / 1e6, 3),
        files: result.files.length,
        jaw: o.jaw,
        seed: o.seed,
        monthsLater: o.monthsLater,
        liftOffAtFrame: liftOffAt,
        tooFastAtFrame: tooFastAt,
        width: simulator.intrinsics.width,
        height: simulator.intrinsics.height,
        depthNoiseUm: round(simulator.noise.sigma * 1000, 6),
        referenceTriangles: simulator.reference.indices.length / 3,
      };
      io.stdout.write(o.json ? `${JSON.stringify(report, null, 2)}\n` : formatSimulateSummary(report));
      return EXIT_OK;
    } finally {
      simulator.dispose();
    }
  } finally {
    engine.dispose();
  }
}

/** The summary printed without --json. */
export function formatSimulateSummary(r: SimulateReport): string {
  const extras = [
    r.monthsLater ? 'months-later variant' : '',
    r.tooFastAtFrame !== null ? `too fast from frame ${r.tooFastAtFrame}` : '',
    r.liftOffAtFrame !== null ? `lift-off at frame ${r.liftOffAtFrame}` : '',
  ].filter(Boolean);
  return [
    `simulated ${count(r.frames)} frames of the ${r.jaw} arch (seed ${r.seed}, ${r.width}x${r.height}, depth noise ${r.depthNoiseUm} µm${extras.length ? `, ${extras.join(', ')}` : ''})`,
    `  ${r.seconds.toFixed(2)} s, ${r.framesPerSecond.toFixed(1)} frames/s (render, PNG encoding, writing); scene built in ${r.sceneSeconds.toFixed(2)} s (${count(r.referenceTriangles)} reference triangles)`,
    `  dataset ${formatBytes(r.bytes)} (${count(r.files)} files) in ${r.dir}`,
    '',
  ].join('\n');
}

interface ParsedSimulateOptions {
  out: string;
  seed: number;
  frames?: number;
  noise: NoiseOptions;
  jaw: Jaw;
  lesions: number;
  monthsLater: boolean;
  liftOff: false | true | number;
  tooFast: false | true | number;
  speed?: number;
  fps?: number;
  wand: WandOptions;
  grid: number;
  overwrite: boolean;
  json: boolean;
}

/** Checks and converts the option values; a bad value is a UsageError (exit code 2). */
export function parseSimulateOptions(options: SimulateCliOptions): ParsedSimulateOptions {
  const integer = wholeNumberOption, decimal = decimalOption;
  const frameOption = (value: boolean | string | undefined, name: string): false | true | number => {
    if (value === undefined || value === false) return false;
    if (value === true) return true;
    return integer(value, name, 0, 1_000_000);
  };
  if (typeof options.out !== 'string' || options.out.trim() === '') throw new UsageError('--out expects a folder');
  const jaw = options.jaw ?? 'lower';
  if (jaw !== 'lower' && jaw !== 'upper') throw new UsageError(`--jaw expects lower or upper, got '${jaw}'`);
  if (options.noiseless && options.noise !== undefined) throw new UsageError('--noise and --noiseless exclude each other');
  const noise: NoiseOptions = options.noiseless ? { ...NOISELESS }
    : options.noise !== undefined ? { sigma: decimal(options.noise, '--noise', 0, 1000, 'µm') / 1000 } : {};
  const wand: WandOptions = {};
  if (options.resolution !== undefined) {
    const m = /^\s*(\d+)\s*x\s*(\d+)\s*$/i.exec(options.resolution);
    const w = m ? Number(m[1]) : NaN, h = m ? Number(m[2]) : NaN;
    if (!(w >= 16 && w <= 4096 && h >= 16 && h <= 4096)) {
      throw new UsageError(`--resolution expects WIDTHxHEIGHT, each 16 to 4096 pixels, got '${options.resolution}'`);
    }
    wand.width = w;
    wand.height = h;
  }
  const parsed: ParsedSimulateOptions = {
    out: options.out,
    seed: integer(options.seed, '--seed', 0, 0xffffffff),
    noise,
    jaw,
    lesions: options.lesions === undefined ? 6 : integer(options.lesions, '--lesions', 0, 32),
    monthsLater: options.monthsLater === true,
    liftOff: frameOption(options.liftOff, '--lift-off'),
    tooFast: frameOption(options.tooFast, '--too-fast'),
    wand,
    grid: options.grid === undefined ? 0.2 : decimal(options.grid, '--grid', 0.03, 2, 'mm'),
    overwrite: options.overwrite === true,
    json: options.json === true,
  };
  if (options.frames !== undefined) parsed.frames = integer(options.frames, '--frames', 1, 1_000_000);
  if (options.speed !== undefined) parsed.speed = decimal(options.speed, '--speed', 0.1, 1000, 'mm/s');
  if (options.fps !== undefined) parsed.fps = decimal(options.fps, '--fps', 1, 1000, 'frames/s');
  return parsed;
}

/** A folder with files in it is refused unless --overwrite (a usage error, before any work). */
async function checkFolder(dir: string, overwrite: boolean): Promise<void> {
  if (overwrite) return;
  let entries: string[];
  try {
    if (!(await stat(dir)).isDirectory()) return; // writeSimulatedDataset reports it (INVALID_ARGUMENT)
    entries = await readdir(dir);
  } catch {
    return; // absent (created later) or unreadable (writeSimulatedDataset reports IO_ERROR)
  }
  if (entries.length > 0) throw new UsageError(`--out ${dir} is not empty; pass --overwrite to replace the dataset there`);
}

function round(x: number, decimals: number): number {
  const f = 10 ** decimals;
  return Math.round(x * f) / f;
}

/** A progress bar on stderr (only used when stderr is a terminal). */
function progressBar(io: CliIo, total: number) {
  return startProgressBar(io, total, 'simulating [{bar}] {value}/{total} frames  {percentage}%  ETA {eta_formatted}');
}
