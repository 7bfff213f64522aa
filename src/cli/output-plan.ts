// Where `scanfuse convert` writes each output, decided before any work starts.
import { dirname, join, parse, relative } from 'node:path';
import type { MeshFormat } from '../index.js';

export interface PlannedFile {
  input: string;
  output: string;
}

export interface PlanConflict {
  input: string;
  code: 'INVALID_ARGUMENT';
  message: string;
  details: { file: string; output: string; conflictsWith: string };
}

export interface OutputPlan {
  files: PlannedFile[];
  /** Inputs that will not be converted because their output would clobber another file of the run. */
  conflicts: PlanConflict[];
}

/** Suffix used when an output would replace its own input (same format): `name.converted.ext`. */
export const SAME_FORMAT_SUFFIX = '.converted';

/**
 * Output paths for absolute input paths:
 * - next to the input, or under `outDir` keeping the input's folder relative to `base`;
 * - named after the input with the extension of `to` (lower case);
 * - when that is the input itself (same format; compared ignoring case, as on macOS and Windows
 *   file systems), `name.converted.ext` instead: an input is never overwritten;
 * - when an output would be another input of the run, or the output of an earlier input
 *   (`a.stl` and `a.STL`), that input is not converted and is reported as a conflict.
 */
export function planOutputs(inputs: readonly string[], base: string, to: MeshFormat, outDir?: string): OutputPlan {
  const key = (p: string) => p.toLowerCase();
  const inputKeys = new Map(inputs.map((p) => [key(p), p]));
  const taken = new Map<string, string>();
  const files: PlannedFile[] = [];
  const conflicts: PlanConflict[] = [];
  for (const input of inputs) {
    const folder = outDir === undefined ? dirname(input) : join(outDir, relative(base, dirname(input)));
    const name = parse(input).name;
    let output = join(folder, `${name}.${to}`);
    if (key(output) === key(input)) output = join(folder, `${name}${SAME_FORMAT_SUFFIX}.${to}`);
    const clash = inputKeys.get(key(output)) ?? taken.get(key(output));
    if (clash !== undefined) {
      const what = inputKeys.has(key(output)) ? 'would overwrite the input' : 'is already the output of';
      conflicts.push({
        input,
        code: 'INVALID_ARGUMENT',
        message: `convert: the output ${output} ${what} ${clash}; rename one of them or use --out-dir`,
        details: { file: input, output, conflictsWith: clash },
      });
      continue;
    }
    taken.set(key(output), input);
    files.push({ input, output });
  }
  return { files, conflicts };
}
