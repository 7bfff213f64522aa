// Voxel downsampling, PCA normals with their orientations, and FPFH descriptors, against
// references and known geometry, on the release and debug cores.
import { describe, expect, it } from 'vitest';
import { computeFpfh, estimateNormals, FPFH_BIN_COUNT, isScanfuseError, voxelDownsample } from '../../src/index.js';
import { fromAxisAngle } from '../../src/math/pose.js';
import { BUILDS, engineFor } from '../support/engines.js';
import { bumpyPatch, randomAxis, rng, transformCloud } from './helpers.js';
import { referenceFpfh, referenceVoxelDownsample } from './reference.js';

/** Points on a sphere of radius r about c (Fibonacci lattice). */
function sphere(count: number, r: number, c: [number, number, number]): Float32Array {
  const p = new Float32Array(count * 3);
  const golden = Math.PI * (3 - Math.sqrt(5));
  for (let i = 0; i < count; i++) {
    const y = 1 - (2 * (i + 0.5)) / count, s = Math.sqrt(1 - y * y), a = golden * i;
    p.set([c[0] + r * s * Math.cos(a), c[1] + r * y, c[2] + r * s * Math.sin(a)], i * 3);
  }
  return p;
}

describe.each(BUILDS)('voxelDownsample (%s build)', (build) => {
  it('gives the mean of each voxel in order of first occurrence', async () => {
    const engine = await engineFor(build);
    const positions = new Float32Array([
      0.2, 0.2, 0.2, 5.5, 0.5, 0.5, 0.4, 0.6, 0.8, -0.5, 0, 0, 5.1, 0.1, 0.1, NaN, 0, 0, -0.1, 0, 0,
    ]);
    const normals = new Float32Array([0, 0, 1, 1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 0, 0, 0, 0, 1, 0, 0, -1]);
    const r = voxelDownsample(engine, { positions, normals }, 1);
    const close = (a: Float32Array, b: number[]) => b.forEach((x, i) => expect(a[i]).toBeCloseTo(x, 6));
    close(r.positions, [0.3, 0.4, 0.5, 5.3, 0.3, 0.3, -0.3, 0, 0]);
    close(r.normals!, [0, Math.SQRT1_2, Math.SQRT1_2, 1, 0, 0, 0, 0, 0]); // the last voxel's normals cancel
  });

  it('matches a reference on a random cloud', async () => {
    const engine = await engineFor(build);
    const r = rng(5);
    const positions = Float32Array.from({ length: 3000 }, () => r() * 20 - 5);
    const normals = Float32Array.from({ length: 3000 }, () => r() - 0.5);
    for (const v of [0.7, 3, 100]) {
      const got = voxelDownsample(engine, { positions, normals }, v);
      const ref = referenceVoxelDownsample(positions, normals, v);
      expect(got.positions.length).toBe(ref.positions.length);
      for (let i = 0; i < ref.positions.length; i++) {
        expect(got.positions[i]).toBeCloseTo(ref.positions[i], 4);
        expect(got.normals![i]).toBeCloseTo(ref.normals![i], 4);
      }
    }
  });

  it('rejects a bad voxel size', async () => {
    const engine = await engineFor(build);
    let error: unknown;
    try { voxelDownsample(engine, { positions: new Float32Array(3) }, 0); } catch (e) { error = e; }
    expect(isScanfuseError(error, 'INVALID_ARGUMENT')).toBe(true);
  });
});

