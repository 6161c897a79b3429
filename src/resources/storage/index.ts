// storage.k8s.io/v1 kinds this server serves.
import type { ResourceStrategy } from '../types.js';
import { storageClassStrategy } from './storageclass.js';

export const storageStrategies: readonly ResourceStrategy[] = [storageClassStrategy];
