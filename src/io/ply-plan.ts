// What each PLY property becomes in a Mesh: positions, normals, uvs, colours, indices, named
// custom attributes, or skipped. Shared by the binary (WASM) and ASCII (TypeScript) body readers.
import { ScanfuseError } from '../errors.js';
import type { MeshWarning, TypedArray } from '../types.js';
import type { PlyElement, PlyProperty, PlyScalarType } from './ply-header.js';

/** Destination value type: a PLY scalar type, or floats in [0, 1] stored as 8-bit. */
export type PlyDstType = PlyScalarType | 'unorm8';

/** Where decoded values of one element go: one array of `count * itemSize` values. */
export interface PlyTarget {
  /** 'positions' | 'normals' | 'uvs' | 'colors' | 'faceColors' | 'vertex:NAME' | 'face:NAME'. */
  key: string;
  dstType: PlyDstType;
  itemSize: number;
  count: number;
}

export type PlyAction =
  | { kind: 'skip' }
  | { kind: 'store'; target: PlyTarget; offset: number }
  | { kind: 'triangulate' }
  | { kind: 'listRaw' };

export interface PlyElementPlan {
  element: PlyElement;
  role: 'vertex' | 'face' | 'tristrips' | 'other';
  actions: PlyAction[];
  targets: PlyTarget[];
}

const TYPED_ARRAYS = {
  int8: Int8Array, uint8: Uint8Array, int16: Int16Array, uint16: Uint16Array,
  int32: Int32Array, uint32: Uint32Array, float32: Float32Array, float64: Float64Array, unorm8: Uint8Array,
} as const;

/** A new zeroed typed array for a target. */
export function newTargetArray(t: PlyTarget): TypedArray {
  return new TYPED_ARRAYS[t.dstType](t.count * t.itemSize);
}

export function bytesPerValue(t: PlyDstType): number {
  return TYPED_ARRAYS[t].BYTES_PER_ELEMENT;
}

const isInteger = (t: PlyScalarType) => t !== 'float32' && t !== 'float64';
const isFloat = (t: PlyScalarType) => !isInteger(t);

/** Names PLY writers use for standard vertex and face properties. */
const POSITION_NAMES = ['x', 'y', 'z'];
const NORMAL_NAMES = ['nx', 'ny', 'nz'];
const UV_NAMES = [['u', 'v'], ['s', 't'], ['texture_u', 'texture_v'], ['texture_s', 'texture_t']];
const COLOR_NAMES = [['red', 'green', 'blue', 'alpha'], ['diffuse_red', 'diffuse_green', 'diffuse_blue', 'diffuse_alpha'], ['r', 'g', 'b', 'a']];
export const INDEX_LIST_NAMES = ['vertex_indices', 'vertex_index'];

/** Builds the plan of every element; unknown elements and unsupported properties are skipped with a warning. */
export function planElements(elements: PlyElement[], warnings: MeshWarning[], api: string, file?: string): PlyElementPlan[] {
  return elements.map((element) => {
    switch (element.name) {
      case 'vertex': return planVertex(element, warnings, api, file);
      case 'face': return planFace(element, warnings, api, file);
      case 'tristrips': return planStrips(element, warnings, api, file);
      default: {
        if (element.count > 0) {
          warnings.push({ code: 'SKIPPED_ELEMENT', count: element.count, message: `element '${element.name}' (${element.count} records) is not a mesh element and was skipped` });
        }
        return { element, role: 'other', actions: element.properties.map(() => ({ kind: 'skip' })), targets: [] };
      }
    }
  });
}

function byName(element: PlyElement): Map<string, number> {
  return new Map(element.properties.map((p, i) => [p.name, i]));
}

/** Assigns a group of properties (all scalar, all present) to one target. Returns false if not all present. */
function claimGroup(element: PlyElement, names: string[], minimum: number, key: string, dstType: (types: PlyScalarType[]) => PlyDstType | null,
  actions: PlyAction[], targets: PlyTarget[]): boolean {
  const index = byName(element);
  const found: number[] = [];
  for (const n of names) {
    const i = index.get(n);
    if (i === undefined) break;
    found.push(i);
  }
  if (found.length < minimum) return false;
  if (found.some((i) => element.properties[i].countType || actions[i].kind !== 'skip')) return false;
  const dst = dstType(found.map((i) => element.properties[i].type));
  if (!dst) return false;
  const target: PlyTarget = { key, dstType: dst, itemSize: found.length, count: element.count };
  targets.push(target);
  found.forEach((i, offset) => { actions[i] = { kind: 'store', target, offset }; });
  return true;
}

function planCustom(element: PlyElement, prefix: 'vertex' | 'face', actions: PlyAction[], targets: PlyTarget[], warnings: MeshWarning[]): void {
  const props = element.properties;
  for (let i = 0; i < props.length; i++) {
    if (actions[i].kind !== 'skip') continue;
    const p = props[i];
    if (p.countType) {
      warnings.push({ code: 'SKIPPED_PROPERTY', count: element.count, message: `list property '${p.name}' of element '${element.name}' was skipped` });
      continue;
    }
    // name_0, name_1, ... of one type become one attribute of itemSize k (the writer's convention).
    const m = /^(.*)_0$/.exec(p.name);
    let size = 1;
    if (m) {
      while (i + size < props.length && props[i + size].name === `${m[1]}_${size}` && props[i + size].type === p.type
        && !props[i + size].countType && actions[i + size].kind === 'skip') size++;
    }
    const name = size > 1 ? m![1] : p.name;
    const target: PlyTarget = { key: `${prefix}:${name}`, dstType: p.type, itemSize: size, count: element.count };
    targets.push(target);
    for (let k = 0; k < size; k++) actions[i + k] = { kind: 'store', target, offset: k };
    i += size - 1;
  }
}

