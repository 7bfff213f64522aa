// `scanfuse fuse` on a tiny simulated dataset (8 frames of the lower arch on a coarse grid,
// written with writeSimulatedDataset into a temporary folder): with given poses, with tracked
// poses, bad datasets (exit 1, typed code) and usage mistakes (exit 2).
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, formatRedwoodLog, parseRedwoodLog, type Engine } from '../../src/index.js';
import { formatOpen3dIntrinsics, readMeshFile, writeSimulatedDataset } from '../../src/node/index.js';
import { encodeDepthPng } from '../../src/node/dataset/png-image.js';
import { identity } from '../../src/math/pose.js';
import type { FuseReport } from '../../src/cli/fuse.js';
import { createScanSimulator } from '../../src/sim/simulator.js';
import { main } from '../../src/cli/main.js';
import { put, removeDir, runBin, runMain, tempDir } from './helpers.js';

const FRAMES = 8;
let engine: Engine;
let dir: string;
let dataset: string;

beforeAll(async () => {
  engine = await createEngine();
  dir = await tempDir('scanfuse-fuse-');
  dataset = join(dir, 'scan');
  const sim = createScanSimulator(engine, { frames: FRAMES, archMesh: { spacing: 0.4 }, seed: 3 });
  try {
    await writeSimulatedDataset(sim, dataset, { engine });
  } finally {
    sim.dispose();
  }
}, 60_000);

afterAll(async () => {
  engine?.dispose();
  if (dir) await removeDir(dir);
});

const parse = (stdout: string) => JSON.parse(stdout) as FuseReport;

describe('scanfuse fuse with given poses', () => {
  it('writes the mesh and prints speed, memory, size and accuracy', async () => {
    const r = await runMain(['fuse', 'scan', '--poses', 'dataset', '--voxel', '0.1', '--out', 'out/arch.ply'], dir);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/intraoral defaults/);
    expect(r.stdout).toMatch(/frames\s+8 \(0\.\.7\): 8 integrated/);
    expect(r.stdout).toMatch(/frames\/s .*integrate \d+\.\d+ ms\/frame median/);
    expect(r.stdout).toMatch(/volume\s+\d+\.\d MiB peak of 512 MiB, [\d,]+ blocks/);
    expect(r.stdout).toMatch(/trueness\s+mean abs \d+\.\d µm, RMS \d+\.\d µm, p95 \d+\.\d µm/);
    expect(r.stdout).toMatch(/completeness\s+\d+\.\d\d% of the reference area within 50 µm/);
    const triangles = Number(/mesh\s+([\d,]+) triangles/.exec(r.stdout)![1].replace(/,/g, ''));
    const { mesh } = await readMeshFile(engine, join(dir, 'out', 'arch.ply'));
    expect(mesh.indices.length / 3).toBe(triangles);
    expect(triangles).toBeGreaterThan(10_000);
  }, 60_000);

  it('--json prints one parseable report; an explicit .log gives the same surface as --poses dataset', async () => {
    const a = await runMain(['fuse', 'scan', '--poses', 'dataset', '--voxel', '0.1', '--json'], dir);
    const b = await runMain(['fuse', 'scan', '--poses', 'scan/trajectory.log', '--voxel', '0.1', '--frames', '2:6', '--json'], dir);
    const c = await runMain(['fuse', 'scan', '--poses', join(dataset, 'trajectory.log'), '--voxel', '0.1', '--json'], dir);
    expect([a.code, b.code, c.code, a.stderr, b.stderr, c.stderr]).toEqual([0, 0, 0, '', '', '']);
    const ra = parse(a.stdout), rb = parse(b.stdout), rc = parse(c.stdout);
    expect(rc.mesh).toEqual(ra.mesh);
    expect(rc.accuracy).toEqual(ra.accuracy);
    expect(ra.poses).toBe('dataset');
    expect(rb.poses).toBe('file');
    expect(ra.profile).toBe('intraoral');
    expect(ra.depthRange).toEqual([2, 20]);
    expect(ra.frames).toMatchObject({ first: 0, end: FRAMES, count: FRAMES, integrated: FRAMES, rejected: 0, lost: 0 });
    expect(rb.frames).toMatchObject({ first: 2, end: 6, count: 4, integrated: 4 });
    expect(ra.volume.blocks).toBeGreaterThan(rb.volume.blocks);
    expect(ra.volume.usedMiB).toBeGreaterThan(0);
    expect(ra.timing.integrateMsMedian).toBeGreaterThan(0);
    expect(ra.mesh.triangles).toBeGreaterThan(rb.mesh.triangles);
    expect(ra.trajectory).toBeNull();
    // Exact poses, 15 µm noise, 0.1 mm voxels, 8 frames: measured mean abs 2.56 µm, RMS 3.60 µm.
    expect(ra.accuracy!.trueness.meanAbsoluteUm).toBeLessThan(3.5);
    expect(ra.accuracy!.trueness.rmsUm).toBeGreaterThan(ra.accuracy!.trueness.meanAbsoluteUm);
    expect(ra.accuracy!.trueness.beyondMaxDistanceShare).toBe(0);
    // 8 frames see part of one molar: a small share of the whole arch (measured 4.04%).
    expect(ra.accuracy!.completeness.completeness).toBeGreaterThan(0.03);
    expect(ra.accuracy!.completeness.completeness).toBeLessThan(0.06);
  }, 60_000);

  it('writes an STL through the real bin, with nothing on stderr (no progress bar off a terminal)', async () => {
    const r = await runBin(['fuse', 'scan', '--poses', 'dataset', '--voxel', '0.2', '--frames', ':3', '--out', 'arch.stl', '--json'], dir);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const report = parse(r.stdout);
    const stl = await readFile(join(dir, 'arch.stl'));
    expect(stl.length).toBe(84 + 50 * report.mesh.triangles);
  }, 60_000);

  it('keeps fusing when the volume budget is reached and says so', async () => {
    const r = await runMain(['fuse', 'scan', '--poses', 'dataset', '--voxel', '0.05', '--max-memory-mib', '1'], dir);
    expect(r.code).toBe(0);
    // 1 MiB holds floor(2^20 / (3072 + 32)) = 337 blocks of 8^3 voxels.
    expect(r.stdout).toMatch(/volume\s+1\.0 MiB peak of 1 MiB, 337 blocks \(CAPACITY REACHED: raise --max-memory-mib\)/);
    expect(r.stdout).toMatch(/frames\s+8 \(0\.\.7\): 8 integrated/);
  }, 60_000);

  it('draws a progress bar on a terminal, never with --json', async () => {
    const run = async (args: string[]) => {
      let stdout = '', stderr = '';
      const io = {
        stdout: { write: (t: string) => { stdout += t; return true; } },
        stderr: { write: (t: string) => { stderr += t; return true; }, isTTY: true, columns: 120 },
        cwd: dir,
      };
      return { code: await main(args, io), stdout, stderr };
    };
    const shown = await run(['fuse', 'scan', '--poses', 'dataset', '--voxel', '0.2', '--frames', ':3']);
    expect(shown.code).toBe(0);
    expect(shown.stderr).toMatch(/fusing \[.*\] 3\/3 frames/);
    expect(shown.stdout).not.toMatch(/fusing \[/);
    const json = await run(['fuse', 'scan', '--poses', 'dataset', '--voxel', '0.2', '--frames', ':3', '--json']);
    expect(json.code).toBe(0);
    expect(json.stderr).toBe('');
    expect(parse(json.stdout).frames.integrated).toBe(3);
  }, 60_000);
});

