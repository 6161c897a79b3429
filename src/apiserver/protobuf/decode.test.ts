// Synthetic round trips: objects encoded with our own .proto subset (protobufjs writes zero
// values when a field is set to zero, as gogo-protobuf does for non-pointer fields), wrapped in
// the k8s envelope, decoded, and compared with the JSON kubectl would have sent.
// Real kubectl captures live in ./kubectl.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError } from '../../machinery/errors.js';
import { decodeProtobufObject, isProtobufContentType } from './decode.js';
import { decodableKinds, protoRoot } from './schema.js';
import { formatGoDuration } from './goDuration.js';

const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

function encodeMessage(typeName: string, value: Record<string, unknown>): Uint8Array {
  const type = protoRoot().lookupType(typeName);
  return type.encode(type.fromObject(value)).finish();
}

function envelope(apiVersion: string, kind: string, raw: Uint8Array, extra: Record<string, unknown> = {}): Buffer {
  const unknown = encodeMessage('k8s.io.apimachinery.pkg.runtime.Unknown', { typeMeta: { apiVersion, kind }, raw, ...extra });
  return Buffer.concat([MAGIC, unknown]);
}

function encodeObject(pkg: string, apiVersion: string, kind: string, value: Record<string, unknown>): Buffer {
  return envelope(apiVersion, kind, encodeMessage(`${pkg}.${kind}`, value));
}

const CORE = 'k8s.io.api.core.v1';
/** What gogo writes for an ObjectMeta with only a name: every non-pointer field, zero or not. */
const gogoMeta = (name: string, extra: Record<string, unknown> = {}) => ({
  name, generateName: '', namespace: '', selfLink: '', uid: '', resourceVersion: '', generation: 0, creationTimestamp: {}, ...extra,
});

function assertBadRequest(fn: () => unknown, message: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof ApiError, `expected ApiError, got ${String(err)}`);
    assert.equal(err.code, 400);
    assert.equal(err.reason, 'BadRequest');
    assert.match(err.message, message);
    return true;
  });
}

test('isProtobufContentType matches the media type with or without parameters', () => {
  assert.equal(isProtobufContentType('application/vnd.kubernetes.protobuf'), true);
  assert.equal(isProtobufContentType('Application/VND.Kubernetes.Protobuf; charset=utf-8'), true);
  assert.equal(isProtobufContentType('application/vnd.kubernetes.protobuf;stream=watch'), true);
  assert.equal(isProtobufContentType('application/json'), false);
  assert.equal(isProtobufContentType(''), false);
});

test('ConfigMap: maps, bytes as base64, zero scalars dropped, pointer bools kept', () => {
  const body = encodeObject(CORE, 'v1', 'ConfigMap', {
    metadata: gogoMeta('cfg', {
      labels: { app: 'web' },
      annotations: { note: 'x' },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: 'u-1', controller: false }],
    }),
    data: { a: 'b', empty: '' },
    binaryData: { bin: Buffer.from([0, 1, 254, 255]) },
    immutable: false,
  });
  const decoded = decodeProtobufObject(body);
  assert.equal(decoded.apiVersion, 'v1');
  assert.equal(decoded.kind, 'ConfigMap');
  assert.deepEqual(decoded.object, {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: 'cfg',
      labels: { app: 'web' },
      annotations: { note: 'x' },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: 'u-1', controller: false }],
    },
    data: { a: 'b', empty: '' },
    binaryData: { bin: 'AAH+/w==' },
    immutable: false,
  });
});

