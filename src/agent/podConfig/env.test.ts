import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FakeClient } from '../../client/testing/fakeClient.js';
import type { KubeObject } from '../../machinery/types.js';
import { makeEnvironmentVariables, type EnvVar } from './env.js';
import { ContainerConfigError } from './errors.js';
import { formatMap, goQuote } from './fieldPath.js';
import { GVR, Lookup, nodeAllocatable, nodeHostIPs } from './lookup.js';
import { configMap, NODE, NODE_IP, pod, secret, seededClient } from './testing/fixtures.js';

async function envOf(client: FakeClient, p: KubeObject, container: Record<string, unknown>, podIP = '10.42.0.7'): Promise<{ env: EnvVar[]; warnings: string[] }> {
  const warnings: string[] = [];
  const node = await client.get(GVR.nodes, NODE);
  const env = await makeEnvironmentVariables(p, container, {
    lookup: new Lookup(client),
    podIPs: [podIP],
    hostIPs: async () => nodeHostIPs(node),
    allocatable: async () => nodeAllocatable(node),
    warn: (reason, message) => warnings.push(`${reason}: ${message}`),
  });
  return { env, warnings };
}

const asRecord = (env: EnvVar[]): Record<string, string> => Object.fromEntries(env.map((e) => [e.key, e.value]));

test('envFrom with prefixes and optional sources, then env overriding, expanding and resolving in order', async () => {
  const client = await seededClient();
  await configMap(client, 'cfg', { MODE: 'prod', '1bad': 'x', LEVEL: 'debug' });
  await secret(client, 'creds', { USER: 'admin', 'bad key': 'y' });
  const c = {
    name: 'app',
    envFrom: [{ configMapRef: { name: 'cfg' } }, { prefix: 'S_', secretRef: { name: 'creds' } }, { configMapRef: { name: 'absent', optional: true } }],
    env: [
      { name: 'MODE', value: 'dev' },
      { name: 'GREETING', value: 'hi $(S_USER) in $(MODE) via $(KUBERNETES_SERVICE_HOST), $$(MODE) $(NOPE)' },
      { name: 'FROM_CM', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'LEVEL' } } },
      { name: 'FROM_SECRET', valueFrom: { secretKeyRef: { name: 'creds', key: 'USER' } } },
      { name: 'SKIPPED', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'nope', optional: true } } },
      { name: 'SKIPPED2', valueFrom: { secretKeyRef: { name: 'gone', key: 'k', optional: true } } },
      { name: 'EMPTY' },
    ],
  };
  const { env, warnings } = await envOf(client, pod(), c);
  const r = asRecord(env);
  assert.equal(r.MODE, 'dev');
  assert.equal(r.LEVEL, 'debug');
  assert.equal(r.S_USER, 'admin');
  assert.equal(r.GREETING, 'hi admin in dev via 10.43.0.1, $(MODE) $(NOPE)');
  assert.equal(r.FROM_CM, 'debug');
  assert.equal(r.FROM_SECRET, 'admin');
  assert.equal(r.EMPTY, '');
  assert.ok(!('SKIPPED' in r) && !('SKIPPED2' in r) && !('1bad' in r) && !('S_bad key' in r));
  assert.deepEqual(warnings, [
    'InvalidEnvironmentVariableNames: Keys [1bad] from the EnvFrom configMap default/cfg were skipped since they are considered invalid environment variable names.',
    'InvalidEnvironmentVariableNames: Keys [S_bad key] from the EnvFrom secret default/creds were skipped since they are considered invalid environment variable names.',
  ]);
  // Declared variables first, service env after them.
  const keys = env.map((e) => e.key);
  assert.ok(keys.indexOf('EMPTY') < keys.indexOf('KUBERNETES_SERVICE_HOST'));
});

test('missing objects and keys fail with the kubelet\'s messages', async () => {
  const client = await seededClient();
  await configMap(client, 'cfg', { A: '1' }, { BIN: Buffer.from('b').toString('base64') });
  await secret(client, 'sec', { A: '1' });
  const cases: Array<[Record<string, unknown>, string]> = [
    [{ envFrom: [{ configMapRef: { name: 'x' } }] }, 'configmap "x" not found'],
    [{ envFrom: [{ secretRef: { name: 'x' } }] }, 'secret "x" not found'],
    [{ env: [{ name: 'V', valueFrom: { configMapKeyRef: { name: 'x', key: 'k' } } }] }, 'configmap "x" not found'],
    [{ env: [{ name: 'V', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'k' } } }] }, "couldn't find key k in ConfigMap default/cfg"],
    [{ env: [{ name: 'V', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'BIN' } } }] }, "couldn't find key BIN in ConfigMap default/cfg"],
    [{ env: [{ name: 'V', valueFrom: { secretKeyRef: { name: 'x', key: 'k' } } }] }, 'secret "x" not found'],
    [{ env: [{ name: 'V', valueFrom: { secretKeyRef: { name: 'sec', key: 'k' } } }] }, "couldn't find key k in Secret default/sec"],
  ];
  for (const [c, message] of cases) {
    await assert.rejects(envOf(client, pod(), { name: 'app', ...c }), (err: unknown) => err instanceof ContainerConfigError && err.message === message && err.reason === 'CreateContainerConfigError');
  }
});

