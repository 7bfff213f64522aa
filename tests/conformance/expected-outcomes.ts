// The expected outcome of reading every file under ../shared/data/parsers (all but the `*.license`
// files), one row per file. parsers.test.ts checks the reader against this table and that the
// table covers the folder exactly.
//
// How the numbers were derived (independently of scanfuse, with a separate Python/numpy reader
// written for this table, then cross-checked against the bytes):
// - binary STL (exactly 84 + 50 n bytes): n = the uint32 at byte 80; vertices = distinct
//   corner positions by float32 bit pattern (-0 folded to +0), the reader welding exactly equal
//   positions by default;
// - ASCII STL: triangles = facets (every outer loop has 3 vertices in this corpus), counted with
//   a regex over `facet`/`endfacet`; vertices = distinct corners as above after parsing the decimal
//   text to double and rounding to float32;
// - PLY: vertices = the header's `element vertex N`; triangles = sum over faces of (n - 2) for
//   n-gons (fan triangulation), from the face records read with the header's types; both were
//   also compared element by element (positions bit-identical, fan indices, every attribute)
//   against scanfuse's output.
// - warnings (code: count): TRIANGULATED_POLYGONS = faces with n > 3; SKIPPED_ELEMENT = records
//   of non-mesh elements; SKIPPED_PROPERTY = face records of a second list property;
//   PRECISION_LOSS = vertex records with double positions or float colours;
//   UNKNOWN_HEADER_LINE = header lines without a PLY keyword; DEGENERATE_TRIANGLES = triangles
//   with a repeated vertex or an exactly zero cross product; UNREFERENCED_VERTICES = vertices no
//   triangle uses; EMPTY_MESH (count 0) when there are no vertices and no triangles.
// - attributes: what the header declares beyond x/y/z (normals nx/ny/nz; uvs u/v, s/t,
//   texture_u/v; colours red/green/blue[/alpha] or diffuse_*; other scalar properties as
//   `vertex.NAME` / `face.NAME`); binary STL with a Materialise `COLOR=` header has per-facet
//   colours; ASCII STL with several solids has a per-triangle `face.solid`. Not listed for
//   meshes without vertices (see twins.test.ts for what those do).
// Every error row's reason was verified by looking at the bytes (xxd, head, tail, awk).
import type { MeshEncoding, MeshFormat, MeshWarningCode } from '../../src/index.js';

export interface LoadsRow {
  /** Path under ../shared/data/parsers. */
  file: string;
  outcome: 'loads';
  format: MeshFormat;
  encoding: MeshEncoding;
  vertices: number;
  triangles: number;
  /** Every warning code expected, with its count (none expected when absent). */
  warnings?: Partial<Record<MeshWarningCode, number>>;
  /** Attributes beyond positions and indices (see attributesOf in corpus.ts); unchecked when absent. */
  attributes?: string[];
  /** ASCII STL with several solids: [name, facets] in file order. */
  solids?: Array<[string, number]>;
  note?: string;
}

export interface ErrorRow {
  file: string;
  outcome: 'error';
  code: 'MALFORMED_INPUT' | 'UNSUPPORTED_FORMAT';
  /** Why this real file is expected to fail (verified on its bytes). */
  reason: string;
  /** Where the problem is (verified on the bytes). */
  byteOffset: number;
  /** 1-based line, for text files. */
  line?: number;
}

export type ExpectedOutcome = LoadsRow | ErrorRow;

