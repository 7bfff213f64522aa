// Which ArrayBuffers a message may transfer (move) instead of copying. Transferring detaches the
// buffer on the sending side: every typed array over it (also views made by the caller) becomes
// length 0. SharedArrayBuffers are shared, never transferred; each buffer is listed once (a
// repeated buffer makes postMessage throw).
import { ScanfuseError } from '../errors.js';
import type { Mesh } from '../types.js';

function addView(view: unknown, into: Set<ArrayBuffer>): void {
  if (ArrayBuffer.isView(view) && view.buffer instanceof ArrayBuffer) into.add(view.buffer);
}

/** The buffers of a mesh's arrays (positions, indices, normals, uvs, colours, attributes). */
export function addMeshBuffers(mesh: Mesh | null | undefined, into: Set<ArrayBuffer>): Set<ArrayBuffer> {
  if (!mesh || typeof mesh !== 'object') return into;
  addView(mesh.positions, into);
  addView(mesh.indices, into);
  addView(mesh.normals, into);
  addView(mesh.uvs, into);
  addView(mesh.colors?.array, into);
  addView(mesh.faceColors?.array, into);
  for (const attrs of [mesh.vertexAttributes, mesh.faceAttributes]) {
    if (attrs && typeof attrs === 'object') for (const a of Object.values(attrs)) addView(a?.array, into);
  }
  return into;
}

/** The buffers of the given typed arrays (anything else is ignored). */
export function addArrayBuffers(views: readonly unknown[], into: Set<ArrayBuffer>): Set<ArrayBuffer> {
  for (const v of views) addView(v, into);
  return into;
}

/**
 * Every typed array's buffer reachable from `value` through plain objects and arrays (depth-
 * limited). Only for values the sender will not use again (results made for this message).
 */
export function addAllBuffers(value: unknown, into: Set<ArrayBuffer>, depth = 8): Set<ArrayBuffer> {
  if (depth < 0 || value === null || typeof value !== 'object') return into;
  if (ArrayBuffer.isView(value)) {
    addView(value, into);
    return into;
  }
  if (value instanceof ArrayBuffer) {
    into.add(value);
    return into;
  }
  const items = Array.isArray(value) ? value : Object.values(value);
  for (const item of items) addAllBuffers(item, into, depth - 1);
  return into;
}

/** True when `buffer` was transferred away (detached): constructing a view on it throws. */
export function isDetached(buffer: ArrayBuffer): boolean {
  const flag = (buffer as { detached?: boolean }).detached;
  if (typeof flag === 'boolean') return flag;
  if (buffer.byteLength !== 0) return false;
  try {
    new Uint8Array(buffer);
    return false;
  } catch {
    return true;
  }
}

/**
 * Throws INVALID_ARGUMENT when one of `buffers` is detached (an array transferred by an earlier
 * call): some runtimes (Node) would post it silently as empty data instead of failing.
 */
export function assertAttached(api: string, buffers: Iterable<ArrayBuffer>): void {
  for (const b of buffers) {
    if (isDetached(b)) {
      throw new ScanfuseError('INVALID_ARGUMENT', `${api}: an array argument is detached (it was transferred to the worker by an earlier call); pass a new array or create the engine with transfer: false`);
    }
  }
}
