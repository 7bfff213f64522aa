// Area-weighted statistics of per-vertex signed deviations, overall and per label (tooth), for
// scan comparison. The sums, sorting and percentiles run in the core (metrics_weighted_stats).
import type { Scope } from '../wasm/abi.js';
import { weightedStatsInScope } from '../metrics/weighted-stats.js';

/**
 * Over the vertices i with a finite deviation d_i (mm) and area weight w_i > 0 (1/3 of the area
 * of the triangles that use i), W = sum w_i:
 *   mean = sum(w_i d_i) / W       meanAbs = sum(w_i |d_i|) / W       rms = sqrt(sum(w_i d_i^2) / W)
 *   p95Abs = weighted 95th percentile of |d| (no interpolation)        maxAbs = max |d_i|
 *   areaAbove = sum of w_i with |d_i| > threshold; fractionAbove = areaAbove / W.
 * All mm (areas mm^2); NaN when no vertex qualifies (areas 0).
 */
export interface DeviationStats {
  vertexCount: number;
  area: number;
  mean: number;
  meanAbs: number;
  rms: number;
  p95Abs: number;
  maxAbs: number;
  areaAbove: number;
  fractionAbove: number;
}

export interface LabelDeviationStats extends DeviationStats {
  /** The label (FDI tooth number; 0 = gingiva and palate on a segmented arch). */
  label: number;
}

function statsOf(s: Scope, api: string, values: number, weights: number, count: number, d: Float64Array, w: Float64Array,
  from: number, threshold: number): DeviationStats {
  const r = weightedStatsInScope(s, api, values, weights, count, [0.95]);
  let above = 0;
  for (let i = from; i < from + count; i++) if (Math.abs(d[i]) > threshold && w[i] > 0) above += w[i];
  return {
    vertexCount: r.found, area: r.weight, mean: r.mean, meanAbs: r.meanAbs, rms: r.rms, p95Abs: r.quantiles[0], maxAbs: r.maxAbs,
    areaAbove: above, fractionAbove: r.weight > 0 ? above / r.weight : NaN,
  };
}

/**
 * Statistics of `deviation` (NaN = not compared) with `weights`, overall and, when `labels` is
 * given, per label (ascending; vertices with label -1, used by no triangle, are left out).
 */
export function deviationStatsInScope(s: Scope, api: string, deviation: Float64Array, weights: Float64Array, labels: Int32Array | null,
  threshold: number): { overall: DeviationStats; perLabel: LabelDeviationStats[] | null } {
  const n = deviation.length;
  const valuesPtr = s.input(deviation), weightsPtr = s.input(weights);
  const overall = statsOf(s, api, valuesPtr, weightsPtr, n, deviation, weights, 0, threshold);
  if (!labels) return { overall, perLabel: null };
  // Group the vertices by label (counting sort), then one kernel call per group.
  const distinct = [...new Set(labels)].filter((l) => l >= 0).sort((a, b) => a - b);
  const slot = new Map(distinct.map((l, k) => [l, k]));
  const start = new Int32Array(distinct.length + 1);
  for (let i = 0; i < n; i++) if (labels[i] >= 0) start[slot.get(labels[i])! + 1]++;
  for (let k = 0; k < distinct.length; k++) start[k + 1] += start[k];
  const fill = start.slice(0, distinct.length);
  const d = new Float64Array(start[distinct.length]), w = new Float64Array(start[distinct.length]);
  for (let i = 0; i < n; i++) {
    if (labels[i] < 0) continue;
    const at = fill[slot.get(labels[i])!]++;
    d[at] = deviation[i];
    w[at] = weights[i];
  }
  const dPtr = s.input(d), wPtr = s.input(w);
  const perLabel = distinct.map((label, k) => ({
    label, ...statsOf(s, api, dPtr + 8 * start[k], wPtr + 8 * start[k], start[k + 1] - start[k], d, w, start[k], threshold),
  }));
  return { overall, perLabel };
}
