// Pod volume validation (upstream ValidateVolumes / validateVolumeSource): unique DNS-label
// names, exactly one source, and the required fields of the sources skiff users write.
import { type FieldError, duplicate, forbidden, invalid, notSupported, required } from '../../machinery/fieldErrors.js';
import { type Obj, num, rec, recs, str } from '../shared/access.js';
import { dns1123Label, localNonReservedPath, nonNegativeQuantity } from '../shared/validate.js';
import { validateObjectFieldSelector } from './containerValidation.js';
import { volumeSourceNames } from './podSpecDefaults.js';

const fileModeErrorMsg = 'must be a number between 0 and 0777 (octal), both inclusive';
export const hostPathTypes = ['', 'BlockDevice', 'CharDevice', 'Directory', 'DirectoryOrCreate', 'File', 'FileOrCreate', 'Socket'];
const volumeFieldPaths = ['metadata.annotations', 'metadata.labels', 'metadata.name', 'metadata.namespace', 'metadata.uid'];

/** Returns the names of the valid volumes (for volumeMount checks) and every error. */
export function validateVolumes(volumes: unknown, field: string): { names: Set<string>; errors: FieldError[] } {
  const names = new Set<string>();
  const errors: FieldError[] = [];
  recs(volumes).forEach((v, i) => {
    const at = `${field}[${i}]`;
    const el = validateVolumeSource(v, at);
    const name = str(v.name) ?? '';
    if (name === '') el.push(required(`${at}.name`));
    else el.push(...dns1123Label(name, `${at}.name`));
    if (names.has(name)) el.push(duplicate(`${at}.name`, name));
    if (el.length === 0) names.add(name);
    else errors.push(...el);
  });
  return { names, errors };
}

function validateVolumeSource(v: Obj, field: string): FieldError[] {
  const errs: FieldError[] = [];
  let count = 0;
  for (const kind of volumeSourceNames()) {
    if (v[kind] === undefined || v[kind] === null) continue;
    if (count > 0) {
      errs.push(forbidden(`${field}.${kind}`, 'may not specify more than 1 volume type'));
      continue;
    }
    count++;
    errs.push(...validateSourceFields(kind, rec(v[kind]) ?? {}, `${field}.${kind}`));
  }
  if (count === 0) errs.push(required(field, 'must specify a volume type'));
  return errs;
}

function validateSourceFields(kind: string, src: Obj, field: string): FieldError[] {
  switch (kind) {
    case 'hostPath':
      return validateHostPath(src, field);
    case 'emptyDir':
      return src.sizeLimit === undefined ? [] : nonNegativeQuantity(src.sizeLimit, `${field}.sizeLimit`);
    case 'secret':
      return [...requiredString(src, 'secretName', field), ...fileMode(src.defaultMode, `${field}.defaultMode`), ...keyToPaths(src.items, `${field}.items`)];
    case 'configMap':
      return [...requiredString(src, 'name', field), ...fileMode(src.defaultMode, `${field}.defaultMode`), ...keyToPaths(src.items, `${field}.items`)];
    case 'persistentVolumeClaim':
      return requiredString(src, 'claimName', field);
    case 'nfs':
      return validateNFS(src, field);
    case 'downwardAPI':
      return [...fileMode(src.defaultMode, `${field}.defaultMode`), ...downwardAPIItems(src.items, `${field}.items`)];
    case 'projected':
      return validateProjected(src, field);
    case 'csi':
      return requiredString(src, 'driver', field);
    case 'ephemeral':
      return rec(src.volumeClaimTemplate) ? [] : [required(`${field}.volumeClaimTemplate`)];
    case 'image':
      return requiredString(src, 'reference', field);
    default:
      return [];
  }
}

