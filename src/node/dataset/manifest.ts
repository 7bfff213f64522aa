// manifest.json of a scanfuse RGB-D dataset: what the folder holds, in which units, and how it
// was made. The layout is specified in docs/dataset-format.md; this file holds its types, its
// name and version, and the strict check applied when reading it.
import { ScanfuseError } from '../../errors.js';
import type { CameraIntrinsics } from '../../camera/intrinsics.js';
import type { Plain } from './stable-json.js';

/** The `format` value of a scanfuse dataset manifest. */
export const DATASET_FORMAT = 'scanfuse-rgbd-dataset';
/** The layout version this code writes; readers accept this version and older. */
export const DATASET_FORMAT_VERSION = 1;

export interface DatasetManifestFrame {
  index: number;
  /** Capture time of the frame, ms from the first frame. */
  timestampMs: number;
  /** What the wand was doing (simulator trajectory segment), or null. */
  segment: string | null;
  /** Relative paths ('/'-separated) of the frame's images; null when absent. */
  depth: string;
  color: string | null;
  nir: string | null;
}

export interface DatasetManifest {
  format: typeof DATASET_FORMAT;
  formatVersion: number;
  /** Who wrote the dataset. */
  generator: { name: string; version: string };
  /** Units of the dataset: lengths in mm except the trajectory file (metres, as Redwood/Open3D). */
  units: { length: 'mm'; trajectory: 'm'; time: 'ms' };
  frameCount: number;
  image: { width: number; height: number };
  /** The same intrinsics as intrinsics.json, in scanfuse's field names (pixels). */
  intrinsics: CameraIntrinsics;
  depth: {
    /** Raw depth units per mm (mm = raw / depthScale); 0 = no measurement. */
    depthScale: number;
    /** The same scale in raw units per METRE: Open3D's `depth_scale` / `--depth-scale`. */
    open3dDepthScale: number;
    /** Raw value that means "no measurement". */
    invalid: 0;
    bitDepth: 16;
  };
  /** Relative paths of the dataset-wide files. */
  files: { intrinsics: string; trajectory: string; reference: string | null };
  frames: DatasetManifestFrame[];
  /** sha256 (hex) of every file but manifest.json, by relative path, sorted by path. */
  sha256: Record<string, string>;
  /** How the data was simulated (options with their defaults, seeds, ground truth), or null. */
  simulator: Plain | null;
}

/** Frame file name of frame `index`: six digits, zero-padded (sorts like the frame order). */
export function frameFileName(index: number, extension = 'png'): string {
  return `${String(index).padStart(6, '0')}.${extension}`;
}

/** A relative path inside the dataset folder: '/'-separated names, no '..', not absolute. */
export function isSafeRelativePath(path: unknown): path is string {
  if (typeof path !== 'string' || path === '' || path.length > 1024) return false;
  if (path.startsWith('/') || path.includes('\\') || path.includes('\0') || /^[A-Za-z]:/.test(path)) return false;
  return path.split('/').every((part) => part !== '' && part !== '.' && part !== '..');
}

/**
 * Parses and checks manifest.json. Errors: MALFORMED_INPUT (bad JSON with its byte offset, a
 * missing or ill-typed field: `details.field`), UNSUPPORTED_FORMAT (another format or a newer
 * version).
 */
