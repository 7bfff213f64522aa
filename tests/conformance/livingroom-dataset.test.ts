// The Augmented ICL-NUIM livingroom frames in the Redwood layout Open3D reads: 150 depth PNGs
// (16-bit, mm) and colour JPEGs of 640x480, camera_primesense.json, and Open3D's estimated
// trajectory (metres, camera-to-world). readDataset must see exactly what Open3D sees: the
// same intrinsics, the .log's poses converted to mm (checked against an independent parse of the
// text), sane depth, and the colour images.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { readDataset, type RgbdDataset } from '../../src/node/index.js';
import { DATA_ROOT } from './corpus.js';

const DIR = fileURLToPath(new URL('rgbd/aicl_livingroom1_clean_micro/', DATA_ROOT)).replace(/\/$/, '');
const OPEN3D_LOG = `${DIR}/open3d_estimated_trajectory_frames_000-149.log`;
const GROUND_TRUTH_LOG = `${DIR}/groundtruth_frames_00000-00004.log`;

/** Row-major 4x4 matrices of a .log, in the file's numbers (metres), without scanfuse. */
function independentLog(path: string): number[][][] {
  const rows = readFileSync(path, 'utf8').split('\n').map((l) => l.trim()).filter((l) => l !== '').map((l) => l.split(/\s+/).map(Number));
  const out: number[][][] = [];
  for (let i = 0; i + 4 < rows.length; i += 5) out.push(rows.slice(i + 1, i + 5));
  return out;
}

let ds: RgbdDataset;
beforeAll(async () => {
  ds = await readDataset(DIR, { trajectory: OPEN3D_LOG });
});

describe('livingroom (Redwood layout)', () => {
  it('has 150 frames of 640x480 in mm with the PrimeSense intrinsics', () => {
    expect(ds.layout).toBe('redwood');
    expect(ds.manifest).toBeNull();
    expect(ds.frameCount).toBe(150);
    expect(ds.depthScale).toBe(1);
    expect(ds.intrinsics).toEqual({ width: 640, height: 480, fx: 525, fy: 525, cx: 319.5, cy: 239.5 });
    expect(ds.files.depth[0]).toBe(`${DIR}/depth/00000.png`);
    expect(ds.files.depth[149]).toBe(`${DIR}/depth/00149.png`);
    expect(ds.files.colour?.[149]).toBe(`${DIR}/image/00149.jpg`);
    expect(ds.files.nir).toBeNull();
    expect(ds.timestampMs[30]).toBeCloseTo(1000, 9);
  });

  it("carries Open3D's 150 poses, converted from metres to mm", () => {
    const text = independentLog(OPEN3D_LOG);
    expect(text).toHaveLength(150);
    const poses = ds.trajectory!.cameraToWorld;
    expect(poses).toHaveLength(150);
    let worst = 0;
    poses.forEach((m, k) => {
      for (let r = 0; r < 4; r++) {
        for (let c = 0; c < 4; c++) {
          const expected = text[k][r][c] * (c === 3 && r < 3 ? 1000 : 1);
          worst = Math.max(worst, Math.abs(m[c * 4 + r] - expected));
        }
      }
    });
    expect(worst).toBeLessThan(1e-9);
    // Frame 0 is the identity; frame 1 moved by (1.18646, -23.51636, -1.44057) mm.
    // (The file prints "-0.00000000"; the parser gives 0.)
    expect(Array.from(poses[0])).toEqual([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]);
    expect(poses[1][12]).toBeCloseTo(1.18646, 9);
    expect(poses[1][13]).toBeCloseTo(-23.51636, 9);
    expect(poses[1][14]).toBeCloseTo(-1.44057, 9);
  });

  it('decodes the first frames: depth mostly 0.5..5 m, colour from the JPEGs, the pose attached', async () => {
    for (const i of [0, 1, 2]) {
      const f = await ds.frame(i);
      expect(f.depth).toBeInstanceOf(Uint16Array);
      expect(f.depth.length).toBe(640 * 480);
      expect(f.depthScale).toBe(1);
      let valid = 0, sane = 0;
      for (const v of f.depth) {
        if (v === 0) continue;
        valid++;
        if (v >= 500 && v <= 5000) sane++;
      }
      expect(valid / f.depth.length).toBeGreaterThan(0.5);
      expect(sane / valid).toBeGreaterThan(0.9);
      const c = f.colour!;
      expect(c.length).toBe(640 * 480 * 3);
      let sum = 0, min = 255, max = 0;
      for (const v of c) { sum += v; min = Math.min(min, v); max = Math.max(max, v); }
      expect(sum / c.length).toBeGreaterThan(20);
      expect(sum / c.length).toBeLessThan(235);
      expect(max - min).toBeGreaterThan(100);
      expect(Array.from(f.cameraToWorld!)).toEqual(Array.from(ds.trajectory!.cameraToWorld[i]));
    }
  });

  it('reads the 5-pose ground truth for the first 5 frames only when asked', async () => {
    await expect(readDataset(DIR, { trajectory: GROUND_TRUTH_LOG })).rejects.toMatchObject({ code: 'MALFORMED_INPUT', details: { expected: 150, actual: 5 } });
    const five = await readDataset(DIR, { trajectory: GROUND_TRUTH_LOG, frames: 5 });
    expect(five.frameCount).toBe(5);
    const text = independentLog(GROUND_TRUTH_LOG);
    expect(five.trajectory!.cameraToWorld[4][14]).toBeCloseTo(text[4][2][3] * 1000, 9);
    // Without a trajectory option the folder has no trajectory.log: no poses.
    const bare = await readDataset(DIR);
    expect(bare.trajectory).toBeNull();
    expect((await bare.frame(0)).cameraToWorld).toBeUndefined();
  });
});
