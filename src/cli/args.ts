// Flag parsing for the skiff command: `--flag value`, `--flag=value` and boolean `--flag`.
export interface FlagSpec {
  name: string;
  type: 'string' | 'number' | 'boolean';
  help: string;
  /** Shown in help; the real default comes from the server config. */
  defaultText?: string;
}

export class UsageError extends Error {}

export function parseFlags(argv: readonly string[], specs: readonly FlagSpec[]): { flags: Record<string, string | number | boolean>; rest: string[] } {
  const flags: Record<string, string | number | boolean> = {};
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) {
      rest.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    const spec = specs.find((s) => s.name === name);
    if (!spec) throw new UsageError(`unknown flag: --${name}`);
    let value: string | undefined = eq < 0 ? undefined : arg.slice(eq + 1);
    if (spec.type === 'boolean') {
      flags[name] = value === undefined ? true : value !== 'false';
      continue;
    }
    if (value === undefined) {
      value = argv[++i];
      if (value === undefined) throw new UsageError(`flag needs an argument: --${name}`);
    }
    if (spec.type === 'number') {
      const n = Number(value);
      if (!Number.isInteger(n) || n < 0) throw new UsageError(`invalid value "${value}" for --${name}: must be a non-negative integer`);
      flags[name] = n;
    } else {
      flags[name] = value;
    }
  }
  return { flags, rest };
}

export function usage(command: string, summary: string, specs: readonly FlagSpec[]): string {
  const lines = specs.map((s) => {
    const left = `  --${s.name}${s.type === 'boolean' ? '' : ` ${s.type === 'number' ? 'N' : 'VALUE'}`}`;
    return `${left.padEnd(34)} ${s.help}${s.defaultText ? ` (default ${s.defaultText})` : ''}`;
  });
  return `Usage: skiff ${command} [flags]\n\n${summary}\n\nFlags:\n${lines.join('\n')}\n`;
}
