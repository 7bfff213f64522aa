// Atomic file output: write a temporary file in the target's directory, flush it, rename it over
// the target. Readers see the old file or the new one, never a partial one.
import { randomBytes } from 'node:crypto';
import { open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { ScanfuseError } from '../errors.js';

/** Writes `data` to `path` atomically (temp file + fsync + rename). */
export async function writeFileAtomic(path: string, data: Uint8Array): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  let handle;
  try {
    handle = await open(temp, 'wx');
    await handle.writeFile(data);
    await handle.sync();
    await handle.close();
    handle = undefined;
    await rename(temp, path);
  } catch (e) {
    await handle?.close().catch(() => {});
    await unlink(temp).catch(() => {});
    throw new ScanfuseError('IO_ERROR', `writeFileAtomic: cannot write ${path}: ${(e as Error).message}`, { file: path }, { cause: e });
  }
}
