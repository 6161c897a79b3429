// Invalid objects are refused with 422 Invalid and upstream's field paths and wording
// (issue 2, "Done means" 5), as the real kubectl shows them when it reads a manifest from
// stdin, and as the raw API returns them (code, reason, causes). Update cases also prove
// that a rejected write leaves the stored object as it was.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { kubectlVersions, startCluster, type KubectlVersion, type TestCluster } from '../support/cluster.js';
import { rawApi, statusOf, type RawApi } from '../support/rawApi.js';

const nameRule =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";
const keyRule = "a valid config key must consist of alphanumeric characters, '-', '_' or '.'";

const collections: Record<string, string> = {
  'v1/ConfigMap': '/api/v1/namespaces/NS/configmaps',
  'v1/Secret': '/api/v1/namespaces/NS/secrets',
  'v1/Pod': '/api/v1/namespaces/NS/pods',
  'v1/Service': '/api/v1/namespaces/NS/services',
  'v1/PersistentVolumeClaim': '/api/v1/namespaces/NS/persistentvolumeclaims',
  'apps/v1/Deployment': '/apis/apps/v1/namespaces/NS/deployments',
  'batch/v1/CronJob': '/apis/batch/v1/namespaces/NS/cronjobs',
  'networking.k8s.io/v1/Ingress': '/apis/networking.k8s.io/v1/namespaces/NS/ingresses',
};

interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string };
}

function collectionOf(m: Manifest, ns: string): string {
  const p = collections[`${m.apiVersion}/${m.kind}`];
  assert.ok(p, `no collection path for ${m.apiVersion}/${m.kind}`);
  return p.replace('NS', ns);
}

interface Case {
  title: string;
  /** Applied first (an update case); the manifest then changes it. */
  original?: string;
  manifest: string;
  verb: 'create' | 'apply';
  /** `<Kind> "<name>"`, as kubectl's `The … is invalid:` line names it. */
  subject: string;
  /** Every phrase must appear in kubectl's stderr and in the Status message. */
  expect: string[];
  /** Fields of the Status causes (upstream reports one cause per field error). */
  causes: string[];
}

const podSpec = 'containers: [{name: c, image: nginx}]';

