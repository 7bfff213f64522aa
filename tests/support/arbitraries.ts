// fast-check arbitraries for scanfuse meshes and mesh files (property-based and fuzz tests).
import fc from 'fast-check';
import type { Mesh, MeshAttribute, TypedArray } from '../../src/index.js';

// ---- float bit patterns -------------------------------------------------------------------

/** A float32 given by its bits (NaN payloads and signalling NaNs survive only as bits). */
export const f32FromBits = (bits: number): number => new Float32Array(new Uint32Array([bits >>> 0]).buffer)[0];

/** Bits of a float32 value. */
export const bitsOfF32 = (v: number): number => new Uint32Array(new Float32Array([v]).buffer)[0];

/** Special float32 bit patterns: infinities, quiet and signalling NaNs of both signs, -0. */
export const SPECIAL_F32_BITS = [
  0x7f800000, 0xff800000, // +-Infinity
  0x7fc00000, 0xffc00000, 0x7fc00001, 0x7fffffff, 0xffffffff, // quiet NaNs
  0x7f800001, 0xff800001, 0x7fa00000, 0x7fbfffff, // signalling NaNs
  0x80000000, 0x00000001, 0x80000001, 0x7f7fffff, 0xff7fffff, 0x00800000, // -0, subnormal, max, min normal
];

/** Bits of any float32 including NaNs with random payloads (biased towards non-finite values). */
export const anyF32Bits: fc.Arbitrary<number> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...SPECIAL_F32_BITS) },
  { weight: 2, arbitrary: fc.tuple(fc.boolean(), fc.integer({ min: 1, max: 0x7fffff })).map(([s, m]) => ((s ? 0xff800000 : 0x7f800000) | m) >>> 0) },
  { weight: 3, arbitrary: fc.float().map(bitsOfF32) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 0xffffffff }) },
);

/** [lo, hi] 32-bit words of special float64 values (little-endian word order). */
const SPECIAL_F64_WORDS: Array<[number, number]> = [
  [0, 0x7ff00000], [0, 0xfff00000], // +-Infinity
  [0, 0x7ff80000], [0, 0xfff80000], [1, 0x7ff80000], [0xffffffff, 0x7fffffff], // quiet NaNs
  [1, 0x7ff00000], [0, 0x7ff40000], [0xffffffff, 0x7ff7ffff], [1, 0xfff00000], // signalling NaNs
  [0, 0x80000000], [1, 0], [0xffffffff, 0x7fefffff], // -0, min subnormal, max
];

const anyF64Words: fc.Arbitrary<[number, number]> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...SPECIAL_F64_WORDS) },
  {
    weight: 2,
    arbitrary: fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 0xfffff }), fc.integer({ min: 0, max: 0xffffffff }))
      .filter(([, hi, lo]) => hi !== 0 || lo !== 0)
      .map(([s, hi, lo]): [number, number] => [lo >>> 0, ((s ? 0xfff00000 : 0x7ff00000) | hi) >>> 0]),
  },
  { weight: 3, arbitrary: fc.double().map((v): [number, number] => { const w = new Uint32Array(new Float64Array([v]).buffer); return [w[0], w[1]]; }) },
);

/** A Float32Array of `length` values given by arbitrary bits (NaN payloads kept). */
export function f32BitsArray(length: number): fc.Arbitrary<Float32Array> {
  return fc.array(anyF32Bits, { minLength: length, maxLength: length }).map((bits) => new Float32Array(Uint32Array.from(bits).buffer));
}

/** A Float64Array of `length` values given by arbitrary bits (NaN payloads kept). */
export function f64BitsArray(length: number): fc.Arbitrary<Float64Array> {
  return fc.array(anyF64Words, { minLength: length, maxLength: length }).map((words) => {
    const u = new Uint32Array(2 * length);
    words.forEach(([lo, hi], i) => { u[2 * i] = lo; u[2 * i + 1] = hi; });
    return new Float64Array(u.buffer);
  });
}

