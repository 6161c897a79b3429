// Issue 2, "Done means" item 2, with the real kubectl 1.27, 1.32 and 1.33: every seed manifest
// applies; applying again reports `unchanged`; a changed field is `configured` and changes
// only that field; `apply --server-side` (re-apply, conflict, force), `diff`, `edit`,
// `replace`, `patch` (strategic, merge, json), `label`, `annotate`, `delete`.
// One cluster for the file; each kubectl version works in its own namespaces, in parallel.
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { kubectlVersions, repoRoot, startCluster, type KubectlVersion, type TestCluster } from '../support/cluster.js';

const seedDir = join(repoRoot(), 'test', 'fixtures', 'seed');
const seed = (file: string): string => join(seedDir, file);
const seedText = (file: string): string => readFileSync(seed(file), 'utf8');
const lastApplied = 'kubectl.kubernetes.io/last-applied-configuration';

// The seed's namespaced manifests, in the order kubectl reports them.
const namespacedSeed = ['configmap-game-demo.yaml', 'pod-configmap-demo.yaml', 'pod-simple.yaml', 'cronjob-hello.yaml', 'deployment-nginx.yaml', 'ingress-minimal.yaml', 'statefulset-web.yaml'];
const seedObjects = ['configmap/game-demo', 'pod/configmap-demo-pod', 'pod/nginx', 'cronjob.batch/hello', 'deployment.apps/nginx-deployment', 'ingress.networking.k8s.io/minimal-ingress', 'service/nginx', 'statefulset.apps/web'];

interface Obj {
  apiVersion: string;
  kind: string;
  metadata: { name: string; resourceVersion: string; generation?: number; labels?: Record<string, string>; annotations?: Record<string, string>; managedFields?: { manager: string; operation: string; fieldsV1: unknown }[] };
  data?: Record<string, string>;
  spec?: Record<string, unknown>;
  status?: unknown;
}

const lines = (out: string): string[] => out.trim().split('\n').filter((l) => l !== '');
const seedArgs = (files: readonly string[]): string[] => files.flatMap((f) => ['-f', seed(f)]);
const suffix = (v: KubectlVersion): string => v.replace('.', '-');

