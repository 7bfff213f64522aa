// PLY reading: header in TypeScript, binary bodies in WASM (ply_decode_binary), ASCII bodies with
// the byte tokenizer. Every element's extent is validated before its arrays are allocated.
import { ScanfuseError } from '../errors.js';
import type { Mesh, MeshAttribute, MeshWarning, ReadMeshResult, TypedArray } from '../types.js';
import type { AbiConstants, Scope, Wasm } from '../wasm/abi.js';
import { AsciiLexer } from './ascii-lexer.js';
import { checkMeshInScope } from './mesh-check.js';
import { parseNumber } from './parse-number.js';
import { PLY_TYPE_SIZE, parsePlyHeader, type PlyHeader, type PlyScalarType } from './ply-header.js';
import {
  bytesPerValue, newTargetArray, planElements, stripsToTriangles,
  type PlyDstType, type PlyElementPlan, type PlyTarget,
} from './ply-plan.js';

const API = 'readMesh(ply)';

/** Decoded arrays of the whole file before assembly into a Mesh. */
interface Decoded {
  arrays: Map<PlyTarget, TypedArray>;
  /** Triangles from faces (and strips), 3 u32 each. */
  faceTriangles: Uint32Array;
  /** Record number of each face triangle when some faces were not triangles, else null. */
  triangleFace: Uint32Array | null;
  stripTriangles: Uint32Array;
  faceRecords: number;
  shortFaces: number;
  polygons: number;
  /** Bytes after the last declared element (ASCII: from the first non-space character). */
  trailingBytes?: number;
  /** Where positions and face triangles already are in WASM memory (binary bodies), if decoded there. */
  positionsPtr?: number;
  faceTrianglesPtr?: number;
}

export function readPly(wasm: Wasm, bytes: Uint8Array, options: { fileName?: string }): ReadMeshResult {
  const file = options.fileName;
  const header = parsePlyHeader(bytes, API, file);
  const warnings: MeshWarning[] = [];
  if (header.unknownLines.length) {
    warnings.push({ code: 'UNKNOWN_HEADER_LINE', count: header.unknownLines.length,
      message: `header lines without a PLY keyword were ignored: ${header.unknownLines.map((l) => JSON.stringify(l)).join(', ')}` });
  }
  const plans = planElements(header.elements, warnings, API, file);
  const vertexElement = header.elements.find((e) => e.name === 'vertex');
  const vertexCount = vertexElement?.count ?? 0;
  const faceElement = header.elements.find((e) => e.name === 'face' || e.name === 'tristrips');
  if (!vertexElement && faceElement && faceElement.count > 0) {
    throw new ScanfuseError('MALFORMED_INPUT', `${API}: the file has faces but no 'vertex' element`, { file, line: faceElement.line });
  }
  return wasm.scope(API, (s) => {
    const decoded = header.format === 'ascii'
      ? decodeAscii(bytes, header, plans, vertexCount, file)
      : decodeBinary(s, bytes, header, plans, vertexCount, file);
    const mesh = assemble(decoded, plans, vertexCount, header);
    if (decoded.shortFaces) {
      warnings.push({ code: 'SHORT_FACES', count: decoded.shortFaces, message: `${decoded.shortFaces} faces have fewer than 3 vertices and were dropped` });
    }
    if (decoded.trailingBytes) {
      warnings.push({ code: 'TRAILING_DATA', count: decoded.trailingBytes, message: `${decoded.trailingBytes} bytes after the last element the header declares were ignored` });
    }
    if (decoded.polygons) {
      warnings.push({ code: 'TRIANGULATED_POLYGONS', count: decoded.polygons, message: `${decoded.polygons} faces with more than 3 vertices were fan-triangulated` });
    }
    // The binary decoder left positions and triangles in WASM memory: check them in place.
    const positionsPtr = decoded.positionsPtr ?? s.input(mesh.positions);
    const indicesPtr = decoded.faceTrianglesPtr !== undefined && decoded.stripTriangles.length === 0 ? decoded.faceTrianglesPtr : s.input(mesh.indices);
    warnings.push(...checkMeshInScope(s, API, positionsPtr, vertexCount, indicesPtr, mesh.indices.length / 3, 'MALFORMED_INPUT', file));
    return {
      mesh, format: 'ply',
      encoding: header.format,
      warnings,
    };
  });
}

