// Locating and compiling the WASM core, in Node and in browsers/bundlers, without configuration.
// The .wasm files sit in build/ at the package root; this file is src/wasm/load.ts (tests) or
// dist/wasm/load.js (the package), so the same relative URL works for both, and bundlers (Vite)
// recognise `new URL('...', import.meta.url)` and emit the asset.
import { ScanfuseError } from '../errors.js';

/** Where the WASM core comes from: a URL, its bytes, or an already compiled module. */
export type WasmSource = URL | string | ArrayBuffer | Uint8Array | WebAssembly.Module;

const RELEASE_URL = new URL('../../build/scanfuse.wasm', import.meta.url);
// Built from a variable so bundlers do not emit the debug core into every app; in Node (and
// for pages that serve the package folder) it resolves next to the release core.
const DEBUG_FILE = 'scanfuse.debug.wasm';
const debugUrl = () => new URL(DEBUG_FILE, RELEASE_URL);

const cache = new Map<string, Promise<WebAssembly.Module>>();

/** The default core's URL: release (optimised, SIMD) or debug (assertions on). */
export function defaultWasmUrl(debug = false): URL {
  return debug ? debugUrl() : RELEASE_URL;
}

/** Compiles the core once per URL and shares the module (it can be posted to workers). */
export function compileCore(source: WasmSource = RELEASE_URL): Promise<WebAssembly.Module> {
  if (source instanceof WebAssembly.Module) return Promise.resolve(source);
  if (source instanceof ArrayBuffer || ArrayBuffer.isView(source)) {
    return WebAssembly.compile(source as BufferSource).catch((e: unknown) => {
      throw new ScanfuseError('ENGINE_FAILED', 'createEngine: the WASM bytes do not compile', {}, { cause: e });
    });
  }
  const url = typeof source === 'string' ? new URL(source, RELEASE_URL) : source;
  const key = url.href;
  let pending = cache.get(key);
  if (!pending) {
    pending = fetchAndCompile(url);
    pending.catch(() => cache.delete(key));
    cache.set(key, pending);
  }
  return pending;
}

async function fetchAndCompile(url: URL): Promise<WebAssembly.Module> {
  try {
    if (url.protocol === 'file:') {
      // Node: read the file. The specifier is built at run time so bundlers leave it alone.
      const fsModule = 'node:fs/promises';
      const fs = (await import(/* @vite-ignore */ fsModule)) as typeof import('node:fs/promises');
      return await WebAssembly.compile(await fs.readFile(url));
    }
    const response = await fetch(url);
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    if (typeof WebAssembly.compileStreaming === 'function' && response.headers.get('content-type') === 'application/wasm') {
      return await WebAssembly.compileStreaming(response);
    }
    return await WebAssembly.compile(await response.arrayBuffer());
  } catch (e) {
    throw new ScanfuseError('ENGINE_FAILED', `createEngine: cannot load the WASM core from ${url.href}`, { file: url.href }, { cause: e });
  }
}
