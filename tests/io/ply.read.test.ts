import { describe, expect, it } from 'vitest';
import { ScanfuseError, type Mesh } from '../../src/index.js';
import { BUILDS, engineFor } from '../support/engines.js';
import { expectSameArray } from '../support/equal.js';
import { binaryValues, box, bytes, text } from '../support/meshes.js';

function expectError(fn: () => unknown, code: string, details: Record<string, unknown> = {}): ScanfuseError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ScanfuseError);
    expect((e as ScanfuseError).code).toBe(code);
    expect((e as ScanfuseError).details).toMatchObject(details);
    return e as ScanfuseError;
  }
  throw new Error(`expected ScanfuseError ${code}`);
}

const header = (format: string, lines: string[], newline = '\n') =>
  ['ply', `format ${format} 1.0`, ...lines, 'end_header'].join(newline) + newline;

type V = [string, number];
/** A body in the given format from rows of [type, value] pairs. */
function body(format: string, rows: V[][]): Uint8Array {
  if (format === 'ascii') return text(rows.map((r) => r.map(([, v]) => String(v)).join(' ')).join('\n') + '\n');
  return binaryValues(rows.flat(), format === 'binary_little_endian');
}

const FORMATS = ['ascii', 'binary_little_endian', 'binary_big_endian'];

