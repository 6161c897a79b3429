// exec probes (pkg/probe/exec over the runtime's ExecSync): exit 0 is success, any other
// exit a failure whose output is the command's stdout then stderr (at most 10 KiB), a
// timeout a failure reading `command timed out: "<cmd>" timed out after 1s` (the CRI
// client's ErrCommandTimedOut), and any other runtime error makes the probe error out.
// As upstream, $(VAR) in the command sees only the container's literal env values
// (ExpandContainerCommandOnlyStatic): a valueFrom variable expands to nothing.
import { arr, recs, str, type Obj } from '../../resources/shared/access.js';
import { goDuration } from '../backoff.js';
import { expand, mappingFor } from '../podConfig/expansion.js';
import type { StreamingRuntime } from '../runtime.js';
import { goQuote, maxProbeOutputBytes, type ProbeOutcome } from './types.js';

/** The probe's command with $(VAR) expanded against the container's static env. */
export function execProbeCommand(exec: Obj, container: Obj): string[] {
  const env = new Map<string, string>();
  for (const e of recs(container.env)) {
    // A valueFrom variable maps to its (empty) literal value, as upstream's v1EnvVarsToMap.
    const name = str(e.name);
    if (name !== undefined) env.set(name, str(e.value) ?? '');
  }
  const mapping = mappingFor(env);
  return arr(exec.command).map((c) => expand(typeof c === 'string' ? c : String(c), mapping));
}

export async function runExecProbe(streaming: StreamingRuntime | undefined, containerId: string, command: string[], timeoutSeconds: number): Promise<ProbeOutcome> {
  if (!streaming) return { result: 'unknown', output: '', error: 'exec probes need a runtime that can exec in containers' };
  let res;
  try {
    res = await streaming.execSync(containerId, command, timeoutSeconds);
  } catch (e) {
    return { result: 'unknown', output: '', error: e instanceof Error ? e.message : String(e) };
  }
  if (res.timedOut) return { result: 'failure', output: `command timed out: ${goQuote(command.join(' '))} timed out after ${goDuration(timeoutSeconds * 1000)}` };
  const output = Buffer.concat([res.stdout, res.stderr]).subarray(0, maxProbeOutputBytes).toString('utf8');
  return { result: res.exitCode === 0 ? 'success' : 'failure', output };
}
