#!/usr/bin/env -S node --max-semi-space-size=128
// Entry point of the `skiff` command: builds on first use (a fresh clone has no dist/), then runs.
// The larger young generation (V8's default semi-space is 16 MB) is for the server: every API
// write makes short-lived copies, and at thousands of writes a second the default size promotes
// them to the old generation, where collecting them is expensive. 5,000 simulated nodes and a
// 10,000-pod Deployment (npm run bench): server CPU 98.6 s by default, 62.6 s at 64 MB, 49.9 s
// at 128 MB, nothing more at 256. New space grows only under load: idle RSS stays ~90 MB.
// Node reads V8 heap sizes only at start, hence the shebang; `node bin/skiff.js` skips it.
import { execSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const entry = new URL('../dist/src/cli/main.js', import.meta.url);
const schemas = new URL('../dist/generated/schemas.json', import.meta.url);
if (!existsSync(entry) || !existsSync(schemas)) {
  process.stderr.write('skiff: first run, building (npm run build)…\n');
  execSync('npm run build', { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
}
await import(entry.href);
