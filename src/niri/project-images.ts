// Offline NIRI: posed near-infrared images projected onto any mesh's vertices, with per-image
// visibility (the mesh rendered from each camera, a depth test in the core), view-angle weights
// and blending across images. Vertices no image sees are marked.
import { cameraRecord } from '../camera/render-mesh.js';
import { assertIntrinsics, type CameraIntrinsics } from '../camera/intrinsics.js';
import type { Engine } from '../engine.js';
import { ScanfuseError } from '../errors.js';
import { isRigid, type Transform } from '../math/pose.js';
import { meshInScope } from '../mesh/mesh-in-scope.js';
import { wasmOf } from '../metrics/surface-grid.js';
import { choiceOption, positiveOption, rangeOption } from '../registration/point-cloud.js';
import type { Mesh } from '../types.js';

/** One posed near-infrared image. */
export interface NirImage {
  /** Intensity, one byte per pixel, row-major from the top-left; intrinsics.width x intrinsics.height bytes. */
  pixels: Uint8Array;
  /** Pinhole intrinsics of the image (x right, y down, +z forward; pixel centres at integers). */
  intrinsics: CameraIntrinsics;
  /** Camera-to-world of the image, column-major Float64Array(16), mesh units (mm). */
  cameraToWorld: Transform;
}

/** 'weighted-mean': every image that sees a vertex, weighted; 'best-view': the most head-on image only. */
export type NirBlend = 'weighted-mean' | 'best-view';

export interface ProjectImagesOptions {
  /**
   * A vertex is used by an image only if the cosine between its normal and the direction to the
   * camera is at least this (grazing views smear the image). Default 0.2 (78 degrees).
   */
  minViewCos?: number;
  /**
   * Blend weight = cos^viewWeightPower x border feather. Default 2: head-on views dominate (a
   * grazing view's pixel covers a long strip of surface and blurs small lesions into the enamel
   * around them).
   */
  viewWeightPower?: number;
  /**
   * Visibility: a vertex at camera depth z is hidden when the mesh rendered from that camera is
   * nearer by more than depthTolerance + relativeDepthTolerance x z + slopePixels x (z / f) x
   * tan(view angle) at every pixel around its projection; its image value is interpolated only
   * from the pixels whose rendered depth is within that slack of its own (no occluder's or
   * background's pixels at silhouettes). Defaults 0.02 mm, 0.001, 1.5 pixels (the bilinear
   * pixels lie up to 1.41 pixels from the projection). The test is against the mesh itself, so
   * these only absorb rounding and slope: larger values let a surface just behind another (an
   * interproximal wall) take the front one's pixels.
   */
  depthTolerance?: number;
  relativeDepthTolerance?: number;
  slopePixels?: number;
  /** Weights fall linearly to the image border over this many pixels (seams fade). Default 8; 0 = off. */
  borderFeatherPixels?: number;
  /** How the images are combined. Default 'weighted-mean'. */
  blend?: NirBlend;
  /** Depth range of the cameras, mm. Defaults 0.01 and 1e6. */
  near?: number;
  far?: number;
}

export const DEFAULT_PROJECT_IMAGES_OPTIONS = Object.freeze({
  minViewCos: 0.2,
  viewWeightPower: 2,
  depthTolerance: 0.02,
  relativeDepthTolerance: 0.001,
  slopePixels: 1.5,
  borderFeatherPixels: 8,
  blend: 'weighted-mean' as NirBlend,
  near: 0.01,
  far: 1e6,
});

/**
 * Per vertex of the mesh (all arrays caller-owned, vertex order):
 * - nir[i]: the blended intensity, 0..255 (the images' scale), NaN where no image sees vertex i;
 *   weighted mean: sum_k w_k I_k / sum_k w_k over the images k that see it, I_k the bilinear
 *   image value where the vertex projects, w_k = cos_k^viewWeightPower x feather_k.
 * - weight[i]: sum_k w_k (0 = unseen): how well-observed the value is.
 * - imageCount[i]: how many images see vertex i (0 = unseen: the mask of unobserved vertices).
 */
export interface ProjectImagesResult {
  nir: Float32Array;
  weight: Float32Array;
  imageCount: Uint8Array;
  /** Vertices no image sees (nir NaN, imageCount 0). */
  unseenCount: number;
  /** Vertices each image sees, in the order of `images`. */
  seenPerImage: number[];
}

function resolveOptions(options: ProjectImagesOptions, api: string) {
  if (options === null || typeof options !== 'object') throw new ScanfuseError('INVALID_ARGUMENT', `${api}: options must be an object`);
  const o = { ...DEFAULT_PROJECT_IMAGES_OPTIONS, ...options };
  const nonNegative = (v: unknown, name: string) => rangeOption(v, api, name, 0, Number.MAX_VALUE);
  const near = positiveOption(o.near, api, 'near');
  const far = positiveOption(o.far, api, 'far');
  if (!(far > near)) throw new ScanfuseError('INVALID_ARGUMENT', `${api}: far must be greater than near`, { actual: `${near}..${far}` });
  return {
    minViewCos: rangeOption(o.minViewCos, api, 'minViewCos', 0, 1),
    viewWeightPower: rangeOption(o.viewWeightPower, api, 'viewWeightPower', 0, 64),
    depthTolerance: nonNegative(o.depthTolerance, 'depthTolerance'),
    relativeDepthTolerance: nonNegative(o.relativeDepthTolerance, 'relativeDepthTolerance'),
    slopePixels: nonNegative(o.slopePixels, 'slopePixels'),
    borderFeatherPixels: nonNegative(o.borderFeatherPixels, 'borderFeatherPixels'),
    blend: choiceOption(o.blend, api, 'blend', ['weighted-mean', 'best-view'] as const),
    near,
    far,
  };
}

