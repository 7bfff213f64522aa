// The ONLY file that touches WASM memory. It instantiates the core, reads the ABI constants the
// core exports (assembly/abi), owns every view of linear memory (re-created whenever memory has
// grown), and hands out pointers through scoped arenas so callers never hold a view.
import { ScanfuseError } from '../errors.js';
import type { TypedArray } from '../types.js';

/** Names of every ABI constant TypeScript relies on; tests/kernels/abi.test.ts checks both sides. */
export const ABI_CONSTANT_NAMES = [
  'ABI_VERSION',
  'STATUS_OK', 'STATUS_INVALID_ARGUMENT', 'STATUS_MALFORMED_INPUT', 'STATUS_CAPACITY_EXCEEDED',
  'REASON_NONE', 'REASON_TRUNCATED', 'REASON_INDEX_OUT_OF_RANGE', 'REASON_BAD_LIST_COUNT', 'REASON_BAD_TYPE',
  'OUT_RECORD_BYTES', 'OUT_ERROR_REASON', 'OUT_ERROR_OFFSET', 'OUT_ERROR_ACTUAL', 'OUT_ERROR_EXPECTED',
  'WELD_OUT_VERTEX_COUNT',
  'PLY_OUT_END', 'PLY_OUT_TRIANGLES', 'PLY_OUT_SHORT_FACES', 'PLY_OUT_POLYGONS', 'PLY_OUT_LIST_ITEMS',
  'CHECK_OUT_NONFINITE_VERTICES', 'CHECK_OUT_DEGENERATE_TRIANGLES', 'CHECK_OUT_UNREFERENCED_VERTICES',
  'TOPO_OUT_EDGES', 'TOPO_OUT_BOUNDARY_EDGES', 'TOPO_OUT_NONMANIFOLD_EDGES', 'TOPO_OUT_MISORIENTED_EDGES',
  'TOPO_OUT_COMPONENTS', 'TOPO_OUT_BOUNDARY_LOOPS', 'TOPO_OUT_REFERENCED_VERTICES', 'TOPO_OUT_AREA',
  'TOPO_OUT_VOLUME', 'TOPO_OUT_MIN_X', 'TOPO_OUT_LARGEST_COMPONENT_TRIANGLES',
  'PLY_PROP_BYTES', 'PLY_PROP_KIND', 'PLY_PROP_TYPE', 'PLY_PROP_COUNT_TYPE', 'PLY_PROP_ACTION', 'PLY_PROP_DST',
  'PLY_PROP_DST_TYPE', 'PLY_PROP_DST_STRIDE', 'PLY_PROP_DST_OFFSET',
  'PLY_KIND_SCALAR', 'PLY_KIND_LIST',
  'PLY_TYPE_I8', 'PLY_TYPE_U8', 'PLY_TYPE_I16', 'PLY_TYPE_U16', 'PLY_TYPE_I32', 'PLY_TYPE_U32',
  'PLY_TYPE_F32', 'PLY_TYPE_F64', 'PLY_DST_UNORM8',
  'PLY_ACTION_SKIP', 'PLY_ACTION_STORE', 'PLY_ACTION_TRIANGULATE', 'PLY_ACTION_LIST_RAW',
  'MC_OUT_VERTICES', 'MC_OUT_TRIANGLES',
  'TOOTH_BYTES', 'TOOTH_WORLD_TO_LOCAL', 'TOOTH_HALF_WIDTH', 'TOOTH_HALF_DEPTH', 'TOOTH_CROWN_HEIGHT', 'TOOTH_ROOT_DEPTH',
  'TOOTH_ROUNDNESS', 'TOOTH_TAPER_X', 'TOOTH_TAPER_Y', 'TOOTH_WEAR_CAP', 'TOOTH_CUSP_COUNT', 'TOOTH_FISSURE_DEPTH',
  'TOOTH_FISSURE_WIDTH', 'TOOTH_LABEL', 'TOOTH_SHADE', 'TOOTH_CUSPS',
  'MAP_CELL_BYTES', 'MAP_LATERAL', 'MAP_GUM_TOP', 'MAP_PALATE_Z', 'MAP_ARC',
  'SCENE_BYTES', 'SCENE_GUM_HALF_WIDTH', 'SCENE_GUM_RADIUS', 'SCENE_BLEND', 'SCENE_PALATE_BLEND', 'SCENE_GUM_RGB',
  'LESION_BYTES', 'LESION_CENTER', 'LESION_RADIUS', 'LESION_ID', 'LESION_STRENGTH',
  'CAMERA_BYTES', 'CAMERA_FX', 'CAMERA_FY', 'CAMERA_CX', 'CAMERA_CY', 'CAMERA_WIDTH',
  'CAMERA_HEIGHT', 'CAMERA_NEAR', 'CAMERA_FAR', 'CAMERA_WORLD_TO_CAMERA',
  'RENDER_OUT_PIXELS', 'RENDER_OUT_TRIANGLES',
  'NOISE_BYTES', 'NOISE_SIGMA', 'NOISE_GRAZING_COS', 'NOISE_GRAZING_RAMP', 'NOISE_EDGE_JUMP', 'NOISE_EDGE_DROPOUT',
  'NOISE_HOLES', 'NOISE_HOLE_RADIUS_MIN', 'NOISE_HOLE_RADIUS_MAX', 'NOISE_OUTLIER_RATE', 'NOISE_OUTLIER_RANGE', 'NOISE_IMAGE_SIGMA',
  'NOISE_DEPTH_SCALE',
  'CHUNK_BYTES', 'CHUNK_FIRST', 'CHUNK_COUNT', 'CHUNK_MIN', 'CHUNK_MAX',
  'BLOCK_SIDE', 'BLOCK_VOXELS', 'VOLUME_BYTES', 'VOLUME_VOXEL_SIZE', 'VOLUME_TRUNCATION', 'VOLUME_WEIGHT_CAP',
  'VOLUME_FLAGS', 'VOLUME_HASH', 'VOLUME_HASH_MASK', 'VOLUME_COORDS', 'VOLUME_DATA', 'VOLUME_BLOCK_BYTES',
  'VOLUME_CAPACITY', 'VOLUME_COUNT', 'VOLUME_FRAME', 'VOLUME_FULL', 'VOLUME_TOUCHED', 'VOLUME_STAMP',
  'VOLUME_FLAG_COLOUR', 'VOLUME_FLAG_NIR', 'VOXEL_TSDF', 'VOXEL_WEIGHT', 'VOXEL_COUNT', 'VOXEL_COLOUR',
  'WEIGHT_UNITS', 'FRAME_BYTES', 'FRAME_DEPTH', 'FRAME_DEPTH_KIND', 'FRAME_DEPTH_SCALE', 'FRAME_COLOUR',
  'FRAME_NIR', 'FRAME_STRIDE', 'FRAME_BILINEAR', 'FRAME_WEIGHTS', 'FRAME_SCRATCH', 'FRAME_DEPTH_U16', 'FRAME_DEPTH_F32', 'INTEGRATE_OUT_BLOCKS', 'INTEGRATE_OUT_NEW_BLOCKS',
  'INTEGRATE_OUT_REFUSED', 'INTEGRATE_OUT_VALID_PIXELS', 'INTEGRATE_OUT_UPDATED_VOXELS', 'RAYCAST_OUT_HITS', 'RAYCAST_OUT_SAMPLES', 'EXTRACT_OUT_VERTICES', 'EXTRACT_OUT_TRIANGLES',
  'CLOSEST_OUT_GRID_BYTES', 'CLOSEST_OUT_CELL_SIZE', 'CLOSEST_OUT_NX', 'CLOSEST_OUT_NY', 'CLOSEST_OUT_NZ', 'CLOSEST_OUT_TRIANGLES',
  'CLOSEST_OUT_REFS', 'CLOSEST_OUT_SKIPPED_TRIANGLES', 'CLOSEST_OUT_FOUND', 'CLOSEST_OUT_BEYOND', 'CLOSEST_OUT_NONFINITE',
  'METRICS_OUT_FOUND', 'METRICS_OUT_BEYOND', 'METRICS_OUT_NONFINITE', 'METRICS_OUT_ZERO_WEIGHT', 'METRICS_OUT_WEIGHT',
  'METRICS_OUT_BEYOND_WEIGHT', 'METRICS_OUT_MEAN_ABS', 'METRICS_OUT_RMS', 'METRICS_OUT_MEAN', 'METRICS_OUT_MAX_ABS',
  'METRICS_OUT_AREA', 'METRICS_OUT_NONFINITE_TRIANGLES',
  'ACC_BYTES', 'ACC_ATA', 'ACC_ATB', 'ACC_RESIDUAL2', 'ACC_WEIGHT', 'ACC_INLIERS',
  'ACC_VALID', 'SOLVE_OUT_X', 'SOLVE_OUT_MIN_EIGEN', 'SOLVE_OUT_MAX_EIGEN', 'SOLVE_OUT_WEAK_AXIS', 'ICP_BYTES',
  'ICP_TRANSFORM', 'ICP_FX', 'ICP_FY', 'ICP_CX', 'ICP_CY', 'ICP_MAX_DISTANCE',
  'ICP_MIN_NORMAL_COS', 'ICP_HUBER',
  'CGRID_OUT_BYTES', 'CGRID_OUT_POINTS', 'CGRID_OUT_SKIPPED', 'CGRID_OUT_CELLS', 'CLOUD_OUT_FOUND', 'CLOUD_MAX_NEIGHBOURS',
  'CLOUD_OUT_COUNT', 'CLOUD_OUT_NO_NORMAL', 'CLOUD_OUT_FLIPPED', 'CLOUD_OUT_COMPONENTS',
  'NORMALS_ORIENT_NONE', 'NORMALS_ORIENT_TOWARD', 'NORMALS_ORIENT_AWAY', 'FPFH_BINS', 'FPFH_STRIDE',
  'MATCH_OUT_MUTUAL', 'MATCH_OUT_WRITTEN',
  'RANSAC_BYTES', 'RANSAC_MAX_ITERATIONS', 'RANSAC_SEED', 'RANSAC_INLIER_DISTANCE', 'RANSAC_EDGE_SIMILARITY', 'RANSAC_NORMAL_COS',
  'RANSAC_CONFIDENCE', 'RANSAC_CANDIDATES', 'RANSAC_MIN_ITERATIONS', 'RANSAC_MIN_EDGE', 'RANSAC_MAX_CANDIDATES',
  'RANSAC_OUT_TRANSFORM', 'RANSAC_OUT_ITERATIONS', 'RANSAC_OUT_HYPOTHESES', 'RANSAC_OUT_INLIERS', 'RANSAC_OUT_CANDIDATES',
  'RANSAC_OUT_FITNESS', 'RANSAC_OUT_RMSE', 'RANSAC_OUT_RUNNER_UP',
  'ICPN_BYTES', 'ICPN_TRANSFORM', 'ICPN_MAX_DISTANCE', 'ICPN_ROBUST_SCALE', 'ICPN_ROBUST', 'ICPN_MAX_ITERATIONS', 'ICPN_MIN_ROTATION',
  'ICPN_MIN_TRANSLATION', 'ICPN_NORMAL_COS', 'ICPN_DAMPING', 'ICPN_MIN_RELATIVE_CHANGE', 'ICPN_MAX_TANGENTIAL', 'ROBUST_NONE', 'ROBUST_HUBER', 'ROBUST_TUKEY',
  'ICPN_OUT_ITERATIONS', 'ICPN_OUT_CONVERGED', 'ICPN_OUT_FITNESS', 'ICPN_OUT_RMSE', 'ICPN_OUT_PLANE_RMSE', 'ICPN_OUT_INLIERS',
  'ICPN_OUT_VALID', 'ICPN_OUT_EIGEN', 'ICPN_OUT_WEAK_AXIS', 'ICPN_OUT_SOLVE_FAILURES', 'ICPN_OUT_LAST_ROTATION',
  'ICPN_OUT_LAST_TRANSLATION', 'ICPN_OUT_SCALE',
  'NIRI_OUT_SEEN', 'NIRI_OUT_UNSEEN', 'NIRI_BLEND_MEAN', 'NIRI_BLEND_BEST',
  'REGION_BYTES', 'REGION_COUNT', 'REGION_SEED_VERTEX', 'REGION_LENGTH', 'REGION_AREA', 'REGION_CENTROID', 'REGION_MIN', 'REGION_MAX',
  'REGION_VECTOR', 'QEDGE_OUT_EDGES', 'QEDGE_OUT_BOUNDARY', 'QEDGE_OUT_NONMANIFOLD', 'QEDGE_OUT_MISORIENTED', 'QEDGE_OUT_LOOPS',
  'QCOMP_OUT_COMPONENTS', 'QCOMP_OUT_TRIANGLES', 'QCOMP_OUT_AREA', 'QMASK_OUT_SELECTED', 'QMASK_OUT_AREA',
] as const;