/** Finite float32 edge values: zeros, the smallest subnormals, the normal limits and the extremes. */
const F32_EDGES = [0, -0, 1.401298464324817e-45, -1.401298464324817e-45, 1.1754942106924411e-38, 1.1754943508222875e-38,
  -1.1754943508222875e-38, 3.4028234663852886e38, -3.4028234663852886e38, 1, -1, 0.1, 16777217, 1e-7];
const F64_EDGES = [0, -0, 5e-324, -5e-324, 2.2250738585072014e-308, Number.MAX_VALUE, -Number.MAX_VALUE, Number.EPSILON, 0.1, 2 ** 53 + 2, 1e21, 1e-7];

/** Any finite float32 (fast-check's float: all magnitudes), with edge values made frequent. */
export const finiteF32: fc.Arbitrary<number> = fc.oneof(
  { weight: 4, arbitrary: fc.float({ noNaN: true, noDefaultInfinity: true }) },
  { weight: 1, arbitrary: fc.constantFrom(...F32_EDGES) },
);

export const finiteF64: fc.Arbitrary<number> = fc.oneof(
  { weight: 4, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }) },
  { weight: 1, arbitrary: fc.constantFrom(...F64_EDGES) },
);

/** Finite float32 values of every magnitude, including -0, subnormals and the extremes. */
export function finiteF32Array(length: number): fc.Arbitrary<Float32Array> {
  return fc.array(finiteF32, { minLength: length, maxLength: length }).map((a) => Float32Array.from(a));
}

export function finiteF64Array(length: number): fc.Arbitrary<Float64Array> {
  return fc.array(finiteF64, { minLength: length, maxLength: length }).map((a) => Float64Array.from(a));
}

// ---- typed arrays -------------------------------------------------------------------------

export const ARRAY_TYPES = ['Int8', 'Uint8', 'Int16', 'Uint16', 'Int32', 'Uint32', 'Float32', 'Float64'] as const;
export type ArrayType = (typeof ARRAY_TYPES)[number];

/** A typed array of `type` and `length`; floats finite unless `nonFinite` (then any bits). */
export function typedArrayArb(type: ArrayType, length: number, nonFinite = false): fc.Arbitrary<TypedArray> {
  const n = { minLength: length, maxLength: length };
  switch (type) {
    case 'Int8': return fc.int8Array(n);
    case 'Uint8': return fc.uint8Array(n);
    case 'Int16': return fc.int16Array(n);
    case 'Uint16': return fc.uint16Array(n);
    case 'Int32': return fc.int32Array(n);
    case 'Uint32': return fc.uint32Array(n);
    case 'Float32': return nonFinite ? f32BitsArray(length) : finiteF32Array(length);
    case 'Float64': return nonFinite ? f64BitsArray(length) : finiteF64Array(length);
  }
}

/**
 * Sometimes re-homes an array as a view at a non-zero offset of a larger buffer (with junk
 * around it), so writers must honour byteOffset and length.
 */
export function maybeView<T extends TypedArray>(arb: fc.Arbitrary<T>): fc.Arbitrary<T> {
  return fc.tuple(arb, fc.nat(3), fc.nat(3), fc.boolean()).map(([a, before, after, view]) => {
    if (!view) return a;
    const ctor = a.constructor as unknown as { new (buffer: ArrayBuffer, offset: number, length: number): T; BYTES_PER_ELEMENT: number };
    const size = ctor.BYTES_PER_ELEMENT;
    const buffer = new ArrayBuffer((before + a.length + after) * size);
    new Uint8Array(buffer).fill(0xa5);
    const out = new ctor(buffer, before * size, a.length);
    out.set(a as never);
    return out;
  });
}

// ---- attribute names ----------------------------------------------------------------------

