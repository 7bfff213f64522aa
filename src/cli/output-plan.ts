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
  /**
   * Inputs found in folders or by globs that are the output of another input of this run (an
   * earlier run's results): not converted again, so that re-running a command replaces its
   * outputs instead of converting them.
   */
  skipped: string[];
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
 * - an input that was not named (found in a folder or by a glob) and is the output of another
 *   input is skipped: it is that input's result from an earlier run;
 * - when an output would be another input of the run, or the output of an earlier input
 *   (`a.stl` and `a.STL`), that input is not converted and is reported as a conflict.
 */
export function planOutputs(
  inputs: readonly string[], base: string, to: MeshFormat, outDir?: string, named: ReadonlySet<string> = new Set(inputs),
): OutputPlan {
  const key = (p: string) => p.toLowerCase();
  const outputOf = (input: string) => {
    const folder = outDir === undefined ? dirname(input) : join(outDir, relative(base, dirname(input)));
    const name = parse(input).name;
    const output = join(folder, `${name}.${to}`);
    return key(output) === key(input) ? join(folder, `${name}${SAME_FORMAT_SUFFIX}.${to}`) : output;
  };
  const planned = inputs.map((input) => ({ input, output: outputOf(input) }));
  const outputKeys = new Set(planned.map((p) => key(p.output)));
  const skipped = inputs.filter((input) => !named.has(input) && outputKeys.has(key(input)));
  const skippedKeys = new Set(skipped.map(key));
  const kept = planned.filter((p) => !skippedKeys.has(key(p.input)));
  const inputKeys = new Map(kept.map((p) => [key(p.input), p.input]));
  const taken = new Map<string, string>();
  const files: PlannedFile[] = [];
  const conflicts: PlanConflict[] = [];
  for (const { input, output } of kept) {
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
  return { files, skipped, conflicts };
}
