// kubectl logs / exec / attach / port-forward through the API server's pod streaming paths,
// driven by the real kubectl binaries: 1.27 (SPDY exec, plain SPDY port-forward), 1.30
// (WebSocket v5 exec, plain SPDY port-forward) and 1.33 (WebSocket v5 exec, port-forward
// tunnelled in WebSocket). The node side is a fake CRI streaming server speaking SPDY/3.1
// (src/apiserver/streaming/fakeCriServer.ts) behind a PodStreamBackend, so no containers run.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import type { IncomingMessage } from 'node:http';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { testApiServer } from '../../src/apiserver/testing/testApiServer.js';
import { startFakeCriServer, type FakeCriServer } from '../../src/apiserver/streaming/fakeCriServer.js';
import { streamingMetrics } from '../../src/apiserver/streaming/metrics.js';
import type { LogOptions, PodStreamBackend } from '../../src/apiserver/streaming/types.js';
import type { KubeObject } from '../../src/machinery/types.js';
import { bootstrapObjects } from '../../src/server/bootstrap.js';
import { ensurePki, type Pki } from '../../src/server/certs.js';
import { kubeconfigYaml } from '../../src/server/kubeconfig.js';
import { openStore } from '../../src/store/index.js';
import type { Store } from '../../src/store/types.js';
import { kubectlPath, run, type KubectlVersion, type RunResult } from '../support/cluster.js';

interface Harness {
  kubeconfig: string;
  port: number;
  pki: Pki;
  cri: FakeCriServer;
  logCalls: LogOptions[];
  /** Log streams whose abort signal fired (the client went away). */
  logAborts: { count: number };
  kubectl(v: KubectlVersion, args: string[], input?: string): Promise<RunResult>;
  stop(): Promise<void>;
}

/** The API server as src/server/server.ts composes it, plus a fake node backend for node-a. */
async function startHarness(): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-podstreams-'));
  const pki = await ensurePki(dir, { dns: ['localhost'], ips: ['127.0.0.1'] }, () => {});
  const store: Store = openStore({ backend: 'sqlite', path: join(dir, 'state.db') });
  const cri = await startFakeCriServer();
  const logCalls: LogOptions[] = [];
  const logAborts = { count: 0 };
  const backend: PodStreamBackend = {
    async logs(_pod, opts, signal) {
      logCalls.push(opts);
      return (async function* () {
        yield Buffer.from(`log of ${opts.container}\n`);
        if (opts.follow) {
          yield Buffer.from('followed line\n');
          // A running container's log stays open until the client goes away.
          if (opts.tailLines === 99) {
            await new Promise((r) => signal.addEventListener('abort', r));
            logAborts.count++;
          }
        }
      })();
    },
    execUrl: async (_pod, _c, req) => cri.execUrl(req),
    attachUrl: async (_pod, _c, req) => cri.attachUrl(req),
    portForwardUrl: async (_pod, ports) => cri.portForwardUrl(ports),
  };
  const errors: string[] = [];
  const { api, registry, objects } = testApiServer({
    store,
    schemas: true,
    extras: { podStreams: (node) => (node === 'node-a' ? backend : undefined) },
    log: (m) => errors.push(m),
    tls: { key: pki.servingKey, cert: pki.servingCert, ca: pki.caCert },
  });
  const port = await api.listen(0, '127.0.0.1');
  await bootstrapObjects(objects, registry, { serviceIP: '10.43.0.1', apiPort: port });
  const pods = registry.lookup('', 'v1', 'pods')!;
  const pod = (name: string, containers: string[], nodeName?: string): KubeObject => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default' },
    spec: { containers: containers.map((c) => ({ name: c, image: 'busybox' })), ...(nodeName ? { nodeName } : {}) },
  });
  await objects.create(pods, 'default', pod('p', ['main'], 'node-a'));
  await objects.create(pods, 'default', pod('two', ['app', 'sidecar'], 'node-a'));
  await objects.create(pods, 'default', pod('pending', ['main']));
  await objects.create(pods, 'default', pod('simulated', ['main'], 'sim-node-1'));
  // kubectl port-forward refuses a pod that is not Running.
  await objects.update(pods, 'default', 'p', (cur) => ({ ...cur!, status: { phase: 'Running' } }), { subresource: 'status' });
  const kubeconfig = join(dir, 'kubeconfig.yaml');
  writeFileSync(kubeconfig, kubeconfigYaml(pki, `https://127.0.0.1:${port}`));
  return {
    kubeconfig,
    port,
    pki,
    cri,
    logCalls,
    logAborts,
    kubectl: (v, args, input) => run(kubectlPath(v), ['--kubeconfig', kubeconfig, ...args], { input, timeoutMs: 60_000 }),
    async stop() {
      await api.stop();
      await cri.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
      assert.deepEqual(errors.filter((e) => e.includes('internal error')), []);
    },
  };
}

/** A TCP echo server on a free loopback port. */
async function echoServer(): Promise<{ port: number; server: Server }> {
  const server = createServer((s) => s.pipe(s));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  return { port: typeof addr === 'object' && addr ? addr.port : 0, server };
}

