// Layouts of the scan-quality kernels (assembly/quality): the region record that summarises a
// boundary loop or a connected set of triangles, and out-record fields.
// Loops are written in ascending order of their smallest vertex index, components in the order
// of their first triangle.

// ---- Region record -----------------------------------------------------------------------------
export const REGION_BYTES: u32 = 128;
export const REGION_COUNT: u32 = 0;       // u32: boundary edges of a loop / triangles of a component
export const REGION_SEED_VERTEX: u32 = 4; // u32: loops: their smallest vertex index; components: the first corner of their first triangle
export const REGION_LENGTH: u32 = 8;      // f64: loops: perimeter (sum of edge lengths), mm; components: 0
export const REGION_AREA: u32 = 16;       // f64: loops: spanned area = |REGION_VECTOR|; components: triangle area, mm^2
export const REGION_CENTROID: u32 = 24;   // 3 f64: length-weighted mean of edge midpoints / area-weighted mean of triangle centroids, mm
export const REGION_MIN: u32 = 48;        // 3 f64: bounding box min of its vertices, mm
export const REGION_MAX: u32 = 72;        // 3 f64: bounding box max, mm
export const REGION_VECTOR: u32 = 96;     // 3 f64: vector area, mm^2: loops 0.5 sum (a - c) x (b - c) over their edges a -> b as
                                          // their triangle traverses them (c the centroid); components 0.5 sum (b - a) x (c - a)

// ---- quality_edges results ---------------------------------------------------------------------
export const QEDGE_OUT_EDGES: u32 = 32;          // u32 unique undirected edges
export const QEDGE_OUT_BOUNDARY: u32 = 36;       // u32 edges with exactly one triangle
export const QEDGE_OUT_NONMANIFOLD: u32 = 40;    // u32 edges with three or more triangles
export const QEDGE_OUT_MISORIENTED: u32 = 44;    // u32 two-triangle edges traversed in the same direction twice
export const QEDGE_OUT_LOOPS: u32 = 48;          // u32 connected sets of boundary edges (all of them, even beyond capacity)
// ---- quality_components results ----------------------------------------------------------------
export const QCOMP_OUT_COMPONENTS: u32 = 32;     // u32 components among the selected triangles (all, even beyond capacity)
export const QCOMP_OUT_TRIANGLES: u32 = 36;      // u32 selected triangles
export const QCOMP_OUT_AREA: u32 = 40;           // f64 their total area, mm^2
// ---- quality_confidence_mask results -----------------------------------------------------------
export const QMASK_OUT_SELECTED: u32 = 32;       // u32 triangles selected
export const QMASK_OUT_AREA: u32 = 40;           // f64 their area, mm^2
