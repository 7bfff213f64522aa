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

// mc_dense_count / mc_dense results
export const MC_OUT_VERTICES: u32 = 32;   // u32
export const MC_OUT_TRIANGLES: u32 = 36;  // u32

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

// ---- Simulator scene records (sim_arch_sample / sim_arch_attributes) ------------------------
// One tooth: f32 fields at these byte offsets. Local frame: x mesio-distal, y bucco-lingual
// (+y buccal), z occlusal, origin on the arch curve at the cemento-enamel junction (CEJ).
export const TOOTH_BYTES: u32 = 192;
export const TOOTH_WORLD_TO_LOCAL: u32 = 0;  // 12 f32: 3x4 row-major rigid transform
export const TOOTH_HALF_WIDTH: u32 = 48;     // mesio-distal half width at the height of contour, mm
export const TOOTH_HALF_DEPTH: u32 = 52;     // bucco-lingual half depth, mm
export const TOOTH_CROWN_HEIGHT: u32 = 56;   // CEJ to the top of the crown body, mm
export const TOOTH_ROOT_DEPTH: u32 = 60;     // how far the body extends below the CEJ (hidden in gingiva), mm
export const TOOTH_ROUNDNESS: u32 = 64;      // edge radius of the crown body, mm
export const TOOTH_TAPER_X: u32 = 68;        // half width at the top / at the height of contour
export const TOOTH_TAPER_Y: u32 = 72;        // half depth at the top / at the height of contour
export const TOOTH_WEAR_CAP: u32 = 76;       // local z above which the crown is flattened (wear), mm
export const TOOTH_CUSP_COUNT: u32 = 80;     // f32 holding an integer 0..5
export const TOOTH_FISSURE_DEPTH: u32 = 84;  // depth of the central fissure, mm
export const TOOTH_FISSURE_WIDTH: u32 = 88;  // its width (gaussian sigma), mm
export const TOOTH_LABEL: u32 = 92;          // FDI number as f32
export const TOOTH_SHADE: u32 = 96;          // 3 f32: enamel RGB 0..255
export const TOOTH_CUSPS: u32 = 112;         // 5 x 4 f32: x, y, height, radius (local, mm)

// The arch map: a 2D grid over (x, y) of 4 f32 per cell.
export const MAP_CELL_BYTES: u32 = 16;
export const MAP_LATERAL: u32 = 0;   // signed distance from the arch curve in the occlusal plane (+ buccal), mm
export const MAP_GUM_TOP: u32 = 4;   // height of the gingival crest above this point, mm
export const MAP_PALATE_Z: u32 = 8;  // palate surface height, or -1e9 where there is no palate, mm
export const MAP_ARC: u32 = 12;      // arc length along the curve from the midline (+ patient's left), mm

// Scene-wide parameters (f32).
export const SCENE_BYTES: u32 = 64;
export const SCENE_GUM_HALF_WIDTH: u32 = 0;   // gingiva half width across the arch, mm
export const SCENE_GUM_RADIUS: u32 = 4;       // rounding of the gingival crest, mm
export const SCENE_BLEND: u32 = 8;            // smooth-union radius between teeth and gingiva, mm
export const SCENE_PALATE_BLEND: u32 = 12;    // smooth-union radius between gingiva and palate, mm
export const SCENE_GUM_RGB: u32 = 16;         // 3 f32 gingiva colour

// A caries lesion (attributes only; the surface does not change). f32 fields.
export const LESION_BYTES: u32 = 32;
export const LESION_CENTER: u32 = 0;   // 3 f32, world mm
export const LESION_RADIUS: u32 = 12;  // mm
export const LESION_ID: u32 = 16;      // f32 integer >= 1
export const LESION_STRENGTH: u32 = 20;// 0..1 NIR brightness at the centre

// ---- Camera record (render_mesh, sim_wand_frame and later fusion/tracking kernels) ----------
// Pinhole, x right, y down, +z forward; pixel (u, v) centres at integer coordinates.
export const CAMERA_BYTES: u32 = 192;
export const CAMERA_FX: u32 = 0;       // f64 pixels
export const CAMERA_FY: u32 = 8;       // f64
export const CAMERA_CX: u32 = 16;      // f64
export const CAMERA_CY: u32 = 24;      // f64
export const CAMERA_WIDTH: u32 = 32;   // f64 (integer) pixels
export const CAMERA_HEIGHT: u32 = 40;  // f64 (integer) pixels
export const CAMERA_NEAR: u32 = 48;    // f64 mm: nearest measurable depth
export const CAMERA_FAR: u32 = 56;     // f64 mm: farthest measurable depth
export const CAMERA_WORLD_TO_CAMERA: u32 = 64;  // 12 f64: 3x4 row-major rigid transform, mm

// render_mesh results
export const RENDER_OUT_PIXELS: u32 = 32;    // u32 pixels covered
export const RENDER_OUT_TRIANGLES: u32 = 36; // u32 triangles rasterised (front-facing, in view)

