// Open3D's PinholeCameraIntrinsic JSON (what `o3d.io.read_pinhole_camera_intrinsic` reads):
// { "width", "height", "intrinsic_matrix": [fx, 0, 0, 0, fy, 0, cx, cy, 1] } — the 3x3 matrix
// in column-major order. Pure text; lives beside the dataset code that uses it.
import { ScanfuseError } from '../../errors.js';
import { assertIntrinsics, type CameraIntrinsics } from '../../camera/intrinsics.js';

/** The Open3D intrinsics JSON of `k` (2-space indent, trailing newline; deterministic). */
export function formatOpen3dIntrinsics(k: CameraIntrinsics): string {
  assertIntrinsics(k, 'formatOpen3dIntrinsics');
  const json = { width: k.width, height: k.height, intrinsic_matrix: [k.fx, 0, 0, 0, k.fy, 0, k.cx, k.cy, 1] };
  return `${JSON.stringify(json, null, 2)}\n`;
}

/**
 * Parses an Open3D intrinsics JSON. Rejects (MALFORMED_INPUT, with `file`) JSON syntax errors
 * (with the byte offset when known), missing or non-integer width/height, a matrix that is not
 * 9 finite numbers, skew, or a last row other than 0 0 1.
 */
export function parseOpen3dIntrinsics(text: string, file?: string): CameraIntrinsics {
  const api = 'readDataset';
  const where = file !== undefined ? { file } : {};
  const fail = (message: string, more: Record<string, unknown> = {}): never => {
    throw new ScanfuseError('MALFORMED_INPUT', `${api}: ${message}`, { ...where, ...more });
  };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    const at = /position (\d+)/.exec((e as Error).message);
    return fail(`the intrinsics file is not valid JSON (${(e as Error).message})`, at ? { byteOffset: Number(at[1]) } : {});
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) return fail('the intrinsics JSON must be an object');
  const o = json as Record<string, unknown>;
  const size = (key: 'width' | 'height') => {
    const v = o[key];
    if (!(typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= 16384)) fail(`intrinsics "${key}" must be an integer 1..16384`, { actual: JSON.stringify(v) ?? 'missing' });
    return v as number;
  };
  const width = size('width'), height = size('height');
  const m = o.intrinsic_matrix;
  if (!Array.isArray(m) || m.length !== 9 || !m.every((v) => typeof v === 'number' && Number.isFinite(v))) {
    return fail('"intrinsic_matrix" must be 9 finite numbers (column-major 3x3)', { actual: JSON.stringify(m)?.slice(0, 80) ?? 'missing' });
  }
  if (m[1] !== 0 || m[2] !== 0 || m[3] !== 0 || m[5] !== 0 || m[8] !== 1) {
    fail('"intrinsic_matrix" must be [fx, 0, 0, 0, fy, 0, cx, cy, 1] (no skew)', { actual: JSON.stringify(m) });
  }
  const k: CameraIntrinsics = { width, height, fx: m[0], fy: m[4], cx: m[6], cy: m[7] };
  if (!(k.fx > 0 && k.fy > 0)) fail('focal lengths must be positive', { actual: `fx ${k.fx}, fy ${k.fy}` });
  return k;
}
