#!/usr/bin/env node
// The `scanfuse` command; the implementation is dist/cli/main.js (`npm run build` makes it).
import { main } from '../dist/cli/main.js';

process.exitCode = await main(process.argv.slice(2));
