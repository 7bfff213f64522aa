// Engines for tests: the release core (optimised) and the debug core (assertions on).
import { createEngine, type Engine } from '../../src/index.js';

export type Build = 'release' | 'debug';
export const BUILDS: Build[] = ['release', 'debug'];

const cache = new Map<Build, Promise<Engine>>();

/** A shared engine per build (tests must not dispose it). */
export function engineFor(build: Build = 'release'): Promise<Engine> {
  let e = cache.get(build);
  if (!e) cache.set(build, (e = createEngine({ debug: build === 'debug' })));
  return e;
}
