// The write semantics of the API (issue 2, "The API"): dry runs store nothing,
// generateName, server-owned metadata (uid, creationTimestamp, generation), the status and
// scale subresources, finalizers and deletionTimestamp, graceful pod deletion, namespace
// lifecycle, and server-side field validation. Checked with the real kubectl where a user
// would meet it, and over the raw API for exact codes and fields.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { kubectlVersions, startCluster, type TestCluster } from '../support/cluster.js';
import { rawApi, statusOf, type RawApi, type RawResponse } from '../support/rawApi.js';

interface Obj {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name?: string;
    generateName?: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    creationTimestamp?: string;
    generation?: number;
    labels?: Record<string, string>;
    finalizers?: string[];
    deletionTimestamp?: string;
    deletionGracePeriodSeconds?: number;
  };
  data?: Record<string, string>;
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
}

const cms = '/api/v1/namespaces/default/configmaps';
const deps = '/apis/apps/v1/namespaces/default/deployments';

function obj(r: RawResponse, code: number): Obj {
  assert.equal(r.status, code, r.text.slice(0, 500));
  return r.json as Obj;
}

function deployment(name: string, replicas = 1): Obj {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } },
    },
  };
}

const mergePatch = (api: RawApi, path: string, patch: unknown, query = ''): Promise<RawResponse> =>
  api.req('PATCH', path + query, { body: JSON.stringify(patch), contentType: 'application/merge-patch+json' });

