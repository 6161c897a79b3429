// IntOrString fields (maxSurge, maxUnavailable, targetPort, …): upstream
// intstr.GetScaledValueFromIntOrPercent and apps validation's ValidatePositiveIntOrPercent.
import { type FieldError, invalid } from './fieldErrors.js';
import { regexError } from './names.js';

const percentFmt = '[0-9]+%';
const percentErrMsg = "a valid percent string must be a numeric string followed by an ending '%'";
const percentRe = /^[0-9]+%$/;
// strconv.Atoi: optional sign, decimal digits, within int64.
const atoiRe = /^[+-]?[0-9]+$/;

/** IsValidPercent: the messages for a string that is not `<digits>%`. */
export function isValidPercent(v: string): string[] {
  return percentRe.test(v) ? [] : [regexError(percentErrMsg, percentFmt, '1%', '93%')];
}

/**
 * An int is returned as is; a percent string is that share of `total`, rounded up or down.
 * Throws (as upstream returns an error) for undefined, non-percent strings and bad numbers.
 */
export function scaledValueFromIntOrPercent(v: number | string | undefined, total: number, roundUp: boolean): number {
  if (v === undefined) throw new Error('nil value for IntOrString');
  if (typeof v === 'number') {
    if (!Number.isInteger(v)) throw new Error(`invalid value for IntOrString: invalid value ${v}: not an integer`);
    return v;
  }
  if (!v.endsWith('%')) throw new Error('invalid value for IntOrString: invalid type: string is not a percentage');
  const digits = v.slice(0, -1);
  if (!atoiRe.test(digits)) throw new Error(`invalid value for IntOrString: invalid value ${JSON.stringify(v)}: strconv.Atoi: parsing ${JSON.stringify(digits)}: invalid syntax`);
  const pct = Number.parseInt(digits, 10);
  const share = (pct * total) / 100;
  return roundUp ? Math.ceil(share) : Math.floor(share);
}

/** ValidatePositiveIntOrPercent: a non-negative integer or a `<digits>%` string. */
export function validateIntOrPercent(v: unknown, field: string): FieldError[] {
  if (typeof v === 'string') return isValidPercent(v).map((m) => invalid(field, v, m));
  if (typeof v === 'number' && Number.isInteger(v)) return v < 0 ? [invalid(field, v, 'must be greater than or equal to 0')] : [];
  return [invalid(field, v, "must be an integer or percentage (e.g '5%')")];
}

/** IsNotMoreThan100Percent (maxUnavailable): percent strings above 100% are rejected. */
export function validateNotMoreThan100Percent(v: unknown, field: string): FieldError[] {
  if (typeof v !== 'string' || !percentRe.test(v)) return [];
  return Number.parseInt(v.slice(0, -1), 10) > 100 ? [invalid(field, v, 'must not be greater than 100%')] : [];
}
