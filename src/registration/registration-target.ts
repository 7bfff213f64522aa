// A target prepared once for many global registrations (relocalization against one model): its
// downsampled points with normals, their FPFH descriptors and the grid that scores hypotheses,
// resident in the engine until dispose().
import { ScanfuseError } from '../errors.js';
import type { Resident, Wasm } from '../wasm/abi.js';
import type { PointGrid, ScopedCloud } from './cloud-kernels.js';

/** A target's side of the global stage: downsampled points with normals, FPFH, evaluation grid. */
export interface TargetFeatures {
  cloud: ScopedCloud;
  features: number;
  evalGrid: PointGrid;
  voxelSize: number;
  featureRadius: number;
  inlierDistance: number;
}

/** Where the parts live in the target's resident block (byte offsets). */
export interface TargetLayout {
  points: number;
  normals: number;
  features: number;
  grid: number;
  count: number;
  gridInfo: Omit<PointGrid, 'ptr'>;
}

export class RegistrationTarget {
  readonly #wasm: Wasm;
  readonly #block: Resident;
  readonly #layout: TargetLayout;
  /** Voxel edge of the downsampling, mm. */
  readonly voxelSize: number;
  /** FPFH radius, mm. */
  readonly featureRadius: number;
  /** Inlier distance of RANSAC and fitness, mm. */
  readonly inlierDistance: number;
  /** Downsampled points with descriptors. */
  readonly featurePointCount: number;

  /** @internal Use createRegistrationTarget(). */
  constructor(wasm: Wasm, block: Resident, layout: TargetLayout, voxelSize: number, featureRadius: number, inlierDistance: number) {
    this.#wasm = wasm;
    this.#block = block;
    this.#layout = layout;
    this.voxelSize = voxelSize;
    this.featureRadius = featureRadius;
    this.inlierDistance = inlierDistance;
    this.featurePointCount = layout.count;
  }

  /** @internal The features as pointers into the engine (valid until dispose()). */
  featuresFor(wasm: Wasm, api: string): TargetFeatures {
    if (this.#block.released) throw new ScanfuseError('DISPOSED', `${api}: the registration target was disposed; create a new one`);
    if (wasm !== this.#wasm) throw new ScanfuseError('INVALID_ARGUMENT', `${api}: the registration target belongs to another engine`);
    const base = this.#block.ptr, l = this.#layout;
    return {
      cloud: { points: base + l.points, normals: base + l.normals, count: l.count },
      features: base + l.features,
      evalGrid: { ptr: base + l.grid, ...l.gridInfo },
      voxelSize: this.voxelSize, featureRadius: this.featureRadius, inlierDistance: this.inlierDistance,
    };
  }

  /** Bytes of engine memory held. */
  get bytes(): number {
    return this.#block.bytes;
  }

  get disposed(): boolean {
    return this.#block.released;
  }

  /** Frees the engine memory (idempotent); later uses throw DISPOSED. */
  dispose(): void {
    this.#block.release();
  }
}
