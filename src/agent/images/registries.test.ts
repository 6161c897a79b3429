import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hostsToml, loadRegistries, normalizeEndpoint, parseRegistries, registryAuthFor, registryHostOf, writeRegistryHosts, HOSTS_HEADER } from './registries.js';

const SRC = '/data/registries.yaml';

const sample = `
mirrors:
  docker.io:
    endpoint:
      - "http://127.0.0.1:5000"
      - "mirror.example.com"
    rewrite:
      "^rancher/(.*)": "mirrorproject/rancher-images/$1"
  "*":
    endpoint: ["https://everything.example.com/some/path"]
configs:
  "127.0.0.1:5000":
    auth:
      username: alice
      password: s3cret
  mirror.example.com:
    tls:
      ca_file: /etc/ssl/mirror-ca.pem
      cert_file: /etc/ssl/client.pem
      key_file: /etc/ssl/client.key
  private.example.com:5443:
    tls:
      insecure_skip_verify: true
    auth:
      auth: ${Buffer.from('bob:pw:with:colons').toString('base64')}
`;

test('endpoints normalise as k3s does', () => {
  assert.deepEqual(normalizeEndpoint('http://127.0.0.1:5000'), { url: 'http://127.0.0.1:5000/v2', scheme: 'http', host: '127.0.0.1:5000', registry: '127.0.0.1:5000', overridePath: false });
  // No scheme: https, except loopback on a port other than 443.
  assert.equal(normalizeEndpoint('mirror.example.com').url, 'https://mirror.example.com/v2');
  assert.equal(normalizeEndpoint('localhost:5000').url, 'http://localhost:5000/v2');
  assert.equal(normalizeEndpoint('127.0.0.1:443').url, 'https://127.0.0.1:443/v2');
  assert.deepEqual(normalizeEndpoint('docker.io'), { url: 'https://registry-1.docker.io/v2', scheme: 'https', host: 'registry-1.docker.io', registry: 'docker.io', overridePath: false });
  assert.equal(normalizeEndpoint('https://r.example.com/v2/').overridePath, false);
  assert.deepEqual(
    [normalizeEndpoint('https://r.example.com/custom/path').url, normalizeEndpoint('https://r.example.com/custom/path').overridePath],
    ['https://r.example.com/custom/path', true],
  );
  assert.throws(() => normalizeEndpoint('ftp://x'), /must use http or https/);
});

test('parses mirrors, rewrites, auth and tls', () => {
  const cfg = parseRegistries(sample, SRC);
  assert.deepEqual(cfg.mirrors['docker.io'].endpoints, ['http://127.0.0.1:5000', 'mirror.example.com']);
  assert.deepEqual(cfg.mirrors['docker.io'].rewrite, { '^rancher/(.*)': 'mirrorproject/rancher-images/$1' });
  assert.deepEqual(cfg.configs['127.0.0.1:5000'].auth, { username: 'alice', password: 's3cret' });
  assert.deepEqual(cfg.configs['mirror.example.com'].tls, { caFile: '/etc/ssl/mirror-ca.pem', certFile: '/etc/ssl/client.pem', keyFile: '/etc/ssl/client.key' });
  assert.deepEqual(cfg.configs['private.example.com:5443'].tls, { insecureSkipVerify: true });
  // An empty file is an empty configuration.
  assert.deepEqual(parseRegistries('', SRC), { source: SRC, mirrors: {}, configs: {} });
});

test('invalid files fail with the file and the field named', () => {
  const bad: Array<[string, RegExp]> = [
    ['mirrors: [a]', /Error: \/data\/registries\.yaml: mirrors: must be a mapping, not a list$/],
    ['mirror:\n  docker.io: {}', /registries\.yaml: \(top level\)\.mirror: unknown field \(allowed: mirrors, configs\)/],
    ['mirrors:\n  docker.io:\n    endpoint: http://x', /mirrors\."docker\.io"\.endpoint: must be a list of URLs/],
    ['mirrors:\n  docker.io:\n    endpoints: ["http://x"]', /mirrors\."docker\.io"\.endpoints: unknown field/],
    ['mirrors:\n  docker.io:\n    endpoint: [5]', /mirrors\."docker\.io"\.endpoint\[0\]: must be a string, not number/],
    ['mirrors:\n  docker.io:\n    endpoint: ["ftp://x"]', /mirrors\."docker\.io"\.endpoint\[0\]: "ftp:\/\/x" must use http or https/],
    ['mirrors:\n  "bad host/x":\n    endpoint: ["http://x"]', /mirrors\."bad host\/x": "bad host\/x" is not a registry host name/],
    ['mirrors:\n  docker.io:\n    rewrite: {"(": "x"}', /mirrors\."docker\.io"\.rewrite\."\(": invalid regular expression/],
    ['configs:\n  r.io:\n    tls:\n      insecure_skip_verify: "yes"', /configs\."r\.io"\.tls\.insecure_skip_verify: must be true or false, not "yes"/],
    ['configs:\n  r.io:\n    tls:\n      key_file: /k', /configs\."r\.io"\.tls\.key_file: is set without cert_file/],
    ['configs:\n  r.io:\n    auth: {}', /configs\."r\.io"\.auth: needs username and password, auth, or identitytoken/],
    ['configs:\n  r.io:\n    auth:\n      auth: "!!notbase64"', /configs\."r\.io"\.auth\.auth: must be base64 of "username:password"/],
    ['configs:\n  r.io:\n    auth:\n      token: x', /configs\."r\.io"\.auth\.token: unknown field/],
    ['mirrors: {a: [}', /registries\.yaml: not valid YAML/],
  ];
  for (const [text, re] of bad) assert.throws(() => parseRegistries(text, SRC), re, text);
});

