// STL reading: binary (50-byte records, detected by size arithmetic 84 + 50 n) and ASCII
// (any whitespace, CRLF, several solids, any keyword case). Bodies of binary files go to WASM.
import { ScanfuseError } from '../errors.js';
import type { ColorAttribute, Mesh, MeshWarning, ReadMeshResult } from '../types.js';
import type { Scope, Wasm } from '../wasm/abi.js';
import { AsciiLexer } from './ascii-lexer.js';
import { checkMeshInScope } from './mesh-check.js';
import { allocWeldScratch } from './weld.js';

const API = 'readMesh(stl)';
export const STL_HEADER_BYTES = 84;
export const STL_RECORD_BYTES = 50;

/** Binary by size arithmetic: exactly 84 + 50 n bytes, n from bytes 80..83. */
export function isBinaryStlSize(bytes: Uint8Array): boolean {
  if (bytes.length < STL_HEADER_BYTES) return false;
  const n = new DataView(bytes.buffer, bytes.byteOffset + 80, 4).getUint32(0, true);
  return STL_HEADER_BYTES + STL_RECORD_BYTES * n === bytes.length;
}

/** True when the bytes start (after whitespace) with the keyword `solid` in any case. */
export function startsWithSolid(bytes: Uint8Array): boolean {
  let i = 0;
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) i = 3; // UTF-8 BOM
  while (i < bytes.length && (bytes[i] === 0x20 || bytes[i] === 0x09 || bytes[i] === 0x0d || bytes[i] === 0x0a)) i++;
  const word = 'solid';
  for (let k = 0; k < 5; k++) if ((bytes[i + k] | 0x20) !== word.charCodeAt(k)) return false;
  const after = bytes[i + 5];
  return after === undefined || after <= 0x20;
}

export interface StlReadOptions {
  weld: boolean;
  fileName?: string;
}

export function readStl(wasm: Wasm, bytes: Uint8Array, options: StlReadOptions): ReadMeshResult {
  if (isBinaryStlSize(bytes)) return readBinaryStl(wasm, bytes, options);
  if (startsWithSolid(bytes)) return readAsciiStl(wasm, bytes, options);
  const file = options.fileName;
  if (bytes.length < STL_HEADER_BYTES) {
    throw new ScanfuseError('MALFORMED_INPUT', `${API}: ${bytes.length} bytes is too short for a binary STL and it does not start with 'solid'`,
      { file, byteOffset: bytes.length, expected: `>= ${STL_HEADER_BYTES} bytes`, actual: bytes.length });
  }
  const n = new DataView(bytes.buffer, bytes.byteOffset + 80, 4).getUint32(0, true);
  const expected = STL_HEADER_BYTES + STL_RECORD_BYTES * n;
  throw new ScanfuseError('MALFORMED_INPUT',
    `${API}: binary STL size does not match its triangle count ${n} (${expected < bytes.length ? 'extra bytes after the last triangle' : 'truncated'})`,
    { file, byteOffset: Math.min(expected, bytes.length), expected: `${expected} bytes`, actual: `${bytes.length} bytes` });
}

/** Header text (up to the first NUL, printable ASCII only) and a COLOR= default colour. */
function parseHeader(bytes: Uint8Array): { name: string; defaultColor: [number, number, number] | null } {
  const header = bytes.subarray(0, 80);
  let text = '';
  for (let i = 0; i < 80 && header[i] !== 0; i++) text += header[i] >= 0x20 && header[i] < 0x7f ? String.fromCharCode(header[i]) : ' ';
  let defaultColor: [number, number, number] | null = null;
  // Materialise Magics: "COLOR=" followed by 4 bytes R, G, B, A.
  for (let i = 0; i + 10 <= 80; i++) {
    if (header[i] === 0x43 && header[i + 1] === 0x4f && header[i + 2] === 0x4c && header[i + 3] === 0x4f
      && header[i + 4] === 0x52 && header[i + 5] === 0x3d) {
      defaultColor = [header[i + 6], header[i + 7], header[i + 8]];
      break;
    }
  }
  return { name: text.replace(/COLOR=.*$/s, '').replace(/MATERIAL=.*$/s, '').trim(), defaultColor };
}

/** 5-bit to 8-bit colour channel, exact inverse of the writer's rounding. */
const expand5 = (v: number) => Math.round((v * 255) / 31);

