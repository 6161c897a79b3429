import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fieldErrorMessage } from '../../machinery/fieldErrors.js';
import { defaultPodSpec, defaultPodTemplateSpec, podContainers, validatePodSpec, validatePodTemplateSpec } from './podSpec.js';

type Spec = Record<string, any>;

function spec(extra: Spec = {}): Spec {
  return { containers: [{ name: 'app', image: 'nginx:1.25' }], ...extra };
}

function check(s: Spec, field = 'spec'): string[] {
  defaultPodSpec(s);
  return validatePodSpec(s, field).map(fieldErrorMessage);
}

test('PodSpec defaults match SetDefaults_PodSpec / SetDefaults_Container', () => {
  const s = spec({
    initContainers: [{ name: 'init', image: 'busybox' }],
    volumes: [{ name: 'data' }, { name: 'cfg', configMap: { name: 'c' } }],
  });
  s.containers[0].ports = [{ containerPort: 80 }];
  s.containers[0].livenessProbe = { httpGet: { port: 80 } };
  s.containers[0].env = [{ name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }];
  defaultPodSpec(s);
  assert.equal(s.restartPolicy, 'Always');
  assert.equal(s.dnsPolicy, 'ClusterFirst');
  assert.equal(s.terminationGracePeriodSeconds, 30);
  assert.equal(s.schedulerName, 'default-scheduler');
  assert.deepEqual(s.securityContext, {});
  const c = s.containers[0];
  assert.equal(c.imagePullPolicy, 'IfNotPresent');
  assert.equal(c.terminationMessagePath, '/dev/termination-log');
  assert.equal(c.terminationMessagePolicy, 'File');
  assert.deepEqual(c.resources, {});
  assert.equal(c.ports[0].protocol, 'TCP');
  assert.deepEqual(c.livenessProbe, { httpGet: { port: 80, path: '/', scheme: 'HTTP' }, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 });
  assert.equal(c.env[0].valueFrom.fieldRef.apiVersion, 'v1');
  assert.equal(s.initContainers[0].imagePullPolicy, 'Always');
  assert.deepEqual(s.volumes[0], { name: 'data', emptyDir: {} });
  assert.equal(s.volumes[1].configMap.defaultMode, 420);
  // Pod-only defaults are not template defaults.
  assert.equal(s.enableServiceLinks, undefined);
});

test('imagePullPolicy: Always for :latest or no tag, IfNotPresent otherwise', () => {
  const cases: [string, string][] = [
    ['nginx', 'Always'],
    ['nginx:latest', 'Always'],
    ['localhost:5000/nginx', 'Always'],
    ['localhost:5000/nginx:1.2', 'IfNotPresent'],
    ['nginx@sha256:abc', 'IfNotPresent'],
    ['nginx:1.25', 'IfNotPresent'],
  ];
  for (const [image, policy] of cases) {
    const s = { containers: [{ name: 'a', image }] } as Spec;
    defaultPodSpec(s);
    assert.equal(s.containers[0].imagePullPolicy, policy, image);
  }
});

test('hostNetwork defaults hostPort to containerPort', () => {
  const s = spec({ hostNetwork: true });
  s.containers[0].ports = [{ containerPort: 8080 }];
  assert.deepEqual(check(s), []);
  assert.equal(s.containers[0].ports[0].hostPort, 8080);
});

test('a defaulted spec is valid', () => {
  assert.deepEqual(check(spec()), []);
});

test('containers and image are required', () => {
  assert.deepEqual(check({ containers: [] }), ['spec.containers: Required value']);
  assert.deepEqual(check({ containers: [{ name: 'a' }] }), ['spec.containers[0].image: Required value']);
});

test('container names: DNS labels, unique across init and regular containers', () => {
  const s = spec({ initContainers: [{ name: 'app', image: 'busybox' }] });
  s.containers.push({ name: 'app', image: 'x' }, { name: 'Bad_Name', image: 'x' });
  assert.deepEqual(check(s), [
    'spec.containers[1].name: Duplicate value: "app"',
    "spec.containers[2].name: Invalid value: \"Bad_Name\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
    'spec.initContainers[0].name: Duplicate value: "app"',
  ]);
});

test('ports: range, names, duplicates, protocol', () => {
  const s = spec();
  s.containers[0].ports = [
    { containerPort: 70000, name: 'http' },
    { containerPort: 81, name: 'http' },
    { containerPort: 82, name: 'Not-Valid', protocol: 'HTTP' },
    {},
  ];
  assert.deepEqual(check(s), [
    'spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive',
    'spec.containers[0].ports[1].name: Duplicate value: "http"',
    'spec.containers[0].ports[2].name: Invalid value: "Not-Valid": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)',
    'spec.containers[0].ports[2].protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"',
    'spec.containers[0].ports[3].containerPort: Required value',
  ]);
});

test('env names and valueFrom', () => {
  const s = spec();
  s.containers[0].env = [
    { name: '1BAD', value: 'x' },
    { name: 'OK', valueFrom: {} },
    { name: 'CM', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'k' } } },
  ];
  const errs = check(s);
  assert.equal(errs.length, 2);
  assert.match(errs[0], /^spec\.containers\[0\]\.env\[0\]\.name: Invalid value: "1BAD": a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '\.', and must not start with a digit/);
  assert.equal(errs[1], 'spec.containers[0].env[1].valueFrom: Invalid value: "": must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`');
});

