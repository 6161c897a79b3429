// How metrics.k8s.io/v1beta1 appears in discovery: the two read-only resources metrics-server
// registers (pkg/api/install.go), each with verbs get and list and an empty singularName
// (its storages' GetSingularName returns "").
import type { StaticGroupVersion } from '../discovery.js';
import { metricsGroup, metricsVersion } from './objects.js';

export const metricsDiscovery: StaticGroupVersion = {
  group: metricsGroup,
  version: metricsVersion,
  resources: [
    { name: 'nodes', singularName: '', namespaced: false, kind: 'NodeMetrics', verbs: ['get', 'list'] },
    { name: 'pods', singularName: '', namespaced: true, kind: 'PodMetrics', verbs: ['get', 'list'] },
  ],
};
