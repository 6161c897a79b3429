import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateFieldManager, validateObjectMeta, validateObjectMetaUpdate } from './objectMeta.js';
import { fieldErrorMessage } from './fieldErrors.js';
import type { ObjectMeta } from './types.js';

const msgs = (errs: { field: string }[]): string[] => errs.map((e) => fieldErrorMessage(e as Parameters<typeof fieldErrorMessage>[0]));
const ns = { namespaced: true, nameRule: 'subdomain' as const };
const cluster = { namespaced: false, nameRule: 'subdomain' as const };

test('a valid namespaced object passes', () => {
  assert.deepEqual(validateObjectMeta({ name: 'web', namespace: 'default', labels: { app: 'web' }, annotations: { 'example.com/a': 'b' } }, ns), []);
  assert.deepEqual(validateObjectMeta({ name: 'node-1' }, cluster), []);
  assert.deepEqual(validateObjectMeta({ generateName: 'web-', name: 'web-x7k2p', namespace: 'default' }, ns), []);
});

test('name: required unless generateName; rule messages', () => {
  assert.deepEqual(msgs(validateObjectMeta({ namespace: 'default' }, ns)), ['metadata.name: Required value: name or generateName is required']);
  const bad = msgs(validateObjectMeta({ name: 'Web', namespace: 'default' }, ns));
  assert.equal(bad.length, 1);
  assert.match(bad[0], /^metadata\.name: Invalid value: "Web": a lowercase RFC 1123 subdomain must consist of/);
  assert.deepEqual(msgs(validateObjectMeta({ name: 'a.b', namespace: 'default' }, { namespaced: true, nameRule: 'label' })), ['metadata.name: Invalid value: "a.b": must not contain dots']);
  const gen = msgs(validateObjectMeta({ generateName: 'Web-', name: 'Web-abcde', namespace: 'default' }, ns));
  assert.equal(gen.length, 2);
  assert.match(gen[0], /^metadata\.generateName: Invalid value: "Web-": /);
  assert.match(gen[1], /^metadata\.name: Invalid value: "Web-abcde": /);
});

test('custom validateName returning messages or field errors', () => {
  const errs = validateObjectMeta({ name: 'x', namespace: 'd' }, { ...ns, validateName: () => ['nope'] });
  assert.deepEqual(msgs(errs), ['metadata.name: Invalid value: "x": nope']);
  const errs2 = validateObjectMeta({ name: 'x', namespace: 'd' }, { ...ns, validateName: (n) => [{ type: 'Invalid', field: 'metadata.name', value: n, detail: 'custom' }] });
  assert.deepEqual(msgs(errs2), ['metadata.name: Invalid value: "x": custom']);
});

test('namespace: required when namespaced, forbidden when cluster-scoped, must be a label', () => {
  assert.deepEqual(msgs(validateObjectMeta({ name: 'a' }, ns)), ['metadata.namespace: Required value']);
  assert.deepEqual(msgs(validateObjectMeta({ name: 'a', namespace: 'x' }, cluster)), ['metadata.namespace: Forbidden: not allowed on this type']);
  assert.deepEqual(msgs(validateObjectMeta({ name: 'a', namespace: 'a.b' }, ns)), ['metadata.namespace: Invalid value: "a.b": must not contain dots']);
});

test('labels, annotations, finalizers, generation', () => {
  const e = msgs(validateObjectMeta({ name: 'a', namespace: 'd', labels: { 'a b': 'x' }, annotations: { 'Example.com/UPPER': 'ok', 'bad key!': 'v' }, finalizers: ['kubernetes.io/pvc-protection', 'bad/fin/x'], generation: -1 }, ns));
  assert.equal(e.length, 4);
  assert.equal(e[0], 'metadata.generation: Invalid value: -1: must be greater than or equal to 0');
  assert.match(e[1], /^metadata\.labels: Invalid value: "a b": name part must consist of/);
  assert.match(e[2], /^metadata\.annotations: Invalid value: "bad key!": name part must consist of/);
  assert.match(e[3], /^metadata\.finalizers: Invalid value: "bad\/fin\/x": a qualified name must consist of/);
  const both = msgs(validateObjectMeta({ name: 'a', namespace: 'd', finalizers: ['orphan', 'foregroundDeletion'] }, ns));
  assert.deepEqual(both, ['metadata.finalizers: Invalid value: ["orphan","foregroundDeletion"]: finalizer orphan and foregroundDeletion cannot be both set']);
});

