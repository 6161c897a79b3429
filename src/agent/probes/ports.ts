// probe.ResolveContainerPort: a probe's port is a number, or the name of one of the
// container's ports, or (last ditch, as upstream) a number written as a string. The errors
// carry Go's wording (`strconv.Atoi: parsing "http": invalid syntax`): they end up in the
// "probe errored" Events users search for.
import { num, recs, str, type Obj } from '../../resources/shared/access.js';

export function resolveContainerPort(port: unknown, container: Obj): number | Error {
  let n: number;
  if (typeof port === 'number') n = port;
  else if (typeof port === 'string') {
    const named = recs(container.ports).find((p) => str(p.name) === port);
    if (named) n = num(named.containerPort) ?? 0;
    else if (/^[+-]?\d+$/.test(port)) {
      n = Number(port);
      if (!Number.isSafeInteger(n) || Math.abs(n) > 2 ** 63) return new Error(`strconv.Atoi: parsing ${JSON.stringify(port)}: value out of range`);
    } else return new Error(`strconv.Atoi: parsing ${JSON.stringify(port)}: invalid syntax`);
  } else return new Error(`intOrString had no kind: ${JSON.stringify(port ?? null)}`);
  if (n > 0 && n < 65536) return n;
  return new Error(`invalid port number: ${n}`);
}
