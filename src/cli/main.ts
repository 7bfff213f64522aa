// The `scanfuse` command line: builds the commander program and maps outcomes to exit codes
// (0 all good, 1 some file failed, 2 usage error). `main` runs in-process for tests.
import { readFileSync } from 'node:fs';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { isScanfuseError, type MeshFormat } from '../index.js';
import { SAME_FORMAT_SUFFIX } from './output-plan.js';
import { FUSE_HELP } from './fuse-help.js';
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

const SIMULATE_HELP = `
Simulates an intraoral scan of a procedural dental arch (14 teeth, gingiva, a palate for the upper
jaw, seeded caries lesions) with the wand's sensor model (depth noise along the ray, grazing-angle
and depth-edge dropouts, specular holes, outliers) along the scanning protocol (occlusal, lingual,
buccal sweeps; palate for the upper jaw) with hand tremor, and writes it as an RGB-D dataset
folder: depth/ (16-bit PNG, mm = value / 1000), color/, nir/, intrinsics.json (Open3D),
trajectory.log (Redwood, camera-to-world, metres), reference.ply (mm, per-vertex FDI labels) and
manifest.json (written last). Layout: docs/dataset-format.md.

--seed seeds everything (arch shape, lesions, tremor, sensor noise): the same options give a
byte-identical folder. --lift-off and --too-fast take the frame where the disturbance starts
(default: half and a third of the frames written); --months-later scans the same arch with one
tooth moved 0.3 mm and turned 2 degrees, gingival recession and wear (recorded in the manifest).

A progress bar is drawn on stderr when it is a terminal; then a summary (frames, frames/s,
dataset size in MB = 10^6 bytes, folder), or with --json one JSON object on stdout.
Exit code: 0 written, 1 failed (error printed as CODE: message), 2 usage error.`;

const SCAN_HELP = `
Renders the seeded procedural arch frame by frame with the simulated wand (320x240 depth, colour
and NIR, 15 µm depth noise, dropouts, outliers, hand tremor) along the scanning protocol and
streams every frame into a ScanSession (frame-to-model ICP, TSDF fusion with colour and NIR), as
scanner software does. Then it extracts the arch and writes, atomically, arch.stl (geometry),
arch.ply (fused colour, "nir" and "confidence" vertex attributes) and trajectory.log (the
estimated camera-to-world poses, Redwood format, metres). It prints the frame statuses, speed
(session ms/frame: tracking and integration; the simulator's rendering is timed apart), the
trajectory error against the wand's true poses (ATE, RPE), trueness and completeness against the
reference surface, the grey (low-coverage) area and the quality verdict.
Exit code: 0 done, 1 failed (CODE: message), 2 usage error.`;

const COMPARE_SCANS_HELP = `
AFTER is aligned to BEFORE on what did not change: global registration (FPFH + RANSAC) and
point-to-plane ICP with Tukey weights on up to 40,000 stable vertices, then a trimmed pass that
leaves out the points whose deviation exceeds max(40 µm, 3 x 1.4826 x median |deviation|).
Deviation d of each AFTER vertex = signed distance (mm) to the nearest point of BEFORE's surface,
+ outside (a tooth moved outward, growth), - inside (wear, recession); vertices farther than
--max-distance-mm or beyond BEFORE's open border are not compared (grey in the heatmap, NaN in the
attribute). Statistics are area-weighted (1/3 of each vertex's triangles): mean, mean |d|, RMS,
p95 |d|, max |d|, and the area where |d| > --threshold-mm; per label when AFTER has one.
--out writes a binary PLY (atomically): AFTER's triangles in BEFORE's frame, normals, heatmap
colours (blue -range .. grey 0 .. red +range) and a float "deviation" property.
Exit code: 0 compared, 1 a file could not be read or written (CODE: message), 2 usage error.`;

const INSPECT_HELP = `
Holes are the boundary loops (connected sets of edges with one triangle) other than the open
border (the loop with the longest perimeter: where an intraoral scan ends), with perimeter and
spanned area (the length of the loop's vector area: the area of a patch that closes it). Fragments are the
components (triangles sharing vertices) other than the largest. Low-confidence regions are
connected triangles whose corners' mean "confidence" (fusion's observation weight) is below the
threshold. Verdict: NEEDS RESCAN when a hole, a detached part or a low-confidence region is over
its limit (listed with centroids in mm); READY otherwise. Small holes, loose fragments,
non-manifold and misoriented edges are warnings (fixable in software).
Exit code: 0 inspected (whatever the verdict; --json has it), 1 the file could not be read,
2 usage error.`;

