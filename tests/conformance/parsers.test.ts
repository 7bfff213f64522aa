// Every real third-party STL/PLY file under ../shared/data/parsers loads with the expected
// counts, encoding, warnings and attributes, or fails with the expected typed error; nothing
// throws anything but a ScanfuseError. Runs on the release and the debug core (assertions on).
import { beforeAll, describe, expect, it } from 'vitest';
import { createEngine, ScanfuseError, type Engine, type MeshWarningCode, type ReadMeshResult } from '../../src/index.js';
import { attributesOf, expectBitIdentical, listFiles, PARSERS_ROOT, readParserFile } from './corpus.js';
import { EXPECTED_OUTCOMES, type ErrorRow, type LoadsRow } from './expected-outcomes.js';

const corpusFiles = () => listFiles(PARSERS_ROOT).filter((f) => !f.endsWith('.license'));
const loads = EXPECTED_OUTCOMES.filter((r): r is LoadsRow => r.outcome === 'loads');
const errors = EXPECTED_OUTCOMES.filter((r): r is ErrorRow => r.outcome === 'error');

/** What readMesh threw (or null), without letting anything escape. */
function thrownBy(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e ?? new Error('threw a nullish value');
  }
  return null;
}

describe('the expected-outcomes table', () => {
  it('has exactly one row per file under parsers/ (every file but *.license)', () => {
    const files = corpusFiles();
    const rows = EXPECTED_OUTCOMES.map((r) => r.file);
    expect(new Set(rows).size, 'duplicate rows').toBe(rows.length);
    const missing = files.filter((f) => !rows.includes(f));
    const stale = rows.filter((f) => !files.includes(f));
    expect(missing, 'files without a row in expected-outcomes.ts').toEqual([]);
    expect(stale, 'rows for files that do not exist').toEqual([]);
  });

  it('gives every expected failure a reason', () => {
    for (const row of errors) expect(row.reason.length, row.file).toBeGreaterThan(20);
  });
});

describe.each(['release', 'debug'] as const)('parsers corpus (%s core)', (build) => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await createEngine({ debug: build === 'debug' });
  });

  it.each(loads.map((r) => [r.file, r] as const))('%s loads', (file, row) => {
    const bytes = readParserFile(file);
    const result: ReadMeshResult = engine.readMesh(bytes, { fileName: file });
    const { mesh } = result;
    expect(result.format).toBe(row.format);
    expect(result.encoding).toBe(row.encoding);
    expect(mesh.positions).toBeInstanceOf(Float32Array);
    expect(mesh.indices).toBeInstanceOf(Uint32Array);
    expect(mesh.positions.length % 3).toBe(0);
    expect(mesh.indices.length % 3).toBe(0);
    const vertices = mesh.positions.length / 3;
    const triangles = mesh.indices.length / 3;
    expect({ vertices, triangles }).toEqual({ vertices: row.vertices, triangles: row.triangles });
    for (let i = 0; i < mesh.indices.length; i++) {
      if (mesh.indices[i] >= vertices) expect.fail(`index ${i} = ${mesh.indices[i]} >= ${vertices} vertices`);
    }

    // Warnings: exactly the expected codes, with the expected counts.
    const warnings: Partial<Record<MeshWarningCode, number>> = {};
    for (const w of result.warnings) {
      expect(typeof w.message).toBe('string');
      warnings[w.code] = (warnings[w.code] ?? 0) + (w.count ?? 0);
    }
    expect(warnings).toEqual(row.warnings ?? {});

    // Attributes: the names the header declares, each sized per vertex or per triangle.
    const attributes = attributesOf(mesh);
    if (row.attributes) expect([...attributes.keys()].sort()).toEqual([...row.attributes].sort());
    for (const [name, a] of attributes) {
      const perFace = name.startsWith('face'); // 'faceColors:k' and 'face.NAME'
      expect(a.array.length, `${name} length`).toBe((perFace ? triangles : vertices) * a.itemSize);
    }

    // Several solids: their names in file order and the per-triangle solid index.
    if (row.solids) {
      expect(mesh.metadata?.names).toEqual(row.solids.map(([name]) => name));
      const solid = mesh.faceAttributes?.solid?.array;
      expect(solid).toBeDefined();
      const counts = row.solids.map(() => 0);
      for (const s of solid!) counts[s]++;
      expect(counts).toEqual(row.solids.map(([, n]) => n));
    }

    // STL: reading without welding gives the same triangles, corner by corner.
    if (row.format === 'stl') {
      const soup = engine.readMesh(bytes, { fileName: file, weld: false }).mesh;
      expect(soup.positions.length).toBe(9 * triangles);
      const gathered = new Float32Array(9 * triangles);
      for (let c = 0; c < 3 * triangles; c++) gathered.set(mesh.positions.subarray(3 * mesh.indices[c], 3 * mesh.indices[c] + 3), 3 * c);
      // Welding folds -0 into +0; compare values (Float32Array equality treats -0 === 0).
      const folded = Float32Array.from(soup.positions, (v) => v + 0);
      const weldFolded = Float32Array.from(gathered, (v) => v + 0);
      expectBitIdentical(weldFolded, folded, 'unwelded corners vs welded positions[indices]');
    }
  });

  it.each(errors.map((r) => [r.file, r] as const))('%s fails with a typed error', (file, row) => {
    const bytes = readParserFile(file);
    const e = thrownBy(() => engine.readMesh(bytes, { fileName: file }));
    expect(e, 'readMesh should have thrown').not.toBeNull();
    expect(e).toBeInstanceOf(ScanfuseError);
    const error = e as ScanfuseError;
    expect(error.name).toBe('ScanfuseError');
    expect(error.code, error.message).toBe(row.code);
    expect(error.message).toMatch(/^readMesh/);
    expect(error.details.file).toBe(file);
    expect(typeof error.details.byteOffset).toBe('number');
    expect(error.details.byteOffset).toBeGreaterThanOrEqual(0);
    expect(error.details.byteOffset).toBeLessThanOrEqual(bytes.length);
    expect(error.details.byteOffset).toBe(row.byteOffset);
    if (row.line !== undefined) expect(error.details.line).toBe(row.line);
  });

  it('throws nothing but ScanfuseError (MALFORMED_INPUT / UNSUPPORTED_FORMAT) on any file, detected or forced format, welded or not', () => {
    const unexpected: string[] = [];
    for (const file of corpusFiles()) {
      const bytes = readParserFile(file);
      for (const format of [undefined, 'stl', 'ply'] as const) {
        for (const weld of [true, false]) {
          const e = thrownBy(() => engine.readMesh(bytes, { fileName: file, format, weld }));
          if (e === null) continue;
          if (!(e instanceof ScanfuseError)) unexpected.push(`${file} (${format ?? 'detected'}, weld ${weld}): ${String(e)}`);
          else if (e.code !== 'MALFORMED_INPUT' && e.code !== 'UNSUPPORTED_FORMAT') unexpected.push(`${file} (${format ?? 'detected'}, weld ${weld}): ${e.code} ${e.message}`);
        }
      }
    }
    expect(unexpected).toEqual([]);
  });
});
