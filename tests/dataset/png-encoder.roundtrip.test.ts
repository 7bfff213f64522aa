// The dataset PNG writer (png-encoder.ts): random images of every kind round-trip bit-exactly
// through fast-png's decoder and through readDataset's decodeDatasetPng; the word-wise Up filter
// equals the byte-wise reference; the bytes are deterministic (twice, sync = async) and the
// files hold only signature, IHDR, one IDAT and IEND with filter 2 on every row.
import { inflateSync } from 'node:zlib';
import fc from 'fast-check';
import { decode } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { ScanfuseError } from '../../src/errors.js';
import {
  crc32, crc32Table, encodeDatasetPng, encodeDatasetPngAsync, filterRows, filterRowsReference, PNG_ROW_FILTER,
} from '../../src/node/dataset/png-encoder.js';
import { decodeDatasetPng, type DatasetImageKind } from '../../src/node/dataset/png-image.js';

const SEED = 20261123;
const KINDS: DatasetImageKind[] = ['depth', 'colour', 'gray'];
const CHANNELS: Record<DatasetImageKind, number> = { depth: 1, colour: 3, gray: 1 };

interface Image { kind: DatasetImageKind; width: number; height: number; pixels: Uint8Array | Uint16Array }

/** Random images: any size up to 40x40; pixels from full-range noise to smooth ramps with runs (what depth looks like). */
const imageArb: fc.Arbitrary<Image> = fc.record({
  kind: fc.constantFrom(...KINDS),
  width: fc.integer({ min: 1, max: 40 }),
  height: fc.integer({ min: 1, max: 40 }),
  style: fc.constantFrom('noise', 'smooth', 'sparse'),
  seed: fc.integer(),
  // Offset of the pixels inside their buffer: 0 takes the word-wise filter when the row allows.
  offset: fc.constantFrom(0, 0, 1, 2),
}).map(({ kind, width, height, style, seed, offset }) => {
  const n = width * height * CHANNELS[kind];
  const max = kind === 'depth' ? 65535 : 255;
  let s = seed >>> 0;
  const rand = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const values = Array.from({ length: n }, (_, i) => {
    if (style === 'noise') return Math.floor(rand() * (max + 1));
    if (style === 'sparse') return rand() < 0.7 ? 0 : Math.floor(rand() * (max + 1));
    return Math.min(max, Math.floor(max / 2 + (i % 97) * 13 + rand() * 5));
  });
  const pixels = kind === 'depth'
    ? new Uint16Array(new ArrayBuffer(2 * (n + offset)), 2 * offset, n)
    : new Uint8Array(new ArrayBuffer(n + offset), offset, n);
  pixels.set(values);
  return { kind, width, height, pixels };
});

function same(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The chunk types of a PNG, in order. */
function chunkTypes(png: Uint8Array): string[] {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const types: string[] = [];
  for (let o = 8; o < png.length;) {
    const length = view.getUint32(o);
    const type = String.fromCharCode(...png.subarray(o + 4, o + 8));
    expect(view.getUint32(o + 8 + length), `CRC of ${type}`).toBe(crc32Table(png.subarray(o + 4, o + 8 + length)));
    types.push(type);
    o += 12 + length;
  }
  return types;
}

describe('dataset PNG encoder', () => {
  it('round-trips random depth, RGB and gray images bit-exactly through fast-png and decodeDatasetPng', () => {
    fc.assert(fc.property(imageArb, ({ kind, width, height, pixels }) => {
      const png = encodeDatasetPng(kind, pixels, width, height);
      const decoded = decode(png, { checkCrc: true });
      expect(decoded.width).toBe(width);
      expect(decoded.height).toBe(height);
      expect(decoded.depth).toBe(kind === 'depth' ? 16 : 8);
      expect(decoded.channels).toBe(CHANNELS[kind]);
      expect(same(decoded.data, pixels)).toBe(true);
      const ours = decodeDatasetPng(png, { kind, width, height, file: 'x.png' });
      expect(same(ours, pixels)).toBe(true);
    }), { seed: SEED, numRuns: 300 });
  });

  it('the word-wise Up filter equals the byte-wise reference', () => {
    fc.assert(fc.property(imageArb, ({ kind, width, height, pixels }) => {
      expect(same(filterRows(kind, pixels, width, height), filterRowsReference(kind, pixels, width, height))).toBe(true);
    }), { seed: SEED + 1, numRuns: 300 });
  });

  it('writes deterministic bytes: the same twice, sync and async alike; one IDAT, filter 2 on every row', async () => {
    await fc.assert(fc.asyncProperty(imageArb, async ({ kind, width, height, pixels }) => {
      const a = encodeDatasetPng(kind, pixels, width, height);
      const b = encodeDatasetPng(kind, pixels, width, height);
      const c = await encodeDatasetPngAsync(kind, pixels, width, height);
      expect(same(a, b)).toBe(true);
      expect(same(a, c)).toBe(true);
      expect(chunkTypes(a)).toEqual(['IHDR', 'IDAT', 'IEND']);
      const rows = inflateSync(a.subarray(8 + 25 + 8, a.length - 12 - 4));
      const rowBytes = 1 + width * CHANNELS[kind] * (kind === 'depth' ? 2 : 1);
      expect(rows.length).toBe(height * rowBytes);
      for (let y = 0; y < height; y++) expect(rows[y * rowBytes]).toBe(PNG_ROW_FILTER);
    }), { seed: SEED + 2, numRuns: 100 });
  });

  it('a 320x240 simulated-size frame of each kind round-trips and takes the word-wise path', () => {
    const W = 320, H = 240;
    const depth = new Uint16Array(W * H).map((_, i) => (i % 7 === 0 ? 0 : 9000 + ((i * 37) % 4000)));
    const rgb = new Uint8Array(3 * W * H).map((_, i) => (i * 31) % 256);
    const gray = new Uint8Array(W * H).map((_, i) => (i >> 3) % 256);
    for (const [kind, pixels] of [['depth', depth], ['colour', rgb], ['gray', gray]] as const) {
      const png = encodeDatasetPng(kind, pixels, W, H);
      expect(same(decode(png).data, pixels), kind).toBe(true);
      expect(same(filterRows(kind, pixels, W, H), filterRowsReference(kind, pixels, W, H)), kind).toBe(true);
    }
  });

  it('checks its arguments', async () => {
    const bad: Array<() => unknown> = [
      () => encodeDatasetPng('depth', new Uint16Array(5), 2, 2),
      () => encodeDatasetPng('colour', new Uint8Array(4), 2, 2),
      () => encodeDatasetPng('depth', new Uint8Array(4) as unknown as Uint16Array, 2, 2),
      () => encodeDatasetPng('gray', new Uint8Array(0), 0, 0),
      () => encodeDatasetPng('gray', new Uint8Array(3), 1.5, 2),
      () => encodeDatasetPng('alpha' as DatasetImageKind, new Uint8Array(4), 2, 2),
    ];
    for (const f of bad) expect(f).toThrow(ScanfuseError);
    await expect(encodeDatasetPngAsync('gray', new Uint8Array(3), 2, 2)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('crc32 (zlib.crc32 where Node has it) equals the table CRC-32 and the check value', () => {
    const check = new TextEncoder().encode('123456789');
    expect(crc32Table(check)).toBe(0xcbf43926);
    expect(crc32(check)).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
    fc.assert(fc.property(fc.uint8Array({ maxLength: 2000 }), (bytes) => crc32(bytes) === crc32Table(bytes)), { seed: SEED + 3, numRuns: 200 });
  });
});
