// Docker reference normalisation (distribution/reference ParseNormalizedNamed), which is
// how containerd reports images in container statuses: `nginx:1.14.2` becomes
// `docker.io/library/nginx:1.14.2`, a missing tag becomes `:latest`, and a first path
// component with a dot, a colon or `localhost` names a registry.

export interface ImageName {
  /** e.g. docker.io/library/nginx */
  repository: string;
  tag?: string;
  digest?: string;
}

export function parseImageName(image: string): ImageName {
  let rest = image.trim();
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  const firstSlash = rest.indexOf('/');
  const first = firstSlash < 0 ? '' : rest.slice(0, firstSlash);
  let repository: string;
  if (first && (first.includes('.') || first.includes(':') || first === 'localhost')) repository = rest;
  else if (firstSlash < 0) repository = `docker.io/library/${rest}`;
  else repository = `docker.io/${rest}`;
  const out: ImageName = { repository };
  if (tag !== undefined) out.tag = tag;
  if (digest !== undefined) out.digest = digest;
  if (tag === undefined && digest === undefined) out.tag = 'latest';
  return out;
}

/** The fully qualified reference: docker.io/library/nginx:1.14.2 (or …@sha256:…). */
export function normalizeImage(image: string): string {
  const n = parseImageName(image);
  let s = n.repository;
  if (n.tag !== undefined) s += `:${n.tag}`;
  if (n.digest !== undefined) s += `@${n.digest}`;
  return s;
}
