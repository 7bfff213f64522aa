// Reads an RGB-D dataset folder: scanfuse's own layout (manifest.json, see
// docs/dataset-format.md) or the Redwood / Open3D layout (depth/*.png, color/*.png or
// image/*.jpg, an Open3D intrinsics JSON, a Redwood .log trajectory in metres). Opening checks
// the folder's structure (files, counts, intrinsics, trajectory); frames are decoded lazily,
// one frame's files per frame(i) call.
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { basename, dirname, join, relative, sep } from 'node:path';
import type { Engine } from '../../engine.js';
import { ScanfuseError } from '../../errors.js';
import { assertIntrinsics, type CameraIntrinsics } from '../../camera/intrinsics.js';
import { parseRedwoodLog, REDWOOD_LOG_UNITS_PER_MM } from '../../io/redwood-log.js';
import type { Transform } from '../../math/pose.js';
import type { ReadMeshResult } from '../../types.js';
import { listFrameFiles } from './frame-files.js';
import { parseOpen3dIntrinsics } from './intrinsics-json.js';
import { decodeDatasetJpeg, isJpeg } from './jpeg-image.js';
import { parseDatasetManifest, type DatasetManifest } from './manifest.js';
import { decodeDatasetPng } from './png-image.js';

export interface ReadDatasetOptions {
  /**
   * Intrinsics: the path of an Open3D intrinsics JSON, or the values. Default: the manifest's
   * file, else `intrinsics.json`, else `camera_primesense.json` in the folder.
   */
  intrinsics?: string | CameraIntrinsics;
  /**
   * A Redwood .log trajectory (camera-to-world), or false for none. Default: the manifest's file,
   * else `trajectory.log` in the folder if present, else none.
   */
  trajectory?: string | false;
  /** Length units of the .log per mm. Default 0.001 (metres, as Redwood and Open3D write). */
  trajectoryUnitsPerMm?: number;
  /** Raw depth units per mm. Default: the manifest's; else 1 (Redwood / ICL-NUIM PNGs are in mm). */
  depthScale?: number;
  /** Use only the first N frames (each image folder and the trajectory must have at least N). */
  frames?: number;
  /** Frame rate for timestamps of folders without a manifest, frames/s. Default 30. */
  framesPerSecond?: number;
  /** Check each file read against the manifest's sha256 (MALFORMED_INPUT on a mismatch). Default false. */
  verifyChecksums?: boolean;
  /** The engine reference() uses when called without one. */
  engine?: Engine;
}

/** One frame, decoded. Arrays are new and owned by the caller. */
export interface DatasetFrame {
  index: number;
  /** Raw depth, row-major; mm = raw / depthScale; 0 = no measurement. */
  depth: Uint16Array;
  /** Raw depth units per mm. */
  depthScale: number;
  /** RGB, 3 bytes per pixel (when the dataset has colour). */
  colour?: Uint8Array;
  /** Near-infrared, 1 byte per pixel (when the dataset has NIR). */
  nir?: Uint8Array;
  /** From the manifest, else index * 1000 / framesPerSecond. */
  timestampMs: number;
  /** The simulator's trajectory segment (manifest only). */
  segment?: string;
  /** From the trajectory: column-major Float64Array(16), mm (a new copy per call). */
  cameraToWorld?: Transform;
}

/** Where each frame's images are (absolute paths); colour/nir are null when the dataset has none. */
export interface DatasetFiles {
  depth: string[];
  colour: string[] | null;
  nir: string[] | null;
}

const COLOUR_FOLDERS = ['color', 'image', 'rgb'];
const IMAGE_EXTENSIONS = ['png', 'jpg', 'jpeg'];

/** An opened dataset folder. Use readDataset(). */
export class RgbdDataset {
  readonly dir: string;
  /** 'scanfuse' when the folder has a manifest.json, else 'redwood'. */
  readonly layout: 'scanfuse' | 'redwood';
  readonly intrinsics: CameraIntrinsics;
  /** Raw depth units per mm. */
  readonly depthScale: number;
  readonly frameCount: number;
  /** Capture time of each frame, ms. */
  readonly timestampMs: readonly number[];
  /** The trajectory (camera-to-world, mm, column-major) and its file, or null. */
  readonly trajectory: { file: string; cameraToWorld: readonly Transform[] } | null;
  readonly manifest: DatasetManifest | null;
  readonly files: DatasetFiles;
  readonly #options: ReadDatasetOptions;

  /** @internal */
  constructor(init: Omit<RgbdDataset, 'frame' | 'frames' | 'reference'>, options: ReadDatasetOptions) {
    this.dir = init.dir;
    this.layout = init.layout;
    this.intrinsics = init.intrinsics;
    this.depthScale = init.depthScale;
    this.frameCount = init.frameCount;
    this.timestampMs = init.timestampMs;
    this.trajectory = init.trajectory;
    this.manifest = init.manifest;
    this.files = init.files;
    this.#options = options;
  }

