// Build step (after tsc): derives the structural schemas of every served kind from the
// @kubernetes/client-node dev dependency's generated models and writes
// dist/generated/schemas.json. Nothing of client-node is committed; the naming, overlay and
// descriptions are ours (src/resources/schema/, compiled to dist/ by tsc first).
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const compiled = (p) => pathToFileURL(join(root, 'dist', 'src', 'resources', 'schema', p)).href;

const { buildSchemaRegistryFromClientModels } = await import(compiled('build.js'));
const { definitions } = await buildSchemaRegistryFromClientModels();

const outDir = join(root, 'dist', 'generated');
mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, 'schemas.json'), JSON.stringify({ definitions }) + '\n');
console.log(`generateSchemas: ${Object.keys(definitions).length} definitions → dist/generated/schemas.json`);
