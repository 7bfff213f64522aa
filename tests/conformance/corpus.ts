// Shared helpers of the conformance suite: where the third-party data lives (../shared/data,
// beside the repository; never copied into it), reading it, and exact array comparison.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import type { Mesh, MeshAttribute, TypedArray } from '../../src/index.js';

/** /work/shared/data seen from tests/conformance/: the repository's sibling `../shared/data`. */
export const DATA_ROOT = new URL('../../../shared/data/', import.meta.url);
export const PARSERS_ROOT = new URL('parsers/', DATA_ROOT);

/** The bytes of a data file, `rel` relative to DATA_ROOT (e.g. 'parsers/stl/trimesh/soup.stl'). */
export function readData(rel: string): Uint8Array {
  const buffer = readFileSync(new URL(rel, DATA_ROOT));
  // A fresh, unshared Uint8Array (Node may hand out pooled Buffers).
  return new Uint8Array(buffer);
}

/** The bytes of a file under parsers/ (`rel` as in the expected-outcomes table). */
export function readParserFile(rel: string): Uint8Array {
  return readData(`parsers/${rel}`);
}

/** Every file under `dir` (recursively), as '/'-separated paths relative to `dir`, sorted. */
export function listFiles(dir: URL): string[] {
  const root = fileURLToPath(dir);
  const out: string[] = [];
  const walk = (sub: string) => {
    for (const name of readdirSync(root + sub)) {
      const rel = sub ? `${sub}/${name}` : name;
      if (statSync(root + rel).isDirectory()) walk(rel);
      else out.push(rel);
    }
  };
  walk('');
  return out.sort();
}

/** The raw bytes of a typed array (for bit-exact comparison: NaN payloads, -0). */
export function bytesOf(a: TypedArray): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

/** Asserts two typed arrays are of the same class and bit-identical; reports the first difference. */
export function expectBitIdentical(actual: TypedArray, expected: TypedArray, what: string): void {
  expect(actual.constructor.name, `${what}: array type`).toBe(expected.constructor.name);
  expect(actual.length, `${what}: length`).toBe(expected.length);
  const a = bytesOf(actual);
  const b = bytesOf(expected);
  if (Buffer.compare(Buffer.from(a.buffer, a.byteOffset, a.byteLength), Buffer.from(b.buffer, b.byteOffset, b.byteLength)) !== 0) {
    let i = 0;
    while (i < actual.length && Object.is(actual[i], expected[i])) i++;
    expect.fail(`${what}: first difference at element ${i}: ${actual[i]} vs ${expected[i]}`);
  }
}

/**
 * Asserts |a - b| <= tolerance element-wise (for ASCII files that print fewer digits than
 * float32 needs); reports the worst element.
 */
export function expectWithin(actual: Float32Array, expected: Float32Array, tolerance: (expected: number) => number, what: string): void {
  expect(actual.length, `${what}: length`).toBe(expected.length);
  let worst = -1;
  let worstExcess = 0;
  for (let i = 0; i < actual.length; i++) {
    const excess = Math.abs(actual[i] - expected[i]) - tolerance(expected[i]);
    if (!(excess <= 0) && (worst < 0 || excess > worstExcess)) {
      worst = i;
      worstExcess = excess;
    }
  }
  if (worst >= 0) expect.fail(`${what}: element ${worst} differs by ${Math.abs(actual[worst] - expected[worst])}: ${actual[worst]} vs ${expected[worst]}`);
}

/** Everything of a mesh except positions, indices and metadata, by a stable name. */
export function attributesOf(mesh: Mesh): Map<string, MeshAttribute> {
  const out = new Map<string, MeshAttribute>();
  if (mesh.normals !== undefined) out.set('normals', { array: mesh.normals, itemSize: 3 });
  if (mesh.uvs !== undefined) out.set('uvs', { array: mesh.uvs, itemSize: 2 });
  if (mesh.colors !== undefined) out.set(`colors:${mesh.colors.itemSize}`, mesh.colors);
  if (mesh.faceColors !== undefined) out.set(`faceColors:${mesh.faceColors.itemSize}`, mesh.faceColors);
  for (const [name, a] of Object.entries(mesh.vertexAttributes ?? {})) out.set(`vertex.${name}`, a);
  for (const [name, a] of Object.entries(mesh.faceAttributes ?? {})) out.set(`face.${name}`, a);
  return out;
}

/** Asserts two meshes carry the same attributes (names, item sizes, array types, bits). */
export function expectSameAttributes(actual: Mesh, expected: Mesh, what: string): void {
  const a = attributesOf(actual);
  const b = attributesOf(expected);
  expect([...a.keys()].sort(), `${what}: attribute names`).toEqual([...b.keys()].sort());
  for (const [name, attr] of b) {
    const other = a.get(name)!;
    expect(other.itemSize, `${what}: ${name} itemSize`).toBe(attr.itemSize);
    expectBitIdentical(other.array, attr.array, `${what}: ${name}`);
  }
}