/** Property names the PLY reader claims for standard attributes (custom names must avoid them). */
const STANDARD_NAMES = new Set([
  'x', 'y', 'z', 'nx', 'ny', 'nz', 's', 't', 'u', 'v', 'red', 'green', 'blue', 'alpha', 'r', 'g', 'b', 'a',
  'vertex_indices', 'vertex_index',
]);

/** True when a PLY property name would collide with a standard one. */
export function isStandardPlyName(name: string): boolean {
  return STANDARD_NAMES.has(name) || name.startsWith('diffuse_') || name.startsWith('texture_');
}

/** The PLY property names the writer uses for an attribute (name, or name_0 .. name_{k-1}). */
export function columnNames(name: string, itemSize: number): string[] {
  return itemSize === 1 ? [name] : Array.from({ length: itemSize }, (_, k) => `${name}_${k}`);
}

/**
 * Attribute names: random identifiers, plus a small vocabulary that makes the writer's
 * name_k convention and JavaScript's special keys likely to meet.
 */
export const attributeNameArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,11}$/) },
  { weight: 2, arbitrary: fc.constantFrom('confidence', 'nir', 'quality', 'label', 'q', 'q_0', 'q_1', 'q_2', 'q_3', 'k_1', 'k_0', '_', '_0', 'constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf', 'x_0', 'nx_1', 'red_0') },
).filter((n) => !isStandardPlyName(n));

export interface AttributeSpec {
  name: string;
  type: ArrayType;
  itemSize: number;
}

/**
 * Up to `max` attribute specs with distinct names whose PLY columns neither collide with each
 * other nor with standard names (the writer rejects those with INVALID_ARGUMENT, by design).
 */
export function attributeSpecsArb(max: number): fc.Arbitrary<AttributeSpec[]> {
  // Often every attribute of a scope has one type: that is when the reader's name_k grouping
  // can meet the writer's columns.
  return fc.option(fc.constantFrom(...ARRAY_TYPES), { freq: 2 }).chain((sharedType) => {
    const spec = fc.record({
      name: attributeNameArb,
      type: sharedType === null ? fc.constantFrom(...ARRAY_TYPES) : fc.constant(sharedType),
      itemSize: fc.oneof({ weight: 2, arbitrary: fc.constant(1) }, { weight: 2, arbitrary: fc.integer({ min: 2, max: 4 }) }),
    });
    return fc.uniqueArray(spec, { maxLength: max, selector: (s) => s.name });
  }).filter((specs) => {
    const seen = new Set<string>();
    for (const s of specs) {
      for (const c of columnNames(s.name, s.itemSize)) {
        if (isStandardPlyName(c) || seen.has(c)) return false;
        seen.add(c);
      }
    }
    return true;
  });
}

/**
 * Attribute sets over a tiny family of names (q, q_0 .. q_3, k, k_0 .. k_3) with one shared
 * type: names that look like the columns the writer makes for itemSize > 1.
 */
export function columnLikeSpecsArb(max = 4): fc.Arbitrary<AttributeSpec[]> {
  const name = fc.tuple(fc.constantFrom('q', 'k'), fc.option(fc.integer({ min: 0, max: 3 }), { freq: 4 }))
    .map(([base, k]) => (k === null ? base : `${base}_${k}`));
  return fc.constantFrom(...ARRAY_TYPES).chain((type) =>
    fc.uniqueArray(fc.record({ name, type: fc.constant(type), itemSize: fc.integer({ min: 1, max: 3 }) }), { minLength: 1, maxLength: max, selector: (s) => s.name }))
    .filter((specs) => {
      const seen = new Set<string>();
      return specs.every((s) => columnNames(s.name, s.itemSize).every((c) => !seen.has(c) && !!seen.add(c)));
    });
}