test('fieldRef: metadata, spec and status fields', async () => {
  const client = await seededClient();
  const p = pod({ serviceAccountName: 'robot' }, { labels: { app: 'web', tier: 'fe' }, annotations: { note: 'say "hi"\n' } });
  const field = (name: string, fieldPath: string): Record<string, unknown> => ({ name, valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath } } });
  const { env } = await envOf(client, p, {
    name: 'app',
    env: [
      field('NAME', 'metadata.name'), field('NS', 'metadata.namespace'), field('UID', 'metadata.uid'),
      field('APP', "metadata.labels['app']"), field('MISSING', "metadata.labels['nope']"), field('NOTE', "metadata.annotations['note']"),
      field('LABELS', 'metadata.labels'), field('NODE', 'spec.nodeName'), field('SA', 'spec.serviceAccountName'),
      field('HOST_IP', 'status.hostIP'), field('HOST_IPS', 'status.hostIPs'), field('POD_IP', 'status.podIP'), field('POD_IPS', 'status.podIPs'),
    ],
  });
  assert.deepEqual(Object.fromEntries(env.filter((e) => !e.key.startsWith('KUBERNETES_')).map((e) => [e.key, e.value])), {
    NAME: 'web', NS: 'default', UID: p.metadata.uid, APP: 'web', MISSING: '', NOTE: 'say "hi"\n',
    LABELS: 'app="web"\ntier="fe"', NODE: NODE, SA: 'robot', HOST_IP: NODE_IP, HOST_IPS: NODE_IP, POD_IP: '10.42.0.7', POD_IPS: '10.42.0.7',
  });
  await assert.rejects(envOf(client, p, { name: 'app', env: [field('X', 'spec.containers')] }), { message: 'field label not supported: spec.containers' });
});

test('resourceFieldRef: divisors round up; unset limits read as node allocatable', async () => {
  const client = await seededClient();
  const p = pod({
    containers: [
      { name: 'app', resources: { limits: { memory: '256Mi' }, requests: { cpu: '250m', memory: '100M' } } },
      { name: 'side', resources: { limits: { cpu: '1500m' } } },
    ],
  });
  const res = (name: string, resource: string, divisor?: string, containerName?: string): Record<string, unknown> => ({ name, valueFrom: { resourceFieldRef: { resource, ...(divisor ? { divisor } : {}), ...(containerName ? { containerName } : {}) } } });
  const { env } = await envOf(client, p, {
    ...(p.spec as { containers: Record<string, unknown>[] }).containers[0],
    env: [
      res('CPU_REQ', 'requests.cpu'), res('CPU_REQ_M', 'requests.cpu', '1m'), res('CPU_LIM', 'limits.cpu'), res('MEM_LIM', 'limits.memory'),
      res('MEM_LIM_MI', 'limits.memory', '1Mi'), res('MEM_REQ_MI', 'requests.memory', '1Mi'), res('EPH', 'limits.ephemeral-storage', '1Gi'),
      res('EPH_REQ', 'requests.ephemeral-storage'), res('SIDE_CPU', 'limits.cpu', '1m', 'side'), res('SIDE_MEM', 'limits.memory', '1Gi', 'side'),
    ],
  });
  const r = asRecord(env);
  assert.deepEqual(
    { CPU_REQ: r.CPU_REQ, CPU_REQ_M: r.CPU_REQ_M, CPU_LIM: r.CPU_LIM, MEM_LIM: r.MEM_LIM, MEM_LIM_MI: r.MEM_LIM_MI, MEM_REQ_MI: r.MEM_REQ_MI, EPH: r.EPH, EPH_REQ: r.EPH_REQ, SIDE_CPU: r.SIDE_CPU, SIDE_MEM: r.SIDE_MEM },
    { CPU_REQ: '1', CPU_REQ_M: '250', CPU_LIM: '4', MEM_LIM: String(256 * 1024 * 1024), MEM_LIM_MI: '256', MEM_REQ_MI: '96', EPH: '100', EPH_REQ: '0', SIDE_CPU: '1500', SIDE_MEM: '8' },
  );
  await assert.rejects(envOf(client, p, { name: 'app', env: [res('X', 'limits.cpu', undefined, 'ghost')] }), { message: 'container ghost not found' });
  await assert.rejects(envOf(client, p, { name: 'app', env: [res('X', 'limits.gpu')] }), { message: 'unsupported container resource : limits.gpu' });
});

