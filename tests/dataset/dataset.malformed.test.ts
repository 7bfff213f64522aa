// readDataset rejects broken folders with typed errors that say which file and where: corrupt,
// truncated, oversized and wrongly typed PNGs, corrupt JPEGs, missing or bad intrinsics,
// truncated or non-numeric .log files, counts that disagree, bad manifests. Never a hang or a
// crash: every truncation of a PNG is a MALFORMED_INPUT error.
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { encode as encodePng } from 'fast-png';
import jpeg from 'jpeg-js';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { formatRedwoodLog, ScanfuseError } from '../../src/index.js';
import { readDataset } from '../../src/node/index.js';
import { decodeDatasetPng, encodeDepthPng, encodeRgbPng } from '../../src/node/dataset/png-image.js';
import { fromAxisAngle } from '../../src/math/pose.js';
import { removeDir, tempDir } from './helpers.js';

const W = 8, H = 6, N = 3;
const cleanup: string[] = [];
afterAll(() => Promise.all(cleanup.map(removeDir)));

const depthOf = (i: number) => Uint16Array.from({ length: W * H }, (_, p) => (p % 5 === 0 ? 0 : 1000 + 10 * i + p));
const colourOf = (i: number) => Uint8Array.from({ length: 3 * W * H }, (_, p) => (p * 7 + i) & 255);
const POSES = Array.from({ length: N }, (_, i) => fromAxisAngle([0, 0, 1], 0.1 * i, [i, 2 * i, 300]));
const INTRINSICS = `${JSON.stringify({ width: W, height: H, intrinsic_matrix: [10, 0, 0, 0, 10, 0, 3.5, 2.5, 1] })}\n`;

/** A valid Redwood-layout folder: depth/, color/, intrinsics.json, trajectory.log. */
async function redwoodFolder(): Promise<string> {
  const dir = await tempDir('scanfuse-malformed-');
  cleanup.push(dir);
  await mkdir(join(dir, 'depth'));
  await mkdir(join(dir, 'color'));
  for (let i = 0; i < N; i++) {
    await writeFile(join(dir, 'depth', `${String(i).padStart(5, '0')}.png`), encodeDepthPng(depthOf(i), W, H));
    await writeFile(join(dir, 'color', `${String(i).padStart(5, '0')}.png`), encodeRgbPng(colourOf(i), W, H));
  }
  await writeFile(join(dir, 'intrinsics.json'), INTRINSICS);
  await writeFile(join(dir, 'trajectory.log'), formatRedwoodLog(POSES));
  return dir;
}

