// Deterministic JSON for dataset manifests: plain data with object keys in a fixed order.
// `sortedPlain` turns caller-supplied option objects into plain data with sorted keys (typed
// arrays to arrays, non-finite numbers to null, -0 to 0, undefined members dropped), so the
// manifest depends on the options' values and never on their insertion order.

export type Plain = null | boolean | number | string | Plain[] | { [key: string]: Plain };

/** Plain, key-sorted copy of `value` (functions and undefined become absent / null). */
export function sortedPlain(value: unknown): Plain {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return Number.isFinite(value) ? (Object.is(value, -0) ? 0 : value) : null;
  if (typeof value === 'boolean' || typeof value === 'string') return value;
  if (typeof value === 'bigint') return value.toString();
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) return Array.from(value as unknown as ArrayLike<number>, (v) => sortedPlain(v));
  if (Array.isArray(value)) return value.map((v) => sortedPlain(v));
  if (typeof value === 'object') {
    const out: { [key: string]: Plain } = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v === undefined || typeof v === 'function') continue;
      out[key] = sortedPlain(v);
    }
    return out;
  }
  return null;
}

/** JSON text (2-space indent, LF, trailing newline) of data whose key order is already fixed. */
export function stableJson(value: Plain): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
