import { maskPersonalData, toJsonValue, type JsonValue } from './domain/audit';

/** Structured logs on stdout. Callers pass ids and codes only: never names, ID numbers, phones or request bodies. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const order: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** An Error as JSON: name, message, stack (JSON.stringify would drop them all). */
function plain(value: unknown, depth = 0): unknown {
  if (value instanceof Error) return { name: value.name, message: value.message, ...(value.stack && { stack: value.stack }) };
  if (typeof value === 'bigint') return String(value);
  if (depth < 5 && value !== null && typeof value === 'object' && !Array.isArray(value)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v, depth + 1)]));
  }
  return value;
}

/**
 * A log line's content with ID numbers, phones and bank account numbers masked wherever they appear (by field
 * name and by shape, as the audit log masks them). The last guard: callers still keep personal data out, but an
 * error message can quote it (a Postgres unique violation names the key), and the Temporal SDK logs activity errors.
 */
export function redactForLog(value: unknown): JsonValue {
  try {
    return maskPersonalData(toJsonValue(plain(value)));
  } catch {
    return '[unserialisable]';
  }
}

export function createLogger(level: LogLevel, component: string, write: (line: string) => void = (l) => process.stdout.write(l + '\n')): Logger {
  const log = (at: LogLevel) => (message: string, fields: Record<string, unknown> = {}) => {
    if (order[at] >= order[level]) write(JSON.stringify(redactForLog({ time: new Date().toISOString(), level: at, component, message, ...fields })));
  };
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}
