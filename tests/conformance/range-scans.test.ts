// The six raw Stanford bunny range scans (Cyberware, ASCII PLY with CRLF line endings and an
// extra `range_grid` list element of num_cols x num_rows records) and the zippered surfaces.
// Counts are checked against the headers, and the scans' positions against an independent
// line-by-line parse of their text.
import { beforeAll, describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../../src/index.js';
import { expectBitIdentical, listFiles, readData, DATA_ROOT } from './corpus.js';

const SCANS = 'range_scans/stanford_bunny/data/';
const ZIPPER = 'range_scans/stanford_bunny/reconstruction/';
const scanFiles = listFiles(new URL(SCANS, DATA_ROOT)).filter((f) => f.endsWith('.ply'));
const zipperFiles = listFiles(new URL(ZIPPER, DATA_ROOT)).filter((f) => f.endsWith('.ply'));

interface Parsed {
  header: string[];
  body: string[];
}

/** Header and body lines of an ASCII PLY (any line ending), without scanfuse. */
function parseText(bytes: Uint8Array): Parsed {
  const lines = new TextDecoder('latin1').decode(bytes).split(/\r\n|\r|\n/);
  const end = lines.findIndex((l) => l.trim() === 'end_header');
  return { header: lines.slice(0, end), body: lines.slice(end + 1) };
}
const headerNumber = (header: string[], prefix: string) => {
  const line = header.find((l) => l.startsWith(prefix));
  if (!line) throw new Error(`no header line '${prefix}'`);
  return Number(line.slice(prefix.length).trim().split(/\s+/)[0]);
};

let engine: Engine;
beforeAll(async () => {
  engine = await createEngine();
});

describe('Stanford bunny range scans', () => {
  it('has the six scans', () => {
    expect(scanFiles).toEqual(['bun000.ply', 'bun045.ply', 'bun090.ply', 'bun180.ply', 'bun270.ply', 'bun315.ply']);
  });

  it.each(scanFiles)('%s loads: the header vertex count, no triangles, range_grid skipped', (file) => {
    const bytes = readData(SCANS + file);
    const { header, body } = parseText(bytes);
    expect(bytes.includes(0x0d), 'CRLF file').toBe(true);
    const vertices = headerNumber(header, 'element vertex');
    const grid = headerNumber(header, 'element range_grid');
    expect(grid).toBe(headerNumber(header, 'obj_info num_cols') * headerNumber(header, 'obj_info num_rows'));

    // The file is consistent with its header: `vertices` lines of x y z, then one grid line per
    // cell ('0' or '1 index'), one '1 i' per vertex.
    const vertexLines = body.slice(0, vertices);
    const gridLines = body.slice(vertices).filter((l) => l.trim() !== '');
    expect(vertexLines.every((l) => l.trim().split(/\s+/).length === 3)).toBe(true);
    expect(gridLines.length).toBe(grid);
    expect(gridLines.filter((l) => l.startsWith('1 ')).length).toBe(vertices);

    const result = engine.readMesh(bytes, { fileName: file });
    expect(result.format).toBe('ply');
    expect(result.encoding).toBe('ascii');
    expect(result.mesh.positions.length / 3).toBe(vertices);
    expect(result.mesh.indices.length).toBe(0);
    expect(result.warnings.map((w) => [w.code, w.count])).toEqual([['SKIPPED_ELEMENT', grid]]);
    expect(result.mesh.metadata?.objInfo).toContain('is_cyberware_data 1');

    // Positions: the decimal text rounded to float32, bit for bit.
    const expected = new Float32Array(3 * vertices);
    vertexLines.forEach((l, i) => l.trim().split(/\s+/).forEach((t, k) => { expected[3 * i + k] = Math.fround(Number(t)); }));
    expectBitIdentical(result.mesh.positions, expected, 'positions');
  });
});

describe('Stanford bunny zippered surfaces', () => {
  it.each(zipperFiles)('%s loads with the counts of its header', (file) => {
    const bytes = readData(ZIPPER + file);
    const { header } = parseText(bytes);
    const { mesh, encoding } = engine.readMesh(bytes, { fileName: file });
    expect(encoding).toBe('ascii');
    expect(mesh.positions.length / 3).toBe(headerNumber(header, 'element vertex'));
    expect(mesh.indices.length / 3).toBe(headerNumber(header, 'element face')); // all triangles
  });
});
