// batch/v1 kinds, in the order discovery lists them.
import type { ResourceStrategy } from '../types.js';
import { cronJobStrategy } from './cronjob.js';
import { jobStrategy } from './job.js';

export const batchStrategies: readonly ResourceStrategy[] = [cronJobStrategy, jobStrategy];