const cases: Case[] = [
  {
    title: 'a ConfigMap name that is not a DNS-1123 subdomain',
    verb: 'apply',
    manifest: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: Bad_Name}\ndata: {a: b}\n',
    subject: 'ConfigMap "Bad_Name"',
    expect: [`metadata.name: Invalid value: "Bad_Name": ${nameRule}`],
    causes: ['metadata.name'],
  },
  {
    title: 'a CronJob name longer than 52 characters',
    verb: 'create',
    manifest: `apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: ${'c'.repeat(53)}}\nspec:\n  schedule: "*/5 * * * *"\n  jobTemplate:\n    spec:\n      template:\n        spec: {restartPolicy: OnFailure, ${podSpec}}\n`,
    subject: `CronJob "${'c'.repeat(53)}"`,
    expect: [`metadata.name: Invalid value: "${'c'.repeat(53)}": must be no more than 52 characters`],
    causes: ['metadata.name'],
  },
  {
    title: 'a ConfigMap key outside [-._a-zA-Z0-9] and a key in both data and binaryData',
    verb: 'create',
    manifest: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm-keys}\ndata: {"bad key": v, dup: "1"}\nbinaryData: {dup: eHl6}\n',
    subject: 'ConfigMap "cm-keys"',
    expect: [`data[bad key]: Invalid value: "bad key": ${keyRule}`, "regex used for validation is '[-._a-zA-Z0-9]+'", 'data[dup]: Invalid value: "dup": duplicate of key present in binaryData'],
    causes: ['data[bad key]', 'data[dup]'],
  },
  {
    title: 'a Secret key outside [-._a-zA-Z0-9]',
    verb: 'create',
    manifest: 'apiVersion: v1\nkind: Secret\nmetadata: {name: sec-keys}\ndata: {"bad key": eHl6}\n',
    subject: 'Secret "sec-keys"',
    expect: [`data[bad key]: Invalid value: "bad key": ${keyRule}`],
    causes: ['data[bad key]'],
  },
  {
    title: 'a change to an immutable ConfigMap',
    verb: 'apply',
    original: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm-frozen}\ndata: {a: "1"}\nimmutable: true\n',
    manifest: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm-frozen}\ndata: {a: "2"}\nimmutable: true\n',
    subject: 'ConfigMap "cm-frozen"',
    expect: ['data: Forbidden: field is immutable when `immutable` is set'],
    causes: ['data'],
  },
  {
    title: 'a change to an immutable Secret, and unsetting immutable',
    verb: 'apply',
    original: 'apiVersion: v1\nkind: Secret\nmetadata: {name: sec-frozen}\ndata: {a: MQ==}\nimmutable: true\n',
    manifest: 'apiVersion: v1\nkind: Secret\nmetadata: {name: sec-frozen}\ndata: {a: Mg==}\nimmutable: false\n',
    subject: 'Secret "sec-frozen"',
    expect: ['immutable: Forbidden: field is immutable when `immutable` is set', 'data: Forbidden: field is immutable when `immutable` is set'],
    causes: ['immutable', 'data'],
  },
  {
    title: 'a Pod container without an image, a bad port and an unknown OS (all reported at once)',
    verb: 'create',
    manifest: 'apiVersion: v1\nkind: Pod\nmetadata: {name: pod-bad}\nspec:\n  os: {name: windowsx}\n  containers: [{name: c, ports: [{containerPort: 70000}]}]\n',
    subject: 'Pod "pod-bad"',
    expect: [
      'spec.containers[0].image: Required value',
      'spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive',
      // upstream validateOS reports an unknown name on spec.os itself
      'spec.os: Unsupported value: "windowsx": supported values: "linux", "windows"',
    ],
    causes: ['spec.containers[0].image', 'spec.containers[0].ports[0].containerPort', 'spec.os'],
  },
  {
    title: 'a Deployment whose selector does not match its template labels',
    verb: 'apply',
    manifest: `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: dep-mismatch}\nspec:\n  selector: {matchLabels: {app: a}}\n  template:\n    metadata: {labels: {app: b}}\n    spec: {${podSpec}}\n`,
    subject: 'Deployment "dep-mismatch"',
    expect: ['spec.template.metadata.labels: Invalid value: {"app":"b"}: `selector` does not match template `labels`'],
    causes: ['spec.template.metadata.labels'],
  },
  {
    title: 'a change to a Deployment selector',
    verb: 'apply',
    original: `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: dep-sel}\nspec:\n  selector: {matchLabels: {app: a}}\n  template:\n    metadata: {labels: {app: a, tier: web}}\n    spec: {${podSpec}}\n`,
    manifest: `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: dep-sel}\nspec:\n  selector: {matchLabels: {app: a, tier: web}}\n  template:\n    metadata: {labels: {app: a, tier: web}}\n    spec: {${podSpec}}\n`,
    subject: 'Deployment "dep-sel"',
    expect: ['spec.selector: Invalid value: {"matchLabels":{"app":"a","tier":"web"}}: field is immutable'],
    causes: ['spec.selector'],
  },
  {
    title: 'a Service with an unknown protocol and type',
    verb: 'create',
    manifest: 'apiVersion: v1\nkind: Service\nmetadata: {name: svc-bad}\nspec:\n  type: Foo\n  ports: [{port: 80, protocol: XTP}]\n',
    subject: 'Service "svc-bad"',
    expect: ['spec.ports[0].protocol: Unsupported value: "XTP": supported values: "SCTP", "TCP", "UDP"', 'spec.type: Unsupported value: "Foo": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"'],
    causes: ['spec.ports[0].protocol', 'spec.type'],
  },
  {
    title: 'a change to a Service clusterIP',
    verb: 'apply',
    original: 'apiVersion: v1\nkind: Service\nmetadata: {name: svc-ip}\nspec:\n  ports: [{port: 80}]\n',
    manifest: 'apiVersion: v1\nkind: Service\nmetadata: {name: svc-ip}\nspec:\n  clusterIP: 10.43.250.250\n  ports: [{port: 80}]\n',
    subject: 'Service "svc-ip"',
    expect: ['spec.clusterIPs[0]: Invalid value: ["10.43.250.250"]: may not change once set'],
    causes: ['spec.clusterIPs[0]'],
  },
  {
    title: 'a PVC without access modes and storage request',
    verb: 'create',
    manifest: 'apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: pvc-bad}\nspec: {}\n',
    subject: 'PersistentVolumeClaim "pvc-bad"',
    expect: ['spec.accessModes: Required value: at least 1 access mode is required', 'spec.resources[storage]: Required value'],
    causes: ['spec.accessModes', 'spec.resources[storage]'],
  },
  {
    title: 'an Ingress path without a leading slash and an unknown pathType',
    verb: 'create',
    manifest:
      'apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: ing-bad}\nspec:\n  rules:\n  - http:\n      paths:\n      - {path: foo, pathType: Prefix, backend: {service: {name: s, port: {number: 80}}}}\n      - {path: /bar, pathType: Weird, backend: {service: {name: s, port: {number: 80}}}}\n',
    subject: 'Ingress "ing-bad"',
    expect: ['spec.rules[0].http.paths[0].path: Invalid value: "foo": must be an absolute path', 'spec.rules[0].http.paths[1].pathType: Unsupported value: "Weird": supported values: "Exact", "ImplementationSpecific", "Prefix"'],
    causes: ['spec.rules[0].http.paths[0].path', 'spec.rules[0].http.paths[1].pathType'],
  },
  {
    title: 'a CronJob with a bad schedule and an unknown timeZone',
    verb: 'create',
    manifest: `apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: cron-bad}\nspec:\n  schedule: "61 * * * *"\n  timeZone: Mars/Olympus\n  jobTemplate:\n    spec:\n      template:\n        spec: {restartPolicy: OnFailure, ${podSpec}}\n`,
    subject: 'CronJob "cron-bad"',
    expect: ['spec.schedule: Invalid value: "61 * * * *": end of range (61) above maximum (59): 61', 'spec.timeZone: Invalid value: "Mars/Olympus": unknown time zone Mars/Olympus'],
    causes: ['spec.schedule', 'spec.timeZone'],
  },
];

