import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createTcpServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Server as GrpcServer, ServerCredentials, status as grpcStatus, type sendUnaryData, type ServerUnaryCall } from '@grpc/grpc-js';
import type { ExecResult, StreamingRuntime } from '../runtime.js';
import { execProbeCommand, runExecProbe } from './execProbe.js';
import { decodeHealthCheckResponse, encodeHealthCheckRequest, runGrpcProbe } from './grpcProbe.js';
import { httpProbeRequest, runHttpProbe, type HttpProbeRequest } from './httpProbe.js';
import { resolveContainerPort } from './ports.js';
import { interpret } from './runProbe.js';
import { runTcpProbe } from './tcpProbe.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

async function listen(server: Server | ReturnType<typeof createTcpServer>, host = '127.0.0.1'): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return (server.address() as AddressInfo).port;
}

async function close(server: { close(cb: () => void): unknown; closeAllConnections?: () => void }): Promise<void> {
  server.closeAllConnections?.();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/** A loopback port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const s = createTcpServer();
  const port = await listen(s);
  await close(s);
  return port;
}

function get(port: number, path = '/', extra: Partial<HttpProbeRequest> = {}): HttpProbeRequest {
  const req = httpProbeRequest({ port, path }, {}, '127.0.0.1');
  assert.ok(!(req instanceof Error));
  return { ...req, ...extra };
}

test('httpGet: 200 is success, then 500 is a failure naming only the status code', async () => {
  let code = 200;
  const seen: IncomingMessage[] = [];
  const server = createHttpServer((req, res) => {
    seen.push(req);
    res.writeHead(code).end(code === 200 ? 'ok' : 'secret body');
  });
  const port = await listen(server);
  try {
    assert.deepEqual(await runHttpProbe(get(port, '/healthz?x=1'), 1), { result: 'success', output: 'ok' });
    code = 500;
    assert.deepEqual(await runHttpProbe(get(port, '/healthz'), 1), { result: 'failure', output: 'HTTP probe failed with statuscode: 500' });
    code = 404;
    assert.equal((await runHttpProbe(get(port), 1)).output, 'HTTP probe failed with statuscode: 404');
    assert.equal(seen[0].url, '/healthz?x=1');
    assert.equal(seen[0].headers['user-agent'], 'kube-probe/1.33');
    assert.equal(seen[0].headers.accept, '*/*');
    assert.equal(seen[0].headers.host, `127.0.0.1:${port}`);
    assert.equal(seen[0].headers.connection, 'close');
    assert.equal(seen[0].headers['accept-encoding'], undefined);
    assert.equal(seen[2].url, '/', 'an empty path requests /');
  } finally {
    await close(server);
  }
});

test('httpGet: the probe headers (canonical names) replace the defaults; an empty Accept is dropped; Host sets the host', async () => {
  const seen: IncomingMessage[] = [];
  const server = createHttpServer((req, res) => {
    seen.push(req);
    res.end();
  });
  const port = await listen(server);
  try {
    const req = httpProbeRequest({ port: 'web', path: 'ready', httpHeaders: [{ name: 'x-custom', value: 'a' }, { name: 'user-agent', value: 'mine' }, { name: 'Accept', value: '' }, { name: 'host', value: 'example.test' }] }, { ports: [{ name: 'web', containerPort: port }] }, '127.0.0.1');
    assert.ok(!(req instanceof Error));
    assert.deepEqual(req.headers, [['X-Custom', 'a'], ['User-Agent', 'mine'], ['Host', 'example.test']]);
    assert.equal((await runHttpProbe(req, 1)).result, 'success');
    assert.equal(seen[0].url, '/ready');
    assert.equal(seen[0].headers['x-custom'], 'a');
    assert.equal(seen[0].headers['user-agent'], 'mine');
    assert.equal(seen[0].headers.accept, undefined);
    assert.equal(seen[0].headers.host, 'example.test');
  } finally {
    await close(server);
  }
});

test('httpGet redirects: same host followed, another host ends the probe with a warning, a loop stops after 10', async () => {
  const paths: string[] = [];
  let port = 0;
  const routes: Record<string, Handler> = {
    '/moved': (_req, res) => res.writeHead(302, { location: '/ok' }).end(),
    '/ok': (_req, res) => res.end('fine'),
    '/away': (_req, res) => res.writeHead(301, { location: `http://localhost:${port}/ok` }).end('gone elsewhere'),
    '/loop': (_req, res) => res.writeHead(302, { location: '/loop' }).end(),
    '/notmod': (_req, res) => res.writeHead(304).end(),
  };
  const server = createHttpServer((req, res) => {
    paths.push(req.url ?? '');
    routes[req.url ?? '']?.(req, res) ?? res.writeHead(404).end();
  });
  port = await listen(server);
  try {
    assert.deepEqual(await runHttpProbe(get(port, '/moved'), 1), { result: 'success', output: 'fine' });
    assert.deepEqual(paths, ['/moved', '/ok']);
    assert.deepEqual(await runHttpProbe(get(port, '/away'), 1), { result: 'warning', output: 'Probe terminated redirects, Response body: gone elsewhere' });
    assert.deepEqual(await runHttpProbe(get(port, '/loop'), 1), { result: 'failure', output: 'Get "/loop": stopped after 10 redirects' });
    assert.equal(paths.filter((p) => p === '/loop').length, 10);
    assert.equal((await runHttpProbe(get(port, '/notmod'), 1)).result, 'warning');
  } finally {
    await close(server);
  }
});

