// A sparse TSDF volume in the core: integrate depth frames with known poses, raycast it from any
// view, extract its surface whole or as incrementally updated chunks.
import { assertIntrinsics, type CameraIntrinsics } from '../camera/intrinsics.js';
import { cameraRecord } from '../camera/render-mesh.js';
import type { Engine } from '../engine.js';
import { ScanfuseError } from '../errors.js';
import { isRigid, type Transform } from '../math/pose.js';
import type { Mesh } from '../types.js';
import type { Resident, Scope, Wasm } from '../wasm/abi.js';

export interface TsdfVolumeOptions {
  /** Voxel size, mm (0.02 intraoral .. 20 room scale). */
  voxelSize: number;
  /** Truncation distance in voxels. Default 4. */
  truncationVoxels?: number;
  /** Maximum accumulated weight per voxel, observations. Default 64. */
  weightCap?: number;
  /** Memory budget of the volume, MiB. Default 512. When reached, integration continues on existing blocks. */
  maxMemoryMiB?: number;
  /** Keep a colour per voxel. Default false. */
  colour?: boolean;
  /** Keep a near-infrared intensity per voxel. Default false. */
  nir?: boolean;
  /** Side of a mesh chunk, in blocks of 8 voxels (incremental extraction). Default 8. */
  chunkBlocks?: number;
}

export const DEFAULT_TSDF_OPTIONS = Object.freeze({ truncationVoxels: 4, weightCap: 64, maxMemoryMiB: 512, colour: false, nir: false, chunkBlocks: 8 });

/** One depth frame (row-major, top-left origin). */
export interface DepthFrameInput {
  /** Uint16 raw depth (mm = raw / depthScale) or Float32 mm; 0 = no measurement. */
  depth: Uint16Array | Float32Array;
  /** Raw units per mm for Uint16 depth. */
  depthScale?: number;
  /** RGB, 3 bytes per pixel. */
  colour?: Uint8Array;
  /** Near-infrared, 1 byte per pixel. */
  nir?: Uint8Array;
}

export interface IntegrateOptions {
  /** Depth range used, mm. Defaults 0.1 .. 1e5 (everything). */
  minDepth?: number;
  maxDepth?: number;
  /**
   * How a voxel reads the depth image: 'bilinear' between the 4 nearest pixels (accurate when a
   * voxel is about a pixel's footprint, as in intraoral scanning), 'nearest' pixel (faster; fine
   * when voxels are several pixels wide), or 'auto' (default): bilinear when the voxel is less
   * than 2 pixel footprints at the frame's median depth.
   */
  depthSampling?: 'auto' | 'bilinear' | 'nearest';
  /**
   * Weight each observation by the cosine of its viewing angle (from the frame's own normals) and
   * drop observations more grazing than `minViewCos` (and at depth edges): grazing measurements
   * are the noisiest and most biased. Default true, minViewCos 0.3.
   */
  viewWeighting?: boolean;
  minViewCos?: number;
}

export interface IntegrateResult {
  /** 'rejected' leaves the volume bit-identical; `reason` says why. */
  status: 'integrated' | 'rejected';
  reason?: string;
  /** Blocks updated, and how many of them are new. */
  blocks: number;
  newBlocks: number;
  /** The memory budget was reached: some blocks could not be allocated (this frame or before). */
  capacityReached: boolean;
  refusedBlocks: number;
  validPixels: number;
  updatedVoxels: number;
}

export interface RaycastOptions {
  minDepth?: number;
  maxDepth?: number;
  normals?: boolean;
  colour?: boolean;
  nir?: boolean;
  weight?: boolean;
}

export interface RaycastResult {
  /** Camera z of the surface per pixel, mm; 0 = none. */
  depth: Float32Array;
  /** Unit normals in camera coordinates (3 per pixel), facing the camera. */
  normals?: Float32Array;
  colour?: Uint8Array;
  nir?: Uint8Array;
  weight?: Float32Array;
  hits: number;
  /** TSDF samples taken (a measure of the work done). */
  samples: number;
}

/** Default ExtractOptions.minWeight. */
export const DEFAULT_MIN_WEIGHT = 0.5;

