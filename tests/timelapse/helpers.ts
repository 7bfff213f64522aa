// The simulator's TimeLapse scenario: an arch, the same arch months later (one tooth moved and
// turned, recession, wear) scanned in another pose, and the truth to compare against.
import { surfaceDistances, type Engine, type Mesh } from '../../src/index.js';
import { fromAxisAngle, invertRigid, type Transform } from '../../src/math/pose.js';
import { buildArchMesh } from '../../src/sim/arch-mesh.js';
import { createArchModel, monthsLater, type ArchChanges } from '../../src/sim/arch-model.js';

export interface TimeLapseScene {
  before: Mesh;
  /** The later arch in its own scan pose (moved by `scanPose`). */
  after: Mesh;
  /** The later arch in the earlier arch's frame. */
  afterInPlace: Mesh;
  changes: ArchChanges;
  /** Maps afterInPlace to after; the alignment should find its inverse. */
  scanPose: Transform;
  /** Signed distance of every afterInPlace vertex to `before` (the deviation at the true alignment), mm. */
  trueDeviation: Float64Array;
  /** Per vertex of after: the normal component of its true displacement (moved tooth: beforeToAfter; else 0), mm. */
  trueDisplacement: Float64Array;
}

export function moveMesh(mesh: Mesh, m: Transform): Mesh {
  const p = mesh.positions, out = new Float32Array(p.length);
  for (let i = 0; i < p.length; i += 3) {
    for (let k = 0; k < 3; k++) out[i + k] = m[k] * p[i] + m[4 + k] * p[i + 1] + m[8 + k] * p[i + 2] + m[12 + k];
  }
  return { ...mesh, positions: out, normals: undefined };
}

/** Vertex normals (area-weighted) of a mesh, f64. */
function vertexNormals(mesh: Mesh): Float64Array {
  const p = mesh.positions, idx = mesh.indices, n = new Float64Array(p.length);
  for (let t = 0; t < idx.length; t += 3) {
    const a = idx[t], b = idx[t + 1], c = idx[t + 2];
    const u = [0, 1, 2].map((k) => p[3 * b + k] - p[3 * a + k]), v = [0, 1, 2].map((k) => p[3 * c + k] - p[3 * a + k]);
    const f = [u[1] * v[2] - u[2] * v[1], u[2] * v[0] - u[0] * v[2], u[0] * v[1] - u[1] * v[0]];
    for (const i of [a, b, c]) for (let k = 0; k < 3; k++) n[3 * i + k] += f[k];
  }
  for (let i = 0; i < n.length; i += 3) {
    const l = Math.hypot(n[i], n[i + 1], n[i + 2]) || 1;
    n[i] /= l; n[i + 1] /= l; n[i + 2] /= l;
  }
  return n;
}

/** Arch seed 3 (moved tooth 44, recession 46 and 31, wear 43 and 33), grids `before` and `after` mm apart. */
export function timeLapseScene(engine: Engine, beforeGrid: number, afterGrid: number): TimeLapseScene {
  const model = createArchModel({ seed: 3 });
  const before = buildArchMesh(engine, model, { spacing: beforeGrid });
  const later = monthsLater(model);
  const afterInPlace = buildArchMesh(engine, later.model, { spacing: afterGrid });
  const scanPose = fromAxisAngle([0.3 / 1.0, 0.5 / 1.0, 0.81 / 1.0].map((x) => x / Math.hypot(0.3, 0.5, 0.81)), 0.4, [3, -5, 2]);
  const trueDeviation = surfaceDistances(engine, afterInPlace, before, { maxDistance: 1 }).signedDistances;
  const labels = afterInPlace.vertexAttributes!.label.array;
  const back = invertRigid(later.changes.movedTooth.beforeToAfter);
  const normals = vertexNormals(afterInPlace);
  const p = afterInPlace.positions;
  const trueDisplacement = new Float64Array(p.length / 3);
  for (let i = 0; i < trueDisplacement.length; i++) {
    if (labels[i] !== later.changes.movedTooth.label) continue;
    let d = 0;
    for (let k = 0; k < 3; k++) {
      const q = back[k] * p[3 * i] + back[4 + k] * p[3 * i + 1] + back[8 + k] * p[3 * i + 2] + back[12 + k];
      d += (p[3 * i + k] - q) * normals[3 * i + k];
    }
    trueDisplacement[i] = d;
  }
  return { before, after: moveMesh(afterInPlace, scanPose), afterInPlace, changes: later.changes, scanPose, trueDeviation, trueDisplacement };
}
