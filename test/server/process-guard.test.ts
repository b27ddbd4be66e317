import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { Logger } from '../../src/logging/logger.ts';
import { guardProcess } from '../../src/server/process-guard.ts';

describe('the process-wide guard', () => {
  it('logs an uncaught exception or an unhandled rejection instead of letting it end the process, and can be removed', () => {
    const target = new EventEmitter();
    const lines: { message: string; error: unknown }[] = [];
    const log: Logger = { error: (message, details) => lines.push({ message, error: details?.error }), warn: () => {}, info: () => {}, debug: () => {} };
    const unguard = guardProcess(log, target);
    const rejection = new TypeError("Cannot read properties of null (reading 'ssl_check')");
    target.emit('unhandledRejection', rejection, Promise.resolve());
    target.emit('uncaughtException', new Error('thrown in a callback'));
    expect(lines).toEqual([
      { message: 'a promise failed with nothing to catch it; Trellis keeps running', error: rejection },
      { message: 'an error reached the top of the process; Trellis keeps running', error: new Error('thrown in a callback') },
    ]);
    unguard();
    expect(target.listenerCount('unhandledRejection') + target.listenerCount('uncaughtException')).toBe(0);
  });
});
