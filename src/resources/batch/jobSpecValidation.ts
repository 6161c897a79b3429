// batch/v1 JobSpec validation shared by Jobs and CronJob job templates: upstream
// pkg/apis/batch/validation validateJobSpec with its pod failure policy, success policy and
// pod replacement policy rules, in upstream's order and wording.
import { type FieldError, invalid, notSupported, required, tooLong, tooMany, duplicate } from '../../machinery/fieldErrors.js';
import { isDNS1123Subdomain } from '../../machinery/names.js';
import { validatePodTemplateSpec } from '../core/podSpec.js';
import { type Obj, at, rec, recs, str } from '../shared/access.js';
import { nonNegative, qualifiedName } from '../shared/validate.js';

const maxParallelismForIndexedJob = 100000;
const maxFailedIndexesForIndexedJob = 100000;
const completionsSoftLimit = 100000;
const parallelismLimitForHighCompletions = 10000;
const maxFailedIndexesLimitForHighCompletions = 10000;
const maxPodFailurePolicyRules = 20;
const maxOnExitCodesValues = 255;
const maxOnPodConditionsPatterns = 20;
const maxManagedByLength = 63;
const maxSucceededIndexesLength = 64 * 1024;
const maxSuccessPolicyRules = 20;

const podFailureActions = ['Count', 'FailIndex', 'FailJob', 'Ignore'];
const onExitCodesOperators = ['In', 'NotIn'];
const conditionStatuses = ['False', 'True', 'Unknown'];

/** Go's %q of a []string: `["a" "b"]`. */
const goQuotedList = (xs: string[]): string => `[${xs.map((x) => JSON.stringify(x)).join(' ')}]`;

const present = (v: unknown): boolean => v !== undefined && v !== null;

/** IsDomainPrefixedPath (managedBy, IngressClass controller). */
export function domainPrefixedPath(value: string, field: string): FieldError[] {
  if (value.length === 0) return [required(field)];
  const slash = value.indexOf('/');
  const host = slash < 0 ? value : value.slice(0, slash);
  const path = slash < 0 ? '' : value.slice(slash + 1);
  if (slash < 0 || host.length === 0 || path.length === 0) {
    return [invalid(field, value, 'must be a domain-prefixed path (such as "acme.io/foo")')];
  }
  const errs = isDNS1123Subdomain(host).map((m) => invalid(field, host, m));
  const pathFmt = "[A-Za-z0-9/\\-._~%!$&'()*+,;=:]+";
  if (!new RegExp(`^${pathFmt}$`).test(path)) errs.push(invalid(field, path, `Invalid path (regex used for validation is '${pathFmt}')`));
  return errs;
}

/** validateIndexesFormat: `1,3-5,7` within [0, completions), strictly increasing; the index count. */
export function indexesFormat(indexes: string, completions: number): { total: number } | { error: string } {
  if (indexes.length === 0) return { total: 0 };
  let last: number | undefined;
  let total = 0;
  for (const interval of indexes.split(',')) {
    const limits = interval.split('-');
    if (limits.length > 2) return { error: `the fragment ${JSON.stringify(interval)} violates the requirement that an index interval can have at most two parts separated by '-'` };
    const bounds: number[] = [];
    for (const limit of limits) {
      if (!/^[+-]?[0-9]+$/.test(limit)) return { error: `cannot convert string to integer for index: ${JSON.stringify(limit)}` };
      const n = Number(limit);
      if (n >= completions) return { error: `too large index: ${JSON.stringify(limit)}` };
      if (last !== undefined && last >= n) return { error: `non-increasing order, previous: ${last}, current: ${n}` };
      bounds.push(n);
      last = n;
    }
    total += bounds.length === 2 ? bounds[1] - bounds[0] + 1 : 1;
  }
  return { total };
}

