// Piscina worker of `scanfuse convert`: reads, converts and writes a batch of files itself and
// returns small results. The main thread compiles the WASM core once and passes the
// WebAssembly.Module in workerData; each worker instantiates one engine and reuses it.
import { mkdir, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { workerData } from 'node:worker_threads';
import { createEngine, isScanfuseError, type Engine, type MeshEncoding, type MeshFormat, type MeshWarning } from '../index.js';
import { readMeshFile, writeMeshFile } from '../node/index.js';

export interface ConvertWorkerData {
  wasm: WebAssembly.Module;
}

export interface ConvertTask {
  files: Array<{ input: string; output: string }>;
  to: MeshFormat;
  encoding: MeshEncoding;
  weld: boolean;
  /** Create the output's folder when missing (with --out-dir). */
  makeDirs: boolean;
}

export interface ConvertSuccess {
  ok: true;
  input: string;
  output: string;
  vertices: number;
  triangles: number;
  warnings: MeshWarning[];
  bytesIn: number;
}

export interface ConvertFailure {
  ok: false;
  input: string;
  code: string;
  message: string;
  details: Record<string, unknown>;
}

export type ConvertFileResult = ConvertSuccess | ConvertFailure;

const { wasm } = workerData as ConvertWorkerData;
let engine: Promise<Engine> = createEngine({ wasm });
const madeDirs = new Set<string>();

/** Converts each file of the batch; never throws for a file's own failure. */
export default async function convertBatch(task: ConvertTask): Promise<ConvertFileResult[]> {
  const results: ConvertFileResult[] = [];
  for (const file of task.files) {
    results.push(await convertOne(file.input, file.output, task));
  }
  return results;
}

async function convertOne(input: string, output: string, task: ConvertTask): Promise<ConvertFileResult> {
  try {
    const e = await engine;
    const { mesh, warnings } = await readMeshFile(e, input, { weld: task.weld });
    const { size } = await stat(input);
    if (task.makeDirs) {
      const dir = dirname(output);
      if (!madeDirs.has(dir)) {
        await mkdir(dir, { recursive: true });
        madeDirs.add(dir);
      }
    }
    await writeMeshFile(e, output, mesh, { format: task.to, encoding: task.encoding });
    return { ok: true, input, output, vertices: mesh.positions.length / 3, triangles: mesh.indices.length / 3, warnings, bytesIn: size };
  } catch (error) {
    if (isScanfuseError(error, 'ENGINE_FAILED') || error instanceof WebAssembly.RuntimeError) {
      // The core trapped: its memory is in an unknown state. Start a fresh engine for the next file.
      engine = createEngine({ wasm });
    }
    return failure(input, error);
  }
}

function failure(input: string, error: unknown): ConvertFailure {
  if (isScanfuseError(error)) {
    return { ok: false, input, code: error.code, message: error.message, details: plain(error.details) };
  }
  const e = error as NodeJS.ErrnoException;
  const code = typeof e?.code === 'string' ? 'IO_ERROR' : error instanceof WebAssembly.RuntimeError ? 'ENGINE_FAILED' : 'UNEXPECTED_ERROR';
  const message = `convert: ${e?.message ?? String(error)}`;
  return { ok: false, input, code, message, details: { file: input, ...(typeof e?.code === 'string' ? { errno: e.code } : {}) } };
}

/** Details as plain JSON data (they cross a thread boundary and end up in --json output). */
function plain(details: Record<string, unknown>): Record<string, unknown> {
  try {
    return JSON.parse(JSON.stringify(details)) as Record<string, unknown>;
  } catch {
    return { file: details.file };
  }
}
