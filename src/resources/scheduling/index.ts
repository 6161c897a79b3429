// scheduling.k8s.io/v1 kinds this server serves.
import type { ResourceStrategy } from '../types.js';
import { priorityClassStrategy } from './priorityclass.js';

export const schedulingStrategies: readonly ResourceStrategy[] = [priorityClassStrategy];
