// Layouts of the NIRI projection kernels (assembly/niri/project.ts): out-record fields and the
// resolve modes.

// niri_accumulate results
export const NIRI_OUT_SEEN: u32 = 32;      // u32: vertices this image saw (visible, in view, facing it)
// niri_resolve results
export const NIRI_OUT_UNSEEN: u32 = 36;    // u32: vertices no image saw (their intensity is NaN)
// niri_resolve modes
export const NIRI_BLEND_MEAN: u32 = 0;     // weighted mean over the images
export const NIRI_BLEND_BEST: u32 = 1;     // the image that sees the vertex most head-on
