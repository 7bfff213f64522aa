// `scanfuse info`: format, counts, bounds, area, holes, manifoldness and volume of mesh files.
import { resolve } from 'node:path';
import { createEngine, isScanfuseError } from '../index.js';
import { readMeshFile } from '../node/index.js';
import { displayPath, expandInputs } from './inputs.js';
import { EXIT_FAILED, EXIT_OK, UsageError, type CliIo } from './io.js';
import { formatInfo, infoRecord, type InfoFailureRecord, type InfoRecord } from './report.js';

export interface InfoOptions {
  json: boolean;
}

/** Reads each file in turn (one engine); a file that fails does not stop the others. */
export async function runInfo(args: readonly string[], options: InfoOptions, io: CliIo): Promise<number> {
  const expanded = await expandInputs(args, io.cwd);
  if (expanded.files.length === 0 && expanded.missing.length === 0) {
    throw new UsageError(`no .stl or .ply files found in ${args.map((a) => `'${a}'`).join(', ')}`);
  }
  const records: Array<InfoRecord | InfoFailureRecord> = [];
  let failed = 0;
  let printed = 0;
  const fail = (file: string, code: string, message: string, details: Record<string, unknown>) => {
    failed++;
    records.push({ file, error: { code, message, details } });
    if (!options.json) io.stderr.write(`${file}\n  error  ${code}: ${message}\n`);
  };
  for (const arg of expanded.missing) {
    fail(displayPath(resolve(io.cwd, arg), io.cwd), 'IO_ERROR', `info: no such file, folder or matching glob: ${arg}`, { file: arg });
  }
  let engine = await createEngine();
  try {
    for (const path of expanded.files) {
      const file = displayPath(path, io.cwd);
      try {
        const read = await readMeshFile(engine, path);
        const record = infoRecord(file, read.format, read.encoding, engine.meshInfo(read.mesh), read.warnings);
        records.push(record);
        if (!options.json) io.stdout.write(`${printed++ > 0 ? '\n' : ''}${formatInfo(record)}`);
      } catch (error) {
        if (!isScanfuseError(error)) throw error;
        if (error.code === 'ENGINE_FAILED') {
          // The core trapped on this file: continue with a fresh engine.
          engine.dispose();
          engine = await createEngine();
        }
        fail(file, error.code, error.message, { ...error.details });
      }
    }
  } finally {
    engine.dispose();
  }
  if (options.json) io.stdout.write(`${JSON.stringify(records, null, 2)}\n`);
  return failed === 0 ? EXIT_OK : EXIT_FAILED;
}