// ---- binary ------------------------------------------------------------------------------

const ABI_TYPE: Record<PlyDstType, keyof AbiConstants> = {
  int8: 'PLY_TYPE_I8', uint8: 'PLY_TYPE_U8', int16: 'PLY_TYPE_I16', uint16: 'PLY_TYPE_U16',
  int32: 'PLY_TYPE_I32', uint32: 'PLY_TYPE_U32', float32: 'PLY_TYPE_F32', float64: 'PLY_TYPE_F64', unorm8: 'PLY_DST_UNORM8',
};

/** The ABI code of a PLY type. */
export function abiType(c: AbiConstants, t: PlyDstType): number {
  return c[ABI_TYPE[t]];
}

function decodeBinary(s: Scope, bytes: Uint8Array, header: PlyHeader, plans: PlyElementPlan[], vertexCount: number, file?: string): Decoded {
  const c = s.constants;
  const bigEndian = header.format === 'binary_big_endian' ? 1 : 0;
  const body = bytes.subarray(header.bodyOffset);
  const src = s.input(body);
  const decoded: Decoded = {
    arrays: new Map(), faceTriangles: new Uint32Array(0), triangleFace: null, stripTriangles: new Uint32Array(0),
    faceRecords: 0, shortFaces: 0, polygons: 0,
  };
  let start = 0;
  for (const plan of plans) {
    const { element } = plan;
    const props = s.allocZeroed(c.PLY_PROP_BYTES * Math.max(1, element.properties.length));
    const fixedSize = element.properties.every((p) => !p.countType);
    const describe = (withDst: boolean, dsts: Map<PlyTarget, number>, triangles: number, listItems: number) => {
      element.properties.forEach((p, k) => {
        const d = props + k * c.PLY_PROP_BYTES;
        const action = plan.actions[k];
        s.setU32(d + c.PLY_PROP_KIND, p.countType ? c.PLY_KIND_LIST : c.PLY_KIND_SCALAR);
        s.setU32(d + c.PLY_PROP_TYPE, abiType(c, p.type));
        s.setU32(d + c.PLY_PROP_COUNT_TYPE, p.countType ? abiType(c, p.countType) : 0);
        let code = c.PLY_ACTION_SKIP;
        let dst = 0;
        if (action.kind === 'store') {
          code = c.PLY_ACTION_STORE;
          dst = withDst ? dsts.get(action.target)! : 0;
          s.setU32(d + c.PLY_PROP_DST_TYPE, abiType(c, action.target.dstType));
          s.setU32(d + c.PLY_PROP_DST_STRIDE, action.target.itemSize);
          s.setU32(d + c.PLY_PROP_DST_OFFSET, action.offset);
        } else if (action.kind === 'triangulate') {
          code = c.PLY_ACTION_TRIANGULATE;
          dst = withDst && triangles > 0 ? dsts.get(TRIANGLES)! : 0;
        } else if (action.kind === 'listRaw') {
          code = c.PLY_ACTION_LIST_RAW;
          dst = withDst && listItems > 0 ? dsts.get(LIST_ITEMS)! : 0;
        }
        s.setU32(d + c.PLY_PROP_ACTION, code);
        s.setU32(d + c.PLY_PROP_DST, dst);
      });
    };
    const run = (triangleFace: number) => {
      const out = s.out();
      const status = s.call('ply_decode_binary', src, body.length, start, element.count, props, element.properties.length,
        bigEndian, vertexCount, triangleFace, out);
      if (status < 0) throw binaryError(s, status, out, header, plan, file);
      return {
        end: s.f64(out + c.PLY_OUT_END), triangles: s.u32(out + c.PLY_OUT_TRIANGLES), shortFaces: s.u32(out + c.PLY_OUT_SHORT_FACES),
        polygons: s.u32(out + c.PLY_OUT_POLYGONS), listItems: s.u32(out + c.PLY_OUT_LIST_ITEMS),
      };
    };
    let triangles = 0;
    let listItems = 0;
    let end: number;
    let counted = false;
    if (fixedSize) {
      const recordBytes = element.properties.reduce((sum, p) => sum + PLY_TYPE_SIZE[p.type], 0);
      end = start + element.count * recordBytes;
      if (end > body.length) {
        const record = Math.floor((body.length - start) / Math.max(1, recordBytes));
        throw new ScanfuseError('MALFORMED_INPUT', `${API}: element '${element.name}' is truncated at record ${record} of ${element.count}`,
          { file, byteOffset: header.bodyOffset + start + record * recordBytes, expected: `${end - start} bytes`, actual: `${body.length - start} bytes` });
      }
    } else {
      // Scan: validate the lists, find the end and count what the decode pass will write.
      describe(false, new Map(), 0, 0);
      const scan = run(0);
      end = scan.end;
      triangles = scan.triangles;
      listItems = scan.listItems;
      decoded.shortFaces += scan.shortFaces;
      decoded.polygons += scan.polygons;
      counted = true;
    }
    const wanted = plan.role !== 'other' && (plan.targets.length > 0 || triangles > 0 || listItems > 0);
    if (wanted && element.count > 0) {
      const dsts = new Map<PlyTarget, number>();
      for (const t of plan.targets) dsts.set(t, s.allocZeroed(t.count * t.itemSize * bytesPerValue(t.dstType)));
      if (triangles > 0) dsts.set(TRIANGLES, s.alloc(12 * triangles));
      if (listItems > 0) dsts.set(LIST_ITEMS, s.alloc(4 * listItems));
      const needMap = plan.role === 'face' && counted && (decoded.shortFaces > 0 || decoded.polygons > 0);
      const triangleFace = needMap && triangles > 0 ? s.alloc(4 * triangles) : 0;
      describe(true, dsts, triangles, listItems);
      run(triangleFace);
      for (const t of plan.targets) {
        const ctor = newTargetArray({ ...t, count: 0 }).constructor as unknown as { new (n: number): TypedArray };
        decoded.arrays.set(t, s.copyOut(ctor as never, dsts.get(t)!, t.count * t.itemSize));
        if (t.key === 'positions') decoded.positionsPtr = dsts.get(t);
      }
      if (plan.role === 'face') {
        decoded.faceRecords = element.count;
        if (triangles > 0) {
          decoded.faceTriangles = s.copyOut(Uint32Array, dsts.get(TRIANGLES)!, 3 * triangles);
          decoded.faceTrianglesPtr = dsts.get(TRIANGLES);
        }
        if (triangleFace) decoded.triangleFace = s.copyOut(Uint32Array, triangleFace, triangles);
      } else if (plan.role === 'tristrips' && listItems > 0) {
        const items = s.copyOut(Int32Array, dsts.get(LIST_ITEMS)!, listItems);
        decoded.stripTriangles = stripTriangles(items, vertexCount, header, plan, file);
      }
    } else {
      // Nothing to decode (no records): the declared attributes still exist, empty.
      for (const t of plan.targets) decoded.arrays.set(t, newTargetArray(t));
      if (plan.role === 'face') decoded.faceRecords = element.count;
    }
    start = end;
  }
  decoded.trailingBytes = body.length - start;
  return decoded;
}