export type AbiConstantName = (typeof ABI_CONSTANT_NAMES)[number];
export type AbiConstants = Readonly<Record<AbiConstantName, number>>;

/** The ABI version this TypeScript was written against. */
export const EXPECTED_ABI_VERSION = 1;

/** Kernel signatures (pointers and counts are numbers; every kernel returns a status). */
export interface Kernels {
  mem_alloc(size: number): number;
  mem_free(ptr: number): void;
  mem_size(): number;
  stl_decode_binary(src: number, triangles: number, positions: number, attributes: number, out: number): number;
  stl_weld_binary(src: number, triangles: number, indices: number, unique: number, scratch: number, maxSlots: number, out: number): number;
  stl_check_binary(src: number, triangles: number, out: number): number;
  stl_encode_binary(positions: number, vertexCount: number, indices: number, triangles: number, attributes: number, dst: number, out: number): number;
  ply_decode_binary(src: number, srcLength: number, start: number, records: number, props: number, propCount: number,
    bigEndian: number, vertexCount: number, triangleFace: number, out: number): number;
  ply_encode_binary(dst: number, records: number, props: number, propCount: number, bigEndian: number, out: number): number;
  mesh_weld(points: number, count: number, remap: number, unique: number, scratch: number, maxSlots: number, out: number): number;
  weld_scratch_bytes(maxSlots: number): number;
  mesh_check_indices(indices: number, count: number, vertexCount: number, out: number): number;
  mesh_check(positions: number, vertexCount: number, indices: number, triangles: number, scratch: number, out: number): number;
  mesh_topology(positions: number, vertexCount: number, indices: number, triangles: number, scratch: number, out: number): number;
  mesh_topology_scratch_bytes(vertexCount: number, triangles: number): number;
  mc_dense_count(values: number, nx: number, ny: number, nz: number, iso: number, out: number): number;
  mc_dense(values: number, nx: number, ny: number, nz: number, originX: number, originY: number, originZ: number, spacing: number, iso: number,
    positions: number, maxVertices: number, indices: number, maxTriangles: number, cache: number, out: number): number;
  render_mesh(positions: number, vertexCount: number, indices: number, triangles: number, camera: number, scratch: number,
    depth: number, triangle: number, bary: number, out: number): number;
  render_mesh_chunked(positions: number, vertexCount: number, indices: number, triangles: number, chunks: number, chunkCount: number,
    faceNormals: number, camera: number, scratch: number, depth: number, triangle: number, bary: number, out: number): number;
  mesh_spatial_chunks(positions: number, vertexCount: number, indices: number, triangles: number, chunkSize: number,
    sortedIndices: number, order: number, chunks: number, scratch: number): number;
  mesh_spatial_chunks_scratch_bytes(triangles: number): number;
  sim_arch_sample(scene: number, teeth: number, toothCount: number, map: number, mapNx: number, mapNy: number, mapOx: number, mapOy: number,
    mapSpacing: number, values: number, nx: number, ny: number, nz: number, ox: number, oy: number, oz: number, spacing: number): number;
  sim_arch_attributes(scene: number, teeth: number, toothCount: number, map: number, mapNx: number, mapNy: number, mapOx: number, mapOy: number,
    mapSpacing: number, lesions: number, lesionCount: number, points: number, count: number, labels: number, colors: number, nir: number,
    lesionIds: number): number;
  sim_mark_observed(triangle: number, rawDepth: number, pixels: number, triangles: number, marks: number): number;
  mesh_face_normals(positions: number, indices: number, triangles: number, normals: number): number;
  sim_wand_frame(camera: number, noise: number, seed: number, frame: number, faceNormals: number, indices: number, colors: number,
    nirValues: number, depth: number, triangle: number, bary: number, rawDepth: number, depthMm: number, colour: number, nir: number): number;
  tsdf_integrate(volume: number, camera: number, frame: number, out: number): number;
  tsdf_raycast(volume: number, camera: number, depth: number, normals: number, colour: number, nir: number, weight: number, out: number): number;
  tsdf_extract_count(volume: number, blocks: number, blockCount: number, minWeight: number, out: number): number;
  tsdf_extract(volume: number, blocks: number, blockCount: number, minWeight: number, positions: number, normals: number, colours: number,
    nir: number, confidence: number, maxVertices: number, indices: number, maxTriangles: number, table: number, tableSlots: number, out: number): number;
  tsdf_changed_blocks(volume: number, sinceFrame: number, list: number, capacity: number): number;
  closest_grid_bytes(positions: number, vertexCount: number, indices: number, triangles: number, cellSize: number, maxCells: number, out: number): number;
  closest_grid_build(positions: number, vertexCount: number, indices: number, triangles: number, cellSize: number, maxCells: number,
    grid: number, gridBytes: number, out: number): number;
  closest_points(grid: number, points: number, count: number, pointsF64: number, maxDistance: number, sortMode: number, scratch: number,
    distances: number, signedDistances: number, triangleIds: number, closestPoints: number, out: number): number;
  closest_points_scratch_bytes(grid: number, count: number): number;
  metrics_vertex_areas(positions: number, vertexCount: number, indices: number, triangles: number, weights: number, out: number): number;
  metrics_sample_surface(positions: number, vertexCount: number, indices: number, triangles: number, count: number, seed: number,
    points: number, out: number): number;
  metrics_weighted_stats(values: number, weights: number, count: number, quantiles: number, quantileCount: number, scratch: number,
    quantileValues: number, out: number): number;
  metrics_weighted_stats_scratch_bytes(count: number): number;
  solve6(acc: number, out: number): number;
  depth_to_mm(depth: number, kind: number, mmPerUnit: number, pixels: number, minDepth: number, maxDepth: number, out: number): number;
  depth_downsample(depth: number, w: number, h: number, jump: number, out: number): number;
  depth_view_weights(depth: number, w: number, h: number, fx: number, fy: number, cx: number, cy: number, jump: number, minCos: number, out: number): number;
  depth_vertex_normal_maps(depth: number, w: number, h: number, fx: number, fy: number, cx: number, cy: number, jump: number, vertices: number, normals: number): number;
  icp_projective_accumulate(srcVertices: number, srcNormals: number, srcW: number, srcH: number, stride: number,
    dstVertices: number, dstNormals: number, dstW: number, dstH: number, params: number, acc: number): number;
  cloud_grid_bytes(count: number, slots: number, out: number): number;
  cloud_grid_build(points: number, count: number, cellSize: number, slots: number, grid: number, bytes: number, out: number): number;
  cloud_nearest(grid: number, queries: number, count: number, maxDistance: number, indices: number, distances: number, out: number): number;
  cloud_knn(grid: number, queries: number, count: number, radius: number, k: number, indices: number, distances: number, out: number): number;
  cloud_voxel_downsample(grid: number, points: number, count: number, normals: number, marks: number, outPoints: number, outNormals: number,
    out: number): number;
  cloud_normals(grid: number, points: number, count: number, radius: number, k: number, mode: number, vx: number, vy: number, vz: number,
    normals: number, out: number): number;
  cloud_orient_normals(grid: number, points: number, normals: number, count: number, radius: number, k: number, heap: number,
    heapCapacity: number, visited: number, out: number): number;
  cloud_mesh_vertex_normals(positions: number, vertexCount: number, indices: number, triangles: number, normals: number, out: number): number;
  cloud_fpfh(grid: number, points: number, normals: number, count: number, radius: number, k: number, scratch: number, features: number,
    out: number): number;
  cloud_fpfh_scratch_bytes(count: number, k: number): number;
  reg_match_features(src: number, nSrc: number, dst: number, nDst: number, minMutual: number, scratch: number, pairs: number, out: number): number;
  reg_match_scratch_bytes(nSrc: number, nDst: number): number;
  reg_ransac(srcPts: number, srcNormals: number, dstPts: number, dstNormals: number, pairs: number, nPairs: number, grid: number,
    evalPts: number, evalCount: number, params: number, out: number): number;
  icp_nearest(grid: number, dstNormals: number, srcPts: number, srcNormals: number, count: number, params: number, out: number): number;
  reg_evaluate(grid: number, dstNormals: number, srcPts: number, srcNormals: number, count: number, params: number, out: number): number;
  niri_accumulate(positions: number, normals: number, vertexCount: number, camera: number, depth: number, image: number, minCos: number,
    depthTolerance: number, relativeTolerance: number, slopePixels: number, featherPixels: number, power: number, sums: number, weights: number,
    counts: number, bestCos: number, bestValues: number, out: number): number;
  niri_resolve(sums: number, weights: number, bestValues: number, count: number, mode: number, nir: number, out: number): number;
  quality_edges(positions: number, vertexCount: number, indices: number, triangles: number, scratch: number, loops: number, loopCapacity: number,
    nonManifold: number, nonManifoldCapacity: number, vertexMarks: number, out: number): number;
  quality_edges_scratch_bytes(vertexCount: number, triangles: number): number;
  quality_components(positions: number, vertexCount: number, indices: number, triangles: number, mask: number, scratch: number,
    componentOf: number, regions: number, capacity: number, out: number): number;
  quality_components_scratch_bytes(vertexCount: number): number;
  quality_confidence_mask(positions: number, values: number, indices: number, triangles: number, threshold: number, mask: number, out: number): number;
}
export type KernelName = Exclude<keyof Kernels, 'mem_alloc' | 'mem_free' | 'mem_size'>;

