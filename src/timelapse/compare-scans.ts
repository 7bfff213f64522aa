// TimeLapse: two scans of one patient taken months apart, aligned on what did not change, with
// the signed deviation of the later scan from the earlier one at every vertex, a heatmap and
// statistics overall and per tooth.
import type { Engine } from '../engine.js';
import { ScanfuseError } from '../errors.js';
import { isRigid, type Transform } from '../math/pose.js';
import { meshInScope } from '../mesh/mesh-in-scope.js';
import { vertexLabels } from '../mesh/vertex-labels.js';
import { createSurfaceIndex, type SurfaceIndex } from '../metrics/surface-index.js';
import { wasmOf } from '../metrics/surface-grid.js';
import { choiceOption, integerOption, positiveOption, rangeOption } from '../registration/point-cloud.js';
import { buildPointGrid, cloudInScope, icpInScope } from '../registration/cloud-kernels.js';
import { DEFAULT_REGISTRATION_OPTIONS, registerPointClouds } from '../registration/register-point-clouds.js';
import type { RegistrationVerdict } from '../registration/registration-result.js';
import type { ColorOutput } from '../niri/overlay-colors.js';
import type { Mesh } from '../types.js';
import type { Wasm } from '../wasm/abi.js';
import { deviationStatsInScope, type DeviationStats, type LabelDeviationStats } from './deviation-stats.js';
import { DEFAULT_HEATMAP_OPTIONS, heatmapColors } from './heatmap-colors.js';

export interface CompareScansOptions {
  /**
   * Align on these labels only (FDI numbers of `after`'s label attribute; 0 = gingiva and palate
   * on a segmented arch), for example the palate or teeth known not to have moved.
   */
  stableLabels?: readonly number[];
  /** Leave these labels out of the alignment (a tooth under treatment). */
  excludeLabels?: readonly number[];
  /** Align only on the vertices of `after` whose byte here is non-zero (one byte per vertex). */
  stableMask?: Uint8Array;
  /** Name of the per-vertex (or per-face) label attribute. Default 'label'. */
  labelAttribute?: string;
  /** Start pose after -> before (column-major 4x4, mm). Default: none (global registration finds one). */
  initial?: Float64Array;
  /** Run the global stage (FPFH + RANSAC) first. Default: true when no `initial` is given. */
  global?: boolean;
  /**
   * Trimmed re-alignments after the first: each leaves out the alignment points whose deviation
   * exceeds max(minTrimDistance, trimSigmas x 1.4826 x median |deviation|) (what moved) and
   * registers again from the current pose (point-to-plane ICP, Tukey weights). Default 1.
   */
  robustPasses?: number;
  /** Default 0.04 mm. */
  minTrimDistance?: number;
  /** Default 3. */
  trimSigmas?: number;
  /** At most this many (evenly strided) stable vertices drive the alignment. Default 40000. */
  maxAlignmentPoints?: number;
  /** Vertices of `after` farther than this from `before` are not compared (NaN), mm. Default 1. */
  maxDistance?: number;
  /** Statistics: the area where |deviation| exceeds this, mm. Default 0.1. */
  threshold?: number;
  /** Heatmap: |deviation| at which the colours saturate, mm. Default 0.25. */
  range?: number;
  /** Heatmap colour of vertices not compared, RGB 0..255. Default [150, 150, 150]. */
  nanColor?: readonly [number, number, number];
  /** Heatmap array type. Default 'uint8'. */
  output?: ColorOutput;
}

export const DEFAULT_COMPARE_SCANS_OPTIONS = Object.freeze({
  labelAttribute: 'label',
  robustPasses: 1,
  minTrimDistance: 0.04,
  trimSigmas: 3,
  maxAlignmentPoints: 40_000,
  maxDistance: 1,
  threshold: 0.1,
  range: DEFAULT_HEATMAP_OPTIONS.range,
});