describe.each(BUILDS)('estimateNormals (%s build)', (build) => {
  it('finds the radial direction on a sphere and turns it outward consistently', async () => {
    const engine = await engineFor(build);
    const c: [number, number, number] = [3, -2, 7];
    const p = sphere(2000, 10, c);
    const { normals, missingCount } = estimateNormals(engine, p, { radius: 2.5 });
    expect(missingCount).toBe(0);
    let worst = 1;
    for (let i = 0; i < p.length; i += 3) {
      const d = [p[i] - c[0], p[i + 1] - c[1], p[i + 2] - c[2]].map((x) => x / 10);
      worst = Math.min(worst, d[0] * normals[i] + d[1] * normals[i + 1] + d[2] * normals[i + 2]);
    }
    expect(worst).toBeGreaterThan(0.99); // outward everywhere
    // Toward a viewpoint inside: all inward.
    const inward = estimateNormals(engine, p, { radius: 2.5, orientation: 'toward-viewpoint', viewpoint: c }).normals;
    for (let i = 0; i < p.length; i += 3) expect((p[i] - c[0]) * inward[i] + (p[i + 1] - c[1]) * inward[i + 1] + (p[i + 2] - c[2]) * inward[i + 2]).toBeLessThan(0);
  });

  it('orients an open bumpy patch consistently (all to one side)', async () => {
    const engine = await engineFor(build);
    const patch = bumpyPatch({ n: 40 });
    const { normals } = estimateNormals(engine, patch.positions, { radius: 3 });
    let agree = 0;
    for (let i = 0; i < normals.length; i += 3) {
      const d = normals[i] * patch.normals[i] + normals[i + 1] * patch.normals[i + 1] + normals[i + 2] * patch.normals[i + 2];
      if (d > 0.9) agree++;
    }
    // All agree with the true (+z side) normals, or all with the opposite: the sign is global.
    expect(agree === normals.length / 3 || agree === 0, `${agree} of ${normals.length / 3}`).toBe(true);
  });

  it('leaves a zero normal where there are fewer than 3 neighbours or a line', async () => {
    const engine = await engineFor(build);
    const p = new Float32Array([0, 0, 0, 100, 0, 0, 101, 0, 0, 102, 0, 0, 103, 0, 0]);
    const r = estimateNormals(engine, p, { radius: 5, orientation: 'none' });
    expect(Array.from(r.normals)).toEqual(new Array(15).fill(0));
    expect(r.missingCount).toBe(5);
  });
});

describe.each(BUILDS)('computeFpfh (%s build)', (build) => {
  it('matches the reference (Open3D\'s algorithm) on a jittered bumpy patch', async () => {
    const engine = await engineFor(build);
    const patch = bumpyPatch({ n: build === 'debug' ? 14 : 22, size: 20, jitter: 0.6, seed: 3 });
    const radius = 4;
    const got = computeFpfh(engine, patch, { radius, maxNeighbours: 1023 });
    const ref = referenceFpfh(patch.positions, patch.normals, radius);
    expect(got.length).toBe(ref.length);
    let worst = 0;
    for (let i = 0; i < ref.length; i++) worst = Math.max(worst, Math.abs(got[i] - ref[i]));
    expect(worst).toBeLessThan(1e-2);
    // Each 11-bin histogram sums to 200 (own SPFH 100 + neighbours 100).
    for (let i = 0; i < got.length / FPFH_BIN_COUNT; i++) {
      for (let h = 0; h < 3; h++) {
        let sum = 0;
        for (let b = 0; b < 11; b++) sum += got[i * 33 + h * 11 + b];
        expect(sum).toBeCloseTo(200, 2);
      }
    }
  });

  it('is invariant to rigid motions', async () => {
    const engine = await engineFor(build);
    const patch = bumpyPatch({ n: build === 'debug' ? 20 : 40, seed: 4 });
    const m = fromAxisAngle(randomAxis(rng(9)), 2.4, [30, -20, 5]);
    const a = computeFpfh(engine, patch, { radius: 5 });
    const b = computeFpfh(engine, transformCloud(patch, m), { radius: 5 });
    // Equal up to f32 rounding, except where that moves a value across a bin edge or changes
    // which neighbours are the nearest: compare histograms by their L1 distance.
    let changed = 0;
    for (let i = 0; i < a.length / 33; i++) {
      let l1 = 0;
      for (let k = 0; k < 33; k++) l1 += Math.abs(a[i * 33 + k] - b[i * 33 + k]);
      if (l1 > 1) changed++;
    }
    expect(changed / (a.length / 33)).toBeLessThan(0.02);
  });

  it('requires normals', async () => {
    const engine = await engineFor(build);
    let error: unknown;
    try { computeFpfh(engine, { positions: new Float32Array(9) }, { radius: 1 }); } catch (e) { error = e; }
    expect(isScanfuseError(error, 'INVALID_ARGUMENT')).toBe(true);
  });
});