// ---- Wand noise record (sim_wand_frame) -------------------------------------------------
export const NOISE_BYTES: u32 = 96;
export const NOISE_SIGMA: u32 = 0;            // f64 mm: Gaussian depth noise along the ray
export const NOISE_GRAZING_COS: u32 = 8;      // f64: below this |cos| of the view angle every pixel drops out
export const NOISE_GRAZING_RAMP: u32 = 16;    // f64: dropout probability falls to 0 at GRAZING_COS + RAMP
export const NOISE_EDGE_JUMP: u32 = 24;       // f64 mm: a neighbour this much farther or nearer makes a depth edge
export const NOISE_EDGE_DROPOUT: u32 = 32;    // f64 probability that a depth-edge pixel drops out
export const NOISE_HOLES: u32 = 40;           // f64 mean specular/saliva holes per frame (Poisson)
export const NOISE_HOLE_RADIUS_MIN: u32 = 48; // f64 pixels
export const NOISE_HOLE_RADIUS_MAX: u32 = 56; // f64 pixels
export const NOISE_OUTLIER_RATE: u32 = 64;    // f64 fraction of valid pixels turned into outliers
export const NOISE_OUTLIER_RANGE: u32 = 72;   // f64 mm: outliers move up to this far along the ray
export const NOISE_IMAGE_SIGMA: u32 = 80;     // f64 8-bit levels of colour and NIR image noise
export const NOISE_DEPTH_SCALE: u32 = 88;     // f64 raw depth units per mm for the Uint16 image

// ---- Triangle chunks (mesh_spatial_chunks, render_mesh) ---------------------------------------
export const CHUNK_BYTES: u32 = 32;
export const CHUNK_FIRST: u32 = 0;   // u32 first triangle (in the sorted order)
export const CHUNK_COUNT: u32 = 4;   // u32 triangles in the chunk
export const CHUNK_MIN: u32 = 8;     // 3 f32 bounding box min, mm
export const CHUNK_MAX: u32 = 20;    // 3 f32 bounding box max, mm

// ---- Closest-point queries (closest_grid_bytes, closest_grid_build, closest_points) ---------
// closest_grid_bytes / closest_grid_build results
export const CLOSEST_OUT_GRID_BYTES: u32 = 32;        // f64 bytes of the grid block
export const CLOSEST_OUT_CELL_SIZE: u32 = 40;         // f64 cell edge chosen, mm
export const CLOSEST_OUT_NX: u32 = 48;                // u32 cells along x
export const CLOSEST_OUT_NY: u32 = 52;                // u32 cells along y
export const CLOSEST_OUT_NZ: u32 = 56;                // u32 cells along z
export const CLOSEST_OUT_TRIANGLES: u32 = 60;         // u32 triangles in the grid (all corners finite)
export const CLOSEST_OUT_REFS: u32 = 64;              // f64 cell-list entries (triangle-cell overlaps)
export const CLOSEST_OUT_SKIPPED_TRIANGLES: u32 = 72; // u32 triangles left out: a corner is not finite
// closest_points results
export const CLOSEST_OUT_FOUND: u32 = 32;             // u32 points with a surface point within the max distance
export const CLOSEST_OUT_BEYOND: u32 = 36;            // u32 finite points with none within the max distance
export const CLOSEST_OUT_NONFINITE: u32 = 40;         // u32 points with a non-finite coordinate

// ---- Accuracy metrics (metrics_weighted_stats, metrics_vertex_areas, metrics_sample_surface) --
// metrics_weighted_stats results (over values with weight > 0 unless said otherwise)
export const METRICS_OUT_FOUND: u32 = 32;             // u32 finite values
export const METRICS_OUT_BEYOND: u32 = 36;            // u32 +-Infinity values (not found)
export const METRICS_OUT_NONFINITE: u32 = 40;         // u32 NaN values (any weight)
export const METRICS_OUT_ZERO_WEIGHT: u32 = 44;       // u32 non-NaN values with weight 0 (ignored)
export const METRICS_OUT_WEIGHT: u32 = 48;            // f64 sum of the weights of the finite values
export const METRICS_OUT_BEYOND_WEIGHT: u32 = 56;     // f64 sum of the weights of the Infinity values
export const METRICS_OUT_MEAN_ABS: u32 = 64;          // f64 sum(w |v|) / sum(w)
export const METRICS_OUT_RMS: u32 = 72;               // f64 sqrt(sum(w v^2) / sum(w))
export const METRICS_OUT_MEAN: u32 = 80;              // f64 sum(w v) / sum(w)
export const METRICS_OUT_MAX_ABS: u32 = 88;           // f64 max |v|
// metrics_vertex_areas / metrics_sample_surface results
export const METRICS_OUT_AREA: u32 = 32;              // f64 total area of the triangles with finite area, mm^2
export const METRICS_OUT_NONFINITE_TRIANGLES: u32 = 40; // u32 triangles whose area is not finite (left out)