function readBinaryStl(wasm: Wasm, bytes: Uint8Array, options: StlReadOptions): ReadMeshResult {
  const n = (bytes.length - STL_HEADER_BYTES) / STL_RECORD_BYTES;
  const { name, defaultColor } = parseHeader(bytes);
  return wasm.scope(API, (s) => {
    const c = s.constants;
    const src = s.input(bytes.subarray(STL_HEADER_BYTES));
    let positionsPtr: number;
    let indicesPtr: number;
    let vertexCount: number;
    if (options.weld) {
      indicesPtr = s.alloc(12 * n);
      positionsPtr = s.alloc(36 * n);
      const [scratch, maxSlots] = allocWeldScratch(s, 3 * n);
      const out = s.out();
      expectOk(s, s.call('stl_weld_binary', src, n, indicesPtr, positionsPtr, scratch, maxSlots, out), out);
      vertexCount = s.u32(out + c.WELD_OUT_VERTEX_COUNT);
    } else {
      positionsPtr = s.alloc(36 * n);
      const out = s.out();
      expectOk(s, s.call('stl_decode_binary', src, n, positionsPtr, 0, out), out);
      vertexCount = 3 * n;
      indicesPtr = 0;
    }
    const attributesPtr = defaultColor ? s.alloc(2 * n) : 0;
    if (attributesPtr) {
      const scratch = s.alloc(36 * n);
      const out = s.out();
      expectOk(s, s.call('stl_decode_binary', src, n, scratch, attributesPtr, out), out);
    }
    const positions = s.copyOut(Float32Array, positionsPtr, 3 * vertexCount);
    let indices: Uint32Array;
    if (indicesPtr) {
      indices = s.copyOut(Uint32Array, indicesPtr, 3 * n);
    } else {
      // A soup: corner i is vertex i.
      indices = new Uint32Array(3 * n);
      for (let i = 0; i < indices.length; i++) indices[i] = i;
    }
    // Warnings straight from the records: valid for the welded mesh and the soup alike.
    const warnings = binaryWarnings(s, src, n);
    const mesh: Mesh = { positions, indices, vertexAttributes: {}, faceAttributes: {}, metadata: { names: name ? [name] : [] } };
    if (defaultColor && attributesPtr) {
      const attributes = s.copyOut(Uint16Array, attributesPtr, n);
      mesh.faceColors = decodeMagicsColors(attributes, defaultColor);
    }
    return { mesh, format: 'stl', encoding: 'binary', warnings };
  });
}

/** Warnings straight from the records (the welded mesh references every vertex by construction). */
function binaryWarnings(s: Scope, src: number, n: number): MeshWarning[] {
  const c = s.constants;
  const out = s.out();
  expectOk(s, s.call('stl_check_binary', src, n, out), out);
  const warnings: MeshWarning[] = [];
  const nonfinite = s.u32(out + c.CHECK_OUT_NONFINITE_VERTICES);
  const degenerate = s.u32(out + c.CHECK_OUT_DEGENERATE_TRIANGLES);
  if (nonfinite) warnings.push({ code: 'NONFINITE_VERTICES', count: nonfinite, message: `${nonfinite} facet corners have NaN or infinite coordinates` });
  if (degenerate) warnings.push({ code: 'DEGENERATE_TRIANGLES', count: degenerate, message: `${degenerate} triangles have zero area` });
  if (n === 0) warnings.push({ code: 'EMPTY_MESH', count: 0, message: 'the mesh is empty' });
  return warnings;
}

/** Materialise Magics per-facet colours: bit 15 clear = own colour (R bits 0-4, G 5-9, B 10-14). */
function decodeMagicsColors(attributes: Uint16Array, fallback: [number, number, number]): ColorAttribute {
  const colors = new Uint8Array(attributes.length * 3);
  for (let t = 0; t < attributes.length; t++) {
    const a = attributes[t];
    if (a & 0x8000) {
      colors[3 * t] = fallback[0];
      colors[3 * t + 1] = fallback[1];
      colors[3 * t + 2] = fallback[2];
    } else {
      colors[3 * t] = expand5(a & 31);
      colors[3 * t + 1] = expand5((a >> 5) & 31);
      colors[3 * t + 2] = expand5((a >> 10) & 31);
    }
  }
  return { array: colors, itemSize: 3 };
}

function expectOk(s: Scope, status: number, out: number): void {
  if (status < 0) {
    const f = s.failure(status, out);
    throw new ScanfuseError('ENGINE_FAILED', `${API}: kernel failed with status ${status}`, { reason: f.reason });
  }
}

