// Reads the generated model metadata of the @kubernetes/client-node dev dependency: each
// model class's `attributeTypeMap`, and which properties its .d.ts declares required (no `?`).
// Used only at build time (scripts/generateSchemas.mjs) and by tests, never by the server.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ModelAttribute } from './generate.js';

export interface ClientModels {
  models: Record<string, ModelAttribute[]>;
  required: Record<string, string[]>;
}

function isAttribute(v: unknown): v is ModelAttribute {
  if (typeof v !== 'object' || v === null) return false;
  const a = v as Record<string, unknown>;
  return typeof a.name === 'string' && typeof a.baseName === 'string' && typeof a.type === 'string';
}

export async function loadClientModels(): Promise<ClientModels> {
  const require = createRequire(import.meta.url);
  const pkgDir = dirname(require.resolve('@kubernetes/client-node/package.json'));
  const modelsDir = join(pkgDir, 'dist', 'gen', 'models');
  const mod: Record<string, unknown> = await import(pathToFileURL(join(modelsDir, 'all.js')).href);
  const models: Record<string, ModelAttribute[]> = {};
  const required: Record<string, string[]> = {};
  for (const [name, cls] of Object.entries(mod)) {
    if (typeof cls !== 'function') continue;
    const attrs: unknown = (cls as { attributeTypeMap?: unknown }).attributeTypeMap;
    if (!Array.isArray(attrs) || !attrs.every(isAttribute)) continue;
    models[name] = attrs.map((a) => ({ name: a.name, baseName: a.baseName, type: a.type, format: typeof a.format === 'string' ? a.format : '' }));
    required[name] = requiredProperties(join(modelsDir, `${name}.d.ts`), models[name]);
  }
  return { models, required };
}

/** The generated declarations mark required properties by omitting `?`: `'name': string;`. */
function requiredProperties(dtsPath: string, attrs: readonly ModelAttribute[]): string[] {
  let text: string;
  try {
    text = readFileSync(dtsPath, 'utf8');
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const m of text.matchAll(/^\s+'(\w+)': /gm)) {
    const attr = attrs.find((a) => a.name === m[1]);
    out.push(attr ? attr.baseName : m[1]);
  }
  return out;
}
