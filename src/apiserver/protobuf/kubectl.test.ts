// Real protobuf bodies: the installed kubectl binaries send their writes to a throwaway HTTPS
// server (./testing/kubectlCapture.ts), which records the body and answers with the decoded object.
// Each decoded body is compared with the literal JSON kubectl would have sent, and with kubectl's
// own `--dry-run=client -o json` rendering of the same command (Go encoding/json of the object it
// built; its `null`s are what our decoder omits).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { decodeProtobufObject, isProtobufContentType } from './decode.js';
import { kubectlPath, runKubectl, startCaptureServer, type CaptureServer, type CapturedRequest } from './testing/kubectlCapture.js';

/** The capture server's reply to a write: the decoded object, plus the status kubectl reads back. */
function answer(req: CapturedRequest): unknown {
  const object = decodeProtobufObject(req.body).object;
  if (object.kind === 'TokenRequest') return { ...object, status: { token: 'test-token', expirationTimestamp: '2030-01-01T00:00:00Z' } };
  if (object.kind === 'SelfSubjectAccessReview') return { ...object, status: { allowed: true } };
  return object;
}

function stripNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripNulls);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null).map(([k, v]) => [k, stripNulls(v)]));
  }
  return value;
}

/** Runs one kubectl command; returns the decoded body of the protobuf write it sent. */
async function capture(server: CaptureServer, minor: number, args: readonly string[]): Promise<Record<string, unknown>> {
  const before = server.requests.length;
  const result = await runKubectl(kubectlPath(minor), args, server.port);
  assert.equal(result.code, 0, `kubectl ${args.join(' ')} failed: ${result.stderr}`);
  const writes = server.requests.slice(before).filter((r) => r.method === 'POST');
  assert.equal(writes.length, 1, `expected one write from kubectl ${args.join(' ')}`);
  assert.ok(isProtobufContentType(writes[0].contentType), `kubectl 1.${minor} sent ${writes[0].contentType}`);
  return decodeProtobufObject(writes[0].body).object;
}

/** Adds flags to a kubectl command line, before a `--` (which must stay last) if there is one. */
function withFlags(args: readonly string[], flags: readonly string[]): string[] {
  const split = args.indexOf('--');
  return split < 0 ? [...args, ...flags] : [...args.slice(0, split), ...flags, ...args.slice(split)];
}

/** kubectl's own JSON for the object a generator command builds. */
async function clientRendering(server: CaptureServer, minor: number, args: readonly string[]): Promise<unknown> {
  const result = await runKubectl(kubectlPath(minor), withFlags(args, ['--dry-run=client', '-o', 'json']), server.port);
  assert.equal(result.code, 0, result.stderr);
  return stripNulls(JSON.parse(result.stdout));
}

const HAVE_133 = existsSync(kubectlPath(33));
const HAVE_132 = existsSync(kubectlPath(32));

test('kubectl 1.33 create bodies decode to the JSON kubectl would send', { skip: !HAVE_133 && 'kubectl 1.33 is not installed' }, async (t) => {
  const server = await startCaptureServer(answer);
  t.after(() => server.close());

  const literal: [string[], Record<string, unknown>][] = [
    [['create', 'configmap', 'x', '--from-literal=a=b'], { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, data: { a: 'b' } }],
    [['create', 'secret', 'generic', 's', '--from-literal=k=v'], { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data: { k: 'dg==' } }],
    [['create', 'namespace', 'team-a'], { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a' }, spec: {}, status: {} }],
    [['create', 'deployment', 'web', '--image=nginx:1.14.2', '--replicas=3', '--port=80'], {
      apiVersion: 'apps/v1', kind: 'Deployment',
      metadata: { name: 'web', labels: { app: 'web' } },
      spec: {
        replicas: 3,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: { containers: [{ name: 'nginx', image: 'nginx:1.14.2', ports: [{ containerPort: 80 }], resources: {} }] },
        },
        strategy: {},
      },
      status: {},
    }],
  ];
  for (const [args, expected] of literal) {
    await t.test(args.slice(0, 3).join(' '), async () => {
      const decoded = await capture(server, 33, withFlags(args, ['--dry-run=server', '-o', 'json']));
      assert.deepEqual(decoded, expected);
      assert.deepEqual(decoded, await clientRendering(server, 33, args));
    });
  }

  const generators: string[][] = [
    ['create', 'job', 'j', '--image=busybox', '--', 'echo', 'hi'],
    ['create', 'cronjob', 'cj', '--image=busybox', '--schedule=*/5 * * * *'],
    ['create', 'service', 'clusterip', 's', '--tcp=80:8080'],
    ['create', 'service', 'nodeport', 'np', '--tcp=80:http', '--node-port=30080'],
    ['create', 'ingress', 'i', '--rule=foo.com/bar=svc:80,tls=sec', '--class=nginx'],
    ['create', 'role', 'r', '--verb=get,list', '--resource=pods', '--resource-name=a'],
    ['create', 'rolebinding', 'rb', '--role=r', '--serviceaccount=default:sa', '--user=u'],
    ['create', 'clusterrole', 'cr', '--verb=get', '--non-resource-url=/logs'],
    ['create', 'clusterrolebinding', 'crb', '--clusterrole=view', '--group=g'],
    ['create', 'serviceaccount', 'sa'],
    ['create', 'quota', 'q', '--hard=pods=2,cpu=500m', '--scopes=BestEffort'],
    ['create', 'priorityclass', 'pc', '--value=0', '--description=d', '--preemption-policy=Never'],
    ['create', 'poddisruptionbudget', 'p', '--selector=a=b', '--min-available=50%'],
    ['create', 'secret', 'docker-registry', 'd', '--docker-server=x', '--docker-username=u', '--docker-password=p'],
  ];
  for (const args of generators) {
    await t.test(args.slice(0, 3).join(' '), async () => {
      const decoded = await capture(server, 33, withFlags(args, ['--dry-run=server', '-o', 'json']));
      assert.deepEqual(decoded, await clientRendering(server, 33, args));
    });
  }

  await t.test('create token', async () => {
    const decoded = await capture(server, 33, ['create', 'token', 'sa', '--audience=a', '--duration=1h', '--bound-object-kind=Pod', '--bound-object-name=p', '--bound-object-uid=u1']);
    assert.deepEqual(decoded, {
      apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', metadata: {},
      spec: { audiences: ['a'], expirationSeconds: 3600, boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'p', uid: 'u1' } },
      status: { token: '' },
    });
  });

  await t.test('auth can-i', async () => {
    const decoded = await capture(server, 33, ['auth', 'can-i', 'get', '/logs']);
    assert.deepEqual(decoded, {
      apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', metadata: {},
      spec: { nonResourceAttributes: { path: '/logs', verb: 'get' } },
      status: { allowed: false },
    });
  });
});

test('kubectl 1.32 already sends protobuf for create configmap', { skip: !HAVE_132 && 'kubectl 1.32 is not installed' }, async (t) => {
  const server = await startCaptureServer(answer);
  t.after(() => server.close());
  const decoded = await capture(server, 32, ['create', 'configmap', 'x', '--from-literal=a=b', '--from-literal=c=d', '--dry-run=server']);
  assert.deepEqual(decoded, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, data: { a: 'b', c: 'd' } });
});
