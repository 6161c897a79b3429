// coordination.k8s.io/v1 kinds this server serves.
import type { ResourceStrategy } from '../types.js';
import { leaseStrategy } from './lease.js';

export const coordinationStrategies: readonly ResourceStrategy[] = [leaseStrategy];