/** Attributes for `specs` with `count` items each. */
export function attributesArb(specs: AttributeSpec[], count: number, nonFinite: boolean): fc.Arbitrary<Record<string, MeshAttribute>> {
  return fc.tuple(...specs.map((s) => maybeView(typedArrayArb(s.type, count * s.itemSize, nonFinite))))
    .map((arrays) => Object.fromEntries(specs.map((s, i) => [s.name, { array: arrays[i], itemSize: s.itemSize }])));
}

// ---- meshes -------------------------------------------------------------------------------

export interface MeshArbOptions {
  maxVertices?: number;
  maxTriangles?: number;
  /** Floats may be NaN (any payload) or infinite. Default false: finite values only. */
  nonFinite?: boolean;
  /** Generate normals, uvs, colours, face colours and custom attributes. Default true. */
  attributes?: boolean;
  /** Generate PLY comments and obj_info lines. Default false. */
  metadata?: boolean;
}

/** `triangles` in-range triangles over `vertices` vertices (indices shrink towards 0). */
export function indicesArb(vertices: number, triangles: number): fc.Arbitrary<Uint32Array> {
  if (vertices === 0 || triangles === 0) return fc.constant(new Uint32Array(0));
  return fc.uint32Array({ min: 0, max: vertices - 1, minLength: 3 * triangles, maxLength: 3 * triangles });
}

/** Vertex and triangle counts (no triangles without vertices). */
function countsArb(maxVertices: number, maxTriangles: number): fc.Arbitrary<[number, number]> {
  return fc.tuple(fc.integer({ min: 0, max: maxVertices }), fc.integer({ min: 0, max: maxTriangles }))
    .map(([v, t]): [number, number] => [v, v === 0 ? 0 : t]);
}

const floats = (length: number, nonFinite: boolean) => (nonFinite ? f32BitsArray(length) : finiteF32Array(length));

const colorArb = (count: number) =>
  fc.constantFrom<3 | 4>(3, 4).chain((itemSize) => fc.uint8Array({ minLength: count * itemSize, maxLength: count * itemSize }).map((array) => ({ array, itemSize })));

/** Header-safe metadata text: any characters but line breaks, and lines that look like header keywords. */
const metadataLineArb = fc.oneof(
  { weight: 3, arbitrary: fc.string({ unit: 'grapheme', maxLength: 30 }).filter((s) => !/[\r\n]/.test(s)) },
  {
    weight: 1,
    arbitrary: fc.constantFrom('', ' ', '  two leading spaces', 'trailing spaces  ', '\t', 'end_header', 'comment', 'obj_info x',
      'format ascii 1.0', 'element vertex 4000000000', 'property float x', 'ply', '\u00a0', '\u2028 line separator', 'caf\u00e9 \u{1f9b7}'),
  },
);

/** A random indexed mesh (see MeshArbOptions). Optional parts are absent, never undefined. */
export function meshArb(options: MeshArbOptions = {}): fc.Arbitrary<Mesh> {
  const { maxVertices = 200, maxTriangles = 300, nonFinite = false, attributes = true, metadata = false } = options;
  return countsArb(maxVertices, maxTriangles).chain(([v, t]) => {
    const requiredKeys: Array<'positions' | 'indices'> = ['positions', 'indices'];
    if (!attributes) {
      return fc.record({ positions: maybeView(floats(3 * v, nonFinite)), indices: maybeView(indicesArb(v, t)) }) as fc.Arbitrary<Mesh>;
    }
    return fc.tuple(attributeSpecsArb(3), attributeSpecsArb(3)).chain(([vertexSpecs, faceSpecs]) =>
      fc.record({
        positions: maybeView(floats(3 * v, nonFinite)),
        indices: maybeView(indicesArb(v, t)),
        normals: maybeView(floats(3 * v, nonFinite)),
        uvs: maybeView(floats(2 * v, nonFinite)),
        colors: colorArb(v),
        faceColors: colorArb(t),
        vertexAttributes: attributesArb(vertexSpecs, v, nonFinite),
        faceAttributes: attributesArb(faceSpecs, t, nonFinite),
        ...(metadata ? { metadata: fc.record({ comments: fc.array(metadataLineArb, { maxLength: 3 }), objInfo: fc.array(metadataLineArb, { maxLength: 2 }) }, { requiredKeys: [] }) } : {}),
      }, { requiredKeys }) as fc.Arbitrary<Mesh>);
  });
}

