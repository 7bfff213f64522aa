// readMesh / writeMesh: dispatch on format and encoding; argument validation.
import { ScanfuseError } from '../errors.js';
import type { Mesh, ReadMeshOptions, ReadMeshResult, WriteMeshOptions } from '../types.js';
import type { Wasm } from '../wasm/abi.js';
import { detectMeshFormat } from './detect.js';
import { assertMeshShape } from './mesh-check.js';
import { readPly } from './ply-read.js';
import { writePly } from './ply-write.js';
import { readStl } from './stl-read.js';
import { writeAsciiStl, writeBinaryStl } from './stl-write.js';

function asBytes(input: unknown, api: string): Uint8Array {
  if (input instanceof Uint8Array) return input;
  if (input instanceof ArrayBuffer) return new Uint8Array(input);
  if (ArrayBuffer.isView(input)) return new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  throw new ScanfuseError('INVALID_ARGUMENT', `${api}: expected the file's bytes as a Uint8Array or ArrayBuffer`, { actual: typeof input });
}

export function readMesh(wasm: Wasm, input: Uint8Array | ArrayBuffer, options: ReadMeshOptions = {}): ReadMeshResult {
  const bytes = asBytes(input, 'readMesh');
  const file = options.fileName;
  if (options.format !== undefined && options.format !== 'stl' && options.format !== 'ply') {
    throw new ScanfuseError('INVALID_ARGUMENT', `readMesh: format must be 'stl' or 'ply'`, { actual: String(options.format) });
  }
  const format = options.format ?? detectMeshFormat(bytes, file);
  try {
    return format === 'ply' ? readPly(wasm, bytes, { fileName: file }) : readStl(wasm, bytes, { weld: options.weld ?? true, fileName: file });
  } catch (e) {
    if (e instanceof RangeError) {
      // A JS allocation that failed despite the size checks: report it as a typed error.
      throw new ScanfuseError('OUT_OF_MEMORY', `readMesh: cannot allocate memory for this file`, { file }, { cause: e });
    }
    throw e;
  }
}

export function writeMesh(wasm: Wasm, mesh: Mesh, options: WriteMeshOptions): Uint8Array {
  const api = 'writeMesh';
  if (!options || (options.format !== 'stl' && options.format !== 'ply')) {
    throw new ScanfuseError('INVALID_ARGUMENT', `${api}: options.format must be 'stl' or 'ply'`, { actual: String(options?.format) });
  }
  assertMeshShape(mesh, api);
  const encoding = options.encoding ?? 'binary';
  if (options.format === 'stl') {
    if (encoding === 'ascii') return writeAsciiStl(mesh, options.name);
    if (encoding === 'binary') return writeBinaryStl(wasm, mesh, options.name);
    throw new ScanfuseError('INVALID_ARGUMENT', `${api}: STL encoding must be 'binary' or 'ascii'`, { actual: encoding });
  }
  const ply = encoding === 'binary' ? 'binary_little_endian' : encoding;
  if (ply !== 'ascii' && ply !== 'binary_little_endian' && ply !== 'binary_big_endian') {
    throw new ScanfuseError('INVALID_ARGUMENT', `${api}: PLY encoding must be 'ascii', 'binary_little_endian' or 'binary_big_endian'`, { actual: encoding });
  }
  return writePly(wasm, mesh, ply);
}
