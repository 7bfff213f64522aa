// Pairwise rigid registration of two triangle meshes: registerPointClouds on their vertices, with
// the meshes' own normals (or area-weighted vertex normals from the triangles, outward for
// counter-clockwise meshes), so no normal needs estimating or orienting.
import type { Engine } from '../engine.js';
import { wasmOf } from '../metrics/surface-grid.js';
import type { Scope } from '../wasm/abi.js';
import type { Mesh } from '../types.js';
import { meshNormalsInScope, type ScopedCloud } from './cloud-kernels.js';
import { assertMesh } from './point-cloud.js';
import { registerInScope, resolveRegistrationOptions, type RegistrationOptions } from './register-point-clouds.js';
import type { RegistrationResult } from './registration-result.js';

function meshInScope(s: Scope, api: string, mesh: Mesh): ScopedCloud {
  const count = mesh.positions.length / 3;
  const points = s.input(mesh.positions);
  let normals = 0;
  if (mesh.normals) normals = s.input(mesh.normals);
  else if (mesh.indices.length > 0) normals = meshNormalsInScope(s, api, points, count, s.input(mesh.indices), mesh.indices.length / 3);
  return { points, normals, count };
}

/**
 * Registers mesh `source` to mesh `target` (mm) as registerPointClouds does with their vertices
 * (a mesh without triangles is a point cloud: normals estimated). Options and result: see
 * registerPointClouds. Throws INVALID_ARGUMENT for malformed meshes or options.
 */
export function registerMeshes(engine: Engine, source: Mesh, target: Mesh, options: RegistrationOptions = {}): RegistrationResult {
  const api = 'registerMeshes';
  const wasm = wasmOf(engine, api);
  assertMesh(source, api);
  assertMesh(target, api);
  const o = resolveRegistrationOptions(options ?? {}, api);
  return wasm.scope(api, (s) => registerInScope(s, api, meshInScope(s, api, source), meshInScope(s, api, target), source.positions, target.positions, o));
}
