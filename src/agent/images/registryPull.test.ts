// Needs root and containerd: real CRI PullImage through the hosts directory registries.ts
// writes, from the test registry on loopback. Every registry is a mirror with the default
// endpoint disabled, so a pull can never leave the machine.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CriClient } from '../cri/criClient.js';
import { startOciRegistry, type TestRegistry } from '../../../test/support/ociRegistry.js';
import { buildTestImages, TEST_IMAGE_NAMES } from '../../../test/support/testImages.js';
import { parseRegistries, registryAuthFor, registryHostOf, writeRegistryHosts } from './registries.js';
import { containerdSkipReason, startTestContainerd, type TestContainerd } from './testContainerd.js';

const skip = containerdSkipReason();

describe('pulling through registries.yaml mirrors (CRI PullImage)', { skip }, () => {
  let c: TestContainerd;
  let open: TestRegistry;
  let locked: TestRegistry;
  let cri: CriClient;
  let yaml: string;

  before(async () => {
    const images = buildTestImages();
    open = await startOciRegistry({ images });
    locked = await startOciRegistry({ images, basicAuth: { username: 'alice', password: 'wonderland' } });
    c = await startTestContainerd();
    cri = new CriClient(c.socket);
    yaml = `
mirrors:
  docker.io:
    endpoint: ["${open.url}"]
  registry.k8s.io:
    endpoint: ["${open.host}"]
  private.test:
    endpoint: ["${locked.url}"]
configs:
  "${locked.host}":
    auth:
      username: alice
      password: wonderland
`;
    const cfg = parseRegistries(yaml, 'registries.yaml');
    const written = writeRegistryHosts(cfg, c.hostsDir, { disableDefaultEndpoint: true });
    assert.deepEqual(written.written, ['docker.io', 'private.test', 'registry.k8s.io']);
  });

  after(async () => {
    cri?.close();
    await c?.stop();
    await open?.close();
    await locked?.close();
  });

  test('docker.io/library/busybox:latest comes from the mirror, with the default endpoint disabled', async () => {
    const [busybox] = buildTestImages().filter((i) => i.name === TEST_IMAGE_NAMES.busybox);
    assert.equal(await cri.imageStatus(TEST_IMAGE_NAMES.busybox), undefined);
    const ref = await cri.pullImage(TEST_IMAGE_NAMES.busybox);
    // containerd's CRI answers with the image ID: the config digest.
    assert.equal(ref, busybox.config.digest);
    const manifestReqs = open.manifestRequests('library/busybox');
    assert.ok(manifestReqs.length >= 1, 'the registry saw the manifest request');
    assert.ok(manifestReqs.every((r) => r.status === 200));
    assert.equal(manifestReqs[0].query, 'ns=docker.io');
    assert.ok(open.requests.some((r) => r.method === 'GET' && r.path === `/v2/library/busybox/blobs/${busybox.layers[0].digest}`));
    const status = await cri.imageStatus(TEST_IMAGE_NAMES.busybox);
    assert.ok(status);
    assert.deepEqual(status.repo_tags, [TEST_IMAGE_NAMES.busybox]);
    assert.deepEqual(status.repo_digests, [`docker.io/library/busybox@${busybox.manifest.digest}`]);
  });

  test('a short name and another registry resolve through their own mirrors', async () => {
    await cri.pullImage('nginx:1.14.2');
    assert.ok(open.manifestRequests('library/nginx').some((r) => r.path === '/v2/library/nginx/manifests/1.14.2'));
    await cri.pullImage(TEST_IMAGE_NAMES.nginxSlim);
    assert.ok(open.manifestRequests('nginx-slim').some((r) => r.query === 'ns=registry.k8s.io'));
  });

  test('credentials from configs reach the mirror that needs them', async () => {
    const cfg = parseRegistries(yaml, 'registries.yaml');
    const image = 'private.test/skiff/test:1';
    await assert.rejects(cri.pullImage(image), /401 Unauthorized|unauthorized/i);
    assert.ok(locked.requests.some((r) => r.status === 401));
    const auth = registryAuthFor(cfg, registryHostOf(image), { disableDefaultEndpoint: true });
    assert.deepEqual(auth, { username: 'alice', password: 'wonderland', serverAddress: locked.url });
    const before = locked.requests.length;
    await cri.pullImage(image, { username: auth.username, password: auth.password, server_address: auth.serverAddress });
    assert.ok(locked.requests.slice(before).some((r) => r.path === '/v2/skiff/test/manifests/1' && r.status === 200 && r.headers.authorization?.startsWith('Basic ')));
    assert.ok(await cri.imageStatus(image));
  });
});
