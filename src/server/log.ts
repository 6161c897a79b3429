// A small leveled logger writing one line per message to stderr.
export type LogLevel = 'error' | 'warn' | 'info' | 'debug';

const order: Record<LogLevel, number> = { error: 0, warn: 1, info: 2, debug: 3 };

export interface Logger {
  error(msg: string): void;
  warn(msg: string): void;
  info(msg: string): void;
  debug(msg: string): void;
}

export function createLogger(level: LogLevel, write: (line: string) => void = (l) => process.stderr.write(l)): Logger {
  const at = (l: LogLevel) => (msg: string): void => {
    if (order[l] <= order[level]) write(`${new Date().toISOString()} ${l.toUpperCase().padEnd(5)} ${msg}\n`);
  };
  return { error: at('error'), warn: at('warn'), info: at('info'), debug: at('debug') };
}

export function isLogLevel(v: string): v is LogLevel {
  return v in order;
}
