// `scanfuse convert`: many files, STL <-> PLY, on a pool of worker threads.
// The main thread expands inputs, plans outputs, compiles the WASM core once and sends batches of
// paths; workers read, convert and write (atomically) and send back small results.
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { resolve } from 'node:path';
import { compileCore, type MeshEncoding, type MeshFormat, type MeshWarning } from '../index.js';
import type { ConvertFileResult, ConvertTask, ConvertWorkerData } from './convert-worker.js';
import { displayPath, expandInputs } from './inputs.js';
import { EXIT_FAILED, EXIT_OK, UsageError, type CliIo } from './io.js';
import { startProgressBar } from './progress.js';
import { planOutputs, type PlannedFile } from './output-plan.js';
import { formatConvertSummary, formatFailures, type FileFailure } from './report.js';

type Piscina = import('piscina').Piscina;

export interface ConvertOptions {
  /** Output format. */
  to: MeshFormat;
  /** ASCII output instead of binary (little-endian for PLY). */
  ascii: boolean;
  /** Write outputs under this folder, mirroring the inputs' folders below their common base. */
  outDir?: string;
  /** Worker threads (default: the number of CPUs). */
  jobs?: number;
  json: boolean;
  /** STL inputs: weld equal positions into shared vertices (default true). */
  weld: boolean;
}

/** An entry of `converted` in --json output. */
export interface ConvertedRecord {
  input: string;
  output: string;
  vertices: number;
  triangles: number;
  warnings: MeshWarning[];
}

/** The --json document. */
export interface ConvertReport {
  converted: ConvertedRecord[];
  failed: FileFailure[];
  seconds: number;
}

/** The worker module, next to this file in dist/cli. */
export const CONVERT_WORKER_URL = new URL('./convert-worker.js', import.meta.url);

/** Files converting at once in each worker (see ConvertTask.inFlight). */
export const FILES_IN_FLIGHT_PER_WORKER = 4;

/** Files per task: enough to amortise a message round trip, few enough to balance the load. */
export function batchSize(files: number, jobs: number): number {
  return Math.max(1, Math.min(32, Math.ceil(files / (jobs * 8))));
}

export async function runConvert(args: readonly string[], options: ConvertOptions, io: CliIo): Promise<number> {
  const start = performance.now();
  const jobs = options.jobs ?? availableParallelism();
  // Load the worker pool and compile the core while the inputs are listed.
  const poolParts = Promise.all([import('piscina'), compileCore()]);
  poolParts.catch(() => {});
  const expanded = await expandInputs(args, io.cwd);
  if (expanded.files.length === 0 && expanded.missing.length === 0) {
    throw new UsageError(`no .stl or .ply files found in ${args.map((a) => `'${a}'`).join(', ')}`);
  }
  const outDir = options.outDir === undefined ? undefined : resolve(io.cwd, options.outDir);
  const plan = planOutputs(expanded.files, expanded.base, options.to, outDir, expanded.named);
  const encoding: MeshEncoding = options.ascii ? 'ascii' : 'binary';
  const results = new Map<string, ConvertFileResult>();
  for (const arg of expanded.missing) {
    const input = resolve(io.cwd, arg);
    results.set(input, { ok: false, input, code: 'IO_ERROR', message: `convert: no such file, folder or matching glob: ${arg}`, details: { file: arg } });
  }
  for (const c of plan.conflicts) results.set(c.input, { ok: false, ...c });

  if (plan.files.length > 0) {
    const task = { to: options.to, encoding, weld: options.weld, makeDirs: outDir !== undefined, inFlight: FILES_IN_FLIGHT_PER_WORKER };
    const [{ Piscina }, wasm] = await poolParts;
    const pool = new Piscina({
      filename: CONVERT_WORKER_URL.href,
      minThreads: Math.min(jobs, plan.files.length),
      maxThreads: Math.min(jobs, plan.files.length),
      workerData: { wasm } satisfies ConvertWorkerData,
    });
    try {
      const bar = !options.json && io.stderr.isTTY === true ? await progressBar(io, plan.files.length) : undefined;
      try {
        for (const r of await runBatches(pool, plan.files, task, (n) => bar?.increment(n))) results.set(r.input, r);
      } finally {
        bar?.stop();
      }
    } finally {
      await pool.destroy();
    }
  }

  // Report in input order: missing arguments first, then files as expanded.
  const skipped = new Set(plan.skipped);
  const order = [...expanded.missing.map((a) => resolve(io.cwd, a)), ...expanded.files.filter((f) => !skipped.has(f))];
  const shown = (p: string) => displayPath(p, io.cwd);
  const report: ConvertReport = { converted: [], failed: [], seconds: 0 };
  let bytesIn = 0;
  for (const input of order) {
    const r = results.get(input)!;
    if (r.ok) {
      report.converted.push({ input: shown(r.input), output: shown(r.output), vertices: r.vertices, triangles: r.triangles, warnings: r.warnings });
      bytesIn += r.bytesIn;
    } else {
      report.failed.push({ input: shown(r.input), code: r.code, message: r.message, details: r.details });
    }
  }
  report.seconds = Number(((performance.now() - start) / 1000).toFixed(3));

  if (options.json) {
    io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } else {
    io.stderr.write(formatFailures(report.failed));
    io.stdout.write(formatConvertSummary({ converted: report.converted.length, failed: report.failed.length, skipped: plan.skipped.length, seconds: report.seconds, bytesIn }));
  }
  return report.failed.length === 0 ? EXIT_OK : EXIT_FAILED;
}

/** Sends the files in batches; a batch whose worker died fails as a whole. Results in input order. */
async function runBatches(pool: Piscina, files: PlannedFile[], task: Omit<ConvertTask, 'files'>, onDone: (files: number) => void): Promise<ConvertFileResult[]> {
  const size = batchSize(files.length, pool.options.maxThreads);
  const batches: PlannedFile[][] = [];
  for (let i = 0; i < files.length; i += size) batches.push(files.slice(i, i + size));
  const done = await Promise.all(batches.map(async (batch) => {
    let out: ConvertFileResult[];
    try {
      out = (await pool.run({ ...task, files: batch } satisfies ConvertTask)) as ConvertFileResult[];
    } catch (error) {
      // The worker itself died (out of memory, a crash): every file of its batch failed.
      const message = `convert: the worker converting this file stopped: ${(error as Error)?.message ?? String(error)}`;
      out = batch.map((f) => ({ ok: false, input: f.input, code: 'ENGINE_FAILED', message, details: { file: f.input } }));
    }
    onDone(batch.length);
    return out;
  }));
  return done.flat();
}

/** A progress bar on stderr (only used when stderr is a terminal). */
function progressBar(io: CliIo, total: number) {
  return startProgressBar(io, total, 'converting [{bar}] {value}/{total} files  {percentage}%  ETA {eta_formatted}');
}
