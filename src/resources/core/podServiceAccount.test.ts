import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../../machinery/types.js';
import type { AdmissionContext } from '../types.js';
import { podStrategy } from './pod.js';
import { admitPodServiceAccount, mountServiceAccountToken } from './podServiceAccount.js';

const options = { serviceCIDR: '10.43.0.0/16', nodePortRange: [30000, 32767] as [number, number], clusterDomain: 'cluster.local' };

function ctxWith(serviceAccounts: KubeObject[], viaGet = true): AdmissionContext {
  const find = (ns: string | undefined, name: string) => serviceAccounts.find((s) => s.metadata.namespace === ns && s.metadata.name === name);
  return {
    options,
    listAll: async (group, resource) => (group === '' && resource === 'serviceaccounts' ? serviceAccounts : []),
    ...(viaGet ? { get: async (_g: string, resource: string, ns: string | undefined, name: string) => (resource === 'serviceaccounts' ? find(ns, name) : undefined) } : {}),
  };
}
const sa = (name: string, extra: Record<string, unknown> = {}): KubeObject => ({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace: 'default' }, ...extra });

function pod(spec: Record<string, unknown> = {}, meta: Partial<KubeObject['metadata']> = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'default', ...meta }, spec: { containers: [{ name: 'app', image: 'nginx' }], ...spec } };
}
type Spec = { volumes?: Array<Record<string, any>>; containers: Array<Record<string, any>>; initContainers?: Array<Record<string, any>>; serviceAccountName?: string; imagePullSecrets?: unknown };
const specOf = (p: KubeObject): Spec => p.spec as Spec;

test('admission adds the kube-api-access-<5> projected volume and a read-only mount in every container, as upstream', async () => {
  const p = pod({
    initContainers: [{ name: 'init', image: 'busybox' }],
    containers: [{ name: 'app', image: 'nginx', volumeMounts: [{ name: 'data', mountPath: '/data' }] }, { name: 'side', image: 'busybox' }],
    volumes: [{ name: 'data', emptyDir: {} }],
  });
  await admitPodServiceAccount(p, ctxWith([sa('default')]));
  const spec = specOf(p);
  assert.equal(spec.serviceAccountName, 'default');
  const name = spec.volumes![1].name as string;
  assert.match(name, /^kube-api-access-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  assert.deepEqual(spec.volumes![1], {
    name,
    projected: {
      defaultMode: 420,
      sources: [
        { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
        { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
        { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
      ],
    },
  });
  const mount = { name, readOnly: true, mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' };
  assert.deepEqual(spec.containers[0].volumeMounts, [{ name: 'data', mountPath: '/data' }, mount]);
  assert.deepEqual(spec.containers[1].volumeMounts, [mount]);
  assert.deepEqual(spec.initContainers![0].volumeMounts, [mount]);
  assert.equal(spec.imagePullSecrets, undefined);
});

test('automountServiceAccountToken: false on the pod or the ServiceAccount opts out; the pod wins', async () => {
  const optOutPod = pod({ automountServiceAccountToken: false });
  await admitPodServiceAccount(optOutPod, ctxWith([sa('default')]));
  assert.equal(specOf(optOutPod).volumes, undefined);
  assert.equal(specOf(optOutPod).containers[0].volumeMounts, undefined);

  const quietSa = ctxWith([sa('quiet', { automountServiceAccountToken: false })], false);
  const viaSa = pod({ serviceAccountName: 'quiet' });
  await admitPodServiceAccount(viaSa, quietSa);
  assert.equal(specOf(viaSa).volumes, undefined);

  const podWins = pod({ serviceAccountName: 'quiet', automountServiceAccountToken: true });
  await admitPodServiceAccount(podWins, quietSa);
  assert.equal(specOf(podWins).volumes!.length, 1);
});

test('an existing mount at the token path and an existing kube-api-access volume are respected', async () => {
  const own = pod({
    containers: [{ name: 'a', image: 'x', volumeMounts: [{ name: 'mine', mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' }] }],
    volumes: [{ name: 'mine', secret: { secretName: 's' } }],
  });
  await admitPodServiceAccount(own, ctxWith([sa('default')]));
  assert.deepEqual(specOf(own).volumes, [{ name: 'mine', secret: { secretName: 's' } }], 'no container needs the volume');

  const spec = { containers: [{ name: 'a' }, { name: 'b' }], volumes: [{ name: 'kube-api-access-abcde', projected: { sources: [] } }] };
  mountServiceAccountToken(spec, () => 'zzzzz');
  assert.equal(spec.volumes.length, 1);
  assert.deepEqual(spec.containers.map((c) => (c as { volumeMounts?: Array<{ name: string }> }).volumeMounts?.[0].name), ['kube-api-access-abcde', 'kube-api-access-abcde']);
});

test('a missing named ServiceAccount is refused with 403; pull secrets come from the ServiceAccount', async () => {
  await assert.rejects(admitPodServiceAccount(pod({ serviceAccountName: 'ghost' }), ctxWith([])), (e: Error & { code?: number }) => {
    assert.equal(e.code, 403);
    assert.equal(e.message, 'pods "web" is forbidden: error looking up service account default/ghost: serviceaccount "ghost" not found');
    return true;
  });
  const generated = pod({ serviceAccountName: 'ghost' }, { name: 'web-x7k2p', generateName: 'web-' });
  await assert.rejects(admitPodServiceAccount(generated, ctxWith([])), /pods "web-" is forbidden/);
  // No controller made `default` yet (or none runs): admitted as a bare ServiceAccount.
  const early = pod();
  await admitPodServiceAccount(early, ctxWith([]));
  assert.equal(specOf(early).volumes!.length, 1);

  const withSecrets = pod({ serviceAccountName: 'puller' });
  await admitPodServiceAccount(withSecrets, ctxWith([sa('puller', { imagePullSecrets: [{ name: 'regcred' }] })]));
  assert.deepEqual(specOf(withSecrets).imagePullSecrets, [{ name: 'regcred' }]);
  const ownSecrets = pod({ serviceAccountName: 'puller', imagePullSecrets: [{ name: 'mine' }] });
  await admitPodServiceAccount(ownSecrets, ctxWith([sa('puller', { imagePullSecrets: [{ name: 'regcred' }] })]));
  assert.deepEqual(specOf(ownSecrets).imagePullSecrets, [{ name: 'mine' }]);
});

test('the pod strategy runs it on create only, and leaves mirror pods alone', async () => {
  const ctx = ctxWith([sa('default')]);
  const created = pod();
  podStrategy.prepareForCreate(created);
  assert.deepEqual(await podStrategy.admit(created, undefined, ctx), []);
  assert.equal(specOf(created).volumes!.length, 1);
  const binding = pod({ nodeName: 'n1' });
  binding.metadata.resourceVersion = '9';
  await podStrategy.admit(binding, undefined, ctx);
  assert.equal(specOf(binding).volumes, undefined);
  const mirror = pod({ nodeName: 'n1' }, { annotations: { 'kubernetes.io/config.mirror': 'x' } });
  await podStrategy.admit(mirror, undefined, ctx);
  assert.equal(specOf(mirror).volumes, undefined);
});
