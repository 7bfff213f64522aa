// Real dental data: the Mesh_Labeler example arch (an intraoral scan of an upper arch with
// palate, binary STL and its binary PLY twin with per-face tooth labels) and a primate molar
// (binary PLY with normals). Counts are checked against the files' own headers, the two arch
// files against each other, and every encoding's write -> read round trip.
import { beforeAll, describe, expect, it } from 'vitest';
import { createEngine, type Engine, type Mesh, type MeshEncoding, type ReadMeshResult } from '../../src/index.js';
import { expectBitIdentical, expectSameAttributes, readData } from './corpus.js';

const ARCH = 'dental/mesh_labeler_example01/derived/';
const ARCH_STL = `${ARCH}Example_01.stl`;
const ARCH_PLY = `${ARCH}Example_01_labels.ply`;
const MOLAR_PLY = 'dental/molaR_primate_molars/derived/Tooth_Chlorocebus_USNM112176_LM1.ply';

/** The header lines of a PLY file (independent of scanfuse's parser). */
function plyHeaderLines(bytes: Uint8Array): string[] {
  const text = new TextDecoder('latin1').decode(bytes.subarray(0, 4096));
  return text.slice(0, text.indexOf('end_header')).split(/\r\n|\r|\n/);
}
const elementCount = (lines: string[], name: string) => {
  const line = lines.find((l) => l.startsWith(`element ${name} `));
  if (!line) throw new Error(`no element ${name}`);
  return Number(line.split(/\s+/)[2]);
};

/** Exact key of vertex i (its three float32 bit patterns). */
function vertexKey(p: Float32Array, i: number): string {
  const u = new Uint32Array(p.buffer, p.byteOffset + 12 * i, 3);
  return `${u[0]},${u[1]},${u[2]}`;
}

/** A triangle as a key that keeps its winding: rotated to start at its smallest index. */
function triangleKey(a: number, b: number, c: number): string {
  if (a <= b && a <= c) return `${a},${b},${c}`;
  if (b <= a && b <= c) return `${b},${c},${a}`;
  return `${c},${a},${b}`;
}

let engine: Engine;
let stlBytes: Uint8Array;
let plyBytes: Uint8Array;
let stl: ReadMeshResult;
let ply: ReadMeshResult;
beforeAll(async () => {
  engine = await createEngine();
  stlBytes = readData(ARCH_STL);
  plyBytes = readData(ARCH_PLY);
  stl = engine.readMesh(stlBytes, { fileName: ARCH_STL });
  ply = engine.readMesh(plyBytes, { fileName: ARCH_PLY });
});

describe('Mesh_Labeler example arch', () => {
  it('the binary STL welds to 50,643 vertices and 99,999 triangles', () => {
    // Independent: the triangle count in the header, and the size it implies.
    const headerCount = new DataView(stlBytes.buffer, stlBytes.byteOffset).getUint32(80, true);
    expect(headerCount).toBe(99_999);
    expect(stlBytes.length).toBe(84 + 50 * headerCount);
    expect(stl.format).toBe('stl');
    expect(stl.encoding).toBe('binary');
    expect(stl.mesh.positions.length / 3).toBe(50_643);
    expect(stl.mesh.indices.length / 3).toBe(headerCount);
    expect(stl.warnings).toEqual([]);
  });

  it('the binary PLY has the same counts as its header and as the STL', () => {
    const header = plyHeaderLines(plyBytes);
    expect(header).toContain('format binary_little_endian 1.0');
    expect(header).toContain('property uchar label');
    expect(ply.encoding).toBe('binary_little_endian');
    expect(ply.mesh.positions.length / 3).toBe(elementCount(header, 'vertex'));
    expect(ply.mesh.indices.length / 3).toBe(elementCount(header, 'face'));
    expect(ply.mesh.positions.length / 3).toBe(50_643);
    expect(ply.mesh.indices.length / 3).toBe(99_999);
    expect(ply.warnings).toEqual([]);
  });

  it("the PLY has a per-face uchar 'label': 0 (gingiva) and 2..15 (teeth)", () => {
    const label = ply.mesh.faceAttributes?.label;
    expect(label).toBeDefined();
    expect(label!.itemSize).toBe(1);
    expect(label!.array).toBeInstanceOf(Uint8Array);
    expect(label!.array.length).toBe(99_999);
    expect([...new Set(label!.array)].sort((a, b) => a - b)).toEqual([0, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]);
  });

  it('STL and PLY are the same surface: vertices map one-to-one, triangles agree as a set (with winding)', () => {
    // The vertex order of the two files need not agree: match vertices by exact coordinates.
    const s = stl.mesh;
    const p = ply.mesh;
    const stlVertex = new Map<string, number>();
    for (let i = 0; i < s.positions.length / 3; i++) stlVertex.set(vertexKey(s.positions, i), i);
    expect(stlVertex.size, 'STL vertices are distinct after welding').toBe(s.positions.length / 3);
    const map = new Uint32Array(p.positions.length / 3);
    const hit = new Uint8Array(s.positions.length / 3);
    for (let i = 0; i < map.length; i++) {
      const j = stlVertex.get(vertexKey(p.positions, i));
      if (j === undefined) expect.fail(`PLY vertex ${i} has no STL vertex at the same position`);
      if (hit[j]) expect.fail(`two PLY vertices map to STL vertex ${j}`);
      hit[j] = 1;
      map[i] = j;
    }
    const count = new Map<string, number>();
    for (let t = 0; t < s.indices.length; t += 3) {
      const k = triangleKey(s.indices[t], s.indices[t + 1], s.indices[t + 2]);
      count.set(k, (count.get(k) ?? 0) + 1);
    }
    for (let t = 0; t < p.indices.length; t += 3) {
      const k = triangleKey(map[p.indices[t]], map[p.indices[t + 1]], map[p.indices[t + 2]]);
      const n = count.get(k);
      if (!n) expect.fail(`PLY triangle ${t / 3} (as STL vertices ${k}) is not in the STL`);
      count.set(k, n - 1);
    }
    expect(p.indices.length).toBe(s.indices.length);
  });

  it('meshInfo: 27 non-manifold edges and an open boundary, for both files', () => {
    for (const mesh of [stl.mesh, ply.mesh]) {
      const info = engine.meshInfo(mesh);
      expect(info.vertexCount).toBe(50_643);
      expect(info.triangleCount).toBe(99_999);
      expect(info.nonManifoldEdgeCount).toBe(27);
      expect(info.boundaryEdgeCount).toBeGreaterThan(0);
      expect(info.boundaryLoopCount).toBeGreaterThan(0);
      expect(info.closed).toBe(false);
      expect(info.volume).toBeNull();
      expect(info.degenerateTriangleCount).toBe(0);
      expect(info.nonFiniteVertexCount).toBe(0);
    }
  });
});

