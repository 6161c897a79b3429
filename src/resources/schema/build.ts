// The whole build-time pipeline in one call: client-node models → our naming, overlay and
// descriptions → registry definitions. scripts/generateSchemas.mjs writes the result to
// dist/generated/schemas.json; tests call it directly so they need no prior build.
import type { SchemaNode } from '../../machinery/schema.js';
import { loadClientModels } from './clientModels.js';
import { schemaDescriptions } from './descriptions.js';
import { generateSchemaDefinitions } from './generate.js';
import { schemaKinds } from './kinds.js';
import { schemaOverlay } from './overlay.js';

export async function buildSchemaRegistryFromClientModels(): Promise<{ definitions: Record<string, SchemaNode> }> {
  const { models, required } = await loadClientModels();
  return {
    definitions: generateSchemaDefinitions({ models, required, kinds: schemaKinds, overlay: schemaOverlay, descriptions: schemaDescriptions }),
  };
}