export interface ExtractOptions {
  /**
   * Minimum accumulated weight of all 8 corners of a cube, in observations: a head-on observation
   * weighs 1, one at viewing angle a weighs cos(a) with view weighting. Default 0.5 (one
   * observation within 60 degrees of head-on).
   */
  minWeight?: number;
}

/** A chunk of the surface for a viewer: replace the chunk with this key by this mesh (null = remove). */
export interface MeshChunkUpdate {
  key: string;
  /** Chunk coordinates (in chunks). */
  chunk: [number, number, number];
  mesh: Mesh | null;
}

const reject = (reason: string): IntegrateResult => ({
  status: 'rejected', reason, blocks: 0, newBlocks: 0, capacityReached: false, refusedBlocks: 0, validPixels: 0, updatedVoxels: 0,
});

export class TsdfVolume {
  readonly voxelSize: number;
  readonly truncation: number;
  readonly options: Readonly<Required<TsdfVolumeOptions>>;
  readonly capacity: number;
  readonly blockBytes: number;
  readonly #wasm: Wasm;
  readonly #blocks: Resident[] = [];
  readonly #volume: number;
  #disposed = false;
  // Incremental extraction state.
  #extractedFrame = 0;
  #knownBlocks = 0;
  readonly #chunkBlocks = new Map<string, number[]>();
  readonly #chunkHasMesh = new Set<string>();

