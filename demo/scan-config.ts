// The demo's scan: a partial lower arch, scanned with a coarser wand and volume than the library
// defaults so it streams at more than 20 frames/s on a 2-core machine. Shared by the page and the
// e2e test (which runs the same scan in Node and expects the same triangle count).
import type { ScanSessionOptions, SimulatorOptions } from '../src/index.js';

/** Arch seed (also the simulator's noise seed). */
export const DEMO_SEED = 7;

/** The simulator: 160 x 120 wand, 0.4 mm reference grid, the first 240 frames of the protocol. */
export const DEMO_SIMULATOR: SimulatorOptions = Object.freeze({
  arch: { jaw: 'lower', seed: DEMO_SEED },
  archMesh: { spacing: 0.4 },
  wand: { width: 160, height: 120 },
  frames: 240,
  seed: DEMO_SEED,
}) as SimulatorOptions;

/** The session: 0.1 mm voxels and the fused NIR channel (intrinsics and first pose come from the simulator). */
export const DEMO_SESSION: Omit<ScanSessionOptions, 'intrinsics'> = Object.freeze({ voxelSize: 0.1, nir: true });

/** The page asks for mesh updates every this many frames (and once at the end). */
export const DEMO_UPDATE_EVERY = 3;

/** Coverage: a vertex is grey below this accumulated weight (ScanSession.coverage's default). */
export const DEMO_MIN_CONFIDENCE = 3;