const TRIANGLES: PlyTarget = { key: '#triangles', dstType: 'uint32', itemSize: 3, count: 0 };
const LIST_ITEMS: PlyTarget = { key: '#items', dstType: 'int32', itemSize: 1, count: 0 };

function stripTriangles(items: Int32Array, vertexCount: number, header: PlyHeader, plan: PlyElementPlan, file?: string): Uint32Array {
  const r = stripsToTriangles(items, vertexCount);
  if ('badItem' in r) {
    throw new ScanfuseError('MALFORMED_INPUT', `${API}: triangle strip index ${items[r.badItem]} is out of range`,
      { file, line: plan.element.line, expected: `-1 or 0..${vertexCount - 1}`, actual: items[r.badItem] });
  }
  void header;
  return r.indices;
}

function binaryError(s: Scope, status: number, out: number, header: PlyHeader, plan: PlyElementPlan, file?: string): ScanfuseError {
  const c = s.constants;
  const f = s.failure(status, out);
  const byteOffset = header.bodyOffset + f.offset;
  const where = `element '${plan.element.name}'`;
  switch (f.reason) {
    case c.REASON_TRUNCATED:
      return new ScanfuseError('MALFORMED_INPUT', `${API}: ${where} is truncated`, { file, byteOffset, expected: `${f.expected} more bytes or items`, actual: f.actual });
    case c.REASON_BAD_LIST_COUNT:
      return new ScanfuseError('MALFORMED_INPUT', `${API}: ${where} has a negative list count`, { file, byteOffset, expected: '>= 0', actual: f.actual });
    case c.REASON_INDEX_OUT_OF_RANGE:
      return new ScanfuseError('MALFORMED_INPUT', `${API}: ${where} has a vertex index out of range`, { file, byteOffset, expected: `0..${f.expected - 1}`, actual: f.actual });
    default:
      return new ScanfuseError('ENGINE_FAILED', `${API}: ply_decode_binary failed with status ${status}, reason ${f.reason}`, { file, byteOffset });
  }
}

