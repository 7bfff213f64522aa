// Internal: the scan-quality kernels (assembly/quality) driven from a scope: edge classes and
// boundary loops, connected components of all or of selected triangles, as region records read
// back into caller-owned objects.
import { ScanfuseError } from '../errors.js';
import type { MeshInScope } from '../mesh/mesh-in-scope.js';
import type { Scope } from '../wasm/abi.js';

type Vec3 = [number, number, number];

/** A boundary loop or a connected set of triangles (see assembly/abi/quality-layout.ts). */
export interface MeshRegion {
  /** Boundary edges of a loop, or triangles of a component. */
  count: number;
  /** Loops: the smallest vertex index; components: the first corner of the first triangle. */
  seedVertex: number;
  /** Loops: perimeter, mm; components: 0. */
  length: number;
  /** Loops: spanned area |vectorArea|; components: triangle area, mm^2. */
  area: number;
  centroid: Vec3;
  bounds: { min: Vec3; max: Vec3 };
  vectorArea: Vec3;
}

function readRegions(s: Scope, ptr: number, count: number): MeshRegion[] {
  const c = s.constants;
  const vec = (at: number): Vec3 => [s.f64(at), s.f64(at + 8), s.f64(at + 16)];
  const regions: MeshRegion[] = [];
  for (let k = 0; k < count; k++) {
    const r = ptr + k * c.REGION_BYTES;
    regions.push({
      count: s.u32(r + c.REGION_COUNT), seedVertex: s.u32(r + c.REGION_SEED_VERTEX), length: s.f64(r + c.REGION_LENGTH),
      area: s.f64(r + c.REGION_AREA), centroid: vec(r + c.REGION_CENTROID), bounds: { min: vec(r + c.REGION_MIN), max: vec(r + c.REGION_MAX) },
      vectorArea: vec(r + c.REGION_VECTOR),
    });
  }
  return regions;
}

export interface EdgeAnalysis {
  edgeCount: number;
  boundaryEdgeCount: number;
  nonManifoldEdgeCount: number;
  misorientedEdgeCount: number;
  /** Every boundary loop, ascending by its smallest vertex. */
  loops: MeshRegion[];
  /** Every non-manifold edge as (low, high) vertex pairs, ascending. */
  nonManifoldEdges: Uint32Array;
}

/** quality_edges on a mesh in the scope, with capacities grown until everything fits. */
export function edgesInScope(s: Scope, api: string, m: MeshInScope, loopCapacity = 256, nonManifoldCapacity = 1024): EdgeAnalysis {
  const c = s.constants;
  const scratch = s.alloc(s.call('quality_edges_scratch_bytes', m.vertexCount, m.triangleCount));
  for (;;) {
    const loops = s.alloc(loopCapacity * c.REGION_BYTES), pairs = s.alloc(8 * nonManifoldCapacity);
    const out = s.out();
    const status = s.call('quality_edges', m.positions, m.vertexCount, m.indices, m.triangleCount, scratch, loops, loopCapacity, pairs,
      nonManifoldCapacity, 0, out);
    const loopCount = s.u32(out + c.QEDGE_OUT_LOOPS), nonManifold = s.u32(out + c.QEDGE_OUT_NONMANIFOLD);
    if (status === c.STATUS_CAPACITY_EXCEEDED) {
      loopCapacity = Math.max(loopCapacity, loopCount);
      nonManifoldCapacity = Math.max(nonManifoldCapacity, nonManifold);
      continue;
    }
    if (status < 0) throw new ScanfuseError('INVALID_ARGUMENT', `${api}: mesh too large to analyse (${m.vertexCount} vertices)`, { actual: m.vertexCount });
    return {
      edgeCount: s.u32(out + c.QEDGE_OUT_EDGES), boundaryEdgeCount: s.u32(out + c.QEDGE_OUT_BOUNDARY), nonManifoldEdgeCount: nonManifold,
      misorientedEdgeCount: s.u32(out + c.QEDGE_OUT_MISORIENTED), loops: readRegions(s, loops, loopCount),
      nonManifoldEdges: s.copyOut(Uint32Array, pairs, 2 * nonManifold),
    };
  }
}

export interface ComponentAnalysis {
  /** Every component, in the order of its first triangle. */
  components: MeshRegion[];
  selectedTriangleCount: number;
  /** Total area of the selected triangles, mm^2. */
  area: number;
}

/** quality_components over all triangles (mask 0) or those with a non-zero mask byte. */
export function componentsInScope(s: Scope, m: MeshInScope, mask: number, capacity = 256): ComponentAnalysis {
  const c = s.constants;
  const scratch = s.alloc(s.call('quality_components_scratch_bytes', m.vertexCount));
  for (;;) {
    const regions = s.alloc(capacity * c.REGION_BYTES);
    const out = s.out();
    const status = s.call('quality_components', m.positions, m.vertexCount, m.indices, m.triangleCount, mask, scratch, 0, regions, capacity, out);
    const count = s.u32(out + c.QCOMP_OUT_COMPONENTS);
    if (status === c.STATUS_CAPACITY_EXCEEDED) {
      capacity = count;
      continue;
    }
    return { components: readRegions(s, regions, count), selectedTriangleCount: s.u32(out + c.QCOMP_OUT_TRIANGLES), area: s.f64(out + c.QCOMP_OUT_AREA) };
  }
}
