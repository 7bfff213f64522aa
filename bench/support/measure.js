// Interleaved measurement with tinybench: every task runs in each of several rounds, and the task
// order is reversed on every other round, so slow drift of this shared machine (other tenants,
// thermal state, heap growth) falls on ours and the peer alike. Samples of all rounds are pooled;
// the median of the pool is the figure we report, and the spread of the per-round medians is kept
// as an honest noise estimate (tinybench's rme is far smaller than the run-to-run noise here).
import { Bench } from 'tinybench';

/** Defaults for one dataset: a few rounds of a short time budget each, warmup on. */
export const DEFAULT_MEASURE_OPTIONS = Object.freeze({
  rounds: 5,
  /** Time budget per task per round, ms (tinybench `time`). */
  timeMs: 500,
  /** Minimum samples per task per round (tinybench `iterations`). */
  minIterations: 3,
  /** Warmup per task per round: at least this many calls and this long (tinybench warmup*). */
  warmupIterations: 1,
  warmupTimeMs: 50,
});

const gc = typeof globalThis.gc === 'function' ? globalThis.gc : () => {};

function quantile(sorted, q) {
  if (sorted.length === 0) return NaN;
  const at = (sorted.length - 1) * q;
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (at - lo);
}

/**
 * Runs `tasks` (an array of `{ id, fn, async?, beforeEach? }`: fn synchronous unless `async` is
 * true, when its Promise is awaited; `beforeEach` runs untimed before each call) interleaved over
 * `rounds` rounds.
 * `onRound(round)` is called after each round (for progress). Returns
 * `{ [id]: { median_ms, p25_ms, p75_ms, min_ms, max_ms, n, round_medians_ms, spread_pct } }`,
 * where spread_pct = (max - min) / median of the per-round medians, in percent.
 */
export async function measureInterleaved(tasks, options = {}, onRound = () => {}) {
  const o = { ...DEFAULT_MEASURE_OPTIONS, ...options };
  const pooled = new Map(tasks.map((t) => [t.id, []]));
  const roundMedians = new Map(tasks.map((t) => [t.id, []]));
  for (let round = 0; round < o.rounds; round++) {
    const bench = new Bench({
      name: `round ${round}`,
      time: o.timeMs,
      iterations: o.minIterations,
      warmup: true,
      warmupIterations: o.warmupIterations,
      warmupTime: o.warmupTimeMs,
      retainSamples: true,
      throws: true,
      // Garbage left by the previous task is collected before this one starts, not charged to it.
      setup: () => gc(),
    });
    const order = round % 2 === 0 ? tasks : [...tasks].reverse();
    for (const t of order) bench.add(t.id, t.fn, { async: t.async === true, ...(t.beforeEach ? { beforeEach: t.beforeEach } : {}) });
    await bench.run();
    for (const task of bench.tasks) {
      const r = task.result;
      if (r.state !== 'completed') throw new Error(`bench task ${task.name} ended in state ${r.state}: ${r.error?.message ?? ''}`);
      pooled.get(task.name).push(...r.latency.samples);
      roundMedians.get(task.name).push(r.latency.p50);
    }
    onRound(round);
  }
  const out = {};
  for (const t of tasks) {
    const s = pooled.get(t.id).sort((a, b) => a - b);
    const rm = roundMedians.get(t.id);
    const median = quantile(s, 0.5);
    out[t.id] = {
      median_ms: median,
      p25_ms: quantile(s, 0.25),
      p75_ms: quantile(s, 0.75),
      min_ms: s[0],
      max_ms: s[s.length - 1],
      n: s.length,
      round_medians_ms: rm,
      spread_pct: ((Math.max(...rm) - Math.min(...rm)) / median) * 100,
    };
  }
  return out;
}