// ---- ASCII ---------------------------------------------------------------------------------

const INT_RANGE: Record<PlyScalarType, [number, number]> = {
  int8: [-128, 127], uint8: [0, 255], int16: [-32768, 32767], uint16: [0, 65535],
  int32: [-2147483648, 2147483647], uint32: [0, 4294967295], float32: [-Infinity, Infinity], float64: [-Infinity, Infinity],
};

function decodeAscii(bytes: Uint8Array, header: PlyHeader, plans: PlyElementPlan[], vertexCount: number, file?: string): Decoded {
  const lex = new AsciiLexer(bytes, header.bodyOffset, header.bodyLine, API, file);
  const num = { value: 0 };
  const decoded: Decoded = {
    arrays: new Map(), faceTriangles: new Uint32Array(0), triangleFace: null, stripTriangles: new Uint32Array(0),
    faceRecords: 0, shortFaces: 0, polygons: 0,
  };
  const readValue = (type: PlyScalarType, what: string): number => {
    if (!lex.next()) throw lex.error(`unexpected end of file, expected ${what}`, what, 'end of file');
    if (!parseNumber(lex.bytes, lex.start, lex.end, num)) throw lex.error(`${what} is not a number`, type, lex.text());
    const v = num.value;
    if (type === 'float32') return Math.fround(v);
    if (type === 'float64') return v;
    const [lo, hi] = INT_RANGE[type];
    if (!Number.isInteger(v) || v < lo || v > hi) throw lex.error(`${what} is not a valid ${type}`, `${type} ${lo}..${hi}`, lex.text());
    return v;
  };
  for (const plan of plans) {
    const { element } = plan;
    const arrays = plan.targets.map((t) => {
      const a = newTargetArray(t);
      decoded.arrays.set(t, a);
      return a;
    });
    const targetIndex = new Map(plan.targets.map((t, i) => [t, i]));
    const stores = plan.actions.map((a) => (a.kind === 'store' ? { array: arrays[targetIndex.get(a.target)!], target: a.target, offset: a.offset } : null));
    const triangles: number[] = [];
    const triangleFace: number[] = [];
    const items: number[] = [];
    let irregular = false;
    if (element.properties.length === 0) continue;
    for (let r = 0; r < element.count; r++) {
      for (let k = 0; k < element.properties.length; k++) {
        const p = element.properties[k];
        const action = plan.actions[k];
        if (!p.countType) {
          const v = readValue(p.type, `'${p.name}' of ${element.name} ${r}`);
          const st = stores[k];
          if (st) {
            const at = r * st.target.itemSize + st.offset;
            if (st.target.dstType === 'unorm8') st.array[at] = v * 255 >= 255 ? 255 : v > 0 ? Math.round(v * 255) : 0;
            else st.array[at] = v;
          }
          continue;
        }
        const countAt = lex.position;
        const n = readValue(p.countType, `list count of '${p.name}' in ${element.name} ${r}`);
        if (n < 0) throw lex.error(`negative list count`, '>= 0', n);
        if (n * 2 > bytes.length - countAt) throw lex.error(`list count ${n} exceeds the bytes left in the file`, `<= ${(bytes.length - countAt) >> 1}`, n);
        if (action.kind === 'triangulate') {
          const first = triangles.length;
          let v0 = 0, prev = 0;
          for (let i = 0; i < n; i++) {
            const v = readValue(p.type, `vertex index of ${element.name} ${r}`);
            if (v < 0 || v >= vertexCount) throw lex.error(`vertex index ${v} is out of range`, `0..${vertexCount - 1}`, v);
            if (i === 0) v0 = v;
            else if (i >= 2) triangles.push(v0, prev, v);
            prev = v;
          }
          if (n < 3) { decoded.shortFaces++; irregular = true; }
          else if (n > 3) { decoded.polygons++; irregular = true; }
          for (let t = first; t < triangles.length; t += 3) triangleFace.push(r);
        } else {
          for (let i = 0; i < n; i++) {
            const v = readValue(p.type, `item of '${p.name}' in ${element.name} ${r}`);
            if (action.kind === 'listRaw') items.push(v);
          }
        }
      }
      // Records are lines: values left on the line mean the body does not match the header.
      if (!lex.atLineEnd()) {
        lex.next();
        throw lex.error(`${element.name} ${r} has more values on its line than the header declares`, `${element.properties.length} properties`, `extra value '${lex.text()}'`);
      }
    }
    if (plan.role === 'face') {
      decoded.faceRecords = element.count;
      decoded.faceTriangles = Uint32Array.from(triangles);
      decoded.triangleFace = irregular ? Uint32Array.from(triangleFace) : null;
    } else if (plan.role === 'tristrips') {
      decoded.stripTriangles = stripTriangles(Int32Array.from(items), vertexCount, header, plan, file);
    }
  }
  // Anything but whitespace after the last record is data the header does not declare.
  if (lex.next()) decoded.trailingBytes = bytes.length - lex.start;
  return decoded;
}

