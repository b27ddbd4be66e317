import type { Clock } from '../core/time/clock.ts';
import type { Output } from './output.ts';

/** What every command gets: where to print, the environment to configure from, and the clock. */
export interface CommandContext {
  output: Output;
  env: NodeJS.ProcessEnv;
  clock: Clock;
}