function assertImage(image: NirImage, index: number, api: string): void {
  const bad = (message: string, details: Record<string, unknown> = {}) =>
    new ScanfuseError('INVALID_ARGUMENT', `${api}: images[${index}]${message}`, { image: index, ...details });
  if (!image || typeof image !== 'object') throw bad(' must be an object { pixels, intrinsics, cameraToWorld }');
  assertIntrinsics(image.intrinsics, `${api}: images[${index}]`);
  if (!(image.pixels instanceof Uint8Array)) throw bad('.pixels must be a Uint8Array (one gray byte per pixel)');
  const expected = image.intrinsics.width * image.intrinsics.height;
  if (image.pixels.length !== expected) throw bad('.pixels must hold width x height bytes', { expected, actual: image.pixels.length });
  if (!(image.cameraToWorld instanceof Float64Array && image.cameraToWorld.length === 16 && isRigid(image.cameraToWorld, 1e-5))) {
    throw bad('.cameraToWorld must be a rigid transform as a Float64Array(16), column-major');
  }
}

/**
 * Projects posed near-infrared images onto the vertices of `mesh` (see ProjectImagesResult).
 * Visibility is decided in the core per image: the mesh is rendered from the image's camera and a
 * vertex counts only where nothing nearer covers it (tolerances in the options), it faces the
 * camera at cos >= minViewCos and it lands inside the image. Normals: the mesh's own, else
 * area-weighted vertex normals from its triangles (counter-clockwise = outward). Units: the
 * mesh's (mm), also for the transforms and the tolerances. Throws INVALID_ARGUMENT for malformed
 * meshes, images or options.
 */
export function projectImages(engine: Engine, mesh: Mesh, images: readonly NirImage[], options: ProjectImagesOptions = {}): ProjectImagesResult {
  const api = 'projectImages';
  const wasm = wasmOf(engine, api);
  const o = resolveOptions(options ?? {}, api);
  if (!Array.isArray(images)) throw new ScanfuseError('INVALID_ARGUMENT', `${api}: images must be an array of { pixels, intrinsics, cameraToWorld }`);
  images.forEach((image, k) => assertImage(image, k, api));
  return wasm.scope(api, (s) => {
    const c = s.constants;
    const m = meshInScope(s, api, mesh);
    const v = m.vertexCount;
    let normals: number;
    if (mesh.normals) normals = s.input(mesh.normals);
    else {
      normals = s.alloc(12 * v);
      s.call('cloud_mesh_vertex_normals', m.positions, v, m.indices, m.triangleCount, normals, s.out());
    }
    const sums = s.allocZeroed(4 * v), weights = s.allocZeroed(4 * v), counts = s.allocZeroed(v);
    const bestCos = s.allocZeroed(4 * v), bestValues = s.allocZeroed(4 * v);
    const scratch = s.alloc(12 * v);
    const seenPerImage: number[] = [];
    const largest = Math.max(0, ...images.map((im) => im.pixels.length));
    const depth = s.alloc(4 * largest), triangle = s.alloc(4 * largest), pixels = s.alloc(largest);
    for (const image of images) {
      const camera = cameraRecord(s, image.intrinsics, image.cameraToWorld, o.near, o.far);
      if (s.call('render_mesh', m.positions, v, m.indices, m.triangleCount, camera, scratch, depth, triangle, 0, s.out()) < 0) {
        throw new ScanfuseError('INVALID_ARGUMENT', `${api}: near/far or intrinsics unusable`, { near: o.near, far: o.far });
      }
      s.write(pixels, image.pixels);
      const out = s.out();
      const seen = s.call('niri_accumulate', m.positions, normals, v, camera, depth, pixels, o.minViewCos, o.depthTolerance,
        o.relativeDepthTolerance, o.slopePixels, o.borderFeatherPixels, o.viewWeightPower, sums, weights, counts, bestCos, bestValues, out);
      if (seen < 0) throw new ScanfuseError('INVALID_ARGUMENT', `${api}: unusable camera or tolerances`);
      seenPerImage.push(seen);
    }
    const nir = s.alloc(4 * v);
    const mode = o.blend === 'best-view' ? c.NIRI_BLEND_BEST : c.NIRI_BLEND_MEAN;
    const unseen = s.call('niri_resolve', sums, weights, bestValues, v, mode, nir, s.out());
    return {
      nir: s.copyOut(Float32Array, nir, v),
      weight: s.copyOut(Float32Array, weights, v),
      imageCount: s.copyOut(Uint8Array, counts, v),
      unseenCount: unseen,
      seenPerImage,
    };
  });
}