test('httpGet: a closed port and a server that never answers fail with Go client errors', async () => {
  const port = await closedPort();
  assert.deepEqual(await runHttpProbe(get(port, '/healthz'), 1), {
    result: 'failure',
    output: `Get "http://127.0.0.1:${port}/healthz": dial tcp 127.0.0.1:${port}: connect: connection refused`,
  });
  const silent = createHttpServer(() => undefined);
  const sport = await listen(silent);
  try {
    assert.deepEqual(await runHttpProbe(get(sport, '/'), 1), {
      result: 'failure',
      output: `Get "http://127.0.0.1:${sport}/": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`,
    });
  } finally {
    await close(silent);
  }
});

test('httpGet over HTTPS does not verify the certificate', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-probe-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=probe', '-keyout', join(dir, 'k.pem'), '-out', join(dir, 'c.pem')], { stdio: 'ignore' });
  } catch {
    t.skip('openssl is not available to make a certificate');
    return;
  }
  const server = createHttpsServer({ key: readFileSync(join(dir, 'k.pem')), cert: readFileSync(join(dir, 'c.pem')) }, (_req, res) => res.end('tls ok'));
  const port = await listen(server as unknown as Server);
  try {
    assert.deepEqual(await runHttpProbe(get(port, '/', { scheme: 'https' }), 2), { result: 'success', output: 'tls ok' });
  } finally {
    await close(server);
  }
});

test('tcpSocket: a listening port succeeds, a closed one fails with the dial error', async () => {
  const server = createTcpServer((s) => s.destroy());
  const port = await listen(server);
  try {
    assert.deepEqual(await runTcpProbe('127.0.0.1', port, 1), { result: 'success', output: '' });
  } finally {
    await close(server);
  }
  const closed = await closedPort();
  assert.deepEqual(await runTcpProbe('127.0.0.1', closed, 1), { result: 'failure', output: `dial tcp 127.0.0.1:${closed}: connect: connection refused` });
});

test('grpc: the health service answers SERVING (success) or NOT_SERVING (failure); no health service is a failure', async () => {
  assert.deepEqual(encodeHealthCheckRequest('svc'), Buffer.from([0x0a, 3, 0x73, 0x76, 0x63]));
  assert.equal(decodeHealthCheckResponse(Buffer.from([0x08, 2])), 2);
  assert.equal(decodeHealthCheckResponse(Buffer.alloc(0)), 0);
  const server = new GrpcServer();
  const statuses: Record<string, number> = { '': 1, sick: 2 };
  server.addService(
    {
      Check: {
        path: '/grpc.health.v1.Health/Check',
        requestStream: false,
        responseStream: false,
        requestSerialize: (r: { service: string }) => encodeHealthCheckRequest(r.service),
        // An object, not the bare string: grpc-js takes a falsy request for no request at all.
        requestDeserialize: (b: Buffer) => ({ service: b.length > 2 ? b.subarray(2).toString() : '' }),
        responseSerialize: (n: number) => Buffer.from([0x08, n]),
        responseDeserialize: (b: Buffer) => decodeHealthCheckResponse(b),
      },
    },
    {
      Check: (call: ServerUnaryCall<{ service: string }, number>, cb: sendUnaryData<number>) => {
        const st = statuses[call.request.service];
        if (st === undefined) cb({ code: grpcStatus.NOT_FOUND, details: 'unknown service' });
        else cb(null, st);
      },
    },
  );
  const port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))));
  const bare = new GrpcServer();
  const barePort = await new Promise<number>((resolve, reject) => bare.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))));
  try {
    assert.deepEqual(await runGrpcProbe('127.0.0.1', port, '', 2), { result: 'success', output: 'service healthy' });
    assert.deepEqual(await runGrpcProbe('127.0.0.1', port, 'sick', 2), { result: 'failure', output: 'service unhealthy (responded with "NOT_SERVING")' });
    assert.deepEqual(await runGrpcProbe('127.0.0.1', port, 'other', 2), { result: 'failure', output: 'error: health rpc probe failed: rpc error: code = NotFound desc = unknown service' });
    const unimpl = await runGrpcProbe('127.0.0.1', barePort, '', 2);
    assert.equal(unimpl.result, 'failure');
    assert.match(unimpl.output, /^error: this server does not implement the grpc health protocol \(grpc\.health\.v1\.Health\): /);
  } finally {
    server.forceShutdown();
    bare.forceShutdown();
  }
  const closed = await closedPort();
  assert.deepEqual(await runGrpcProbe('127.0.0.1', closed, '', 1), { result: 'failure', output: `timeout: failed to connect service "127.0.0.1:${closed}" within 1s: context deadline exceeded` });
});

