// Writes the admin kubeconfig (embedded certificates, like k3s's k3s.yaml).
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { stringify } from 'yaml';
import type { Pki } from './certs.js';

export function kubeconfigYaml(pki: Pki, serverUrl: string, name = 'skiff'): string {
  const b64 = (s: string): string => Buffer.from(s).toString('base64');
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name, cluster: { server: serverUrl, 'certificate-authority-data': b64(pki.caCert) } }],
    users: [{ name: `${name}-admin`, user: { 'client-certificate-data': b64(pki.adminCert), 'client-key-data': b64(pki.adminKey) } }],
    contexts: [{ name, context: { cluster: name, user: `${name}-admin` } }],
    'current-context': name,
    preferences: {},
  });
}

export function writeKubeconfig(file: string, pki: Pki, serverUrl: string): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, kubeconfigYaml(pki, serverUrl), { mode: 0o600 });
}
