import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../machinery/types.js';
import { credentialsFor, keyMatchesImage, keyringKey } from './pullSecrets.js';

function dockerSecret(name: string, auths: Record<string, Record<string, string>>): KubeObject {
  const json = Buffer.from(JSON.stringify({ auths })).toString('base64');
  return { apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: 'default' }, type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': json } } as KubeObject;
}
const b64 = (s: string): string => Buffer.from(s).toString('base64');

describe('pull secret matching (credentialprovider keyring)', () => {
  it('normalises config keys: scheme dropped, /v1/ and /v2/ mean the host', () => {
    assert.equal(keyringKey('https://index.docker.io/v1/'), 'index.docker.io');
    assert.equal(keyringKey('registry.example.com:5000'), 'registry.example.com:5000');
    assert.equal(keyringKey('http://registry.example.com/team'), 'registry.example.com/team');
  });

  it('matches host parts (with globs), port and path prefix', () => {
    assert.equal(keyMatchesImage('registry.example.com', 'registry.example.com/team/app'), true);
    assert.equal(keyMatchesImage('registry.example.com/team', 'registry.example.com/team/app'), true);
    assert.equal(keyMatchesImage('registry.example.com/other', 'registry.example.com/team/app'), false);
    assert.equal(keyMatchesImage('*.example.com', 'registry.example.com/app'), true);
    assert.equal(keyMatchesImage('*.example.com', 'a.registry.example.com/app'), false);
    assert.equal(keyMatchesImage('localhost:5000', 'localhost:5000/app'), true);
    assert.equal(keyMatchesImage('localhost:5000', 'localhost:5001/app'), false);
  });

  it('decodes auth (user:pass) or username/password, most specific key first', () => {
    const s1 = dockerSecret('a', { 'registry.example.com': { auth: b64('alice:s3cret:x') } });
    const s2 = dockerSecret('b', { 'registry.example.com/team': { username: 'bob', password: 'pw' }, 'other.example.com': { auth: b64('c:d') } });
    assert.deepEqual(credentialsFor('registry.example.com/team/app', [s1, s2]), [
      { username: 'bob', password: 'pw' },
      { username: 'alice', password: 's3cret:x' },
    ]);
    assert.deepEqual(credentialsFor('unrelated.example.org/app', [s1, s2]), []);
  });

  it('uses index.docker.io credentials for Docker Hub images', () => {
    const s = dockerSecret('hub', { 'https://index.docker.io/v1/': { auth: b64('u:p') } });
    assert.deepEqual(credentialsFor('docker.io/library/nginx', [s]), [{ username: 'u', password: 'p' }]);
    assert.deepEqual(credentialsFor('quay.io/x/y', [s]), []);
  });

  it('ignores secrets of other types and undecodable payloads', () => {
    const opaque = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'o' }, type: 'Opaque', data: { '.dockerconfigjson': b64('{"auths":{"r.io":{"auth":"dTpw"}}}') } } as KubeObject;
    const broken = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'x' }, type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': b64('not json') } } as KubeObject;
    assert.deepEqual(credentialsFor('r.io/app', [opaque, broken]), []);
  });
});
