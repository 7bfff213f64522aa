import { describe, expect, it } from 'vitest';
import { ScanfuseError } from '../../src/index.js';
import { BUILDS, engineFor } from '../support/engines.js';
import { expectSameArray } from '../support/equal.js';
import { binaryStl, box, bytes, soupOf, text } from '../support/meshes.js';

const TRI = [0, 0, 0, 1, 0, 0, 0, 1, 0];
const QUAD_SOUP = [0, 0, 0, 1, 0, 0, 1, 1, 0, 0, 0, 0, 1, 1, 0, 0, 1, 0];

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

describe.each(BUILDS)('STL reading (%s build)', (build) => {
  it('detects binary by size arithmetic even when the header starts with "solid"', async () => {
    const engine = await engineFor(build);
    const file = binaryStl(QUAD_SOUP, { header: 'solid this is binary' });
    const r = engine.readMesh(file);
    expect(r.encoding).toBe('binary');
    expect(r.mesh.indices.length).toBe(6);
    expect(r.mesh.positions.length).toBe(12); // 4 welded vertices
  });

  it('welds exactly equal positions by default, in first-seen order, and can keep the soup', async () => {
    const engine = await engineFor(build);
    const b = box(2, 3, 4);
    const file = binaryStl(soupOf(b));
    const welded = engine.readMesh(file).mesh;
    expect(welded.positions.length / 3).toBe(8);
    expect(welded.indices.length).toBe(36);
    // Every triangle has the same corners as in the input.
    expectSameArray(soupOf(welded), soupOf(b), 'corners');
    const soup = engine.readMesh(file, { weld: false }).mesh;
    expect(soup.positions.length / 3).toBe(36);
    expectSameArray(soup.positions, soupOf(b), 'soup');
    expect(Array.from(soup.indices)).toEqual(Array.from({ length: 36 }, (_, i) => i));
  });

  it('welds +0 and -0 together (they are the same point)', async () => {
    const engine = await engineFor(build);
    const file = binaryStl([0, 0, 0, 1, 0, 0, 0, 1, 0, -0, -0, -0, 0, 1, 0, 1, 0, 0]);
    expect(engine.readMesh(file).mesh.positions.length / 3).toBe(3);
  });

  it('ignores garbage attribute bytes and zero or wrong normals; reports degenerate facets as warnings', async () => {
    const engine = await engineFor(build);
    const soup = [...TRI, 0, 0, 0, 1, 1, 1, 2, 2, 2]; // second facet collinear: zero area
    const file = binaryStl(soup, { attributes: [0xbeef, 0x1234], normals: [5, 5, 5, 0, 0, 0] });
    const r = engine.readMesh(file);
    expect(r.mesh.indices.length).toBe(6);
    expect(r.mesh.faceColors).toBeUndefined();
    expect(r.warnings.map((w) => w.code)).toEqual(['DEGENERATE_TRIANGLES']);
    expect(r.warnings[0].count).toBe(1);
  });

  it('reports NaN coordinates as a warning, not an error', async () => {
    const engine = await engineFor(build);
    const r = engine.readMesh(binaryStl([NaN, 0, 0, 1, 0, 0, 0, 1, 0]));
    expect(r.warnings.map((w) => w.code)).toContain('NONFINITE_VERTICES');
  });

  it('reads Materialise Magics colours when the header has COLOR=', async () => {
    const engine = await engineFor(build);
    const header = new Uint8Array(80);
    header.set(text('exported COLOR='));
    header.set([10, 20, 30, 255], 15);
    // facet 0: own colour r=31, g=0, b=16 (bit 15 clear); facet 1: bit 15 set = header colour.
    const file = binaryStl(QUAD_SOUP, { header, attributes: [31 | (0 << 5) | (16 << 10), 0x8000] });
    const r = engine.readMesh(file);
    expect(r.mesh.faceColors?.itemSize).toBe(3);
    expect(Array.from(r.mesh.faceColors!.array)).toEqual([255, 0, 132, 10, 20, 30]);
  });

  it('writes binary STL with normals from vertex order and reads it back', async () => {
    const engine = await engineFor(build);
    const b = box(1, 2, 3);
    const file = engine.writeMesh(b, { format: 'stl', name: 'box' });
    expect(file.length).toBe(84 + 50 * 12);
    const dv = new DataView(file.buffer);
    // First facet: bottom face, normal -z.
    expect([dv.getFloat32(84, true), dv.getFloat32(88, true), dv.getFloat32(92, true)]).toEqual([0, 0, -1]);
    expect(new TextDecoder().decode(file.subarray(0, 3))).toBe('box');
    const back = engine.readMesh(file).mesh;
    expectSameArray(soupOf(back), soupOf(b));
  });

  it('never writes a binary header that starts with "solid"', async () => {
    const engine = await engineFor(build);
    const file = engine.writeMesh(box(), { format: 'stl', name: 'solid trouble' });
    expect(new TextDecoder().decode(file.subarray(0, 5)).toLowerCase()).not.toBe('solid');
  });

  it('writes per-face colours as Magics attributes and reads them back', async () => {
    const engine = await engineFor(build);
    const b = box();
    const colors = new Uint8Array(36);
    for (let i = 0; i < 36; i++) colors[i] = Math.round((((i * 7) % 32) * 255) / 31);
    const file = engine.writeMesh({ ...b, faceColors: { array: colors, itemSize: 3 } }, { format: 'stl' });
    expect(engine.readMesh(file).mesh.faceColors?.array).toEqual(colors);
  });

  it('rejects binary files whose size does not match the count, with expected and actual sizes', async () => {
    const engine = await engineFor(build);
    const file = binaryStl(QUAD_SOUP);
    expectError(() => engine.readMesh(file.subarray(0, file.length - 7)), 'MALFORMED_INPUT', { expected: `${84 + 100} bytes`, actual: `${84 + 93} bytes` });
    expectError(() => engine.readMesh(bytes(file, [1, 2, 3])), 'MALFORMED_INPUT', { byteOffset: 184 });
    const huge = binaryStl([]);
    new DataView(huge.buffer).setUint32(80, 4_000_000_000, true);
    expectError(() => engine.readMesh(huge), 'MALFORMED_INPUT');
    expectError(() => engine.readMesh(new Uint8Array(10)), 'UNSUPPORTED_FORMAT');
  });
});

