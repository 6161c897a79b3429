// Name and identifier checks with apimachinery's wording (pkg/util/validation/validation.go
// and pkg/api/validation/generic.go): each check returns the list of upstream messages,
// empty when the value is valid, so callers wrap them in field errors with their own path.
import { randomInt } from 'node:crypto';
import { type FieldError, invalid } from './fieldErrors.js';

// --- message builders, as upstream's EmptyError / MaxLenError / RegexError ---

export const emptyError = (): string => 'must be non-empty';
export const maxLenError = (n: number): string => `must be no more than ${n} characters`;
export const inclusiveRangeError = (lo: number, hi: number): string => `must be between ${lo} and ${hi}, inclusive`;

/** Upstream's RegexError, including its `'a',  or 'b'` double space between examples. */
export function regexError(msg: string, fmt: string, ...examples: string[]): string {
  if (examples.length === 0) return `${msg} (regex used for validation is '${fmt}')`;
  let s = `${msg} (e.g. `;
  examples.forEach((ex, i) => {
    if (i > 0) s += ' or ';
    s += `'${ex}', `;
  });
  return `${s}regex used for validation is '${fmt}')`;
}

const full = (fmt: string): RegExp => new RegExp(`^(?:${fmt})$`);

/** Go's len(): limits are in bytes, which differs from .length for non-ASCII input. */
const byteLen = (s: string): number => Buffer.byteLength(s);

// --- qualified names (label keys, annotation keys, finalizers) ---

const qnameCharFmt = '[A-Za-z0-9]';
const qnameExtCharFmt = '[-A-Za-z0-9_.]';
const qualifiedNameFmt = `(${qnameCharFmt}${qnameExtCharFmt}*)?${qnameCharFmt}`;
const qualifiedNameErrMsg = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const qualifiedNameMaxLength = 63;
const qualifiedNameRe = full(qualifiedNameFmt);