describe('kubectl apply and friends on the seed manifests', () => {
  let c: TestCluster;
  let tmp: string;
  before(async () => {
    c = await startCluster();
    tmp = mkdtempSync(join(tmpdir(), 'skiff-apply-'));
  });
  after(async () => {
    await c.stop();
    rmSync(tmp, { recursive: true, force: true });
  });

  const getJson = async (v: KubectlVersion, ns: string, ref: string, extra: string[] = []): Promise<Obj> => JSON.parse(await c.kubectlOk(['get', '-n', ns, ref, '-o', 'json', ...extra], { version: v })) as Obj;
  const writeTmp = (name: string, text: string): string => {
    const p = join(tmp, name);
    writeFileSync(p, text);
    return p;
  };

  it('applies the cluster-scoped seed manifests (StorageClass, Node) once, then every version sees them unchanged', async () => {
    const files = seedArgs(['storageclass-my-storage-class.yaml', 'node-manual.json']);
    assert.deepEqual(lines(await c.kubectlOk(['apply', ...files], { version: '1.27' })), ['storageclass.storage.k8s.io/my-storage-class created', 'node/10.240.79.157 created']);
    for (const v of kubectlVersions) {
      assert.deepEqual(lines(await c.kubectlOk(['apply', ...files], { version: v })), ['storageclass.storage.k8s.io/my-storage-class unchanged', 'node/10.240.79.157 unchanged'], v);
    }
  });

  describe('per kubectl version', { concurrency: true }, () => {
    for (const v of kubectlVersions) {
      describe(`kubectl ${v}`, { concurrency: false }, () => {
        const ns = `apply-${suffix(v)}`;
        const ssaNs = `ssa-${suffix(v)}`;
        const k = (args: string[], env?: NodeJS.ProcessEnv) => c.kubectl(args, { version: v, env });
        const ok = (args: string[], input?: string) => c.kubectlOk(args, { version: v, input });

        it('applies every seed manifest, and applying again reports unchanged', async () => {
          await ok(['create', 'namespace', ns]);
          assert.deepEqual(lines(await ok(['apply', '-n', ns, ...seedArgs(namespacedSeed)])), seedObjects.map((o) => `${o} created`));
          // Except the pod that lists volumes: its live spec also has the kube-api-access volume and
          // mount the ServiceAccount admission added, so kubectl's three-way patch carries
          // `$setElementOrder` directives (the live lists are longer) and is not "{}": upstream
          // kubectl reports that pod as configured too, while the patch changes nothing.
          const reapplied = seedObjects.map((o) => `${o} ${o === 'pod/configmap-demo-pod' ? 'configured' : 'unchanged'}`);
          assert.deepEqual(lines(await ok(['apply', '-n', ns, ...seedArgs(namespacedSeed)])), reapplied);
          const cm = await getJson(v, ns, 'configmap/game-demo');
          assert.equal(cm.data?.player_initial_lives, '3');
          assert.match(cm.data?.['game.properties'] ?? '', /^enemy\.types=aliens,monsters\n/);
          assert.ok(cm.metadata.annotations?.[lastApplied], 'client-side apply records last-applied-configuration');
        });

        it('a changed ConfigMap value applies as configured and changes only that value', async () => {
          const before = await getJson(v, ns, 'configmap/game-demo');
          const changed = seedText('configmap-game-demo.yaml').replace('player_initial_lives: "3"', 'player_initial_lives: "4"');
          assert.deepEqual(lines(await ok(['apply', '-n', ns, '-f', '-'], changed)), ['configmap/game-demo configured']);
          const afterApply = await getJson(v, ns, 'configmap/game-demo');
          assert.equal(afterApply.data?.player_initial_lives, '4');
          assert.equal((JSON.parse(afterApply.metadata.annotations?.[lastApplied] ?? '{}') as Obj).data?.player_initial_lives, '4');
          assert.notEqual(afterApply.metadata.resourceVersion, before.metadata.resourceVersion);
          const strip = (o: Obj): Obj => {
            const x = structuredClone(o);
            delete x.data?.player_initial_lives;
            delete x.metadata.annotations?.[lastApplied];
            x.metadata.resourceVersion = '';
            return x;
          };
          assert.deepEqual(strip(afterApply), strip(before));
        });

        it('a changed Deployment image applies as configured and changes only that field (ports and defaults stay)', async () => {
          const before = await getJson(v, ns, 'deployment/nginx-deployment');
          const changed = seedText('deployment-nginx.yaml').replace('image: nginx:1.14.2', 'image: nginx:1.16.1');
          assert.deepEqual(lines(await ok(['apply', '-n', ns, '-f', '-'], changed)), ['deployment.apps/nginx-deployment configured']);
          const afterApply = await getJson(v, ns, 'deployment/nginx-deployment');
          const container = (o: Obj) => (o.spec as { template: { spec: { containers: { image: string; ports?: unknown }[] } } }).template.spec.containers[0];
          assert.equal(container(afterApply).image, 'nginx:1.16.1');
          assert.deepEqual(container(afterApply).ports, [{ containerPort: 80, protocol: 'TCP' }]);
          assert.equal(afterApply.metadata.generation, (before.metadata.generation ?? 0) + 1, 'a spec change bumps generation');
          // Status and the controller's revision annotation belong to controllers, not to apply.
          const strip = (o: Obj): Obj => {
            const x = structuredClone(o);
            container(x).image = '';
            delete x.metadata.annotations?.[lastApplied];
            delete x.metadata.annotations?.['deployment.kubernetes.io/revision'];
            delete x.status;
            x.metadata.resourceVersion = '';
            x.metadata.generation = 0;
            return x;
          };
          assert.deepEqual(strip(afterApply), strip(before));
          // Re-applying the original reports configured and restores the image.
          assert.deepEqual(lines(await ok(['apply', '-n', ns, '-f', seed('deployment-nginx.yaml')])), ['deployment.apps/nginx-deployment configured']);
          assert.equal(container(await getJson(v, ns, 'deployment/nginx-deployment')).image, 'nginx:1.14.2');
        });

        it('diff exits 0 when the live object matches and 1 with a unified diff when it does not', async () => {
          const live = seedText('configmap-game-demo.yaml').replace('player_initial_lives: "3"', 'player_initial_lives: "4"');
          const same = await k(['diff', '-n', ns, '-f', writeTmp(`same-${v}.yaml`, live)]);
          assert.equal(same.code, 0, same.stderr);
          assert.equal(same.stdout, '');
          const differs = await k(['diff', '-n', ns, '-f', seed('configmap-game-demo.yaml')]);
          assert.equal(differs.code, 1, differs.stderr);
          assert.match(differs.stdout, /^-\s+player_initial_lives: "4"$/m);
          assert.match(differs.stdout, /^\+\s+player_initial_lives: "3"$/m);
          // diff is a dry run: nothing changed.
          assert.equal((await getJson(v, ns, 'configmap/game-demo')).data?.player_initial_lives, '4');
          const ssaDiff = await k(['diff', '--server-side', '-n', ns, '-f', seed('configmap-game-demo.yaml')]);
          assert.equal(ssaDiff.code, 1, ssaDiff.stderr);
          assert.match(ssaDiff.stdout, /^\+\s+player_initial_lives: "3"$/m);
        });

        it('edit runs $EDITOR on the live object and saves the change', async () => {
          const editor = writeTmp(`editor-${v}.sh`, `#!/bin/sh\nsed -i 's/player_initial_lives: "4"/player_initial_lives: "7"/' "$1"\n`);
          chmodSync(editor, 0o755);
          const r = await k(['edit', '-n', ns, 'configmap', 'game-demo'], { EDITOR: editor, KUBE_EDITOR: editor });
          assert.equal(r.code, 0, r.stderr);
          assert.equal(r.stdout.trim(), 'configmap/game-demo edited');
          const cm = await getJson(v, ns, 'configmap/game-demo');
          assert.equal(cm.data?.player_initial_lives, '7');
          assert.equal(cm.data?.ui_properties_file_name, 'user-interface.properties');
        });

        it('replace puts the whole object, and a stale resourceVersion is a conflict', async () => {
          const yamlText = await ok(['get', '-n', ns, 'configmap', 'game-demo', '-o', 'yaml']);
          assert.match(yamlText, /player_initial_lives: "7"/);
          const replaced = writeTmp(`replace-${v}.yaml`, yamlText.replace('player_initial_lives: "7"', 'player_initial_lives: "8"'));
          assert.equal((await ok(['replace', '-f', replaced])).trim(), 'configmap/game-demo replaced');
          assert.equal((await getJson(v, ns, 'configmap/game-demo')).data?.player_initial_lives, '8');
          const stale = await k(['replace', '-f', replaced]);
          assert.notEqual(stale.code, 0);
          assert.match(stale.stderr, /Operation cannot be fulfilled on configmaps "game-demo": the object has been modified; please apply your changes to the latest version and try again/);
        });

        it('patch with --type=strategic, merge and json', async () => {
          const d = 'deployment/nginx-deployment';
          const strategic = await ok(['patch', '-n', ns, d, '--type=strategic', '-p', '{"spec":{"template":{"spec":{"containers":[{"name":"nginx","image":"nginx:1.16.1"}]}}}}']);
          assert.equal(strategic.trim(), 'deployment.apps/nginx-deployment patched');
          let dep = await getJson(v, ns, d);
          const containers = () => (dep.spec as { template: { spec: { containers: { name: string; image: string; ports?: unknown }[] } } }).template.spec.containers;
          // Strategic merge keys containers by name: the image changes, the port stays.
          assert.equal(containers().length, 1);
          assert.equal(containers()[0].image, 'nginx:1.16.1');
          assert.deepEqual(containers()[0].ports, [{ containerPort: 80, protocol: 'TCP' }]);

          assert.equal((await ok(['patch', '-n', ns, d, '--type=merge', '-p', '{"spec":{"replicas":5}}'])).trim(), 'deployment.apps/nginx-deployment patched');
          dep = await getJson(v, ns, d);
          assert.equal(dep.spec?.replicas, 5);
          assert.equal(containers()[0].image, 'nginx:1.16.1');

          const json = await ok(['patch', '-n', ns, d, '--type=json', '-p', '[{"op":"add","path":"/spec/minReadySeconds","value":3},{"op":"replace","path":"/spec/replicas","value":4}]']);
          assert.equal(json.trim(), 'deployment.apps/nginx-deployment patched');
          dep = await getJson(v, ns, d);
          assert.equal(dep.spec?.minReadySeconds, 3);
          assert.equal(dep.spec?.replicas, 4);

          assert.equal((await ok(['patch', '-n', ns, d, '--type=merge', '-p', '{"spec":{"replicas":4}}'])).trim(), 'deployment.apps/nginx-deployment patched (no change)');
          const failedTest = await k(['patch', '-n', ns, d, '--type=json', '-p', '[{"op":"test","path":"/spec/replicas","value":9}]']);
          assert.notEqual(failedTest.code, 0, 'a failing json-patch test op is refused');
          assert.equal((await getJson(v, ns, d)).spec?.replicas, 4);
        });

        it('label and annotate, with --overwrite and removal by key-', async () => {
          const cm = ['-n', ns, 'configmap', 'game-demo'];
          const labels = async () => (await getJson(v, ns, 'configmap/game-demo')).metadata.labels ?? {};
          const annotations = async () => {
            const a = { ...(await getJson(v, ns, 'configmap/game-demo')).metadata.annotations };
            delete a[lastApplied];
            return a;
          };
          assert.equal((await ok(['label', ...cm, 'tier=web'])).trim(), 'configmap/game-demo labeled');
          assert.deepEqual(await labels(), { tier: 'web' });
          const refused = await k(['label', ...cm, 'tier=db']);
          assert.equal(refused.code, 1);
          assert.match(refused.stderr, /'tier' already has a value \(web\), and --overwrite is false/);
          assert.equal((await ok(['label', ...cm, 'tier=db', '--overwrite'])).trim(), 'configmap/game-demo labeled');
          assert.deepEqual(await labels(), { tier: 'db' });
          assert.equal((await ok(['label', ...cm, 'tier-'])).trim(), 'configmap/game-demo unlabeled');
          assert.deepEqual(await labels(), {});

          // kubectl 1.27 prints "annotate", later versions "annotated" (a client-side wording fix).
          assert.match((await ok(['annotate', ...cm, 'note=first'])).trim(), /^configmap\/game-demo annotated?$/);
          assert.deepEqual(await annotations(), { note: 'first' });
          const refusedA = await k(['annotate', ...cm, 'note=second']);
          assert.equal(refusedA.code, 1);
          assert.match(refusedA.stderr, /'note' already has a value \(first\)/);
          assert.match((await ok(['annotate', ...cm, 'note=second', '--overwrite'])).trim(), /^configmap\/game-demo annotated?$/);
          assert.deepEqual(await annotations(), { note: 'second' });
          assert.match((await ok(['annotate', ...cm, 'note-'])).trim(), /^configmap\/game-demo annotated?$/);
          assert.deepEqual(await annotations(), {});
        });

        it('delete by name and with -f', async () => {
          assert.equal((await ok(['delete', '-n', ns, 'configmap', 'game-demo'])).trim(), 'configmap "game-demo" deleted');
          const gone = await k(['get', '-n', ns, 'configmap', 'game-demo']);
          assert.equal(gone.code, 1);
          assert.match(gone.stderr, /configmaps "game-demo" not found/);
          assert.deepEqual(lines(await ok(['delete', '-n', ns, '-f', seed('deployment-nginx.yaml'), '-f', seed('statefulset-web.yaml')])), [
            'deployment.apps "nginx-deployment" deleted',
            'service "nginx" deleted',
            'statefulset.apps "web" deleted',
          ]);
          assert.deepEqual(lines(await ok(['delete', '-n', ns, '-f', seed('pod-simple.yaml')])), ['pod "nginx" deleted']);
          assert.deepEqual(lines(await ok(['get', '-n', ns, 'deployments,statefulsets,services,pods', '-o', 'name'])), ['pod/configmap-demo-pod']);
        });

        it('apply --server-side creates, re-applies without a write, and refuses a conflicting manager until forced', async () => {
          await ok(['create', 'namespace', ssaNs]);
          const all = seedArgs(namespacedSeed);
          assert.deepEqual(lines(await ok(['apply', '--server-side', '-n', ssaNs, ...all])), seedObjects.map((o) => `${o} serverside-applied`));
          const rvs = async () => lines(await ok(['get', '-n', ssaNs, ...seedObjects, '-o', 'jsonpath={range .items[*]}{.metadata.resourceVersion}{"\\n"}{end}']));
          const first = await rvs();
          assert.deepEqual(lines(await ok(['apply', '--server-side', '-n', ssaNs, ...all])), seedObjects.map((o) => `${o} serverside-applied`));
          assert.deepEqual(await rvs(), first, 'an identical server-side apply does not write');
          const dep = await getJson(v, ssaNs, 'deployment/nginx-deployment', ['--show-managed-fields']);
          assert.deepEqual(
            (dep.spec as { template: { spec: { containers: { ports?: unknown }[] } } }).template.spec.containers[0].ports,
            [{ containerPort: 80, protocol: 'TCP' }],
          );
          const mf = dep.metadata.managedFields ?? [];
          assert.deepEqual(mf.map((e) => [e.manager, e.operation]), [['kubectl', 'Apply']]);
          assert.match(JSON.stringify(mf[0].fieldsV1), /"k:\{\\"containerPort\\":80,\\"protocol\\":\\"TCP\\"\}"/);

          const other = seedText('configmap-game-demo.yaml').replace('player_initial_lives: "3"', 'player_initial_lives: "9"');
          const conflict = await c.kubectl(['apply', '--server-side', '--field-manager=other', '-n', ssaNs, '-f', '-'], { version: v, input: other });
          assert.equal(conflict.code, 1);
          assert.match(conflict.stderr, /Apply failed with 1 conflict: conflict with "kubectl": \.data\.player_initial_lives/);
          assert.equal((await getJson(v, ssaNs, 'configmap/game-demo')).data?.player_initial_lives, '3');

          assert.equal((await ok(['apply', '--server-side', '--force-conflicts', '--field-manager=other', '-n', ssaNs, '-f', '-'], other)).trim(), 'configmap/game-demo serverside-applied');
          const cm = await getJson(v, ssaNs, 'configmap/game-demo', ['--show-managed-fields']);
          assert.equal(cm.data?.player_initial_lives, '9');
          const owners = Object.fromEntries((cm.metadata.managedFields ?? []).map((e) => [e.manager, JSON.stringify(e.fieldsV1)]));
          assert.match(owners.other ?? '', /f:player_initial_lives/);
          assert.doesNotMatch(owners.kubectl ?? '', /f:player_initial_lives/, 'forcing takes the field away from the old manager');

          // A field the applier no longer sends, and nobody else owns, is removed.
          const noPorts = seedText('deployment-nginx.yaml').replace(/\n\s+ports:\n\s+- containerPort: 80/, '');
          assert.equal((await ok(['apply', '--server-side', '-n', ssaNs, '-f', '-'], noPorts)).trim(), 'deployment.apps/nginx-deployment serverside-applied');
          const trimmed = await getJson(v, ssaNs, 'deployment/nginx-deployment');
          const ctr = (trimmed.spec as { template: { spec: { containers: { image: string; ports?: unknown }[] } } }).template.spec.containers[0];
          assert.equal(ctr.ports, undefined);
          assert.equal(ctr.image, 'nginx:1.14.2');
        });

        it('apply --server-side takes over a client-side-applied object without conflicts', async () => {
          // cronjob/hello was applied client-side in the first test of this version.
          const changed = seedText('cronjob-hello.yaml').replace('"* * * * *"', '"*/5 * * * *"');
          assert.equal((await ok(['apply', '--server-side', '-n', ns, '-f', '-'], changed)).trim(), 'cronjob.batch/hello serverside-applied');
          const cj = await getJson(v, ns, 'cronjob/hello', ['--show-managed-fields']);
          assert.equal(cj.spec?.schedule, '*/5 * * * *');
          assert.ok((cj.metadata.managedFields ?? []).some((e) => e.manager === 'kubectl' && e.operation === 'Apply'));
          assert.match(cj.metadata.annotations?.[lastApplied] ?? '', /\*\/5 \* \* \* \*/, 'the last-applied annotation follows the server-side apply');
        });
      });
    }
  });
});
