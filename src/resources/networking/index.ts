// networking.k8s.io/v1 kinds this server serves, in the order discovery lists them.
import type { ResourceStrategy } from '../types.js';
import { ingressClassStrategy } from './ingressclass.js';
import { ingressStrategy } from './ingress.js';

export const networkingStrategies: readonly ResourceStrategy[] = [ingressClassStrategy, ingressStrategy];