describe('scanfuse fuse with tracked poses', () => {
  it('tracks the frames, writes the estimated trajectory and prints the ATE', async () => {
    const r = await runMain(['fuse', 'scan', '--voxel', '0.1', '--trajectory-out', 'est.log'], dir);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/poses\s+tracked/);
    expect(r.stdout).toMatch(/ATE\s+RMSE \d+\.\d µm \(aligned \d+\.\d µm\)/);
    const log = parseRedwoodLog(await readFile(join(dir, 'est.log'), 'utf8'));
    expect(log.cameraToWorld).toHaveLength(FRAMES);
    expect(log.entries.map((e) => e.metadata)).toEqual(Array.from({ length: FRAMES }, (_, k) => [k, k, k + 1]));
    // The estimate stays near the ground truth (measured: RMSE 3.2 µm, worst frame 4.5 µm).
    const gt = parseRedwoodLog(await readFile(join(dataset, 'trajectory.log'), 'utf8')).cameraToWorld;
    const worst = Math.max(...log.cameraToWorld.map((m, k) => Math.hypot(m[12] - gt[k][12], m[13] - gt[k][13], m[14] - gt[k][14])));
    expect(worst).toBeLessThan(0.008);
    expect(worst).toBeGreaterThan(0); // estimated, not copied
  }, 60_000);

  it('--json carries the ATE, tracking times and the trajectory file; frame numbers follow --frames', async () => {
    const r = await runMain(['fuse', 'scan', '--voxel', '0.1', '--frames', '3:', '--trajectory-out', 'est3.log', '--json'], dir);
    expect(r.code).toBe(0);
    const report = parse(r.stdout);
    expect(report.poses).toBe('tracked');
    expect(report.posesFile).toBeNull();
    expect(report.frames).toMatchObject({ first: 3, end: FRAMES, count: FRAMES - 3, lost: 0, rejected: 0 });
    expect(report.trajectory!.file).toBe('est3.log');
    expect(report.trajectory!.ate!.frames).toBe(FRAMES - 3);
    expect(report.trajectory!.ate!.rmseUm).toBeLessThan(6); // measured 2.3 µm
    expect(report.timing.trackMsMedian).toBeGreaterThan(0);
    const log = parseRedwoodLog(await readFile(join(dir, 'est3.log'), 'utf8'));
    expect(log.entries[0].metadata).toEqual([3, 3, 4]);
    // The session starts at the dataset's pose of frame 3.
    const gt = parseRedwoodLog(await readFile(join(dataset, 'trajectory.log'), 'utf8')).cameraToWorld[3];
    log.cameraToWorld[0].forEach((v, k) => expect(v).toBeCloseTo(gt[k], 6));
  }, 60_000);
});