/** The 5-bit-per-channel colours binary STL stores, expanded to 8 bits: round(k * 255 / 31). */
export const expand5 = (k: number): number => Math.round((k * 255) / 31);

/** RGB face colours (itemSize 3) whose channels are exact 5-bit expansions. */
export function stlColorsArb(triangles: number): fc.Arbitrary<Uint8Array> {
  return fc.array(fc.integer({ min: 0, max: 31 }), { minLength: 3 * triangles, maxLength: 3 * triangles }).map((ks) => Uint8Array.from(ks, expand5));
}

// ---- byte-level mutations (fuzzing) -------------------------------------------------------

/**
 * One edit of a byte string. Positions are arbitrary naturals taken modulo the length at the
 * time of the edit, so edits shrink independently of the file they apply to.
 */
export type ByteEdit =
  | { kind: 'set'; at: number; value: number }
  | { kind: 'xor'; at: number; mask: number }
  | { kind: 'insert'; at: number; bytes: Uint8Array }
  | { kind: 'delete'; at: number; length: number }
  | { kind: 'duplicate'; at: number; length: number };

/** Bytes worth inserting: digits, signs, whitespace, line ends, NUL, 0xff and random bytes. */
const interestingByte = fc.oneof(
  fc.constantFrom(0x00, 0xff, 0x0a, 0x0d, 0x20, 0x09, 0x2d, 0x2b, 0x2e, 0x30, 0x31, 0x39, 0x65, 0x7f, 0x80),
  fc.integer({ min: 0, max: 255 }),
);

/** Byte flips: a byte set to an interesting value, or one bit toggled. */
export const flipEditArb: fc.Arbitrary<ByteEdit> = fc.oneof(
  fc.record({ kind: fc.constant('set' as const), at: fc.nat(), value: interestingByte }),
  fc.record({ kind: fc.constant('xor' as const), at: fc.nat(), mask: fc.constantFrom(1, 2, 4, 8, 16, 32, 64, 128) }),
);

/** Insertions, deletions and duplications of byte runs. */
export const spliceEditArb: fc.Arbitrary<ByteEdit> = fc.oneof(
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.array(interestingByte, { minLength: 1, maxLength: 8 }).map((a) => Uint8Array.from(a)) }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 16 }) }),
  fc.record({ kind: fc.constant('duplicate' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 64 }) }),
);

export const byteEditArb: fc.Arbitrary<ByteEdit> = fc.oneof(flipEditArb, spliceEditArb);

/** Applies edits in order (a new array; the input is not changed). */
export function applyEdits(input: Uint8Array, edits: ByteEdit[]): Uint8Array {
  let b = input;
  for (const e of edits) {
    const at = e.at % (b.length + 1);
    switch (e.kind) {
      case 'set':
      case 'xor': {
        if (b.length === 0) break;
        const i = e.at % b.length;
        b = b.slice();
        b[i] = e.kind === 'set' ? e.value : b[i] ^ e.mask;
        break;
      }
      case 'insert': b = concatBytes(b.subarray(0, at), e.bytes, b.subarray(at)); break;
      case 'delete': b = concatBytes(b.subarray(0, at), b.subarray(at + e.length)); break;
      case 'duplicate': b = concatBytes(b.subarray(0, at + e.length), b.subarray(at)); break;
    }
  }
  return b === input ? input.slice() : b;
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}

// ---- PLY header mutations -----------------------------------------------------------------

