// spec.successPolicy of Indexed Jobs (upstream success_policy.go, GA in 1.33): the first
// rule met — all of its succeededIndexes, or succeededCount of them, or succeededCount
// indexes overall — declares the Job successful ("Matched rules at index N").
import { type Obj, num, recs, str } from '../shared/meta.js';
import { type OrderedIntervals, parseIndexes, totalIndexes } from './indexes.js';

function matchSucceededIndexesRule(rule: OrderedIntervals, succeeded: OrderedIntervals, succeededCount: number | undefined): boolean {
  let contains = 0;
  let s = 0;
  let r = 0;
  while (r < rule.length && s < succeeded.length) {
    const overlap = Math.min(rule[r].last, succeeded[s].last) - Math.max(rule[r].first, succeeded[s].first) + 1;
    if (overlap > 0) contains += overlap;
    if (succeeded[s].last < rule[r].last) s++;
    else if (succeeded[s].last > rule[r].last) r++;
    else {
      s++;
      r++;
    }
  }
  return contains === totalIndexes(rule) || (succeededCount !== undefined && contains >= succeededCount);
}

/** The SuccessCriteriaMet message when a rule is met, else undefined. */
export function matchSuccessPolicy(policy: Obj | undefined, completions: number, succeeded: OrderedIntervals): string | undefined {
  if (!policy || succeeded.length === 0) return undefined;
  const rules = recs(policy.rules);
  for (let index = 0; index < rules.length; index++) {
    const rule = rules[index];
    const count = num(rule.succeededCount);
    const indexes = str(rule.succeededIndexes);
    if (indexes !== undefined) {
      const required = parseIndexes(indexes, completions);
      if (required.length === 0) continue;
      if (matchSucceededIndexesRule(required, succeeded, count)) return `Matched rules at index ${index}`;
    } else if (count !== undefined && totalIndexes(succeeded) >= count) {
      return `Matched rules at index ${index}`;
    }
  }
  return undefined;
}
