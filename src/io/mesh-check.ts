// Warnings every reader attaches: non-finite vertices, degenerate triangles, unreferenced
// vertices; and index range validation.
import { ScanfuseError } from '../errors.js';
import type { Mesh, MeshWarning } from '../types.js';
import type { Scope } from '../wasm/abi.js';

/**
 * Checks a mesh already copied into the scope (positions at `positionsPtr`, indices at
 * `indicesPtr`). Out-of-range indices throw with `code` (MALFORMED_INPUT for readers,
 * INVALID_ARGUMENT for meshes handed to writers).
 */
export function checkMeshInScope(
  s: Scope, api: string, positionsPtr: number, vertexCount: number, indicesPtr: number, triangleCount: number,
  code: 'MALFORMED_INPUT' | 'INVALID_ARGUMENT', file?: string,
): MeshWarning[] {
  const c = s.constants;
  const out = s.out();
  const scratch = s.alloc(vertexCount);
  const status = s.call('mesh_check', positionsPtr, vertexCount, indicesPtr, triangleCount, scratch, out);
  if (status < 0) {
    const f = s.failure(status, out);
    throw new ScanfuseError(code, `${api}: triangle ${Math.floor(f.offset / 3)} uses vertex ${f.actual}, but there are only ${f.expected} vertices`,
      { file, triangle: Math.floor(f.offset / 3), expected: `< ${f.expected}`, actual: f.actual });
  }
  const warnings: MeshWarning[] = [];
  const nonfinite = s.u32(out + c.CHECK_OUT_NONFINITE_VERTICES);
  const degenerate = s.u32(out + c.CHECK_OUT_DEGENERATE_TRIANGLES);
  const unreferenced = s.u32(out + c.CHECK_OUT_UNREFERENCED_VERTICES);
  if (nonfinite) warnings.push({ code: 'NONFINITE_VERTICES', count: nonfinite, message: `${nonfinite} vertices have NaN or infinite coordinates` });
  if (degenerate) warnings.push({ code: 'DEGENERATE_TRIANGLES', count: degenerate, message: `${degenerate} triangles have zero area` });
  if (unreferenced && triangleCount > 0) {
    warnings.push({ code: 'UNREFERENCED_VERTICES', count: unreferenced, message: `${unreferenced} vertices are not used by any triangle` });
  }
  if (vertexCount === 0 && triangleCount === 0) warnings.push({ code: 'EMPTY_MESH', count: 0, message: 'the mesh is empty' });
  return warnings;
}

/** Validates the shape of a caller-provided mesh (array types and lengths). */
export function assertMeshShape(mesh: Mesh, api: string): void {
  const bad = (message: string, details: Record<string, unknown> = {}) =>
    new ScanfuseError('INVALID_ARGUMENT', `${api}: ${message}`, details);
  if (!mesh || typeof mesh !== 'object') throw bad('mesh must be an object with positions and indices');
  if (!(mesh.positions instanceof Float32Array)) throw bad('mesh.positions must be a Float32Array');
  if (!(mesh.indices instanceof Uint32Array)) throw bad('mesh.indices must be a Uint32Array');
  if (mesh.positions.length % 3) throw bad('mesh.positions length must be a multiple of 3', { actual: mesh.positions.length });
  if (mesh.indices.length % 3) throw bad('mesh.indices length must be a multiple of 3', { actual: mesh.indices.length });
  const v = mesh.positions.length / 3;
  const t = mesh.indices.length / 3;
  const perVertex = (name: string, a: ArrayLike<number> | undefined, itemSize: number) => {
    if (a !== undefined && a.length !== v * itemSize) throw bad(`${name} must hold ${itemSize} values per vertex`, { expected: v * itemSize, actual: a.length });
  };
  const perFace = (name: string, a: ArrayLike<number> | undefined, itemSize: number) => {
    if (a !== undefined && a.length !== t * itemSize) throw bad(`${name} must hold ${itemSize} values per triangle`, { expected: t * itemSize, actual: a.length });
  };
  if (mesh.normals !== undefined && !(mesh.normals instanceof Float32Array)) throw bad('mesh.normals must be a Float32Array');
  if (mesh.uvs !== undefined && !(mesh.uvs instanceof Float32Array)) throw bad('mesh.uvs must be a Float32Array');
  perVertex('mesh.normals', mesh.normals, 3);
  perVertex('mesh.uvs', mesh.uvs, 2);
  for (const [name, c] of [['mesh.colors', mesh.colors], ['mesh.faceColors', mesh.faceColors]] as const) {
    if (c === undefined) continue;
    if (!(c.array instanceof Uint8Array) || (c.itemSize !== 3 && c.itemSize !== 4)) throw bad(`${name} must be { array: Uint8Array, itemSize: 3 | 4 }`);
  }
  if (mesh.colors) perVertex('mesh.colors', mesh.colors.array, mesh.colors.itemSize);
  if (mesh.faceColors) perFace('mesh.faceColors', mesh.faceColors.array, mesh.faceColors.itemSize);
  for (const [scope, attrs, check] of [['vertexAttributes', mesh.vertexAttributes, perVertex], ['faceAttributes', mesh.faceAttributes, perFace]] as const) {
    for (const [name, a] of Object.entries(attrs ?? {})) {
      if (!a || !ArrayBuffer.isView(a.array) || a.array instanceof DataView || typeof (a.array as { BYTES_PER_ELEMENT?: number }).BYTES_PER_ELEMENT !== 'number'
        || a.array instanceof BigInt64Array || a.array instanceof BigUint64Array || a.array instanceof Uint8ClampedArray) {
        throw bad(`mesh.${scope}.${name}.array must be a typed array (Int8..Float64)`);
      }
      if (!(Number.isInteger(a.itemSize) && a.itemSize >= 1)) throw bad(`mesh.${scope}.${name}.itemSize must be a positive integer`);
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw bad(`mesh.${scope} name '${name}' must be an identifier (letters, digits, _)`);
      check(`mesh.${scope}.${name}`, a.array, a.itemSize);
    }
  }
}
