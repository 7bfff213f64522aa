// Running the CLI in tests: through the built bin (a real process, worker threads) or in-process.
import { execFile } from 'node:child_process';
import { mkdtemp, mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '../../src/cli/main.js';
import type { CliIo } from '../../src/cli/io.js';

export const BIN = fileURLToPath(new URL('../../bin/scanfuse.js', import.meta.url));

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `node bin/scanfuse.js ...args` in `cwd` (needs `npm run build`), optionally as another user. */
export function runBin(args: string[], cwd: string, as?: { uid: number; gid: number }): Promise<RunResult> {
  return new Promise((resolvePromise) => {
    execFile(process.execPath, [BIN, ...args], { cwd, maxBuffer: 64 << 20, ...as }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      resolvePromise({ code, stdout, stderr });
    });
  });
}

/** Runs `main(args)` in this process with captured output. */
export async function runMain(args: string[], cwd: string): Promise<RunResult> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: { write: (s: string) => { stdout += s; return true; } },
    stderr: { write: (s: string) => { stderr += s; return true; } },
    cwd,
  };
  const code = await main(args, io);
  return { code, stdout, stderr };
}

/** A fresh temporary folder; `cleanup` removes it. */
export async function tempDir(prefix = 'scanfuse-cli-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

/** Writes `bytes` at `dir/rel`, creating folders. */
export async function put(dir: string, rel: string, bytes: Uint8Array | string): Promise<string> {
  const path = join(dir, rel);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, bytes);
  return path;
}

/** Every file below `dir`, as sorted paths relative to it (hidden files included). */
export async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath ?? (e as unknown as { path: string }).path, e.name).slice(dir.length + 1))
    .sort();
}