const COMPARE_HELP = `
RECON and REF are mesh files (STL or PLY, detected from the bytes); RECON may be a point cloud
(no triangles: uniform weights). Units: mm in the files, µm in the report.

Trueness, with d_i the signed distance (mm; + on the side REF's normals point to) from
reconstruction vertex i to the closest point of REF, and w_i its weight (1/3 of the area of its
triangles; 1 for a point cloud), over the vertices within --max-distance-mm (the others are
counted and left out), W = sum w_i:
  mean absolute = sum(w_i |d_i|) / W      RMS = sqrt(sum(w_i d_i^2) / W)
  signed mean   = sum(w_i d_i) / W        pXX = weighted percentile of |d| (no interpolation)
  max           = max |d_i|
Completeness = the fraction of REF's area within --threshold-um of RECON, estimated from
--samples stratified equal-area samples of REF (standard error <= sqrt(c (1 - c) / n)).

With --trajectory EST.log --reference-trajectory GT.log (Redwood .log, camera-to-world, one pose
per frame in the same order; metres unless --trajectory-units mm):
  ATE RMSE, unaligned = sqrt(mean |p_i - q_i|^2) (p estimated, q ground-truth camera positions)
  ATE RMSE, aligned   = the same after the rigid transform (Horn, no scale) that minimises it
  RPE over pairs (i, i + delta): E_i = (Q_i^-1 Q_i+delta)^-1 (P_i^-1 P_i+delta); translation
  |t(E_i)| in µm and rotation angle(E_i) in degrees (mean, RMS, max).
Exit code: 0 compared, 1 a file could not be read or used (error printed as CODE: message),
2 usage error. With --json, stdout gets one JSON object.`;

