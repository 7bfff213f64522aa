// File-path helpers over the engine's byte-level API.
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import type { Engine } from '../engine.js';
import { ScanfuseError } from '../errors.js';
import type { Mesh, MeshFormat, ReadMeshOptions, ReadMeshResult, WriteMeshOptions } from '../types.js';
import { writeFileAtomic } from './atomic-write.js';

/** Reads a mesh file; errors carry the path in `details.file`. */
export async function readMeshFile(engine: Engine, path: string, options: Omit<ReadMeshOptions, 'fileName'> = {}): Promise<ReadMeshResult> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (e) {
    throw new ScanfuseError('IO_ERROR', `readMeshFile: cannot read ${path}: ${(e as Error).message}`, { file: path }, { cause: e });
  }
  return engine.readMesh(bytes, { ...options, fileName: path });
}

/** The format a path's extension names (.stl / .ply, any case), or undefined. */
export function formatFromPath(path: string): MeshFormat | undefined {
  const ext = extname(path).toLowerCase();
  return ext === '.stl' ? 'stl' : ext === '.ply' ? 'ply' : undefined;
}

/** Encodes and writes a mesh atomically; the format defaults to the path's extension. */
export async function writeMeshFile(engine: Engine, path: string, mesh: Mesh, options: Partial<WriteMeshOptions> = {}): Promise<void> {
  const format = options.format ?? formatFromPath(path);
  if (!format) {
    throw new ScanfuseError('INVALID_ARGUMENT', `writeMeshFile: cannot tell the format of ${path}; pass options.format`, { file: path });
  }
  const bytes = engine.writeMesh(mesh, { ...options, format });
  await writeFileAtomic(path, bytes);
}