export interface ScanAlignment {
  /** Maps `after` coordinates to `before` coordinates (column-major 4x4, mm). */
  afterToBefore: Float64Array;
  /** Verdict, fitness and inlier RMSE (mm) of the last registration (see RegistrationResult). */
  verdict: RegistrationVerdict;
  fitness: number;
  inlierRmse: number;
  /** Vertices of `after` allowed to drive the alignment (mask and labels). */
  stableVertexCount: number;
  /** Alignment points of the last pass (strided stable vertices within the trim distance). */
  inlierCount: number;
  /** Trim distance of the last pass, mm (NaN when robustPasses is 0). */
  trimDistance: number;
  /** RMS of the deviation of the last pass's alignment points at the final pose, mm. */
  residualRms: number;
}

export interface ScanComparison {
  alignment: ScanAlignment;
  /**
   * Per vertex of `after`: signed distance (mm) from the vertex, moved by afterToBefore, to the
   * nearest point of `before`'s surface; + on the side before's normals point to (outside:
   * growth, a tooth moved outward), - inside (wear, recession, a tooth moved inward). NaN where
   * not compared: farther than maxDistance, the nearest point on before's open border (the
   * vertex lies beyond before's coverage), or a non-finite vertex.
   */
  deviation: Float32Array;
  /** Heatmap colour per vertex of `after` (symmetric diverging map over +-range; see heatmapColors). */
  colors: Uint8Array | Float32Array;
  /** The heatmap range used, mm. */
  range: number;
  /**
   * `after` moved into `before`'s frame (positions and normals), with the heatmap as `colors`
   * (uint8 output) and the deviation as the vertex attribute `deviation` (Float32, mm): ready to
   * write as a PLY or show.
   */
  aligned: Mesh;
  /** Statistics over the compared vertices (see DeviationStats). */
  stats: DeviationStats;
  /** Per label of `after` (ascending) when it has the label attribute, else null. */
  perLabel: LabelDeviationStats[] | null;
  /** Vertices left out: no surface within maxDistance, nearest point on before's open border, non-finite. */
  notCompared: { beyondMaxDistance: number; outsideBefore: number; nonFinite: number };
}

function resolveOptions(options: CompareScansOptions, api: string) {
  if (options === null || typeof options !== 'object') throw new ScanfuseError('INVALID_ARGUMENT', `${api}: options must be an object`);
  const o = { ...DEFAULT_COMPARE_SCANS_OPTIONS, ...options };
  const labelList = (v: unknown, name: string) => {
    if (v === undefined) return undefined;
    if (!Array.isArray(v) || !v.every((x) => Number.isInteger(x))) throw new ScanfuseError('INVALID_ARGUMENT', `${api}: ${name} must be an array of integers`);
    return new Set(v as number[]);
  };
  if (o.initial !== undefined && !(o.initial instanceof Float64Array && o.initial.length === 16 && isRigid(o.initial, 1e-5))) {
    throw new ScanfuseError('INVALID_ARGUMENT', `${api}: initial must be a rigid transform as a Float64Array(16), column-major`);
  }
  if (o.global !== undefined && typeof o.global !== 'boolean') throw new ScanfuseError('INVALID_ARGUMENT', `${api}: global must be a boolean`);
  if (o.stableMask !== undefined && !(o.stableMask instanceof Uint8Array)) throw new ScanfuseError('INVALID_ARGUMENT', `${api}: stableMask must be a Uint8Array`);
  if (typeof o.labelAttribute !== 'string') throw new ScanfuseError('INVALID_ARGUMENT', `${api}: labelAttribute must be a string`);
  return {
    stableLabels: labelList(o.stableLabels, 'stableLabels'),
    excludeLabels: labelList(o.excludeLabels, 'excludeLabels'),
    stableMask: o.stableMask,
    labelAttribute: o.labelAttribute,
    initial: o.initial,
    global: o.global,
    robustPasses: integerOption(o.robustPasses, api, 'robustPasses', 0, 10),
    minTrimDistance: positiveOption(o.minTrimDistance, api, 'minTrimDistance'),
    trimSigmas: positiveOption(o.trimSigmas, api, 'trimSigmas'),
    maxAlignmentPoints: integerOption(o.maxAlignmentPoints, api, 'maxAlignmentPoints', 100, 100_000_000),
    maxDistance: positiveOption(o.maxDistance, api, 'maxDistance'),
    threshold: rangeOption(o.threshold, api, 'threshold', 0, Number.MAX_VALUE),
    range: positiveOption(o.range, api, 'range'),
    nanColor: o.nanColor ?? DEFAULT_HEATMAP_OPTIONS.nanColor,
    output: choiceOption(o.output ?? 'uint8', api, 'output', ['uint8', 'float32'] as const),
  };
}