function validateOnExitCodes(r: Obj, field: string, containerNames: Set<string>): FieldError[] {
  const errs: FieldError[] = [];
  const op = str(r.operator) ?? '';
  if (op === '') errs.push(required(`${field}.operator`, `valid values: ${goQuotedList(onExitCodesOperators)}`));
  else if (!onExitCodesOperators.includes(op)) errs.push(notSupported(`${field}.operator`, op, onExitCodesOperators));
  const cn = str(r.containerName);
  if (cn !== undefined && !containerNames.has(cn)) {
    errs.push(invalid(`${field}.containerName`, cn, 'must be one of the container or initContainer names in the pod template'));
  }
  const values = Array.isArray(r.values) ? r.values.filter((v): v is number => typeof v === 'number') : [];
  if (values.length === 0) errs.push(invalid(`${field}.values`, r.values ?? null, 'at least one value is required'));
  else if (values.length > maxOnExitCodesValues) errs.push(tooMany(`${field}.values`, values.length, maxOnExitCodesValues));
  const seen = new Set<number>();
  let ordered = true;
  values.forEach((v, j) => {
    if (op === 'In' && v === 0) errs.push(invalid(`${field}.values[${j}]`, v, 'must not be 0 for the In operator'));
    if (seen.has(v)) errs.push(duplicate(`${field}.values[${j}]`, v));
    else seen.add(v);
    if (j > 0 && values[j - 1] > v) ordered = false;
  });
  if (!ordered) errs.push(invalid(`${field}.values`, values, 'must be ordered'));
  return errs;
}

function validateOnPodConditions(patterns: Obj[], field: string): FieldError[] {
  const errs: FieldError[] = [];
  if (patterns.length > maxOnPodConditionsPatterns) errs.push(tooMany(field, patterns.length, maxOnPodConditionsPatterns));
  patterns.forEach((p, j) => {
    errs.push(...qualifiedName(str(p.type) ?? '', `${field}[${j}].type`));
    const status = str(p.status) ?? '';
    if (status === '') errs.push(required(`${field}[${j}].status`, `valid values: ${goQuotedList(conditionStatuses)}`));
    else if (!conditionStatuses.includes(status)) errs.push(notSupported(`${field}[${j}].status`, status, conditionStatuses));
  });
  return errs;
}

function validatePodFailurePolicy(spec: Obj, policy: Obj, field: string): FieldError[] {
  const errs: FieldError[] = [];
  const rules = recs(policy.rules);
  if (rules.length > maxPodFailurePolicyRules) errs.push(tooMany(`${field}.rules`, rules.length, maxPodFailurePolicyRules));
  const containerNames = new Set<string>();
  for (const c of [...recs(at(spec, 'template.spec.containers')), ...recs(at(spec, 'template.spec.initContainers'))]) {
    const n = str(c.name);
    if (n !== undefined) containerNames.add(n);
  }
  rules.forEach((rule, i) => {
    const rf = `${field}.rules[${i}]`;
    const action = str(rule.action) ?? '';
    if (action === '') errs.push(required(`${rf}.action`, `valid values: ${goQuotedList(podFailureActions)}`));
    else if (action === 'FailIndex') {
      if (!present(spec.backoffLimitPerIndex)) errs.push(invalid(`${rf}.action`, action, 'requires the backoffLimitPerIndex to be set'));
    } else if (!podFailureActions.includes(action)) errs.push(notSupported(`${rf}.action`, action, podFailureActions));
    const onExit = rec(rule.onExitCodes);
    const onConds = recs(rule.onPodConditions);
    if (onExit) errs.push(...validateOnExitCodes(onExit, `${rf}.onExitCodes`, containerNames));
    if (onConds.length > 0) errs.push(...validateOnPodConditions(onConds, `${rf}.onPodConditions`));
    if (onExit && onConds.length > 0) errs.push(invalid(rf, undefined, 'specifying both OnExitCodes and OnPodConditions is not supported'));
    if (!onExit && onConds.length === 0) errs.push(invalid(rf, undefined, 'specifying one of OnExitCodes and OnPodConditions is required'));
  });
  return errs;
}

