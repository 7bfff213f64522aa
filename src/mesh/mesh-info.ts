// Counts and measures of a mesh for labs (`scanfuse info`): bounds, area, edges by class,
// boundary loops, components, closed/open and enclosed volume.
import { ScanfuseError } from '../errors.js';
import type { Mesh } from '../types.js';
import type { Wasm } from '../wasm/abi.js';
import { assertMeshShape, checkMeshInScope } from '../io/mesh-check.js';

export interface MeshInfo {
  vertexCount: number;
  triangleCount: number;
  /** Vertices used by at least one triangle. */
  referencedVertexCount: number;
  /** Axis-aligned bounds of the referenced vertices (all vertices for point clouds), mm. */
  bounds: { min: [number, number, number]; max: [number, number, number] } | null;
  /** Total triangle area, mm^2. */
  area: number;
  /** Unique undirected edges. */
  edgeCount: number;
  /** Edges with exactly one triangle: the open border of the surface. */
  boundaryEdgeCount: number;
  /** Connected loops of boundary edges (holes, and the outer border of an open scan). */
  boundaryLoopCount: number;
  /** Edges shared by three or more triangles. */
  nonManifoldEdgeCount: number;
  /** Two-triangle edges whose triangles disagree on orientation. */
  misorientedEdgeCount: number;
  /** Sets of triangles connected through shared vertices. */
  componentCount: number;
  largestComponentTriangleCount: number;
  degenerateTriangleCount: number;
  nonFiniteVertexCount: number;
  /** No boundary, non-manifold or misoriented edges: the mesh bounds a volume. */
  closed: boolean;
  /** Enclosed volume in mm^3 when closed (positive for outward-facing triangles), else null. */
  volume: number | null;
}

export function meshInfo(wasm: Wasm, mesh: Mesh): MeshInfo {
  const api = 'meshInfo';
  assertMeshShape(mesh, api);
  const vertexCount = mesh.positions.length / 3;
  const triangleCount = mesh.indices.length / 3;
  return wasm.scope(api, (s) => {
    const c = s.constants;
    const positions = s.input(mesh.positions);
    const indices = s.input(mesh.indices);
    const warnings = checkMeshInScope(s, api, positions, vertexCount, indices, triangleCount, 'INVALID_ARGUMENT');
    const count = (code: string) => warnings.find((w) => w.code === code)?.count ?? 0;
    const scratchBytes = s.call('mesh_topology_scratch_bytes', vertexCount, triangleCount);
    const scratch = s.alloc(scratchBytes);
    const out = s.out();
    const status = s.call('mesh_topology', positions, vertexCount, indices, triangleCount, scratch, out);
    if (status < 0) throw new ScanfuseError('INVALID_ARGUMENT', `${api}: mesh too large to analyse (${vertexCount} vertices)`, { actual: vertexCount });
    const boundary = s.u32(out + c.TOPO_OUT_BOUNDARY_EDGES);
    const nonManifold = s.u32(out + c.TOPO_OUT_NONMANIFOLD_EDGES);
    const misoriented = s.u32(out + c.TOPO_OUT_MISORIENTED_EDGES);
    const closed = triangleCount > 0 && boundary === 0 && nonManifold === 0 && misoriented === 0;
    const b = out + c.TOPO_OUT_MIN_X;
    let bounds: MeshInfo['bounds'] = null;
    if (triangleCount > 0) {
      bounds = { min: [s.f64(b), s.f64(b + 8), s.f64(b + 16)], max: [s.f64(b + 24), s.f64(b + 32), s.f64(b + 40)] };
    } else if (vertexCount > 0) {
      const min: [number, number, number] = [Infinity, Infinity, Infinity];
      const max: [number, number, number] = [-Infinity, -Infinity, -Infinity];
      const p = mesh.positions;
      for (let i = 0; i < p.length; i += 3) {
        for (let k = 0; k < 3; k++) {
          if (p[i + k] < min[k]) min[k] = p[i + k];
          if (p[i + k] > max[k]) max[k] = p[i + k];
        }
      }
      bounds = { min, max };
    }
    return {
      vertexCount,
      triangleCount,
      referencedVertexCount: s.u32(out + c.TOPO_OUT_REFERENCED_VERTICES),
      bounds,
      area: s.f64(out + c.TOPO_OUT_AREA),
      edgeCount: s.u32(out + c.TOPO_OUT_EDGES),
      boundaryEdgeCount: boundary,
      boundaryLoopCount: s.u32(out + c.TOPO_OUT_BOUNDARY_LOOPS),
      nonManifoldEdgeCount: nonManifold,
      misorientedEdgeCount: misoriented,
      componentCount: s.u32(out + c.TOPO_OUT_COMPONENTS),
      largestComponentTriangleCount: s.u32(out + c.TOPO_OUT_LARGEST_COMPONENT_TRIANGLES),
      degenerateTriangleCount: count('DEGENERATE_TRIANGLES'),
      nonFiniteVertexCount: count('NONFINITE_VERTICES'),
      closed,
      volume: closed ? s.f64(out + c.TOPO_OUT_VOLUME) : null,
    };
  });
}