/** Unit vertex normals (the mesh's own, else area-weighted from its triangles), vertex areas and border marks. */
function meshMeasures(wasm: Wasm, api: string, mesh: Mesh, name: string, wantMarks: boolean) {
  return wasm.scope(api, (s) => {
    const c = s.constants;
    const m = meshInScope(s, api, mesh, name);
    let normals = mesh.normals;
    if (!normals) {
      const ptr = s.alloc(12 * m.vertexCount);
      s.call('cloud_mesh_vertex_normals', m.positions, m.vertexCount, m.indices, m.triangleCount, ptr, s.out());
      normals = s.copyOut(Float32Array, ptr, 3 * m.vertexCount);
    }
    const areas = s.alloc(8 * m.vertexCount);
    s.call('metrics_vertex_areas', m.positions, m.vertexCount, m.indices, m.triangleCount, areas, s.out());
    let marks: Uint8Array | null = null;
    if (wantMarks && m.triangleCount > 0) {
      const scratch = s.alloc(s.call('quality_edges_scratch_bytes', m.vertexCount, m.triangleCount));
      const markPtr = s.alloc(m.vertexCount);
      const status = s.call('quality_edges', m.positions, m.vertexCount, m.indices, m.triangleCount, scratch, 0, 0, 0, 0, markPtr, s.out());
      if (status < 0 && status !== c.STATUS_CAPACITY_EXCEEDED) throw new ScanfuseError('INVALID_ARGUMENT', `${api}: ${name} is too large`);
      marks = s.copyOut(Uint8Array, markPtr, m.vertexCount);
    }
    return { normals, areas: s.copyOut(Float64Array, areas, m.vertexCount), marks };
  });
}

function transformed(m: Transform, positions: ArrayLike<number>, out = new Float64Array(positions.length)): Float64Array {
  for (let i = 0; i < positions.length; i += 3) {
    const x = positions[i], y = positions[i + 1], z = positions[i + 2];
    out[i] = m[0] * x + m[4] * y + m[8] * z + m[12];
    out[i + 1] = m[1] * x + m[5] * y + m[9] * z + m[13];
    out[i + 2] = m[2] * x + m[6] * y + m[10] * z + m[14];
  }
  return out;
}

function gather(source: Float32Array, picks: Uint32Array): Float32Array {
  const out = new Float32Array(3 * picks.length);
  for (let k = 0; k < picks.length; k++) {
    const i = 3 * picks[k];
    out[3 * k] = source[i]; out[3 * k + 1] = source[i + 1]; out[3 * k + 2] = source[i + 2];
  }
  return out;
}

function copyAttributes(attributes: Mesh['vertexAttributes']): NonNullable<Mesh['vertexAttributes']> {
  return Object.fromEntries(Object.entries(attributes ?? {}).map(([k, a]) => [k, { array: a.array.slice(), itemSize: a.itemSize }]));
}

function median(values: Float64Array): number {
  if (values.length === 0) return NaN;
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.floor((sorted.length - 1) / 2)];
}

/**
 * Compares two scans of the same jaw (meshes in mm; counter-clockwise = outward): aligns `after`
 * to `before` on what did not change, then measures the signed deviation of every vertex of
 * `after` from `before`'s surface (see ScanComparison).
 * Alignment: registerPointClouds (global FPFH + RANSAC unless `initial`, then point-to-plane ICP
 * with Tukey weights) on up to maxAlignmentPoints stable vertices (stableMask, stableLabels,
 * excludeLabels), then `robustPasses` trimmed re-registrations that leave out the points that
 * moved. Expected outcomes (a poor alignment) are in `alignment.verdict`; only malformed meshes
 * or options throw (INVALID_ARGUMENT).
 */