/** Builds the program; `setExit` receives each command's exit code. Commands load on use. */
export function buildProgram(io: CliIo, setExit: (code: number) => void): Command {
  const program = new Command();
  program
    .name('scanfuse')
    .description('Dental scan files: convert STL <-> PLY, inspect meshes, simulate scans, score reconstructions.')
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

  program
    .command('simulate')
    .description('simulate an intraoral scan of a procedural arch and write it as an RGB-D dataset folder')
    .requiredOption('--out <dir>', 'dataset folder (created; must be empty unless --overwrite)')
    .requiredOption('--seed <n>', 'seed of the arch, trajectory and noise (whole number 0 to 4294967295)')
    .option('--frames <n>', 'write only the first n frames of the session (default: all)')
    .addOption(new Option('--noise <sigma-um>', 'depth noise (Gaussian along the ray), µm (default 15)').conflicts('noiseless'))
    .option('--noiseless', 'no sensor noise: exact depth (to 1 µm), no dropouts, holes, outliers or image noise')
    .addOption(new Option('--jaw <jaw>', 'which arch').choices(['lower', 'upper']).default('lower'))
    .option('--lesions <n>', 'caries lesions (glow in NIR), 0 to 32 (default 6)')
    .option('--months-later', 'scan the "months later" variant of the arch (moved tooth, recession, wear)')
    .option('--lift-off [frame]', 'the wand leaves the mouth at this frame and comes back further along')
    .option('--too-fast [frame]', 'the wand moves 6x too fast for 6 frames from this frame (frames skipped)')
    .option('--speed <mm-per-s>', 'wand speed along the arch, mm/s (default 8)')
    .option('--fps <n>', 'frame rate, frames/s (default 20)')
    .option('--resolution <WxH>', 'image size in pixels over the same 16 x 12 mm field (default 320x240)')
    .option('--grid <mm>', 'grid spacing of the reference mesh, mm (default 0.2; coarser is faster)')
    .option('--overwrite', 'replace a dataset already in --out', false)
    .option('--json', 'print one JSON object on stdout', false)
    .addHelpText('after', SIMULATE_HELP)
    .action(async (opts: import('./simulate.js').SimulateCliOptions) => {
      const { runSimulate } = await import('./simulate.js');
      setExit(await runSimulate(opts, io));
    });

  program
    .command('compare-to-reference')
    .description('score a reconstruction against a reference mesh: trueness, completeness, trajectory errors')
    .argument('<recon>', 'reconstructed mesh (STL or PLY)')
    .argument('<ref>', 'reference mesh (STL or PLY)')
    .option('--threshold-um <um>', 'completeness: distance below which reference area counts as covered, µm', '50')
    .option('--max-distance-mm <mm>', 'trueness: vertices farther than this from the reference are left out (and counted), mm', '1')
    .option('--samples <n>', 'completeness: area samples of the reference', '200000')
    .option('--trajectory <est.log>', 'estimated camera trajectory (Redwood .log)')
    .option('--reference-trajectory <gt.log>', 'ground-truth camera trajectory (Redwood .log)')
    .option('--trajectory-units <unit>', 'length unit of both .log files: m (Redwood, default) or mm')
    .option('--rpe-delta <n>', 'RPE frame offset (default 1: consecutive frames)')
    .option('--json', 'print one JSON object on stdout', false)
    .addHelpText('after', COMPARE_HELP)
    .action(async (recon: string, ref: string, opts: import('./compare.js').CompareCliOptions) => {
      const { runCompare } = await import('./compare.js');
      setExit(await runCompare(recon, ref, opts, io));
    });

  program
    .command('scan')
    .description('the main job on built-in data: scan a simulated arch live (tracking + fusion), write STL/PLY, score it against ground truth')
    .option('--seed <n>', 'seed of the arch, the wand path and the sensor noise (default 1)')
    .option('--jaw <jaw>', 'lower or upper (default lower)')
    .option('--frames <n>', 'scan only the first n frames of the protocol (default: all, about 880)')
    .option('--voxel <mm>', 'voxel size, mm (default 0.05)')
    .option('--noise <sigma-um>', 'depth noise (Gaussian along the ray), µm (default 15)')
    .option('--out-dir <dir>', 'where arch.stl, arch.ply and trajectory.log go (default scan-output)')
    .option('--no-write', 'write no files')
    .option('--json', 'print one JSON object on stdout', false)
    .addHelpText('after', SCAN_HELP)
    .action(async (opts: import('./scan.js').ScanCliOptions) => {
      const { runScan } = await import('./scan.js');
      setExit(await runScan(opts, io));
    });

  program
    .command('fuse')
    .description('fuse an RGB-D dataset folder into one surface (TSDF), with given or tracked poses')
    .argument('<dataset>', 'dataset folder (scanfuse or Redwood / Open3D layout)')
    .option('--poses <traj.log|dataset>', 'camera-to-world poses: a Redwood .log (metres), or "dataset" for its own (default: track)')
    .option('--voxel <mm>', 'voxel size, mm (default: 0.05 intraoral, 10 room scale)')
    .option('--truncation-voxels <n>', 'truncation distance in voxels (default 4)')
    .option('--frames <A:B>', 'fuse frames A to B-1 (either side may be omitted)')
    .option('--out <mesh.ply|mesh.stl>', 'write the surface here')
    .option('--trajectory-out <est.log>', 'write the poses of the fused frames as a Redwood .log (metres)')
    .option('--max-memory-mib <MiB>', 'memory budget of the volume (default 512)')
    .option('--json', 'print one JSON object on stdout', false)
    .addHelpText('after', FUSE_HELP)
    .action(async (dataset: string, opts: import('./fuse.js').FuseCliOptions) => {
      const { runFuse } = await import('./fuse.js');
      setExit(await runFuse(dataset, opts, io));
    });

  program
    .command('compare')
    .description('TimeLapse: align two scans of one jaw on what did not move and map the deviation (heatmap PLY, per-tooth statistics)')
    .argument('<before>', 'the earlier scan (STL or PLY; its surface is the reference)')
    .argument('<after>', 'the later scan (STL or PLY; per-vertex or per-face "label" attribute for per-tooth figures)')
    .option('--out <heatmap.ply>', 'write AFTER in BEFORE\'s frame with heatmap colours and a "deviation" attribute (mm)')
    .option('--range-mm <mm>', 'heatmap: deviation at which the colours saturate, mm (default 0.25)')
    .option('--threshold-mm <mm>', 'report the area where |deviation| exceeds this, mm (default 0.1)')
    .option('--max-distance-mm <mm>', 'vertices farther than this from BEFORE are not compared, mm (default 1)')
    .option('--stable-labels <list>', 'align only on these labels, e.g. 0 or 16,17,26,27')
    .option('--exclude-labels <list>', 'leave these labels out of the alignment, e.g. 11,21')
    .option('--label-attribute <name>', 'name of the label attribute (default label)')
    .option('--json', 'print one JSON object on stdout', false)
    .addHelpText('after', COMPARE_SCANS_HELP)
    .action(async (before: string, after: string, opts: import('./compare-scans.js').CompareScansCliOptions) => {
      const { runCompareScans } = await import('./compare-scans.js');
      setExit(await runCompareScans(before, after, opts, io));
    });

  program
    .command('inspect')
    .description('scan-quality report of a mesh file: holes, fragments, non-manifold edges, low-confidence area, verdict')
    .argument('<file>', 'mesh file (STL or PLY; a per-vertex "confidence" attribute enables the low-confidence check)')
    .option('--max-hole-area-mm2 <mm2>', 'holes larger than this need a rescan, mm^2 (default 1)')
    .option('--detached-part-area-mm2 <mm2>', 'separate parts at least this large need a rescan, mm^2 (default 10)')
    .option('--confidence-threshold <w>', 'confidence below which a triangle is low-confidence (default 2)')
    .option('--max-low-confidence-area-mm2 <mm2>', 'low-confidence regions larger than this need a rescan, mm^2 (default 2)')
    .option('--no-open-border', 'count every boundary loop as a hole (a model that should be closed)')
    .option('--json', 'print one JSON object on stdout', false)
    .addHelpText('after', INSPECT_HELP)
    .action(async (file: string, opts: import('./inspect.js').InspectCliOptions) => {
      const { runInspect } = await import('./inspect.js');
      setExit(await runInspect(file, opts, io));
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
