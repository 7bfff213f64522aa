// Internal: a caller's mesh copied into a scope with its indices checked, for kernels that need
// every index < vertexCount (NIRI projection, scan comparison, quality reports).
import { ScanfuseError } from '../errors.js';
import { assertMeshShape } from '../io/mesh-check.js';
import type { Mesh } from '../types.js';
import type { Scope } from '../wasm/abi.js';

export interface MeshInScope {
  positions: number;
  indices: number;
  vertexCount: number;
  triangleCount: number;
}

/** Validates `mesh` (shape, then every index < vertex count in the core) and copies it in. */
export function meshInScope(s: Scope, api: string, mesh: Mesh, name = 'mesh'): MeshInScope {
  assertMeshShape(mesh, api);
  const vertexCount = mesh.positions.length / 3;
  const triangleCount = mesh.indices.length / 3;
  const positions = s.input(mesh.positions);
  const indices = s.input(mesh.indices.length ? mesh.indices : new Uint32Array(3));
  const out = s.out();
  if (s.call('mesh_check_indices', indices, mesh.indices.length, vertexCount, out) < 0) {
    const f = s.failure(-1, out);
    throw new ScanfuseError('INVALID_ARGUMENT', `${api}: ${name} triangle ${Math.floor(f.offset / 3)} uses vertex ${f.actual}, but there are only ${vertexCount} vertices`,
      { triangle: Math.floor(f.offset / 3), expected: `< ${vertexCount}`, actual: f.actual });
  }
  return { positions, indices, vertexCount, triangleCount };
}
