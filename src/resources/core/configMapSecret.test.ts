import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fieldErrorMessage } from '../../machinery/fieldErrors.js';
import type { KubeObject } from '../../machinery/types.js';
import { configMapStrategy as cm } from './configMap.js';
import { secretStrategy as sec } from './secret.js';

const now = Date.parse('2024-01-01T00:10:00Z');
const b64 = (s: string): string => Buffer.from(s).toString('base64');

function configMap(extra: Record<string, unknown>): KubeObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'game-demo', namespace: 'default', creationTimestamp: '2024-01-01T00:00:00Z' }, ...extra };
}

function secret(extra: Record<string, unknown>, annotations?: Record<string, string>): KubeObject {
  const o: KubeObject = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'default', creationTimestamp: '2024-01-01T00:00:00Z', annotations }, ...extra };
  sec.prepareForCreate(o);
  sec.defaults(o);
  return o;
}

const cmErrors = (o: KubeObject): string[] => cm.validate(o).map(fieldErrorMessage);
const secErrors = (o: KubeObject): string[] => sec.validate(o).map(fieldErrorMessage);

test('ConfigMap keys, data/binaryData overlap', () => {
  assert.deepEqual(cmErrors(configMap({ data: { 'game.properties': 'x', player_initial_lives: '3' } })), []);
  assert.deepEqual(cmErrors(configMap({ data: { 'a b': 'x', k: 'v' }, binaryData: { k: b64('v') } })), [
    "data[a b]: Invalid value: \"a b\": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')",
    'data[k]: Invalid value: "k": duplicate of key present in binaryData',
  ]);
});

test('ConfigMap total size is at most 1 MiB', () => {
  const big = 'x'.repeat(600 * 1024);
  assert.deepEqual(cmErrors(configMap({ data: { a: big, b: big } })), ['[]: Too long: may not be more than 1048576 bytes']);
  assert.deepEqual(cmErrors(configMap({ data: { a: big } })), []);
});

test('immutable ConfigMap: data frozen, flag cannot be unset', () => {
  const old = configMap({ data: { a: '1' }, immutable: true });
  assert.deepEqual(cm.validateUpdate(configMap({ data: { a: '1' }, immutable: true }), old), []);
  assert.deepEqual(cm.validateUpdate(configMap({ data: { a: '2' }, immutable: true }), old).map(fieldErrorMessage), [
    'data: Forbidden: field is immutable when `immutable` is set',
  ]);
  assert.deepEqual(cm.validateUpdate(configMap({ data: { a: '1' }, immutable: false }), old).map(fieldErrorMessage), [
    'immutable: Forbidden: field is immutable when `immutable` is set',
  ]);
  // Becoming immutable is allowed.
  assert.deepEqual(cm.validateUpdate(configMap({ data: { a: '2' }, immutable: true }), configMap({ data: { a: '1' } })), []);
});

test('ConfigMap table counts data and binaryData', () => {
  assert.deepEqual(cm.table.row(configMap({ data: { a: '1', b: '2' }, binaryData: { c: b64('3') } }), now), ['game-demo', 3, '10m']);
  assert.deepEqual(cm.table.columns.map((c) => c.name), ['Name', 'Data', 'Age']);
});

test('Secret: type Opaque by default, stringData merged into data', () => {
  const o = secret({ data: { a: b64('old'), b: b64('keep') }, stringData: { a: 'new', c: 'ü' } });
  assert.equal(o.type, 'Opaque');
  assert.equal(o.stringData, undefined);
  assert.deepEqual(o.data, { a: b64('new'), b: b64('keep'), c: b64('ü') });
  assert.deepEqual(secErrors(o), []);
});

test('Secret: type-specific required keys', () => {
  assert.deepEqual(secErrors(secret({ type: 'kubernetes.io/tls', data: {} })), ['data[tls.crt]: Required value', 'data[tls.key]: Required value']);
  assert.deepEqual(secErrors(secret({ type: 'kubernetes.io/tls', stringData: { 'tls.crt': 'c', 'tls.key': 'k' } })), []);
  assert.deepEqual(secErrors(secret({ type: 'kubernetes.io/dockerconfigjson' })), ['data[.dockerconfigjson]: Required value']);
  const badJson = secErrors(secret({ type: 'kubernetes.io/dockerconfigjson', stringData: { '.dockerconfigjson': '{nope' } }));
  assert.equal(badJson.length, 1);
  assert.match(badJson[0], /^data\[\.dockerconfigjson\]: Invalid value: "<secret contents redacted>": /);
  assert.deepEqual(secErrors(secret({ type: 'kubernetes.io/basic-auth' })), ['data[%s][username]: Required value', 'data[%s][password]: Required value']);
  assert.deepEqual(secErrors(secret({ type: 'kubernetes.io/basic-auth', stringData: { password: 'p' } })), []);
  assert.deepEqual(secErrors(secret({ type: 'kubernetes.io/ssh-auth' })), ['data[%s][ssh-privatekey]: Required value']);
  assert.deepEqual(secErrors(secret({ type: 'kubernetes.io/service-account-token' })), ['metadata.annotations[kubernetes.io/service-account.name]: Required value']);
  assert.deepEqual(secErrors(secret({ type: 'kubernetes.io/service-account-token' }, { 'kubernetes.io/service-account.name': 'default' })), []);
});

test('Secret: keys, base64 and size', () => {
  assert.deepEqual(secErrors(secret({ data: { 'bad/key': b64('x') } })).length, 1);
  assert.deepEqual(secErrors(secret({ data: { k: 'not base64!' } })), ['data[k]: Invalid value: "<secret contents redacted>": illegal base64 data at input byte 3']);
  const big = Buffer.alloc(1024 * 1024 + 1).toString('base64');
  assert.deepEqual(secErrors(secret({ data: { k: big } })), ['data: Too long: may not be more than 1048576 bytes']);
});

test('Secret update: type immutable; immutable data', () => {
  const old = secret({ type: 'Opaque', data: { a: b64('1') }, immutable: true });
  const changed = secret({ type: 'kubernetes.io/tls', data: { a: b64('2'), 'tls.crt': '', 'tls.key': '' }, immutable: true });
  assert.deepEqual(sec.validateUpdate(changed, old).map(fieldErrorMessage), [
    'type: Invalid value: "kubernetes.io/tls": field is immutable',
    'data: Forbidden: field is immutable when `immutable` is set',
  ]);
  const viaStringData = secret({ type: 'Opaque', data: { a: b64('1') }, immutable: true });
  (viaStringData as any).stringData = { a: '2' };
  sec.prepareForUpdate(viaStringData, old);
  assert.deepEqual(sec.validateUpdate(viaStringData, old).map(fieldErrorMessage), ['data: Forbidden: field is immutable when `immutable` is set']);
});

test('Secret table and the type field selector', () => {
  const o = secret({ type: 'kubernetes.io/tls', stringData: { 'tls.crt': 'c', 'tls.key': 'k' } });
  assert.deepEqual(sec.table.row(o, now), ['s', 'kubernetes.io/tls', 2, '10m']);
  assert.equal(sec.fieldSelectors.type(o), 'kubernetes.io/tls');
});
