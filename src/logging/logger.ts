import { AsyncLocalStorage } from 'node:async_hooks';
import { pino } from 'pino';
import type { LogFormat, LogLevel } from '../config/load-config.ts';

/**
 * What Trellis logs through: one event a line, with details. Details are ids, counts and outcomes,
 * never what someone typed or was sent (a test sends a secret phrase through every channel and
 * finds it in no log line).
 */
export interface Logger {
  error(message: string, details?: Record<string, unknown>): void;
  warn(message: string, details?: Record<string, unknown>): void;
  info(message: string, details?: Record<string, unknown>): void;
  debug(message: string, details?: Record<string, unknown>): void;
}

/** Fields every line logged inside `withLogContext` carries: the HTTP request's id, the school. */
export interface LogContext {
  requestId?: string;
  school?: string;
}

const context = new AsyncLocalStorage<LogContext>();

/** Runs `work` with `fields` added to every line it (and whatever it awaits) logs. */
export function withLogContext<T>(fields: LogContext, work: () => T): T {
  return context.run({ ...context.getStore(), ...fields }, work);
}

/** Adds fields to the context already running (the school, once a request has found out whose it is). */
export function addLogContext(fields: LogContext): void {
  const store = context.getStore();
  if (store !== undefined) Object.assign(store, fields);
}

/**
 * The format when LOG_FORMAT does not say: readable lines on a terminal, JSON (one object a line,
 * for a log collector) everywhere else.
 */
export function defaultLogFormat(stream: { isTTY?: boolean } = process.stderr): LogFormat {
  return stream.isTTY === true ? 'pretty' : 'json';
}

/**
 * Trellis's logger, over pino: JSON lines with `level`, `time`, `msg`, the context's `requestId` and
 * `school`, and the details; or, with `pretty`, `time LEVEL message {details}` for a person reading
 * a terminal. Lines go to standard error unless `write` is given.
 */
export function consoleLogger(level: LogLevel, write?: (line: string) => void, format: LogFormat = defaultLogFormat()): Logger {
  const sink = write ?? ((line: string) => process.stderr.write(`${line}\n`));
  // pino hands over each line as JSON ending in a newline.
  const destination = { write: (json: string) => sink(format === 'json' ? json.trimEnd() : prettyLine(json)) };
  const log = pino(
    {
      level,
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      serializers: { error: errorAsText },
      mixin: () => ({ ...context.getStore() }),
    },
    destination,
  );
  const at =
    (name: 'error' | 'warn' | 'info' | 'debug') =>
    (message: string, details?: Record<string, unknown>): void => {
      if (details === undefined) log[name](message);
      else log[name](details, message);
    };
  return { error: at('error'), warn: at('warn'), info: at('info'), debug: at('debug') };
}

export const silentLogger: Logger = { error: () => {}, warn: () => {}, info: () => {}, debug: () => {} };

/** An error as its name and message: a log line says what failed, never a stack trace. */
function errorAsText(value: unknown): unknown {
  return value instanceof Error ? `${value.name}: ${value.message}` : value;
}

/** One JSON line from pino as `time LEVEL message {the rest}`. */
function prettyLine(json: string): string {
  const { time, level, msg, pid: _pid, ...rest } = JSON.parse(json) as Record<string, unknown>;
  const details = Object.keys(rest).length === 0 ? '' : ` ${JSON.stringify(rest)}`;
  return `${String(time)} ${String(level).toUpperCase()} ${String(msg)}${details}`;
}
