// The scan simulator: deterministic frames, the sensor's noise as configured, and frames that
// back-project onto the reference with their ground-truth poses.
import { createHash } from 'node:crypto';
import { BufferAttribute, BufferGeometry, Vector3 } from 'three';
import { MeshBVH } from 'three-mesh-bvh';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/index.js';
import { createScanSimulator, type ScanSimulator } from '../../src/sim/simulator.js';
import { NOISELESS } from '../../src/sim/wand-options.js';
import { engineFor } from '../support/engines.js';

const sha = (...arrays: ArrayBufferView[]) => {
  const h = createHash('sha256');
  for (const a of arrays) h.update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  return h.digest('hex');
};

/** Camera-frame ray of pixel (u, v) scaled to depth z, mapped to world by cameraToWorld. */
function backProject(sim: ScanSimulator, pose: Float64Array, u: number, v: number, z: number): Vector3 {
  const k = sim.intrinsics;
  const x = ((u - k.cx) / k.fx) * z, y = ((v - k.cy) / k.fy) * z;
  return new Vector3(
    pose[0] * x + pose[4] * y + pose[8] * z + pose[12],
    pose[1] * x + pose[5] * y + pose[9] * z + pose[13],
    pose[2] * x + pose[6] * y + pose[10] * z + pose[14],
  );
}

describe('scan simulator', () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await engineFor('release');
  });

  it('renders byte-identical frames for the same options and different noise for another seed', async () => {
    const options = { arch: { seed: 4 }, frames: 40 };
    const a = createScanSimulator(engine, options), b = createScanSimulator(await engineFor('debug'), options);
    const c = createScanSimulator(engine, { ...options, seed: 2 });
    try {
      for (const i of [0, 17, 39]) {
        const fa = a.frame(i), fb = b.frame(i), fc = c.frame(i);
        expect(sha(fb.depth, fb.colour, fb.nir, fb.cameraToWorld)).toBe(sha(fa.depth, fa.colour, fa.nir, fa.cameraToWorld));
        expect(sha(fc.depth)).not.toBe(sha(fa.depth));
        // Float32 depth is exactly the Uint16 measurement over the depth scale.
        for (let p = 0; p < fa.depth.length; p += 97) expect(fa.depthMm[p]).toBe(Math.fround(fa.depth[p] / fa.depthScale));
      }
    } finally {
      a.dispose(); b.dispose(); c.dispose();
    }
  });

  it('a full default session: 600+ frames at 20 frames/s, 320 x 240, mostly valid depth', () => {
    const sim = createScanSimulator(engine, { frames: undefined });
    try {
      expect(sim.frameCount).toBeGreaterThanOrEqual(600);
      expect(sim.intrinsics).toMatchObject({ width: 320, height: 240 });
      // 16 x 12 mm field at the working distance.
      expect((sim.intrinsics.width * sim.wand.workingDistance) / sim.intrinsics.fx).toBeCloseTo(16, 9);
      expect((sim.intrinsics.height * sim.wand.workingDistance) / sim.intrinsics.fy).toBeCloseTo(12, 9);
      const dt = sim.trajectory.timestampMs[1] - sim.trajectory.timestampMs[0];
      expect(dt).toBeLessThanOrEqual(50);
      let total = 0;
      const sampled = [0, 100, 150, 200, 300, 400, 450, 500, 600];
      for (const i of sampled) {
        const f = sim.frame(i);
        let valid = 0;
        for (const d of f.depth) if (d) valid++;
        // Narrow incisors leave background (beyond the depth range) in some occlusal frames.
        expect(valid / f.depth.length, `frame ${i}`).toBeGreaterThan(0.3);
        total += valid / f.depth.length;
      }
      expect(total / sampled.length).toBeGreaterThan(0.6);
    } finally {
      sim.dispose();
    }
  });

  it('adds depth noise along the ray with the configured sigma (within 10 %)', () => {
    for (const sigma of [0.01, 0.015, 0.02]) {
      const sim = createScanSimulator(engine, { frames: 30, noise: { sigma, outlierRate: 0 } });
      try {
        const k = sim.intrinsics;
        let sum = 0, sum2 = 0, n = 0;
        for (let i = 0; i < 30; i += 3) {
          const f = sim.frame(i, { trueDepth: true });
          for (let p = 0; p < f.depth.length; p++) {
            if (!f.depth[p] || !f.trueDepth![p]) continue;
            const u = p % k.width, v = Math.floor(p / k.width);
            const stretch = Math.hypot((u - k.cx) / k.fx, (v - k.cy) / k.fy, 1);
            const e = (f.depthMm[p] - f.trueDepth![p]) * stretch; // along the ray
            sum += e; sum2 += e * e; n++;
          }
        }
        const mean = sum / n, sd = Math.sqrt(sum2 / n - mean * mean);
        expect(n).toBeGreaterThan(100_000);
        expect(Math.abs(sd / sigma - 1), `sigma ${sigma}: measured ${sd}`).toBeLessThan(0.1);
        expect(Math.abs(mean)).toBeLessThan(sigma / 20);
      } finally {
        sim.dispose();
      }
    }
  });

  it('back-projects noise-free frames with the ground-truth poses onto the reference surface', () => {
    const sim = createScanSimulator(engine, { frames: 700, noise: NOISELESS });
    try {
      const geometry = new BufferGeometry();
      geometry.setAttribute('position', new BufferAttribute(sim.reference.positions, 3));
      geometry.setIndex(new BufferAttribute(sim.reference.indices, 1));
      const bvh = new MeshBVH(geometry);
      const target = { point: new Vector3(), distance: 0, faceIndex: 0 };
      let worst = 0, count = 0;
      for (const i of [0, 120, 260, 400, 520, 680]) {
        if (i >= sim.frameCount) continue;
        const f = sim.frame(i);
        for (let p = 0; p < f.depth.length; p += 53) {
          if (!f.depth[p]) continue;
          const q = backProject(sim, f.cameraToWorld, p % sim.intrinsics.width, Math.floor(p / sim.intrinsics.width), f.depthMm[p]);
          bvh.closestPointToPoint(q, target, 0, 1);
          worst = Math.max(worst, target.distance);
          count++;
        }
      }
      expect(count).toBeGreaterThan(3000);
      // Depth is quantised to 1 µm (depthScale 1000): every point lies within ~1 µm of the surface.
      expect(worst).toBeLessThan(0.0012);
    } finally {
      sim.dispose();
    }
  });
});
