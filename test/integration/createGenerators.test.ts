// Issue 2, "Done means" item 4: `kubectl create configmap|secret generic|namespace|deployment`
// with the real kubectl 1.27 (JSON bodies) and 1.32/1.33 (protobuf bodies, `k8s\0` envelope),
// checked by reading the objects back as JSON. Versions run in parallel, one namespace each.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { kubectlVersions, startCluster, type TestCluster } from '../support/cluster.js';

interface Obj {
  kind: string;
  metadata: { name: string; namespace?: string; uid?: string; labels?: Record<string, string>; creationTimestamp?: string };
  data?: Record<string, string>;
  binaryData?: Record<string, string>;
  type?: string;
  immutable?: boolean;
  spec?: Record<string, unknown>;
  status?: { phase?: string };
}

interface DeploymentSpec {
  replicas: number;
  selector: { matchLabels: Record<string, string> };
  strategy: unknown;
  template: { metadata: { labels: Record<string, string> }; spec: { containers: { name: string; image: string; ports?: unknown[]; imagePullPolicy?: string }[]; restartPolicy?: string } };
}

const b64 = (s: string | Buffer): string => Buffer.from(s).toString('base64');

describe('kubectl create generators', () => {
  let c: TestCluster;
  let tmp: string;
  const binary = Buffer.from([0x00, 0xff, 0xfe, 0x80, 0x41, 0x0a]);
  before(async () => {
    c = await startCluster();
    tmp = mkdtempSync(join(tmpdir(), 'skiff-create-'));
    writeFileSync(join(tmp, 'game.properties'), 'enemies=aliens\nlives=3\n');
    writeFileSync(join(tmp, 'blob.bin'), binary);
  });
  after(async () => {
    await c.stop();
    rmSync(tmp, { recursive: true, force: true });
  });

  describe('per kubectl version', { concurrency: true }, () => {
    for (const v of kubectlVersions) {
      describe(`kubectl ${v}`, { concurrency: false }, () => {
        const ns = `create-${v.replace('.', '-')}`;
        const ok = (args: string[]) => c.kubectlOk(args, { version: v });
        const k = (args: string[]) => c.kubectl(args, { version: v });
        const getJson = async (ref: string, namespace: string | undefined = ns): Promise<Obj> =>
          JSON.parse(await ok(['get', ...(namespace ? ['-n', namespace] : []), ref, '-o', 'json'])) as Obj;

        it('create namespace', async () => {
          assert.equal((await ok(['create', 'namespace', ns])).trim(), `namespace/${ns} created`);
          const n = await getJson(`namespace/${ns}`, undefined);
          assert.equal(n.kind, 'Namespace');
          assert.equal(n.status?.phase, 'Active');
          assert.match(n.metadata.uid ?? '', /^[0-9a-f-]{36}$/);
          assert.equal(n.metadata.labels?.['kubernetes.io/metadata.name'], ns);
          const again = await k(['create', 'namespace', ns]);
          assert.equal(again.code, 1);
          assert.match(again.stderr, new RegExp(`namespaces "${ns}" already exists`));
        });

        it('create configmap from literals, a text file and a binary file', async () => {
          const out = await ok(['create', 'configmap', '-n', ns, 'settings', '--from-literal=mode=fast', '--from-literal=empty=', `--from-file=${join(tmp, 'game.properties')}`, `--from-file=blob=${join(tmp, 'blob.bin')}`]);
          assert.equal(out.trim(), 'configmap/settings created');
          const cm = await getJson('configmap/settings');
          assert.deepEqual(cm.data, { mode: 'fast', empty: '', 'game.properties': 'enemies=aliens\nlives=3\n' });
          // Not valid UTF-8: kubectl puts it in binaryData (bytes in protobuf, base64 in JSON).
          assert.deepEqual(cm.binaryData, { blob: b64(binary) });
          const dup = await k(['create', 'configmap', '-n', ns, 'settings', '--from-literal=a=b']);
          assert.equal(dup.code, 1);
          assert.match(dup.stderr, /configmaps "settings" already exists/);
        });

        it('create configmap --dry-run=server validates without storing', async () => {
          assert.equal((await ok(['create', 'configmap', '-n', ns, 'dry', '--from-literal=a=1', '--dry-run=server', '-o', 'name'])).trim(), 'configmap/dry');
          const missing = await k(['get', '-n', ns, 'configmap', 'dry']);
          assert.equal(missing.code, 1);
          assert.match(missing.stderr, /configmaps "dry" not found/);
          const invalid = await k(['create', 'configmap', '-n', ns, 'Bad_Name', '--from-literal=a=1']);
          assert.equal(invalid.code, 1);
          assert.match(invalid.stderr, /ConfigMap "Bad_Name" is invalid: metadata\.name: Invalid value: "Bad_Name"/);
        });

        it('create secret generic from literals and files, with a type', async () => {
          const out = await ok(['create', 'secret', 'generic', '-n', ns, 'creds', '--from-literal=user=admin', '--from-literal=password=p@ss w0rd', `--from-file=blob=${join(tmp, 'blob.bin')}`]);
          assert.equal(out.trim(), 'secret/creds created');
          const s = await getJson('secret/creds');
          assert.equal(s.type, 'Opaque');
          assert.deepEqual(s.data, { user: b64('admin'), password: b64('p@ss w0rd'), blob: b64(binary) });

          await ok(['create', 'secret', 'generic', '-n', ns, 'basic', '--type=kubernetes.io/basic-auth', '--from-literal=username=u', '--from-literal=password=p']);
          const basic = await getJson('secret/basic');
          assert.equal(basic.type, 'kubernetes.io/basic-auth');
          assert.deepEqual(basic.data, { username: b64('u'), password: b64('p') });
          assert.deepEqual(
            (await ok(['get', '-n', ns, 'secrets', '--field-selector', 'type=kubernetes.io/basic-auth', '-o', 'name'])).trim().split('\n'),
            ['secret/basic'],
          );
        });

        it('create deployment with replicas and a port, defaulted as upstream', async () => {
          const out = await ok(['create', 'deployment', '-n', ns, 'web', '--image=nginx:1.25', '--replicas=2', '--port=80']);
          assert.equal(out.trim(), 'deployment.apps/web created');
          const d = await getJson('deployment/web');
          const spec = d.spec as unknown as DeploymentSpec;
          assert.equal(d.metadata.labels?.app, 'web');
          assert.equal(spec.replicas, 2);
          assert.deepEqual(spec.selector, { matchLabels: { app: 'web' } });
          assert.deepEqual(spec.template.metadata.labels, { app: 'web' });
          assert.deepEqual(spec.strategy, { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } });
          assert.equal((d.spec as { revisionHistoryLimit?: number }).revisionHistoryLimit, 10);
          assert.equal((d.spec as { progressDeadlineSeconds?: number }).progressDeadlineSeconds, 600);
          const [ctr] = spec.template.spec.containers;
          assert.equal(ctr.name, 'nginx');
          assert.equal(ctr.image, 'nginx:1.25');
          assert.equal(ctr.imagePullPolicy, 'IfNotPresent');
          assert.deepEqual(ctr.ports, [{ containerPort: 80, protocol: 'TCP' }]);
          assert.equal(spec.template.spec.restartPolicy, 'Always');
        });

        it('create deployment with several images names a container per image', async () => {
          await ok(['create', 'deployment', '-n', ns, 'multi', '--image=nginx', '--image=busybox:1.36']);
          const spec = (await getJson('deployment/multi')).spec as unknown as DeploymentSpec;
          assert.equal(spec.replicas, 1);
          assert.deepEqual(
            spec.template.spec.containers.map((x) => [x.name, x.image, x.imagePullPolicy]),
            [
              ['nginx', 'nginx', 'Always'],
              ['busybox', 'busybox:1.36', 'IfNotPresent'],
            ],
          );
        });
      });
    }
  });
});
