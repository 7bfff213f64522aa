// The input of the registration functions: points (xyz, mm) with optional unit normals.
import { ScanfuseError } from '../errors.js';
import { assertMeshShape } from '../io/mesh-check.js';
import type { Mesh } from '../types.js';

/** Points xyz (mm) and optionally a unit normal per point (zero normal = unknown). */
export interface PointCloud {
  positions: Float32Array;
  normals?: Float32Array;
}

/** Validates a point cloud argument (array types and lengths); returns it. */
export function assertPointCloud(cloud: PointCloud, api: string, name: string): PointCloud {
  const bad = (message: string, details: Record<string, unknown> = {}) =>
    new ScanfuseError('INVALID_ARGUMENT', `${api}: ${name}${message}`, details);
  if (!cloud || typeof cloud !== 'object') throw bad(' must be an object with positions (and optionally normals)');
  if (!(cloud.positions instanceof Float32Array)) throw bad('.positions must be a Float32Array');
  if (cloud.positions.length % 3) throw bad('.positions length must be a multiple of 3', { actual: cloud.positions.length });
  if (cloud.normals !== undefined) {
    if (!(cloud.normals instanceof Float32Array)) throw bad('.normals must be a Float32Array');
    if (cloud.normals.length !== cloud.positions.length) {
      throw bad('.normals must hold 3 values per point', { expected: cloud.positions.length, actual: cloud.normals.length });
    }
  }
  return cloud;
}

/** Validates a mesh argument; returns it. */
export function assertMesh(mesh: Mesh, api: string): Mesh {
  assertMeshShape(mesh, api);
  return mesh;
}

/** A finite number > 0, or INVALID_ARGUMENT naming the option. */
export function positiveOption(value: unknown, api: string, name: string, allowInfinity = false): number {
  if (typeof value !== 'number' || !(value > 0) || (!allowInfinity && !Number.isFinite(value))) {
    throw new ScanfuseError('INVALID_ARGUMENT', `${api}: ${name} must be a number > 0${allowInfinity ? '' : ' (finite)'}`, { actual: String(value) });
  }
  return value;
}

/** An integer in [lo, hi], or INVALID_ARGUMENT naming the option. */
export function integerOption(value: unknown, api: string, name: string, lo: number, hi: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < lo || value > hi) {
    throw new ScanfuseError('INVALID_ARGUMENT', `${api}: ${name} must be an integer in [${lo}, ${hi}]`, { actual: String(value) });
  }
  return value;
}

/** A number in [lo, hi], or INVALID_ARGUMENT naming the option. */
export function rangeOption(value: unknown, api: string, name: string, lo: number, hi: number): number {
  if (typeof value !== 'number' || !(value >= lo && value <= hi)) {
    throw new ScanfuseError('INVALID_ARGUMENT', `${api}: ${name} must be a number in [${lo}, ${hi}]`, { actual: String(value) });
  }
  return value;
}

/** One of `choices`, or INVALID_ARGUMENT naming the option. */
export function choiceOption<T extends string>(value: unknown, api: string, name: string, choices: readonly T[]): T {
  if (!choices.includes(value as T)) {
    throw new ScanfuseError('INVALID_ARGUMENT', `${api}: ${name} must be one of ${choices.map((c) => `'${c}'`).join(', ')}`, { actual: String(value) });
  }
  return value as T;
}

/** A point (three finite numbers), or INVALID_ARGUMENT naming the option. */
export function pointOption(value: unknown, api: string, name: string): [number, number, number] {
  const v = value as ArrayLike<number> | null;
  if (!v || typeof v !== 'object' || v.length !== 3 || ![0, 1, 2].every((i) => Number.isFinite(v[i]))) {
    throw new ScanfuseError('INVALID_ARGUMENT', `${api}: ${name} must be three finite numbers`, { actual: String(value) });
  }
  return [v[0], v[1], v[2]];
}
