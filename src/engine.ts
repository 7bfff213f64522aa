// The engine: one instantiated WASM core with its own memory. Methods are synchronous; only
// creation is asynchronous (compiling the core once per process and sharing the module).
import { ScanfuseError } from './errors.js';
import { readMesh as readMeshImpl, writeMesh as writeMeshImpl } from './io/mesh-io.js';
import { meshInfo as meshInfoImpl, type MeshInfo } from './mesh/mesh-info.js';
import type { Mesh, ReadMeshOptions, ReadMeshResult, WriteMeshOptions } from './types.js';
import { Wasm } from './wasm/abi.js';
import { compileCore, defaultWasmUrl, type WasmSource } from './wasm/load.js';

export interface EngineOptions {
  /** Upper bound on the engine's WASM memory in MiB (2..4096, default 4096). */
  maxMemoryMiB?: number;
  /** Use the debug core (assertions on, slower). Default false. */
  debug?: boolean;
  /** Where to load the core from instead of the packaged file (URL, bytes or a compiled module). */
  wasm?: WasmSource;
}

export const DEFAULT_ENGINE_OPTIONS: Readonly<Required<Omit<EngineOptions, 'wasm'>>> = Object.freeze({
  maxMemoryMiB: 4096,
  debug: false,
});

export class Engine {
  /** @internal */
  readonly wasm: Wasm;

  /** @internal Use createEngine(). */
  constructor(wasm: Wasm) {
    this.wasm = wasm;
  }

  /**
   * Reads an STL (binary or ASCII) or PLY (ASCII, binary LE/BE) file from its bytes.
   * Malformed input throws ScanfuseError('MALFORMED_INPUT') with the byte offset; legal oddities
   * (NaN coordinates, degenerate triangles, unreferenced vertices) come back as `warnings`.
   * The returned arrays are owned by the caller.
   */
  readMesh(bytes: Uint8Array | ArrayBuffer, options?: ReadMeshOptions): ReadMeshResult {
    return readMeshImpl(this.wasm, bytes, options);
  }

  /** Encodes a mesh; returns a new byte array owned by the caller. */
  writeMesh(mesh: Mesh, options: WriteMeshOptions): Uint8Array {
    return writeMeshImpl(this.wasm, mesh, options);
  }

  /** Topology and measures of a mesh (see MeshInfo). */
  meshInfo(mesh: Mesh): MeshInfo {
    return meshInfoImpl(this.wasm, mesh);
  }

  /** Bytes of WASM memory this engine holds (memory grows and never shrinks). */
  get memoryBytes(): number {
    return this.wasm.memoryBytes;
  }

  /** Releases the engine; later calls throw ScanfuseError('DISPOSED'). */
  dispose(): void {
    this.wasm.dispose();
  }
}

/** Creates an engine (compiles the core on first use, then reuses the compiled module). */
export async function createEngine(options: EngineOptions = {}): Promise<Engine> {
  if (options === null || typeof options !== 'object') {
    throw new ScanfuseError('INVALID_ARGUMENT', 'createEngine: options must be an object');
  }
  const merged = { ...DEFAULT_ENGINE_OPTIONS, ...options };
  const module = await compileCore(merged.wasm ?? defaultWasmUrl(merged.debug));
  return new Engine(await Wasm.instantiate(module, { maxMemoryMiB: merged.maxMemoryMiB }));
}
