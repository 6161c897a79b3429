// events.k8s.io/v1 kinds this server serves.
import type { ResourceStrategy } from '../types.js';
import { eventsEventStrategy } from './event.js';

export const eventsStrategies: readonly ResourceStrategy[] = [eventsEventStrategy];
