// Internal: weighted statistics of distances in the core (metrics_weighted_stats), for trueness
// and any later report that summarises per-element distances.
import { ScanfuseError } from '../errors.js';
import type { Scope } from '../wasm/abi.js';

/** Results of metrics_weighted_stats, in the units of the values (see the kernel's contract). */
export interface WeightedStats {
  found: number;
  beyond: number;
  nonFinite: number;
  zeroWeight: number;
  weight: number;
  beyondWeight: number;
  meanAbs: number;
  rms: number;
  mean: number;
  maxAbs: number;
  quantiles: Float64Array;
}

/** Weighted statistics of `count` f64 values at `values` (weights at `weights`, or 0 for 1 each). */
export function weightedStatsInScope(s: Scope, api: string, values: number, weights: number, count: number, quantiles: number[]): WeightedStats {
  const c = s.constants;
  const q = s.input(Float64Array.from(quantiles));
  const qOut = s.alloc(8 * Math.max(1, quantiles.length));
  const scratch = s.alloc(s.call('metrics_weighted_stats_scratch_bytes', count));
  const out = s.out();
  const status = s.call('metrics_weighted_stats', values, weights, count, q, quantiles.length, scratch, qOut, out);
  if (status < 0) throw new ScanfuseError('INVALID_ARGUMENT', `${api}: weights must be finite and >= 0, quantiles in [0, 1]`);
  return {
    found: s.u32(out + c.METRICS_OUT_FOUND), beyond: s.u32(out + c.METRICS_OUT_BEYOND), nonFinite: s.u32(out + c.METRICS_OUT_NONFINITE),
    zeroWeight: s.u32(out + c.METRICS_OUT_ZERO_WEIGHT), weight: s.f64(out + c.METRICS_OUT_WEIGHT),
    beyondWeight: s.f64(out + c.METRICS_OUT_BEYOND_WEIGHT), meanAbs: s.f64(out + c.METRICS_OUT_MEAN_ABS), rms: s.f64(out + c.METRICS_OUT_RMS),
    mean: s.f64(out + c.METRICS_OUT_MEAN), maxAbs: s.f64(out + c.METRICS_OUT_MAX_ABS),
    quantiles: s.copyOut(Float64Array, qOut, quantiles.length),
  };
}

