// PLY writing: binary little-endian (default), big-endian and ASCII, with normals, uvs, colours,
// named custom attributes (itemSize k > 1 as name_0 .. name_{k-1}), comments and obj_info.
// What this writes reads back bit-identical (tests/io/ply.roundtrip.test.ts).
import { ScanfuseError } from '../errors.js';
import type { Mesh, TypedArray } from '../types.js';
import type { Wasm } from '../wasm/abi.js';
import { formatFloat32, formatFloat64 } from './format-number.js';
import { PLY_TYPE_SIZE, type PlyFormat, type PlyScalarType } from './ply-header.js';
import { abiType } from './ply-read.js';

const API = 'writeMesh(ply)';

/** One written property: its PLY name and type, and where its values come from. */
interface Column {
  name: string;
  type: PlyScalarType;
  source: TypedArray;
  itemSize: number;
  offset: number;
}

const TYPE_OF_ARRAY: Array<[new (n: number) => TypedArray, PlyScalarType, string]> = [
  [Int8Array, 'int8', 'char'], [Uint8Array, 'uint8', 'uchar'], [Int16Array, 'int16', 'short'], [Uint16Array, 'uint16', 'ushort'],
  [Int32Array, 'int32', 'int'], [Uint32Array, 'uint32', 'uint'], [Float32Array, 'float32', 'float'], [Float64Array, 'float64', 'double'],
];
const HEADER_NAME: Record<PlyScalarType, string> = Object.fromEntries(TYPE_OF_ARRAY.map(([, t, n]) => [t, n])) as Record<PlyScalarType, string>;

function plyTypeOf(a: TypedArray): PlyScalarType {
  for (const [ctor, t] of TYPE_OF_ARRAY) if (a instanceof ctor) return t;
  throw new ScanfuseError('INVALID_ARGUMENT', `${API}: unsupported attribute array type ${a?.constructor?.name}`);
}

/** Names the reader would claim for standard attributes: custom attributes may not use them. */
const COLOR_WORDS = ['red', 'green', 'blue', 'alpha', 'diffuse_red', 'diffuse_green', 'diffuse_blue', 'diffuse_alpha', 'r', 'g', 'b', 'a'];
const RESERVED_VERTEX = new Set(['x', 'y', 'z', 'nx', 'ny', 'nz', 's', 't', 'u', 'v', 'texture_u', 'texture_v', 'texture_s', 'texture_t', ...COLOR_WORDS]);
const RESERVED_FACE = new Set(['vertex_indices', 'vertex_index', ...COLOR_WORDS]);

function columns(mesh: Mesh, scope: 'vertex' | 'face'): Column[] {
  const cols: Column[] = [];
  const add = (names: string[], source: TypedArray, itemSize: number) =>
    names.forEach((name, offset) => cols.push({ name, type: plyTypeOf(source), source, itemSize, offset }));
  if (scope === 'vertex') {
    add(['x', 'y', 'z'], mesh.positions, 3);
    if (mesh.normals) add(['nx', 'ny', 'nz'], mesh.normals, 3);
    if (mesh.uvs) add(['s', 't'], mesh.uvs, 2);
    if (mesh.colors) add(['red', 'green', 'blue', 'alpha'].slice(0, mesh.colors.itemSize), mesh.colors.array, mesh.colors.itemSize);
  } else if (mesh.faceColors) {
    add(['red', 'green', 'blue', 'alpha'].slice(0, mesh.faceColors.itemSize), mesh.faceColors.array, mesh.faceColors.itemSize);
  }
  const reserved = scope === 'vertex' ? RESERVED_VERTEX : RESERVED_FACE;
  const attrs = scope === 'vertex' ? mesh.vertexAttributes : mesh.faceAttributes;
  for (const [name, a] of Object.entries(attrs ?? {})) {
    const names = a.itemSize === 1 ? [name] : Array.from({ length: a.itemSize }, (_, k) => `${name}_${k}`);
    for (const n of names) {
      if (reserved.has(n) || cols.some((c) => c.name === n)) {
        throw new ScanfuseError('INVALID_ARGUMENT', `${API}: ${scope} attribute name '${n}' collides with a standard or earlier property`, { actual: n });
      }
    }
    add(names, a.array, a.itemSize);
  }
  assertGroupsReadBack(cols, attrs ?? {}, scope);
  return cols;
}