test('Secret data and Namespace spec/status', () => {
  const secret = decodeProtobufObject(encodeObject(CORE, 'v1', 'Secret', {
    metadata: gogoMeta('s'), data: { k: Buffer.from('v') }, stringData: { plain: 'text' }, type: 'Opaque',
  }));
  assert.deepEqual(secret.object, {
    apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data: { k: 'dg==' }, stringData: { plain: 'text' }, type: 'Opaque',
  });
  const ns = decodeProtobufObject(encodeObject(CORE, 'v1', 'Namespace', {
    metadata: gogoMeta('team-a'), spec: { finalizers: ['kubernetes'] }, status: { phase: '' },
  }));
  assert.deepEqual(ns.object, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a' }, spec: { finalizers: ['kubernetes'] }, status: {} });
});

test('Deployment with a full pod template: inline fields, IntOrString, Quantity, volumes, probes', () => {
  const body = encodeObject('k8s.io.api.apps.v1', 'apps/v1', 'Deployment', {
    metadata: gogoMeta('web', { labels: { app: 'web' } }),
    spec: {
      replicas: 0,
      selector: { matchLabels: { app: 'web' } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: { type: 0, intVal: 1, strVal: '' }, maxUnavailable: { type: 1, intVal: 0, strVal: '25%' } } },
      minReadySeconds: 0,
      revisionHistoryLimit: 10,
      paused: false,
      template: {
        metadata: gogoMeta('', { labels: { app: 'web' } }),
        spec: {
          restartPolicy: 'Always',
          terminationGracePeriodSeconds: 30,
          hostNetwork: false,
          securityContext: { runAsUser: 0, runAsNonRoot: false, fsGroup: 2000 },
          containers: [{
            name: 'nginx', image: 'nginx:1.14.2', workingDir: '', stdin: false, tty: false,
            ports: [{ name: '', hostPort: 0, containerPort: 80, protocol: 'TCP', hostIP: '' }],
            env: [
              { name: 'PLAIN', value: 'v' },
              { name: 'FROM_CM', value: '', valueFrom: { configMapKeyRef: { localObjectReference: { name: 'cfg' }, key: 'a', optional: true } } },
              { name: 'POD', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } } },
            ],
            envFrom: [{ prefix: 'S_', secretRef: { localObjectReference: { name: 'sec' } } }],
            resources: { limits: { cpu: { string: '500m' }, memory: { string: '128Mi' } }, requests: { cpu: { string: '250m' } } },
            volumeMounts: [{ name: 'data', readOnly: false, mountPath: '/data', subPath: '' }],
            livenessProbe: {
              handler: { httpGet: { path: '/healthz', port: { type: 1, intVal: 0, strVal: 'http' }, scheme: 'HTTP' } },
              initialDelaySeconds: 3, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3,
            },
            readinessProbe: { handler: { tcpSocket: { port: { type: 0, intVal: 8080, strVal: '' }, host: '' } }, periodSeconds: 5 },
            startupProbe: { handler: { exec: { command: ['cat', '/tmp/ready'] } }, failureThreshold: 30 },
            lifecycle: { preStop: { sleep: { seconds: 5 } }, postStart: { exec: { command: ['sh', '-c', 'true'] } } },
            securityContext: { capabilities: { add: ['NET_ADMIN'], drop: ['ALL'] }, privileged: false, readOnlyRootFilesystem: true },
          }],
          volumes: [
            { name: 'data', volumeSource: { emptyDir: { medium: '', sizeLimit: { string: '1Gi' } } } },
            { name: 'scratch', volumeSource: { emptyDir: {} } },
            { name: 'host', volumeSource: { hostPath: { path: '/var/log', type: '' } } },
            { name: 'cfg', volumeSource: { configMap: { localObjectReference: { name: 'cfg' }, items: [{ key: 'a', path: 'a.txt' }], defaultMode: 420 } } },
            { name: 'sec', volumeSource: { secret: { secretName: 'sec', defaultMode: 256, optional: false } } },
            { name: 'claim', volumeSource: { persistentVolumeClaim: { claimName: 'pvc-1', readOnly: true } } },
            { name: 'info', volumeSource: { downwardAPI: { items: [{ path: 'labels', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.labels' } }] } } },
            {
              name: 'proj', volumeSource: {
                projected: {
                  defaultMode: 420,
                  sources: [
                    { serviceAccountToken: { audience: '', expirationSeconds: 3607, path: 'token' } },
                    { configMap: { localObjectReference: { name: 'kube-root-ca.crt' }, items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
                  ],
                },
              },
            },
          ],
        },
      },
    },
    status: {},
  });
  assert.deepEqual(decodeProtobufObject(body).object, {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', labels: { app: 'web' } },
    spec: {
      replicas: 0,
      selector: { matchLabels: { app: 'web' } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: '25%' } },
      revisionHistoryLimit: 10,
      template: {
        metadata: { labels: { app: 'web' } },
        spec: {
          restartPolicy: 'Always',
          terminationGracePeriodSeconds: 30,
          securityContext: { runAsUser: 0, runAsNonRoot: false, fsGroup: 2000 },
          containers: [{
            name: 'nginx', image: 'nginx:1.14.2',
            ports: [{ containerPort: 80, protocol: 'TCP' }],
            env: [
              { name: 'PLAIN', value: 'v' },
              { name: 'FROM_CM', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'a', optional: true } } },
              { name: 'POD', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } } },
            ],
            envFrom: [{ prefix: 'S_', secretRef: { name: 'sec' } }],
            resources: { limits: { cpu: '500m', memory: '128Mi' }, requests: { cpu: '250m' } },
            volumeMounts: [{ name: 'data', mountPath: '/data' }],
            livenessProbe: {
              httpGet: { path: '/healthz', port: 'http', scheme: 'HTTP' },
              initialDelaySeconds: 3, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3,
            },
            readinessProbe: { tcpSocket: { port: 8080 }, periodSeconds: 5 },
            startupProbe: { exec: { command: ['cat', '/tmp/ready'] }, failureThreshold: 30 },
            lifecycle: { preStop: { sleep: { seconds: 5 } }, postStart: { exec: { command: ['sh', '-c', 'true'] } } },
            securityContext: { capabilities: { add: ['NET_ADMIN'], drop: ['ALL'] }, privileged: false, readOnlyRootFilesystem: true },
          }],
          volumes: [
            { name: 'data', emptyDir: { sizeLimit: '1Gi' } },
            { name: 'scratch', emptyDir: {} },
            { name: 'host', hostPath: { path: '/var/log', type: '' } },
            { name: 'cfg', configMap: { name: 'cfg', items: [{ key: 'a', path: 'a.txt' }], defaultMode: 420 } },
            { name: 'sec', secret: { secretName: 'sec', defaultMode: 256, optional: false } },
            { name: 'claim', persistentVolumeClaim: { claimName: 'pvc-1', readOnly: true } },
            { name: 'info', downwardAPI: { items: [{ path: 'labels', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.labels' } }] } },
            {
              name: 'proj',
              projected: {
                defaultMode: 420,
                sources: [
                  { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
                  { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
                ],
              },
            },
          ],
        },
      },
    },
    status: {},
  });
});

test('Job and CronJob specs keep explicit zeros of pointer fields', () => {
  const template = { metadata: gogoMeta(''), spec: { containers: [{ name: 'c', image: 'busybox', command: ['date'] }], restartPolicy: 'Never' } };
  const job = decodeProtobufObject(encodeObject('k8s.io.api.batch.v1', 'batch/v1', 'Job', {
    metadata: gogoMeta('j'),
    spec: { backoffLimit: 0, completions: 3, parallelism: 1, suspend: false, ttlSecondsAfterFinished: 100, activeDeadlineSeconds: 600, template },
  }));
  assert.deepEqual(job.object, {
    apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'j' },
    spec: {
      backoffLimit: 0, completions: 3, parallelism: 1, suspend: false, ttlSecondsAfterFinished: 100, activeDeadlineSeconds: 600,
      template: { metadata: {}, spec: { containers: [{ name: 'c', image: 'busybox', command: ['date'] }], restartPolicy: 'Never' } },
    },
  });
  const cron = decodeProtobufObject(encodeObject('k8s.io.api.batch.v1', 'batch/v1', 'CronJob', {
    metadata: gogoMeta('cj'),
    spec: { schedule: '*/5 * * * *', concurrencyPolicy: 'Forbid', startingDeadlineSeconds: 0, jobTemplate: { metadata: gogoMeta('cj'), spec: { template } } },
  }));
  assert.deepEqual(cron.object, {
    apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'cj' },
    spec: {
      schedule: '*/5 * * * *', concurrencyPolicy: 'Forbid', startingDeadlineSeconds: 0,
      jobTemplate: { metadata: { name: 'cj' }, spec: { template: { metadata: {}, spec: { containers: [{ name: 'c', image: 'busybox', command: ['date'] }], restartPolicy: 'Never' } } } },
    },
  });
});

test('Service ports: numeric and named targetPort', () => {
  const svc = decodeProtobufObject(encodeObject(CORE, 'v1', 'Service', {
    metadata: gogoMeta('s'),
    spec: {
      type: 'ClusterIP', selector: { app: 's' },
      ports: [
        { name: 'http', protocol: 'TCP', port: 80, targetPort: { type: 0, intVal: 8080, strVal: '' }, nodePort: 0 },
        { name: 'metrics', protocol: 'TCP', port: 9090, targetPort: { type: 1, intVal: 0, strVal: 'metrics' } },
      ],
    },
  }));
  assert.deepEqual(svc.object.spec, {
    type: 'ClusterIP', selector: { app: 's' },
    ports: [
      { name: 'http', protocol: 'TCP', port: 80, targetPort: 8080 },
      { name: 'metrics', protocol: 'TCP', port: 9090, targetPort: 'metrics' },
    ],
  });
});

test('TokenRequest and SelfSubjectAccessReview', () => {
  const token = decodeProtobufObject(encodeObject('k8s.io.api.authentication.v1', 'authentication.k8s.io/v1', 'TokenRequest', {
    metadata: gogoMeta(''),
    spec: { audiences: ['https://kubernetes.default.svc'], expirationSeconds: 3600, boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'p', uid: 'u1' } },
    status: { token: '', expirationTimestamp: {} },
  }));
  assert.deepEqual(token.object, {
    apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', metadata: {},
    spec: { audiences: ['https://kubernetes.default.svc'], expirationSeconds: 3600, boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'p', uid: 'u1' } },
    status: { token: '' },
  });
  const review = decodeProtobufObject(encodeObject('k8s.io.api.authorization.v1', 'authorization.k8s.io/v1', 'SelfSubjectAccessReview', {
    metadata: gogoMeta(''),
    spec: { resourceAttributes: { namespace: 'default', verb: 'get', group: '', version: '', resource: 'pods', subresource: '', name: '' } },
    status: { allowed: false, reason: '' },
  }));
  assert.deepEqual(review.object, {
    apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', metadata: {},
    spec: { resourceAttributes: { namespace: 'default', verb: 'get', resource: 'pods' } },
    status: { allowed: false },
  });
});

test('Time is RFC3339 in seconds, MicroTime keeps microseconds, empty Time is omitted', () => {
  const seconds = Date.UTC(2026, 10, 28, 7, 0, 0) / 1000;
  const event = decodeProtobufObject(encodeObject(CORE, 'v1', 'Event', {
    metadata: gogoMeta('e1', { creationTimestamp: { seconds, nanos: 999 }, deletionTimestamp: {} }),
    involvedObject: { kind: 'Pod', name: 'p' },
    reason: 'Started', count: 2,
    firstTimestamp: { seconds, nanos: 500_000_000 },
    eventTime: { seconds, nanos: 123_456_789 },
    reportingComponent: '', reportingInstance: '',
  }));
  assert.deepEqual(event.object, {
    apiVersion: 'v1', kind: 'Event',
    metadata: { name: 'e1', creationTimestamp: '2026-11-28T07:00:00Z' },
    involvedObject: { kind: 'Pod', name: 'p' },
    reason: 'Started', count: 2,
    firstTimestamp: '2026-11-28T07:00:00Z',
    eventTime: '2026-11-28T07:00:00.123456Z',
    reportingComponent: '', reportingInstance: '',
  });
});

test('managedFields fieldsV1 and a ControllerRevision RawExtension become JSON; nested protobuf is decoded', () => {
  const fields = { 'f:data': { 'f:a': {} } };
  const cm = decodeProtobufObject(encodeObject(CORE, 'v1', 'ConfigMap', {
    metadata: gogoMeta('cfg', {
      generation: 7,
      managedFields: [{ manager: 'kubectl', operation: 'Apply', apiVersion: 'v1', time: { seconds: 0 }, fieldsType: 'FieldsV1', fieldsV1: { Raw: Buffer.from(JSON.stringify(fields)) } }],
    }),
  }));
  assert.deepEqual(cm.object.metadata, {
    name: 'cfg', generation: 7,
    managedFields: [{ manager: 'kubectl', operation: 'Apply', apiVersion: 'v1', time: '1970-01-01T00:00:00Z', fieldsType: 'FieldsV1', fieldsV1: fields }],
  });
  const json = decodeProtobufObject(encodeObject('k8s.io.api.apps.v1', 'apps/v1', 'ControllerRevision', {
    metadata: gogoMeta('rev'), revision: 2, data: { raw: Buffer.from('{"spec":{"template":{"metadata":{"labels":{"a":"b"}}}}}') },
  }));
  assert.deepEqual(json.object, { apiVersion: 'apps/v1', kind: 'ControllerRevision', metadata: { name: 'rev' }, revision: 2, data: { spec: { template: { metadata: { labels: { a: 'b' } } } } } });
  const inner = encodeObject(CORE, 'v1', 'ConfigMap', { metadata: gogoMeta('inner'), data: { k: 'v' } });
  const nested = decodeProtobufObject(encodeObject('k8s.io.api.apps.v1', 'apps/v1', 'ControllerRevision', { metadata: gogoMeta('rev'), revision: 1, data: { raw: inner } }));
  assert.deepEqual(nested.object.data, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'inner' }, data: { k: 'v' } });
});

