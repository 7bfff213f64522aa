// Per-vertex integer labels (the FDI tooth numbers of a segmented arch) from a mesh's vertex
// attribute, or from its per-face attribute.
import { ScanfuseError } from '../errors.js';
import type { Mesh } from '../types.js';

/**
 * The labels of `mesh`'s vertices from the attribute `name`: its vertex attribute if there is
 * one (itemSize 1), else its face attribute (itemSize 1), each vertex taking the label of the
 * first triangle (in index order) that uses it. Vertices no triangle uses get -1. Returns null
 * when the mesh has neither. Throws INVALID_ARGUMENT for an attribute with itemSize != 1.
 */
export function vertexLabels(mesh: Mesh, name: string, api: string): Int32Array | null {
  const n = mesh.positions.length / 3;
  const perVertex = mesh.vertexAttributes?.[name];
  const perFace = mesh.faceAttributes?.[name];
  const attr = perVertex ?? perFace;
  if (!attr) return null;
  if (attr.itemSize !== 1) throw new ScanfuseError('INVALID_ARGUMENT', `${api}: the label attribute '${name}' must have itemSize 1`, { actual: attr.itemSize });
  if (perVertex) return Int32Array.from(perVertex.array as ArrayLike<number>, (v) => Math.round(v));
  const labels = new Int32Array(n).fill(-1);
  const idx = mesh.indices, faces = perFace!.array;
  for (let t = 0; t < idx.length / 3; t++) {
    const value = Math.round(faces[t]);
    for (let k = 0; k < 3; k++) if (labels[idx[3 * t + k]] === -1) labels[idx[3 * t + k]] = value;
  }
  return labels;
}