describe('round trips of the arch', () => {
  it.each(['binary', 'ascii'] as const)('STL %s: write -> read gives identical positions and indices after welding', (encoding) => {
    const bytes = engine.writeMesh(stl.mesh, { format: 'stl', encoding });
    const back = engine.readMesh(bytes, { fileName: `arch.${encoding}.stl` });
    expect(back.format).toBe('stl');
    expect(back.encoding).toBe(encoding);
    expectBitIdentical(back.mesh.positions, stl.mesh.positions, 'positions');
    expectBitIdentical(back.mesh.indices, stl.mesh.indices, 'indices');
  });

  it.each(['binary_little_endian', 'binary_big_endian', 'ascii'] as const satisfies readonly MeshEncoding[])(
    'PLY %s: write -> read gives everything back, including the label attribute', (encoding) => {
      const bytes = engine.writeMesh(ply.mesh, { format: 'ply', encoding });
      const back = engine.readMesh(bytes, { fileName: `arch.${encoding}.ply` });
      expect(back.format).toBe('ply');
      expect(back.encoding).toBe(encoding);
      expect(back.warnings).toEqual([]);
      const m: Mesh = back.mesh;
      expectBitIdentical(m.positions, ply.mesh.positions, 'positions');
      expectBitIdentical(m.indices, ply.mesh.indices, 'indices');
      expectSameAttributes(m, ply.mesh, `PLY ${encoding}`);
      expect(m.faceAttributes?.label).toBeDefined();
      expect(m.metadata?.comments).toEqual(ply.mesh.metadata?.comments);
    });
});

describe('molaR primate molar', () => {
  it('loads with unit normals and the counts of its header', () => {
    const bytes = readData(MOLAR_PLY);
    const header = plyHeaderLines(bytes);
    const { mesh, encoding, warnings } = engine.readMesh(bytes, { fileName: MOLAR_PLY });
    expect(encoding).toBe('binary_little_endian');
    expect(warnings).toEqual([]);
    const vertices = elementCount(header, 'vertex');
    expect(vertices).toBe(5054);
    expect(mesh.positions.length).toBe(3 * vertices);
    expect(mesh.indices.length / 3).toBe(elementCount(header, 'face'));
    expect(mesh.normals).toBeInstanceOf(Float32Array);
    expect(mesh.normals!.length).toBe(3 * vertices);
    for (let i = 0; i < mesh.normals!.length; i += 3) {
      const length = Math.hypot(mesh.normals![i], mesh.normals![i + 1], mesh.normals![i + 2]);
      if (Math.abs(length - 1) > 1e-5) expect.fail(`normal ${i / 3} has length ${length}`);
    }
  });
});
