// STL writing: binary (default; facet normals from vertex order; per-face colours in the
// Materialise Magics convention with a COLOR= header) and ASCII.
import { ScanfuseError } from '../errors.js';
import type { Mesh } from '../types.js';
import type { Wasm } from '../wasm/abi.js';
import { formatFloat32 } from './format-number.js';
import { STL_HEADER_BYTES, STL_RECORD_BYTES } from './stl-read.js';

const API = 'writeMesh(stl)';

/** 8-bit to 5-bit colour channel. */
const reduce5 = (v: number) => Math.round((v * 31) / 255);

export function writeBinaryStl(wasm: Wasm, mesh: Mesh, name = ''): Uint8Array {
  const vertexCount = mesh.positions.length / 3;
  const n = mesh.indices.length / 3;
  const result = new Uint8Array(STL_HEADER_BYTES + STL_RECORD_BYTES * n);
  // Header: the name (ASCII), never starting with "solid" (readers that sniff the word would
  // mistake the file for ASCII), then COLOR= when per-face colours are written.
  let header = name.replace(/[^\x20-\x7e]/g, ' ');
  if (/^\s*solid/i.test(header)) header = `binary ${header}`;
  let attributes: Uint16Array | null = null;
  if (mesh.faceColors) {
    header = `${header.slice(0, 66)}${header ? ' ' : ''}`;
    const at = header.length;
    header += 'COLOR=';
    for (let i = 0; i < header.length; i++) result[i] = header.charCodeAt(i);
    result.set([255, 255, 255, 255], at + 6); // default colour (every facet has its own)
    attributes = encodeMagicsColors(mesh.faceColors.array, mesh.faceColors.itemSize, n);
  } else {
    header = header.slice(0, 80);
    for (let i = 0; i < header.length; i++) result[i] = header.charCodeAt(i);
  }
  new DataView(result.buffer).setUint32(80, n, true);
  wasm.scope(API, (s) => {
    const positions = s.input(mesh.positions);
    const indices = s.input(mesh.indices);
    const attrs = attributes ? s.input(attributes) : 0;
    const dst = s.alloc(STL_RECORD_BYTES * n);
    const out = s.out();
    const status = s.call('stl_encode_binary', positions, vertexCount, indices, n, attrs, dst, out);
    if (status < 0) {
      const f = s.failure(status, out);
      throw new ScanfuseError('INVALID_ARGUMENT', `${API}: triangle ${f.offset} uses vertex ${f.actual}, but the mesh has ${f.expected} vertices`,
        { triangle: f.offset, expected: `< ${f.expected}`, actual: f.actual });
    }
    s.copyInto(result, STL_HEADER_BYTES, dst, STL_RECORD_BYTES * n);
  });
  return result;
}

function encodeMagicsColors(colors: Uint8Array, itemSize: number, n: number): Uint16Array {
  const out = new Uint16Array(n);
  for (let t = 0; t < n; t++) {
    const r = reduce5(colors[t * itemSize]);
    const g = reduce5(colors[t * itemSize + 1]);
    const b = reduce5(colors[t * itemSize + 2]);
    out[t] = r | (g << 5) | (b << 10); // bit 15 clear: the facet has its own colour
  }
  return out;
}

export function writeAsciiStl(mesh: Mesh, name = 'scanfuse'): Uint8Array {
  const solidName = name.replace(/[\r\n]/g, ' ');
  const p = mesh.positions;
  const idx = mesh.indices;
  const vertexCount = p.length / 3;
  const parts: string[] = [`solid ${solidName}\n`];
  for (let t = 0; t < idx.length; t += 3) {
    const a = idx[t], b = idx[t + 1], c = idx[t + 2];
    if (a >= vertexCount || b >= vertexCount || c >= vertexCount) {
      throw new ScanfuseError('INVALID_ARGUMENT', `${API}: triangle ${t / 3} uses a vertex index >= ${vertexCount}`,
        { triangle: t / 3, expected: `< ${vertexCount}`, actual: Math.max(a, b, c) });
    }
    const ux = p[3 * b] - p[3 * a], uy = p[3 * b + 1] - p[3 * a + 1], uz = p[3 * b + 2] - p[3 * a + 2];
    const vx = p[3 * c] - p[3 * a], vy = p[3 * c + 1] - p[3 * a + 1], vz = p[3 * c + 2] - p[3 * a + 2];
    let nx = uy * vz - uz * vy, ny = uz * vx - ux * vz, nz = ux * vy - uy * vx;
    const len = Math.hypot(nx, ny, nz);
    if (len > 0 && Number.isFinite(len)) { nx /= len; ny /= len; nz /= len; } else { nx = ny = nz = 0; }
    parts.push(`  facet normal ${formatFloat32(Math.fround(nx))} ${formatFloat32(Math.fround(ny))} ${formatFloat32(Math.fround(nz))}\n    outer loop\n`);
    for (const v of [a, b, c]) {
      parts.push(`      vertex ${formatFloat32(p[3 * v])} ${formatFloat32(p[3 * v + 1])} ${formatFloat32(p[3 * v + 2])}\n`);
    }
    parts.push('    endloop\n  endfacet\n');
  }
  parts.push(`endsolid ${solidName}\n`);
  return new TextEncoder().encode(parts.join(''));
}
