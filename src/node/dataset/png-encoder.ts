// The PNG writer of dataset frames: 16-bit gray depth, 8-bit RGB colour, 8-bit gray (NIR).
// Every row gets PNG filter 2 ("Up": each byte minus the byte above it), the rows are deflated
// by node:zlib with strategy Z_RLE (runs of the previous byte only, no hash chains), and the
// file is signature + IHDR + one IDAT + IEND, no other chunks. The bytes are a pure function of
// the pixels (no clock, no text chunks); the sync and async encoders give the same bytes.
// Decoding stays with fast-png (png-image.ts); any PNG decoder reads these files.
//
// Why these choices (simulated 320x240 frames, measured against fast-png's unfiltered fflate
// level 3): Up + Z_RLE is the smallest and the fastest of none/Sub/Up/Paeth x Z_DEFAULT/
// Z_FILTERED/Z_RLE at levels 1-6 bar per-row adaptive filtering (a few % smaller, 5x the
// filtering work): ~205 kB and ~3 ms per frame instead of ~275 kB and ~21 ms. Z_RLE never
// searches the window for matches, so its output does not depend on zlib's match-finder (which
// differs between zlib builds); the level only switches stored (0) from compressed.
import * as zlib from 'node:zlib';
import { ScanfuseError } from '../../errors.js';
import type { DatasetImageKind } from './png-image.js';

/** PNG filter type written on every row: 2 = Up. */
export const PNG_ROW_FILTER = 2;

/** The zlib settings of written PNGs: fixed, so the bytes are a function of the pixels. */
export const PNG_ZLIB_OPTIONS: Readonly<zlib.ZlibOptions> = Object.freeze({
  level: 6,
  strategy: zlib.constants.Z_RLE,
  windowBits: 15,
  memLevel: 8,
});

/** What a kind of image is in a PNG: bit depth, colour type (0 gray, 2 RGB), bytes per pixel. */
const LAYOUT: Record<DatasetImageKind, { bitDepth: number; colorType: number; bytesPerPixel: number; api: string }> = {
  depth: { bitDepth: 16, colorType: 0, bytesPerPixel: 2, api: 'encodeDepthPng' },
  colour: { bitDepth: 8, colorType: 2, bytesPerPixel: 3, api: 'encodeRgbPng' },
  gray: { bitDepth: 8, colorType: 0, bytesPerPixel: 1, api: 'encodeGrayPng' },
};

/** The pixel array of each kind: depth Uint16Array (1 value per pixel), colour RGB bytes, gray bytes. */
export type PngPixels<K extends DatasetImageKind> = K extends 'depth' ? Uint16Array : Uint8Array;

/** Encodes one image synchronously (zlib on the calling thread). */
export function encodeDatasetPng<K extends DatasetImageKind>(kind: K, pixels: PngPixels<K>, width: number, height: number): Uint8Array {
  const rows = filterRows(kind, pixels, width, height);
  return assemblePng(kind, width, height, zlib.deflateSync(rows, zlibOptions(rows.length)));
}

/**
 * Encodes one image with zlib in libuv's thread pool: the rows are filtered on the calling
 * thread (about 0.1 ms per 320x240 image), the deflate runs on another. Same bytes as
 * encodeDatasetPng. The caller may reuse `pixels` as soon as this returns.
 */
export function encodeDatasetPngAsync<K extends DatasetImageKind>(kind: K, pixels: PngPixels<K>, width: number, height: number): Promise<Uint8Array> {
  let rows: Uint8Array;
  try {
    rows = filterRows(kind, pixels, width, height);
  } catch (e) {
    return Promise.reject(e);
  }
  return new Promise((resolve, reject) => {
    zlib.deflate(rows, zlibOptions(rows.length), (error, compressed) => {
      if (error) reject(new ScanfuseError('ENGINE_FAILED', `${LAYOUT[kind].api}: zlib failed: ${error.message}`, {}, { cause: error }));
      else resolve(assemblePng(kind, width, height, compressed));
    });
  });
}

/** Encodes a 16-bit one-channel PNG (depth, row-major). */
export function encodeDepthPng(depth: Uint16Array, width: number, height: number): Uint8Array {
  return encodeDatasetPng('depth', depth, width, height);
}

