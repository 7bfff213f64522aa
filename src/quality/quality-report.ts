// Scan-quality report: holes, fragments, non-manifold edges and low-confidence area of a scanned
// mesh, with a verdict a lab can act on (ready, or rescan here and here) before the patient leaves.
import type { Engine } from '../engine.js';
import { ScanfuseError } from '../errors.js';
import { meshInScope } from '../mesh/mesh-in-scope.js';
import { wasmOf } from '../metrics/surface-grid.js';
import { integerOption, rangeOption } from '../registration/point-cloud.js';
import type { Mesh } from '../types.js';
import { componentsInScope, edgesInScope, type MeshRegion } from './mesh-regions.js';

type Vec3 = [number, number, number];

export type QualityVerdict = 'ready' | 'needsRescan';

export type QualityIssueKind = 'empty' | 'hole' | 'detachedPart' | 'lowConfidence' | 'smallHoles' | 'looseFragments' | 'nonManifold' | 'misoriented';

/** Where something is: a centroid and a bounding box, mm. */
export interface QualityPlace {
  centroid: Vec3;
  bounds: { min: Vec3; max: Vec3 };
}

/** One finding. 'rescan' findings make the verdict needsRescan; 'warning' ones can be fixed in software. */
export interface QualityIssue {
  kind: QualityIssueKind;
  severity: 'rescan' | 'warning';
  message: string;
  /** How many (holes, fragments, edges, regions). */
  count: number;
  /** Where, largest first (at most maxListed). */
  where: QualityPlace[];
}

/** A boundary loop: a hole, or the open border where the scan ends. */
export interface QualityLoop extends QualityPlace {
  edgeCount: number;
  /** Sum of its edge lengths, mm. */
  perimeter: number;
  /** Area of the surface that would close it: |0.5 sum (a - c) x (b - c)| over its edges, mm^2. */
  spannedArea: number;
  /**
   * Unit direction of that vector area, or zeros. Edges are taken as their triangles traverse
   * them, so for a hole it points against the surrounding surface's outward normal, for the open
   * border along it.
   */
  normal: Vec3;
}

/** A connected component (triangles sharing vertices). */
export interface QualityComponent extends QualityPlace {
  triangleCount: number;
  /** mm^2. */
  area: number;
}

export interface QualityReportOptions {
  /**
   * The boundary loop with the longest perimeter is the scan's open border, not a hole (an
   * intraoral scan ends somewhere on the gingiva). Default true; false: every loop is a hole (a
   * model that should be closed).
   */
  openBorder?: boolean;
  /** Holes that would need more than this area to close are 'rescan' issues, mm^2. Default 1. */
  maxHoleArea?: number;
  /** Components other than the largest with at least this area are detached parts ('rescan'), mm^2; smaller ones are loose fragments ('warning'). Default 10. */
  detachedPartArea?: number;
  /** Name of the per-vertex confidence attribute (fusion's accumulated observation weight). Default 'confidence'. */
  confidenceAttribute?: string;
  /** Triangles whose corners' mean confidence is below this are low-confidence. Default 2. */
  confidenceThreshold?: number;
  /** A connected low-confidence region larger than this is a 'rescan' issue, mm^2 (smaller: 'warning'). Default 2. */
  maxLowConfidenceArea?: number;
  /** Places listed per issue and per list in the report. Default 20. */
  maxListed?: number;
}

export const DEFAULT_QUALITY_REPORT_OPTIONS = Object.freeze({
  openBorder: true,
  maxHoleArea: 1,
  detachedPartArea: 10,
  confidenceAttribute: 'confidence',
  confidenceThreshold: 2,
  maxLowConfidenceArea: 2,
  maxListed: 20,
});