/** Growable Float32Array for the ASCII soup. */
class FloatBuilder {
  data = new Float32Array(1024);
  length = 0;
  push3(a: number, b: number, c: number): void {
    if (this.length + 3 > this.data.length) {
      const next = new Float32Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = a;
    this.data[this.length++] = b;
    this.data[this.length++] = c;
  }
}

function readAsciiStl(wasm: Wasm, bytes: Uint8Array, options: StlReadOptions): ReadMeshResult {
  const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  const lex = new AsciiLexer(bytes, bom, 1, API, options.fileName);
  const soup = new FloatBuilder();
  const names: string[] = [];
  const solidOfTriangle: number[] = [];
  const warnings: MeshWarning[] = [];
  let polygons = 0;
  let solids = 0;
  // A file is one or more `solid ... endsolid` blocks.
  while (lex.next()) {
    if (!lex.is('solid')) throw lex.error(`expected 'solid'`, 'solid', lex.text());
    names.push(lex.restOfLine());
    const solid = solids++;
    for (;;) {
      if (!lex.next()) throw lex.error(`unexpected end of file inside solid '${names[solid]}', expected 'facet' or 'endsolid'`, 'endsolid', 'end of file');
      if (lex.is('endsolid')) {
        lex.restOfLine();
        break;
      }
      if (!lex.is('facet')) throw lex.error(`expected 'facet' or 'endsolid'`, 'facet', lex.text());
      if (!lex.next()) throw lex.error(`unexpected end of file inside a facet`, 'normal', 'end of file');
      if (lex.is('normal')) {
        lex.number('normal x');
        lex.number('normal y');
        lex.number('normal z');
        lex.expect('outer');
      } else if (!lex.is('outer')) {
        throw lex.error(`expected 'normal' or 'outer'`, 'normal', lex.text());
      }
      lex.expect('loop');
      const first = soup.length;
      let corners = 0;
      for (;;) {
        if (!lex.next()) throw lex.error(`unexpected end of file inside a facet`, 'endloop', 'end of file');
        if (lex.is('endloop')) break;
        if (!lex.is('vertex')) throw lex.error(`expected 'vertex' or 'endloop'`, 'vertex', lex.text());
        const x = lex.number('vertex x');
        const y = lex.number('vertex y');
        const z = lex.number('vertex z');
        if (corners >= 3) {
          // A polygon loop: fan-triangulate (first, previous, current).
          const prev = soup.length - 3;
          soup.push3(soup.data[first], soup.data[first + 1], soup.data[first + 2]);
          soup.push3(soup.data[prev], soup.data[prev + 1], soup.data[prev + 2]);
          solidOfTriangle.push(solid);
        }
        soup.push3(x, y, z);
        corners++;
      }
      if (corners < 3) throw lex.error(`a facet needs at least 3 vertices`, '>= 3 vertices', corners);
      if (corners > 3) polygons++;
      solidOfTriangle.push(solid);
      lex.expect('endfacet');
    }
  }
  if (solids === 0) throw new ScanfuseError('MALFORMED_INPUT', `${API}: no 'solid' in the file`, { file: options.fileName, byteOffset: 0 });
  if (polygons) warnings.push({ code: 'TRIANGULATED_POLYGONS', count: polygons, message: `${polygons} facets had more than 3 vertices and were fan-triangulated` });
  const pointCount = soup.length / 3;
  const triangleCount = pointCount / 3;
  return wasm.scope(API, (s) => {
    const c = s.constants;
    const points = s.input(soup.data.subarray(0, soup.length));
    let positionsPtr = points;
    let vertexCount = pointCount;
    let indicesPtr: number;
    if (options.weld) {
      indicesPtr = s.alloc(4 * pointCount);
      positionsPtr = s.alloc(12 * pointCount);
      const [scratch, maxSlots] = allocWeldScratch(s, pointCount);
      const out = s.out();
      expectOk(s, s.call('mesh_weld', points, pointCount, indicesPtr, positionsPtr, scratch, maxSlots, out), out);
      vertexCount = s.u32(out + c.WELD_OUT_VERTEX_COUNT);
    } else {
      const identity = new Uint32Array(pointCount);
      for (let i = 0; i < pointCount; i++) identity[i] = i;
      indicesPtr = s.input(identity);
    }
    const positions = s.copyOut(Float32Array, positionsPtr, 3 * vertexCount);
    const indices = s.copyOut(Uint32Array, indicesPtr, pointCount);
    warnings.push(...checkMeshInScope(s, API, positionsPtr, vertexCount, indicesPtr, triangleCount, 'MALFORMED_INPUT', options.fileName));
    const mesh: Mesh = { positions, indices, vertexAttributes: {}, faceAttributes: {}, metadata: { names } };
    if (solids > 1) mesh.faceAttributes!.solid = { array: Uint32Array.from(solidOfTriangle), itemSize: 1 };
    return { mesh, format: 'stl', encoding: 'ascii', warnings };
  });
}