/**
 * The reader groups consecutive `base_0, base_1, ...` columns of one type into one attribute
 * of that itemSize. Refuse column sequences that would read back as different attributes
 * (for example separate attributes named q_0 and q_1).
 */
function assertGroupsReadBack(cols: Column[], attrs: Record<string, { itemSize: number }>, scope: string): void {
  for (let i = 0; i < cols.length; i++) {
    const m = /^(.*)_0$/.exec(cols[i].name);
    if (!m) continue;
    let size = 1;
    while (i + size < cols.length && cols[i + size].name === `${m[1]}_${size}` && cols[i + size].type === cols[i].type) size++;
    const wanted = attrs[m[1]]?.itemSize === size && cols[i].source === (attrs as Record<string, { array?: unknown }>)[m[1]]?.array ? size : 1;
    if (size > 1 && wanted !== size) {
      throw new ScanfuseError('INVALID_ARGUMENT',
        `${API}: ${scope} attributes ${cols.slice(i, i + size).map((c) => c.name).join(', ')} would read back as one attribute '${m[1]}' of itemSize ${size}; rename them`,
        { actual: cols[i].name });
    }
    if (size > 1) i += size - 1;
  }
}

function headerText(mesh: Mesh, format: PlyFormat, vertexCols: Column[], faceCols: Column[], vertexCount: number, triangleCount: number): string {
  const lines = ['ply', `format ${format} 1.0`];
  for (const c of mesh.metadata?.comments ?? []) lines.push(`comment ${c.replace(/[\r\n]/g, ' ')}`);
  for (const c of mesh.metadata?.objInfo ?? []) lines.push(`obj_info ${c.replace(/[\r\n]/g, ' ')}`);
  lines.push(`element vertex ${vertexCount}`);
  for (const c of vertexCols) lines.push(`property ${HEADER_NAME[c.type]} ${c.name}`);
  lines.push(`element face ${triangleCount}`);
  lines.push('property list uchar int vertex_indices');
  for (const c of faceCols) lines.push(`property ${HEADER_NAME[c.type]} ${c.name}`);
  lines.push('end_header', '');
  return lines.join('\n');
}