export function isQualifiedName(value: string): string[] {
  const errs: string[] = [];
  const parts = value.split('/');
  let name: string;
  if (parts.length === 1) {
    name = parts[0];
  } else if (parts.length === 2) {
    const prefix = parts[0];
    name = parts[1];
    if (prefix.length === 0) errs.push(`prefix part ${emptyError()}`);
    else for (const m of isDNS1123Subdomain(prefix)) errs.push(`prefix part ${m}`);
  } else {
    return [
      `a qualified name ${regexError(qualifiedNameErrMsg, qualifiedNameFmt, 'MyName', 'my.name', '123-abc')} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
    ];
  }
  if (name.length === 0) errs.push(`name part ${emptyError()}`);
  else if (byteLen(name) > qualifiedNameMaxLength) errs.push(`name part ${maxLenError(qualifiedNameMaxLength)}`);
  if (!qualifiedNameRe.test(name)) errs.push(`name part ${regexError(qualifiedNameErrMsg, qualifiedNameFmt, 'MyName', 'my.name', '123-abc')}`);
  return errs;
}

// --- label values ---

const labelValueFmt = `(${qualifiedNameFmt})?`;
const labelValueErrMsg = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
export const labelValueMaxLength = 63;
const labelValueRe = full(labelValueFmt);

export function isValidLabelValue(value: string): string[] {
  const errs: string[] = [];
  if (byteLen(value) > labelValueMaxLength) errs.push(maxLenError(labelValueMaxLength));
  if (!labelValueRe.test(value)) errs.push(regexError(labelValueErrMsg, labelValueFmt, 'MyValue', 'my_value', '12345'));
  return errs;
}

// --- DNS names ---

const dns1123LabelFmt = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const dns1123LabelErrMsg = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character";
export const dns1123LabelMaxLength = 63;
const dns1123LabelRe = full(dns1123LabelFmt);

const dns1123SubdomainFmt = `${dns1123LabelFmt}(\\.${dns1123LabelFmt})*`;
const dns1123SubdomainErrMsg = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";
export const dns1123SubdomainMaxLength = 253;
const dns1123SubdomainRe = full(dns1123SubdomainFmt);

const dns1035LabelFmt = '[a-z]([-a-z0-9]*[a-z0-9])?';
const dns1035LabelErrMsg = "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character";
export const dns1035LabelMaxLength = 63;
const dns1035LabelRe = full(dns1035LabelFmt);

export function isDNS1123Label(value: string): string[] {
  const errs: string[] = [];
  if (byteLen(value) > dns1123LabelMaxLength) errs.push(maxLenError(dns1123LabelMaxLength));
  if (!dns1123LabelRe.test(value)) {
    // Upstream (1.27+) singles out the common mistake of a dotted name where a label is needed.
    if (dns1123SubdomainRe.test(value)) errs.push('must not contain dots');
    else errs.push(regexError(dns1123LabelErrMsg, dns1123LabelFmt, 'my-name', '123-abc'));
  }
  return errs;
}

export function isDNS1123Subdomain(value: string): string[] {
  const errs: string[] = [];
  if (byteLen(value) > dns1123SubdomainMaxLength) errs.push(maxLenError(dns1123SubdomainMaxLength));
  if (!dns1123SubdomainRe.test(value)) errs.push(regexError(dns1123SubdomainErrMsg, dns1123SubdomainFmt, 'example.com'));
  return errs;
}

export function isDNS1035Label(value: string): string[] {
  const errs: string[] = [];
  if (byteLen(value) > dns1035LabelMaxLength) errs.push(maxLenError(dns1035LabelMaxLength));
  if (!dns1035LabelRe.test(value)) errs.push(regexError(dns1035LabelErrMsg, dns1035LabelFmt, 'my-name', 'abc-123'));
  return errs;
}

// --- ports ---

export function isValidPortNum(port: number): string[] {
  if (Number.isInteger(port) && port >= 1 && port <= 65535) return [];
  return [inclusiveRangeError(1, 65535)];
}

/** IANA_SVC_NAME (RFC 6335): at most 15 chars, [-a-z0-9], a letter, no `--`, no edge hyphen. */
export function isValidPortName(port: string): string[] {
  const errs: string[] = [];
  if (byteLen(port) > 15) errs.push(maxLenError(15));
  if (!/^[-a-z0-9]+$/.test(port)) errs.push('must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)');
  if (!/[a-z]/.test(port)) errs.push('must contain at least one letter (a-z)');
  if (port.includes('--')) errs.push('must not contain consecutive hyphens');
  if (port.length > 0 && (port.startsWith('-') || port.endsWith('-'))) errs.push('must not begin or end with a hyphen');
  return errs;
}

// --- identifiers and keys ---

const cIdentifierFmt = '[A-Za-z_][A-Za-z0-9_]*';
const cIdentifierErrMsg = "a valid C identifier must start with alphabetic character or '_', followed by a string of alphanumeric characters or '_'";

export function isCIdentifier(value: string): string[] {
  if (full(cIdentifierFmt).test(value)) return [];
  return [regexError(cIdentifierErrMsg, cIdentifierFmt, 'my_name', 'MY_NAME', 'MyName')];
}

function hasChDirPrefix(value: string): string[] {
  if (value === '.') return ["must not be '.'"];
  if (value === '..') return ["must not be '..'"];
  if (value.startsWith('..')) return ["must not start with '..'"];
  return [];
}

const envVarNameFmt = '[-._a-zA-Z][-._a-zA-Z0-9]*';
const envVarNameErrMsg = "a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit";

/** Env var names (containers[].env[].name, envFrom prefixes) since Kubernetes 1.8. */
export function isEnvVarName(value: string): string[] {
  const errs: string[] = [];
  if (!full(envVarNameFmt).test(value)) errs.push(regexError(envVarNameErrMsg, envVarNameFmt, 'my.env-name', 'MY_ENV.NAME', 'MyEnvName1'));
  errs.push(...hasChDirPrefix(value));
  return errs;
}

const relaxedEnvVarNameErrMsg = "a valid environment variable name must consist only of printable ASCII characters other than '='";

/** IsRelaxedEnvVarName: the rule when RelaxedEnvironmentVariableValidation is on (beta, default since 1.32). */
export function isRelaxedEnvVarName(value: string): string[] {
  const errs: string[] = [];
  if (value.length === 0) errs.push(`environment variable name ${emptyError()}`);
  if (/[^\x20-\x7e]|=/.test(value)) errs.push(relaxedEnvVarNameErrMsg);
  return errs;
}

const configMapKeyFmt = '[-._a-zA-Z0-9]+';
const configMapKeyErrMsg = "a valid config key must consist of alphanumeric characters, '-', '_' or '.'";

export function isConfigMapKey(value: string): string[] {
  const errs: string[] = [];
  if (byteLen(value) > dns1123SubdomainMaxLength) errs.push(maxLenError(dns1123SubdomainMaxLength));
  if (!full(configMapKeyFmt).test(value)) errs.push(regexError(configMapKeyErrMsg, configMapKeyFmt, 'key.name', 'KEY_NAME', 'key-name'));
  errs.push(...hasChDirPrefix(value));
  return errs;
}

// --- IP addresses ---

/**
 * Kubernetes parses IPs with netutils.ParseIPSloppy (Go 1.16 rules), which still accepts
 * leading zeros in IPv4 octets ("010.1.2.3"); we accept what it accepts.
 */
export function isIPv4(value: string): boolean {
  const parts = value.split('.');
  return parts.length === 4 && parts.every((p) => /^[0-9]+$/.test(p) && Number(p) <= 255);
}

export function isIPv6(value: string): boolean {
  if (value.includes('%')) return false; // zones are rejected, as netutils.ParseIPSloppy does
  let s = value;
  // An embedded dotted IPv4 tail counts as two 16-bit groups.
  let extra = 0;
  const lastColon = s.lastIndexOf(':');
  if (lastColon >= 0 && s.slice(lastColon + 1).includes('.')) {
    if (!isIPv4(s.slice(lastColon + 1))) return false;
    s = `${s.slice(0, lastColon + 1)}0`;
    extra = 1;
  }
  const halves = s.split('::');
  if (halves.length > 2) return false;
  const groups = (h: string): string[] | null => {
    if (h === '') return [];
    const g = h.split(':');
    return g.every((x) => /^[0-9a-fA-F]{1,4}$/.test(x)) ? g : null;
  };
  if (halves.length === 1) {
    const g = groups(halves[0]);
    return g !== null && g.length + extra === 8;
  }
  const a = groups(halves[0]);
  const b = groups(halves[1]);
  return a !== null && b !== null && a.length + b.length + extra <= 7;
}

export function isValidIP(value: string): string[] {
  if (isIPv4(value) || isIPv6(value)) return [];
  return ['must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'];
}

// --- object names (generic.go) ---

/** How a kind's metadata.name is checked: most kinds use subdomain, a few label / DNS-1035 / path segment. */
export type NameRule = 'subdomain' | 'label' | 'dns1035' | 'path';

/**
 * generateName prefixes end in '-' by convention; upstream masks the trailing dash (replacing
 * the last two characters with "a", quirk included) so the prefix validates like a name.
 */
function maskTrailingDash(name: string): string {
  return name.endsWith('-') ? `${name.slice(0, -2)}a` : name;
}

const nameMayNotBe = ['.', '..'];
const nameMayNotContain = ['/', '%'];

/** Upstream's IsValidPathSegmentName / IsValidPathSegmentPrefix (RBAC, some CRDs). */
export function validatePathSegmentName(name: string, prefix = false): string[] {
  if (!prefix) for (const bad of nameMayNotBe) if (name === bad) return [`may not be '${bad}'`];
  const errs: string[] = [];
  for (const bad of nameMayNotContain) if (name.includes(bad)) errs.push(`may not contain '${bad}'`);
  return errs;
}

/** Upstream's ValidateNameFunc for a rule: `prefix` is true when checking a generateName. */
export function nameMessages(name: string, rule: NameRule, prefix = false): string[] {
  switch (rule) {
    case 'subdomain':
      return isDNS1123Subdomain(prefix ? maskTrailingDash(name) : name);
    case 'label':
      return isDNS1123Label(prefix ? maskTrailingDash(name) : name);
    case 'dns1035':
      return isDNS1035Label(prefix ? maskTrailingDash(name) : name);
    case 'path':
      return validatePathSegmentName(name, prefix);
  }
}

/** One Invalid error per message on `field`, as ValidateObjectMetaAccessor does for names. */
export function validateNameWithRule(name: string, rule: NameRule, field: string): FieldError[] {
  return nameMessages(name, rule).map((m) => invalid(field, name, m));
}

// --- generated names (storage/names.SimpleNameGenerator) ---

const alphanums = 'bcdfghjklmnpqrstvwxz2456789';
const randomLength = 5;
export const maxGeneratedNameLength = 63 - randomLength;

export function generateNameSuffix(): string {
  let s = '';
  for (let i = 0; i < randomLength; i++) s += alphanums[randomInt(alphanums.length)];
  return s;
}

/** base (cut to 58 characters) + 5 random characters, as the apiserver does for generateName. */
export function generateName(base: string): string {
  return base.slice(0, maxGeneratedNameLength) + generateNameSuffix();
}
