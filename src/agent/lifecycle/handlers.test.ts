import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { FakeClock } from '../../client/testing/fakeClock.js';
import type { KubeObject } from '../../machinery/types.js';
import type { ExecResult, StreamingRuntime } from '../runtime.js';
import { lifecycleUserAgent, runLifecycleHandler, type HookTarget } from './handlers.js';
import { runPostStartHook, runPreStopHook } from './hooks.js';

type Obj = Record<string, unknown>;

const pod: KubeObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default', uid: 'u1' }, spec: {} };

function streaming(answer: (cmd: string[], timeout: number) => Promise<ExecResult> | ExecResult): StreamingRuntime & { calls: Array<{ id: string; cmd: string[]; timeout: number }> } {
  const calls: Array<{ id: string; cmd: string[]; timeout: number }> = [];
  return {
    calls,
    execSync: async (id, cmd, timeout) => {
      calls.push({ id, cmd, timeout });
      return answer(cmd, timeout);
    },
    execUrl: () => Promise.reject(new Error('unused')),
    attachUrl: () => Promise.reject(new Error('unused')),
    portForwardUrl: () => Promise.reject(new Error('unused')),
    containerLogPath: () => '',
  };
}

const exited = (exitCode: number, stdout = '', stderr = ''): ExecResult => ({ exitCode, stdout: Buffer.from(stdout), stderr: Buffer.from(stderr), timedOut: false });

interface Seen {
  url: string;
  headers: IncomingHttpHeaders;
}

async function hookServer(status: number): Promise<{ server: Server; port: number; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    seen.push({ url: req.url ?? '', headers: req.headers });
    res.writeHead(status, { 'content-type': 'text/plain' });
    res.end('hook body');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port, seen };
}

const close = (s: Server): Promise<void> => new Promise((resolve) => s.close(() => resolve()));

test('exec hooks: exit 0 succeeds; a non-zero exit reads as upstream\'s message with stderr and the output', async () => {
  const clock = new FakeClock();
  const rt = streaming((cmd) => (cmd[2] === 'exit 0' ? exited(0) : exited(3, 'out\n', 'boom\n')));
  const t: HookTarget = { pod, container: { name: 'app' }, containerId: 'c1', streaming: rt };
  assert.equal(await runLifecycleHandler({ exec: { command: ['sh', '-c', 'exit 0'] } }, t, { clock }), undefined);
  const msg = await runLifecycleHandler({ exec: { command: ['sh', '-c', 'exit 3'] } }, t, { clock });
  assert.equal(msg, 'Exec lifecycle hook ([sh -c exit 3]) for Container "app" in Pod "p_default(u1)" failed - error: command \'sh -c exit 3\' exited with 3: boom\n, message: "out\\nboom\\n"');
  // postStart exec runs without a time limit (0), as upstream's RunInContainer(…, 0).
  assert.deepEqual(rt.calls.map((c) => [c.id, c.timeout]), [['c1', 0], ['c1', 0]]);
});

test('exec hooks: a timeout and a runtime error', async () => {
  const clock = new FakeClock();
  const timedOut = streaming(() => ({ ...exited(-1), timedOut: true }));
  const msg = await runLifecycleHandler({ exec: { command: ['sleep', '100'] } }, { pod, container: { name: 'app' }, containerId: 'c1', streaming: timedOut }, { clock, timeoutSeconds: 5 });
  assert.equal(msg, 'Exec lifecycle hook ([sleep 100]) for Container "app" in Pod "p_default(u1)" failed - error: command timed out: "sleep 100" timed out after 5s, message: ""');
  assert.equal(timedOut.calls[0].timeout, 5);
  const broken = streaming(() => Promise.reject(Object.assign(new Error('container not running'), { goText: 'rpc error: code = Unknown desc = container not running' })));
  const msg2 = await runLifecycleHandler({ exec: { command: ['true'] } }, { pod, container: { name: 'app' }, containerId: 'c1', streaming: broken }, { clock });
  assert.equal(msg2, 'Exec lifecycle hook ([true]) for Container "app" in Pod "p_default(u1)" failed - error: rpc error: code = Unknown desc = container not running, message: ""');
});