  constructor(engine: Engine, options: TsdfVolumeOptions) {
    const api = 'TsdfVolume';
    const o = { ...DEFAULT_TSDF_OPTIONS, ...options };
    if (!(typeof o.voxelSize === 'number' && o.voxelSize >= 0.005 && o.voxelSize <= 100)) {
      throw new ScanfuseError('INVALID_ARGUMENT', `${api}: voxelSize must be 0.005..100 mm`, { actual: o.voxelSize });
    }
    if (!(o.truncationVoxels >= 1 && o.truncationVoxels <= 64)) throw new ScanfuseError('INVALID_ARGUMENT', `${api}: truncationVoxels must be 1..64`, { actual: o.truncationVoxels });
    if (!(o.weightCap >= 1 && o.weightCap <= 1000)) throw new ScanfuseError('INVALID_ARGUMENT', `${api}: weightCap must be 1..1000`, { actual: o.weightCap });
    if (!(o.maxMemoryMiB >= 1 && o.maxMemoryMiB <= 3072)) throw new ScanfuseError('INVALID_ARGUMENT', `${api}: maxMemoryMiB must be 1..3072`, { actual: o.maxMemoryMiB });
    if (!(Number.isInteger(o.chunkBlocks) && o.chunkBlocks >= 1 && o.chunkBlocks <= 64)) throw new ScanfuseError('INVALID_ARGUMENT', `${api}: chunkBlocks must be an integer 1..64`, { actual: o.chunkBlocks });
    this.options = Object.freeze(o);
    this.voxelSize = o.voxelSize;
    this.truncation = o.voxelSize * o.truncationVoxels;
    this.#wasm = engine.wasm;
    const c = this.#wasm.constants as unknown as Record<string, number>;
    this.blockBytes = c.VOXEL_COLOUR + (o.colour ? 3 * c.BLOCK_VOXELS : 0) + (o.nir ? c.BLOCK_VOXELS : 0);
    // Per block: voxel data, coordinates (16), stamp (4), touched entry (4), two hash slots (8).
    const perBlock = this.blockBytes + 32;
    const capacity = Math.floor((o.maxMemoryMiB * 1024 * 1024) / perBlock);
    if (capacity < 8) throw new ScanfuseError('INVALID_ARGUMENT', `${api}: maxMemoryMiB is too small for even 8 blocks`, { actual: o.maxMemoryMiB });
    this.capacity = capacity;
    let slots = 16;
    while (slots < 2 * capacity) slots *= 2;
    const resident = (bytes: number) => {
      const r = this.#wasm.resident(api, bytes);
      this.#blocks.push(r);
      return r.ptr;
    };
    try {
      const volume = resident(c.VOLUME_BYTES);
      const hash = resident(4 * slots), coords = resident(16 * capacity), data = resident(this.blockBytes * capacity);
      const touched = resident(4 * capacity), stamp = resident(4 * capacity);
      this.#volume = volume;
      this.#wasm.scope(api, (s) => {
        const rec = new DataView(new ArrayBuffer(c.VOLUME_BYTES));
        rec.setFloat32(c.VOLUME_VOXEL_SIZE, o.voxelSize, true);
        rec.setFloat32(c.VOLUME_TRUNCATION, this.truncation, true);
        rec.setFloat32(c.VOLUME_WEIGHT_CAP, o.weightCap, true);
        rec.setUint32(c.VOLUME_FLAGS, (o.colour ? c.VOLUME_FLAG_COLOUR : 0) | (o.nir ? c.VOLUME_FLAG_NIR : 0), true);
        rec.setUint32(c.VOLUME_HASH, hash, true);
        rec.setUint32(c.VOLUME_HASH_MASK, slots - 1, true);
        rec.setUint32(c.VOLUME_COORDS, coords, true);
        rec.setUint32(c.VOLUME_DATA, data, true);
        rec.setUint32(c.VOLUME_BLOCK_BYTES, this.blockBytes, true);
        rec.setUint32(c.VOLUME_CAPACITY, capacity, true);
        rec.setUint32(c.VOLUME_TOUCHED, touched, true);
        rec.setUint32(c.VOLUME_STAMP, stamp, true);
        s.write(volume, new Uint8Array(rec.buffer));
        s.write(hash, new Uint8Array(4 * slots).fill(0xff));
        s.write(stamp, new Uint8Array(4 * capacity).fill(0xff));
      });
    } catch (e) {
      this.dispose();
      throw e;
    }
  }

  #check(api: string): void {
    if (this.#disposed) throw new ScanfuseError('DISPOSED', `${api}: the volume was disposed`);
  }

  #field(name: string): number {
    const c = this.#wasm.constants as unknown as Record<string, number>;
    return this.#wasm.scope('TsdfVolume', (s) => s.u32(this.#volume + c[name]));
  }

  /** Blocks allocated so far. */
  get blockCount(): number {
    this.#check('TsdfVolume.blockCount');
    return this.#field('VOLUME_COUNT');
  }

  /** True once the memory budget refused a block. */
  get capacityReached(): boolean {
    this.#check('TsdfVolume.capacityReached');
    return this.#field('VOLUME_FULL') !== 0;
  }

  /** Frames integrated. */
  get frameCount(): number {
    this.#check('TsdfVolume.frameCount');
    return this.#field('VOLUME_FRAME');
  }

  /** Bytes of voxel data in use (allocated blocks). */
  get usedBytes(): number {
    return this.blockCount * (this.blockBytes + 32);
  }

  /**
   * Integrates one frame seen from `cameraToWorld`. Bad frames (non-rigid or NaN pose, wrong
   * buffer sizes, no valid depth, unusable intrinsics) come back `rejected` with a reason and
   * leave the volume unchanged. Misuse (wrong types, disposed volume) throws ScanfuseError.
   */
  integrate(frame: DepthFrameInput, intrinsics: CameraIntrinsics, cameraToWorld: Transform, options: IntegrateOptions = {}): IntegrateResult {
    const api = 'TsdfVolume.integrate';
    this.#check(api);
    if (!frame || typeof frame !== 'object') throw new ScanfuseError('INVALID_ARGUMENT', `${api}: frame must be an object with a depth image`);
    const { depth } = frame;
    if (!(depth instanceof Uint16Array) && !(depth instanceof Float32Array)) {
      throw new ScanfuseError('INVALID_ARGUMENT', `${api}: frame.depth must be a Uint16Array or Float32Array`);
    }
    if (frame.colour !== undefined && !(frame.colour instanceof Uint8Array)) throw new ScanfuseError('INVALID_ARGUMENT', `${api}: frame.colour must be a Uint8Array`);
    if (frame.nir !== undefined && !(frame.nir instanceof Uint8Array)) throw new ScanfuseError('INVALID_ARGUMENT', `${api}: frame.nir must be a Uint8Array`);
    const k = intrinsics;
    const intrinsicsOk = k && Number.isInteger(k.width) && Number.isInteger(k.height) && k.width > 0 && k.height > 0 && k.width <= 16384
      && k.height <= 16384 && k.fx > 0 && k.fy > 0 && Number.isFinite(k.fx) && Number.isFinite(k.fy) && Number.isFinite(k.cx) && Number.isFinite(k.cy)
      && k.fx < 1e6 && k.fy < 1e6 && Math.abs(k.cx) < 1e5 && Math.abs(k.cy) < 1e5;
    if (!intrinsicsOk) return reject('unusable intrinsics');
    if (!cameraToWorld || typeof (cameraToWorld as ArrayLike<number>).length !== 'number' || !isRigid(cameraToWorld as ArrayLike<number>, 1e-4)) {
      return reject('cameraToWorld is not a finite rigid transform');
    }
    const pixels = k.width * k.height;
    if (depth.length !== pixels) return reject(`depth has ${depth.length} pixels, the intrinsics say ${pixels}`);
    if (frame.colour && frame.colour.length !== 3 * pixels) return reject(`colour has ${frame.colour.length} bytes, expected ${3 * pixels}`);
    if (frame.nir && frame.nir.length !== pixels) return reject(`nir has ${frame.nir.length} bytes, expected ${pixels}`);
    const scale = frame.depthScale ?? 1;
    if (depth instanceof Uint16Array && !(scale > 0 && Number.isFinite(scale))) return reject('depthScale must be a positive number for Uint16 depth');
    if (options === null || typeof options !== 'object') throw new ScanfuseError('INVALID_ARGUMENT', `${api}: options must be an object`);
    const minDepth = options.minDepth ?? 0.1, maxDepth = options.maxDepth ?? 1e5;
    if (!(minDepth > 0 && maxDepth > minDepth && Number.isFinite(maxDepth))) return reject('minDepth/maxDepth are not a finite, usable range');
    // Any valid depth at all? And a sample of depths for the footprint (median).
    // Compare raw values against the range in raw units (no division per pixel).
    const lo = depth instanceof Uint16Array ? minDepth * scale : minDepth, hi = depth instanceof Uint16Array ? maxDepth * scale : maxDepth;
    let any = false;
    for (let i = 0; i < depth.length; i++) {
      if (depth[i] >= lo && depth[i] <= hi) { any = true; break; }
    }
    if (!any) return reject('no depth measurement within range');
    const sample: number[] = [];
    for (let i = 0; i < depth.length; i += 97) if (depth[i] >= lo && depth[i] <= hi) sample.push(depth instanceof Uint16Array ? depth[i] / scale : depth[i]);
    const sampling = options.depthSampling ?? 'auto';
    if (sampling !== 'auto' && sampling !== 'bilinear' && sampling !== 'nearest') {
      throw new ScanfuseError('INVALID_ARGUMENT', `${api}: depthSampling must be 'auto', 'bilinear' or 'nearest'`, { actual: String(sampling) });
    }
    sample.sort((a, b) => a - b);
    const footprint = (sample.length ? sample[sample.length >> 1] : minDepth) / Math.min(k.fx, k.fy);
    const bilinear = sampling === 'bilinear' || (sampling === 'auto' && this.voxelSize < 2 * footprint);
    const pose = Float64Array.from(cameraToWorld as ArrayLike<number>);
    return this.#wasm.scope(api, (s) => {
      const c = s.constants as unknown as Record<string, number>;
      const camera = cameraRecord(s, k, pose, minDepth, maxDepth);
      const depthPtr = s.input(depth);
      const colourPtr = frame.colour && this.options.colour ? s.input(frame.colour) : 0;
      const nirPtr = frame.nir && this.options.nir ? s.input(frame.nir) : 0;
      const rec = new DataView(new ArrayBuffer(c.FRAME_BYTES));
      rec.setUint32(c.FRAME_DEPTH, depthPtr, true);
      rec.setUint32(c.FRAME_DEPTH_KIND, depth instanceof Uint16Array ? c.FRAME_DEPTH_U16 : c.FRAME_DEPTH_F32, true);
      rec.setFloat32(c.FRAME_DEPTH_SCALE, scale, true);
      rec.setUint32(c.FRAME_COLOUR, colourPtr, true);
      rec.setUint32(c.FRAME_NIR, nirPtr, true);
      rec.setUint32(c.FRAME_STRIDE, 2, true);
      rec.setUint32(c.FRAME_BILINEAR, bilinear ? 1 : 0, true);
      // The kernel gathers (depth, weight) pairs and packed colour/NIR from per-frame tables.
      rec.setUint32(c.FRAME_SCRATCH, s.alloc(12 * pixels), true);
      if (options.viewWeighting ?? true) {
        const mm = s.alloc(4 * pixels), weights = s.alloc(pixels);
        s.call('depth_to_mm', depthPtr, depth instanceof Uint16Array ? 1 : 2, depth instanceof Uint16Array ? 1 / scale : 1, pixels, minDepth, maxDepth, mm);
        // Depth edges: a jump of more than a truncation distance breaks a normal.
        s.call('depth_view_weights', mm, k.width, k.height, k.fx, k.fy, k.cx, k.cy, this.truncation, options.minViewCos ?? 0.3, weights);
        rec.setUint32(c.FRAME_WEIGHTS, weights, true);
      }
      const framePtr = s.input(new Uint8Array(rec.buffer));
      const out = s.out();
      const status = s.call('tsdf_integrate', this.#volume, camera, framePtr, out);
      if (status < 0) return reject('the core refused the camera or frame parameters');
      const refused = s.u32(out + c.INTEGRATE_OUT_REFUSED);
      return {
        status: 'integrated',
        blocks: s.u32(out + c.INTEGRATE_OUT_BLOCKS),
        newBlocks: s.u32(out + c.INTEGRATE_OUT_NEW_BLOCKS),
        capacityReached: s.u32(this.#volume + c.VOLUME_FULL) !== 0,
        refusedBlocks: refused,
        validPixels: s.u32(out + c.INTEGRATE_OUT_VALID_PIXELS),
        updatedVoxels: s.u32(out + c.INTEGRATE_OUT_UPDATED_VOXELS),
      };
    });
  }

  /** Renders the model from a camera: depth, normals (camera space), colour, NIR, weight. */
  raycast(intrinsics: CameraIntrinsics, cameraToWorld: Transform, options: RaycastOptions = {}): RaycastResult {
    const api = 'TsdfVolume.raycast';
    this.#check(api);
    assertIntrinsics(intrinsics, api);
    if (!cameraToWorld || typeof (cameraToWorld as ArrayLike<number>).length !== 'number' || !isRigid(cameraToWorld, 1e-4)) {
      throw new ScanfuseError('INVALID_ARGUMENT', `${api}: cameraToWorld must be a rigid 4x4 transform`);
    }
    if (options === null || typeof options !== 'object') throw new ScanfuseError('INVALID_ARGUMENT', `${api}: options must be an object`);
    const pixels = intrinsics.width * intrinsics.height;
    return this.#wasm.scope(api, (s) => {
      const c = s.constants as unknown as Record<string, number>;
      const camera = cameraRecord(s, intrinsics, cameraToWorld, options.minDepth ?? 0.1, options.maxDepth ?? 1e4);
      const depth = s.alloc(4 * pixels);
      const normals = options.normals ? s.alloc(12 * pixels) : 0;
      const colour = options.colour ? s.alloc(3 * pixels) : 0;
      const nir = options.nir ? s.alloc(pixels) : 0;
      const weight = options.weight ? s.alloc(4 * pixels) : 0;
      const out = s.out();
      if (s.call('tsdf_raycast', this.#volume, camera, depth, normals, colour, nir, weight, out) < 0) {
        throw new ScanfuseError('INVALID_ARGUMENT', `${api}: unusable intrinsics or depth range`);
      }
      const result: RaycastResult = { depth: s.copyOut(Float32Array, depth, pixels), hits: s.u32(out + c.RAYCAST_OUT_HITS), samples: s.u32(out + c.RAYCAST_OUT_SAMPLES) };
      if (normals) result.normals = s.copyOut(Float32Array, normals, 3 * pixels);
      if (colour) result.colour = s.copyOut(Uint8Array, colour, 3 * pixels);
      if (nir) result.nir = s.copyOut(Uint8Array, nir, pixels);
      if (weight) result.weight = s.copyOut(Float32Array, weight, pixels);
      return result;
    });
  }

  /**
   * @internal Raycasts the depth (camera z, mm; 0 = none) into memory of the caller's scope and
   * returns its pointer; no copies (tracking renders the model every frame).
   */
  raycastDepthInScope(s: Scope, intrinsics: CameraIntrinsics, cameraToWorld: Transform, minDepth: number, maxDepth: number): number {
    this.#check('TsdfVolume.raycast');
    const camera = cameraRecord(s, intrinsics, cameraToWorld, minDepth, maxDepth);
    const depth = s.alloc(4 * intrinsics.width * intrinsics.height);
    if (s.call('tsdf_raycast', this.#volume, camera, depth, 0, 0, 0, 0, s.out()) < 0) {
      throw new ScanfuseError('INVALID_ARGUMENT', 'TsdfVolume.raycast: unusable intrinsics or depth range');
    }
    return depth;
  }

  /** The whole surface as one welded mesh (normals, colours if kept, `nir` and `confidence` attributes). */
  extractMesh(options: ExtractOptions = {}): Mesh {
    const api = 'TsdfVolume.extractMesh';
    this.#check(api);
    const count = this.blockCount;
    return this.#extract(api, Uint32Array.from({ length: count }, (_, i) => i), options.minWeight ?? DEFAULT_MIN_WEIGHT);
  }

  /**
   * Chunks of the surface changed since the previous call (all chunks on the first call): each
   * update replaces the chunk with its key (mesh null = the chunk is now empty). Concatenating
   * every chunk's triangles gives the same surface as extractMesh().
   */
  meshUpdates(options: ExtractOptions = {}): MeshChunkUpdate[] {
    const api = 'TsdfVolume.meshUpdates';
    this.#check(api);
    const c = this.#wasm.constants as unknown as Record<string, number>;
    const cb = this.options.chunkBlocks;
    const { count, coords, changed, frame } = this.#wasm.scope(api, (s) => {
      const count = s.u32(this.#volume + c.VOLUME_COUNT);
      const coordsPtr = s.u32(this.#volume + c.VOLUME_COORDS);
      const list = s.alloc(4 * Math.max(1, count));
      const n = s.call('tsdf_changed_blocks', this.#volume, this.#extractedFrame, list, count);
      return {
        count,
        coords: s.copyOut(Int32Array, coordsPtr, 4 * count),
        changed: s.copyOut(Uint32Array, list, n),
        frame: s.u32(this.#volume + c.VOLUME_FRAME),
      };
    });
    const chunkOf = (bx: number, by: number, bz: number): [number, number, number] => [Math.floor(bx / cb), Math.floor(by / cb), Math.floor(bz / cb)];
    const keyOf = (ch: [number, number, number]) => ch.join(',');
    for (let b = this.#knownBlocks; b < count; b++) {
      const key = keyOf(chunkOf(coords[4 * b], coords[4 * b + 1], coords[4 * b + 2]));
      let list = this.#chunkBlocks.get(key);
      if (!list) this.#chunkBlocks.set(key, (list = []));
      list.push(b);
    }
    this.#knownBlocks = count;
    // A chunk depends on its blocks and, through the cubes on its upper borders, on the next
    // blocks in +x/+y/+z: a changed block dirties its chunk and the chunks of its lower neighbours.
    const dirty = new Map<string, [number, number, number]>();
    for (const b of changed) {
      for (let dz = 0; dz <= 1; dz++) for (let dy = 0; dy <= 1; dy++) for (let dx = 0; dx <= 1; dx++) {
        const ch = chunkOf(coords[4 * b] - dx, coords[4 * b + 1] - dy, coords[4 * b + 2] - dz);
        dirty.set(keyOf(ch), ch);
      }
    }
    this.#extractedFrame = frame;
    const updates: MeshChunkUpdate[] = [];
    for (const [key, chunk] of [...dirty].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
      const blocks = this.#chunkBlocks.get(key);
      const mesh = blocks ? this.#extract(api, Uint32Array.from(blocks), options.minWeight ?? DEFAULT_MIN_WEIGHT) : null;
      const empty = !mesh || mesh.indices.length === 0;
      if (empty && !this.#chunkHasMesh.has(key)) continue;
      if (empty) this.#chunkHasMesh.delete(key); else this.#chunkHasMesh.add(key);
      updates.push({ key, chunk, mesh: empty ? null : mesh });
    }
    return updates;
  }

  #extract(api: string, blocks: Uint32Array, minWeight: number): Mesh {
    const opts = this.options;
    return this.#wasm.scope(api, (s) => {
      const c = s.constants as unknown as Record<string, number>;
      const list = s.input(blocks.length ? blocks : new Uint32Array(1));
      const out = s.out();
      s.call('tsdf_extract_count', this.#volume, list, blocks.length, minWeight, out);
      const maxTriangles = s.u32(out + c.EXTRACT_OUT_TRIANGLES);
      let maxVertices = maxTriangles + 64;
      for (;;) {
        const result = this.#extractInto(s, list, blocks.length, minWeight, maxVertices, maxTriangles);
        if (result) return result;
        maxVertices = 3 * maxTriangles + 64;
      }
    });

  }

  #extractInto(s: Scope, list: number, blockCount: number, minWeight: number, maxVertices: number, maxTriangles: number): Mesh | null {
    const c = s.constants as unknown as Record<string, number>;
    let slots = 16;
    while (slots <= 2 * maxVertices) slots *= 2;
    const positions = s.alloc(12 * maxVertices), normals = s.alloc(12 * maxVertices), colours = s.alloc(3 * maxVertices);
    const nir = s.alloc(maxVertices), confidence = s.alloc(4 * maxVertices), indices = s.alloc(12 * Math.max(1, maxTriangles));
    const table = s.alloc(16 * slots);
    const out = s.out();
    const status = s.call('tsdf_extract', this.#volume, list, blockCount, minWeight, positions, normals, this.options.colour ? colours : 0,
      this.options.nir ? nir : 0, confidence, maxVertices, indices, maxTriangles, table, slots, out);
    if (status === c.STATUS_CAPACITY_EXCEEDED) return null;
    if (status < 0) throw new ScanfuseError('ENGINE_FAILED', `TsdfVolume: tsdf_extract failed (${status})`);
    const v = s.u32(out + c.EXTRACT_OUT_VERTICES), t = s.u32(out + c.EXTRACT_OUT_TRIANGLES);
    const mesh: Mesh = {
      positions: s.copyOut(Float32Array, positions, 3 * v),
      indices: s.copyOut(Uint32Array, indices, 3 * t),
      normals: s.copyOut(Float32Array, normals, 3 * v),
      vertexAttributes: { confidence: { array: s.copyOut(Float32Array, confidence, v), itemSize: 1 } },
      faceAttributes: {},
    };
    if (this.options.colour) mesh.colors = { array: s.copyOut(Uint8Array, colours, 3 * v), itemSize: 3 };
    if (this.options.nir) mesh.vertexAttributes!.nir = { array: s.copyOut(Uint8Array, nir, v), itemSize: 1 };
    return mesh;
  }

  /** A copy of the volume's state (record, used coordinates and voxel data): for tests and checksums. */
  snapshot(): Uint8Array {
    const api = 'TsdfVolume.snapshot';
    this.#check(api);
    return this.#wasm.scope(api, (s) => {
      const c = s.constants as unknown as Record<string, number>;
      const count = s.u32(this.#volume + c.VOLUME_COUNT);
      const record = s.copyOut(Uint8Array, this.#volume, c.VOLUME_BYTES);
      const coords = s.copyOut(Uint8Array, s.u32(this.#volume + c.VOLUME_COORDS), 16 * count);
      const data = s.copyOut(Uint8Array, s.u32(this.#volume + c.VOLUME_DATA), this.blockBytes * count);
      const outBytes = new Uint8Array(record.length + coords.length + data.length);
      outBytes.set(record); outBytes.set(coords, record.length); outBytes.set(data, record.length + coords.length);
      return outBytes;
    });
  }

  dispose(): void {
    this.#disposed = true;
    for (const b of this.#blocks) b.release();
    this.#blocks.length = 0;
  }
}

/** Creates a TSDF volume in the engine's memory (its budget is reserved up front, committed as used). */
export function createTsdfVolume(engine: Engine, options: TsdfVolumeOptions): TsdfVolume {
  return new TsdfVolume(engine, options);
}
