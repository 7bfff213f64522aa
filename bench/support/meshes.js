// Synthetic meshes for benchmarks. A copy of tests/support/meshes.ts#wavyGrid (the bench must not
// import from tests/), which is itself the grid of ../shared/peers (threejs_io.mjs, open3d_io.py):
// same side length, spacing and heights, so every tool measures exactly the same mesh.

/**
 * The wavy height-field grid: about `triangles` triangles (999,698 for 1e6), 0.1 mm spacing,
 * deterministic. Returns `{ positions: Float32Array, indices: Uint32Array }`.
 */
export function wavyGrid(triangles) {
  const side = Math.floor(Math.sqrt(triangles / 2)) + 1;
  const positions = new Float32Array(side * side * 3);
  for (let v = 0; v < side; v++) {
    for (let u = 0; u < side; u++) {
      const k = (v * side + u) * 3;
      positions[k] = u * 0.1;
      positions[k + 1] = v * 0.1;
      positions[k + 2] = Math.sin(u * 0.05) * Math.cos(v * 0.07) * 3;
    }
  }
  const indices = new Uint32Array((side - 1) * (side - 1) * 6);
  let j = 0;
  for (let v = 0; v < side - 1; v++) {
    for (let u = 0; u < side - 1; u++) {
      const i = v * side + u;
      indices.set([i, i + 1, i + side, i + 1, i + side + 1, i + side], j);
      j += 6;
    }
  }
  return { positions, indices };
}