export function writePly(wasm: Wasm, mesh: Mesh, format: PlyFormat): Uint8Array {
  const vertexCount = mesh.positions.length / 3;
  const triangleCount = mesh.indices.length / 3;
  if (vertexCount > 0x7fffffff) throw new ScanfuseError('INVALID_ARGUMENT', `${API}: too many vertices for int indices`, { actual: vertexCount });
  const vertexCols = columns(mesh, 'vertex');
  const faceCols = columns(mesh, 'face');
  const header = new TextEncoder().encode(headerText(mesh, format, vertexCols, faceCols, vertexCount, triangleCount));
  if (format === 'ascii') return concat(header, asciiBody(mesh, vertexCols, faceCols, vertexCount, triangleCount));
  const vertexBytes = vertexCount * vertexCols.reduce((s, c) => s + PLY_TYPE_SIZE[c.type], 0);
  const faceBytes = triangleCount * (1 + 12 + faceCols.reduce((s, c) => s + PLY_TYPE_SIZE[c.type], 0));
  const result = new Uint8Array(header.length + vertexBytes + faceBytes);
  result.set(header);
  const bigEndian = format === 'binary_big_endian' ? 1 : 0;
  wasm.scope(API, (s) => {
    const c = s.constants;
    const sources = new Map<TypedArray, number>();
    const ptrOf = (a: TypedArray) => {
      let p = sources.get(a);
      if (p === undefined) sources.set(a, (p = s.input(a)));
      return p;
    };
    const indicesPtr = triangleCount ? ptrOf(mesh.indices) : 0;
    if (triangleCount) {
      const out = s.out();
      if (s.call('mesh_check_indices', indicesPtr, mesh.indices.length, vertexCount, out) < 0) {
        const f = s.failure(-1, out);
        throw new ScanfuseError('INVALID_ARGUMENT', `${API}: triangle ${Math.floor(f.offset / 3)} uses vertex ${f.actual}, but the mesh has ${vertexCount} vertices`,
          { triangle: Math.floor(f.offset / 3), expected: `< ${vertexCount}`, actual: f.actual });
      }
    }
    const encode = (cols: Column[], withIndices: boolean, records: number, at: number, bytes: number) => {
      if (records === 0) return;
      const count = cols.length + (withIndices ? 1 : 0);
      const props = s.allocZeroed(c.PLY_PROP_BYTES * count);
      let k = 0;
      if (withIndices) {
        const d = props;
        s.setU32(d + c.PLY_PROP_KIND, c.PLY_KIND_LIST);
        s.setU32(d + c.PLY_PROP_TYPE, c.PLY_TYPE_I32);
        s.setU32(d + c.PLY_PROP_COUNT_TYPE, c.PLY_TYPE_U8);
        s.setU32(d + c.PLY_PROP_ACTION, c.PLY_ACTION_TRIANGULATE);
        s.setU32(d + c.PLY_PROP_DST, indicesPtr);
        k = 1;
      }
      for (const col of cols) {
        const d = props + c.PLY_PROP_BYTES * k++;
        s.setU32(d + c.PLY_PROP_KIND, c.PLY_KIND_SCALAR);
        s.setU32(d + c.PLY_PROP_TYPE, abiType(c, col.type));
        s.setU32(d + c.PLY_PROP_ACTION, c.PLY_ACTION_STORE);
        s.setU32(d + c.PLY_PROP_DST, ptrOf(col.source));
        s.setU32(d + c.PLY_PROP_DST_TYPE, abiType(c, col.type));
        s.setU32(d + c.PLY_PROP_DST_STRIDE, col.itemSize);
        s.setU32(d + c.PLY_PROP_DST_OFFSET, col.offset);
      }
      const dst = s.alloc(bytes);
      const out = s.out();
      const status = s.call('ply_encode_binary', dst, records, props, count, bigEndian, out);
      if (status < 0 || s.f64(out + c.PLY_OUT_END) !== bytes) {
        throw new ScanfuseError('ENGINE_FAILED', `${API}: ply_encode_binary wrote ${s.f64(out + c.PLY_OUT_END)} of ${bytes} bytes (status ${status})`);
      }
      s.copyInto(result, at, dst, bytes);
    };
    encode(vertexCols, false, vertexCount, header.length, vertexBytes);
    encode(faceCols, true, triangleCount, header.length + vertexBytes, faceBytes);
  });
  return result;
}

function formatValue(type: PlyScalarType, v: number): string {
  if (type === 'float32') return formatFloat32(v);
  if (type === 'float64') return formatFloat64(v);
  return String(v);
}

function asciiBody(mesh: Mesh, vertexCols: Column[], faceCols: Column[], vertexCount: number, triangleCount: number): Uint8Array {
  const parts: string[] = [];
  const row = (cols: Column[], r: number) => cols.map((c) => formatValue(c.type, c.source[r * c.itemSize + c.offset])).join(' ');
  for (let v = 0; v < vertexCount; v++) parts.push(`${row(vertexCols, v)}\n`);
  const idx = mesh.indices;
  for (let t = 0; t < triangleCount; t++) {
    const worst = Math.max(idx[3 * t], idx[3 * t + 1], idx[3 * t + 2]);
    if (worst >= vertexCount) {
      throw new ScanfuseError('INVALID_ARGUMENT', `${API}: triangle ${t} uses vertex ${worst}, but the mesh has ${vertexCount} vertices`,
        { triangle: t, expected: `< ${vertexCount}`, actual: worst });
    }
    const rest = faceCols.length ? ` ${row(faceCols, t)}` : '';
    parts.push(`3 ${idx[3 * t]} ${idx[3 * t + 1]} ${idx[3 * t + 2]}${rest}\n`);
  }
  return new TextEncoder().encode(parts.join(''));
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