test('HorizontalPodAutoscaler and PodDisruptionBudget', () => {
  const hpa = decodeProtobufObject(encodeObject('k8s.io.api.autoscaling.v2', 'autoscaling/v2', 'HorizontalPodAutoscaler', {
    metadata: gogoMeta('web'),
    spec: {
      scaleTargetRef: { kind: 'Deployment', name: 'web', apiVersion: 'apps/v1' }, minReplicas: 1, maxReplicas: 3,
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }],
    },
    status: { currentReplicas: 0, desiredReplicas: 0 },
  }));
  assert.deepEqual(hpa.object, {
    apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'web' },
    spec: {
      scaleTargetRef: { kind: 'Deployment', name: 'web', apiVersion: 'apps/v1' }, minReplicas: 1, maxReplicas: 3,
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }],
    },
    status: { desiredReplicas: 0 },
  });
  const pdb = decodeProtobufObject(encodeObject('k8s.io.api.policy.v1', 'policy/v1', 'PodDisruptionBudget', {
    metadata: gogoMeta('p'), spec: { maxUnavailable: { type: 0, intVal: 0, strVal: '' }, selector: {} },
  }));
  assert.deepEqual(pdb.object.spec, { maxUnavailable: 0, selector: {} });
});

test('every decodable kind decodes an empty object to its type meta', () => {
  for (const { apiVersion, kind } of decodableKinds()) {
    const decoded = decodeProtobufObject(envelope(apiVersion, kind, new Uint8Array(0)));
    assert.deepEqual(decoded, { apiVersion, kind, object: { apiVersion, kind } }, `${apiVersion} ${kind}`);
  }
});