  /** Reads and decodes frame `index` (its depth, colour and NIR files only). */
  async frame(index: number): Promise<DatasetFrame> {
    const api = 'RgbdDataset.frame';
    if (!(Number.isInteger(index) && index >= 0 && index < this.frameCount)) {
      throw new ScanfuseError('INVALID_ARGUMENT', `${api}: frame index must be 0..${this.frameCount - 1}`, { actual: index });
    }
    const { width, height } = this.intrinsics;
    const colourPath = this.files.colour?.[index];
    const nirPath = this.files.nir?.[index];
    // Read in parallel; on failure report the first file in depth, colour, NIR order (not the
    // first read to fail, which would depend on timing).
    const settled = await Promise.allSettled([
      this.#read(this.files.depth[index]),
      colourPath ? this.#read(colourPath) : undefined,
      nirPath ? this.#read(nirPath) : undefined,
    ]);
    for (const r of settled) if (r.status === 'rejected') throw r.reason;
    const value = (i: number) => (settled[i] as PromiseFulfilledResult<Uint8Array | undefined>).value;
    const depthBytes = value(0)!, colourBytes = value(1), nirBytes = value(2);
    const frame: DatasetFrame = {
      index,
      depth: decodeDatasetPng(depthBytes, { kind: 'depth', width, height, file: this.files.depth[index] }),
      depthScale: this.depthScale,
      timestampMs: this.timestampMs[index],
    };
    if (colourBytes) {
      frame.colour = isJpeg(colourBytes)
        ? decodeDatasetJpeg(colourBytes, { width, height, file: colourPath! })
        : decodeDatasetPng(colourBytes, { kind: 'colour', width, height, file: colourPath! }) as Uint8Array;
    }
    if (nirBytes) frame.nir = decodeDatasetPng(nirBytes, { kind: 'gray', width, height, file: nirPath! }) as Uint8Array;
    const segment = this.manifest?.frames[index]?.segment;
    if (segment) frame.segment = segment;
    if (this.trajectory) frame.cameraToWorld = Float64Array.from(this.trajectory.cameraToWorld[index]);
    return frame;
  }

  /** Every frame in order, decoded one at a time. */
  async *frames(): AsyncGenerator<DatasetFrame> {
    for (let i = 0; i < this.frameCount; i++) yield await this.frame(i);
  }

  /**
   * Reads the dataset's reference mesh (reference.ply, mm), or null when it has none.
   * Needs an engine: this argument or the one given to readDataset.
   */
  async reference(engine: Engine | undefined = this.#options.engine): Promise<ReadMeshResult | null> {
    // With a manifest, only the mesh it names (a stale reference.ply beside it is not the dataset's).
    const rel = this.manifest ? this.manifest.files.reference : 'reference.ply';
    if (rel === null) return null;
    const path = join(this.dir, ...rel.split('/'));
    if (!(await exists(path))) {
      if (this.manifest) throw new ScanfuseError('MALFORMED_INPUT', 'RgbdDataset.reference: the reference mesh named in manifest.json is missing', { file: path });
      return null;
    }
    if (!engine) throw new ScanfuseError('INVALID_ARGUMENT', 'RgbdDataset.reference: pass the engine that reads the mesh (or options.engine to readDataset)');
    return engine.readMesh(await this.#read(path), { fileName: path });
  }

  async #read(path: string): Promise<Uint8Array> {
    const bytes = await readBytes(path, 'RgbdDataset.frame');
    if (this.#options.verifyChecksums && this.manifest) {
      const rel = relativeTo(this.dir, path);
      const expected = this.manifest.sha256[rel];
      if (expected === undefined) throw new ScanfuseError('MALFORMED_INPUT', `readDataset: the manifest has no checksum for ${rel}`, { file: path });
      const actual = createHash('sha256').update(bytes).digest('hex');
      if (actual !== expected) throw new ScanfuseError('MALFORMED_INPUT', 'readDataset: the file does not match its sha256 in the manifest', { file: path, expected, actual });
    }
    return bytes;
  }
}

/**
 * Opens a dataset folder (scanfuse layout or Redwood / Open3D layout) and checks its structure.
 * Errors: IO_ERROR (the folder or a named file cannot be read), MALFORMED_INPUT with `file` and
 * `line` / `byteOffset` where known (missing depth/ or intrinsics, a bad manifest, intrinsics
 * JSON or .log, image counts that disagree with each other or with the trajectory),
 * UNSUPPORTED_FORMAT (a manifest of a newer version), INVALID_ARGUMENT (bad options).
 */
