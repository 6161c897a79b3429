// Test support only: a throwaway HTTPS server that plays just enough of an API server for a real
// kubectl to send one write, and records every request body. Used by ../decode.test.ts to get
// genuine protobuf bodies from the installed kubectl binaries.
import 'reflect-metadata'; // @peculiar/x509 (via tsyringe) needs the Reflect metadata polyfill first
import * as x509 from '@peculiar/x509';
import { webcrypto } from 'node:crypto';
import https from 'node:https';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface CapturedRequest {
  method: string;
  path: string;
  contentType: string;
  body: Buffer;
}

export interface CaptureServer {
  port: number;
  requests: CapturedRequest[];
  close(): Promise<void>;
}

/** Answers a write; receives the request and returns the JSON object to send back (201). */
export type WriteAnswer = (req: CapturedRequest) => unknown;

const KUBECTL_DIR = '/usr/lib/google-cloud-sdk/bin';

export function kubectlPath(minor: number): string {
  return join(KUBECTL_DIR, `kubectl.1.${minor}`);
}

async function selfSignedPem(): Promise<{ key: string; cert: string }> {
  x509.cryptoProvider.set(webcrypto);
  const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
  const keys = await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify']);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01',
    name: 'CN=127.0.0.1',
    notBefore: new Date(Date.now() - 3_600_000),
    notAfter: new Date(Date.now() + 3_600_000),
    keys,
    signingAlgorithm: alg,
    extensions: [new x509.SubjectAlternativeNameExtension([{ type: 'ip', value: '127.0.0.1' }])],
  });
  const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey);
  return { key: x509.PemConverter.encode(pkcs8, 'PRIVATE KEY'), cert: cert.toString('pem') };
}

const resource = (name: string, kind: string, namespaced: boolean) => ({
  name, singularName: kind.toLowerCase(), namespaced, kind, verbs: ['create', 'delete', 'get', 'list', 'update', 'watch'],
});

/** Minimal legacy discovery: core v1 (configmaps, secrets, namespaces, pods) and apps/v1 (deployments). */
const DISCOVERY: Record<string, unknown> = {
  '/api': { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1' }] },
  '/apis': {
    kind: 'APIGroupList', apiVersion: 'v1',
    groups: [{ name: 'apps', versions: [{ groupVersion: 'apps/v1', version: 'v1' }], preferredVersion: { groupVersion: 'apps/v1', version: 'v1' } }],
  },
  '/api/v1': {
    kind: 'APIResourceList', groupVersion: 'v1',
    resources: [
      resource('configmaps', 'ConfigMap', true), resource('secrets', 'Secret', true),
      resource('namespaces', 'Namespace', false), resource('pods', 'Pod', true),
    ],
  },
  '/apis/apps/v1': { kind: 'APIResourceList', groupVersion: 'apps/v1', resources: [resource('deployments', 'Deployment', true)] },
};

export async function startCaptureServer(answer: WriteAnswer): Promise<CaptureServer> {
  const requests: CapturedRequest[] = [];
  const server = https.createServer(await selfSignedPem(), (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = (req.url ?? '/').split('?')[0];
      const captured = { method: req.method ?? 'GET', path, contentType: req.headers['content-type'] ?? '', body: Buffer.concat(chunks) };
      requests.push(captured);
      const send = (code: number, payload: unknown) => {
        res.writeHead(code, { 'content-type': 'application/json' });
        res.end(JSON.stringify(payload));
      };
      if (captured.method === 'GET' && DISCOVERY[path]) return send(200, DISCOVERY[path]);
      if (captured.method === 'POST') {
        try {
          return send(201, answer(captured));
        } catch (err) {
          return send(500, { kind: 'Status', apiVersion: 'v1', status: 'Failure', code: 500, reason: 'InternalError', message: String(err) });
        }
      }
      // /openapi/v2, /openapi/v3 and anything else: not served (these commands do not need them).
      send(404, { kind: 'Status', apiVersion: 'v1', status: 'Failure', code: 404, reason: 'NotFound', message: 'not found' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = address !== null && typeof address === 'object' ? address.port : 0;
  return {
    port,
    requests,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

export interface KubectlResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs kubectl against https://127.0.0.1:<port> with a throwaway kubeconfig and HOME. */
export async function runKubectl(binary: string, args: readonly string[], port: number): Promise<KubectlResult> {
  const dir = await mkdtemp(join(tmpdir(), 'skiff-kubectl-'));
  try {
    const kubeconfig = join(dir, 'config');
    await writeFile(kubeconfig, [
      'apiVersion: v1', 'kind: Config', 'clusters:', '- name: c', '  cluster:', `    server: https://127.0.0.1:${port}`,
      '    insecure-skip-tls-verify: true', 'contexts:', '- name: c', '  context: {cluster: c, user: u, namespace: default}',
      'current-context: c', 'users:', '- name: u', '  user: {token: test-token}', '',
    ].join('\n'));
    const child = spawn(binary, ['--kubeconfig', kubeconfig, '--cache-dir', join(dir, 'cache'), ...args], {
      env: { PATH: process.env.PATH ?? '', HOME: dir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    // Safety net only (never asserted on): a hung kubectl is killed so the test cannot hang.
    const guard = setTimeout(() => child.kill('SIGKILL'), 60_000);
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    clearTimeout(guard);
    return { code, stdout, stderr };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
