import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { sha256 } from '../../src/agent/images/ociImage.js';
import { repoAndTag, startOciRegistry, type TestRegistry } from './ociRegistry.js';
import { buildTestImages, TEST_IMAGE_NAMES } from './testImages.js';

const skip = existsSync('/bin/busybox') ? false : '/bin/busybox is missing (apt-get install -y busybox-static)';

describe('test OCI registry', { skip }, () => {
  let reg: TestRegistry;
  let locked: TestRegistry;
  before(async () => {
    reg = await startOciRegistry({ images: buildTestImages() });
    locked = await startOciRegistry({ images: buildTestImages(), basicAuth: { username: 'u', password: 'p' } });
  });
  after(async () => {
    await reg?.close();
    await locked?.close();
  });

  test('repositories are served without the registry host', () => {
    assert.deepEqual(repoAndTag('docker.io/library/nginx:1.14.2'), { repo: 'library/nginx', tag: '1.14.2' });
    assert.deepEqual(repoAndTag('registry.k8s.io/nginx-slim:0.8'), { repo: 'nginx-slim', tag: '0.8' });
    assert.deepEqual(repoAndTag('localhost:5000/skiff/test:1'), { repo: 'skiff/test', tag: '1' });
  });

  test('GET /v2/ answers 200 with the API version header', async () => {
    const r = await fetch(`${reg.url}/v2/`);
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('docker-distribution-api-version'), 'registry/2.0');
  });

  test('manifests by tag and by digest, HEAD without a body, query ignored', async () => {
    const nginx = buildTestImages().find((i) => i.name === TEST_IMAGE_NAMES.nginx);
    assert.ok(nginx);
    const byTag = await fetch(`${reg.url}/v2/library/nginx/manifests/1.14.2?ns=docker.io`);
    assert.equal(byTag.status, 200);
    assert.equal(byTag.headers.get('content-type'), 'application/vnd.oci.image.manifest.v1+json');
    assert.equal(byTag.headers.get('docker-content-digest'), nginx.manifest.digest);
    const body = Buffer.from(await byTag.arrayBuffer());
    assert.equal(sha256(body), nginx.manifest.digest);
    const head = await fetch(`${reg.url}/v2/library/nginx/manifests/${nginx.manifest.digest}`, { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(head.headers.get('content-length'), String(nginx.manifest.size));
    assert.equal((await head.arrayBuffer()).byteLength, 0);
    const blob = await fetch(`${reg.url}/v2/library/nginx/blobs/${nginx.layers[0].digest}`);
    assert.equal(blob.status, 200);
    assert.equal(sha256(Buffer.from(await blob.arrayBuffer())), nginx.layers[0].digest);
    const seen = reg.manifestRequests('library/nginx');
    assert.deepEqual(seen.map((r) => [r.method, r.query]), [['GET', 'ns=docker.io'], ['HEAD', '']]);
  });

  test('unknown names, tags, blobs and routes get the registry JSON errors', async () => {
    const cases: Array<[string, number, string]> = [
      ['/v2/library/nope/manifests/latest', 404, 'NAME_UNKNOWN'],
      ['/v2/library/nginx/manifests/9.9', 404, 'MANIFEST_UNKNOWN'],
      [`/v2/library/nginx/blobs/sha256:${'0'.repeat(64)}`, 404, 'BLOB_UNKNOWN'],
      ['/v2/_catalog', 404, 'NOT_FOUND'],
    ];
    for (const [path, status, code] of cases) {
      const r = await fetch(`${reg.url}${path}`);
      assert.equal(r.status, status, path);
      const j = (await r.json()) as { errors: Array<{ code: string }> };
      assert.equal(j.errors[0].code, code, path);
    }
    const put = await fetch(`${reg.url}/v2/library/nginx/manifests/x`, { method: 'PUT', body: '{}' });
    assert.equal(put.status, 405);
  });

  test('basic auth: 401 with a Basic challenge, 200 with the credentials', async () => {
    const anon = await fetch(`${locked.url}/v2/`);
    assert.equal(anon.status, 401);
    assert.equal(anon.headers.get('www-authenticate'), 'Basic realm="skiff-test-registry"');
    const ok = await fetch(`${locked.url}/v2/`, { headers: { authorization: `Basic ${Buffer.from('u:p').toString('base64')}` } });
    assert.equal(ok.status, 200);
    assert.deepEqual(locked.requests.map((r) => r.status), [401, 200]);
  });
});
