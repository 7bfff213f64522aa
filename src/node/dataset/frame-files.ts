// Listing the frame images of a dataset folder: visible files with the given extensions, in
// natural order (numbers by value: 2.png before 10.png; zero-padded names sort as Python's
// sorted() sorts them, which is what Open3D's scripts use to pair images with poses).
import { readdir } from 'node:fs/promises';
import { ScanfuseError } from '../../errors.js';

/** Compares two file names with digit runs by numeric value, then as plain strings. */
export function compareNatural(a: string, b: string): number {
  const ra = a.match(/\d+|\D+/g) ?? [], rb = b.match(/\d+|\D+/g) ?? [];
  for (let i = 0; i < Math.min(ra.length, rb.length); i++) {
    const x = ra[i], y = rb[i];
    const dx = /^\d/.test(x), dy = /^\d/.test(y);
    if (dx && dy) {
      const sx = x.replace(/^0+(?=\d)/, ''), sy = y.replace(/^0+(?=\d)/, '');
      if (sx.length !== sy.length) return sx.length - sy.length;
      if (sx !== sy) return sx < sy ? -1 : 1;
    } else if (x !== y) {
      return x < y ? -1 : 1;
    }
  }
  if (ra.length !== rb.length) return ra.length - rb.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The names of the visible regular files in `folder` whose extension is one of `extensions`
 * (lower case, without the dot; matched case-insensitively), naturally sorted. Returns null when
 * the folder does not exist; other failures are IO_ERROR.
 */
export async function listFrameFiles(folder: string, extensions: readonly string[]): Promise<string[] | null> {
  let entries;
  try {
    entries = await readdir(folder, { withFileTypes: true });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return null;
    throw new ScanfuseError('IO_ERROR', `readDataset: cannot list ${folder}: ${(e as Error).message}`, { file: folder }, { cause: e });
  }
  const names = entries
    .filter((e) => (e.isFile() || e.isSymbolicLink()) && !e.name.startsWith('.'))
    .map((e) => e.name)
    .filter((name) => {
      const dot = name.lastIndexOf('.');
      return dot > 0 && extensions.includes(name.slice(dot + 1).toLowerCase());
    });
  return names.sort(compareNatural);
}