/** Error details a kernel left in its out record. */
export interface KernelFailure {
  status: number;
  reason: number;
  offset: number;
  actual: number;
  expected: number;
}

type TypedArrayConstructor<T extends TypedArray> = {
  new (length: number): T;
  new (buffer: ArrayBufferLike, byteOffset: number, length: number): T;
  readonly BYTES_PER_ELEMENT: number;
};

const PAGE_BYTES = 65536;
/** Spare bytes after every block: SIMD kernels may read or spill up to 16 bytes past the end. */
const SLACK_BYTES = 16;

export interface WasmOptions {
  /** Upper bound on linear memory, MiB (default 4096, the WASM32 limit). */
  maxMemoryMiB?: number;
}

/** One instantiated core: its memory, kernels and constants. */
export class Wasm {
  readonly constants: AbiConstants;
  readonly #kernels: Kernels;
  readonly #memory: WebAssembly.Memory;
  #u8: Uint8Array;
  #dv: DataView;
  #failed: ScanfuseError | null = null;
  #disposed = false;

  private constructor(instance: WebAssembly.Instance, memory: WebAssembly.Memory) {
    const exports = instance.exports as Record<string, unknown>;
    this.#memory = memory;
    this.#kernels = exports as unknown as Kernels;
    const constants: Record<string, number> = {};
    for (const name of ABI_CONSTANT_NAMES) {
      const g = exports[name];
      if (!(g instanceof WebAssembly.Global)) {
        throw new ScanfuseError('ENGINE_FAILED', `createEngine: the WASM core does not export the ABI constant ${name}`);
      }
      constants[name] = Number(g.value);
    }
    if (constants.ABI_VERSION !== EXPECTED_ABI_VERSION) {
      throw new ScanfuseError('ENGINE_FAILED', 'createEngine: the WASM core and the TypeScript API are from different versions',
        { expected: EXPECTED_ABI_VERSION, actual: constants.ABI_VERSION });
    }
    this.constants = Object.freeze(constants) as AbiConstants;
    this.#u8 = new Uint8Array(memory.buffer);
    this.#dv = new DataView(memory.buffer);
  }

