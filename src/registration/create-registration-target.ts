// Prepares a target for many global registrations (see RegistrationTarget).
import type { Engine } from '../engine.js';
import { wasmOf } from '../metrics/surface-grid.js';
import { cloudInScope, kernelFailed } from './cloud-kernels.js';
import { resolveGlobalOptions, targetFeaturesInScope, type GlobalRegistrationOptions } from './global-registration.js';
import { assertPointCloud, integerOption, type PointCloud } from './point-cloud.js';
import { RegistrationTarget, type TargetLayout } from './registration-target.js';
import { boundingDiagonal, voxelSizeFor } from './voxel-size.js';

export interface RegistrationTargetOptions extends Omit<GlobalRegistrationOptions, 'featurePoints'> {
  /**
   * Target points to aim for with the automatic voxel size. Default 8000. Pass `voxelSize`
   * instead when the sources' scale is known (a scanner frame): the sources are downsampled with
   * the target's voxel, so it sets how many feature points each source keeps.
   */
  targetFeaturePoints?: number;
}

export const DEFAULT_REGISTRATION_TARGET_OPTIONS = Object.freeze({ targetFeaturePoints: 8000 });

const align16 = (n: number) => Math.ceil(n / 16) * 16;

/**
 * Downsamples `target`, estimates its normals where missing, computes its FPFH descriptors and the
 * grid that scores hypotheses, and keeps them in the engine: pass the result to globalRegistration
 * as the target, as often as needed, then dispose() it. Options as for globalRegistration (the
 * voxel size, feature radius and inlier distance are fixed here).
 */
export function createRegistrationTarget(engine: Engine, target: PointCloud, options: RegistrationTargetOptions = {}): RegistrationTarget {
  const api = 'createRegistrationTarget';
  const wasm = wasmOf(engine, api);
  assertPointCloud(target, api, 'target');
  const o = resolveGlobalOptions(options ?? {}, api);
  const aim = integerOption(options?.targetFeaturePoints ?? DEFAULT_REGISTRATION_TARGET_OPTIONS.targetFeaturePoints, api, 'targetFeaturePoints', 10, 10_000_000);
  return wasm.scope(api, (s) => {
    const c = s.constants;
    const cloud = cloudInScope(s, target.positions, target.normals);
    const voxelSize = o.voxelSize ?? voxelSizeFor(s, api, cloud, boundingDiagonal(target.positions), aim);
    const f = targetFeaturesInScope(s, api, cloud, voxelSize, o);
    const n = f.cloud.count;
    // One resident block: points, normals, descriptors, then the grid rebuilt over the block's points.
    const points = 0, normals = align16(n * 12), features = normals + align16(n * 12);
    const grid = features + align16(n * c.FPFH_STRIDE * 4);
    const probe = f.evalGrid;
    const sizing = s.out();
    let status = s.call('cloud_grid_bytes', n, probe.slots, sizing);
    if (status < 0) throw kernelFailed(api, 'cloud_grid_bytes', status);
    const gridBytes = s.f64(sizing + c.CGRID_OUT_BYTES);
    const block = wasm.resident(api, grid + gridBytes);
    try {
      const base = block.ptr;
      s.write(base + points, s.copyOut(Uint8Array, f.cloud.points, n * 12));
      s.write(base + normals, s.copyOut(Uint8Array, f.cloud.normals, n * 12));
      s.write(base + features, s.copyOut(Uint8Array, f.features, n * c.FPFH_STRIDE * 4));
      const out = s.out();
      // The same points, cell size and slots as the scope's grid: the build cannot run out of slots.
      status = s.call('cloud_grid_build', base + points, n, probe.cellSize, probe.slots, base + grid, gridBytes, out);
      if (status < 0) throw kernelFailed(api, 'cloud_grid_build', status);
      const { ptr: _ptr, ...gridInfo } = probe;
      const layout: TargetLayout = { points, normals, features, grid, count: n, gridInfo };
      return new RegistrationTarget(wasm, block, layout, voxelSize, f.featureRadius, f.inlierDistance);
    } catch (e) {
      block.release();
      throw e;
    }
  });
}