describe('scanfuse fuse failures', () => {
  it('exits 1 with a typed code for a missing folder, a folder without frames and a missing pose file', async () => {
    const missing = await runMain(['fuse', 'nowhere'], dir);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^error: IO_ERROR: readDataset: cannot open/);
    await put(dir, 'empty/readme.txt', 'not a dataset');
    const empty = await runMain(['fuse', 'empty', '--poses', 'dataset'], dir);
    expect(empty.code).toBe(1);
    expect(empty.stderr).toMatch(/^error: MALFORMED_INPUT: readDataset: the dataset has no depth\/ folder/);
    const noLog = await runMain(['fuse', 'scan', '--poses', 'missing.log'], dir);
    expect(noLog.code).toBe(1);
    expect(noLog.stderr).toMatch(/^error: IO_ERROR: .*missing\.log/);
    expect(missing.stdout + empty.stdout + noLog.stdout).toBe('');
  });

  it('exits 1 with MALFORMED_INPUT for a trajectory with fewer poses than frames, and writes nothing', async () => {
    const text = await readFile(join(dataset, 'trajectory.log'), 'utf8');
    await writeFile(join(dir, 'short.log'), text.split('\n').slice(0, 5 * 3).join('\n') + '\n');
    const r = await runMain(['fuse', 'scan', '--poses', 'short.log', '--out', 'short.ply'], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: MALFORMED_INPUT: readDataset: the trajectory and the depth frames differ in number/);
    await expect(readFile(join(dir, 'short.ply'))).rejects.toThrow(/ENOENT/);
  });

  it('exits 1 when no frame can be integrated (depth all zero), writing no mesh', async () => {
    const k = { width: 32, height: 24, fx: 30, fy: 30, cx: 15.5, cy: 11.5 };
    const zero = encodeDepthPng(new Uint16Array(k.width * k.height), k.width, k.height);
    for (const i of [0, 1]) await put(dir, `blank/depth/00000${i}.png`, zero);
    await put(dir, 'blank/intrinsics.json', formatOpen3dIntrinsics(k));
    await put(dir, 'blank/trajectory.log', formatRedwoodLog([identity(), identity()]));
    const r = await runMain(['fuse', 'blank', '--poses', 'dataset', '--voxel', '1', '--out', 'blank.ply'], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: fuse: no frame could be integrated \(frame 0: no depth measurement within range; frame 1: /);
    expect(r.stdout).toBe('');
    await expect(readFile(join(dir, 'blank.ply'))).rejects.toThrow(/ENOENT/);
  });

  it.each([
    [['fuse'], /missing required argument 'dataset'/],
    [['fuse', 'scan', '--voxel', 'fine'], /--voxel: expected a number from 0.005 to 100, got 'fine'/],
    [['fuse', 'scan', '--voxel', '0'], /--voxel: expected a number/],
    [['fuse', 'scan', '--truncation-voxels', '0.5'], /--truncation-voxels: expected a number from 1 to 64/],
    [['fuse', 'scan', '--max-memory-mib', '2048'], /--max-memory-mib: expected a number from 1 to 1024/],
    [['fuse', 'scan', '--frames', '5:2'], /--frames: the range 5:2 is empty/],
    [['fuse', 'scan', '--frames', 'all'], /--frames: expected A:B/],
    [['fuse', 'scan', '--frames', '20:'], /--frames: the dataset has 8 frames/],
    [['fuse', 'scan', '--out', 'arch.obj'], /--out: the mesh file must end in .ply or .stl/],
    [['fuse', 'scan', '--poses', ''], /--poses: expected a .log file or "dataset"/],
    [['fuse', 'scan', '--bogus'], /unknown option '--bogus'/],
  ])('exits 2 for %j', async (args, message) => {
    const r = await runMain(args, dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
  });

  it('exits 2 for --poses dataset on a dataset without a trajectory', async () => {
    const bare = join(dir, 'bare');
    const sim = createScanSimulator(engine, { frames: 2, archMesh: { spacing: 0.4 }, seed: 3 });
    try {
      await writeSimulatedDataset(sim, bare, { engine, reference: false });
    } finally {
      sim.dispose();
    }
    // A Redwood-layout copy: the depth frames and intrinsics only.
    for (const rel of ['depth/000000.png', 'depth/000001.png', 'intrinsics.json']) await put(dir, `redwood/${rel}`, await readFile(join(bare, rel)));
    const r = await runMain(['fuse', 'redwood', '--poses', 'dataset'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--poses dataset: redwood has no trajectory/);
  }, 60_000);
});