test('httpGet hooks against a real server: pod IP and named port, kube-lifecycle agent, any status code is done', async () => {
  const { server, port, seen } = await hookServer(500);
  try {
    const container: Obj = { name: 'app', ports: [{ name: 'admin', containerPort: port }] };
    const t: HookTarget = { pod, container, containerId: 'c1', podIP: '127.0.0.1' };
    const msg = await runLifecycleHandler({ httpGet: { path: '/drain?now=1', port: 'admin', httpHeaders: [{ name: 'x-token', value: 'abc' }] } }, t, { clock: new FakeClock() });
    assert.equal(msg, undefined, 'a 500 answer still completes the hook (only a failed exchange is an error)');
    assert.equal(seen.length, 1);
    assert.equal(seen[0].url, '/drain?now=1');
    assert.equal(seen[0].headers['user-agent'], lifecycleUserAgent);
    assert.equal(seen[0].headers['x-token'], 'abc');
    assert.equal(seen[0].headers.host, `127.0.0.1:${port}`);
  } finally {
    await close(server);
  }
});

test('httpGet hooks: a refused connection, an unknown port name and no pod IP are failures', async () => {
  const { server, port } = await hookServer(200);
  await close(server);
  const clock = new FakeClock();
  const t: HookTarget = { pod, container: { name: 'app' }, containerId: 'c1', podIP: '127.0.0.1' };
  const refused = await runLifecycleHandler({ httpGet: { path: '/hook', port } }, t, { clock, timeoutSeconds: 5 });
  assert.equal(refused, `HTTP lifecycle hook (/hook) for Container "app" in Pod "p_default(u1)" failed - error: Get "http://127.0.0.1:${port}/hook": dial tcp 127.0.0.1:${port}: connect: connection refused`);
  const badPort = await runLifecycleHandler({ httpGet: { path: '/hook', port: 'web' } }, t, { clock });
  assert.equal(badPort, 'HTTP lifecycle hook (/hook) for Container "app" in Pod "p_default(u1)" failed - error: strconv.Atoi: parsing "web": invalid syntax');
  const noIP = await runLifecycleHandler({ httpGet: { path: '/hook', port: 80 } }, { pod, container: { name: 'app' }, containerId: 'c1' }, { clock });
  assert.match(String(noIP), /^HTTP lifecycle hook \(\/hook\) for Container "app" in Pod "p_default\(u1\)" failed - error: failed to find networking container/);
});

test('httpGet hooks: an HTTPS hook answered in plain HTTP is retried over HTTP (LifecycleHTTPFallback)', async () => {
  const { server, port, seen } = await hookServer(200);
  const events: string[] = [];
  try {
    const t: HookTarget = { pod, container: { name: 'app' }, containerId: 'c1', podIP: '127.0.0.1', recordEvent: (_p, type, reason, message) => events.push(`${type} ${reason} ${message}`) };
    const msg = await runLifecycleHandler({ httpGet: { scheme: 'HTTPS', path: '/x', port, httpHeaders: [{ name: 'Authorization', value: 'Bearer t' }] } }, t, { clock: new FakeClock(), timeoutSeconds: 5 });
    assert.equal(msg, undefined);
    assert.equal(seen.length, 1);
    assert.equal(seen[0].headers.authorization, undefined, 'credentials are not sent over plain HTTP');
    assert.deepEqual(events, [`Warning LifecycleHTTPFallback request to HTTPS lifecycle hook 127.0.0.1:${port} got HTTP response, retry with HTTP succeeded`]);
  } finally {
    await close(server);
  }
});

test('preStop: a sleep hook longer than the grace period is waited for only the grace period, without an Event', async () => {
  const clock = new FakeClock();
  const events: string[] = [];
  const t: HookTarget = { pod, container: { name: 'app', lifecycle: { preStop: { sleep: { seconds: 60 } } } }, containerId: 'c1', recordEvent: (_p, _t, reason) => events.push(reason) };
  const run = runPreStopHook(t, 10, { clock });
  await clock.advance(9_999);
  let done: number | undefined;
  void run.then((s) => (done = s));
  await clock.advance(0);
  assert.equal(done, undefined);
  await clock.advance(1);
  assert.equal(await run, 10);
  assert.deepEqual(events, []);
  assert.equal(clock.pending(), 0, 'the abandoned sleep leaves no timer behind');
});

test('postStart: a sleep hook ends early with an error when its pod goes away', async () => {
  const clock = new FakeClock();
  let leaving = false;
  const t: HookTarget = { pod, container: { name: 'app', lifecycle: { postStart: { sleep: { seconds: 30 } } } }, containerId: 'c1' };
  const run = runPostStartHook(t, { clock, cancelCheckMs: 100 }, () => leaving);
  await clock.advance(1000);
  leaving = true;
  await clock.advance(100);
  assert.equal(await run, 'Sleep lifecycle hook (30) for Container "app" in Pod "p_default(u1)" failed - error: container terminated before sleep hook finished');
  assert.equal(clock.pending(), 0);
  // Undisturbed, it simply waits its seconds.
  const ok = runPostStartHook(t, { clock }, () => false);
  await clock.advance(30_000);
  assert.equal(await ok, undefined);
});
