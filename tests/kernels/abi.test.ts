import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { ABI_CONSTANT_NAMES, EXPECTED_ABI_VERSION } from '../../src/wasm/abi.js';
import { BUILDS, engineFor } from '../support/engines.js';

const wasmFile = (build: string) => new URL(`../../build/scanfuse${build === 'debug' ? '.debug' : ''}.wasm`, import.meta.url);

describe.each(BUILDS)('ABI (%s build)', (build) => {
  const module = new WebAssembly.Module(readFileSync(wasmFile(build)));
  const exported = WebAssembly.Module.exports(module);
  const globals = exported.filter((e) => e.kind === 'global').map((e) => e.name);

  it('exports exactly the constants TypeScript reads', () => {
    expect([...globals].sort()).toEqual([...ABI_CONSTANT_NAMES].sort());
  });

  it('exports every kernel the TypeScript side calls, and imports only env.memory and env.abort', async () => {
    const functions = exported.filter((e) => e.kind === 'function').map((e) => e.name).sort();
    // Every exported function is a kernel the TypeScript side declares in its Kernels interface.
    const declared = readFileSync(new URL('../../src/wasm/abi.ts', import.meta.url), 'utf8');
    const interfaceBody = declared.slice(declared.indexOf('export interface Kernels {'), declared.indexOf('export type KernelName'));
    const names = [...interfaceBody.matchAll(/^  (\w+)\(/gm)].map((m) => m[1]).sort();
    expect(functions).toEqual(names);
    expect(WebAssembly.Module.imports(module).map((i) => `${i.module}.${i.name}:${i.kind}`).sort())
      .toEqual(['env.abort:function', 'env.memory:memory']);
  });

  it('has the ABI version TypeScript expects and consistent layouts', async () => {
    const c = (await engineFor(build)).wasm.constants;
    expect(c.ABI_VERSION).toBe(EXPECTED_ABI_VERSION);
    // Status codes: OK is 0, errors are distinct negatives.
    const statuses = [c.STATUS_INVALID_ARGUMENT, c.STATUS_MALFORMED_INPUT, c.STATUS_CAPACITY_EXCEEDED];
    expect(c.STATUS_OK).toBe(0);
    expect(new Set(statuses).size).toBe(statuses.length);
    for (const s of statuses) expect(s).toBeLessThan(0);
    // Reasons distinct.
    const reasons = [c.REASON_NONE, c.REASON_TRUNCATED, c.REASON_INDEX_OUT_OF_RANGE, c.REASON_BAD_LIST_COUNT, c.REASON_BAD_TYPE];
    expect(new Set(reasons).size).toBe(reasons.length);
    // Out-record fields: inside the record, naturally aligned, not overlapping.
    const fields: Array<[number, number]> = [
      [c.OUT_ERROR_REASON, 4], [c.OUT_ERROR_OFFSET, 8], [c.OUT_ERROR_ACTUAL, 8], [c.OUT_ERROR_EXPECTED, 8],
    ];
    const kernelFields: Array<Array<[number, number]>> = [
      [[c.WELD_OUT_VERTEX_COUNT, 4]],
      [[c.PLY_OUT_END, 8], [c.PLY_OUT_TRIANGLES, 4], [c.PLY_OUT_SHORT_FACES, 4], [c.PLY_OUT_POLYGONS, 4], [c.PLY_OUT_LIST_ITEMS, 4]],
      [[c.CHECK_OUT_NONFINITE_VERTICES, 4], [c.CHECK_OUT_DEGENERATE_TRIANGLES, 4], [c.CHECK_OUT_UNREFERENCED_VERTICES, 4]],
      [[c.TOPO_OUT_EDGES, 4], [c.TOPO_OUT_BOUNDARY_EDGES, 4], [c.TOPO_OUT_NONMANIFOLD_EDGES, 4], [c.TOPO_OUT_MISORIENTED_EDGES, 4],
        [c.TOPO_OUT_COMPONENTS, 4], [c.TOPO_OUT_BOUNDARY_LOOPS, 4], [c.TOPO_OUT_REFERENCED_VERTICES, 4], [c.TOPO_OUT_AREA, 8],
        [c.TOPO_OUT_VOLUME, 8], [c.TOPO_OUT_MIN_X, 48], [c.TOPO_OUT_LARGEST_COMPONENT_TRIANGLES, 4]],
    ];
    for (const group of kernelFields) {
      const all = [...fields, ...group].sort((a, b) => a[0] - b[0]);
      for (let i = 0; i < all.length; i++) {
        const [offset, size] = all[i];
        expect(offset % Math.min(size, 8)).toBe(0);
        expect(offset + size).toBeLessThanOrEqual(c.OUT_RECORD_BYTES);
        if (i > 0) expect(offset).toBeGreaterThanOrEqual(all[i - 1][0] + all[i - 1][1]);
      }
    }
    // PLY property descriptor: eight u32 fields filling PLY_PROP_BYTES.
    const prop = [c.PLY_PROP_KIND, c.PLY_PROP_TYPE, c.PLY_PROP_COUNT_TYPE, c.PLY_PROP_ACTION, c.PLY_PROP_DST,
      c.PLY_PROP_DST_TYPE, c.PLY_PROP_DST_STRIDE, c.PLY_PROP_DST_OFFSET].sort((a, b) => a - b);
    expect(prop).toEqual([0, 4, 8, 12, 16, 20, 24, 28]);
    expect(c.PLY_PROP_BYTES).toBe(32);
    const types = [c.PLY_TYPE_I8, c.PLY_TYPE_U8, c.PLY_TYPE_I16, c.PLY_TYPE_U16, c.PLY_TYPE_I32, c.PLY_TYPE_U32, c.PLY_TYPE_F32, c.PLY_TYPE_F64, c.PLY_DST_UNORM8];
    expect(new Set(types).size).toBe(types.length);
    expect(types).not.toContain(0);
  });
});
