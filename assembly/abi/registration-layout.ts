// Layouts of the registration kernels (assembly/registration): the normal-equation accumulator
// of point-to-plane ICP and the 6x6 solve's results.

// ---- Accumulator: f64 fields, zeroed by the caller before accumulating ----------------------
// The unknown is x = (wx, wy, wz, tx, ty, tz): a small rotation (rad) and translation (mm)
// applied on the left: p' = p + w x p + t.
export const ACC_BYTES: u32 = 256;
export const ACC_ATA: u32 = 0;        // 21 f64: upper triangle of J^T W J, row-major (a00 a01 .. a05 a11 .. a55)
export const ACC_ATB: u32 = 168;      // 6 f64: J^T W r (r = residual, the solve returns x with J x = -r)
export const ACC_RESIDUAL2: u32 = 216;// f64: sum of w r^2 over inliers, mm^2
export const ACC_WEIGHT: u32 = 224;   // f64: sum of weights
export const ACC_INLIERS: u32 = 232;  // f64: correspondences that passed the gates
export const ACC_VALID: u32 = 240;    // f64: source points that had data (the fitness denominator)

// ---- solve6 results (out record) -----------------------------------------------------------
export const SOLVE_OUT_X: u32 = 32;            // 6 f64: the update
export const SOLVE_OUT_MIN_EIGEN: u32 = 80;    // f64: smallest eigenvalue of J^T W J (scaled, see solve6)
export const SOLVE_OUT_MAX_EIGEN: u32 = 88;    // f64: largest
export const SOLVE_OUT_WEAK_AXIS: u32 = 96;    // 6 f64: eigenvector of the smallest eigenvalue (the least constrained motion)

// ---- Projective ICP parameters (icp_projective_accumulate) -----------------------------------
export const ICP_BYTES: u32 = 128;
export const ICP_TRANSFORM: u32 = 0;    // 12 f64: source camera -> target camera, row-major 3x4
export const ICP_FX: u32 = 96;          // f32 target map intrinsics
export const ICP_FY: u32 = 100;
export const ICP_CX: u32 = 104;
export const ICP_CY: u32 = 108;
export const ICP_MAX_DISTANCE: u32 = 112; // f32 mm: correspondence gate
export const ICP_MIN_NORMAL_COS: u32 = 116; // f32: normal agreement gate
export const ICP_HUBER: u32 = 120;      // f32 mm: Huber threshold of the point-to-plane residual
