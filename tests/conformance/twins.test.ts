// Twins: the same mesh stored twice in the corpus (ASCII / binary little-endian / big-endian,
// STL / PLY, or two exporters). Readers of different encodings must agree exactly: same float32
// positions bit for bit (after the ASCII path's decimal-to-float32 rounding), same indices,
// same attributes. Where an ASCII file prints fewer digits than float32 needs, the twins are
// compared within the printed precision instead (said so per case).
import { beforeAll, describe, expect, it } from 'vitest';
import { createEngine, type Engine, type Mesh } from '../../src/index.js';
import { attributesOf, expectBitIdentical, expectSameAttributes, expectWithin, readData, readParserFile } from './corpus.js';

let engine: Engine;
beforeAll(async () => {
  engine = await createEngine();
});

const read = (file: string): Mesh => engine.readMesh(readParserFile(file), { fileName: file }).mesh;

/** The corners of every triangle in order: 9 floats per triangle (independent of vertex order). */
function corners(mesh: Mesh): Float32Array {
  const out = new Float32Array(3 * mesh.indices.length);
  for (let c = 0; c < mesh.indices.length; c++) out.set(mesh.positions.subarray(3 * mesh.indices[c], 3 * mesh.indices[c] + 3), 3 * c);
  return out;
}

/** Half a unit in the 6th decimal place (what `%f` printing loses) plus float32 rounding on both sides. */
const sixDecimals = (x: number) => 0.5e-6 + Math.abs(x) * 2 ** -23;
/** Half a unit in the 6th significant digit (what `%g` printing loses) plus float32 rounding. */
const sixSignificant = (x: number) => Math.abs(x) * (5e-6 + 2 ** -23);

describe('encoding twins agree exactly (positions bit-identical, indices, attributes)', () => {
  const groups: Array<[string, string[]]> = [
    // hapPLY writes doubles with 17 significant digits: the ASCII path rounds them to the same
    // float32 as the binary paths. Two of the three put the face element before the vertices.
    ['happly platonic_shelf LE / ASCII / BE', ['ply/happly/platonic_shelf.ply', 'ply/happly/platonic_shelf_ascii.ply', 'ply/happly/platonic_shelf_big_endian.ply']],
    ['ply-rs house_2', ['ply/ply-rs/house_2_ok_ascii.ply', 'ply/ply-rs/house_2_ok_little_endian.ply']],
    ['ply-rs empty_2', ['ply/ply-rs/empty_2_ok_ascii.ply', 'ply/ply-rs/empty_2_ok_little_endian.ply']],
    ['trimesh points_ascii / points_bin', ['ply/trimesh/points_ascii.ply', 'ply/trimesh/points_bin.ply']],
    // Both headers declare x y z nx ny nz with 0 vertices.
    ['trimesh emptyIO ply_empty_ascii / ply_empty_bin', ['ply/trimesh/emptyIO/ply_empty_ascii.ply', 'ply/trimesh/emptyIO/ply_empty_bin.ply']],
    ['trimesh emptyIO stl_empty_ascii / stl_empty_bin', ['stl/trimesh/emptyIO/stl_empty_ascii.stl', 'stl/trimesh/emptyIO/stl_empty_bin.stl']],
    ['assimp cube_binary, LF / CRLF after end_header', ['ply/assimp/cube_binary.ply', 'ply/assimp/cube_binary_header_with_RN_newline.ply']],
    // numpy-stl's ASCII files print 6 decimals, but its binary floats are the float32 roundings
    // of those same 6-decimal values, so the twins agree exactly.
    ['numpy-stl Cube ASCII / binary', ['stl/numpy-stl/stl_ascii/Cube.stl', 'stl/numpy-stl/stl_binary/Cube.stl']],
    ['numpy-stl Moon ASCII / binary', ['stl/numpy-stl/stl_ascii/Moon.stl', 'stl/numpy-stl/stl_binary/Moon.stl']],
    ['numpy-stl Star ASCII / binary / binary with a blank header', ['stl/numpy-stl/stl_ascii/Star.stl', 'stl/numpy-stl/stl_binary/Star.stl', 'stl/numpy-stl/stl_binary/StarWithEmptyHeader.stl']],
    ['assimp formatDetection (no extension) / triangle.stl', ['stl/assimp/formatDetection', 'stl/assimp/triangle.stl']],
  ];
  it.each(groups)('%s', (_name, files) => {
    const [reference, ...others] = files.map(read);
    for (const [k, mesh] of others.entries()) {
      const what = `${files[k + 1]} vs ${files[0]}`;
      expectBitIdentical(mesh.positions, reference.positions, `${what}: positions`);
      expectBitIdentical(mesh.indices, reference.indices, `${what}: indices`);
      expectSameAttributes(mesh, reference, what);
    }
  });
});