test('service links: own-namespace services unless disabled; default/kubernetes always', async () => {
  const client = await seededClient();
  await client.create(GVR.services, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'redis-primary', namespace: 'default' }, spec: { clusterIP: '10.43.5.6', ports: [{ port: 6379, protocol: 'TCP' }, { name: 'metrics', port: 9121, protocol: 'TCP' }] } });
  await client.create(GVR.services, { apiVersion: 'v1', kind: 'Service', metadata: { name: '9lives', namespace: 'default' }, spec: { clusterIP: 'fd00::5', ports: [{ name: 'dns', port: 53, protocol: 'UDP' }] } });
  await client.create(GVR.services, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'headless', namespace: 'default' }, spec: { clusterIP: 'None', ports: [{ port: 80 }] } });
  await client.create(GVR.services, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'elsewhere', namespace: 'other' }, spec: { clusterIP: '10.43.9.9', ports: [{ port: 80 }] } });
  const { env } = await envOf(client, pod(), { name: 'app' });
  const r = asRecord(env);
  assert.deepEqual(
    Object.fromEntries(Object.entries(r).filter(([k]) => k.startsWith('REDIS_PRIMARY'))),
    {
      REDIS_PRIMARY_SERVICE_HOST: '10.43.5.6', REDIS_PRIMARY_SERVICE_PORT: '6379', REDIS_PRIMARY_SERVICE_PORT_METRICS: '9121',
      REDIS_PRIMARY_PORT: 'tcp://10.43.5.6:6379',
      REDIS_PRIMARY_PORT_6379_TCP: 'tcp://10.43.5.6:6379', REDIS_PRIMARY_PORT_6379_TCP_PROTO: 'tcp', REDIS_PRIMARY_PORT_6379_TCP_PORT: '6379', REDIS_PRIMARY_PORT_6379_TCP_ADDR: '10.43.5.6',
      REDIS_PRIMARY_PORT_9121_TCP: 'tcp://10.43.5.6:9121', REDIS_PRIMARY_PORT_9121_TCP_PROTO: 'tcp', REDIS_PRIMARY_PORT_9121_TCP_PORT: '9121', REDIS_PRIMARY_PORT_9121_TCP_ADDR: '10.43.5.6',
    },
  );
  assert.equal(r._9LIVES_PORT, 'udp://[fd00::5]:53');
  assert.equal(r._9LIVES_SERVICE_PORT_DNS, '53');
  assert.equal(r.KUBERNETES_SERVICE_HOST, '10.43.0.1');
  assert.equal(r.KUBERNETES_SERVICE_PORT, '443');
  assert.equal(r.KUBERNETES_PORT_443_TCP, 'tcp://10.43.0.1:443');
  assert.ok(!Object.keys(r).some((k) => k.startsWith('HEADLESS') || k.startsWith('ELSEWHERE')));

  const other = await envOf(client, pod({ enableServiceLinks: false }, { namespace: 'other' }), { name: 'app' });
  assert.deepEqual(other.env.map((e) => e.key).sort(), ['KUBERNETES_PORT', 'KUBERNETES_PORT_443_TCP', 'KUBERNETES_PORT_443_TCP_ADDR', 'KUBERNETES_PORT_443_TCP_PORT', 'KUBERNETES_PORT_443_TCP_PROTO', 'KUBERNETES_SERVICE_HOST', 'KUBERNETES_SERVICE_PORT', 'KUBERNETES_SERVICE_PORT_HTTPS']);
  const linked = await envOf(client, pod({}, { namespace: 'other' }), { name: 'app' });
  assert.equal(asRecord(linked.env).ELSEWHERE_SERVICE_HOST, '10.43.9.9');
  // An env var of the same name wins over the service's.
  const own = await envOf(client, pod(), { name: 'app', env: [{ name: 'KUBERNETES_SERVICE_HOST', value: 'mine' }] });
  assert.equal(own.env.filter((e) => e.key === 'KUBERNETES_SERVICE_HOST').length, 1);
  assert.equal(asRecord(own.env).KUBERNETES_SERVICE_HOST, 'mine');
});

test('Go-style quoting of label maps', () => {
  assert.equal(goQuote('a"b\\c\n\t\x01é\u00a0🙂'), '"a\\"b\\\\c\\n\\t\\x01é\\u00a0🙂"');
  assert.equal(formatMap({ b: '2', a: '1' }), 'a="1"\nb="2"');
  assert.equal(formatMap({}), '');
});