export function compareScans(engine: Engine, before: Mesh, after: Mesh, options: CompareScansOptions = {}): ScanComparison {
  const api = 'compareScans';
  const wasm = wasmOf(engine, api);
  const o = resolveOptions(options ?? {}, api);
  const n = after.positions.length / 3;
  if (before.indices?.length === 0) throw new ScanfuseError('INVALID_ARGUMENT', `${api}: before must be a mesh with triangles (its surface is the reference)`);
  const beforeMeasures = meshMeasures(wasm, api, before, 'before', true);
  const afterMeasures = meshMeasures(wasm, api, after, 'after', false);
  if (o.stableMask && o.stableMask.length !== n) {
    throw new ScanfuseError('INVALID_ARGUMENT', `${api}: stableMask must hold one byte per vertex of after`, { expected: n, actual: o.stableMask.length });
  }
  const labels = vertexLabels(after, o.labelAttribute, api);
  if ((o.stableLabels || o.excludeLabels) && !labels) {
    throw new ScanfuseError('INVALID_ARGUMENT', `${api}: stableLabels / excludeLabels need a '${o.labelAttribute}' attribute on after`);
  }
  // The stable vertices, strided down to maxAlignmentPoints.
  const stable: number[] = [];
  for (let i = 0; i < n; i++) {
    if (o.stableMask && !o.stableMask[i]) continue;
    if (o.stableLabels && !o.stableLabels.has(labels![i])) continue;
    if (o.excludeLabels && o.excludeLabels.has(labels![i])) continue;
    if (!(afterMeasures.areas[i] > 0)) continue;
    stable.push(i);
  }
  if (stable.length < 3) throw new ScanfuseError('INVALID_ARGUMENT', `${api}: fewer than 3 stable vertices to align on`, { actual: stable.length });
  const stride = Math.ceil(stable.length / o.maxAlignmentPoints);
  let picks = Uint32Array.from({ length: Math.ceil(stable.length / stride) }, (_, k) => stable[k * stride]);
  const target = { positions: before.positions, normals: beforeMeasures.normals };
  let registration = registerPointClouds(engine, { positions: gather(after.positions, picks), normals: gather(afterMeasures.normals, picks) }, target,
    { ...(o.initial ? { initial: o.initial } : {}), ...(o.global !== undefined ? { global: o.global } : {}) });
  let pose = registration.sourceToTarget;
  const index: SurfaceIndex = createSurfaceIndex(engine, before);
  try {
    let trim = NaN;
    let verdict = registration.verdict, fitness = registration.fitness, inlierRmse = registration.inlierRmse;
    const residuals = (p: Uint32Array) => index.query(transformed(pose, gather(after.positions, p)), { maxDistance: o.maxDistance }).signedDistances;
    if (o.robustPasses > 0) {
      // Trimmed passes: point-to-plane ICP (Tukey) of the points that did not move, against
      // before's vertices, at the final gate of the first registration.
      wasm.scope(api, (s) => {
        const targetCloud = cloudInScope(s, before.positions, beforeMeasures.normals);
        const gate = registration.maxCorrespondenceDistance;
        const spacing = gate / DEFAULT_REGISTRATION_OPTIONS.maxDistanceSpacings;
        const grid = buildPointGrid(s, api, targetCloud.points, targetCloud.count, Math.max(spacing, gate));
        for (let pass = 0; pass < o.robustPasses; pass++) {
          const d = residuals(picks);
          const abs = Float64Array.from(d.filter((x) => Number.isFinite(x)), Math.abs);
          trim = Math.max(o.minTrimDistance, o.trimSigmas * 1.4826 * median(abs));
          const kept = picks.filter((_, k) => Math.abs(d[k]) < trim);
          if (kept.length < 3) break;
          picks = kept;
          const r = icpInScope(s, api, grid, targetCloud.normals, cloudInScope(s, gather(after.positions, picks)), pose, {
            maxDistance: gate, robust: 'tukey', robustScale: gate, maxIterations: DEFAULT_REGISTRATION_OPTIONS.iterations,
            minRotation: DEFAULT_REGISTRATION_OPTIONS.minRotation, minTranslation: DEFAULT_REGISTRATION_OPTIONS.minTranslation, normalCos: 0,
            damping: 0, maxTangential: DEFAULT_REGISTRATION_OPTIONS.maxTangentialSpacings * spacing,
            minRelativeChange: DEFAULT_REGISTRATION_OPTIONS.minRelativeChange,
          });
          pose = r.sourceToTarget;
          fitness = r.fitness;
          inlierRmse = r.inlierRmse;
          if (verdict === 'aligned' && !r.converged) verdict = 'not-converged';
        }
      });
    }
    const last = residuals(picks);
    let sum = 0, count = 0;
    for (const x of last) if (Number.isFinite(x)) { sum += x * x; count++; }
    // Deviation of every vertex of after at the final pose.
    const moved = transformed(pose, after.positions);
    const q = index.query(moved, { maxDistance: o.maxDistance, closestPoints: true });
    const deviation = new Float32Array(n);
    const deviation64 = new Float64Array(n);
    let beyond = 0, outside = 0, nonFinite = 0;
    const marks = beforeMeasures.marks!;
    const bp = before.positions, bi = before.indices;
    for (let i = 0; i < n; i++) {
      let d = q.signedDistances[i];
      if (Number.isNaN(d)) { nonFinite++; }
      else if (!Number.isFinite(d)) { beyond++; d = NaN; }
      else {
        const t = q.triangles[i];
        const a = bi[3 * t], b = bi[3 * t + 1], c = bi[3 * t + 2];
        if ((marks[a] | marks[b] | marks[c]) & 1) {
          // Near before's open border: compared only if the offset is along the triangle's normal
          // (the foot of the perpendicular lies on the surface, not beyond its edge).
          const ux = bp[3 * b] - bp[3 * a], uy = bp[3 * b + 1] - bp[3 * a + 1], uz = bp[3 * b + 2] - bp[3 * a + 2];
          const vx = bp[3 * c] - bp[3 * a], vy = bp[3 * c + 1] - bp[3 * a + 1], vz = bp[3 * c + 2] - bp[3 * a + 2];
          const nx = uy * vz - uz * vy, ny = uz * vx - ux * vz, nz = ux * vy - uy * vx;
          const ox = moved[3 * i] - q.closestPoints![3 * i], oy = moved[3 * i + 1] - q.closestPoints![3 * i + 1], oz = moved[3 * i + 2] - q.closestPoints![3 * i + 2];
          const ol = Math.hypot(ox, oy, oz), nl = Math.hypot(nx, ny, nz);
          if (ol > 1e-9 && nl > 0 && Math.abs(ox * nx + oy * ny + oz * nz) < 0.99 * ol * nl) { outside++; d = NaN; }
        }
      }
      deviation[i] = d;
      deviation64[i] = d;
    }
    const { overall, perLabel } = wasm.scope(api, (s) => deviationStatsInScope(s, api, deviation64, afterMeasures.areas, labels, o.threshold));
    const heat = heatmapColors(deviation, { range: o.range, nanColor: o.nanColor, output: o.output });
    const rgbBytes = o.output === 'uint8' ? heat.array as Uint8Array : heatmapColors(deviation, { range: o.range, nanColor: o.nanColor }).array as Uint8Array;
    const rotation = Float64Array.from(pose);
    rotation[12] = rotation[13] = rotation[14] = 0;
    const aligned: Mesh = {
      positions: Float32Array.from(moved),
      indices: Uint32Array.from(after.indices),
      normals: Float32Array.from(transformed(rotation, afterMeasures.normals)),
      colors: { array: rgbBytes, itemSize: 3 },
      vertexAttributes: { ...copyAttributes(after.vertexAttributes), deviation: { array: deviation.slice(), itemSize: 1 } },
      ...(after.faceAttributes ? { faceAttributes: copyAttributes(after.faceAttributes) } : {}),
    };
    return {
      alignment: {
        afterToBefore: pose, verdict, fitness, inlierRmse,
        stableVertexCount: stable.length, inlierCount: picks.length, trimDistance: trim, residualRms: count ? Math.sqrt(sum / count) : NaN,
      },
      deviation,
      colors: heat.array,
      range: o.range,
      aligned,
      stats: overall,
      perLabel,
      notCompared: { beyondMaxDistance: beyond, outsideBefore: outside, nonFinite },
    };
  } finally {
    index.dispose();
  }
}