export function parseDatasetManifest(text: string, file: string): DatasetManifest {
  const api = 'readDataset';
  const fail = (message: string, more: Record<string, unknown> = {}): never => {
    throw new ScanfuseError('MALFORMED_INPUT', `${api}: ${message}`, { file, ...more });
  };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    const at = /position (\d+)/.exec((e as Error).message);
    return fail(`manifest.json is not valid JSON (${(e as Error).message})`, at ? { byteOffset: Number(at[1]) } : {});
  }
  const obj = (v: unknown, field: string): Record<string, unknown> =>
    v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : fail(`manifest field "${field}" must be an object`, { field });
  const num = (v: unknown, field: string, check: (n: number) => boolean = Number.isFinite): number =>
    typeof v === 'number' && Number.isFinite(v) && check(v) ? v : fail(`manifest field "${field}" has an invalid value`, { field, actual: JSON.stringify(v) ?? 'missing' });
  const path = (v: unknown, field: string, nullable = false): string | null =>
    (nullable && v === null) ? null : isSafeRelativePath(v) ? v : fail(`manifest field "${field}" must be a relative path inside the dataset`, { field, actual: JSON.stringify(v) ?? 'missing' });
  const m = obj(json, '(root)');
  if (m.format !== DATASET_FORMAT) {
    throw new ScanfuseError('UNSUPPORTED_FORMAT', `${api}: manifest.json is not a ${DATASET_FORMAT} manifest`, { file, expected: DATASET_FORMAT, actual: String(m.format) });
  }
  const version = num(m.formatVersion, 'formatVersion', (n) => Number.isInteger(n) && n >= 1);
  if (version > DATASET_FORMAT_VERSION) {
    throw new ScanfuseError('UNSUPPORTED_FORMAT', `${api}: the dataset is format version ${version}; this scanfuse reads up to ${DATASET_FORMAT_VERSION} (upgrade scanfuse)`, {
      file, expected: DATASET_FORMAT_VERSION, actual: version,
    });
  }
  const integer = (n: number) => Number.isInteger(n) && n >= 0;
  const frameCount = num(m.frameCount, 'frameCount', (n) => integer(n) && n >= 1);
  const image = obj(m.image, 'image');
  const width = num(image.width, 'image.width', (n) => integer(n) && n >= 1), height = num(image.height, 'image.height', (n) => integer(n) && n >= 1);
  const k = obj(m.intrinsics, 'intrinsics');
  const intrinsics: CameraIntrinsics = {
    width: num(k.width, 'intrinsics.width'), height: num(k.height, 'intrinsics.height'),
    fx: num(k.fx, 'intrinsics.fx', (n) => n > 0), fy: num(k.fy, 'intrinsics.fy', (n) => n > 0), cx: num(k.cx, 'intrinsics.cx'), cy: num(k.cy, 'intrinsics.cy'),
  };
  const depth = obj(m.depth, 'depth');
  const depthScale = num(depth.depthScale, 'depth.depthScale', (n) => n > 0);
  const files = obj(m.files, 'files');
  if (!Array.isArray(m.frames)) fail('manifest field "frames" must be an array', { field: 'frames' });
  const framesIn = m.frames as unknown[];
  if (framesIn.length !== frameCount) fail('manifest "frames" and "frameCount" disagree', { field: 'frames', expected: frameCount, actual: framesIn.length });
  const frames = framesIn.map((f, i): DatasetManifestFrame => {
    const o = obj(f, `frames[${i}]`);
    num(o.index, `frames[${i}].index`, (n) => n === i);
    const segment = o.segment;
    if (segment !== null && typeof segment !== 'string') fail(`manifest field "frames[${i}].segment" must be a string or null`, { field: `frames[${i}].segment` });
    return {
      index: i,
      timestampMs: num(o.timestampMs, `frames[${i}].timestampMs`),
      segment: segment as string | null,
      depth: path(o.depth, `frames[${i}].depth`)!,
      color: path(o.color, `frames[${i}].color`, true),
      nir: path(o.nir, `frames[${i}].nir`, true),
    };
  });
  for (const key of ['color', 'nir'] as const) {
    const present = frames.filter((f) => f[key] !== null).length;
    if (present !== 0 && present !== frames.length) fail(`manifest: some frames have ${key} images and some do not`, { field: `frames[].${key}` });
  }
  const sha = m.sha256 === undefined ? {} : obj(m.sha256, 'sha256');
  for (const [p, h] of Object.entries(sha)) {
    if (!isSafeRelativePath(p) || typeof h !== 'string' || !/^[0-9a-f]{64}$/.test(h)) fail('manifest "sha256" entries must map relative paths to 64 hex digits', { field: `sha256.${p}` });
  }
  const generator = m.generator === undefined ? { name: 'unknown', version: 'unknown' } : obj(m.generator, 'generator');
  return {
    format: DATASET_FORMAT,
    formatVersion: version,
    generator: { name: String(generator.name), version: String(generator.version) },
    units: { length: 'mm', trajectory: 'm', time: 'ms' },
    frameCount,
    image: { width, height },
    intrinsics,
    depth: { depthScale, open3dDepthScale: depthScale * 1000, invalid: 0, bitDepth: 16 },
    files: { intrinsics: path(files.intrinsics, 'files.intrinsics')!, trajectory: path(files.trajectory, 'files.trajectory')!, reference: path(files.reference ?? null, 'files.reference', true) },
    frames,
    sha256: sha as Record<string, string>,
    simulator: (m.simulator ?? null) as Plain | null,
  };
}
