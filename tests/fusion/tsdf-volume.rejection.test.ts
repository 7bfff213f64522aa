// Bad frames come back `rejected` with a reason and leave the volume bit-identical; misuse throws
// INVALID_ARGUMENT; a disposed volume throws DISPOSED.
import { beforeAll, describe, expect, it } from 'vitest';
import { ScanfuseError, type Engine } from '../../src/index.js';
import { createTsdfVolume, type DepthFrameInput, type IntegrateOptions, type TsdfVolume } from '../../src/fusion/tsdf-volume.js';
import type { CameraIntrinsics } from '../../src/camera/intrinsics.js';
import type { Transform } from '../../src/math/pose.js';
import { BUILDS, engineFor } from '../support/engines.js';
import { sha256 } from './helpers.js';
import { DEPTH_RANGE, SMALL_CAMERA, SPHERE_AND_PLANE_POSES, renderScene } from './scenes.js';

const K = SMALL_CAMERA;
const POSE = SPHERE_AND_PLANE_POSES[0];
const PIXELS = K.width * K.height;

const withPose = (edit: (m: Transform) => void): Transform => {
  const m = POSE.slice();
  edit(m);
  return m;
};

/** Frames, cameras and ranges that must be refused, each with the words its reason should contain. */
function badFrames(depth: Float32Array): Array<[string, DepthFrameInput, CameraIntrinsics, Transform, IntegrateOptions, RegExp]> {
  const colour = new Uint8Array(3 * PIXELS), nir = new Uint8Array(PIXELS);
  const ok = { depth, colour, nir };
  return [
    ['NaN in the pose', ok, K, withPose((m) => { m[13] = NaN; }), DEPTH_RANGE, /rigid/],
    ['Infinity in the pose', ok, K, withPose((m) => { m[0] = Infinity; }), DEPTH_RANGE, /rigid/],
    ['a scaled pose', ok, K, withPose((m) => { for (let i = 0; i < 11; i++) if (i % 4 !== 3) m[i] *= 1.01; }), DEPTH_RANGE, /rigid/],
    ['a sheared pose', ok, K, withPose((m) => { m[4] += 0.05; }), DEPTH_RANGE, /rigid/],
    ['a reflection', ok, K, withPose((m) => { m[0] = -m[0]; m[1] = -m[1]; m[2] = -m[2]; }), DEPTH_RANGE, /rigid/],
    ['a projective last row', ok, K, withPose((m) => { m[3] = 0.1; }), DEPTH_RANGE, /rigid/],
    ['a pose of 12 numbers', ok, K, POSE.slice(0, 12), DEPTH_RANGE, /rigid/],
    ['depth one pixel short', { ...ok, depth: depth.subarray(1) }, K, POSE, DEPTH_RANGE, /depth has/],
    ['depth one pixel long', { ...ok, depth: new Float32Array(PIXELS + 1) }, K, POSE, DEPTH_RANGE, /depth has/],
    ['colour one byte short', { ...ok, colour: colour.subarray(1) }, K, POSE, DEPTH_RANGE, /colour/],
    ['colour of one byte per pixel', { ...ok, colour: new Uint8Array(PIXELS) }, K, POSE, DEPTH_RANGE, /colour/],
    ['nir one byte long', { ...ok, nir: new Uint8Array(PIXELS + 1) }, K, POSE, DEPTH_RANGE, /nir/],
    ['all-zero depth', { depth: new Float32Array(PIXELS) }, K, POSE, DEPTH_RANGE, /no depth/],
    ['all-zero Uint16 depth', { depth: new Uint16Array(PIXELS), depthScale: 1000 }, K, POSE, DEPTH_RANGE, /no depth/],
    ['depth entirely beyond maxDepth', ok, K, POSE, { minDepth: 1, maxDepth: 10 }, /no depth/],
    ['depth entirely before minDepth', ok, K, POSE, { minDepth: 40, maxDepth: 100 }, /no depth/],
    ['an empty depth range', ok, K, POSE, { minDepth: 20, maxDepth: 10 }, /minDepth/],
    ['a negative minDepth', ok, K, POSE, { minDepth: -1, maxDepth: 10 }, /minDepth/],
    ['Uint16 depth with depthScale 0', { depth: new Uint16Array(PIXELS).fill(15000), depthScale: 0 }, K, POSE, DEPTH_RANGE, /depthScale/],
    ['Uint16 depth with depthScale NaN', { depth: new Uint16Array(PIXELS).fill(15000), depthScale: NaN }, K, POSE, DEPTH_RANGE, /depthScale/],
    ['fx 0', ok, { ...K, fx: 0 }, POSE, DEPTH_RANGE, /intrinsics/],
    ['fy NaN', ok, { ...K, fy: NaN }, POSE, DEPTH_RANGE, /intrinsics/],
    ['fx negative', ok, { ...K, fx: -150 }, POSE, DEPTH_RANGE, /intrinsics/],
    ['cx Infinity', ok, { ...K, cx: Infinity }, POSE, DEPTH_RANGE, /intrinsics/],
    ['a negative width', ok, { ...K, width: -K.width }, POSE, DEPTH_RANGE, /intrinsics/],
    ['a zero height', ok, { ...K, height: 0 }, POSE, DEPTH_RANGE, /intrinsics/],
    ['a fractional width', ok, { ...K, width: 160.5 }, POSE, DEPTH_RANGE, /intrinsics/],
    ['a width of 100,000', ok, { ...K, width: 100_000 }, POSE, DEPTH_RANGE, /intrinsics/],
    ['no intrinsics', ok, null as unknown as CameraIntrinsics, POSE, DEPTH_RANGE, /intrinsics/],
  ];
}

