// `$(VAR)` expansion exactly as upstream's third_party/forked/golang/expansion: `$$` is an
// escaped `$`, a reference to an unknown variable is left as written, an unterminated
// `$(` and a `$` before anything but `(` or `$` are copied through, and there is no
// recursion (a value that itself contains `$(X)` is not expanded again).

export type Mapping = (name: string) => string;

/** MappingFuncFor: the first context holding `name` wins; unknown names map to `$(name)`. */
export function mappingFor(...contexts: ReadonlyArray<ReadonlyMap<string, string>>): Mapping {
  return (name) => {
    for (const ctx of contexts) {
      const v = ctx.get(name);
      if (v !== undefined) return v;
    }
    return `$(${name})`;
  };
}

export function expand(input: string, mapping: Mapping): string {
  let out = '';
  let checkpoint = 0;
  for (let cursor = 0; cursor < input.length; cursor++) {
    if (input[cursor] !== '$' || cursor + 1 >= input.length) continue;
    out += input.slice(checkpoint, cursor);
    const rest = input.slice(cursor + 1);
    let advance = 1;
    if (rest[0] === '$') {
      out += '$';
    } else if (rest[0] === '(') {
      const close = rest.indexOf(')', 1);
      if (close >= 0) {
        out += mapping(rest.slice(1, close));
        advance = close + 1;
      } else {
        // Incomplete reference: keep `$(` and go on scanning after it.
        out += '$(';
      }
    } else {
      out += `$${rest[0]}`;
    }
    cursor += advance;
    checkpoint = cursor + 1;
  }
  return out + input.slice(checkpoint);
}

/** ExpandContainerCommandAndArgs: command and args expanded against the container's final env. */
export function expandCommandAndArgs(command: readonly string[], args: readonly string[], env: ReadonlyArray<{ key: string; value: string }>): { command: string[]; args: string[] } {
  const mapping = mappingFor(envMap(env));
  return { command: command.map((c) => expand(c, mapping)), args: args.map((a) => expand(a, mapping)) };
}

/**
 * ExpandContainerVolumeMounts: subPathExpr against the container's env; a reference to a
 * variable that is unset or empty fails with `missing value for A, B` (sorted names).
 */
export function expandSubPathExpr(expr: string, env: ReadonlyArray<{ key: string; value: string }>): string {
  const vars = envMap(env);
  const missing = new Set<string>();
  const expanded = expand(expr, (name) => {
    const v = vars.get(name);
    if (!v) missing.add(name);
    return v ?? '';
  });
  if (missing.size > 0) throw new Error(`missing value for ${[...missing].sort().join(', ')}`);
  return expanded;
}

function envMap(env: ReadonlyArray<{ key: string; value: string }>): Map<string, string> {
  const m = new Map<string, string>();
  for (const { key, value } of env) m.set(key, value);
  return m;
}