/** Encodes an 8-bit RGB PNG (3 bytes per pixel, row-major). */
export function encodeRgbPng(rgb: Uint8Array, width: number, height: number): Uint8Array {
  return encodeDatasetPng('colour', rgb, width, height);
}

/** Encodes an 8-bit one-channel PNG (NIR, row-major). */
export function encodeGrayPng(gray: Uint8Array, width: number, height: number): Uint8Array {
  return encodeDatasetPng('gray', gray, width, height);
}

/** One output chunk large enough for the whole stream (zlib's compressBound), so the async deflate is one pass. */
function zlibOptions(inputLength: number): zlib.ZlibOptions {
  const bound = inputLength + (inputLength >>> 12) + (inputLength >>> 14) + (inputLength >>> 25) + 13;
  return { ...PNG_ZLIB_OPTIONS, chunkSize: Math.max(zlib.constants.Z_MIN_CHUNK, bound + 64) };
}

/**
 * The PNG scanlines: per row the filter byte (2, Up) and the row's bytes minus the bytes of the
 * row above, modulo 256 (the first row is unchanged: the row above counts as zeros); 16-bit
 * values big-endian. Validates the arguments (INVALID_ARGUMENT).
 */
export function filterRows<K extends DatasetImageKind>(kind: K, pixels: PngPixels<K>, width: number, height: number): Uint8Array {
  const bytesPerPixel = checkPixels(kind, pixels, width, height);
  const rowBytes = width * bytesPerPixel;
  // Four bytes at a time where the words line up (every 320x240 frame); else byte by byte.
  if (LITTLE_ENDIAN && rowBytes % 4 === 0 && pixels.byteOffset % 4 === 0) return filterRowsWords(kind === 'depth', pixels, rowBytes, height);
  return filterRowsReference(kind, pixels, width, height);
}

/** filterRows one byte at a time: the obviously-correct reference of the word-wise loop. */
export function filterRowsReference<K extends DatasetImageKind>(kind: K, pixels: PngPixels<K>, width: number, height: number): Uint8Array {
  const bytesPerPixel = checkPixels(kind, pixels, width, height);
  const rowBytes = width * bytesPerPixel;
  const out = new Uint8Array(height * (rowBytes + 1));
  if (kind === 'depth') {
    const depth = pixels as Uint16Array;
    for (let y = 0, o = 0, s = 0; y < height; y++) {
      out[o++] = PNG_ROW_FILTER;
      for (let x = 0; x < width; x++, s++) {
        const v = depth[s], above = y > 0 ? depth[s - width] : 0;
        out[o++] = (v >>> 8) - (above >>> 8); // high byte first, minus the high byte above (mod 256)
        out[o++] = v - above; //                  low byte minus the low byte above (mod 256)
      }
    }
  } else {
    const bytes = pixels as Uint8Array;
    for (let y = 0, o = 0, s = 0; y < height; y++) {
      out[o++] = PNG_ROW_FILTER;
      for (let x = 0; x < rowBytes; x++, s++) out[o++] = bytes[s] - (y > 0 ? bytes[s - rowBytes] : 0);
    }
  }
  return out;
}

const LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;
const HIGH_BITS = 0x80808080 | 0;
/** Reused by filterRowsWords (synchronous, so one is enough); grows to the largest image. */
let scratch = new Uint32Array(0);

/**
 * The Up filter on 32-bit words (little-endian machines, rows a multiple of 4 bytes, pixels
 * 4-byte aligned): four byte-wise differences modulo 256 per subtraction (Hacker's Delight
 * 2-18: ((x | H) - (y & ~H)) ^ ((x ^ ~y) & H), H = 0x80808080), 16-bit values swapped to
 * big-endian within each half word; then each row is copied behind its filter byte.
 */
