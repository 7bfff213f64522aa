// Layouts of the point-cloud registration kernels (assembly/registration: point-grid, cloud-ops,
// fpfh, feature-match, ransac, icp-nearest): out-record fields, parameter records and enumerations.
// Transforms in records are 12 f64, row-major 3x4 [R | t] (as ICP_TRANSFORM), source -> target, mm.

// ---- Point grid (cloud_grid_bytes / cloud_grid_build) -----------------------------------------
export const CGRID_OUT_BYTES: u32 = 32;       // f64: bytes of the grid block (cloud_grid_bytes)
export const CGRID_OUT_POINTS: u32 = 40;      // u32: points in the grid (finite, within the key range)
export const CGRID_OUT_SKIPPED: u32 = 44;     // u32: points left out (a coordinate not finite or beyond +-2^20 cells)
export const CGRID_OUT_CELLS: u32 = 48;       // u32: occupied cells
// ---- Point queries (cloud_nearest / cloud_knn) -------------------------------------------------
export const CLOUD_OUT_FOUND: u32 = 52;       // u32: queries with at least one neighbour
/** Most neighbours a k-nearest query may ask for (cloud_knn, cloud_normals, cloud_fpfh). */
export const CLOUD_MAX_NEIGHBOURS: u32 = 1024;
// ---- Voxel downsampling / normals --------------------------------------------------------------
export const CLOUD_OUT_COUNT: u32 = 56;       // u32: points written (cloud_voxel_downsample)
export const CLOUD_OUT_NO_NORMAL: u32 = 60;   // u32: points left with a zero normal (fewer than 3 neighbours, or collinear)
export const CLOUD_OUT_FLIPPED: u32 = 64;     // u32: normals flipped by an orientation pass
export const CLOUD_OUT_COMPONENTS: u32 = 68;  // u32: seeds of cloud_orient_normals (connected parts of the neighbour graph)
export const NORMALS_ORIENT_NONE: u32 = 0;    // the eigenvector's sign as computed (deterministic, not meaningful)
export const NORMALS_ORIENT_TOWARD: u32 = 1;  // n . (viewpoint - p) >= 0
export const NORMALS_ORIENT_AWAY: u32 = 2;    // n . (p - viewpoint) >= 0 (outward from an inside point)
// ---- FPFH --------------------------------------------------------------------------------------
export const FPFH_BINS: u32 = 33;             // 3 x 11 bins (alpha, phi, theta), each histogram sums to 100
export const FPFH_STRIDE: u32 = 36;           // f32 per descriptor in the core (bins, then 3 zeros for SIMD)
// ---- Feature matching (reg_match_features) -----------------------------------------------------
export const MATCH_OUT_MUTUAL: u32 = 32;      // u32: mutual nearest pairs
export const MATCH_OUT_WRITTEN: u32 = 36;     // u32: pairs written (the mutual ones, or all when too few)
// ---- RANSAC (reg_ransac) -----------------------------------------------------------------------
export const RANSAC_BYTES: u32 = 64;
export const RANSAC_MAX_ITERATIONS: u32 = 0;  // u32: samples drawn at most
export const RANSAC_SEED: u32 = 4;            // u32
export const RANSAC_INLIER_DISTANCE: u32 = 8; // f64 mm: a correspondence / evaluated point is an inlier within this distance
export const RANSAC_EDGE_SIMILARITY: u32 = 16;// f64 in (0, 1]: shorter / longer edge of a sample's triangle pairs
export const RANSAC_NORMAL_COS: u32 = 24;     // f64: cos of the largest angle between R n_source and n_target (-1: off)
export const RANSAC_CONFIDENCE: u32 = 32;     // f64 in (0, 1): stop when a better sample is this unlikely
export const RANSAC_CANDIDATES: u32 = 40;     // u32: best distinct hypotheses refined and evaluated on the points (1..RANSAC_MAX_CANDIDATES)
export const RANSAC_MIN_ITERATIONS: u32 = 44; // u32: samples drawn at least (before the confidence stop)
export const RANSAC_MIN_EDGE: u32 = 48;       // f64 mm: shortest edge of a sample's triangle
export const RANSAC_MAX_CANDIDATES: u32 = 32;
export const RANSAC_OUT_TRANSFORM: u32 = 32;  // 12 f64: best source -> target, row-major 3x4
export const RANSAC_OUT_ITERATIONS: u32 = 128;// u32 samples drawn
export const RANSAC_OUT_HYPOTHESES: u32 = 132;// u32 samples that passed the edge / normal checks
export const RANSAC_OUT_INLIERS: u32 = 136;   // u32 inlier correspondences of the chosen hypothesis
export const RANSAC_OUT_CANDIDATES: u32 = 140;// u32 hypotheses evaluated on the points
export const RANSAC_OUT_FITNESS: u32 = 144;   // f64: evaluated points with a target point within the inlier distance / finite evaluated points
export const RANSAC_OUT_RMSE: u32 = 152;      // f64 mm: RMS distance of those points
export const RANSAC_OUT_RUNNER_UP: u32 = 160; // f64: fitness of the best hypothesis that differs from the chosen one (ambiguity)
// ---- Nearest-neighbour point-to-plane ICP (icp_nearest) and evaluation (reg_evaluate) -------
export const ICPN_BYTES: u32 = 168;
export const ICPN_TRANSFORM: u32 = 0;         // 12 f64: source -> target, row-major 3x4 (in: start; out: result)
export const ICPN_MAX_DISTANCE: u32 = 96;     // f64 mm: correspondence gate (nearest target point within it)
export const ICPN_ROBUST_SCALE: u32 = 104;    // f64 mm: Huber threshold / Tukey width of the point-to-plane residual
export const ICPN_ROBUST: u32 = 112;          // u32: ROBUST_*
export const ICPN_MAX_ITERATIONS: u32 = 116;  // u32
export const ICPN_MIN_ROTATION: u32 = 120;    // f64 rad: converged when an update rotates less than this ...
export const ICPN_MIN_TRANSLATION: u32 = 128; // f64 mm: ... and moves less than this
export const ICPN_NORMAL_COS: u32 = 136;      // f64: with source normals, pairs with |R n_s . n_t| below this are left out (0: off)
export const ICPN_DAMPING: u32 = 144;         // f64 >= 0: Levenberg-Marquardt damping, each diagonal entry grows by this fraction (0: none)
export const ICPN_MIN_RELATIVE_CHANGE: u32 = 152; // f64 >= 0: also converged when the inlier count and the point-to-plane RMS both changed by at most this fraction
export const ICPN_MAX_TANGENTIAL: u32 = 160;  // f64 mm: pairs whose points are farther apart than this along the target's tangent plane are left out (0: off)
export const ROBUST_NONE: u32 = 0;
export const ROBUST_HUBER: u32 = 1;
export const ROBUST_TUKEY: u32 = 2;
export const ICPN_OUT_ITERATIONS: u32 = 32;   // u32 updates applied
export const ICPN_OUT_CONVERGED: u32 = 36;    // u32 1 when the last update was below both thresholds
export const ICPN_OUT_FITNESS: u32 = 40;      // f64 inliers / finite source points, at the final transform
export const ICPN_OUT_RMSE: u32 = 48;         // f64 mm: RMS point-to-point distance of the inliers
export const ICPN_OUT_PLANE_RMSE: u32 = 56;   // f64 mm: RMS point-to-plane distance of the inliers
export const ICPN_OUT_INLIERS: u32 = 64;      // u32 source points with a target point within the max distance
export const ICPN_OUT_VALID: u32 = 68;        // u32 finite source points
export const ICPN_OUT_EIGEN: u32 = 72;        // 6 f64 ascending: eigenvalues of the normalised point-to-plane Hessian (see icp-nearest.ts)
export const ICPN_OUT_WEAK_AXIS: u32 = 120;   // 6 f64: (wx wy wz tx ty tz) of the smallest, unit length in normalised units
export const ICPN_OUT_SOLVE_FAILURES: u32 = 168; // u32 iterations whose 6x6 system was singular (damped retry)
export const ICPN_OUT_LAST_ROTATION: u32 = 176;  // f64 rad of the last update
export const ICPN_OUT_LAST_TRANSLATION: u32 = 184; // f64 mm of the last update
export const ICPN_OUT_SCALE: u32 = 192;       // f64 mm: the length L that normalises rotations in ICPN_OUT_EIGEN
