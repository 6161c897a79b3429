import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../machinery/types.js';
import { isPodStream, isPodStreamUpgrade, validateContainer } from './podStreams.js';
import { parseRequestPath, type ResourceRequest } from '../requestInfo.js';

const pod = (spec: Record<string, unknown>): KubeObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'd' }, spec });
const c = (...names: string[]): { name: string; image: string }[] => names.map((name) => ({ name, image: 'x' }));

describe('validateContainer', () => {
  it('defaults to the only container, ignoring init and ephemeral ones', () => {
    assert.equal(validateContainer('', pod({ containers: c('main'), initContainers: c('init') })), 'main');
  });

  it('lists every container, init and ephemeral included, when the name is missing', () => {
    assert.throws(() => validateContainer('', pod({ initContainers: c('init'), containers: c('a', 'b'), ephemeralContainers: c('debug') })), {
      message: 'a container name must be specified for pod p, choose one of: [init a b debug]',
    });
  });

  it('accepts any container of the pod by name and refuses others', () => {
    assert.equal(validateContainer('init', pod({ initContainers: c('init'), containers: c('a', 'b') })), 'init');
    assert.throws(() => validateContainer('nope', pod({ containers: c('a') })), { message: 'container nope is not valid for pod p' });
  });
});

describe('routing', () => {
  const target = (path: string): ResourceRequest => parseRequestPath(path) as ResourceRequest;
  it('recognises the pod streaming subresources', () => {
    assert.equal(isPodStream(target('/api/v1/namespaces/d/pods/p/log')), true);
    assert.equal(isPodStreamUpgrade(target('/api/v1/namespaces/d/pods/p/log')), false);
    for (const sub of ['exec', 'attach', 'portforward']) assert.equal(isPodStreamUpgrade(target(`/api/v1/namespaces/d/pods/p/${sub}`)), true);
    assert.equal(isPodStream(target('/api/v1/namespaces/d/pods/p/status')), false);
    assert.equal(isPodStream(target('/apis/apps/v1/namespaces/d/deployments/p/exec')), false);
  });
});