const floatsTo32 = (types: PlyScalarType[]): PlyDstType | null => (types.every((t) => t === 'float32' || t === 'float64') ? 'float32' : null);
const anyTo32 = (): PlyDstType => 'float32';
const colorType = (types: PlyScalarType[]): PlyDstType | null =>
  types.every((t) => t === 'uint8') ? 'uint8' : types.every(isFloat) ? 'unorm8' : null;

function planVertex(element: PlyElement, warnings: MeshWarning[], api: string, file?: string): PlyElementPlan {
  const actions: PlyAction[] = element.properties.map(() => ({ kind: 'skip' }));
  const targets: PlyTarget[] = [];
  const hasPositions = claimGroup(element, POSITION_NAMES, 3, 'positions', anyTo32, actions, targets);
  if (!hasPositions && element.count > 0) {
    throw new ScanfuseError('MALFORMED_INPUT', `${api}: element 'vertex' has no scalar x, y and z properties`, { file, line: element.line });
  }
  if (element.properties.some((p) => POSITION_NAMES.includes(p.name) && p.type === 'float64')) {
    warnings.push({ code: 'PRECISION_LOSS', count: element.count, message: 'double-precision positions were rounded to float32' });
  }
  claimGroup(element, NORMAL_NAMES, 3, 'normals', floatsTo32, actions, targets);
  for (const names of UV_NAMES) if (claimGroup(element, names, 2, 'uvs', floatsTo32, actions, targets)) break;
  for (const names of COLOR_NAMES) {
    if (claimGroup(element, names, 3, 'colors', colorType, actions, targets)) {
      if (targets[targets.length - 1].dstType === 'unorm8') {
        warnings.push({ code: 'PRECISION_LOSS', count: element.count, message: 'floating-point vertex colours were converted to 8 bits' });
      }
      break;
    }
  }
  planCustom(element, 'vertex', actions, targets, warnings);
  return { element, role: 'vertex', actions, targets };
}

function findIndexList(element: PlyElement, api: string, file?: string): number {
  let i = element.properties.findIndex((p) => p.countType && INDEX_LIST_NAMES.includes(p.name));
  if (i < 0) {
    const lists = element.properties.map((p, k) => (p.countType ? k : -1)).filter((k) => k >= 0);
    if (lists.length === 1) i = lists[0];
  }
  if (i >= 0 && !isInteger(element.properties[i].type)) {
    throw new ScanfuseError('MALFORMED_INPUT', `${api}: element '${element.name}' has a vertex index list of non-integer type ${element.properties[i].type}`,
      { file, line: element.line });
  }
  return i;
}

function planFace(element: PlyElement, warnings: MeshWarning[], api: string, file?: string): PlyElementPlan {
  const actions: PlyAction[] = element.properties.map(() => ({ kind: 'skip' }));
  const targets: PlyTarget[] = [];
  const list = findIndexList(element, api, file);
  if (list < 0) {
    if (element.count > 0) {
      throw new ScanfuseError('MALFORMED_INPUT', `${api}: element 'face' has no vertex_indices list`, { file, line: element.line });
    }
  } else {
    actions[list] = { kind: 'triangulate' };
  }
  for (const names of COLOR_NAMES) {
    if (claimGroup(element, names, 3, 'faceColors', colorType, actions, targets)) {
      if (targets[targets.length - 1].dstType === 'unorm8') {
        warnings.push({ code: 'PRECISION_LOSS', count: element.count, message: 'floating-point face colours were converted to 8 bits' });
      }
      break;
    }
  }
  planCustom(element, 'face', actions, targets, warnings);
  return { element, role: 'face', actions, targets };
}

function planStrips(element: PlyElement, warnings: MeshWarning[], api: string, file?: string): PlyElementPlan {
  const actions: PlyAction[] = element.properties.map(() => ({ kind: 'skip' }));
  const list = findIndexList(element, api, file);
  if (list < 0) {
    throw new ScanfuseError('MALFORMED_INPUT', `${api}: element 'tristrips' has no vertex_indices list`, { file, line: element.line });
  }
  actions[list] = { kind: 'listRaw' };
  element.properties.forEach((p: PlyProperty, i) => {
    if (i !== list) warnings.push({ code: 'SKIPPED_PROPERTY', count: element.count, message: `property '${p.name}' of element 'tristrips' was skipped` });
  });
  return { element, role: 'tristrips', actions, targets: [] };
}

/**
 * Triangles from triangle strips (-1 restarts a strip); alternate triangles are flipped to keep
 * a consistent winding; triangles with a repeated vertex (strip joins) are dropped.
 * Returns null with the position of the first index out of range.
 */
export function stripsToTriangles(items: Int32Array, vertexCount: number): { indices: Uint32Array } | { badItem: number } {
  const out: number[] = [];
  let a = -1, b = -1, k = 0;
  for (let i = 0; i < items.length; i++) {
    const v = items[i];
    if (v === -1) { k = 0; continue; }
    if (v < 0 || v >= vertexCount) return { badItem: i };
    if (k >= 2 && a !== b && b !== v && a !== v) {
      if (k % 2 === 0) out.push(a, b, v);
      else out.push(b, a, v);
    }
    a = b;
    b = v;
    k++;
  }
  return { indices: Uint32Array.from(out) };
}
