// A container's environment as the kubelet's makeEnvironmentVariables builds it:
// 1. envFrom sources in order (configMapRef / secretRef, with prefix; a missing optional
//    source is skipped; keys that are not valid env var names are skipped and reported
//    with the InvalidEnvironmentVariableNames warning);
// 2. env in declared order: `value` with $(VAR) expanded against the variables so far and
//    the service env, or valueFrom (fieldRef, resourceFieldRef, configMapKeyRef,
//    secretKeyRef; optional refs to missing objects or keys are skipped);
// 3. the remaining service env variables.
// Upstream emits step 1–2 from a Go map (arbitrary order); we keep first-set order.
import { record, records, str } from '../../machinery/jsonAccess.js';
import type { KubeObject } from '../../machinery/types.js';
import { ContainerConfigError } from './errors.js';
import { expand, mappingFor } from './expansion.js';
import { podFieldValue, type PodIPContext } from './fieldPath.js';
import { notFoundText, type ConfigData, type Lookup } from './lookup.js';
import { resourceFieldValue } from './resourceField.js';
import { serviceEnv } from './serviceEnv.js';

export interface EnvVar {
  key: string;
  value: string;
}

export interface EnvContext extends PodIPContext {
  lookup: Lookup;
  /** Node.status.allocatable, for resourceFieldRef limits the container leaves unset. */
  allocatable: () => Promise<Record<string, unknown>>;
  warn: (reason: string, message: string) => void;
}

/** validation.IsEnvVarName (C identifiers plus `-` and `.`). */
const envVarName = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

export async function makeEnvironmentVariables(pod: KubeObject, container: Record<string, unknown>, ctx: EnvContext): Promise<EnvVar[]> {
  const ns = pod.metadata.namespace ?? '';
  const spec = record(pod.spec) ?? {};
  const services = serviceEnv(await ctx.lookup.services(ns), ns, spec.enableServiceLinks !== false);
  const configMaps = new Map<string, ConfigData>();
  const secrets = new Map<string, ConfigData>();

  // One fetch per object per container, as upstream's local maps do.
  const fetch = async (kind: 'configmap' | 'secret', name: string, optional: boolean): Promise<ConfigData | undefined> => {
    const cache = kind === 'configmap' ? configMaps : secrets;
    const hit = cache.get(name);
    if (hit) return hit;
    const data = kind === 'configmap' ? await ctx.lookup.configMap(ns, name) : await ctx.lookup.secret(ns, name);
    if (!data) {
      if (optional) return undefined;
      throw new ContainerConfigError(notFoundText(kind, name));
    }
    cache.set(name, data);
    return data;
  };

  const env = new Map<string, string>();
  for (const from of records(container.envFrom)) {
    const cmRef = record(from.configMapRef);
    const ref = cmRef ?? record(from.secretRef);
    if (!ref) continue;
    const kind = cmRef ? 'configmap' : 'secret';
    const name = str(ref.name) ?? '';
    const data = await fetch(kind, name, ref.optional === true);
    if (!data) continue;
    const prefix = str(from.prefix) ?? '';
    const invalid: string[] = [];
    for (const k of [...data.strings.keys()].sort()) {
      const key = prefix + k;
      if (!envVarName.test(key)) {
        invalid.push(key);
        continue;
      }
      env.set(key, data.strings.get(k) ?? '');
    }
    if (invalid.length > 0) {
      ctx.warn(
        'InvalidEnvironmentVariableNames',
        `Keys [${invalid.join(', ')}] from the EnvFrom ${kind === 'configmap' ? 'configMap' : 'secret'} ${ns}/${name} were skipped since they are considered invalid environment variable names.`,
      );
    }
  }

  const mapping = mappingFor(env, services);
  for (const e of records(container.env)) {
    const name = str(e.name) ?? '';
    const value = str(e.value) ?? '';
    const from = record(e.valueFrom);
    if (value !== '' || !from) {
      env.set(name, expand(value, mapping));
      continue;
    }
    const resolved = await valueFrom(from);
    if (resolved !== undefined) env.set(name, resolved);
  }

  async function valueFrom(from: Record<string, unknown>): Promise<string | undefined> {
    const fieldRef = record(from.fieldRef);
    if (fieldRef) return podFieldValue(pod, fieldRef, ctx);
    const resRef = record(from.resourceFieldRef);
    if (resRef) return resourceFieldValue(resRef, pod, container, await ctx.allocatable());
    const keyRef = record(from.configMapKeyRef) ?? record(from.secretKeyRef);
    if (!keyRef) return '';
    const isCm = record(from.configMapKeyRef) !== undefined;
    const name = str(keyRef.name) ?? '';
    const key = str(keyRef.key) ?? '';
    const optional = keyRef.optional === true;
    const data = await fetch(isCm ? 'configmap' : 'secret', name, optional);
    if (!data) return undefined;
    const v = data.strings.get(key);
    // A ConfigMap's binaryData is not visible to env; only data is.
    if (v !== undefined) return v;
    if (optional) return undefined;
    throw new ContainerConfigError(`couldn't find key ${key} in ${isCm ? 'ConfigMap' : 'Secret'} ${ns}/${name}`);
  }

  const out: EnvVar[] = [...env].map(([key, value]) => ({ key, value }));
  for (const [key, value] of services) if (!env.has(key)) out.push({ key, value });
  return out;
}
