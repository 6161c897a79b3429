// Every kind skiff serves, group by group.
import { appsStrategies } from './apps/index.js';
import { batchStrategies } from './batch/index.js';
import { coordinationStrategies } from './coordination/index.js';
import { coreStrategies } from './core/index.js';
import { discoveryStrategies } from './discovery/index.js';
import { eventsStrategies } from './events/index.js';
import { networkingStrategies } from './networking/index.js';
import { schedulingStrategies } from './scheduling/index.js';
import { storageStrategies } from './storage/index.js';
import type { ResourceStrategy } from './types.js';

export const allStrategies: readonly ResourceStrategy[] = [
  ...coreStrategies,
  ...appsStrategies,
  ...batchStrategies,
  ...networkingStrategies,
  ...storageStrategies,
  ...schedulingStrategies,
  ...coordinationStrategies,
  ...discoveryStrategies,
  ...eventsStrategies,
];
