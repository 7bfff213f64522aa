// The reference mesh of an arch model: its signed distance sampled on a grid in WASM, marching
// cubes, then per-vertex attributes (FDI label, colour, NIR, lesion id).
import type { Engine } from '../engine.js';
import { ScanfuseError } from '../errors.js';
import type { Mesh } from '../types.js';
import { ARCH_FLOOR_Z, buildArchMap, packLesions, packScene, packTeeth, type ArchMap, type ArchModel } from './arch-model.js';

export interface ArchMeshOptions {
  /** Grid spacing of the surface extraction, mm (smaller = finer, slower). Default 0.2. */
  spacing?: number;
}

export const DEFAULT_ARCH_MESH_OPTIONS: Readonly<Required<ArchMeshOptions>> = Object.freeze({ spacing: 0.2 });

/**
 * Builds the reference mesh (mm; open at the bottom, where the grid ends inside the gingiva).
 * vertexAttributes: `label` (Uint8 FDI number, 0 = gingiva/palate), `nir` (Uint8), `lesion`
 * (Uint8 lesion id, 0 = sound); `colors` RGB.
 */
export function buildArchMesh(engine: Engine, model: ArchModel, options: ArchMeshOptions = {}): Mesh {
  const api = 'buildArchMesh';
  const { spacing } = { ...DEFAULT_ARCH_MESH_OPTIONS, ...options };
  if (!(spacing >= 0.03 && spacing <= 2)) throw new ScanfuseError('INVALID_ARGUMENT', `${api}: spacing must be 0.03..2 mm`, { actual: spacing });
  const wasm = engine.wasm;
  const c = wasm.constants as unknown as Record<string, number>;
  const map = buildArchMap(model, c);
  const teeth = packTeeth(model.teeth, c);
  const scene = packScene(model, c);
  const lesions = packLesions(model.lesions, c);
  // Grid bounds: the map's xy extent (minus its margin) and from below the gingiva to above the cusps.
  const margin = 3;
  const x0 = map.originX + 10 - 8, y0 = map.originY + 10 - 8;
  const x1 = map.originX + (map.nx - 1) * map.spacing - 10 + 8, y1 = map.originY + (map.ny - 1) * map.spacing - 10 + 8;
  const top = Math.max(...model.teeth.map((t) => t.localToWorld[14] + t.crownHeight + Math.max(0, ...t.cusps.map((k) => k.height)))) + margin;
  // Lower arch: the grid ends just above the ridge's floor (an open cut); upper: deep enough for the vault.
  const bottom = model.palate ? -(model.palate.depth + 5) : -6;
  const nx = Math.ceil((x1 - x0) / spacing) + 1, ny = Math.ceil((y1 - y0) / spacing) + 1, nz = Math.ceil((top - bottom) / spacing) + 1;
  return wasm.scope(api, (s) => {
    const mapPtr = s.input(map.data);
    const teethPtr = s.input(teeth);
    const scenePtr = s.input(scene);
    const values = s.alloc(4 * nx * ny * nz);
    let status = s.call('sim_arch_sample', scenePtr, teethPtr, model.teeth.length, mapPtr, map.nx, map.ny, map.originX, map.originY, map.spacing,
      values, nx, ny, nz, x0, y0, bottom, spacing);
    if (status < 0) throw new ScanfuseError('ENGINE_FAILED', `${api}: sim_arch_sample failed (${status})`);
    const out = s.out();
    s.call('mc_dense_count', values, nx, ny, nz, 0, out);
    const vertexCount = s.u32(out + c.MC_OUT_VERTICES), triangleCount = s.u32(out + c.MC_OUT_TRIANGLES);
    const positionsPtr = s.alloc(12 * vertexCount), indicesPtr = s.alloc(12 * triangleCount), cache = s.alloc(20 * nx * ny);
    const out2 = s.out();
    status = s.call('mc_dense', values, nx, ny, nz, x0, y0, bottom, spacing, 0, positionsPtr, vertexCount, indicesPtr, triangleCount, cache, out2);
    if (status < 0) throw new ScanfuseError('ENGINE_FAILED', `${api}: mc_dense failed (${status})`);
    const v = s.u32(out2 + c.MC_OUT_VERTICES), t = s.u32(out2 + c.MC_OUT_TRIANGLES);
    const labels = s.alloc(v), colors = s.alloc(3 * v), nir = s.alloc(v), lesionIds = s.alloc(v);
    const lesionPtr = s.input(lesions);
    s.call('sim_arch_attributes', scenePtr, teethPtr, model.teeth.length, mapPtr, map.nx, map.ny, map.originX, map.originY, map.spacing,
      lesionPtr, model.lesions.length, positionsPtr, v, labels, colors, nir, lesionIds);
    const full: Mesh = {
      positions: s.copyOut(Float32Array, positionsPtr, 3 * v),
      indices: s.copyOut(Uint32Array, indicesPtr, 3 * t),
      colors: { array: s.copyOut(Uint8Array, colors, 3 * v), itemSize: 3 },
      vertexAttributes: {
        label: { array: s.copyOut(Uint8Array, labels, v), itemSize: 1 },
        nir: { array: s.copyOut(Uint8Array, nir, v), itemSize: 1 },
        lesion: { array: s.copyOut(Uint8Array, lesionIds, v), itemSize: 1 },
      },
      faceAttributes: {},
      metadata: { comments: [`scanfuse procedural ${model.jaw} arch, seed ${model.seed}, grid ${spacing} mm`] },
    };
    return model.palate ? cropBelowVestibule(full, map, c, model.gum.halfWidth) : full;
  });
}