async function expectRejects(promise: Promise<unknown>, code: string, details: Record<string, unknown> = {}): Promise<ScanfuseError> {
  try {
    await promise;
  } catch (e) {
    expect(e).toBeInstanceOf(ScanfuseError);
    expect((e as ScanfuseError).code, (e as Error).message).toBe(code);
    expect((e as ScanfuseError).details).toMatchObject(details);
    return e as ScanfuseError;
  }
  throw new Error(`expected ScanfuseError ${code}`);
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 255] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
/** A PNG from an IHDR and raw (already filtered) image bytes, with correct CRCs. */
function rawPng(width: number, height: number, bitDepth: number, colorType: number, idat: Uint8Array): Uint8Array {
  const chunk = (type: string, data: Uint8Array) => {
    const out = new Uint8Array(12 + data.length);
    const view = new DataView(out.buffer);
    view.setUint32(0, data.length);
    for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
    out.set(data, 8);
    view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
    return out;
  };
  const ihdr = new Uint8Array(13);
  new DataView(ihdr.buffer).setUint32(0, width);
  new DataView(ihdr.buffer).setUint32(4, height);
  ihdr[8] = bitDepth; ihdr[9] = colorType;
  const parts = [Uint8Array.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', idat), chunk('IEND', new Uint8Array(0))];
  return Uint8Array.from(parts.flatMap((p) => Array.from(p)));
}

let dir: string;
beforeEach(async () => {
  dir = await redwoodFolder();
});

describe('readDataset: the valid hand-made folder', () => {
  it('reads', async () => {
    const ds = await readDataset(dir);
    expect(ds.frameCount).toBe(N);
    expect(ds.intrinsics).toEqual({ width: W, height: H, fx: 10, fy: 10, cx: 3.5, cy: 2.5 });
    const f = await ds.frame(2);
    expect(Array.from(f.depth)).toEqual(Array.from(depthOf(2)));
    expect(Array.from(f.colour!)).toEqual(Array.from(colourOf(2)));
    expect(f.cameraToWorld![12]).toBeCloseTo(2, 12);
    expect(f.timestampMs).toBeCloseTo(2000 / 30, 12);
  });
});

describe('readDataset rejects', () => {
  it('a missing folder, a missing depth/ and an empty depth/', async () => {
    await expectRejects(readDataset(join(dir, 'nope')), 'IO_ERROR', { file: join(dir, 'nope') });
    await expectRejects(readDataset(join(dir, 'intrinsics.json')), 'IO_ERROR');
    await rm(join(dir, 'depth'), { recursive: true });
    await expectRejects(readDataset(dir), 'MALFORMED_INPUT', { file: join(dir, 'depth') });
    await mkdir(join(dir, 'depth'));
    await expectRejects(readDataset(dir), 'MALFORMED_INPUT', { file: join(dir, 'depth') });
  });

  it('missing or malformed intrinsics', async () => {
    await rm(join(dir, 'intrinsics.json'));
    const e = await expectRejects(readDataset(dir), 'MALFORMED_INPUT', { file: dir });
    expect(e.message).toMatch(/intrinsics/);
    await expectRejects(readDataset(dir, { intrinsics: join(dir, 'missing.json') }), 'IO_ERROR');
    await writeFile(join(dir, 'camera_primesense.json'), '{"width": 8, "height": 6, "intrinsic_matrix": [10, 0, 0');
    await expectRejects(readDataset(dir), 'MALFORMED_INPUT', { file: join(dir, 'camera_primesense.json') });
    await writeFile(join(dir, 'camera_primesense.json'), '{"width": 8, "height": 6, "intrinsic_matrix": [10, 0, 0, 0, 10, 0, 3.5, 2.5]}');
    await expectRejects(readDataset(dir), 'MALFORMED_INPUT', { file: join(dir, 'camera_primesense.json') });
    await writeFile(join(dir, 'camera_primesense.json'), '{"width": 8.5, "height": 6, "intrinsic_matrix": [10, 0, 0, 0, 10, 0, 3.5, 2.5, 1]}');
    await expectRejects(readDataset(dir), 'MALFORMED_INPUT');
    await writeFile(join(dir, 'camera_primesense.json'), '{"width": 8, "height": 6, "intrinsic_matrix": [10, 0, 0, 0.5, 10, 0, 3.5, 2.5, 1]}');
    await expectRejects(readDataset(dir), 'MALFORMED_INPUT');
    await expectRejects(readDataset(dir, { intrinsics: { width: 0, height: 6, fx: 1, fy: 1, cx: 0, cy: 0 } }), 'INVALID_ARGUMENT');
    // The values themselves are fine as an option.
    expect((await readDataset(dir, { intrinsics: { width: W, height: H, fx: 9, fy: 9, cx: 4, cy: 3 } })).intrinsics.fx).toBe(9);
  });

  it('a truncated or non-numeric trajectory, with its line', async () => {
    const log = formatRedwoodLog(POSES).split('\n');
    await writeFile(join(dir, 'trajectory.log'), log.slice(0, 12).join('\n'));
    await expectRejects(readDataset(dir), 'MALFORMED_INPUT', { file: join(dir, 'trajectory.log'), line: 12 });
    await writeFile(join(dir, 'trajectory.log'), log.map((l, i) => (i === 7 ? l.replace(/^\S+/, 'abc') : l)).join('\n'));
    await expectRejects(readDataset(dir), 'MALFORMED_INPUT', { file: join(dir, 'trajectory.log'), line: 8 });
    await writeFile(join(dir, 'trajectory.log'), new Uint8Array([0xff, 0xfe, 0x30]));
    await expectRejects(readDataset(dir), 'MALFORMED_INPUT', { file: join(dir, 'trajectory.log') });
    await expectRejects(readDataset(dir, { trajectory: join(dir, 'none.log') }), 'IO_ERROR');
    expect((await readDataset(dir, { trajectory: false })).trajectory).toBeNull();
  });

  it('counts that disagree, unless the first N frames are asked for', async () => {
    await writeFile(join(dir, 'trajectory.log'), formatRedwoodLog(POSES.slice(0, 2)));
    await expectRejects(readDataset(dir), 'MALFORMED_INPUT', { file: join(dir, 'trajectory.log'), expected: 3, actual: 2 });
    const two = await readDataset(dir, { frames: 2 });
    expect(two.frameCount).toBe(2);
    expect(two.files.colour).toHaveLength(2);
    await expectRejects(readDataset(dir, { frames: 3 }), 'MALFORMED_INPUT', { actual: 2 });
    await writeFile(join(dir, 'trajectory.log'), formatRedwoodLog(POSES));
    await rm(join(dir, 'color', '00001.png'));
    await expectRejects(readDataset(dir), 'MALFORMED_INPUT', { file: join(dir, 'color'), expected: 3, actual: 2 });
    await expectRejects(readDataset(dir, { frames: 0 }), 'INVALID_ARGUMENT');
    await expectRejects(readDataset(dir, { depthScale: -1 }), 'INVALID_ARGUMENT');
  });

  it('corrupt, truncated and wrongly typed PNGs, naming the file', async () => {
    const path = join(dir, 'depth', '00001.png');
    const good = new Uint8Array(await readFile(path));
    const ds = await readDataset(dir);
    const frame1 = async (bytes: Uint8Array) => {
      await writeFile(path, bytes);
      return ds.frame(1);
    };
    // A flipped byte inside the compressed data (the CRC or the inflater notices).
    const flipped = good.slice();
    flipped[45] ^= 0x55;
    await expectRejects(frame1(flipped), 'MALFORMED_INPUT', { file: path });
    // Cut short.
    await expectRejects(frame1(good.subarray(0, good.length - 20)), 'MALFORMED_INPUT', { file: path });
    // Not a PNG at all.
    await expectRejects(frame1(new TextEncoder().encode('hello')), 'MALFORMED_INPUT', { file: path, byteOffset: 0 });
    // 8-bit depth.
    await expectRejects(frame1(encodePng({ width: W, height: H, data: new Uint8Array(W * H), depth: 8, channels: 1 })), 'MALFORMED_INPUT', {
      file: path, expected: '16-bit gray', actual: '8-bit gray',
    });
    // 16-bit RGB "depth".
    await expectRejects(frame1(encodePng({ width: W, height: H, data: new Uint16Array(3 * W * H), depth: 16, channels: 3 })), 'MALFORMED_INPUT', { actual: '16-bit RGB' });
    // Wrong size.
    await expectRejects(frame1(encodeDepthPng(new Uint16Array(4 * 4), 4, 4)), 'MALFORMED_INPUT', { expected: '8x6', actual: '4x4' });
    // Image data that inflates far beyond the image (a "zip bomb"): refused before decoding.
    await expectRejects(frame1(rawPng(W, H, 16, 0, deflateSync(new Uint8Array(50_000_000)))), 'MALFORMED_INPUT', { file: path });
    // Image data one row short.
    await expectRejects(frame1(rawPng(W, H, 16, 0, deflateSync(new Uint8Array((H - 1) * (1 + 2 * W))))), 'MALFORMED_INPUT', { actual: (H - 1) * (1 + 2 * W) });
    // A 16-bit colour image.
    const colourPath = join(dir, 'color', '00000.png');
    await writeFile(colourPath, encodePng({ width: W, height: H, data: new Uint16Array(3 * W * H), depth: 16, channels: 3 }));
    await expectRejects(ds.frame(0), 'MALFORMED_INPUT', { file: colourPath, expected: '8-bit RGB or RGBA' });
    await expectRejects(ds.frame(3), 'INVALID_ARGUMENT');
  });

  it('every truncation of a PNG with MALFORMED_INPUT, quickly', () => {
    const good = encodeDepthPng(depthOf(0), W, H);
    for (let n = 0; n < good.length; n++) {
      expect(() => decodeDatasetPng(good.subarray(0, n), { kind: 'depth', width: W, height: H, file: 'x.png' }), `length ${n}`).toThrow(ScanfuseError);
    }
    expect(decodeDatasetPng(good, { kind: 'depth', width: W, height: H, file: 'x.png' })).toEqual(depthOf(0));
  });

  it('corrupt JPEG colour, and reads a valid one', async () => {
    await rm(join(dir, 'color'), { recursive: true });
    await mkdir(join(dir, 'image'));
    const rgba = new Uint8Array(4 * W * H).fill(128);
    const jpg = new Uint8Array(jpeg.encode({ width: W, height: H, data: rgba }, 95).data);
    for (let i = 0; i < N; i++) await writeFile(join(dir, 'image', `${String(i).padStart(5, '0')}.jpg`), jpg);
    const ds = await readDataset(dir);
    expect(ds.files.colour?.[0]).toBe(join(dir, 'image', '00000.jpg'));
    const colour = (await ds.frame(0)).colour!;
    expect(colour.length).toBe(3 * W * H);
    expect(colour.every((v) => Math.abs(v - 128) <= 3)).toBe(true);
    const bad = join(dir, 'image', '00001.jpg');
    await writeFile(bad, jpg.subarray(0, 40));
    await expectRejects(ds.frame(1), 'MALFORMED_INPUT', { file: bad });
    await writeFile(bad, Uint8Array.from([0xff, 0xd8, 0xff, 1, 2, 3, 4, 5]));
    await expectRejects(ds.frame(1), 'MALFORMED_INPUT', { file: bad });
    await writeFile(bad, new Uint8Array(jpeg.encode({ width: 4, height: 4, data: new Uint8Array(64) }, 90).data));
    await expectRejects(ds.frame(1), 'MALFORMED_INPUT', { file: bad, expected: '8x6', actual: '4x4' });
  });

  it('bad manifests: another format, a newer version, missing files, bad fields', async () => {
    const manifest = {
      format: 'scanfuse-rgbd-dataset', formatVersion: 1, frameCount: N, image: { width: W, height: H },
      intrinsics: { width: W, height: H, fx: 10, fy: 10, cx: 3.5, cy: 2.5 },
      depth: { depthScale: 1000, open3dDepthScale: 1e6, invalid: 0, bitDepth: 16 },
      files: { intrinsics: 'intrinsics.json', trajectory: 'trajectory.log', reference: null },
      frames: Array.from({ length: N }, (_, i) => ({
        index: i, timestampMs: 50 * i, segment: 'occlusal', depth: `depth/${String(i).padStart(5, '0')}.png`, color: `color/${String(i).padStart(5, '0')}.png`, nir: null,
      })),
      sha256: {},
      simulator: null,
    };
    const put = (m: unknown) => writeFile(join(dir, 'manifest.json'), typeof m === 'string' ? m : JSON.stringify(m));
    await put(manifest);
    const ds = await readDataset(dir);
    expect(ds.layout).toBe('scanfuse');
    expect(ds.depthScale).toBe(1000);
    expect((await ds.frame(1)).timestampMs).toBe(50);
    const file = join(dir, 'manifest.json');
    await put('{"format": "scanfuse-rgbd-dataset",');
    await expectRejects(readDataset(dir), 'MALFORMED_INPUT', { file });
    await put({ ...manifest, format: 'something-else' });
    await expectRejects(readDataset(dir), 'UNSUPPORTED_FORMAT', { file });
    await put({ ...manifest, formatVersion: 2 });
    await expectRejects(readDataset(dir), 'UNSUPPORTED_FORMAT', { expected: 1, actual: 2 });
    await put({ ...manifest, frameCount: 4 });
    await expectRejects(readDataset(dir), 'MALFORMED_INPUT', { field: 'frames' });
    await put({ ...manifest, depth: { ...manifest.depth, depthScale: 0 } });
    await expectRejects(readDataset(dir), 'MALFORMED_INPUT', { field: 'depth.depthScale' });
    await put({ ...manifest, frames: manifest.frames.map((f, i) => (i === 1 ? { ...f, depth: '../outside.png' } : f)) });
    await expectRejects(readDataset(dir), 'MALFORMED_INPUT', { field: 'frames[1].depth' });
    await put({ ...manifest, frames: manifest.frames.map((f, i) => (i === 2 ? { ...f, depth: 'depth/missing.png' } : f)) });
    await expectRejects(readDataset(dir), 'MALFORMED_INPUT', { file: join(dir, 'depth', 'missing.png') });
    await put({ ...manifest, intrinsics: { ...manifest.intrinsics, fx: 11 } });
    await expectRejects(readDataset(dir), 'MALFORMED_INPUT', { file: join(dir, 'intrinsics.json') });
    // A checksum mismatch is found when verifying.
    await put({ ...manifest, sha256: { 'depth/00000.png': '0'.repeat(64) } });
    await expectRejects((await readDataset(dir, { verifyChecksums: true })).frame(0), 'MALFORMED_INPUT', { file: join(dir, 'depth', '00000.png') });
    // Regression: with the colour file failing too, the error names the depth file every time
    // (the three files are read in parallel; the first to fail used to win, seen in CI).
    await put({ ...manifest, sha256: { 'depth/00000.png': '0'.repeat(64), 'color/00000.png': '0'.repeat(64) } });
    const verified = await readDataset(dir, { verifyChecksums: true });
    for (let k = 0; k < 20; k++) await expectRejects(verified.frame(0), 'MALFORMED_INPUT', { file: join(dir, 'depth', '00000.png') });
  });
});
