// Types of scripts/nir-tooth-data.mjs (used by tests/conformance/niri-tooth.test.ts).
import type { CameraIntrinsics, Mesh } from '../src/index.js';

export declare const NIR_TOOTH_IMAGES: string[];
export declare const NIR_TOOTH_INTRINSICS: Readonly<CameraIntrinsics>;
export declare function decodeBmpGray(bytes: Uint8Array): { width: number; height: number; gray: Uint8Array };
export declare function parseObjMesh(text: string): Mesh;
export declare function blenderCameraToWorld(location: ArrayLike<number>, quatWxyz: ArrayLike<number>): Float64Array;
export declare function loadNirTooth(folder: string): {
  mesh: Mesh;
  images: Array<{ name: string; pixels: Uint8Array; intrinsics: CameraIntrinsics; cameraToWorld: Float64Array }>;
};