test('missing type meta is filled from the endpoint defaults', () => {
  const raw = encodeMessage(`${CORE}.ConfigMap`, { metadata: { name: 'x' } });
  const body = Buffer.concat([MAGIC, encodeMessage('k8s.io.apimachinery.pkg.runtime.Unknown', { raw })]);
  assert.deepEqual(decodeProtobufObject(body, { apiVersion: 'v1', kind: 'ConfigMap' }).object, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } });
  assertBadRequest(() => decodeProtobufObject(body), /Object 'Kind' is missing/);
});

test('malformed bodies are 400 BadRequest, never a crash', () => {
  assertBadRequest(() => decodeProtobufObject(Buffer.alloc(0)), /^empty data$/);
  assertBadRequest(() => decodeProtobufObject(Buffer.from('{"kind":"ConfigMap"}')), /does not appear to be a protobuf message, expected prefix \[107 56 115 0\]/);
  assertBadRequest(() => decodeProtobufObject(MAGIC), /^empty body$/);
  assertBadRequest(() => decodeProtobufObject(Buffer.concat([MAGIC, Buffer.from([0x0a, 0xff, 0xff])])), /unable to decode protobuf envelope/);
  assertBadRequest(() => decodeProtobufObject(envelope('v1', 'Frobnicator', new Uint8Array(0))), /no kind "Frobnicator" is registered for version "v1"/);
  assertBadRequest(() => decodeProtobufObject(envelope('v1', 'PodSpec', new Uint8Array(0))), /no kind "PodSpec"/);
  assertBadRequest(() => decodeProtobufObject(envelope('v1', 'ConfigMap', Buffer.from([0x0a, 0x05, 0x0a]))), /unable to decode ConfigMap in version "v1"/);
  assertBadRequest(() => decodeProtobufObject(envelope('v1', 'ConfigMap', new Uint8Array(0), { contentEncoding: 'gzip' })), /content encoding "gzip"/);
  assertBadRequest(() => decodeProtobufObject(encodeObject(CORE, 'v1', 'Service', {
    spec: { ports: [{ port: 80, targetPort: { type: 7 } }] },
  })), /impossible IntOrString.Type 7/);
  assertBadRequest(() => decodeProtobufObject(encodeObject('k8s.io.api.apps.v1', 'apps/v1', 'ControllerRevision', {
    data: { raw: Buffer.from('not json') },
  })), /RawExtension does not hold valid JSON/);
});

test('Go duration formatting', () => {
  assert.equal(formatGoDuration(0n), '0s');
  assert.equal(formatGoDuration(3_600_000_000_000n), '1h0m0s');
  assert.equal(formatGoDuration(90_000_000_000n), '1m30s');
  assert.equal(formatGoDuration(1_500_000_000n), '1.5s');
  assert.equal(formatGoDuration(250_000_000n), '250ms');
  assert.equal(formatGoDuration(1_500n), '1.5µs');
  assert.equal(formatGoDuration(7n), '7ns');
  assert.equal(formatGoDuration(-2_000_000_000n), '-2s');
});