describe('API write semantics', () => {
  let c: TestCluster;
  let api: RawApi;
  before(async () => {
    c = await startCluster();
    api = rawApi(c.url, c.dataDir);
  });
  after(async () => {
    await c.stop();
  });

  describe('dryRun=All stores nothing', () => {
    it('on create, update, patch and delete', async () => {
      const dry = obj(await api.send('POST', `${cms}?dryRun=All`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'dry' }, data: { a: '1' } }), 201);
      assert.equal(dry.metadata.name, 'dry');
      assert.ok(dry.metadata.uid, 'a dry-run create returns the object as it would be stored');
      assert.equal((await api.req('GET', `${cms}/dry`)).status, 404);

      const real = obj(await api.send('POST', cms, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'dry' }, data: { a: '1' } }), 201);
      const put = obj(await api.send('PUT', `${cms}/dry?dryRun=All`, { ...real, data: { a: 'put' } }), 200);
      assert.deepEqual(put.data, { a: 'put' });
      const patched = obj(await mergePatch(api, `${cms}/dry`, { data: { b: 'patch' } }, '?dryRun=All'), 200);
      assert.deepEqual(patched.data, { a: '1', b: 'patch' });
      const del = await api.req('DELETE', `${cms}/dry?dryRun=All`);
      assert.equal(del.status, 200, del.text);
      // A DeleteOptions body can ask for the dry run too.
      const delBody = await api.req('DELETE', `${cms}/dry`, { body: JSON.stringify({ kind: 'DeleteOptions', apiVersion: 'v1', dryRun: ['All'] }) });
      assert.equal(delBody.status, 200, delBody.text);

      const stored = obj(await api.req('GET', `${cms}/dry`), 200);
      assert.deepEqual(stored.data, { a: '1' });
      assert.equal(stored.metadata.resourceVersion, real.metadata.resourceVersion);
    });

    it('with kubectl --dry-run=server', async () => {
      for (const v of kubectlVersions) {
        const name = `kdry-${v.replace('.', '')}`;
        const out = await c.kubectlOk(['create', 'configmap', name, '--from-literal=a=1', '--dry-run=server', '-o', 'jsonpath={.metadata.name}'], { version: v });
        assert.equal(out, name);
        assert.equal((await api.req('GET', `${cms}/${name}`)).status, 404, `kubectl ${v} dry run stored ${name}`);
        await c.kubectlOk(['create', 'configmap', name, '--from-literal=a=1'], { version: v });
        const rv = (await c.kubectlOk(['get', 'cm', name, '-o', 'jsonpath={.metadata.resourceVersion}'], { version: v })).trim();
        await c.kubectlOk(['label', 'cm', name, 'x=y', '--dry-run=server'], { version: v });
        assert.match(await c.kubectlOk(['delete', 'cm', name, '--dry-run=server'], { version: v }), /\(server dry run\)/);
        assert.equal((await c.kubectlOk(['get', 'cm', name, '-o', 'jsonpath={.metadata.resourceVersion}'], { version: v })).trim(), rv);
      }
    });

    it('an unknown dryRun value is refused (422) and nothing is written', async () => {
      const r = await api.send('POST', `${cms}?dryRun=Some`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'dry-typo' } });
      assert.equal(r.status, 422, r.text);
      const s = statusOf(r);
      assert.equal(s.reason, 'Invalid');
      assert.equal(s.message, 'CreateOptions.meta.k8s.io "" is invalid: dryRun: Unsupported value: ["Some"]: supported values: "All"');
      assert.equal((await api.req('GET', `${cms}/dry-typo`)).status, 404);
    });
  });

  it('generateName gives a unique name with a 5-character suffix', async () => {
    const names = new Set<string>();
    for (let i = 0; i < 3; i++) {
      const o = obj(await api.send('POST', cms, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { generateName: 'gen-' } }), 201);
      assert.match(o.metadata.name ?? '', /^gen-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
      assert.equal(o.metadata.generateName, 'gen-');
      names.add(o.metadata.name ?? '');
    }
    assert.equal(names.size, 3);
    const out = await c.kubectlOk(['create', '-f', '-', '-o', 'name'], { input: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {generateName: kgen-}\n' });
    assert.match(out.trim(), /^configmap\/kgen-[a-z0-9]{5}$/);
  });

  describe('server-owned metadata', () => {
    it('sets uid and creationTimestamp, and the client cannot change them', async () => {
      const created = obj(await api.send('POST', cms, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'owned', creationTimestamp: '2000-01-01T00:00:00Z' } }), 201);
      assert.match(created.metadata.uid ?? '', /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      assert.match(created.metadata.creationTimestamp ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      assert.notEqual(created.metadata.creationTimestamp, '2000-01-01T00:00:00Z');
      // Kinds without a status do not track generation.
      assert.equal(created.metadata.generation, undefined);
      const updated = obj(await api.send('PUT', `${cms}/owned`, { ...created, metadata: { ...created.metadata, creationTimestamp: '2000-01-01T00:00:00Z' }, data: { a: '1' } }), 200);
      assert.equal(updated.metadata.creationTimestamp, created.metadata.creationTimestamp);
      assert.equal(updated.metadata.uid, created.metadata.uid);
      assert.notEqual(updated.metadata.resourceVersion, created.metadata.resourceVersion);
    });

    it('refuses an update that names another uid (409, the uid precondition)', async () => {
      const cur = obj(await api.req('GET', `${cms}/owned`), 200);
      const r = await api.send('PUT', `${cms}/owned`, { ...cur, metadata: { ...cur.metadata, uid: '00000000-0000-0000-0000-000000000000' }, data: { a: 'clobber' } });
      assert.equal(r.status, 409, r.text);
      const s = statusOf(r);
      assert.equal(s.reason, 'Conflict');
      assert.match(s.message ?? '', /^Operation cannot be fulfilled on configmaps "owned": .*Precondition failed: UID in precondition: 00000000-0000-0000-0000-000000000000, UID in object meta: /);
      assert.deepEqual(obj(await api.req('GET', `${cms}/owned`), 200).data, { a: '1' });
    });

    it('bumps generation on spec changes only, for kinds with a status', async () => {
      const d = obj(await api.send('POST', deps, deployment('gen')), 201);
      assert.equal(d.metadata.generation, 1);
      const labelled = obj(await mergePatch(api, `${deps}/gen`, { metadata: { labels: { team: 'a' } } }), 200);
      assert.equal(labelled.metadata.generation, 1, 'a label change keeps the generation');
      assert.notEqual(labelled.metadata.resourceVersion, d.metadata.resourceVersion);
      // Upstream's deployment strategy also bumps on annotation changes (they are copied
      // to the ReplicaSets); other kinds with a status do not.
      const annotated = obj(await mergePatch(api, `${deps}/gen`, { metadata: { annotations: { note: 'x' } } }), 200);
      assert.equal(annotated.metadata.generation, 2);
      const scaled = obj(await mergePatch(api, `${deps}/gen`, { spec: { replicas: 3 } }), 200);
      assert.equal(scaled.metadata.generation, 3);
      const retemplated = obj(await mergePatch(api, `${deps}/gen`, { spec: { template: { spec: { containers: [{ name: 'c', image: 'nginx:1.27' }] } } } }), 200);
      assert.equal(retemplated.metadata.generation, 4);
      // The client cannot set generation.
      const forced = obj(await mergePatch(api, `${deps}/gen`, { metadata: { generation: 42 } }), 200);
      assert.equal(forced.metadata.generation, 4);
      // A StatefulSet keeps its generation through label and annotation changes.
      const sts = { ...deployment('gen-sts'), kind: 'StatefulSet', spec: { ...deployment('gen-sts').spec, serviceName: 'gen-sts' } };
      obj(await api.send('POST', '/apis/apps/v1/namespaces/default/statefulsets', sts), 201);
      const stsMeta = obj(await mergePatch(api, '/apis/apps/v1/namespaces/default/statefulsets/gen-sts', { metadata: { labels: { a: 'b' }, annotations: { c: 'd' } } }), 200);
      assert.equal(stsMeta.metadata.generation, 1);
      const stsSpec = obj(await mergePatch(api, '/apis/apps/v1/namespaces/default/statefulsets/gen-sts', { spec: { replicas: 2 } }), 200);
      assert.equal(stsSpec.metadata.generation, 2);
    });
  });

  describe('status subresource', () => {
    it('a write to the main resource cannot change status', async () => {
      const d = obj(await api.send('POST', deps, deployment('st')), 201);
      const put = obj(await api.send('PUT', `${deps}/st`, { ...d, status: { replicas: 7, observedGeneration: 9 } }), 200);
      assert.equal(put.status?.replicas, undefined);
      const patched = obj(await mergePatch(api, `${deps}/st`, { status: { replicas: 7 } }), 200);
      assert.equal(patched.status?.replicas, undefined);
    });

    it('a PUT or PATCH to /status changes status but never spec, and keeps the generation', async () => {
      const cur = obj(await api.req('GET', `${deps}/st`), 200);
      const put = obj(await api.send('PUT', `${deps}/st/status`, { ...cur, spec: { ...cur.spec, replicas: 6 }, status: { replicas: 2, observedGeneration: 1 } }), 200);
      assert.equal(put.spec?.replicas, 1);
      assert.equal(put.status?.replicas, 2);
      assert.equal(put.metadata.generation, cur.metadata.generation);
      const patched = obj(await mergePatch(api, `${deps}/st/status`, { spec: { replicas: 4 }, status: { readyReplicas: 2 } }), 200);
      assert.equal(patched.spec?.replicas, 1);
      assert.equal(patched.status?.readyReplicas, 2);
      assert.equal(patched.status?.replicas, 2);
      const stored = obj(await api.req('GET', `${deps}/st`), 200);
      assert.equal(stored.spec?.replicas, 1);
      assert.deepEqual(stored.status, patched.status);
    });

    it('/status of a kind without one is 404', async () => {
      await api.send('POST', cms, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'nostatus' } });
      const r = await api.req('GET', `${cms}/nostatus/status`);
      assert.equal(r.status, 404, r.text);
      assert.equal(statusOf(r).kind, 'Status');
    });
  });

  describe('scale subresource', () => {
    for (const v of kubectlVersions) {
      it(`kubectl ${v} scale deployment, and GET /scale returns an autoscaling/v1 Scale`, async () => {
        const name = `scale-${v.replace('.', '')}`;
        obj(await api.send('POST', deps, deployment(name)), 201);
        assert.match(await c.kubectlOk(['scale', 'deployment', name, '--replicas=5'], { version: v }), new RegExp(`deployment.apps/${name} scaled`));
        const scale = obj(await api.req('GET', `${deps}/${name}/scale`), 200) as Obj & { spec: { replicas: number }; status: { replicas: number; selector: string } };
        assert.equal(scale.kind, 'Scale');
        assert.equal(scale.apiVersion, 'autoscaling/v1');
        assert.equal(scale.metadata.name, name);
        assert.equal(scale.metadata.namespace, 'default');
        assert.equal(scale.spec.replicas, 5);
        assert.equal(scale.status.selector, `app=${name}`);
        const d = obj(await api.req('GET', `${deps}/${name}`), 200);
        assert.equal(d.spec?.replicas, 5);
        assert.equal(scale.metadata.resourceVersion, d.metadata.resourceVersion);
        assert.equal(d.metadata.generation, 2);
      });
    }

    it('PUT /scale with a stale resourceVersion is a 409 Conflict and changes nothing', async () => {
      const scale = obj(await api.req('GET', `${deps}/scale-133/scale`), 200);
      obj(await mergePatch(api, `${deps}/scale-133`, { metadata: { labels: { bump: '1' } } }), 200);
      const r = await api.send('PUT', `${deps}/scale-133/scale`, { ...scale, spec: { replicas: 9 } });
      assert.equal(r.status, 409, r.text);
      assert.equal(statusOf(r).reason, 'Conflict');
      assert.equal(obj(await api.req('GET', `${deps}/scale-133`), 200).spec?.replicas, 5);
    });

    it('StatefulSet and ReplicaSet scale too', async () => {
      const sts = { ...deployment('sts'), kind: 'StatefulSet', spec: { ...deployment('sts').spec, serviceName: 'sts' } };
      obj(await api.send('POST', '/apis/apps/v1/namespaces/default/statefulsets', sts), 201);
      obj(await api.send('POST', '/apis/apps/v1/namespaces/default/replicasets', { ...deployment('rs'), kind: 'ReplicaSet' }), 201);
      await c.kubectlOk(['scale', 'statefulset', 'sts', '--replicas=2']);
      await c.kubectlOk(['scale', 'replicaset', 'rs', '--replicas=4']);
      assert.equal(await c.kubectlOk(['get', 'sts', 'sts', '-o', 'jsonpath={.spec.replicas}']), '2');
      assert.equal(await c.kubectlOk(['get', 'rs', 'rs', '-o', 'jsonpath={.spec.replicas}']), '4');
    });
  });

  describe('finalizers and deletionTimestamp', () => {
    it('an object with a finalizer survives delete until the finalizer is removed', async () => {
      obj(await api.send('POST', cms, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'held', finalizers: ['example.com/hold'] }, data: { a: '1' } }), 201);
      const del = obj(await api.req('DELETE', `${cms}/held`), 200);
      assert.equal(del.kind, 'ConfigMap', 'a pending delete answers with the object');
      assert.ok(del.metadata.deletionTimestamp);
      const held = obj(await api.req('GET', `${cms}/held`), 200);
      assert.equal(held.metadata.deletionTimestamp, del.metadata.deletionTimestamp);
      assert.deepEqual(held.metadata.finalizers, ['example.com/hold']);
      // Deleting again changes nothing; new finalizers cannot be added now.
      assert.equal(obj(await api.req('DELETE', `${cms}/held`), 200).metadata.deletionTimestamp, del.metadata.deletionTimestamp);
      const add = await mergePatch(api, `${cms}/held`, { metadata: { finalizers: ['example.com/hold', 'example.com/more'] } });
      assert.equal(add.status, 422, add.text);
      assert.match(statusOf(add).message ?? '', /metadata\.finalizers: Forbidden: no new finalizers can be added if the object is being deleted/);
      // Other updates are still allowed while the finalizer is pending.
      assert.deepEqual(obj(await mergePatch(api, `${cms}/held`, { data: { a: '2' } }), 200).data, { a: '2' });
      // kubectl shows it is still there.
      assert.equal(await c.kubectlOk(['get', 'cm', 'held', '-o', 'jsonpath={.metadata.deletionTimestamp}']), del.metadata.deletionTimestamp);
      await c.kubectlOk(['patch', 'cm', 'held', '--type=json', '-p', '[{"op":"remove","path":"/metadata/finalizers"}]']);
      assert.equal((await api.req('GET', `${cms}/held`)).status, 404);
    });
  });

  describe('graceful pod deletion', () => {
    const pods = '/api/v1/namespaces/default/pods';
    const pod = (name: string, nodeName?: string): Obj => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { ...(nodeName ? { nodeName } : {}), containers: [{ name: 'c', image: 'nginx' }] } });

    it('a scheduled pod gets deletionTimestamp and deletionGracePeriodSeconds; --grace-period=0 --force removes it', async () => {
      obj(await api.send('POST', pods, pod('bound', 'node-a')), 201);
      const out = await c.kubectlOk(['delete', 'pod', 'bound', '--wait=false']);
      assert.match(out, /pod "bound" deleted/);
      const terminating = obj(await api.req('GET', `${pods}/bound`), 200);
      assert.ok(terminating.metadata.deletionTimestamp);
      assert.equal(terminating.metadata.deletionGracePeriodSeconds, 30, 'the pod default terminationGracePeriodSeconds');
      // kubectl shows it as Terminating.
      assert.match(await c.kubectlOk(['get', 'pod', 'bound']), /Terminating/);
      const forced = await c.kubectl(['delete', 'pod', 'bound', '--grace-period=0', '--force']);
      assert.equal(forced.code, 0, forced.stderr);
      assert.match(forced.stdout, /pod "bound" force deleted/);
      assert.equal((await api.req('GET', `${pods}/bound`)).status, 404);
    });

    it('a shorter grace period from DeleteOptions is honoured', async () => {
      obj(await api.send('POST', pods, pod('short', 'node-a')), 201);
      obj(await api.req('DELETE', `${pods}/short`, { body: JSON.stringify({ kind: 'DeleteOptions', apiVersion: 'v1', gracePeriodSeconds: 5 }) }), 200);
      assert.equal(obj(await api.req('GET', `${pods}/short`), 200).metadata.deletionGracePeriodSeconds, 5);
      const r = await api.req('DELETE', `${pods}/short?gracePeriodSeconds=0`);
      assert.equal(r.status, 200, r.text);
      assert.equal((await api.req('GET', `${pods}/short`)).status, 404);
    });

    it('an unscheduled pod is deleted at once', async () => {
      obj(await api.send('POST', pods, pod('unbound')), 201);
      await c.kubectlOk(['delete', 'pod', 'unbound', '--wait=false']);
      assert.equal((await api.req('GET', `${pods}/unbound`)).status, 404);
    });
  });

  describe('namespaces', () => {
    for (const v of kubectlVersions) {
      it(`creating in a missing namespace is 404 (kubectl ${v})`, async () => {
        const r = await c.kubectl(['create', '-n', 'no-such-ns', '-f', '-'], { version: v, input: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: orphan}\n' });
        assert.notEqual(r.code, 0);
        assert.match(r.stderr, /Error from server \(NotFound\): error when creating "STDIN": namespaces "no-such-ns" not found/);
      });
    }

    it('creating in a missing namespace over the API: 404 NotFound for the namespace', async () => {
      const r = await api.send('POST', '/api/v1/namespaces/no-such-ns/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'orphan' } });
      assert.equal(r.status, 404);
      const s = statusOf(r);
      assert.equal(s.reason, 'NotFound');
      assert.equal(s.message, 'namespaces "no-such-ns" not found');
      assert.deepEqual({ name: s.details?.name, kind: s.details?.kind }, { name: 'no-such-ns', kind: 'namespaces' });
    });

    it('a Terminating namespace refuses new objects (403) but existing ones can still change', async () => {
      await c.kubectlOk(['create', 'namespace', 'leaving']);
      await c.kubectlOk(['create', 'configmap', 'stays', '-n', 'leaving']);
      // A finalizer of our own keeps the namespace Terminating whatever else runs.
      await c.kubectlOk(['patch', 'namespace', 'leaving', '--type=merge', '-p', '{"metadata":{"finalizers":["example.com/hold"]}}']);
      await c.kubectlOk(['delete', 'namespace', 'leaving', '--wait=false']);
      assert.equal(await c.kubectlOk(['get', 'ns', 'leaving', '-o', 'jsonpath={.status.phase}']), 'Terminating');

      for (const v of kubectlVersions) {
        const r = await c.kubectl(['create', 'configmap', 'newcomer', '-n', 'leaving'], { version: v });
        assert.notEqual(r.code, 0);
        assert.match(r.stderr, /configmaps "newcomer" is forbidden: unable to create new content in namespace leaving because it is being terminated/);
      }
      const raw = await api.send('POST', '/apis/apps/v1/namespaces/leaving/deployments', deployment('late'));
      assert.equal(raw.status, 403);
      const s = statusOf(raw);
      assert.equal(s.kind, 'Status');
      assert.equal(s.reason, 'Forbidden');
      assert.equal(s.message, 'deployments.apps "late" is forbidden: unable to create new content in namespace leaving because it is being terminated');
      assert.deepEqual(s.details?.causes, [{ reason: 'NamespaceTerminating', message: 'namespace leaving is being terminated', field: 'metadata.namespace' }]);
      const gen = await api.send('POST', '/api/v1/namespaces/leaving/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { generateName: 'late-' } });
      assert.equal(gen.status, 403);
      assert.match(statusOf(gen).message ?? '', /^configmaps "late-" is forbidden/);

      await c.kubectlOk(['label', 'configmap', 'stays', '-n', 'leaving', 'still=here']);
      await c.kubectlOk(['patch', 'namespace', 'leaving', '--type=merge', '-p', '{"metadata":{"finalizers":null}}']);
    });
  });

  describe('field validation', () => {
    const body = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'fv', labels: { a: 'b' } }, data: { k: 'v' }, foo: 1, spec: { bar: 2 } };

    it('Strict refuses unknown fields with 400 and stores nothing', async () => {
      const r = await api.send('POST', `${cms}?fieldValidation=Strict`, body);
      assert.equal(r.status, 400, r.text);
      const s = statusOf(r);
      assert.equal(s.kind, 'Status');
      assert.equal(s.reason, 'BadRequest');
      assert.match(s.message ?? '', /^ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: /);
      assert.match(s.message ?? '', /unknown field "foo"/);
      assert.match(s.message ?? '', /unknown field "spec"/);
      assert.equal((await api.req('GET', `${cms}/fv`)).status, 404);
    });

    it('Warn accepts, drops the fields and answers with Warning headers', async () => {
      const r = await api.send('POST', `${cms}?fieldValidation=Warn`, body);
      assert.equal(r.status, 201, r.text);
      const warning = [r.headers.warning ?? []].flat().join('\n');
      assert.match(warning, /^299 - "unknown field \\"foo\\""/m);
      assert.match(warning, /299 - "unknown field \\"spec\\""/);
      const stored = obj(await api.req('GET', `${cms}/fv`), 200) as Obj & Record<string, unknown>;
      assert.equal(stored.foo, undefined);
      assert.equal(stored.spec, undefined);
      assert.deepEqual(stored.data, { k: 'v' });
    });

    it('an unknown fieldValidation value is refused (422)', async () => {
      const r = await mergePatch(api, `${cms}/fv`, { data: { k: 'x' } }, '?fieldValidation=Bogus');
      assert.equal(r.status, 422, r.text);
      assert.equal(statusOf(r).message, 'PatchOptions.meta.k8s.io "" is invalid: fieldValidation: Unsupported value: "Bogus": supported values: "", "Ignore", "Strict", "Warn"');
      assert.deepEqual(obj(await api.req('GET', `${cms}/fv`), 200).data, { k: 'v' });
    });

    for (const v of kubectlVersions) {
      it(`kubectl ${v}: strict by default, --validate=warn prints the warnings`, async () => {
        const name = `kfv-${v.replace('.', '')}`;
        const manifest = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${name}}\nfoo: 1\n`;
        const strict = await c.kubectl(['create', '-f', '-'], { version: v, input: manifest });
        assert.notEqual(strict.code, 0);
        assert.match(strict.stderr, /Error from server \(BadRequest\): error when creating "STDIN": ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: unknown field "foo"/);
        const warn = await c.kubectl(['create', '--validate=warn', '-f', '-'], { version: v, input: manifest });
        assert.equal(warn.code, 0, warn.stderr);
        assert.match(warn.stderr, /Warning: unknown field "foo"/);
        assert.match(warn.stdout, new RegExp(`configmap/${name} created`));
      });
    }
  });
});
