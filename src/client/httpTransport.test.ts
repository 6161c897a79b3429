import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { ApiError } from '../machinery/errors.js';
import { isAlreadyExists, isConflict, isGone, isNotFound } from './errors.js';
import { httpClient, kubeconfigClient, resourcePath } from './httpTransport.js';
import type { WatchEvent } from './types.js';
import { createTestPki } from './testing/testPki.js';

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

type Handler = (req: http.IncomingMessage, res: http.ServerResponse, body: string) => void;

async function serve(handler: Handler, tls?: https.ServerOptions): Promise<{ url: string; seen: Seen[]; connections: () => number; close: () => Promise<void> }> {
  const seen: Seen[] = [];
  let connections = 0;
  const onRequest = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      handler(req, res, body);
    });
  };
  const server = tls ? https.createServer(tls, onRequest) : http.createServer(onRequest);
  server.on(tls ? 'secureConnection' : 'connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    seen,
    connections: () => connections,
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

const json = (res: http.ServerResponse, code: number, body: unknown): void => {
  res.writeHead(code, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
};

const pods = { group: '', version: 'v1', resource: 'pods' };
const deployments = { group: 'apps', version: 'v1', resource: 'deployments' };

test('resource paths are built as client-go builds them', () => {
  assert.equal(resourcePath(pods), '/api/v1/pods');
  assert.equal(resourcePath(pods, 'default'), '/api/v1/namespaces/default/pods');
  assert.equal(resourcePath(pods, 'default', 'web-0', 'status'), '/api/v1/namespaces/default/pods/web-0/status');
  assert.equal(resourcePath(deployments, 'ns', 'd', 'scale'), '/apis/apps/v1/namespaces/ns/deployments/d/scale');
  assert.equal(resourcePath({ group: '', version: 'v1', resource: 'namespaces' }, undefined, 'kube-system'), '/api/v1/namespaces/kube-system');
  assert.equal(resourcePath({ group: 'rbac.authorization.k8s.io', version: 'v1', resource: 'clusterroles' }, undefined, 'system:node'), '/apis/rbac.authorization.k8s.io/v1/clusterroles/system%3Anode');
  assert.throws(() => resourcePath(pods, 'default', ''), /name may not be empty/);
});

test('verbs send the right method, path, query, headers and body; keep-alive reuses the socket', async () => {
  const srv = await serve((req, res) => {
    if (req.method === 'GET' && req.url?.startsWith('/api/v1/namespaces/default/pods?')) return json(res, 200, { kind: 'PodList', apiVersion: 'v1', metadata: { resourceVersion: '7' }, items: null });
    json(res, req.method === 'POST' ? 201 : 200, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default', resourceVersion: '8' } });
  });
  const c = httpClient({ server: srv.url, token: 'secret-token', userAgent: 'skiff-test/1' });
  try {
    const got = await c.get(pods, 'p', { namespace: 'default' });
    assert.equal(got.metadata.resourceVersion, '8');
    const list = await c.list(pods, { namespace: 'default', labelSelector: 'app=web,tier!=db', fieldSelector: 'spec.nodeName=n1', limit: 50, continue: 'abc' });
    assert.deepEqual(list.items, [], 'null items become []');
    await c.create(pods, { metadata: { name: 'p', namespace: 'default' } }, { dryRun: true, fieldManager: 'mgr' });
    await c.create(pods, { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'p', namespace: 'default' }, target: { kind: 'Node', name: 'n1' } }, { subresource: 'binding' });
    await c.update(deployments, { metadata: { name: 'd', namespace: 'ns', resourceVersion: '3' } }, { subresource: 'status' });
    for (const type of ['merge', 'strategic', 'json', 'apply'] as const) {
      await c.patch(deployments, 'd', type === 'json' ? [{ op: 'replace', path: '/spec/replicas', value: 2 }] : { spec: { replicas: 2 } }, { namespace: 'ns', type, fieldManager: 'mgr', force: true });
    }
    await c.delete(pods, 'p', { namespace: 'default', propagationPolicy: 'Foreground', gracePeriodSeconds: 0, preconditions: { uid: 'u1' } });
    await c.deleteCollection(pods, { namespace: 'default', labelSelector: 'app=web', propagationPolicy: 'Background' });

    const s = srv.seen;
    assert.equal(s[0].method, 'GET');
    assert.equal(s[0].url, '/api/v1/namespaces/default/pods/p');
    assert.equal(s[0].headers.authorization, 'Bearer secret-token');
    assert.equal(s[0].headers.accept, 'application/json');
    assert.equal(s[0].headers['user-agent'], 'skiff-test/1');
    const q1 = new URL(s[1].url, 'http://x').searchParams;
    assert.equal(q1.get('labelSelector'), 'app=web,tier!=db');
    assert.equal(q1.get('fieldSelector'), 'spec.nodeName=n1');
    assert.equal(q1.get('limit'), '50');
    assert.equal(q1.get('continue'), 'abc');
    assert.equal(s[2].method, 'POST');
    assert.equal(s[2].url, '/api/v1/namespaces/default/pods?dryRun=All&fieldManager=mgr');
    assert.equal(s[2].headers['content-type'], 'application/json');
    assert.deepEqual(JSON.parse(s[2].body), { metadata: { name: 'p', namespace: 'default' } });
    assert.equal(s[3].url, '/api/v1/namespaces/default/pods/p/binding');
    assert.equal(s[4].method, 'PUT');
    assert.equal(s[4].url, '/apis/apps/v1/namespaces/ns/deployments/d/status');
    const patches = s.slice(5, 9);
    assert.deepEqual(patches.map((p) => p.headers['content-type']), [
      'application/merge-patch+json', 'application/strategic-merge-patch+json', 'application/json-patch+json', 'application/apply-patch+yaml',
    ]);
    assert.ok(patches.every((p) => p.method === 'PATCH'));
    assert.equal(patches[0].url, '/apis/apps/v1/namespaces/ns/deployments/d?fieldManager=mgr', 'force only for apply');
    assert.equal(patches[3].url, '/apis/apps/v1/namespaces/ns/deployments/d?fieldManager=mgr&force=true');
    assert.deepEqual(JSON.parse(patches[2].body), [{ op: 'replace', path: '/spec/replicas', value: 2 }]);
    assert.equal(s[9].method, 'DELETE');
    assert.equal(s[9].url, '/api/v1/namespaces/default/pods/p');
    assert.deepEqual(JSON.parse(s[9].body), { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Foreground', gracePeriodSeconds: 0, preconditions: { uid: 'u1' } });
    assert.equal(s[10].url, '/api/v1/namespaces/default/pods?labelSelector=app%3Dweb');
    assert.equal(JSON.parse(s[10].body).propagationPolicy, 'Background');
    assert.equal(srv.connections(), 1, 'one keep-alive connection for sequential requests');
  } finally {
    c.close();
    await srv.close();
  }
});

test('non-2xx responses become ApiErrors carrying the server Status', async () => {
  const srv = await serve((req, res) => {
    if (req.url?.includes('/missing')) {
      return json(res, 404, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'pods "missing" not found', reason: 'NotFound', details: { name: 'missing', kind: 'pods' }, code: 404 });
    }
    if (req.method === 'POST') return json(res, 409, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'pods "p" already exists', reason: 'AlreadyExists', code: 409 });
    res.writeHead(503, { 'Content-Type': 'text/plain' });
    res.end('upstream connect error');
  });
  const c = httpClient({ server: srv.url });
  try {
    const notFound = await c.get(pods, 'missing', { namespace: 'default' }).catch((e: unknown) => e);
    assert.ok(notFound instanceof ApiError);
    assert.equal(notFound.code, 404);
    assert.equal(notFound.message, 'pods "missing" not found');
    assert.deepEqual(notFound.status.details, { name: 'missing', kind: 'pods' });
    assert.equal(isNotFound(notFound), true);
    const exists = await c.create(pods, { metadata: { name: 'p' } }, { namespace: 'default' }).catch((e: unknown) => e);
    assert.equal(isAlreadyExists(exists), true);
    assert.equal(isConflict(exists), false, 'same code, different reason');
    const unavailable = await c.get(pods, 'p').catch((e: unknown) => e);
    assert.ok(unavailable instanceof ApiError);
    assert.equal(unavailable.code, 503);
    assert.equal(unavailable.reason, 'ServiceUnavailable');
    assert.match(unavailable.message, /503: upstream connect error/);
  } finally {
    c.close();
    await srv.close();
  }
});

test('watch: parses JSON lines split across chunks, ends with the stream, rejects a refused watch', async () => {
  const srv = await serve((req, res) => {
    const q = new URL(req.url ?? '', 'http://x').searchParams;
    if (q.get('resourceVersion') === '1') {
      return json(res, 410, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'too old resource version: 1 (5)', reason: 'Expired', code: 410 });
    }
    res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' });
    const lines = [
      { type: 'ADDED', object: { metadata: { name: 'a', resourceVersion: '11' } } },
      { type: 'MODIFIED', object: { metadata: { name: 'a', resourceVersion: '12' } } },
      { type: 'BOOKMARK', object: { metadata: { resourceVersion: '13' } } },
      { type: 'ERROR', object: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'Expired', code: 410, message: 'gone' } },
    ].map((l) => JSON.stringify(l) + '\n').join('');
    const cut = lines.indexOf('MODIFIED');
    res.write(lines.slice(0, cut));
    setImmediate(() => {
      res.write(lines.slice(cut));
      res.end();
    });
  });
  const c = httpClient({ server: srv.url });
  try {
    const stream = await c.watch(pods, { namespace: 'default', resourceVersion: '10', allowWatchBookmarks: true, timeoutSeconds: 30, labelSelector: 'app=web' });
    const got: WatchEvent[] = [];
    for await (const ev of stream) got.push(ev);
    assert.deepEqual(got.map((e) => e.type), ['ADDED', 'MODIFIED', 'BOOKMARK', 'ERROR']);
    assert.equal(got[1].object.metadata.resourceVersion, '12');
    const q = new URL(srv.seen[0].url, 'http://x').searchParams;
    assert.equal(new URL(srv.seen[0].url, 'http://x').pathname, '/api/v1/namespaces/default/pods');
    assert.deepEqual(Object.fromEntries(q), { watch: 'true', labelSelector: 'app=web', resourceVersion: '10', allowWatchBookmarks: 'true', timeoutSeconds: '30' });
    const refused = await c.watch(pods, { resourceVersion: '1' }).catch((e: unknown) => e);
    assert.equal(isGone(refused), true);
  } finally {
    c.close();
    await srv.close();
  }
});

