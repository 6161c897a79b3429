// discovery.k8s.io/v1 kinds this server serves.
import type { ResourceStrategy } from '../types.js';
import { endpointSliceStrategy } from './endpointslice.js';

export const discoveryStrategies: readonly ResourceStrategy[] = [endpointSliceStrategy];