/** Counts that must be rejected or handled without allocating for them. */
export const WEIRD_COUNTS = [
  '4000000000', '4294967295', '4294967296', '2147483647', '2147483648', '99999999999999999999', '1e9',
  '-1', '-4000000000', '0', '1', '3', '00', '+5', '0x10', '1.5', '', 'NaN', 'Infinity',
];
/** PLY type names (every alias), invalid ones and the float types a list count may not use. */
export const WEIRD_TYPES = [
  'char', 'uchar', 'short', 'ushort', 'int', 'uint', 'float', 'double',
  'int8', 'uint8', 'int16', 'uint16', 'int32', 'uint32', 'float32', 'float64', 'int64', 'list', 'string', '',
];

/**
 * One edit of a PLY header line (by index, modulo the number of header lines): element counts,
 * list count and item types, scalar types, the format line, and line deletion/duplication.
 */
export type HeaderEdit =
  | { kind: 'count'; line: number; value: string }
  | { kind: 'countType'; line: number; value: string }
  | { kind: 'itemType'; line: number; value: string }
  | { kind: 'scalarType'; line: number; value: string }
  | { kind: 'format'; value: string }
  | { kind: 'dropLine'; line: number }
  | { kind: 'duplicateLine'; line: number }
  | { kind: 'swapLines'; line: number; other: number }
  | { kind: 'insertLine'; line: number; text: string }
  | { kind: 'lineEnd'; value: string };

export const headerEditArb: fc.Arbitrary<HeaderEdit> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('count' as const), line: fc.nat(), value: fc.oneof(fc.constantFrom(...WEIRD_COUNTS), fc.nat().map(String)) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('countType' as const), line: fc.nat(), value: fc.constantFrom(...WEIRD_TYPES) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('itemType' as const), line: fc.nat(), value: fc.constantFrom(...WEIRD_TYPES) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('scalarType' as const), line: fc.nat(), value: fc.constantFrom(...WEIRD_TYPES) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('format' as const), value: fc.constantFrom('ascii 1.0', 'binary_little_endian 1.0', 'binary_big_endian 1.0', 'binary_little_endian 2.0', 'ascii', 'foo 1.0', '') }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('dropLine' as const), line: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('duplicateLine' as const), line: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('swapLines' as const), line: fc.nat(), other: fc.nat() }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('insertLine' as const), line: fc.nat(),
      text: fc.constantFrom('element extra 4000000000', 'element vertex 1', 'property float x', 'property list uint uint vertex_indices',
        'element face 4294967295', 'property list uchar int vertex_indices', 'element tristrips 1', 'comment', 'end_header', 'obj_info x', ' ', 'property', 'element'),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('lineEnd' as const), value: fc.constantFrom('\r\n', '\r', '\n\r', ' \n') }) },
);

const latin1 = new TextDecoder('latin1');
const encodeLatin1 = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0) & 0xff);