describe.each(BUILDS)('PLY reading (%s build)', (build) => {
  describe.each(FORMATS)('%s', (format) => {
    it('reads every scalar type and alias exactly, as named attributes of that type', async () => {
      const engine = await engineFor(build);
      const types = [['char', 'int8', -128, Int8Array], ['uchar', 'uint8', 255, Uint8Array], ['short', 'int16', -32768, Int16Array],
        ['ushort', 'uint16', 65535, Uint16Array], ['int', 'int32', -2147483648, Int32Array], ['uint', 'uint32', 4294967295, Uint32Array],
        ['float', 'float32', 0.1, Float32Array], ['double', 'float64', 0.1, Float64Array]] as const;
      const props = ['property float x', 'property float y', 'property float z'];
      const row: V[] = [['float', 1], ['float', 2], ['float', 3]];
      for (const [name, alias, value] of types) {
        props.push(`property ${name} a_${name}`, `property ${alias} b_${alias}`);
        row.push([name, value], [name, value]);
      }
      const file = bytes(header(format, ['element vertex 1', ...props]), body(format, [row]));
      const { mesh } = engine.readMesh(file);
      expect(Array.from(mesh.positions)).toEqual([1, 2, 3]);
      for (const [name, alias, value, ctor] of types) {
        for (const attr of [mesh.vertexAttributes![`a_${name}`], mesh.vertexAttributes![`b_${alias}`]]) {
          expect(attr.array).toBeInstanceOf(ctor);
          expect(attr.array[0]).toBe(ctor === Float32Array ? Math.fround(value) : value);
        }
      }
    });

    it('reads lists with every count and index type, faces before vertices, quads as two triangles', async () => {
      const engine = await engineFor(build);
      for (const [countType, indexType] of [['uchar', 'int'], ['ushort', 'uint'], ['uint', 'short'], ['char', 'uchar'], ['int', 'ushort']]) {
        const file = bytes(
          header(format, ['element face 2', `property list ${countType} ${indexType} vertex_indices`, 'property uchar label',
            'element vertex 4', 'property float x', 'property float y', 'property float z']),
          body(format, [
            [[countType, 4], [indexType, 0], [indexType, 1], [indexType, 2], [indexType, 3], ['uchar', 7]],
            [[countType, 3], [indexType, 3], [indexType, 2], [indexType, 1], ['uchar', 9]],
            [['float', 0], ['float', 0], ['float', 0]], [['float', 1], ['float', 0], ['float', 0]],
            [['float', 1], ['float', 1], ['float', 0]], [['float', 0], ['float', 1], ['float', 0]],
          ]),
        );
        const r = engine.readMesh(file);
        expect(Array.from(r.mesh.indices)).toEqual([0, 1, 2, 0, 2, 3, 3, 2, 1]);
        // The per-face label follows its face onto each of its triangles.
        expect(Array.from(r.mesh.faceAttributes!.label.array)).toEqual([7, 7, 9]);
        expect(r.warnings.map((w) => w.code)).toEqual(['TRIANGULATED_POLYGONS']);
      }
    });

    it('skips unknown elements, including ones with lists, and keeps comments and obj_info', async () => {
      const engine = await engineFor(build);
      const file = bytes(
        header(format, ['comment made by hand', 'obj_info scanner 7', 'element material 2', 'property list uchar float weights', 'property int id',
          'element vertex 3', 'property float x', 'property float y', 'property float z',
          'element face 1', 'property list uchar int vertex_indices', 'element edge 1', 'property int v1', 'property int v2']),
        body(format, [
          [['uchar', 2], ['float', 0.5], ['float', 0.25], ['int', 1]], [['uchar', 0], ['int', 2]],
          [['float', 0], ['float', 0], ['float', 0]], [['float', 1], ['float', 0], ['float', 0]], [['float', 0], ['float', 1], ['float', 0]],
          [['uchar', 3], ['int', 0], ['int', 1], ['int', 2]],
          [['int', 0], ['int', 1]],
        ]),
      );
      const r = engine.readMesh(file);
      expect(Array.from(r.mesh.indices)).toEqual([0, 1, 2]);
      expect(r.mesh.metadata).toMatchObject({ comments: ['made by hand'], objInfo: ['scanner 7'] });
      expect(r.warnings.filter((w) => w.code === 'SKIPPED_ELEMENT').length).toBe(2);
    });

    it('maps normals, uvs under their common names, and colours stored as uchar or float', async () => {
      const engine = await engineFor(build);
      for (const [u, v] of [['u', 'v'], ['s', 't'], ['texture_u', 'texture_v'], ['texture_s', 'texture_t']]) {
        for (const colorType of ['uchar', 'float']) {
          const c = (x: number) => (colorType === 'uchar' ? x : x / 255);
          const file = bytes(
            header(format, ['element vertex 2', 'property float x', 'property float y', 'property float z', 'property float nx', 'property float ny', 'property float nz',
              `property float ${u}`, `property float ${v}`, `property ${colorType} red`, `property ${colorType} green`, `property ${colorType} blue`, `property ${colorType} alpha`]),
            body(format, [
              [['float', 1], ['float', 2], ['float', 3], ['float', 0], ['float', 0], ['float', 1], ['float', 0.25], ['float', 0.75], [colorType, c(255)], [colorType, c(0)], [colorType, c(51)], [colorType, c(255)]],
              [['float', 4], ['float', 5], ['float', 6], ['float', 1], ['float', 0], ['float', 0], ['float', 1], ['float', 0], [colorType, c(0)], [colorType, c(102)], [colorType, c(0)], [colorType, c(128)]],
            ]),
          );
          const { mesh } = engine.readMesh(file);
          expect(Array.from(mesh.normals!)).toEqual([0, 0, 1, 1, 0, 0]);
          expect(Array.from(mesh.uvs!)).toEqual([0.25, 0.75, 1, 0]);
          expect(mesh.colors!.itemSize).toBe(4);
          expect(Array.from(mesh.colors!.array)).toEqual([255, 0, 51, 255, 0, 102, 0, 128]);
          expect(Object.keys(mesh.vertexAttributes!)).toEqual([]);
        }
      }
    });

    it('turns triangle strips into triangles with consistent winding', async () => {
      const engine = await engineFor(build);
      const file = bytes(
        header(format, ['element vertex 5', 'property float x', 'property float y', 'property float z', 'element tristrips 1', 'property list int int vertex_indices']),
        body(format, [
          ...[0, 1, 2, 3, 4].map((i) => [['float', i], ['float', i % 2], ['float', 0]] as V[]),
          [['int', 7], ['int', 0], ['int', 1], ['int', 2], ['int', 3], ['int', -1], ['int', 2], ['int', 3]],
        ]),
      );
      const r = engine.readMesh(file);
      expect(Array.from(r.mesh.indices)).toEqual([0, 1, 2, 2, 1, 3]);
    });

    it('groups name_0 .. name_k of one type into one attribute of itemSize k + 1', async () => {
      const engine = await engineFor(build);
      const file = bytes(header(format, ['element vertex 1', 'property float x', 'property float y', 'property float z',
        'property short q_0', 'property short q_1', 'property short q_2', 'property int lone_0']), body(format, [[['float', 0], ['float', 0], ['float', 0], ['short', 1], ['short', -2], ['short', 3], ['int', 4]]]));
      const { mesh } = engine.readMesh(file);
      expect(mesh.vertexAttributes!.q.itemSize).toBe(3);
      expect(Array.from(mesh.vertexAttributes!.q.array)).toEqual([1, -2, 3]);
      expect(Array.from(mesh.vertexAttributes!.lone_0.array)).toEqual([4]);
    });

    it('rejects a vertex index out of range, with the byte offset', async () => {
      const engine = await engineFor(build);
      const file = bytes(header(format, ['element vertex 3', 'property float x', 'property float y', 'property float z', 'element face 1', 'property list uchar int vertex_indices']),
        body(format, [[['float', 0], ['float', 0], ['float', 0]], [['float', 1], ['float', 0], ['float', 0]], [['float', 0], ['float', 1], ['float', 0]], [['uchar', 3], ['int', 0], ['int', 1], ['int', 3]]]));
      const e = expectError(() => engine.readMesh(file, { fileName: 'f.ply' }), 'MALFORMED_INPUT', { file: 'f.ply', actual: 3 });
      expect(e.details.byteOffset).toBeGreaterThan(0);
      expect(e.details.byteOffset).toBeLessThan(file.length);
    });

    it('rejects a negative vertex index and a negative list count', async () => {
      const engine = await engineFor(build);
      const head = header(format, ['element vertex 3', 'property float x', 'property float y', 'property float z', 'element face 1', 'property list char int vertex_indices']);
      const verts: V[][] = [[['float', 0], ['float', 0], ['float', 0]], [['float', 1], ['float', 0], ['float', 0]], [['float', 0], ['float', 1], ['float', 0]]];
      expectError(() => engine.readMesh(bytes(head, body(format, [...verts, [['char', 3], ['int', 0], ['int', -1], ['int', 2]]]))), 'MALFORMED_INPUT');
      expectError(() => engine.readMesh(bytes(head, body(format, [...verts, [['char', -3], ['int', 0], ['int', 1], ['int', 2]]]))), 'MALFORMED_INPUT');
    });

    it('rejects a truncated body', async () => {
      const engine = await engineFor(build);
      const file = bytes(header(format, ['element vertex 3', 'property float x', 'property float y', 'property float z', 'element face 1', 'property list uchar int vertex_indices']),
        body(format, [[['float', 0], ['float', 0], ['float', 0]], [['float', 1], ['float', 0], ['float', 0]], [['float', 0], ['float', 1], ['float', 0]], [['uchar', 3], ['int', 0], ['int', 1], ['int', 2]]]));
      for (const cut of [3, 5, 12]) expectError(() => engine.readMesh(file.subarray(0, file.length - cut)), 'MALFORMED_INPUT');
    });

    it('rejects a header that claims 4e9 faces in a tiny file at once, before allocating', async () => {
      const engine = await engineFor(build);
      const file = bytes(header(format, ['element vertex 3', 'property float x', 'property float y', 'property float z', 'element face 4000000000', 'property list uchar int vertex_indices']), new Uint8Array(900));
      const before = engine.memoryBytes;
      const e = expectError(() => engine.readMesh(file), 'MALFORMED_INPUT', { line: 7 });
      expect(e.details.byteOffset).toBeGreaterThan(0);
      expect(engine.memoryBytes).toBe(before);
    });
  });

  it.each([['LF', '\n'], ['CRLF', '\r\n'], ['CR', '\r']])('finds the binary body after end_header with %s line ends (body starting with 0x0a and 0x0d)', async (_, nl) => {
    const engine = await engineFor(build);
    const head = header('binary_little_endian', ['element vertex 1', 'property uchar a', 'property uchar b', 'property float x', 'property float y', 'property float z'], nl);
    for (const first of [0x0a, 0x0d]) {
      const { mesh } = engine.readMesh(bytes(head, [first, 0x0a], binaryValues([['float', 1], ['float', 2], ['float', 3]])));
      expect(Array.from(mesh.vertexAttributes!.a.array)).toEqual([first]);
      expect(Array.from(mesh.positions)).toEqual([1, 2, 3]);
    }
  });

  it('reads ASCII with leading spaces, tabs, CRLF and exponents', async () => {
    const engine = await engineFor(build);
    const file = text('ply\r\nformat ascii 1.0\r\n  element vertex 3\r\nproperty   float x\r\nproperty float\ty\r\nproperty float z\r\nelement face 1\r\nproperty list uchar int vertex_indices\r\nend_header\r\n'
      + '  0 0 0\r\n\t1.0e0 0 -0\r\n0 1E+0 0 \r\n3 0 1 2\r\n');
    const { mesh } = engine.readMesh(file);
    expect(Array.from(mesh.positions)).toEqual([0, 0, 0, 1, 0, -0, 0, 1, 0]);
    expect(Array.from(mesh.indices)).toEqual([0, 1, 2]);
  });

  it.each([
    ['no format line', 'ply\nelement vertex 0\nend_header\n', 'MALFORMED_INPUT'],
    ['an unknown format', 'ply\nformat binary_middle_endian 1.0\nend_header\n', 'UNSUPPORTED_FORMAT'],
    ['an unknown type', 'ply\nformat ascii 1.0\nelement vertex 1\nproperty float128 x\nend_header\n', 'MALFORMED_INPUT'],
    ['a negative element count', 'ply\nformat ascii 1.0\nelement vertex -1\nend_header\n', 'MALFORMED_INPUT'],
    ['no end_header', 'ply\nformat ascii 1.0\nelement vertex 1\n', 'MALFORMED_INPUT'],
    ['a float list count type', 'ply\nformat ascii 1.0\nelement face 1\nproperty list float int vertex_indices\nend_header\n3 0 1 2\n', 'MALFORMED_INPUT'],
    ['a vertex element without x y z', 'ply\nformat ascii 1.0\nelement vertex 1\nproperty float q\nend_header\n1\n', 'MALFORMED_INPUT'],
    ['a non-numeric ASCII value', 'ply\nformat ascii 1.0\nelement vertex 1\nproperty float x\nproperty float y\nproperty float z\nend_header\n1 two 3\n', 'MALFORMED_INPUT'],
    ['an out-of-range uchar', 'ply\nformat ascii 1.0\nelement vertex 1\nproperty float x\nproperty float y\nproperty float z\nproperty uchar red\nend_header\n1 2 3 256\n', 'MALFORMED_INPUT'],
    ['extra values on a record line', 'ply\nformat ascii 1.0\nelement vertex 1\nproperty float x\nproperty float y\nproperty float z\nend_header\n1 2 3 4\n', 'MALFORMED_INPUT'],
    ['faces without vertices', 'ply\nformat ascii 1.0\nelement face 1\nproperty list uchar int vertex_indices\nend_header\n3 0 1 2\n', 'MALFORMED_INPUT'],
  ])('rejects %s', async (_, file, code) => {
    const engine = await engineFor(build);
    const e = expectError(() => engine.readMesh(text(file as string), { fileName: 'x.ply' }), code as string, { file: 'x.ply' });
    expect(e.message).toMatch(/^readMesh(\(ply\))?: /);
  });

  it('accepts bare text lines in the header (old Blender exporters) with a warning', async () => {
    const engine = await engineFor(build);
    const r = engine.readMesh(text('ply\nformat ascii 1.0\nCreated by Blender3D 247\nelement vertex 1\nproperty float x\nproperty float y\nproperty float z\nend_header\n1 2 3\n'));
    expect(r.warnings.map((w) => w.code)).toEqual(['UNKNOWN_HEADER_LINE']);
  });
});

