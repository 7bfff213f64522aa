// PNG frames of RGB-D datasets: 16-bit depth, 8-bit RGB colour, 8-bit gray (NIR). Written by
// png-encoder.ts (Up filter, node:zlib), decoded with fast-png. Decoding checks the file's
// structure before fast-png sees it (chunk bounds, IHDR, IEND, and the inflated size bounded by
// the image size), so a corrupt, truncated or oversized file is a MALFORMED_INPUT error, never a
// hang or a huge allocation.
import { inflateSync } from 'node:zlib';
import { decode } from 'fast-png';
import { ScanfuseError } from '../../errors.js';

export { encodeDatasetPng, encodeDatasetPngAsync, encodeDepthPng, encodeGrayPng, encodeRgbPng } from './png-encoder.js';

/** What a dataset PNG holds: 16-bit gray depth, 8-bit RGB(A) colour, or 8-bit gray. */
export type DatasetImageKind = 'depth' | 'colour' | 'gray';

export interface ExpectedImage {
  kind: DatasetImageKind;
  width: number;
  height: number;
  /** Reported in errors. */
  file: string;
}

const SIGNATURE = [137, 80, 78, 71, 13, 10, 26, 10];

/** IHDR fields and where the image data is. */
interface PngLayout {
  width: number;
  height: number;
  bitDepth: number;
  colorType: number;
  interlace: number;
  idat: Array<[number, number]>;
}

const COLOR_TYPE_NAMES: Record<number, string> = { 0: 'gray', 2: 'RGB', 3: 'palette', 4: 'gray+alpha', 6: 'RGBA' };

/**
 * Decodes a dataset PNG and checks it is what `expect` says: depth = 16-bit gray (Uint16Array),
 * colour = 8-bit RGB or RGBA (returned as RGB), gray = 8-bit gray; the size must match.
 * Errors: ScanfuseError('MALFORMED_INPUT') with `file`, `byteOffset`, `expected`, `actual`.
 */