test('volumes: unique names; mounts must name an existing volume', () => {
  const s = spec({ volumes: [{ name: 'data', emptyDir: {} }, { name: 'data', emptyDir: {} }, { name: 'two', emptyDir: {}, hostPath: { path: '/x' } }] });
  s.containers[0].volumeMounts = [{ name: 'data', mountPath: '/d' }, { name: 'missing', mountPath: '/m' }, { name: 'data', mountPath: '/d' }];
  assert.deepEqual(check(s), [
    'spec.volumes[1].name: Duplicate value: "data"',
    'spec.volumes[2].emptyDir: Forbidden: may not specify more than 1 volume type',
    'spec.containers[0].volumeMounts[1].name: Not found: "missing"',
    'spec.containers[0].volumeMounts[2].mountPath: Invalid value: "/d": must be unique',
  ]);
});

test('volume sources need their required fields', () => {
  const s = spec({ volumes: [{ name: 'a', secret: {} }, { name: 'b', configMap: {} }, { name: 'c', persistentVolumeClaim: {} }, { name: 'd', hostPath: { path: '/x', type: 'Weird' } }] });
  assert.deepEqual(check(s), [
    'spec.volumes[0].secret.secretName: Required value',
    'spec.volumes[1].configMap.name: Required value',
    'spec.volumes[2].persistentVolumeClaim.claimName: Required value',
    'spec.volumes[3].hostPath.type: Unsupported value: "Weird": supported values: "", "BlockDevice", "CharDevice", "Directory", "DirectoryOrCreate", "File", "FileOrCreate", "Socket"',
  ]);
});

test('resources: requests must not exceed limits; quantities must parse', () => {
  const s = spec();
  s.containers[0].resources = { requests: { cpu: '2', memory: 'lots' }, limits: { cpu: '1', gpu: '1' } };
  assert.deepEqual(check(s), [
    'spec.containers[0].resources.limits[gpu]: Invalid value: "gpu": must be a standard resource for containers',
    'spec.containers[0].resources.requests: Invalid value: "2": must be less than or equal to cpu limit of 1',
    "spec.containers[0].resources.requests[memory]: Invalid value: \"lots\": quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
  ]);
});

test('restartPolicy, dnsPolicy and os.name enums', () => {
  assert.deepEqual(check(spec({ restartPolicy: 'Sometimes', dnsPolicy: 'Bogus', os: { name: 'plan9' } })), [
    'spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"',
    'spec.dnsPolicy: Unsupported value: "Bogus": supported values: "ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"',
    'spec.os: Unsupported value: "plan9": supported values: "linux", "windows"',
  ]);
  assert.deepEqual(check(spec({ os: { name: 'linux' } })), []);
});

test('probes: one handler, success threshold 1 for liveness, forbidden on plain init containers', () => {
  const s = spec({ initContainers: [{ name: 'init', image: 'busybox', readinessProbe: { exec: { command: ['true'] } } }] });
  s.containers[0].livenessProbe = { successThreshold: 2 };
  s.containers[0].readinessProbe = { exec: { command: ['true'] }, tcpSocket: { port: 80 } };
  assert.deepEqual(check(s), [
    'spec.containers[0].livenessProbe: Required value: must specify a handler type',
    'spec.containers[0].livenessProbe.successThreshold: Invalid value: 2: must be 1',
    'spec.containers[0].readinessProbe.tcpSocket: Forbidden: may not specify more than 1 handler type',
    'spec.initContainers[0].readinessProbe: Forbidden: may not be set for init containers',
  ]);
});

test('tolerations and node affinity', () => {
  const s = spec({
    tolerations: [{ operator: 'Equal', value: 'x' }, { key: 'k', operator: 'Exists', effect: 'NoSchedule', tolerationSeconds: 5 }],
    affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [] } } },
  });
  assert.deepEqual(check(s), [
    'spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms: Required value: must have at least one node selector term',
    'spec.tolerations[0].operator: Invalid value: "Equal": operator must be Exists when `key` is empty, which means "match all values and all keys"',
    "spec.tolerations[1].effect: Invalid value: \"NoSchedule\": effect must be 'NoExecute' when `tolerationSeconds` is set",
  ]);
});

test('template: labels at <field>.labels, spec at <field>.spec, no ephemeral containers', () => {
  const tmpl: Spec = { metadata: { labels: { 'bad key!': 'v' } }, spec: { containers: [{ name: 'a' }], ephemeralContainers: [{ name: 'e', image: 'x' }] } };
  defaultPodTemplateSpec(tmpl);
  const errs = validatePodTemplateSpec(tmpl, 'spec.template').map(fieldErrorMessage);
  assert.match(errs[0], /^spec\.template\.labels: Invalid value: "bad key!": name part must consist of alphanumeric characters/);
  assert.ok(errs.includes('spec.template.spec.containers[0].image: Required value'));
  assert.equal(errs[errs.length - 1], 'spec.template.spec.ephemeralContainers: Forbidden: ephemeral containers not allowed in pod template');
});

test('podContainers lists the regular containers', () => {
  assert.deepEqual(podContainers(spec()).map((c) => c.name), ['app']);
  assert.deepEqual(podContainers(undefined), []);
});