describe.each(BUILDS)('PLY writing (%s build)', (build) => {
  const full = (): Mesh => {
    const b = box(1, 2, 3);
    const n = b.positions.length / 3;
    const t = b.indices.length / 3;
    return {
      ...b,
      normals: new Float32Array(3 * n).map((_, i) => (i % 3 === 2 ? 1 : 0)),
      uvs: new Float32Array(2 * n).map((_, i) => i / 16),
      colors: { array: new Uint8Array(4 * n).map((_, i) => i * 7), itemSize: 4 },
      faceColors: { array: new Uint8Array(3 * t).map((_, i) => 255 - i), itemSize: 3 },
      vertexAttributes: { confidence: { array: new Float32Array(n).map((_, i) => i / 3), itemSize: 1 }, tangent: { array: new Float64Array(3 * n).map((_, i) => -i / 7), itemSize: 3 } },
      faceAttributes: { label: { array: new Uint8Array(t).map((_, i) => i % 4), itemSize: 1 }, id: { array: new Int32Array(t).map((_, i) => -i), itemSize: 1 } },
      metadata: { comments: ['scanfuse test', 'second'], objInfo: ['info'] },
    };
  };

  it.each(['binary_little_endian', 'binary_big_endian', 'ascii'] as const)('writes %s that reads back bit-identical, with every attribute', async (encoding) => {
    const engine = await engineFor(build);
    const mesh = full();
    const file = engine.writeMesh(mesh, { format: 'ply', encoding });
    const back = engine.readMesh(file).mesh;
    expectSameArray(back.positions, mesh.positions, 'positions');
    expectSameArray(back.indices, mesh.indices, 'indices');
    expectSameArray(back.normals, mesh.normals, 'normals');
    expectSameArray(back.uvs, mesh.uvs, 'uvs');
    expect(back.colors?.itemSize).toBe(4);
    expectSameArray(back.colors?.array, mesh.colors!.array, 'colors');
    expectSameArray(back.faceColors?.array, mesh.faceColors!.array, 'faceColors');
    for (const scope of ['vertexAttributes', 'faceAttributes'] as const) {
      expect(Object.keys(back[scope]!)).toEqual(Object.keys(mesh[scope]!));
      for (const [name, a] of Object.entries(mesh[scope]!)) {
        expect(back[scope]![name].itemSize).toBe(a.itemSize);
        expectSameArray(back[scope]![name].array, a.array, name);
      }
    }
    expect(back.metadata).toMatchObject(mesh.metadata!);
    expectSameArray(engine.writeMesh(back, { format: 'ply', encoding }), file, 'rewritten bytes');
  });

  it('rejects meshes with out-of-range indices, bad array types and colliding attribute names', async () => {
    const engine = await engineFor(build);
    const b = box();
    expectError(() => engine.writeMesh({ ...b, indices: new Uint32Array([0, 1, 8]) }, { format: 'ply' }), 'INVALID_ARGUMENT');
    expectError(() => engine.writeMesh({ ...b, indices: new Uint32Array([0, 1, 8]) }, { format: 'stl' }), 'INVALID_ARGUMENT');
    expectError(() => engine.writeMesh({ ...b, positions: Array.from(b.positions) as never }, { format: 'ply' }), 'INVALID_ARGUMENT');
    expectError(() => engine.writeMesh({ ...b, vertexAttributes: { red: { array: new Uint8Array(8), itemSize: 1 } } }, { format: 'ply' }), 'INVALID_ARGUMENT');
    expectError(() => engine.writeMesh({ ...b, vertexAttributes: { w: { array: new Uint8Array(7), itemSize: 1 } } }, { format: 'ply' }), 'INVALID_ARGUMENT');
    expectError(() => engine.writeMesh(b, { format: 'obj' as never }), 'INVALID_ARGUMENT');
    expectError(() => engine.writeMesh(b, { format: 'ply', encoding: 'binary_middle_endian' as never }), 'INVALID_ARGUMENT');
  });
});
