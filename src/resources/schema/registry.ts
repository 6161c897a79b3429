// The schema registry of every served kind, loaded once from dist/generated/schemas.json
// (written by `npm run build`, see scripts/generateSchemas.mjs). Works from src/ (tsx) and
// from dist/ (compiled) alike: the package root is found by walking up to package.json.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SchemaNode, SchemaRegistry } from '../../machinery/schema.js';
import { isPlainObject } from '../../machinery/types.js';

export interface SchemaLookup {
  registry: SchemaRegistry;
  /** Definition name of the kind, e.g. `io.k8s.api.apps.v1.Deployment`. */
  ref: string;
}

let cached: SchemaRegistry | undefined;

/** Root of the package containing this module (the first ancestor with a package.json). */
function packageRoot(from: string): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}

export function schemasPath(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const root = packageRoot(here) ?? here;
  return join(root, 'dist', 'generated', 'schemas.json');
}

/** Parses a schemas.json text; throws on a malformed file. */
export function parseSchemaRegistry(text: string, source = 'schemas.json'): SchemaRegistry {
  const parsed: unknown = JSON.parse(text);
  if (!isPlainObject(parsed) || !isPlainObject(parsed.definitions)) throw new Error(`${source}: no "definitions" object`);
  return { definitions: parsed.definitions as Record<string, SchemaNode> };
}

/** Reads one schemas.json; a missing file gets the "run npm run build" hint. */
export function loadSchemaRegistry(path: string): SchemaRegistry {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new Error(`schemas not generated: run npm run build (expected ${path})`);
  }
  return parseSchemaRegistry(text, path);
}

/** The registry of this package (dist/generated/schemas.json), loaded on first use. */
export function getSchemaRegistry(): SchemaRegistry {
  cached ??= loadSchemaRegistry(schemasPath());
  return cached;
}

/** The registry and definition name for a kind; undefined when the registry has no such definition. */
export function schemaLookup(ref: string): SchemaLookup | undefined {
  const registry = getSchemaRegistry();
  return registry.definitions[ref] ? { registry, ref } : undefined;
}
