// Every error is a Status with upstream's code and reason (issue 2: 400, 401, 404, 405,
// 409, 413, 415, 422; 410 is in watchResume.test.ts), client mistakes never answer 500,
// and a refused write leaves the stored object exactly as it was.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startCluster, type TestCluster } from '../support/cluster.js';
import { rawApi, statusOf, type RawApi, type RawOptions, type RawResponse } from '../support/rawApi.js';

const cms = '/api/v1/namespaces/default/configmaps';
const cm = (name: string, data: Record<string, string> = {}): Record<string, unknown> => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data });

function expectStatus(r: RawResponse, code: number, reason: string, message?: string | RegExp): void {
  assert.equal(r.status, code, r.text.slice(0, 400));
  assert.match(String(r.headers['content-type']), /^application\/json/);
  const s = statusOf(r);
  assert.equal(s.kind, 'Status');
  assert.equal(s.apiVersion, 'v1');
  assert.equal(s.status, 'Failure');
  assert.equal(s.code, code);
  assert.equal(s.reason, reason);
  if (typeof message === 'string') assert.equal(s.message, message);
  else if (message) assert.match(s.message ?? '', message);
}

describe('API errors', () => {
  let c: TestCluster;
  let api: RawApi;
  let base: { metadata: { resourceVersion: string; uid: string } };
  before(async () => {
    c = await startCluster();
    api = rawApi(c.url, c.dataDir);
    const r = await api.send('POST', cms, cm('base', { a: '1' }));
    assert.equal(r.status, 201, r.text);
    base = r.json as typeof base;
  });
  after(async () => {
    await c.stop();
  });

  it('400 BadRequest: a body that is not JSON, or the wrong kind', async () => {
    expectStatus(await api.req('POST', cms, { body: '{not json' }), 400, 'BadRequest');
    expectStatus(await api.send('POST', cms, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'x' } }), 400, 'BadRequest');
    expectStatus(await api.send('POST', cms, { ...cm('x'), metadata: { name: 'x', namespace: 'kube-system' } }), 400, 'BadRequest', 'the namespace of the provided object does not match the namespace sent on the request');
    expectStatus(await api.send('PUT', `${cms}/base`, { ...cm('other'), metadata: { name: 'other', resourceVersion: base.metadata.resourceVersion } }), 400, 'BadRequest', 'the name of the object (other) does not match the name on the URL (base)');
  });

  it('401 Unauthorized without a client certificate', async () => {
    expectStatus(await api.req('GET', cms, { anonymous: true }), 401, 'Unauthorized');
    expectStatus(await api.send('POST', cms, cm('anon'), { anonymous: true }), 401, 'Unauthorized');
    assert.equal((await api.req('GET', `${cms}/anon`)).status, 404);
  });

  it('404 NotFound: an object, a resource type, a group', async () => {
    const r = await api.req('GET', `${cms}/nope`);
    expectStatus(r, 404, 'NotFound', 'configmaps "nope" not found');
    assert.deepEqual(statusOf(r).details, { name: 'nope', kind: 'configmaps' });
    expectStatus(await api.req('GET', '/apis/apps/v1/namespaces/default/deployments/nope'), 404, 'NotFound', 'deployments.apps "nope" not found');
    expectStatus(await api.req('GET', '/api/v1/namespaces/default/widgets'), 404, 'NotFound');
    expectStatus(await api.req('GET', '/apis/example.com/v1/things'), 404, 'NotFound');
    expectStatus(await api.req('DELETE', `${cms}/nope`), 404, 'NotFound', 'configmaps "nope" not found');
    // kubectl shows the same.
    const k = await c.kubectl(['get', 'cm', 'nope']);
    assert.match(k.stderr, /Error from server \(NotFound\): configmaps "nope" not found/);
  });

  it('405 MethodNotAllowed: verbs a resource does not serve', async () => {
    expectStatus(await api.send('PUT', cms, cm('x')), 405, 'MethodNotAllowed');
    expectStatus(await api.send('POST', `${cms}/base`, cm('base')), 405, 'MethodNotAllowed');
    expectStatus(await api.req('DELETE', '/apis/apps/v1/namespaces/default/deployments/x/status'), 405, 'MethodNotAllowed');
  });

  it('409 AlreadyExists and 409 Conflict on a stale resourceVersion', async () => {
    const exists = await api.send('POST', cms, cm('base'));
    expectStatus(exists, 409, 'AlreadyExists', 'configmaps "base" already exists');
    assert.deepEqual(statusOf(exists).details, { name: 'base', kind: 'configmaps' });
    const k = await c.kubectl(['create', '-f', '-'], { input: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: base}\n' });
    assert.match(k.stderr, /Error from server \(AlreadyExists\): error when creating "STDIN": configmaps "base" already exists/);

    const fresh = (await api.send('PUT', `${cms}/base`, { ...cm('base', { a: '2' }), metadata: { name: 'base', resourceVersion: base.metadata.resourceVersion } })).json as typeof base;
    const stale = await api.send('PUT', `${cms}/base`, { ...cm('base', { a: 'stale' }), metadata: { name: 'base', resourceVersion: base.metadata.resourceVersion } });
    expectStatus(stale, 409, 'Conflict', 'Operation cannot be fulfilled on configmaps "base": the object has been modified; please apply your changes to the latest version and try again');
    // A patch naming a stale resourceVersion is refused the same way.
    const stalePatch = await api.req('PATCH', `${cms}/base`, { body: JSON.stringify({ metadata: { resourceVersion: base.metadata.resourceVersion }, data: { a: 'stale' } }), contentType: 'application/merge-patch+json' });
    expectStatus(stalePatch, 409, 'Conflict');
    const now = (await api.req('GET', `${cms}/base`)).json as { data: Record<string, string>; metadata: { resourceVersion: string } };
    assert.deepEqual(now.data, { a: '2' });
    assert.equal(now.metadata.resourceVersion, fresh.metadata.resourceVersion);
  });

  it('413 RequestEntityTooLarge above 3 MiB, and nothing is written', async () => {
    const huge = cm('huge', { a: 'x'.repeat(3 * 1024 * 1024 + 1) });
    const r = await api.socketExchange('POST', cms, Buffer.from(JSON.stringify(huge)));
    expectStatus(r, 413, 'RequestEntityTooLarge', 'Request entity too large: limit is 3145728');
    assert.equal((await api.req('GET', `${cms}/huge`)).status, 404);
    const before = (await api.req('GET', `${cms}/base`)).json as { metadata: { resourceVersion: string } };
    const put = await api.socketExchange('PUT', `${cms}/base`, Buffer.from(JSON.stringify({ ...huge, metadata: { name: 'base' } })));
    expectStatus(put, 413, 'RequestEntityTooLarge');
    assert.equal(((await api.req('GET', `${cms}/base`)).json as typeof before).metadata.resourceVersion, before.metadata.resourceVersion);
  });

  it('415 UnsupportedMediaType for a body type the server does not read', async () => {
    expectStatus(await api.req('POST', cms, { body: 'a=b', contentType: 'text/plain' }), 415, 'UnsupportedMediaType', /^the body of the request was in an unknown format - accepted media types include: application\/json, application\/yaml, application\/vnd\.kubernetes\.protobuf/);
    // A PATCH needs one of the patch types.
    expectStatus(await api.req('PATCH', `${cms}/base`, { body: '{}', contentType: 'application/json' }), 415, 'UnsupportedMediaType', /^the body of the request was in an unknown format - accepted media types include: application\/json-patch\+json, application\/merge-patch\+json, application\/strategic-merge-patch\+json, application\/apply-patch\+yaml/);
  });

  it('422 Invalid: an invalid object, with its causes', async () => {
    const r = await api.send('POST', cms, cm('Bad_Name'));
    expectStatus(r, 422, 'Invalid', /^ConfigMap "Bad_Name" is invalid: metadata\.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain/);
    const s = statusOf(r);
    assert.equal(s.details?.kind, 'ConfigMap');
    assert.equal(s.details?.causes?.[0]?.reason, 'FieldValueInvalid');
    assert.equal(s.details?.causes?.[0]?.field, 'metadata.name');
  });

  describe('client mistakes are 4xx, never 500, and change nothing', () => {
    const mistakes: { title: string; method: string; path: string; opts?: RawOptions; code: number; reason: string; message?: string | RegExp }[] = [
      { title: 'a JSON array body', method: 'POST', path: cms, opts: { body: '[1,2]' }, code: 400, reason: 'BadRequest' },
      { title: 'an empty body', method: 'POST', path: cms, opts: { body: '' }, code: 400, reason: 'BadRequest' },
      { title: 'metadata that is not an object', method: 'POST', path: cms, opts: { body: '{"apiVersion":"v1","kind":"ConfigMap","metadata":"x"}' }, code: 400, reason: 'BadRequest' },
      { title: 'data of the wrong type', method: 'POST', path: cms, opts: { body: '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x"},"data":[1]}' }, code: 400, reason: 'BadRequest', message: /^ConfigMap in version "v1" cannot be handled as a ConfigMap: json: cannot unmarshal array into Go struct field ConfigMap\.data of type map\[string\]string$/ },
      { title: 'a create without a name', method: 'POST', path: cms, opts: { body: '{"apiVersion":"v1","kind":"ConfigMap","metadata":{}}' }, code: 422, reason: 'Invalid', message: 'ConfigMap "" is invalid: metadata.name: Required value: name or generateName is required' },
      { title: 'a resourceVersion on create', method: 'POST', path: cms, opts: { body: '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x","resourceVersion":"5"}}' }, code: 400, reason: 'BadRequest', message: 'resourceVersion should not be set on objects to be created' },
      { title: 'a JSON patch that is not a list', method: 'PATCH', path: `${cms}/base`, opts: { body: '{"op":"add"}', contentType: 'application/json-patch+json' }, code: 400, reason: 'BadRequest' },
      { title: 'a JSON patch on a missing path', method: 'PATCH', path: `${cms}/base`, opts: { body: '[{"op":"replace","path":"/nope/x","value":1}]', contentType: 'application/json-patch+json' }, code: 422, reason: 'Invalid' },
      { title: 'a failing JSON patch test', method: 'PATCH', path: `${cms}/base`, opts: { body: '[{"op":"test","path":"/data/a","value":"zzz"},{"op":"replace","path":"/data/a","value":"changed"}]', contentType: 'application/json-patch+json' }, code: 422, reason: 'Invalid' },
      { title: 'a merge patch that is not JSON', method: 'PATCH', path: `${cms}/base`, opts: { body: '{not', contentType: 'application/merge-patch+json' }, code: 400, reason: 'BadRequest' },
      { title: 'an apply patch that is not YAML', method: 'PATCH', path: `${cms}/base?fieldManager=t`, opts: { body: 'a: [b', contentType: 'application/apply-patch+yaml' }, code: 400, reason: 'BadRequest' },
      { title: 'an apply patch without fieldManager', method: 'PATCH', path: `${cms}/base`, opts: { body: 'apiVersion: v1\nkind: ConfigMap\n', contentType: 'application/apply-patch+yaml' }, code: 400, reason: 'BadRequest', message: 'PATCH, application/apply-patch+yaml requires fieldManager parameter' },
      { title: 'a malformed label selector', method: 'GET', path: `${cms}?labelSelector=${encodeURIComponent('a===b')}`, code: 400, reason: 'BadRequest' },
      { title: 'an unknown field selector', method: 'GET', path: `${cms}?fieldSelector=${encodeURIComponent('spec.foo=b')}`, code: 400, reason: 'BadRequest' },
      { title: 'a limit that is not a number', method: 'GET', path: `${cms}?limit=abc`, code: 400, reason: 'BadRequest', message: 'strconv.ParseInt: parsing "abc": invalid syntax' },
      { title: 'a watch timeout that is not a number', method: 'GET', path: `${cms}?watch=true&timeoutSeconds=abc`, code: 400, reason: 'BadRequest' },
      { title: 'a watch from a resourceVersion that is not a number', method: 'GET', path: `${cms}?watch=true&resourceVersion=abc`, code: 400, reason: 'BadRequest' },
      { title: 'an unknown dryRun value on update', method: 'PUT', path: `${cms}/base?dryRun=all`, opts: { body: JSON.stringify(cm('base', { a: 'dry' })) }, code: 422, reason: 'Invalid', message: 'UpdateOptions.meta.k8s.io "" is invalid: dryRun: Unsupported value: ["all"]: supported values: "All"' },
      { title: 'an unknown dryRun value on delete', method: 'DELETE', path: `${cms}/base?dryRun=yes`, code: 422, reason: 'Invalid', message: 'DeleteOptions.meta.k8s.io "" is invalid: dryRun: Unsupported value: ["yes"]: supported values: "All"' },
      { title: 'an unknown propagationPolicy', method: 'DELETE', path: `${cms}/base`, opts: { body: '{"propagationPolicy":"Bogus"}' }, code: 422, reason: 'Invalid', message: 'DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Unsupported value: "Bogus": supported values: "Foreground", "Background", "Orphan", "nil"' },
      { title: 'a mistyped gracePeriodSeconds in DeleteOptions', method: 'DELETE', path: `${cms}/base`, opts: { body: '{"gracePeriodSeconds":"soon"}' }, code: 400, reason: 'BadRequest', message: 'json: cannot unmarshal string into Go struct field DeleteOptions.gracePeriodSeconds of type int64' },
      { title: 'a mistyped dryRun in DeleteOptions', method: 'DELETE', path: `${cms}/base`, opts: { body: '{"dryRun":"All"}' }, code: 400, reason: 'BadRequest' },
      { title: 'a DeleteOptions that is not JSON', method: 'DELETE', path: `${cms}/base`, opts: { body: '{oops' }, code: 400, reason: 'BadRequest' },
      { title: 'a gracePeriodSeconds query that is not a number', method: 'DELETE', path: `${cms}/base?gracePeriodSeconds=soon`, code: 400, reason: 'BadRequest' },
      { title: 'a stale uid precondition on delete', method: 'DELETE', path: `${cms}/base`, opts: { body: '{"preconditions":{"uid":"00000000-0000-0000-0000-000000000000"}}' }, code: 409, reason: 'Conflict', message: /Precondition failed: UID in precondition: 00000000-0000-0000-0000-000000000000/ },
    ];

    for (const m of mistakes) {
      it(`${m.code} for ${m.title}`, async () => {
        const before = (await api.req('GET', `${cms}/base`)).json as { metadata: { resourceVersion: string }; data: Record<string, string> };
        expectStatus(await api.req(m.method, m.path, m.opts), m.code, m.reason, m.message);
        const now = await api.req('GET', `${cms}/base`);
        assert.equal(now.status, 200, `${cms}/base must survive: ${now.text}`);
        assert.equal((now.json as typeof before).metadata.resourceVersion, before.metadata.resourceVersion);
        assert.deepEqual((now.json as typeof before).data, before.data);
        assert.equal((await api.req('GET', `${cms}/x`)).status, 404);
      });
    }
  });
});
