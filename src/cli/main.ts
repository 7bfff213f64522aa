// The `scanfuse` command line: builds the commander program and maps outcomes to exit codes
// (0 all good, 1 some file failed, 2 usage error). `main` runs in-process for tests.
import { readFileSync } from 'node:fs';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { isScanfuseError, type MeshFormat } from '../index.js';
import { SAME_FORMAT_SUFFIX } from './output-plan.js';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, UsageError, processIo, type CliIo } from './io.js';

/** The package version (package.json sits two levels up from both src/cli and dist/cli). */
export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

function parseFormat(value: string): MeshFormat {
  const v = value.toLowerCase();
  if (v !== 'stl' && v !== 'ply') throw new InvalidArgumentError(`expected stl or ply, got '${value}'.`);
  return v;
}

function parseJobs(value: string): number {
  const n = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || !Number.isInteger(n) || n < 1 || n > 256) {
    throw new InvalidArgumentError(`expected a whole number from 1 to 256, got '${value}'.`);
  }
  return n;
}

const CONVERT_HELP = `
Inputs: files (any extension; the format is detected from the bytes), folders (searched
recursively for .stl/.ply files, any case, skipping hidden names) and globs (quote them).

Outputs go next to each input, or under --out-dir keeping the folders below the inputs' common
base, named after the input with the new extension. An output never replaces its own input:
converting a file to its own format writes name${SAME_FORMAT_SUFFIX}.ext. An output that would be
another input of the run (a.stl and a.ply with --to ply) is reported as a failure for that input.
Existing outputs are replaced. Every output is written to a temporary file and renamed into
place, so a failed or interrupted run never leaves a partial file.

Every file is attempted. Failures are listed on stderr (path, error code, message), then a
summary on stdout. Exit code: 0 all converted, 1 some failed, 2 usage error.
With --json, stdout gets one JSON object {converted, failed, seconds} and nothing else is printed.`;

const INFO_HELP = `
For each file: format and encoding, vertex and triangle counts, bounding box (mm), surface area
(mm^2), boundary edges and loops (holes), non-manifold and misoriented edges, connected
components, closed or open, enclosed volume (mm^3, closed meshes only) and reader warnings.
Exit code: 0 all files read, 1 some file could not be read, 2 usage error.`;

/** Builds the program; `setExit` receives each command's exit code. Commands load on use. */
export function buildProgram(io: CliIo, setExit: (code: number) => void): Command {
  const program = new Command();
  program
    .name('scanfuse')
    .description('Dental scan files: convert STL <-> PLY, inspect meshes.')
    .version(packageVersion(), '-V, --version', 'print the version')
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
    })
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)');

  program
    .command('convert')
    .description('convert mesh files to STL or PLY, in parallel')
    .argument('<inputs...>', 'files, folders or globs')
    .addOption(new Option('--to <format>', 'output format').choices(['stl', 'ply']).argParser(parseFormat).makeOptionMandatory())
    .option('--ascii', 'write ASCII instead of binary (PLY binary is little-endian)', false)
    .option('--out-dir <dir>', 'write outputs under this folder instead of next to the inputs')
    .option('-j, --jobs <n>', 'worker threads (default: the number of CPUs)', parseJobs)
    .option('--json', 'print one JSON report on stdout', false)
    .option('--no-weld', 'STL inputs: keep one vertex per triangle corner (no welding of equal positions)')
    .addHelpText('after', CONVERT_HELP)
    .action(async (inputs: string[], opts: { to: MeshFormat; ascii: boolean; outDir?: string; jobs?: number; json: boolean; weld: boolean }) => {
      const { runConvert } = await import('./convert.js');
      setExit(await runConvert(inputs, opts, io));
    });

  program
    .command('info')
    .description('print format, size, topology and volume of mesh files')
    .argument('<files...>', 'files, folders or globs')
    .option('--json', 'print a JSON array on stdout', false)
    .addHelpText('after', INFO_HELP)
    .action(async (files: string[], opts: { json: boolean }) => {
      const { runInfo } = await import('./info.js');
      setExit(await runInfo(files, opts, io));
    });

  program
    .command('demo')
    .description('generate a 200k-triangle torus and take it STL -> PLY -> ASCII PLY -> STL, timing each step')
    .option('--dir <dir>', 'folder for the files (default: scanfuse-demo in the temporary folder, replaced on each run)')
    .action(async (opts: { dir?: string }) => {
      const { runDemo } = await import('./demo.js');
      setExit(await runDemo(opts, io));
    });

  return program;
}

/**
 * Runs the CLI on `argv` (without the node and script paths) and returns the exit code.
 * Never calls process.exit; output goes to `io`.
 */
export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  let exitCode = EXIT_OK;
  const program = buildProgram(io, (code) => { exitCode = code; });
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    if (error instanceof UsageError) {
      io.stderr.write(`error: ${error.message}\n(run with --help for usage)\n`);
      return EXIT_USAGE;
    }
    if (isScanfuseError(error)) {
      io.stderr.write(`error: ${error.code}: ${error.message}\n`);
      return EXIT_FAILED;
    }
    io.stderr.write(`internal error (please report): ${(error as Error)?.stack ?? String(error)}\n`);
    return EXIT_FAILED;
  }
}
