// Input expansion for the CLI: the files named by a list of paths, directories and globs.
import { readdir, stat } from 'node:fs/promises';
import { dirname, extname, isAbsolute, join, parse, relative, resolve, sep } from 'node:path';
import { glob, isDynamicPattern } from 'tinyglobby';

/** Extensions the CLI picks up from directories and globs (compared lower-case). */
export const MESH_EXTENSIONS: readonly string[] = ['.stl', '.ply'];

export interface ExpandedInputs {
  /** Absolute paths of the files to process, without duplicates, in argument order. */
  files: string[];
  /**
   * The deepest directory that holds every argument's root: a directory argument itself, the
   * folder of a file argument, the fixed leading folders of a glob. `--out-dir` mirrors the
   * structure below it.
   */
  base: string;
  /** Arguments that are neither an existing path nor a glob (as given). */
  missing: string[];
  /** The files of `files` that were named as such (not found in a folder or by a glob). */
  named: Set<string>;
}

/** True for names ending in .stl or .ply, any case. */
export function isMeshFileName(name: string): boolean {
  return MESH_EXTENSIONS.includes(extname(name).toLowerCase());
}

/**
 * Expands CLI arguments into files:
 * - an existing file is taken as is, whatever its extension (the reader detects the format from
 *   the bytes);
 * - an existing directory is walked recursively for *.stl / *.ply (any case);
 * - anything else that looks like a glob (`*`, `?`, `[...]`, `{a,b}`) is matched with
 *   tinyglobby, keeping *.stl / *.ply files;
 * - anything else is reported in `missing`.
 * Directory walks and globs skip hidden entries (names starting with '.', such as macOS `._x.stl`
 * resource forks or scanfuse's own temporary files) and do not descend into symbolic links to
 * directories (no cycles); symbolic links to files are followed.
 */
export async function expandInputs(args: readonly string[], cwd: string): Promise<ExpandedInputs> {
  const files: string[] = [];
  const seen = new Set<string>();
  const roots: string[] = [];
  const missing: string[] = [];
  const named = new Set<string>();
  const add = (path: string) => {
    if (!seen.has(path)) {
      seen.add(path);
      files.push(path);
    }
  };
  for (const arg of args) {
    const path = resolve(cwd, arg);
    const info = await stat(path).catch(() => undefined);
    if (info?.isDirectory()) {
      roots.push(path);
      for (const file of await walk(path)) add(file);
    } else if (info) {
      roots.push(dirname(path));
      add(path);
      named.add(path);
    } else if (isDynamicPattern(arg)) {
      roots.push(resolve(cwd, staticPrefix(arg)));
      const matches = await glob(arg, { cwd, absolute: true, onlyFiles: true, dot: false, expandDirectories: false, followSymbolicLinks: false });
      for (const match of matches.filter(isMeshFileName).map((m) => resolve(m)).sort()) add(match);
    } else if (!missing.includes(arg)) {
      missing.push(arg);
    }
  }
  return { files, base: commonDirectory(roots.length ? roots : [resolve(cwd)]), missing, named };
}

/** Files below `dir` with a mesh extension, sorted by path. */
async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      out.push(...(await walk(path)));
    } else if (isMeshFileName(entry.name)) {
      if (entry.isFile()) out.push(path);
      else if (entry.isSymbolicLink() && (await stat(path).catch(() => undefined))?.isFile()) out.push(path);
    }
  }
  return out;
}

/** The leading folders of a glob that contain no pattern characters ('.' when none). */
function staticPrefix(pattern: string): string {
  const parts = pattern.split(/[\\/]/);
  const fixed: string[] = [];
  for (const part of parts.slice(0, -1)) {
    if (isDynamicPattern(part)) break;
    fixed.push(part);
  }
  if (fixed.length === 1 && fixed[0] === '') return '/';
  return fixed.length ? fixed.join('/') : '.';
}

/** The deepest directory containing all the given absolute directories. */
export function commonDirectory(dirs: readonly string[]): string {
  let common = dirs[0];
  for (const dir of dirs.slice(1)) {
    while (!isWithin(common, dir)) {
      const up = dirname(common);
      if (up === common) break;
      common = up;
    }
  }
  return common;
}

function isWithin(parent: string, child: string): boolean {
  const rel = relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/** A path for messages: relative to `cwd` when below it, else absolute. */
export function displayPath(path: string, cwd: string): string {
  const rel = relative(cwd, path);
  return rel !== '' && !rel.startsWith('..' + sep) && rel !== '..' && !isAbsolute(rel) ? rel : path;
}

/** `name.ext` -> `name` + `suffix` in the same folder. */
export function replaceExtension(path: string, suffix: string): string {
  const p = parse(path);
  return join(p.dir, p.name + suffix);
}