/** Runs `kubectl port-forward`, waits for its local port, does one echo round trip through it. */
async function portForwardRoundTrip(h: Harness, v: KubectlVersion, containerPort: number, payload: string): Promise<string> {
  const p = spawn(kubectlPath(v), ['--kubeconfig', h.kubeconfig, 'port-forward', 'pod/p', `:${containerPort}`], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  p.stderr.on('data', (d: Buffer) => (err += d.toString()));
  try {
    const localPort = await new Promise<number>((resolve, reject) => {
      p.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /Forwarding from 127\.0\.0\.1:(\d+)/.exec(out);
        if (m) resolve(Number(m[1]));
      });
      p.on('close', () => reject(new Error(`port-forward exited: ${out}\n${err}`)));
    });
    const sock: Socket = connect(localPort, '127.0.0.1');
    const echoed = await new Promise<string>((resolve, reject) => {
      let got = '';
      sock.on('data', (d: Buffer) => {
        got += d.toString();
        if (got.length >= payload.length) {
          sock.end();
          resolve(got);
        }
      });
      sock.on('error', reject);
      sock.write(payload);
    });
    return echoed;
  } finally {
    p.kill('SIGTERM');
    await new Promise((r) => (p.exitCode !== null ? r(null) : p.on('close', r)));
  }
}

async function eventually(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

let h: Harness;
let echo: { port: number; server: Server };
before(async () => {
  h = await startHarness();
  echo = await echoServer();
  h.cri.portMap.set(8080, echo.port);
});
after(async () => {
  echo.server.close();
  await h.stop();
});

describe('kubectl exec', () => {
  for (const v of ['1.27', '1.30', '1.33'] as const) {
    it(`${v}: runs a command and prints its output`, async () => {
      const before = { ...streamingMetrics };
      const r = await h.kubectl(v, ['exec', 'p', '--', 'echo', 'hi', 'there']);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, 'hi there\n');
      // 1.27 relays SPDY to the runtime; 1.30+ speak WebSocket v5, translated to SPDY here.
      if (v === '1.27') assert.equal(streamingMetrics.upgradeProxy, before.upgradeProxy + 1);
      else assert.equal(streamingMetrics.execTranslator, before.execTranslator + 1);
    });

    it(`${v}: propagates the exit code`, async () => {
      const r = await h.kubectl(v, ['exec', 'p', '--', 'exit', '3']);
      assert.equal(r.code, 3, r.stderr);
      assert.match(r.stderr, /command terminated with exit code 3/);
    });

    it(`${v}: passes stdin through until EOF`, async () => {
      const input = 'line one\nline two\n'.repeat(2000);
      const r = await h.kubectl(v, ['exec', '-i', 'p', '--', 'cat'], input);
      assert.equal(r.code, 0, r.stderr);
      assert.ok(r.stdout === input, `stdout: ${r.stdout.length} bytes of ${input.length}, starting ${JSON.stringify(r.stdout.slice(0, 40))}`);
    });

    it(`${v}: carries stderr separately`, async () => {
      const r = await h.kubectl(v, ['exec', 'p', '--', 'stderr', 'oops']);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, '');
      assert.equal(r.stderr, 'oops\n');
    });
  }

  it('1.33: streams a large output intact', async () => {
    const r = await h.kubectl('1.33', ['exec', 'p', '--', 'bytes', String(3 * 1024 * 1024)]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.length, 3 * 1024 * 1024);
  });
});

describe('kubectl attach', () => {
  for (const v of ['1.27', '1.33'] as const) {
    it(`${v}: attaches stdin and stdout`, async () => {
      const r = await h.kubectl(v, ['attach', '-i', 'p'], 'attached input\n');
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /attached input/);
    });
  }
});

describe('kubectl port-forward', () => {
  it('1.27: forwards over plain SPDY', async () => {
    const before = streamingMetrics.upgradeProxy;
    assert.equal(await portForwardRoundTrip(h, '1.27', 8080, 'ping-127'), 'ping-127');
    assert.equal(streamingMetrics.upgradeProxy, before + 1);
  });

  it('1.30: forwards over plain SPDY', async () => {
    assert.equal(await portForwardRoundTrip(h, '1.30', 8080, 'ping-130'), 'ping-130');
  });

  it('1.33: forwards through the WebSocket tunnel', async () => {
    const before = { tunnel: streamingMetrics.portForwardTunnel, proxy: streamingMetrics.upgradeProxy, conns: h.cri.served.forwardedConnections };
    assert.equal(await portForwardRoundTrip(h, '1.33', 8080, 'ping-133'), 'ping-133');
    assert.equal(streamingMetrics.portForwardTunnel, before.tunnel + 1, 'the tunnel served the session');
    assert.equal(streamingMetrics.upgradeProxy, before.proxy, 'no fallback to plain SPDY');
    assert.equal(h.cri.served.forwardedConnections, before.conns + 1);
  });
});

