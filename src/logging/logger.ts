import type { LogLevel } from '../config/load-config.ts';

/** What Trellis logs through. One line per event, with details as JSON, so a school's IT can grep it. */
export interface Logger {
  error(message: string, details?: Record<string, unknown>): void;
  warn(message: string, details?: Record<string, unknown>): void;
  info(message: string, details?: Record<string, unknown>): void;
  debug(message: string, details?: Record<string, unknown>): void;
}

const RANK: Record<LogLevel, number> = { fatal: 0, error: 1, warn: 2, info: 3, debug: 4, trace: 5, silent: -1 };

export function consoleLogger(level: LogLevel, write: (line: string) => void = (line) => process.stderr.write(`${line}\n`)): Logger {
  const at = (name: Exclude<LogLevel, 'silent' | 'fatal' | 'trace'>) => (message: string, details?: Record<string, unknown>) => {
    if (RANK[level] < RANK[name]) return;
    write(`${new Date().toISOString()} ${name.toUpperCase()} ${message}${details === undefined ? '' : ` ${JSON.stringify(details, errorsAsText)}`}`);
  };
  return { error: at('error'), warn: at('warn'), info: at('info'), debug: at('debug') };
}

export const silentLogger: Logger = { error: () => {}, warn: () => {}, info: () => {}, debug: () => {} };

function errorsAsText(_key: string, value: unknown): unknown {
  return value instanceof Error ? `${value.name}: ${value.message}` : value;
}