describe.each(BUILDS)('TsdfVolume.integrate with bad frames (%s build)', (build) => {
  let engine: Engine;
  let depth: Float32Array;
  let volume: TsdfVolume;
  beforeAll(async () => {
    engine = await engineFor((build));
    depth = renderScene(engine, POSE);
    volume = createTsdfVolume(engine, { voxelSize: 0.125, colour: true, nir: true });
    // A volume with content, so "unchanged" means something.
    expect(volume.integrate({ depth, colour: new Uint8Array(3 * PIXELS).fill(90), nir: new Uint8Array(PIXELS).fill(30) }, K, POSE, DEPTH_RANGE).status).toBe('integrated');
    return () => volume.dispose();
  });

  it('rejects each with a reason, zero counts, and leaves the volume bit-identical', () => {
    const before = sha256(volume.snapshot());
    const frames = volume.frameCount, blocks = volume.blockCount;
    const cases = badFrames(depth);
    for (const [what, frame, k, pose, options, reason] of cases) {
      const r = volume.integrate(frame, k, pose, options);
      expect(r.status, what).toBe('rejected');
      expect(r.reason, what).toMatch(reason);
      expect(r, what).toMatchObject({ blocks: 0, newBlocks: 0, updatedVoxels: 0, validPixels: 0 });
      expect(sha256(volume.snapshot()), what).toBe(before);
    }
    expect(volume.frameCount).toBe(frames);
    expect(volume.blockCount).toBe(blocks);
    // The same volume still integrates a good frame afterwards.
    expect(volume.integrate({ depth }, K, POSE, DEPTH_RANGE).status).toBe('integrated');
    expect(sha256(volume.snapshot())).not.toBe(before);
  });

  it('throws INVALID_ARGUMENT on misuse', () => {
    const before = sha256(volume.snapshot());
    const misuse: Array<[string, unknown]> = [
      ['a null frame', null],
      ['an undefined frame', undefined],
      ['a number as frame', 3],
      ['no depth', {}],
      ['depth as a plain array', { depth: Array.from(depth) }],
      ['depth as a Float64Array', { depth: Float64Array.from(depth) }],
      ['depth as an Int16Array', { depth: new Int16Array(PIXELS) }],
      ['colour as a plain array', { depth, colour: new Array(3 * PIXELS).fill(0) }],
      ['nir as a Uint16Array', { depth, nir: new Uint16Array(PIXELS) }],
    ];
    for (const [what, frame] of misuse) {
      let error: unknown;
      try {
        volume.integrate(frame as DepthFrameInput, K, POSE, DEPTH_RANGE);
      } catch (e) {
        error = e;
      }
      expect(error, what).toBeInstanceOf(ScanfuseError);
      expect((error as ScanfuseError).code, what).toBe('INVALID_ARGUMENT');
      expect((error as ScanfuseError).message, what).toMatch(/^TsdfVolume\.integrate: /);
    }
    expect(sha256(volume.snapshot())).toBe(before);
  });
});

