import { DefaultLogger, type LogEntry, type LogLevel } from '@temporalio/worker';
import { redactForLog } from '../logger';

/**
 * The Temporal SDK's logger (Runtime.install): its own lines, workflow and activity context logs, and core's
 * forwarded lines, written as JSON like ours and redacted the same way: the SDK logs an activity's error with
 * its message, which may quote personal data.
 */
export function createTemporalRuntimeLogger(level: LogLevel, write: (line: string) => void = (l) => process.stderr.write(l + '\n')): DefaultLogger {
  return new DefaultLogger(level, ({ level: at, message, meta, timestampNanos }: LogEntry) => {
    const time = new Date(Number(timestampNanos / 1_000_000n)).toISOString();
    write(JSON.stringify(redactForLog({ time, level: at.toLowerCase(), component: 'temporal', message, ...meta })));
  });
}