test('exec: exit 0 succeeds, another exit fails with stdout+stderr, a timeout fails, a runtime error errors', async () => {
  const calls: Array<{ id: string; cmd: string[]; timeout: number }> = [];
  let next: ExecResult | Error = { exitCode: 0, stdout: Buffer.from('fine\n'), stderr: Buffer.alloc(0), timedOut: false };
  const streaming = {
    execSync: async (id: string, cmd: string[], timeout: number) => {
      calls.push({ id, cmd, timeout });
      if (next instanceof Error) throw next;
      return next;
    },
  } as unknown as StreamingRuntime;
  assert.deepEqual(await runExecProbe(streaming, 'c1', ['cat', '/tmp/healthy'], 3), { result: 'success', output: 'fine\n' });
  assert.deepEqual(calls[0], { id: 'c1', cmd: ['cat', '/tmp/healthy'], timeout: 3 });
  next = { exitCode: 1, stdout: Buffer.from('out '), stderr: Buffer.from("cat: can't open '/tmp/healthy': No such file or directory\n"), timedOut: false };
  assert.deepEqual(await runExecProbe(streaming, 'c1', ['cat', '/tmp/healthy'], 1), { result: 'failure', output: "out cat: can't open '/tmp/healthy': No such file or directory\n" });
  next = { exitCode: -1, stdout: Buffer.alloc(0), stderr: Buffer.alloc(0), timedOut: true };
  assert.deepEqual(await runExecProbe(streaming, 'c1', ['sh', '-c', 'sleep 10'], 1), { result: 'failure', output: 'command timed out: "sh -c sleep 10" timed out after 1s' });
  next = new Error('rpc error: code = NotFound desc = container not found');
  assert.deepEqual(await runExecProbe(streaming, 'c1', ['true'], 1), { result: 'unknown', output: '', error: 'rpc error: code = NotFound desc = container not found' });
  assert.equal((await runExecProbe(undefined, 'c1', ['true'], 1)).result, 'unknown');
  // $(VAR) sees literal env values only; valueFrom ones expand to nothing.
  const container = { env: [{ name: 'FILE', value: '/tmp/x' }, { name: 'SECRET', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } }] };
  assert.deepEqual(execProbeCommand({ command: ['cat', '$(FILE)', '[$(SECRET)]', '$(NOPE)', '$$(FILE)'] }, container), ['cat', '/tmp/x', '[]', '$(NOPE)', '$(FILE)']);
});

test('ports resolve by number, by container port name, or from a numeric string; errors as upstream', () => {
  const c = { ports: [{ name: 'http', containerPort: 8080 }] };
  assert.equal(resolveContainerPort(80, c), 80);
  assert.equal(resolveContainerPort('http', c), 8080);
  assert.equal(resolveContainerPort('9090', c), 9090);
  assert.equal((resolveContainerPort('metrics', c) as Error).message, 'strconv.Atoi: parsing "metrics": invalid syntax');
  assert.equal((resolveContainerPort(70000, c) as Error).message, 'invalid port number: 70000');
  assert.equal((resolveContainerPort(0, c) as Error).message, 'invalid port number: 0');
});

test('outcomes become results and the kubelet Events', () => {
  assert.deepEqual(interpret('readiness', { result: 'success', output: 'x' }), { result: 'success' });
  assert.deepEqual(interpret('liveness', { result: 'failure', output: 'HTTP probe failed with statuscode: 500' }), {
    result: 'failure',
    event: { type: 'Warning', reason: 'Unhealthy', message: 'Liveness probe failed: HTTP probe failed with statuscode: 500' },
  });
  assert.deepEqual(interpret('readiness', { result: 'warning', output: 'Probe terminated redirects, Response body: ' }), {
    result: 'success',
    event: { type: 'Warning', reason: 'ProbeWarning', message: 'Readiness probe warning: Probe terminated redirects, Response body: ' },
  });
  assert.deepEqual(interpret('startup', { result: 'unknown', output: '', error: 'strconv.Atoi: parsing "http": invalid syntax' }), {
    event: { type: 'Warning', reason: 'Unhealthy', message: 'Startup probe errored and resulted in unknown state: strconv.Atoi: parsing "http": invalid syntax' },
  });
  assert.deepEqual(interpret('liveness', { result: 'unknown', output: '' }), { result: 'failure' });
});
