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

// Accuracy metrics: closest-point queries, area weights and samples, weighted statistics.
export { closest_grid_bytes, closest_grid_build } from "./metrics/closest-grid";
export { closest_points, closest_points_scratch_bytes } from "./metrics/closest-points";
export { metrics_vertex_areas, metrics_sample_surface } from "./metrics/surface-measures";
export { metrics_weighted_stats, metrics_weighted_stats_scratch_bytes } from "./metrics/weighted-stats";

// TSDF fusion.
export * from "./abi/fusion-layout";
export { tsdf_integrate } from "./fusion/integrate";
export { tsdf_raycast } from "./fusion/raycast";
export { tsdf_extract_count, tsdf_extract, tsdf_changed_blocks } from "./fusion/extract";

// Registration and tracking.
export * from "./abi/registration-layout";
export { solve6 } from "./registration/solve6";
export { depth_to_mm, depth_downsample, depth_vertex_normal_maps, depth_view_weights } from "./registration/depth-maps";
export { icp_projective_accumulate } from "./registration/icp-projective";

// Point-cloud registration: point grid, downsampling, normals, FPFH, matching, RANSAC, ICP.
export * from "./abi/cloud-layout";
export { cloud_grid_bytes, cloud_grid_build, cloud_nearest, cloud_knn } from "./registration/point-grid";
export { cloud_voxel_downsample, cloud_normals, cloud_orient_normals, cloud_mesh_vertex_normals } from "./registration/cloud-ops";
export { cloud_fpfh, cloud_fpfh_scratch_bytes } from "./registration/fpfh";
export { reg_match_features, reg_match_scratch_bytes } from "./registration/feature-match";
export { reg_ransac } from "./registration/ransac";
export { icp_nearest, reg_evaluate } from "./registration/icp-nearest";

// NIRI: posed near-infrared images projected onto a mesh's vertices.
export * from "./abi/niri-layout";
export { niri_accumulate, niri_resolve } from "./niri/project";

// Scan quality: edges and boundary loops, components, low-confidence selections.
export * from "./abi/quality-layout";
export { quality_edges, quality_edges_scratch_bytes } from "./quality/edges";
export { quality_components, quality_components_scratch_bytes } from "./quality/components";
export { quality_confidence_mask } from "./quality/confidence-mask";