describe('kubectl logs', () => {
  for (const v of ['1.27', '1.33'] as const) {
    it(`${v}: prints the container log with the options passed through`, async () => {
      const r = await h.kubectl(v, ['logs', 'p', '--tail', '5', '--timestamps']);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, 'log of main\n');
      assert.deepEqual(h.logCalls.at(-1), { container: 'main', follow: false, previous: false, timestamps: true, tailLines: 5 });
    });

    it(`${v}: follows until the log ends`, async () => {
      const r = await h.kubectl(v, ['logs', '-f', 'p', '-c', 'main']);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, 'log of main\nfollowed line\n');
      assert.equal(h.logCalls.at(-1)?.follow, true);
    });
  }

  it('stops reading a followed log when kubectl goes away', async () => {
    const p = spawn(kubectlPath('1.33'), ['--kubeconfig', h.kubeconfig, 'logs', '-f', 'p', '--tail', '99'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    await new Promise<void>((resolve, reject) => {
      p.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('followed line\n')) resolve();
      });
      p.on('close', () => reject(new Error(`kubectl logs -f exited early: ${out}`)));
    });
    const before = h.logAborts.count;
    p.kill('SIGTERM');
    await eventually(() => h.logAborts.count === before + 1, 'the backend saw the abort');
  });

  it('prints an empty log for a pod on a simulated node and for an unscheduled pod', async () => {
    for (const pod of ['simulated', 'pending']) {
      const r = await h.kubectl('1.33', ['logs', pod]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, '');
    }
  });
});

describe('errors kubectl prints', () => {
  it('names the containers when a two-container pod gets no container name', async () => {
    // kubectl picks a default container itself, so ask the API directly.
    const r = await h.kubectl('1.33', ['get', '--raw', '/api/v1/namespaces/default/pods/two/log']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /a container name must be specified for pod two, choose one of: \[app sidecar\]/);
  });

  it('rejects an unknown container', async () => {
    const r = await h.kubectl('1.33', ['logs', 'p', '-c', 'nope']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /container nope is not valid for pod p/);
  });

  for (const v of ['1.27', '1.33'] as const) {
    it(`${v}: exec into a pod without a node`, async () => {
      const r = await h.kubectl(v, ['exec', 'pending', '--', 'echo', 'x']);
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, /pod pending does not have a host assigned/);
    });

    it(`${v}: exec into a pod on a simulated node`, async () => {
      const r = await h.kubectl(v, ['exec', 'simulated', '--', 'echo', 'x']);
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, /the simulated runtime runs no processes/);
    });
  }

  it('refuses log options upstream refuses', async () => {
    const r = await h.kubectl('1.33', ['get', '--raw', '/api/v1/namespaces/default/pods/p/log?sinceSeconds=5&sinceTime=2024-01-01T00:00:00Z']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /at most one of `sinceTime` or `sinceSeconds` may be specified/);
  });
});

describe('upgrade requests', () => {
  /** Sends an upgrade request; resolves with the status and body of a non-101 answer. */
  function upgrade(path: string, headers: Record<string, string>, withCert: boolean): Promise<{ code: number; body: string }> {
    return new Promise((resolve, reject) => {
      const req = httpsRequest({
        host: '127.0.0.1',
        port: h.port,
        path,
        method: 'GET',
        ca: h.pki.caCert,
        ...(withCert ? { cert: h.pki.adminCert, key: h.pki.adminKey } : {}),
        headers: { Connection: 'Upgrade', ...headers },
      });
      req.on('upgrade', (res: IncomingMessage, socket: Socket) => {
        socket.destroy();
        resolve({ code: res.statusCode ?? 0, body: '' });
      });
      req.on('response', (res: IncomingMessage) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => resolve({ code: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      req.end();
    });
  }

  it('needs the same client certificate as any request', async () => {
    const r = await upgrade('/api/v1/namespaces/default/pods/p/exec?command=echo&stdout=true', { Upgrade: 'SPDY/3.1', 'X-Stream-Protocol-Version': 'v4.channel.k8s.io' }, false);
    assert.equal(r.code, 401);
    assert.equal((JSON.parse(r.body) as { reason: string }).reason, 'Unauthorized');
  });

  it('serves other paths as ordinary requests even when they ask to upgrade', async () => {
    const r = await upgrade('/version', { Upgrade: 'websocket', 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==', 'Sec-WebSocket-Version': '13' }, true);
    assert.equal(r.code, 200);
    assert.equal((JSON.parse(r.body) as { gitVersion: string }).gitVersion, 'v1.33.0');
  });

  it('answers 404 for a missing pod before upgrading', async () => {
    const r = await upgrade('/api/v1/namespaces/default/pods/ghost/exec?command=echo&stdout=true', { Upgrade: 'SPDY/3.1', 'X-Stream-Protocol-Version': 'v4.channel.k8s.io' }, true);
    assert.equal(r.code, 404);
    assert.equal((JSON.parse(r.body) as { message: string }).message, 'pods "ghost" not found');
  });
});
