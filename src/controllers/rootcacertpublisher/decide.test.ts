import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../machinery/types.js';
import { decideRootCACert, DESCRIPTION, DESCRIPTION_ANNOTATION, ROOT_CA_CONFIG_MAP } from './decide.js';

const CA = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
const ns = (name: string, phase = 'Active', deleting = false): KubeObject => ({
  metadata: { name, uid: `ns-${name}`, ...(deleting ? { deletionTimestamp: '2024-01-01T00:00:00Z' } : {}) },
  status: { phase },
});
const cm = (data: Record<string, string>, annotations?: Record<string, string>): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: ROOT_CA_CONFIG_MAP, namespace: 'team-a', resourceVersion: '7', ...(annotations ? { annotations } : {}) },
  data,
});

describe('root CA cert publisher', () => {
  it('creates kube-root-ca.crt with the CA and the description annotation', () => {
    assert.deepEqual(decideRootCACert({ namespace: ns('team-a'), configMap: undefined, rootCA: CA }, 0), [{
      kind: 'create',
      object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'kube-root-ca.crt', namespace: 'team-a', annotations: { 'kubernetes.io/description': DESCRIPTION } }, data: { 'ca.crt': CA } },
      tolerate: ['AlreadyExists', 'NotFound', 'Forbidden'],
    }]);
    assert.match(DESCRIPTION, /^Contains a CA bundle that can be used to verify the kube-apiserver .* No other usage is guaranteed across distributions of Kubernetes clusters\.$/);
  });

  it('leaves a correct copy alone and skips terminating namespaces', () => {
    assert.deepEqual(decideRootCACert({ namespace: ns('team-a'), configMap: cm({ 'ca.crt': CA }, { [DESCRIPTION_ANNOTATION]: DESCRIPTION }), rootCA: CA }, 0), []);
    assert.deepEqual(decideRootCACert({ namespace: ns('gone', 'Terminating', true), configMap: undefined, rootCA: CA }, 0), []);
  });

  it('puts back edited data and a removed annotation, keeping other annotations and the resourceVersion', () => {
    const [action] = decideRootCACert({ namespace: ns('team-a'), configMap: cm({ 'ca.crt': 'tampered', extra: 'x' }, { keep: 'me' }), rootCA: CA }, 0);
    assert.equal(action.kind, 'update');
    assert.ok(action.kind === 'update');
    assert.deepEqual(action.object.data, { 'ca.crt': CA });
    assert.deepEqual(action.object.metadata.annotations, { keep: 'me', [DESCRIPTION_ANNOTATION]: DESCRIPTION });
    assert.equal(action.object.metadata.resourceVersion, '7');
  });
});
