// A Vite production build of a tiny page that imports the package: the .wasm must be emitted as
// an asset and found at run time without configuration. The built bundle is then executed (in
// Node, where the loader reads file: URLs) to prove the emitted asset is the one it loads.
import { mkdtempSync, mkdirSync, readdirSync, symlinkSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL, fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const repo = fileURLToPath(new URL('../../', import.meta.url));

describe('bundling with Vite', () => {
  it('builds a page that imports scanfuse, emits the wasm asset, and the bundle runs', async () => {
    const app = mkdtempSync(join(tmpdir(), 'scanfuse-vite-'));
    mkdirSync(join(app, 'node_modules'));
    symlinkSync(repo, join(app, 'node_modules', 'scanfuse'), 'dir');
    writeFileSync(join(app, 'index.html'), '<!doctype html><html><body><script type="module" src="./main.js"></script></body></html>\n');
    writeFileSync(join(app, 'main.js'), `
import { createEngine } from 'scanfuse';
const positions = new Float32Array([0,0,0, 1,0,0, 0,1,0, 0,0,1]);
const indices = new Uint32Array([0,2,1, 0,1,3, 0,3,2, 1,2,3]);
globalThis.__scanfuse = (async () => {
  const engine = await createEngine();
  const stl = engine.writeMesh({ positions, indices }, { format: 'stl' });
  const { mesh } = engine.readMesh(stl);
  return { triangles: mesh.indices.length / 3, volume: engine.meshInfo(mesh).volume };
})();
`);
    const { build } = await import('vite');
    await build({ root: app, base: './', logLevel: 'silent', build: { outDir: join(app, 'dist'), emptyOutDir: true, modulePreload: { polyfill: false } } });
    const assets = readdirSync(join(app, 'dist', 'assets'));
    const wasm = assets.filter((f) => f.endsWith('.wasm'));
    expect(wasm).toHaveLength(1);
    expect(readFileSync(join(app, 'dist', 'assets', wasm[0])).subarray(0, 4)).toEqual(Buffer.from([0, 0x61, 0x73, 0x6d]));
    const entry = assets.find((f) => f.endsWith('.js'))!;
    expect(readFileSync(join(app, 'dist', 'assets', entry), 'utf8')).toContain(wasm[0]);
    await import(pathToFileURL(join(app, 'dist', 'assets', entry)).href);
    const result = await (globalThis as { __scanfuse?: Promise<{ triangles: number; volume: number }> }).__scanfuse;
    expect(result?.triangles).toBe(4);
    expect(result?.volume).toBeCloseTo(1 / 6, 6);
  });
});