/**
 * An upper arch's solid reaches down to the palate vault; a scan ends a few millimetres below
 * the gingival margin everywhere else. Keep the palate (inside the arch) and, outside it, only
 * triangles with a corner above ARCH_FLOOR_Z; drop the vertices no triangle uses.
 */
function cropBelowVestibule(mesh: Mesh, map: ArchMap, c: Record<string, number>, gumHalfWidth: number): Mesh {
  const p = mesh.positions, idx = mesh.indices;
  const cell = c.MAP_CELL_BYTES / 4, lateral = c.MAP_LATERAL / 4;
  const keepVertex = new Uint8Array(p.length / 3);
  for (let i = 0; i < keepVertex.length; i++) {
    if (p[3 * i + 2] >= ARCH_FLOOR_Z) { keepVertex[i] = 1; continue; }
    const ix = Math.min(map.nx - 1, Math.max(0, Math.round((p[3 * i] - map.originX) / map.spacing)));
    const iy = Math.min(map.ny - 1, Math.max(0, Math.round((p[3 * i + 1] - map.originY) / map.spacing)));
    if (map.data[(iy * map.nx + ix) * cell + lateral] < -gumHalfWidth) keepVertex[i] = 1; // the palate
  }
  const kept: number[] = [];
  for (let t = 0; t < idx.length; t += 3) {
    if (keepVertex[idx[t]] || keepVertex[idx[t + 1]] || keepVertex[idx[t + 2]]) kept.push(idx[t], idx[t + 1], idx[t + 2]);
  }
  const remap = new Int32Array(keepVertex.length).fill(-1);
  let n = 0;
  for (const v of kept) if (remap[v] < 0) remap[v] = n++;
  const order = new Uint32Array(n);
  for (let v = 0; v < remap.length; v++) if (remap[v] >= 0) order[remap[v]] = v;
  const gather = <T extends Uint8Array | Float32Array>(a: T, size: number): T => {
    const out = new (a.constructor as { new (n: number): T })(n * size);
    for (let i = 0; i < n; i++) for (let k = 0; k < size; k++) out[i * size + k] = a[order[i] * size + k];
    return out;
  };
  // Re-number in first-use order so the result stays deterministic and compact.
  return {
    ...mesh,
    positions: gather(p, 3),
    indices: Uint32Array.from(kept, (v) => remap[v]),
    colors: { array: gather(mesh.colors!.array, 3), itemSize: 3 },
    vertexAttributes: Object.fromEntries(Object.entries(mesh.vertexAttributes!).map(([k, a]) => [k, { array: gather(a.array as Uint8Array, a.itemSize), itemSize: a.itemSize }])),
  };
}