export function validateHostPath(src: Obj, field: string): FieldError[] {
  const errs: FieldError[] = [];
  const p = str(src.path) ?? '';
  if (p === '') errs.push(required(`${field}.path`));
  else if (p.split('/').includes('..')) errs.push(invalid(`${field}.path`, p, "must not contain '..'"));
  const type = str(src.type);
  if (type !== undefined && !hostPathTypes.includes(type)) errs.push(notSupported(`${field}.type`, type, hostPathTypes));
  return errs;
}

export function validateNFS(src: Obj, field: string): FieldError[] {
  const errs = requiredString(src, 'server', field);
  const p = str(src.path) ?? '';
  if (p === '') errs.push(required(`${field}.path`));
  else if (!p.startsWith('/')) errs.push(invalid(`${field}.path`, p, 'must be an absolute path'));
  return errs;
}

function requiredString(src: Obj, key: string, field: string): FieldError[] {
  return str(src[key]) ? [] : [required(`${field}.${key}`)];
}

function fileMode(mode: unknown, field: string): FieldError[] {
  const m = num(mode);
  return m !== undefined && (m < 0 || m > 0o777) ? [invalid(field, m, fileModeErrorMsg)] : [];
}

function keyToPaths(items: unknown, field: string): FieldError[] {
  const errs: FieldError[] = [];
  recs(items).forEach((kp, i) => {
    const at = `${field}[${i}]`;
    if (!str(kp.key)) errs.push(required(`${at}.key`));
    const p = str(kp.path) ?? '';
    if (p === '') errs.push(required(`${at}.path`));
    errs.push(...localNonReservedPath(p, `${at}.path`));
    errs.push(...fileMode(kp.mode, `${at}.mode`));
  });
  return errs;
}

function downwardAPIItems(items: unknown, field: string): FieldError[] {
  const errs: FieldError[] = [];
  recs(items).forEach((item, i) => {
    const at = `${field}[${i}]`;
    const p = str(item.path) ?? '';
    if (p === '') errs.push(required(`${at}.path`));
    errs.push(...localNonReservedPath(p, `${at}.path`));
    errs.push(...fileMode(item.mode, `${at}.mode`));
    const fieldRef = rec(item.fieldRef);
    const resourceRef = rec(item.resourceFieldRef);
    if (fieldRef) errs.push(...validateObjectFieldSelector(fieldRef, volumeFieldPaths, `${at}.fieldRef`));
    if (fieldRef && resourceRef) errs.push(invalid(at, 'resource', 'fieldRef and resourceFieldRef can not be specified simultaneously'));
  });
  return errs;
}

function validateProjected(src: Obj, field: string): FieldError[] {
  const errs = fileMode(src.defaultMode, `${field}.defaultMode`);
  recs(src.sources).forEach((s, i) => {
    const at = `${field}.sources[${i}]`;
    let count = 0;
    for (const kind of ['secret', 'downwardAPI', 'configMap', 'serviceAccountToken', 'clusterTrustBundle']) {
      const v = rec(s[kind]);
      if (!v) continue;
      count++;
      if (kind === 'secret' || kind === 'configMap') {
        errs.push(...requiredString(v, 'name', `${at}.${kind}`), ...keyToPaths(v.items, `${at}.${kind}.items`));
      } else if (kind === 'downwardAPI') {
        errs.push(...downwardAPIItems(v.items, `${at}.downwardAPI.items`));
      } else if (kind === 'serviceAccountToken') {
        const exp = num(v.expirationSeconds);
        if (exp !== undefined && exp < 600) errs.push(invalid(`${at}.serviceAccountToken.expirationSeconds`, exp, 'may not specify a duration less than 10 minutes'));
        if (exp !== undefined && exp > 2 ** 32) errs.push(invalid(`${at}.serviceAccountToken.expirationSeconds`, exp, 'may not specify a duration larger than 2^32 seconds'));
        if (!str(v.path)) errs.push(required(`${at}.serviceAccountToken.path`));
      }
    }
    if (count > 1) errs.push(forbidden(at, 'may not specify more than 1 volume type per source'));
  });
  return errs;
}