describe.each(BUILDS)('ASCII STL reading (%s build)', (build) => {
  const facet = (v: number[], normal = '0 0 1') =>
    `facet normal ${normal}\n outer loop\n  vertex ${v.slice(0, 3).join(' ')}\n  vertex ${v.slice(3, 6).join(' ')}\n  vertex ${v.slice(6, 9).join(' ')}\n endloop\nendfacet\n`;

  it('reads CRLF, tabs, any keyword case, exponents and UTF-8 names', async () => {
    const engine = await engineFor(build);
    const body = `SOLID Zahn ☺ 17\r\n\tFACET NORMAL 0 0 1.0E+0\r\n\t\tOUTER LOOP\r\n\t\t\tVERTEX 0 0 0\r\n\t\t\tvertex 1.5e0 0 0\r\n\t\t\tVertex 0 25E-1 -0\r\n\t\tENDLOOP\r\n\tENDFACET\r\nENDSOLID Zahn ☺ 17\r\n`;
    const r = engine.readMesh(text(body));
    expect(r.encoding).toBe('ascii');
    expect(Array.from(r.mesh.positions)).toEqual([0, 0, 0, 1.5, 0, 0, 0, 2.5, 0]);
    expect(r.mesh.metadata?.names).toEqual(['Zahn ☺ 17']);
  });

  it('merges several solids and labels each triangle with its solid', async () => {
    const engine = await engineFor(build);
    const r = engine.readMesh(text(`solid a\n${facet(TRI)}endsolid a\nsolid b\n${facet([5, 5, 5, 6, 5, 5, 5, 6, 5])}${facet([0, 0, 0, 5, 5, 5, 1, 0, 0])}endsolid b\n`));
    expect(r.mesh.indices.length).toBe(9);
    expect(r.mesh.metadata?.names).toEqual(['a', 'b']);
    expect(Array.from(r.mesh.faceAttributes!.solid.array)).toEqual([0, 1, 1]);
  });

  it('welds across facets and solids like the binary reader', async () => {
    const engine = await engineFor(build);
    const b = box(1, 2, 3);
    const ascii = engine.writeMesh(b, { format: 'stl', encoding: 'ascii' });
    const binary = engine.writeMesh(b, { format: 'stl' });
    const x = engine.readMesh(ascii).mesh;
    const y = engine.readMesh(binary).mesh;
    expectSameArray(x.positions, y.positions);
    expectSameArray(x.indices, y.indices);
  });

  it('reads an empty solid', async () => {
    const engine = await engineFor(build);
    const r = engine.readMesh(text('solid empty\nendsolid empty\n'));
    expect(r.mesh.indices.length).toBe(0);
    expect(r.warnings.map((w) => w.code)).toEqual(['EMPTY_MESH']);
  });

  it('fan-triangulates polygon loops with a warning', async () => {
    const engine = await engineFor(build);
    const r = engine.readMesh(text('solid p\nfacet normal 0 0 1\nouter loop\nvertex 0 0 0\nvertex 1 0 0\nvertex 1 1 0\nvertex 0 1 0\nendloop\nendfacet\nendsolid p\n'));
    expect(r.mesh.indices.length).toBe(6);
    expect(r.warnings.map((w) => w.code)).toContain('TRIANGULATED_POLYGONS');
  });

  it.each([
    ['a non-numeric coordinate', 'solid x\nfacet normal 0 0 1\nouter loop\nvertex 0 0 zero\n', 4],
    ['a truncated facet', 'solid x\nfacet normal 0 0 1\nouter loop\nvertex 0 0 0\nvertex 1 0 0\n', 6],
    ['a missing endsolid (at the end of the file)', `solid x\n${facet(TRI)}`, 9],
    ['a facet with two vertices', 'solid x\nfacet normal 0 0 1\nouter loop\nvertex 0 0 0\nvertex 1 0 0\nendloop\nendfacet\nendsolid\n', 6],
    ['an unknown keyword', 'solid x\nfacet normal 0 0 1\nouter loop\nvortex 0 0 0\n', 4],
  ])('rejects %s with its line number', async (_, body, line) => {
    const engine = await engineFor(build);
    const e = expectError(() => engine.readMesh(text(body as string), { fileName: 'bad.stl' }), 'MALFORMED_INPUT', { file: 'bad.stl', line });
    expect(e.message).toMatch(/^readMesh\(stl\): /);
    expect(typeof e.details.byteOffset).toBe('number');
  });
});

describe('format detection', () => {
  it('rejects non-mesh inputs with UNSUPPORTED_FORMAT and empty input with MALFORMED_INPUT', async () => {
    const engine = await engineFor();
    expectError(() => engine.readMesh(text('hello world, this is not a mesh')), 'UNSUPPORTED_FORMAT');
    expectError(() => engine.readMesh(bytes([0x50, 0x4b, 3, 4], new Uint8Array(200))), 'UNSUPPORTED_FORMAT');
    expectError(() => engine.readMesh(new Uint8Array(0)), 'MALFORMED_INPUT', { byteOffset: 0 });
    expectError(() => engine.readMesh('not bytes' as never), 'INVALID_ARGUMENT');
  });
});