// ---- assembly ------------------------------------------------------------------------------

/** Defines an own property: attribute names come from files, and `__proto__` is a legal PLY name. */
function setOwn(target: Record<string, MeshAttribute>, name: string, value: MeshAttribute): void {
  Object.defineProperty(target, name, { value, enumerable: true, writable: true, configurable: true });
}

/** Gathers per-face values to per-triangle values through the triangle-to-face map. */
function expandPerFace(array: TypedArray, itemSize: number, triangleFace: Uint32Array | null, triangleCount: number, stripTriangles: number,
  irregular: boolean): TypedArray {
  // Records map one-to-one onto triangles unless some faces were dropped or fanned.
  if (!irregular && stripTriangles === 0) return array;
  const ctor = array.constructor as { new (n: number): TypedArray };
  const out = new ctor((triangleCount + stripTriangles) * itemSize);
  for (let t = 0; t < triangleCount; t++) {
    const f = triangleFace ? triangleFace[t] : t; // no map only when there are no face triangles at all
    for (let k = 0; k < itemSize; k++) out[t * itemSize + k] = array[f * itemSize + k];
  }
  return out; // strip triangles carry zeros
}

function assemble(decoded: Decoded, plans: PlyElementPlan[], vertexCount: number, header: PlyHeader): Mesh {
  const faceTriangleCount = decoded.faceTriangles.length / 3;
  const stripCount = decoded.stripTriangles.length / 3;
  let indices = decoded.faceTriangles;
  if (stripCount) {
    indices = new Uint32Array(decoded.faceTriangles.length + decoded.stripTriangles.length);
    indices.set(decoded.faceTriangles);
    indices.set(decoded.stripTriangles, decoded.faceTriangles.length);
  }
  const mesh: Mesh = {
    positions: new Float32Array(3 * vertexCount), indices, vertexAttributes: {}, faceAttributes: {},
    metadata: { comments: header.comments, objInfo: header.objInfo },
  };
  for (const plan of plans) {
    for (const t of plan.targets) {
      let array = decoded.arrays.get(t);
      if (!array) continue;
      if (plan.role === 'face') {
        const irregular = decoded.shortFaces > 0 || decoded.polygons > 0;
        array = expandPerFace(array, t.itemSize, decoded.triangleFace, faceTriangleCount, stripCount, irregular);
      }
      const attribute: MeshAttribute = { array, itemSize: t.itemSize };
      if (t.key === 'positions') mesh.positions = array as Float32Array;
      else if (t.key === 'normals') mesh.normals = array as Float32Array;
      else if (t.key === 'uvs') mesh.uvs = array as Float32Array;
      else if (t.key === 'colors') mesh.colors = { array: array as Uint8Array, itemSize: t.itemSize as 3 | 4 };
      else if (t.key === 'faceColors') mesh.faceColors = { array: array as Uint8Array, itemSize: t.itemSize as 3 | 4 };
      else if (t.key.startsWith('vertex:')) setOwn(mesh.vertexAttributes!, t.key.slice(7), attribute);
      else if (t.key.startsWith('face:')) setOwn(mesh.faceAttributes!, t.key.slice(5), attribute);
    }
  }
  return mesh;
}