describe('same geometry from different exporters (positions and indices exact; attributes differ legitimately)', () => {
  const pairs: Array<[string, string, string]> = [
    // Blender wrote the ASCII file (x y z only); VCGLIB the binary one (adds nx ny nz).
    ['trimesh emptyIO ply_points_ascii / ply_points_bin', 'ply/trimesh/emptyIO/ply_points_ascii.ply', 'ply/trimesh/emptyIO/ply_points_bin.ply'],
    // Blender's house adds normals to the VCGLIB one.
    ['ply-rs house_ok_ascii / house_2_ok_ascii', 'ply/ply-rs/house_ok_ascii.ply', 'ply/ply-rs/house_2_ok_ascii.ply'],
    // The same 7 points, one file adding a uchar intensity.
    ['open3d test_sample_ascii / test_sample_custom', 'ply/open3d/test_sample_ascii.ply', 'ply/open3d/test_sample_custom.ply'],
    // Greg Turk's cube of the PLY documentation, 6 quads.
    ['assimp cube.ply / ply-rs greg_turk_example1', 'ply/assimp/cube.ply', 'ply/ply-rs/greg_turk_example1_ok_ascii.ply'],
  ];
  it.each(pairs)('%s', (_name, a, b) => {
    const ma = read(a);
    const mb = read(b);
    expectBitIdentical(ma.positions, mb.positions, 'positions');
    expectBitIdentical(ma.indices, mb.indices, 'indices');
  });
});

describe('twins within the printed precision', () => {
  it('assimp Spider_ascii / Spider_binary: same welded topology, positions within 6 decimals', () => {
    // Spider_ascii.stl prints `%f` (6 decimals, e.g. "vertex 0.907128 0.646165 0.795193"), fewer
    // digits than float32 needs: 1937 of 2166 coordinates differ from the binary twin by up to
    // 5.07e-7. The weld still finds the same 722 vertices in the same order.
    const ascii = read('stl/assimp/Spider_ascii.stl');
    const binary = read('stl/assimp/Spider_binary.stl');
    expectBitIdentical(ascii.indices, binary.indices, 'indices');
    expectWithin(ascii.positions, binary.positions, sixDecimals, 'positions');
    expectSameAttributes(ascii, binary, 'Spider');
  });
});

describe('twins within the printed precision (normals)', () => {
  it('tinyply icosahedron / icosahedron_ascii: positions and indices exact, normals within 6 significant digits', () => {
    // VCGLIB printed `%g` (6 significant digits): the positions have no more digits than that in
    // the binary twin either (bit-identical), but the (unnormalised) normals do, e.g. the binary
    // 3.6954879760742188e-06 is printed "3.69549e-06".
    const binary = read('ply/tinyply/icosahedron.ply');
    const ascii = read('ply/tinyply/icosahedron_ascii.ply');
    expectBitIdentical(ascii.positions, binary.positions, 'positions');
    expectBitIdentical(ascii.indices, binary.indices, 'indices');
    expect([...attributesOf(ascii).keys()]).toEqual(['normals']);
    expect([...attributesOf(binary).keys()]).toEqual(['normals']);
    expectWithin(ascii.normals!, binary.normals!, sixSignificant, 'normals');
  });
});

describe('STL / PLY twins (compared triangle by triangle through their corner coordinates)', () => {
  it('assimp Wuson.ply (unwelded, with normals and uvs) / Wuson.stl: identical corners in the same triangle order', () => {
    const ply = read('ply/assimp/Wuson.ply');
    const stl = read('stl/assimp/Wuson.stl');
    expect(ply.indices.length).toBe(3 * 3732);
    expectBitIdentical(corners(ply), corners(stl), 'triangle corners');
  });

  it('trimesh octagonal_pocket.ply / octagonal_pocket.stl: identical corners in the same triangle order', () => {
    const ply = read('ply/trimesh/octagonal_pocket.ply');
    const stl = read('stl/trimesh/octagonal_pocket.stl');
    expect(ply.positions.length).toBe(stl.positions.length); // 1658 vertices, in another order
    expectBitIdentical(corners(ply), corners(stl), 'triangle corners');
  });

  it('trimesh featuretype.ply (ASCII, 6 decimals) / featuretype.STL: corners within the printed precision', () => {
    // Blender printed `%f`: positions agree within 6 decimals (up to 5.07e-7 apart); the lost
    // digits also merge some STL vertices, so only the corners are comparable.
    const ply = read('ply/trimesh/featuretype.ply');
    const stl = read('stl/trimesh/featuretype.STL');
    expectWithin(corners(ply), corners(stl), sixDecimals, 'triangle corners');
  });
});

describe('bunny twins across folders', () => {
  it('tinyply/bunny.ply is bun_zipper.ply with every triangle reversed (flipply)', () => {
    const flipped = read('ply/tinyply/bunny.ply');
    const zipper = engine.readMesh(readData('range_scans/stanford_bunny/reconstruction/bun_zipper.ply')).mesh;
    expectBitIdentical(flipped.positions, zipper.positions, 'positions');
    expectSameAttributes(flipped, zipper, 'confidence and intensity');
    expect(flipped.indices.length).toBe(zipper.indices.length);
    const reversed = new Uint32Array(zipper.indices.length);
    for (let t = 0; t < reversed.length; t += 3) {
      reversed[t] = zipper.indices[t + 2];
      reversed[t + 1] = zipper.indices[t + 1];
      reversed[t + 2] = zipper.indices[t];
    }
    expectBitIdentical(flipped.indices, reversed, 'indices (reversed winding)');
  });
});
