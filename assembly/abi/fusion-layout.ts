// Layouts of the TSDF volume (assembly/fusion): the volume record TypeScript fills once and
// the kernels read and update, and the per-block voxel layout.

/** Voxels per block side; a block holds BLOCK_SIDE^3 voxels. */
export const BLOCK_SIDE: u32 = 8;
export const BLOCK_VOXELS: u32 = 512;

// ---- The volume record ------------------------------------------------------------------
export const VOLUME_BYTES: u32 = 96;
export const VOLUME_VOXEL_SIZE: u32 = 0;      // f32 mm: spacing of the voxel grid (grid point g at g * voxel)
export const VOLUME_TRUNCATION: u32 = 4;      // f32 mm: distances are clamped to +-truncation
export const VOLUME_WEIGHT_CAP: u32 = 8;      // f32: maximum accumulated weight (observations)
export const VOLUME_FLAGS: u32 = 12;          // u32: VOLUME_FLAG_*
export const VOLUME_HASH: u32 = 16;           // u32 pointer: hash table, u32 block index per slot (EMPTY = 0xffffffff)
export const VOLUME_HASH_MASK: u32 = 20;      // u32: slots - 1 (slots a power of two)
export const VOLUME_COORDS: u32 = 24;         // u32 pointer: per block 4 i32 (x, y, z, frame it last changed)
export const VOLUME_DATA: u32 = 28;           // u32 pointer: block voxel data, VOLUME_BLOCK_BYTES each
export const VOLUME_BLOCK_BYTES: u32 = 32;    // u32
export const VOLUME_CAPACITY: u32 = 36;       // u32: blocks the pool holds (the memory budget)
export const VOLUME_COUNT: u32 = 40;          // u32: blocks allocated
export const VOLUME_FRAME: u32 = 44;          // u32: integrations so far (stamps changed blocks)
export const VOLUME_FULL: u32 = 48;           // u32: 1 once an allocation was refused (capacity reached)
export const VOLUME_TOUCHED: u32 = 52;        // u32 pointer: scratch list of block indices touched this frame (capacity entries)
export const VOLUME_STAMP: u32 = 56;          // u32 pointer: per block, the last frame it was put in the touched list

export const VOLUME_FLAG_COLOUR: u32 = 1;
export const VOLUME_FLAG_NIR: u32 = 2;

// ---- Voxels within a block (offsets in bytes from the block's start) --------------------------
// tsdf: i16, value / 32767 = signed distance / truncation, clamped to [-1, 1]; 32767 = empty.
export const VOXEL_TSDF: u32 = 0;
// weight: u16, accumulated weight * WEIGHT_UNITS.
export const VOXEL_WEIGHT: u32 = 1024;
// count: u16, observations (for coverage), saturating.
export const VOXEL_COUNT: u32 = 2048;
// colour: 3 x u8 per voxel (only with VOLUME_FLAG_COLOUR), then nir: u8 per voxel (VOLUME_FLAG_NIR).
export const VOXEL_COLOUR: u32 = 3072;
export const WEIGHT_UNITS: u32 = 64;

// ---- Frame record (tsdf_integrate) ----------------------------------------------------------
export const FRAME_BYTES: u32 = 64;
export const FRAME_DEPTH: u32 = 0;        // u32 pointer to the depth image
export const FRAME_DEPTH_KIND: u32 = 4;   // u32: FRAME_DEPTH_U16 or FRAME_DEPTH_F32
export const FRAME_DEPTH_SCALE: u32 = 8;  // f32 raw units per mm (u16 depth)
export const FRAME_COLOUR: u32 = 12;      // u32 pointer, RGB u8, or 0
export const FRAME_NIR: u32 = 16;         // u32 pointer, u8, or 0
export const FRAME_STRIDE: u32 = 20;      // u32: allocation samples every STRIDE pixels
export const FRAME_BILINEAR: u32 = 24;    // u32: 1 = bilinear depth sampling, 0 = nearest pixel
export const FRAME_WEIGHTS: u32 = 28;     // u32 pointer: per-pixel observation weight u8 (255 = 1, 0 = skip), or 0 = all 1
export const FRAME_SCRATCH: u32 = 32;     // u32 pointer: 12 bytes per pixel of scratch for the kernel's lookup tables (required)
export const FRAME_DEPTH_U16: u32 = 1;
export const FRAME_DEPTH_F32: u32 = 2;

// tsdf_integrate results
export const INTEGRATE_OUT_BLOCKS: u32 = 32;       // u32 blocks integrated this frame
export const INTEGRATE_OUT_NEW_BLOCKS: u32 = 36;   // u32 blocks allocated this frame
export const INTEGRATE_OUT_REFUSED: u32 = 40;      // u32 allocations refused (capacity reached)
export const INTEGRATE_OUT_VALID_PIXELS: u32 = 44; // u32 depth pixels within range
export const INTEGRATE_OUT_UPDATED_VOXELS: u32 = 48; // u32

// tsdf_raycast results
export const RAYCAST_OUT_HITS: u32 = 32;           // u32 pixels with a surface
export const RAYCAST_OUT_SAMPLES: u32 = 36;        // u32 TSDF samples taken (work done)

// tsdf_extract results
export const EXTRACT_OUT_VERTICES: u32 = 32;       // u32
export const EXTRACT_OUT_TRIANGLES: u32 = 36;      // u32
