// skiff reports the Kubernetes version whose API it serves, with its own build number:
// v1.33.0-skiff.N, where N is skiff's minor release (package.json 0.N.x).
import { readFileSync } from 'node:fs';

let cached: string | undefined;

export function skiffVersion(): string {
  if (cached) return cached;
  let n = '1';
  // src/server/ when run from source, dist/src/server/ when built.
  for (const rel of ['../../package.json', '../../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')) as { name?: string; version?: string };
      if (pkg.name !== 'skiff') continue;
      n = pkg.version?.split('.')[1] ?? '1';
      break;
    } catch {
      // not at this depth
    }
  }
  return (cached = `v1.33.0-skiff.${n}`);
}