export async function readDataset(dir: string, options: ReadDatasetOptions = {}): Promise<RgbdDataset> {
  const api = 'readDataset';
  if (typeof dir !== 'string' || dir === '') throw new ScanfuseError('INVALID_ARGUMENT', `${api}: dir must be a folder path`);
  if (options === null || typeof options !== 'object') throw new ScanfuseError('INVALID_ARGUMENT', `${api}: options must be an object`);
  const positive = (v: unknown, name: string) => {
    if (v !== undefined && !(typeof v === 'number' && Number.isFinite(v) && v > 0)) {
      throw new ScanfuseError('INVALID_ARGUMENT', `${api}: ${name} must be a positive finite number`, { actual: String(v) });
    }
  };
  positive(options.depthScale, 'depthScale');
  positive(options.framesPerSecond, 'framesPerSecond');
  positive(options.trajectoryUnitsPerMm, 'trajectoryUnitsPerMm');
  if (options.frames !== undefined && !(Number.isInteger(options.frames) && options.frames >= 1)) {
    throw new ScanfuseError('INVALID_ARGUMENT', `${api}: frames must be a positive integer`, { actual: String(options.frames) });
  }
  let s;
  try {
    s = await stat(dir);
  } catch (e) {
    throw new ScanfuseError('IO_ERROR', `${api}: cannot open ${dir}: ${(e as Error).message}`, { file: dir }, { cause: e });
  }
  if (!s.isDirectory()) throw new ScanfuseError('IO_ERROR', `${api}: ${dir} is not a folder`, { file: dir });
  const malformed = (message: string, details: Record<string, unknown>): never => {
    throw new ScanfuseError('MALFORMED_INPUT', `${api}: ${message}`, details);
  };

  // Manifest (scanfuse layout) or folder listing (Redwood layout).
  const manifestPath = join(dir, 'manifest.json');
  const manifest = (await exists(manifestPath)) ? parseDatasetManifest(await readText(manifestPath, api), manifestPath) : null;
  let files: DatasetFiles;
  if (manifest) {
    const at = (rel: string) => join(dir, ...rel.split('/'));
    files = {
      depth: manifest.frames.map((f) => at(f.depth)),
      colour: manifest.frames[0].color === null ? null : manifest.frames.map((f) => at(f.color!)),
      nir: manifest.frames[0].nir === null ? null : manifest.frames.map((f) => at(f.nir!)),
    };
    // Every listed image must be there (one listing per folder, not one stat per file).
    const listed = new Map<string, Set<string> | null>();
    for (const path of [...files.depth, ...(files.colour ?? []), ...(files.nir ?? [])]) {
      const folder = dirname(path), name = basename(path);
      if (!listed.has(folder)) {
        const names = await listFrameFiles(folder, IMAGE_EXTENSIONS);
        listed.set(folder, names ? new Set(names) : null);
      }
      if (!listed.get(folder)?.has(name)) malformed('an image listed in manifest.json is missing', { file: path });
    }
  } else {
    const depthDir = join(dir, 'depth');
    const depth = await listFrameFiles(depthDir, ['png']);
    if (depth === null) malformed('the dataset has no depth/ folder (16-bit PNG frames)', { file: depthDir });
    if (depth!.length === 0) malformed('depth/ has no PNG frames', { file: depthDir });
    let colour: string[] | null = null;
    for (const folder of COLOUR_FOLDERS) {
      const names = await listFrameFiles(join(dir, folder), IMAGE_EXTENSIONS);
      if (names && names.length) { colour = names.map((n) => join(dir, folder, n)); break; }
    }
    const nir = await listFrameFiles(join(dir, 'nir'), ['png']);
    files = {
      depth: depth!.map((n) => join(depthDir, n)),
      colour,
      nir: nir && nir.length ? nir.map((n) => join(dir, 'nir', n)) : null,
    };
  }

  // Intrinsics.
  let intrinsics: CameraIntrinsics;
  if (options.intrinsics !== undefined && typeof options.intrinsics === 'object') {
    assertIntrinsics(options.intrinsics, api);
    intrinsics = { ...options.intrinsics };
  } else {
    let path: string | undefined;
    if (typeof options.intrinsics === 'string') path = options.intrinsics;
    else if (manifest) path = join(dir, ...manifest.files.intrinsics.split('/'));
    else {
      for (const name of ['intrinsics.json', 'camera_primesense.json']) {
        if (await exists(join(dir, name))) { path = join(dir, name); break; }
      }
    }
    if (!path) {
      return malformed('the dataset has no intrinsics (intrinsics.json or camera_primesense.json); pass options.intrinsics', {
        file: dir, expected: 'intrinsics.json or camera_primesense.json',
      });
    }
    if (options.intrinsics === undefined && manifest && !(await exists(path))) malformed('the intrinsics file named in manifest.json is missing', { file: path });
    intrinsics = parseOpen3dIntrinsics(await readText(path, api), path);
    if (manifest && options.intrinsics === undefined) {
      const m = manifest.intrinsics;
      if (m.width !== intrinsics.width || m.height !== intrinsics.height || m.fx !== intrinsics.fx || m.fy !== intrinsics.fy || m.cx !== intrinsics.cx || m.cy !== intrinsics.cy) {
        malformed('manifest.json and the intrinsics file disagree', { file: path, expected: JSON.stringify(m), actual: JSON.stringify(intrinsics) });
      }
    }
  }
  if (manifest && (manifest.image.width !== intrinsics.width || manifest.image.height !== intrinsics.height)) {
    malformed('the manifest image size and the intrinsics disagree', { file: manifestPath, expected: `${manifest.image.width}x${manifest.image.height}`, actual: `${intrinsics.width}x${intrinsics.height}` });
  }

  // Trajectory.
  let trajectory: RgbdDataset['trajectory'] = null;
  if (options.trajectory !== false) {
    let path: string | undefined;
    if (typeof options.trajectory === 'string') path = options.trajectory;
    else if (options.trajectory !== undefined) throw new ScanfuseError('INVALID_ARGUMENT', `${api}: trajectory must be a .log path or false`);
    else if (manifest) {
      path = join(dir, ...manifest.files.trajectory.split('/'));
      if (!(await exists(path))) malformed('the trajectory file named in manifest.json is missing', { file: path });
    } else if (await exists(join(dir, 'trajectory.log'))) path = join(dir, 'trajectory.log');
    if (path) {
      const log = parseRedwoodLog(await readText(path, api), { fileName: path, unitsPerMm: options.trajectoryUnitsPerMm ?? REDWOOD_LOG_UNITS_PER_MM });
      trajectory = { file: path, cameraToWorld: log.cameraToWorld };
    }
  }

  // Counts: every image list and the trajectory cover the same frames.
  const counts: Array<{ what: string; file: string; n: number }> = [{ what: 'the depth images', file: dirname(files.depth[0] ?? join(dir, 'depth', 'x')), n: files.depth.length }];
  if (files.colour) counts.push({ what: 'the colour images', file: dirname(files.colour[0] ?? dir), n: files.colour.length });
  if (files.nir) counts.push({ what: 'the NIR images', file: dirname(files.nir[0] ?? dir), n: files.nir.length });
  if (trajectory) counts.push({ what: 'the trajectory', file: trajectory.file, n: trajectory.cameraToWorld.length });
  const frameCount = options.frames ?? files.depth.length;
  for (const { what, file, n } of counts) {
    if (options.frames !== undefined ? n < frameCount : n !== frameCount) {
      malformed(options.frames !== undefined
        ? `${what} cover fewer frames than asked for`
        : `${what} and the depth frames differ in number (pass options.frames to use the first N)`,
      { file, expected: options.frames !== undefined ? `>= ${frameCount}` : frameCount, actual: n });
    }
  }
  files = {
    depth: files.depth.slice(0, frameCount),
    colour: files.colour?.slice(0, frameCount) ?? null,
    nir: files.nir?.slice(0, frameCount) ?? null,
  };
  if (trajectory) trajectory = { file: trajectory.file, cameraToWorld: trajectory.cameraToWorld.slice(0, frameCount) };

  const depthScale = options.depthScale ?? manifest?.depth.depthScale ?? 1;
  const fps = options.framesPerSecond ?? 30;
  const timestampMs = Array.from({ length: frameCount }, (_, i) => manifest ? manifest.frames[i].timestampMs : (i * 1000) / fps);
  return new RgbdDataset({
    dir, layout: manifest ? 'scanfuse' : 'redwood', intrinsics, depthScale, frameCount, timestampMs, trajectory, manifest, files,
  }, { ...options });
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

async function readBytes(path: string, api: string): Promise<Uint8Array> {
  try {
    const buffer = await readFile(path);
    return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  } catch (e) {
    throw new ScanfuseError('IO_ERROR', `${api}: cannot read ${path}: ${(e as Error).message}`, { file: path }, { cause: e });
  }
}

async function readText(path: string, api: string): Promise<string> {
  const bytes = await readBytes(path, api);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (e) {
    throw new ScanfuseError('MALFORMED_INPUT', `${api}: ${path} is not UTF-8 text`, { file: path }, { cause: e });
  }
}

function relativeTo(dir: string, path: string): string {
  return relative(dir, path).split(sep).join('/');
}