describe.each(BUILDS)('a disposed TsdfVolume (%s build)', (build) => {
  it('throws DISPOSED from every method and property; dispose() again is harmless', async () => {
    const engine = await engineFor(build);
    const depth = renderScene(engine, POSE);
    const volume = createTsdfVolume(engine, { voxelSize: 0.125 });
    volume.integrate({ depth }, K, POSE, DEPTH_RANGE);
    volume.dispose();
    const calls: Array<[string, () => unknown]> = [
      ['integrate', () => volume.integrate({ depth }, K, POSE, DEPTH_RANGE)],
      ['integrate (bad frame)', () => volume.integrate(null as unknown as DepthFrameInput, K, POSE)],
      ['raycast', () => volume.raycast(K, POSE)],
      ['extractMesh', () => volume.extractMesh()],
      ['meshUpdates', () => volume.meshUpdates()],
      ['snapshot', () => volume.snapshot()],
      ['blockCount', () => volume.blockCount],
      ['capacityReached', () => volume.capacityReached],
      ['frameCount', () => volume.frameCount],
      ['usedBytes', () => volume.usedBytes],
    ];
    for (const [what, call] of calls) {
      let error: unknown;
      try {
        call();
      } catch (e) {
        error = e;
      }
      expect(error, what).toBeInstanceOf(ScanfuseError);
      expect((error as ScanfuseError).code, what).toBe('DISPOSED');
    }
    expect(() => volume.dispose()).not.toThrow();
    // The engine is fine: a new volume works.
    const again = createTsdfVolume(engine, { voxelSize: 0.125 });
    expect(again.integrate({ depth }, K, POSE, DEPTH_RANGE).status).toBe('integrated');
    again.dispose();
  });
});

describe('regressions', () => {
  // An Infinity depth pixel passes the range test when maxDepth is Infinity (the API accepts it), and
  // its samples along the ray saturate to the block at (-2^31, 2^31 - 1, -2^31) in the core.
  it('a frame with an Infinity pixel and maxDepth Infinity allocates no block at the i32 limits', async () => {
    const engine = await engineFor('release');
    const depth = renderScene(engine, POSE);
    depth[0] = Infinity;
    const volume = createTsdfVolume(engine, { voxelSize: 0.125 });
    try {
      const r = volume.integrate({ depth }, K, POSE, { minDepth: 1, maxDepth: Infinity });
      if (r.status === 'rejected') return;
      const snap = volume.snapshot();
      const view = new DataView(snap.buffer);
      const c = engine.wasm.constants as unknown as Record<string, number>;
      for (let b = 0; b < volume.blockCount; b++) {
        for (let a = 0; a < 3; a++) expect(Math.abs(view.getInt32(c.VOLUME_BYTES + 16 * b + 4 * a, true))).toBeLessThan(1000);
      }
    } finally {
      volume.dispose();
    }
  });

  // raycast() checks only the pose's rigidity: null intrinsics or pose throw a TypeError, and a
  // fractional width is accepted (the result has width * height pixels, the core fills floor(width) columns).
  it('raycast() throws INVALID_ARGUMENT for null intrinsics, a null pose and a fractional width', async () => {
    const engine = await engineFor('release');
    const volume = createTsdfVolume(engine, { voxelSize: 0.125 });
    try {
      volume.integrate({ depth: renderScene(engine, POSE) }, K, POSE, DEPTH_RANGE);
      for (const call of [
        () => volume.raycast(null as unknown as CameraIntrinsics, POSE),
        () => volume.raycast(K, null as unknown as Transform),
        () => volume.raycast({ ...K, width: 160.5 }, POSE),
      ]) {
        expect(call).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
      }
    } finally {
      volume.dispose();
    }
  });
});
