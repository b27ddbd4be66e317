import type { Clock } from '../core/time/clock.ts';
import type { Output } from './output.ts';

/** What every command gets: where to print, the environment to configure from, and the clock. */
export interface CommandContext {
  output: Output;
  env: NodeJS.ProcessEnv;
  clock: Clock;
  /** Long-running commands (`start`) stop when this aborts: Ctrl-C, SIGTERM, or a test. */
  stop?: AbortSignal | undefined;
}
