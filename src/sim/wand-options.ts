// The simulated intraoral wand: camera and sensor-noise parameters with their defaults.
import { intrinsicsForField, type CameraIntrinsics } from '../camera/intrinsics.js';

export interface WandOptions {
  /** Image size, pixels. Default 320 x 240. */
  width?: number;
  height?: number;
  /** Field of view at the working distance, mm. Default 16 x 12. */
  fieldWidth?: number;
  fieldHeight?: number;
  /** Distance at which the field is measured (and the trajectory keeps), mm. Default 11. */
  workingDistance?: number;
  /** Measurable depth range, mm. Default 2..20. */
  minDepth?: number;
  maxDepth?: number;
  /** Raw depth units per mm of the Uint16 depth image. Default 1000 (1 unit = 1 µm, 65 mm range). */
  depthScale?: number;
}

export const DEFAULT_WAND_OPTIONS: Readonly<Required<WandOptions>> = Object.freeze({
  width: 320, height: 240, fieldWidth: 16, fieldHeight: 12, workingDistance: 11, minDepth: 2, maxDepth: 20, depthScale: 1000,
});

export interface NoiseOptions {
  /** Gaussian depth noise along the ray, mm. Default 0.015 (15 µm). */
  sigma?: number;
  /** Below this |cos| of the viewing angle every pixel drops out; the probability falls to 0 over `grazingRamp`. */
  grazingCos?: number;
  grazingRamp?: number;
  /** Depth edges: a neighbour this many mm nearer or farther; probability that such a pixel drops out. */
  edgeJump?: number;
  edgeDropout?: number;
  /** Mean number of specular/saliva holes per frame and their radius range, pixels. */
  holesPerFrame?: number;
  holeRadiusMin?: number;
  holeRadiusMax?: number;
  /** Fraction of valid pixels that become outliers, moved up to `outlierRange` mm along the ray. */
  outlierRate?: number;
  outlierRange?: number;
  /** Noise of the colour and NIR images, 8-bit levels. */
  imageSigma?: number;
}

export const DEFAULT_NOISE_OPTIONS: Readonly<Required<NoiseOptions>> = Object.freeze({
  sigma: 0.015, grazingCos: 0.12, grazingRamp: 0.15, edgeJump: 0.25, edgeDropout: 0.6,
  holesPerFrame: 0.8, holeRadiusMin: 2, holeRadiusMax: 7, outlierRate: 2e-4, outlierRange: 1.0, imageSigma: 2,
});

/** No noise at all: the exact rendered depth (quantised to the depth scale). */
export const NOISELESS: Readonly<Required<NoiseOptions>> = Object.freeze({
  sigma: 0, grazingCos: 0, grazingRamp: 0, edgeJump: 1e9, edgeDropout: 0,
  holesPerFrame: 0, holeRadiusMin: 0, holeRadiusMax: 0, outlierRate: 0, outlierRange: 0, imageSigma: 0,
});

export function wandIntrinsics(w: Required<WandOptions>): CameraIntrinsics {
  return intrinsicsForField(w.width, w.height, w.fieldWidth, w.fieldHeight, w.workingDistance);
}