test('annotations: total size limit of 256 KiB', () => {
  assert.deepEqual(validateObjectMeta({ name: 'a', namespace: 'd', annotations: { a: 'x'.repeat(262143) } }, ns), []);
  const e = validateObjectMeta({ name: 'a', namespace: 'd', annotations: { a: 'x'.repeat(262144) } }, ns);
  assert.equal(e.length, 1);
  assert.equal(e[0].type, 'TooLong');
  assert.equal(e[0].field, 'metadata.annotations');
  assert.match(e[0].detail ?? '', /262144 bytes/);
});

test('ownerReferences: upstream paths (no index) and messages', () => {
  const refs = [
    { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: 'u1', controller: true },
    { apiVersion: '', kind: '', name: '', uid: '' },
    { apiVersion: 'v1', kind: 'Event', name: 'e', uid: 'u3' },
    { apiVersion: 'apps/v1', kind: 'Deployment', name: 'd', uid: 'u4', controller: true },
  ];
  const e = msgs(validateObjectMeta({ name: 'a', namespace: 'd', ownerReferences: refs }, ns));
  assert.deepEqual(e.slice(0, 4), [
    'metadata.ownerReferences.apiVersion: Invalid value: "": version must not be empty',
    'metadata.ownerReferences.kind: Invalid value: "": kind must not be empty',
    'metadata.ownerReferences.name: Invalid value: "": name must not be empty',
    'metadata.ownerReferences.uid: Invalid value: "": uid must not be empty',
  ]);
  assert.match(e[4], /^metadata\.ownerReferences: Invalid value: .*: \/v1, Kind=Event is disallowed from being an owner$/);
  assert.match(e[5], /^metadata\.ownerReferences: Invalid value: .*: Only one reference can have Controller set to true\. Found "true" in references for ReplicaSet\/rs and Deployment\/d$/);
  assert.equal(e.length, 6);
});

test('managedFields and field managers', () => {
  const e = msgs(validateObjectMeta({ name: 'a', namespace: 'd', managedFields: [{ manager: 'kubectl', operation: 'Apply', fieldsType: 'FieldsV1' }, { manager: 'x', fieldsType: 'FieldsV2' } as never] }, ns));
  assert.deepEqual(e, ['metadata.managedFields[1].operation: Invalid value: "": must be `Apply` or `Update`', 'metadata.managedFields[1].fieldsType: Invalid value: "FieldsV2": must be `FieldsV1`']);
  assert.deepEqual(validateFieldManager('kubectl-client-side-apply', 'fieldManager'), []);
  assert.equal(validateFieldManager('x'.repeat(129), 'fieldManager')[0].type, 'TooLong');
  assert.deepEqual(msgs(validateFieldManager('a\u0007b', 'fieldManager')), ['fieldManager: Invalid value: "a\\u0007b": invalid character U+0007 (at position 1)']);
});

test('update: immutable fields, generation, resourceVersion, finalizers while deleting', () => {
  const old: ObjectMeta = { name: 'a', namespace: 'd', uid: 'u', creationTimestamp: '2024-01-01T00:00:00Z', resourceVersion: '5', generation: 3 };
  assert.deepEqual(validateObjectMetaUpdate({ ...old, labels: { x: 'y' }, generation: 4 }, old), []);
  const e = msgs(validateObjectMetaUpdate({ name: 'b', namespace: 'e', uid: 'v', creationTimestamp: '2025-01-01T00:00:00Z', generation: 2 }, old));
  assert.deepEqual(e, [
    'metadata.resourceVersion: Invalid value: "": must be specified for an update',
    'metadata.generation: Invalid value: 2: must not be decremented',
    'metadata.name: Invalid value: "b": field is immutable',
    'metadata.namespace: Invalid value: "e": field is immutable',
    'metadata.uid: Invalid value: "v": field is immutable',
    'metadata.creationTimestamp: Invalid value: "2025-01-01T00:00:00Z": field is immutable',
  ]);
  const deleting: ObjectMeta = { ...old, deletionTimestamp: '2024-02-01T00:00:00Z', deletionGracePeriodSeconds: 0, finalizers: ['a.io/x'] };
  assert.deepEqual(validateObjectMetaUpdate({ ...deleting, finalizers: [] }, deleting), [], 'removing finalizers is fine');
  assert.deepEqual(msgs(validateObjectMetaUpdate({ ...deleting, finalizers: ['a.io/x', 'b.io/y'] }, deleting)), [
    'metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{"b.io/y"}',
  ]);
  assert.deepEqual(msgs(validateObjectMetaUpdate({ ...old, deletionTimestamp: '2024-02-01T00:00:00Z' }, old)), ['metadata.deletionTimestamp: Invalid value: "2024-02-01T00:00:00Z": field is immutable']);
});
