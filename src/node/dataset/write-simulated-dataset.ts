// Writes a simulated scan as an RGB-D dataset folder in the layout Open3D and the RGB-D
// community read (depth/ 16-bit PNG, color/ RGB PNG, Open3D intrinsics JSON, Redwood .log
// ground-truth trajectory in metres), plus nir/, the reference mesh and a manifest. Layout:
// docs/dataset-format.md. Deterministic: the same simulator options give byte-identical files.
import { webcrypto } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, readdir, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Engine } from '../../engine.js';
import { ScanfuseError } from '../../errors.js';
import { formatRedwoodLog } from '../../io/redwood-log.js';
import type { ArchChanges } from '../../sim/arch-model.js';
import { DEFAULT_ARCH_OPTIONS } from '../../sim/arch-model.js';
import { DEFAULT_ARCH_MESH_OPTIONS } from '../../sim/arch-mesh.js';
import type { ScanSimulator, SimulatorOptions } from '../../sim/simulator.js';
import { DEFAULT_TRAJECTORY_OPTIONS } from '../../sim/trajectory.js';
import { writeFileAtomic } from '../atomic-write.js';
import { formatOpen3dIntrinsics } from './intrinsics-json.js';
import { DATASET_FORMAT, DATASET_FORMAT_VERSION, frameFileName, type DatasetManifest, type DatasetManifestFrame } from './manifest.js';
import { encodeDatasetPngAsync } from './png-encoder.js';
import { sortedPlain, stableJson, type Plain } from './stable-json.js';

export interface WriteSimulatedDatasetOptions {
  /**
   * The engine the simulator was created with; it encodes reference.ply (binary PLY, mm).
   * Required unless `reference` is false.
   */
  engine?: Engine;
  /** Write reference.ply. Default true. */
  reference?: boolean;
  /**
   * The options the simulator was created with, recorded in the manifest (merged over their
   * defaults, keys sorted). Without them the manifest records what the simulator itself keeps
   * (wand, noise, seed, arch model) and `simulator.options` is null.
   */
  simulatorOptions?: SimulatorOptions;
  /** Ground truth of a monthsLater() model, recorded in the manifest. */
  changes?: ArchChanges | null;
  /**
   * Write into a folder that already has files: frame images of an earlier dataset that this one
   * does not have are deleted, the rest replaced. Default false (the folder must be absent or empty).
   */
  overwrite?: boolean;
  /** Called after each frame is on disk (for progress bars). Library code never logs. */
  onProgress?: (framesWritten: number, frameCount: number) => void;
  /** Stops between frames with ScanfuseError('INVALID_ARGUMENT') 'aborted'. */
  signal?: AbortSignal;
}

export interface WriteSimulatedDatasetResult {
  dir: string;
  frameCount: number;
  /** Relative paths of every file written, manifest.json last. */
  files: string[];
  /** Total bytes written. */
  bytes: number;
  manifest: DatasetManifest;
}

const FRAME_FOLDERS = ['depth', 'color', 'nir'] as const;

/**
 * Frames rendered but not yet on disk, at most. Each write takes a few event-loop turns (open,
 * write, fsync, close, rename) and the loop turns once per rendered frame, so the queue must be
 * a little longer than that for the writes to keep up with the renders.
 */
const MAX_FRAMES_IN_FLIGHT = 8;

/** A frame in the writing pipeline. */
interface FrameJob {
  entry: DatasetManifestFrame;
  /** Set when `settled` has resolved. */
  done: boolean;
  /** Resolves (never rejects) when the three files are on disk or one failed. */
  settled: Promise<void>;
  written?: Array<{ sha256: string; bytes: number }>;
  error?: unknown;
}