function validateSuccessPolicy(spec: Obj, policy: Obj, field: string): FieldError[] {
  const errs: FieldError[] = [];
  const rules = recs(policy.rules);
  const completions = typeof spec.completions === 'number' ? spec.completions : 0;
  if (rules.length === 0) errs.push(required(`${field}.rules`, 'at least one rules must be specified when the successPolicy is specified'));
  if (rules.length > maxSuccessPolicyRules) errs.push(tooMany(`${field}.rules`, rules.length, maxSuccessPolicyRules));
  rules.forEach((rule, i) => {
    const rf = `${field}.rules[${i}]`;
    const indexes = str(rule.succeededIndexes);
    const cnt = typeof rule.succeededCount === 'number' ? rule.succeededCount : undefined;
    if (cnt === undefined && indexes === undefined) errs.push(required(rf, 'at least one of succeededCount or succeededIndexes must be specified'));
    let total = 0;
    if (indexes !== undefined) {
      if (indexes.length > maxSucceededIndexesLength) errs.push(tooLong(`${rf}.succeededIndexes`, maxSucceededIndexesLength));
      const parsed = indexesFormat(indexes, completions);
      if ('error' in parsed) errs.push(invalid(`${rf}.succeededIndexes`, indexes, `error parsing succeededIndexes: ${parsed.error}`));
      else total = parsed.total;
    }
    if (cnt !== undefined) {
      errs.push(...nonNegative(cnt, `${rf}.succeededCount`));
      if (cnt > completions) errs.push(invalid(`${rf}.succeededCount`, cnt, `must be less than or equal to ${completions} (the number of specified completions)`));
      if (indexes !== undefined && cnt > total) {
        errs.push(invalid(`${rf}.succeededCount`, cnt, `must be less than or equal to ${total} (the number of indexes in the specified succeededIndexes field)`));
      }
    }
  });
  return errs;
}

function validateIndexedLimits(spec: Obj, field: string): FieldError[] {
  const errs: FieldError[] = [];
  const completions = typeof spec.completions === 'number' ? spec.completions : undefined;
  const parallelism = typeof spec.parallelism === 'number' ? spec.parallelism : undefined;
  const maxFailed = typeof spec.maxFailedIndexes === 'number' ? spec.maxFailedIndexes : undefined;
  if (completions === undefined) errs.push(required(`${field}.completions`, 'when completion mode is Indexed'));
  if (parallelism !== undefined && parallelism > maxParallelismForIndexedJob) {
    errs.push(invalid(`${field}.parallelism`, parallelism, `must be less than or equal to ${maxParallelismForIndexedJob} when completion mode is Indexed`));
  }
  if (completions !== undefined && maxFailed !== undefined && maxFailed > completions) {
    errs.push(invalid(`${field}.maxFailedIndexes`, maxFailed, 'must be less than or equal to completions'));
  }
  if (maxFailed !== undefined && maxFailed > maxFailedIndexesForIndexedJob) {
    errs.push(invalid(`${field}.maxFailedIndexes`, maxFailed, `must be less than or equal to ${maxFailedIndexesForIndexedJob}`));
  }
  if (completions !== undefined && completions > completionsSoftLimit && present(spec.backoffLimitPerIndex)) {
    if (maxFailed === undefined) errs.push(required(`${field}.maxFailedIndexes`, `must be specified when completions is above ${completionsSoftLimit}`));
    if (parallelism !== undefined && parallelism > parallelismLimitForHighCompletions) {
      errs.push(invalid(`${field}.parallelism`, parallelism, `must be less than or equal to ${parallelismLimitForHighCompletions} when completions are above ${completionsSoftLimit} and used with backoff limit per index`));
    }
    if (maxFailed !== undefined && maxFailed > maxFailedIndexesLimitForHighCompletions) {
      errs.push(invalid(`${field}.maxFailedIndexes`, maxFailed, `must be less than or equal to ${maxFailedIndexesLimitForHighCompletions} when completions are above ${completionsSoftLimit} and used with backoff limit per index`));
    }
  }
  return errs;
}

