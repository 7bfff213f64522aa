// Runs every bench/*.bench.js (or those named on the command line), prints one markdown report per
// bench to stdout (progress goes to stderr), and writes bench/results/latest.json and latest.md.
// Usage: npm run bench [-- [--quick] [--no-save] [--merge] [NAME ...]]     (needs `npm run build` first)
//   --quick    tiny sizes and few rounds: checks the harness, the figures mean nothing
//   --no-save  do not overwrite bench/results/latest.* (the committed reference run)
//   --merge    replace only the named benches in latest.*, keep the others (each bench section
//              carries its own machine line, commit and date)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO = resolve(HERE, '..');
const RESULTS = join(HERE, 'results');

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const save = !args.includes('--no-save') && !quick;
const merge = args.includes('--merge');
const only = args.filter((a) => !a.startsWith('--'));

const log = (message) => process.stderr.write(`${message}\n`);

function machine() {
  const cpus = os.cpus();
  const pkg = (p) => {
    try { return JSON.parse(readFileSync(join(REPO, 'node_modules', p, 'package.json'), 'utf8')).version; } catch { return null; }
  };
  return {
    cpu: cpus[0]?.model?.trim() ?? 'unknown',
    cores: cpus.length,
    memory_gib: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    v8: process.versions.v8,
    date: new Date().toISOString(),
    gc_exposed: typeof globalThis.gc === 'function',
    scanfuse: JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')).version,
    tinybench: pkg('tinybench'),
    three: pkg('three'),
    code: provenance(),
  };
}

/** What was measured: the commit, uncommitted changes to the code, and whether the build is older than the sources. */
function provenance() {
  const git = (...a) => {
    const r = spawnSync('git', a, { cwd: REPO, encoding: 'utf8' });
    return r.status === 0 ? r.stdout.trim() : null;
  };
  const newest = (dir) => {
    let t = 0;
    const walk = (d) => {
      for (const f of readdirSync(d, { withFileTypes: true })) {
        const p = join(d, f.name);
        if (f.isDirectory()) walk(p);
        else t = Math.max(t, statSync(p).mtimeMs);
      }
    };
    if (existsSync(dir)) walk(dir);
    return t;
  };
  const dirty = git('status', '--porcelain', '--', 'src', 'assembly');
  const sourcesMs = Math.max(newest(join(REPO, 'src')), newest(join(REPO, 'assembly')));
  const builtMs = Math.min(statSync(join(REPO, 'build', 'scanfuse.wasm')).mtimeMs, statSync(join(REPO, 'dist', 'index.js')).mtimeMs);
  return {
    commit: git('rev-parse', '--short', 'HEAD'),
    uncommitted_code_changes: dirty === null ? null : dirty.split('\n').filter(Boolean),
    build_time: new Date(builtMs).toISOString(),
    build_older_than_sources: sourcesMs > newest(join(REPO, 'dist')) || sourcesMs > newest(join(REPO, 'build')),
  };
}

function machineMarkdown(m) {
  return [
    `Machine: ${m.cpu}, ${m.cores} cores, ${m.memory_gib} GiB, ${m.os}; Node ${m.node} (V8 ${m.v8}); ${m.date}`,
    `scanfuse ${m.scanfuse} at ${m.code.commit ?? '?'}${m.code.uncommitted_code_changes?.length ? ` + uncommitted changes (${m.code.uncommitted_code_changes.join(', ')})` : ''}, built ${m.code.build_time}${m.code.build_older_than_sources ? ' (OLDER than the sources: run npm run build)' : ''}`,
    `tinybench ${m.tinybench}, three ${m.three}; gc exposed: ${m.gc_exposed ? 'yes' : 'no (run with node --expose-gc)'}`,
  ].join('  \n');
}

if (!existsSync(join(REPO, 'dist', 'index.js')) || !existsSync(join(REPO, 'build', 'scanfuse.wasm'))) {
  log('bench: dist/ or build/ is missing: run `npm run build` first');
  process.exit(1);
}

const files = readdirSync(HERE).filter((f) => f.endsWith('.bench.js')).sort()
  .filter((f) => only.length === 0 || only.includes(f.replace(/\.bench\.js$/, '')));
if (files.length === 0) {
  log(`bench: no bench matches ${only.join(', ')}`);
  process.exit(1);
}

const m = machine();
const report = { machine: m, quick, benches: {} };
const sections = [`# scanfuse benchmarks${quick ? ' (QUICK: harness check only, figures meaningless)' : ''}`, '', machineMarkdown(m), ''];
console.log(sections.join('\n'));
for (const file of files) {
  // The bench loads dist/ and the WASM core when it starts: the build at that moment is what it measures.
  const buildAtStart = provenance().build_time;
  if (buildAtStart !== m.code.build_time) {
    const warning = `WARNING: the build changed before bench ${file} started (${m.code.build_time} -> ${buildAtStart}): its figures are for a different build than the one described above`;
    log(`bench: ${warning}`);
    (report.warnings ??= []).push(warning);
    sections.push(`**${warning}**\n`);
    console.log(`**${warning}**\n`);
  }
  const mod = await import(pathToFileURL(join(HERE, file)).href);
  log(`bench: ${mod.name} ...`);
  const started = performance.now();
  const { result, markdown } = await mod.run({ quick, log });
  const seconds = (performance.now() - started) / 1000;
  result.wall_s = seconds;
  result.build_time = buildAtStart;
  result.machine = { date: new Date().toISOString(), commit: m.code.commit, uncommitted_code_changes: m.code.uncommitted_code_changes, cpu: m.cpu, cores: m.cores, node: m.node };
  report.benches[mod.name] = result;
  const text = `## ${mod.title} (${mod.name}, ${seconds.toFixed(0)} s)\n\n_Measured ${result.machine.date} at ${m.code.commit ?? '?'}${m.code.uncommitted_code_changes?.length ? ' + uncommitted changes' : ''}._\n\n${markdown}\n`;
  result.markdown = text;
  sections.push(text);
  console.log(text);
}

if (save) {
  mkdirSync(RESULTS, { recursive: true });
  let out = report, text = sections.join('\n');
  if (merge && existsSync(join(RESULTS, 'latest.json'))) {
    // Keep the earlier benches (with their own markdown and machine line); replace the ones run now.
    const old = JSON.parse(readFileSync(join(RESULTS, 'latest.json'), 'utf8'));
    out = { ...old, machine: m, benches: { ...old.benches, ...report.benches } };
    const names = Object.keys(out.benches).sort();
    const missing = names.filter((n) => typeof out.benches[n].markdown !== 'string');
    if (missing.length) log(`bench: --merge: ${missing.join(', ')} in the old latest.json have no stored markdown; their sections are left out of latest.md`);
    text = [`# scanfuse benchmarks`, '', machineMarkdown(m), '', ...names.filter((n) => !missing.includes(n)).map((n) => out.benches[n].markdown)].join('\n');
  }
  writeFileSync(join(RESULTS, 'latest.json'), `${JSON.stringify(out, null, 1)}\n`);
  writeFileSync(join(RESULTS, 'latest.md'), `${text}\n`);
  log(`bench: wrote ${join('bench', 'results', 'latest.json')} and latest.md`);
}
