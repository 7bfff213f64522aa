// Robustness of readMesh against hostile bytes: random bytes, truncations, byte flips,
// insertions and deletions of valid seed files, PLY header mutations (huge and negative
// counts, changed list types) and token mutations of text files. Whatever the input, readMesh
// either returns a valid Mesh or throws ScanfuseError MALFORMED_INPUT / UNSUPPORTED_FORMAT with
// a byte offset inside the input; it never throws anything else, never hangs (the test timeout
// bounds every property) and never grows the engine's memory beyond a small multiple of the
// input. Seeds are fixed, so CI runs are deterministic.
//
// More cases (nightly-style): SCANFUSE_FUZZ_RUNS is the total number of cases over all
// properties (default 12,000), for example
//   SCANFUSE_FUZZ_RUNS=1000000 npx vitest run --project unit tests/io/fuzz.property.test.ts
// and SCANFUSE_FUZZ_SEED changes the seed (failures print the seed and path to replay).
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, ScanfuseError, type Engine, type Mesh, type ReadMeshOptions, type ReadMeshResult } from '../../src/index.js';
import {
  applyEdits, applyHeaderEdits, applyTokenEdits, byteEditArb, concatBytes, flipEditArb, headerEditArb, meshArb, spliceEditArb, tokenEditArb,
} from '../support/arbitraries.js';
import { BUILDS, engineFor } from '../support/engines.js';
import { binaryStl, binaryValues, box, bytes, rng, text, wavyGrid } from '../support/meshes.js';

// ---- run counts ----------------------------------------------------------------------------

const TOTAL_RUNS = Math.max(1, Math.floor(Number(process.env.SCANFUSE_FUZZ_RUNS ?? 12_000)) || 12_000);
const BASE_SEED = Number(process.env.SCANFUSE_FUZZ_SEED ?? 0x0f022) | 0;
/** Share of the total per property (sums to 1). */
const SHARES = {
  randomBytes: 0.1,
  truncations: 0.1,
  byteEdits: 0.25,
  insertDelete: 0.15,
  headerEdits: 0.2,
  tokenEdits: 0.1,
  stacked: 0.08,
  debugCore: 0.02,
} as const;
const runsOf = (key: keyof typeof SHARES) => Math.max(1, Math.round(TOTAL_RUNS * SHARES[key]));
/** Vitest timeout per property: generous per case, so only a hang (or a pathological slowdown) fails it. */
const timeoutOf = (key: keyof typeof SHARES) => 60_000 + 20 * runsOf(key);

// ---- the engine under test -----------------------------------------------------------------

const MEMORY_LIMIT_MIB = 64;
const MIB = 1024 * 1024;
/** Memory growth allowed per read: a fixed allowance (weld tables, scratch) plus a multiple of the input. */
const growthAllowance = (inputBytes: number) => 2 * MIB + 32 * inputBytes;

/** An engine under test; replaced when it traps or runs out of memory (the failure is reported anyway). */
class Target {
  engine!: Engine;
  highWater = 0;
  constructor(readonly debug: boolean) {}

  async start(): Promise<this> {
    this.engine = await createEngine({ maxMemoryMiB: MEMORY_LIMIT_MIB, debug: this.debug });
    return this;
  }
}

const release = new Target(false);
const debug = new Target(true);

// ---- the property checked on every input ---------------------------------------------------

const ALLOWED_CODES = new Set(['MALFORMED_INPUT', 'UNSUPPORTED_FORMAT']);

const optionsArb: fc.Arbitrary<ReadMeshOptions> = fc.record({
  weld: fc.boolean(),
  format: fc.oneof({ weight: 8, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.constantFrom('stl' as const, 'ply' as const) }),
}).map(({ weld, format }) => (format === undefined ? { weld } : { weld, format }));

