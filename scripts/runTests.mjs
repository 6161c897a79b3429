// Runs every compiled test file (dist/**/*.test.js) with node's test runner.
// Unit tests first (fast feedback), then the integration suites that start real servers.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function find(dir, out = []) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) find(p, out);
    else if (name.endsWith('.test.js')) out.push(p);
  }
  return out;
}

const only = process.argv.slice(2);
let files = [...find('dist/src'), ...find('dist/test')].sort();
if (only.length) files = files.filter((f) => only.some((o) => f.includes(o)));
if (files.length === 0) {
  console.error('no test files found under dist/: did the build run?');
  process.exit(1);
}
// SKIFF_FREEZE_SHARED: objects the server lends to in-process informers are frozen, so code
// that changes a shared object fails here instead of corrupting what other watchers see.
const env = { ...process.env, SKIFF_FREEZE_SHARED: '1' };
const r = spawnSync(process.execPath, ['--test', '--test-concurrency=2', '--test-timeout=300000', ...files], { stdio: 'inherit', env });
process.exit(r.status ?? 1);
