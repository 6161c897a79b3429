// `Authorization: Bearer <jwt>` → the service account user (pkg/serviceaccount/claims.go
// validator.Validate after JWTTokenAuthenticator's checks): the ServiceAccount must still
// exist with the token's uid, and so must a bound Pod or Secret; objects deleted more than
// the leeway ago invalidate their tokens. The user is `system:serviceaccount:<ns>:<sa>` in
// groups system:serviceaccounts, system:serviceaccounts:<ns> and system:authenticated.
import type { KubeObject } from '../../machinery/types.js';
import { serviceAccountUsername, type ServiceAccountTokens } from './serviceAccountTokens.js';

export interface AuthenticatedUser {
  name: string;
  uid?: string;
  groups: string[];
  /** user.Info extra (authentication.kubernetes.io/pod-name …). */
  extra?: Record<string, string[]>;
}

/** Reads one object (namespace '' for nodes); undefined when it does not exist. */
export type ObjectLookup = (resource: 'serviceaccounts' | 'pods' | 'secrets' | 'nodes', namespace: string, name: string) => Promise<KubeObject | undefined>;

export type TokenAuthResult = { user: AuthenticatedUser } | { error: string };

const LEEWAY_MS = 60_000;

/** The token part of an `Authorization: Bearer …` header (upstream bearertoken: case-insensitive scheme). */
export function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const m = /^bearer\s+(\S+)\s*$/i.exec(header.trim());
  return m ? m[1] : undefined;
}

function deletedLongAgo(obj: KubeObject, nowMs: number): boolean {
  const ts = obj.metadata.deletionTimestamp;
  return ts !== undefined && Date.parse(ts) < nowMs - LEEWAY_MS;
}

export async function authenticateServiceAccountToken(token: string, tokens: ServiceAccountTokens, lookup: ObjectLookup, nowMs: number = Date.now()): Promise<TokenAuthResult> {
  const checked = tokens.check(token, nowMs);
  if (!checked.ok) return { error: checked.reason };
  const k8s = checked.claims['kubernetes.io'];
  const ns = k8s.namespace;
  const saRef = k8s.serviceaccount;
  const sa = await lookup('serviceaccounts', ns, saRef.name);
  if (!sa) return { error: `serviceaccounts "${saRef.name}" not found` };
  if (sa.metadata.uid !== saRef.uid) return { error: `service account UID (${sa.metadata.uid ?? ''}) does not match claim (${saRef.uid})` };
  if (deletedLongAgo(sa, nowMs)) return { error: `service account ${ns}/${saRef.name} has been deleted` };
  if (k8s.secret) {
    const secret = await lookup('secrets', ns, k8s.secret.name);
    if (!secret || deletedLongAgo(secret, nowMs)) return { error: 'service account token has been invalidated' };
    if (secret.metadata.uid !== k8s.secret.uid) return { error: `secret UID (${secret.metadata.uid ?? ''}) does not match service account secret ref claim (${k8s.secret.uid})` };
  }
  const extra: Record<string, string[]> = {};
  if (k8s.pod) {
    const pod = await lookup('pods', ns, k8s.pod.name);
    if (!pod) return { error: 'service account token has been invalidated' };
    if (pod.metadata.uid !== k8s.pod.uid) return { error: `pod UID (${pod.metadata.uid ?? ''}) does not match service account pod ref claim (${k8s.pod.uid})` };
    if (deletedLongAgo(pod, nowMs)) return { error: 'service account token has been invalidated' };
    extra['authentication.kubernetes.io/pod-name'] = [k8s.pod.name];
    extra['authentication.kubernetes.io/pod-uid'] = [k8s.pod.uid];
    if (k8s.node) {
      extra['authentication.kubernetes.io/node-name'] = [k8s.node.name];
      if (k8s.node.uid) extra['authentication.kubernetes.io/node-uid'] = [k8s.node.uid];
    }
  }
  if (k8s.node && !k8s.pod) {
    // A node-bound token (ServiceAccountTokenNodeBindingValidation) lives as long as its Node.
    const node = await lookup('nodes', '', k8s.node.name);
    if (!node || deletedLongAgo(node, nowMs)) return { error: 'service account token has been invalidated' };
    if (node.metadata.uid !== k8s.node.uid) return { error: `node UID (${node.metadata.uid ?? ''}) does not match service account node ref claim (${k8s.node.uid ?? ''})` };
    extra['authentication.kubernetes.io/node-name'] = [k8s.node.name];
    extra['authentication.kubernetes.io/node-uid'] = [k8s.node.uid ?? ''];
  }
  const jti = checked.claims.jti;
  if (jti) extra['authentication.kubernetes.io/credential-id'] = [`JTI=${jti}`];
  return {
    user: {
      name: serviceAccountUsername(ns, saRef.name),
      uid: saRef.uid,
      groups: ['system:serviceaccounts', `system:serviceaccounts:${ns}`, 'system:authenticated'],
      extra,
    },
  };
}
