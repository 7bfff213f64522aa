/** Any typed array a mesh attribute may use. */
export type TypedArray =
  | Int8Array | Uint8Array | Int16Array | Uint16Array
  | Int32Array | Uint32Array | Float32Array | Float64Array;

/** A per-vertex or per-triangle attribute: `array.length === count * itemSize`. */
export interface MeshAttribute {
  array: TypedArray;
  itemSize: number;
}

/** 8-bit colours, RGB or RGBA; use as `new BufferAttribute(array, itemSize, true)` in three.js. */
export interface ColorAttribute {
  array: Uint8Array;
  itemSize: 3 | 4;
}

/** Free-form information carried through the file formats. */
export interface MeshMetadata {
  /** PLY `comment` lines (without the keyword). */
  comments?: string[];
  /** PLY `obj_info` lines (without the keyword). */
  objInfo?: string[];
  /** STL solid names (ASCII) or the 80-byte header text (binary), in file order. */
  names?: string[];
}

/**
 * An indexed triangle mesh as flat typed arrays, directly usable as three.js BufferGeometry
 * attributes. Units are millimetres. Triangles are counter-clockwise seen from outside
 * (outward normals by the right-hand rule). A point cloud has an empty `indices`.
 * Arrays returned by scanfuse are owned by the caller (never views into WASM memory).
 */
export interface Mesh {
  /** xyz per vertex, mm. */
  positions: Float32Array;
  /** Three vertex indices per triangle. */
  indices: Uint32Array;
  /** Unit normal xyz per vertex. */
  normals?: Float32Array;
  /** Texture coordinates uv per vertex. */
  uvs?: Float32Array;
  /** Colour per vertex. */
  colors?: ColorAttribute;
  /** Colour per triangle. */
  faceColors?: ColorAttribute;
  /** Named per-vertex attributes (for example `confidence`, `nir`, `quality`). */
  vertexAttributes?: Record<string, MeshAttribute>;
  /** Named per-triangle attributes (for example the tooth `label` of a segmented arch). */
  faceAttributes?: Record<string, MeshAttribute>;
  metadata?: MeshMetadata;
}

export type MeshFormat = 'stl' | 'ply';
export type MeshEncoding = 'ascii' | 'binary' | 'binary_little_endian' | 'binary_big_endian';

export type MeshWarningCode =
  | 'NONFINITE_VERTICES'
  | 'DEGENERATE_TRIANGLES'
  | 'UNREFERENCED_VERTICES'
  | 'SHORT_FACES'
  | 'TRIANGULATED_POLYGONS'
  | 'EMPTY_MESH'
  | 'SKIPPED_ELEMENT'
  | 'SKIPPED_PROPERTY'
  | 'PRECISION_LOSS'
  | 'UNKNOWN_HEADER_LINE'
  | 'TRAILING_DATA';

/** Something legal but odd about a file; reading succeeded. */
export interface MeshWarning {
  code: MeshWarningCode;
  message: string;
  /** How many items (vertices, triangles, records) it concerns. */
  count?: number;
}

export interface ReadMeshOptions {
  /** Skip detection. Default: detected from the bytes (never from the file name). */
  format?: MeshFormat;
  /** STL only: weld exactly equal positions into shared vertices. Default true. */
  weld?: boolean;
  /** Name reported in errors and warnings. */
  fileName?: string;
}

export interface ReadMeshResult {
  mesh: Mesh;
  format: MeshFormat;
  encoding: MeshEncoding;
  warnings: MeshWarning[];
}

export interface WriteMeshOptions {
  /** 'stl' or 'ply'. */
  format: MeshFormat;
  /**
   * STL: 'binary' (default) or 'ascii'. PLY: 'binary_little_endian' (default),
   * 'binary_big_endian' or 'ascii' ('binary' means little-endian).
   */
  encoding?: MeshEncoding;
  /** STL: the solid name (ASCII) or header text (binary, at most 80 bytes, no 'solid' prefix). */
  name?: string;
}
