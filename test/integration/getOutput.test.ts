// Issue 2, "Done means" item 3, with the real kubectl 1.27, 1.32 and 1.33: `kubectl get` prints
// upstream's columns for every kind (and the `-o wide` ones); `-o yaml|json|name|jsonpath`,
// `-l`, `--field-selector`, `-A`, `--show-labels` and `-w` work; `api-resources`,
// `api-versions`, `explain deployment.spec.strategy`; `describe` lists a pod's events.
// One cluster and one namespace of fixtures (test/fixtures/every-kind.yaml) for the reads;
// writes (watch) get a namespace per version. Versions run in parallel.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { kubectlVersions, repoRoot, startCluster, type TestCluster } from '../support/cluster.js';
import { streamKubectl } from '../support/kubectlStream.js';

const ns = 'out';
const fixture = join(repoRoot(), 'test', 'fixtures', 'every-kind.yaml');

// Column headers as upstream's printers (pkg/printers/internalversion/printers.go) define them;
// priority-1 columns appear only with -o wide.
const columns: Record<string, { normal: string[]; wide?: string[] }> = {
  pods: { normal: ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE'], wide: ['IP', 'NODE', 'NOMINATED NODE', 'READINESS GATES'] },
  services: { normal: ['NAME', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)', 'AGE'], wide: ['SELECTOR'] },
  deployments: { normal: ['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE'], wide: ['CONTAINERS', 'IMAGES', 'SELECTOR'] },
  replicasets: { normal: ['NAME', 'DESIRED', 'CURRENT', 'READY', 'AGE'], wide: ['CONTAINERS', 'IMAGES', 'SELECTOR'] },
  statefulsets: { normal: ['NAME', 'READY', 'AGE'], wide: ['CONTAINERS', 'IMAGES'] },
  daemonsets: { normal: ['NAME', 'DESIRED', 'CURRENT', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'NODE SELECTOR', 'AGE'], wide: ['CONTAINERS', 'IMAGES', 'SELECTOR'] },
  jobs: { normal: ['NAME', 'STATUS', 'COMPLETIONS', 'DURATION', 'AGE'], wide: ['CONTAINERS', 'IMAGES', 'SELECTOR'] },
  cronjobs: { normal: ['NAME', 'SCHEDULE', 'TIMEZONE', 'SUSPEND', 'ACTIVE', 'LAST SCHEDULE', 'AGE'], wide: ['CONTAINERS', 'IMAGES', 'SELECTOR'] },
  configmaps: { normal: ['NAME', 'DATA', 'AGE'] },
  secrets: { normal: ['NAME', 'TYPE', 'DATA', 'AGE'] },
  namespaces: { normal: ['NAME', 'STATUS', 'AGE'] },
  nodes: { normal: ['NAME', 'STATUS', 'ROLES', 'AGE', 'VERSION'], wide: ['INTERNAL-IP', 'EXTERNAL-IP', 'OS-IMAGE', 'KERNEL-VERSION', 'CONTAINER-RUNTIME'] },
  pv: { normal: ['NAME', 'CAPACITY', 'ACCESS MODES', 'RECLAIM POLICY', 'STATUS', 'CLAIM', 'STORAGECLASS', 'VOLUMEATTRIBUTESCLASS', 'REASON', 'AGE'], wide: ['VOLUMEMODE'] },
  pvc: { normal: ['NAME', 'STATUS', 'VOLUME', 'CAPACITY', 'ACCESS MODES', 'STORAGECLASS', 'VOLUMEATTRIBUTESCLASS', 'AGE'], wide: ['VOLUMEMODE'] },
  serviceaccounts: { normal: ['NAME', 'SECRETS', 'AGE'] },
  // Events interleave priority-1 columns: wide is its own list.
  events: { normal: ['LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'MESSAGE'] },
  ingresses: { normal: ['NAME', 'CLASS', 'HOSTS', 'ADDRESS', 'PORTS', 'AGE'] },
  ingressclasses: { normal: ['NAME', 'CONTROLLER', 'PARAMETERS', 'AGE'] },
  storageclasses: { normal: ['NAME', 'PROVISIONER', 'RECLAIMPOLICY', 'VOLUMEBINDINGMODE', 'ALLOWVOLUMEEXPANSION', 'AGE'] },
  leases: { normal: ['NAME', 'HOLDER', 'AGE'] },
  endpointslices: { normal: ['NAME', 'ADDRESSTYPE', 'PORTS', 'ENDPOINTS', 'AGE'] },
  endpoints: { normal: ['NAME', 'ENDPOINTS', 'AGE'] },
  controllerrevisions: { normal: ['NAME', 'CONTROLLER', 'REVISION', 'AGE'] },
};
const eventsWide = ['LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'SUBOBJECT', 'SOURCE', 'MESSAGE', 'FIRST SEEN', 'COUNT', 'NAME'];
const kinds = Object.keys(columns);

/** kubectl pads columns with three spaces; a header cell itself has at most single spaces. */
const cells = (line: string): string[] => line.trim().split(/\s{2,}/);
/** One table per kind (kubectl separates them with a blank line): the header cells of each. */
const headers = (out: string): string[][] => out.trim().split(/\n\s*\n/).map((block) => cells(block.split('\n')[0]));
const lines = (out: string): string[] => out.trim().split('\n').filter((l) => l !== '');
const names = (out: string): string[] => lines(out).sort();

interface Obj {
  kind: string;
  metadata: { name: string; namespace?: string; uid: string; labels?: Record<string, string> };
  data?: Record<string, string>;
  items?: Obj[];
}

describe('kubectl get, describe, explain and discovery output', () => {
  let c: TestCluster;
  before(async () => {
    c = await startCluster();
    await c.kubectlOk(['create', 'namespace', ns]);
    await c.kubectlOk(['apply', '-n', ns, '-f', fixture]);
    const uid = (await c.kubectlOk(['get', '-n', ns, 'pod', 'p1', '-o', 'jsonpath={.metadata.uid}'])).trim();
    const event = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: 'p1.testing' },
      involvedObject: { apiVersion: 'v1', kind: 'Pod', name: 'p1', namespace: ns, uid },
      reason: 'Testing',
      message: 'hello from the test',
      type: 'Warning',
      source: { component: 'skiff-test' },
      firstTimestamp: new Date(Date.now() - 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      lastTimestamp: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
      count: 2,
    };
    await c.kubectlOk(['create', '-n', ns, '-f', '-'], { input: JSON.stringify(event) });
  });
  after(async () => {
    await c.stop();
  });

  describe('per kubectl version', { concurrency: true }, () => {
    for (const v of kubectlVersions) {
      describe(`kubectl ${v}`, { concurrency: true }, () => {
        const ok = (args: string[]) => c.kubectlOk(args, { version: v });
        const k = (args: string[]) => c.kubectl(args, { version: v });

        it('prints upstream column headers for every kind', async () => {
          const out = await ok(['get', kinds.join(','), '-n', ns]);
          assert.deepEqual(headers(out), kinds.map((kind) => columns[kind].normal));
        });

        it('adds the priority-1 columns with -o wide', async () => {
          const out = await ok(['get', kinds.join(','), '-n', ns, '-o', 'wide']);
          assert.deepEqual(
            headers(out),
            kinds.map((kind) => (kind === 'events' ? eventsWide : [...columns[kind].normal, ...(columns[kind].wide ?? [])])),
          );
        });

        it('fills the cells of a row (pod, service, secret, event)', async () => {
          assert.deepEqual(cells(lines(await ok(['get', '-n', ns, 'pod', 'p1']))[1]).slice(0, 4), ['p1', '0/1', 'Pending', '0']);
          const svc = cells(lines(await ok(['get', '-n', ns, 'service', 's1']))[1]);
          assert.equal(svc[0], 's1');
          assert.equal(svc[1], 'ClusterIP');
          assert.match(svc[2], /^10\.43\.\d+\.\d+$/);
          assert.deepEqual(svc.slice(3, 5), ['<none>', '80/TCP']);
          assert.deepEqual(cells(lines(await ok(['get', '-n', ns, 'secret', 'sec1']))[1]).slice(0, 3), ['sec1', 'Opaque', '1']);
          const ev = cells(lines(await ok(['get', '-n', ns, 'events']))[1]);
          assert.deepEqual(ev.slice(1), ['Warning', 'Testing', 'pod/p1', 'hello from the test']);
        });

        it('-o json, -o yaml, -o name, -o jsonpath and custom-columns', async () => {
          const cm = JSON.parse(await ok(['get', '-n', ns, 'configmap', 'cm1', '-o', 'json'])) as Obj;
          assert.equal(cm.kind, 'ConfigMap');
          assert.deepEqual(cm.data, { a: '1' });
          const list = parseYaml(await ok(['get', '-n', ns, 'pods', '-o', 'yaml'])) as Obj;
          assert.equal(list.kind, 'List');
          assert.deepEqual(list.items?.map((i) => `${i.kind}/${i.metadata.name}`), ['Pod/p1', 'Pod/p2', 'Pod/p3']);
          assert.deepEqual(parseYaml(await ok(['get', '-n', ns, 'configmap', 'cm1', '-o', 'yaml'])), cm);
          assert.deepEqual(lines(await ok(['get', '-n', ns, 'pods,deployments', '-o', 'name'])), ['pod/p1', 'pod/p2', 'pod/p3', 'deployment.apps/d1']);
          assert.equal(await ok(['get', '-n', ns, 'pods', '-o', 'jsonpath={.items[*].metadata.name}']), 'p1 p2 p3');
          assert.equal(await ok(['get', '-n', ns, 'configmap', 'cm1', '-o', 'jsonpath={.data.a}']), '1');
          assert.deepEqual(lines(await ok(['get', '-n', ns, 'pods', '-o', 'custom-columns=NAME:.metadata.name,APP:.metadata.labels.app'])).map(cells), [
            ['NAME', 'APP'],
            ['p1', 'web'],
            ['p2', 'db'],
            ['p3', 'web'],
          ]);
        });

        it('-l with equality and set-based selectors', async () => {
          const sel = async (s: string) => names(await ok(['get', '-n', ns, 'pods', '-l', s, '-o', 'name']));
          assert.deepEqual(await sel('app=web'), ['pod/p1', 'pod/p3']);
          assert.deepEqual(await sel('app!=web'), ['pod/p2']);
          assert.deepEqual(await sel('app in (web,db),tier'), ['pod/p1', 'pod/p2']);
          assert.deepEqual(await sel('!tier'), ['pod/p3']);
          assert.deepEqual(await sel('tier notin (front)'), ['pod/p2', 'pod/p3']);
          const none = await k(['get', '-n', ns, 'pods', '-l', 'app=nothing']);
          assert.equal(none.code, 0);
          assert.equal(none.stdout, '');
          assert.match(none.stderr, new RegExp(`No resources found in ${ns} namespace\\.`));
        });

        it('--field-selector on metadata.name, secret type and pod status.phase', async () => {
          const fs = async (res: string, s: string) => names(await ok(['get', '-n', ns, res, '--field-selector', s, '-o', 'name']));
          assert.deepEqual(await fs('pods', 'metadata.name=p2'), ['pod/p2']);
          assert.deepEqual(await fs('pods', 'metadata.name!=p2'), ['pod/p1', 'pod/p3']);
          assert.deepEqual(await fs('secrets', 'type=Opaque'), ['secret/sec1']);
          assert.deepEqual(await fs('secrets', 'type!=Opaque'), ['secret/sec2']);
          assert.deepEqual(await fs('pods', 'status.phase=Pending,metadata.name=p1'), ['pod/p1']);
          assert.deepEqual(await fs('pods', 'status.phase=Running'), []);
          const bad = await k(['get', '-n', ns, 'configmaps', '--field-selector', 'spec.foo=bar']);
          assert.equal(bad.code, 1);
          assert.match(bad.stderr, /Error from server \(BadRequest\): .*"spec\.foo" is not a known field selector: only "metadata\.name", "metadata\.namespace"/);
        });

        it('-A adds the NAMESPACE column; --show-labels adds LABELS', async () => {
          const all = lines(await ok(['get', 'configmaps', '-A', '--field-selector', 'metadata.name=cm1']));
          assert.deepEqual(all.map(cells).map((r) => r.slice(0, 3)), [
            ['NAMESPACE', 'NAME', 'DATA'],
            [ns, 'cm1', '1'],
          ]);
          const wide = cells(lines(await ok(['get', 'pods', '-A', '-o', 'wide']))[0]);
          assert.deepEqual(wide, ['NAMESPACE', ...columns.pods.normal, ...(columns.pods.wide ?? [])]);
          const labelled = lines(await ok(['get', '-n', ns, 'pods', '-l', 'app', '--show-labels'])).map(cells);
          assert.deepEqual(labelled[0], [...columns.pods.normal, 'LABELS']);
          assert.deepEqual(labelled.slice(1).map((r) => [r[0], r[r.length - 1]]), [
            ['p1', 'app=web,tier=front'],
            ['p2', 'app=db,tier=back'],
            ['p3', 'app=web'],
          ]);
        });

        it('-w prints a row for each created and modified object', async () => {
          const wns = `watch-${v.replace('.', '-')}`;
          await ok(['create', 'namespace', wns]);
          await ok(['create', 'configmap', '-n', wns, 'first', '--from-literal=a=1']);
          const w = streamKubectl(c, ['get', 'configmaps', '-n', wns, '-w'], { version: v });
          const rows = (out: string) => lines(out).map(cells);
          try {
            await w.waitFor((out) => rows(out).some((r) => r[0] === 'first'), 'initial row');
            assert.deepEqual(rows(w.stdout)[0], columns.configmaps.normal);
            await ok(['create', 'configmap', '-n', wns, 'second', '--from-literal=a=1', '--from-literal=b=2']);
            await w.waitFor((out) => rows(out).some((r) => r[0] === 'second'), 'row for the created object');
            await ok(['patch', '-n', wns, 'configmap', 'first', '--type=merge', '-p', '{"data":{"b":"2","c":"3"}}']);
            await w.waitFor((out) => rows(out).filter((r) => r[0] === 'first').length === 2, 'row for the modified object');
            const got = rows(w.stdout);
            assert.equal(got.filter((r) => r[0] === 'NAME').length, 1, 'the header is printed once');
            assert.deepEqual(got.filter((r) => r[0] !== 'NAME').map((r) => r.slice(0, 2)), [
              ['first', '1'],
              ['second', '2'],
              ['first', '3'],
            ]);
          } finally {
            await w.stop();
          }
        });

        it('-w on one object starts with its current state and follows changes', async () => {
          const w = streamKubectl(c, ['get', '-n', ns, 'lease', 'l1', '-w', '-o', 'jsonpath={.spec.holderIdentity}{"\\n"}'], { version: v });
          try {
            await w.waitFor((out) => lines(out).length >= 1, 'the current object');
            const holder = `holder-${v}`;
            await ok(['patch', '-n', ns, 'lease', 'l1', '--type=merge', '-p', JSON.stringify({ spec: { holderIdentity: holder } })]);
            await w.waitFor((out) => lines(out).includes(holder), 'the modified object');
          } finally {
            await w.stop();
          }
        });

        it('describe pod lists the events that point at it', async () => {
          const out = await ok(['describe', '-n', ns, 'pod', 'p1']);
          assert.match(out, /^Name:\s+p1$/m);
          const events = out.slice(out.indexOf('\nEvents:'));
          assert.match(events, /^\s+Type\s+Reason\s+Age\s+From\s+Message$/m);
          assert.match(events, /^\s+Warning\s+Testing\s+\S+ \(x2 over \S+\)\s+skiff-test\s+hello from the test$/m);
          assert.match(await ok(['describe', '-n', ns, 'pod', 'p2']), /^Events:\s+<none>$/m);
        });

        it('api-resources lists every kind with upstream short names, groups and scope', async () => {
          const rows = lines(await ok(['api-resources'])).map((l) => l.trim().split(/\s+/));
          assert.deepEqual(rows[0], ['NAME', 'SHORTNAMES', 'APIVERSION', 'NAMESPACED', 'KIND']);
          const expected = [
            'configmaps cm v1 true ConfigMap',
            'endpoints ep v1 true Endpoints',
            'events ev v1 true Event',
            'namespaces ns v1 false Namespace',
            'nodes no v1 false Node',
            'persistentvolumeclaims pvc v1 true PersistentVolumeClaim',
            'persistentvolumes pv v1 false PersistentVolume',
            'pods po v1 true Pod',
            'secrets v1 true Secret',
            'serviceaccounts sa v1 true ServiceAccount',
            'services svc v1 true Service',
            'controllerrevisions apps/v1 true ControllerRevision',
            'daemonsets ds apps/v1 true DaemonSet',
            'deployments deploy apps/v1 true Deployment',
            'replicasets rs apps/v1 true ReplicaSet',
            'statefulsets sts apps/v1 true StatefulSet',
            'cronjobs cj batch/v1 true CronJob',
            'jobs batch/v1 true Job',
            'leases coordination.k8s.io/v1 true Lease',
            'endpointslices discovery.k8s.io/v1 true EndpointSlice',
            'events ev events.k8s.io/v1 true Event',
            'ingressclasses networking.k8s.io/v1 false IngressClass',
            'ingresses ing networking.k8s.io/v1 true Ingress',
            'storageclasses sc storage.k8s.io/v1 false StorageClass',
          ];
          const got = new Set(rows.map((r) => r.join(' ')));
          for (const e of expected) assert.ok(got.has(e), `api-resources has "${e}"`);
          assert.deepEqual(lines(await ok(['api-resources', '--api-group=batch', '-o', 'name'])), ['cronjobs.batch', 'jobs.batch']);
        });

        it('api-versions lists every served group/version', async () => {
          const got = lines(await ok(['api-versions']));
          for (const gv of ['apps/v1', 'batch/v1', 'coordination.k8s.io/v1', 'discovery.k8s.io/v1', 'events.k8s.io/v1', 'networking.k8s.io/v1', 'storage.k8s.io/v1', 'v1']) {
            assert.ok(got.includes(gv), `api-versions has ${gv}`);
          }
          assert.deepEqual(got, [...got].sort(), 'sorted as kubectl prints them');
        });

        if (v === '1.27' || v === '1.33') {
          it('explain deployment.spec.strategy describes the field and its children', async () => {
            const out = await ok(['explain', 'deployment.spec.strategy']);
            assert.match(out, /^GROUP:\s+apps$/m);
            assert.match(out, /^KIND:\s+Deployment$/m);
            assert.match(out, /^VERSION:\s+v1$/m);
            assert.match(out, /^FIELD: strategy <DeploymentStrategy>$/m);
            assert.match(out, /^DESCRIPTION:$/m);
            assert.match(out, /^FIELDS:$/m);
            assert.match(out, /^ {2}rollingUpdate\t<RollingUpdateDeployment>$/m);
            assert.match(out, /^ {2}type\t<string>$/m);
            const leaf = await ok(['explain', 'deployment.spec.strategy.rollingUpdate.maxSurge']);
            assert.match(leaf, /^FIELD: maxSurge <IntOrString>$/m);
          });
        }
      });
    }
  });
});
