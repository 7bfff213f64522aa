// The real NIR tooth of ../shared/data/nir_overlay/3DNIRmapper_tooth (fechbmaster/3DNIRmapper,
// Apache-2.0), read for the NIRI conformance test and the pictures: the OBJ model, the BMP images
// as gray, and the Blender cameras as OpenCV camera-to-world transforms in the model's frame.
//
// Frames: the cameras (cameras_transcribed.json) are Blender objects in Blender's Z-up world; the
// OBJ was exported by Blender with its default axes (forward -Z, up Y), so OBJ (x, y, z) =
// Blender (x, z, -y). A Blender camera looks along its local -Z with +Y up: OpenCV axes are its
// local axes times diag(1, -1, -1). With both conventions applied the rendered model's outline
// lies on the tooth in all three images (a few to ~15 pixels off: the poses were set by hand).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The three images the conformance test and pictures use. */
export const NIR_TOOTH_IMAGES = ['texture_1_adjusted.bmp', 'texture_4_adjusted.bmp', 'texture_8_adjusted.bmp'];

/** Pinhole intrinsics of every image (focal 35 mm, sensor 32 x 25.6 mm, 1280 x 1024 px). */
export const NIR_TOOTH_INTRINSICS = Object.freeze({ width: 1280, height: 1024, fx: 1400, fy: 1400, cx: 640, cy: 512 });

/** A BMP (24-bit, or 8-bit palettised) as gray bytes, row-major from the top-left (ITU-R 601 luma). */
export function decodeBmpGray(bytes) {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes[0] !== 0x42 || bytes[1] !== 0x4d) throw new Error('not a BMP file');
  const offset = dv.getUint32(10, true), header = dv.getUint32(14, true);
  const width = dv.getInt32(18, true), rawHeight = dv.getInt32(22, true), bpp = dv.getUint16(28, true);
  const height = Math.abs(rawHeight), stride = Math.ceil((width * bpp) / 32) * 4;
  if (bpp !== 24 && bpp !== 8) throw new Error(`unsupported BMP depth ${bpp}`);
  const palette = 14 + header;
  const gray = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    const row = offset + (rawHeight > 0 ? height - 1 - y : y) * stride;
    for (let x = 0; x < width; x++) {
      const p = bpp === 24 ? row + 3 * x : palette + 4 * bytes[row + x];
      gray[y * width + x] = Math.round(0.114 * bytes[p] + 0.587 * bytes[p + 1] + 0.299 * bytes[p + 2]);
    }
  }
  return { width, height, gray };
}

/** Vertices and (fan-triangulated) faces of an OBJ's text; texture and normal indices ignored. */
export function parseObjMesh(text) {
  const v = [], f = [];
  for (const line of text.split(/\r?\n/)) {
    if (line.startsWith('v ')) {
      const p = line.trim().split(/\s+/);
      v.push(Number(p[1]), Number(p[2]), Number(p[3]));
    } else if (line.startsWith('f ')) {
      const ids = line.trim().split(/\s+/).slice(1).map((s) => parseInt(s.split('/')[0], 10));
      const n = v.length / 3;
      const idx = ids.map((i) => (i < 0 ? n + i : i - 1));
      for (let k = 1; k + 1 < idx.length; k++) f.push(idx[0], idx[k], idx[k + 1]);
    }
  }
  return { positions: Float32Array.from(v), indices: Uint32Array.from(f) };
}

/** Camera-to-world (OpenCV axes, column-major Float64Array(16)) in the OBJ's frame, from a Blender camera. */
export function blenderCameraToWorld(location, quatWxyz) {
  let [w, x, y, z] = quatWxyz;
  const n = Math.hypot(w, x, y, z);
  w /= n; x /= n; y /= n; z /= n;
  // Columns of R(q): the camera's local axes in Blender's world.
  const r = [
    [1 - 2 * (y * y + z * z), 2 * (x * y + w * z), 2 * (x * z - w * y)],
    [2 * (x * y - w * z), 1 - 2 * (x * x + z * z), 2 * (y * z + w * x)],
    [2 * (x * z + w * y), 2 * (y * z - w * x), 1 - 2 * (x * x + y * y)],
  ];
  const toObj = (a) => [a[0], a[2], -a[1]];
  const cx = toObj(r[0]), cy = toObj(r[1].map((c) => -c)), cz = toObj(r[2].map((c) => -c)), t = toObj(location);
  return Float64Array.from([...cx, 0, ...cy, 0, ...cz, 0, ...t, 1]);
}

/** Everything from the data folder: { mesh, images: [{ name, pixels, intrinsics, cameraToWorld }] }. */
export function loadNirTooth(folder) {
  const mesh = parseObjMesh(readFileSync(join(folder, 'model', '4_downsized_adjusted_retriangulated.obj'), 'utf8'));
  const cameras = JSON.parse(readFileSync(join(folder, 'cameras_transcribed.json'), 'utf8')).cameras;
  const images = NIR_TOOTH_IMAGES.map((name) => {
    const bmp = decodeBmpGray(new Uint8Array(readFileSync(join(folder, 'images', name))));
    if (bmp.width !== NIR_TOOTH_INTRINSICS.width || bmp.height !== NIR_TOOTH_INTRINSICS.height) throw new Error(`${name}: unexpected size`);
    const c = cameras[name];
    return { name, pixels: bmp.gray, intrinsics: { ...NIR_TOOTH_INTRINSICS }, cameraToWorld: blenderCameraToWorld(c.location, c.rotation_quat_wxyz) };
  });
  return { mesh, images };
}