  /** Instantiates a compiled core with its own memory. */
  static async instantiate(module: WebAssembly.Module, options: WasmOptions = {}): Promise<Wasm> {
    const maxMiB = options.maxMemoryMiB ?? 4096;
    if (!(Number.isFinite(maxMiB) && maxMiB >= 2 && maxMiB <= 4096)) {
      throw new ScanfuseError('INVALID_ARGUMENT', 'createEngine: maxMemoryMiB must be between 2 and 4096', { actual: maxMiB });
    }
    const maximum = Math.floor((maxMiB * 1024 * 1024) / PAGE_BYTES);
    const memory = new WebAssembly.Memory({ initial: Math.min(16, maximum), maximum });
    let self: Wasm | null = null;
    const imports = {
      env: {
        memory,
        abort(message: number, file: number, line: number, column: number) {
          const text = self ? `${self.#readString(message)} at ${self.#readString(file)}:${line}:${column}` : 'abort';
          throw new Error(`WASM assertion failed: ${text}`);
        },
      },
    };
    const instance = await WebAssembly.instantiate(module, imports);
    self = new Wasm(instance, memory);
    return self;
  }

  /** Bytes of linear memory now (it only grows). */
  get memoryBytes(): number {
    return this.#memory.buffer.byteLength;
  }

