// Closest-point queries (closest_grid_* / closest_points through surfaceDistances and
// SurfaceIndex): hand-computable cases, an oracle (three-mesh-bvh) and a brute-force reference,
// on the release and debug cores.
import { describe, expect, it } from 'vitest';
import { BufferAttribute, BufferGeometry, Vector3 } from 'three';
import { MeshBVH } from 'three-mesh-bvh';
import { createSurfaceIndex, isScanfuseError, surfaceDistances, type Mesh } from '../../src/index.js';
import { box } from '../support/meshes.js';
import { BUILDS, engineFor } from '../support/engines.js';
import { bruteForceDistance, icosphere, irregularMesh, plane, randomPoints, rng, triangleDistance, vertex } from './helpers.js';

const expectInvalid = (fn: () => unknown) => {
  let error: unknown;
  try { fn(); } catch (e) { error = e; }
  expect(isScanfuseError(error, 'INVALID_ARGUMENT'), String(error)).toBe(true);
};

describe.each(BUILDS)('surfaceDistances (%s build)', (build) => {
  it('measures a point above a plane exactly, signed by the normal', async () => {
    const engine = await engineFor(build);
    const ref = plane({ nx: 4, ny: 4 });
    const pts = new Float64Array([2.5, 3.25, 0.1, 7, 7, -0.25, 5, 5, 0, -1, 5, 0, 13, 14, 0]);
    const r = surfaceDistances(engine, pts, ref, { closestPoints: true });
    const close = (a: ArrayLike<number>, b: number[]) => b.forEach((x, i) => expect(a[i]).toBeCloseTo(x, 12));
    close(r.distances, [0.1, 0.25, 0, 1, 5]);
    close(r.signedDistances, [0.1, -0.25, 0, 1, 5]); // beside the border: the offset is in-plane, counted +
    close(r.closestPoints!, [2.5, 3.25, 0, 7, 7, 0, 5, 5, 0, 0, 5, 0, 10, 10, 0]);
    expect(r.foundCount).toBe(5);
    // The flipped plane (normals -z) flips the signs.
    const flipped = surfaceDistances(engine, pts, plane({ nx: 4, ny: 4, flip: true }));
    close(flipped.signedDistances, [-0.1, 0.25, 0]);
  });

  it('reports points beyond maxDistance and non-finite points instead of dropping them', async () => {
    const engine = await engineFor(build);
    const pts = new Float32Array([5, 5, 0.5, 5, 5, 2, NaN, 0, 0, 5, 5, -1, 5, 5, Infinity]);
    const r = surfaceDistances(engine, pts, plane(), { maxDistance: 1 });
    expect(Array.from(r.distances.subarray(0, 2))).toEqual([0.5, Infinity]);
    expect(r.distances[2]).toBeNaN();
    expect(r.distances[3]).toBe(1); // exactly at maxDistance: found
    expect(r.distances[4]).toBeNaN();
    expect(Array.from(r.triangles)).toEqual([r.triangles[0], -1, -1, r.triangles[3], -1]);
    expect([r.foundCount, r.beyondCount, r.nonFiniteCount]).toEqual([2, 1, 2]);
    expect(r.signedDistances[1]).toBe(Infinity);
  });

  it('gives the outside of a closed box as positive, also next to its edges and corners', async () => {
    const engine = await engineFor(build);
    const cube = box(2, 2, 2);
    const pts = new Float64Array([
      3, 1, 1, 1, 1, 1.5, // outside a face, inside
      2.5, 2.5, 1, 2.5, -0.5, 1, 1, 2.2, 2.3, // outside three edges: the closest point is on an edge
      2.3, 2.4, 2.5, -0.1, -0.2, -0.3, // outside two corners
      1.9, 1.8, 1, 0.1, 0.1, 0.2, // inside near an edge and a corner
    ]);
    const r = surfaceDistances(engine, pts, cube);
    const signs = Array.from(r.signedDistances, Math.sign);
    expect(signs).toEqual([1, -1, 1, 1, 1, 1, 1, -1, -1]);
    expect(r.distances[2]).toBeCloseTo(Math.SQRT2 / 2, 12);
    expect(r.distances[5]).toBeCloseTo(Math.hypot(0.3, 0.4, 0.5), 12);
    expect(r.distances[8]).toBeCloseTo(0.1, 6);
  });

  it('signs every point of a sphere correctly (convex edges and corners everywhere)', async () => {
    const engine = await engineFor(build);
    const sphere = icosphere(2, 5);
    const r = rng(7);
    const n = 2000;
    const pts = new Float64Array(n * 3);
    const radii: number[] = [];
    for (let i = 0; i < n; i++) {
      const u = [r() - 0.5, r() - 0.5, r() - 0.5];
      const len = Math.hypot(u[0], u[1], u[2]);
      const rad = 3 + 4 * r(); // 3..7 mm: the polyhedron lies between about 4.9 and 5 mm
      radii.push(rad);
      for (let k = 0; k < 3; k++) pts[3 * i + k] = (u[k] / len) * rad;
    }
    const res = surfaceDistances(engine, pts, sphere);
    for (let i = 0; i < n; i++) {
      if (radii[i] > 5.001) expect(res.signedDistances[i]).toBeGreaterThan(0);
      if (radii[i] < 4.8) expect(res.signedDistances[i]).toBeLessThan(0);
    }
  });

  it('equals three-mesh-bvh closestPointToPoint on an irregular mesh within 1e-5 mm', async () => {
    const engine = await engineFor(build);
    const mesh = irregularMesh(11);
    const pts = randomPoints(12, 3000, -18, 18);
    const geometry = new BufferGeometry();
    geometry.setAttribute('position', new BufferAttribute(mesh.positions.slice(), 3));
    geometry.setIndex(new BufferAttribute(mesh.indices.slice(), 1));
    const bvh = new MeshBVH(geometry);
    const ours = surfaceDistances(engine, pts, mesh, { closestPoints: true });
    const limited = surfaceDistances(engine, pts, mesh, { maxDistance: 2 });
    const p = new Vector3();
    const target = { point: new Vector3(), distance: 0, faceIndex: 0 };
    let maxError = 0;
    for (let i = 0; i < pts.length / 3; i++) {
      p.set(pts[3 * i], pts[3 * i + 1], pts[3 * i + 2]);
      const hit = bvh.closestPointToPoint(p, target, 0, Infinity)!;
      maxError = Math.max(maxError, Math.abs(hit.distance - ours.distances[i]));
      // The closest point lies on the reported triangle at the reported distance.
      const q = [ours.closestPoints![3 * i], ours.closestPoints![3 * i + 1], ours.closestPoints![3 * i + 2]];
      expect(Math.hypot(q[0] - pts[3 * i], q[1] - pts[3 * i + 1], q[2] - pts[3 * i + 2])).toBeCloseTo(ours.distances[i], 9);
      expect(triangleDistance(mesh, ours.triangles[i], q as [number, number, number])).toBeLessThan(1e-9);
      // With a max distance: found exactly when the oracle's distance is within it.
      if (Math.abs(hit.distance - 2) > 1e-6) expect(Number.isFinite(limited.distances[i])).toBe(hit.distance <= 2);
      if (hit.distance <= 2 - 1e-6) expect(limited.distances[i]).toBe(ours.distances[i]);
    }
    expect(maxError).toBeLessThan(1e-5);
  });

  it('agrees with brute force, including degenerate triangles, and picks a nearest triangle', async () => {
    const engine = await engineFor(build);
    const base = irregularMesh(5, 1, 60);
    // Degenerate triangles: a repeated corner, three collinear corners, a single point.
    const extra = [0, 0, 0, 1, 1, 1, 2, 2, 2, -3, 4, 5, -3, 4, 5, -1, 0, 2, 6, 6, 6, 6, 6, 6, 6, 6, 6];
    const positions = Float32Array.from([...base.positions, ...extra]);
    const v = base.positions.length / 3;
    const indices = Uint32Array.from([...base.indices, v, v + 1, v + 2, v + 3, v + 4, v + 5, v + 6, v + 7, v + 8]);
    const mesh: Mesh = { positions, indices };
    const pts = randomPoints(6, 500, -12, 12);
    const r = surfaceDistances(engine, pts, mesh);
    for (let i = 0; i < 500; i++) {
      const p: [number, number, number] = [pts[3 * i], pts[3 * i + 1], pts[3 * i + 2]];
      const expected = bruteForceDistance(mesh, p);
      expect(Math.abs(r.distances[i] - expected)).toBeLessThan(1e-9);
      expect(Math.abs(triangleDistance(mesh, r.triangles[i], p) - expected)).toBeLessThan(1e-9);
    }
  });

  it('does not depend on the processing order or the cell size', async () => {
    const engine = await engineFor(build);
    const mesh = irregularMesh(21, 2, 200);
    const pts = randomPoints(22, 4000, -15, 15);
    const a = surfaceDistances(engine, pts, mesh, { order: 'input', maxDistance: 3 });
    const b = surfaceDistances(engine, pts, mesh, { order: 'cells', maxDistance: 3 });
    const c = surfaceDistances(engine, pts, mesh, { order: 'auto', maxDistance: 3, cellSize: 0.3 });
    const d = surfaceDistances(engine, pts, mesh, { maxDistance: 3, cellSize: 50 });
    const e = surfaceDistances(engine, pts, mesh, { maxDistance: 3, maxCells: 1 });
    for (const other of [b, c, d, e]) {
      expect(other.distances).toEqual(a.distances);
      expect(other.signedDistances).toEqual(a.signedDistances);
      expect(other.triangles).toEqual(a.triangles);
    }
  });

  it('takes a point cloud reference as its points, and a mesh as query points', async () => {
    const engine = await engineFor(build);
    const cloud: Mesh = { positions: new Float32Array([0, 0, 0, 10, 0, 0]), indices: new Uint32Array(0) };
    const r = surfaceDistances(engine, new Float64Array([3, 4, 0, 9, 0, 0]), cloud);
    expect(Array.from(r.distances)).toEqual([5, 1]);
    expect(Array.from(r.triangles)).toEqual([0, 1]);
    const self = surfaceDistances(engine, plane(), plane());
    expect(self.distances.every((x) => x === 0)).toBe(true);
  });

  it('leaves out triangles with non-finite corners', async () => {
    const engine = await engineFor(build);
    const mesh = plane({ nx: 2, ny: 2 });
    mesh.positions[3 * 8] = NaN; // the corner (10, 10): one triangle uses it
    const index = createSurfaceIndex(engine, mesh);
    expect(index.info.skippedTriangleCount).toBe(1);
    expect(index.info.triangleCount).toBe(7);
    const r = index.query(new Float64Array([2, 2, 1]));
    expect(r.distances[0]).toBe(1);
    index.dispose();
    expect(index.disposed).toBe(true);
    expect(() => index.query(new Float64Array(3))).toThrow(/disposed/);
  });

  it('rejects malformed arguments with INVALID_ARGUMENT', async () => {
    const engine = await engineFor(build);
    const ref = plane({ nx: 1, ny: 1 });
    expectInvalid(() => surfaceDistances(engine, [1, 2, 3] as unknown as Float64Array, ref));
    expectInvalid(() => surfaceDistances(engine, new Float64Array(4), ref));
    expectInvalid(() => surfaceDistances(engine, new Float64Array(3), ref, { maxDistance: -1 }));
    expectInvalid(() => surfaceDistances(engine, new Float64Array(3), ref, { maxDistance: NaN }));
    expectInvalid(() => surfaceDistances(engine, new Float64Array(3), ref, { cellSize: -1 }));
    expectInvalid(() => surfaceDistances(engine, new Float64Array(3), ref, { maxCells: 0 }));
    expectInvalid(() => surfaceDistances(engine, new Float64Array(3), ref, { order: 'random' as never }));
    expectInvalid(() => surfaceDistances(engine, new Float64Array(3), { positions: ref.positions, indices: new Uint32Array([0, 1, 9]) }));
    expectInvalid(() => surfaceDistances({} as never, new Float64Array(3), ref));
    expect(surfaceDistances(engine, new Float64Array(0), ref).distances.length).toBe(0);
  });

  it('answers near-surface queries on a 100k-triangle mesh', async () => {
    const engine = await engineFor(build);
    const mesh = icosphere(6, 10); // 81,920 triangles
    const count = build === 'release' ? 200_000 : 20_000;
    const r = rng(3);
    const pts = new Float64Array(count * 3);
    for (let i = 0; i < count; i++) {
      const v = vertex(mesh, Math.floor(r() * (mesh.positions.length / 3)));
      const s = 1 + (r() - 0.5) * 0.02;
      for (let k = 0; k < 3; k++) pts[3 * i + k] = v[k] * s;
    }
    const res = surfaceDistances(engine, pts, mesh, { maxDistance: 0.5 });
    expect(res.foundCount).toBe(count);
    for (let i = 0; i < count; i += Math.floor(count / 20)) {
      const p: [number, number, number] = [pts[3 * i], pts[3 * i + 1], pts[3 * i + 2]];
      expect(Math.abs(res.distances[i] - bruteForceDistance(mesh, p))).toBeLessThan(1e-9);
    }
  });
});