export interface QualityReport {
  /** 'needsRescan' when any issue has severity 'rescan'. */
  verdict: QualityVerdict;
  /** Why the scan needs rescanning (severity 'rescan'), most important first. */
  reasons: QualityIssue[];
  /** What software can fix (small holes, loose fragments, non-manifold or misoriented edges). */
  warnings: QualityIssue[];
  vertexCount: number;
  triangleCount: number;
  /** Total triangle area, mm^2. */
  area: number;
  edges: { total: number; boundary: number; nonManifold: number; misoriented: number };
  /** Every boundary loop (border and holes). */
  boundaryLoopCount: number;
  /** The open border (openBorder option), or null. */
  border: QualityLoop | null;
  /** The other loops, largest spanned area first (at most maxListed; holeCount has them all). */
  holes: QualityLoop[];
  holeCount: number;
  /** Connected components: the largest, and the others by area (at most maxListed). */
  componentCount: number;
  mainComponent: QualityComponent | null;
  fragments: QualityComponent[];
  /** The non-manifold edges (vertex index pairs and midpoints, at most maxListed; the count has them all). */
  nonManifoldEdges: Array<{ vertices: [number, number]; midpoint: Vec3 }>;
  /**
   * Present when the mesh has the confidence attribute: the triangles below the threshold, their
   * area and share, and their connected regions by area (at most maxListed).
   */
  lowConfidence: { threshold: number; triangleCount: number; area: number; fraction: number; regionCount: number; regions: QualityComponent[] } | null;
}

function resolveOptions(options: QualityReportOptions, api: string) {
  if (options === null || typeof options !== 'object') throw new ScanfuseError('INVALID_ARGUMENT', `${api}: options must be an object`);
  const o = { ...DEFAULT_QUALITY_REPORT_OPTIONS, ...options };
  if (typeof o.openBorder !== 'boolean') throw new ScanfuseError('INVALID_ARGUMENT', `${api}: openBorder must be a boolean`);
  if (typeof o.confidenceAttribute !== 'string') throw new ScanfuseError('INVALID_ARGUMENT', `${api}: confidenceAttribute must be a string`);
  const area = (v: unknown, name: string) => rangeOption(v, api, name, 0, Infinity);
  return {
    openBorder: o.openBorder,
    maxHoleArea: area(o.maxHoleArea, 'maxHoleArea'),
    detachedPartArea: area(o.detachedPartArea, 'detachedPartArea'),
    confidenceAttribute: o.confidenceAttribute,
    confidenceThreshold: rangeOption(o.confidenceThreshold, api, 'confidenceThreshold', -Number.MAX_VALUE, Number.MAX_VALUE),
    maxLowConfidenceArea: area(o.maxLowConfidenceArea, 'maxLowConfidenceArea'),
    maxListed: integerOption(o.maxListed, api, 'maxListed', 0, 1_000_000),
  };
}

const place = (r: MeshRegion): QualityPlace => ({ centroid: r.centroid, bounds: r.bounds });

function loopOf(r: MeshRegion): QualityLoop {
  const l = Math.hypot(...r.vectorArea);
  return {
    ...place(r), edgeCount: r.count, perimeter: r.length, spannedArea: r.area,
    normal: l > 0 ? [r.vectorArea[0] / l, r.vectorArea[1] / l, r.vectorArea[2] / l] : [0, 0, 0],
  };
}

const componentOf = (r: MeshRegion): QualityComponent => ({ ...place(r), triangleCount: r.count, area: r.area });

const mm2 = (v: number) => `${v < 10 ? v.toFixed(2) : v.toFixed(1)} mm^2`;

/**
 * Inspects a scanned mesh (mm; counter-clockwise = outward) and returns a QualityReport: holes
 * (boundary loops other than the open border, with perimeter and spanned area), fragments
 * (components other than the largest), non-manifold and misoriented edges, low-confidence area
 * (when the mesh has a per-vertex confidence attribute) and a verdict with the reasons and where
 * (centroids and bounding boxes). Counts agree with meshInfo (loops are connected sets of
 * boundary edges; components share vertices). Throws INVALID_ARGUMENT for a malformed mesh or
 * options.
 */