test('watch: stop() and the caller signal close the connection', async () => {
  let closed = 0;
  const srv = await serve((req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' });
    res.write(JSON.stringify({ type: 'ADDED', object: { metadata: { name: 'a' } } }) + '\n');
    res.on('close', () => closed++);
  });
  const c = httpClient({ server: srv.url });
  try {
    const s1 = await c.watch(pods);
    const got: string[] = [];
    for await (const ev of s1) {
      got.push(ev.type);
      s1.stop();
    }
    assert.deepEqual(got, ['ADDED']);
    const ac = new AbortController();
    const s2 = await c.watch(pods, { signal: ac.signal });
    const it = s2[Symbol.asyncIterator]();
    assert.equal((await it.next()).done, false);
    const pending = it.next();
    ac.abort();
    assert.equal((await pending).done, true);
    for (let i = 0; i < 100 && closed < 2; i++) await new Promise((r) => setImmediate(r));
    assert.equal(closed, 2, 'the server saw both connections close');
  } finally {
    c.close();
    await srv.close();
  }
});

test('kubeconfigClient: HTTPS with the embedded CA and client certificate', async () => {
  const pki = await createTestPki('CN=kc-user, O=system:masters');
  const srv = await serve((req, res) => {
    const peer = (req.socket as TLSSocket).getPeerCertificate();
    json(res, 200, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default', annotations: { seenCN: String(peer.subject?.CN ?? '') } } });
  }, { cert: pki.serverCert, key: pki.serverKey, ca: pki.ca, requestCert: true, rejectUnauthorized: true });
  const dir = mkdtempSync(join(tmpdir(), 'skiff-client-'));
  const b64 = (s: string): string => Buffer.from(s).toString('base64');
  const file = join(dir, 'kubeconfig');
  writeFileSync(file, stringify({
    apiVersion: 'v1', kind: 'Config', 'current-context': 'test',
    clusters: [{ name: 'test', cluster: { server: srv.url, 'certificate-authority-data': b64(pki.ca) } }],
    users: [{ name: 'admin', user: { 'client-certificate-data': b64(pki.clientCert), 'client-key-data': b64(pki.clientKey) } }],
    contexts: [{ name: 'test', context: { cluster: 'test', user: 'admin' } }],
  }));
  const c = kubeconfigClient(file);
  const untrusting = httpClient({ server: srv.url, ca: (await createTestPki()).ca });
  try {
    const ns = await c.get({ group: '', version: 'v1', resource: 'namespaces' }, 'default');
    assert.equal(ns.metadata.annotations?.seenCN, 'kc-user');
    await assert.rejects(untrusting.get(pods, 'x'), /certificate|self.signed|unable to verify/i, 'a server outside the CA is refused');
    assert.throws(() => kubeconfigClient(file, { context: 'nope' }), /no context named "nope"/);
  } finally {
    c.close();
    untrusting.close();
    await srv.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
