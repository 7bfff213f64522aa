// JPEG colour frames (the Redwood / ICL-NUIM `image/*.jpg` layout), decoded with jpeg-js (pure JS)
// into RGB, with the resolution and memory limits set from the expected image size.
import jpeg from 'jpeg-js';
import { ScanfuseError } from '../../errors.js';
import type { ExpectedImage } from './png-image.js';

/** True when the bytes start like a JPEG (SOI marker). */
export function isJpeg(bytes: Uint8Array): boolean {
  return bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
}

/**
 * Decodes a baseline or progressive JPEG into RGB (3 bytes per pixel, row-major) and checks its
 * size. Errors: ScanfuseError('MALFORMED_INPUT') with `file`.
 */
export function decodeDatasetJpeg(bytes: Uint8Array, expect: Omit<ExpectedImage, 'kind'>): Uint8Array {
  const { file, width, height } = expect;
  const fail = (message: string, more: Record<string, unknown> = {}): never => {
    throw new ScanfuseError('MALFORMED_INPUT', `readDataset: ${message}`, { file, ...more });
  };
  if (!isJpeg(bytes)) fail('not a JPEG file (no SOI marker)', { byteOffset: 0 });
  let image: { width: number; height: number; data: Uint8Array };
  try {
    image = jpeg.decode(bytes, {
      useTArray: true,
      formatAsRGBA: false,
      tolerantDecoding: false,
      maxResolutionInMP: Math.max(1, Math.ceil((width * height) / 1e6) + 1),
      maxMemoryUsageInMB: Math.max(64, Math.ceil((width * height * 16) / 2 ** 20)),
    });
  } catch (e) {
    return fail(`the JPEG cannot be decoded (${(e as Error).message})`);
  }
  if (image.width !== width || image.height !== height) {
    fail('the image size does not match the dataset intrinsics', { expected: `${width}x${height}`, actual: `${image.width}x${image.height}` });
  }
  if (image.data.length === width * height) {
    // A grayscale JPEG: repeat the level in R, G and B.
    const rgb = new Uint8Array(width * height * 3);
    for (let p = 0; p < image.data.length; p++) rgb[3 * p] = rgb[3 * p + 1] = rgb[3 * p + 2] = image.data[p];
    return rgb;
  }
  if (image.data.length !== width * height * 3) fail('the decoded JPEG has the wrong size', { expected: width * height * 3, actual: image.data.length });
  return image.data;
}
