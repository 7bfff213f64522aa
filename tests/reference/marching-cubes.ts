// A straightforward marching cubes over a dense field of grid points: the oracle of
// assembly/fusion/extract.ts. One cube at a time, no vertex sharing, double precision. Cubes with
// an unobserved corner (NaN) are skipped, so the surface ends where the observations end.
// Inside is value < 0; triangles are counter-clockwise seen from outside (the generated tables).
// @ts-expect-error: a plain .mjs script without type declarations.
import { generate } from '../../scripts/gen-mc-tables.mjs';

const { triTable } = generate() as { triTable: number[][]; edgeTable: number[] };

/** Corner n of a cube at offset CORNERS[n]; edge e joins corners EDGES[e]. */
const CORNERS = [[0, 0, 0], [1, 0, 0], [1, 1, 0], [0, 1, 0], [0, 0, 1], [1, 0, 1], [1, 1, 1], [0, 1, 1]];
const EDGES = [[0, 1], [1, 2], [2, 3], [3, 0], [4, 5], [5, 6], [6, 7], [7, 4], [0, 4], [1, 5], [2, 6], [3, 7]];
/** Interpolation parameters stay inside [T_MIN, 1 - T_MIN] (as in assembly/meshing/marching-cubes.ts). */
const T_MIN = 1e-4;

export interface Field {
  /** Lowest grid point and size of the box, grid points. */
  origin: [number, number, number];
  size: [number, number, number];
  voxelSize: number;
  /** Value at a grid point, NaN if unobserved. */
  value(gx: number, gy: number, gz: number): number;
}

/** Triangles as 9 numbers each (3 corners xyz, mm), dropping zero-area ones. */
export function marchingCubes(field: Field): Float64Array[] {
  const out: Float64Array[] = [];
  const [ox, oy, oz] = field.origin, [nx, ny, nz] = field.size;
  const values = new Array<number>(8);
  for (let gz = oz; gz < oz + nz - 1; gz++) for (let gy = oy; gy < oy + ny - 1; gy++) for (let gx = ox; gx < ox + nx - 1; gx++) {
    let cubeCase = 0, observed = true;
    for (let n = 0; n < 8; n++) {
      values[n] = field.value(gx + CORNERS[n][0], gy + CORNERS[n][1], gz + CORNERS[n][2]);
      if (Number.isNaN(values[n])) observed = false;
      if (values[n] < 0) cubeCase |= 1 << n;
    }
    if (!observed) continue;
    const tris = triTable[cubeCase];
    for (let t = 0; t < tris.length; t += 3) {
      const tri = new Float64Array(9);
      for (let c = 0; c < 3; c++) {
        // Interpolate from the edge's lower corner to its upper corner.
        let [a, b] = EDGES[tris[t + c]];
        if (CORNERS[a][0] + CORNERS[a][1] + CORNERS[a][2] > CORNERS[b][0] + CORNERS[b][1] + CORNERS[b][2]) [a, b] = [b, a];
        const tRaw = (0 - values[a]) / (values[b] - values[a]);
        const s = Math.min(1 - T_MIN, Math.max(T_MIN, tRaw));
        for (let k = 0; k < 3; k++) {
          const g = [gx, gy, gz][k] + CORNERS[a][k] + s * (CORNERS[b][k] - CORNERS[a][k]);
          tri[3 * c + k] = g * field.voxelSize;
        }
      }
      if (area2(tri) > 0) out.push(tri);
    }
  }
  return out;
}

/** Twice the area of a triangle of 9 numbers. */
export function area2(p: ArrayLike<number>): number {
  const ux = p[3] - p[0], uy = p[4] - p[1], uz = p[5] - p[2];
  const vx = p[6] - p[0], vy = p[7] - p[1], vz = p[8] - p[2];
  return Math.hypot(uy * vz - uz * vy, uz * vx - ux * vz, ux * vy - uy * vx);
}
