// Shape checks for registries.yaml (rancher/wharfie's Registry type, which k3s reads):
//   mirrors: { <registry>: { endpoint: [url…], rewrite: { <regex>: <replacement> } } }
//   configs: { <host[:port]>: { auth: { username, password, auth, identitytoken },
//                               tls: { cert_file, key_file, ca_file, insecure_skip_verify } } }
// Unknown keys are errors (wharfie would silently ignore a misspelt `mirror:`; we say so).
import type { RegistriesConfig, RegistryAuthEntry, RegistryTLS } from './registries.js';

function isMap(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

class Checker {
  constructor(private readonly source: string) {}

  fail(field: string, msg: string): never {
    throw new Error(`${this.source}: ${field}: ${msg}`);
  }

  map(v: unknown, field: string): Record<string, unknown> {
    if (v === undefined || v === null) return {};
    if (!isMap(v)) this.fail(field, `must be a mapping, not ${Array.isArray(v) ? 'a list' : typeof v}`);
    return v;
  }

  keys(m: Record<string, unknown>, field: string, allowed: readonly string[]): void {
    for (const k of Object.keys(m)) {
      if (!allowed.includes(k)) this.fail(`${field}.${k}`, `unknown field (allowed: ${allowed.join(', ')})`);
    }
  }

  string(v: unknown, field: string): string | undefined {
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'string') this.fail(field, `must be a string, not ${typeof v}`);
    return v;
  }

  bool(v: unknown, field: string): boolean | undefined {
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'boolean') this.fail(field, `must be true or false, not ${JSON.stringify(v)}`);
    return v;
  }
}

function registryKey(c: Checker, key: string, field: string): void {
  if (key === '*') return;
  if (!/^[A-Za-z0-9.-]+(:\d{1,5})?$/.test(key) && !/^\[[0-9a-fA-F:]+\](:\d{1,5})?$/.test(key)) {
    c.fail(field, `"${key}" is not a registry host name (host or host:port, or "*" for every registry)`);
  }
}

export function parseRegistriesDocument(doc: unknown, source: string): RegistriesConfig {
  const c: Checker = new Checker(source);
  const root = c.map(doc, '(top level)');
  c.keys(root, '(top level)', ['mirrors', 'configs']);
  const out: RegistriesConfig = { source, mirrors: {}, configs: {} };

  const mirrors = c.map(root.mirrors, 'mirrors');
  for (const [host, raw] of Object.entries(mirrors)) {
    const field = `mirrors."${host}"`;
    registryKey(c, host, field);
    const m = c.map(raw, field);
    c.keys(m, field, ['endpoint', 'rewrite']);
    const endpoints: string[] = [];
    if (m.endpoint !== undefined && m.endpoint !== null) {
      if (!Array.isArray(m.endpoint)) c.fail(`${field}.endpoint`, 'must be a list of URLs');
      m.endpoint.forEach((e: unknown, i: number) => {
        const s = c.string(e, `${field}.endpoint[${i}]`);
        if (!s) c.fail(`${field}.endpoint[${i}]`, 'must not be empty');
        endpoints.push(s);
      });
    }
    const rewrite: Record<string, string> = {};
    for (const [re, repl] of Object.entries(c.map(m.rewrite, `${field}.rewrite`))) {
      try {
        new RegExp(re);
      } catch (e) {
        c.fail(`${field}.rewrite."${re}"`, `invalid regular expression: ${e instanceof Error ? e.message : String(e)}`);
      }
      rewrite[re] = c.string(repl, `${field}.rewrite."${re}"`) ?? '';
    }
    out.mirrors[host] = { endpoints, rewrite };
  }

  const configs = c.map(root.configs, 'configs');
  for (const [host, raw] of Object.entries(configs)) {
    const field = `configs."${host}"`;
    registryKey(c, host, field);
    const m = c.map(raw, field);
    c.keys(m, field, ['auth', 'tls']);
    const entry: { auth?: RegistryAuthEntry; tls?: RegistryTLS } = {};
    if (m.auth !== undefined && m.auth !== null) {
      const a = c.map(m.auth, `${field}.auth`);
      c.keys(a, `${field}.auth`, ['username', 'password', 'auth', 'identitytoken']);
      const auth: RegistryAuthEntry = {};
      const username = c.string(a.username, `${field}.auth.username`);
      const password = c.string(a.password, `${field}.auth.password`);
      const token = c.string(a.auth, `${field}.auth.auth`);
      const identityToken = c.string(a.identitytoken, `${field}.auth.identitytoken`);
      if (username !== undefined) auth.username = username;
      if (password !== undefined) auth.password = password;
      if (token !== undefined) {
        const decoded = Buffer.from(token, 'base64').toString('utf8');
        if (!/^[A-Za-z0-9+/=\s]+$/.test(token) || !decoded.includes(':')) c.fail(`${field}.auth.auth`, 'must be base64 of "username:password"');
        auth.auth = token;
      }
      if (identityToken !== undefined) auth.identityToken = identityToken;
      if (Object.keys(auth).length === 0) c.fail(`${field}.auth`, 'needs username and password, auth, or identitytoken');
      entry.auth = auth;
    }
    if (m.tls !== undefined && m.tls !== null) {
      const t = c.map(m.tls, `${field}.tls`);
      c.keys(t, `${field}.tls`, ['cert_file', 'key_file', 'ca_file', 'insecure_skip_verify']);
      const tls: RegistryTLS = {};
      const certFile = c.string(t.cert_file, `${field}.tls.cert_file`);
      const keyFile = c.string(t.key_file, `${field}.tls.key_file`);
      const caFile = c.string(t.ca_file, `${field}.tls.ca_file`);
      const skip = c.bool(t.insecure_skip_verify, `${field}.tls.insecure_skip_verify`);
      if (keyFile && !certFile) c.fail(`${field}.tls.key_file`, 'is set without cert_file');
      if (certFile) tls.certFile = certFile;
      if (keyFile) tls.keyFile = keyFile;
      if (caFile) tls.caFile = caFile;
      if (skip !== undefined) tls.insecureSkipVerify = skip;
      if (Object.keys(tls).length) entry.tls = tls;
    }
    out.configs[host] = entry;
  }
  return out;
}