test('hosts.toml: mirrors in order, then the upstream as server; TLS per endpoint host', () => {
  const cfg = parseRegistries(sample, SRC);
  const text = hostsToml(cfg, 'docker.io');
  assert.equal(
    text,
    `${HOSTS_HEADER}server = "https://registry-1.docker.io"

[host."http://127.0.0.1:5000/v2"]
  capabilities = ["pull", "resolve"]

[host."https://mirror.example.com/v2"]
  capabilities = ["pull", "resolve"]
  ca = ["/etc/ssl/mirror-ca.pem"]
  client = [["/etc/ssl/client.pem", "/etc/ssl/client.key"]]
`,
  );
  // "*" has no server of its own: containerd fills in the registry being pulled from.
  assert.equal(hostsToml(cfg, '*'), `${HOSTS_HEADER}\n[host."https://everything.example.com/some/path"]\n  capabilities = ["pull", "resolve"]\n  override_path = true\n`);
  // A registry with only TLS settings gets them on its own host.
  assert.equal(
    hostsToml(cfg, 'private.example.com:5443'),
    `${HOSTS_HEADER}server = "https://private.example.com:5443"\nskip_verify = true\n\n[host."https://private.example.com:5443/v2"]\n  capabilities = ["pull", "resolve", "push"]\n  skip_verify = true\n`,
  );
  // Auth alone needs no file (hosts.toml cannot carry it).
  assert.equal(hostsToml(cfg, '127.0.0.1:5000'), undefined);
});

test('disableDefaultEndpoint: server is the first mirror, so containerd never falls back upstream', () => {
  const cfg = parseRegistries(sample, SRC);
  const text = hostsToml(cfg, 'docker.io', { disableDefaultEndpoint: true }) ?? '';
  assert.match(text, /^server = "http:\/\/127\.0\.0\.1:5000\/v2"$/m);
  assert.doesNotMatch(text, /docker\.io|registry-1/);
  assert.match(hostsToml(cfg, '*', { disableDefaultEndpoint: true }) ?? '', /^server = "https:\/\/everything\.example\.com\/some\/path"\ncapabilities = \["pull", "resolve"\]\noverride_path = true$/m);
});

test('writeRegistryHosts writes one dir per registry, replaces stale generated dirs, keeps foreign ones', () => {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-hosts-'));
  try {
    mkdirSync(join(dir, 'old.example.com'));
    writeFileSync(join(dir, 'old.example.com', 'hosts.toml'), `${HOSTS_HEADER}server = "https://old"\n`);
    mkdirSync(join(dir, 'mine.example.com'));
    writeFileSync(join(dir, 'mine.example.com', 'hosts.toml'), 'server = "https://handwritten"\n');
    const cfg = parseRegistries(sample, SRC);
    const r = writeRegistryHosts(cfg, dir);
    assert.deepEqual(r.written, ['_default', 'docker.io', 'mirror.example.com', 'private.example.com:5443']);
    assert.equal(r.warnings.length, 1);
    assert.match(r.warnings[0], /mirrors\."docker\.io"\.rewrite is ignored/);
    assert.equal(readFileSync(join(dir, 'docker.io', 'hosts.toml'), 'utf8'), hostsToml(cfg, 'docker.io'));
    assert.ok(!existsSync(join(dir, 'old.example.com')));
    assert.equal(readFileSync(join(dir, 'mine.example.com', 'hosts.toml'), 'utf8'), 'server = "https://handwritten"\n');
    // No registries.yaml any more: everything generated goes away.
    writeRegistryHosts(undefined, dir);
    assert.ok(!existsSync(join(dir, 'docker.io')));
    assert.ok(existsSync(join(dir, 'mine.example.com')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('credentials: the first mirror endpoint with auth, pinned to its host; else the registry own', () => {
  const cfg = parseRegistries(sample, SRC);
  assert.equal(registryHostOf('busybox'), 'docker.io');
  assert.equal(registryHostOf('registry.k8s.io/nginx-slim:0.8'), 'registry.k8s.io');
  assert.deepEqual(registryAuthFor(cfg, registryHostOf('nginx:1.14.2')), { username: 'alice', password: 's3cret', serverAddress: 'http://127.0.0.1:5000' });
  // The auth field decodes at the first colon only.
  assert.deepEqual(registryAuthFor(cfg, 'private.example.com:5443'), { username: 'bob', password: 'pw:with:colons', serverAddress: 'https://private.example.com:5443' });
  // "*" mirror has no auth and quay.io has none of its own.
  assert.equal(registryAuthFor(cfg, 'quay.io'), undefined);
  assert.equal(registryAuthFor(undefined, 'docker.io'), undefined);
  const upstream = parseRegistries('configs:\n  docker.io:\n    auth: {identitytoken: tok}\n', SRC);
  assert.deepEqual(registryAuthFor(upstream, 'docker.io'), { username: '', password: '', identityToken: 'tok', serverAddress: 'https://registry-1.docker.io' });
  const mirrored = parseRegistries('mirrors:\n  docker.io:\n    endpoint: ["http://127.0.0.1:5000"]\nconfigs:\n  docker.io:\n    auth: {username: u, password: p}\n', SRC);
  assert.equal(registryAuthFor(mirrored, 'docker.io', { disableDefaultEndpoint: true }), undefined);
});

test('loadRegistries: missing file is no configuration', () => {
  assert.equal(loadRegistries('/nonexistent/registries.yaml'), undefined);
});
