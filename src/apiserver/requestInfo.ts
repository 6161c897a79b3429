// Turns a URL path into what it addresses, following upstream's RequestInfoFactory.

export interface ResourceRequest {
  type: 'resource';
  group: string;
  version: string;
  namespace?: string;
  resource: string;
  name?: string;
  subresource?: string;
  /** Legacy `/watch/` path prefix. */
  watchPath: boolean;
}

export type RequestTarget =
  | ResourceRequest
  | { type: 'groupVersion'; group: string; version: string }
  | { type: 'group'; group: string }
  | { type: 'root'; prefix: 'api' | 'apis' }
  | { type: 'other'; path: string };

/** Subresources of a Namespace object itself, not namespaced resources. */
const namespaceSubresources = new Set(['status', 'finalize']);

export function parseRequestPath(pathname: string): RequestTarget {
  const parts = pathname.split('/').filter((p) => p !== '').map(decodeURIComponent);
  let group: string;
  let version: string | undefined;
  let rest: string[];
  if (parts[0] === 'api') {
    if (parts.length === 1) return { type: 'root', prefix: 'api' };
    group = '';
    version = parts[1];
    rest = parts.slice(2);
  } else if (parts[0] === 'apis') {
    if (parts.length === 1) return { type: 'root', prefix: 'apis' };
    group = parts[1];
    if (parts.length === 2) return { type: 'group', group };
    version = parts[2];
    rest = parts.slice(3);
  } else {
    return { type: 'other', path: pathname };
  }
  if (rest.length === 0) return { type: 'groupVersion', group, version };
  let watchPath = false;
  if (rest[0] === 'watch') {
    watchPath = true;
    rest = rest.slice(1);
  }
  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length > 1) {
    if (rest.length > 2 && !namespaceSubresources.has(rest[2])) {
      namespace = rest[1];
      rest = rest.slice(2);
    }
  }
  if (rest.length === 0 || rest.length > 3) return { type: 'other', path: pathname };
  return { type: 'resource', group, version, namespace, resource: rest[0], name: rest[1], subresource: rest[2], watchPath };
}
