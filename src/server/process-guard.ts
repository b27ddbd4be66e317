import type { Logger } from '../logging/logger.ts';

type Guarded = Pick<NodeJS.EventEmitter, 'on' | 'off'>;

/**
 * The last line of defence for "one bad request never kills the server": an exception or a
 * rejected promise that nothing caught (a library that throws inside its own callbacks, as Bolt's
 * receiver did on a `null` body) is logged instead of ending the process and every turn in flight
 * with it. Each turn is one database transaction, so what such an error interrupted is either
 * committed or not applied at all. Returns a function that removes the guard.
 */
export function guardProcess(log: Logger, target: Guarded = process): () => void {
  const onRejection = (reason: unknown) => log.error('a promise failed with nothing to catch it; Trellis keeps running', { error: reason });
  const onException = (error: unknown) => log.error('an error reached the top of the process; Trellis keeps running', { error });
  target.on('unhandledRejection', onRejection);
  target.on('uncaughtException', onException);
  return () => {
    target.off('unhandledRejection', onRejection);
    target.off('uncaughtException', onException);
  };
}
