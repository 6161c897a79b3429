#!/usr/bin/env node
// Entry point of the `skiff` command: builds on first use (a fresh clone has no dist/), then runs.
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
