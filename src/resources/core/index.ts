// Every core/v1 kind skiff serves.
import type { ResourceStrategy } from '../types.js';
import { configMapStrategy } from './configMap.js';
import { endpointsStrategy } from './endpoints.js';
import { eventStrategy } from './event.js';
import { namespaceStrategy } from './namespace.js';
import { nodeStrategy } from './node.js';
import { persistentVolumeStrategy } from './persistentVolume.js';
import { persistentVolumeClaimStrategy } from './persistentVolumeClaim.js';
import { podStrategy } from './pod.js';
import { secretStrategy } from './secret.js';
import { serviceStrategy } from './service.js';
import { serviceAccountStrategy } from './serviceAccount.js';

export const coreStrategies: ResourceStrategy[] = [
  namespaceStrategy,
  nodeStrategy,
  podStrategy,
  serviceStrategy,
  endpointsStrategy,
  configMapStrategy,
  secretStrategy,
  persistentVolumeStrategy,
  persistentVolumeClaimStrategy,
  serviceAccountStrategy,
  eventStrategy,
];

export { podStrategy, serviceStrategy, namespaceStrategy, nodeStrategy };