export function decodeDatasetPng(bytes: Uint8Array, expect: ExpectedImage & { kind: 'depth' }): Uint16Array;
export function decodeDatasetPng(bytes: Uint8Array, expect: ExpectedImage): Uint8Array | Uint16Array;
export function decodeDatasetPng(bytes: Uint8Array, expect: ExpectedImage): Uint8Array | Uint16Array {
  const api = 'readDataset';
  const { file, width, height, kind } = expect;
  const fail = (message: string, more: Record<string, unknown> = {}): never => {
    throw new ScanfuseError('MALFORMED_INPUT', `${api}: ${message}`, { file, ...more });
  };
  const png = pngLayout(bytes, fail);
  if (png.width !== width || png.height !== height) {
    fail('the image size does not match the dataset intrinsics', { byteOffset: 16, expected: `${width}x${height}`, actual: `${png.width}x${png.height}` });
  }
  const wanted = kind === 'depth' ? '16-bit gray' : kind === 'gray' ? '8-bit gray' : '8-bit RGB or RGBA';
  const found = `${png.bitDepth}-bit ${COLOR_TYPE_NAMES[png.colorType] ?? `colour type ${png.colorType}`}`;
  const ok = kind === 'depth' ? png.bitDepth === 16 && png.colorType === 0
    : kind === 'gray' ? png.bitDepth === 8 && png.colorType === 0
      : png.bitDepth === 8 && (png.colorType === 2 || png.colorType === 6);
  if (!ok) fail(`a ${kind} image must be a ${wanted} PNG`, { byteOffset: 24, expected: wanted, actual: found });
  const channels = png.colorType === 6 ? 4 : png.colorType === 2 ? 3 : 1;
  const bytesPerPixel = channels * (png.bitDepth / 8);
  // Inflated size: one filter byte per row (per pass when interlaced) plus the pixels.
  const rowBytes = width * bytesPerPixel;
  const inflatedSize = png.interlace === 0 ? height * (1 + rowBytes) : adam7Size(width, height, bytesPerPixel);
  const compressed = concat(bytes, png.idat);
  let inflated: Buffer;
  try {
    inflated = inflateSync(compressed, { maxOutputLength: inflatedSize + 1 });
  } catch (e) {
    const tooBig = (e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE';
    return fail(tooBig ? 'the image data inflates to more bytes than the image holds' : `the compressed image data is corrupt (${(e as Error).message})`, {
      byteOffset: png.idat[0][0], expected: `${inflatedSize} inflated bytes`,
    });
  }
  if (inflated.length !== inflatedSize) {
    fail('the image data is cut short or too long', { byteOffset: png.idat[0][0], expected: `${inflatedSize} inflated bytes`, actual: inflated.length });
  }
  let decoded;
  try {
    decoded = decode(bytes, { checkCrc: true });
  } catch (e) {
    return fail(`the PNG cannot be decoded (${(e as Error).message})`);
  }
  const data = decoded.data;
  if (data.length !== width * height * channels) fail('the decoded image has the wrong size', { expected: width * height * channels, actual: data.length });
  if (kind === 'depth') return data instanceof Uint16Array ? data : fail('a depth image must decode to 16-bit values');
  const out = data instanceof Uint8Array ? data : new Uint8Array(data.buffer, data.byteOffset, data.length);
  if (channels === 4) {
    const rgb = new Uint8Array(width * height * 3);
    for (let p = 0, q = 0; p < out.length; p += 4, q += 3) {
      rgb[q] = out[p]; rgb[q + 1] = out[p + 1]; rgb[q + 2] = out[p + 2];
    }
    return rgb;
  }
  return out;
}

/** Walks the chunks: signature, IHDR first, every chunk inside the file, IDAT spans, IEND. */
function pngLayout(bytes: Uint8Array, fail: (message: string, more?: Record<string, unknown>) => never): PngLayout {
  if (bytes.length < 8 || SIGNATURE.some((b, i) => bytes[i] !== b)) fail('not a PNG file (bad signature)', { byteOffset: 0 });
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const typeAt = (o: number) => String.fromCharCode(bytes[o], bytes[o + 1], bytes[o + 2], bytes[o + 3]);
  if (bytes.length < 33 || typeAt(12) !== 'IHDR' || view.getUint32(8) !== 13) fail('the PNG does not start with an IHDR chunk', { byteOffset: 8 });
  const layout: PngLayout = {
    width: view.getUint32(16), height: view.getUint32(20), bitDepth: bytes[24], colorType: bytes[25], interlace: bytes[28], idat: [],
  };
  if (layout.width === 0 || layout.height === 0) fail('the PNG has a zero size', { byteOffset: 16 });
  if (bytes[26] !== 0 || bytes[27] !== 0 || layout.interlace > 1) fail('the PNG uses an unknown compression, filter or interlace method', { byteOffset: 26 });
  let o = 33;
  for (;;) {
    if (o + 12 > bytes.length) fail('the PNG is truncated (no IEND chunk)', { byteOffset: o, actual: `${bytes.length} bytes` });
    const length = view.getUint32(o);
    const type = typeAt(o + 4);
    if (length > bytes.length - o - 12) fail(`the PNG is truncated inside its ${JSON.stringify(type)} chunk`, { byteOffset: o, expected: `${length} data bytes`, actual: `${bytes.length - o - 12}` });
    if (type === 'IDAT') layout.idat.push([o + 8, length]);
    if (type === 'IEND') break;
    o += 12 + length;
  }
  if (layout.idat.length === 0) fail('the PNG has no image data (IDAT)', { byteOffset: 33 });
  return layout;
}

function concat(bytes: Uint8Array, spans: Array<[number, number]>): Uint8Array {
  if (spans.length === 1) return bytes.subarray(spans[0][0], spans[0][0] + spans[0][1]);
  const out = new Uint8Array(spans.reduce((s, [, n]) => s + n, 0));
  let k = 0;
  for (const [o, n] of spans) { out.set(bytes.subarray(o, o + n), k); k += n; }
  return out;
}

/** Inflated size of an Adam7-interlaced image: each non-empty pass has its own rows and filter bytes. */
function adam7Size(width: number, height: number, bytesPerPixel: number): number {
  const passes = [[0, 0, 8, 8], [4, 0, 8, 8], [0, 4, 4, 8], [2, 0, 4, 4], [0, 2, 2, 4], [1, 0, 2, 2], [0, 1, 1, 2]];
  let size = 0;
  for (const [x0, y0, dx, dy] of passes) {
    const w = Math.ceil((width - x0) / dx), h = Math.ceil((height - y0) / dy);
    if (w > 0 && h > 0) size += h * (1 + w * bytesPerPixel);
  }
  return size;
}