  /** True after a trap: the engine must be re-created. */
  get failed(): boolean {
    return this.#failed !== null;
  }

  get disposed(): boolean {
    return this.#disposed;
  }

  /** Marks the core unusable (memory is released with the last reference). */
  dispose(): void {
    this.#disposed = true;
  }

  /** Throws if the core was disposed or has trapped. */
  assertUsable(api: string): void {
    if (this.#disposed) throw new ScanfuseError('DISPOSED', `${api}: the engine was disposed; create a new one`);
    if (this.#failed) {
      throw new ScanfuseError('ENGINE_FAILED', `${api}: the engine failed earlier (${this.#failed.message}); create a new one`);
    }
  }

  /**
   * Runs `body` with a scope whose allocations are all freed afterwards (also on error).
   * The scope hands out pointers; data goes in and out only through its copy methods.
   */
  scope<T>(api: string, body: (s: Scope) => T): T {
    this.assertUsable(api);
    const s = new Scope(this, api);
    try {
      return body(s);
    } finally {
      s.release();
    }
  }

  /**
   * A block that outlives scopes, for data a long-lived object keeps in the core (a scene, a
   * volume). Fill and read it through a scope (Scope.write / copyOut with its pointer).
   */
  resident(api: string, bytes: number): Resident {
    this.assertUsable(api);
    return new Resident(this, this.allocRaw(api, bytes), bytes);
  }

  // ---- used by Scope only ----------------------------------------------------------------

  /** @internal */
  allocRaw(api: string, bytes: number): number {
    if (!(Number.isSafeInteger(bytes) && bytes >= 0)) {
      throw new ScanfuseError('INVALID_ARGUMENT', `${api}: cannot allocate ${bytes} bytes`);
    }
    const total = bytes + SLACK_BYTES;
    if (total >= 0x40000000) {
      throw new ScanfuseError('OUT_OF_MEMORY', `${api}: a single block of ${bytes} bytes exceeds the 1 GiB block limit`,
        { expected: '< 1 GiB', actual: bytes });
    }
    let ptr: number;
    try {
      ptr = this.#kernels.mem_alloc(total) >>> 0;
    } catch (e) {
      // The allocator traps when memory cannot grow, before it changes any state.
      throw new ScanfuseError('OUT_OF_MEMORY', `${api}: the engine's memory limit is reached; free meshes or raise maxMemoryMiB`,
        { actual: bytes, memoryBytes: this.#memory.buffer.byteLength }, { cause: e });
    }
    return ptr;
  }

  /** @internal */
  freeRaw(ptr: number): void {
    this.#kernels.mem_free(ptr);
  }

  /** @internal Current byte view, re-created if memory grew since the last use. */
  bytes(): Uint8Array {
    if (this.#u8.buffer !== this.#memory.buffer) {
      this.#u8 = new Uint8Array(this.#memory.buffer);
      this.#dv = new DataView(this.#memory.buffer);
    }
    return this.#u8;
  }

  /** @internal */
  dataView(): DataView {
    this.bytes();
    return this.#dv;
  }

  /** @internal */
  buffer(): ArrayBuffer {
    return this.#memory.buffer;
  }

  /** @internal Calls a kernel; a trap poisons the engine and becomes ENGINE_FAILED. */
  callRaw<K extends KernelName>(api: string, name: K, args: Parameters<Kernels[K]>): number {
    try {
      return (this.#kernels[name] as (...a: number[]) => number)(...(args as number[]));
    } catch (e) {
      const error = new ScanfuseError('ENGINE_FAILED', `${api}: the WASM core trapped in ${name}: ${(e as Error)?.message ?? e}`,
        { kernel: name }, { cause: e });
      this.#failed = error;
      throw error;
    }
  }

  #readString(ptr: number): string {
    if (!ptr) return '';
    const dv = this.dataView();
    const length = dv.getUint32(ptr - 4, true) >>> 1;
    let s = '';
    for (let i = 0; i < length; i++) s += String.fromCharCode(dv.getUint16(ptr + 2 * i, true));
    return s;
  }
}

/** An arena of WASM allocations for one API call; freed by Wasm.scope. */
export class Scope {
  readonly #wasm: Wasm;
  readonly #api: string;
  readonly #blocks: number[] = [];

  constructor(wasm: Wasm, api: string) {
    this.#wasm = wasm;
    this.#api = api;
  }

  get constants(): AbiConstants {
    return this.#wasm.constants;
  }

  /** Allocates `bytes` (uninitialised, 16-byte aligned, 16 spare bytes after the end). */
  alloc(bytes: number): number {
    const ptr = this.#wasm.allocRaw(this.#api, bytes);
    this.#blocks.push(ptr);
    return ptr;
  }

  /** Allocates `bytes` filled with zeros. */
  allocZeroed(bytes: number): number {
    const ptr = this.alloc(bytes);
    this.#wasm.bytes().fill(0, ptr, ptr + bytes + SLACK_BYTES);
    return ptr;
  }

  /** Allocates a zeroed out record for one kernel call. */
  out(): number {
    return this.allocZeroed(this.#wasm.constants.OUT_RECORD_BYTES);
  }

  /** Copies `data` into new WASM memory and returns its pointer. */
  input(data: ArrayBufferView): number {
    const ptr = this.alloc(data.byteLength);
    this.write(ptr, data);
    return ptr;
  }

  /** Copies `data` to `ptr`. */
  write(ptr: number, data: ArrayBufferView): void {
    this.#wasm.bytes().set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), ptr);
  }

  /** A new caller-owned copy of `length` elements at `ptr`. */
  copyOut<T extends TypedArray>(ctor: TypedArrayConstructor<T>, ptr: number, length: number): T {
    this.#wasm.bytes();
    const result = new ctor(length);
    if (length > 0) {
      const bytes = new Uint8Array(result.buffer, result.byteOffset, length * ctor.BYTES_PER_ELEMENT);
      bytes.set(this.#wasm.bytes().subarray(ptr, ptr + bytes.byteLength));
    }
    return result;
  }

  /** Copies WASM bytes into a caller-owned array at `offset`. */
  copyInto(target: Uint8Array, offset: number, ptr: number, byteLength: number): void {
    target.set(this.#wasm.bytes().subarray(ptr, ptr + byteLength), offset);
  }

  u32(ptr: number): number {
    return this.#wasm.dataView().getUint32(ptr, true);
  }

  i32(ptr: number): number {
    return this.#wasm.dataView().getInt32(ptr, true);
  }

  f64(ptr: number): number {
    return this.#wasm.dataView().getFloat64(ptr, true);
  }

  setU32(ptr: number, value: number): void {
    this.#wasm.dataView().setUint32(ptr, value, true);
  }

  /** Calls a kernel and returns its status. */
  call<K extends KernelName>(name: K, ...args: Parameters<Kernels[K]>): number {
    return this.#wasm.callRaw(this.#api, name, args);
  }

  /** The failure details in a kernel's out record. */
  failure(status: number, out: number): KernelFailure {
    const c = this.#wasm.constants;
    return {
      status,
      reason: this.i32(out + c.OUT_ERROR_REASON),
      offset: this.f64(out + c.OUT_ERROR_OFFSET),
      actual: this.f64(out + c.OUT_ERROR_ACTUAL),
      expected: this.f64(out + c.OUT_ERROR_EXPECTED),
    };
  }

  /** @internal */
  release(): void {
    // After a trap the allocator's state is unknown: leave the blocks (the engine is dead anyway).
    if (!this.#wasm.failed) for (const ptr of this.#blocks) this.#wasm.freeRaw(ptr);
    this.#blocks.length = 0;
  }
}

/** WASM memory owned by a long-lived object; release() frees it (idempotent). */
export class Resident {
  readonly #wasm: Wasm;
  #ptr: number;
  readonly bytes: number;

  constructor(wasm: Wasm, ptr: number, bytes: number) {
    this.#wasm = wasm;
    this.#ptr = ptr;
    this.bytes = bytes;
  }

  /** The block's pointer; throws DISPOSED after release(). */
  get ptr(): number {
    if (this.#ptr === 0) throw new ScanfuseError('DISPOSED', 'the resident block was released');
    return this.#ptr;
  }

  get released(): boolean {
    return this.#ptr === 0;
  }

  release(): void {
    if (this.#ptr !== 0 && !this.#wasm.failed && !this.#wasm.disposed) this.#wasm.freeRaw(this.#ptr);
    this.#ptr = 0;
  }
}