export const EXPECTED_OUTCOMES: readonly ExpectedOutcome[] = [
  { file: 'ply/assimp/Wuson.ply', outcome: 'loads', format: 'ply', encoding: 'ascii', vertices: 11184, triangles: 3732, warnings: {UNKNOWN_HEADER_LINE: 1}, attributes: ['normals', 'uvs'], note: "Blender 2.47 header with a bare text line ('Created by Blender3D 247 ...'); s/t texture coordinates" },
  { file: 'ply/assimp/ant-half.ply', outcome: 'error', code: 'MALFORMED_INPUT', byteOffset: 13366, line: 755,
    reason: 'truncated body: the header declares 486 vertices and 912 faces, but the file ends (cleanly, after a newline) with only 259 face lines, so face 259 is missing at end of file (byte 13366 = file size, line 755).' },
  { file: 'ply/assimp/cube.ply', outcome: 'loads', format: 'ply', encoding: 'ascii', vertices: 8, triangles: 12, warnings: {TRIANGULATED_POLYGONS: 6}, attributes: [] },
  { file: 'ply/assimp/cube_binary.ply', outcome: 'loads', format: 'ply', encoding: 'binary_little_endian', vertices: 8, triangles: 12, attributes: [] },
  { file: 'ply/assimp/cube_binary_header_with_RN_newline.ply', outcome: 'loads', format: 'ply', encoding: 'binary_little_endian', vertices: 8, triangles: 12, attributes: [], note: 'CRLF after end_header; same body as cube_binary.ply' },
  { file: 'ply/assimp/cube_uv.ply', outcome: 'loads', format: 'ply', encoding: 'ascii', vertices: 24, triangles: 12, warnings: {TRIANGULATED_POLYGONS: 6}, attributes: ['normals', 'uvs'] },
  { file: 'ply/assimp/float-color.ply', outcome: 'loads', format: 'ply', encoding: 'ascii', vertices: 3, triangles: 1, warnings: {PRECISION_LOSS: 3}, attributes: ['colors:4'], note: 'float RGBA vertex colours in [0,1], stored as 8 bits' },
  { file: 'ply/assimp/points.ply', outcome: 'loads', format: 'ply', encoding: 'ascii', vertices: 4, triangles: 0, attributes: ['normals', 'colors:3'], note: 'point cloud; colours before normals' },
  { file: 'ply/assimp/pond.0.ply', outcome: 'loads', format: 'ply', encoding: 'binary_little_endian', vertices: 70051, triangles: 0, attributes: ['normals', 'colors:3', 'vertex.psz'], note: 'point cloud with diffuse_* colours and a custom float psz' },
  { file: 'ply/happly/platonic_shelf.ply', outcome: 'loads', format: 'ply', encoding: 'binary_little_endian', vertices: 50, triangles: 80, warnings: {PRECISION_LOSS: 50, TRIANGULATED_POLYGONS: 18}, attributes: [], note: 'faces before vertices; double positions; 6 quads + 12 pentagons' },
  { file: 'ply/happly/platonic_shelf_ascii.ply', outcome: 'loads', format: 'ply', encoding: 'ascii', vertices: 50, triangles: 80, warnings: {PRECISION_LOSS: 50, TRIANGULATED_POLYGONS: 18}, attributes: [], note: 'faces before vertices; double positions; 6 quads + 12 pentagons' },
  { file: 'ply/happly/platonic_shelf_big_endian.ply', outcome: 'loads', format: 'ply', encoding: 'binary_big_endian', vertices: 50, triangles: 80, warnings: {PRECISION_LOSS: 50, TRIANGULATED_POLYGONS: 18}, attributes: [], note: 'double positions; 6 quads + 12 pentagons' },
  { file: 'ply/open3d/ColoredICP_frag_115.ply', outcome: 'loads', format: 'ply', encoding: 'binary_little_endian', vertices: 64365, triangles: 127229, attributes: ['normals', 'colors:3'] },
  { file: 'ply/open3d/color.ply', outcome: 'loads', format: 'ply', encoding: 'binary_little_endian', vertices: 3017, triangles: 5537, attributes: ['normals', 'colors:4'] },
  { file: 'ply/open3d/knot.ply', outcome: 'loads', format: 'ply', encoding: 'binary_little_endian', vertices: 1440, triangles: 2880, attributes: [] },
  { file: 'ply/open3d/test_sample_ascii.ply', outcome: 'loads', format: 'ply', encoding: 'ascii', vertices: 7, triangles: 0, attributes: [] },
  { file: 'ply/open3d/test_sample_custom.ply', outcome: 'loads', format: 'ply', encoding: 'ascii', vertices: 7, triangles: 0, attributes: ['vertex.intensity'] },
  { file: 'ply/pcl/cube.ply', outcome: 'loads', format: 'ply', encoding: 'binary_little_endian', vertices: 24, triangles: 12, attributes: [] },
  { file: 'ply/ply-rs/all_atomic_types_ok_ascii.ply', outcome: 'loads', format: 'ply', encoding: 'ascii', vertices: 0, triangles: 0, warnings: {SKIPPED_ELEMENT: 1, EMPTY_MESH: 0}, note: "every scalar type and alias, in a non-mesh element 'point'" },
  { file: 'ply/ply-rs/empty_2_ok_ascii.ply', outcome: 'loads', format: 'ply', encoding: 'ascii', vertices: 0, triangles: 0, warnings: {EMPTY_MESH: 0} },
  { file: 'ply/ply-rs/empty_2_ok_little_endian.ply', outcome: 'loads', format: 'ply', encoding: 'binary_little_endian', vertices: 0, triangles: 0, warnings: {EMPTY_MESH: 0} },
  { file: 'ply/ply-rs/empty_ok_ascii.ply', outcome: 'loads', format: 'ply', encoding: 'ascii', vertices: 0, triangles: 0, warnings: {EMPTY_MESH: 0} },
  { file: 'ply/ply-rs/exponent_values_ok_ascii.ply', outcome: 'loads', format: 'ply', encoding: 'ascii', vertices: 0, triangles: 0, warnings: {SKIPPED_ELEMENT: 1, EMPTY_MESH: 0} },
  { file: 'ply/ply-rs/greg_turk_example1_ok_ascii.ply', outcome: 'loads', format: 'ply', encoding: 'ascii', vertices: 8, triangles: 12, warnings: {TRIANGULATED_POLYGONS: 6}, attributes: [] },
  { file: 'ply/ply-rs/greg_turk_example2_ok_ascii.ply', outcome: 'loads', format: 'ply', encoding: 'ascii', vertices: 8, triangles: 12, warnings: {SKIPPED_ELEMENT: 5, TRIANGULATED_POLYGONS: 5}, attributes: ['colors:3'], note: "7 faces (2 triangles + 5 quads) and an 'edge' element" },
  { file: 'ply/ply-rs/header_min_ok_ascii.ply', outcome: 'loads', format: 'ply', encoding: 'ascii', vertices: 0, triangles: 0, warnings: {EMPTY_MESH: 0}, note: 'just ply/format/end_header' },
  { file: 'ply/ply-rs/house_2_ok_ascii.ply', outcome: 'loads', format: 'ply', encoding: 'ascii', vertices: 5, triangles: 3, attributes: [] },
  { file: 'ply/ply-rs/house_2_ok_little_endian.ply', outcome: 'loads', format: 'ply', encoding: 'binary_little_endian', vertices: 5, triangles: 3, attributes: [] },
  { file: 'ply/ply-rs/house_ok_ascii.ply', outcome: 'loads', format: 'ply', encoding: 'ascii', vertices: 5, triangles: 3, attributes: ['normals'] },
  { file: 'ply/ply-rs/leading_spaces_ok_ascii.ply', outcome: 'loads', format: 'ply', encoding: 'ascii', vertices: 0, triangles: 0, warnings: {SKIPPED_ELEMENT: 4, TRAILING_DATA: 5, EMPTY_MESH: 0}, note: "tabs and leading spaces; 'point' element (one more line than declared after it: reported as trailing data)" },
  { file: 'ply/ply-rs/single_elements_ok_ascii.ply', outcome: 'loads', format: 'ply', encoding: 'ascii', vertices: 0, triangles: 0, warnings: {SKIPPED_ELEMENT: 1, EMPTY_MESH: 0} },
  { file: 'ply/tinyply/bunny.ply', outcome: 'loads', format: 'ply', encoding: 'ascii', vertices: 35947, triangles: 69451, warnings: {UNREFERENCED_VERTICES: 1113}, attributes: ['vertex.confidence', 'vertex.intensity'], note: 'bun_zipper.ply with every face reversed (flipply); 1113 vertices unused by any face' },
  { file: 'ply/tinyply/icosahedron.ply', outcome: 'loads', format: 'ply', encoding: 'binary_little_endian', vertices: 12, triangles: 20, attributes: ['normals'] },
  { file: 'ply/tinyply/icosahedron_ascii.ply', outcome: 'loads', format: 'ply', encoding: 'ascii', vertices: 12, triangles: 20, attributes: ['normals'] },
  { file: 'ply/trimesh/BoxTextured.ply', outcome: 'loads', format: 'ply', encoding: 'ascii', vertices: 24, triangles: 12, attributes: ['normals', 'uvs'] },
  { file: 'ply/trimesh/bunny.ply', outcome: 'loads', format: 'ply', encoding: 'ascii', vertices: 8171, triangles: 16301, warnings: {UNREFERENCED_VERTICES: 25}, attributes: ['vertex.confidence', 'vertex.intensity'], note: 'byte-identical to range_scans/stanford_bunny/reconstruction/bun_zipper_res2.ply' },
  { file: 'ply/trimesh/cube_blender_uv.ply', outcome: 'loads', format: 'ply', encoding: 'ascii', vertices: 24, triangles: 12, warnings: {TRIANGULATED_POLYGONS: 6}, attributes: ['normals', 'uvs'] },
  { file: 'ply/trimesh/cube_blender_uv_meshlab.ply', outcome: 'loads', format: 'ply', encoding: 'binary_little_endian', vertices: 24, triangles: 12, attributes: ['uvs'], note: 'texture_u/texture_v' },
  { file: 'ply/trimesh/cycloidal.ply', outcome: 'loads', format: 'ply', encoding: 'binary_little_endian', vertices: 21384, triangles: 43368, attributes: ['colors:4', 'faceColors:4'] },
  { file: 'ply/trimesh/empty.ply', outcome: 'loads', format: 'ply', encoding: 'ascii', vertices: 0, triangles: 0, warnings: {EMPTY_MESH: 0} },
  { file: 'ply/trimesh/emptyIO/ply_empty_ascii.ply', outcome: 'loads', format: 'ply', encoding: 'ascii', vertices: 0, triangles: 0, warnings: {EMPTY_MESH: 0} },
  { file: 'ply/trimesh/emptyIO/ply_empty_bin.ply', outcome: 'loads', format: 'ply', encoding: 'binary_little_endian', vertices: 0, triangles: 0, warnings: {EMPTY_MESH: 0} },
  { file: 'ply/trimesh/emptyIO/ply_empty_header.ply', outcome: 'loads', format: 'ply', encoding: 'ascii', vertices: 0, triangles: 0, warnings: {EMPTY_MESH: 0} },
  { file: 'ply/trimesh/emptyIO/ply_points_ascii.ply', outcome: 'loads', format: 'ply', encoding: 'ascii', vertices: 8, triangles: 0, attributes: [] },
  { file: 'ply/trimesh/emptyIO/ply_points_bin.ply', outcome: 'loads', format: 'ply', encoding: 'binary_little_endian', vertices: 8, triangles: 0, attributes: ['normals'] },
  { file: 'ply/trimesh/featuretype.ply', outcome: 'loads', format: 'ply', encoding: 'ascii', vertices: 5096, triangles: 3476, attributes: ['normals'] },
  { file: 'ply/trimesh/fixed_top.ply', outcome: 'loads', format: 'ply', encoding: 'binary_little_endian', vertices: 2374, triangles: 4772, attributes: ['faceColors:4'] },
  { file: 'ply/trimesh/fuze.ply', outcome: 'loads', format: 'ply', encoding: 'binary_little_endian', vertices: 502, triangles: 1000, warnings: {SKIPPED_PROPERTY: 1000}, attributes: ['colors:4', 'faceColors:4'], note: "a second face list ('texcoord') is skipped" },
  { file: 'ply/trimesh/fuze_ascii.ply', outcome: 'error', code: 'MALFORMED_INPUT', byteOffset: 22888, line: 523,
    reason: "ASCII body inconsistent with header: the face element declares 15 values per record (index list 1+3, texcoord list 1+6, red green blue alpha) but every one of the 1000 face lines carries 21 values, ending in an undeclared '9 1 1 1 1 1 1 1 1 1' (MeshLab export; the first extra value '1' is at byte 22888, line 523)." },
  { file: 'ply/trimesh/metadata.ply', outcome: 'loads', format: 'ply', encoding: 'ascii', vertices: 4, triangles: 2, attributes: ['face.face_type'], note: "per-face char 'face_type'" },
  { file: 'ply/trimesh/mirror.ply', outcome: 'loads', format: 'ply', encoding: 'binary_little_endian', vertices: 143, triangles: 286, attributes: [] },
  { file: 'ply/trimesh/multi.ply', outcome: 'loads', format: 'ply', encoding: 'ascii', vertices: 4, triangles: 2, warnings: {TRIANGULATED_POLYGONS: 1}, attributes: ['uvs', 'colors:3'] },
  { file: 'ply/trimesh/octagonal_pocket.ply', outcome: 'loads', format: 'ply', encoding: 'binary_little_endian', vertices: 1658, triangles: 3262, attributes: [] },
  { file: 'ply/trimesh/plane.ply', outcome: 'loads', format: 'ply', encoding: 'ascii', vertices: 4, triangles: 2, warnings: {TRIANGULATED_POLYGONS: 1}, attributes: ['normals', 'uvs'] },
  { file: 'ply/trimesh/plane_tri.ply', outcome: 'loads', format: 'ply', encoding: 'ascii', vertices: 4, triangles: 2, attributes: ['normals', 'uvs'] },
  { file: 'ply/trimesh/point_uv.ply.zip', outcome: 'error', code: 'UNSUPPORTED_FORMAT', byteOffset: 0,
    reason: "a ZIP archive (magic 'PK\\x03\\x04', holds halfcone_mc1.ply), not a PLY or STL file; readMesh does not inflate archives." },
  { file: 'ply/trimesh/points_ascii.ply', outcome: 'loads', format: 'ply', encoding: 'ascii', vertices: 5, triangles: 0, attributes: [] },
  { file: 'ply/trimesh/points_ascii_with_lists.ply', outcome: 'loads', format: 'ply', encoding: 'ascii', vertices: 5, triangles: 0, warnings: {SKIPPED_ELEMENT: 2}, attributes: [] },
  { file: 'ply/trimesh/points_bin.ply', outcome: 'loads', format: 'ply', encoding: 'binary_little_endian', vertices: 5, triangles: 0, attributes: [] },
  { file: 'ply/trimesh/points_emptyascii.ply', outcome: 'loads', format: 'ply', encoding: 'ascii', vertices: 12, triangles: 0, attributes: [], warnings: {TRAILING_DATA: 26}, note: '13 vertex lines for 12 declared: the last line is trailing data after all elements (ignored with a warning)' },
  { file: 'ply/trimesh/points_emptyface.ply', outcome: 'loads', format: 'ply', encoding: 'ascii', vertices: 1024, triangles: 0, attributes: [] },
  { file: 'ply/trimesh/reference.ply', outcome: 'loads', format: 'ply', encoding: 'binary_little_endian', vertices: 845, triangles: 1610, attributes: ['colors:4'] },
  { file: 'ply/trimesh/sphere.ply', outcome: 'loads', format: 'ply', encoding: 'ascii', vertices: 642, triangles: 1280, attributes: [] },
  { file: 'ply/trimesh/suzanne.ply', outcome: 'loads', format: 'ply', encoding: 'ascii', vertices: 1966, triangles: 968, warnings: {TRIANGULATED_POLYGONS: 468}, attributes: ['normals', 'uvs'], note: '468 quads + 32 triangles' },
  { file: 'ply/trimesh/tet.ply', outcome: 'loads', format: 'ply', encoding: 'binary_little_endian', vertices: 4, triangles: 4, attributes: [] },
  { file: 'stl/assimp/3DSMaxExport.STL', outcome: 'loads', format: 'stl', encoding: 'binary', vertices: 1042, triangles: 2000, attributes: [] },
  { file: 'stl/assimp/Spider_ascii.stl', outcome: 'loads', format: 'stl', encoding: 'ascii', vertices: 722, triangles: 1368, warnings: {DEGENERATE_TRIANGLES: 56}, attributes: [], note: '56 zero-area facets (same in the binary twin)' },
  { file: 'stl/assimp/Spider_binary.stl', outcome: 'loads', format: 'stl', encoding: 'binary', vertices: 722, triangles: 1368, warnings: {DEGENERATE_TRIANGLES: 56}, attributes: [], note: '56 zero-area facets (same in the ASCII twin)' },
  { file: 'stl/assimp/Wuson.stl', outcome: 'loads', format: 'stl', encoding: 'binary', vertices: 2117, triangles: 3732, attributes: [], note: 'attribute bytes are 0x2020 (spaces), no COLOR= header: no colours' },
  { file: 'stl/assimp/formatDetection', outcome: 'loads', format: 'stl', encoding: 'ascii', vertices: 3, triangles: 1, attributes: [], note: 'ASCII STL without a file extension' },
  { file: 'stl/assimp/triangle.stl', outcome: 'loads', format: 'stl', encoding: 'ascii', vertices: 3, triangles: 1, attributes: [] },
  { file: 'stl/assimp/triangle_with_two_solids.stl', outcome: 'loads', format: 'stl', encoding: 'ascii', vertices: 6, triangles: 2, attributes: ['face.solid'], solids: [['testTriangle_1', 1], ['testTriangle_2', 1]], note: 'two solids' },
  { file: 'stl/numpy-stl/stl_ascii/Cube.stl', outcome: 'loads', format: 'stl', encoding: 'ascii', vertices: 8, triangles: 12, attributes: [] },
  { file: 'stl/numpy-stl/stl_ascii/HalfDonut.stl', outcome: 'loads', format: 'stl', encoding: 'ascii', vertices: 144, triangles: 288, attributes: [] },
  { file: 'stl/numpy-stl/stl_ascii/Moon.stl', outcome: 'loads', format: 'stl', encoding: 'ascii', vertices: 60, triangles: 116, attributes: [] },
  { file: 'stl/numpy-stl/stl_ascii/Star.stl', outcome: 'loads', format: 'stl', encoding: 'ascii', vertices: 36, triangles: 68, attributes: [] },
  { file: 'stl/numpy-stl/stl_binary/Cube.stl', outcome: 'loads', format: 'stl', encoding: 'binary', vertices: 8, triangles: 12, attributes: [], note: "binary STL whose header starts with ' solid'" },
  { file: 'stl/numpy-stl/stl_binary/Moon.stl', outcome: 'loads', format: 'stl', encoding: 'binary', vertices: 60, triangles: 116, attributes: [] },
  { file: 'stl/numpy-stl/stl_binary/Star.stl', outcome: 'loads', format: 'stl', encoding: 'binary', vertices: 36, triangles: 68, attributes: [] },
  { file: 'stl/numpy-stl/stl_binary/StarWithEmptyHeader.stl', outcome: 'loads', format: 'stl', encoding: 'binary', vertices: 36, triangles: 68, attributes: [] },
  { file: 'stl/numpy-stl/stl_binary/rear_case.stl', outcome: 'loads', format: 'stl', encoding: 'binary', vertices: 9404, triangles: 18808, attributes: [], note: "binary STL whose header starts with 'solid'" },
  { file: 'stl/numpy-stl/stl_tests/triamid.stl', outcome: 'loads', format: 'stl', encoding: 'binary', vertices: 7, triangles: 10, attributes: [] },
  { file: 'stl/trimesh/1002_tray_bottom.STL', outcome: 'loads', format: 'stl', encoding: 'ascii', vertices: 2216, triangles: 4520, attributes: [], note: 'ASCII with CRLF' },
  { file: 'stl/trimesh/20mm-xyz-cube.stl', outcome: 'loads', format: 'stl', encoding: 'binary', vertices: 132, triangles: 260, attributes: ['faceColors:3'], note: 'Materialise COLOR= header with per-facet colours' },
  { file: 'stl/trimesh/7_8ths_cube.stl', outcome: 'loads', format: 'stl', encoding: 'binary', vertices: 14, triangles: 24, attributes: [] },
  { file: 'stl/trimesh/ADIS16480.STL', outcome: 'loads', format: 'stl', encoding: 'ascii', vertices: 3672, triangles: 7436, attributes: [], note: 'ASCII with CRLF' },
  { file: 'stl/trimesh/angle_block.STL', outcome: 'loads', format: 'stl', encoding: 'binary', vertices: 398, triangles: 704, attributes: [], note: "binary STL whose header starts with 'solid'" },
  { file: 'stl/trimesh/ascii.stl.zip', outcome: 'error', code: 'UNSUPPORTED_FORMAT', byteOffset: 0,
    reason: "a ZIP archive (magic 'PK\\x03\\x04', holds fuji_obj.stl and a __MACOSX resource fork), not an STL or PLY file; readMesh does not inflate archives." },
  { file: 'stl/trimesh/box.STL', outcome: 'loads', format: 'stl', encoding: 'binary', vertices: 4455, triangles: 8954, attributes: [] },
  { file: 'stl/trimesh/counter.unitsmm.STL', outcome: 'loads', format: 'stl', encoding: 'binary', vertices: 41837, triangles: 83750, attributes: [] },
  { file: 'stl/trimesh/cylinder.stl', outcome: 'loads', format: 'stl', encoding: 'binary', vertices: 210, triangles: 416, attributes: [] },
  { file: 'stl/trimesh/empty.stl', outcome: 'loads', format: 'stl', encoding: 'ascii', vertices: 0, triangles: 0, warnings: {EMPTY_MESH: 0}, note: "'solid Empty' / 'endsolid Empty' and nothing else" },
  { file: 'stl/trimesh/emptyIO/stl_empty_ascii.stl', outcome: 'loads', format: 'stl', encoding: 'ascii', vertices: 0, triangles: 0, warnings: {EMPTY_MESH: 0} },
  { file: 'stl/trimesh/emptyIO/stl_empty_bin.stl', outcome: 'loads', format: 'stl', encoding: 'binary', vertices: 0, triangles: 0, warnings: {EMPTY_MESH: 0} },
  { file: 'stl/trimesh/featuretype.STL', outcome: 'loads', format: 'stl', encoding: 'binary', vertices: 2010, triangles: 3476, attributes: [], note: "header 'ddlid featuretype' (not 'solid')" },
  { file: 'stl/trimesh/idler_riser.STL', outcome: 'loads', format: 'stl', encoding: 'binary', vertices: 803, triangles: 1572, attributes: [], note: "binary STL whose header starts with 'solid'" },
  { file: 'stl/trimesh/large_block.STL', outcome: 'loads', format: 'stl', encoding: 'binary', vertices: 8, triangles: 12, attributes: [] },
  { file: 'stl/trimesh/multibody.stl', outcome: 'loads', format: 'stl', encoding: 'ascii', vertices: 20, triangles: 32, attributes: ['face.solid'], solids: [['bodyB', 12], ['bodyA', 20]], note: 'two solids, CRLF' },
  { file: 'stl/trimesh/octagonal_pocket.stl', outcome: 'loads', format: 'stl', encoding: 'binary', vertices: 1658, triangles: 3262, attributes: [], note: "binary STL whose header starts with 'solid'" },
  { file: 'stl/trimesh/origin_inside.STL', outcome: 'loads', format: 'stl', encoding: 'binary', vertices: 16, triangles: 28, attributes: [], note: "binary STL whose header starts with 'solid'" },
  { file: 'stl/trimesh/plate_holes.STL', outcome: 'loads', format: 'stl', encoding: 'binary', vertices: 618, triangles: 1252, attributes: [], note: "binary STL whose header starts with 'solid'" },
  { file: 'stl/trimesh/round.stl', outcome: 'loads', format: 'stl', encoding: 'binary', vertices: 560, triangles: 1120, attributes: [] },
  { file: 'stl/trimesh/shared.STL', outcome: 'loads', format: 'stl', encoding: 'binary', vertices: 14, triangles: 24, attributes: [] },
  { file: 'stl/trimesh/soup.stl', outcome: 'loads', format: 'stl', encoding: 'binary', vertices: 300, triangles: 100, attributes: [], note: '100 disconnected triangles: nothing welds' },
  { file: 'stl/trimesh/torus.STL', outcome: 'loads', format: 'stl', encoding: 'binary', vertices: 4350, triangles: 8700, attributes: [], note: "binary STL whose header starts with 'solid'" },
  { file: 'stl/trimesh/two_objects_mixed_case_names.stl', outcome: 'loads', format: 'stl', encoding: 'ascii', vertices: 16, triangles: 24, attributes: ['face.solid'], solids: [['CubeExportedFromCAD', 12], ['TranslatedCubeExportedFromCAD', 12]], note: 'two solids' },
  { file: 'stl/trimesh/unit_cube.STL', outcome: 'loads', format: 'stl', encoding: 'binary', vertices: 8, triangles: 12, attributes: [], note: "binary STL whose header starts with 'solid'" },
  { file: 'stl/trimesh/unit_sphere.STL', outcome: 'loads', format: 'stl', encoding: 'binary', vertices: 642, triangles: 1280, attributes: [] },
];
