// The one conformance suite every Store backend runs unchanged (memory, SQLite, and later
// etcd), in the spirit of kine's shared backend tests. Each case gets a fresh store from
// newStore and hands it to cleanup (default: close) even when it fails. The cases live in
// ./suite/, one file per area of the contract in ./types.ts.
import { describe } from 'node:test';
import type { Store } from './types.js';
import type { SuiteContext } from './suite/helpers.js';
import { crudCases } from './suite/crudCases.js';
import { listCases } from './suite/listCases.js';
import { watchCases } from './suite/watchCases.js';
import { compactCloseCases } from './suite/compactCloseCases.js';
import { modelCases } from './suite/modelCases.js';

export function runStoreSuite(
  name: string,
  newStore: () => Promise<Store>,
  cleanup: (s: Store) => Promise<void> = (s) => s.close(),
): void {
  const ctx: SuiteContext = {
    async withStore(body) {
      const store = await newStore();
      try {
        await body(store);
      } finally {
        await cleanup(store);
      }
    },
  };
  // The timeout only guards against a hung watch; no assertion depends on time.
  describe(`Store conformance: ${name}`, { timeout: 120_000 }, () => {
    describe('revisions and compare-and-swap writes', () => crudCases(ctx));
    describe('list', () => listCases(ctx));
    describe('watch', () => watchCases(ctx));
    describe('compaction and close', () => compactCloseCases(ctx));
    describe('against a model', () => modelCases(ctx));
  });
}