/** validateJobSpec: everything but the selector (which Jobs and job templates treat differently). */
export function validateJobSpecFields(spec: Obj, field: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const f of ['parallelism', 'completions', 'activeDeadlineSeconds', 'backoffLimit', 'ttlSecondsAfterFinished', 'backoffLimitPerIndex']) {
    errs.push(...nonNegative(spec[f], `${field}.${f}`));
  }
  if (present(spec.maxFailedIndexes)) {
    errs.push(...nonNegative(spec.maxFailedIndexes, `${field}.maxFailedIndexes`));
    if (!present(spec.backoffLimitPerIndex)) errs.push(required(`${field}.backoffLimitPerIndex`, 'when maxFailedIndexes is specified'));
  }
  const managedBy = str(spec.managedBy);
  if (managedBy !== undefined) {
    errs.push(...domainPrefixedPath(managedBy, `${field}.managedBy`));
    if (managedBy.length > maxManagedByLength) errs.push(tooLong(`${field}.managedBy`, maxManagedByLength));
  }
  const mode = spec.completionMode;
  if (present(mode)) {
    if (mode !== 'NonIndexed' && mode !== 'Indexed') errs.push(notSupported(`${field}.completionMode`, mode, ['NonIndexed', 'Indexed']));
    if (mode === 'Indexed') errs.push(...validateIndexedLimits(spec, field));
  }
  if (!present(mode) || mode === 'NonIndexed') {
    if (present(spec.backoffLimitPerIndex)) errs.push(invalid(`${field}.backoffLimitPerIndex`, spec.backoffLimitPerIndex, 'requires indexed completion mode'));
    if (present(spec.maxFailedIndexes)) errs.push(invalid(`${field}.maxFailedIndexes`, spec.maxFailedIndexes, 'requires indexed completion mode'));
  }
  const pfp = rec(spec.podFailurePolicy);
  if (pfp) errs.push(...validatePodFailurePolicy(spec, pfp, `${field}.podFailurePolicy`));
  const sp = rec(spec.successPolicy);
  if (sp) {
    if (mode !== 'Indexed') errs.push(invalid(`${field}.successPolicy`, sp, 'requires indexed completion mode'));
    else errs.push(...validateSuccessPolicy(spec, sp, `${field}.successPolicy`));
  }
  const rpp = spec.podReplacementPolicy;
  if (present(rpp)) {
    if (pfp) {
      if (rpp !== 'Failed') errs.push(notSupported(`${field}.podReplacementPolicy`, rpp, ['Failed']));
    } else if (rpp !== 'Failed' && rpp !== 'TerminatingOrFailed') {
      errs.push(notSupported(`${field}.podReplacementPolicy`, rpp, ['Failed', 'TerminatingOrFailed']));
    }
  }
  errs.push(...validatePodTemplateSpec(spec.template, `${field}.template`));
  // SetDefaults_PodSpec turns an unset restartPolicy into Always, so both mean "not chosen".
  const rp = str(at(spec.template, 'spec.restartPolicy')) ?? '';
  const rpField = `${field}.template.spec.restartPolicy`;
  if (rp === 'Always' || rp === '') errs.push(required(rpField, 'valid values: "OnFailure", "Never"'));
  else if (rp !== 'OnFailure' && rp !== 'Never') errs.push(notSupported(rpField, rp, ['OnFailure', 'Never']));
  else if (pfp && rp !== 'Never') errs.push(invalid(rpField, rp, 'only "Never" is supported when podFailurePolicy is specified'));
  return errs;
}
