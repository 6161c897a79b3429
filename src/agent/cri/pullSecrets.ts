// Registry credentials from a pod's imagePullSecrets, matched to an image the way the
// kubelet's credential keyring does (pkg/credentialprovider keyring.go): a key is a schemeless
// URL (`host[:port][/path]`, "/v1/" and "/v2/" meaning the host), it matches an image when
// the hosts match part by part (globs allowed), the ports are equal and the image path starts
// with the key's path; most specific keys first. Docker Hub images also use credentials
// stored under index.docker.io.
import type { KubeObject } from '../../machinery/types.js';
import { rec, str } from '../../resources/shared/access.js';
import type { AuthConfig } from './api.js';

const defaultRegistryHost = 'index.docker.io';

interface Credential {
  key: string;
  auth: AuthConfig;
}

/** The keyring key of a config entry: scheme dropped, /v1/ and /v2/ stripped to the host. */
export function keyringKey(loc: string): string | undefined {
  const withScheme = /^https?:\/\//.test(loc) ? loc : `https://${loc}`;
  let u: URL;
  try {
    u = new URL(withScheme);
  } catch {
    return undefined;
  }
  let path = u.pathname;
  if (path.startsWith('/v2/') || path.startsWith('/v1/')) path = path.slice(3);
  return path.length > 0 && path !== '/' ? `${u.host}${path}` : u.host;
}

function decodeAuth(entry: Record<string, unknown>): { username?: string; password?: string } {
  const username = str(entry.username);
  const password = str(entry.password);
  if (username !== undefined || password !== undefined) return { username, password };
  const auth = str(entry.auth);
  if (!auth) return {};
  const text = Buffer.from(auth, 'base64').toString('utf8');
  const i = text.indexOf(':');
  if (i < 0) return {};
  return { username: text.slice(0, i), password: text.slice(i + 1) };
}

/** The registry entries of a kubernetes.io/dockerconfigjson (or legacy dockercfg) Secret. */
export function secretCredentials(secret: KubeObject): Credential[] {
  const data = rec((secret as Record<string, unknown>).data) ?? {};
  const type = str((secret as Record<string, unknown>).type);
  let entries: Record<string, unknown> | undefined;
  try {
    if (type === 'kubernetes.io/dockerconfigjson' && typeof data['.dockerconfigjson'] === 'string') {
      entries = rec(rec(JSON.parse(Buffer.from(data['.dockerconfigjson'], 'base64').toString('utf8')))?.auths);
    } else if (type === 'kubernetes.io/dockercfg' && typeof data['.dockercfg'] === 'string') {
      entries = rec(JSON.parse(Buffer.from(data['.dockercfg'], 'base64').toString('utf8')));
    }
  } catch {
    return [];
  }
  const out: Credential[] = [];
  for (const [loc, raw] of Object.entries(entries ?? {})) {
    const key = keyringKey(loc);
    const entry = rec(raw);
    if (!key || !entry) continue;
    const { username, password } = decodeAuth(entry);
    // No server_address, as the kubelet's keyring sends none: containerd would url.Parse it
    // (failing on a bare host:port) only to check that it names the pulled host, which matching did.
    const auth: AuthConfig = {};
    if (username !== undefined) auth.username = username;
    if (password !== undefined) auth.password = password;
    const identityToken = str(entry.identitytoken);
    if (identityToken) auth.identity_token = identityToken;
    const registryToken = str(entry.registrytoken);
    if (registryToken) auth.registry_token = registryToken;
    out.push({ key, auth });
  }
  return out;
}

function globToRegExp(glob: string): RegExp {
  const body = glob.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '[^.]*').replace(/\?/g, '[^.]');
  return new RegExp(`^${body}$`);
}

function splitHostPath(s: string): { host: string; port: string; path: string } {
  const slash = s.indexOf('/');
  const hostPort = slash < 0 ? s : s.slice(0, slash);
  const path = slash < 0 ? '' : s.slice(slash);
  const colon = hostPort.lastIndexOf(':');
  return colon < 0 ? { host: hostPort, port: '', path } : { host: hostPort.slice(0, colon), port: hostPort.slice(colon + 1), path };
}

/** URLsMatchStr: host parts glob-match one to one, ports equal, key path a prefix of the image path. */
export function keyMatchesImage(key: string, repository: string): boolean {
  const k = splitHostPath(key);
  const t = splitHostPath(repository);
  const kParts = k.host.split('.');
  const tParts = t.host.split('.');
  if (kParts.length !== tParts.length) return false;
  if (!kParts.every((p, i) => globToRegExp(p).test(tParts[i]))) return false;
  if (k.port !== t.port) return false;
  return t.path.startsWith(k.path);
}

/** isDefaultRegistryMatch: a repository on Docker Hub. */
function isDefaultRegistry(repository: string): boolean {
  const first = repository.split('/')[0];
  return first === 'docker.io' || first === defaultRegistryHost || !/[.:]/.test(first);
}

/**
 * The AuthConfigs to try for `repository` (e.g. docker.io/library/nginx or
 * localhost:5000/app), in keyring order: most specific key first, secrets in pod order.
 */
export function credentialsFor(repository: string, secrets: KubeObject[]): AuthConfig[] {
  const creds = secrets.flatMap(secretCredentials);
  // Most specific first (the keyring sorts its index in reverse lexical order).
  const keys = [...new Set(creds.map((c) => c.key))].sort().reverse();
  const out: AuthConfig[] = [];
  for (const key of keys) if (keyMatchesImage(key, repository)) out.push(...creds.filter((c) => c.key === key).map((c) => c.auth));
  if (out.length === 0 && isDefaultRegistry(repository)) out.push(...creds.filter((c) => c.key === defaultRegistryHost).map((c) => c.auth));
  return out;
}