export function qualityReport(engine: Engine, mesh: Mesh, options: QualityReportOptions = {}): QualityReport {
  const api = 'qualityReport';
  const wasm = wasmOf(engine, api);
  const o = resolveOptions(options ?? {}, api);
  const confidence = mesh?.vertexAttributes?.[o.confidenceAttribute];
  if (confidence && confidence.itemSize !== 1) {
    throw new ScanfuseError('INVALID_ARGUMENT', `${api}: the '${o.confidenceAttribute}' attribute must have itemSize 1`, { actual: confidence.itemSize });
  }
  return wasm.scope(api, (s) => {
    const c = s.constants;
    const m = meshInScope(s, api, mesh);
    const edges = edgesInScope(s, api, m);
    const parts = componentsInScope(s, m, 0);
    let low: QualityReport['lowConfidence'] = null;
    let lowRegions: QualityComponent[] = [];
    if (confidence) {
      const values = confidence.array instanceof Float32Array ? confidence.array : Float32Array.from(confidence.array as ArrayLike<number>);
      const mask = s.alloc(Math.max(1, m.triangleCount));
      const out = s.out();
      if (s.call('quality_confidence_mask', m.positions, s.input(values), m.indices, m.triangleCount, o.confidenceThreshold, mask, out) < 0) {
        throw new ScanfuseError('INVALID_ARGUMENT', `${api}: confidenceThreshold must be a number`);
      }
      const lowArea = s.f64(out + c.QMASK_OUT_AREA);
      lowRegions = componentsInScope(s, m, mask).components.map(componentOf).sort((a, b) => b.area - a.area);
      low = {
        threshold: o.confidenceThreshold, triangleCount: s.u32(out + c.QMASK_OUT_SELECTED), area: lowArea,
        fraction: parts.area > 0 ? lowArea / parts.area : 0, regionCount: lowRegions.length, regions: lowRegions.slice(0, o.maxListed),
      };
    }
    // Loops: the longest is the open border (optionally), the rest are holes.
    const loops = edges.loops.map(loopOf);
    let border: QualityLoop | null = null;
    if (o.openBorder && loops.length > 0) {
      let k = 0;
      for (let i = 1; i < loops.length; i++) if (loops[i].perimeter > loops[k].perimeter) k = i;
      border = loops.splice(k, 1)[0];
    }
    const holes = loops.sort((a, b) => b.spannedArea - a.spannedArea);
    const components = parts.components.map(componentOf).sort((a, b) => b.area - a.area || b.triangleCount - a.triangleCount);
    const mainComponent = components[0] ?? null;
    const fragments = components.slice(1);
    const p = mesh.positions;
    const nonManifoldEdges: QualityReport['nonManifoldEdges'] = [];
    for (let k = 0; k < Math.min(o.maxListed, edges.nonManifoldEdgeCount); k++) {
      const a = edges.nonManifoldEdges[2 * k], b = edges.nonManifoldEdges[2 * k + 1];
      nonManifoldEdges.push({ vertices: [a, b], midpoint: [0.5 * (p[3 * a] + p[3 * b]), 0.5 * (p[3 * a + 1] + p[3 * b + 1]), 0.5 * (p[3 * a + 2] + p[3 * b + 2])] });
    }

    // Issues.
    const reasons: QualityIssue[] = [];
    const warnings: QualityIssue[] = [];
    const list = (items: QualityPlace[]) => items.slice(0, o.maxListed).map((x) => ({ centroid: x.centroid, bounds: x.bounds }));
    if (m.triangleCount === 0) reasons.push({ kind: 'empty', severity: 'rescan', message: 'the mesh has no triangles', count: 0, where: [] });
    const bigHoles = holes.filter((h) => h.spannedArea > o.maxHoleArea);
    const smallHoles = holes.filter((h) => h.spannedArea <= o.maxHoleArea);
    if (bigHoles.length) {
      reasons.push({ kind: 'hole', severity: 'rescan', count: bigHoles.length, where: list(bigHoles),
        message: `${bigHoles.length} hole${bigHoles.length > 1 ? 's' : ''} larger than ${mm2(o.maxHoleArea)} (largest ${mm2(bigHoles[0].spannedArea)})` });
    }
    const detached = fragments.filter((f) => f.area >= o.detachedPartArea);
    const loose = fragments.filter((f) => f.area < o.detachedPartArea);
    if (detached.length) {
      reasons.push({ kind: 'detachedPart', severity: 'rescan', count: detached.length, where: list(detached),
        message: `${detached.length} part${detached.length > 1 ? 's' : ''} of ${mm2(o.detachedPartArea)} or more not connected to the main surface (largest ${mm2(detached[0].area)})` });
    }
    if (low) {
      const bigLow = lowRegions.filter((r) => r.area > o.maxLowConfidenceArea);
      if (bigLow.length) {
        reasons.push({ kind: 'lowConfidence', severity: 'rescan', count: bigLow.length, where: list(bigLow),
          message: `${bigLow.length} low-confidence region${bigLow.length > 1 ? 's' : ''} (confidence < ${o.confidenceThreshold}) larger than ${mm2(o.maxLowConfidenceArea)} (largest ${mm2(bigLow[0].area)})` });
      } else if (low.regionCount) {
        warnings.push({ kind: 'lowConfidence', severity: 'warning', count: low.regionCount, where: list(lowRegions),
          message: `${low.regionCount} small low-confidence region${low.regionCount > 1 ? 's' : ''} (${mm2(low.area)} in all)` });
      }
    }
    if (smallHoles.length) {
      warnings.push({ kind: 'smallHoles', severity: 'warning', count: smallHoles.length, where: list(smallHoles),
        message: `${smallHoles.length} small hole${smallHoles.length > 1 ? 's' : ''} (at most ${mm2(o.maxHoleArea)} each; fillable)` });
    }
    if (loose.length) {
      warnings.push({ kind: 'looseFragments', severity: 'warning', count: loose.length, where: list(loose),
        message: `${loose.length} loose fragment${loose.length > 1 ? 's' : ''} under ${mm2(o.detachedPartArea)} (remove)` });
    }
    if (edges.nonManifoldEdgeCount) {
      warnings.push({ kind: 'nonManifold', severity: 'warning', count: edges.nonManifoldEdgeCount,
        where: nonManifoldEdges.map((e) => ({ centroid: e.midpoint, bounds: { min: e.midpoint, max: e.midpoint } })),
        message: `${edges.nonManifoldEdgeCount} non-manifold edge${edges.nonManifoldEdgeCount > 1 ? 's' : ''} (three or more triangles on one edge)` });
    }
    if (edges.misorientedEdgeCount) {
      warnings.push({ kind: 'misoriented', severity: 'warning', count: edges.misorientedEdgeCount, where: [],
        message: `${edges.misorientedEdgeCount} edge${edges.misorientedEdgeCount > 1 ? 's' : ''} between triangles of opposite orientation` });
    }
    return {
      verdict: reasons.length ? 'needsRescan' : 'ready',
      reasons, warnings,
      vertexCount: m.vertexCount, triangleCount: m.triangleCount, area: parts.area,
      edges: { total: edges.edgeCount, boundary: edges.boundaryEdgeCount, nonManifold: edges.nonManifoldEdgeCount, misoriented: edges.misorientedEdgeCount },
      boundaryLoopCount: edges.loops.length,
      border,
      holes: holes.slice(0, o.maxListed),
      holeCount: holes.length,
      componentCount: components.length,
      mainComponent,
      fragments: fragments.slice(0, o.maxListed),
      nonManifoldEdges,
      lowConfidence: low,
    };
  });
}
