// The default protocol observes what a wand can observe: >= 99 % of the visible reference area,
// where "visible" is what an oracle sees from a dense set of reachable wand poses.
import { describe, expect, it } from 'vitest';
import { scanCoverage } from '../../src/sim/coverage.js';
import { createScanSimulator } from '../../src/sim/simulator.js';
import { engineFor } from '../support/engines.js';

describe('coverage of the default trajectory', () => {
  it.each(['lower', 'upper'] as const)('%s arch: at least 99 percent of the visible reference area is measured', async (jaw) => {
    const engine = await engineFor('release');
    const sim = createScanSimulator(engine, { arch: { jaw, seed: 1 } });
    try {
      const result = scanCoverage(engine, sim);
      expect(result.visibleArea).toBeGreaterThan(3000); // mm^2: a whole arch
      expect(result.coverage).toBeGreaterThanOrEqual(0.99);
    } finally {
      sim.dispose();
    }
  }, 240_000);
});