/** Applies header edits to a PLY file (the body bytes after end_header are kept as they are). */
export function applyHeaderEdits(file: Uint8Array, edits: HeaderEdit[]): Uint8Array {
  const text = latin1.decode(file.subarray(0, Math.min(file.length, 4096)));
  const end = text.indexOf('end_header');
  if (end < 0) return file.slice();
  let eol = end + 'end_header'.length;
  if (text[eol] === '\r' && text[eol + 1] === '\n') eol += 2;
  else if (text[eol] === '\r' || text[eol] === '\n') eol += 1;
  const newline = /\r\n/.test(text.slice(0, end)) ? '\r\n' : /\r/.test(text.slice(0, end)) ? '\r' : '\n';
  const lines = text.slice(0, end).split(/\r\n|\r|\n/).slice(0, -1);
  let lineEnd = newline;
  const words = (i: number) => lines[i].split(' ');
  const pick = (line: number, test: (w: string[]) => boolean): number => {
    const candidates = lines.map((_, i) => i).filter((i) => test(words(i)));
    return candidates.length ? candidates[line % candidates.length] : -1;
  };
  for (const e of edits) {
    if (lines.length === 0) break;
    switch (e.kind) {
      case 'count': { const i = pick(e.line, (w) => w[0] === 'element'); if (i >= 0) { const w = words(i); w[2] = e.value; lines[i] = w.join(' '); } break; }
      case 'countType': { const i = pick(e.line, (w) => w[0] === 'property' && w[1] === 'list'); if (i >= 0) { const w = words(i); w[2] = e.value; lines[i] = w.join(' '); } break; }
      case 'itemType': { const i = pick(e.line, (w) => w[0] === 'property' && w[1] === 'list'); if (i >= 0) { const w = words(i); w[3] = e.value; lines[i] = w.join(' '); } break; }
      case 'scalarType': { const i = pick(e.line, (w) => w[0] === 'property' && w[1] !== 'list'); if (i >= 0) { const w = words(i); w[1] = e.value; lines[i] = w.join(' '); } break; }
      case 'format': { const i = pick(0, (w) => w[0] === 'format'); if (i >= 0) lines[i] = `format ${e.value}`; break; }
      case 'dropLine': lines.splice(1 + (e.line % Math.max(1, lines.length - 1)), 1); break;
      case 'duplicateLine': { const i = e.line % lines.length; lines.splice(i, 0, lines[i]); break; }
      case 'swapLines': { const i = e.line % lines.length; const j = e.other % lines.length; [lines[i], lines[j]] = [lines[j], lines[i]]; break; }
      case 'insertLine': lines.splice(1 + (e.line % lines.length), 0, e.text); break;
      case 'lineEnd': lineEnd = e.value; break;
    }
  }
  const header = encodeLatin1(`${lines.join(lineEnd)}${lineEnd}end_header${lineEnd}`);
  return concatBytes(header, file.subarray(eol));
}

// ---- text token mutations (ASCII STL and PLY bodies) ---------------------------------------

/** Tokens that stress number parsing and keyword matching. */
export const WEIRD_TOKENS = [
  'nan', '-nan', 'inf', '-inf', 'infinity', 'NaN', '1e999', '-1e999', '1e-999', '1e', '1e+', '-', '+', '.', '..', '1.2.3', '0x10',
  '00000000000000000000000000001', '123456789012345678901234567890', '4294967296', '-1', '-0', '2147483648', '255', '256',
  'solid', 'endsolid', 'facet', 'normal', 'outer', 'loop', 'vertex', 'endloop', 'endfacet', 'FACET', 'VERTEX', '', '\u00e9',
];

export type TokenEdit = { kind: 'replace' | 'insert' | 'delete'; at: number; token: string };

export const tokenEditArb: fc.Arbitrary<TokenEdit> = fc.record({
  kind: fc.constantFrom('replace' as const, 'insert' as const, 'delete' as const),
  at: fc.nat(),
  token: fc.oneof(fc.constantFrom(...WEIRD_TOKENS), fc.double().map(String), fc.integer().map(String)),
});

/** Applies token edits to the whitespace-separated tokens of a text file (from `start`). */
export function applyTokenEdits(file: Uint8Array, edits: TokenEdit[], start = 0): Uint8Array {
  const head = file.subarray(0, start);
  const parts = latin1.decode(file.subarray(start)).split(/(\s+)/);
  const tokenAt = (at: number) => {
    const tokens = parts.map((_, i) => i).filter((i) => i % 2 === 0 && parts[i] !== '');
    return tokens.length ? tokens[at % tokens.length] : -1;
  };
  for (const e of edits) {
    const i = tokenAt(e.at);
    if (i < 0) continue;
    if (e.kind === 'replace') parts[i] = e.token;
    else if (e.kind === 'insert') parts[i] = `${e.token} ${parts[i]}`;
    else parts[i] = '';
  }
  return concatBytes(head, encodeLatin1(parts.join('')));
}
