// Struct layouts shared with TypeScript: byte offsets and sizes, defined once here and read by
// src/wasm/abi.ts at load time. All offsets are in bytes from the struct's base pointer.

/** ABI version: bump whenever any constant in assembly/abi changes meaning. */
export const ABI_VERSION: i32 = 1;

// ---- The out record -------------------------------------------------------------------------
// Every kernel takes `out: usize`, a zeroed record of OUT_RECORD_BYTES that it fills with
// error details (on failure) and its named results (on success).
export const OUT_RECORD_BYTES: u32 = 256;
/** i32: REASON_* when the status is STATUS_MALFORMED_INPUT. */
export const OUT_ERROR_REASON: u32 = 0;
/** f64: byte offset into the input where the problem is, or -1. */
export const OUT_ERROR_OFFSET: u32 = 8;
/** f64: the offending value (an index, a count, a byte length). */
export const OUT_ERROR_ACTUAL: u32 = 16;
/** f64: the limit it broke (vertex count, bytes available). */
export const OUT_ERROR_EXPECTED: u32 = 24;

// stl_weld_binary / mesh_weld results
/** u32: number of unique vertices written. */
export const WELD_OUT_VERTEX_COUNT: u32 = 32;

// ply_decode_binary results
/** f64: byte offset just past the element's last record. */
export const PLY_OUT_END: u32 = 32;
/** u32: triangles emitted by PLY_ACTION_TRIANGULATE (counted even when dst is 0). */
export const PLY_OUT_TRIANGLES: u32 = 40;
/** u32: faces with fewer than 3 vertices (they emit no triangle). */
export const PLY_OUT_SHORT_FACES: u32 = 44;
/** u32: faces with more than 3 vertices (triangulated as fans). */
export const PLY_OUT_POLYGONS: u32 = 48;
/** u32: items written by PLY_ACTION_LIST_RAW (all lists of the element, concatenated). */
export const PLY_OUT_LIST_ITEMS: u32 = 52;

// mesh_check results (warnings the readers attach to a mesh)
/** u32: vertices with a NaN or infinite coordinate. */
export const CHECK_OUT_NONFINITE_VERTICES: u32 = 32;
/** u32: triangles with two equal indices or zero area. */
export const CHECK_OUT_DEGENERATE_TRIANGLES: u32 = 36;
/** u32: vertices no triangle references. */
export const CHECK_OUT_UNREFERENCED_VERTICES: u32 = 40;

// mesh_topology results
export const TOPO_OUT_EDGES: u32 = 32;              // u32 unique undirected edges
export const TOPO_OUT_BOUNDARY_EDGES: u32 = 36;     // u32 edges used by exactly one triangle
export const TOPO_OUT_NONMANIFOLD_EDGES: u32 = 40;  // u32 edges used by three or more triangles
export const TOPO_OUT_MISORIENTED_EDGES: u32 = 44;  // u32 two-triangle edges traversed in the same direction twice
export const TOPO_OUT_COMPONENTS: u32 = 48;         // u32 connected components (triangles sharing a vertex)
export const TOPO_OUT_BOUNDARY_LOOPS: u32 = 52;     // u32 connected sets of boundary edges (holes and outer borders)
export const TOPO_OUT_REFERENCED_VERTICES: u32 = 56;// u32
export const TOPO_OUT_AREA: u32 = 64;               // f64 surface area, mm^2
export const TOPO_OUT_VOLUME: u32 = 72;             // f64 signed enclosed volume, mm^3 (meaningful when closed)
export const TOPO_OUT_MIN_X: u32 = 80;              // f64 x 6: bbox min xyz, max xyz of referenced vertices
export const TOPO_OUT_LARGEST_COMPONENT_TRIANGLES: u32 = 128; // u32

// ---- PLY property descriptors (ply_decode_binary / ply_encode_binary) ------------------------
export const PLY_PROP_BYTES: u32 = 32;
export const PLY_PROP_KIND: u32 = 0;        // u32: PLY_KIND_*
export const PLY_PROP_TYPE: u32 = 4;        // u32: PLY_TYPE_* of the value (list items for lists)
export const PLY_PROP_COUNT_TYPE: u32 = 8;  // u32: PLY_TYPE_* of a list's count
export const PLY_PROP_ACTION: u32 = 12;     // u32: PLY_ACTION_*
export const PLY_PROP_DST: u32 = 16;        // u32: destination pointer (0 = count only)
export const PLY_PROP_DST_TYPE: u32 = 20;   // u32: PLY_TYPE_* or PLY_DST_UNORM8 of the destination
export const PLY_PROP_DST_STRIDE: u32 = 24; // u32: destination elements per record
export const PLY_PROP_DST_OFFSET: u32 = 28; // u32: destination element offset within a record

export const PLY_KIND_SCALAR: u32 = 0;
export const PLY_KIND_LIST: u32 = 1;

export const PLY_TYPE_I8: u32 = 1;
export const PLY_TYPE_U8: u32 = 2;
export const PLY_TYPE_I16: u32 = 3;
export const PLY_TYPE_U16: u32 = 4;
export const PLY_TYPE_I32: u32 = 5;
export const PLY_TYPE_U32: u32 = 6;
export const PLY_TYPE_F32: u32 = 7;
export const PLY_TYPE_F64: u32 = 8;
/** Destination only: a float in [0, 1] stored as round(v * 255) clamped to 0..255 (u8). */
export const PLY_DST_UNORM8: u32 = 9;

/** Read past the property. */
export const PLY_ACTION_SKIP: u32 = 0;
/** Scalar: convert and store at dst[record * stride + offset]. */
export const PLY_ACTION_STORE: u32 = 1;
/** List of vertex indices: fan-triangulate into u32 triples at dst; range-checked. */
export const PLY_ACTION_TRIANGULATE: u32 = 2;
/** List: store every item (as i32) at dst, concatenated across records (tristrips). */
export const PLY_ACTION_LIST_RAW: u32 = 3;
