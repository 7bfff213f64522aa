// Format detection from the bytes (never from the file name).
import { ScanfuseError } from '../errors.js';
import type { MeshFormat } from '../types.js';
import { isBinaryStlSize, startsWithSolid } from './stl-read.js';

/** 'ply' for the PLY magic line, 'stl' for binary STL by size arithmetic or ASCII `solid`. */
export function detectMeshFormat(bytes: Uint8Array, fileName?: string): MeshFormat {
  if (bytes.length >= 4 && bytes[0] === 0x70 && bytes[1] === 0x6c && bytes[2] === 0x79 && (bytes[3] === 0x0a || bytes[3] === 0x0d)) return 'ply';
  if (isBinaryStlSize(bytes) || startsWithSolid(bytes)) return 'stl';
  if (bytes.length === 0) {
    throw new ScanfuseError('MALFORMED_INPUT', 'readMesh: the input is empty (0 bytes)', { file: fileName, byteOffset: 0 });
  }
  // A binary STL whose size does not match its count is still an STL (the reader says what is wrong).
  if (bytes.length >= 84 && !looksLikeText(bytes) && !hasKnownOtherMagic(bytes)) return 'stl';
  throw new ScanfuseError('UNSUPPORTED_FORMAT', `readMesh: not an STL or PLY file${describeMagic(bytes)}`, { file: fileName, byteOffset: 0 });
}

function looksLikeText(bytes: Uint8Array): boolean {
  const n = Math.min(bytes.length, 512);
  for (let i = 0; i < n; i++) {
    const c = bytes[i];
    if (c < 0x09 || (c > 0x0d && c < 0x20)) return false;
  }
  return true;
}

const MAGICS: Array<[string, number[]]> = [
  ['a ZIP archive', [0x50, 0x4b, 0x03, 0x04]],
  ['a gzip stream', [0x1f, 0x8b]],
  ['a PNG image', [0x89, 0x50, 0x4e, 0x47]],
  ['a BMP image', [0x42, 0x4d]],
  ['a PDF document', [0x25, 0x50, 0x44, 0x46]],
];

function hasKnownOtherMagic(bytes: Uint8Array): boolean {
  return MAGICS.some(([, m]) => m.every((b, i) => bytes[i] === b));
}

function describeMagic(bytes: Uint8Array): string {
  const hit = MAGICS.find(([, m]) => m.every((b, i) => bytes[i] === b));
  return hit ? ` (it is ${hit[0]})` : '';
}