describe('validation: 422 Invalid with upstream messages', () => {
  let c: TestCluster;
  let api: RawApi;
  before(async () => {
    c = await startCluster();
    api = rawApi(c.url, c.dataDir);
    for (const v of kubectlVersions) await c.kubectlOk(['create', 'namespace', nsFor(v)]);
  });
  after(async () => {
    await c.stop();
  });

  const nsFor = (v: KubectlVersion): string => `val-${v.replace('.', '')}`;

  for (const v of kubectlVersions) {
    describe(`kubectl ${v}`, () => {
      for (const tc of cases) {
        it(`refuses ${tc.title}`, async () => {
          const ns = nsFor(v);
          const manifest = parseYaml(tc.manifest) as Manifest;
          const itemPath = `${collectionOf(manifest, ns)}/${manifest.metadata.name}`;
          let before: { metadata: { resourceVersion: string } } | undefined;
          if (tc.original) {
            await c.kubectlOk(['apply', '-n', ns, '-f', '-'], { version: v, input: tc.original });
            before = (await api.req('GET', itemPath)).json as typeof before;
          }

          const r = await c.kubectl([tc.verb, '-n', ns, '-f', '-'], { version: v, input: tc.manifest });
          assert.notEqual(r.code, 0, `kubectl ${tc.verb} should fail:\n${r.stdout}`);
          assert.ok(r.stderr.includes(`The ${tc.subject} is invalid:`), r.stderr);
          for (const phrase of tc.expect) assert.ok(r.stderr.includes(phrase), `missing ${JSON.stringify(phrase)} in:\n${r.stderr}`);

          // The same write over the raw API: 422, a Status with every cause.
          const raw = tc.original
            ? await api.req('PATCH', itemPath, { body: JSON.stringify(manifest), contentType: 'application/merge-patch+json' })
            : await api.send('POST', collectionOf(manifest, ns), manifest);
          assert.equal(raw.status, 422, raw.text);
          const s = statusOf(raw);
          assert.equal(s.kind, 'Status');
          assert.equal(s.status, 'Failure');
          assert.equal(s.reason, 'Invalid');
          assert.equal(s.code, 422);
          assert.equal(s.details?.name, manifest.metadata.name);
          assert.equal(s.details?.kind, manifest.kind);
          const qualifiedKind = manifest.apiVersion.includes('/') ? `${manifest.kind}.${manifest.apiVersion.split('/')[0]}` : manifest.kind;
          assert.ok(s.message?.startsWith(`${qualifiedKind} "${manifest.metadata.name}" is invalid: `), s.message);
          for (const phrase of tc.expect) assert.ok(s.message?.includes(phrase), `missing ${JSON.stringify(phrase)} in ${s.message}`);
          assert.deepEqual(
            [...new Set((s.details?.causes ?? []).map((x) => x.field))].sort(),
            [...tc.causes].sort(),
          );

          const now = await api.req('GET', itemPath);
          if (before) {
            // A refused update stores nothing: same resourceVersion as before.
            assert.equal(now.status, 200);
            assert.equal((now.json as { metadata: { resourceVersion: string } }).metadata.resourceVersion, before.metadata.resourceVersion);
          } else {
            assert.equal(now.status, 404, `a refused create must not store ${itemPath}`);
          }
        });
      }
    });
  }

  it('reports every error of one object at once (Deployment with seven problems)', async () => {
    const manifest =
      'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: Multi_Bad}\nspec:\n  replicas: -1\n  selector: {matchLabels: {app: a}}\n  template:\n    metadata: {labels: {app: b}}\n    spec:\n      restartPolicy: Never\n      containers: [{name: c, ports: [{containerPort: 0}]}, {name: c, image: x}]\n';
    const r = await c.kubectl(['create', '-f', '-'], { input: manifest });
    assert.notEqual(r.code, 0);
    assert.ok(r.stderr.includes('The Deployment "Multi_Bad" is invalid: \n'), r.stderr);
    for (const phrase of [
      `* metadata.name: Invalid value: "Multi_Bad": ${nameRule}`,
      '* spec.replicas: Invalid value: -1: must be greater than or equal to 0',
      '* spec.template.metadata.labels: Invalid value: {"app":"b"}: `selector` does not match template `labels`',
      '* spec.template.spec.containers[0].image: Required value',
      '* spec.template.spec.containers[0].ports[0].containerPort: Required value',
      '* spec.template.spec.containers[1].name: Duplicate value: "c"',
      '* spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"',
    ]) {
      assert.ok(r.stderr.includes(phrase), `missing ${JSON.stringify(phrase)} in:\n${r.stderr}`);
    }
  });

  it('refuses a ConfigMap above 1 MiB in total (raw API: kubectl may refuse it client-side)', async () => {
    const half = 'a'.repeat(600 * 1024);
    const r = await api.send('POST', '/api/v1/namespaces/default/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'too-big' }, data: { a: half, b: half } });
    assert.equal(r.status, 422, r.text.slice(0, 300));
    const s = statusOf(r);
    assert.equal(s.reason, 'Invalid');
    // ValidateConfigMap reports the whole object (path "" prints as "[]"); field.TooLong's
    // wording since Kubernetes 1.32.
    assert.equal(s.message, 'ConfigMap "too-big" is invalid: []: Too long: may not be more than 1048576 bytes');
    assert.equal((await api.req('GET', '/api/v1/namespaces/default/configmaps/too-big')).status, 404);
    // Exactly 1 MiB is still fine.
    const ok = await api.send('POST', '/api/v1/namespaces/default/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'just-fits' }, data: { a: 'a'.repeat(512 * 1024), b: 'b'.repeat(512 * 1024) } });
    assert.equal(ok.status, 201, ok.text.slice(0, 300));
  });
});