/** One turn of the event loop (I/O callbacks run), not just the microtask queue. */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** The package version (package.json is three levels up from src/node/dataset and dist/node/dataset). */
function packageVersion(): string {
  try {
    return (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/**
 * Renders every frame of `simulator` and writes the dataset folder `dir` (created if needed).
 * Every file is written atomically (temp file, fsync, rename); manifest.json is written last,
 * so a folder with a manifest is complete. Errors: INVALID_ARGUMENT (bad options, a non-empty
 * folder without `overwrite`, aborted), IO_ERROR (the file system).
 */
export async function writeSimulatedDataset(simulator: ScanSimulator, dir: string, options: WriteSimulatedDatasetOptions = {}): Promise<WriteSimulatedDatasetResult> {
  const api = 'writeSimulatedDataset';
  if (!simulator || typeof simulator.frame !== 'function' || !simulator.trajectory) {
    throw new ScanfuseError('INVALID_ARGUMENT', `${api}: the first argument must be a ScanSimulator`);
  }
  if (typeof dir !== 'string' || dir === '') throw new ScanfuseError('INVALID_ARGUMENT', `${api}: dir must be a folder path`);
  if (options === null || typeof options !== 'object') throw new ScanfuseError('INVALID_ARGUMENT', `${api}: options must be an object`);
  const writeReference = options.reference ?? true;
  if (writeReference && !options.engine) {
    throw new ScanfuseError('INVALID_ARGUMENT', `${api}: pass options.engine (the simulator's engine) to write reference.ply, or reference: false`);
  }
  const frameCount = simulator.frameCount;
  if (frameCount < 1) throw new ScanfuseError('INVALID_ARGUMENT', `${api}: the simulator has no frames`);
  const k = simulator.intrinsics;
  const depthScale = simulator.wand.depthScale;
  if (!(depthScale > 0 && Number.isFinite(depthScale))) throw new ScanfuseError('INVALID_ARGUMENT', `${api}: the wand's depthScale must be positive`, { actual: depthScale });

  await prepareFolder(dir, frameCount, options.overwrite ?? false, writeReference, api);

  const sha256: Record<string, string> = {};
  const files: string[] = [];
  let bytes = 0;
  /** Writes one file atomically and returns its sha256 (hashed in the thread pool, beside the write). */
  const writeOne = async (rel: string, data: Uint8Array) => {
    const [, digest] = await Promise.all([writeFileAtomic(join(dir, ...rel.split('/')), data), webcrypto.subtle.digest('SHA-256', data)]);
    return Buffer.from(digest).toString('hex');
  };
  const put = async (rel: string, data: Uint8Array) => {
    sha256[rel] = await writeOne(rel, data);
    files.push(rel);
    bytes += data.byteLength;
  };

  // The frames go through a short pipeline: the core renders frame i on this thread while zlib
  // (libuv's thread pool, i.e. the other core) deflates and the file system writes the frames
  // before it. At most MAX_FRAMES_IN_FLIGHT frames are rendered but not yet on disk (about 0.7 MB
  // each). Results are recorded in frame order, whatever order the writes finish in, so
  // `files`, the manifest and onProgress are the same as with one frame at a time.
  const frames: DatasetManifestFrame[] = [];
  const inFlight: FrameJob[] = [];
  let failure: { error: unknown } | null = null;
  /** Records the oldest frame once it is on disk (in frame order), or keeps its error. */
  const retire = (job: FrameJob) => {
    if (job.written === undefined) {
      failure ??= { error: job.error };
      return;
    }
    if (failure) return;
    const { entry, written } = job;
    const rels = [entry.depth, entry.color!, entry.nir!];
    for (let j = 0; j < 3; j++) {
      sha256[rels[j]] = written![j].sha256;
      files.push(rels[j]);
      bytes += written![j].bytes;
    }
    frames.push(entry);
    options.onProgress?.(entry.index + 1, frameCount);
  };
  try {
    for (let i = 0; i < frameCount; i++) {
      // Let finished deflates and writes run their continuations, then retire finished frames.
      await yieldToEventLoop();
      while (inFlight.length > 0 && (inFlight[0].done || inFlight.length >= MAX_FRAMES_IN_FLIGHT)) {
        const job = inFlight.shift()!;
        await job.settled;
        retire(job);
      }
      if (failure) break;
      if (options.signal?.aborted) {
        // Every rendered frame is finished first, so the error's count is what is on disk.
        while (inFlight.length > 0) { const job = inFlight.shift()!; await job.settled; retire(job); }
        if (failure) break;
        throw new ScanfuseError('INVALID_ARGUMENT', `${api}: aborted after ${i} frames`, { framesWritten: i });
      }
      const f = simulator.frame(i);
      const name = frameFileName(i);
      const entry: DatasetManifestFrame = {
        index: i, timestampMs: f.timestampMs, segment: f.segment ?? null, depth: `depth/${name}`, color: `color/${name}`, nir: `nir/${name}`,
      };
      // The rows are filtered here (the frame's arrays are not kept); zlib runs in the thread pool.
      const pngs = [
        encodeDatasetPngAsync('depth', f.depth, k.width, k.height),
        encodeDatasetPngAsync('colour', f.colour, k.width, k.height),
        encodeDatasetPngAsync('gray', f.nir, k.width, k.height),
      ];
      const rels = [entry.depth, entry.color!, entry.nir!];
      const job: FrameJob = { entry, done: false, settled: Promise.resolve() };
      // allSettled: a failed image still waits for the frame's other two writes to finish.
      job.settled = Promise.allSettled(pngs.map(async (png, j) => {
        const data = await png;
        return { sha256: await writeOne(rels[j], data), bytes: data.byteLength };
      })).then((results) => {
        const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
        if (failed) job.error = failed.reason;
        else job.written = results.map((r) => (r as PromiseFulfilledResult<{ sha256: string; bytes: number }>).value);
        job.done = true;
      });
      inFlight.push(job);
    }
    while (inFlight.length > 0 && !failure) { const job = inFlight.shift()!; await job.settled; retire(job); }
  } finally {
    // Never return (or throw) with writes still going on.
    await Promise.all(inFlight.map((job) => job.settled));
  }
  // (TypeScript cannot see that retire() sets `failure`.)
  const failed = failure as { error: unknown } | null;
  if (failed) throw failed.error;

  const encoder = new TextEncoder();
  await put('intrinsics.json', encoder.encode(formatOpen3dIntrinsics(k)));
  await put('trajectory.log', encoder.encode(formatRedwoodLog(simulator.trajectory.cameraToWorld)));
  if (writeReference) await put('reference.ply', options.engine!.writeMesh(simulator.reference, { format: 'ply', encoding: 'binary_little_endian' }));

  const sortedSha: Record<string, string> = {};
  for (const key of Object.keys(sha256).sort()) sortedSha[key] = sha256[key];
  const manifest: DatasetManifest = {
    format: DATASET_FORMAT,
    formatVersion: DATASET_FORMAT_VERSION,
    generator: { name: 'scanfuse', version: packageVersion() },
    units: { length: 'mm', trajectory: 'm', time: 'ms' },
    frameCount,
    image: { width: k.width, height: k.height },
    intrinsics: { width: k.width, height: k.height, fx: k.fx, fy: k.fy, cx: k.cx, cy: k.cy },
    depth: { depthScale, open3dDepthScale: depthScale * 1000, invalid: 0, bitDepth: 16 },
    files: { intrinsics: 'intrinsics.json', trajectory: 'trajectory.log', reference: writeReference ? 'reference.ply' : null },
    frames,
    sha256: sortedSha,
    simulator: simulatorRecord(simulator, options),
  };
  await put('manifest.json', encoder.encode(stableJson(manifest as unknown as Plain)));
  return { dir, frameCount, files, bytes, manifest };
}

/** Creates the folders; refuses a non-empty folder unless overwriting, then removes stale frames. */
async function prepareFolder(dir: string, frameCount: number, overwrite: boolean, writeReference: boolean, api: string): Promise<void> {
  const io = (e: unknown, path: string): never => {
    throw new ScanfuseError('IO_ERROR', `${api}: cannot prepare ${path}: ${(e as Error).message}`, { file: path }, { cause: e });
  };
  let existing: string[] = [];
  try {
    const s = await stat(dir);
    if (!s.isDirectory()) throw new ScanfuseError('INVALID_ARGUMENT', `${api}: ${dir} exists and is not a folder`, { file: dir });
    existing = await readdir(dir);
  } catch (e) {
    if (e instanceof ScanfuseError) throw e;
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') io(e, dir);
  }
  if (existing.length > 0 && !overwrite) {
    throw new ScanfuseError('INVALID_ARGUMENT', `${api}: ${dir} is not empty; pass overwrite: true to replace a dataset there`, { file: dir, actual: `${existing.length} entries` });
  }
  try {
    await mkdir(dir, { recursive: true });
  } catch (e) {
    io(e, dir);
  }
  // An old manifest would describe files that are about to change: remove it first.
  if (existing.includes('manifest.json')) await unlink(join(dir, 'manifest.json')).catch((e) => io(e, join(dir, 'manifest.json')));
  // So is a reference mesh this dataset will not have.
  if (!writeReference && existing.includes('reference.ply')) await unlink(join(dir, 'reference.ply')).catch((e) => io(e, join(dir, 'reference.ply')));
  for (const folder of FRAME_FOLDERS) {
    const path = join(dir, folder);
    try {
      await mkdir(path, { recursive: true });
      for (const name of await readdir(path)) {
        const m = /^(\d+)\.(png|jpg|jpeg)$/i.exec(name);
        if (m && (Number(m[1]) >= frameCount || name !== frameFileName(Number(m[1])))) await unlink(join(path, name));
      }
    } catch (e) {
      io(e, path);
    }
  }
}

/** The manifest's record of how the data was simulated. */
function simulatorRecord(simulator: ScanSimulator, options: WriteSimulatedDatasetOptions): Plain {
  const so = options.simulatorOptions;
  const model = simulator.model;
  const scene = so?.scene ? 'custom-mesh' : so?.model ? 'arch-model' : model ? 'procedural-arch' : 'custom-mesh';
  const t = so?.trajectory;
  const explicitTrajectory = !!t && 'cameraToWorld' in t;
  let trajectory: Plain = null;
  if (so) {
    trajectory = explicitTrajectory ? { explicit: true } : sortedPlain({
      ...DEFAULT_TRAJECTORY_OPTIONS, palate: model?.jaw === 'upper', workingDistance: simulator.wand.workingDistance, ...(t ?? {}),
    });
  }
  const record = {
    scene,
    seeds: {
      noise: simulator.seed,
      arch: model ? model.seed : null,
      trajectory: so && !explicitTrajectory ? ((t as { seed?: number } | undefined)?.seed ?? DEFAULT_TRAJECTORY_OPTIONS.seed) : null,
    },
    wand: sortedPlain(simulator.wand),
    noise: sortedPlain(simulator.noise),
    options: so ? {
      arch: scene === 'procedural-arch' ? sortedPlain({ ...DEFAULT_ARCH_OPTIONS, ...so.arch }) : null,
      archMesh: scene === 'procedural-arch' ? sortedPlain({ ...DEFAULT_ARCH_MESH_OPTIONS, ...so.archMesh }) : null,
      trajectory,
      frames: so.frames ?? null,
      seed: so.seed ?? 1,
    } : null,
    model: model ? {
      jaw: model.jaw,
      seed: model.seed,
      palateDepth: model.palate ? model.palate.depth : null,
      teeth: model.teeth.map((tooth) => ({ label: tooth.label, type: tooth.type, side: tooth.side })),
      lesions: model.lesions.map((l) => sortedPlain(l)),
    } : null,
    changes: options.changes ? sortedPlain(options.changes) : null,
    reference: {
      vertexCount: simulator.reference.positions.length / 3,
      triangleCount: simulator.reference.indices.length / 3,
      comments: simulator.reference.metadata?.comments ?? [],
    },
  };
  return record as unknown as Plain;
}