function filterRowsWords(isDepth: boolean, pixels: Uint8Array | Uint16Array, rowBytes: number, height: number): Uint8Array {
  const words = (rowBytes * height) >>> 2, rowWords = rowBytes >>> 2;
  const src = new Uint32Array(pixels.buffer, pixels.byteOffset, words);
  if (scratch.length < words) scratch = new Uint32Array(words);
  const diff = scratch;
  for (let i = 0; i < words; i++) {
    const x = src[i];
    let d = x;
    if (i >= rowWords) {
      const y = src[i - rowWords];
      d = ((x | HIGH_BITS) - (y & ~HIGH_BITS)) ^ ((x ^ ~y) & HIGH_BITS);
    }
    diff[i] = isDepth ? ((d & 0x00ff00ff) << 8) | ((d >>> 8) & 0x00ff00ff) : d;
  }
  const diffBytes = new Uint8Array(diff.buffer, 0, words * 4);
  const out = new Uint8Array(height * (rowBytes + 1));
  for (let y = 0, o = 0; y < height; y++, o += rowBytes + 1) {
    out[o] = PNG_ROW_FILTER;
    out.set(diffBytes.subarray(y * rowBytes, (y + 1) * rowBytes), o + 1);
  }
  return out;
}

/** Checks kind, size and array type; returns the bytes per pixel. */
function checkPixels(kind: DatasetImageKind, pixels: Uint8Array | Uint16Array, width: number, height: number): number {
  const layout = Object.hasOwn(LAYOUT, kind) ? LAYOUT[kind] : undefined;
  if (!layout) throw new ScanfuseError('INVALID_ARGUMENT', `encodeDatasetPng: unknown image kind ${JSON.stringify(kind)}`);
  const { api, bytesPerPixel } = layout;
  if (!(Number.isInteger(width) && width > 0 && Number.isInteger(height) && height > 0 && width <= 0x7fffffff && height <= 0x7fffffff)) {
    throw new ScanfuseError('INVALID_ARGUMENT', `${api}: width and height must be positive integers`, { actual: `${width}x${height}` });
  }
  const isDepth = kind === 'depth';
  if (isDepth ? !(pixels instanceof Uint16Array) : !(pixels instanceof Uint8Array)) {
    throw new ScanfuseError('INVALID_ARGUMENT', `${api}: the pixels must be a ${isDepth ? 'Uint16Array' : 'Uint8Array'}`);
  }
  const values = isDepth ? width * height : bytesPerPixel * width * height;
  if (pixels.length !== values) throw new ScanfuseError('INVALID_ARGUMENT', `${api}: the pixel array has the wrong length`, { expected: values, actual: pixels.length });
  return bytesPerPixel;
}

const SIGNATURE = Uint8Array.of(137, 80, 78, 71, 13, 10, 26, 10);

/** Signature, IHDR, one IDAT holding `compressed` (a zlib stream), IEND. */
function assemblePng(kind: DatasetImageKind, width: number, height: number, compressed: Uint8Array): Uint8Array {
  const { bitDepth, colorType } = LAYOUT[kind];
  const out = new Uint8Array(8 + (12 + 13) + (12 + compressed.length) + 12);
  const view = new DataView(out.buffer);
  out.set(SIGNATURE, 0);
  let o = 8;
  const chunk = (type: string, length: number, fill: (at: number) => void) => {
    view.setUint32(o, length);
    for (let i = 0; i < 4; i++) out[o + 4 + i] = type.charCodeAt(i);
    fill(o + 8);
    view.setUint32(o + 8 + length, crc32(out.subarray(o + 4, o + 8 + length)));
    o += 12 + length;
  };
  chunk('IHDR', 13, (at) => {
    view.setUint32(at, width);
    view.setUint32(at + 4, height);
    // Bit depth, colour type, compression 0 (deflate), filter method 0, interlace 0 (none).
    out[at + 8] = bitDepth; out[at + 9] = colorType; out[at + 10] = 0; out[at + 11] = 0; out[at + 12] = 0;
  });
  chunk('IDAT', compressed.length, (at) => out.set(compressed, at));
  chunk('IEND', 0, () => {});
  return out;
}

let crcTable: Uint32Array | null = null;

/** CRC-32 (ISO 3309, as PNG and zlib define it) from a 256-entry table: the fallback of crc32. */
export function crc32Table(bytes: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = crcTable[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** zlib.crc32 where Node has it (20.15+, 22.2+), else the table. */
const nativeCrc32 = (zlib as unknown as { crc32?: (data: Uint8Array, value?: number) => number }).crc32;
export const crc32: (bytes: Uint8Array) => number = typeof nativeCrc32 === 'function' ? (bytes) => nativeCrc32(bytes) >>> 0 : crc32Table;
