// The one explicit list of WASM exports. Kernels are snake_case with a subsystem prefix; every
// kernel returns a status (abi/status.ts) and writes details to an out record (abi/layout.ts).

// ABI constants (read by src/wasm/abi.ts at load time).
export * from "./abi/status";
export * from "./abi/layout";

// Memory.
export { mem_alloc, mem_free, mem_size } from "./mem/heap";

// Mesh I/O bodies.
export { stl_decode_binary, stl_weld_binary, stl_encode_binary, stl_check_binary } from "./io/stl";
export { ply_decode_binary, ply_encode_binary } from "./io/ply";

// Mesh analysis.
export { mesh_check, mesh_check_indices } from "./meshing/check";
export { mesh_weld, weld_scratch_bytes } from "./meshing/weld";
export { mesh_topology, mesh_topology_scratch_bytes } from "./meshing/topology";

// Meshing.
export { mc_dense_count, mc_dense } from "./meshing/marching-cubes";

// Cameras and the scanner simulator.
export { render_mesh, render_mesh_chunked, mesh_face_normals } from "./camera/render";
export { mesh_spatial_chunks, mesh_spatial_chunks_scratch_bytes } from "./meshing/spatial-chunks";
export { sim_arch_sample, sim_arch_attributes } from "./sim/arch-kernels";
export { sim_wand_frame, sim_mark_observed } from "./sim/wand";
