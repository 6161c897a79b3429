// What PersistentVolumes and PersistentVolumeClaims share: access modes (validation and the
// RWO/ROX/RWX/RWOP table form), volume modes, storage class names and quantities.
import { type FieldError, forbidden, invalid, notSupported } from '../../machinery/fieldErrors.js';
import { compareQuantities } from '../../machinery/quantity.js';
import type { KubeObject } from '../../machinery/types.js';
import { arr, rec, str } from '../shared/access.js';
import { dns1123Subdomain, quantityOf } from '../shared/validate.js';
import { quantityFormatError } from '../../machinery/quantity.js';

export const accessModes = ['ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOncePod'];
export const volumeModes = ['Block', 'Filesystem'];
export const betaStorageClassAnnotation = 'volume.beta.kubernetes.io/storage-class';

export function validateAccessModes(modes: unknown, field: string): FieldError[] {
  const errs: FieldError[] = [];
  const list = arr(modes);
  for (const m of list) if (typeof m !== 'string' || !accessModes.includes(m)) errs.push(notSupported(field, m, accessModes));
  if (list.includes('ReadWriteOncePod') && list.length > 1) errs.push(forbidden(field, 'may not use ReadWriteOncePod with other access modes'));
  return errs;
}

export function validateVolumeMode(mode: unknown, field: string): FieldError[] {
  if (mode === undefined || mode === null) return [];
  return typeof mode === 'string' && volumeModes.includes(mode) ? [] : [notSupported(field, mode, volumeModes)];
}

export function validateClassName(name: unknown, field: string): FieldError[] {
  const s = str(name) ?? '';
  return s === '' ? [] : dns1123Subdomain(s, field);
}

/** ValidatePositiveQuantityValue: parses and is above zero. */
export function positiveQuantity(v: unknown, field: string): FieldError[] {
  const q = quantityOf(v);
  if (q === undefined) return [invalid(field, v, quantityFormatError)];
  return compareQuantities(q, '0') <= 0 ? [invalid(field, q, 'must be greater than zero')] : [];
}

/** GetAccessModesAsString: RWO,ROX,RWX,RWOP in that order, duplicates dropped. */
export function accessModesText(modes: unknown): string {
  const list = arr(modes);
  const out: string[] = [];
  if (list.includes('ReadWriteOnce')) out.push('RWO');
  if (list.includes('ReadOnlyMany')) out.push('ROX');
  if (list.includes('ReadWriteMany')) out.push('RWX');
  if (list.includes('ReadWriteOncePod')) out.push('RWOP');
  return out.join(',');
}

/** The beta annotation wins over spec.storageClassName (helper.GetPersistentVolume[Claim]Class). */
export function storageClassOf(obj: KubeObject): string {
  const ann = obj.metadata.annotations?.[betaStorageClassAnnotation];
  if (ann !== undefined) return ann;
  return str(rec(obj.spec)?.storageClassName) ?? '';
}