/** Reads `input` and checks the outcome; throws an Error describing any violation. */
async function checkRead(input: Uint8Array, options: ReadMeshOptions = {}, target: Target = release): Promise<void> {
  const { engine } = target;
  const before = engine.memoryBytes;
  let result: ReadMeshResult | undefined;
  let failure: unknown;
  try {
    result = engine.readMesh(input, options);
  } catch (e) {
    failure = e;
  }
  const after = engine.memoryBytes;
  target.highWater = Math.max(target.highWater, after);
  try {
    try {
      if (failure !== undefined) checkError(failure, input);
      else checkMesh(result!, engine);
      if (after >= MEMORY_LIMIT_MIB * MIB) throw new Error(`engine memory reached ${after} bytes (limit ${MEMORY_LIMIT_MIB} MiB)`);
      if (after > before && after > growthAllowance(input.length)) {
        throw new Error(`engine memory grew from ${before} to ${after} bytes reading ${input.length} bytes (allowed ${growthAllowance(input.length)})`);
      }
    } catch (violation) {
      (violation as Error).message += `\n  options: ${JSON.stringify(options)}\n  input (${input.length} bytes): ${describeInput(input)}`;
      throw violation;
    }
  } finally {
    // A trapped or exhausted engine cannot judge the next input: replace it (the failure is reported anyway).
    if (engine.wasm.failed || (failure instanceof ScanfuseError && failure.code === 'OUT_OF_MEMORY')) await target.start();
  }
}

/** The input as a JS string literal with \\xNN escapes (the first 600 bytes). */
function describeInput(input: Uint8Array): string {
  let out = '';
  for (const b of input.subarray(0, 600)) {
    out += b === 0x0a ? '\\n' : b === 0x0d ? '\\r' : b === 0x5c ? '\\\\' : b === 0x27 ? "\\'" : b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, '0')}`;
  }
  return `'${out}'${input.length > 600 ? '...' : ''}`;
}

function checkError(e: unknown, input: Uint8Array): void {
  if (!(e instanceof ScanfuseError)) {
    throw new Error(`readMesh threw a non-ScanfuseError: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`, { cause: e });
  }
  if (!ALLOWED_CODES.has(e.code)) throw new Error(`readMesh threw ScanfuseError ${e.code}: ${e.message}`, { cause: e });
  const offset = e.details.byteOffset;
  if (offset !== undefined && !(typeof offset === 'number' && Number.isInteger(offset) && offset >= 0 && offset <= input.length)) {
    throw new Error(`details.byteOffset ${String(offset)} is outside [0, ${input.length}]: ${e.message}`, { cause: e });
  }
  if (typeof e.message !== 'string' || !e.message.startsWith('readMesh')) throw new Error(`error message does not start with the API name: ${e.message}`);
}

const isTypedArray = (a: unknown): boolean =>
  ArrayBuffer.isView(a) && !(a instanceof DataView) && !(a instanceof BigInt64Array) && !(a instanceof BigUint64Array);

/** The invariants every Mesh returned by readMesh satisfies. */
function checkMesh(r: ReadMeshResult, engine: Engine): void {
  const fail = (m: string) => { throw new Error(`readMesh returned an invalid mesh: ${m}`); };
  const { mesh } = r;
  if (r.format !== 'stl' && r.format !== 'ply') fail(`format ${r.format}`);
  const encodings = r.format === 'stl' ? ['binary', 'ascii'] : ['ascii', 'binary_little_endian', 'binary_big_endian'];
  if (!encodings.includes(r.encoding)) fail(`encoding ${r.encoding} for ${r.format}`);
  if (!Array.isArray(r.warnings) || r.warnings.some((w) => typeof w.code !== 'string' || typeof w.message !== 'string')) fail('warnings');
  if (!(mesh.positions instanceof Float32Array) || mesh.positions.length % 3) fail(`positions ${mesh.positions?.constructor.name}(${mesh.positions?.length})`);
  if (!(mesh.indices instanceof Uint32Array) || mesh.indices.length % 3) fail(`indices ${mesh.indices?.constructor.name}(${mesh.indices?.length})`);
  const v = mesh.positions.length / 3;
  const t = mesh.indices.length / 3;
  for (let i = 0; i < mesh.indices.length; i++) if (mesh.indices[i] >= v) fail(`index ${mesh.indices[i]} at ${i} >= vertex count ${v}`);
  const wasmBuffer = engine.wasm.buffer();
  const owned = (what: string, a: ArrayBufferView) => { if (a.buffer === wasmBuffer) fail(`${what} is a view into WASM memory`); };
  owned('positions', mesh.positions);
  owned('indices', mesh.indices);
  const sized = (what: string, a: ArrayLike<number> & ArrayBufferView, length: number, ctor?: Function) => {
    if (ctor && !(a instanceof ctor)) fail(`${what} is a ${a.constructor.name}`);
    if (a.length !== length) fail(`${what} has ${a.length} values, expected ${length}`);
    owned(what, a);
  };
  if (mesh.normals !== undefined) sized('normals', mesh.normals, 3 * v, Float32Array);
  if (mesh.uvs !== undefined) sized('uvs', mesh.uvs, 2 * v, Float32Array);
  for (const [key, count] of [['colors', v], ['faceColors', t]] as const) {
    const c = mesh[key];
    if (c === undefined) continue;
    if (c.itemSize !== 3 && c.itemSize !== 4) fail(`${key}.itemSize ${c.itemSize}`);
    sized(key, c.array, count * c.itemSize, Uint8Array);
  }
  for (const [scope, count] of [['vertexAttributes', v], ['faceAttributes', t]] as const) {
    for (const [name, a] of Object.entries(mesh[scope] ?? {})) {
      if (!isTypedArray(a.array)) fail(`${scope}.${name} is not a typed array`);
      if (!(Number.isInteger(a.itemSize) && a.itemSize >= 1)) fail(`${scope}.${name}.itemSize ${a.itemSize}`);
      sized(`${scope}.${name}`, a.array, count * a.itemSize);
    }
  }
}

// ---- seed files ----------------------------------------------------------------------------

interface Seed { name: string; bytes: Uint8Array; kind: 'stl-binary' | 'stl-ascii' | 'ply-binary' | 'ply-ascii'; [fc.toStringMethod]: () => string }

const L = (...lines: string[]) => `${lines.join('\n')}\n`;

/** A small mesh with every attribute the formats carry (deterministic). */
function richMesh(seed: number): Mesh {
  const r = rng(seed);
  const mesh = wavyGrid(12); // 4 x 4 vertices, 18 triangles
  const v = mesh.positions.length / 3;
  const t = mesh.indices.length / 3;
  const floats = (n: number) => Float32Array.from({ length: n }, () => r() * 2 - 1);
  return {
    ...mesh,
    normals: floats(3 * v),
    uvs: floats(2 * v),
    colors: { array: Uint8Array.from({ length: 4 * v }, () => Math.floor(r() * 256)), itemSize: 4 },
    faceColors: { array: Uint8Array.from({ length: 3 * t }, () => Math.floor(r() * 256)), itemSize: 3 },
    vertexAttributes: {
      confidence: { array: floats(v), itemSize: 1 },
      nir: { array: Uint16Array.from({ length: 2 * v }, () => Math.floor(r() * 65536)), itemSize: 2 },
      flags: { array: Int8Array.from({ length: v }, () => Math.floor(r() * 256) - 128), itemSize: 1 },
    },
    faceAttributes: {
      label: { array: Int32Array.from({ length: t }, () => Math.floor(r() * 40) - 5), itemSize: 1 },
      area: { array: Float64Array.from({ length: t }, () => r() * 1e-3), itemSize: 1 },
    },
    metadata: { comments: ['made by the fuzz seeds', 'scanner 3 unit mm'], objInfo: ['vertices 16'] },
  };
}

function buildSeeds(e: Engine): Seed[] {
  const seeds: Seed[] = [];
  // Counterexamples print the seed's name, not its bytes.
  const add = (name: string, kind: Seed['kind'], b: Uint8Array) => seeds.push({ name, kind, bytes: b, [fc.toStringMethod]: () => `seed(${JSON.stringify(name)})` });
  const rich = richMesh(7);
  const cube = box(2, 3, 4);
  // Written by scanfuse.
  add('stl binary box', 'stl-binary', e.writeMesh(cube, { format: 'stl', encoding: 'binary', name: 'box' }));
  add('stl binary colours', 'stl-binary', e.writeMesh({ positions: rich.positions, indices: rich.indices, faceColors: rich.faceColors }, { format: 'stl', encoding: 'binary' }));
  add('stl ascii box', 'stl-ascii', e.writeMesh(cube, { format: 'stl', encoding: 'ascii', name: 'box' }));
  add('ply le rich', 'ply-binary', e.writeMesh(rich, { format: 'ply', encoding: 'binary_little_endian' }));
  add('ply be rich', 'ply-binary', e.writeMesh(rich, { format: 'ply', encoding: 'binary_big_endian' }));
  add('ply ascii rich', 'ply-ascii', e.writeMesh(rich, { format: 'ply', encoding: 'ascii' }));
  add('ply le box', 'ply-binary', e.writeMesh(cube, { format: 'ply', encoding: 'binary_little_endian' }));
  // Medium-sized files (tens to hundreds of KB): reads that grow the engine's memory.
  const grid = wavyGrid(12_000);
  add('stl binary grid', 'stl-binary', e.writeMesh(grid, { format: 'stl', encoding: 'binary' }));
  add('ply le grid', 'ply-binary', e.writeMesh(grid, { format: 'ply', encoding: 'binary_little_endian' }));
  add('ply ascii grid', 'ply-ascii', e.writeMesh(wavyGrid(600), { format: 'ply', encoding: 'ascii' }));
  add('ply ascii points', 'ply-ascii', e.writeMesh({ positions: rich.positions, indices: new Uint32Array(0), colors: rich.colors }, { format: 'ply', encoding: 'ascii' }));

  // Hand-made STL.
  add('stl binary solid header, Magics colours', 'stl-binary', binaryStl(
    [0, 0, 0, 1, 0, 0, 0, 1, 0, 1, 0, 0, 1, 1, 0, 0, 1, 0, NaN, 0, 0, Infinity, 1, 0, 0, 0, -0],
    { header: 'solid looks like ascii COLOR=\x10\x20\x30\xff', attributes: [0x7fff, 0x8000, 0x1234], normals: [0, 0, 1, 0, 0, 1, 0, 0, 0] }));
  add('stl binary empty', 'stl-binary', binaryStl([]));
  add('stl ascii two solids, polygon, CRLF, case', 'stl-ascii', text([
    'SOLID first one', ' facet normal 0 0 1', '  outer loop', '   vertex 0 0 0', '   vertex 1 0 0', '   vertex 1 1 0', '   vertex 0 1 0',
    '  endloop', ' endfacet', 'endsolid first one', 'solid', 'Facet Normal nan inf -inf', 'Outer Loop', 'Vertex 1e-45 -0 3.4028235e38',
    'VERTEX 1 2 3', 'vertex 4 5 6', 'ENDLOOP', 'ENDFACET', 'endsolid', '',
  ].join('\r\n')));
  add('stl ascii facet without normal, tabs', 'stl-ascii', text('solid t\n\tfacet outer loop\n\t\tvertex 0 0 0\n\t\tvertex 1 0 0\n\t\tvertex 0 1 0\n\tendloop endfacet\nendsolid t\n'));

  // Hand-made PLY.
  add('ply ascii quads, lists, colours, edges', 'ply-ascii', text(L(
    'ply', 'format ascii 1.0', 'comment hand made', 'obj_info quads and more',
    'element vertex 5', 'property float x', 'property float y', 'property float z',
    'property uchar red', 'property uchar green', 'property uchar blue', 'property float confidence', 'property list uchar int ring',
    'element face 4', 'property list uchar int vertex_indices', 'property uchar red', 'property uchar green', 'property uchar blue', 'property int label',
    'element edge 2', 'property int vertex1', 'property int vertex2',
    'end_header',
    '0 0 0 255 0 0 0.5 0', '1 0 0 0 255 0 0.25 2 1 2', '1 1 0 0 0 255 1 1 4', '0 1 0 10 20 30 -1 0', '0.5 0.5 1 1 2 3 nan 3 0 1 2',
    '4 0 1 2 3 10 20 30 7', '3 0 1 4 1 1 1 -3', '2 0 1 0 0 0 0', '5 0 1 2 3 4 9 9 9 2147483647',
    '0 1', '2 3',
  )));
  add('ply ascii CR line ends, bare header line', 'ply-ascii', text(
    ['ply', 'format ascii 1.0', 'Created by Blender', 'element vertex 3', 'property float x', 'property float y', 'property float z',
      'element face 1', 'property list uchar uint vertex_indices', 'end_header', '0 0 0', '1 0 0', '0 1 0', '3 0 1 2', ''].join('\r')));
  add('ply ascii CRLF, float colours, texture uv, double positions', 'ply-ascii', text(
    ['ply', 'format ascii 1.0', 'element vertex 3', 'property double x', 'property double y', 'property double z',
      'property float diffuse_red', 'property float diffuse_green', 'property float diffuse_blue', 'property float texture_u', 'property float texture_v',
      'element face 1', 'property list char short vertex_index', 'end_header',
      '0 0 0 0 0.5 1 0 0', '1e300 0 0 2 -1 nan 1 0', '0 1 0 0.1 0.2 0.3 0 1', '3 0 1 2', ''].join('\r\n')));
  add('ply ascii tristrips, empty elements', 'ply-ascii', text(L(
    'ply', 'format ascii 1.0', 'element vertex 4', 'property float x', 'property float y', 'property float z',
    'element material 0', 'property float shine', 'element nothing 7', 'element tristrips 1', 'property list int int vertex_indices',
    'end_header', '0 0 0', '1 0 0', '0 1 0', '1 1 0', '6 0 1 2 -1 1 3',
  )));
  const header = (format: string, ...lines: string[]) => text(L('ply', `format ${format} 1.0`, ...lines, 'end_header'));
  for (const [format, le] of [['binary_little_endian', true], ['binary_big_endian', false]] as const) {
    add(`ply ${format} quads, ushort lists, skipped list, tristrips`, 'ply-binary', bytes(
      header(format, 'element vertex 4', 'property float x', 'property float y', 'property float z', 'property float nx', 'property float ny', 'property float nz',
        'property list uchar float weights', 'property uchar alpha',
        'element face 2', 'property list ushort uint vertex_indices', 'property float quality',
        'element tristrips 1', 'property list uint int vertex_indices'),
      binaryValues([
        ['float', 0], ['float', 0], ['float', 0], ['float', 0], ['float', 0], ['float', 1], ['uchar', 2], ['float', 0.5], ['float', 0.25], ['uchar', 9],
        ['float', 1], ['float', 0], ['float', 0], ['float', 0], ['float', 0], ['float', 1], ['uchar', 0], ['uchar', 9],
        ['float', 1], ['float', 1], ['float', 0], ['float', 0], ['float', 0], ['float', 1], ['uchar', 1], ['float', NaN], ['uchar', 9],
        ['float', 0], ['float', 1], ['float', 0], ['float', 0], ['float', 0], ['float', 1], ['uchar', 0], ['uchar', 9],
        ['ushort', 4], ['uint', 0], ['uint', 1], ['uint', 2], ['uint', 3], ['float', 1.5],
        ['ushort', 3], ['uint', 0], ['uint', 2], ['uint', 3], ['float', -2],
        ['uint', 5], ['int', 0], ['int', 1], ['int', 2], ['int', -1], ['int', 3],
      ], le)));
    add(`ply ${format} char counts, double positions, other element`, 'ply-binary', bytes(
      header(format, 'element vertex 3', 'property double x', 'property double y', 'property double z', 'property short temperature_0', 'property short temperature_1',
        'element face 1', 'property list char int vertex_indices', 'element camera 1', 'property float view_px', 'property list uchar uchar notes'),
      binaryValues([
        ['double', 0], ['double', 0], ['double', 0], ['short', -5], ['short', 5],
        ['double', 1], ['double', 0], ['double', 0], ['short', 300], ['short', -300],
        ['double', 0], ['double', 1], ['double', 1e-300], ['short', 0], ['short', 1],
        ['char', 3], ['int', 0], ['int', 1], ['int', 2],
        ['float', 1], ['uchar', 2], ['uchar', 104], ['uchar', 105],
      ], le)));
  }
  add('ply header only, zero counts', 'ply-binary', header('binary_little_endian', 'element vertex 0', 'property float x', 'property float y', 'property float z', 'element face 0', 'property list uchar int vertex_indices'));
  add('ply element with no properties', 'ply-binary', bytes(header('binary_big_endian', 'element vertex 1', 'property float x', 'property float y', 'property float z', 'element empty 3'), binaryValues([['float', 1], ['float', 2], ['float', 3]], false)));
  return seeds;
}

let SEEDS: Seed[] = [];
const seedsOf = (...kinds: Seed['kind'][]) => SEEDS.filter((s) => kinds.includes(s.kind));
const seedArb = (list: () => Seed[]) => fc.nat().map((i) => { const l = list(); return l[i % l.length]; });

// ---- the properties ------------------------------------------------------------------------

/** Bytes with a prefix that steers detection into each reader. */
const PREFIXES = ['', 'ply\n', 'ply\r', 'ply\r\n', 'solid ', 'solid x\nfacet normal ', 'ply\nformat ascii 1.0\n', 'ply\nformat binary_little_endian 1.0\nelement vertex 3\n',
  'ply\nformat binary_big_endian 1.0\nelement vertex 2\nproperty float x\nproperty float y\nproperty float z\nelement face 1\nproperty list uint int vertex_indices\nend_header\n'];

const randomInputArb: fc.Arbitrary<Uint8Array> = fc.oneof(
  fc.uint8Array({ maxLength: 600 }),
  fc.tuple(fc.constantFrom(...PREFIXES), fc.uint8Array({ maxLength: 400 })).map(([p, b]) => concatBytes(text(p), b)),
  // Binary STL by size: 84 + 50 n bytes of random content with a matching count.
  fc.tuple(fc.integer({ min: 0, max: 8 }), fc.nat()).map(([n, s]) => {
    const r = rng(s);
    const b = Uint8Array.from({ length: 84 + 50 * n }, () => Math.floor(r() * 256));
    new DataView(b.buffer).setUint32(80, n, true);
    return b;
  }),
  // Printable text from PLY / STL vocabulary.
  fc.tuple(fc.constantFrom(...PREFIXES), fc.array(fc.constantFrom('ply', 'format', 'ascii', '1.0', 'element', 'vertex', 'face', 'property', 'list', 'uchar', 'int', 'float',
    'x', 'y', 'z', 'vertex_indices', 'end_header', 'solid', 'facet', 'normal', 'outer', 'loop', 'endloop', 'endfacet', 'endsolid', '0', '1', '3', '-1', 'nan', '1e5', '4000000000',
    '\n', '\r', ' ', '\t'), { maxLength: 120 })).map(([p, words]) => text(p + words.join(' '))),
);

const ALL = () => SEEDS;

describe('readMesh fuzzing (release core, 64 MiB)', () => {
  beforeAll(async () => {
    await release.start();
    await debug.start();
    SEEDS = buildSeeds(release.engine);
  });

  afterAll(() => {
    expect(release.highWater).toBeLessThan(MEMORY_LIMIT_MIB * MIB);
    expect(debug.highWater).toBeLessThan(MEMORY_LIMIT_MIB * MIB);
  });

  it('the seed corpus reads without errors, as valid meshes', async () => {
    for (const s of SEEDS) {
      expect(() => release.engine.readMesh(s.bytes), s.name).not.toThrow();
      await checkRead(s.bytes);
    }
  });

  it('random bytes', async () => {
    await fc.assert(fc.asyncProperty(randomInputArb, optionsArb, (input, options) => checkRead(input, options)),
      { seed: BASE_SEED + 1, numRuns: runsOf('randomBytes') });
  }, timeoutOf('randomBytes'));

  it('truncations of valid files', async () => {
    await fc.assert(fc.asyncProperty(seedArb(ALL), fc.nat(), optionsArb, (seed, cut, options) =>
      checkRead(seed.bytes.slice(0, cut % (seed.bytes.length + 1)), options)),
    { seed: BASE_SEED + 2, numRuns: runsOf('truncations') });
  }, timeoutOf('truncations'));

  it('byte flips of valid files', async () => {
    const flips = fc.array(flipEditArb, { minLength: 1, maxLength: 8 });
    await fc.assert(fc.asyncProperty(seedArb(ALL), flips, optionsArb, (seed, edits, options) => checkRead(applyEdits(seed.bytes, edits), options)),
      { seed: BASE_SEED + 3, numRuns: runsOf('byteEdits') });
  }, timeoutOf('byteEdits'));

  it('byte insertions and deletions in valid files', async () => {
    const edits = fc.array(spliceEditArb, { minLength: 1, maxLength: 4 });
    await fc.assert(fc.asyncProperty(seedArb(ALL), edits, optionsArb, (seed, e, options) => checkRead(applyEdits(seed.bytes, e), options)),
      { seed: BASE_SEED + 4, numRuns: runsOf('insertDelete') });
  }, timeoutOf('insertDelete'));

  it('PLY header mutations: huge and negative counts, list count types, types, lines', async () => {
    const plySeeds = () => seedsOf('ply-binary', 'ply-ascii');
    await fc.assert(fc.asyncProperty(seedArb(plySeeds), fc.array(headerEditArb, { minLength: 1, maxLength: 3 }), optionsArb, (seed, edits, options) =>
      checkRead(applyHeaderEdits(seed.bytes, edits), options)),
    { seed: BASE_SEED + 5, numRuns: Math.ceil(runsOf('headerEdits') * 0.85) });
    // Binary STL: the triangle count replaced with huge or nearby values, the header made to look ASCII.
    const stlSeeds = () => seedsOf('stl-binary');
    const count = fc.oneof(fc.constantFrom(4000000000, 0xffffffff, 0x80000000, 0x7fffffff, 0), fc.integer({ min: -2, max: 2 }));
    await fc.assert(fc.asyncProperty(seedArb(stlSeeds), count, fc.boolean(), optionsArb, (seed, c, solid, options) => {
      const b = seed.bytes.slice();
      const dv = new DataView(b.buffer);
      const n = dv.getUint32(80, true);
      dv.setUint32(80, c >= -2 && c <= 2 ? (n + c) >>> 0 : c, true);
      if (solid) b.set(text('solid '), 0);
      return checkRead(b, options);
    }), { seed: BASE_SEED + 6, numRuns: Math.ceil(runsOf('headerEdits') * 0.15) });
  }, timeoutOf('headerEdits'));

  it('token mutations of text files (numbers and keywords)', async () => {
    const textSeeds = () => seedsOf('stl-ascii', 'ply-ascii');
    await fc.assert(fc.asyncProperty(seedArb(textSeeds), fc.array(tokenEditArb, { minLength: 1, maxLength: 4 }), optionsArb, (seed, edits, options) => {
      // PLY: keep the magic line so that the header parser (not detection) sees the mutation.
      const start = seed.kind === 'ply-ascii' ? 4 : 0;
      return checkRead(applyTokenEdits(seed.bytes, edits, start), options);
    }), { seed: BASE_SEED + 7, numRuns: runsOf('tokenEdits') });
  }, timeoutOf('tokenEdits'));

  it('stacked mutations of freshly generated valid files', async () => {
    const formats = fc.constantFrom(
      { format: 'stl' as const, encoding: 'binary' as const }, { format: 'stl' as const, encoding: 'ascii' as const },
      { format: 'ply' as const, encoding: 'binary_little_endian' as const }, { format: 'ply' as const, encoding: 'binary_big_endian' as const },
      { format: 'ply' as const, encoding: 'ascii' as const });
    const meshes = meshArb({ maxVertices: 12, maxTriangles: 16, nonFinite: true });
    await fc.assert(fc.asyncProperty(meshes, formats, fc.array(headerEditArb, { maxLength: 2 }), fc.array(byteEditArb, { maxLength: 4 }), optionsArb,
      (mesh, f, headerEdits, byteEdits, options) => {
        let b = release.engine.writeMesh(mesh, f);
        if (f.format === 'ply') b = applyHeaderEdits(b, headerEdits);
        return checkRead(applyEdits(b, byteEdits), options);
      }), { seed: BASE_SEED + 8, numRuns: runsOf('stacked') });
  }, timeoutOf('stacked'));

  it('the same mutations on the debug core (assertions on)', async () => {
    const edits = fc.array(byteEditArb, { minLength: 1, maxLength: 6 });
    await fc.assert(fc.asyncProperty(seedArb(ALL), fc.array(headerEditArb, { maxLength: 2 }), edits, optionsArb, (seed, headerEdits, byteEdits, options) => {
      const b = seed.kind.startsWith('ply') ? applyHeaderEdits(seed.bytes, headerEdits) : seed.bytes;
      return checkRead(applyEdits(b, byteEdits), options, debug);
    }), { seed: BASE_SEED + 9, numRuns: runsOf('debugCore') });
  }, timeoutOf('debugCore'));
});

// ---- regressions: minimal counterexamples found by fuzzing ---------------------------------

describe.each(BUILDS)('readMesh fuzzing regressions (%s build)', (build) => {
  // Found by 'byte insertions and deletions' / 'PLY header mutations' / 'stacked mutations'
  // (shrunk by hand to the smallest file). When every face of a binary PLY has fewer than 3
  // vertices, the mesh has no triangles but face colours and face attributes keep one value per
  // face record: decodeBinary (src/io/ply-read.ts) allocates the triangle-to-face map only when
  // triangles > 0, so expandPerFace returns the per-record arrays unchanged. The ASCII reader
  // gets this right (empty arrays); writeMesh rejects the returned mesh (INVALID_ARGUMENT).
  for (const format of ['binary_little_endian', 'binary_big_endian', 'ascii'] as const) {
    it(`PLY ${format}: face colours and attributes of faces that were all dropped as short have no values`, async () => {
      const engine = await engineFor(build);
      const header = text(L('ply', `format ${format} 1.0`, 'element vertex 2', 'property float x', 'property float y', 'property float z',
        'element face 1', 'property list uchar int vertex_indices', 'property uchar red', 'property uchar green', 'property uchar blue', 'property short label', 'end_header'));
      const le = format === 'binary_little_endian';
      const body = format === 'ascii' ? text('0 0 0\n1 0 0\n2 0 1 255 0 0 7\n')
        : bytes(new Uint8Array(24), binaryValues([['uchar', 2], ['int', 0], ['int', 1], ['uchar', 255], ['uchar', 0], ['uchar', 0], ['short', 7]], le));
      const { mesh, warnings } = engine.readMesh(bytes(header, body));
      expect(warnings.map((w) => w.code)).toContain('SHORT_FACES');
      expect(mesh.indices.length).toBe(0);
      expect(mesh.faceColors?.array.length ?? 0, 'face colour values').toBe(0);
      expect(mesh.faceAttributes?.label?.array.length ?? 0, 'face attribute values').toBe(0);
      expect(() => engine.writeMesh(mesh, { format: 'ply' })).not.toThrow();
    });
  }

  // Found while building the seed corpus: detection (startsWithSolid in src/io/stl-read.ts)
  // accepts an ASCII STL that starts with a UTF-8 byte order mark, but readAsciiStl starts its
  // lexer at byte 0, so the first token is BOM + 'solid' and the file is rejected with
  // MALFORMED_INPUT "expected 'solid'".
  it('ASCII STL with a UTF-8 byte order mark reads like the same file without it', async () => {
    const engine = await engineFor(build);
    const stl = 'solid t\nfacet normal 0 0 1\nouter loop\nvertex 0 0 0\nvertex 1 0 0\nvertex 0 1 0\nendloop\nendfacet\nendsolid t\n';
    const plain = engine.readMesh(text(stl));
    const withBom = engine.readMesh(bytes([0xef, 0xbb, 0xbf], stl));
    expect(withBom.encoding).toBe('ascii');
    expect(Array.from(withBom.mesh.positions)).toEqual(Array.from(plain.mesh.positions));
    expect(Array.from(withBom.mesh.indices)).toEqual(Array.from(plain.mesh.indices));
  });
});

